"""Altair chart builders: a table in, a chart out.

A builder only draws: every number it shows was computed by the story modules.
Labels come from ``kit/text`` in the chosen language. Every chart gets the same
calm, presentable look (:func:`styled`): large fonts for a projector, no grid
noise, colours that keep their meaning (green pleased, amber worried, red alarm).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd
from altair.utils.schemapi import debug_mode

from kit.text import number, t

WIDTH, HEIGHT = 560, 260
MOOD_COLOURS = {"pleased": "#2e7d32", "worried": "#f2a900", "alarm": "#c62828"}
INK, MUTED, ACCENT = "#1f2933", "#7b8794", "#1565c0"


# One config for every chart, set as a plain dict: altair's configure_* calls deep-copy the
# whole chart each time, which cost more than the simulation behind a slider move.
CONFIG = {
    "view": {"strokeWidth": 0},
    "axis": {
        "labelFontSize": 13,
        "titleFontSize": 13,
        "labelColor": INK,
        "titleColor": INK,
        "gridColor": "#e4e7eb",
        "domainColor": MUTED,
        "tickColor": MUTED,
    },
    "legend": {"labelFontSize": 13, "titleFontSize": 13, "orient": "top"},
    "title": {"fontSize": 16, "fontWeight": "bold", "anchor": "start", "color": INK},
    "text": {"fontSize": 13},
}


def unvalidated(builder: Callable[..., alt.TopLevelMixin]) -> Callable[..., alt.TopLevelMixin]:
    """Build a chart with altair's schema check at construction ("debug mode") off.

    Altair validates every channel, scale and data row as it is created, which cost
    more than the simulation behind a slider move. The builders' specs are validated
    in the tests instead (``tests/test_charts.py``).
    """

    @functools.wraps(builder)
    def build(*args: Any, **kwargs: Any) -> alt.TopLevelMixin:
        with debug_mode(False):
            return builder(*args, **kwargs)

    return build


def inline(table: pd.DataFrame) -> dict:
    """A table as inline rows (``{"values": (...)}``), NaN as null.

    Plain records skip altair's DataFrame sanitising; a tuple, unlike a list, is not
    deep-copied by every chained ``mark_*``/``encode``/``properties`` call. Our tables
    have a few dozen rows at most, so column lists beat pandas' own ``to_dict`` here.
    """
    columns = [str(name) for name in table.columns]
    lists = [[_json_value(v) for v in table[name].tolist()] for name in table.columns]
    return {
        "values": tuple(dict(zip(columns, row, strict=True)) for row in zip(*lists, strict=True))
    }


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and value != value:  # NaN has no JSON form: null
        return None
    if hasattr(value, "item"):  # numpy scalars left in object columns
        return value.item()
    return value


def styled(chart: alt.TopLevelMixin, title: str) -> alt.TopLevelMixin:
    """Give a chart the kit's look: title, fonts for a projector, quiet axes."""
    chart.title = title
    chart.config = CONFIG
    return chart


def highlight(key_column: str, keys: list[str], key: str, colour: str) -> alt.Color:
    """Colour one category (``key``) of ``key_column`` and all other ``keys`` in the accent.

    A scale on the column, not ``alt.condition``: the latter is resolved through the
    JSON schema at build time, which made a chart take tens of milliseconds.
    """
    colours = [colour if k == key else ACCENT for k in keys]
    return alt.Color(f"{key_column}:N", scale=alt.Scale(domain=keys, range=colours), legend=None)


def _label(key: str, language: str) -> str:
    return t(f"nocure.chart.{key}", language)


# -- story A ------------------------------------------------------------------------------------


