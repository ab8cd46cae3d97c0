"""Story B's charts: each draws a table the story computed (:mod:`kit.stories.look` styles it)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from kit.stories.look import (
    ACCENT,
    HEIGHT,
    INK,
    MOOD_COLOURS,
    WIDTH,
    inline,
    styled,
    unvalidated,
)
from kit.text import number, t


def _b(key: str, language: str, **fields) -> str:
    return t(f"referrals.chart.{key}", language, **fields)


def _fans_scale(scale: str) -> alt.Scale:
    # a log axis cannot show 0 fans; "symlog" keeps 0 while spreading the big numbers
    return alt.Scale(type="symlog") if scale == "log" else alt.Scale(type="linear")


@unvalidated
def generation_bars(table: pd.DataFrame, language: str = "en") -> alt.TopLevelMixin:
    """People reached per generation of introductions, labelled with the running total.

    Parameters
    ----------
    table : DataFrame
        :func:`kit.referrals.generation_table` (``generation``, ``new``, ``total``).
    """
    data = table.assign(
        new=table["new"].astype(float),
        label=[number(n, language) for n in table["new"]],
    )
    x = alt.X("generation:O", title=_b("generation", language), axis=alt.Axis(labelAngle=0))
    bars = (
        alt.Chart(inline(data))
        .mark_bar(color=ACCENT, cornerRadiusTopLeft=3, cornerRadiusTopRight=3)
        .encode(
            x=x,
            y=alt.Y("new:Q", title=_b("new_people", language)),
            tooltip=[alt.Tooltip("new:Q", format=","), alt.Tooltip("total:Q", format=",")],
        )
    )
    labels = (
        alt.Chart(inline(data))
        .mark_text(dy=-8, color=INK, fontWeight="bold")
        .encode(x=x, y=alt.Y("new:Q"), text=alt.Text("label:N"))
    )
    chart = alt.layer(bars, labels).properties(width=WIDTH, height=HEIGHT)
    return styled(chart, _b("tree_title", language))


@unvalidated
def doubling_chart(
    table: pd.DataFrame, language: str = "en", scale: str = "linear"
) -> alt.TopLevelMixin:
    """Fans per year when every fan brings new fans and nobody leaves (the article's 1,024)."""
    data = table.assign(fans=table["fans"].astype(float))
    x = alt.X("year:O", title=_b("year", language), axis=alt.Axis(labelAngle=0))
    bars = (
        alt.Chart(inline(data))
        .mark_bar(color=MOOD_COLOURS["pleased"], cornerRadiusTopLeft=3, cornerRadiusTopRight=3)
        .encode(
            x=x,
            y=alt.Y("fans:Q", title=_b("fans", language), scale=_fans_scale(scale)),
            tooltip=[alt.Tooltip("year:O"), alt.Tooltip("fans:Q", format=",")],
        )
    )
    last = data.tail(1).assign(label=[number(v, language) for v in data["fans"].tail(1)])
    label = (
        alt.Chart(inline(last))
        .mark_text(dy=-8, color=INK, fontWeight="bold")
        .encode(x=x, y=alt.Y("fans:Q"), text=alt.Text("label:N"))
    )
    chart = alt.layer(bars, label).properties(width=WIDTH, height=HEIGHT)
    return styled(chart, _b("doubling_title", language))


@unvalidated
def flywheel_band(
    band: pd.DataFrame,
    promised: pd.DataFrame,
    target_fans: int,
    runs: int,
    language: str = "en",
    scale: str = "linear",
) -> alt.TopLevelMixin:
    """The simulated spread per year (middle 80%), the median and mean, against the promise.

    Parameters
    ----------
    band : DataFrame
        :func:`kit.referrals.band` (``year``, ``low``, ``median``, ``high``, ``mean``).
    promised : DataFrame
        :func:`kit.referrals.compound_table` for the same years: the article's arithmetic.
    target_fans : int
        Drawn as a horizontal goal line.
    runs : int
        Number of simulated runs, for the title.
    """
    middle, median, mean = _b("band_middle", language), _b("median", language), _b("mean", language)
    promise = _b("promised", language)
    lines = pd.concat(
        [
            pd.DataFrame({"year": band["year"], "fans": band["median"], "series": median}),
            pd.DataFrame({"year": band["year"], "fans": band["mean"], "series": mean}),
            pd.DataFrame(
                {
                    "year": promised["year"],
                    "fans": promised["fans"].astype(float),
                    "series": promise,
                }
            ),
        ]
    )
    y_scale = _fans_scale(scale)
    x = alt.X("year:Q", title=_b("year", language), axis=alt.Axis(tickMinStep=1, format="d"))
    area = (
        alt.Chart(inline(band.assign(series=middle)))
        .mark_area(opacity=0.25, color=ACCENT)
        .encode(
            x=x,
            y=alt.Y("low:Q", title=_b("fans", language), scale=y_scale),
            y2=alt.Y2("high:Q"),
            tooltip=[
                alt.Tooltip("year:Q"),
                alt.Tooltip("low:Q", format=",.0f"),
                alt.Tooltip("high:Q", format=",.0f"),
            ],
        )
    )
    series = [median, mean, promise]
    trend = (
        alt.Chart(inline(lines))
        .mark_line(strokeWidth=3)
        .encode(
            x=x,
            y=alt.Y("fans:Q", scale=y_scale),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=series, range=[ACCENT, INK, MOOD_COLOURS["pleased"]]),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                legend=None,
                scale=alt.Scale(domain=series, range=[[1, 0], [2, 3], [6, 4]]),
            ),
            tooltip=[
                alt.Tooltip("year:Q"),
                alt.Tooltip("series:N"),
                alt.Tooltip("fans:Q", format=",.0f"),
            ],
        )
    )
    goal = pd.DataFrame(
        {
            "fans": [float(target_fans)],
            "label": [_b("target", language, target=number(target_fans, language))],
        }
    )
    rule = (
        alt.Chart(inline(goal))
        .mark_rule(color=MOOD_COLOURS["alarm"])
        .encode(y=alt.Y("fans:Q", scale=y_scale))
    )
    rule_label = (
        alt.Chart(inline(goal))
        .mark_text(align="left", dx=4, dy=-8, color=MOOD_COLOURS["alarm"])
        .encode(y=alt.Y("fans:Q", scale=y_scale), x=alt.XValue(0), text=alt.Text("label:N"))
    )
    chart = alt.layer(area, trend, rule, rule_label).properties(width=WIDTH, height=HEIGHT)
    return styled(chart, _b("band_title", language, runs=number(runs, language)))


