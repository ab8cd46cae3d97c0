"""``kit present [--lang en] [--room] [--ip IP] [--port N] [--record DIR] ... [--lab]``.

Serves the story notebooks as a code-free app (see :mod:`kit.present`). This module
holds only the command line and the stop signals; :mod:`kit.present` is light to
import, and Voilà is imported only when the command runs, after its options were checked.
"""

from __future__ import annotations

import argparse
import datetime
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from kit import present
from kit.commands import EXIT_INTERRUPTED, EXIT_USAGE
from kit.commands.args import directory, ip_address, minutes, whole_number_in
from kit.present import DEFAULT_PORT, LOOPBACK, PresentError
from kit.present.app import STOP_SIGNALS
from kit.resources import NOTEBOOKS
from kit.text import LANGUAGES, t

HELP = "serve the stories as a code-free app"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``kit present``'s options to ``parser`` (a subcommand's or a standalone one).

    Parameters
    ----------
    parser : argparse.ArgumentParser
    """
    parser.add_argument(
        "--lang", choices=LANGUAGES, default="en", help="language of the index page (default en)"
    )
    parser.add_argument(
        "--room",
        action="store_true",
        help="serve the room: bind to this machine's network address, print a QR code",
    )
    parser.add_argument(
        "--ip",
        type=ip_address,
        help=f"address to listen on (default {LOOPBACK}; --room: this machine's)",
    )
    parser.add_argument(
        "--port",
        type=whole_number_in(0, 65535, "from 0 (any free port) to 65535"),
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--max-participants",
        type=whole_number_in(1, 500, "from 1 to 500"),
        default=40,
        help="kernels at most; one more participant sees 'the room is full' (default 40)",
    )
    parser.add_argument(
        "--idle-minutes",
        type=minutes,
        default=15.0,
        help="close a participant's kernel after this many idle minutes with no page (default 15)",
    )
    parser.add_argument(
        "--pool",
        type=whole_number_in(0, 20, "from 0 to 20"),
        help="preheated kernels per story (default 1; --room: 2)",
    )
    parser.add_argument(
        "--cell-timeout",
        type=whole_number_in(1, 3600, "from 1 to 3600 seconds"),
        default=60,
        help="seconds a notebook cell may run while a page loads (default 60)",
    )
    parser.add_argument(
        "--notebooks",
        type=directory,
        default=NOTEBOOKS,
        help="directory with the story notebooks (default: the kit's notebooks/)",
    )
    parser.add_argument(
        "--record",
        type=record_folder,
        metavar="DIR",
        help="record the room's votes in DIR (made if missing; its votes.jsonl is carried on); "
        "default with --room: room/<date_time>/ here; without --room: in memory only",
    )
    parser.add_argument(
        "--kernel-free",
        action="store_true",
        help="serve everyone the kernel-free pages (charts drawn in each browser): no kernels, "
        "any number of participants; without it, a room sends those beyond "
        "--max-participants there",
    )
    parser.add_argument(
        "--lab",
        action="store_true",
        help="open JupyterLab on the notebooks instead (with its token; never for the room)",
    )


def options_from(args: argparse.Namespace):
    """Turn parsed arguments into :class:`kit.present.Options`, choosing the room's address.

    Raises
    ------
    PresentError
        For combinations that make no sense or are unsafe (``--lab --room``), or a room
        on a machine without a network address.
    """
    if args.lab and args.room:
        raise PresentError(
            "--lab cannot be combined with --room: JupyterLab runs any code a visitor types; "
            "serve the room with `kit present --room`"
        )
    if args.lab and args.record is not None:
        raise PresentError("--lab cannot be combined with --record: JupyterLab takes no votes")
    if args.kernel_free:
        for flag, given in (("--lab", args.lab), ("--pool", args.pool), ("--record", args.record)):
            if given not in (None, False):
                raise PresentError(
                    f"--kernel-free cannot be combined with {flag}: the kernel-free pages run "
                    "no kernel and take no votes"
                )
    ip = args.ip or (present.room_address() if args.room else LOOPBACK)
    pool = args.pool if args.pool is not None else (2 if args.room else 1)
    room_votes = args.room and not args.kernel_free
    return present.Options(
        language=args.lang,
        ip=ip,
        port=args.port,
        room=args.room,
        max_participants=args.max_participants,
        idle_minutes=args.idle_minutes,
        pool=pool,
        cell_timeout=args.cell_timeout,
        notebooks=args.notebooks,
        record=args.record if args.record is not None else _room_folder(room_votes),
        kernel_free=args.kernel_free,
    )


def record_folder(text: str) -> Path:
    """An argparse ``type``: a folder for the room's votes, checked when the server starts.

    >>> record_folder("room/monday").name
    'monday'
    """
    if not text.strip() or "\x00" in text:
        raise argparse.ArgumentTypeError(f"{text!r} is not a folder name")
    return Path(text)


def _room_folder(room: bool) -> Path | None:
    """A room's default record folder: ``room/<YYYY-MM-DD_HHMMSS>/`` here; None otherwise."""
    if not room:
        return None
    return Path.cwd() / "room" / datetime.datetime.now().strftime("%Y-%m-%d_%H%M%S")


def run(args: argparse.Namespace) -> int:
    """Run ``kit present`` for parsed arguments; return the exit status.

    A user mistake prints one line to stderr and returns 2. A stop signal before the
    stories are served prints one line and returns 128 + its number (130 for Ctrl-C, 143
    for SIGTERM, 129 for a closed terminal); once they are served, it stops the server
    (exit 0). None of them ever prints a traceback.
    """
    previous = {sig: signal.signal(sig, _interrupt_once) for sig in STOP_SIGNALS}
    try:
        options = options_from(args)
        if args.lab:
            return present.serve_lab(options)
        return present.serve(options)
    except KeyboardInterrupt as stop:
        print(f"kit present: {t('present.terminal.interrupted', args.lang)}", file=sys.stderr)
        return 128 + stop.signum if isinstance(stop, Interrupted) else EXIT_INTERRUPTED
    except PresentError as error:
        print(f"kit present: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class Interrupted(KeyboardInterrupt):
    """A stop signal (Ctrl-C, SIGTERM, SIGHUP) before the stories were served."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _interrupt_once(signum: int, frame: object) -> None:
    """Turn the first stop signal into :class:`Interrupted`; ignore the ones after it.

    So the clean-up (spare kernels, the served copies) is not cut short by a second
    Ctrl-C, and SIGTERM or a closed terminal cleans up like Ctrl-C instead of killing
    the process outright.
    """
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signum)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kit.present``: the same as ``kit present``."""
    parser = argparse.ArgumentParser(
        prog="kit present", description="Serve the story notebooks as a code-free app."
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
