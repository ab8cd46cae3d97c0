"""The trainer's job: a workshop file in, offline HTML and PDF handouts out, atomically.

Each handout is one notebook in one language (and, with a roster, for one participant).
The package is split by concern:

- :mod:`~kit.handouts.plan`: which handouts a workshop asks for, with their cover texts;
- :mod:`~kit.handouts.staging`: the stage folder beside ``--out`` and the atomic swap;
- :mod:`~kit.handouts.runner`: worker processes, each with one warm kernel, run the
  notebooks with papermill and export the HTML;
- :mod:`~kit.handouts.export`: the executed notebook as one offline HTML page;
- :mod:`~kit.handouts.pdf`: that page printed to an A4 PDF by headless Chromium, one
  browser for every PDF of a run, in a printing process of its own;
- :mod:`~kit.handouts.manifest`: manifest.json, with every file's sha256, and how the
  kit recognises a folder it wrote;
- :mod:`~kit.handouts.signals`: SIGTERM and SIGHUP stop a run as Ctrl-C does, and no
  kernel or browser outlives it;
- :mod:`~kit.handouts.write`: :func:`write_handouts`, the whole job, all or nothing.

On any failure (a cell that raises, a killed run, Ctrl-C, a full disk) the previous
handouts stay exactly as they were.
"""

from kit.handouts.errors import HandoutError, HandoutsError
from kit.handouts.export import chart_title, css_string, handout_html, svg_images
from kit.handouts.manifest import Written, build_manifest, package_versions
from kit.handouts.pdf import CHROMIUM_FLAGS, Printer, chromium
from kit.handouts.plan import (
    FORMATS,
    LARGE_RUN,
    Handout,
    cover_texts,
    estimate_seconds,
    plan_handouts,
    spoken_date,
)
from kit.handouts.runner import WarmKernel, run_notebook, without_live_cells, write_handout
from kit.handouts.signals import Interrupted
from kit.handouts.staging import staging_folder
from kit.handouts.write import Outcome, write_handouts

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
