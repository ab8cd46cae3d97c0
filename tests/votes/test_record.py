"""votes.jsonl: written per event, replayed to the same tallies, hostile files refused."""

from __future__ import annotations

import json
import os
import stat
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit.votes import RecordError, RecordFullError, VoteError, record
from kit.votes.box import BallotBox
from kit.votes.participants import SECRET_FILE, Signer
from kit.votes.record import RECORD_FILE, Record, replay

ANN = "A" * 22
BOB = "B" * 22
AT = "2026-12-03T01:02:03.456+00:00"


def vote_line(who=ANN, month=3, choice="stop", at=AT) -> str:
    return json.dumps(
        {"event": "vote", "participant": who, "month": month, "choice": choice, "at": at},
        separators=(",", ":"),
    )


def write(folder, *lines: str, end: str = "\n"):
    folder.mkdir(exist_ok=True)
    path = folder / RECORD_FILE
    path.write_bytes((("\n".join(lines)) + end).encode())
    return path


def test_every_event_is_one_line_in_the_record_and_replays_to_the_same_tallies(tmp_path):
    box = BallotBox(tmp_path / "room")
    box.vote(ANN, 1, "continue")
    box.vote(BOB, 1, "stop")
    box.close(1)
    box.vote(ANN, 2, "stop")
    box.set_months([10, 20, 30], 60)
    box.vote(ANN, 3, "continue")
    box.shut()
    lines = (tmp_path / "room" / RECORD_FILE).read_text().splitlines()
    events = [json.loads(line) for line in lines]
    assert [e["event"] for e in events] == ["vote", "vote", "close", "vote", "months", "vote"]
    assert events[0] == {**events[0], "participant": ANN, "month": 1, "choice": "continue"}
    assert all(e["at"].endswith("+00:00") for e in events)
    assert replay(tmp_path / "room").summary() == box.ballot.summary()


OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("vote"), st.sampled_from([ANN, BOB]), st.integers(0, 7), st.text()),
        st.tuples(
            st.just("vote"),
            st.sampled_from([ANN, BOB]),
            st.integers(1, 6),
            st.sampled_from(["continue", "stop"]),
        ),
        st.tuples(st.just("close"), st.integers(0, 7)),
        st.tuples(st.just("reset")),
        st.tuples(st.just("months"), st.lists(st.integers(0, 50), min_size=1, max_size=7)),
    ),
    max_size=30,
)


@settings(max_examples=60)
@given(OPERATIONS)
def test_a_restart_replays_any_mix_of_events_to_the_same_summary(tmp_path_factory, operations):
    folder = tmp_path_factory.mktemp("room")
    box = BallotBox(folder)
    for operation in operations:
        try:
            if operation[0] == "vote":
                box.vote(*operation[1:])
            elif operation[0] == "close":
                box.close(operation[1])
            elif operation[0] == "reset":
                box.reset()
            else:
                box.set_months(operation[1], max(1, sum(operation[1])))
        except VoteError:
            pass  # refused: nothing recorded
    box.shut()
    again = BallotBox(folder)
    assert again.ballot.summary() == box.ballot.summary()
    again.shut()


def test_a_torn_last_line_is_skipped_and_cut_off_before_the_next_event(tmp_path):
    path = write(tmp_path / "room", vote_line(BOB, 1), vote_line()[:40], end="")
    assert replay(path).summary()["participants"] == 1
    box = BallotBox(tmp_path / "room")
    box.vote(ANN, 2, "continue")
    box.shut()
    lines = path.read_text().splitlines()
    assert len(lines) == 2 and [json.loads(line)["participant"] for line in lines] == [BOB, ANN]


