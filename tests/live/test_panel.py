"""The live panels: sliders from the schema, only dependent charts redrawn, no tracebacks."""

import datetime

import pytest
from helpers import find_widget as find

from kit.errors import ParameterError
from kit.live.panel import Panel, board_item
from kit.stories.nocure.story import NoCureStory
from kit.stories.referrals.story import ReferralsStory


def item(panel, slot):
    board = find(panel, "kit-board")
    return next(i for i in board.items if i["name"] == slot)


def spec(panel, slot):
    return find(panel, "kit-board").spec(slot)


def html(panel, slot):
    return item(panel, slot)["html"]


def rows(chart_spec):
    """The rows of a chart's first layer that has any (the months of the mood bars)."""
    for layer in [chart_spec, *chart_spec.get("layer", [])]:
        if "values" in layer.get("data", {}):
            return layer["data"]["values"]
    return []


def message(panel):
    return find(panel, "kit-message").value


@pytest.fixture
def story_a():
    return NoCureStory(n_contracts=2000).panel()


def test_every_nocure_slot_is_on_the_board_in_order(story_a):
    names = [i["name"] for i in find(story_a, "kit-board").items]
    assert names == [
        "mood_bars",
        "progress",
        "verdict",
        "rule",
        "outcomes",
        "regression",
        "income",
        "own_history_reading",
        "terms",
        "terms_summary",
        "trust_text",
    ]
    for slot in ("mood_bars", "progress", "outcomes", "regression", "income"):
        assert spec(story_a, slot)["$schema"].startswith("https://vega.github.io/schema/vega-lite")
    assert "The client walks away" in html(story_a, "verdict")
    assert "<strong>" in html(story_a, "verdict")  # Markdown rendered for the browser


def test_a_slider_redraws_only_what_depends_on_it(story_a):
    before = {slot: item(story_a, slot) for slot in ("mood_bars", "outcomes", "income")}
    version = find(story_a, "kit-board").version
    find(story_a, "kit-slider-volatility").value = 1.2
    assert item(story_a, "mood_bars") is before["mood_bars"]  # not rebuilt at all
    assert item(story_a, "outcomes") != before["outcomes"]
    assert item(story_a, "income") != before["income"]
    assert find(story_a, "kit-board").version == version + 1  # one message for the move
    assert message(story_a) == ""


def other_value(param, value):
    """A valid value for ``param`` that differs from ``value`` (the far end of its slider)."""
    if param.kind == "choice":
        return next(choice for choice in param.choices if choice != value)
    low, high = param.slider_range
    return low if value == high else high


@pytest.mark.parametrize(
    "story", [NoCureStory(n_contracts=500), ReferralsStory(runs=500)], ids=["A", "B"]
)
def test_a_part_depends_on_every_parameter_that_changes_it(story):
    """A part is redrawn only for its ``depends``: moving any other slider must not change it.

    The moved story is built fresh (no results carried over), so this also checks that
    every result declares what it reads.
    """
    schema = story.schema
    for part in story.parts():
        before = board_item(part, story)
        for param in schema.params:
            if param.name in (*part.depends, "language") or param.kind == "int_list":
                continue
            changed = {**story.values, param.name: other_value(param, story[param.name])}
            try:
                moved = type(story)(changed)
            except ParameterError:
                continue  # e.g. months alone: the panel changes it together with the results
            assert board_item(part, moved) == before, f"{part.name} changes with {param.name}"


@pytest.mark.parametrize(
    "story", [NoCureStory(n_contracts=500), ReferralsStory(runs=500)], ids=["A", "B"]
)
def test_a_moved_story_keeps_exactly_the_results_its_inputs_allow(story):
    """Results carried over by ``moved`` equal the ones computed afresh for the new values."""
    for part in story.parts():
        board_item(part, story)  # compute every result once
    for param in story.schema.params:
        if param.name == "language" or param.kind == "int_list":
            continue
        try:
            moved = story.moved({param.name: other_value(param, story[param.name])})
        except ParameterError:
            continue
        fresh = type(story)(moved.values)
        for part in story.parts():
            assert board_item(part, moved) == board_item(part, fresh), (part.name, param.name)


def test_sliders_carry_labels_from_the_texts():
    panel = NoCureStory(language="nl", n_contracts=1000).panel()
    assert find(panel, "kit-slider-volatility").description == "Schommeling van maand tot maand"
    assert "Maand" in str(spec(panel, "mood_bars"))
    assert find(panel, "kit-board").locale["decimal"] == ","


