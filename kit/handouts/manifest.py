"""manifest.json: what was written, from what, with which versions, and every file's sha256."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import kit
from kit.chromium import printer_path

if TYPE_CHECKING:  # the stage and scratch folders' marker is needed before the kit loads these
    from kit.handouts.plan import Handout
    from kit.workshop import Workshop

GENERATOR = "workshop-kit"
"""The manifest's ``generator``: how the kit recognises a handouts folder it wrote."""
MANIFEST = "manifest.json"
LEGACY_KEYS = ("kit", "workshop", "handouts", "files", "packages")
"""The keys of manifests written before the ``generator`` field (replaced like the new ones)."""
PACKAGES = (
    "workshop-kit",
    "numpy",
    "pandas",
    "altair",
    "vl-convert-python",
    "ipywidgets",
    "papermill",
    "nbclient",
    "nbconvert",
    "ipykernel",
    "jupyter-client",
    "pydantic",
    "pyyaml",
)


@dataclass
class Written:
    """What one handout produced: files (relative path -> sha256, size) and seconds taken."""

    handout: Handout
    files: list[dict[str, Any]]
    seconds: float


def file_record(path: Path, stage: Path) -> dict[str, Any]:
    """The manifest's entry for one written file: its path in the folder, sha256 and size."""
    data = path.read_bytes()
    return {
        "path": path.relative_to(stage).as_posix(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }


def build_manifest(
    workshop: Workshop,
    plan: list[Handout],
    written: list[Written],
    started_at: datetime,
    jobs: int | None,
    versions: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The manifest of one run: workshop, parameters, versions, handouts and files.

    Parameters
    ----------
    workshop : Workshop
    plan : list of Handout
    written : list of Written
        In the plan's order.
    started_at : datetime
    jobs : int or None
    versions : dict, optional
        From :func:`package_versions` (asked here when omitted).

    Returns
    -------
    dict
    """
    roster = None
    if workshop.roster_path is not None:
        roster = {
            "file": str(workshop.roster_path),
            "sha256": workshop.roster_sha256,
            "participants": [p.name for p in workshop.roster],
        }
    votes = None
    if workshop.votes_path is not None:
        room = workshop.notebooks["nocure"]
        votes = {
            "file": str(workshop.votes_path),
            "sha256": workshop.votes_sha256,
            "participants": room["room_participants"],
            "still_in": room["room_still_in"],
        }
    return {
        "generator": GENERATOR,
        "kit": kit.__version__,
        "started": started_at.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "workshop": {
            "file": str(workshop.path.resolve()),
            "sha256": workshop.sha256,
            "title": workshop.title,
            "date": workshop.date.isoformat(),
            "coach": workshop.coach,
            "organisation": workshop.organisation,
            "roster": roster,
            "votes": votes,
        },
        "languages": sorted({h.language for h in plan}),
        "formats": list(plan[0].formats) if plan else [],
        "jobs": jobs or os.cpu_count(),
        "parameters": workshop.notebooks,
        "packages": versions or package_versions(),
        "handouts": [
            {
                "notebook": Path(w.handout.notebook).name,
                "story": w.handout.story,
                "language": w.handout.language,
                "participant": w.handout.participant,
                "parameters": w.handout.parameters,
                "seconds": round(w.seconds, 2),
                "files": [f["path"] for f in w.files],
            }
            for w in written
        ],
        "files": {
            f["path"]: {"sha256": f["sha256"], "bytes": f["bytes"]}
            for w in written
            for f in w.files
        },
    }


def ask_chromium_version() -> subprocess.Popen | None:
    """Start the printing Chromium's ``--version``; None without Chromium.

    Started with the run and read by :func:`package_versions` at its end.
    """
    path = printer_path()
    if path is None:
        return None
    return subprocess.Popen(
        [path, "--version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )


def package_versions(chromium: subprocess.Popen | None = None) -> dict[str, str]:
    """Versions of Python, Chromium and the packages that shape a handout.

    Parameters
    ----------
    chromium : Popen, optional
        From :func:`ask_chromium_version`; asked here when omitted.
    """
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    chromium = chromium or ask_chromium_version()
    if chromium is not None:
        try:
            answer, _ = chromium.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            chromium.kill()
            answer, _ = chromium.communicate()
        versions["chromium"] = (answer or "").strip() or "unknown"
    return versions


def kit_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest in ``folder`` if the kit wrote it, else None.

    A kit manifest is a JSON object with ``"generator": "workshop-kit"`` (or, from before
    that field, the kit's own keys) and a ``files`` mapping of relative paths.
    """
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return None
    if manifest.get("generator") == GENERATOR:
        return manifest
    if "generator" not in manifest and all(key in manifest for key in LEGACY_KEYS):
        return manifest
    return None


def files_not_listed(
    folder: Path, manifest: dict[str, Any], also: tuple[str, ...] = ()
) -> list[str]:
    """Everything in ``folder`` that the manifest does not account for, as relative paths.

    A file the manifest lists but whose size changed since (a trainer edited it) counts
    too, and so does a link or an empty folder the kit never makes.

    Parameters
    ----------
    folder : Path
    manifest : dict
        From :func:`kit_manifest`.
    also : tuple of str
        Further file names (in any folder) that may be there without being listed.

    Returns
    -------
    list of str
        Sorted; folders end with ``/``.
    """
    listed = manifest["files"]
    known = {MANIFEST, *also}
    foreign = []
    for root, folders, files in os.walk(folder):
        here = Path(root)
        for name in folders:
            path = here / name
            if path.is_symlink() or not any(path.iterdir()):
                foreign.append(path.relative_to(folder).as_posix() + "/")
        for name in files:
            path = here / name
            relative = path.relative_to(folder).as_posix()
            if relative in known or name in also:
                continue
            entry = listed.get(relative)
            if path.is_symlink() or not isinstance(entry, dict):
                foreign.append(relative)
            elif entry.get("bytes") != path.stat().st_size:
                foreign.append(f"{relative} (changed since the kit wrote it)")
    return sorted(foreign)
