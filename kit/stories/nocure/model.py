"""Story A, "no cure, no pay": a deal met on the total, lost on perception.

An SEO expert agrees to deliver 120 contact forms in 6 months. He delivers
20, 15, 5, 45, 20, 15: exactly 120. The client, though, judges month by month,
compares each month with the one before, and walks away. This module is that
story as pure functions on numbers and DataFrames: the client's view of a series,
the client's verdict, a Monte Carlo of many such contracts, and the provider's
income under three ways of being paid.

The client's rule (every threshold a parameter), calibrated so that the article's
months give the article's client, and simple enough to say to a sales room:

* month 1 is compared with the monthly pace (target / months); every later month
  with the month before;
* a month with no fall is *pleased*; a fall larger than ``worried_drop`` (default
  0: any fall) is *worried*; a fall of ``alarm_drop`` (default 60%) or more is code
  red, *alarm*: time for a tough talk. The article's month 3 (-67%) is code red;
  its month 5 (-56%) is not, but it is a fall after the talk, so the client's
  patience runs short: "one more month";
* at the end the client *stops* when there were ``alarm_limit`` (default 2) or
  more code-red months, or when the last ``closing_declines`` (default 2) months
  all fell: the article's months 5 and 6, "this doesn't work". Otherwise the client
  *continues*. The total is never looked at: that is the point of the story.

How often the client looks is a term of the contract (:func:`review_windows`):
``review_every=3`` judges quarters, ``review_every=months`` only the total (and then
nobody walks away from a met target), ``average_over=3`` a rolling three-month
average, ``minimum_term`` no judging before the minimum term has run. The decision
aid (:func:`read_history`, :func:`compare_terms`) runs a provider's own months
through these terms side by side.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
MIN_HISTORY = 12
MAX_HISTORY = 120
MAX_UNREPORTED = 0.9

MOODS = ("pleased", "worried", "alarm")
PLEASED, WORRIED, ALARM = range(3)
SCHEMES = ("retainer", "per_lead", "hybrid")
REVIEWS = ("month", "quarter", "rolling", "total")
"""How often the client judges: every month, every quarter, a rolling 3-month average, the total."""
TERMS = (*REVIEWS, "hybrid", "minimum_term")
"""The contract terms the decision aid sets side by side."""


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
    return check_results(_csv_months(text, source))


def _csv_months(text: str, source: str) -> list[int]:
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
    return results


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
    return check_results(_typed_months(text, "results"))


def _typed_months(text: str, name: str) -> list[int]:
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    return [_whole_number(f"{name}[{i}]", p) for i, p in enumerate(parts)]


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


# -- how often the client looks: the review -----------------------------------------------------


def review_windows(
    months: int, review_every: int = 1, average_over: int = 1, minimum_term: int = 1
) -> list[tuple[int, int]]:
    """The months the client looks at in each review, as ``(start, end)`` slices of the months.

    Parameters
    ----------
    months : int
        The contract's length.
    review_every : int
        Months between reviews: 1 judges every month, 3 every quarter; ``months`` (or
        more) judges only the total. A last, shorter period is judged on its own.
    average_over : int
        The client looks at the average month over at least this many months back
        (3: a rolling three-month average); 1 looks at the review period only.
    minimum_term : int
        The first review comes only after this many months (a minimum term): the
        client cannot judge, or leave, before.

    >>> review_windows(6), review_windows(6, review_every=3), review_windows(6, 6)
    ([(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)], [(0, 3), (3, 6)], [(0, 6)])
    >>> review_windows(6, average_over=3)[:3], review_windows(6, minimum_term=3)
    ([(0, 1), (0, 2), (0, 3)], [(0, 3), (3, 4), (4, 5), (5, 6)])
    """
    months = checks.whole_number("months", months, 1, MAX_MONTHS)
    every = checks.whole_number("review_every", review_every, 1, MAX_MONTHS)
    average_over = checks.whole_number("average_over", average_over, 1, MAX_MONTHS)
    first = min(
        max(every, checks.whole_number("minimum_term", minimum_term, 1, MAX_MONTHS)), months
    )
    ends = [*range(first, months, every), months]
    starts = [0, *ends[:-1]]
    return [
        (max(0, min(start, end - average_over)), end)
        for start, end in zip(starts, ends, strict=True)
    ]


def review_levels(sims: np.ndarray, **review: int) -> np.ndarray:
    """The average month the client sees at each review, for many contracts at once.

    ``review`` takes :func:`review_windows`' knobs. Returns an array of shape
    ``(n_contracts, reviews)``.

    >>> review_levels(np.array([[20, 15, 5, 45, 20, 15]]), review_every=3).round(2).tolist()
    [[13.33, 26.67]]
    """
    sims = np.atleast_2d(np.asarray(sims, dtype=float))
    windows = review_windows(sims.shape[1], **review)
    if windows == [(month, month + 1) for month in range(sims.shape[1])]:
        return sims  # judged month by month: each level is the month itself
    cumulative = np.concatenate([np.zeros((sims.shape[0], 1)), sims.cumsum(axis=1)], axis=1)
    starts, ends = (np.array(side) for side in zip(*windows, strict=True))
    return (cumulative[:, ends] - cumulative[:, starts]) / (ends - starts)


# -- the client's view of one series ------------------------------------------------------------


def monthly_pace(target: float, months: int) -> float:
    """What a steady deliverer brings every month: ``target / months``.

    >>> monthly_pace(120, 6)
    20.0
    """
    return _target(target) / checks.whole_number("months", months, 1, MAX_MONTHS)


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
    sims: np.ndarray,
    target: float,
    worried_drop: float = 0.0,
    alarm_drop: float = 0.6,
    review_every: int = 1,
    average_over: int = 1,
    minimum_term: int = 1,
) -> np.ndarray:
    """The client's mood at each review (each month by default), for many contracts at once.

    Parameters
    ----------
    sims : array of int, shape (n_contracts, months)
    target : float
        The contract's total; the first review is judged against the steady pace
        ``target / months`` a month, every later one against the review before.
    worried_drop, alarm_drop : float
        A fall larger than ``worried_drop`` worries the client; a fall of
        ``alarm_drop`` or more is code red (shares, 0.6 = 60%).
    review_every, average_over, minimum_term : int
        How often the client looks, and at what (:func:`review_windows`).

    Returns
    -------
    array of int, shape (n_contracts, reviews): 0 pleased, 1 worried, 2 alarm (index
    into ``MOODS``).
    """
    worried_drop = checks.real_number("worried_drop", worried_drop, 0, 1)
    alarm_drop = checks.real_number("alarm_drop", alarm_drop, 0, 1)
    sims = np.atleast_2d(np.asarray(sims, dtype=float))
    levels = review_levels(
        sims, review_every=review_every, average_over=average_over, minimum_term=minimum_term
    )
    # The first review is held against the steady pace, every later one against the one
    # before. Against a review of nothing the ratio is inf or NaN: neither reads as a decline.
    decline = np.empty_like(levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(levels[:, :1], monthly_pace(target, sims.shape[1]), out=decline[:, :1])
        np.divide(levels[:, 1:], levels[:, :-1], out=decline[:, 1:])
    np.subtract(1, decline, out=decline)
    worried = (decline > worried_drop).view(np.int8)  # WORRIED is 1, PLEASED 0
    alarm = decline >= alarm_drop if alarm_drop > 0 else decline > 0
    return np.where(alarm, np.int8(ALARM), worried)


def client_view(
    results: Sequence[int],
    target: float,
    worried_drop: float = 0.0,
    alarm_drop: float = 0.6,
    alarm_limit: int = 2,
    closing_declines: int = 2,
) -> pd.DataFrame:
    """How the month-by-month client sees the contract, one row a month.

    Columns: ``month``, ``result``, ``change_pct`` (against the previous month,
    NaN for month 1, 2 decimals), ``cumulative``, ``pace`` (where a steady
    deliverer would stand), ``mood`` (pleased, worried or alarm), ``on_track``
    (cumulative at or above pace), ``gap`` (cumulative minus pace) and
    ``reaction``, what the client says (see :data:`REACTIONS`).

    >>> view = client_view(SEED_RESULTS, 120)
    >>> view["mood"].tolist()
    ['pleased', 'worried', 'alarm', 'pleased', 'worried', 'worried']
    >>> view["reaction"].tolist()
    ['start', 'worried', 'alarm', 'talk_worked', 'patience', 'stop']
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
    stop = _walks_away(mood[None, :], alarm_limit, closing_declines)[0]
    view["reaction"] = reactions(mood, stop)
    return view


