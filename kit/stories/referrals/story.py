"""Story B as scenes: the parameters a room may set, the results, and what each screen shows.

>>> story = ReferralsStory(runs=500)
>>> int(story.tree["total"].iloc[-1]), int(story.doubling["fans"].iloc[-1])
(1111, 1024)
"""

from __future__ import annotations

import numpy as np

from kit.params import LANGUAGE, SEED, Param, Schema
from kit.stories.base import Chart, Scene, Story, Words, computed
from kit.stories.referrals import charts, model, narrate
from kit.stories.referrals.model import MAX_RUNS, MAX_YEARS
from kit.text import t

SCHEMA = Schema(
    "referrals",
    (
        LANGUAGE,
        Param("fans", "int", 1, 1, 10_000, 1, slider=(1, 50)),
        Param("per_fan", "int", 10, 0, 1000, 1, slider=(0, 20)),
        Param("generations", "int", 3, 0, 12, 1, slider=(0, 6)),
        Param("years", "int", 10, 1, MAX_YEARS, 1, slider=(1, 30)),
        Param("introductions_per_year", "int", 1, 0, 100, 1, slider=(0, 5)),
        Param("conversion", "float", 0.6, 0.0, 1.0, 0.05),
        Param("churn", "float", 0.1, 0.0, 1.0, 0.05),
        Param("runs", "int", 10_000, 1, MAX_RUNS, 500, slider=(500, 20_000)),
        Param("target_fans", "int", 1000, 1, 10**9, 100, slider=(100, 10_000)),
        Param("new_logos_per_year", "int", 10, 0, 100_000, 1, slider=(0, 100)),
        Param("scale", "choice", "linear", choices=("linear", "log")),
        SEED,
    ),
)

TREE = ("fans", "per_fan", "generations")
"""What the article's tree reads."""
PROMISE = ("years", "introductions_per_year", "fans")
"""What the article's doubling reads."""
FLYWHEEL = ("years", "introductions_per_year", "conversion", "churn", "fans")
"""What the honest flywheel's mean reads."""
SIMULATION = (*FLYWHEEL, "runs", "seed")
"""What the simulated flywheels read."""
MAP = ("introductions_per_year", "new_logos_per_year", "fans")
"""What the map of conversion x churn reads (the room's own square aside)."""


