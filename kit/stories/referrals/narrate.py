"""Story B's sentences with the numbers filled in, as Markdown.

Texts come from :mod:`kit.text`; this module picks the sentence that is true for the
results it is given (the story computed them) and formats numbers for the room's
language. Two rules keep the words and the numbers in step for every parameter set:

* a share is shown as "0%" or "100%" only when it is exactly that; otherwise "less than
  1%" or "more than 99%" (:func:`share`), and the words ("none", "all", "fewer than
  half") are chosen from the same figures;
* a number too long to read (10**15 and more) is written as ``1.6 × 10¹⁰⁴``
  (:func:`count`), so no sentence prints a hundred digits.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from kit.stories.referrals.model import MAX_YEARS
from kit.text import number, percent, t

#: From here on a count is written as a power of ten.
LONG_NUMBER = 10**15
#: People on Earth, about: beyond this the article's tree runs out of people.
EARTH = 8_000_000_000
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _r(key: str, language: str, **fields: Any) -> str:
    # block texts in the YAML end with a line break; sentences are joined with spaces
    return t(f"referrals.{key}", language, **fields).strip()


# --------------------------------------------------------------------------------------
# Numbers and words
# --------------------------------------------------------------------------------------


def count(value: float, language: str = "en") -> str:
    """A count of people or fans, rounded to whole ones, readable however large.

    >>> count(1111, "nl"), count(10**24, "en"), count(1.6e104, "nl")
    ('1.111', '1.0 × 10²⁴', '1,6 × 10¹⁰⁴')
    """
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"not a count: {value}")
    if abs(value) < LONG_NUMBER:
        return number(round(value), language)
    exponent = math.floor(math.log10(abs(value)))
    mantissa = value / 10**exponent
    if round(mantissa, 1) >= 10:  # 9.96e20 is 1.0 × 10²¹, not 10.0 × 10²⁰
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{number(mantissa, language, 1)} × 10{str(exponent).translate(_SUPERSCRIPT)}"


def share(value: float, language: str = "en", decimals: int = 0) -> str:
    """A share as a percentage that is "0%" or "100%" only when it is exactly that.

    >>> share(0.25), share(0.0004), share(0.9996, "nl"), share(1.0)
    ('25%', 'less than 1%', 'meer dan 99%', '100%')
    """
    step = 10.0**-decimals
    shown = percent(value, language, decimals)
    if 0 < value and round(100 * value, decimals) == 0:
        return _r("less_than", language, share=percent(step / 100, language, decimals))
    if value < 1 and round(100 * value, decimals) >= 100:
        return _r("more_than", language, share=percent(1 - step / 100, language, decimals))
    return shown


def share_below(value: float, language: str = "en") -> str:
    """A share below one half, shown below 50% (rounded down), never as 0%.

    >>> share_below(0.4996), share_below(0.001, "nl")
    ('49%', 'minder dan 1%')
    """
    whole = math.floor(100 * value)
    if whole == 0:
        return _r("less_than", language, share=percent(0.01, language))
    return percent(whole / 100, language)


def _plural(value: int, one: str, many: str, language: str, shown: str | None = None) -> str:
    if value == 1:
        return _r(one, language)
    return _r(many, language, n=shown if shown is not None else number(value, language))


def fans(value: float, language: str) -> str:
    """Say "one fan" or "1,000 fans"."""
    return _plural(round(value), "one_fan", "many_fans", language, count(value, language))


def years(value: int, language: str) -> str:
    """Say "one year" or "10 years"."""
    return _plural(value, "one_year", "many_years", language)


def introductions(value: int, language: str) -> str:
    """Say "no introductions", "one introduction" or "3 introductions"."""
    if value == 0:
        return _r("no_introductions", language)
    return _plural(value, "one_introduction", "many_introductions", language)


def new_logos(value: int, language: str) -> str:
    """Say "one new logo" or "10 new logos"."""
    return _plural(value, "one_new_logo", "many_new_logos", language)


def new_clients(value: int, language: str) -> str:
    """Say "no new clients", "one new client" or "10 new clients"."""
    if value == 0:
        return _r("no_new_clients", language)
    return _plural(value, "one_new_client", "many_new_clients", language)


# --------------------------------------------------------------------------------------
# The article: tree and promise
# --------------------------------------------------------------------------------------


def tree_text(values: dict[str, Any], table: pd.DataFrame) -> str:
    """The article's three generations in words: 1 + 10 + 100 + 1,000 = 1,111."""
    language = values["language"]
    start, per_fan, generations = values["fans"], values["per_fan"], values["generations"]
    if per_fan == 0 or generations == 0:
        if start == 1:
            return _r("tree_none_one", language)
        return _r("tree_none_many", language, fans=number(start, language))
    phrase = (
        _r("fans_phrase_one", language)
        if start == 1
        else _r("fans_phrase_many", language, fans=number(start, language))
    )
    new = [int(n) for n in table["new"]]
    total = int(table["total"].iloc[-1])
    text = _r(
        "tree_text",
        language,
        fans_phrase=phrase,
        people=_plural(per_fan, "one_person", "many_people", language),
        generations=_plural(generations, "generations_one", "generations_many", language),
        total=count(total, language),
        sum=_sum(new, total, language),
    )
    if total > EARTH:
        text += " " + _r("beyond_earth", language)
    return text


