"""A story declared once gets everything: a tiny third story, registered from outside the kit.

Two parameters and one scene, written here (model, texts and notebook in a temporary
folder); no module of the kit changes. It must get a working live panel and a handout.
"""

from __future__ import annotations

import sys
import textwrap

import nbformat
import pytest
from helpers import find_widget as find
from nbformat.v4 import new_code_cell, new_notebook

from kit import text as kit_text
from kit.stories import STORIES, StoryEntry
from kit.text import catalogue

STORY_MODULE = '''
"""A tiny savings story: a deposit every year, and what it adds up to."""

from pathlib import Path

import altair as alt
import pandas as pd

from kit.params import LANGUAGE, Param, Schema
from kit.stories.base import Chart, Scene, Story, Words, computed
from kit.text import number, t


class SavingsStory(Story):
    name = "savings"
    texts = Path(__file__).parent
    schema = Schema(
        "savings",
        (
            LANGUAGE,
            Param("deposit", "int", 100, 1, 10_000, 10, slider=(10, 1000)),
            Param("years", "int", 5, 1, 40, 1),
        ),
    )

    @computed("deposit", "years")
    def saved(self):
        years = range(1, self["years"] + 1)
        return pd.DataFrame({"year": list(years), "saved": [self["deposit"] * y for y in years]})

    scenes = (
        Scene(
            "growth",
            "savings.heading",
            parts=(
                Chart(
                    "saved",
                    ("deposit", "years"),
                    lambda s: alt.Chart(s.saved, title=t("savings.chart", s.language))
                    .mark_bar()
                    .encode(x="year:O", y="saved:Q"),
                ),
                Words(
                    "total",
                    ("deposit", "years"),
                    lambda s: t(
                        "savings.total",
                        s.language,
                        total=number(int(s.saved["saved"].iloc[-1]), s.language),
                    ),
                    on_board=True,
                ),
            ),
            controls=("deposit", "years"),
            tab="savings.tab",
        ),
    )
'''

TEXTS = {
    "en": """
        savings: {heading: "Saving every year", chart: "Saved so far", total: "Saved: {total}",
                  tab: "Savings"}
        params: {deposit: "Deposit a year", years: "Years"}
    """,
    "nl": """
        savings: {heading: "Elk jaar sparen", chart: "Tot nu toe gespaard",
                  total: "Gespaard: {total}", tab: "Sparen"}
        params: {deposit: "Inleg per jaar", years: "Jaren"}
    """,
}


@pytest.fixture
def savings(tmp_path, monkeypatch):
    """Register the savings story the way a new story package would."""
    (tmp_path / "savings_story.py").write_text(STORY_MODULE, encoding="utf-8")
    for language, text in TEXTS.items():
        (tmp_path / f"{language}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    notebook = new_notebook(
        cells=[
            new_code_cell(
                'language = "en"\ndeposit = 100\nyears = 5', metadata={"tags": ["parameters"]}
            ),
            new_code_cell(
                "from savings_story import SavingsStory\n"
                "story = SavingsStory.from_notebook(globals())"
            ),
            new_code_cell('story.show("growth")'),
            new_code_cell("story.panel()", metadata={"tags": ["live-only"]}),
        ]
    )
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, tmp_path / "03_savings.ipynb")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))  # for the handout kernels

    def load():
        import savings_story

        return savings_story.SavingsStory

    entry = StoryEntry("savings", str(tmp_path / "03_savings.ipynb"), load)
    monkeypatch.setitem(STORIES, "savings", entry)
    catalogue.cache_clear()
    yield entry
    kit_text._added.remove(tmp_path)
    catalogue.cache_clear()
    sys.modules.pop("savings_story", None)


def test_the_third_story_gets_a_live_panel(savings):
    panel = savings.story(language="nl", deposit=200).panel()
    board = find(panel, "kit-board")
    assert [item["name"] for item in board.items] == ["saved", "total"]
    assert "Gespaard: 1.000" in board.items[1]["html"]
    slider = find(panel, "kit-slider-years")
    assert slider.description == "Jaren"
    slider.value = 10
    assert "Gespaard: 2.000" in board.items[1]["html"]
    assert [row["saved"] for row in board.items[0]["spec"]["datasets"].popitem()[1]][-1] == 2000


@pytest.mark.notebook
def test_the_third_story_gets_a_handout(savings, tmp_path):
    from kit.handouts import write_handouts
    from kit.workshop import load_workshop

    workshop_file = tmp_path / "workshop.yaml"
    workshop_file.write_text(
        textwrap.dedent(
            """
            title: Savings evening
            date: 2026-12-02
            coach: Sam
            organisation: The kit
            languages: [en]
            notebooks:
              savings: {deposit: 50, years: 4}
            """
        ),
        encoding="utf-8",
    )
    out = tmp_path / "handouts"
    write_handouts(load_workshop(workshop_file), out, formats=("html",), jobs=1)
    pages = list(out.rglob("*.html"))
    assert len(pages) == 1
    html = pages[0].read_text(encoding="utf-8")
    assert "Saving every year" in html and "Saved: 200" in html
    assert 'alt="Saved so far" src="data:image/svg+xml' in html  # the chart, drawn in the kernel
