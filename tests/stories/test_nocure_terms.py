"""How often the client judges, as a contract term: identities of ``review_every`` and friends,
the provider's own history, and the terms side by side."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kit import ParameterError, nocure
from kit.nocure import SEED_RESULTS

ANY_LENGTH = st.integers(2, 12)


@st.composite
def contracts(draw, months=ANY_LENGTH):
    """A small set of contracts (rows) of one length, and a target."""
    length = draw(months)
    sims = draw(
        hnp.arrays(np.int64, (draw(st.integers(1, 12)), length), elements=st.integers(0, 60))
    )
    return sims, draw(st.integers(1, 60 * length))


RULES = st.fixed_dictionaries(
    {
        "alarm_drop": st.sampled_from([0.3, 0.5, 0.6, 1.0]),
        "alarm_limit": st.integers(1, 4),
        "closing_declines": st.integers(1, 4),
    }
)

bounded = settings(max_examples=120, deadline=None)


@bounded
@given(contract=contracts(), rule=RULES)
def test_judged_only_on_the_total_nobody_walks_away_from_a_met_target(contract, rule):
    sims, target = contract
    months = sims.shape[1]
    for every in (months, months + 5):  # a review longer than the contract is the total
        assert nocure.pitfall_rate(sims, target, review_every=every, **rule) == 0.0
        walks = nocure.stops(sims, target, review_every=every, **rule)
        assert not (walks & nocure.met_target(sims, target)).any()
    # a minimum term as long as the contract is the same as judging the total
    assert nocure.pitfall_rate(sims, target, minimum_term=months, **rule) == 0.0


@bounded
@given(contract=contracts(months=st.sampled_from([3, 6, 9, 12])), rule=RULES)
def test_a_quarterly_review_is_a_monthly_review_of_the_quarters(contract, rule):
    sims, target = contract
    quarters = sims.reshape(sims.shape[0], -1, 3).sum(axis=2)
    assert nocure.pitfall_rate(sims, target, review_every=3, **rule) == nocure.pitfall_rate(
        quarters, target, **rule
    )
    assert (
        nocure.stops(sims, target, review_every=3, **rule) == nocure.stops(quarters, target, **rule)
    ).all()


@bounded
@given(contract=contracts(), rule=RULES)
def test_the_outcome_functions_agree_for_every_way_of_judging(contract, rule):
    sims, target = contract
    for review in nocure.REVIEWS:
        knobs = nocure.review_terms(review, sims.shape[1], minimum_term=2)
        walks = nocure.stops(sims, target, **rule, **knobs)
        result = nocure.outcomes(sims, target, **rule, **knobs)
        assert result.stopped == pytest.approx(walks.mean())
        assert result.pitfall == nocure.pitfall_rate(sims, target, **rule, **knobs)
        for row, walked in zip(sims, walks, strict=True):
            assert nocure.verdict(row, target, **rule, **knobs) == (
                "stop" if walked else "continue"
            )


@bounded
@given(contract=contracts(), rule=RULES)
def test_monthly_review_is_the_plain_month_over_month_rule(contract, rule):
    """review_every=1 compares each month with the month before, month 1 with the pace."""
    sims, target = contract
    mood = nocure.moods(sims, target, 0.0, rule["alarm_drop"])
    pace = target / sims.shape[1]
    reference = np.concatenate([np.full((len(sims), 1), pace), sims[:, :-1]], axis=1)
    fall = np.where(reference > 0, 1 - sims / np.where(reference > 0, reference, 1), 0)
    expected = np.where(fall >= rule["alarm_drop"], 2, np.where(fall > 0, 1, 0))
    assert (mood == expected).all()


def test_review_windows_and_levels():
    assert nocure.review_windows(7, review_every=3) == [(0, 3), (3, 6), (6, 7)]
    assert nocure.review_windows(6, average_over=3) == [
        (0, 1),
        (0, 2),
        (0, 3),
        (1, 4),
        (2, 5),
        (3, 6),
    ]
    assert nocure.review_windows(6, review_every=36) == [(0, 6)]
    levels = nocure.review_levels(np.array([SEED_RESULTS]), average_over=3)[0]
    assert levels.round(2).tolist() == [20.0, 17.5, 13.33, 21.67, 23.33, 26.67]
    with pytest.raises(ParameterError, match="review_every = 0"):
        nocure.review_windows(6, review_every=0)


def test_the_article_under_other_terms():
    assert nocure.verdict(SEED_RESULTS, 120) == "stop"
    assert nocure.verdict(SEED_RESULTS, 120, review_every=3) == "continue"  # 40, then 80
    assert nocure.verdict(SEED_RESULTS, 120, average_over=3) == "continue"
    assert nocure.verdict(SEED_RESULTS, 120, review_every=6) == "continue"
    # a minimum term of 3 months does not save it: months 5 and 6 still fall
    assert nocure.verdict(SEED_RESULTS, 120, minimum_term=3) == "stop"


# -- the provider's own history -----------------------------------------------------------------


def test_a_history_is_read_as_the_simulation_draws_it():
    calm = nocure.simulate(4, 30, 40, 0.0, seed=3).ravel().tolist()  # 120 months
    wild = nocure.simulate(4, 30, 40, 1.0, seed=3).ravel().tolist()
    assert nocure.read_history(calm).mean == pytest.approx(40, abs=3)
    assert nocure.read_history(calm).volatility < 0.2
    assert 0.6 < nocure.read_history(wild).volatility < 1.4
    flat = nocure.read_history([20] * 12)
    assert (flat.volatility, flat.typical_change) == (0.0, 0.0)
    assert nocure.read_history([0] * 11 + [2]).typical_change == 0.0  # no month after a non-zero


@pytest.mark.parametrize(
    "history, fragment",
    [
        ([20] * 11, "between 12 and 120 monthly results (got 11)"),
        ([20] * 121, "got 121"),
        ([0] * 12, "on average at least 0.1 a month"),
        ([20] * 11 + [-1], "history[11] = -1"),
        ([20] * 11 + [10_001], "history[11] = 10001"),
    ],
)
def test_bad_histories_are_refused(history, fragment):
    with pytest.raises(ParameterError) as error:
        nocure.read_history(history)
    assert fragment in str(error.value)


def test_a_history_typed_or_uploaded():
    typed = "18, 22; 9 30 25 14 20 19 27 11 24 21"
    assert nocure.parse_history_text(typed)[:3] == [18, 22, 9]
    rows = "\n".join(f"{m},{v}" for m, v in enumerate([5] * 12, start=1))
    assert nocure.parse_history_csv("month,result\n" + rows) == [5] * 12
    with pytest.raises(ParameterError, match="history\\[1\\] = 'x'"):
        nocure.parse_history_text("5, x")
    with pytest.raises(ParameterError, match="got 6"):
        nocure.parse_history_text("20 15 5 45 20 15")  # the article's half year is too short


def test_terms_side_by_side():
    sims = nocure.simulate(4000, 6, 20, 0.6, seed=5)
    terms = nocure.compare_terms(sims, 120, minimum_term=3).set_index("term")
    assert list(terms.index) == list(nocure.TERMS)
    assert terms.loc["total", "pitfall"] == 0.0
    assert terms.loc["month", "pitfall"] > terms.loc["rolling", "pitfall"] > 0
    # a hybrid fee changes the pay, not the client's judgement
    assert terms.loc["hybrid", "pitfall"] == terms.loc["month", "pitfall"]
    assert terms.loc["hybrid", "income_p5"] > terms.loc["month", "income_p5"]
    assert terms.loc["month", "pitfall"] == nocure.pitfall_rate(sims, 120)
    of_met = terms.loc["month", "pitfall"] / terms.loc["month", "met_target"]
    assert terms.loc["month", "pitfall_of_met"] == pytest.approx(of_met)
    nothing_met = nocure.compare_terms(np.zeros((5, 6), dtype=int), 120)
    assert nothing_met["pitfall_of_met"].isna().all()


def test_contract_money():
    assert nocure.reporting_cost(4, 75, 6) == 1800
    assert nocure.reported_forms(120, 0.1) == 108 and nocure.reported_forms(120, 0) == 120
    income = nocure.contract_income(np.array([[20] * 6]))
    assert income["retainer"].tolist() == [12_000] and income["per_lead"].tolist() == [10_200]
    with pytest.raises(ParameterError, match="unreported = 0.95"):
        nocure.reported_forms(120, 0.95)
