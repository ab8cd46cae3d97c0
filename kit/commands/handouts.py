"""``kit handouts [WORKSHOP] [--out DIR] [--lang nl,en] [--format html,pdf] [--votes DIR] ...``.

Writes a workshop's handouts, with progress on the terminal and a summary table.
pydantic, papermill, nbconvert and rich are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from kit.commands import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from kit.commands.args import comma_list, whole_number_in
from kit.text import LANGUAGES, file_size, number, t

HELP = "write a workshop's handouts as offline HTML and PDF"
FORMATS = ("html", "pdf")


def add_arguments(parser: argparse.ArgumentParser) -> None:
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
        type=comma_list(LANGUAGES, "languages"),
        default=None,
        help="languages, e.g. nl,en (default: the workshop's)",
    )
    parser.add_argument(
        "--format",
        type=comma_list(FORMATS, "formats"),
        default=FORMATS,
        help="html, pdf or html,pdf (default: both)",
    )
    parser.add_argument(
        "--jobs",
        type=whole_number_in(1, 64, "from 1 to 64"),
        default=os.cpu_count() or 1,
        help=f"handouts written at the same time (default: {os.cpu_count() or 1}, the cores)",
    )
    parser.add_argument(
        "--votes",
        type=Path,
        default=None,
        metavar="DIR",
        help="the room's votes (the folder of `kit present --record DIR`): story A's handouts "
        "add what the room decided (default: the workshop's votes: key, if any)",
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="go ahead with a large run (over 200 handouts, e.g. a long roster) without asking",
    )


def run(args: argparse.Namespace) -> int:
    """Write the handouts ``args`` ask for; return the exit code.

    Parameters
    ----------
    args : argparse.Namespace
        From :func:`add_arguments`.

    Returns
    -------
    int
    """
    # The run's browser starts now, on the other core, while this one loads the kit and
    # the workshop (about a second each); it is stopped again should the run not start.
    from kit.handouts.scratch import run_scratch
    from kit.handouts.signals import interrupt_on_signals

    pdf = "pdf" in args.format
    try:
        with interrupt_on_signals(), run_scratch(pdf, args.jobs, _hint(args)) as scratch:
            written = _write(args, scratch)
    except KeyboardInterrupt as error:  # while loading: nothing was written yet
        how = getattr(error, "how", "Ctrl-C")
        print(f"kit handouts: interrupted ({how}); nothing was written", file=sys.stderr)
        signum = getattr(error, "signum", None)
        return EXIT_INTERRUPTED if signum is None else 128 + signum
    if isinstance(written, int):
        return written
    show_summary(*written)  # the handouts are in place: a stop now ends only this table
    return EXIT_OK


def _hint(args: argparse.Namespace) -> Any:
    """What names this run for the printer's guess whether it needs the browser at all.

    The workshop file, the votes folder, the notebooks and the shipped data (their
    folders' files by size and time), and the languages and formats asked for.
    """
    from kit.handouts.pdf import RunHint
    from kit.resources import DATA, NOTEBOOKS

    workshop = str(args.workshop.resolve()) if args.workshop else str(DATA / "workshops")
    paths = [workshop, str(NOTEBOOKS), str(DATA)]
    if args.votes is not None:
        paths.append(str(args.votes.resolve()))
    options = (",".join(args.lang or ["workshop's"]), ",".join(args.format))
    return RunHint(options, tuple(paths))


def _write(args: argparse.Namespace, scratch: Any) -> int | tuple[Any, str]:
    """The exit code of a run that wrote nothing, or the written run's outcome and language."""
    from kit.workshop import DEFAULT_WORKSHOP, WorkshopError, load_workshop
    from kit.workshop.votes import with_room_votes

    try:
        workshop = load_workshop(args.workshop or DEFAULT_WORKSHOP)
        if args.votes is not None:
            workshop = with_room_votes(workshop, args.votes)
    except WorkshopError as error:
        return _mistake(error)
    from kit import handouts  # papermill and nbconvert: only once the input is sound

    language = (args.lang or workshop.languages)[0]
    out = args.out.resolve()
    try:
        plan = handouts.plan_handouts(workshop, args.lang, args.format)
    except handouts.HandoutsError as error:
        return _mistake(error)
    queued = _queued(plan, args.jobs, language)
    if len(plan) > handouts.LARGE_RUN and not args.yes:
        return _mistake(t("handouts.too_many", language, limit=handouts.LARGE_RUN, **queued))
    progress = HandoutProgress(language)
    try:
        with progress:
            outcome = handouts.write_handouts(
                workshop,
                out,
                args.lang,
                args.format,
                args.jobs,
                report=progress.report,
                on_start=lambda plan: progress.say(t("handouts.queued", language, **queued)),
                scratch=scratch,
            )
    except handouts.HandoutsError as error:
        return _mistake(error)
    except handouts.HandoutError as error:
        return _failed(str(error), out, language)
    except KeyboardInterrupt as error:  # Ctrl-C, or SIGTERM / SIGHUP (handouts.Interrupted)
        _failed(f"interrupted ({getattr(error, 'how', 'Ctrl-C')})", out, language)
        signum = getattr(error, "signum", None)
        return EXIT_INTERRUPTED if signum is None else 128 + signum
    except OSError as error:
        return _failed(
            f"{error.strerror or error}: {error.filename or ''}".rstrip(": "), out, language
        )
    return outcome, language


def _queued(plan: list, jobs: int, language: str) -> dict[str, str]:
    """How many handouts, with how many jobs, and about how long, as the trainer reads it."""
    from kit.handouts import estimate_seconds

    jobs = min(jobs, len(plan)) or 1
    return {
        "count": number(len(plan), language),
        "jobs": str(jobs),
        "duration": _duration(estimate_seconds(plan, jobs), language),
    }


def _duration(seconds: float, language: str) -> str:
    if seconds < 90:
        return t("handouts.duration_seconds", language, seconds=round(seconds))
    minutes = round(seconds / 60)
    if minutes < 90:
        return t("handouts.duration_minutes", language, minutes=minutes)
    return t("handouts.duration_hours", language, hours=minutes // 60, minutes=minutes % 60)


def _mistake(error: Exception | str) -> int:
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
        from rich.console import Console

        self.console = Console(stderr=True, highlight=False)
        self.language = language
        self.started = time.perf_counter()
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> HandoutProgress:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

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

    def say(self, line: str) -> None:
        """Print one line above the bar."""
        from rich.text import Text

        self.console.print(Text(line))

    def report(self, done: int, total: int, written: Any) -> None:
        """Print one finished handout: N of M, elapsed, notebook, language, participant."""
        from rich.text import Text

        elapsed = time.perf_counter() - self.started
        seconds = number(elapsed, self.language, 1)
        line = Text(f"[{done}/{total} {seconds:>5} s] ")
        line.append(written.handout.label)
        line.append(f"  {number(written.seconds, self.language, 1)} s", style="dim")
        self.console.print(line)
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total)


def show_summary(outcome: Any, language: str) -> None:
    """Print the table of written handouts and where the manifest is."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

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
            f"{Path(f['path']).suffix[1:]} {file_size(f['bytes'], language)}"
            for f in written.files
            if not f["path"].endswith(".ipynb")
        )
        table.add_row(
            Text(Path(handout.notebook).stem),
            Text(handout.language),
            Text(handout.participant or everyone),
            Text(files),
            number(written.seconds, language, 1),
        )
    console.print(table)
    done = t(
        "handouts.done",
        language,
        count=number(len(outcome.files), language),
        seconds=number(outcome.seconds, language, 1),
        manifest=outcome.folder / "manifest.json",
    )
    console.print(Text(done))
