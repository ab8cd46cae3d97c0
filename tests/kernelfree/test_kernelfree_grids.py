"""Precomputed grids: every point is the story's own seeded simulation, as a kernel runs it."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from kit.kernelfree import grids
from kit.stories import STORIES

NoCure, Referrals = STORIES["nocure"].story, STORIES["referrals"].story


@pytest.fixture(scope="module")
def outcome_grid():
    return grids.outcome_grid()


@pytest.fixture(scope="module")
def band_grid():
    return grids.band_grid()


def rows_by_point(grid, width):
    table = {}
    for row in grid.rows:
        table.setdefault(tuple(float(v) for v in row[:width]), []).append(row[width:])
    return table


def test_kernelfree_outcome_grid_equals_the_kernel_at_20_random_points(outcome_grid):
    """Same seed, same runs, a random way of judging: the kernel's shares, digit for digit."""
    table = rows_by_point(outcome_grid, 3)
    points = list(outcome_grid.points())
    rng = np.random.default_rng(13)
    reviews = grids.reviews()
    for index in rng.choice(len(points), size=20, replace=False):
        point = points[index]
        review = reviews[int(rng.integers(len(reviews)))]
        kernel = NoCure(point, n_contracts=outcome_grid.runs, review=review).outcomes
        expected = (review, *(grids.cell(getattr(kernel, name)) for name in grids.OUTCOMES))
        assert table[tuple(point.values())][reviews.index(review)] == expected, point


def test_kernelfree_band_grid_equals_the_kernel_at_20_random_points(band_grid):
    """The kernel runs the chosen years (not the grid's 30): its band is the grid's first rows."""
    table = rows_by_point(band_grid, 3)
    points = list(band_grid.points())
    rng = np.random.default_rng(17)
    for index in rng.choice(len(points), size=20, replace=False):
        point = points[index]
        years = int(rng.integers(1, grids.band_years() + 1))
        band = Referrals(point, runs=band_grid.runs, years=years).band
        expected = [
            (str(year), *(grids.cell(band[name].iloc[year]) for name in grids.BAND))
            for year in range(years + 1)
        ]
        assert table[tuple(point.values())][: years + 1] == expected, (point, years)


def test_kernelfree_grids_cover_the_sliders_with_the_defaults_on_them(outcome_grid, band_grid):
    for grid, story in ((outcome_grid, NoCure), (band_grid, Referrals)):
        schema = story.schema
        assert grid.seed == schema["seed"].default
        for axis in grid.axes:
            param = schema[axis.name]
            low, high = param.slider_range
            assert low <= axis.low and axis.high <= high
            assert axis.low - axis.step < low and axis.high + axis.step > high  # all of it
            assert param.default in axis.values
            assert np.allclose(np.diff(axis.values), axis.step)
        width = len(grid.axes)
        per_point = len(grid.rows) // len(list(grid.points()))
        assert {tuple(row[:width]) for row in grid.rows[::per_point]} == {
            tuple(grids._written(v) for v in point.values()) for point in grid.points()
        }


def test_kernelfree_grid_sizes(outcome_grid, band_grid):
    """Small enough for a page under 2 MB with the JavaScript (story A: 4 ways of judging)."""
    assert len(outcome_grid.rows) == 20 * 16 * 11 * len(grids.reviews())
    assert len(band_grid.rows) == 11 * 11 * 6 * (grids.band_years() + 1)
    # each story's page carries one grid beside the 0.9 MB bundle (the site tests the pages)
    assert len(outcome_grid.csv()) < 700_000 and len(band_grid.csv()) < 700_000


def test_kernelfree_grid_axis_around_default():
    param = NoCure.schema["mean"]
    axis = grids.Axis.around_default(param, 5)
    assert axis.values[0] == 5.0 and axis.values[-1] == 100.0 and 20.0 in axis.values
    assert "-0.0" not in repr(grids.Axis.around_default(Referrals.schema["conversion"], 0.1))


def test_kernelfree_grids_use_the_kernels_runs_and_are_cached(outcome_grid, band_grid):
    assert outcome_grid.runs == NoCure.schema["n_contracts"].default
    assert band_grid.runs == Referrals.schema["runs"].default
    assert grids.missing() == []


HANGUP_WHILE_THE_TRACKER_STARTS = """
import os, signal, time
from multiprocessing import resource_tracker
from kit.kernelfree import grids
heard = []
signal.signal(signal.SIGHUP, lambda signum, frame: heard.append("hangup"))
start = resource_tracker.ensure_running
def closed_terminal_meanwhile():
    os.kill(os.getpid(), signal.SIGHUP)
    start()
resource_tracker.ensure_running = closed_terminal_meanwhile
grids._start_quiet_resource_tracker()
tracker = resource_tracker._resource_tracker._pid
os.kill(tracker, signal.SIGHUP)
time.sleep(0.5)
print(heard, os.waitpid(tracker, os.WNOHANG) == (0, 0))
"""


def test_a_closed_terminal_while_the_tracker_starts_stops_the_run_not_the_tracker():
    # it was ignored for that moment: the run went on simulating, for minutes on a cold cache
    result = subprocess.run(
        [sys.executable, "-c", HANGUP_WHILE_THE_TRACKER_STARTS],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["['hangup']", "True"], result.stderr
    assert result.stderr == ""


def test_a_grid_the_cache_cannot_keep_is_simulated_once_a_process(tmp_path, monkeypatch):
    """A cache folder that is a file (or cannot be written) keeps nothing: the grid made
    is held in memory, so a handout worker forked later does not simulate it again (in a
    pool's worker it could not even start its own processes)."""
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache would go\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(not_a_folder))
    monkeypatch.setattr(grids, "_MADE", {}, raising=False)
    monkeypatch.setattr(grids, "_READ", {})
    small = tuple(grids.Axis(a.name, a.values[:2], a.step) for a in grids.outcome_axes())
    monkeypatch.setattr(grids, "outcome_axes", lambda: small)
    simulated = []
    each_point = grids._each_point

    def counted(compute, points):
        simulated.append(len(points))
        return each_point(compute, points)

    monkeypatch.setattr(grids, "_each_point", counted)
    first = grids.outcome_grid(runs=4)
    assert grids.outcome_grid(runs=4).rows == first.rows
    assert simulated == [8] and len(first.rows) == 8 * len(grids.reviews())
    assert not (not_a_folder / "workshop-kit").exists()
