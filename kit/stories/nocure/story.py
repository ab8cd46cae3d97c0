"""Story A as scenes: the parameters a room may set, the results, and what each screen shows.

>>> story = NoCureStory(n_contracts=500)
>>> story.decision, int(story.view["cumulative"].iloc[-1])
('stop', 120)
"""

from __future__ import annotations

from typing import Any

from kit.errors import ParameterError
from kit.params import LANGUAGE, SEED, Param, Schema
from kit.stories.base import Chart, ListInput, Scene, Story, Words, computed
from kit.stories.nocure import charts, model, narrate
from kit.stories.nocure.model import MAX_CONTRACTS, MAX_MONTHS, SEED_RESULTS


def _results_match_months(values: dict[str, Any]) -> None:
    if len(values["results"]) != values["months"]:
        raise ParameterError(
            "results",
            values["results"],
            f"exactly months = {values['months']} monthly results (got {len(values['results'])})",
        )


def _thresholds_ordered(values: dict[str, Any]) -> None:
    if values["worried_drop"] > values["alarm_drop"]:
        raise ParameterError(
            "worried_drop",
            values["worried_drop"],
            f"at most alarm_drop = {values['alarm_drop']}",
        )


SCHEMA = Schema(
    "nocure",
    (
        LANGUAGE,
        Param("target", "int", 120, 1, model.MAX_TARGET, 1, slider=(6, 600)),
        Param("months", "int", 6, 2, MAX_MONTHS, 1, slider=(2, 24)),
        Param("results", "int_list", list(SEED_RESULTS), 0, model.MAX_RESULT),
        Param("mean", "float", 20.0, 0.1, model.MAX_MEAN, 0.5, slider=(1, 100)),
        Param("volatility", "float", 0.5, 0.0, model.MAX_VOLATILITY, 0.05, slider=(0, 1.5)),
        Param("seasonality", "float", 0.2, 0.0, 1.0, 0.05),
        Param("worried_drop", "float", 0.0, 0.0, 1.0, 0.05),
        Param("alarm_drop", "float", 0.5, 0.0, 1.0, 0.05),
        Param("alarm_limit", "int", 2, 1, MAX_MONTHS, 1, slider=(1, 6)),
        Param("closing_declines", "int", 2, 1, MAX_MONTHS, 1, slider=(1, 6)),
        Param("retainer_fee", "float", 2000.0, 0.0, 1_000_000, 100, slider=(0, 10_000)),
        Param("fee_per_lead", "float", 100.0, 0.0, 100_000, 5, slider=(0, 500)),
        Param("hybrid_base", "float", 1000.0, 0.0, 1_000_000, 100, slider=(0, 10_000)),
        Param("hybrid_per_lead", "float", 50.0, 0.0, 100_000, 5, slider=(0, 500)),
        Param("reporting_hours", "float", 4.0, 0.0, model.MAX_HOURS, 0.5, slider=(0, 40)),
        Param("hourly_rate", "float", 75.0, 0.0, 10_000, 5, slider=(0, 250)),
        Param("n_contracts", "int", 10_000, 1, MAX_CONTRACTS, 500, slider=(500, 20_000)),
        SEED,
    ),
    cross_checks=(_results_match_months, _thresholds_ordered),
)

SERIES = ("results", "target", "worried_drop", "alarm_drop")
"""What the client's view of the months reads."""
RULE = ("worried_drop", "alarm_drop", "alarm_limit", "closing_declines")
"""The client's verdict knobs."""
CHANCE = ("months", "mean", "volatility", "seasonality", "n_contracts", "seed")
"""What the simulated contracts read."""
FEES = (
    "retainer_fee",
    "fee_per_lead",
    "hybrid_base",
    "hybrid_per_lead",
    "reporting_hours",
    "hourly_rate",
)
"""The provider's ways of being paid, and the reporting hours."""


