"""Story A's sentences with the numbers filled in, as Markdown.

Texts come from :mod:`kit.text`; this module only picks the right ones for the results
it is given (the story computed them) and formats numbers for the room's language.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kit.stories.nocure import model
from kit.text import money, number, percent, t


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


def verdict_text(values: dict[str, Any], decision: str) -> str:
    """The client's verdict (``continue`` or ``stop``) beside the contract's reading."""
    language = values["language"]
    met = sum(values["results"]) >= values["target"]
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


def simulation_summary(result: model.Outcomes, language: str) -> str:
    """The simulation's shares as a Markdown list."""
    return t(
        "nocure.simulation_summary",
        language,
        **{name: percent(share, language) for name, share in vars(result).items()},
    )


def regression_text(result: model.Outcomes, language: str) -> str:
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


def outcome_shares(result: model.Outcomes) -> dict[str, float]:
    """The four shares the outcome chart shows, in the order it shows them."""
    return {
        "met_target": result.met_target,
        "any_alarm": result.any_alarm,
        "stopped": result.stopped,
        "pitfall": result.pitfall,
    }
