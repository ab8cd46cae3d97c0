"""The `kit` command: builds the parser from the subcommands and runs the one asked for.

``kit handouts ...`` writes a workshop's handouts, ``kit present ...`` serves the stories.
Each subcommand is a light module in :mod:`kit.commands` with ``HELP``,
``add_arguments(parser)`` and ``run(args) -> int``; it imports whatever is slow inside
``run``, so building this parser costs only the light modules.

Exit codes: 0 when everything was done, 1 when a run failed (nothing changed), 2 for a
user mistake (one line on stderr, no traceback), 130 for Ctrl-C.
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import os
import sys
import threading
from collections.abc import Sequence

from kit.commands import EXIT_INTERRUPTED, EXIT_USAGE

COMMANDS: dict[str, str] = {
    "init": "kit.commands.init",
    "handouts": "kit.commands.handouts",
    "present": "kit.commands.present",
    "export-site": "kit.commands.export_site",
    "cache": "kit.commands.cache",
}
"""Subcommand name -> its module, in the order ``--help`` lists them.

They are imported by :func:`build_parser`, inside :func:`command`'s watch for Ctrl-C:
importing them takes a quarter of a second.
"""


class KitParser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse's hook
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The `kit` parser with every subcommand."""
    parser = KitParser(prog="kit", description="Workshop kit: handouts, presenter mode.")
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    for name, module in COMMANDS.items():
        command = importlib.import_module(module)
        sub = commands.add_parser(name, help=command.HELP, description=command.HELP)
        command.add_arguments(sub)
        sub.set_defaults(run=command.run, parser=sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `kit` with ``argv`` (default: the command line); return the exit code."""
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:
            getattr(args, "parser", parser).error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as done:  # --help, or a mistake argparse already reported
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    if getattr(args, "run", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    return args.run(args)


def command() -> None:
    """The ``kit`` program (and ``python -m kit``): :func:`main`, then a quick exit.

    ``kit handouts`` imports papermill, nbconvert, Altair and pandas, and Python's own
    teardown of them at exit took 0.35-0.47 s, a tenth of a default workshop's run,
    after every file was written and every process stopped. So once :func:`main` has
    returned, the exit handlers run (temporary folders, logging, multiprocessing) and
    the process ends without that teardown, unless a thread of the command is still at
    work, which a normal exit waits for.

    A Ctrl-C while the kit is still loading, before a command handles stops itself,
    ends it with one line and exit code 130: nothing was started yet.
    """
    try:
        code = main()
    except KeyboardInterrupt:
        print("kit: interrupted while starting (nothing was left behind).", file=sys.stderr)
        code = EXIT_INTERRUPTED
    if any(thread.is_alive() and not thread.daemon for thread in _other_threads()):
        raise SystemExit(code)
    atexit._run_exitfuncs()  # what Python runs at exit before its teardown
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (kit ... | head): nothing more to say
            pass
    os._exit(code)


def _other_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread is not threading.main_thread()]
