"""The signals that stop a run (Ctrl-C, a closed terminal, ``kill``), held while processes start.

A light module of its own: the kernel-free grids' pool and the handouts' workers both
start processes that must not be half-started when a stop signal comes.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
"""Ctrl-C, ``kill`` and a closed terminal."""


@contextmanager
def stops_held() -> Iterator[None]:
    """Hold the stop signals while the block runs: they wait, none is lost.

    For starting processes: one stopped half-way (Ctrl-C while a pool spawns its
    workers) would leave workers nobody knows of, or one that prints a traceback as it
    finds its parent gone. A signal sent meanwhile takes effect when the block ends.

    Two things hold it. This thread blocks the signals, and the processes started inside
    inherit that (a fork, and across an exec): each lets them through with
    :func:`let_stops_through` once it has set its own handling. And, in the main thread,
    Python's handlers only take note for the moment: another thread of this process (a
    progress bar's, a pipe reader's) that does not block them may receive the signal,
    and Python would still run its handler in the main thread, in the middle of the block.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    noted: list[int] = []
    before = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    handlers = _noting(noted)
    try:
        yield
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
        for signum in dict.fromkeys(noted):  # each once, in the order they came
            signal.raise_signal(signum)


def _noting(noted: list[int]) -> dict[int, object]:
    """Have Python's handlers of the stop signals note them in ``noted``; return the old ones.

    Nothing to do outside the main thread, where Python runs no signal handler.
    """
    if threading.current_thread() is not threading.main_thread():
        return {}
    handlers = {}
    for signum in STOP_SIGNALS:
        handler = signal.getsignal(signum)
        if handler in (signal.SIG_IGN, None):
            continue  # ignored stays ignored; None: set outside Python, left alone
        handlers[signum] = signal.signal(signum, lambda signum, frame: noted.append(signum))
    return handlers


def let_stops_through() -> None:
    """In a process started within :func:`stops_held`: let the stop signals reach it."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
