"""Tests of kit.referrals: the article's arithmetic, the branching process and its summaries."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kit.stories.referrals.model as ref
from kit import ParameterError
from kit.referrals import (
    MAX_RUNS,
    MAX_YEARS,
    Reach,
    band,
    compound,
    compound_table,
    expected_fans,
    extinction_probability,
    first_year_reaching,
    flywheel_stall_probability,
    flywheel_vs_hunting,
    generation_table,
    mean_growth,
    network_size,
    new_logo_hunting,
    overtaking_year,
    simulate,
    stalled_share,
    years_to_reach,
)
from kit.stories.referrals.story import ReferralsStory

FAST = settings(max_examples=40, deadline=None)

probability = st.floats(0.0, 1.0, allow_nan=False)
introductions = st.integers(0, 5)


def fans_variance(years, k, conversion, churn, fans=1):
    """Var(Z_years) of a Galton-Watson process with this yearly offspring law."""
    m = (1 - churn) + k * conversion
    sigma2 = churn * (1 - churn) + k * conversion * (1 - conversion)
    if math.isclose(m, 1.0):
        return fans * sigma2 * years
    return fans * sigma2 * m ** (years - 1) * (m**years - 1) / (m - 1)


# --------------------------------------------------------------------------------------
# The article's arithmetic
# --------------------------------------------------------------------------------------


def test_article_numbers():
    assert network_size(10, 3) == 1 + 10 + 100 + 1_000 == 1_111
    assert compound(10) == 2**10 == 1_024
    assert compound(10, introductions_per_year=1, fans=1) == 1_024


def test_network_size_edge_cases():
    assert network_size(0, 5) == 1
    assert network_size(1, 5) == 6
    assert network_size(10, 0, fans=7) == 7
    assert network_size(10, 3, fans=3) == 3 * 1_111


def test_huge_inputs_stay_exact_ints():
    big = network_size(1000, 12, fans=10_000)
    assert type(big) is int
    assert big == 10_000 * (1000**13 - 1) // 999
    assert big > np.iinfo(np.int64).max
    huge = compound(MAX_YEARS, 100, fans=10_000)
    assert type(huge) is int
    assert huge == 10_000 * 101**50


def test_generation_table_sums():
    table = generation_table(10, 3)
    assert list(table.columns) == ["generation", "new", "total"]
    assert table["generation"].tolist() == [0, 1, 2, 3]
    assert table["new"].tolist() == [1, 10, 100, 1_000]
    assert table["total"].tolist() == [1, 11, 111, 1_111]
    assert table["new"].sum() == network_size(10, 3)
    assert table["new"].dtype == np.int64


@given(st.integers(0, 1000), st.integers(0, 12), st.integers(1, 10_000))
@FAST
def test_generation_table_matches_network_size(per_fan, generations, fans):
    table = generation_table(per_fan, generations, fans)
    assert len(table) == generations + 1
    assert sum(table["new"]) == network_size(per_fan, generations, fans)
    assert table["total"].iloc[-1] == network_size(per_fan, generations, fans)
    assert all(isinstance(v, (int, np.integer)) for v in table["total"])


def test_generation_table_beyond_int64_is_exact():
    table = generation_table(1000, 12, fans=10_000)
    assert table["total"].dtype == object
    assert table["total"].iloc[-1] == network_size(1000, 12, fans=10_000)
    assert table["new"].iloc[-1] == 10_000 * 1000**12


def test_compound_table():
    table = compound_table(10)
    assert list(table.columns) == ["year", "fans"]
    assert table["year"].tolist() == list(range(11))
    assert table["fans"].tolist() == [2**t for t in range(11)]
    big = compound_table(50, 100, 10_000)
    assert big["fans"].iloc[-1] == compound(50, 100, 10_000)


# --------------------------------------------------------------------------------------
# Chance of dying out
# --------------------------------------------------------------------------------------


def test_extinction_known_poisson_values():
    assert extinction_probability(2.0) == pytest.approx(0.2032, abs=1e-4)
    assert extinction_probability(1.5) == pytest.approx(0.4172, abs=1e-4)
    assert extinction_probability(2.0, "poisson") == pytest.approx(0.203187869, abs=1e-9)


@pytest.mark.parametrize("mean", [0.0, 0.3, 0.999, 1.0])
def test_extinction_certain_when_mean_at_most_one(mean):
    assert extinction_probability(mean) == 1.0
    assert extinction_probability(mean, "binomial", n=5) == 1.0


def test_extinction_binomial_analytic():
    # n = 2, p = 3/4: (1/4 + 3/4 s)**2 = s  <=>  9 s**2 - 10 s + 1 = 0  <=>  s in {1/9, 1}.
    assert extinction_probability(1.5, "binomial", n=2) == pytest.approx(1 / 9, abs=1e-12)
    # n = 2, p = 0.6: roots of 0.36 s**2 - 0.52 s + 0.16 -> 4/9.
    assert extinction_probability(1.2, "binomial", n=2) == pytest.approx(4 / 9, abs=1e-12)
    # Every member has exactly one or n offspring: the chain never dies out.
    assert extinction_probability(1.0, "binomial", n=1) == 0.0
    assert extinction_probability(3.0, "binomial", n=3) == 0.0


def test_extinction_binomial_approaches_poisson():
    poisson = extinction_probability(2.0)
    assert extinction_probability(2.0, "binomial", n=1_000_000) == pytest.approx(poisson, abs=1e-5)


@given(st.floats(1.0001, 50.0))
@FAST
def test_extinction_is_smallest_fixed_point(mean):
    q = extinction_probability(mean)
    assert 0.0 <= q < 1.0
    assert math.exp(mean * (q - 1)) == pytest.approx(q, abs=1e-12)
    below = q * (1 - 1e-6) - 1e-9
    if below > 0:
        assert math.exp(mean * (below - 1)) > below  # still above the diagonal: no root


def test_extinction_near_critical_converges():
    # Poisson, mean 1 + e: q is about 1 - 2 e for small e.
    for eps in (1e-2, 1e-3, 1e-4):
        q = extinction_probability(1 + eps)
        assert q < 1.0
        assert math.exp((1 + eps) * (q - 1)) == pytest.approx(q, abs=1e-13)
        assert 1 - q == pytest.approx(2 * eps, rel=3 * eps + 1e-3)


def test_flywheel_stall_known_value():
    # k = 1: f(s) = (0.1 + 0.9 s)(0.4 + 0.6 s); smallest root 0.04 / 0.54.
    assert flywheel_stall_probability(1, 0.6, 0.1) == pytest.approx(0.04 / 0.54, abs=1e-12)
    assert flywheel_stall_probability(1, 0.6, 0.1, fans=3) == pytest.approx(
        (0.04 / 0.54) ** 3, abs=1e-12
    )


@given(probability, probability)
@FAST
def test_flywheel_stall_one_introduction_closed_form(conversion, churn):
    # k = 1: the roots of the quadratic f(s) = s multiply to churn (1 - c) / ((1 - churn) c).
    q = flywheel_stall_probability(1, conversion, churn)
    if churn == 0 or conversion == 1:
        assert q == 0.0  # nobody leaves, or every leaver is replaced
    elif conversion <= churn:
        assert q == 1.0
    else:
        expected = churn * (1 - conversion) / ((1 - churn) * conversion)
        assert q == pytest.approx(min(1.0, expected), abs=1e-9)


@given(st.integers(0, 20), probability, probability, st.integers(1, 5))
@FAST
def test_flywheel_stall_by_year_grows_to_eventual(k, conversion, churn, fans):
    by_year = [
        flywheel_stall_probability(k, conversion, churn, fans, years=t) for t in (1, 5, 20, 50)
    ]
    ever = flywheel_stall_probability(k, conversion, churn, fans)
    assert all(0.0 <= q <= 1.0 for q in [*by_year, ever])
    assert by_year == sorted(by_year)
    assert by_year[-1] <= ever + 1e-12


def test_flywheel_stall_degenerate_cases():
    assert flywheel_stall_probability(0, 0.5, 0.0) == 0.0  # nobody leaves
    assert flywheel_stall_probability(3, 0.0, 0.0) == 0.0
    assert flywheel_stall_probability(0, 0.5, 0.2) == 1.0  # nobody joins
    assert flywheel_stall_probability(1, 1.0, 1.0) == 0.0  # each fan is replaced exactly
    assert flywheel_stall_probability(2, 1.0, 1.0) == 0.0


# --------------------------------------------------------------------------------------
# Mean and simulation
# --------------------------------------------------------------------------------------


def test_mean_growth_and_expected_fans():
    assert mean_growth(1, 0.6, 0.1) == pytest.approx(1.5)
    assert mean_growth(1, 1.0, 0.0) == 2.0
    assert expected_fans(10, 1, 1.0, 0.0) == 1024.0
    assert expected_fans(5, 2, 0.5, 0.2, fans=3) == pytest.approx(3 * 1.8**5)


@given(st.integers(1, 50), st.integers(0, 100), probability, probability, probability)
@FAST
def test_more_churn_never_raises_the_mean(years, k, conversion, churn_a, churn_b):
    low, high = sorted((churn_a, churn_b))
    assert expected_fans(years, k, conversion, high) <= expected_fans(years, k, conversion, low)
    assert mean_growth(k, conversion, high) <= mean_growth(k, conversion, low)


def test_simulate_shape_and_start():
    sims = simulate(12, 2, 0.4, 0.2, fans=3, runs=500, seed=1)
    assert sims.shape == (500, 13)
    assert sims.dtype == np.int64
    assert (sims[:, 0] == 3).all()
    assert (sims >= 0).all()


def test_same_seed_same_numbers_other_seed_differs():
    a = simulate(15, 1, 0.6, 0.1, runs=2_000, seed=42)
    b = simulate(15, 1, 0.6, 0.1, runs=2_000, seed=42)
    c = simulate(15, 1, 0.6, 0.1, runs=2_000, seed=43)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_stalled_runs_stay_stalled():
    sims = simulate(20, 1, 0.4, 0.3, runs=3_000, seed=5)
    dead = sims[:, :-1] == 0
    assert (sims[:, 1:][dead] == 0).all()


@pytest.mark.parametrize(
    ("k", "conversion", "churn", "fans", "years"),
    [
        (1, 0.6, 0.1, 1, 12),  # the default slider: small counts, all exact draws early
        (2, 0.9, 0.05, 1, 14),  # millions of fans: normal approximation for wide draws
        (3, 0.3, 0.5, 5, 10),
        (1, 0.2, 0.2, 20, 15),  # critical: mean 1
        (0, 0.5, 0.3, 50, 6),  # dying out, no introductions
    ],
)
def test_simulated_mean_matches_closed_form(k, conversion, churn, fans, years):
    runs = 20_000
    sims = simulate(years, k, conversion, churn, fans=fans, runs=runs, seed=11)
    for year in (1, years // 2, years):
        expected = fans * mean_growth(k, conversion, churn) ** year
        se = math.sqrt(fans_variance(year, k, conversion, churn, fans) / runs)
        assert abs(sims[:, year].mean() - expected) <= 5 * se + 1e-9, year


@pytest.mark.parametrize(
    ("k", "conversion", "churn", "fans"),
    [
        (1, 0.6, 0.1, 1),
        (1, 0.55, 0.5, 1),  # barely supercritical: mean 1.05
        (2, 0.3, 0.3, 2),
        (4, 0.1, 0.5, 1),  # subcritical: mean 0.9
        (10, 0.1, 0.6, 3),
    ],
)
def test_stalled_share_matches_stall_probability_by_year(k, conversion, churn, fans):
    runs, years = 20_000, 30
    sims = simulate(years, k, conversion, churn, fans=fans, runs=runs, seed=3)
    for year in (1, 5, years):
        by_year = flywheel_stall_probability(k, conversion, churn, fans, years=year)
        se = math.sqrt(by_year * (1 - by_year) / runs)
        assert abs(np.mean(sims[:, year] == 0) - by_year) <= 4 * se + 1e-12, year


@pytest.mark.parametrize(
    ("k", "conversion", "churn", "fans"),
    [(1, 0.6, 0.1, 1), (1, 0.7, 0.4, 1), (2, 0.3, 0.3, 2), (3, 0.5, 0.2, 1)],
)
def test_stalled_share_matches_eventual_stall_probability(k, conversion, churn, fans):
    """Well above a mean of 1, the flywheels that stall do so early: 25 years is "ever"."""
    runs = 20_000
    sims = simulate(25, k, conversion, churn, fans=fans, runs=runs, seed=4)
    ever = flywheel_stall_probability(k, conversion, churn, fans)
    assert ever - flywheel_stall_probability(k, conversion, churn, fans, years=25) < 1e-4
    se = math.sqrt(ever * (1 - ever) / runs)
    assert abs(stalled_share(sims) - ever) <= 4 * se


def test_draws_beyond_int64_keep_mean_and_bounds():
    rng = np.random.default_rng(0)
    n = np.full(200_000, 2.0**70)
    draws = ref._binomial(rng, n, 0.3)
    assert draws.dtype == np.float64 and (draws >= 0).all() and (draws <= n).all()
    assert draws.mean() == pytest.approx(0.3 * 2.0**70, rel=1e-9)
    mixed = ref._binomial(rng, np.array([5.0, 2.0**70]), 1.0)
    assert mixed.tolist() == [5.0, 2.0**70]


@given(
    introductions,
    st.integers(1, 15),
    st.integers(1, 50),
    st.integers(1, 20),
    st.integers(0, 2**32 - 1),
)
@FAST
def test_full_conversion_no_churn_is_compound_in_every_run(k, years, fans, runs, seed):
    sims = simulate(years, k, 1.0, 0.0, fans=fans, runs=runs, seed=seed)
    assert sims.dtype == np.int64
    for year in range(years + 1):
        assert (sims[:, year] == fans * (1 + k) ** year).all()
    assert int(sims[0, -1]) == compound(years, k, fans)


@given(
    st.integers(0, 100),
    probability,
    probability,
    st.integers(1, MAX_YEARS),
    st.integers(1, 10_000),
    st.integers(0, 2**32 - 1),
)
@settings(max_examples=60, deadline=None)
def test_counts_never_negative_or_wrapped(k, conversion, churn, years, fans, seed):
    sims = simulate(years, k, conversion, churn, fans=fans, runs=8, seed=seed)
    assert sims.shape == (8, years + 1)
    assert np.isfinite(sims).all()
    assert (sims >= 0).all()
    # No run can outgrow fans * (1 + k)**years (as a float: relative rounding only).
    assert sims.max() <= fans * float(1 + k) ** years * (1 + 1e-9)
    # A stalled flywheel stays stalled.
    dead = sims[:, :-1] == 0
    assert (sims[:, 1:][dead] == 0).all()


# --------------------------------------------------------------------------------------
# int64 guard
# --------------------------------------------------------------------------------------


def test_int64_guard_switches_to_float_for_compound_growth():
    sims = simulate(50, 100, 1.0, 0.0, runs=4, seed=0)
    assert sims.dtype == np.float64
    assert np.isfinite(sims).all() and (sims > 0).all()
    assert (np.diff(sims, axis=1) > 0).all()  # never wraps around to a smaller number
    np.testing.assert_allclose(sims[:, -1], float(compound(50, 100)), rtol=1e-12)
    assert sims[0, -1] == pytest.approx(101.0**50, rel=1e-12)


def test_int64_guard_random_growth_past_int64():
    runs, years = 4_000, 50
    sims = simulate(years, 2, 0.9, 0.05, runs=runs, seed=8)
    assert sims.dtype == np.float64
    assert np.isfinite(sims).all() and (sims >= 0).all()
    assert sims.max() > np.iinfo(np.int64).max  # really beyond int64
    expected = expected_fans(years, 2, 0.9, 0.05)
    se = math.sqrt(fans_variance(years, 2, 0.9, 0.05) / runs)
    assert abs(sims[:, -1].mean() - expected) <= 5 * se
    assert 0.5 < sims[:, -1].mean() / expected < 2  # same order of magnitude


def test_int64_guard_boundary():
    # 4096 * 2**50 = 2**62: still int64, exact.
    at_limit = simulate(50, 1, 1.0, 0.0, fans=4096, runs=2, seed=0)
    assert at_limit.dtype == np.int64
    assert int(at_limit[0, -1]) == 2**62 == ref.INT64_LIMIT
    # One more fan and the largest possible count passes the limit: float64.
    over = simulate(50, 1, 1.0, 0.0, fans=4097, runs=2, seed=0)
    assert over.dtype == np.float64
    assert over[0, -1] == pytest.approx(4097 * 2.0**50)
    # Churn 1 and conversion 0 lower the largest possible count, so int64 remains.
    assert simulate(50, 100, 0.0, 0.5, runs=2, seed=0).dtype == np.int64
    assert simulate(50, 1, 0.9, 1.0, runs=2, seed=0).dtype == np.int64


# --------------------------------------------------------------------------------------
# Summaries
# --------------------------------------------------------------------------------------


def test_stalled_share():
    assert stalled_share(np.array([[1, 0], [1, 3], [1, 0], [1, 1]])) == 0.5
    assert stalled_share(simulate(5, 1, 1.0, 0.0, runs=10, seed=0)) == 0.0
    assert stalled_share(simulate(5, 0, 0.5, 1.0, runs=10, seed=0)) == 1.0


def test_band_is_small_and_ordered():
    sims = simulate(20, 1, 0.6, 0.1, runs=10_000, seed=2)
    table = band(sims)
    assert list(table.columns) == ["year", "low", "median", "high", "mean"]
    assert len(table) == 21
    assert table["year"].tolist() == list(range(21))
    assert (table["low"] <= table["median"]).all() and (table["median"] <= table["high"]).all()
    np.testing.assert_allclose(table["median"], np.median(sims, axis=0))
    np.testing.assert_allclose(table["low"], np.quantile(sims, 0.1, axis=0))
    np.testing.assert_allclose(table["mean"], sims.mean(axis=0))
    assert table.loc[0, "low"] == table.loc[0, "high"] == 1


def test_band_custom_quantiles_and_float_counts():
    table = band(simulate(50, 100, 1.0, 0.0, runs=3, seed=0), (0.05, 0.5, 0.95))
    assert np.isfinite(table[["low", "median", "high", "mean"]].to_numpy()).all()
    assert table["median"].iloc[-1] == pytest.approx(101.0**50, rel=1e-12)


def test_years_to_reach_example():
    sims = np.array([[1, 2, 4, 8], [1, 0, 0, 0], [1, 3, 6, 12], [1, 1, 2, 3]])
    first = first_year_reaching(sims, 4)
    np.testing.assert_array_equal(first, [2.0, np.inf, 2.0, np.inf])
    reach = years_to_reach(sims, 4)
    assert isinstance(reach, Reach)
    assert reach == Reach(target_fans=4, horizon=3, low=2, median=2, high=None, never=0.5)
    assert years_to_reach(sims, 1).median == 0  # everyone starts there
    assert years_to_reach(sims, 100) == Reach(100, 3, None, None, None, 1.0)


def test_years_to_reach_compound():
    sims = simulate(12, 1, 1.0, 0.0, runs=10, seed=0)
    reach = years_to_reach(sims, 1000)
    assert (reach.low, reach.median, reach.high, reach.never) == (10, 10, 10, 0.0)


@given(st.integers(1, 5_000), st.integers(1, 5_000))
@FAST
def test_years_to_reach_monotone_in_target(target_a, target_b):
    sims = _monotone_sims()
    small, large = sorted((target_a, target_b))
    a, b = first_year_reaching(sims, small), first_year_reaching(sims, large)
    assert (a <= b).all()
    ra, rb = years_to_reach(sims, small), years_to_reach(sims, large)
    assert ra.never <= rb.never
    for x, y in ((ra.low, rb.low), (ra.median, rb.median), (ra.high, rb.high)):
        assert y is None or (x is not None and x <= y)


_SIMS_CACHE: dict[str, np.ndarray] = {}


def _monotone_sims() -> np.ndarray:
    if "sims" not in _SIMS_CACHE:
        _SIMS_CACHE["sims"] = simulate(20, 1, 0.6, 0.1, runs=2_000, seed=9)
    return _SIMS_CACHE["sims"]


# --------------------------------------------------------------------------------------
# New logos
# --------------------------------------------------------------------------------------


def test_new_logo_hunting_closed_form():
    np.testing.assert_allclose(new_logo_hunting(4, 10, 0.0, fans=2), [2, 12, 22, 32, 42])
    r = 0.8
    got = new_logo_hunting(30, 10, 0.2, fans=5)
    t = np.arange(31)
    np.testing.assert_allclose(got, 5 * r**t + 10 * (1 - r**t) / (1 - r))
    assert got[-1] < 10 / 0.2  # levels off below new_logos / churn
    np.testing.assert_allclose(new_logo_hunting(3, 7, 1.0, fans=4), [4, 7, 7, 7])


def test_flywheel_vs_hunting_table():
    table = flywheel_vs_hunting(15, 1, 0.6, 0.1, new_logos_per_year=10)
    assert list(table.columns) == ["year", "flywheel", "hunting"]
    assert len(table) == 16
    assert table["flywheel"].iloc[-1] == pytest.approx(expected_fans(15, 1, 0.6, 0.1))
    np.testing.assert_allclose(table["hunting"], new_logo_hunting(15, 10, 0.1))
    # 1.5**10 = 57.7 < 100 - 99 * 0.9**10 = 65.5, but 1.5**11 = 86.5 > 68.9.
    assert overtaking_year(table) == 11

    sims = simulate(10, 1, 0.6, 0.1, runs=1_000, seed=1)
    with_median = flywheel_vs_hunting(10, 1, 0.6, 0.1, 10, sims=sims)
    assert list(with_median.columns) == ["year", "flywheel", "hunting", "flywheel_median"]
    np.testing.assert_allclose(with_median["flywheel_median"], np.median(sims, axis=0))
    ahead = np.flatnonzero(np.median(sims, axis=0) > new_logo_hunting(10, 10, 0.1))
    expected = int(ahead[0]) if ahead.size else None
    assert overtaking_year(with_median, "flywheel_median") == expected


def test_overtaking_year_never():
    table = flywheel_vs_hunting(10, 0, 0.5, 0.1, new_logos_per_year=5)
    assert overtaking_year(table) is None


# --------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------

GOOD = dict(years=10, introductions_per_year=1, conversion=0.6, churn=0.1)
SIMS = np.ones((3, 11), dtype=np.int64)

BAD = [
    (lambda: network_size(-1, 3), "per_fan"),
    (lambda: network_size(2.5, 3), "per_fan"),
    (lambda: network_size(True, 3), "per_fan"),
    (lambda: network_size("10", 3), "per_fan"),
    (lambda: network_size(10, 13), "generations"),
    (lambda: network_size(10, 3, fans=0), "fans"),
    (lambda: generation_table(10, -1), "generations"),
    (lambda: compound(MAX_YEARS + 1), "years"),
    (lambda: compound(0), "years"),
    (lambda: compound(10, introductions_per_year=-1), "introductions_per_year"),
    (lambda: compound_table(10, fans=False), "fans"),
    (lambda: simulate(**{**GOOD, "years": MAX_YEARS + 1}), "years"),
    (lambda: simulate(**GOOD, runs=MAX_RUNS + 1), "runs"),
    (lambda: simulate(**GOOD, runs=0), "runs"),
    (lambda: simulate(**{**GOOD, "conversion": 1.5}), "conversion"),
    (lambda: simulate(**{**GOOD, "conversion": float("nan")}), "conversion"),
    (lambda: simulate(**{**GOOD, "churn": -0.1}), "churn"),
    (lambda: simulate(**{**GOOD, "churn": float("nan")}), "churn"),
    (lambda: simulate(**{**GOOD, "introductions_per_year": 1.5}), "introductions_per_year"),
    (lambda: simulate(**{**GOOD, "introductions_per_year": True}), "introductions_per_year"),
    (lambda: simulate(**GOOD, fans=-3), "fans"),
    (lambda: simulate(**GOOD, seed=-1), "seed"),
    (lambda: simulate(**GOOD, seed=1.5), "seed"),
    (lambda: mean_growth(1, 2.0, 0.1), "conversion"),
    (lambda: expected_fans(10, 1, 0.5, 1.1), "churn"),
    (lambda: extinction_probability(-0.5), "mean_offspring"),
    (lambda: extinction_probability(float("nan")), "mean_offspring"),
    (lambda: extinction_probability(float("inf")), "mean_offspring"),
    (lambda: extinction_probability(2.0, "geometric"), "distribution"),
    (lambda: extinction_probability(2.0, "binomial"), "n"),
    (lambda: extinction_probability(2.0, "binomial", n=0), "n"),
    (lambda: extinction_probability(2.0, "binomial", n=2.5), "n"),
    (lambda: extinction_probability(2.0, "binomial", n=True), "n"),
    (lambda: extinction_probability(3.0, "binomial", n=2), "mean_offspring"),
    (lambda: flywheel_stall_probability(1, 0.5, 0.1, fans=0), "fans"),
    (lambda: flywheel_stall_probability(1, 0.5, 0.1, years=0), "years"),
    (lambda: flywheel_stall_probability(-1, 0.5, 0.1), "introductions_per_year"),
    (lambda: stalled_share(np.ones(5)), "sims"),
    (lambda: stalled_share(np.ones((0, 5))), "sims"),
    (lambda: band(SIMS, (0.9, 0.5, 0.1)), "quantiles"),
    (lambda: band(SIMS, (0.1, 0.5)), "quantiles"),
    (lambda: band(SIMS, (0.1, 0.5, 1.5)), "quantiles"),
    (lambda: band(SIMS, 0.5), "quantiles"),
    (lambda: band([["a", "b"]]), "sims"),
    (lambda: years_to_reach(SIMS, 0), "target_fans"),
    (lambda: years_to_reach(SIMS, 2.5), "target_fans"),
    (lambda: first_year_reaching(SIMS, -1), "target_fans"),
    (lambda: new_logo_hunting(10, -1, 0.1), "new_logos_per_year"),
    (lambda: new_logo_hunting(10, 5, 2.0), "churn"),
    (lambda: flywheel_vs_hunting(**GOOD, new_logos_per_year=-2), "new_logos_per_year"),
    (lambda: flywheel_vs_hunting(**GOOD, new_logos_per_year=2, sims=np.ones((3, 5))), "sims"),
    (lambda: overtaking_year(pd.DataFrame({"year": [0]}), "flywheel"), "column"),
]


@pytest.mark.parametrize(
    ("call", "name"), BAD, ids=[f"{i}-{name}" for i, (_, name) in enumerate(BAD)]
)
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ParameterError) as info:
        call()
    assert info.value.name == name
    assert str(info.value).startswith(f"{name} = ")
    assert "not allowed" in str(info.value)


def test_error_names_the_limit():
    with pytest.raises(ParameterError, match="50"):
        simulate(**{**GOOD, "years": 51})
    with pytest.raises(ParameterError, match="100,000"):
        simulate(**GOOD, runs=100_001)
    with pytest.raises(ParameterError, match="from 0 to 1"):
        simulate(**{**GOOD, "conversion": -0.01})


def test_numpy_scalars_are_accepted():
    assert network_size(np.int64(10), np.int32(3)) == 1_111
    sims = simulate(
        np.int64(5),
        np.int64(1),
        np.float64(0.5),
        np.float32(0.25),
        runs=np.int64(10),
        seed=np.int64(1),
    )
    assert sims.shape == (10, 6)


@pytest.mark.parametrize(
    "knobs",
    [
        {"years": 20},
        {"years": 7, "runs": 2, "conversion": 0.3},
        {"years": 1, "runs": 1},
        # beyond 2**53 fans a float no longer holds every whole count: np.median itself
        {"years": 23, "introductions_per_year": 3, "conversion": 1.0, "churn": 0.1, "fans": 1000},
    ],
)
def test_the_typical_run_is_numpys_median_to_the_last_bit(knobs):
    story = ReferralsStory(**knobs)
    typical = story.comparison["flywheel_median"].to_numpy()
    assert np.array_equal(typical, np.median(story.sims, axis=0))
    assert np.array_equal(story.band["low"], np.quantile(story.sims, 0.1, axis=0))
