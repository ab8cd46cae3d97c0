import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit import ParameterError, nocure
from kit.nocure import SEED_RESULTS
from kit.stories.nocure import model


def test_seed_series_comes_from_the_csv():
    assert SEED_RESULTS == [20, 15, 5, 45, 20, 15]
    assert sum(SEED_RESULTS) == 120


def test_client_view_of_the_article():
    view = nocure.client_view(SEED_RESULTS, 120)
    assert list(view.columns[:6]) == ["month", "result", "change_pct", "cumulative", "pace", "mood"]
    assert math.isnan(view["change_pct"][0])
    assert view["change_pct"][1:].tolist() == [-25.0, -66.67, 800.0, -55.56, -25.0]
    assert view["mood"].tolist() == ["pleased", "worried", "alarm", "pleased", "worried", "worried"]
    assert view["cumulative"].tolist() == [20, 35, 40, 85, 105, 120]
    assert view["pace"].tolist() == [20, 40, 60, 80, 100, 120]
    assert view["on_track"].tolist() == [True, False, False, True, True, True]
    assert view["reaction"].tolist() == list(nocure.ARTICLE_REACTIONS)


def test_the_article_ends_as_in_the_article():
    """Pleased, disappointed, code red, "the talk worked", one more month, "this doesn't work"."""
    view = nocure.client_view(SEED_RESULTS, 120)
    assert view["reaction"].tolist() == [
        "start",
        "worried",
        "alarm",
        "talk_worked",
        "patience",
        "stop",
    ]
    assert nocure.verdict(SEED_RESULTS, 120) == "stop"
    # month 5 falls 56%: under the 60% code-red line, so worried, and after a talk: patience
    assert view["change_pct"][4] > -60 and view["mood"][4] == "worried"


def test_the_reactions_follow_the_rule_for_other_series():
    steady = nocure.client_view([20] * 6, 120)["reaction"].tolist()
    assert steady == ["start"] + ["pleased"] * 5
    # a second code red after a talk is code red again; a met deal ending on a rise is kept
    view = nocure.client_view([20, 5, 30, 5, 40, 40], 120)
    assert view["reaction"].tolist() == [
        "start",
        "alarm",
        "talk_worked",
        "alarm",
        "talk_worked",
        "pleased",
    ]
    assert nocure.verdict([20, 5, 30, 5, 40, 40], 120) == "stop"  # two code reds
    # the last month falls but the client stays (looser rule): no "stop" words
    kept = nocure.client_view(SEED_RESULTS, 120, closing_declines=3)
    assert kept["reaction"].iloc[-1] == "patience"
    # below the pace in month 1 is a slow start, not a fall against last month
    assert nocure.client_view([15, 20], 40)["reaction"].tolist() == ["slow_start", "pleased"]
    # a fall without a talk before it is plain worry
    assert nocure.client_view([30, 25, 20], 60)["reaction"].tolist() == [
        "start",
        "worried",
        "stop",
    ]


def test_verdicts_are_about_perception_not_the_total():
    assert nocure.verdict(SEED_RESULTS, 120) == "stop"
    assert nocure.verdict([20] * 6, 120) == "continue"
    # the mirror image: half the target, but a flat line never worries the client again
    assert nocure.verdict([10] * 6, 120) == "continue"
    # a steady decline that still ends at the target's pace loses the client
    assert nocure.verdict([35, 30, 20, 15, 12, 8], 120) == "stop"


def test_verdict_knobs_are_parameters():
    assert nocure.verdict(SEED_RESULTS, 120, alarm_limit=3, closing_declines=3) == "continue"
    assert nocure.verdict(SEED_RESULTS, 120, alarm_drop=0.7, alarm_limit=3) == "stop"  # closing
    assert nocure.verdict([20, 15, 20, 15, 20, 25], 120, worried_drop=0.3) == "continue"


@settings(max_examples=200)
@given(
    results=st.lists(st.integers(0, 60), min_size=2, max_size=12),
    alarm_drop=st.sampled_from([0.3, 0.6, 1.0]),
    alarm_limit=st.integers(1, 4),
    closing=st.integers(1, 4),
    review=st.sampled_from(model.REVIEWS),
)
def test_the_rules_reasons_are_what_the_verdict_reads(
    results, alarm_drop, alarm_limit, closing, review
):
    # the sentence under the verdict names these two counts: they must be the verdict's own
    knobs = model.review_terms(review, len(results))
    code_red, sour = model.walk_away_reasons(results, 120, 0.0, alarm_drop, **knobs)
    reviews = model.moods(np.array([results]), 120, 0.0, alarm_drop, **knobs).shape[1]
    walks = code_red >= alarm_limit or sour >= min(closing, reviews)
    said = nocure.verdict(results, 120, 0.0, alarm_drop, alarm_limit, closing, **knobs)
    assert said == ("stop" if walks else "continue")


