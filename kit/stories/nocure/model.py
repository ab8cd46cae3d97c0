"""Story A, "no cure, no pay": a deal met on the total, lost on perception.

An SEO expert agrees to deliver 120 contact forms in 6 months. He delivers
20, 15, 5, 45, 20, 15: exactly 120. The client, though, judges month by month,
compares each month with the one before, and walks away. This module is that
story as pure functions on numbers and DataFrames: the client's view of a series,
the client's verdict, a Monte Carlo of many such contracts, and the provider's
income under three ways of being paid.

The client's rule (every threshold a parameter):

* month 1 is compared with the monthly pace (target / months); every later month
  with the month before;
* a month with no decline is *pleased*; a decline larger than ``worried_drop``
  (default 0: any decline) is *worried*; a decline of ``alarm_drop`` (default 50%)
  or more is *alarm*;
* at the end the client *stops* when there were ``alarm_limit`` (default 2) or
  more alarm months, or when the last ``closing_declines`` (default 2) months all
  declined. Otherwise the client *continues*. The total is never looked at: that
  is the point of the story.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kit import checks, resources
from kit.errors import ParameterError

SEED_CSV = resources.DATA / "nocure_seed.csv"

# What the model can compute; the sliders offer narrower ranges (story.py).
MAX_MONTHS = 36
MAX_CONTRACTS = 100_000
MAX_RESULT = 100_000
MAX_TARGET = 100_000
MAX_MEAN = 10_000
MAX_VOLATILITY = 3.0
MAX_FEE = 1_000_000
MAX_HOURS = 200

MOODS = ("pleased", "worried", "alarm")
PLEASED, WORRIED, ALARM = range(3)
SCHEMES = ("retainer", "per_lead", "hybrid")


# -- reading and checking monthly results -------------------------------------------------------


def load_results(path: str | Path) -> list[int]:
    """Read monthly results from a CSV file with columns ``month`` and ``result`` (or ``forms``).

    Months must be 1, 2, 3, ... in order; results whole numbers of at least 0.

    Raises
    ------
    ParameterError
        Naming the file, the row and the value when anything is off.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ParameterError(
            "results file", str(path), f"a readable UTF-8 CSV file ({error})"
        ) from None
    return parse_results_csv(text, source=str(path))


def parse_results_csv(text: str, source: str = "CSV") -> list[int]:
    r"""Parse CSV text with columns ``month`` and ``result`` (or ``forms``) into results.

    >>> parse_results_csv("month,result\n1,20\n2,15\n")
    [20, 15]
    """
    rows = list(csv.DictReader(text.splitlines()))
    header = [name.strip().lower() for name in (rows[0].keys() if rows else [])]
    value_column = next((c for c in ("result", "forms") if c in header), None)
    if not rows or "month" not in header or value_column is None:
        raise ParameterError(
            source, header, "a CSV with a header 'month,result' and one row a month"
        )
    results = []
    for number, row in enumerate(rows, start=1):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        if row["month"] != str(number):
            raise ParameterError(f"{source} row {number} month", row["month"], f"month {number}")
        results.append(_whole_number(f"{source} month {number}", row[value_column]))
    return check_results(results)


