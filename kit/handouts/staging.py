"""All or nothing: handouts are written into a stage folder beside ``--out`` and swapped in.

The stage folder replaces the target only when every handout was written. On any
exception, Ctrl-C included, the stage folder is removed and the target is left exactly
as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kit.handouts.errors import HandoutsError


@contextmanager
def staging_folder(target: Path) -> Iterator[Path]:
    """A temporary folder beside ``target`` that replaces it only if the block succeeds.

    Parameters
    ----------
    target : Path
        The handouts folder (``--out``).

    Yields
    ------
    Path
        The stage folder to write into.

    Raises
    ------
    HandoutsError
        Before anything is written: ``target`` is a file, not a handouts folder, or its
        parent cannot be written.
    """
    created = _check_target(target)
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        stage.chmod(0o777 & ~_umask())
    except OSError as error:
        _remove_created(created)
        raise HandoutsError(
            f"cannot write to the folder {target.parent}: {error.strerror}"
        ) from None
    try:
        yield stage
        with _no_interrupt():
            _swap_into_place(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        _remove_created(created)
        raise


def _check_target(target: Path) -> list[Path]:
    if target.exists() and not target.is_dir():
        raise HandoutsError(f"{target} is a file, not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / "manifest.json").is_file():
        raise HandoutsError(
            f"{target} is not empty and holds no manifest.json: it is not a handouts folder, "
            "so it will not be replaced; choose another --out"
        )
    created = []
    parent = target.parent
    missing = [p for p in [parent, *parent.parents] if not p.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except OSError as error:
            _remove_created(created)
            raise HandoutsError(f"cannot create the folder {folder}: {error.strerror}") from None
        created.append(folder)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise HandoutsError(f"cannot write to the folder {parent}: permission denied")
    return created


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove_created(created: list[Path]) -> None:
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            pass


def _swap_into_place(stage: Path, target: Path) -> None:
    if not target.exists():
        os.rename(stage, target)
        return
    old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
    os.rename(target, old)
    try:
        os.rename(stage, target)
    except OSError:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _no_interrupt() -> Iterator[None]:
    """Hold Ctrl-C back while the folders are swapped (two renames)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: nothing to hold back
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
