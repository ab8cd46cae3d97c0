"""Kernel-free scenes: the closed forms in Vega expressions give the models' numbers.

Each spec is drawn by vl-convert (the same Vega the page runs) with its sliders
started at random values; the labels it draws must be the Python model's numbers
for those values, formatted for the page's language.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

from kit.kernelfree import specs
from kit.live.display import draw_svg
from kit.stories import STORIES
from kit.stories.look import MOOD_COLOURS
from kit.stories.nocure import model as nocure
from kit.stories.referrals import model as referrals
from kit.text import number, t

NoCure, Referrals = STORIES["nocure"].story, STORIES["referrals"].story


def texts(chart, language: str) -> list[str]:
    """Every text the chart draws, in drawing order."""
    return svg_texts(draw_svg(chart.to_dict(validate=True), language))


def svg_texts(svg: str) -> list[str]:
    """Every ``<text>`` of ``svg``; a sentence wrapped into lines (``<tspan>``) as one."""
    found = re.findall(r"<text[^>]*>(.*?)</text>", svg)
    return [html.unescape(" ".join(re.findall(r"[^<>]+(?=<|$)", text))) for text in found]


def fills(chart, language: str) -> list[str]:
    svg = draw_svg(chart.to_dict(validate=True), language)
    return re.findall(r'fill="(#[0-9a-f]{6})"', svg)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_kernelfree_tree_labels_are_the_models_numbers(language):
    rng = np.random.default_rng(1)
    for _ in range(6):
        values = {
            "per_fan": int(rng.integers(0, 21)),
            "generations": int(rng.integers(0, 7)),
            "fans": int(rng.integers(1, 51)),
        }
        story = Referrals(values, language=language)
        drawn = texts(specs.tree_spec(story), language)
        table = referrals.generation_table(**values)
        for new in table["new"]:
            assert number(new, language) in drawn, (values, new)
        total = referrals.network_size(**values)
        assert f"{t('referrals.chart.total', language)}: {number(total, language)}" in drawn


@pytest.mark.parametrize("language", ["en", "nl"])
def test_kernelfree_doubling_ends_at_the_models_promise(language):
    for years, k in ((10, 1), (7, 3), (30, 0), (1, 5)):
        story = Referrals(years=years, introductions_per_year=k, language=language)
        drawn = texts(specs.doubling_spec(story), language)
        assert number(referrals.compound(years, k), language) in drawn


def test_kernelfree_article_numbers_in_dutch():
    drawn = texts(specs.tree_spec(Referrals(language="nl")), "nl")
    assert "1.000" in drawn and "Totaal: 1.111" in drawn
    assert "1.024" in texts(specs.doubling_spec(Referrals(language="nl")), "nl")


def test_kernelfree_months_read_like_the_client():
    """Random typed months: change labels, alarm bars and the verdict match the model."""
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(12):
        months = int(rng.integers(2, 13))
        results = [int(r) for r in rng.integers(0, 60, size=months)]
        rule = {
            "worried_drop": float(rng.choice([0.0, 0.1, 0.2])),
            "alarm_drop": float(rng.choice([0.3, 0.5, 0.7])),
            "alarm_limit": int(rng.integers(1, 4)),
            "closing_declines": int(rng.integers(1, 4)),
        }
        target = int(rng.integers(6, 600))
        story = NoCure(results=results, months=months, target=target, **rule)
        view = nocure.client_view(results, target, rule["worried_drop"], rule["alarm_drop"])
        change = view["change_pct"].dropna()
        if any(abs(abs(c) % 1 - 0.5) < 0.02 for c in change):
            continue  # a half percent rounds differently in Python and JavaScript
        chart = specs.months_spec(story)
        drawn = texts(chart, "en")
        labels = [f"{c:+.0f}%".replace("+-", "-") for c in change if c == c]
        for label in labels:
            assert label.replace("-0%", "+0%") in drawn or label in drawn, (results, label)
        alarms = int((view["mood"] == "alarm").sum())
        # every alarm bar is drawn in the alarm colour, plus its swatch in the legend
        assert fills(chart, "en").count(MOOD_COLOURS["alarm"]) == alarms + 1, results
        decided = nocure.verdict(results, target, **rule)
        verdict = t("site.verdict", "en", verdict=t(f"nocure.verdict_short.{decided}"))
        assert verdict in drawn, (results, rule)
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("typed", ["20, 15, x", "20", "20, -5, 3", "1.5, 2"])
def test_kernelfree_months_refuse_what_the_kernel_refuses(typed):
    story = NoCure()
    chart = specs.months_spec(story)
    spec = chart.to_dict()
    for param in spec["params"]:
        if param["name"] == specs.signal("results"):
            param["value"] = typed
    assert t("site.months_unusable", "en") in svg_texts(draw_svg(spec, "en"))
    with pytest.raises(Exception):  # noqa: B017 - the kernel's own parser refuses it too
        nocure.check_results(nocure.parse_results_text(typed))


def test_kernelfree_typed_months_split_like_the_kernel():
    story = NoCure()
    chart = specs.months_spec(story)
    spec = chart.to_dict()
    typed = " 20;15  5,45 ,20 15 "
    for param in spec["params"]:
        if param["name"] == specs.signal("results"):
            param["value"] = typed
    drawn = [html.unescape(x) for x in re.findall(r">([^<>]*)</text>", draw_svg(spec, "en"))]
    view = nocure.client_view(nocure.parse_results_text(typed), 120)
    for change in view["change_pct"].dropna():
        assert f"{change:+.0f}%" in drawn


def test_kernelfree_sliders_follow_the_schema():
    story = Referrals(per_fan=7, language="nl")
    spec = specs.tree_spec(story).to_dict()
    params = {p["name"]: p for p in spec["params"]}
    schema = story.schema
    for name in ("per_fan", "generations", "fans"):
        bind = params[specs.signal(name)]["bind"]
        assert (bind["min"], bind["max"]) == schema[name].slider_range
        assert bind["step"] == schema[name].step
        assert bind["name"] == t(schema[name].label_key, "nl")
        assert params[specs.signal(name)]["value"] == story[name]


def test_kernelfree_scenes_exist_in_the_stories():
    for story, scenes in specs.SCENES.items():
        known = {scene.name for scene in STORIES[story].story.scenes}
        assert set(scenes) <= known


@pytest.mark.parametrize("language", ["en", "nl"])
def test_kernelfree_hunting_overtakes_in_the_models_year(language):
    from kit.kernelfree import grids

    grid = grids.band_grid()
    rng = np.random.default_rng(3)
    for _ in range(8):
        values = {
            "years": int(rng.integers(1, 31)),
            "introductions_per_year": int(rng.integers(0, 6)),
            "conversion": round(float(rng.integers(0, 11)) / 10, 1),
            "churn": round(float(rng.integers(0, 11)) / 10, 1),
            "new_logos_per_year": int(rng.integers(0, 101)),
        }
        story = Referrals(values, language=language)
        drawn = texts(specs.hunting_spec(story, grid), language)
        comparison = referrals.flywheel_vs_hunting(
            values["years"],
            values["introductions_per_year"],
            values["conversion"],
            values["churn"],
            values["new_logos_per_year"],
        )
        year = referrals.overtaking_year(comparison)
        expected = (
            t("site.never_overtakes", language)
            if year is None
            else t("site.overtakes", language, year=year)
        )
        assert expected in drawn, values


@pytest.mark.parametrize("language", ["en", "nl"])
def test_kernelfree_contract_reads_the_total_like_the_model(language):
    rng = np.random.default_rng(11)
    for _ in range(5):
        months = int(rng.integers(2, 13))
        results = [int(r) for r in rng.integers(0, 60, size=months)]
        target = int(rng.integers(6, 600))
        story = NoCure(results=results, months=months, target=target, language=language)
        drawn = texts(specs.progress_spec(story), language)
        view = nocure.client_view(results, target)
        total = int(view["cumulative"].iloc[-1])
        met = t("nocure.met_yes" if total >= target else "nocure.met_no", language)
        delivered = t(
            "site.delivered",
            language,
            total=number(total, language),
            target=number(target, language),
        )
        assert f"{delivered} {met}" in drawn, (results, target)
