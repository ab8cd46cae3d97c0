"""The story's sentences with the numbers filled in, as Markdown.

Texts come from :mod:`kit.text`; this module only picks the right ones for the
computed results and formats numbers for the room's language. Notebooks,
panels and handouts all narrate through it, so they always say the same thing.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kit import nocure, referrals
from kit.text import number, percent, t


def money(amount: float, language: str) -> str:
    """An amount in euros, formatted for ``language``.

    >>> money(1234.6, "en"), money(-1234.6, "nl")
    ('€1,235', '-€ 1.235')
    """
    sign = "-" if amount < 0 else ""
    space = " " if language == "nl" else ""
    return f"{sign}€{space}{number(abs(amount), language)}"


FEES = (
    "retainer_fee",
    "fee_per_lead",
    "hybrid_base",
    "hybrid_per_lead",
    "reporting_hours",
    "hourly_rate",
)


def rule(values: dict[str, Any]) -> dict[str, Any]:
    """The client's verdict knobs from a dict of validated parameters."""
    return {
        name: values[name]
        for name in ("worried_drop", "alarm_drop", "alarm_limit", "closing_declines")
    }


def fees(values: dict[str, Any]) -> dict[str, Any]:
    """The provider's fee knobs from a dict of validated parameters."""
    return {name: values[name] for name in FEES}


def nocure_intro(values: dict[str, Any]) -> str:
    """The opening of story A: the deal in the room's numbers."""
    language = values["language"]
    pace = values["target"] / values["months"]
    return t(
        "nocure.intro",
        language,
        target=number(values["target"], language),
        months=values["months"],
        pace=number(pace, language, 0 if pace.is_integer() else 1),
    )


def client_diary(view: pd.DataFrame, language: str) -> str:
    """What the client says each month, as a Markdown table."""
    header = (
        f"| {t('nocure.chart.month', language)} | {t('nocure.chart.result', language)} "
        f"| {t('nocure.chart.change', language)} | {t('nocure.chart.mood', language)} |"
    )
    lines = [header, "|---:|---:|---:|:---|"]
    for row in view.itertuples():
        change = "" if pd.isna(row.change_pct) else f"{row.change_pct:+.0f}%"
        lines.append(
            f"| {row.month} | {row.result} | {change} "
            f"| {t(f'nocure.reactions.{row.reaction}', language)} |"
        )
    return "\n".join(lines)


def contract_reading(values: dict[str, Any]) -> str:
    """The contract's reading: total against target."""
    language = values["language"]
    total = sum(values["results"])
    met = total >= values["target"]
    return t(
        "nocure.contract_text",
        language,
        total=number(total, language),
        target=number(values["target"], language),
        met_sentence=t("nocure.met_yes" if met else "nocure.met_no", language),
    )


def verdict_text(values: dict[str, Any]) -> str:
    """The client's verdict beside the contract's: the gap between the two readings."""
    language = values["language"]
    met = sum(values["results"]) >= values["target"]
    decision = nocure.verdict(values["results"], values["target"], **rule(values))
    contract = t("nocure.contract_says_met" if met else "nocure.contract_says_missed", language)
    return (
        t("nocure.verdict_line", language, verdict=t(f"nocure.verdicts.{decision}", language))
        + "\n\n"
        + t(
            "nocure.gap_line",
            language,
            contract=contract,
            client=t(f"nocure.verdict_short.{decision}", language),
        )
    )


def simulation_setup(values: dict[str, Any]) -> str:
    """What the simulation does, in the room's numbers."""
    language = values["language"]
    return t(
        "nocure.why_text",
        language,
        n_contracts=number(values["n_contracts"], language),
        mean=number(values["mean"], language, 1),
        volatility=percent(values["volatility"], language),
        seasonality=percent(values["seasonality"], language),
    )


def simulation_summary(result: nocure.Outcomes, language: str) -> str:
    """The simulation's shares as a Markdown list."""
    return t(
        "nocure.simulation_summary",
        language,
        **{name: percent(share, language) for name, share in vars(result).items()},
    )


def regression_text(result: nocure.Outcomes, language: str) -> str:
    """How often the month after an alarm is better, although nothing changed."""
    return t(
        "nocure.regression_text", language, rebound=percent(result.rebound_after_alarm, language)
    )


def provider_text(values: dict[str, Any]) -> str:
    """Who carries the risk, with the reporting hours and rate filled in."""
    language = values["language"]
    return t(
        "nocure.provider_text",
        language,
        hours=number(values["reporting_hours"], language, 1),
        rate=money(values["hourly_rate"], language),
    )


def provider_summary(risk: pd.DataFrame, language: str) -> str:
    """The worst and 1-in-20 months of each scheme in one paragraph."""
    row = risk.set_index("scheme")
    return t(
        "nocure.provider_summary",
        language,
        per_lead_worst=money(row.loc["per_lead", "worst"], language),
        per_lead_p5=money(row.loc["per_lead", "p5"], language),
        hybrid_p5=money(row.loc["hybrid", "p5"], language),
        retainer=money(row.loc["retainer", "median"], language),
    )


def outcome_shares(result: nocure.Outcomes) -> dict[str, float]:
    """The four shares the outcome chart shows, in the order it shows them."""
    return {
        "met_target": result.met_target,
        "any_alarm": result.any_alarm,
        "stopped": result.stopped,
        "pitfall": result.pitfall,
    }


# -- story B ------------------------------------------------------------------------------------


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


def flywheel_summary(values: dict[str, Any], sims, band: pd.DataFrame) -> str:
    """The honest version's numbers as Markdown: growth, spread, stalls, time to the goal.

    ``sims`` is :func:`kit.referrals.simulate` for the same ``values``, ``band`` its
    :func:`kit.referrals.band` (the chart beside the text shows the same table).
    """
    flywheel = [values[k] for k in ("introductions_per_year", "conversion", "churn", "fans")]
    promised = referrals.compound(values["years"], values["introductions_per_year"], values["fans"])
    return "\n\n".join(
        [
            honest_text(values, referrals.mean_growth(*flywheel[:3])),
            honest_summary(
                values,
                band,
                promised,
                referrals.stalled_share(sims),
                referrals.flywheel_stall_probability(*flywheel, years=values["years"]),
                referrals.flywheel_stall_probability(*flywheel),
            ),
            reach_text(values, referrals.years_to_reach(sims, values["target_fans"])),
        ]
    )


def hunting_comparison(values: dict[str, Any], sims) -> pd.DataFrame:
    """Flywheel against new-logo hunting, year by year, with the simulated median."""
    return referrals.flywheel_vs_hunting(
        values["years"],
        values["introductions_per_year"],
        values["conversion"],
        values["churn"],
        new_logos_per_year=values["new_logos_per_year"],
        fans=values["fans"],
        sims=sims,
    )


def overtaking_summary(values: dict[str, Any], comparison: pd.DataFrame) -> str:
    """The hunter's straight line and when the flywheel overtakes it, as Markdown."""
    return (
        hunting_text(values)
        + "\n\n"
        + overtaking_text(
            values,
            referrals.overtaking_year(comparison),
            referrals.overtaking_year(comparison, "flywheel_median"),
        )
    )
