"""manifest.json: what was written, from what, with which versions, and every file's sha256."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import kit
from kit.chromium import chromium_path
from kit.handouts.plan import Handout
from kit.workshop import Workshop

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
    return {
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
        },
        "languages": sorted({h.language for h in plan}),
        "formats": list(plan[0].formats) if plan else [],
        "jobs": jobs or os.cpu_count(),
        "parameters": workshop.notebooks,
        "packages": package_versions(),
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


def package_versions() -> dict[str, str]:
    """Versions of Python, Chromium and the packages that shape a handout."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    path = chromium_path()
    if path is not None:
        result = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
        versions["chromium"] = result.stdout.strip()
    return versions