def _sum(terms: list[int], total: int, language: str) -> str:
    """``1 + 10 + 100 + 1,000 = 1,111``, shortened with … when long or huge."""
    shown = [count(n, language) for n in terms]
    if len(shown) > 5:
        shown = [*shown[:3], "…", shown[-1]]
    written = " + ".join(shown)
    if total < LONG_NUMBER:
        written += f" = {count(total, language)}"
    return written


def doubling_text(values: dict[str, Any], fans_after: int) -> str:
    """Compounding without churn: 2 ** 10 = 1,024 fans in 10 years."""
    language = values["language"]
    k = values["introductions_per_year"]
    start = fans(values["fans"], language)
    if k == 0:
        return _r("doubling_none", language, years=years(values["years"], language), start=start)
    return _r(
        "doubling_text" if k == 1 else "doubling_text_many",
        language,
        new_fans=_plural(k, "someone_valuable", "people_valuable", language),
        years=years(values["years"], language),
        fans=count(fans_after, language),
        start=start,
        factor=number(1 + k, language),
    )


# --------------------------------------------------------------------------------------
# The honest version
# --------------------------------------------------------------------------------------


def honest_text(values: dict[str, Any]) -> str:
    """What the simulation assumes: introductions, conversion, churn and how many runs."""
    language = values["language"]
    runs = values["runs"]
    return _r(
        "honest_text",
        language,
        introductions=introductions(values["introductions_per_year"], language),
        conversion=setting(values["conversion"], language),
        churn=setting(values["churn"], language),
        runs=_r("runs_one", language)
        if runs == 1
        else _r("runs_many", language, runs=number(runs, language)),
    )


def average_text(values: dict[str, Any], growth: float) -> str:
    """How the average flywheel grows, stays or shrinks a year."""
    language = values["language"]
    brought = values["introductions_per_year"] * values["conversion"]
    churn = values["churn"]
    if churn == 0 and brought == 0:  # nobody leaves, nobody new comes in
        return _r("growth_none", language)
    # the change itself, not growth - 1: 1 + 1e-20 is 1 in floating point
    change = brought - churn
    if abs(change) <= 1e-12 * max(brought, churn):  # 3 x 0.1 against 0.3
        return _r("growth_flat", language)
    return growth_text(1.0 + change, language, change)


