"""Shared helpers: run a notebook with papermill and read what it produced."""

from __future__ import annotations

import signal
from pathlib import Path

import papermill as pm
import pytest
from hypothesis import settings

from kit.resources import NOTEBOOKS

ROOT = Path(__file__).resolve().parent.parent
"""The checkout (commands in tests run from here)."""

# Property tests check meaning, not speed: on a loaded 2-core machine an example can take
# longer than hypothesis' default 200 ms deadline, which made them fail now and then.
# CI must give the same verdict on the same code: examples are derived from each test, not
# drawn anew per run (a newly found failing example stays in .hypothesis/ locally).
settings.register_profile("kit", deadline=None, derandomize=True)
settings.load_profile("kit")

# A suite started in the background (`make test &`, nohup) inherits Ctrl-C ignored, and so
# does every `kit` command it starts: the tests that press Ctrl-C would see it go unheard.
# A handler (unlike "ignored") is reset to the default in a started program, as in a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def run_notebook(name: str, tmp_path: Path, **parameters):
    """Execute ``notebooks/<name>`` with ``parameters`` and return the executed notebook."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    return pm.execute_notebook(
        str(NOTEBOOKS / name),
        str(tmp_path / name),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(NOTEBOOKS),
        progress_bar=False,
    )


def charts_in(notebook) -> dict[str, dict]:
    """Every chart a notebook displayed: name -> {"svg": ..., "spec": ..., "language": ...}."""
    found = {}
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("kit")
            if meta:
                found[meta["chart"]] = {**meta, "svg": output["data"]["image/svg+xml"]}
    return found


def text_in(notebook) -> str:
    """All Markdown and plain text a notebook displayed, joined."""
    parts = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts.append(data.get("text/markdown", ""))
    return "\n".join(parts)


@pytest.fixture(scope="session")
def session_tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("notebooks")
