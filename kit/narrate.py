"""The story's sentences with the numbers filled in, as Markdown.

Texts come from :mod:`kit.text`; this module only picks the right ones for the
computed results and formats numbers for the room's language. Notebooks,
panels and handouts all narrate through it, so they always say the same thing.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kit import nocure
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
    client = t(
        f"nocure.verdicts.{nocure.verdict(values['results'], values['target'], **rule(values))}",
        language,
    )
    contract = t("nocure.contract_says_met" if met else "nocure.contract_says_missed", language)
    return (
        t("nocure.verdict_line", language, verdict=client)
        + "\n\n"
        + t("nocure.gap_line", language, contract=contract, client=client)
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