def test_the_rules_reasons_in_the_article():
    assert model.walk_away_reasons(SEED_RESULTS, 120) == (1, 2)
    assert model.walk_away_reasons(SEED_RESULTS, 120, alarm_drop=0.2) == (4, 2)  # all falls
    assert model.walk_away_reasons([20, 20, 5], 60) == (1, 1)


def test_month_one_is_judged_against_the_pace():
    assert nocure.client_view([7, 20], 40)["mood"][0] == "alarm"  # 7 of a pace of 20: -65%
    assert nocure.client_view([9, 20], 40)["mood"][0] == "worried"  # -55%
    assert nocure.client_view([20, 20], 40)["mood"][0] == "pleased"


def test_a_month_after_zero_is_not_a_decline():
    view = nocure.client_view([0, 0, 5], 10)
    assert view["mood"][1:].tolist() == ["pleased", "pleased"]
    assert math.isnan(view["change_pct"][1])


@pytest.mark.parametrize(
    "results, target, fragment",
    [
        ([20, -1], 120, "results[1] = -1"),
        ([20, 1.5], 120, "results[1] = 1.5"),
        ([20], 120, "between 2 and 36 monthly results"),
        ([20] * 37, 120, "results"),
        ([20, 20], 0, "target = 0"),
        ([20, float("nan")], 120, "results[1] = nan"),
    ],
)
def test_bad_series_are_refused(results, target, fragment):
    with pytest.raises(ParameterError) as error:
        nocure.client_view(results, target)
    assert fragment in str(error.value)


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        (dict(n_contracts=100_001), "n_contracts = 100001"),
        (dict(n_contracts=0), "n_contracts = 0"),
        (dict(months=1), "months = 1"),
        (dict(volatility=-0.5), "volatility = -0.5"),
        (dict(mean=float("nan")), "mean = nan"),
        (dict(seasonality=2), "seasonality = 2"),
        (dict(seed=-1), "seed = -1"),
    ],
)
def test_bad_simulation_settings_are_refused(kwargs, fragment):
    settings_ = dict(n_contracts=10, months=6, mean=20, volatility=0.5) | kwargs
    with pytest.raises(ParameterError) as error:
        nocure.simulate(**settings_)
    assert fragment in str(error.value)


def test_simulation_is_reproducible_and_shaped():
    a = nocure.simulate(500, 12, 20, 0.5, 0.3, seed=7)
    b = nocure.simulate(500, 12, 20, 0.5, 0.3, seed=7)
    c = nocure.simulate(500, 12, 20, 0.5, 0.3, seed=8)
    assert a.shape == (500, 12) and a.dtype.kind == "i" and (a >= 0).all()
    assert (a == b).all() and not (a == c).all()


def test_simulation_mean_and_spread():
    sims = nocure.simulate(20_000, 6, 20, 0.5, seed=1)
    assert sims.mean() == pytest.approx(20, abs=0.15)
    # negative binomial: variance = mean + (cv * mean)^2 = 20 + 100
    assert sims.var() == pytest.approx(120, rel=0.05)
    poisson = nocure.simulate(20_000, 6, 20, 0.0, seed=1)
    assert poisson.var() == pytest.approx(20, rel=0.05)


def test_pitfall_rate_counts_met_and_stopped():
    sims = np.array([SEED_RESULTS, [20] * 6, [10] * 6, [35, 30, 20, 15, 12, 8]])
    assert nocure.pitfall_rate(sims, 120) == 0.5  # the article's and the steady decline
    result = nocure.outcomes(sims, 120)
    assert result.met_target == 0.75
    assert result.stopped == 0.5
    assert result.any_alarm == 0.25  # the article's month 3 (-67%); [10]*6 is -50% in month 1


def test_the_simulated_room_shows_the_pitfall_and_the_rebound():
    sims = nocure.simulate(10_000, 6, 20, 0.5, 0.2, seed=2024)
    result = nocure.outcomes(sims, 120)
    assert 0.1 < result.pitfall < result.met_target
    assert result.rebound_after_alarm > 0.7  # regression to the mean, nobody talked
    table = nocure.regression_table(sims, 120)
    before, alarm, after = table["average"]
    overall = table["overall"][0]
    assert alarm < 0.6 * overall and abs(after - overall) < abs(alarm - overall) / 3