@unvalidated
def mood_bars(view: pd.DataFrame, language: str = "en") -> alt.TopLevelMixin:
    """Monthly results as bars coloured by the client's mood, labelled with the change.

    Parameters
    ----------
    view : DataFrame
        The output of :func:`kit.nocure.client_view`.
    language : {"en", "nl"}
    """
    moods = list(MOOD_COLOURS)
    data = view.assign(
        mood_label=[t(f"nocure.moods.{m}", language) for m in view["mood"]],
        says=[t(f"nocure.reactions.{r}", language) for r in view["reaction"]],
        change_label=[_signed_percent(c) for c in view["change_pct"]],
        monthly_pace=view["pace"].iloc[0],
    )
    x = alt.X("month:O", title=_label("month", language), axis=alt.Axis(labelAngle=0))
    colour = alt.Color(
        "mood_label:N",
        title=_label("mood", language),
        scale=alt.Scale(
            domain=[t(f"nocure.moods.{m}", language) for m in moods],
            range=list(MOOD_COLOURS.values()),
        ),
    )
    bars = (
        alt.Chart(inline(data))
        .mark_bar(cornerRadiusTopLeft=3, cornerRadiusTopRight=3)
        .encode(
            x=x,
            y=alt.Y("result:Q", title=_label("result", language)),
            color=colour,
            tooltip=[
                alt.Tooltip("month:O", title=_label("month", language)),
                alt.Tooltip("result:Q", title=_label("result", language)),
                alt.Tooltip("change_label:N", title=_label("change", language)),
                alt.Tooltip("says:N", title=_label("mood", language)),
            ],
        )
    )
    labels = (
        alt.Chart(inline(data))
        .mark_text(dy=-8, fontWeight="bold", color=INK)
        .encode(x=x, y=alt.Y("result:Q"), text=alt.Text("change_label:N"))
    )
    pace = (
        alt.Chart(inline(data))
        .mark_rule(strokeDash=[6, 4], color=MUTED)
        .encode(y=alt.Y("mean(monthly_pace):Q"))
    )
    chart = alt.layer(bars, labels, pace).properties(width=WIDTH, height=HEIGHT)
    return styled(chart, _label("months_title", language))


def _signed_percent(change: float) -> str:
    return "" if pd.isna(change) else f"{change:+.0f}%"


@unvalidated
def progress_chart(view: pd.DataFrame, target: float, language: str = "en") -> alt.TopLevelMixin:
    """Cumulative results against the steady pace, with the contract's target as a line."""
    delivered = _label("cumulative", language)
    steady = _label("pace", language)
    data = pd.concat(
        [
            pd.DataFrame(
                {"month": view["month"], "forms": view["cumulative"], "series": delivered}
            ),
            pd.DataFrame({"month": view["month"], "forms": view["pace"], "series": steady}),
        ]
    )
    lines = (
        alt.Chart(inline(data))
        .mark_line(point=True, strokeWidth=3)
        .encode(
            x=alt.X("month:O", title=_label("month", language), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("forms:Q", title=_label("cumulative", language)),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=[delivered, steady], range=[ACCENT, MUTED]),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                legend=None,
                scale=alt.Scale(domain=[delivered, steady], range=[[1, 0], [6, 4]]),
            ),
            tooltip=[alt.Tooltip("month:O"), alt.Tooltip("series:N"), alt.Tooltip("forms:Q")],
        )
    )
    goal = pd.DataFrame(
        {"target": [target], "label": [f"{_label('target', language)}: {target:g}"]}
    )
    rule = alt.Chart(inline(goal)).mark_rule(color=INK).encode(y=alt.Y("target:Q"))
    text = (
        alt.Chart(inline(goal))
        .mark_text(align="left", dx=4, dy=-8, color=INK)
        .encode(y=alt.Y("target:Q"), x=alt.XValue(0), text=alt.Text("label:N"))
    )
    chart = alt.layer(lines, rule, text).properties(width=WIDTH, height=HEIGHT)
    return styled(chart, _label("progress_title", language))


