"""Simulations answered without a kernel: the story's own seeded runs, precomputed on a grid.

A kernel-free page cannot run NumPy, so the scenes whose numbers come from a Monte
Carlo carry a table of them: one row per point of a grid over the sliders, each
point computed by the story itself (:class:`~kit.stories.base.Story` with the
point's values and the story's seed), exactly as a kernel would compute it for the
same values and the same number of runs. The page only filters the table.

* Story A (``nocure``): the outcome shares (target met, at least one alarm, the
  client walks away, the pitfall) over mean x volatility x seasonality, one row per
  way of judging (every month, every quarter, a rolling average, only the total);
  the other parameters at the story's defaults.
* Story B (``referrals``): the median and the middle 80% of the simulated fans,
  year by year up to the years slider's end, over conversion x churn x
  introductions per year, starting from the default fans. Story B's years are a
  prefix of one run: the model draws year by year, so a shorter run is the first
  columns of a longer one (a test checks this against the kernel).

A grid point lies every ``step`` from the parameter's default, inside the range its
slider shows, so the default is always on the grid. Grids take tens of seconds to
compute and are kept in the kit's cache (:mod:`kit.cache`) under a name that hashes
the model's source, the grid and the library versions.
"""

from __future__ import annotations

import csv
import functools
import inspect
import io
import itertools
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from kit.cache import cache_dir, digest, remembered
from kit.params import Param
from kit.stops import let_stops_through, stops_held
from kit.stories import STORIES

RUNS_PARAM = {"nocure": "n_contracts", "referrals": "runs"}
"""Each story's parameter for the number of simulated runs."""


def kernel_runs(story: str) -> int:
    """The runs a kernel simulates by default: every grid point uses as many.

    So the page shows the notebook's own numbers at every grid point, the defaults
    included. Both grids take about 30-60 s from cold on a 2-core laptop, once: they
    are cached.
    """
    return int(STORIES[story].story.schema[RUNS_PARAM[story]].default)


@dataclass(frozen=True)
class Axis:
    """The values of one parameter on a grid.

    Parameters
    ----------
    name : str
        The story's parameter (``volatility``).
    values : tuple of float
        Increasing, evenly spaced by ``step``.
    step : float
    """

    name: str
    values: tuple[float, ...]
    step: float

    @classmethod
    def around_default(cls, param: Param, step: float) -> Axis:
        """Every ``step`` from ``param``'s default, within the range its slider shows."""
        low, high = param.slider_range
        below = int(np.floor((param.default - low) / step + 1e-9))
        above = int(np.floor((high - param.default) / step + 1e-9))
        values = tuple(
            _exact(param.default + i * step, param.kind) for i in range(-below, above + 1)
        )
        return cls(param.name, values, step)

    @property
    def low(self) -> float:
        """The first value (a slider's minimum)."""
        return self.values[0]

    @property
    def high(self) -> float:
        """The last value (a slider's maximum)."""
        return self.values[-1]


def _exact(value: float, kind: str) -> float | int:
    # 0.1 * 3 is 0.30000000000000004; a participant's slider says 0.3
    return int(round(value)) if kind == "int" else round(value, 10) + 0.0  # no -0.0


