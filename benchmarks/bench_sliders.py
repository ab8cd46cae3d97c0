"""What one slider move costs in the kernel, story by story.

Live panels send Vega-Lite specs and the browser draws them (kit.live); the SVG rows
show what drawing in the kernel would cost, as the static handouts do (with
kit.display.draw_svg, not chart_svg, whose disk cache would answer repeated values).

Run with ``make bench``. Prints median and 95th percentile over repeated moves,
each move with a different value (so no cache helps). Figures quoted in the README.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from kit import charts, narrate, nocure, referrals
from kit.display import draw_svg
from kit.params import NOCURE, REFERRALS
from kit.widgets import Panel, nocure_slots, referrals_slots

REPEATS = 30


def timed(step: Callable[[int], object], repeats: int = REPEATS) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds of ``step(i)`` over ``repeats`` calls."""
    step(-1)  # warm up imports and caches of the libraries, not of our results
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        step(i)
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times), float(np.percentile(times, 95))


def nocure_values(i: int) -> dict:
    """Story A at 10,000 contracts x 12 months, the volatility moved a step every call."""
    return NOCURE.validate(
        months=12,
        results=[20, 15, 5, 45, 20, 15, 25, 10, 30, 20, 10, 35],
        target=240,
        n_contracts=10_000,
        volatility=0.30 + 0.01 * (i % 100),
    )


def nocure_model(values: dict):
    sims = nocure.simulate(
        values["n_contracts"],
        values["months"],
        values["mean"],
        values["volatility"],
        values["seasonality"],
        seed=values["seed"],
    )
    result = nocure.outcomes(sims, values["target"], **narrate.rule(values))
    around = nocure.regression_table(
        sims, values["target"], values["worried_drop"], values["alarm_drop"]
    )
    risk = nocure.income_risk(sims, **narrate.fees(values))
    return result, around, risk


def nocure_charts(values: dict, model) -> list:
    result, around, risk = model
    lang = values["language"]
    return [
        charts.outcome_bars(narrate.outcome_shares(result), values["n_contracts"], lang),
        charts.regression_chart(around, lang),
        charts.income_chart(risk, lang),
    ]


def nocure_move(i: int, draw: bool) -> list:
    """Model + chart specs (+ SVG when ``draw``) for one move of the volatility slider."""
    values = nocure_values(i)
    specs = [c.to_dict(validate=False) for c in nocure_charts(values, nocure_model(values))]
    return [draw_svg(spec) for spec in specs] if draw else specs


def flywheel_values(i: int, grow: bool) -> dict:
    """Story B at 10,000 runs x 20 years; ``grow`` picks a setting reaching millions of fans."""
    step = 0.001 * (i % 50)  # conversion moved a notch every call
    if grow:
        return REFERRALS.validate(
            years=20, introductions_per_year=2, conversion=0.85 + step, churn=0.05
        )
    return REFERRALS.validate(years=20, conversion=0.55 + step)


def flywheel_move(values: dict, draw: bool) -> list:
    """Simulation + summaries + the band and hunting charts for one move of a slider."""
    args = [values[k] for k in ("years", "introductions_per_year", "conversion", "churn")]
    sims = referrals.simulate(*args, values["fans"], values["runs"], seed=values["seed"])
    band = referrals.band(sims)
    referrals.stalled_share(sims)
    referrals.years_to_reach(sims, values["target_fans"])
    referrals.flywheel_stall_probability(*args[1:], values["fans"])
    comparison = referrals.flywheel_vs_hunting(
        *args, new_logos_per_year=values["new_logos_per_year"], fans=values["fans"], sims=sims
    )
    built = [
        charts.flywheel_band(
            band,
            referrals.compound_table(*args[:2], values["fans"]),
            values["target_fans"],
            values["runs"],
        ),
        charts.hunting_chart(comparison),
    ]
    specs = [c.to_dict(validate=False) for c in built]
    return [draw_svg(spec) for spec in specs] if draw else specs


def main() -> int:
    print("One slider move, story A (no cure, no pay): 10,000 contracts x 12 months")
    rows = [
        ("simulate + rates + income risk", lambda i: nocure_model(nocure_values(i))),
        ("... + rebuild the 3 chart specs", lambda i: nocure_move(i, draw=False)),
        ("... + draw them as SVG in the kernel", lambda i: nocure_move(i, draw=True)),
    ]
    panel = Panel(NOCURE, nocure_values(0), [("", ["volatility"])], nocure_slots())
    rows.append(
        (
            "live panel: volatility moved (kernel side)",
            lambda i: panel.update("volatility", 0.30 + 0.01 * (i % 100)),
        )
    )
    report(rows)
    print("One slider move, story B (referral flywheel): 10,000 runs x 20 years")
    rows = []
    for grow, name in ((False, "defaults"), (True, "millions of fans")):
        rows += [
            (f"{name}: simulate + summaries", lambda i, g=grow: flywheel_model(i, g)),
            (
                f"{name}: ... + rebuild 2 chart specs",
                lambda i, g=grow: flywheel_move(flywheel_values(i, g), draw=False),
            ),
            (
                f"{name}: ... + draw them as SVG",
                lambda i, g=grow: flywheel_move(flywheel_values(i, g), draw=True),
            ),
        ]
    panel = Panel(REFERRALS, flywheel_values(0, False), [("", ["conversion"])], referrals_slots())
    rows.append(
        (
            "live panel: conversion moved (kernel side)",
            lambda i: panel.update("conversion", 0.55 + 0.001 * (i % 50)),
        )
    )
    report(rows)
    return 0


def flywheel_model(i: int, grow: bool) -> None:
    """The model part of a story B move only."""
    values = flywheel_values(i, grow)
    args = [values[k] for k in ("years", "introductions_per_year", "conversion", "churn")]
    sims = referrals.simulate(*args, values["fans"], values["runs"], seed=values["seed"])
    referrals.band(sims)
    referrals.stalled_share(sims)
    referrals.years_to_reach(sims, values["target_fans"])
    referrals.flywheel_stall_probability(*args[1:], values["fans"])


def report(rows: list) -> None:
    """Time every row and print its median and 95th percentile."""
    for label, step in rows:
        median, p95 = timed(step)
        print(f"  {label:<45} median {median:7.1f} ms   p95 {p95:7.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