@pytest.mark.parametrize(
    "line, problem",
    [
        ("hello", "not an event the kit writes"),
        ('{"event":"vote"', "not JSON"),
        ('{"event":"vote","x":1}', "exactly the fields"),
        ('{"event":"party","at":"' + AT + '"}', "unknown event 'party'"),
        (vote_line(who="../etc/passwd"), "not a participant's id"),
        (vote_line(at="yesterday"), "not a time in UTC"),
        (vote_line(at="2026-12-03T01:02:03+01:00"), "not a time in UTC"),
        (vote_line(month=9), "never accepts this event: Month 9"),
        (vote_line(choice="maybe"), "never accepts this event"),
        (vote_line(month=True), "never accepts this event"),
        (vote_line().replace('"month":3', '"month":NaN'), "NaN is not a number"),
        (vote_line().replace('"month":3', '"month":3,"month":4'), "given twice"),
        (
            '{"event":"months","results":'
            + "[" * 400
            + "]" * 400
            + ',"target":1,"at":"'
            + AT
            + '"}',
            "never accepts",
        ),
        ('{"event":"vote",' + '"x":"' + "y" * 1100 + '"}', "longer than 1024 bytes"),
    ],
)
def test_a_bad_line_is_named_with_its_file_and_number(tmp_path, line, problem):
    path = write(tmp_path / "room", vote_line(BOB, 1), line, vote_line(BOB, 2))
    with pytest.raises(RecordError) as caught:
        replay(path)
    assert str(caught.value).startswith(f"{path}, line 2: ")
    assert problem in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_vote_for_a_month_closed_before_it_cannot_be_in_a_record(tmp_path):
    close = json.dumps({"event": "close", "month": 3, "at": AT}, separators=(",", ":"))
    path = write(tmp_path / "room", close, vote_line())
    with pytest.raises(
        RecordError, match="line 2: the kit never accepts this event: Month 3 is closed"
    ):
        replay(path)


def test_bytes_that_are_not_utf8_are_refused(tmp_path):
    path = tmp_path / RECORD_FILE
    path.write_bytes(b'{"event":"vote","participant":"\xff\xfe"}\n')
    with pytest.raises(RecordError, match="line 1: not UTF-8"):
        replay(path)


def test_a_record_over_50_mb_is_refused_before_a_byte_is_read(tmp_path):
    path = tmp_path / RECORD_FILE
    with path.open("wb") as handle:
        handle.truncate(record.MAX_BYTES + 1)  # sparse: no 50 MB written
    with pytest.raises(RecordError, match="50,000,001 bytes; a record holds at most 50,000,000"):
        replay(path)


def test_a_folder_holding_a_votes_file_the_kit_did_not_write_is_refused_untouched(tmp_path):
    path = write(tmp_path / "thesis", "month,result", "1,20", end="")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    with pytest.raises(RecordError, match="line 1: not an event the kit writes"):
        BallotBox(tmp_path / "thesis")
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(os.listdir(tmp_path / "thesis")) == [RECORD_FILE]  # no secret left behind


def test_a_torn_line_that_is_no_event_of_the_kit_is_refused_too(tmp_path):
    path = write(tmp_path / "room", "some notes", end="")
    with pytest.raises(RecordError, match="line 1: not an event the kit writes"):
        BallotBox(tmp_path / "room")
    assert path.read_text() == "some notes"


def test_a_link_in_place_of_the_record_is_refused(tmp_path):
    (tmp_path / "room").mkdir()
    (tmp_path / "elsewhere.txt").write_text("")
    (tmp_path / "room" / RECORD_FILE).symlink_to(tmp_path / "elsewhere.txt")
    with pytest.raises(RecordError, match="not a file the kit wrote"):
        BallotBox(tmp_path / "room")


def test_a_record_folder_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "room").write_text("mine")
    with pytest.raises(RecordError, match="is a file, not a folder"):
        BallotBox(tmp_path / "room")
    assert (tmp_path / "room").read_text() == "mine"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder")
def test_a_read_only_folder_is_refused(tmp_path):
    (tmp_path / "room").mkdir(mode=0o500)
    with pytest.raises(RecordError, match="cannot be written"):
        BallotBox(tmp_path / "room")