def _whole_number(name: str, text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise ParameterError(name, text, "a whole number of at least 0") from None
    if not value.is_integer() or value < 0:
        raise ParameterError(name, text, "a whole number of at least 0")
    return int(value)


def parse_results_text(text: str) -> list[int]:
    """Parse months typed by a participant, separated by commas, semicolons or spaces.

    >>> parse_results_text("20, 15; 5 45")
    [20, 15, 5, 45]
    """
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    return check_results([_whole_number(f"results[{i}]", p) for i, p in enumerate(parts)])


def check_results(results: Sequence[int]) -> list[int]:
    """Validate a monthly series: whole numbers >= 0, between 2 and MAX_MONTHS months.

    >>> check_results([20, 15])
    [20, 15]
    """
    checked = checks.whole_numbers("results", results, 0, MAX_RESULT)
    if not 2 <= len(checked) <= MAX_MONTHS:
        raise ParameterError("results", checked, f"between 2 and {MAX_MONTHS} monthly results")
    return checked


SEED_RESULTS: list[int] = load_results(SEED_CSV)
"""The article's series, 20, 15, 5, 45, 20, 15, from data/nocure_seed.csv."""


# -- the client's view of one series ------------------------------------------------------------


def monthly_pace(target: float, months: int) -> float:
    """What a steady deliverer brings every month: ``target / months``.

    >>> monthly_pace(120, 6)
    20.0
    """
    return _target(target) / checks.whole_number("months", months, 2, MAX_MONTHS)


def month_over_month(results: Sequence[int]) -> np.ndarray:
    """Change against the previous month in percent, NaN for month 1.

    >>> month_over_month([20, 15, 5, 45]).round(2).tolist()
    [nan, -25.0, -66.67, 800.0]
    """
    values = np.asarray(check_results(results), dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = 100 * (values[1:] / values[:-1] - 1)
    change[values[:-1] == 0] = np.nan  # growth from zero has no percentage
    return np.concatenate([[np.nan], change])


def moods(
    sims: np.ndarray, target: float, worried_drop: float = 0.0, alarm_drop: float = 0.5
) -> np.ndarray:
    """The client's mood each month, for many contracts at once.

    Parameters
    ----------
    sims : array of int, shape (n_contracts, months)
    target : float
        The contract's total; month 1 is judged against ``target / months``.
    worried_drop, alarm_drop : float
        A decline larger than ``worried_drop`` worries the client; a decline of
        ``alarm_drop`` or more alarms them (shares, 0.5 = 50%).

    Returns
    -------
    array of int, same shape: 0 pleased, 1 worried, 2 alarm (index into ``MOODS``).
    """
    worried_drop = checks.real_number("worried_drop", worried_drop, 0, 1)
    alarm_drop = checks.real_number("alarm_drop", alarm_drop, 0, 1)
    sims = np.atleast_2d(np.asarray(sims, dtype=float))
    pace = np.full((sims.shape[0], 1), monthly_pace(target, sims.shape[1]))
    reference = np.concatenate([pace, sims[:, :-1]], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        decline = np.where(reference > 0, 1 - sims / reference, 0.0)
    mood = np.full(sims.shape, PLEASED, dtype=np.int8)
    mood[decline > worried_drop] = WORRIED
    mood[(decline > 0) & (decline >= alarm_drop)] = ALARM
    return mood


def client_view(
    results: Sequence[int], target: float, worried_drop: float = 0.0, alarm_drop: float = 0.5
) -> pd.DataFrame:
    """How the client sees the contract, one row a month.

    Columns: ``month``, ``result``, ``change_pct`` (against the previous month,
    NaN for month 1, 2 decimals), ``cumulative``, ``pace`` (where a steady
    deliverer would stand), ``mood`` (pleased, worried or alarm), ``on_track``
    (cumulative at or above pace), ``gap`` (cumulative minus pace) and
    ``reaction`` (what the client says: ``start``, ``pleased``, ``worried``,
    ``alarm`` or ``talk_worked`` for the month that bounces back after an alarm).

    >>> view = client_view(SEED_RESULTS, 120)
    >>> view["mood"].tolist()
    ['pleased', 'worried', 'alarm', 'pleased', 'alarm', 'worried']
    >>> view["cumulative"].iloc[-1]
    np.int64(120)
    """
    results = check_results(results)
    months = len(results)
    mood = moods(np.array([results]), target, worried_drop, alarm_drop)[0]
    pace = monthly_pace(target, months) * np.arange(1, months + 1)
    cumulative = np.cumsum(results)
    view = pd.DataFrame(
        {
            "month": np.arange(1, months + 1),
            "result": results,
            "change_pct": month_over_month(results).round(2),
            "cumulative": cumulative,
            "pace": pace.round(2),
            "mood": [MOODS[m] for m in mood],
            "on_track": cumulative >= pace - 1e-9,
            "gap": (cumulative - pace).round(2),
        }
    )
    view["reaction"] = _reactions(mood)
    return view


def _reactions(mood: np.ndarray) -> list[str]:
    reactions = []
    for month, current in enumerate(mood):
        if month > 0 and current == PLEASED and mood[month - 1] == ALARM:
            reactions.append("talk_worked")
        elif month == 0 and current == PLEASED:
            reactions.append("start")
        else:
            reactions.append(MOODS[current])
    return reactions


# -- the client's verdict -----------------------------------------------------------------------


def stops(
    sims: np.ndarray,
    target: float,
    worried_drop: float = 0.0,
    alarm_drop: float = 0.5,
    alarm_limit: int = 2,
    closing_declines: int = 2,
) -> np.ndarray:
    """Decide for many contracts at once whether the month-by-month client walks away.

    Returns a boolean array, one value per contract (row of ``sims``). The rule
    is the module's: ``alarm_limit`` alarm months or more, or the last
    ``closing_declines`` months all declining, and the client stops.
    """
    mood = moods(sims, target, worried_drop, alarm_drop)
    return _walks_away(mood, alarm_limit, closing_declines)


def _walks_away(mood: np.ndarray, alarm_limit: int, closing_declines: int) -> np.ndarray:
    alarm_limit = checks.whole_number("alarm_limit", alarm_limit, 1, MAX_MONTHS)
    closing_declines = checks.whole_number("closing_declines", closing_declines, 1, MAX_MONTHS)
    too_many_alarms = (mood == ALARM).sum(axis=1) >= alarm_limit
    closing = mood[:, -min(closing_declines, mood.shape[1]) :]
    sour_ending = (closing != PLEASED).all(axis=1)
    return too_many_alarms | sour_ending


def verdict(
    results: Sequence[int],
    target: float,
    worried_drop: float = 0.0,
    alarm_drop: float = 0.5,
    alarm_limit: int = 2,
    closing_declines: int = 2,
) -> str:
    """What the month-by-month client decides at the end: ``"continue"`` or ``"stop"``.

    The verdict is about perception, not the total: the article's series delivers
    120 of 120 and still ends in "stop"; a dull 20 every month ends in "continue".

    >>> verdict(SEED_RESULTS, 120), verdict([20] * 6, 120)
    ('stop', 'continue')
    """
    series = np.array([check_results(results)])
    walks = stops(series, target, worried_drop, alarm_drop, alarm_limit, closing_declines)[0]
    return "stop" if walks else "continue"


# -- many contracts: the Monte Carlo ------------------------------------------------------------


def simulate(
    n_contracts: int,
    months: int,
    mean: float,
    volatility: float,
    seasonality: float = 0.0,
    seed: int | None = None,
) -> np.ndarray:
    """Monthly results of many contracts delivered by an equally good provider.

    Each month's count is Poisson around a rate that itself varies: the rate is
    ``mean`` times a gamma factor with coefficient of variation ``volatility``
    (a negative binomial overall; 0 gives pure Poisson noise), times a seasonal
    swing ``1 + seasonality * cos(2 pi (month + start) / 12)`` where each contract
    starts in a random month of the year.

    Parameters
    ----------
    n_contracts : int
        Number of contracts, at most ``MAX_CONTRACTS`` (100,000).
    months : int
        Contract length, 2 to ``MAX_MONTHS`` (36).
    mean : float
        Expected results per month (before the season).
    volatility : float
        Coefficient of variation of the monthly rate, >= 0.
    seasonality : float
        Amplitude of the yearly swing, 0 to 1.
    seed : int, optional
        Same seed, same numbers.

    Returns
    -------
    ndarray of int64, shape (n_contracts, months)

    >>> simulate(3, 6, 20, 0.5, seed=1).shape
    (3, 6)
    """
    n_contracts = checks.whole_number("n_contracts", n_contracts, 1, MAX_CONTRACTS)
    months = checks.whole_number("months", months, 2, MAX_MONTHS)
    mean = checks.real_number("mean", mean, 0.1, MAX_MEAN)
    volatility = checks.real_number("volatility", volatility, 0, MAX_VOLATILITY)
    seasonality = checks.real_number("seasonality", seasonality, 0, 1)
    rng = np.random.default_rng(checks.seed(seed))
    start = rng.integers(0, 12, size=(n_contracts, 1))
    season = 1 + seasonality * np.cos(2 * np.pi * (np.arange(months) + start) / 12)
    rate = mean * season
    if volatility >= 1e-6:  # below that the gamma factor is 1 to machine precision
        shape = 1 / volatility**2
        rate = rate * rng.gamma(shape, 1 / shape, size=(n_contracts, months))
    return rng.poisson(rate)


@dataclass(frozen=True)
class Outcomes:
    """What happened across simulated contracts (shares between 0 and 1).

    Attributes
    ----------
    met_target : share of contracts whose total reaches the target.
    pitfall : share that meet the target and still end in "stop" (the story's trap).
    stopped : share the client walks away from, met or not.
    any_alarm : share with at least one alarm month.
    rebound_after_alarm : of all alarm months followed by another month, the share
        where the next month is better although nothing changed (regression to the mean).
    """

    met_target: float
    pitfall: float
    stopped: float
    any_alarm: float
    rebound_after_alarm: float


def met_target(sims: np.ndarray, target: float) -> np.ndarray:
    """Tell per contract whether the total reaches the target (boolean array)."""
    return np.asarray(sims).sum(axis=1) >= _target(target)


def pitfall_rate(sims: np.ndarray, target: float, **rule: float) -> float:
    """Share of contracts that meet the target and still end in "stop".

    ``rule`` takes the verdict's knobs (worried_drop, alarm_drop, alarm_limit,
    closing_declines).

    >>> pitfall_rate(np.array([SEED_RESULTS, [20] * 6]), 120)
    0.5
    """
    return float((met_target(sims, target) & stops(sims, target, **rule)).mean())


def rebound_after_alarm(
    sims: np.ndarray, target: float, worried_drop: float = 0.0, alarm_drop: float = 0.5
) -> float:
    """Of the alarm months that have a next month, the share where the next month is higher.

    Nothing in the simulation reacts to the client's alarm, so every rebound here
    is regression to the mean: the "tough talk worked" illusion. NaN when no
    alarm month has a next month.
    """
    sims = np.asarray(sims)
    return _rebound(sims, moods(sims, target, worried_drop, alarm_drop))


def _rebound(sims: np.ndarray, mood: np.ndarray) -> float:
    alarm = mood[:, :-1] == ALARM
    if not alarm.any():
        return float("nan")
    better = sims[:, 1:] > sims[:, :-1]
    return float(better[alarm].mean())


def outcomes(
    sims: np.ndarray,
    target: float,
    worried_drop: float = 0.0,
    alarm_drop: float = 0.5,
    alarm_limit: int = 2,
    closing_declines: int = 2,
) -> Outcomes:
    """All the story's shares for a set of simulated contracts, computed once."""
    sims = np.asarray(sims)
    mood = moods(sims, target, worried_drop, alarm_drop)
    stop = _walks_away(mood, alarm_limit, closing_declines)
    met = met_target(sims, target)
    return Outcomes(
        met_target=float(met.mean()),
        pitfall=float((met & stop).mean()),
        stopped=float(stop.mean()),
        any_alarm=float((mood == ALARM).any(axis=1).mean()),
        rebound_after_alarm=_rebound(sims, mood),
    )


def regression_table(
    sims: np.ndarray, target: float, worried_drop: float = 0.0, alarm_drop: float = 0.5
) -> pd.DataFrame:
    """Average results around an alarm month: the month before, the alarm month, the month after.

    Only alarm months with a month before and after count. Columns: ``step``
    (``before``, ``alarm``, ``after``), ``average`` and ``overall`` (the average
    month of all contracts). The bounce from ``alarm`` back towards ``overall`` is
    regression to the mean; nobody had a tough talk in a simulation.
    """
    sims = np.asarray(sims, dtype=float)
    alarm = moods(sims, target, worried_drop, alarm_drop)[:, 1:-1] == ALARM
    middle = sims[:, 1:-1]
    averages = [
        sims[:, :-2][alarm].mean() if alarm.any() else np.nan,
        middle[alarm].mean() if alarm.any() else np.nan,
        sims[:, 2:][alarm].mean() if alarm.any() else np.nan,
    ]
    return pd.DataFrame(
        {
            "step": ["before", "alarm", "after"],
            "average": np.round(averages, 2),
            "overall": round(float(sims.mean()), 2),
        }
    )


# -- the provider's side ------------------------------------------------------------------------


def _target(target: float) -> int:
    return checks.whole_number("target", target, 1, MAX_TARGET)


_FEE_LIMITS = {
    "retainer_fee": MAX_FEE,
    "fee_per_lead": MAX_FEE,
    "hybrid_base": MAX_FEE,
    "hybrid_per_lead": MAX_FEE,
    "reporting_hours": MAX_HOURS,
    "hourly_rate": MAX_FEE,
}


def _fees(**fees: float) -> dict[str, float]:
    return {
        name: checks.real_number(name, value, 0, _FEE_LIMITS[name]) for name, value in fees.items()
    }


def income_lines(
    retainer_fee: float = 2000.0,
    fee_per_lead: float = 100.0,
    hybrid_base: float = 1000.0,
    hybrid_per_lead: float = 50.0,
    reporting_hours: float = 4.0,
    hourly_rate: float = 75.0,
) -> dict[str, tuple[float, float]]:
    """A month's net income per scheme as ``(fixed, per_result)``: income = fixed + per_result x n.

    * ``retainer``: a fixed fee every month, whatever the results;
    * ``per_lead``: no cure, no pay: a fee for every result, nothing else;
    * ``hybrid``: a smaller fixed base plus a smaller fee per result.

    Performance pay has to be proven: the two result-based schemes cost
    ``reporting_hours`` a month at ``hourly_rate`` for the monthly report.

    >>> income_lines()["per_lead"]
    (-300.0, 100.0)
    """
    fee = _fees(
        retainer_fee=retainer_fee,
        fee_per_lead=fee_per_lead,
        hybrid_base=hybrid_base,
        hybrid_per_lead=hybrid_per_lead,
        reporting_hours=reporting_hours,
        hourly_rate=hourly_rate,
    )
    reporting = fee["reporting_hours"] * fee["hourly_rate"]
    return {
        "retainer": (fee["retainer_fee"], 0.0),
        "per_lead": (-reporting, fee["fee_per_lead"]),
        "hybrid": (fee["hybrid_base"] - reporting, fee["hybrid_per_lead"]),
    }


def provider_income(sims: np.ndarray, **fees: float) -> dict[str, np.ndarray]:
    """Monthly net income of the provider per scheme, for every simulated month.

    ``fees`` are the keyword arguments of :func:`income_lines`.

    Returns
    -------
    dict of scheme -> ndarray like ``sims``, in currency per month.
    """
    sims = np.asarray(sims, dtype=float)
    return {
        scheme: fixed + per_result * sims
        for scheme, (fixed, per_result) in income_lines(**fees).items()
    }


def income_risk(sims: np.ndarray, **fees: float) -> pd.DataFrame:
    """Spread of the provider's income in one month, per scheme.

    ``fees`` are the keyword arguments of :func:`income_lines`. Columns:
    ``scheme``, ``mean``, ``sd``, ``p5``, ``p25``, ``median``, ``p75``, ``p95``
    (percentiles of a month's income over all simulated months), ``worst`` (the
    worst month) and ``loss_share`` (share of months below zero).

    Income is a straight line in the month's results, so the percentiles of the
    results are computed once and carried over to every scheme.
    """
    counts = np.asarray(sims).ravel()
    quantiles = _count_quantiles(counts, (0.05, 0.25, 0.5, 0.75, 0.95))
    mean, sd, fewest = counts.mean(), counts.std(), counts.min()
    rows = []
    for scheme, (fixed, per_result) in income_lines(**fees).items():
        p5, p25, median, p75, p95 = fixed + per_result * quantiles
        rows.append(
            {
                "scheme": scheme,
                "mean": fixed + per_result * mean,
                "sd": per_result * sd,
                "p5": p5,
                "p25": p25,
                "median": median,
                "p75": p75,
                "p95": p95,
                "worst": fixed + per_result * fewest,
                "loss_share": float((fixed + per_result * counts < 0).mean()),
            }
        )
    return pd.DataFrame(rows).round(2)


def _count_quantiles(counts: np.ndarray, shares: tuple[float, ...]) -> np.ndarray:
    """Quantiles of whole-number counts from their histogram, as ``np.percentile`` gives them."""
    cumulative = np.cumsum(np.bincount(counts))
    positions = np.asarray(shares) * (counts.size - 1)
    low = np.searchsorted(cumulative, np.floor(positions), side="right")
    high = np.searchsorted(cumulative, np.ceil(positions), side="right")
    return low + (high - low) * (positions - np.floor(positions))