REACTIONS = (
    "start",
    "slow_start",
    "pleased",
    "worried",
    "alarm",
    "talk_worked",
    "patience",
    "stop",
)
"""What the client says in a month, from the month's mood and what came before:

* ``start``: month 1 at or above the pace;
* ``slow_start``: month 1 below the pace, not yet code red;
* ``pleased``: no fall;
* ``worried``: a fall, with no tough talk yet (keep a close eye on it);
* ``alarm``: code red, a tough talk;
* ``talk_worked``: no fall right after a code red: the client credits the talk;
* ``patience``: a fall after a tough talk: the client gives one more month;
* ``stop``: the last month, when it falls and the client ends the deal.
"""

ARTICLE_REACTIONS = ("start", "worried", "alarm", "talk_worked", "patience", "stop")
"""The client's reactions in the article, month by month, for :data:`SEED_RESULTS`."""


def reactions(mood: Sequence[int], stop: bool) -> list[str]:
    """What the client says each month (one of :data:`REACTIONS`).

    >>> reactions([PLEASED, WORRIED, ALARM, PLEASED, WORRIED, WORRIED], stop=True)
    ['start', 'worried', 'alarm', 'talk_worked', 'patience', 'stop']
    """
    said = []
    for month, current in enumerate(mood):
        talked = ALARM in mood[:month]
        if month == len(mood) - 1 and stop and current != PLEASED:
            said.append("stop")
        elif current == PLEASED and month > 0 and mood[month - 1] == ALARM:
            said.append("talk_worked")
        elif current == PLEASED:
            said.append("pleased" if month else "start")
        elif current == WORRIED and talked:
            said.append("patience")
        elif current == WORRIED and month == 0:
            said.append("slow_start")
        else:
            said.append(MOODS[current])
    return said