def growth_text(growth: float, language: str, change: float | None = None) -> str:
    """Say "grows by 50% a year", "stays the same" or "shrinks by 20% a year".

    ``change`` is ``growth - 1`` computed without rounding, when the caller has it.
    """
    change = growth - 1.0 if change is None else change
    if change == 0:
        return _r("growth_flat", language)
    if change > 0:
        return _r("growth_up", language, pct=_change(change, language))
    return _r("growth_down", language, pct=_change(-change, language))


def _change(change: float, language: str) -> str:
    if change >= LONG_NUMBER / 100:
        return count(100 * change, language) + "%"
    return share(change, language) if change <= 1 else percent(change, language)


def spread_text(values: dict[str, Any], band: pd.DataFrame, promised: int) -> str:
    """The typical flywheel and the middle 80% after the horizon, against the promise."""
    language = values["language"]
    last = band.iloc[-1]
    return _r(
        "spread_text",
        language,
        years=years(values["years"], language),
        median=fans(last["median"], language),
        low=count(last["low"], language),
        high=count(last["high"], language),
        promised=count(promised, language),
    )


def stall_text(values: dict[str, Any], stall: tuple[float, float, float]) -> str:
    """How many simulated flywheels stalled, beside the exact chance (within and ever)."""
    language = values["language"]
    stalled, by_horizon, ever = stall
    horizon = years(values["years"], language)
    if stalled == 0:
        simulated = _r("stalled_none", language, years=horizon)
    elif stalled == 1:
        simulated = _r("stalled_all", language, years=horizon)
    else:
        simulated = _r("stalled_some", language, stalled=share(stalled, language, 1), years=horizon)
    if ever == 0:
        exact = _r("stall_never", language)
    elif ever >= 1:
        exact = _r("stall_certain", language)
    else:
        exact = _r(
            "stall_exact",
            language,
            by_horizon=share(by_horizon, language, 1),
            ever=share(ever, language, 1),
            years=horizon,
        )
    return f"{simulated} {exact}"


def reach_text(values: dict[str, Any], reach: Any) -> str:
    """How long the simulated flywheels took to reach the goal (a :class:`Reach`)."""
    language = values["language"]
    target = fans(values["target_fans"], language)
    horizon = years(values["years"], language)
    never = reach.never
    if values["target_fans"] <= values["fans"]:
        return _r(
            "reach_all_at_start", language, start=fans(values["fans"], language), target=target
        )
    if never == 1:
        return (
            _r("reach_none", language, target=target, years=horizon)
            + " "
            + _r("reach_hint", language)
        )
    if reach.median is None:
        reached = share_below(1 - never, language)
        return _r("reach_few", language, target=target, years=horizon, reached=reached) + (
            " " + _r("reach_hint", language)
        )
    half = _r(
        "reach_half",
        language,
        target=target,
        median=years(reach.median, language),
        low=years(reach.low, language),
    )
    if never == 0:
        return half + " " + _r("reach_everyone", language, years=horizon)
    return half + " " + _r("reach_missing", language, never=share(never, language), years=horizon)


def flywheel_summary(
    values: dict[str, Any],
    growth: float,
    band: pd.DataFrame,
    promised: int,
    stall: tuple[float, float, float],
    reach: Any,
) -> str:
    """The honest version's results as Markdown: growth, spread, stalls, time to the goal.

    ``stall`` is (the simulated stalled share, the exact chance of stalling within the
    simulated years, the chance of ever stalling); ``reach`` a :class:`kit.referrals.Reach`.
    """
    return "\n\n".join(
        [
            average_text(values, growth),
            "- " + spread_text(values, band, promised),
            "- " + stall_text(values, stall),
            "- " + reach_text(values, reach),
        ]
    )


# --------------------------------------------------------------------------------------
# Flywheel against hunting, and the map
# --------------------------------------------------------------------------------------


