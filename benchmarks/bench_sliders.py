"""What one slider move costs in the kernel, story by story, against the plain simulation.

Each story's scenes say which parts a parameter redraws; a move here is what the live
panel does: ``story.moved({...})`` and the board items of the parts that depend on the
moved parameter (each chart's Vega-Lite spec built once per shape, then only its rows:
:func:`kit.live.board.chart_board_item`; the browser draws them). Two floors are timed in
the same run: 1, the story's simulation alone, called as a plain model function (the
issue's floor); 2, every model result the move needs (the simulation and what the story
computes from it, through the story's own results: no chart, no sentence, no message).
The SVG rows show
what drawing in the kernel would cost, as the static handouts do
(:func:`kit.live.display.draw_svg`, not the disk-cached ``chart_svg``).

Run with ``make bench``. Prints median and 95th percentile over repeated moves, each
move with a different value (so no result is reused), and the ratios of the medians.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from kit import nocure, referrals
from kit.live.display import draw_svg
from kit.live.panel import Panel, board_item
from kit.stories.base import Chart, Story
from kit.stories.nocure.story import NoCureStory
from kit.stories.referrals.story import ReferralsStory

REPEATS = 30

STORY_A = NoCureStory(
    months=12,
    results=[20, 15, 5, 45, 20, 15, 25, 10, 30, 20, 10, 35],
    target=240,
    n_contracts=10_000,
)
STORY_B = ReferralsStory(years=20)
STORY_B_GROWING = ReferralsStory(years=20, introductions_per_year=2, conversion=0.85, churn=0.05)


def timed(steps: list[Callable[[int], object]], repeats: int = REPEATS) -> list[list[float]]:
    """Milliseconds of each ``step(i)``, the steps taken in turn for every ``i``.

    Taken in turn, a floor and the moves measured against it share the machine's load
    of the moment (it is shared, and its load moves by the minute).
    """
    for step in steps:
        step(-1)  # warm up imports and caches of the libraries, not of our results
    times: list[list[float]] = [[] for _ in steps]
    for i in range(repeats):
        for step, taken in zip(steps, times, strict=True):
            start = time.perf_counter()
            step(i)
            taken.append(1000 * (time.perf_counter() - start))
    return times


def volatility(i: int) -> float:
    """Story A's volatility slider, a notch further every call."""
    return 0.30 + 0.01 * (i % 100)


def conversion(story: Story, i: int) -> float:
    """Story B's conversion slider, a notch further every call."""
    return story["conversion"] + 0.001 * (i % 50)


def plain_a(i: int) -> object:
    """The floor for story A: the simulation as a participant would call it."""
    v = STORY_A.values
    return nocure.simulate(v["n_contracts"], 12, v["mean"], volatility(i), v["seasonality"], 2024)


def plain_b(story: Story) -> Callable[[int], object]:
    """The floor for story B: the simulation as a participant would call it."""
    v = story.values

    def run(i: int) -> object:
        return referrals.simulate(
            v["years"],
            v["introductions_per_year"],
            conversion(story, i),
            v["churn"],
            1,
            10_000,
            2024,
        )

    return run


def move(story: Story, name: str, value: Callable[[int], float], draw: bool = False):
    """One move through the scenes: the moved story and every part that depends on ``name``."""
    parts = [part for part in story.parts() if name in part.depends]

    def run(i: int) -> list:
        moved = story.moved({name: value(i)})
        items = [board_item(part, moved) for part in parts]
        if draw:
            return [
                draw_svg(part.draw(moved).to_dict()) for part in parts if isinstance(part, Chart)
            ]
        return items

    return run


def results_move(story: Story, name: str, value: Callable[[int], float]):
    """Floor 2: every model result a move needs, through the story, nothing drawn.

    Which results a move computes is read once, from a move through the scenes: the
    results the moved story computed that it did not carry over.
    """
    for part in story.parts():
        board_item(part, story)  # every result of the starting story, computed once
    moved = story.moved({name: value(-2)})
    carried = set(moved._results)
    for part in story.parts():
        if name in part.depends:
            board_item(part, moved)
    needed = [result for result in moved._results if result not in carried]

    def run(i: int) -> list:
        moved = story.moved({name: value(i)})
        return [getattr(moved, result) for result in needed]

    run.needed = needed
    return run


def panel_move(story: Story, name: str, value: Callable[[int], float]):
    """The live panel's whole move in the kernel: validation, parts, the board message."""
    panel = Panel(story)
    return lambda i: panel.update(name, value(i))


def main() -> int:
    print("One slider move, story A (no cure, no pay): 10,000 contracts x 12 months")
    report(
        plain_a,
        results_move(STORY_A, "volatility", volatility),
        [
            ("scenes: volatility moved (specs)", move(STORY_A, "volatility", volatility)),
            ("... + drawn as SVG in the kernel", move(STORY_A, "volatility", volatility, True)),
            ("live panel: volatility moved", panel_move(STORY_A, "volatility", volatility)),
        ],
    )
    for label, story in (("defaults", STORY_B), ("millions of fans", STORY_B_GROWING)):
        print(f"One slider move, story B (referral flywheel, {label}): 10,000 runs x 20 years")
        value = lambda i, s=story: conversion(s, i)  # noqa: E731 - one line per row
        report(
            plain_b(story),
            results_move(story, "conversion", value),
            [
                ("scenes: conversion moved (specs)", move(story, "conversion", value)),
                ("... + drawn as SVG in the kernel", move(story, "conversion", value, True)),
                ("live panel: conversion moved", panel_move(story, "conversion", value)),
            ],
        )
    return 0


def report(floor: Callable[[int], object], results: Callable[[int], object], rows: list) -> None:
    """Time both floors and every row in turn: medians, 95th percentiles, ratios to both floors."""
    labels = ["floor 1: the plain simulation", "floor 2: the model results it needs"]
    labels += [label for label, _ in rows]
    times = timed([floor, results, *(step for _, step in rows)])
    medians = [statistics.median(taken) for taken in times]
    base, needed = medians[:2]
    for index, (label, taken, median) in enumerate(zip(labels, times, medians, strict=True)):
        p95 = float(np.percentile(taken, 95))
        line = f"  {label:<40} median {median:7.1f} ms   p95 {p95:7.1f} ms"
        if index == 1:
            line += f"   {median / base:4.2f}x floor 1"
        elif index > 1:
            line += f"   {median / base:4.2f}x floor 1, {median / needed:4.2f}x floor 2"
        print(line)
        if index == 1:
            print(f"    ({', '.join(results.needed)})")


if __name__ == "__main__":
    sys.exit(main())