# -- the client's verdict -----------------------------------------------------------------------


def stops(
    sims: np.ndarray,
    target: float,
    worried_drop: float = 0.0,
    alarm_drop: float = 0.6,
    alarm_limit: int = 2,
    closing_declines: int = 2,
    review_every: int = 1,
    average_over: int = 1,
    minimum_term: int = 1,
) -> np.ndarray:
    """Decide for many contracts at once whether the client walks away at the end.

    Returns a boolean array, one value per contract (row of ``sims``). The rule
    is the module's: ``alarm_limit`` code-red reviews or more, or the last
    ``closing_declines`` reviews all falling, and the client stops. The review
    knobs are :func:`review_windows`'; with ``review_every=months`` the client
    judges only the total and never walks away from a met target.
    """
    mood = moods(sims, target, worried_drop, alarm_drop, review_every, average_over, minimum_term)
    return _walks_away(mood, alarm_limit, closing_declines)


def _walks_away(mood: np.ndarray, alarm_limit: int, closing_declines: int) -> np.ndarray:
    return _verdict(mood, alarm_limit, closing_declines)[0]


def _verdict(
    mood: np.ndarray, alarm_limit: int, closing_declines: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per contract: whether the client walks away, and how many code-red reviews it had."""
    alarm_limit = checks.whole_number("alarm_limit", alarm_limit, 1, MAX_MONTHS)
    closing_declines = checks.whole_number("closing_declines", closing_declines, 1, MAX_MONTHS)
    closing = min(closing_declines, mood.shape[1])
    alarms = _per_contract(mood == ALARM)
    sour_ending = _per_contract(mood[:, -closing:] != PLEASED) == closing
    return (alarms >= alarm_limit) | sour_ending, alarms


def _per_contract(flags: np.ndarray) -> np.ndarray:
    """How many of each contract's flags are set: a row count, as a product (3x numpy's sum)."""
    return flags.view(np.int8) @ np.ones(flags.shape[1], dtype=np.int8)


def walk_away_reasons(
    results: Sequence[int],
    target: float,
    worried_drop: float = 0.0,
    alarm_drop: float = 0.6,
    review_every: int = 1,
    average_over: int = 1,
    minimum_term: int = 1,
) -> tuple[int, int]:
    """What the client's rule reads in one contract: code-red reviews, and the sour ending.

    Returns the number of code-red reviews and the number of reviews in a row, counted
    back from the last, that disappointed (worried or code red). :func:`verdict` says
    "stop" when the first reaches ``alarm_limit`` or the second ``closing_declines``
    (or every review, in a contract shorter than that).

    >>> walk_away_reasons(SEED_RESULTS, 120)
    (1, 2)
    >>> walk_away_reasons(SEED_RESULTS, 120, review_every=3)
    (0, 0)
    """
    mood = moods(
        np.array([check_results(results)]),
        target,
        worried_drop,
        alarm_drop,
        review_every,
        average_over,
        minimum_term,
    )[0]
    pleased = np.flatnonzero(mood == PLEASED)
    sour = len(mood) - 1 - pleased[-1] if pleased.size else len(mood)
    return int((mood == ALARM).sum()), int(sour)


def verdict(
    results: Sequence[int],
    target: float,
    worried_drop: float = 0.0,
    alarm_drop: float = 0.6,
    alarm_limit: int = 2,
    closing_declines: int = 2,
    review_every: int = 1,
    average_over: int = 1,
    minimum_term: int = 1,
) -> str:
    """What the client decides at the end: ``"continue"`` or ``"stop"``.

    The verdict is about perception, not the total: the article's series delivers
    120 of 120 and still ends in "stop"; a dull 20 every month ends in "continue";
    judged per quarter, the article's months keep the client.

    >>> verdict(SEED_RESULTS, 120), verdict([20] * 6, 120)
    ('stop', 'continue')
    >>> verdict(SEED_RESULTS, 120, review_every=3)
    'continue'
    """
    series = np.array([check_results(results)])
    walks = stops(
        series,
        target,
        worried_drop,
        alarm_drop,
        alarm_limit,
        closing_declines,
        review_every,
        average_over,
        minimum_term,
    )[0]
    return "stop" if walks else "continue"


# -- many contracts: the Monte Carlo ------------------------------------------------------------


def simulate(
    n_contracts: int,
    months: int,
    mean: float,
    volatility: float,
    seasonality: float = 0.0,
    seed: int | None = None,
    *,
    seasons: Seasons | None = None,
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
    seasons : Seasons, optional
        :func:`contract_seasons` for the same contracts, months, seasonality and seed,
        kept from an earlier call: the simulation goes on from them instead of drawing
        them again (a slider that moves the mean or the volatility). The same numbers.

    Returns
    -------
    ndarray of int64, shape (n_contracts, months)

    >>> simulate(3, 6, 20, 0.5, seed=1).shape
    (3, 6)
    >>> kept = contract_seasons(3, 6, 0.2, seed=1)
    >>> again = simulate(3, 6, 20, 0.5, 0.2, seed=1, seasons=kept)
    >>> bool((again == simulate(3, 6, 20, 0.5, 0.2, seed=1)).all())
    True
    """
    n_contracts = checks.whole_number("n_contracts", n_contracts, 1, MAX_CONTRACTS)
    months = checks.whole_number("months", months, 2, MAX_MONTHS)
    mean = checks.real_number("mean", mean, 0.1, MAX_MEAN)
    volatility = checks.real_number("volatility", volatility, 0, MAX_VOLATILITY)
    seasonality = checks.real_number("seasonality", seasonality, 0, 1)
    seed = checks.seed(seed)
    if seasons is None:
        seasons = contract_seasons(n_contracts, months, seasonality, seed)
    else:
        _check_seasons(
            seasons, n_contracts=n_contracts, months=months, seasonality=seasonality, seed=seed
        )
    rng = np.random.Generator(np.random.PCG64())  # as default_rng makes it, then
    rng.bit_generator.state = seasons.stream  # on from where the start months were drawn
    rate = mean * seasons.swing
    if volatility >= 1e-6:  # below that the gamma factor is 1 to machine precision
        shape = 1 / volatility**2
        rate = rate * rng.gamma(shape, 1 / shape, size=(n_contracts, months))
    return rng.poisson(rate)


