"""What one slider move costs in the kernel, story by story.

Run with ``make bench``. Prints median and 95th percentile over repeated moves,
each move with a different value (so no cache helps). Figures quoted in the README.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from kit import charts, narrate, nocure
from kit.display import chart_svg
from kit.params import NOCURE
from kit.widgets import Panel, nocure_slots

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
    return [chart_svg(spec) for spec in specs] if draw else specs


def main() -> int:
    print("One slider move, story A (no cure, no pay): 10,000 contracts x 12 months")
    rows = [
        ("simulate + rates + income risk", lambda i: nocure_model(nocure_values(i))),
        ("... + rebuild the 3 chart specs", lambda i: nocure_move(i, draw=False)),
        ("... + draw them as SVG (vl-convert)", lambda i: nocure_move(i, draw=True)),
    ]
    panel = Panel(NOCURE, nocure_values(0), [("", ["volatility"])], nocure_slots())
    rows.append(
        (
            "panel: volatility slider moved, all redrawn",
            lambda i: panel.update("volatility", 0.30 + 0.01 * (i % 100)),
        )
    )
    for label, step in rows:
        median, p95 = timed(step)
        print(f"  {label:<45} median {median:7.1f} ms   p95 {p95:7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
