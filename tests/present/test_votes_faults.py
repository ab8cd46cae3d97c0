"""The room's votes survive a restart, a SIGKILL mid-flood and a flood; --record is checked."""

from __future__ import annotations

import collections
import contextlib
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time

from helpers import ROOT, STORY, join_room, presenter, room_request, stop

from kit.votes.record import RECORD_FILE, replay

STEP = {"month": 3, "choice": "stop"}


def run_cli(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kit.present", "--ip", "127.0.0.1", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


def one_error_line(result: subprocess.CompletedProcess, words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(lines) == 1 and words in lines[0], result.stderr


def test_a_record_folder_that_is_a_file_is_exit_2(tmp_path):
    (tmp_path / "votes").write_text("mine")
    one_error_line(run_cli("--record", str(tmp_path / "votes")), "is a file, not a folder")
    assert (tmp_path / "votes").read_text() == "mine"


def test_a_record_folder_that_cannot_be_made_is_exit_2(tmp_path):
    (tmp_path / "file").write_text("")
    one_error_line(run_cli("--record", str(tmp_path / "file" / "room")), "cannot be made")


def test_a_folder_with_a_votes_file_the_kit_did_not_write_is_refused_untouched(tmp_path):
    (tmp_path / "thesis").mkdir()
    notes = tmp_path / "thesis" / RECORD_FILE
    notes.write_text('{"event": "party"}\n')
    one_error_line(run_cli("--record", str(tmp_path / "thesis")), "line 1: not an event")
    assert notes.read_text() == '{"event": "party"}\n'
    assert os.listdir(tmp_path / "thesis") == [RECORD_FILE]


def test_an_empty_record_folder_name_is_exit_2():
    one_error_line(run_cli("--record", " "), "argument --record: ' ' is not a folder name")


def test_lab_takes_no_record(tmp_path):
    one_error_line(run_cli("--lab", "--record", str(tmp_path)), "--lab cannot be combined")


def test_a_room_records_in_a_dated_folder_by_default(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "kit.present", "--room", "--ip", "127.0.0.1", "--port", "0"]
        + ["--pool", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
        start_new_session=True,
    )
    try:
        printed = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("Ctrl+C" in line for line in printed):
            printed.append(process.stdout.readline())
    finally:
        stop(process, grace=15)
    folders = list((tmp_path / "room").iterdir())
    assert len(folders) == 1 and len(folders[0].name) == len("2026-12-03_014500")
    assert f"The room's votes are recorded in {folders[0]}" in "".join(printed)
    assert sorted(os.listdir(folders[0])) == ["room-secret", RECORD_FILE]


def test_a_restart_with_the_same_record_carries_on(tmp_path):
    folder = tmp_path / "room"
    with presenter("--pool", "0", "--record", str(folder)) as (base, _, _):
        # every story page gives the cookie, like /kit/room/join
        with page_response(base + f"/voila/render/en/{STORY}") as response:
            assert response.status == 200
            assert "kit-participant=" in response.getheader("Set-Cookie", "")
        ann, bob = join_room(base), join_room(base)
        room_request(base, "POST", "/kit/room/votes", STEP, cookie=ann)
        room_request(
            base, "POST", "/kit/room/votes", {"month": 1, "choice": "continue"}, cookie=bob
        )
        room_request(base, "POST", "/kit/room/control", {"action": "close", "month": 1})
        before = room_request(base, "GET", "/kit/room/votes")[1]
    with presenter("--pool", "0", "--record", str(folder)) as (base, _, _):
        assert room_request(base, "GET", "/kit/room/votes")[1] == before
        vote = {"month": 1, "choice": "stop"}
        assert room_request(base, "POST", "/kit/room/votes", vote, cookie=ann)[0] == 409
        status, answer, _ = room_request(
            base, "POST", "/kit/room/votes", vote | {"month": 2}, cookie=bob
        )
        assert status == 200 and answer["answers"] == {"1": "continue", "2": "stop"}


@contextlib.contextmanager
def page_response(url: str):
    """GET a page; yield its response (read) while the connection is open."""
    host, rest = url.removeprefix("http://").split("/", 1)
    connection = http.client.HTTPConnection(host, timeout=120)
    try:
        connection.request("GET", "/" + rest)
        response = connection.getresponse()
        response.read()
        yield response
    finally:
        connection.close()


def vote_steadily(base, cookie, times, seed, answered, stop_at=None):
    """Send one participant's votes at the given moments; keep every answer that was counted."""
    rng = random.Random(seed)
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        for moment in times:
            time.sleep(max(0.0, moment - time.monotonic()))
            vote = {"month": rng.randint(1, 6), "choice": rng.choice(["continue", "stop"])}
            try:
                status, _, _ = room_request(
                    base, "POST", "/kit/room/votes", vote, cookie=cookie, connection=connection
                )
            except OSError:
                return  # the presenter was killed
            answered.append((cookie, vote["month"], vote["choice"], status, time.monotonic()))
    finally:
        connection.close()


def start_voting(
    base: str, cookies: list[str], votes: int, every: float, answered: list
) -> list[threading.Thread]:
    """Every participant votes ``votes`` times, ``every`` seconds apart, in threads started here.

    Each participant's moments are spread over the interval, so the votes arrive steadily.
    """
    start = time.monotonic() + 0.3
    count = len(cookies)
    threads = [
        threading.Thread(
            target=vote_steadily,
            args=(
                base,
                cookie,
                [start + (i + seed / count) * every for i in range(votes)],
                seed,
                answered,
            ),
        )
        for seed, cookie in enumerate(cookies)
    ]
    for thread in threads:
        thread.start()
    return threads


def test_a_killed_presenter_loses_at_most_the_votes_in_flight(tmp_path):
    folder = tmp_path / "room"
    with presenter("--pool", "0", "--record", str(folder)) as (base, process, _):
        cookies = [join_room(base) for _ in range(40)]
        answered: list = []
        threads = start_voting(base, cookies, votes=40, every=0.25, answered=answered)
        time.sleep(2.3)
        os.killpg(process.pid, signal.SIGKILL)  # mid-flood: no clean-up, no last fsync
        process.wait(10)
        for thread in threads:
            thread.join(30)
    counted = collections.Counter(
        (cookie.split(".")[0], month, choice)
        for cookie, month, choice, status, _ in answered
        if status == 200
    )
    assert sum(counted.values()) >= 100  # the flood was well under way
    lines = (folder / RECORD_FILE).read_bytes().split(b"\n")
    recorded = collections.Counter(
        (e["participant"], e["month"], e["choice"])
        for e in map(json.loads, filter(None, lines[:-1]))
    )
    assert not counted - recorded  # every vote answered "counted" is in the record
    assert sum((recorded - counted).values()) <= len(cookies)  # at most one in flight each
    replayed = replay(folder)  # a torn last line, if any, is skipped
    print(
        f"SIGKILL mid-flood: {sum(counted.values())} votes answered counted, all in the record; "
        f"{sum((recorded - counted).values())} more recorded (in flight); torn last line: "
        f"{lines[-1] != b''}"
    )
    with presenter("--pool", "0", "--record", str(folder)) as (base, _, _):
        assert room_request(base, "GET", "/kit/room/votes")[1] == replayed.summary()


def test_a_flood_of_1000_votes_from_50_participants_is_counted_exactly(tmp_path):
    folder = tmp_path / "room"
    with presenter("--pool", "0", "--record", str(folder)) as (base, _, printed):
        cookies = [join_room(base) for _ in range(50)]
        answered: list = []
        polls: list[float] = []
        done = threading.Event()

        def poll() -> None:  # the coach's deck asks for the tally while the room votes
            while not done.is_set():
                began = time.perf_counter()
                assert room_request(base, "GET", "/kit/room/votes")[0] == 200
                polls.append(time.perf_counter() - began)
                time.sleep(0.2)

        poller = threading.Thread(target=poll)
        poller.start()
        # 20 votes each in 10 s, each participant's moments spread over the half second
        threads = start_voting(base, cookies, votes=20, every=0.5, answered=answered)
        for thread in threads:
            thread.join(60)
        done.set()
        poller.join(10)
        assert len(answered) == 1000 and {a[3] for a in answered} == {200}
        last = {}
        for cookie, month, choice, _, _ in sorted(answered, key=lambda a: a[4]):
            last[(cookie, month)] = choice
        summary = room_request(base, "GET", "/kit/room/votes")[1]
        assert summary["participants"] == 50
        for month in range(1, 7):
            for choice in ("continue", "stop"):
                expected = sum(1 for (_, m), c in last.items() if m == month and c == choice)
                assert summary["months"][month - 1][choice] == expected
        assert summary == replay(folder).summary()
        assert len(polls) >= 30 and statistics.median(polls) < 0.25 and max(polls) < 2.0
        assert "Traceback" not in printed()