@dataclass(frozen=True, eq=False)
class Seasons:
    """What :func:`simulate` draws before the mean and the volatility come in.

    Each contract's start month makes its seasonal swing, month by month (``swing``,
    read-only), and ``stream`` is the random generator's state after those draws. A
    story keeps them while only the mean or the volatility moves, and each simulation
    goes on from ``stream``: the numbers are those of one call from the seed.
    """

    n_contracts: int
    months: int
    seasonality: float
    seed: int | None
    swing: np.ndarray
    stream: dict


def contract_seasons(
    n_contracts: int, months: int, seasonality: float = 0.0, seed: int | None = None
) -> Seasons:
    """Each contract's seasonal swing ``1 + seasonality * cos(2 pi (month + start) / 12)``.

    The start month of each contract is drawn first from the seed's stream, as
    :func:`simulate` does; see :class:`Seasons`.

    >>> contract_seasons(2, 3, 0.0, seed=1).swing.tolist()
    [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """
    n_contracts = checks.whole_number("n_contracts", n_contracts, 1, MAX_CONTRACTS)
    months = checks.whole_number("months", months, 2, MAX_MONTHS)
    seasonality = checks.real_number("seasonality", seasonality, 0, 1)
    seed = checks.seed(seed)
    rng = np.random.default_rng(seed)
    start = rng.integers(0, 12, size=(n_contracts, 1))
    swing = 1 + seasonality * np.cos(2 * np.pi * (np.arange(months) + start) / 12)
    swing.flags.writeable = False  # shared by every simulation that goes on from it
    return Seasons(n_contracts, months, seasonality, seed, swing, rng.bit_generator.state)


