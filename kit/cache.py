"""A small disk cache for what the kit draws the same way every time.

Two things are worth keeping between kernels: the board's JavaScript bundle
(1.5 s to bundle) and charts drawn as SVG in the kernel (30-70 ms each, plus about
half a second to start vl-convert's JavaScript engine for the first one). Both are
pure functions of their inputs, so an entry is found by a hash of everything that
shapes it and never goes stale. Writes are atomic, a full cache forgets its oldest
entries, and a cache that cannot be written (a read-only home folder) only costs speed.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

SERVED_JS = "KIT_SERVED_JS"
"""Environment variable: the address at which ``kit present`` serves the cache's ``js``
folder (``http://127.0.0.1:8866/kit/js/``), read by the kernels it starts."""

MAX_CHARTS = 2000
"""SVG charts kept at most (a 30-participant roster adds about 240; each is 5-60 kB)."""


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/workshop-kit``, by default ``~/.cache/workshop-kit``."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "workshop-kit"


def digest(*parts: str) -> str:
    """A short, stable name for ``parts`` (32 hex digits of their SHA-256)."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


def remembered(folder: str, name: str, make: Callable[[], str], keep: int | None = None) -> str:
    """The text stored as ``folder/name`` in the cache, made (and stored) if missing.

    Parameters
    ----------
    folder : str
        A folder of the cache (``"svg"``).
    name : str
        The file name; it must change whenever ``make``'s result would.
    make : callable
        ``() -> str``, called only when the entry is missing.
    keep : int, optional
        Entries kept in ``folder`` at most; beyond that the least recently used go.
    """
    path = cache_dir() / folder / name
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        pass
    except OSError as error:
        # info, not warning: in a kernel a warning would print into the notebook's output
        log.info("cannot read %s from the cache: %s", path, error)
    else:
        _touch(path)
        return text
    text = make()
    try:
        _store(path, text)
        if keep is not None:
            _forget_oldest(path.parent, keep)
    except OSError as error:
        log.info("cannot keep %s in the cache: %s", path, error)
    return text


def _store(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)  # atomic: another kernel never reads half a file


def _touch(path: Path) -> None:
    try:
        os.utime(path)  # the modification time marks the last use
    except OSError:
        pass


def _forget_oldest(folder: Path, keep: int) -> None:
    entries = [entry for entry in os.scandir(folder) if not entry.name.startswith(".")]
    if len(entries) <= keep:
        return
    # down to half of ``keep``, so that the next clean-up is many charts away
    entries.sort(key=_last_used)
    for entry in entries[: len(entries) - keep // 2]:
        try:
            os.remove(entry.path)
        except FileNotFoundError:
            pass  # another process forgot it first


def _last_used(entry: os.DirEntry) -> float:
    try:
        return entry.stat().st_mtime
    except FileNotFoundError:
        return 0.0
