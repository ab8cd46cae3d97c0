"""The room's votes: from a participant's vote to the coach's tally showing it, on 127.0.0.1.

1. A round: P participants (40) each vote once, at a moment drawn (seeded) within 5 s, while
   the coach's deck polls ``GET /kit/room/votes`` every I seconds (0: back to back, 0.25,
   0.5, 1). For each vote: the time from sending it to the end of the first poll that began
   after the vote was answered (an upper bound: an earlier poll may already have shown it).
   Median and p95 per poll interval, and the vote's and the poll's own round trips.
2. The record's cost in-process: one ``write`` per event, and the debounced ``fsync``.

The presenter runs with ``--pool 0 --record`` a temporary folder (no kernels: the votes
do not need them). Usage: ``python benchmarks/bench_votes.py [--participants 40]
[--rounds 3] [--intervals 0,0.25,0.5,1]``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers import (  # noqa: E402 - the tests' presenter harness, shared with them
    join_room,
    percentile,
    room_request,
    start_presenter,
    stop,
    wait_for_server,
)

from kit.votes import record  # noqa: E402
from kit.votes.box import BallotBox  # noqa: E402

WINDOW = 5.0


def connect(base: str) -> http.client.HTTPConnection:
    host, port = base.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=30)


def one_round(base: str, cookies: list[str], interval: float, seed: int) -> dict[str, list]:
    """One round of votes under a poll interval: per-vote latencies and round trips."""
    room_request(base, "POST", "/kit/room/control", {"action": "reset"})
    rng = random.Random(seed)
    start = time.monotonic() + 0.3
    moments = sorted(start + rng.uniform(0, WINDOW) for _ in cookies)
    choices = [
        {"month": rng.randint(1, 6), "choice": rng.choice(["continue", "stop"])} for _ in cookies
    ]
    votes: list[tuple[float, float]] = []  # (sent, answered)
    polls: list[tuple[float, float, int]] = []  # (began, ended, participants shown)
    done = threading.Event()

    def vote(cookie: str, moment: float, choice: dict) -> None:
        connection = connect(base)
        time.sleep(max(0.0, moment - time.monotonic()))
        sent = time.monotonic()
        status, _, _ = room_request(
            base, "POST", "/kit/room/votes", choice, cookie=cookie, connection=connection
        )
        answered = time.monotonic()
        connection.close()
        if status == 200:
            votes.append((sent, answered))

    def poll() -> None:
        connection = connect(base)
        while not done.is_set():
            began = time.monotonic()
            _, summary, _ = room_request(base, "GET", "/kit/room/votes", connection=connection)
            polls.append((began, time.monotonic(), summary["participants"]))
            time.sleep(max(0.0, began + interval - time.monotonic()))
        connection.close()

    poller = threading.Thread(target=poll)
    poller.start()
    voters = [
        threading.Thread(target=vote, args=three)
        for three in zip(cookies, moments, choices, strict=True)
    ]
    for thread in voters:
        thread.start()
    for thread in voters:
        thread.join(60)
    time.sleep(interval + 0.5)  # a poll after the last vote
    done.set()
    poller.join(30)
    shown = []
    for sent, answered in votes:
        ended = next(end for began, end, _ in polls if began >= answered)
        shown.append(ended - sent)
    final = polls[-1][2]
    last_sent = max(sent for sent, _ in votes)
    everyone = next(end for _, end, shown_ in polls if shown_ == len(votes))
    return {
        "shown": shown,
        "vote_trip": [answered - sent for sent, answered in votes],
        "poll_trip": [end - began for began, end, _ in polls],
        "counted": [len(votes)],
        "final": [final],
        "last": [everyone - last_sent],
    }


def record_costs(events: int = 2_000) -> dict[str, float]:
    """The record's cost in-process: microseconds per vote with its write, fsyncs made."""
    synced: list[float] = []
    real_fsync = os.fsync

    def timed_fsync(descriptor: int) -> None:
        began = time.perf_counter()
        real_fsync(descriptor)
        synced.append(time.perf_counter() - began)

    record.os.fsync = timed_fsync
    try:
        with tempfile.TemporaryDirectory() as folder:
            memory, recorded = BallotBox(), BallotBox(Path(folder) / "room")
            cost = {}
            for name, box in (("memory", memory), ("recorded", recorded)):
                began = time.perf_counter()
                for number in range(events):
                    box.vote(f"{number % 40:022d}", 1 + number % 6, "stop")
                cost[name] = (time.perf_counter() - began) / events * 1e6
                time.sleep(0.3)
            recorded.shut()
    finally:
        record.os.fsync = real_fsync
    return {
        "vote_us_memory": cost["memory"],
        "vote_us_recorded": cost["recorded"],
        "fsyncs": len(synced),
        "fsync_ms_median": statistics.median(synced) * 1e3 if synced else 0.0,
        "fsync_ms_max": max(synced) * 1e3 if synced else 0.0,
    }


def ms(values: list[float], share: float) -> str:
    return f"{percentile(values, share) * 1e3:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--intervals", default="0,0.25,0.5,1")
    args = parser.parse_args()
    intervals = [float(text) for text in args.intervals.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        process, base = start_presenter("--pool", "0", "--record", str(Path(folder) / "room"))
        try:
            wait_for_server(base, 60)
            cookies = [join_room(base) for _ in range(args.participants)]
            print(
                f"{args.participants} participants, one vote each within {WINDOW:g} s, "
                f"{args.rounds} rounds per poll interval; vote sent -> the first poll begun "
                "after its answer has ended (upper bound)"
            )
            for interval in intervals:
                figures: dict[str, list] = {}
                for round_ in range(args.rounds):
                    for key, values in one_round(base, cookies, interval, round_).items():
                        figures.setdefault(key, []).extend(values)
                shown = figures["shown"]
                print(
                    f"  poll every {interval:g} s: vote to tally median {ms(shown, 0.5)}, "
                    f"p95 {ms(shown, 0.95)}, max {ms(shown, 1)}; vote round trip median "
                    f"{ms(figures['vote_trip'], 0.5)} (p95 {ms(figures['vote_trip'], 0.95)}); "
                    f"poll round trip median {ms(figures['poll_trip'], 0.5)} "
                    f"(p95 {ms(figures['poll_trip'], 0.95)}); counted "
                    f"{sum(figures['counted'])}/{args.participants * args.rounds}, "
                    f"tally at the end {figures['final']}; the last vote to a tally of all: "
                    + ", ".join(f"{last * 1e3:.0f} ms" for last in figures["last"])
                )
        finally:
            stop(process)
    costs = record_costs()
    print(
        f"record, in-process: a vote {costs['vote_us_memory']:.0f} us in memory, "
        f"{costs['vote_us_recorded']:.0f} us with its line written; "
        f"{costs['fsyncs']} fsyncs for 2,000 votes (debounced, on their own thread), "
        f"each median {costs['fsync_ms_median']:.1f} ms, max {costs['fsync_ms_max']:.1f} ms"
    )
    print("load average at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
