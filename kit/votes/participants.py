"""The ``kit-participant`` cookie: a random name for a participant, signed by the presenter.

No name and no login: a participant is a random id. The presenter signs it with HMAC-SHA256
and a secret of its own, so a vote counts only with a cookie one of the room's pages gave
out, and nobody can vote as somebody else by guessing. With a record folder the secret is
kept there (mode 0600), so a presenter restarted with the same folder accepts the same
cookies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from kit.votes.errors import RecordError

COOKIE = "kit-participant"
SECRET_FILE = "room-secret"
PARTICIPANT = re.compile(r"[A-Za-z0-9_-]{22}")
"""A participant's id: 16 random bytes, URL-safe base64 (what the record file holds)."""
_SIGNED = re.compile(r"([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})")
_SECRET = re.compile(rb"[0-9a-f]{64}\n?")


class Signer:
    """Gives out signed participant cookies and reads them back.

    Parameters
    ----------
    secret : bytes
        The key of the HMAC; keep it private.

    Examples
    --------
    >>> signer = Signer(b"k" * 32)
    >>> cookie = signer.new_cookie()
    >>> signer.participant(cookie) == cookie.split(".")[0]
    True
    >>> signer.participant(cookie[:-1] + "A") is None or cookie.endswith("A")
    True
    """

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def new_cookie(self) -> str:
        """A new participant's cookie value: ``<id>.<signature>``."""
        participant = base64.urlsafe_b64encode(secrets.token_bytes(16)).decode().rstrip("=")
        return f"{participant}.{self._signature(participant)}"

    def participant(self, cookie: str | None) -> str | None:
        """The participant a cookie names, or None for a missing or forged one."""
        match = _SIGNED.fullmatch(cookie or "")
        if match is None:
            return None
        participant, signature = match.groups()
        return participant if hmac.compare_digest(signature, self._signature(participant)) else None

    def _signature(self, participant: str) -> str:
        digest = hmac.new(self._secret, participant.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def room_secret(folder: Path | None) -> bytes:
    """The signing secret: new in memory, or kept in ``folder/room-secret`` (mode 0600).

    Raises
    ------
    RecordError
        When ``folder`` holds a ``room-secret`` the kit did not write (left untouched).
    """
    if folder is None:
        return secrets.token_bytes(32)
    path = folder / SECRET_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    except OSError as error:
        raise RecordError(path, None, f"cannot be written ({error.strerror})") from None
    secret = secrets.token_bytes(32)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secret.hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        path.unlink(missing_ok=True)  # ours, half-written: a restart makes it anew
        raise RecordError(path, None, f"cannot be written ({error.strerror})") from None
    return secret


def check_secret(folder: Path) -> None:
    """Refuse a ``room-secret`` in ``folder`` that the kit did not write, before any writing.

    Raises
    ------
    RecordError
        For a link, a folder, or a file that is not 64 hex digits (left untouched).
    """
    path = folder / SECRET_FILE
    if path.exists() or path.is_symlink():
        _read_secret(path)


def _read_secret(path: Path) -> bytes:
    if path.is_symlink() or not path.is_file():
        raise RecordError(
            path, None, "not a file the kit wrote: move it away or pick another folder"
        )
    try:
        with path.open("rb") as handle:
            text = handle.read(100)
    except OSError as error:
        raise RecordError(path, None, f"cannot be read ({error.strerror})") from None
    if not _SECRET.fullmatch(text):
        raise RecordError(
            path, None, "not a room secret the kit wrote (64 hex digits): move it away"
        )
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)  # ours, but others could read it: keep it private
    return bytes.fromhex(text.decode().strip())
