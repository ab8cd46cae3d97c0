"""A few votes per second per participant, and no unbounded memory for many of them."""

from __future__ import annotations

from kit.votes import throttle
from kit.votes.throttle import Throttle


def test_a_burst_then_the_rate():
    seconds = [0.0]
    gate = Throttle(rate=4, burst=8, clock=lambda: seconds[0])
    assert sum(gate.allow("ann") for _ in range(20)) == 8
    seconds[0] = 0.5  # two more tokens
    assert sum(gate.allow("ann") for _ in range(20)) == 2
    assert gate.allow("bob")  # each participant has their own bucket


def test_two_votes_a_second_for_ten_seconds_all_pass():
    seconds = [0.0]
    gate = Throttle(clock=lambda: seconds[0])
    allowed = 0
    for step in range(20):
        seconds[0] = step * 0.5
        allowed += gate.allow("ann")
    assert allowed == 20


def test_the_buckets_kept_stay_bounded(monkeypatch):
    monkeypatch.setattr(throttle, "MAX_KEPT", 100)
    seconds = [0.0]
    gate = Throttle(clock=lambda: seconds[0])
    for number in range(1_000):
        seconds[0] += 0.001
        gate.allow(f"p{number}")
    assert len(gate._buckets) <= 100