class NoCureStory(Story):
    """No cure, no pay: a deal met on the total and lost on perception.

    Parameters
    ----------
    values : mapping, optional
        Any of the parameters of :data:`SCHEMA` (the notebook's parameters cell).
    **params
        The same by name, e.g. ``NoCureStory(target=90, language="nl")``.
    """

    name = "nocure"
    schema = SCHEMA
    lists = {
        "results": ListInput(
            parse_text=model.parse_results_text,
            parse_csv=model.parse_results_csv,
            reset=SEED_RESULTS,
            length="months",
        )
    }

    def rule(self) -> dict[str, Any]:
        """The client's verdict knobs, as keyword arguments of the model."""
        return {name: self.values[name] for name in RULE}

    def fees(self) -> dict[str, Any]:
        """The provider's fee knobs, as keyword arguments of the model."""
        return {name: self.values[name] for name in FEES}

    @computed(*SERIES)
    def view(self):
        """The client's view of the months: one row a month with change and mood."""
        v = self.values
        return model.client_view(v["results"], v["target"], v["worried_drop"], v["alarm_drop"])

    @computed(*SERIES, *RULE)
    def decision(self) -> str:
        """The month-by-month client's verdict: ``continue`` or ``stop``."""
        return model.verdict(self.values["results"], self.values["target"], **self.rule())

    @computed(*CHANCE)
    def sims(self):
        """Simulated contracts of an equally good provider (contracts x months)."""
        v = self.values
        return model.simulate(
            v["n_contracts"], v["months"], v["mean"], v["volatility"], v["seasonality"], v["seed"]
        )

    @computed(*CHANCE, "target", *RULE)
    def outcomes(self) -> model.Outcomes:
        """The simulation's shares: met, alarmed, stopped, the pitfall, the rebound."""
        return model.outcomes(self.sims, self.values["target"], **self.rule())

    @computed(*CHANCE, "target", "worried_drop", "alarm_drop")
    def around_alarm(self):
        """Average months before, at and after an alarm month."""
        v = self.values
        return model.regression_table(self.sims, v["target"], v["worried_drop"], v["alarm_drop"])

    @computed(*CHANCE, *FEES)
    def risk(self):
        """The provider's monthly income per way of being paid."""
        return model.income_risk(self.sims, **self.fees())

    scenes = (
        Scene(
            "title",
            "nocure.title",
            level=1,
            parts=(Words("intro", ("target", "months"), lambda s: narrate.nocure_intro(s.values)),),
        ),
        Scene(
            "months",
            "nocure.months_heading",
            text="nocure.months_text",
            parts=(
                Chart("mood_bars", SERIES, lambda s: charts.mood_bars(s.view, s.language)),
                Words("diary", SERIES, lambda s: narrate.client_diary(s.view, s.language)),
            ),
            controls=("results",),
        ),
        Scene(
            "contract",
            "nocure.contract_heading",
            parts=(
                Words(
                    "contract_text",
                    ("results", "target"),
                    lambda s: narrate.contract_reading(s.values),
                ),
                Chart(
                    "progress",
                    SERIES,
                    lambda s: charts.progress_chart(s.view, s["target"], s.language),
                ),
                Words(
                    "verdict",
                    (*SERIES, *RULE),
                    lambda s: narrate.verdict_text(s.values, s.decision),
                    on_board=True,
                ),
            ),
            controls=("target", *RULE),
            tab="nocure.tabs.client",
        ),
        Scene(
            "chance",
            "nocure.why_heading",
            parts=(
                Words(
                    "simulation_setup",
                    ("n_contracts", "mean", "volatility", "seasonality"),
                    lambda s: narrate.simulation_setup(s.values),
                ),
                Chart(
                    "outcomes",
                    (*CHANCE, "target", *RULE),
                    lambda s: charts.outcome_bars(
                        narrate.outcome_shares(s.outcomes), s["n_contracts"], s.language
                    ),
                ),
                Words(
                    "simulation_summary",
                    (*CHANCE, "target", *RULE),
                    lambda s: narrate.simulation_summary(s.outcomes, s.language),
                ),
            ),
            controls=CHANCE[1:],
            tab="nocure.tabs.chance",
        ),
        Scene(
            "regression",
            "nocure.regression_heading",
            parts=(
                Words(
                    "regression_text",
                    (*CHANCE, "target", *RULE),
                    lambda s: narrate.regression_text(s.outcomes, s.language),
                ),
                Chart(
                    "regression",
                    (*CHANCE, "target", "worried_drop", "alarm_drop"),
                    lambda s: charts.regression_chart(s.around_alarm, s.language),
                ),
            ),
        ),
        Scene(
            "provider",
            "nocure.provider_heading",
            parts=(
                Words(
                    "provider_text",
                    ("reporting_hours", "hourly_rate"),
                    lambda s: narrate.provider_text(s.values),
                ),
                Chart(
                    "income", (*CHANCE, *FEES), lambda s: charts.income_chart(s.risk, s.language)
                ),
                Words(
                    "provider_summary",
                    (*CHANCE, *FEES),
                    lambda s: narrate.provider_summary(s.risk, s.language),
                ),
            ),
            controls=FEES,
            tab="nocure.tabs.provider",
        ),
        Scene("questions", "nocure.questions_heading", text="nocure.questions"),
    )
