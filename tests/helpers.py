"""Shared harness for the tests (the tests import nothing from benchmarks/)."""

from __future__ import annotations

import re
from pathlib import Path

from kit.workshop import DEFAULT_WORKSHOP


def roster_workshop(folder: Path, roster: str) -> Path:
    """The default workshop, story A only, in English, with ``roster`` (CSV text) beside it."""
    (folder / "roster.csv").write_text(roster, encoding="utf-8")
    text = DEFAULT_WORKSHOP.read_text(encoding="utf-8")
    text = text.replace("languages: [nl, en]", "languages: [en]")
    text = text.replace("# roster: roster_example.csv", "roster: roster.csv")
    text = re.sub(r"\n  referrals:\n(    .*\n)*", "\n", text)
    path = folder / "workshop.yaml"
    path.write_text(text, encoding="utf-8")
    return path
