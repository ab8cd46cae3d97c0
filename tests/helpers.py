"""Shared harness for the tests (the tests import nothing from benchmarks/)."""

from __future__ import annotations

import hashlib
import json
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


def previous_handouts(out: Path) -> None:
    """Last week's handouts folder in ``out``: one page and the kit's manifest listing it."""
    page = out / "en" / "01_no_cure_no_pay.html"
    page.parent.mkdir(parents=True)
    page.write_text("<p>last week's handout</p>", encoding="utf-8")
    data = page.read_bytes()
    manifest = {
        "generator": "workshop-kit",
        "files": {
            "en/01_no_cure_no_pay.html": {
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