@dataclass(frozen=True)
class Grid:
    """A precomputed table: one row per grid point (and per year for story B).

    Parameters
    ----------
    story : str
        The story's name.
    axes : tuple of Axis
    columns : tuple of str
        The table's columns: the axes' names first, then the results.
    rows : tuple of tuple
        Numbers, written as :func:`cell` writes them.
    runs : int
        Runs per grid point.
    seed : int
        The story's seed every point used.
    """

    story: str
    axes: tuple[Axis, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    runs: int
    seed: int
    labels: tuple[str, ...] = ()
    """Columns of words, not numbers (story A's ``review``)."""

    def csv(self) -> str:
        """The table as CSV text (header first), as the page embeds it."""
        return self._csv_text

    @functools.cached_property
    def _csv_text(self) -> str:
        # written once: a page asks for it several times (the spec, the page's copy, packing)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return out.getvalue()

    @classmethod
    def from_csv(
        cls,
        text: str,
        story: str,
        axes: tuple[Axis, ...],
        runs: int,
        seed: int,
        labels: tuple[str, ...] = (),
    ) -> Grid:
        """A grid read back from :meth:`csv` (the cached form)."""
        reader = csv.reader(io.StringIO(text))
        columns = tuple(next(reader))
        rows = tuple(tuple(row) for row in reader)
        return cls(story, axes, columns, rows, runs, seed, labels)

    def points(self) -> Iterator[dict[str, float]]:
        """Every grid point as ``{parameter: value}``, in the table's order."""
        for values in itertools.product(*(axis.values for axis in self.axes)):
            yield dict(zip((axis.name for axis in self.axes), values, strict=True))


def cell(value: float) -> str:
    """A number as the grid writes it: 6 significant digits, so both sides compare exactly.

    >>> cell(0.4565), cell(1111.0), cell(2.5e23), cell(float("nan"))
    ('0.4565', '1111', '2.5e+23', '')
    """
    return "" if value != value else format(float(value), ".6g")


# -- the two grids ------------------------------------------------------------------------------

OUTCOMES = ("met_target", "any_alarm", "stopped", "pitfall")
"""Story A's shares on the grid, in the order its chart shows them."""
BAND = ("low", "median", "high")
"""Story B's band on the grid: the 10%, 50% and 90% quantiles of the fans."""


def outcome_axes() -> tuple[Axis, ...]:
    """Story A's grid: mean every 5 forms, volatility and seasonality every 0.1."""
    schema = STORIES["nocure"].story.schema
    return (
        Axis.around_default(schema["mean"], 5),
        Axis.around_default(schema["volatility"], 0.1),
        Axis.around_default(schema["seasonality"], 0.1),
    )


def band_axes() -> tuple[Axis, ...]:
    """Story B's grid: conversion and churn every 0.1, every whole number of introductions."""
    schema = STORIES["referrals"].story.schema
    return (
        Axis.around_default(schema["conversion"], 0.1),
        Axis.around_default(schema["churn"], 0.1),
        Axis.around_default(schema["introductions_per_year"], 1),
    )


def band_years() -> int:
    """The last year story B's grid covers: the end of the years slider."""
    return int(STORIES["referrals"].story.schema["years"].slider_range[1])


def reviews() -> tuple[str, ...]:
    """How the client may judge (story A's ``review``): one row of the grid each."""
    return tuple(STORIES["nocure"].story.schema["review"].choices)


def outcome_rows(point: dict[str, float], runs: int) -> list[tuple[str, ...]]:
    """Story A's shares at one grid point, one row per way of judging, computed by the story.

    The same seeded contracts for every way of judging (``Story.moved`` keeps the
    simulation), as a kernel whose review is moved keeps them.
    """
    story = STORIES["nocure"].story(point, n_contracts=runs)
    rows = []
    for review in reviews():
        shares = story.moved({"review": review}).outcomes
        rows.append((review, *(cell(getattr(shares, name)) for name in OUTCOMES)))
    return rows


def band_rows(point: dict[str, float], runs: int) -> list[tuple[str, ...]]:
    """Story B's band at one grid point, one row per year, computed by the story."""
    story = STORIES["referrals"].story(point, runs=runs, years=band_years())
    band = story.band
    return [
        (str(int(year)), *(cell(band[name].iloc[year]) for name in BAND)) for year in band["year"]
    ]


def outcome_grid(runs: int | None = None) -> Grid:
    """Story A's outcome shares over mean x volatility x seasonality (cached).

    ``runs`` defaults to the kernel's (:func:`kernel_runs`).
    """
    runs = runs or kernel_runs("nocure")
    axes = outcome_axes()
    columns = (*(axis.name for axis in axes), "review", *OUTCOMES)
    return _cached("nocure", axes, columns, runs, outcome_rows, labels=("review",))


def band_grid(runs: int | None = None) -> Grid:
    """Story B's band per year over conversion x churn x introductions per year (cached).

    ``runs`` defaults to the kernel's (:func:`kernel_runs`).
    """
    runs = runs or kernel_runs("referrals")
    axes = band_axes()
    columns = (*(axis.name for axis in axes), "year", *BAND)
    return _cached("referrals", axes, columns, runs, band_rows)


def _cached(
    story: str,
    axes: tuple[Axis, ...],
    columns: tuple[str, ...],
    runs: int,
    compute: Callable[..., Sequence[tuple[str, ...]]],
    labels: tuple[str, ...] = (),
) -> Grid:
    seed = STORIES[story].story.schema["seed"].default

    def make() -> str:
        points = list(Grid(story, axes, columns, (), runs, seed).points())
        results = _each_point(functools.partial(compute, runs=runs), points)
        rows = [
            (*(_written(v) for v in point.values()), *row)
            for point, point_rows in zip(points, results, strict=True)
            for row in point_rows
        ]
        return Grid(story, axes, columns, tuple(rows), runs, seed).csv()

    name = _file_name(story, axes, runs)

    def make_and_hold() -> str:
        _MADE[name] = make()
        return _MADE[name]

    text = _MADE.get(name) or remembered("grids", name, make_and_hold, keep=8)
    key = (story, axes, runs, seed, labels, text)  # the text itself: a changed cache reads anew
    if key not in _READ:
        if len(_READ) >= 4:
            _READ.clear()
        _READ[key] = Grid.from_csv(text, story, axes, runs, seed, labels)
    return _READ[key]


_READ: dict[tuple, Grid] = {}
"""Grids read in this process: a run of handouts reads the same grid for every handout."""
_MADE: dict[str, str] = {}
"""Grids simulated in this process, by file name, kept for its life (and its forks'): where
the cache cannot keep them (its folder not writable, or a file), the next call, a handout
worker's, would simulate a minute again, and in a pool's worker could not start its own."""


def _each_point(compute: Callable, points: list[dict[str, float]]) -> list:
    """``compute`` at every point, on every core (up to 8): the points are independent.

    Fresh worker processes ("spawn"), not forks of a process that may hold threads
    (a presenter, a browser driver).
    """
    workers = min(os.cpu_count() or 1, 8)
    if workers == 1:
        return [compute(point) for point in points]
    context = multiprocessing.get_context("spawn")
    _start_quiet_resource_tracker()
    size = max(1, len(points) // (8 * workers))
    chunks = [points[start : start + size] for start in range(0, len(points), size)]
    others = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_quiet_worker)
    try:
        with stops_held():  # the workers start with the stop signals held, see _quiet_worker
            futures = [pool.submit(_each_of, compute, chunk) for chunk in chunks]
        results = [result for future in futures for result in future.result()]
    except BaseException:
        # Stopped (Ctrl-C) or a worker failed: end the workers now instead of finishing the
        # grid. Nothing is cancelled: Python 3.11's pool then fails on a cancelled future
        # in a thread of its own, with a traceback on the terminal.
        pool.shutdown(wait=False)
        for worker in set(multiprocessing.active_children()) - others:
            worker.kill()
        raise
    pool.shutdown()
    return results


def _each_of(compute: Callable, points: list[dict[str, float]]) -> list:
    return [compute(point) for point in points]


STOPS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGHUP", "SIGTERM") if hasattr(signal, name)
)
"""Ctrl-C, a closed terminal, ``kill``: the signals that stop a run."""


