"""Story B: the referral flywheel, first as the article tells it, then the honest version.

The article's arithmetic
    One raving fan who introduces 10 people, for three generations, reaches
    1 + 10 + 100 + 1,000 = 1,111 people (:func:`network_size`, :func:`generation_table`).
    One valuable introduction a year from every fan doubles the fans every year:
    2**10 = 1,024 fans after 10 years (:func:`compound`, :func:`compound_table`).

The honest version
    Not every introduction converts and fans leave. Each year every fan makes
    ``introductions_per_year`` introductions, each of which becomes a fan with
    probability ``conversion``; each fan who was there at the start of the year stays
    with probability ``1 - churn``; the new fans join at the end of the year. That is a
    Galton-Watson branching process: :func:`simulate` runs it many times,
    :func:`mean_growth` and :func:`expected_fans` give its mean,
    :func:`flywheel_stall_probability` the chance that it dies out, and :func:`band`,
    :func:`stalled_share` and :func:`years_to_reach` summarise the runs for charts and text.

New logos
    :func:`new_logo_hunting` is the seller who wins a fixed number of new clients a year;
    :func:`flywheel_vs_hunting` puts both side by side, year by year.

Every function checks its input and raises :class:`~kit.errors.ParameterError` naming the
parameter, the value and what is allowed (plain checks, :mod:`kit.checks`); the narrower
ranges a slider offers live in the story's schema (``kit.stories.referrals.story``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kit import checks
from kit.errors import ParameterError

__all__ = [
    "INT64_LIMIT",
    "MAP_STEPS",
    "Reach",
    "band",
    "compound",
    "compound_table",
    "conversion_to_pass",
    "expected_fans",
    "extinction_probability",
    "fans_matching_hunter",
    "first_year_reaching",
    "flywheel_stall_probability",
    "flywheel_vs_hunting",
    "generation_table",
    "mean_growth",
    "network_size",
    "new_logo_hunting",
    "overtaking_year",
    "passing_map",
    "passing_year",
    "simulate",
    "stalled_share",
    "years_to_reach",
]

#: :func:`simulate` returns int64 counts while ``fans * (most offspring per fan) ** years``
#: stays at or below this bound (so no count can wrap around), float64 counts above it.
INT64_LIMIT = 2**62
MAX_YEARS = 50
MAX_RUNS = 100_000

# What the model can compute; the sliders offer narrower ranges (story.py).
_WHOLE = {
    "fans": (1, 10_000),
    "per_fan": (0, 1000),
    "generations": (0, 12),
    "years": (1, MAX_YEARS),
    "introductions_per_year": (0, 100),
    "runs": (1, MAX_RUNS),
    "target_fans": (1, 10**9),
    "new_logos_per_year": (0, 100_000),
}
_SHARES = ("conversion", "churn")


# --------------------------------------------------------------------------------------
# The article's arithmetic
# --------------------------------------------------------------------------------------


def network_size(per_fan: int, generations: int, fans: int = 1) -> int:
    """Count the fans plus everyone reached through ``generations`` rounds of introductions.

    Every person introduces ``per_fan`` others, and those do the same, ``generations``
    times: ``fans * (1 + per_fan + per_fan**2 + ... + per_fan**generations)``.

    Parameters
    ----------
    per_fan : int
        Introductions each person makes (0 to 1,000).
    generations : int
        Rounds of introductions (0 to 12).
    fans : int, default 1
        The fans who start it (1 to 10,000).

    Returns
    -------
    int
        An exact Python int, however large.

    Examples
    --------
    >>> network_size(10, 3)
    1111
    >>> network_size(1000, 12) == (1000**13 - 1) // 999
    True

    """
    per_fan = _check("per_fan", per_fan)
    generations = _check("generations", generations)
    fans = _check("fans", fans)
    return fans * sum(per_fan**g for g in range(generations + 1))


def generation_table(per_fan: int, generations: int, fans: int = 1) -> pd.DataFrame:
    """Tabulate who is reached in each generation, for the bar chart.

    Parameters
    ----------
    per_fan, generations, fans : int
        As in :func:`network_size`.

    Returns
    -------
    pandas.DataFrame
        One row per generation: ``generation`` (0 = the fans themselves),
        ``new`` (people added in that generation) and ``total`` (everyone so far). The
        last ``total`` equals :func:`network_size`. Columns are int64 when every number
        fits, otherwise object columns of exact Python ints.

    Examples
    --------
    >>> generation_table(10, 3)
       generation   new  total
    0           0     1      1
    1           1    10     11
    2           2   100    111
    3           3  1000   1111

    """
    per_fan = _check("per_fan", per_fan)
    generations = _check("generations", generations)
    fans = _check("fans", fans)
    new = [fans * per_fan**g for g in range(generations + 1)]
    total = list(_cumsum(new))
    return pd.DataFrame(
        {
            "generation": np.arange(generations + 1),
            "new": _int_column(new),
            "total": _int_column(total),
        }
    )


def compound(years: int, introductions_per_year: int = 1, fans: int = 1) -> int:
    """Count the fans after ``years`` if every fan brings new fans every year and nobody leaves.

    Every fan brings ``introductions_per_year`` new fans a year, so the fans multiply
    by ``1 + introductions_per_year`` a year: ``fans * (1 + introductions_per_year)**years``.

    Parameters
    ----------
    years : int
        Years of growth (1 to 50).
    introductions_per_year : int, default 1
        New fans each fan brings every year (0 to 100).
    fans : int, default 1
        Fans at the start (1 to 10,000).

    Returns
    -------
    int
        An exact Python int, however large.

    Examples
    --------
    >>> compound(10)
    1024
    >>> compound(50, 100) == 101**50
    True

    """
    years = _check("years", years)
    k = _check("introductions_per_year", introductions_per_year)
    fans = _check("fans", fans)
    return fans * (1 + k) ** years


def compound_table(years: int, introductions_per_year: int = 1, fans: int = 1) -> pd.DataFrame:
    """Tabulate :func:`compound` for every year from 0 to ``years``.

    Parameters
    ----------
    years, introductions_per_year, fans : int
        As in :func:`compound`.

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (0 .. years) and ``fans``; ``fans`` is int64 when every number
        fits, otherwise an object column of exact Python ints.

    Examples
    --------
    >>> compound_table(3)
       year  fans
    0     0     1
    1     1     2
    2     2     4
    3     3     8

    """
    years = _check("years", years)
    k = _check("introductions_per_year", introductions_per_year)
    fans = _check("fans", fans)
    return pd.DataFrame(
        {
            "year": np.arange(years + 1),
            "fans": _int_column([fans * (1 + k) ** t for t in range(years + 1)]),
        }
    )


# --------------------------------------------------------------------------------------
# The honest version: mean and simulation
# --------------------------------------------------------------------------------------


def mean_growth(introductions_per_year: int, conversion: float, churn: float) -> float:
    """Return the factor by which the expected number of fans grows in one year.

    A fan stays with probability ``1 - churn`` and brings on average
    ``introductions_per_year * conversion`` new fans, so the factor is
    ``(1 - churn) + introductions_per_year * conversion``. Above 1 the flywheel grows on
    average; at or below 1 it stalls for sure in the end.

    Parameters
    ----------
    introductions_per_year : int
        Introductions each fan makes a year (0 to 100).
    conversion : float
        Chance that an introduction becomes a fan (0 to 1).
    churn : float
        Chance that a fan leaves during a year (0 to 1).

    Returns
    -------
    float

    Examples
    --------
    >>> round(mean_growth(1, 0.6, 0.1), 10)
    1.5

    """
    k, conversion, churn = _check_flywheel(introductions_per_year, conversion, churn)
    return _growth(k, conversion, churn)


def expected_fans(
    years: int,
    introductions_per_year: int,
    conversion: float,
    churn: float,
    fans: int = 1,
) -> float:
    """Return the expected number of fans after ``years``: ``fans * mean_growth ** years``.

    Parameters
    ----------
    years : int
        Years (1 to 50).
    introductions_per_year, conversion, churn
        As in :func:`mean_growth`.
    fans : int, default 1
        Fans at the start (1 to 10,000).

    Returns
    -------
    float

    Examples
    --------
    >>> expected_fans(10, 1, 1.0, 0.0)
    1024.0

    """
    years = _check("years", years)
    k, conversion, churn = _check_flywheel(introductions_per_year, conversion, churn)
    fans = _check("fans", fans)
    return fans * _growth(k, conversion, churn) ** years


def simulate(
    years: int,
    introductions_per_year: int,
    conversion: float,
    churn: float,
    fans: int = 1,
    runs: int = 10_000,
    seed: int | None = None,
) -> np.ndarray:
    """Run the flywheel ``runs`` times for ``years`` years.

    One year: every fan present at the start makes ``introductions_per_year``
    introductions, each becomes a new fan with probability ``conversion``; each fan who
    was there at the start stays with probability ``1 - churn``; the new fans join at the
    end of the year (they are not exposed to churn that year). A flywheel at 0 fans stays
    at 0. Per year there is one binomial draw per run for the new fans,
    Binomial(fans * introductions_per_year, conversion), and one for the fans who stay,
    Binomial(fans, 1 - churn); never one draw per person.

    Parameters
    ----------
    years : int
        Years to simulate (1 to 50).
    introductions_per_year : int
        Introductions each fan makes a year (0 to 100).
    conversion : float
        Chance that an introduction becomes a fan (0 to 1).
    churn : float
        Chance that a fan leaves during a year (0 to 1).
    fans : int, default 1
        Fans at the start (1 to 10,000).
    runs : int, default 10,000
        Number of simulated flywheels (1 to 100,000).
    seed : int, optional
        Seed for :func:`numpy.random.default_rng` (0 to 2**32 - 1); the same seed gives
        the same numbers. ``None`` draws fresh randomness.

    Returns
    -------
    numpy.ndarray
        Shape ``(runs, years + 1)``: fans per run (rows) at the start of each year
        (columns); column 0 is ``fans``.

    Notes
    -----
    **Large counts never wrap around.** Before drawing, the largest count any run could
    possibly reach is computed exactly: ``fans * m**years`` where ``m`` is the most
    offspring one fan can have in a year (``1 + introductions_per_year``, less when
    ``churn == 1`` or ``conversion == 0``). Up to :data:`INT64_LIMIT` (2**62) the result
    is int64 and every count is a whole number. Above it the whole result is float64:
    counts of whole fans, exact up to 2**53, beyond which float64 keeps about 16
    significant digits (the largest possible count, 10,000 * 101**50, is about 1.6e104,
    far inside float64's range).

    **How the binomial draws are made.** With int64 counts every draw is NumPy's own
    exact :meth:`numpy.random.Generator.binomial`. In float64 mode, draws on more than
    :data:`INT64_LIMIT` trials (which NumPy cannot take) use a normal approximation with
    the same mean and variance, rounded to whole fans within 0..n; at such counts its
    error is far below float64's own rounding.

    Examples
    --------
    >>> simulate(4, 1, 1.0, 0.0, runs=2, seed=1)
    array([[ 1,  2,  4,  8, 16],
           [ 1,  2,  4,  8, 16]])
    >>> sims = simulate(10, 1, 0.6, 0.1, runs=1000, seed=7)
    >>> sims.shape
    (1000, 11)
    >>> bool((sims >= 0).all())
    True

    """
    years = _check("years", years)
    k, conversion, churn = _check_flywheel(introductions_per_year, conversion, churn)
    fans = _check("fans", fans)
    runs = _check("runs", runs)
    rng = np.random.default_rng(checks.seed(seed))

    most_offspring = (1 if churn < 1 else 0) + (k if conversion > 0 else 0)
    exact = fans * most_offspring**years <= INT64_LIMIT
    dtype = np.int64 if exact else np.float64
    stay = 1.0 - churn

    # Column-major, so each year's column is contiguous in memory.
    sims = np.empty((runs, years + 1), dtype=dtype, order="F")
    sims[:, 0] = fans
    for year in range(years):
        present = sims[:, year]
        new = _binomial(rng, present * k, conversion)
        stayers = _binomial(rng, present, stay)
        np.add(stayers, new, out=sims[:, year + 1])
    return sims


# --------------------------------------------------------------------------------------
# The honest version: chance of stalling
# --------------------------------------------------------------------------------------


def extinction_probability(
    mean_offspring: float,
    distribution: str = "poisson",
    n: int | None = None,
) -> float:
    """Return the chance that a Galton-Watson chain started by one member dies out.

    Every member has a random number of offspring, independently; the chance of dying
    out is the smallest fixed point ``q = f(q)`` in [0, 1] of the offspring generating
    function ``f``. It is exactly 1.0 when ``mean_offspring <= 1``, except in the
    degenerate chain where every member has exactly one offspring (binomial with
    ``n = mean_offspring = 1``), which never dies out (0.0). A chain in which every
    member has at least one offspring never dies out either.

    Parameters
    ----------
    mean_offspring : float
        Average number of offspring per member (0 to 1,000,000).
    distribution : {"poisson", "binomial"}, default "poisson"
        ``"poisson"``: Poisson(mean_offspring) offspring,
        ``f(s) = exp(mean_offspring * (s - 1))``. ``"binomial"``: n chances, each
        taken with probability ``mean_offspring / n``, ``f(s) = (1 - p + p s)**n``.
    n : int, optional
        Number of chances for the binomial distribution (1 to 1,000,000, at least
        ``mean_offspring``); required there, ignored for Poisson (but still checked
        when given).

    Returns
    -------
    float

    Examples
    --------
    >>> round(extinction_probability(2.0), 4)
    0.2032
    >>> round(extinction_probability(1.5), 4)
    0.4172
    >>> extinction_probability(1.0)
    1.0
    >>> round(extinction_probability(1.5, "binomial", n=2), 12)  # (1/4 + 3/4 s)**2 = s
    0.111111111111

    """
    mean = checks.real_number("mean_offspring", mean_offspring, 0, 1_000_000)
    distribution = checks.one_of("distribution", distribution, ("poisson", "binomial"))
    if n is not None:
        n = checks.whole_number("n", n, 1, 1_000_000)
    if distribution == "poisson":
        return _smallest_fixed_point(
            lambda s: math.exp(mean * (s - 1.0)),
            lambda s: mean * math.exp(mean * (s - 1.0)),
            mean - 1.0,
        )
    if n is None:
        raise ParameterError(
            "n", n, "a whole number from 1 to 1,000,000 (the binomial distribution needs it)"
        )
    if mean > n:
        raise ParameterError(
            "mean_offspring",
            mean_offspring,
            f"at most n = {n:,} for the binomial distribution",
        )
    p = mean / n
    return _smallest_fixed_point(
        lambda s: (1.0 - p + p * s) ** n,
        lambda s: n * p * (1.0 - p + p * s) ** (n - 1),
        mean - 1.0,
    )


def flywheel_stall_probability(
    introductions_per_year: int,
    conversion: float,
    churn: float,
    fans: int = 1,
    years: int | None = None,
) -> float:
    """Return the chance that the flywheel of :func:`simulate` stalls (reaches 0 fans).

    One fan's "offspring" after a year are itself if it stays, plus the introductions
    that convert, so its generating function is
    ``f(s) = (churn + (1 - churn) s) * (1 - conversion + conversion s)**k`` with
    ``k = introductions_per_year``. Fans act independently, so with several fans at the
    start the chance is the one-fan chance to the power ``fans``.

    Parameters
    ----------
    introductions_per_year, conversion, churn
        As in :func:`simulate`.
    fans : int, default 1
        Fans at the start (1 to 10,000).
    years : int, optional
        ``None`` (default): the chance it stalls ever (the smallest fixed point of
        ``f``; exactly 1.0 when :func:`mean_growth` is at most 1, and exactly 0.0 when a
        fan is never lost without a replacement: churn 0, or conversion 1 with at least
        one introduction). A number of years (1 to 50): the chance it has stalled by the end of
        that year, ``f(f(...f(0)))`` applied ``years`` times, to compare with
        :func:`stalled_share` of a simulation over as many years.

    Returns
    -------
    float

    Examples
    --------
    >>> round(flywheel_stall_probability(1, 0.6, 0.1), 4)  # 0.54 q**2 - 0.58 q + 0.04 = 0
    0.0741
    >>> round(flywheel_stall_probability(1, 0.6, 0.1, years=1), 10)  # f(0) = 0.1 * 0.4
    0.04
    >>> flywheel_stall_probability(1, 0.0, 0.0)  # nobody leaves, nobody joins
    0.0

    """
    k, conversion, churn = _check_flywheel(introductions_per_year, conversion, churn)
    fans = _check("fans", fans)

    def f(s: float) -> float:
        return (churn + (1.0 - churn) * s) * (1.0 - conversion + conversion * s) ** k

    def df(s: float) -> float:
        base = 1.0 - conversion + conversion * s
        slope = (1.0 - churn) * base**k
        if k:
            slope += (churn + (1.0 - churn) * s) * k * conversion * base ** (k - 1)
        return slope

    if years is None:
        # mean - 1 = k c - churn, computed without rounding 1 - churn first.
        q = _smallest_fixed_point(f, df, k * conversion - churn)
    else:
        q = 0.0
        for _ in range(_check("years", years)):
            q = f(q)
    return q**fans


# --------------------------------------------------------------------------------------
# Summaries of simulated runs (small tables for charts and text)
# --------------------------------------------------------------------------------------


def stalled_share(sims: np.ndarray) -> float:
    """Return the share of runs that have 0 fans at the end.

    Parameters
    ----------
    sims : numpy.ndarray
        Result of :func:`simulate`, shape ``(runs, years + 1)``.

    Returns
    -------
    float
        Between 0 and 1.

    Examples
    --------
    >>> stalled_share(np.array([[1, 0, 0], [1, 2, 3]]))
    0.5

    """
    sims = _check_sims(sims)
    return float(np.count_nonzero(sims[:, -1] == 0) / sims.shape[0])


def share_ahead(sims: np.ndarray, clients: float) -> float:
    """Return the share of runs that end with more fans than ``clients`` (the hunter's).

    Parameters
    ----------
    sims : numpy.ndarray
        Result of :func:`simulate`, shape ``(runs, years + 1)``.
    clients : float
        What the runs are held against in their last year (the hunter's expected clients).

    Returns
    -------
    float
        Between 0 and 1.

    Examples
    --------
    >>> share_ahead(np.array([[1, 0, 0], [1, 2, 30], [1, 5, 9]]), 9)
    0.3333333333333333

    """
    sims = _check_sims(sims)
    clients = checks.real_number("clients", clients, 0, math.inf)
    return float(np.count_nonzero(sims[:, -1] > clients) / sims.shape[0])


def band(sims: np.ndarray, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
    """Summarise the runs per year: a low, middle and high quantile and the mean.

    Charts get this small table, one row per year, never one row per run.

    Parameters
    ----------
    sims : numpy.ndarray
        Result of :func:`simulate`, shape ``(runs, years + 1)``.
    quantiles : (float, float, float), default (0.1, 0.5, 0.9)
        The low, middle and high quantile, each from 0 to 1, in increasing order.

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (0 .. years), ``low``, ``median``, ``high`` (the three
        quantiles of the fans in that year, linearly interpolated) and ``mean``.

    Examples
    --------
    >>> band(np.array([[1, 2, 4], [1, 0, 0], [1, 3, 6]]), (0.0, 0.5, 1.0))
       year  low  median  high      mean
    0     0  1.0     1.0   1.0  1.000000
    1     1  0.0     2.0   3.0  1.666667
    2     2  0.0     4.0   6.0  3.333333

    """
    sims = _check_sims(sims)
    low, mid, high = _check_quantiles(quantiles)
    # Along rows of the transpose: the runs of a year lie side by side in a simulation.
    values = np.quantile(sims.T, [low, mid, high], axis=1)
    return pd.DataFrame(
        {
            "year": np.arange(sims.shape[1]),
            "low": values[0],
            "median": values[1],
            "high": values[2],
            "mean": sims.mean(axis=0, dtype=np.float64),
        }
    )


def first_year_reaching(sims: np.ndarray, target_fans: int) -> np.ndarray:
    """Return, per run, the first year in which it has at least ``target_fans`` fans.

    Parameters
    ----------
    sims : numpy.ndarray
        Result of :func:`simulate`, shape ``(runs, years + 1)``.
    target_fans : int
        The number of fans to reach (1 to 1,000,000,000).

    Returns
    -------
    numpy.ndarray
        float64, shape ``(runs,)``: the year (0 .. years), or ``inf`` for a run that
        never reached the target within the simulated years.

    Examples
    --------
    >>> first_year_reaching(np.array([[1, 2, 4], [1, 0, 0], [1, 3, 6]]), 3)
    array([ 2., inf,  1.])

    """
    sims = _check_sims(sims)
    target = _check("target_fans", target_fans)
    reached = sims >= target
    first = reached.argmax(axis=1).astype(np.float64)
    first[~reached.any(axis=1)] = np.inf
    return first


@dataclass(frozen=True)
class Reach:
    """How long the simulated flywheels took to reach a number of fans.

    The quantiles are taken over all runs, those that never got there counting as
    "later than the horizon", so they are honest about runs that stalled or stayed
    small. A quantile that falls among those runs is ``None``: "not within the horizon".

    Attributes
    ----------
    target_fans : int
        The number of fans to reach.
    horizon : int
        The number of simulated years.
    low, median, high : int or None
        Years until a run first had ``target_fans`` fans: the low (10th percentile by
        default), middle and high quantile across runs, each a year that some run
        actually took; ``None`` when that quantile did not get there within the horizon.
    never : float
        Share of runs that never reached ``target_fans`` within the horizon (0 to 1).

    """

    target_fans: int
    horizon: int
    low: int | None
    median: int | None
    high: int | None
    never: float


def years_to_reach(
    sims: np.ndarray,
    target_fans: int,
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
) -> Reach:
    """Summarise how many years the runs took to first reach ``target_fans`` fans.

    Parameters
    ----------
    sims : numpy.ndarray
        Result of :func:`simulate`, shape ``(runs, years + 1)``.
    target_fans : int
        The number of fans to reach (1 to 1,000,000,000).
    quantiles : (float, float, float), default (0.1, 0.5, 0.9)
        The quantiles reported as ``low``, ``median`` and ``high``.

    Returns
    -------
    Reach
        See :class:`Reach`; per-run years are in :func:`first_year_reaching`.

    Examples
    --------
    >>> sims = np.array([[1, 2, 4], [1, 0, 0], [1, 3, 6]])
    >>> years_to_reach(sims, 3, (0.0, 0.5, 1.0))
    Reach(target_fans=3, horizon=2, low=1, median=2, high=None, never=0.3333333333333333)

    """
    first = first_year_reaching(sims, target_fans)
    levels = _check_quantiles(quantiles)
    values = np.quantile(first, levels, method="inverted_cdf")
    low, mid, high = (None if math.isinf(v) else int(v) for v in values)
    return Reach(
        target_fans=_check("target_fans", target_fans),
        horizon=np.shape(sims)[1] - 1,
        low=low,
        median=mid,
        high=high,
        never=float(np.count_nonzero(np.isinf(first)) / first.size),
    )


# --------------------------------------------------------------------------------------
# New logos: the seller who hunts instead
# --------------------------------------------------------------------------------------


def new_logo_hunting(
    years: int,
    new_logos_per_year: int,
    churn: float,
    fans: int = 1,
) -> np.ndarray:
    """Return the expected customers, year by year, of a seller who hunts new logos.

    The seller wins ``new_logos_per_year`` new clients a year by cold acquisition, no
    matter how many clients there are already; each client stays with probability
    ``1 - churn`` a year, and, as in :func:`simulate`, the new clients join at the end of
    the year. So ``E[t + 1] = E[t] * (1 - churn) + new_logos_per_year``: linear growth
    that levels off at ``new_logos_per_year / churn``.

    Parameters
    ----------
    years : int
        Years (1 to 50).
    new_logos_per_year : int
        New clients won a year (0 to 100,000).
    churn : float
        Chance that a client leaves during a year (0 to 1).
    fans : int, default 1
        Clients at the start (1 to 10,000), the same start the flywheel gets.

    Returns
    -------
    numpy.ndarray
        float64, shape ``(years + 1,)``: expected clients at the start of year 0 .. years.

    Examples
    --------
    >>> new_logo_hunting(3, 10, 0.0)
    array([ 1., 11., 21., 31.])
    >>> new_logo_hunting(2, 10, 0.5, fans=4)
    array([ 4., 12., 16.])

    """
    years = _check("years", years)
    logos = _check("new_logos_per_year", new_logos_per_year)
    churn = _check("churn", churn)
    fans = _check("fans", fans)
    customers = np.empty(years + 1)
    customers[0] = fans
    for year in range(years):
        customers[year + 1] = customers[year] * (1.0 - churn) + logos
    return customers


def flywheel_vs_hunting(
    years: int,
    introductions_per_year: int,
    conversion: float,
    churn: float,
    new_logos_per_year: int,
    fans: int = 1,
    sims: np.ndarray | None = None,
) -> pd.DataFrame:
    """Compare the flywheel with new-logo hunting, year by year.

    Both start from ``fans`` clients and lose them at the same ``churn``; the flywheel
    grows by its fans' introductions (:func:`expected_fans`), the hunter by
    ``new_logos_per_year`` new clients a year (:func:`new_logo_hunting`).

    Parameters
    ----------
    years, introductions_per_year, conversion, churn, fans
        As in :func:`simulate`.
    new_logos_per_year : int
        New clients the hunter wins a year (0 to 100,000).
    sims : numpy.ndarray, optional
        A simulation of the same flywheel over ``years`` years; when given, the table
        also has its median per year, ``flywheel_median`` (the typical run, which is
        below the expected value because a few runs grow very large).

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (0 .. years), ``flywheel`` (expected fans), ``hunting``
        (expected clients of the hunter) and, with ``sims``, ``flywheel_median``.

    Examples
    --------
    >>> flywheel_vs_hunting(3, 1, 1.0, 0.0, new_logos_per_year=2)
       year  flywheel  hunting
    0     0       1.0      1.0
    1     1       2.0      3.0
    2     2       4.0      5.0
    3     3       8.0      7.0

    """
    years = _check("years", years)
    k, conversion, churn = _check_flywheel(introductions_per_year, conversion, churn)
    fans = _check("fans", fans)
    table = pd.DataFrame(
        {
            "year": np.arange(years + 1),
            "flywheel": fans * _growth(k, conversion, churn) ** np.arange(years + 1.0),
            "hunting": new_logo_hunting(years, new_logos_per_year, churn, fans),
        }
    )
    if sims is not None:
        sims = _check_sims(sims)
        if sims.shape[1] != years + 1:
            raise ParameterError(
                "sims",
                f"array of shape {sims.shape}",
                f"a simulation over years = {years} (shape (runs, {years + 1}))",
            )
        table["flywheel_median"] = np.median(sims, axis=0)
    return table


def overtaking_year(comparison: pd.DataFrame, column: str = "flywheel") -> int | None:
    """Return the first year in which the flywheel has more clients than the hunter.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Result of :func:`flywheel_vs_hunting`.
    column : str, default "flywheel"
        The flywheel column to compare with ``hunting`` (``"flywheel_median"`` for the
        typical run).

    Returns
    -------
    int or None
        ``None`` if the flywheel never gets ahead within the table's years.

    Examples
    --------
    >>> overtaking_year(flywheel_vs_hunting(5, 1, 1.0, 0.0, new_logos_per_year=2))
    3

    """
    if column not in comparison.columns or "hunting" not in comparison.columns:
        raise ParameterError(
            "column",
            column,
            "a flywheel column of a table from flywheel_vs_hunting() "
            f"(columns: {', '.join(map(str, comparison.columns))})",
        )
    ahead = _ahead(comparison[column].to_numpy(), comparison["hunting"].to_numpy())
    if not ahead.any():
        return None
    return int(comparison["year"].to_numpy()[ahead.argmax()])


# --------------------------------------------------------------------------------------
# Where the flywheel beats hunting, and what an introduction must be worth
# --------------------------------------------------------------------------------------

#: The conversions and churns of :func:`passing_map`: every 5%, as the sliders move.
MAP_STEPS = np.round(np.arange(0, 21) * 0.05, 2)


def passing_year(
    introductions_per_year: int,
    conversion: float,
    churn: float,
    new_logos_per_year: int,
    fans: int = 1,
    within: int = MAX_YEARS,
) -> int | None:
    """Return the first year in which the average flywheel has more clients than the hunter.

    The flywheel's expected fans (:func:`expected_fans`) against a seller who wins
    ``new_logos_per_year`` new clients a year and loses them at the same ``churn``
    (:func:`new_logo_hunting`); both start with ``fans`` clients.

    Parameters
    ----------
    introductions_per_year, conversion, churn, fans
        As in :func:`simulate`.
    new_logos_per_year : int
        New clients the hunter wins a year (0 to 100,000).
    within : int, default 50
        The last year looked at (1 to 50).

    Returns
    -------
    int or None
        The year (1 .. within), or ``None`` if the flywheel is not ahead by then.

    Examples
    --------
    >>> passing_year(1, 0.6, 0.1, new_logos_per_year=10)
    11
    >>> passing_year(1, 0.6, 0.1, new_logos_per_year=10, within=10) is None
    True

    """
    table = flywheel_vs_hunting(
        within, introductions_per_year, conversion, churn, new_logos_per_year, fans
    )
    return overtaking_year(table)


def passing_map(
    introductions_per_year: int,
    new_logos_per_year: int,
    fans: int = 1,
    conversions: Sequence[float] = MAP_STEPS,
    churns: Sequence[float] = MAP_STEPS,
    within: int = MAX_YEARS,
) -> pd.DataFrame:
    """Tabulate :func:`passing_year` over a grid of conversions and churns.

    Parameters
    ----------
    introductions_per_year, new_logos_per_year, fans
        As in :func:`passing_year`.
    conversions, churns : sequences of float, default every 5% from 0 to 1
        The grid's values (each from 0 to 1, at most 101 of each).
    within : int, default 50
        The last year looked at (1 to 50).

    Returns
    -------
    pandas.DataFrame
        One row per (conversion, churn): ``conversion``, ``churn`` and ``year``, the
        year the average flywheel passes the hunter (float; NaN when not within
        ``within`` years).

    Examples
    --------
    >>> table = passing_map(1, 10, conversions=[0.3, 0.6, 0.9], churns=[0.1], within=20)
    >>> table["year"].tolist()
    [nan, 11.0, 7.0]

    """
    k = _check("introductions_per_year", introductions_per_year)
    logos = _check("new_logos_per_year", new_logos_per_year)
    fans = _check("fans", fans)
    within = _check("years", within)
    c = _check_grid("conversions", conversions)
    ch = _check_grid("churns", churns)
    years = np.arange(within + 1.0)
    stay = 1.0 - ch[None, :, None]
    flywheel = fans * (stay + k * c[:, None, None]) ** years
    hunter = np.empty((1, ch.size, within + 1))
    hunter[..., 0] = fans
    for year in range(within):
        hunter[..., year + 1] = hunter[..., year] * stay[..., 0] + logos
    ahead = _ahead(flywheel, hunter)
    first = np.where(ahead.any(axis=2), ahead.argmax(axis=2), np.nan)
    grid_c, grid_ch = np.meshgrid(c, ch, indexing="ij")
    return pd.DataFrame(
        {"conversion": grid_c.ravel(), "churn": grid_ch.ravel(), "year": first.ravel()}
    )


def conversion_to_pass(
    years: int,
    introductions_per_year: int,
    churn: float,
    new_logos_per_year: int,
    fans: int = 1,
) -> float | None:
    """Return the conversion above which the average flywheel passes the hunter within ``years``.

    What a fan's introductions must be worth: the share of them that has to become a
    fan. In year ``t`` the flywheel is ahead when ``fans * g**t`` exceeds the hunter's
    clients ``H(t)``, with ``g = 1 - churn + introductions_per_year * conversion``; so
    the conversion must exceed ``((H(t) / fans)**(1/t) - (1 - churn)) / introductions``
    for some ``t`` from 1 to ``years``, and the smallest of these is the answer.

    Parameters
    ----------
    years : int
        The horizon (1 to 50).
    introductions_per_year, churn, fans
        As in :func:`simulate`.
    new_logos_per_year : int
        New clients the hunter wins a year (0 to 100,000).

    Returns
    -------
    float or None
        Any conversion above this value (from 0) passes within ``years``, none at or
        below it; ``None`` when even a conversion of 1 does not (or there are no
        introductions).

    Examples
    --------
    >>> round(conversion_to_pass(10, 1, 0.1, 10), 4)
    0.6192
    >>> conversion_to_pass(10, 1, 0.1, 10_000) is None
    True

    """
    years = _check("years", years)
    k = _check("introductions_per_year", introductions_per_year)
    churn = _check("churn", churn)
    fans = _check("fans", fans)
    hunter = new_logo_hunting(years, new_logos_per_year, churn, fans)[1:]
    if k == 0:
        return None
    t = np.arange(1.0, years + 1)
    needed = ((hunter / fans) ** (1.0 / t) - (1.0 - churn)) / k
    best = float(max(needed.min(), 0.0))
    # at 1 (up to rounding) even full conversion only matches the hunter: no pass
    return best if best < 1.0 - 1e-9 else None


def fans_matching_hunter(
    introductions_per_year: int, conversion: float, new_logos_per_year: int
) -> int | None:
    """Return how many fans bring in as many new clients a year as the hunter wins.

    Every fan brings ``introductions_per_year * conversion`` new clients a year on
    average, so ``new_logos_per_year / (introductions_per_year * conversion)`` fans,
    rounded up, bring at least the hunter's ``new_logos_per_year``.

    Parameters
    ----------
    introductions_per_year, conversion
        As in :func:`simulate`.
    new_logos_per_year : int
        New clients the hunter wins a year (0 to 100,000).

    Returns
    -------
    int or None
        At least 1; ``None`` when the fans bring nobody (no introductions, or none convert),
        or so few that no number of fans would do (the quotient overflows).

    Examples
    --------
    >>> fans_matching_hunter(1, 0.6, 10)
    17

    """
    k = _check("introductions_per_year", introductions_per_year)
    conversion = _check("conversion", conversion)
    logos = _check("new_logos_per_year", new_logos_per_year)
    per_fan = k * conversion
    fans = logos / per_fan if per_fan else math.inf
    if not math.isfinite(fans):  # nobody brought in (or 1e-309 of a client: as good)
        return None
    # a relative nudge so that 10 / (1 * 0.1) is 100, not 101 after rounding up
    return max(1, math.ceil(fans * (1 - 1e-12)))


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _ahead(flywheel: np.ndarray, hunter: np.ndarray) -> np.ndarray:
    """Where the flywheel has more clients than the hunter, beyond rounding.

    Equal paths computed two ways (a power and a yearly product) differ in the last
    bits; a flywheel that only matches the hunter does not pass it.
    """
    return flywheel > hunter + 1e-9 * np.maximum(1.0, np.abs(hunter))


def _check_grid(name: str, values: Any) -> np.ndarray:
    try:
        grid = np.array([checks.real_number(name, v, 0, 1) for v in values], dtype=float)
    except TypeError:
        grid = np.array([])
    if not 1 <= grid.size <= 101:
        raise ParameterError(name, values, "1 to 101 numbers, each from 0 to 1")
    return grid


def _check(name: str, value: Any) -> Any:
    """Check one value against the model's range for it."""
    if name in _SHARES:
        return checks.real_number(name, value, 0, 1)
    return checks.whole_number(name, value, *_WHOLE[name])


def _check_flywheel(k: Any, conversion: Any, churn: Any) -> tuple[int, float, float]:
    return (
        _check("introductions_per_year", k),
        _check("conversion", conversion),
        _check("churn", churn),
    )


def _growth(k: int, conversion: float, churn: float) -> float:
    return (1.0 - churn) + k * conversion


def _check_sims(sims: Any) -> np.ndarray:
    """Accept a numeric 2-D array (runs x years + 1) with at least one run."""
    array = np.asarray(sims)
    if array.ndim != 2 or array.size == 0 or array.dtype.kind not in "iuf":
        raise ParameterError(
            "sims",
            f"array of shape {array.shape} and type {array.dtype}",
            "a 2-D array of fan counts, runs x (years + 1), as simulate() returns",
        )
    return array


def _check_quantiles(quantiles: Any) -> tuple[float, float, float]:
    try:
        levels = tuple(checks.real_number("quantiles", q, 0, 1) for q in quantiles)
    except TypeError:
        levels = ()
    if len(levels) != 3 or not levels[0] <= levels[1] <= levels[2]:
        raise ParameterError(
            "quantiles",
            quantiles,
            "three numbers from 0 to 1 in increasing order (low, median, high)",
        )
    return levels


def _binomial(rng: np.random.Generator, n: np.ndarray, p: float) -> np.ndarray:
    """Draw Binomial(n, p) for every run, with the dtype of ``n`` and within 0..n.

    NumPy's exact binomial wherever ``n`` fits int64; a normal approximation only for
    float64 counts beyond :data:`INT64_LIMIT`.
    """
    if p == 0.0:
        return np.zeros_like(n)
    if p == 1.0:
        return n.copy()
    if n.dtype.kind != "f":
        return rng.binomial(n, p)
    out = np.empty_like(n)
    huge = n > INT64_LIMIT
    out[~huge] = rng.binomial(n[~huge].astype(np.int64), p)
    if huge.any():
        spread = np.sqrt(n[huge] * (p * (1.0 - p)))
        draw = np.rint(n[huge] * p + spread * rng.standard_normal(spread.shape))
        out[huge] = np.clip(draw, 0.0, n[huge])
    return out


def _smallest_fixed_point(
    f: Callable[[float], float],
    df: Callable[[float], float],
    excess: float,
) -> float:
    """Return the smallest ``q`` in [0, 1] with ``f(q) = q`` for a generating function ``f``.

    ``f`` is increasing and convex on [0, 1] with ``f(1) = 1``; ``excess`` is its mean
    ``f'(1)`` minus 1. If ``f(0) = 0`` no member is ever childless and the answer is 0;
    otherwise, if the mean is at most 1, the only fixed point is 1. Otherwise Newton's
    method on ``g(s) = f(s) - s`` from 0 climbs monotonically to the smallest root
    (convexity keeps every step below it) and converges quadratically, also close to a
    mean of 1, where plain fixed-point iteration crawls.
    """
    if f(0.0) == 0.0:
        return 0.0
    if excess <= 0.0:
        return 1.0
    s = 0.0
    for _ in range(200):
        gap = f(s) - s
        slope = df(s) - 1.0
        if gap <= 0.0 or slope >= 0.0:  # at the root, up to rounding
            break
        step = -gap / slope
        if not s + step > s:
            break
        s = min(s + step, 1.0)
        if step <= 1e-16:
            break
    return s


def _cumsum(values: Sequence[int]) -> Iterator[int]:
    running = 0
    for value in values:
        running += value
        yield running


def _int_column(values: Sequence[int]) -> np.ndarray:
    """Exact whole numbers: int64 when they all fit, otherwise Python ints (object)."""
    if max(values, default=0) <= np.iinfo(np.int64).max:
        return np.array(values, dtype=np.int64)
    return np.array(values, dtype=object)
