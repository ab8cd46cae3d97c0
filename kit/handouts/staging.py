"""All or nothing: handouts are written into a stage folder beside ``--out`` and swapped in.

The stage folder replaces the target only when every handout was written. On any
exception, Ctrl-C included, the stage folder is removed and the target is left exactly
as it was. A target is replaced only when it is a handouts folder the kit wrote: its
manifest is the kit's and lists every file in it, so no file of anyone else is lost.
Stage folders of earlier runs that were killed (``kill -9``, a power cut) are
recognised by their name and a marker file inside, and removed on the next start.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kit.folders import STAGE, Marker, leftovers_of
from kit.handouts.errors import HandoutsError
from kit.handouts.manifest import GENERATOR, MANIFEST, files_not_listed, kit_manifest
from kit.handouts.signals import held_signals

MARKER = ".kit-stage"
"""A file in every folder the kit writes for a while (stage, scratch): who made it, when."""
STAGE_MARKER = Marker(MARKER, GENERATOR)
"""How ``kit handouts`` marks its stage, old and scratch folders."""
SYSTEM_FILES = (".DS_Store", "Thumbs.db", "desktop.ini")
"""Files a file manager leaves in any folder it shows (macOS, Windows): nobody's work."""
NAME_OVERHEAD = len(".") + len(STAGE) + 8
"""Characters the stage folder's name adds to the target's (mkdtemp adds 8)."""


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
        Before anything is written: ``target`` is a file, not a handouts folder, holds
        files the kit did not write, is read-only, has too long a name, or its parent
        cannot be written. Also at the end, if someone put a file into ``target``
        meanwhile (the new handouts are then dropped and ``target`` is kept).
    """
    check_name(target)
    created = _check_target(target)
    STAGE_MARKER.remove_stale(target.parent, leftovers_of(target.name))
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}{STAGE}", dir=target.parent))
        stage.chmod(0o777 & ~_umask())
        STAGE_MARKER.write(stage)
    except OSError as error:
        _remove_created(created)
        raise HandoutsError(
            f"cannot write to the folder {target.parent}: {error.strerror}"
        ) from None
    try:
        yield stage
        with held_signals():
            check_replaceable(target)
            STAGE_MARKER.swap_into_place(stage, target)
            (target / MARKER).unlink()
    except BaseException:
        with held_signals():  # a second Ctrl-C must not leave the stage folder behind
            shutil.rmtree(stage, ignore_errors=True)
            _remove_created(created)
        raise


def check_name(target: Path) -> None:
    """Refuse a folder name the file system cannot take once the stage suffix is added.

    Raises
    ------
    HandoutsError
    """
    limit = _name_max(target.parent) - NAME_OVERHEAD
    if len(target.name.encode()) > limit:
        raise HandoutsError(
            f"the --out folder name {target.name[:40]!r}... is {len(target.name)} characters "
            f"long; at most {limit} are allowed (the kit writes beside it into a temporary "
            f"folder whose name is {NAME_OVERHEAD} characters longer); choose a shorter name"
        )


def _name_max(folder: Path) -> int:
    for existing in (folder, *folder.parents):
        try:
            return os.pathconf(existing, "PC_NAME_MAX")
        except OSError:
            continue
    return 255


def check_replaceable(target: Path) -> None:
    """Refuse a ``target`` the kit must not replace; an empty or missing one is fine.

    Raises
    ------
    HandoutsError
        ``target`` is a file, has no kit manifest, holds files the manifest does not
        list, or is read-only.
    """
    try:
        if not target.exists():
            return
        if not target.is_dir():
            raise HandoutsError(f"{target} is a file, not a folder")
        _check_writable(target)
        if not any(target.iterdir()):
            return
    except OSError as error:
        raise HandoutsError(f"cannot read the folder {target}: {error.strerror}") from None
    manifest = kit_manifest(target)
    if manifest is None:
        what = (
            "holds no manifest.json"
            if not (target / MANIFEST).exists()
            else ("has a manifest.json the kit did not write")
        )
        raise HandoutsError(
            f"{target} is not empty and {what}: it is not a handouts folder, "
            "so it will not be replaced; choose another --out"
        )
    foreign = files_not_listed(target, manifest, also=(MARKER, *SYSTEM_FILES))
    if foreign:
        shown = ", ".join(foreign[:5]) + (
            f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
        )
        raise HandoutsError(
            f"{target} holds files the kit did not write ({shown}): it will not be replaced, "
            "so they are not lost; move them out of the folder or choose another --out"
        )


def _check_writable(target: Path) -> None:
    for root, folders, _ in os.walk(target):
        for folder in (Path(root), *(Path(root) / name for name in folders)):
            if folder.is_symlink():
                continue
            mode = folder.stat().st_mode
            if not mode & stat.S_IWUSR or not os.access(folder, os.W_OK | os.X_OK):
                raise HandoutsError(
                    f"{folder} is read-only: the kit will not replace a folder that is "
                    "protected from changes; make it writable or choose another --out"
                )


def _check_target(target: Path) -> list[Path]:
    check_replaceable(target)
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
