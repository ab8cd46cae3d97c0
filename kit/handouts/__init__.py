"""The trainer's job: a workshop file in, offline HTML and PDF handouts out, atomically.

Each handout is one notebook in one language (and, with a roster, for one participant).
The package is split by concern:

- :mod:`~kit.handouts.plan`: which handouts a workshop asks for, with their cover texts;
- :mod:`~kit.handouts.staging`: the stage folder beside ``--out`` and the atomic swap;
- :mod:`~kit.handouts.runner`: worker processes, each with one warm kernel, run the
  notebooks with papermill; the run's own process exports each page as it comes back;
- :mod:`~kit.handouts.sliders`: the kernel-free scenes a page keeps, made by the workers;
- :mod:`~kit.handouts.export`: the executed notebook as one offline HTML page;
- :mod:`~kit.handouts.pdf`: that page printed to an A4 PDF by headless Chromium, one
  browser for every PDF of a run, in a printing process of its own;
- :mod:`~kit.handouts.scratch`: a run's scratch folder and that printing process, opened
  before the workshop is read, so the browser starts while the kit loads;
- :mod:`~kit.handouts.manifest`: manifest.json, with every file's sha256, and how the
  kit recognises a folder it wrote;
- :mod:`~kit.handouts.signals`: SIGTERM and SIGHUP stop a run as Ctrl-C does, and no
  kernel or browser outlives it;
- :mod:`~kit.handouts.write`: :func:`write_handouts`, the whole job, all or nothing.

On any failure (a cell that raises, a killed run, Ctrl-C, a full disk) the previous
handouts stay exactly as they were.
"""

import importlib
from typing import Any

_HOMES = {
    "HandoutError": "errors",
    "HandoutsError": "errors",
    "chart_title": "export",
    "css_string": "export",
    "handout_html": "export",
    "svg_images": "export",
    "Written": "manifest",
    "build_manifest": "manifest",
    "package_versions": "manifest",
    "CHROMIUM_FLAGS": "pdf",
    "Printer": "pdf",
    "chromium": "pdf",
    "FORMATS": "plan",
    "LARGE_RUN": "plan",
    "Handout": "plan",
    "cover_texts": "plan",
    "estimate_seconds": "plan",
    "plan_handouts": "plan",
    "spoken_date": "plan",
    "WarmKernel": "runner",
    "run_notebook": "runner",
    "without_live_cells": "runner",
    "write_handout": "runner",
    "Interrupted": "signals",
    "staging_folder": "staging",
    "Outcome": "write",
    "write_handouts": "write",
}
"""Where each public name lives. They load on first use: the printing process is started
from :mod:`~kit.handouts.pdf` while the CLI still loads the workshop, without paying for
papermill and nbconvert (0.5 s) first."""


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'kit.handouts' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"kit.handouts.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


__all__ = [
    "CHROMIUM_FLAGS",
    "FORMATS",
    "Handout",
    "Interrupted",
    "LARGE_RUN",
    "HandoutError",
    "HandoutsError",
    "Outcome",
    "Printer",
    "WarmKernel",
    "Written",
    "build_manifest",
    "chart_title",
    "chromium",
    "cover_texts",
    "css_string",
    "estimate_seconds",
    "handout_html",
    "package_versions",
    "plan_handouts",
    "run_notebook",
    "spoken_date",
    "staging_folder",
    "svg_images",
    "without_live_cells",
    "write_handout",
    "write_handouts",
]
