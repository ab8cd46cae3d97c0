"""Every chart builder gives a spec that passes the Vega-Lite schema, in both languages.

The builders switch off altair's validation at construction for speed; this is where
their specs are validated instead.
"""

import pytest

from kit import charts, narrate, nocure, referrals

SIMS = nocure.simulate(500, 6, 20, 0.5, 0.2, seed=1)
FLYWHEELS = referrals.simulate(10, 1, 0.6, 0.1, runs=500, seed=1)


def all_charts(language, scale):
    view = nocure.client_view(nocure.SEED_RESULTS, 120)
    result = nocure.outcomes(SIMS, 120)
    values = {
        "years": 10,
        "introductions_per_year": 1,
        "conversion": 0.6,
        "churn": 0.1,
        "new_logos_per_year": 10,
        "fans": 1,
    }
    return {
        "mood_bars": charts.mood_bars(view, language),
        "progress": charts.progress_chart(view, 120, language),
        "outcomes": charts.outcome_bars(narrate.outcome_shares(result), 500, language),
        "regression": charts.regression_chart(nocure.regression_table(SIMS, 120), language),
        "income": charts.income_chart(nocure.income_risk(SIMS), language),
        "tree": charts.generation_bars(referrals.generation_table(10, 3), language),
        "doubling": charts.doubling_chart(referrals.compound_table(10), language, scale),
        "band": charts.flywheel_band(
            referrals.band(FLYWHEELS), referrals.compound_table(10), 1000, 500, language, scale
        ),
        "hunting": charts.hunting_chart(
            narrate.hunting_comparison(values, FLYWHEELS), language, scale
        ),
    }


@pytest.mark.parametrize("language, scale", [("en", "linear"), ("nl", "log")])
def test_every_chart_is_valid_vega_lite(language, scale):
    for name, chart in all_charts(language, scale).items():
        spec = chart.to_dict(validate=True)  # raises SchemaValidationError when invalid
        assert spec["title"], name


def test_validation_stays_on_outside_the_builders():
    from altair.utils import schemapi

    charts.mood_bars(nocure.client_view(nocure.SEED_RESULTS, 120))
    assert schemapi.DEBUG_MODE is True