class ReferralsStory(Story):
    """The referral flywheel: the article's arithmetic, then the honest version.

    Parameters
    ----------
    values : mapping, optional
        Any of the parameters of :data:`SCHEMA` (the notebook's parameters cell).
    **params
        The same by name, e.g. ``ReferralsStory(conversion=0.3, language="nl")``.
    """

    name = "referrals"
    schema = SCHEMA

    def flywheel(self) -> tuple:
        """Introductions a year, conversion, churn and starting fans, in the model's order."""
        v = self.values
        return v["introductions_per_year"], v["conversion"], v["churn"], v["fans"]

    @computed(*TREE)
    def tree(self):
        """The article's tree: people reached per generation of introductions."""
        return model.generation_table(self["per_fan"], self["generations"], self["fans"])

    @computed(*PROMISE)
    def doubling(self):
        """The article's promise: every fan brings one new fan a year, nobody leaves."""
        return model.compound_table(self["years"], self["introductions_per_year"], self["fans"])

    @computed(*PROMISE)
    def promised(self) -> int:
        """Fans after the last year in the article's promise."""
        return int(self.doubling["fans"].iloc[-1])

    @computed(*SIMULATION)
    def sims(self):
        """Simulated flywheels, runs x (years + 1) fan counts."""
        k, conversion, churn, fans = self.flywheel()
        return model.simulate(
            self["years"], k, conversion, churn, fans, self["runs"], seed=self["seed"]
        )

    @computed(*SIMULATION)
    def band(self):
        """Median and middle 80% of the simulated fans, year by year."""
        return model.band(self.sims)

    @computed("introductions_per_year", "conversion", "churn")
    def growth(self) -> float:
        """The mean yearly growth factor of the honest flywheel."""
        k, conversion, churn, _ = self.flywheel()
        return model.mean_growth(k, conversion, churn)

    @computed(*SIMULATION)
    def stall(self) -> tuple[float, float, float]:
        """Stalled share simulated, the chance of stalling within the years, and ever."""
        flywheel = self.flywheel()
        return (
            model.stalled_share(self.sims),
            model.flywheel_stall_probability(*flywheel, years=self["years"]),
            model.flywheel_stall_probability(*flywheel),
        )

    @computed(*SIMULATION, "target_fans")
    def reach(self) -> model.Reach:
        """How many years the simulated flywheels took to reach the goal."""
        return model.years_to_reach(self.sims, self["target_fans"])

    @computed(*SIMULATION, "new_logos_per_year")
    def comparison(self):
        """Flywheel against new-logo hunting, year by year, with the simulated median."""
        k, conversion, churn, fans = self.flywheel()
        table = model.flywheel_vs_hunting(
            self["years"],
            k,
            conversion,
            churn,
            new_logos_per_year=self["new_logos_per_year"],
            fans=fans,
        )
        return table.assign(flywheel_median=self.typical_fans())

    def typical_fans(self) -> np.ndarray:
        """The simulated median fans per year, the typical run.

        The band's median is np.median's to the last bit while the fan counts are whole
        numbers a float holds exactly (below 2**53), so the runs are not sorted twice.
        """
        if self.sims.max() < 2**53:
            return self.band["median"].to_numpy()
        return np.median(self.sims, axis=0)

    @computed(*SIMULATION, "new_logos_per_year")
    def ahead(self) -> float:
        """The share of simulated flywheels ahead of the hunter in the last year."""
        return model.share_ahead(self.sims, self.comparison["hunting"].iloc[-1])

    @computed(*SIMULATION, "new_logos_per_year")
    def passing(self) -> tuple[int | None, int | None, int | None]:
        """The years the flywheel passes the hunter (average, typical run, average in 50 years).

        The first two look within the room's years, the last one within 50.
        """
        k, conversion, churn, fans = self.flywheel()
        return (
            model.overtaking_year(self.comparison),
            model.overtaking_year(self.comparison, "flywheel_median"),
            model.passing_year(k, conversion, churn, self["new_logos_per_year"], fans),
        )

    @computed(*SIMULATION, "new_logos_per_year")
    def outlook(self):
        """The comparison as drawn: the room's years, then on to the average flywheel's pass.

        Drawn until two years after the average flywheel passes the hunter (at most 50),
        so a pass just beyond the room's horizon is seen; the typical run where simulated.
        """
        years, later = self["years"], self.passing[2]
        if later is None or later <= years:
            return self.comparison
        k, conversion, churn, fans = self.flywheel()
        until = min(MAX_YEARS, later + 2)
        table = model.flywheel_vs_hunting(
            until, k, conversion, churn, self["new_logos_per_year"], fans
        )
        median = np.full(until + 1, np.nan)
        median[: years + 1] = self.comparison["flywheel_median"].to_numpy()
        return table.assign(flywheel_median=median)

    @computed("introductions_per_year", "new_logos_per_year", "fans")
    def passing_map(self):
        """The year the average flywheel passes the hunter, over conversion x churn."""
        return model.passing_map(
            self["introductions_per_year"], self["new_logos_per_year"], self["fans"]
        )

    @computed("years", "introductions_per_year", "churn", "new_logos_per_year", "fans")
    def needed(self) -> float | None:
        """The conversion above which the average flywheel passes the hunter within the years."""
        return model.conversion_to_pass(
            self["years"],
            self["introductions_per_year"],
            self["churn"],
            self["new_logos_per_year"],
            self["fans"],
        )

    @computed("introductions_per_year", "conversion", "new_logos_per_year")
    def matching(self) -> int | None:
        """How many fans bring in as many new clients a year as the hunter wins."""
        return model.fans_matching_hunter(
            self["introductions_per_year"], self["conversion"], self["new_logos_per_year"]
        )

    def notes(self, scene: str) -> str:
        """The coach's notes of one scene (``referrals.notes.<scene>``): never on a handout.

        They say in the coach's words what the page says in plain words (the branching
        process behind the simulation, the article's remark on NPS).
        """
        return t(f"referrals.notes.{self.scene(scene).name}", self.language)

    scenes = (
        Scene("title", "referrals.title", text="referrals.intro", level=1),
        Scene(
            "tree",
            "referrals.tree_heading",
            parts=(
                Words("tree_text", TREE, lambda s: narrate.tree_text(s.values, s.tree), True),
                Chart("tree", TREE, lambda s: charts.generation_bars(s.tree, s.language)),
            ),
            controls=TREE,
            tab="referrals.tabs.article",
        ),
        Scene(
            "doubling",
            "referrals.doubling_heading",
            parts=(
                Words(
                    "doubling_text",
                    PROMISE,
                    lambda s: narrate.doubling_text(s.values, s.promised),
                ),
                Chart(
                    "doubling",
                    (*PROMISE, "scale"),
                    lambda s: charts.doubling_chart(s.doubling, s.language, s["scale"]),
                    on_board=False,
                ),
            ),
        ),
        Scene(
            "honest",
            "referrals.honest_heading",
            parts=(
                Words(
                    "setup",
                    ("introductions_per_year", "conversion", "churn", "runs"),
                    lambda s: narrate.honest_text(s.values),
                ),
                Chart(
                    "band",
                    (*SIMULATION, "target_fans", "scale"),
                    lambda s: charts.flywheel_band(
                        s.band, s.doubling, s["target_fans"], s["runs"], s.language, s["scale"]
                    ),
                ),
                Words(
                    "summary",
                    (*SIMULATION, "target_fans"),
                    lambda s: narrate.flywheel_summary(
                        s.values, s.growth, s.band, s.promised, s.stall, s.reach
                    ),
                    True,
                ),
            ),
            controls=(*FLYWHEEL[:4], "target_fans", "scale"),
            tab="referrals.tabs.honest",
        ),
        Scene(
            "hunting",
            "referrals.hunting_heading",
            parts=(
                Words(
                    "hunter",
                    ("new_logos_per_year", "churn", "fans"),
                    lambda s: narrate.hunter_text(s.values),
                ),
                Chart(
                    "hunting",
                    (*SIMULATION, "new_logos_per_year", "scale"),
                    lambda s: charts.hunting_chart(
                        s.outlook, s.language, s["scale"], s["years"], s.passing[2]
                    ),
                ),
                Words(
                    "hunting_text",
                    (*SIMULATION, "new_logos_per_year"),
                    lambda s: narrate.passing_text(s.values, s.comparison, s.passing, s.growth),
                    True,
                ),
                Words(  # which simulation the room reads: its runs and seed
                    "ahead",
                    (*SIMULATION, "new_logos_per_year"),
                    lambda s: narrate.ahead_text(s.values, s.ahead),
                    True,
                ),
            ),
            controls=("runs", "seed", "new_logos_per_year"),
            tab="referrals.tabs.simulation",
        ),
        Scene(
            "map",
            "referrals.map_heading",
            parts=(
                Words("map_text", (*MAP, "years"), lambda s: narrate.map_text(s.values)),
                Chart(
                    "map",
                    (*MAP, "conversion", "churn", "years"),
                    lambda s: charts.passing_map_chart(
                        s.passing_map,
                        s["conversion"],
                        s["churn"],
                        s["new_logos_per_year"],
                        s.language,
                        s["years"],
                    ),
                ),
                Words(
                    "worth",
                    (*SIMULATION, "new_logos_per_year"),
                    lambda s: narrate.map_summary(
                        s.values, s.needed, s.matching, s.passing, s.growth
                    ),
                    True,
                ),
            ),
            controls=("conversion", "churn", "introductions_per_year", "new_logos_per_year"),
            tab="referrals.tabs.map",
        ),
        Scene("questions", "referrals.questions_heading", text="referrals.questions"),
    )
