"""Every value story A's schema allows must run: each parameter at its ends, and mixed corners.

A corner builds the story, draws every chart (``to_dict``) and writes every sentence of
every scene; no exception, no NaN or infinity, no unfilled placeholder in any sentence.
"""

from __future__ import annotations

import random
import re

import pytest

from kit.errors import ParameterError
from kit.stories.base import Chart
from kit.stories.nocure import model
from kit.stories.nocure.story import NoCureStory

SCHEMA = NoCureStory.schema
SMALL = 300  # simulated contracts where n_contracts itself is not the corner
NOT_A_NUMBER = re.compile(r"(?<![A-Za-z])-?(nan|inf|infinity)(?![A-Za-z])", re.IGNORECASE)


def _list_end(name: str, end: str, months: int) -> list[int]:
    param = SCHEMA[name]
    if name == "results":
        return [int(getattr(param, f"{end}imum"))] * months
    if name.startswith("room_"):  # the room's answers: none at all, or a full room every month
        return [int(param.maximum)] * months if end == "max" else []
    # the history: the longest at the top, and the lowest mean the model accepts
    if end == "max":
        return [int(param.maximum)] * model.MAX_HISTORY
    return [0] * (model.MIN_HISTORY - 2) + [1, 1]


def _end(name: str, end: str, months: int):
    param = SCHEMA[name]
    if param.kind == "choice":
        return param.choices[0 if end == "min" else -1]
    if param.kind == "int_list":
        return _list_end(name, end, months)
    return param.minimum if end == "min" else param.maximum


def _with_months(values: dict) -> dict:
    """Make the results as long as the months (the panel changes them together)."""
    months = values["months"]
    results = list(values["results"])
    values["results"] = (results * months)[:months] if results else [0] * months
    return values


def corners() -> list[dict]:
    """Each parameter at each end, then all at one end, then a bounded set of seeded mixes."""
    names = [p.name for p in SCHEMA.params if p.name != "language"]
    found = []
    for name in names:
        for end in ("min", "max"):
            values = {"n_contracts": SMALL, name: _end(name, end, 6)}
            if name == "months":
                values["results"] = [20] * int(values["months"])
            found.append(values)
    # rooms: one participant who walks away at once; a full hall who all stay; a room that
    # saw longer months than the story's own
    found.append({"n_contracts": SMALL, "room_participants": 1, "room_still_in": [0] * 6})
    top = SCHEMA["room_participants"].maximum
    found.append({"n_contracts": SMALL, "room_participants": top, "room_still_in": [top]})
    found.append(
        {"room_participants": 3, "room_still_in": [3, 2, 2, 1, 1, 1, 0, 0], "room_results": [0] * 8}
    )
    # a calm provider: no month falls far enough for an alarm (no rebound to count)
    found.append({"n_contracts": SMALL, "volatility": 0.0, "seasonality": 0.0, "mean": 1e4})
    mixes = [{name: "min" for name in names}, {name: "max" for name in names}]
    rng = random.Random(2024)
    mixes += [{name: rng.choice(("min", "max")) for name in names} for _ in range(14)]
    for mix in mixes:
        months = int(_end("months", mix["months"], 6))
        values = {name: _end(name, end, months) for name, end in mix.items()}
        found.append(_with_months(values))
    return found


def _render(story: NoCureStory) -> list[str]:
    sentences = []
    for part in story.parts():
        if isinstance(part, Chart):
            spec = part.draw(story).to_dict(validate=False)
            assert spec["title"], part.name
        else:
            sentences.append(part.write(story))
    return sentences


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_corner_of_the_schema_runs_and_reads(language):
    built = rooms = 0
    for values in corners():
        try:
            story = NoCureStory({**values, "language": language})
        except ParameterError as error:
            # only the schema's own cross-checks may refuse a corner (e.g. worried above alarm)
            allowed = ("worried_drop", "results", "history", "room_still_in")
            assert error.name in allowed, (values, error)
            continue
        built += 1
        rooms += bool(story["room_participants"])
        for text in _render(story):
            assert not NOT_A_NUMBER.search(text), (values, text)
            assert "{" not in text and "}" not in text, (values, text)
    assert built >= 40
    assert rooms >= 5


def test_the_largest_corner_is_drawn_and_validated():
    """All parameters at their top: the biggest simulation, checked against Vega-Lite too."""
    values = _with_months({p.name: _end(p.name, "max", 36) for p in SCHEMA.params})
    values["worried_drop"] = values["alarm_drop"] = 1.0
    story = NoCureStory(values)
    for part in story.parts():
        if isinstance(part, Chart):
            part.draw(story).to_dict(validate=True)
