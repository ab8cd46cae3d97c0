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

HISTORY_EXAMPLE = SEED_RESULTS * 2
"""The default history: the article's half year, twice (a provider replaces it with their own)."""


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


def _history_is_long_enough(values: dict[str, Any]) -> None:
    model.check_history(values["history"])


def _room_could_have_voted(values: dict[str, Any]) -> None:
    months = values["room_results"] or values["results"]
    model.check_room(values["room_participants"], values["room_still_in"], len(months))


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
        Param("alarm_drop", "float", 0.6, 0.0, 1.0, 0.05),
        Param("alarm_limit", "int", 2, 1, MAX_MONTHS, 1, slider=(1, 6)),
        Param("closing_declines", "int", 2, 1, MAX_MONTHS, 1, slider=(1, 6)),
        Param("review", "choice", "month", choices=model.REVIEWS),
        Param("minimum_term", "int", 3, 1, MAX_MONTHS, 1, slider=(1, 12)),
        Param("history", "int_list", HISTORY_EXAMPLE, 0, model.MAX_MEAN),
        Param("unreported", "float", 0.1, 0.0, model.MAX_UNREPORTED, 0.05),
        Param("retainer_fee", "float", 2000.0, 0.0, 1_000_000, 100, slider=(0, 10_000)),
        Param("fee_per_lead", "float", 100.0, 0.0, 100_000, 5, slider=(0, 500)),
        Param("hybrid_base", "float", 1000.0, 0.0, 1_000_000, 100, slider=(0, 10_000)),
        Param("hybrid_per_lead", "float", 50.0, 0.0, 100_000, 5, slider=(0, 500)),
        Param("reporting_hours", "float", 4.0, 0.0, model.MAX_HOURS, 0.5, slider=(0, 40)),
        Param("hourly_rate", "float", 75.0, 0.0, 10_000, 5, slider=(0, 250)),
        Param("n_contracts", "int", 10_000, 1, MAX_CONTRACTS, 500, slider=(500, 20_000)),
        SEED,
        # the room's answers when it played the client (kit handouts --votes fills them in)
        Param("room_participants", "int", 0, 0, model.MAX_ROOM, 1),
        Param("room_still_in", "int_list", [], 0, model.MAX_ROOM),
        Param("room_results", "int_list", [], 0, model.MAX_RESULT),
    ),
    cross_checks=(
        _results_match_months,
        _thresholds_ordered,
        _history_is_long_enough,
        _room_could_have_voted,
    ),
)

