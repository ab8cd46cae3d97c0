"""Debian's Chromium, started headless the way this kit needs it everywhere.

The handouts print PDFs with it; the browser tests and the presenter benchmark drive
it through Playwright. One list of flags, so all of them start it the same way.

The handouts print with Debian's ``chromium-headless-shell`` when it is installed
(:func:`printer_path`): the same Chromium release and the same Blink, built without the
browser around it (Chromium's "old headless" mode). Printing the default workshop's
four pages with it took 1.1-1.5 s of CPU where the full browser took 2.3-2.8 s, and its
pages rendered pixel for pixel the same (all 21 A4 pages compared at 110 dpi). Pages
that people look at (the presenter, the browser tests) stay with the full browser.
"""

from __future__ import annotations

import shutil
from pathlib import Path

HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # no update checks, sync or component downloads: nothing may leave the machine
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


PRINTER = "chromium-headless-shell"
"""Debian's package (and program) of Chromium's headless shell."""
SYSTEM_PROGRAMS = Path("/usr/bin")
"""Where Debian installs both, looked in when they are not on PATH."""


def chromium_path() -> Path | None:
    """Where Chromium is installed (``chromium`` on PATH, else /usr/bin/chromium), or None."""
    return _installed("chromium")


def printer_path() -> Path | None:
    """What prints the handouts: ``chromium-headless-shell`` if installed, else Chromium, else None.

    Each is looked for on PATH first, then in /usr/bin.
    """
    return _installed(PRINTER) or chromium_path()


def _installed(program: str) -> Path | None:
    path = Path(shutil.which(program) or SYSTEM_PROGRAMS / program)
    return path if path.exists() else None