def test_provider_income_schemes():
    sims = np.array([[0, 10], [20, 30]])
    fees = dict(
        retainer_fee=1000,
        fee_per_lead=100,
        hybrid_base=500,
        hybrid_per_lead=50,
        reporting_hours=2,
        hourly_rate=50,
    )
    income = nocure.provider_income(sims, **fees)
    assert income["retainer"].tolist() == [[1000, 1000], [1000, 1000]]
    assert income["per_lead"].tolist() == [[-100, 900], [1900, 2900]]
    assert income["hybrid"].tolist() == [[400, 900], [1400, 1900]]
    risk = nocure.income_risk(sims, **fees).set_index("scheme")
    assert risk.loc["per_lead", "worst"] == -100
    assert risk.loc["per_lead", "loss_share"] == 0.25
    assert risk.loc["retainer", "sd"] == 0


@given(sims=st.lists(st.integers(0, 60), min_size=2, max_size=300))
def test_income_percentiles_match_numpy(sims):
    sims = np.array([sims])
    income = nocure.provider_income(sims)
    risk = nocure.income_risk(sims).set_index("scheme")
    for scheme, months in income.items():
        expected = np.percentile(months, [5, 25, 50, 75, 95])
        got = risk.loc[scheme, ["p5", "p25", "median", "p75", "p95"]].to_numpy(float)
        assert np.allclose(got, expected, atol=0.011)
        assert risk.loc[scheme, "worst"] == months.min()


def test_csv_and_typed_months():
    assert nocure.parse_results_csv("Month,Result\n1,3\n2,4\n") == [3, 4]
    assert nocure.parse_results_csv("month,forms\n1,3\n2,4\n") == [3, 4]
    assert nocure.parse_results_text(" 1, 2 ;3 ") == [1, 2, 3]
    with pytest.raises(ParameterError, match="month 2"):
        nocure.parse_results_csv("month,result\n1,3\n3,4\n")
    with pytest.raises(ParameterError, match="month 2 = 'x'"):
        nocure.parse_results_csv("month,result\n1,3\n2,x\n")
    with pytest.raises(ParameterError, match="header 'month,result'"):
        nocure.parse_results_csv("a,b\n1,2\n")
    with pytest.raises(ParameterError, match="results file"):
        nocure.load_results("/no/such/file.csv")


# -- properties --------------------------------------------------------------------------------


@given(level=st.integers(1, 500), months=st.integers(2, 36))
def test_a_constant_series_at_the_pace_never_alarms(level, months):
    view = nocure.client_view([level] * months, level * months)
    assert set(view["mood"]) == {"pleased"}
    assert nocure.verdict([level] * months, level * months) == "continue"


@given(results=st.lists(st.integers(0, 200), min_size=2, max_size=36), target=st.integers(1, 5000))
def test_view_is_consistent(results, target):
    view = nocure.client_view(results, target)
    assert view["cumulative"].iloc[-1] == sum(results)
    assert (view["mood"].isin(nocure.MOODS)).all()
    rises = view["change_pct"][1:] >= 0
    assert (view["mood"][1:][rises] == "pleased").all()


@settings(max_examples=15, deadline=None)
@given(low=st.floats(0, 1.0), extra=st.floats(0.1, 1.5), seed=st.integers(0, 1000))
def test_more_volatility_never_lowers_the_alarm_share(low, extra, seed):
    calm = nocure.simulate(4000, 6, 20, low, seed=seed)
    wild = nocure.simulate(4000, 6, 20, low + extra, seed=seed + 1)
    share = [nocure.outcomes(s, 120).any_alarm for s in (calm, wild)]
    # in expectation the share rises; allow a few standard errors of sampling noise
    assert share[1] >= share[0] - 3 * math.sqrt(0.25 / 4000)


# -- the fast paths give the plain formulas' numbers, to the last bit --------------------------


def plain_moods(sims, target, worried_drop, alarm_drop):
    """The client's monthly mood written the plain way: divide, compare, assign."""
    levels = sims.astype(float)
    pace = np.full((len(sims), 1), target / sims.shape[1])
    reference = np.concatenate([pace, levels[:, :-1]], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        decline = np.where(reference > 0, 1 - levels / reference, 0.0)
    mood = np.zeros(levels.shape, dtype=np.int8)
    mood[decline > worried_drop] = 1
    mood[(decline > 0) & (decline >= alarm_drop)] = 2
    return mood


@settings(max_examples=40, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 300), st.integers(2, 36)),
    mean=st.sampled_from([0.1, 1.0, 5.0, 20.0, 100.0]),
    volatility=st.sampled_from([0.0, 0.5, 1.5]),
    target=st.integers(1, 2000),
    drops=st.sampled_from([(0.0, 0.6), (0.0, 0.0), (0.3, 0.3), (0.05, 1.0)]),
    seed=st.integers(0, 10_000),
)
def test_fast_results_equal_the_plain_formulas(shape, mean, volatility, target, drops, seed):
    sims = nocure.simulate(*shape, mean, volatility, 0.3, seed=seed)
    worried, alarm = drops
    mood = plain_moods(sims, target, worried, alarm)
    assert np.array_equal(nocure.moods(sims, target, worried, alarm), mood)
    got = nocure.outcomes(sims, target, worried, alarm, 2, 2)
    met = sims.sum(axis=1) >= target
    stop = ((mood == 2).sum(axis=1) >= 2) | (mood[:, -2:] != 0).all(axis=1)
    rising = (sims[:, 1:] > sims[:, :-1])[mood[:, :-1] == 2]
    assert got.met_target == met.mean() and got.pitfall == (met & stop).mean()
    assert got.stopped == stop.mean() and got.any_alarm == (mood == 2).any(axis=1).mean()
    if rising.size:
        assert got.rebound_after_alarm == rising.mean()
    else:  # no alarm month followed by another: no share to give
        assert np.isnan(got.rebound_after_alarm)
    table = nocure.regression_table(sims, target, worried, alarm)
    at = mood[:, 1:-1] == 2
    plain = [
        part[at].mean() if at.any() else np.nan
        for part in (sims[:, :-2], sims[:, 1:-1], sims[:, 2:])
    ]
    assert np.array_equal(table["average"], np.round(plain, 2), equal_nan=True)


