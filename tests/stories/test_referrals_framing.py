"""Where the flywheel beats hunting, and what an introduction must be worth (story B's framing)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import ParameterError, referrals
from kit.referrals import (
    MAP_STEPS,
    conversion_to_pass,
    expected_fans,
    fans_matching_hunter,
    new_logo_hunting,
    passing_map,
    passing_year,
)

FAST = settings(max_examples=60, deadline=None)
share = st.floats(0.0, 1.0, allow_nan=False)


def test_the_defaults_pass_the_hunter_in_year_11():
    # 1.5 ** 10 = 57.7 against the hunter's 65.5; 1.5 ** 11 = 86.5 against 69.0
    assert passing_year(1, 0.6, 0.1, 10) == 11
    assert passing_year(1, 0.6, 0.1, 10, within=10) is None
    assert expected_fans(11, 1, 0.6, 0.1) > new_logo_hunting(11, 10, 0.1)[-1]
    assert expected_fans(10, 1, 0.6, 0.1) < new_logo_hunting(10, 10, 0.1)[-1]


def test_a_flywheel_that_only_matches_the_hunter_never_passes_it():
    # no introductions convert and the hunter wins nobody: both paths are fans * 0.7 ** t,
    # computed two ways (power, yearly product) that differ in the last bits
    for churn in (0.1, 0.3, 0.7, 0.95):
        assert passing_year(5, 0.0, churn, 0, fans=7) is None
    table = passing_map(5, 0, fans=7, conversions=[0.0])
    assert table["year"].isna().all()


@FAST
@given(
    k=st.integers(0, 4),
    logos=st.integers(0, 200),
    fans=st.integers(1, 50),
    within=st.integers(1, 50),
)
def test_the_map_agrees_with_passing_year_in_every_cell(k, logos, fans, within):
    table = passing_map(
        k, logos, fans, conversions=MAP_STEPS[::4], churns=MAP_STEPS[::5], within=within
    )
    assert len(table) == 6 * 5
    for row in table.itertuples():
        year = passing_year(k, row.conversion, row.churn, logos, fans, within=within)
        assert (year is None and math.isnan(row.year)) or year == row.year


@FAST
@given(
    years=st.integers(1, 50),
    k=st.integers(1, 5),
    churn=share,
    logos=st.integers(0, 1000),
    fans=st.integers(1, 100),
)
def test_the_conversion_needed_is_the_border_of_passing(years, k, churn, logos, fans):
    needed = conversion_to_pass(years, k, churn, logos, fans)
    if needed is None:
        assert passing_year(k, 1.0, churn, logos, fans, within=years) is None
        return
    assert 0.0 <= needed < 1.0
    above = needed + 1e-6
    if above <= 1.0:
        assert passing_year(k, above, churn, logos, fans, within=years) is not None
    below = needed * (1 - 1e-6) - 1e-6
    if below >= 0:
        assert passing_year(k, below, churn, logos, fans, within=years) is None


def test_no_introductions_need_no_conversion_figure():
    assert conversion_to_pass(10, 0, 0.1, 10) is None
    assert fans_matching_hunter(0, 0.6, 10) is None
    assert fans_matching_hunter(3, 0.0, 10) is None


@FAST
@given(k=st.integers(1, 100), conversion=st.floats(0.01, 1.0), logos=st.integers(0, 100_000))
def test_so_many_fans_bring_as_many_new_clients_as_the_hunter(k, conversion, logos):
    fans = fans_matching_hunter(k, conversion, logos)
    assert fans >= 1
    assert fans * k * conversion >= logos * (1 - 1e-9)
    if fans > 1:
        assert (fans - 1) * k * conversion < logos


def test_fans_matching_hunter_rounds_exact_quotients_down():
    assert fans_matching_hunter(1, 0.1, 10) == 100
    assert fans_matching_hunter(1, 0.6, 10) == 17


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: passing_map(1, 10, conversions=[1.5]), "conversions"),
        (lambda: passing_map(1, 10, churns=[]), "churns"),
        (lambda: passing_map(1, 10, churns=0.5), "churns"),
        (lambda: passing_map(1, 10, within=51), "years"),
        (lambda: conversion_to_pass(0, 1, 0.1, 10), "years"),
        (lambda: fans_matching_hunter(1, 0.5, -1), "new_logos_per_year"),
        (lambda: passing_year(1, 0.5, 0.1, 10, within=0), "years"),
    ],
)
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ParameterError) as error:
        call()
    assert error.value.name == name


def test_the_new_names_are_public():
    for name in ("passing_map", "passing_year", "conversion_to_pass", "fans_matching_hunter"):
        assert name in referrals.__all__ and callable(getattr(referrals, name))
    assert np.allclose(MAP_STEPS, np.linspace(0, 1, 21))


def test_the_hunting_chart_goes_on_to_the_year_the_flywheel_passes():
    from kit.stories.referrals.story import ReferralsStory

    story = ReferralsStory(runs=500)
    assert story.passing == (None, None, 11)
    outlook = story.outlook
    assert outlook["year"].iloc[-1] == 13  # two years past the pass
    assert outlook["flywheel_median"].notna().sum() == 11  # simulated years 0..10 only
    chart = next(p for p in story.parts() if p.name == "hunting").draw(story).to_dict()
    rows = [row for values in chart.get("datasets", {}).values() for row in values]
    rows += [row for layer in chart["layer"] for row in layer.get("data", {}).get("values", [])]
    labels = {row.get("label") for row in rows}
    assert "passes in year 11" in labels and "your 10 years" in labels
    # years not simulated are left out of the typical run, not drawn as null
    assert all(row["clients"] is not None for row in rows if "clients" in row)
    assert max(row["year"] for row in rows if row.get("key") == "flywheel_median") == 10


def test_a_pass_within_the_years_keeps_the_chart_to_the_years():
    from kit.stories.referrals.story import ReferralsStory

    story = ReferralsStory(conversion=0.9, runs=500)
    assert story.passing[0] is not None and story.outlook is story.comparison


def test_fans_matching_a_hunter_with_a_vanishing_conversion_is_none_not_an_overflow():
    assert fans_matching_hunter(1, 2.2e-309, 100_000) is None
    assert fans_matching_hunter(1, 1e-300, 1) > 10**299
