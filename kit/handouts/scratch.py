"""A run's scratch: its temporary folder and its browser, ready before the kit has loaded.

``kit handouts`` spends its first second on one core, importing the kit, papermill and
nbconvert, and Chromium takes about as long to start on the other. So the command opens
the run's scratch before it even reads the workshop (:func:`run_scratch`): a folder for
the kernels' sockets and the browser's profile, and the printing process, which starts
the browser at once (unless the same run found every PDF in the kit's cache last time).
The run takes both over (:func:`kit.handouts.runner.run_all`).
However the block is left (a finished run, a mistake in the workshop, Ctrl-C), the
printer and everything it started are stopped and the folder is removed.

Only light modules are imported here: this runs before papermill and nbconvert load.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kit.chromium import printer_path
from kit.handouts.pdf import PrintingProcess, RunHint, note_warm_run
from kit.handouts.signals import (
    adopting_orphans,
    carrying,
    descendants,
    held_signals,
    stop_processes,
)
from kit.handouts.staging import STAGE_MARKER
from kit.stops import stops_held

SCRATCH = "kit-run-"
"""Name prefix of a run's scratch folder in the temporary folder (kernel sockets, profiles)."""
LINGER = 10.0
"""Seconds to keep stopping processes that still write into the scratch folder."""


class Scratch:
    """A run's scratch folder, its printing process (once started) and their events.

    Parameters
    ----------
    folder : str
        The scratch folder (marked as the kit's, so a killed run's is removed next time).
    hint : RunHint, optional
        What names the run, for the printer's guess whether it needs the browser at all.
    """

    def __init__(self, folder: str, hint: RunHint | None = None) -> None:
        self.folder = folder
        self.hint = hint
        self.events: queue.SimpleQueue = queue.SimpleQueue()
        """What the run waits for: ``("ran", index, result)`` from the workers and
        ``("printed", key, error)`` from the printer."""
        self.printer: PrintingProcess | None = None

    def start_printer(self, pages: int) -> PrintingProcess:
        """The printing process, started now if it was not yet (``pages`` PDFs at a time)."""
        if self.printer is None:
            # a process half-started when Ctrl-C came would be one nobody stops: signals wait
            with stops_held():
                self.printer = PrintingProcess(
                    multiprocessing.get_context("fork"),
                    self.folder,
                    pages,
                    lambda key, error: self.events.put(("printed", key, error)),
                    self.hint,
                )
        return self.printer

    def note_whole_run(self) -> None:
        """Note that every PDF of this run is printed and kept in the cache.

        The next run named the same way may not need the browser
        (:func:`~kit.handouts.pdf.warm_run_expected`).
        """
        if self.hint is not None:
            note_warm_run(self.hint)

    def close(self) -> None:
        """Stop the printer, its driver and its browser at once, and remove the folder.

        A process that was being started as its parent died is found by the TMPDIR it
        inherited (this folder); on a loaded machine such a process may still write
        there for a while, so ending them and removing the folder goes on for up to
        ``LINGER`` seconds.
        """
        printer, self.printer = self.printer, None
        if printer is not None:
            started = descendants([printer.pid])
            printer.process.terminate()
            stop_processes(started, grace=0)
            printer.join()
        deadline = time.monotonic() + LINGER
        while True:
            stop_processes(carrying("TMPDIR", self.folder), grace=0)
            shutil.rmtree(self.folder, ignore_errors=True)
            if not os.path.exists(self.folder) or time.monotonic() > deadline:
                return
            time.sleep(0.1)


@contextmanager
def run_scratch(pdf: bool, pages: int, hint: RunHint | None = None) -> Iterator[Scratch]:
    """A new scratch for a run, with its browser starting if PDFs will be printed.

    Within the block, processes orphaned below this one become its children, so that
    every kernel, driver and browser the run kills is reaped before the kit exits.

    Parameters
    ----------
    pdf : bool
        Whether the run prints PDFs (and Chromium is installed): start the printer now.
    pages : int
        PDFs printed at the same time (the run's jobs).
    hint : RunHint, optional
        What names the run (:class:`~kit.handouts.pdf.RunHint`): a run that found every
        PDF in the cache the last time starts the browser only for a page it lacks.

    Yields
    ------
    Scratch
    """
    with adopting_orphans():
        STAGE_MARKER.remove_stale(Path(tempfile.gettempdir()), (SCRATCH,))
        scratch = Scratch(tempfile.mkdtemp(prefix=SCRATCH), hint)
        try:
            STAGE_MARKER.write(Path(scratch.folder))
            if pdf and printer_path() is not None:
                scratch.start_printer(pages)
            yield scratch
        finally:
            with held_signals():  # a second Ctrl-C must not stop the stopping
                scratch.close()