@settings(max_examples=40, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 300), st.integers(2, 36)),
    mean=st.sampled_from([0.1, 3.0, 20.0]),
    fees=st.fixed_dictionaries(
        {
            "retainer_fee": st.sampled_from([0.0, 2000.0, 1234.56]),
            "fee_per_lead": st.sampled_from([0.0, 100.0, 33.3]),
            "hybrid_base": st.sampled_from([0.0, 1000.0, 777.7]),
            "hybrid_per_lead": st.sampled_from([0.0, 50.0, 12.34]),
            "reporting_hours": st.sampled_from([0.0, 4.0, 2.5]),
            "hourly_rate": st.sampled_from([0.0, 75.0, 99.99]),
        }
    ),
    seed=st.integers(0, 10_000),
)
def test_fast_income_risks_equal_the_plain_formulas(shape, mean, fees, seed):
    sims = nocure.simulate(*shape, mean, 0.5, seed=seed)
    risk = nocure.income_risk(sims, **fees).set_index("scheme")
    lines = nocure.income_lines(**fees)
    for scheme, months in nocure.provider_income(sims, **fees).items():
        fixed, per_result = lines[scheme]
        plain = [fixed + per_result * sims.mean(), (months < 0).mean(), months.min()]
        got = risk.loc[scheme, ["mean", "loss_share", "worst"]].to_numpy(float)
        assert np.array_equal(got, np.round(plain, 2))
    spread = nocure.contract_risk(sims, **fees).set_index("scheme")
    totals = nocure.contract_income(sims, **fees)
    for scheme, values in totals.items():
        plain = [
            np.median(values),
            np.percentile(values, 5),
            values.min(),
            (values < totals["retainer"] - 1e-9).mean(),
        ]
        got = spread.loc[scheme, ["median", "p5", "worst", "below_retainer"]].to_numpy(float)
        assert np.array_equal(got, plain)


@settings(max_examples=30, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 400), st.integers(2, 36)),
    mean=st.sampled_from([0.1, 5.0, 20.0]),
    volatility=st.sampled_from([0.0, 1e-7, 0.5, 1.5]),
    seasonality=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_kept_seasons_give_the_same_contracts(shape, mean, volatility, seasonality, seed):
    kept = nocure.contract_seasons(*shape, seasonality, seed)
    for moved in (volatility, volatility + 0.25):  # a slider: the seasons stay
        plain = nocure.simulate(*shape, mean, moved, seasonality, seed)
        again = nocure.simulate(*shape, mean, moved, seasonality, seed, seasons=kept)
        assert np.array_equal(plain, again)
    assert not kept.swing.flags.writeable


@pytest.mark.parametrize(
    ("kept", "fragment"),
    [
        ((6, 6, 0.2, 1), "n_contracts = 5, months = 6, seasonality = 0.2, seed = 1"),
        ((5, 6, 0.3, 1), "seasonality = 0.2"),
        ((5, 6, 0.2, 2), "seed = 1"),
        ("not seasons", "contract_seasons()"),
    ],
)
def test_seasons_of_other_contracts_are_refused(kept, fragment):
    seasons = nocure.contract_seasons(*kept) if isinstance(kept, tuple) else kept
    with pytest.raises(ParameterError, match="seasons") as refused:
        nocure.simulate(5, 6, 20, 0.5, 0.2, 1, seasons=seasons)
    assert fragment in str(refused.value)


def test_seasons_without_a_seed_are_refused():
    with pytest.raises(ParameterError, match="without a seed"):
        nocure.simulate(5, 6, 20, 0.5, 0.2, None, seasons=nocure.contract_seasons(5, 6, 0.2))