def test_a_folder_that_cannot_be_made_is_refused(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(RecordError, match="cannot be made"):
        BallotBox(tmp_path / "file" / "room")


def test_the_cookie_secret_is_private_and_kept_for_a_restart(tmp_path):
    first = BallotBox(tmp_path / "room")
    cookie = first.signer.new_cookie()
    first.shut()
    mode = stat.S_IMODE((tmp_path / "room" / SECRET_FILE).stat().st_mode)
    assert mode == 0o600
    again = BallotBox(tmp_path / "room")
    assert again.signer.participant(cookie) == cookie.split(".")[0]
    assert BallotBox().signer.participant(cookie) is None  # another room's secret
    again.shut()


def test_a_secret_file_the_kit_did_not_write_is_refused_untouched(tmp_path):
    (tmp_path / "room").mkdir()
    (tmp_path / "room" / SECRET_FILE).write_text("password123")
    with pytest.raises(RecordError, match="not a room secret the kit wrote"):
        BallotBox(tmp_path / "room")
    assert (tmp_path / "room" / SECRET_FILE).read_text() == "password123"
    assert os.listdir(tmp_path / "room") == [SECRET_FILE]  # no record made beside it


@pytest.mark.parametrize(
    "cookie",
    [None, "", "x", "A" * 22, "A" * 22 + "." + "B" * 43, "A" * 22 + ". " + "B" * 42],
)
def test_a_forged_cookie_names_nobody(cookie):
    assert Signer(b"s" * 32).participant(cookie) is None


def test_a_full_record_takes_nothing_more(tmp_path, monkeypatch):
    box = BallotBox(tmp_path / "room")
    box.vote(ANN, 1, "stop")
    size = (tmp_path / "room" / RECORD_FILE).stat().st_size
    monkeypatch.setattr(record, "MAX_BYTES", size + 50)
    with pytest.raises(RecordFullError) as caught:
        box.vote(BOB, 1, "stop")
    assert caught.value.status == 507
    assert box.ballot.summary()["participants"] == 1  # not counted: not recorded
    box.shut()
    assert (tmp_path / "room" / RECORD_FILE).stat().st_size == size


def test_a_burst_of_votes_shares_its_fsyncs(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(record.os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    box = BallotBox(tmp_path / "room")
    secret_syncs = len(synced)
    started = time.monotonic()
    for number in range(300):
        box.vote(ANN, 1 + number % 6, "stop")
    elapsed = time.monotonic() - started
    time.sleep(record.SYNC_EVERY * 2)
    box.shut()
    syncs = len(synced) - secret_syncs
    assert 1 <= syncs <= elapsed / record.SYNC_EVERY + 3  # the last one on close


def test_memory_only_ballot_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    box = BallotBox()
    box.vote(ANN, 1, "stop")
    box.shut()
    assert os.listdir(tmp_path) == []


def test_replay_of_a_missing_file_names_it(tmp_path):
    with pytest.raises(RecordError, match="no such file"):
        replay(tmp_path / RECORD_FILE)


def test_a_record_is_not_reopened_as_the_wrong_object(tmp_path):
    record_, ballot = Record.open(tmp_path)
    assert ballot.summary()["participants"] == 0
    record_.close()
    record_.close()  # twice is harmless


def test_a_write_the_disk_refuses_half_way_counts_nothing_and_leaves_whole_lines(
    tmp_path, monkeypatch
):
    box = BallotBox(tmp_path / "room")
    box.vote(ANN, 1, "stop")
    real_write = os.write

    def half_then_full(descriptor, data):
        monkeypatch.setattr(record.os, "write", failing)
        return real_write(descriptor, bytes(data[:20]))

    def failing(descriptor, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(record.os, "write", half_then_full)
    with pytest.raises(OSError, match="No space left"):
        box.vote(BOB, 2, "stop")
    monkeypatch.setattr(record.os, "write", real_write)
    assert box.ballot.summary()["participants"] == 1  # not recorded: not counted
    box.vote(BOB, 3, "continue")
    box.shut()
    assert replay(tmp_path / "room").summary() == box.ballot.summary()
    assert len((tmp_path / "room" / RECORD_FILE).read_text().splitlines()) == 2


def test_a_secret_that_cannot_be_written_is_a_record_error(tmp_path, monkeypatch):
    from kit.votes import participants

    real_open = os.open

    def refused(path, *args, **kwargs):
        if str(path).endswith(SECRET_FILE):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(participants.os, "open", refused)
    with pytest.raises(RecordError, match="room-secret: cannot be written"):
        BallotBox(tmp_path / "room")
    monkeypatch.setattr(participants.os, "open", real_open)
    BallotBox(tmp_path / "room").shut()  # the record it opened was closed: it opens again