def _check_seasons(kept: Any, **asked: Any) -> None:
    """Kept seasons fit a call only if drawn for its contracts, months, seasonality and seed.

    Without a seed the stream is fresh at every call: kept seasons would repeat it.
    """
    fits = isinstance(kept, Seasons) and asked["seed"] is not None
    if not fits or any(getattr(kept, name) != value for name, value in asked.items()):
        shown = {name: getattr(kept, name) for name in asked} if isinstance(kept, Seasons) else kept
        allowed = "contract_seasons() of this simulation's " + ", ".join(
            f"{name} = {value}" for name, value in asked.items()
        )
        if asked["seed"] is None:
            allowed = "none without a seed (a simulation without one draws a fresh stream)"
        raise ParameterError("seasons", shown, allowed)


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

    @property
    def pitfall_of_met(self) -> float:
        """Of the contracts that meet the target, the share the client still walks away from.

        NaN when no contract meets the target.
        """
        return self.pitfall / self.met_target if self.met_target else float("nan")


def met_target(sims: np.ndarray, target: float) -> np.ndarray:
    """Tell per contract whether the total reaches the target (boolean array)."""
    sims = np.asarray(sims)
    return sims @ np.ones(sims.shape[1], dtype=sims.dtype) >= _target(target)


def pitfall_rate(sims: np.ndarray, target: float, review_every: int = 1, **rule: float) -> float:
    """Share of contracts that meet the target and still end in "stop".

    ``review_every`` is how often the client looks (1 every month, 3 every quarter,
    ``months`` only the total: then the rate is 0); ``rule`` takes the verdict's other
    knobs (worried_drop, alarm_drop, alarm_limit, closing_declines, average_over,
    minimum_term).

    >>> pitfall_rate(np.array([SEED_RESULTS, [20] * 6]), 120)
    0.5
    >>> pitfall_rate(np.array([SEED_RESULTS, [20] * 6]), 120, review_every=6)
    0.0
    """
    walks = stops(sims, target, review_every=review_every, **rule)
    return float((met_target(sims, target) & walks).mean())