def test_typed_months_tell_the_participants_story(story_a):
    find(story_a, "kit-own-results").value = "10, 30, 10, 30"
    months = rows(spec(story_a, "mood_bars"))
    assert [m["result"] for m in months] == [10, 30, 10, 30]
    assert [m["mood"] for m in months][:3] == ["alarm", "pleased", "alarm"]


@pytest.mark.parametrize(
    "typed, fragment",
    [
        ("10, -3", "Month 2: '-3' is not a whole number from 0 to 100,000"),
        ("10, abc", "'abc'"),
        ("10", "between 2 and 36"),
        ("", "between 2 and 36"),
        ("1.5, 2", "'1.5'"),
    ],
)
def test_bad_typed_months_show_a_message_and_keep_the_charts(story_a, typed, fragment):
    before = item(story_a, "mood_bars")
    find(story_a, "kit-own-results").value = typed
    assert "Not used:" in message(story_a) and fragment in message(story_a)
    assert "Traceback" not in message(story_a)
    assert item(story_a, "mood_bars") is before


def test_html_in_a_bad_value_is_escaped(story_a):
    find(story_a, "kit-own-results").value = "1, <script>alert(1)</script>"
    assert "<script>" not in message(story_a) and "&lt;script&gt;" in message(story_a)


def test_uploaded_csv_and_reset(story_a):
    upload = find(story_a, "kit-upload")
    content = memoryview(b"month,result\n1,5\n2,50\n3,5\n")
    upload.value = (
        {
            "name": "mine.csv",
            "type": "text/csv",
            "size": 27,
            "content": content,
            "last_modified": datetime.datetime(2026, 11, 23),
        },
    )
    assert [m["result"] for m in rows(spec(story_a, "mood_bars"))] == [5, 50, 5]
    upload.value = (
        {
            "name": "bad.csv",
            "type": "text/csv",
            "size": 9,
            "content": memoryview(b"a,b\n1,2\n"),
            "last_modified": datetime.datetime(2026, 11, 23),
        },
    )
    assert "bad.csv" in message(story_a)
    find(story_a, "kit-reset").click()
    assert [m["result"] for m in rows(spec(story_a, "mood_bars"))] == [20, 15, 5, 45, 20, 15]
    assert find(story_a, "kit-own-results").value == "20, 15, 5, 45, 20, 15"


def test_sliders_at_their_extremes_never_break_the_panel(story_a):
    for name in ("target", "volatility", "alarm_drop", "worried_drop", "mean", "fee_per_lead"):
        slider = find(story_a, f"kit-slider-{name}")
        for value in (slider.min, slider.max):
            slider.value = value
            assert "could not be redrawn" not in message(story_a)


def test_flywheel_panel_scale_switch_and_summary():
    panel = ReferralsStory(runs=2000).panel()
    find(panel, "kit-choice-scale").value = "log"
    layers = spec(panel, "band")["layer"]
    assert any(layer["encoding"]["y"].get("scale", {}).get("type") == "symlog" for layer in layers)
    find(panel, "kit-slider-conversion").value = 0.95
    assert "grows by <strong>85%</strong> a year" in html(panel, "summary")
    find(panel, "kit-slider-per_fan").value = 3
    assert "1 + 3 + 9 + 27 = 40" in html(panel, "tree_text")


def test_the_panels_readouts_are_in_the_pages_language():
    # ipywidgets' own readout would say 2,000 and 0.50 on a Dutch page
    story = NoCureStory(n_contracts=500, language="nl", retainer_fee=1600.0, target=2000)
    shown = Panel(story)
    readouts = shown.readouts
    assert readouts["target"].readout.value == "2.000"
    assert readouts["volatility"].readout.value == "0,50"
    assert readouts["retainer_fee"].readout.value.replace("\u00a0", " ") == "€ 1.600"
    assert not shown.controls["target"].readout  # ipywidgets' readout is hidden
    shown.controls["volatility"].value = 0.75  # a move rewrites the readout, Dutch
    assert readouts["volatility"].readout.value == "0,75"
    readouts["target"].readout.value = "100.000"  # typed the Dutch way, clamped, said so
    assert shown.story["target"] == shown.controls["target"].max == 2000
    readouts["target"].readout.value = "1.000,4"
    assert shown.story["target"] == 1000 and readouts["target"].readout.value == "1.000"
    readouts["target"].readout.value = "9.999.999"
    assert shown.story["target"] == 2000 and "hoogste" in readouts["target"].note.value