@unvalidated
def hunting_chart(
    comparison: pd.DataFrame, language: str = "en", scale: str = "linear"
) -> alt.TopLevelMixin:
    """Clients per year: the flywheel (average and typical run) against new-logo hunting.

    Parameters
    ----------
    comparison : DataFrame
        :func:`kit.referrals.flywheel_vs_hunting` with ``flywheel_median``.
    """
    names = {
        "flywheel": _b("flywheel", language),
        "flywheel_median": _b("flywheel_median", language),
        "hunting": _b("hunting", language),
    }
    columns = [c for c in names if c in comparison]
    data = comparison.melt("year", value_vars=columns, var_name="key", value_name="clients")
    data["series"] = data["key"].map(names)
    domain = [names[c] for c in columns]
    palette = {"flywheel": INK, "flywheel_median": ACCENT, "hunting": MOOD_COLOURS["worried"]}
    chart = (
        alt.Chart(inline(data))
        .mark_line(strokeWidth=3, point=True)
        .encode(
            x=alt.X("year:Q", title=_b("year", language), axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("clients:Q", title=_b("clients", language), scale=_fans_scale(scale)),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=domain, range=[palette[c] for c in columns]),
            ),
            tooltip=[
                alt.Tooltip("year:Q"),
                alt.Tooltip("series:N"),
                alt.Tooltip("clients:Q", format=",.0f"),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )
    return styled(chart, _b("hunting_title", language))
