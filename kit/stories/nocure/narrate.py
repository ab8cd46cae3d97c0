"""Story A's sentences with the numbers filled in, as Markdown.

Texts come from :mod:`kit.text`; this module only picks the right ones for the results
it is given (the story computed them) and formats numbers for the room's language.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kit.stories.look import MOOD_GLYPHS
from kit.stories.nocure import model
from kit.text import money, number, percent, t

NO_BREAK = "\u00a0"
WORD_JOINER = "\u2060"


def euro(value: float, language: str) -> str:
    """An amount in euros that never breaks across lines: ``€ 1.600``, ``-€ 300``.

    :func:`kit.text.money` with a no-break space after the euro sign and a word
    joiner after a minus sign, so a printed handout keeps the amount on one line.

    >>> euro(-300, "nl") == "-\u2060€\u00a0300"
    True
    """
    text = money(value, language).replace(" ", NO_BREAK)
    return text.replace("-", "-" + WORD_JOINER, 1) if text.startswith("-") else text


def amount(value: float, language: str) -> str:
    """A count or a number of hours without needless decimals: ``4``, ``4,5``, ``2.000``.

    >>> amount(4.0, "nl"), amount(4.5, "nl"), amount(2000, "nl"), amount(0.25, "en")
    ('4', '4,5', '2.000', '0.25')
    """
    for decimals in (0, 1, 2):
        if abs(round(value, decimals) - value) < 1e-9:
            return number(value, language, decimals)
    return number(value, language, 2)


def share(value: float, language: str) -> str:
    """A share as a percentage that never reads 0% or 100% unless it is exactly that.

    >>> share(0.0004, "en"), share(0.9996, "nl"), share(0.25, "en"), share(0, "en")
    ('<1%', '>99%', '25%', '0%')
    """
    if 0 < value < 0.005:
        return "<" + percent(0.01, language)
    if 0.995 < value < 1:
        return ">" + percent(0.99, language)
    return percent(value, language)


def nocure_intro(values: dict[str, Any], pace: float) -> str:
    """The opening of story A: the deal in the room's numbers (``pace`` forms a month)."""
    language = values["language"]
    return t(
        "nocure.intro",
        language,
        target=number(values["target"], language),
        months=values["months"],
        pace=amount(round(pace, 1 if pace >= 1 else 2), language),
    )


def client_diary(view: pd.DataFrame, says: list[str], language: str) -> str:
    """What the client says each month (text keys in ``says``), as a Markdown table."""
    header = (
        f"| {t('nocure.chart.month', language)} | {t('nocure.chart.result', language)} "
        f"| {t('nocure.chart.change', language)} | {t('nocure.chart.mood', language)} |"
    )
    lines = [header, "|---:|---:|---:|:---|"]
    for row, key in zip(view.itertuples(), says, strict=True):
        change = "" if pd.isna(row.change_pct) else f"{row.change_pct:+.0f}%"
        # the mood's shape and word before the client's words, as on the bars
        mood = f"{MOOD_GLYPHS[row.mood]} {t(f'nocure.moods.{row.mood}', language)}"
        lines.append(
            f"| {row.month} | {number(row.result, language)} | {change} "
            f"| {mood}: {t(key, language)} |"
        )
    return "\n".join(lines)


def contract_reading(values: dict[str, Any], delivered: int, met: bool) -> str:
    """The contract's reading: the total delivered against the target."""
    language = values["language"]
    return t(
        "nocure.contract_text",
        language,
        total=number(delivered, language),
        target=number(values["target"], language),
        met_sentence=t("nocure.met_yes" if met else "nocure.met_no", language),
    )


def verdict_text(values: dict[str, Any], decision: str, met: bool) -> str:
    """The client's verdict (``continue`` or ``stop``) beside the contract's reading."""
    language = values["language"]
    contract = t("nocure.contract_says_met" if met else "nocure.contract_says_missed", language)
    return (
        t(
            "nocure.verdict_line",
            language,
            review=t(f"nocure.review_phrase.{values['review']}", language),
            verdict=t(f"nocure.verdicts.{decision}", language),
        )
        + "\n\n"
        + t(
            "nocure.gap_line",
            language,
            contract=contract,
            client=t(f"nocure.verdict_short.{decision}", language),
        )
    )


def rule_text(values: dict[str, Any], reasons: tuple[int, int]) -> str:
    """The client's rule in the room's numbers, and what these months gave it.

    ``reasons`` is (code-red reviews, reviews in a row that disappointed at the end),
    as :func:`kit.stories.nocure.model.walk_away_reasons` counts them.
    """
    language = values["language"]
    code_red, sour = reasons
    return t(
        "nocure.rule_line",
        language,
        limit=number(values["alarm_limit"], language),
        closing=number(values["closing_declines"], language),
        code_red=number(code_red, language),
        sour=number(sour, language),
    )


def simulation_setup(values: dict[str, Any]) -> str:
    """What the simulation does, in the room's numbers."""
    language = values["language"]
    return t(
        "nocure.why_text",
        language,
        n_contracts=number(values["n_contracts"], language),
        mean=amount(values["mean"], language),
        volatility=percent(values["volatility"], language),
        seasonality=percent(values["seasonality"], language),
    )


def simulation_summary(result: model.Outcomes, language: str) -> str:
    """The simulation's shares as a Markdown list."""
    return t(
        "nocure.simulation_summary",
        language,
        **{name: share(value, language) for name, value in vars(result).items()},
    )


def regression_text(result: model.Outcomes, language: str) -> str:
    """How often the month after an alarm is better, although nothing changed."""
    if pd.isna(result.rebound_after_alarm):  # no alarm month was followed by another month
        return t("nocure.regression_none", language)
    return t(
        "nocure.regression_text", language, rebound=share(result.rebound_after_alarm, language)
    )


