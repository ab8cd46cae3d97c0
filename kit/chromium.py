"""Debian's Chromium, started headless the way this kit needs it everywhere.

The handouts print PDFs with it; the browser tests and the presenter benchmark drive
it through Playwright. One list of flags, so all of them start it the same way.
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


def chromium_path() -> Path | None:
    """Where Chromium is installed (``chromium`` on PATH, else /usr/bin/chromium), or None."""
    path = Path(shutil.which("chromium") or "/usr/bin/chromium")
    return path if path.exists() else None
