"""The signals that stop a run (Ctrl-C, a closed terminal, ``kill``), held while processes start.

A light module of its own: the kernel-free grids' pool and the handouts' workers both
start processes that must not be half-started when a stop signal comes.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
"""Ctrl-C, ``kill`` and a closed terminal."""


@contextmanager
def stops_held() -> Iterator[None]:
    """Hold the stop signals in this thread while the block runs: they wait, none is lost.

    For starting processes: one stopped half-way (Ctrl-C while a pool forks its
    workers) would leave workers nobody knows of. A signal sent meanwhile arrives when
    the block ends. The processes started inside inherit the held signals (a fork, and
    across an exec): each lets them through with :func:`let_stops_through` once it has
    set its own handling.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def let_stops_through() -> None:
    """In a process started within :func:`stops_held`: let the stop signals reach it."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
