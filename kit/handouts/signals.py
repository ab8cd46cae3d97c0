"""Stopping cleanly: SIGTERM and SIGHUP stop a run as Ctrl-C does, and no process outlives it.

A closed terminal (SIGHUP) or ``kill`` (SIGTERM) raises :class:`Interrupted` in the
main thread, so the same ``finally`` blocks that clean up after Ctrl-C run: the stage
folder goes, the previous handouts stay. The workers' kernels and the browser run in
sessions of their own, where neither Ctrl-C nor a closed terminal reaches them, so
:func:`stop_processes` ends them explicitly; within :func:`adopting_orphans` the run
reaps them itself, so that none is still there when the kit has exited.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import psutil

from kit.linux import PR_SET_CHILD_SUBREAPER, prctl
from kit.stops import STOP_SIGNALS

GRACE = 5.0
"""Seconds a process may take to leave by itself before it is killed."""


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal: Ctrl-C (SIGINT), ``kill`` (SIGTERM) or a closed terminal.

    Parameters
    ----------
    signum : int
        The signal's number.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def how(self) -> str:
        """How a trainer would name what stopped the run."""
        return {
            signal.SIGINT: "Ctrl-C",
            signal.SIGTERM: "SIGTERM",
            signal.SIGHUP: "SIGHUP, the terminal was closed",
        }.get(self.signum, signal.Signals(self.signum).name)


def _raise_interrupted(signum: int, frame: object) -> None:
    raise Interrupted(signum)


@contextmanager
def interrupt_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`Interrupted`, as Ctrl-C does.

    Outside the main thread (where Python delivers no signals) the block runs as is.
    """
    try:
        previous = {
            signum: signal.signal(signum, _raise_interrupted)
            for signum in (signal.SIGTERM, signal.SIGHUP)
        }
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def held_signals() -> Iterator[None]:
    """Ignore Ctrl-C, SIGTERM and SIGHUP for a moment (while two folders are swapped)."""
    try:
        previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in STOP_SIGNALS}
    except ValueError:  # not the main thread: nothing to hold back
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def descendants(pids: Iterable[int]) -> list[psutil.Process]:
    """Every living process started, directly or not, by the processes ``pids``."""
    found = []
    for pid in pids:
        try:
            found.extend(psutil.Process(pid).children(recursive=True))
        except psutil.Error:  # already gone
            continue
    return found


def stop_processes(processes: Iterable[psutil.Process], grace: float = GRACE) -> None:
    """Wait up to ``grace`` seconds for ``processes`` to leave, then kill the rest.

    Returns when every one of them has ended, however short the grace (so none is
    still running when the kit exits), or after ``GRACE`` seconds more at the most.
    """
    processes = list(processes)
    alive = _still_there(processes)
    if grace > 0 and alive:
        _, alive = psutil.wait_procs(alive, timeout=grace)
    for process in alive:
        try:
            process.kill()
        except psutil.Error:
            continue
    deadline = time.monotonic() + GRACE
    while (alive := _still_there(alive)) and time.monotonic() < deadline:
        time.sleep(0.01)


def _still_there(processes: Iterable[psutil.Process]) -> list[psutil.Process]:
    """The processes not yet gone; an ended one that is this process's child is reaped here.

    Within :func:`adopting_orphans`, a killed kernel or browser whose parent died first
    becomes this process's child, so it is reaped here at once instead of by process 1
    (which in a container may take a second or two, after the kit has exited).
    """
    found = []
    for process in processes:
        try:
            if not process.is_running():
                continue
            if process.status() == psutil.STATUS_ZOMBIE and _reaped(process.pid):
                continue
        except psutil.Error:
            continue
        found.append(process)
    return found


def _reaped(pid: int) -> bool:
    try:
        return os.waitpid(pid, os.WNOHANG)[0] == pid
    except ChildProcessError:  # not ours (yet): its parent reaps it, or leaves it to us
        return False


@contextmanager
def adopting_orphans() -> Iterator[None]:
    """Within the block, processes orphaned below this one become its children (Linux).

    A run kills its workers, their kernels and the browser at once; those whose parent
    died first would otherwise be left to process 1 to reap, and still be there after
    the kit has exited. Elsewhere than on Linux the block runs as is.
    """
    call = prctl()
    adopted = call is not None and call(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    try:
        yield
    finally:
        if adopted:
            call(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)


def carrying(variable: str, value: str) -> list[psutil.Process]:
    """Living processes whose environment sets ``variable`` to ``value``.

    A run's workers point TMPDIR at the run's scratch folder, and every process they
    start inherits it: so a kernel or browser that was starting at the moment its
    worker died, and was left to the system, is still found.
    """
    found = []
    wanted = f"{variable}={value}".encode()
    me = os.getpid()
    try:
        entries = list(os.scandir("/proc"))
    except OSError:  # no /proc (not Linux): only the descendants were found
        return found
    for entry in entries:
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as environ:
                if wanted in environ.read().split(b"\0"):
                    found.append(psutil.Process(int(entry.name)))
        except (OSError, psutil.Error):
            continue
    return found
