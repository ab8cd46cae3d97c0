"""``votes.jsonl``: every vote and every coach's action, one JSON line each, as it happens.

The record is append-only. Each event is written with one ``write`` as soon as it is
accepted (before the participant hears it was counted), so a presenter killed outright
loses at most the event in flight; the operating system is asked to put the file on disk
(``fsync``) at most every 0.2 s, by a thread of its own. :func:`replay` reads a record
back into a :class:`~kit.votes.ballot.Ballot`: the same tallies after a restart, and the
room's line in the handouts.

A record is read like every other file a user hands the kit: at most 50 MB, lines of at
most 1 kB, each one an event exactly as the kit writes it (a torn last line, the event in
flight when the presenter was killed, is skipped); anything else is a :class:`RecordError`
naming the file and the line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kit.votes.ballot import Ballot
from kit.votes.errors import RecordError, RecordFullError, VoteError
from kit.votes.participants import PARTICIPANT

RECORD_FILE = "votes.jsonl"
MAX_BYTES = 50_000_000
"""The largest record read or written: about 400,000 votes."""
MAX_LINE = 1024
"""The longest line, its newline included (a vote takes about 110 bytes)."""
SYNC_EVERY = 0.2
"""Seconds between two ``fsync`` calls while events come in."""

_START = b'{"event":"'  # every line the kit writes starts so (see event_line)
_FIELDS = {
    "vote": {"event", "participant", "month", "choice", "at"},
    "close": {"event", "month", "at"},
    "reset": {"event", "at"},
    "months": {"event", "results", "target", "at"},
}


def now() -> str:
    """The time of an event: ISO 8601 in UTC, to the millisecond."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def event_line(event: dict[str, Any]) -> bytes:
    """One event as the record's line: compact JSON, ``event`` first, a newline at the end."""
    ordered = {"event": event["event"], **event}
    return json.dumps(ordered, separators=(",", ":"), ensure_ascii=True).encode() + b"\n"


def apply(ballot: Ballot, event: dict[str, Any]) -> None:
    """Let ``ballot`` take one event (a checked one: see :func:`read_event`).

    Raises
    ------
    VoteError
        For an event the ballot refuses (a vote for a closed month, say).
    """
    kind = event["event"]
    if kind == "vote":
        ballot.vote(event["participant"], event["month"], event["choice"])
    elif kind == "close":
        ballot.close(event["month"])
    elif kind == "reset":
        ballot.reset()
    else:
        ballot.set_months(event["results"], event["target"])


def read_event(line: bytes) -> dict[str, Any]:
    """Check one line of a record; return its event.

    Raises
    ------
    ValueError
        Saying what is wrong with the line.
    """
    if not line.startswith(_START):
        raise ValueError('not an event the kit writes (a line starts with {"event":")')
    try:
        event = _DECODER.decode(line.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg} at column {error.colno})") from None
    kind = event.get("event")
    if kind not in _FIELDS:
        raise ValueError(f"unknown event {kind!r}: one of {', '.join(_FIELDS)}")
    if set(event) != _FIELDS[kind]:
        fields = ", ".join(sorted(_FIELDS[kind]))
        raise ValueError(f"a {kind} event has exactly the fields {fields}")
    _check_time(event["at"])
    if kind == "vote" and not (
        isinstance(event["participant"], str) and PARTICIPANT.fullmatch(event["participant"])
    ):
        raise ValueError(f"participant {event['participant']!r} is not a participant's id")
    return event


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("a field is given twice")
    return dict(pairs)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number")


_DECODER = json.JSONDecoder(object_pairs_hook=_no_repeats, parse_constant=_no_constant)


def _check_time(at: Any) -> None:
    try:
        moment = dt.datetime.fromisoformat(at) if isinstance(at, str) and len(at) <= 40 else None
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() != dt.timedelta(0):
        raise ValueError(f"at = {str(at)[:40]!r} is not a time in UTC (ISO 8601)")


def _lines(path: Path) -> Iterator[tuple[int, bytes, int]]:
    """(line number, line, offset after it) of every whole line; a torn last one is left out."""
    offset = 0
    with path.open("rb") as handle:
        for number, line in enumerate(iter(lambda: handle.readline(MAX_LINE + 1), b""), 1):
            if len(line) > MAX_LINE:
                raise RecordError(path, number, f"longer than {MAX_LINE} bytes")
            if not line.endswith(b"\n"):
                if not (line.startswith(_START) or _START.startswith(line)):
                    raise RecordError(path, number, "not an event the kit writes")
                return  # torn: the event in flight when the presenter stopped
            offset += len(line)
            yield number, line, offset


def _check_file(path: Path) -> None:
    if path.is_symlink() or not path.is_file():
        raise RecordError(path, None, "not a file the kit wrote (a link, a folder...)")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise RecordError(path, None, f"{size:,} bytes; a record holds at most {MAX_BYTES:,}")


