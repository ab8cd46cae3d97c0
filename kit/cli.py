"""The `kit` command: thin wrappers around the kit, one subcommand per job.

``kit handouts [WORKSHOP] [--out DIR] [--lang nl,en] [--format html,pdf] [--jobs N]``
writes a workshop's handouts. Every subcommand is a module with
``add_arguments(parser)`` and ``run(args) -> int``, listed in :data:`COMMANDS`; a
subcommand whose module is not installed is simply not offered.

Exit codes: 0 when everything was written, 1 when a notebook run failed (nothing
changed), 2 for a user mistake (one line on stderr, no traceback), 130 for Ctrl-C.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from kit.text import LANGUAGES, t

FORMATS = ("html", "pdf")
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

COMMANDS = {
    "handouts": (
        "kit.cli",
        "add_handouts_arguments",
        "run_handouts",
        "write a workshop's handouts as offline HTML and PDF",
    ),
    "present": ("kit.present", "add_arguments", "run", "serve the stories as a code-free app"),
}
"""Subcommand -> (module, function adding its options, function running it, help)."""


class KitParser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse's hook
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The `kit` parser with every available subcommand."""
    parser = KitParser(prog="kit", description="Workshop kit: handouts, presenter mode.")
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    for name, (module_name, add_name, run_name, help_text) in COMMANDS.items():
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        sub = commands.add_parser(name, help=help_text, description=help_text)
        getattr(module, add_name)(sub)
        sub.set_defaults(run=getattr(module, run_name), parser=sub)
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


# ----------------------------------------------------------------------------- kit handouts


def _comma_list(allowed: Sequence[str], what: str):
    def parse(text: str) -> tuple[str, ...]:
        items = [item.strip().lower() for item in text.split(",") if item.strip()]
        wrong = [item for item in items if item not in allowed]
        if wrong or not items:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not allowed: {what} from {', '.join(allowed)}, comma-separated"
            )
        return tuple(dict.fromkeys(items))

    return parse


def whole_number_in(low: int, high: int, allowed: str):
    """An argparse ``type``: a whole number from ``low`` to ``high``.

    A mistake reads like the kit's other messages: ``0 is not allowed: from 1 to 64``.
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a whole number ({allowed})"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not allowed: {allowed}")
        return value

    return parse


def add_handouts_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``kit handouts``' arguments to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
    """
    parser.add_argument(
        "workshop",
        nargs="?",
        type=Path,
        help="workshop file (YAML); default: the kit's data/workshops/default.yaml",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("handouts"),
        help="handouts folder, replaced only when everything was written (default: handouts)",
    )
    parser.add_argument(
        "--lang",
        type=_comma_list(LANGUAGES, "languages"),
        default=None,
        help="languages, e.g. nl,en (default: the workshop's)",
    )
    parser.add_argument(
        "--format",
        type=_comma_list(FORMATS, "formats"),
        default=FORMATS,
        help="html, pdf or html,pdf (default: both)",
    )
    parser.add_argument(
        "--jobs",
        type=whole_number_in(1, 64, "from 1 to 64"),
        default=os.cpu_count() or 1,
        help=f"handouts written at the same time (default: {os.cpu_count() or 1}, the cores)",
    )


def run_handouts(args: argparse.Namespace) -> int:
    """Write the handouts ``args`` ask for; return the exit code.

    Parameters
    ----------
    args : argparse.Namespace
        From :func:`add_handouts_arguments`.

    Returns
    -------
    int
    """
    # imported here: `kit present` starts faster without pydantic and the workshop schema
    from kit.workshop import DEFAULT_WORKSHOP, WorkshopError, load_workshop

    try:
        workshop = load_workshop(args.workshop or DEFAULT_WORKSHOP)
    except WorkshopError as error:
        return _mistake(error)
    from kit import handouts  # papermill and nbconvert: only once the input is sound

    language = (args.lang or workshop.languages)[0]
    out = args.out.resolve()
    progress = HandoutProgress(language)
    try:
        with progress:
            outcome = handouts.write_handouts(
                workshop, out, args.lang, args.format, args.jobs, report=progress.report
            )
    except handouts.HandoutsError as error:
        return _mistake(error)
    except handouts.HandoutError as error:
        return _failed(str(error), out, language)
    except KeyboardInterrupt:
        _failed("interrupted (Ctrl-C)", out, language)
        return EXIT_INTERRUPTED
    except OSError as error:
        return _failed(
            f"{error.strerror or error}: {error.filename or ''}".rstrip(": "), out, language
        )
    show_summary(outcome, language)
    return EXIT_OK


def _mistake(error: Exception) -> int:
    print(f"kit handouts: error: {error}", file=sys.stderr)
    return EXIT_USAGE


def _failed(reason: str, out: Path, language: str) -> int:
    print(f"kit handouts: failed: {reason}", file=sys.stderr)
    print(t("handouts.failed", language, folder=out), file=sys.stderr)
    return EXIT_FAILED


class HandoutProgress:
    """Progress on the terminal: a bar with N of M and the time, one line per handout.

    Off a terminal (CI, a log file) only the lines are printed.
    """

    def __init__(self, language: str) -> None:
        self.console = Console(stderr=True, highlight=False)
        self.language = language
        self.started = time.perf_counter()
        self.bar: Progress | None = None
        self.task: Any = None

    def __enter__(self) -> HandoutProgress:
        self.started = time.perf_counter()
        if self.console.is_terminal:
            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(t("handouts.progress", self.language), total=None)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def report(self, done: int, total: int, written: Any) -> None:
        """Print one finished handout: N of M, elapsed, notebook, language, participant."""
        elapsed = time.perf_counter() - self.started
        line = Text(f"[{done}/{total} {elapsed:5.1f} s] ")
        line.append(written.handout.label)
        line.append(f"  {written.seconds:.1f} s", style="dim")
        self.console.print(line)
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total)


def show_summary(outcome: Any, language: str) -> None:
    """Print the table of written handouts and where the manifest is."""
    console = Console(highlight=False)
    title = t("handouts.summary_title", language, folder=outcome.folder)
    table = Table(title=Text(title), title_justify="left")
    for key in ("notebook", "language", "participant", "files"):
        table.add_column(t(f"handouts.summary_{key}", language))
    table.add_column(t("handouts.summary_seconds", language), justify="right")
    everyone = t("handouts.everyone", language)
    for written in outcome.written:
        handout = written.handout
        files = ", ".join(
            f"{Path(f['path']).suffix[1:]} {_size(f['bytes'])}"
            for f in written.files
            if not f["path"].endswith(".ipynb")
        )
        table.add_row(
            Text(Path(handout.notebook).stem),
            Text(handout.language),
            Text(handout.participant or everyone),
            Text(files),
            f"{written.seconds:.1f}",
        )
    console.print(table)
    done = t(
        "handouts.done",
        language,
        count=len(outcome.files),
        seconds=f"{outcome.seconds:.1f}",
        manifest=outcome.folder / "manifest.json",
    )
    console.print(Text(done))


def _size(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f} MB"
    return f"{count / 1000:.0f} kB"
