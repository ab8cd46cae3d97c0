"""Reading a trainer's file: bounded in size before a byte is read, decoded as UTF-8."""

from __future__ import annotations

import stat
from pathlib import Path

from kit.workshop.errors import WorkshopError

MAX_BYTES = 1_000_000
"""Largest workshop file or roster read (1 MB). The default workshop is 1 kB and a
roster row about 40 bytes, so this holds some 25,000 participants; it keeps a hostile
or mistaken file (a 50 MB log renamed to .yaml) from tying up the parser."""


def read_limited(path: Path, kind: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of ``path``, refused before reading when it is not a file or too big.

    Parameters
    ----------
    path : Path
    kind : str
        What the file is, for the message (``"workshop file"``, ``"roster"``).
    limit : int
        Largest size in bytes.

    Raises
    ------
    WorkshopError
        For a missing file, a folder, a device or pipe, an unreadable file or one
        larger than ``limit``.
    """
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise WorkshopError(path, None, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            # a pipe or a device (/dev/zero) has no size to check and may never end
            raise WorkshopError(path, None, f"is not a regular file; give a {kind} saved on disk")
        _refuse_size(path, kind, f"{info.st_size:,}", info.st_size, limit)
        with path.open("rb") as file:
            raw = file.read(limit + 1)  # the file may have grown since stat
    except FileNotFoundError:
        raise WorkshopError(path, None, "no such file") from None
    except IsADirectoryError:
        raise WorkshopError(path, None, "is a folder, not a file") from None
    except OSError as error:
        raise WorkshopError(path, None, f"cannot be read: {error.strerror}") from None
    _refuse_size(path, kind, f"more than {limit:,}", len(raw), limit)
    return raw


def _refuse_size(path: Path, kind: str, shown: str, size: int, limit: int) -> None:
    if size > limit:
        raise WorkshopError(
            path,
            None,
            f"is {shown} bytes, too big for a {kind}: at most {limit:,} bytes "
            f"({limit // 1_000_000} MB)",
        )


SPREADSHEETS = {
    b"PK\x03\x04": "an Excel or OpenDocument spreadsheet (.xlsx, .ods)",
    b"\xd0\xcf\x11\xe0": "an old Excel spreadsheet (.xls)",
}


def decode(path: Path, raw: bytes, save_as: str = "UTF-8") -> str:
    """``raw`` as text (UTF-8, with or without a byte order mark).

    Parameters
    ----------
    path : Path
    raw : bytes
    save_as : str
        How to save the file instead, for the message (``"CSV UTF-8"`` for a roster).

    Raises
    ------
    WorkshopError
        Naming the line of the first byte that is not UTF-8, or the kind of
        spreadsheet that was given instead of text.
    """
    for magic, kind in SPREADSHEETS.items():
        if raw.startswith(magic):
            raise WorkshopError(path, None, f"is {kind}, not text; save it as {save_as}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise WorkshopError(path, line, f"is not UTF-8 text; save it as {save_as}") from None
