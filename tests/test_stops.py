"""Stop signals held while processes start: none is lost, and none cuts a start in two."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from kit.stops import stops_held


def test_a_stop_received_by_another_thread_waits_for_the_block_to_end():
    """Ctrl-C delivered to a thread that does not hold the signals (a progress bar's) still
    runs Python's handler in the main thread: it must not do so inside the block."""
    idle = threading.Event()
    other = threading.Thread(target=idle.wait)
    other.start()
    steps = []
    try:
        with pytest.raises(KeyboardInterrupt):
            with stops_held():
                signal.pthread_kill(other.ident, signal.SIGINT)
                time.sleep(0.1)  # Python runs a pending handler at any of these steps
                steps.append("started")
            steps.append("after the block")  # not reached: the held Ctrl-C comes first
    finally:
        idle.set()
        other.join()
    assert steps == ["started"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_held_stops_are_let_through_once_each_and_ignored_ones_stay_ignored():
    seen = []
    previous = signal.signal(signal.SIGHUP, lambda signum, frame: seen.append(signum))
    ignored = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        with stops_held():
            signal.raise_signal(signal.SIGHUP)
            signal.raise_signal(signal.SIGHUP)
            signal.raise_signal(signal.SIGTERM)
            assert seen == []
        assert seen == [signal.SIGHUP]  # the same signal twice while held: one, as the OS does
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)
        signal.signal(signal.SIGTERM, ignored)
