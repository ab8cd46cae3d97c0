"""A4 PDFs from the handout HTML, printed by Debian's headless Chromium with the network off."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from kit.chromium import HEADLESS_FLAGS, chromium_path
from kit.handouts.errors import HandoutError, HandoutsError

CHROMIUM_FLAGS = (
    *HEADLESS_FLAGS,
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
)


def chromium() -> str:
    """Path of Debian's Chromium, or HandoutsError when PDFs cannot be printed."""
    path = chromium_path()
    if path is None:
        raise HandoutsError(
            "PDF handouts need Chromium (apt-get install chromium); "
            "or write HTML only with --format html"
        )
    return str(path)


def print_pdf(html: Path, pdf: Path, scratch: str | None = None) -> None:
    """Print ``html`` to an A4 PDF with headless Chromium, network off, no browser header.

    Parameters
    ----------
    html, pdf : Path
    scratch : str, optional
        Where the browser profile goes (the run's scratch folder, removed even when
        the worker is killed mid-print); the temporary folder when omitted.

    Raises
    ------
    HandoutError
        When Chromium fails or writes no PDF.
    """
    with tempfile.TemporaryDirectory(prefix="kit-chromium-", dir=scratch) as profile:
        command = [
            chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ]
        # Chromium's own temporary files go with the profile: none stays if it is killed
        env = {**os.environ, "TMPDIR": profile}
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
        except subprocess.TimeoutExpired:
            raise HandoutError(f"Chromium took over 120 s to print {html.name}") from None
    if result.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise HandoutError(f"Chromium could not print {html.name}: {last}")
