"""Every value story B's schema allows runs: the story at the corners of its schema.

Each parameter at its minimum and its maximum, alone and in combination (a bounded,
seeded sample of the 2**11 corners), builds the story and renders every part: every
chart's spec (validated) and, for a sample, its SVG drawn by vl-convert as the notebook
does; every sentence, with no NaN, inf or runaway number in it, and none contradicting
its figures (the checks of ``test_referrals_texts``).
"""

from __future__ import annotations

import random
import re

import pytest
from test_referrals_texts import check_story

from kit.live.display import draw_svg
from kit.stories.base import Chart, Words
from kit.stories.referrals.story import SCHEMA, ReferralsStory

NUMERIC = [p for p in SCHEMA.params if p.kind in ("int", "float")]
LOW = {p.name: p.minimum for p in NUMERIC}
HIGH = {p.name: p.maximum for p in NUMERIC}
CHEAP_RUNS = 200  # the runs' own corners are tried on their own and in a few combinations


def _cast(values):
    return {p.name: (int(values[p.name]) if p.kind == "int" else values[p.name]) for p in NUMERIC}


def corners():
    """All low, all high, each parameter alone at either end, and 24 mixed corners."""
    cases = {"all low": _cast(LOW), "all high": _cast(HIGH)}
    for param in NUMERIC:
        for end, value in (("low", param.minimum), ("high", param.maximum)):
            values = {"runs": CHEAP_RUNS, param.name: value}
            cases[f"{param.name} {end}"] = values
    pick = random.Random(12)
    for index in range(24):
        mixed = {p.name: pick.choice((p.minimum, p.maximum)) for p in NUMERIC}
        if index % 6:  # most mixed corners with few runs, to stay quick
            mixed["runs"] = pick.choice((1, CHEAP_RUNS))
        cases[f"mixed {index}"] = _cast({**LOW, **mixed})
    cases["issue 14: per_fan 100, generations 12"] = {"per_fan": 100, "generations": 12}
    return cases


CORNERS = corners()
DRAWN = {"all low", "all high", "issue 14: per_fan 100, generations 12", "mixed 0", "mixed 6"}
NOT_A_NUMBER = re.compile(r"\b(nan|inf|infinity)\b|e\+\d", re.I)


@pytest.mark.parametrize("name", list(CORNERS))
def test_every_corner_renders(name):
    language = "nl" if len(name) % 2 else "en"  # both languages, the same each run
    story = ReferralsStory(
        CORNERS[name], language=language, scale="log" if "mixed" in name else "linear"
    )
    for part in story.parts():
        if isinstance(part, Chart):
            spec = part.draw(story).to_dict(validate=True)
            if name in DRAWN:
                assert "<svg" in draw_svg(spec, language), part.name
        else:
            assert isinstance(part, Words)
            text = part.write(story)
            assert not NOT_A_NUMBER.search(text), (part.name, text)
            assert not re.search(r"\d{19}", text.replace(",", "").replace(".", "")), text
    check_story(story)  # and no sentence contradicts its numbers at the corners either


def test_the_issue_14_case_draws_its_tree_with_readable_labels():
    story = ReferralsStory(per_fan=100, generations=12, runs=100)
    chart = next(p for p in story.parts() if p.name == "tree")
    svg = draw_svg(chart.draw(story).to_dict(), "en")
    assert "1.0 × 10²⁴" in svg