def _quiet_worker() -> None:
    """A grid worker ends at once, and says nothing, on a stop signal: the run reports it.

    Python's own Ctrl-C handler would print a KeyboardInterrupt traceback from every
    worker on the trainer's terminal. The worker started with the signals held (see
    :func:`~kit.stops.stops_held`), so one sent while it was starting ends it
    here, quietly.
    """
    for signum in STOPS:
        signal.signal(signum, signal.SIG_DFL)
    let_stops_through()


def _start_quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker deaf to a closed terminal, its output silent.

    A "spawn" pool's locks are booked by a tracker process that ignores Ctrl-C but not
    SIGHUP: a closed terminal killed it, a new one was started, and it printed a
    traceback for every lock it had never booked, on the trainer's terminal. Started
    here with the stop signals held (:func:`~kit.stops.stops_held`), it keeps SIGHUP
    held across its exec and never receives it; its stderr is the null device (its only
    other words are about leaked locks, which it removes itself). It lives until the
    run ends and says nothing. A stop meant for the run while the tracker starts still
    reaches the run, once the tracker has started. A tracker already running is left as
    it is.
    """
    from multiprocessing import resource_tracker

    quiet = os.open(os.devnull, os.O_WRONLY)
    saved_stderr = os.dup(2)
    try:
        with stops_held():
            os.dup2(quiet, 2)
            try:
                resource_tracker.ensure_running()
            finally:
                os.dup2(saved_stderr, 2)  # before a held stop is let through
    finally:
        os.close(saved_stderr)
        os.close(quiet)


def _file_name(story: str, axes: tuple[Axis, ...], runs: int) -> str:
    seed = STORIES[story].story.schema["seed"].default
    return f"{story}-{_cache_key(story, axes, runs, seed)}.csv"


def missing() -> list[str]:
    """The stories whose grid (at the kernel's runs) is not in the cache yet."""
    wanted = {"nocure": outcome_axes(), "referrals": band_axes()}
    folder = cache_dir() / "grids"
    return [
        story
        for story, axes in wanted.items()
        if not (folder / _file_name(story, axes, kernel_runs(story))).is_file()
    ]


def _written(value: Any) -> str:
    return str(value) if isinstance(value, int) else repr(float(value))


def _cache_key(story: str, axes: tuple[Axis, ...], runs: int, seed: int) -> str:
    """Changes with what the story's numbers come from, the grid, and NumPy/pandas.

    That is the model module's source, the story's parameters and the source of its
    methods (the results and the helpers they call), not its scenes or texts: a
    story's wording can change without a minute of simulation.
    """
    import pandas

    entry = STORIES[story].story
    model = inspect.getmodule(entry).__name__.rsplit(".", 1)[0] + ".model"
    methods = [
        inspect.getsource(value.compute if hasattr(value, "compute") else value)
        for value in vars(entry).values()
        if inspect.isfunction(value) or callable(getattr(value, "compute", None))
    ]
    return digest(
        inspect.getsource(sys.modules[model]),  # imported by the story's own module
        repr(entry.schema.params),
        *methods,
        repr(axes),
        str(runs),
        str(seed),
        str(band_years()),
        repr(reviews()),
        np.__version__,
        pandas.__version__,
    )
