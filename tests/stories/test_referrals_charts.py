"""Every chart of story B says what each line, band and square is: a legend or a direct label."""

from __future__ import annotations

import pytest

from kit.stories.base import Chart
from kit.stories.referrals.story import ReferralsStory
from kit.text import t

LEGEND_CHANNELS = ("color", "fill", "stroke", "strokeDash", "opacity")


def _layers(spec):
    return spec.get("layer", [spec])


def legend_entries(spec) -> set[str]:
    """Every name a legend of the chart shows (the domains of legend-bearing channels)."""
    names = set()
    for layer in _layers(spec):
        for channel in LEGEND_CHANNELS:
            encoding = layer.get("encoding", {}).get(channel, {})
            if "field" in encoding and encoding.get("legend", {}) is not None:
                names.update(encoding.get("scale", {}).get("domain", []))
    return names


def direct_labels(spec) -> set[str]:
    """Every text a text mark of the chart draws."""
    rows = [row for values in spec.get("datasets", {}).values() for row in values]
    for layer in _layers(spec):
        rows += layer.get("data", {}).get("values", [])
    texts = {
        layer["encoding"]["text"]["field"]
        for layer in _layers(spec)
        if _mark(layer) == "text" and "field" in layer["encoding"].get("text", {})
    }
    return {str(row[field]) for row in rows for field in texts if row.get(field)}


def _mark(layer):
    mark = layer.get("mark", {})
    return mark if isinstance(mark, str) else mark.get("type")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_band_names_the_promise_the_median_and_the_middle_80(language):
    story = ReferralsStory(runs=500, language=language)
    spec = next(p for p in story.parts() if p.name == "band").draw(story).to_dict()
    names = legend_entries(spec)
    for key in ("band_middle", "median", "mean", "promised"):
        assert t(f"referrals.chart.{key}", language) in names, key
    assert t(
        "referrals.chart.target", language, target="1.000" if language == "nl" else "1,000"
    ) in (direct_labels(spec))


@pytest.mark.parametrize(
    "values", [{}, {"conversion": 0.9}, {"per_fan": 100, "generations": 12}, {"years": 1}]
)
def test_every_chart_has_a_legend_or_direct_labels(values):
    story = ReferralsStory(values, runs=300)
    for part in story.parts():
        if isinstance(part, Chart):
            spec = part.draw(story).to_dict()
            assert legend_entries(spec) or direct_labels(spec), part.name


def test_the_map_names_the_room_and_the_empty_squares():
    story = ReferralsStory(runs=1)
    spec = next(p for p in story.parts() if p.name == "map").draw(story).to_dict()
    names = legend_entries(spec)
    assert t("referrals.chart.you", "en") in names
    rows = [row for values in spec.get("datasets", {}).values() for row in values]
    rows += [row for layer in spec["layer"] for row in layer.get("data", {}).get("values", [])]
    assert {"not in 50 years", "after year 10"} <= names
    assert {row.get("group") for row in rows} >= {"not in 50 years", "after year 10"}
    # green (the colour scale) only where it passes within the room's 10 years
    assert all(row["group"] is None for row in rows if (row.get("year") or 99) <= 10)
    assert any(
        row.get("label") == "11" and row["conversion"] == 60 and row["churn"] == 10 for row in rows
    )