RULE = ("worried_drop", "alarm_drop", "alarm_limit", "closing_declines")
"""The client's mood and verdict knobs."""
SERIES = ("results", "target", *RULE)
"""What the client's view of the months reads (the last month's words follow the verdict)."""
REVIEW = ("review", "months")
"""How often the client judges (``months`` for a review of the total)."""
OWN = ("history", "months", "n_contracts", "seed")
"""What the provider's own simulated contracts read."""
CHANCE = ("months", "mean", "volatility", "seasonality", "n_contracts", "seed")
"""What the simulated contracts read."""
ROOM = ("room_participants", "room_still_in", "room_results", "results", "target")
"""What the room's answers read: who stayed, and the months they saw (the story's own
months when the room's are not given)."""
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
    votes = "months"
    """The scene on which a room, playing the client, answers month by month."""
    votes_reveal = "room"
    """The scene that shows what the room decided."""
    lists = {
        "results": ListInput(
            parse_text=model.parse_results_text,
            parse_csv=model.parse_results_csv,
            reset=SEED_RESULTS,
            length="months",
        ),
        "history": ListInput(
            parse_text=model.parse_history_text,
            parse_csv=model.parse_history_csv,
            reset=HISTORY_EXAMPLE,
        ),
    }

    def vote_facts(self) -> dict[str, Any]:
        """What a room votes on: the months it sees arrive, and the contract's target."""
        return {"results": list(self.values["results"]), "target": self.values["target"]}

    def rule(self) -> dict[str, Any]:
        """The client's verdict knobs, as keyword arguments of the model."""
        return {name: self.values[name] for name in RULE}

    def review(self) -> dict[str, int]:
        """How often the client judges, as keyword arguments of the model."""
        return model.review_terms(self.values["review"], self.values["months"])

    def fees(self) -> dict[str, Any]:
        """The provider's fee knobs, as keyword arguments of the model."""
        return {name: self.values[name] for name in FEES}

    @computed("target", "months")
    def pace(self) -> float:
        """What a steady deliverer brings every month: target / months."""
        return model.monthly_pace(self.values["target"], self.values["months"])

    @computed("results")
    def delivered(self) -> int:
        """Forms delivered over the contract."""
        return sum(self.values["results"])

    @computed("results", "target")
    def met(self) -> bool:
        """Whether the contract's target is met: the total is all the contract counts."""
        return bool(model.met_target([self.values["results"]], self.values["target"])[0])

    @computed(*ROOM)
    def room(self) -> model.RoomVerdict:
        """What the room, playing the client, decided month by month."""
        v = self.values
        return model.RoomVerdict(
            v["room_participants"],
            tuple(v["room_still_in"]),
            tuple(v["room_results"] or v["results"]),
            v["target"],
        )

    def show(self, name: str) -> None:
        """Display one scene; the room's scene only where there is a room's answer to show.

        A handout or notebook page without votes has no room scene at all; the deck
        always has it, and fills it in as the room answers.
        """
        if name == "room" and self.presentation != "deck" and not self["room_participants"]:
            return
        super().show(name)

    @computed(*SERIES)
    def view(self):
        """The client's view of the months: one row a month with change, mood and reaction."""
        return model.client_view(self.values["results"], self.values["target"], **self.rule())

    @computed(*SERIES)
    def says(self) -> list[str]:
        """Text keys of the client's words each month.

        For the article's months, when the rule reproduces the article's reactions,
        the article's own words (paraphrased); for any other series the rule's words.
        """
        reactions = self.view["reaction"].tolist()
        article = (
            self.values["results"] == SEED_RESULTS
            and self.values["target"] == sum(SEED_RESULTS)
            and tuple(reactions) == model.ARTICLE_REACTIONS
        )
        if article:
            return [f"nocure.article.m{month}" for month in range(1, len(reactions) + 1)]
        return [f"nocure.reactions.{reaction}" for reaction in reactions]

    @computed(*SERIES, *REVIEW)
    def decision(self) -> str:
        """The client's verdict at the end: ``continue`` or ``stop``."""
        v = self.values
        return model.verdict(v["results"], v["target"], **self.rule(), **self.review())

    @computed(*SERIES, *REVIEW)
    def reasons(self) -> tuple[int, int]:
        """Code-red reviews and the reviews in a row that disappointed at the end."""
        v = self.values
        return model.walk_away_reasons(
            v["results"], v["target"], v["worried_drop"], v["alarm_drop"], **self.review()
        )

    @computed("n_contracts", "months", "seasonality", "seed")
    def seasons(self) -> model.Seasons:
        """Each simulated contract's seasonal swing: kept while the mean or volatility moves."""
        v = self.values
        return model.contract_seasons(v["n_contracts"], v["months"], v["seasonality"], v["seed"])

    @computed(*CHANCE)
    def sims(self):
        """Simulated contracts of an equally good provider (contracts x months)."""
        v = self.values
        return model.simulate(
            v["n_contracts"],
            v["months"],
            v["mean"],
            v["volatility"],
            v["seasonality"],
            v["seed"],
            seasons=self.seasons,
        )

    @computed(*CHANCE, "target", "worried_drop", "alarm_drop")
    def monthly_mood(self):
        """The client's mood in every simulated month (contracts x months), judged monthly."""
        v = self.values
        return model.moods(self.sims, v["target"], v["worried_drop"], v["alarm_drop"])

    @computed(*CHANCE, "target", *RULE, *REVIEW)
    def outcomes(self) -> model.Outcomes:
        """The simulation's shares: met, alarmed, stopped, the pitfall, the rebound."""
        return model.outcomes(
            self.sims,
            self.values["target"],
            **self.rule(),
            **self.review(),
            monthly_mood=self.monthly_mood,
        )

    @computed(*CHANCE, "target", "worried_drop", "alarm_drop")
    def around_alarm(self):
        """Average months before, at and after an alarm month."""
        v = self.values
        return model.regression_table(
            self.sims,
            v["target"],
            v["worried_drop"],
            v["alarm_drop"],
            monthly_mood=self.monthly_mood,
        )

    @computed(*CHANCE, *FEES)
    def risk(self):
        """The provider's monthly income per way of being paid."""
        return model.income_risk(self.sims, **self.fees())

    @computed(*CHANCE, *FEES)
    def contract_risk(self):
        """The provider's income over a whole contract per scheme (simulated contracts)."""
        return model.contract_risk(self.sims, **self.fees())

    @computed("reporting_hours", "hourly_rate", "months")
    def reporting(self) -> float:
        """What the monthly reports cost over the contract: hours x rate x months."""
        v = self.values
        return model.reporting_cost(v["reporting_hours"], v["hourly_rate"], v["months"])

    @computed("results", "target", "unreported", "fee_per_lead")
    def trust(self) -> model.TrustGap:
        """The forms and fees the provider misses when the client keeps a share out of sight."""
        v = self.values
        return model.trust_gap(v["results"], v["target"], v["unreported"], v["fee_per_lead"])

    @computed("history")
    def own(self) -> model.History:
        """What the provider's own months say: mean, volatility, typical change."""
        return model.read_history(self.values["history"])

    @computed(*OWN)
    def own_sims(self):
        """Contracts of this deal's length delivered at the provider's own mean and volatility."""
        v = self.values
        return model.simulate(
            v["n_contracts"], v["months"], self.own.mean, self.own.volatility, 0.0, v["seed"]
        )

    @computed(*OWN, "target", "minimum_term", *RULE, *FEES)
    def terms(self):
        """The provider's contracts under each contract term, side by side."""
        v = self.values
        return model.compare_terms(
            self.own_sims, v["target"], v["minimum_term"], self.fees(), **self.rule()
        )

    scenes = (
        Scene(
            "title",
            "nocure.title",
            level=1,
            parts=(
                Words(
                    "intro", ("target", "months"), lambda s: narrate.nocure_intro(s.values, s.pace)
                ),
            ),
        ),
        Scene(
            "months",
            "nocure.months_heading",
            text="nocure.months_text",
            parts=(
                Chart("mood_bars", SERIES, lambda s: charts.mood_bars(s.view, s.language, s.says)),
                Words("diary", SERIES, lambda s: narrate.client_diary(s.view, s.says, s.language)),
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
                    lambda s: narrate.contract_reading(s.values, s.delivered, s.met),
                ),
                Chart(
                    "progress",
                    SERIES,
                    lambda s: charts.progress_chart(s.view, s["target"], s.language),
                ),
                Words(
                    "verdict",
                    (*SERIES, *REVIEW),
                    lambda s: narrate.verdict_text(s.values, s.decision, s.met),
                    on_board=True,
                ),
                Words(  # what the rule's sliders set, and what these months gave it
                    "rule",
                    (*SERIES, *REVIEW),
                    lambda s: narrate.rule_text(s.values, s.reasons),
                    on_board=True,
                ),
            ),
            controls=("target", *RULE),
            tab="nocure.tabs.client",
        ),
        Scene(
            "room",
            "nocure.room.heading",
            parts=(
                Words("room_reveal", ROOM, lambda s: narrate.room_reveal(s.room, s.language)),
                Chart(
                    "room_line",
                    ROOM,
                    lambda s: charts.room_line(s.room.table(), s["target"], s.language),
                    on_board=False,  # the room answers in the deck; the page's panel has no room
                ),
            ),
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
                    (*CHANCE, "target", *RULE, *REVIEW),
                    lambda s: charts.outcome_bars(
                        narrate.outcome_shares(s.outcomes), s["n_contracts"], s.language
                    ),
                ),
                Words(
                    "simulation_summary",
                    (*CHANCE, "target", *RULE, *REVIEW),
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
                    (*CHANCE, "target", *RULE, *REVIEW),
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
        Scene(
            "own_history",
            "nocure.own_history_heading",
            text="nocure.own_history_text",
            parts=(
                Words(
                    "own_history_reading",
                    (*OWN, "target", "minimum_term", *RULE, *FEES),
                    narrate.own_history_text,
                    on_board=True,
                ),
            ),
            controls=("history",),
        ),
        Scene(
            "terms",
            "nocure.terms_heading",
            text="nocure.terms_text",
            parts=(
                Chart(
                    "terms",
                    (*OWN, "target", "minimum_term", *RULE, *FEES, "review"),
                    lambda s: charts.terms_chart(
                        s.terms,
                        narrate.term_labels(s["minimum_term"], s.language),
                        s["review"],
                        s.language,
                    ),
                ),
                Words(
                    "terms_summary",
                    (*OWN, "target", "minimum_term", *RULE, *FEES),
                    narrate.terms_summary,
                    on_board=True,
                ),
            ),
            controls=("review", "minimum_term"),
            tab="nocure.tabs.terms",
        ),
        Scene(
            "trust",
            "nocure.trust_heading",
            parts=(
                Words(
                    "trust_text",
                    ("results", "target", "unreported", "fee_per_lead"),
                    narrate.trust_text,
                    on_board=True,
                ),
            ),
            controls=("unreported",),
            tab="nocure.tabs.trust",
        ),
        Scene(
            "price",
            "nocure.price_heading",
            parts=(Words("price_text", (*CHANCE, *FEES), narrate.price_text),),
        ),
        Scene(
            "say_no",
            "nocure.say_no_heading",
            parts=(Words("say_no_text", (*CHANCE, "target", *RULE, *REVIEW), narrate.say_no_text),),
        ),
        Scene("questions", "nocure.questions_heading", text="nocure.questions"),
    )
