"""Story B's sentences with the numbers filled in, as Markdown.

Texts come from :mod:`kit.text`; this module only picks the right ones for the results
it is given (the story computed them) and formats numbers for the room's language.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kit.text import number, percent, t


def tree_text(values: dict[str, Any], table: pd.DataFrame) -> str:
    """The article's three generations in words: 1 + 10 + 100 + 1,000 = 1,111."""
    language = values["language"]
    fans = values["fans"]
    phrase = (
        t("referrals.fans_phrase_one", language)
        if fans == 1
        else t("referrals.fans_phrase_many", language, fans=number(fans, language))
    )
    total = int(table["total"].iloc[-1])
    terms = " + ".join(number(int(n), language) for n in table["new"])
    return t(
        "referrals.tree_text",
        language,
        fans_phrase=phrase,
        per_fan=values["per_fan"],
        generations=values["generations"],
        total=number(total, language),
        sum=f"{terms} = {number(total, language)}",
    )


def doubling_text(values: dict[str, Any], fans_after: int) -> str:
    """Compounding without churn: 2 ** 10 = 1,024 fans in 10 years."""
    language = values["language"]
    return t(
        "referrals.doubling_text",
        language,
        per_year=values["introductions_per_year"],
        years=values["years"],
        fans=number(fans_after, language),
        start=number(values["fans"], language),
    )


def honest_text(values: dict[str, Any], growth: float) -> str:
    """What the honest simulation assumes, and its yearly growth factor."""
    language = values["language"]
    return t(
        "referrals.honest_text",
        language,
        per_year=values["introductions_per_year"],
        conversion=percent(values["conversion"], language),
        churn=percent(values["churn"], language),
        runs=number(values["runs"], language),
        growth=number(growth, language, 2),
    )


def honest_summary(
    values: dict[str, Any],
    band: pd.DataFrame,
    promised: int,
    stalled: float,
    stall_by_horizon: float,
    stall_chance: float,
) -> str:
    """Median and spread after the horizon, against the promise; stalled share vs the formula.

    ``stall_by_horizon`` is the formula's chance of having stalled within the simulated
    years (what the simulated share estimates), ``stall_chance`` the chance of ever stalling.
    """
    language = values["language"]
    last = band.iloc[-1]
    text = t(
        "referrals.honest_summary",
        language,
        years=values["years"],
        median=number(last["median"], language),
        low=number(last["low"], language),
        high=number(last["high"], language),
        promised=number(promised, language),
        stalled=percent(stalled, language, 1),
        stall_by_horizon=percent(stall_by_horizon, language, 1),
        stall_chance=percent(stall_chance, language, 1),
    )
    if stall_chance >= 1.0:
        text += "\n\n" + t("referrals.stall_note_subcritical", language)
    return text


def reach_text(values: dict[str, Any], reach: Any) -> str:
    """How long the simulated flywheels took to reach the goal (a :class:`Reach`)."""
    language = values["language"]
    target = number(values["target_fans"], language)
    never = percent(reach.never, language)
    if reach.median is None:
        return t(
            "referrals.reach_text_few", language, target=target, years=values["years"], never=never
        )
    return t(
        "referrals.reach_text_some",
        language,
        target=target,
        median=reach.median,
        low=reach.low,
        never=never,
        years=values["years"],
    )


def hunting_text(values: dict[str, Any]) -> str:
    """The new-logo hunter's straight line, in the room's numbers."""
    language = values["language"]
    return t(
        "referrals.hunting_text",
        language,
        logos=number(values["new_logos_per_year"], language),
        churn=percent(values["churn"], language),
    )


def overtaking_text(
    values: dict[str, Any], expected_year: int | None, median_year: int | None
) -> str:
    """When the flywheel overtakes the hunter, on average and in the typical run."""
    language = values["language"]
    if expected_year is None:
        return t("referrals.hunting_never", language, years=values["years"])
    median_part = (
        t("referrals.hunting_median_never", language)
        if median_year is None
        else t("referrals.hunting_median_year", language, year=median_year)
    )
    return t("referrals.hunting_overtake", language, year=expected_year, median_part=median_part)


def flywheel_summary(
    values: dict[str, Any],
    growth: float,
    band: pd.DataFrame,
    promised: int,
    stall: tuple[float, float, float],
    reach: Any,
) -> str:
    """The honest version's numbers as Markdown: growth, spread, stalls, time to the goal.

    ``stall`` is (the simulated stalled share, the formula's chance of stalling within the
    simulated years, the chance of ever stalling); ``reach`` a :class:`kit.referrals.Reach`.
    """
    return "\n\n".join(
        [
            honest_text(values, growth),
            honest_summary(values, band, promised, *stall),
            reach_text(values, reach),
        ]
    )


def overtaking_summary(
    values: dict[str, Any], expected_year: int | None, median_year: int | None
) -> str:
    """The hunter's straight line and when the flywheel overtakes it, as Markdown."""
    return hunting_text(values) + "\n\n" + overtaking_text(values, expected_year, median_year)
