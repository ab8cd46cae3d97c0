"""Folders the kit writes for a while: a marker saying whose they are, and the atomic swap.

``kit handouts`` and ``kit export-site`` both write into a stage folder beside their
target and swap it in at the end; the handouts' workers also keep a scratch folder.
Each such folder carries a small marker file (which command, which process, on which
machine, since when), so that a later run can tell a folder left behind by a killed
run (``kill -9``, a power cut) from one still in use or one that is not the kit's at
all, and remove only the first kind.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psutil

STAGE = ".tmp-"
"""The stage folder beside a target ``name``: ``.name.tmp-`` and eight random characters."""
OLD = ".old-"
"""The replaced target, for the moment of the swap: ``.name.old-`` and eight random characters."""


@dataclass(frozen=True)
class Marker:
    """The marker file one kind of run leaves in the folders it writes.

    Parameters
    ----------
    name : str
        The marker's file name inside a folder (``.kit-stage``).
    generator : str
        Which command wrote it; a marker of another command is not this one's to remove.
    """

    name: str
    generator: str

    def write(self, folder: Path) -> None:
        """Mark ``folder`` as this run's: the command, this process, this machine, now."""
        marker = {"generator": self.generator, "pid": os.getpid(), "host": socket.gethostname()}
        marker["since"] = time.time()
        (folder / self.name).write_text(json.dumps(marker), encoding="utf-8")

    def is_stale(self, folder: Path) -> bool:
        """Whether ``folder`` carries this marker of a run that no longer runs here."""
        try:
            marker = json.loads((folder / self.name).read_text(encoding="utf-8"))
            if marker["generator"] != self.generator or marker["host"] != socket.gethostname():
                return False
            pid, since = int(marker["pid"]), float(marker["since"])
        except (OSError, ValueError, TypeError, KeyError):
            return False  # no marker (or not ours): not ours to remove
        try:
            # a process that started after the marker was written only reuses the number
            return psutil.Process(pid).create_time() > since + 1
        except psutil.NoSuchProcess:
            return True
        except psutil.Error:
            return False

    def remove_stale(self, parent: Path, prefixes: tuple[str, ...]) -> list[Path]:
        """Remove the stale folders named ``prefix...`` in ``parent``; return them."""
        removed: list[Path] = []
        try:
            candidates = [p for p in parent.iterdir() if p.name.startswith(prefixes)]
        except OSError:
            return removed
        for folder in candidates:
            if folder.is_dir() and not folder.is_symlink() and self.is_stale(folder):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        return removed

    def swap_into_place(self, stage: Path, target: Path) -> None:
        """Put ``stage`` where ``target`` is, by renames: the old target is kept until then.

        Should the run be killed between the two renames, the old target is marked, so
        the next run knows the copy is the kit's; should the second rename fail, the old
        target goes back, unmarked.
        """
        if not target.exists():
            os.rename(stage, target)
            return
        old = target.with_name(f".{target.name}{OLD}{uuid.uuid4().hex[:8]}")
        os.rename(target, old)
        self.write(old)
        try:
            os.rename(stage, target)
        except OSError:
            os.rename(old, target)
            (target / self.name).unlink()
            raise
        shutil.rmtree(old, ignore_errors=True)


def leftovers_of(name: str) -> tuple[str, ...]:
    """The name prefixes of the stage and old folders beside a target called ``name``."""
    return (f".{name}{STAGE}", f".{name}{OLD}")