def hunter_text(values: dict[str, Any]) -> str:
    """The new-logo hunter in the room's numbers: flat, shrinking, straight or levelling off."""
    language = values["language"]
    logos, churn = values["new_logos_per_year"], values["churn"]
    if logos == 0:
        if churn == 0:
            return _r("hunter_nothing", language, start=clients(values["fans"], language))
        return _r("hunter_shrinks", language, churn=setting(churn, language))
    if churn == 0:
        return _r("hunter_straight", language, logos=new_clients(logos, language))
    if churn == 1:
        return _r("hunter_replaced", language, logos=new_clients(logos, language))
    # the hunter's clients settle where the yearly loss equals the new logos
    gap = logos - values["fans"] * churn
    key = "hunter_levels" if gap > 1e-9 else "hunter_settles" if gap < -1e-9 else "hunter_stays"
    return _r(
        key,
        language,
        logos=new_clients(logos, language),
        churn=setting(churn, language),
        ceiling=_ceiling(logos, churn, language),
    )


def _ceiling(logos: int, churn: float, language: str) -> str:
    """The hunter's level, ``logos / churn`` clients, even where the quotient overflows."""
    level = logos / churn
    if math.isfinite(level):
        return clients(level, language)
    # churn near 1e-309: write the power of ten from the logarithms
    exponent = math.log10(logos) - math.log10(churn)
    whole = math.floor(exponent)
    power = f"{number(10 ** (exponent - whole), language, 1)} × 10" + str(whole).translate(
        _SUPERSCRIPT
    )
    return _r("many_clients", language, n=power)


def clients(value: float, language: str) -> str:
    """Say "one client" or "10 clients" (rounded to whole clients)."""
    return _plural(round(value), "one_client", "many_clients", language, count(value, language))


def passing_text(
    values: dict[str, Any],
    comparison: pd.DataFrame,
    passing: tuple[int | None, int | None, int | None],
    growth: float,
) -> str:
    """When the flywheel passes the hunter: within the horizon, later, or not at all.

    ``passing`` is (the average flywheel's year within the horizon, the typical run's
    year within the horizon, the average flywheel's year within 50 years).
    """
    language = values["language"]
    within, median, later = passing
    horizon = years(values["years"], language)
    if within is not None:
        typical = (
            _r("median_passes_in", language, year=median)
            if median is not None
            else _r("median_not_within", language, years=horizon)
        )
        return _r("passes_in", language, year=within) + " " + typical
    last = comparison.iloc[-1]
    hunter, flywheel = clients(last["hunting"], language), count(last["flywheel"], language)
    if count(last["hunting"], language) == flywheel:  # equal, or equal as shown
        behind = _r("behind_level", language, years=horizon, clients=hunter)
    else:
        behind = _r("behind_until", language, years=horizon, hunter=hunter, flywheel=flywheel)
    if later is not None:
        return behind + " " + _r("but_passes", language, year=later)
    if growth > 1:
        return behind + " " + _r("never_slow", language, years=years(MAX_YEARS, language))
    return behind + " " + _r("never_still", language)


def ahead_text(values: dict[str, Any], ahead: float) -> str:
    """How many of the simulated flywheels (their number and seed named) end ahead of the hunter.

    Unlike the average, this share is the simulation's own: other runs or another seed
    give another share, and the room sees which simulation it is reading.
    """
    language = values["language"]
    return _r(
        "ahead",
        language,
        share=share(ahead, language, 1),
        flywheels=_plural(values["runs"], "one_flywheel", "many_flywheels", language),
        seed=str(values["seed"]),  # a label, never 2,024
        years=years(values["years"], language),
    )


def map_text(values: dict[str, Any]) -> str:
    """How to read the map, in the room's numbers."""
    language = values["language"]
    return _r(
        "map_text",
        language,
        introductions=introductions(values["introductions_per_year"], language),
        logos=new_clients(values["new_logos_per_year"], language),
        years=years(values["years"], language),
        limit=years(MAX_YEARS, language),
    )