def provider_text(values: dict[str, Any]) -> str:
    """Who carries the risk, with the reporting hours and rate filled in."""
    language = values["language"]
    return t(
        "nocure.provider_text",
        language,
        hours=amount(values["reporting_hours"], language),
        rate=euro(values["hourly_rate"], language),
    )


def provider_summary(risk: pd.DataFrame, language: str) -> str:
    """The worst and 1-in-20 months of each scheme in one paragraph."""
    row = risk.set_index("scheme")
    return t(
        "nocure.provider_summary",
        language,
        per_lead_worst=euro(row.loc["per_lead", "worst"], language),
        per_lead_p5=euro(row.loc["per_lead", "p5"], language),
        hybrid_p5=euro(row.loc["hybrid", "p5"], language),
        retainer=euro(row.loc["retainer", "median"], language),
    )


def outcome_shares(result: model.Outcomes) -> dict[str, float]:
    """The four shares the outcome chart shows, in the order it shows them."""
    return {
        "met_target": result.met_target,
        "any_alarm": result.any_alarm,
        "stopped": result.stopped,
        "pitfall": result.pitfall,
    }


# -- should I take this deal? -------------------------------------------------------------------


def own_history_text(story: Any) -> str:
    """What the provider's own months say, and how often this deal is met at their pace."""
    language, v, own, terms = story.language, story.values, story.own, story.terms
    month = terms.set_index("term").loc["month"]
    fields = dict(
        months=number(own.months, language),
        mean=amount(round(own.mean, 1), language),
        change=share(own.typical_change, language),
        target=number(v["target"], language),
        deal_months=number(v["months"], language),
        n=number(v["n_contracts"], language),
        met=share(month["met_target"], language),
    )
    if pd.isna(month["pitfall_of_met"]):
        return t("nocure.own_history_out_of_reach", language, **fields)
    return t(
        "nocure.own_history_reading",
        language,
        walks=share(month["pitfall_of_met"], language),
        **fields,
    )


def term_labels(minimum_term: int, language: str) -> dict[str, str]:
    """The name of each contract term in the room's language."""
    return {
        term: t(f"nocure.terms.{term}", language, n=number(minimum_term, language))
        for term in model.TERMS
    }


def terms_summary(story: Any) -> str:
    """The terms side by side in words: how often a met deal is lost, what a bad contract pays."""
    language, v = story.language, story.values
    rows = story.terms.set_index("term")
    if rows["pitfall_of_met"].isna().all():
        return t("nocure.terms_out_of_reach", language)
    walks = {
        term.removesuffix("_term"): share(rows.loc[term, "pitfall_of_met"], language)
        for term in model.TERMS
    }
    return t(
        "nocure.terms_summary",
        language,
        term_months=number(v["minimum_term"], language),
        per_lead_p5=euro(rows.loc["month", "income_p5"], language),
        hybrid_p5=euro(rows.loc["hybrid", "income_p5"], language),
        **walks,
    )


# -- the conclusion -----------------------------------------------------------------------------


def trust_text(story: Any) -> str:
    """Trust both ways: what the provider misses when the client keeps forms out of sight."""
    language, v, gap = story.language, story.values, story.trust
    return t(
        "nocure.trust_text",
        language,
        hidden=share(v["unreported"], language),
        total=number(gap.delivered, language),
        reported=number(gap.reported, language),
        target=number(v["target"], language),
        looks=t(
            "nocure.trust_looks_met" if gap.looks_met else "nocure.trust_looks_missed", language
        ),
        lost=number(gap.unpaid_forms, language),
        fee=euro(v["fee_per_lead"], language),
        unpaid=euro(gap.unpaid_fees, language),
    )


def price_text(story: Any) -> str:
    """The reporting hours as a cost, and what a serious price buys, over the whole contract."""
    language, v = story.language, story.values
    risk = story.contract_risk.set_index("scheme")
    return t(
        "nocure.price_text",
        language,
        hours=amount(v["reporting_hours"], language),
        rate=euro(v["hourly_rate"], language),
        months=number(v["months"], language),
        reporting=euro(story.reporting, language),
        retainer_fee=euro(v["retainer_fee"], language),
        retainer_total=euro(risk.loc["retainer", "median"], language),
        per_lead_median=euro(risk.loc["per_lead", "median"], language),
        per_lead_p5=euro(risk.loc["per_lead", "p5"], language),
        below=share(risk.loc["per_lead", "below_retainer"], language),
    )


def say_no_text(story: Any) -> str:
    """The closing: how often the room's simulated client drops a met deal, and the advice."""
    language, result = story.language, story.outcomes
    review = t(f"nocure.review_phrase.{story['review']}", language)
    if pd.isna(result.pitfall_of_met):
        return t("nocure.say_no_unmet", language, review=review)
    if result.pitfall_of_met == 0:
        return t("nocure.say_no_none", language, review=review)
    return t(
        "nocure.say_no_text", language, review=review, walks=share(result.pitfall_of_met, language)
    )


def room_reveal(room: model.RoomVerdict, language: str) -> str:
    """The reveal after the room played the client: who walked away from which contract."""
    if not room.participants:
        return t("nocure.room.waiting", language)
    contract = t("nocure.room.met" if room.met else "nocure.room.missed", language)
    numbers = {
        "walked": number(room.walked, language),
        "participants": number(room.participants, language),
        "share": share(room.walked / room.participants, language),
        "contract": contract,
        "month": number(len(room.still_in), language),
        "still_in": number(room.still_in[-1], language),
    }
    key = "nocure.room.reveal" if room.walked else "nocure.room.nobody_walked"
    return t(key, language, **numbers) + "\n\n" + t("nocure.room.still_in", language, **numbers)