def rebound_after_alarm(
    sims: np.ndarray, target: float, worried_drop: float = 0.0, alarm_drop: float = 0.6
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
    alarms = np.count_nonzero(alarm)
    if not alarms:
        return float("nan")
    better = sims[:, 1:] > sims[:, :-1]
    return float(np.count_nonzero(better & alarm) / alarms)


def outcomes(
    sims: np.ndarray,
    target: float,
    worried_drop: float = 0.0,
    alarm_drop: float = 0.6,
    alarm_limit: int = 2,
    closing_declines: int = 2,
    review_every: int = 1,
    average_over: int = 1,
    minimum_term: int = 1,
    *,
    monthly_mood: np.ndarray | None = None,
) -> Outcomes:
    """All the story's shares for a set of simulated contracts, computed once.

    The review knobs (:func:`review_windows`) set how often the client looks; the
    rebound after an alarm is always counted month by month. ``monthly_mood``, the
    month-by-month :func:`moods` of the same contracts, saves computing them again
    when a caller has them already.
    """
    sims = np.asarray(sims)
    by_month = (review_every, average_over, minimum_term) == (1, 1, 1)
    if monthly_mood is None:
        monthly_mood = moods(sims, target, worried_drop, alarm_drop)
    mood = (
        monthly_mood
        if by_month
        else moods(sims, target, worried_drop, alarm_drop, review_every, average_over, minimum_term)
    )
    stop, alarms = _verdict(mood, alarm_limit, closing_declines)
    met = met_target(sims, target)
    return Outcomes(
        met_target=float(met.mean()),
        pitfall=float((met & stop).mean()),
        stopped=float(stop.mean()),
        any_alarm=float(np.count_nonzero(alarms) / len(mood)),
        rebound_after_alarm=_rebound(sims, monthly_mood),
    )


def regression_table(
    sims: np.ndarray,
    target: float,
    worried_drop: float = 0.0,
    alarm_drop: float = 0.6,
    *,
    monthly_mood: np.ndarray | None = None,
) -> pd.DataFrame:
    """Average results around an alarm month: the month before, the alarm month, the month after.

    Only alarm months with a month before and after count. Columns: ``step``
    (``before``, ``alarm``, ``after``), ``average`` and ``overall`` (the average
    month of all contracts). The bounce from ``alarm`` back towards ``overall`` is
    regression to the mean; nobody had a tough talk in a simulation.
    ``monthly_mood``, the month-by-month :func:`moods` of the same contracts, saves
    computing them again when a caller has them already.
    """
    sims = np.ascontiguousarray(sims)
    if monthly_mood is None:
        monthly_mood = moods(sims, target, worried_drop, alarm_drop)
    inner = np.zeros(monthly_mood.shape, dtype=bool)
    inner[:, 1:-1] = monthly_mood[:, 1:-1] == ALARM
    alarms = np.flatnonzero(inner)  # the alarm months, as places in the flat months
    months = sims.ravel()
    # Sums of whole numbers are exact, so sum / count is the masked mean to the last bit.
    averages = [
        float(months[alarms + step].sum()) / alarms.size if alarms.size else np.nan
        for step in (-1, 0, 1)
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


INCOME_COLUMNS = ("mean", "sd", "p5", "p25", "median", "p75", "p95", "worst", "loss_share")
""":func:`income_risk`'s columns after ``scheme``."""


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
    histogram = np.bincount(counts)
    every_count = np.arange(histogram.size)
    quantiles = _count_quantiles(histogram, counts.size, (0.05, 0.25, 0.5, 0.75, 0.95))
    # Sums of whole numbers are exact: the histogram's mean is counts.mean() to the last bit.
    mean = float(histogram @ every_count) / counts.size
    sd, fewest = counts.std(), int(np.flatnonzero(histogram)[0])
    schemes, rows = [], []
    for scheme, (fixed, per_result) in income_lines(**fees).items():
        losing = fixed + per_result * every_count < 0
        schemes.append(scheme)
        rows.append(
            [
                fixed + per_result * mean,
                per_result * sd,
                *(fixed + per_result * quantiles),  # p5, p25, median, p75, p95
                fixed + per_result * fewest,
                float(histogram[losing].sum() / counts.size),
            ]
        )
    # one block of numbers, rounded as DataFrame.round does, then the schemes' names: a
    # third of the time of a frame made from records
    table = pd.DataFrame(np.round(rows, 2), columns=INCOME_COLUMNS)
    table.insert(0, "scheme", schemes)
    return table


def _count_quantiles(histogram: np.ndarray, size: int, shares: tuple[float, ...]) -> np.ndarray:
    """Quantiles of ``size`` whole-number counts from their histogram, as ``np.percentile`` does."""
    cumulative = np.cumsum(histogram)
    positions = np.asarray(shares) * (size - 1)
    low = np.searchsorted(cumulative, np.floor(positions), side="right")
    high = np.searchsorted(cumulative, np.ceil(positions), side="right")
    return low + (high - low) * (positions - np.floor(positions))


def reporting_cost(hours: float, rate: float, months: int) -> float:
    """What proving the results costs over a contract: hours a month x hourly rate x months.

    >>> reporting_cost(4, 75, 6)
    1800.0
    """
    fee = _fees(reporting_hours=hours, hourly_rate=rate)
    months = checks.whole_number("months", months, 1, MAX_MONTHS)
    return fee["reporting_hours"] * fee["hourly_rate"] * months


def contract_income(sims: np.ndarray, **fees: float) -> dict[str, np.ndarray]:
    """The provider's net income over a whole contract per scheme, one value per contract.

    ``fees`` are the keyword arguments of :func:`income_lines`.

    >>> contract_income(np.array([SEED_RESULTS]))["per_lead"].tolist()
    [10200.0]
    """
    sims = np.atleast_2d(np.asarray(sims))
    months = sims.shape[1]
    totals = (sims @ np.ones(months, dtype=sims.dtype)).astype(float)
    return {
        scheme: fixed * months + per_result * totals
        for scheme, (fixed, per_result) in income_lines(**fees).items()
    }


def contract_risk(sims: np.ndarray, **fees: float) -> pd.DataFrame:
    """The spread of the provider's income over a whole contract, per scheme.

    ``fees`` are the keyword arguments of :func:`income_lines`. Columns: ``scheme``,
    ``median``, ``p5`` (one contract in twenty pays less), ``worst`` and
    ``below_retainer`` (share of contracts paying less than the retainer would).

    >>> contract_risk(np.array([SEED_RESULTS]))["median"].tolist()
    [12000.0, 10200.0, 10200.0]
    """
    income = contract_income(sims, **fees)
    retainer = income["retainer"]
    return pd.DataFrame(
        [
            {"scheme": scheme, **_contract_spread(values, retainer)}
            for scheme, values in income.items()
        ]
    )


def _contract_spread(values: np.ndarray, retainer: np.ndarray) -> dict[str, float]:
    worst = float(values.min())
    if worst == values.max():  # a fixed fee: every statistic is that fee
        middle = low = worst
    else:
        middle, low = float(np.median(values)), float(np.percentile(values, 5))
    return {
        "median": middle,
        "p5": low,
        "worst": worst,
        "below_retainer": float(np.count_nonzero(values < retainer - 1e-9) / values.size),
    }


@dataclass(frozen=True)
class TrustGap:
    """What the provider misses when the client keeps forms out of sight.

    Attributes
    ----------
    delivered : forms delivered.
    reported : forms the client passes on (and pays for).
    unpaid_forms : forms delivered but not paid.
    unpaid_fees : those forms at the fee per form.
    looks_met : whether the reported forms still reach the target.
    """

    delivered: int
    reported: int
    unpaid_forms: int
    unpaid_fees: float
    looks_met: bool


def trust_gap(
    results: Sequence[int], target: float, unreported: float, fee_per_lead: float
) -> TrustGap:
    """Trust both ways: the forms and fees a provider misses when the client under-reports.

    >>> trust_gap(SEED_RESULTS, 120, 0.1, 100)
    TrustGap(delivered=120, reported=108, unpaid_forms=12, unpaid_fees=1200.0, looks_met=False)
    """
    delivered = sum(check_results(results))
    reported = reported_forms(delivered, unreported)
    fee = _fees(fee_per_lead=fee_per_lead)["fee_per_lead"]
    missed = delivered - reported
    return TrustGap(delivered, reported, missed, missed * fee, reported >= _target(target))


def reported_forms(total: int, unreported: float) -> int:
    """The forms the provider gets paid for when the client keeps a share out of sight.

    Under no cure, no pay the client counts the results. ``unreported`` (0 to 0.9)
    is the share the client does not pass on; the count is rounded down.

    >>> reported_forms(120, 0.1)
    108
    """
    total = checks.whole_number("total", total, 0, MAX_RESULT * MAX_MONTHS)
    share = checks.real_number("unreported", unreported, 0, MAX_UNREPORTED)
    return int(np.floor(total * (1 - share) + 1e-9))


# -- should I take this deal? the provider's own history ----------------------------------------


def check_history(history: Sequence[int]) -> list[int]:
    """Validate a provider's own monthly history: whole numbers, 12 to 120 months.

    The results may be 0 to ``MAX_MEAN`` each; their average must be at least 0.1
    a month, the least the simulation can work with.

    >>> len(check_history(SEED_RESULTS * 2))
    12
    """
    checked = checks.whole_numbers("history", history, 0, MAX_MEAN)
    if not MIN_HISTORY <= len(checked) <= MAX_HISTORY:
        raise ParameterError(
            "history",
            checked,
            f"between {MIN_HISTORY} and {MAX_HISTORY} monthly results (got {len(checked)})",
        )
    if sum(checked) < 0.1 * len(checked):
        raise ParameterError("history", checked, "months with on average at least 0.1 a month")
    return checked


def parse_history_text(text: str) -> list[int]:
    """Parse a history typed by a provider, separated by commas, semicolons or spaces.

    >>> len(parse_history_text("20 15 5 45 20 15 20 15 5 45 20 15"))
    12
    """
    return check_history(_typed_months(text, "history"))


def parse_history_csv(text: str, source: str = "CSV") -> list[int]:
    """Parse a history uploaded as CSV with columns ``month`` and ``result`` (or ``forms``)."""
    return check_history(_csv_months(text, source))


@dataclass(frozen=True)
class History:
    """What a provider's own months say about them.

    Attributes
    ----------
    months : number of months in the history.
    mean : average result a month.
    volatility : month-to-month spread of the rate beyond chance (coefficient of
        variation), estimated by moments as :func:`simulate` draws it, at most
        ``MAX_VOLATILITY``.
    typical_change : the median size of a month-over-month change, as a share of
        the month before (months after a 0 left out; 0 when there are none).
    """

    months: int
    mean: float
    volatility: float
    typical_change: float


def read_history(history: Sequence[int]) -> History:
    """Estimate a provider's mean and volatility from their own months.

    The simulation draws each month as Poisson around a gamma-varying rate, so
    ``variance = mean + (volatility x mean)^2``; the volatility is solved from the
    history's sample variance (0 when the months vary no more than chance alone).

    >>> found = read_history(SEED_RESULTS * 2)
    >>> found.mean, round(found.volatility, 2), round(found.typical_change, 2)
    (20.0, 0.6, 0.56)
    """
    values = np.asarray(check_history(history), dtype=float)
    mean = float(values.mean())
    excess = max(float(values.var(ddof=1)) - mean, 0.0)
    volatility = min(np.sqrt(excess) / mean, MAX_VOLATILITY)
    before, after = values[:-1], values[1:]
    changes = np.abs(after[before > 0] / before[before > 0] - 1)
    typical = float(np.median(changes)) if changes.size else 0.0
    return History(len(values), mean, float(volatility), typical)


def review_terms(review: str, months: int, minimum_term: int = 1) -> dict[str, int]:
    """The review knobs of one way of judging (:data:`REVIEWS`), as keyword arguments.

    >>> review_terms("quarter", 6)
    {'review_every': 3, 'average_over': 1, 'minimum_term': 1}
    >>> review_terms("total", 6)["review_every"]
    6
    """
    every = {"month": 1, "quarter": 3, "rolling": 1, "total": months}
    if review not in every:
        raise ParameterError("review", review, "one of " + ", ".join(map(repr, REVIEWS)))
    return {
        "review_every": every[review],
        "average_over": 3 if review == "rolling" else 1,
        "minimum_term": minimum_term,
    }


def compare_terms(
    sims: np.ndarray,
    target: float,
    minimum_term: int = 3,
    fees: dict[str, float] | None = None,
    **rule: float,
) -> pd.DataFrame:
    """The same contracts under each contract term of :data:`TERMS`, side by side.

    * ``month``, ``quarter``, ``rolling``, ``total``: how the client judges, paid per form;
    * ``hybrid``: judged every month, paid a base plus a smaller fee per form;
    * ``minimum_term``: no judging (and no leaving) before ``minimum_term`` months,
      judged on those months together, then every month; paid per form.

    ``rule`` takes the mood and verdict knobs (worried_drop, alarm_drop, alarm_limit,
    closing_declines); ``fees`` those of :func:`income_lines`.

    Returns
    -------
    DataFrame, one row a term: ``term``, ``pitfall`` (share of contracts that meet
    the target and still end in "stop"), ``met_target`` (share that meets it, the same
    for every term), ``pitfall_of_met`` (the same among the
    contracts that meet it; NaN when none does), ``stopped``, ``scheme``,
    ``income_p5`` and ``income_median`` (the provider's net income over the contract).
    """
    sims = np.asarray(sims)
    months = sims.shape[1]
    income = contract_income(sims, **(fees or {}))
    met = met_target(sims, target)
    rows = []
    for term in TERMS:
        review = term if term in REVIEWS else "month"
        knobs = review_terms(review, months, minimum_term if term == "minimum_term" else 1)
        stop = stops(sims, target, **rule, **knobs)
        scheme = "hybrid" if term == "hybrid" else "per_lead"
        pitfall = met & stop
        rows.append(
            {
                "term": term,
                "met_target": float(met.mean()),
                "pitfall": float(pitfall.mean()),
                "pitfall_of_met": float(pitfall.sum() / met.sum()) if met.any() else np.nan,
                "stopped": float(stop.mean()),
                "scheme": scheme,
                "income_p5": float(np.percentile(income[scheme], 5)),
                "income_median": float(np.median(income[scheme])),
            }
        )
    return pd.DataFrame(rows)


# -- the room as the client ------------------------------------------------------------------

MAX_ROOM = 10_000
"""Participants a room's vote may count (a conference hall, with room to spare)."""


@dataclass(frozen=True)
class RoomVerdict:
    """What a room playing the client decided, month by month.

    Parameters
    ----------
    participants : int
        Everyone who answered at least once.
    still_in : tuple of int
        After each month voted on, the participants who had not said "stop" yet.
    results : tuple of int
        The months the room saw (forms delivered each month).
    target : int
        The contract's target.
    """

    participants: int
    still_in: tuple[int, ...]
    results: tuple[int, ...]
    target: int

    @property
    def walked(self) -> int:
        """Participants who walked away in one of the months voted on."""
        return self.participants - (self.still_in[-1] if self.still_in else self.participants)

    @property
    def met(self) -> bool:
        """Whether the months the room saw meet the contract's target."""
        return sum(self.results) >= self.target

    def table(self) -> pd.DataFrame:
        """One row a month: forms so far, and the share of the room still in the deal.

        >>> RoomVerdict(4, (4, 3, 1), (20, 15, 5, 45), 120).table()["still_in_share"].tolist()
        [1.0, 0.75, 0.25, nan]
        """
        months = np.arange(1, len(self.results) + 1)
        share = np.full(len(months), np.nan)
        if self.participants:
            share[: len(self.still_in)] = np.asarray(self.still_in) / self.participants
        return pd.DataFrame(
            {
                "month": months,
                "cumulative": np.cumsum(self.results, dtype=np.int64),
                "still_in_share": share,
            }
        )


def check_room(participants: int, still_in: Sequence[int], months: int) -> None:
    """Refuse a room's answers that cannot have come from a vote.

    Raises
    ------
    ParameterError
        For months voted on but nobody counted, people counted but no month voted on,
        more still in than took part, more
        months voted on than the contract has, or a month with more still in the deal
        than the month before (a participant who walked away is out).
    """
    if not participants and still_in:
        raise ParameterError("room_still_in", list(still_in), "empty while room_participants = 0")
    if participants and not still_in:
        allowed = (
            f"one number per month voted on, at least one (room_participants = {participants})"
        )
        raise ParameterError("room_still_in", [], allowed)
    if len(still_in) > months:
        raise ParameterError(
            "room_still_in", list(still_in), f"at most one number per month ({months} months)"
        )
    previous = participants
    for month, count in enumerate(still_in, start=1):
        if count > previous:
            allowed = f"at most {previous} (room_participants, then the month before)"
            raise ParameterError(f"room_still_in[{month - 1}]", count, allowed)
        previous = count
