"""A small disk cache for what the kit draws the same way every time.

Worth keeping between kernels and runs: the board's JavaScript bundle (1.5 s to
bundle), charts drawn as SVG in the kernel (30-70 ms each, plus about half a second to
start vl-convert's JavaScript engine for the first one), the handouts' simulated grids
and kernel-free scenes, and their printed PDFs (:mod:`kit.handouts.pdf`; about 0.5 s
of Chromium each). All are pure functions of their inputs, so an entry is found by a
hash of everything that shapes it and never goes stale. Writes are atomic, a full cache
forgets its oldest entries, and a cache that cannot be written (a read-only home folder)
only costs speed.

An entry is trusted only when it proves it was written whole by the kit: its last line
is a seal with the SHA-256 of everything before it, written as a comment of the file's
own kind (``<!-- ... -->`` in an SVG, ``/* ... */`` in JavaScript, which the presenter
serves as it is, ``%`` in a PDF). A zero-byte, truncated, edited or foreign file fails the check, is
dropped and made again, so it can never reach a handout as an empty or wrong chart.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

log = logging.getLogger(__name__)

SERVED_JS = "KIT_SERVED_JS"
"""Environment variable: the address at which ``kit present`` serves the cache's ``js``
folder (``http://127.0.0.1:8866/kit/js/``), read by the kernels it starts."""

FOLDERS = ("svg", "live", "grids", "js", "pdf", "pdf-runs")
"""The cache's folders, as ``kit cache`` lists and clears them: charts drawn as SVG
(:mod:`kit.live.display`), the handouts' kernel-free scenes (:mod:`kit.handouts.export`),
simulated grids (:mod:`kit.kernelfree.grids`), JavaScript bundles (the board, the
kernel-free pages), printed handouts and the runs that found them all
(:mod:`kit.handouts.pdf`)."""

MAX_CHARTS = 2000
"""SVG charts kept at most (a 30-participant roster adds about 240; each is 5-60 kB)."""

MAX_ENTRY_BYTES = 16 * 2**20
"""A larger file in the cache is not the kit's (the board bundle is 0.9 MB): dropped unread."""

PARTIAL = re.compile(r"\..+\.[0-9]+\.part")
"""A file the kit was writing when its process died (``.<entry>.<pid>.part``)."""

SEAL = "workshop-kit cache sha256={}"
SEALS = {
    ".svg": "<!-- {} -->",
    ".html": "<!-- {} -->",
    ".js": "/* {} */",
    ".css": "/* {} */",
    ".pdf": "%{}",
}
"""The seal's comment syntax per file kind; other kinds get the bare seal line."""


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/workshop-kit``, by default ``~/.cache/workshop-kit``."""
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "workshop-kit"


def digest(*parts: str) -> str:
    """A short, stable name for ``parts`` (32 hex digits of their SHA-256)."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


KIT_FILES = (".py", ".yaml", ".j2", ".js", ".css", ".json")
"""The kinds of file in the kit's package that shape what it draws (code, texts, templates)."""


@functools.lru_cache(maxsize=1)
def kit_fingerprint() -> str:
    """A digest of the kit's own files and the libraries that shape its pages.

    For an entry made from many of the kit's parts at once (a handout's kernel-free
    scenes: specs, texts, grids): any change to the kit, or an upgrade of Altair, NumPy
    or pandas, names a new entry. Read once per process (about 100 files, milliseconds).
    """
    versions = [metadata.version(name) for name in ("altair", "numpy", "pandas")]
    return digest(files_digest(Path(__file__).resolve().parent), *versions)


def files_digest(folder: Path) -> str:
    """A digest of the names and bytes of the :data:`KIT_FILES` under ``folder``."""
    hashed = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.suffix in KIT_FILES and "__pycache__" not in path.parts:
            hashed.update(str(path.relative_to(folder)).encode() + b"\x00" + path.read_bytes())
    return hashed.hexdigest()


def remembered(folder: str, name: str, make: Callable[[], str], keep: int | None = None) -> str:
    """The text stored as ``folder/name`` in the cache, made (and stored) if missing.

    Parameters
    ----------
    folder : str
        A folder of the cache (``"svg"``).
    name : str
        The file name; it must change whenever ``make``'s result would.
    make : callable
        ``() -> str``, called only when the entry is missing or fails its seal.
    keep : int, optional
        Entries kept in ``folder`` at most; beyond that the least recently used go.
    """
    content = recalled(folder, name)
    if content is not None:
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            _drop(cache_dir() / folder / name)
    text = make()
    kept(folder, name, text.encode("utf-8"), keep)
    return text


def recalled(folder: str, name: str) -> bytes | None:
    """The bytes stored as ``folder/name`` in the cache, or None.

    None when the entry is missing, or is not one the kit wrote whole (it is then
    dropped, so that it is made again). A found entry counts as just used.

    Parameters
    ----------
    folder : str
        A folder of the cache (``"pdf"``).
    name : str
        The file name.
    """
    path = cache_dir() / folder / name
    content = _recall(path)
    if content is not None:
        _touch(path)
    return content


def kept(folder: str, name: str, content: bytes, keep: int | None = None) -> None:
    """Store ``content`` as ``folder/name`` in the cache, sealed and whole (atomically).

    A cache that cannot be written (a read-only home folder, a full disk) only costs
    speed: the failure is logged, not raised.

    Parameters
    ----------
    folder : str
        A folder of the cache.
    name : str
        The file name; its suffix chooses the seal's comment syntax.
    content : bytes
    keep : int, optional
        Entries kept in ``folder`` at most; beyond that the least recently used go.
    """
    path = cache_dir() / folder / name
    try:
        _store(path, content)
        if keep is not None:
            _forget_oldest(path.parent, keep)
    except OSError as error:
        log.info("cannot keep %s in the cache: %s", path, error)


def sealed(suffix: str, text: str) -> bytes:
    """``text`` as stored in the cache: UTF-8 with a last line that seals it.

    Parameters
    ----------
    suffix : str
        The file's suffix (``".svg"``), which chooses the seal's comment syntax.
    text : str
    """
    content = text.encode("utf-8")
    return content + _seal_line(suffix, content)


def unsealed(suffix: str, raw: bytes) -> str | None:
    """The text of a stored entry, or None when it is not one the kit wrote whole.

    Parameters
    ----------
    suffix : str
        The file's suffix.
    raw : bytes
        The file's bytes.
    """
    content = _unsealed(suffix, raw)
    try:
        return None if content is None else content.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _unsealed(suffix: str, raw: bytes) -> bytes | None:
    """The bytes of a stored entry without its seal, or None when the seal does not hold."""
    start = raw.rfind(b"\n", 0, len(raw) - 1)  # where the last line begins
    if start < 0 or not raw.endswith(b"\n"):
        return None  # empty, cut short, or no seal at all
    content = raw[:start]
    if raw[start:] != _seal_line(suffix, content):
        return None  # a seal, but not of these bytes: edited, foreign or cut and re-ended
    return content


def _seal_line(suffix: str, content: bytes) -> bytes:
    seal = SEAL.format(hashlib.sha256(content).hexdigest())
    return ("\n" + SEALS.get(suffix, "{}").format(seal) + "\n").encode("ascii")


def _recall(path: Path) -> bytes | None:
    """A sealed entry's bytes; a bad entry is dropped (and None returned) so it is made again."""
    try:
        content = _sealed(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        # info, not warning: in a kernel a warning would print into the notebook's output
        log.info("cannot read %s from the cache: %s", path, error)
        return None
    if content is None:
        log.info("dropping %s from the cache: not an entry the kit wrote whole", path)
        _drop(path)
    return content


def _sealed(path: Path) -> bytes | None:
    """The bytes of the entry at ``path`` when its seal holds, else None.

    A file larger than :data:`MAX_ENTRY_BYTES` is not the kit's and is not read; OSError
    when the file cannot be read.
    """
    if path.stat().st_size > MAX_ENTRY_BYTES:
        return None
    return _unsealed(path.suffix, path.read_bytes())


def _drop(path: Path) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass  # another process dropped it first
    except OSError as error:
        log.info("cannot drop %s from the cache: %s", path, error)


def _store(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")  # as PARTIAL matches
    partial.write_bytes(content + _seal_line(path.suffix, content))
    partial.replace(path)  # atomic: another kernel never reads half a file


class Held(NamedTuple):
    """What one folder of the cache holds: the kit's entries, their bytes, and other files."""

    entries: int
    size: int
    others: int


def held(folder: str) -> Held:
    """What ``folder`` of the cache holds (nothing when it is missing).

    Counts only: an entry is a file the kit names (not a link, not a half-written
    ``.part``); whether its seal holds is checked when it is read or cleared.

    Parameters
    ----------
    folder : str
        One of :data:`FOLDERS`.
    """
    entries = size = others = 0
    for entry in _entries(cache_dir() / folder):
        if entry.is_file(follow_symlinks=False) and not entry.name.startswith("."):
            entries += 1
            size += entry.stat(follow_symlinks=False).st_size
        else:
            others += 1
    return Held(entries, size, others)


def cleared(folder: str) -> Held:
    """Remove every entry the kit wrote in ``folder`` of the cache; leave all else.

    An entry is removed when it proves the kit wrote it (its seal holds) or is one of
    the kit's half-written ``.part`` files; links, folders and other files stay, and
    so does a folder that is itself a link. The folder goes when it is left empty.

    Parameters
    ----------
    folder : str
        One of :data:`FOLDERS`.

    Returns
    -------
    Held
        The entries removed and their bytes, and the files left (``others``).

    Raises
    ------
    OSError
        When an entry of the kit's cannot be removed (the others removed stay removed).
    """
    path = cache_dir() / folder
    removed = size = others = 0
    for entry in _entries(path):
        if not _written_by_kit(entry):
            others += 1
            continue
        bytes_ = entry.stat(follow_symlinks=False).st_size
        try:
            os.remove(entry.path)
        except FileNotFoundError:
            continue  # a run dropped it first
        removed, size = removed + 1, size + bytes_
    if not path.is_symlink():
        try:
            path.rmdir()
        except OSError:
            pass  # not empty, or not there
    return Held(removed, size, others)


def _entries(path: Path) -> list[os.DirEntry]:
    """The files and folders in ``path``; none when it is missing or a link."""
    if path.is_symlink():
        return []
    try:
        with os.scandir(path) as found:
            return list(found)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _written_by_kit(entry: os.DirEntry) -> bool:
    if not entry.is_file(follow_symlinks=False):
        return False
    if PARTIAL.fullmatch(entry.name):
        return True
    try:
        return _sealed(Path(entry.path)) is not None
    except OSError:
        return False


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
