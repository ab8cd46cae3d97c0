"""The trainer's job from start to end: plan, stage, run, manifest, swap into place."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kit.handouts.manifest import (
    Written,
    ask_chromium_version,
    build_manifest,
    package_versions,
)
from kit.handouts.pdf import chromium
from kit.handouts.plan import FORMATS, Handout, plan_handouts
from kit.handouts.runner import run_all
from kit.handouts.scratch import Scratch
from kit.handouts.signals import interrupt_on_signals
from kit.handouts.sliders import prepare_kernel_free
from kit.handouts.staging import staging_folder
from kit.workshop import Workshop


@dataclass
class Outcome:
    """The result of :func:`write_handouts`: the files, the manifest and the time taken."""

    folder: Path
    written: list[Written]
    manifest: dict[str, Any]
    seconds: float
    files: list[str] = field(default_factory=list)


def write_handouts(
    workshop: Workshop,
    out: str | Path,
    languages: Sequence[str] | None = None,
    formats: Sequence[str] = FORMATS,
    jobs: int | None = None,
    report: Callable[[int, int, Written], None] | None = None,
    on_start: Callable[[list[Handout]], None] | None = None,
    scratch: Scratch | None = None,
) -> Outcome:
    """Write every handout of ``workshop`` into ``out``, all or nothing.

    Parameters
    ----------
    workshop : Workshop
        A validated workshop (:func:`kit.workshop.load_workshop`).
    out : str or Path
        The handouts folder. It is replaced as a whole, and only when every handout was
        written; an existing folder must be an earlier handouts folder (with manifest.json).
    languages : sequence of str, optional
        Overrides the workshop's languages.
    formats : sequence of str
        ``html``, ``pdf`` or both.
    jobs : int, optional
        Handouts written at the same time (default: the number of cores).
    report : callable, optional
        Called as ``report(done, total, written)`` after each handout.
    on_start : callable, optional
        Called with the plan once the output folder was checked, before the first
        notebook runs.
    scratch : Scratch, optional
        The run's scratch folder and browser, opened before the workshop was loaded
        (:func:`~kit.handouts.scratch.run_scratch`), so that Chromium starts meanwhile;
        the caller closes it. Without it, the run opens its own.

    Returns
    -------
    Outcome

    Raises
    ------
    HandoutsError
        Before anything runs: output folder not writable, not a handouts folder, no Chromium.
    HandoutError
        A handout failed; nothing was changed in ``out``.
    """
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    plan = plan_handouts(workshop, languages, formats)
    if "pdf" in formats:
        chromium()
    target = Path(out).resolve()
    with interrupt_on_signals(), staging_folder(target) as stage:
        if on_start is not None:
            on_start(plan)
        prepare_kernel_free(plan)  # the sliders' grids, simulated once for every worker
        chromium_version = ask_chromium_version()  # answers while the notebooks run
        try:
            written = run_all(plan, stage, jobs or os.cpu_count() or 1, report, scratch)
            versions = package_versions(chromium_version)
        finally:
            if chromium_version is not None and chromium_version.poll() is None:
                chromium_version.kill()
                chromium_version.wait()
        manifest = build_manifest(workshop, plan, written, started_at, jobs, versions)
        (stage / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    files = [f["path"] for w in written for f in w.files] + ["manifest.json"]
    return Outcome(target, written, manifest, time.perf_counter() - started, files)