@unvalidated
def outcome_bars(
    shares: dict[str, float], n_contracts: int, language: str = "en"
) -> alt.TopLevelMixin:
    """Horizontal bars: share of simulated contracts per outcome (met, alarm, stop, pitfall)."""
    order = list(shares)
    data = pd.DataFrame(
        {
            "outcome": [t(f"nocure.outcome_labels.{k}", language) for k in order],
            "share": list(shares.values()),
            "key": order,
        }
    )
    y = alt.Y("outcome:N", title=None, sort=None)
    bars = (
        alt.Chart(inline(data))
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=y,
            x=alt.X(
                "share:Q",
                title=_label("share", language),
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=highlight("key", order, "pitfall", MOOD_COLOURS["alarm"]),
        )
    )
    labels = (
        alt.Chart(inline(data))
        .mark_text(align="left", dx=4, color=INK)
        .encode(y=y, x=alt.X("share:Q"), text=alt.Text("share:Q", format=".0%"))
    )
    chart = alt.layer(bars, labels).properties(width=WIDTH, height=150)
    return styled(
        chart, t("nocure.chart.outcomes_title", language, n=number(n_contracts, language))
    )


@unvalidated
def regression_chart(table: pd.DataFrame, language: str = "en") -> alt.TopLevelMixin:
    """Average results the month before, of and after an alarm, against the overall average."""
    data = table.assign(
        step_label=[t(f"nocure.regression_steps.{s}", language) for s in table["step"]]
    )
    x = alt.X("step_label:N", sort=None, title=None, axis=alt.Axis(labelAngle=0))
    bars = (
        alt.Chart(inline(data))
        .mark_bar(size=60, cornerRadiusTopLeft=3, cornerRadiusTopRight=3)
        .encode(
            x=x,
            y=alt.Y("average:Q", title=_label("average", language)),
            color=highlight("step", list(table["step"]), "alarm", MOOD_COLOURS["alarm"]),
            tooltip=[alt.Tooltip("average:Q", format=".1f")],
        )
    )
    labels = (
        alt.Chart(inline(data))
        .mark_text(dy=-8, color=INK)
        .encode(x=x, y=alt.Y("average:Q"), text=alt.Text("average:Q", format=".1f"))
    )
    overall = (
        alt.Chart(inline(data.head(1)))
        .mark_rule(strokeDash=[6, 4], color=INK)
        .encode(y=alt.Y("overall:Q"))
    )
    overall_label = (
        alt.Chart(inline(data.head(1)))
        .mark_text(align="center", dy=-8, x=WIDTH / 2, color=INK)
        .encode(y=alt.Y("overall:Q"), text=alt.TextValue(_label("overall", language)))
    )
    chart = alt.layer(bars, labels, overall, overall_label).properties(width=WIDTH, height=HEIGHT)
    return styled(chart, _label("regression_title", language))


@unvalidated
def income_chart(risk: pd.DataFrame, language: str = "en") -> alt.TopLevelMixin:
    """The spread of one month's income per scheme: 5-95% whisker, middle half, median tick."""
    data = risk.assign(scheme_label=[t(f"nocure.schemes.{s}", language) for s in risk["scheme"]])
    y = alt.Y("scheme_label:N", title=None, sort=None)
    money = alt.Axis(format="$,.0f")
    whisker = (
        alt.Chart(inline(data))
        .mark_rule(strokeWidth=2, color=MUTED)
        .encode(
            y=y, x=alt.X("p5:Q", title=_label("income", language), axis=money), x2=alt.X2("p95:Q")
        )
    )
    box = (
        alt.Chart(inline(data))
        .mark_bar(size=22, color=ACCENT, opacity=0.85)
        .encode(
            y=y,
            x=alt.X("p25:Q"),
            x2=alt.X2("p75:Q"),
            tooltip=[
                alt.Tooltip(f"{c}:Q", format="$,.0f")
                for c in ("worst", "p5", "median", "p95", "mean")
            ],
        )
    )
    median = (
        alt.Chart(inline(data))
        .mark_tick(size=30, thickness=3, color=INK)
        .encode(y=y, x=alt.X("median:Q"))
    )
    chart = alt.layer(whisker, box, median).properties(width=WIDTH, height=170)
    return styled(chart, _label("income_title", language))


# -- story B ------------------------------------------------------------------------------------


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