def needed_text(values: dict[str, Any], needed: float | None) -> str:
    """The conversion above which the average flywheel passes the hunter within the years."""
    language = values["language"]
    horizon = years(values["years"], language)
    k = values["introductions_per_year"]
    if k == 0:
        return _r("needed_no_introductions", language)
    if needed is None:
        return _r(
            "needed_none",
            language,
            years=horizon,
            introductions=introductions(k, language),
            churn=setting(values["churn"], language),
        )
    if needed == 0:
        return _r("needed_any", language, years=horizon)
    # the needed share at the precision the room's conversion is written with, so that
    # "at least 62%; you have 61.5%" never hides a pass and never shows a miss as enough
    decimals = setting_decimals(values["conversion"])
    return _r(
        "needed_share",
        language,
        years=horizon,
        needed=percent(needed_percent(needed, decimals) / 100, language, decimals),
        conversion=setting(values["conversion"], language),
    )


def needed_percent(needed: float, decimals: int = 0) -> float:
    """The smallest percentage with ``decimals`` decimals strictly above ``needed`` (a share).

    >>> needed_percent(0.6192), needed_percent(0.62), needed_percent(0.6192, 1)
    (62, 63, 62.0)
    """
    step = 10**decimals
    units = math.ceil(100 * step * needed - 1e-6)
    if units <= 100 * step * needed + 1e-6:  # on the border: the border itself does not pass
        units += 1
    return units / step if decimals else units


def setting_decimals(share: float) -> int:
    """The fewest decimals (at most 4) that write a share the room set exactly, in percent.

    >>> setting_decimals(0.6), setting_decimals(0.615), setting_decimals(1 / 3)
    (0, 1, 4)
    """
    for decimals in range(4):
        shown = round(100 * share, decimals)
        if abs(shown - 100 * share) < 1e-9 and (shown == 0) == (share == 0):
            return decimals
    return 4


def setting(value: float, language: str) -> str:
    """A share the room set (conversion, churn) as a percentage, as exact as it was set.

    >>> setting(0.6, "en"), setting(0.615, "nl"), setting(1e-300, "en")
    ('60%', '61,5%', 'less than 0.0001%')
    """
    return share(value, language, setting_decimals(value))


def worth_text(values: dict[str, Any], matching: int | None) -> str:
    """What a fan's introductions are worth a year, against the hunter's new logos."""
    language = values["language"]
    k, conversion = values["introductions_per_year"], values["conversion"]
    if matching is None or values["new_logos_per_year"] == 0:
        return ""
    per_fan = k * conversion
    decimals = 0 if abs(per_fan - round(per_fan)) < 1e-9 else 2
    shown = number(per_fan, language, decimals)
    worth = _r(
        "worth",
        language,
        new=_plural(
            1 if shown == "1" else 2, "one_new_client", "many_new_clients", language, shown
        ),
    )
    logos = new_logos(values["new_logos_per_year"], language)
    if matching == 1:
        return worth + " " + _r("worth_match_one", language, logos=logos)
    return (
        worth + " " + _r("worth_match_many", language, fans=count(matching, language), logos=logos)
    )


def closing_text(
    values: dict[str, Any], passing: tuple[int | None, int | None, int | None], growth: float
) -> str:
    """The story's closing sentence: what these settings say about the article's point."""
    language = values["language"]
    within, _, later = passing
    if within is not None:
        return _r("closing_now", language, years=years(values["years"], language))
    if later is not None:
        return _r("closing_later", language, year=later)
    if growth > 1:
        return _r("closing_slow", language)
    return _r("closing_still", language)


def map_summary(
    values: dict[str, Any],
    needed: float | None,
    matching: int | None,
    passing: tuple[int | None, int | None, int | None],
    growth: float,
) -> str:
    """Under the map: what an introduction must be worth, and the closing sentence."""
    parts = [needed_text(values, needed), worth_text(values, matching)]
    what_it_takes = " ".join(part for part in parts if part)
    return what_it_takes + "\n\n" + closing_text(values, passing, growth)