def _replay(path: Path) -> tuple[Ballot, int]:
    """The ballot a record makes, and the bytes of its whole lines."""
    _check_file(path)
    ballot, whole = Ballot(), 0
    try:
        for number, line, end in _lines(path):
            whole = end
            try:
                apply(ballot, read_event(line))
            except VoteError as error:
                message = f"the kit never accepts this event: {error}"
                raise RecordError(path, number, message) from None
            except ValueError as error:
                raise RecordError(path, number, str(error)) from None
    except OSError as error:
        raise RecordError(path, None, f"cannot be read ({error.strerror})") from None
    return ballot, whole


def replay(path: str | Path) -> Ballot:
    """Read a record back: the ballot as it was after its last whole event.

    Parameters
    ----------
    path : str or Path
        A ``votes.jsonl``, or a folder that holds one.

    Returns
    -------
    Ballot

    Raises
    ------
    RecordError
        For a file that is missing, larger than 50 MB, or has a line that is not an event
        as the kit writes it (named with its number); a torn last line is skipped.
    """
    path = Path(path)
    if path.is_dir():
        path = path / RECORD_FILE
    if not path.exists():
        raise RecordError(path, None, "no such file")
    return _replay(path)[0]


class Record:
    """An open ``votes.jsonl``, appended to one event at a time.

    Use :meth:`open`; :meth:`close` when done (it syncs the file a last time).
    """

    def __init__(self, path: Path, descriptor: int, size: int) -> None:
        self.path = path
        self._descriptor = descriptor
        self._size = size
        self._written = threading.Event()
        self._closing = threading.Event()
        self._syncer = threading.Thread(target=self._sync_often, name="votes-fsync", daemon=True)
        self._syncer.start()

    @classmethod
    def open(cls, folder: Path) -> tuple[Record, Ballot]:
        """Open (or start) the record in ``folder``; return it and the ballot it holds.

        ``folder`` is made if missing. An existing ``votes.jsonl`` is replayed; its torn
        last line, if any, is cut off so the next event starts on a line of its own.

        Raises
        ------
        RecordError
            For a folder that is a file or cannot be written, or a ``votes.jsonl`` the
            kit did not write (left untouched).
        """
        folder = check_folder(folder)
        path = folder / RECORD_FILE
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        if path.exists() or path.is_symlink():
            ballot, size = _replay(path)
        else:
            ballot, size = Ballot(), 0
        try:
            descriptor = os.open(path, flags, 0o644)
            if os.fstat(descriptor).st_size > size:
                os.truncate(descriptor, size)  # the torn event in flight, never answered
        except OSError as error:
            raise RecordError(path, None, f"cannot be written ({error.strerror})") from None
        return cls(path, descriptor, size), ballot

    def append(self, event: dict[str, Any]) -> None:
        """Write one event (with its time) at the end of the record, at once.

        Raises
        ------
        RecordFullError
            When the record would grow past 50 MB (nothing is written).
        OSError
            When the disk refuses the write.
        """
        line = event_line({**event, "at": now()})
        if len(line) > MAX_LINE:
            raise ValueError(f"an event of {len(line)} bytes does not fit a record's line")
        if self._size + len(line) > MAX_BYTES:
            raise RecordFullError(limit=f"{MAX_BYTES // 1_000_000}")
        view = memoryview(line)
        try:
            while view:  # O_APPEND: each write goes to the end; one write for a short line
                view = view[os.write(self._descriptor, view) :]
        except OSError:
            # a disk that filled up half-way: no half line may stay before the next event
            with contextlib.suppress(OSError):
                os.ftruncate(self._descriptor, self._size)
            raise
        self._size += len(line)
        self._written.set()

    def _sync_often(self) -> None:
        while not self._closing.is_set():
            self._written.wait()
            self._written.clear()
            if self._closing.is_set():
                break
            _fsync(self._descriptor)
            self._closing.wait(SYNC_EVERY)  # a burst of votes shares one fsync

    def close(self) -> None:
        """Sync the record to disk and close it."""
        if self._closing.is_set():
            return
        self._closing.set()
        self._written.set()
        self._syncer.join(2 * SYNC_EVERY + 5)
        _fsync(self._descriptor)
        os.close(self._descriptor)


def _fsync(descriptor: int) -> None:
    try:
        os.fsync(descriptor)
    except OSError:  # closed meanwhile, or a file system without fsync: the write stands
        pass


def check_folder(folder: Path) -> Path:
    """Make ``folder`` if missing; check it is a folder the kit may write in.

    Raises
    ------
    RecordError
        For a path that is a file, cannot be made or is not writable.
    """
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise RecordError(folder, None, "is a file, not a folder for the room's votes")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise RecordError(folder, None, f"cannot be made ({error.strerror})") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise RecordError(folder, None, "cannot be written: pick a folder you may write in")
    return folder.resolve()
