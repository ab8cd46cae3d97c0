"""At most a few votes per second per participant: a token bucket each."""

from __future__ import annotations

import time
from collections.abc import Callable

RATE = 4.0
"""Votes per second a participant may keep up (a finger changing its mind, not a script)."""
BURST = 8
"""Votes a participant may send at once before the rate applies."""
MAX_KEPT = 10_000
"""Buckets kept at most; full ones (participants who paused) are dropped first."""


class Throttle:
    """A token bucket per participant: ``burst`` at once, then ``rate`` per second.

    Parameters
    ----------
    rate : float
        Tokens added per second.
    burst : int
        Tokens a bucket holds at most.
    clock : callable
        Seconds, monotonic (a test passes its own).

    Examples
    --------
    >>> seconds = [0.0]
    >>> throttle = Throttle(rate=1, burst=2, clock=lambda: seconds[0])
    >>> [throttle.allow("ann") for _ in range(3)]
    [True, True, False]
    >>> seconds[0] = 1.0
    >>> throttle.allow("ann"), throttle.allow("bob")
    (True, True)
    """

    def __init__(
        self, rate: float = RATE, burst: int = BURST, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}  # participant -> (tokens, when)

    def allow(self, participant: str) -> bool:
        """True if ``participant`` may vote now (and count it); False: too many at once."""
        now = self.clock()
        tokens, when = self._buckets.get(participant, (self.burst, now))
        tokens = min(self.burst, tokens + (now - when) * self.rate)
        if tokens < 1:
            self._buckets[participant] = (tokens, now)
            return False
        if participant not in self._buckets and len(self._buckets) >= MAX_KEPT:
            self._forget_full(now)
        self._buckets[participant] = (tokens - 1, now)
        return True

    def _forget_full(self, now: float) -> None:
        full = [
            who
            for who, (tokens, when) in self._buckets.items()
            if tokens + (now - when) * self.rate >= self.burst
        ]
        for who in full or list(self._buckets)[: MAX_KEPT // 2]:
            del self._buckets[who]
