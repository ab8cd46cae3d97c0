"""Story B's charts: each draws a table the story computed (:mod:`kit.stories.look` styles it)."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from kit.cache import digest
from kit.stories.base import ChartRows, drawn_from
from kit.stories.look import (
    ACCENT,
    HEIGHT,
    INK,
    MOOD_COLOURS,
    MUTED,
    WIDTH,
    inline,
    styled,
    unvalidated,
)
from kit.stories.referrals.narrate import count
from kit.text import number, t

# The article's promise (bars and dashed line): green, apart from the blues of the runs
PROMISE = "#2e7d32"


def _b(key: str, language: str, **fields) -> str:
    return t(f"referrals.chart.{key}", language, **fields)


# Counts as the room reads them (1,000 or 1.000); beyond 10**15 as 1.6e+24, not 25 digits
COUNT_AXIS = alt.Axis(
    labelExpr="abs(datum.value) >= 1e15 ? format(datum.value, '.1e') : format(datum.value, ',')"
)


def _fans_scale(scale: str) -> alt.Scale:
    # a log axis cannot show 0 fans; "symlog" keeps 0 while spreading the big numbers
    return alt.Scale(type="symlog") if scale == "log" else alt.Scale(type="linear")


def generation_rows(table: pd.DataFrame, language: str = "en") -> ChartRows:
    """The rows of :func:`generation_bars`: one per generation, with its label."""
    # floats: Vega-Lite's JSON takes no integer beyond 64 bits (100 ** 12 people)
    labels = [count(n, language) for n in table["new"]]
    if len(labels) > 7 or max(map(len, labels)) > 9:
        labels = [""] * (len(labels) - 1) + labels[-1:]  # would overlap: label the last bar
    data = table.assign(
        new=table["new"].astype(float),
        total=table["total"].astype(float),
        label=labels,
    )
    return ChartRows((language,), {"generations": inline(data)["values"]})


@drawn_from(generation_rows)
@unvalidated
def generation_bars(table: pd.DataFrame, language: str = "en") -> alt.TopLevelMixin:
    """People reached per generation of introductions, labelled with the running total.

    Parameters
    ----------
    table : DataFrame
        :func:`kit.referrals.generation_table` (``generation``, ``new``, ``total``).
    """
    rows = generation_rows(table, language)
    x = alt.X("generation:O", title=_b("generation", language), axis=alt.Axis(labelAngle=0))
    bars = (
        alt.Chart(rows.data("generations"))
        .mark_bar(color=ACCENT, cornerRadiusTopLeft=3, cornerRadiusTopRight=3)
        .encode(
            x=x,
            y=alt.Y("new:Q", title=_b("new_people", language), axis=COUNT_AXIS),
            tooltip=[alt.Tooltip("new:Q", format=",.0f"), alt.Tooltip("total:Q", format=",.0f")],
        )
    )
    labels = (
        alt.Chart(rows.data("generations"))
        .mark_text(dy=-8, color=INK, fontWeight="bold")
        .encode(x=x, y=alt.Y("new:Q"), text=alt.Text("label:N"))
    )
    chart = alt.layer(bars, labels).properties(width=WIDTH, height=HEIGHT)
    return styled(chart, _b("tree_title", language))


def doubling_rows(table: pd.DataFrame, language: str = "en", scale: str = "linear") -> ChartRows:
    """The rows of :func:`doubling_chart`: fans per year, and the last year labelled."""
    data = table.assign(fans=table["fans"].astype(float))
    last = data.tail(1).assign(label=[count(v, language) for v in data["fans"].tail(1)])
    return ChartRows(
        (language, scale), {"years": inline(data)["values"], "last": inline(last)["values"]}
    )


@drawn_from(doubling_rows)
@unvalidated
def doubling_chart(
    table: pd.DataFrame, language: str = "en", scale: str = "linear"
) -> alt.TopLevelMixin:
    """Fans per year when every fan brings new fans and nobody leaves (the article's 1,024)."""
    rows = doubling_rows(table, language, scale)
    x = alt.X("year:O", title=_b("year", language), axis=alt.Axis(labelAngle=0))
    bars = (
        alt.Chart(rows.data("years"))
        .mark_bar(color=PROMISE, cornerRadiusTopLeft=3, cornerRadiusTopRight=3)
        .encode(
            x=x,
            y=alt.Y(
                "fans:Q", title=_b("fans", language), scale=_fans_scale(scale), axis=COUNT_AXIS
            ),
            tooltip=[alt.Tooltip("year:O"), alt.Tooltip("fans:Q", format=",.0f")],
        )
    )
    label = (
        alt.Chart(rows.data("last"))
        .mark_text(dy=-8, color=INK, fontWeight="bold")
        .encode(x=x, y=alt.Y("fans:Q"), text=alt.Text("label:N"))
    )
    chart = alt.layer(bars, label).properties(width=WIDTH, height=HEIGHT)
    return styled(chart, _b("doubling_title", language))


def band_rows(
    band: pd.DataFrame,
    promised: pd.DataFrame,
    target_fans: int,
    runs: int,
    language: str = "en",
    scale: str = "linear",
) -> ChartRows:
    """The rows of :func:`flywheel_band`: the band, the three lines and the goal."""
    middle, median, mean = _b("band_middle", language), _b("median", language), _b("mean", language)
    years, promised_years = band["year"].tolist(), promised["year"].tolist()
    lines = [
        *_series_rows("fans", years, band["median"], median),
        *_series_rows("fans", years, band["mean"], mean),
        *_series_rows("fans", promised_years, promised["fans"], _b("promised", language)),
    ]
    goal = pd.DataFrame(
        {
            "fans": [float(target_fans)],
            "label": [_b("target", language, target=count(target_fans, language))],
        }
    )
    tables = {
        "band": inline(band.assign(series=middle))["values"],
        "lines": tuple(lines),
        "goal": inline(goal)["values"],
    }
    return ChartRows((language, scale, runs), tables)


def _series_rows(
    value: str, years: list[int], values: pd.Series, series: str, key: str | None = None
) -> list[dict]:
    """One line's rows in long form (``year``, ``value``, ``series``): a gap is null.

    The values as floats, as pandas gives them when it stacks several lines in one column;
    with ``key`` (the line's column) the rows also name it, and gaps are left out.
    """
    pairs = zip(years, values.astype(float).tolist(), strict=True)
    if key is None:
        return [{"year": y, value: v if v == v else None, "series": series} for y, v in pairs]
    return [{"year": y, "key": key, value: v, "series": series} for y, v in pairs if v == v]


@drawn_from(band_rows)
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
    rows = band_rows(band, promised, target_fans, runs, language, scale)
    y_scale = _fans_scale(scale)
    x = alt.X("year:Q", title=_b("year", language), axis=alt.Axis(tickMinStep=1, format="d"))
    # the band has its own legend entry (fill), beside the lines' (colour and dash)
    area = (
        alt.Chart(rows.data("band"))
        .mark_area(opacity=0.25)
        .encode(
            x=x,
            y=alt.Y("low:Q", title=_b("fans", language), scale=y_scale, axis=COUNT_AXIS),
            y2=alt.Y2("high:Q"),
            fill=alt.Fill("series:N", title=None, scale=alt.Scale(domain=[middle], range=[ACCENT])),
            tooltip=[
                alt.Tooltip("year:Q"),
                alt.Tooltip("low:Q", format=",.0f"),
                alt.Tooltip("high:Q", format=",.0f"),
            ],
        )
    )
    series = [median, mean, promise]
    trend = (
        alt.Chart(rows.data("lines"))
        .mark_line(strokeWidth=3)
        .encode(
            x=x,
            y=alt.Y("fans:Q", scale=y_scale),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=series, range=[ACCENT, INK, PROMISE]),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                title=None,
                scale=alt.Scale(domain=series, range=[[1, 0], [2, 3], [6, 4]]),
            ),
            tooltip=[
                alt.Tooltip("year:Q"),
                alt.Tooltip("series:N"),
                alt.Tooltip("fans:Q", format=",.0f"),
            ],
        )
    )
    rule = (
        alt.Chart(rows.data("goal"))
        .mark_rule(color=MOOD_COLOURS["alarm"])
        .encode(y=alt.Y("fans:Q", scale=y_scale))
    )
    rule_label = (
        alt.Chart(rows.data("goal"))
        .mark_text(align="left", dx=4, dy=-8, color=MOOD_COLOURS["alarm"])
        .encode(y=alt.Y("fans:Q", scale=y_scale), x=alt.XValue(0), text=alt.Text("label:N"))
    )
    chart = alt.layer(area, trend, rule, rule_label).properties(width=WIDTH, height=HEIGHT)
    title = (
        _b("band_title_one", language)
        if runs == 1
        else _b("band_title", language, runs=number(runs, language))
    )
    return styled(chart, title)


def hunting_rows(
    comparison: pd.DataFrame,
    language: str = "en",
    scale: str = "linear",
    horizon: int | None = None,
    passing: int | None = None,
) -> ChartRows:
    """The rows of :func:`hunting_chart`; its shape says which lines and marks it has."""
    names = _hunting_names(language)
    columns = [c for c in names if c in comparison]
    years = comparison["year"].tolist()
    lines = [
        row
        for column in columns
        for row in _series_rows("clients", years, comparison[column], names[column], column)
    ]
    tables = {"lines": tuple(lines)}
    last = int(comparison["year"].iloc[-1])
    edge = horizon is not None and horizon < last
    if edge:
        rows = pd.DataFrame({"year": [horizon], "label": [_b("horizon", language, years=horizon)]})
        tables["edge"] = inline(rows)["values"]
    passes = passing is not None and passing <= last
    if passes:
        row = comparison[comparison["year"] == passing].iloc[0]
        point = pd.DataFrame(
            {
                "year": [passing],
                "clients": [float(row["flywheel"])],
                "label": [_b("passes", language, year=passing)],
            }
        )
        tables["passing"] = inline(point)["values"]
    return ChartRows((language, scale, tuple(columns), edge, passes), tables)


def _hunting_names(language: str) -> dict[str, str]:
    return {
        "flywheel": _b("flywheel", language),
        "flywheel_median": _b("flywheel_median", language),
        "hunting": _b("hunting", language),
    }


@drawn_from(hunting_rows)
@unvalidated
def hunting_chart(
    comparison: pd.DataFrame,
    language: str = "en",
    scale: str = "linear",
    horizon: int | None = None,
    passing: int | None = None,
) -> alt.TopLevelMixin:
    """Clients per year: the flywheel (average and typical run) against new-logo hunting.

    Parameters
    ----------
    comparison : DataFrame
        :func:`kit.referrals.flywheel_vs_hunting` with ``flywheel_median`` (NaN in years
        that were not simulated).
    horizon : int, optional
        The room's years; when the table goes on beyond them a rule marks where.
    passing : int, optional
        The year the average flywheel passes the hunter: labelled on its line.
    """
    names = _hunting_names(language)
    columns = [c for c in names if c in comparison]
    rows = hunting_rows(comparison, language, scale, horizon, passing)
    domain = [names[c] for c in columns]
    palette = {"flywheel": INK, "flywheel_median": ACCENT, "hunting": MOOD_COLOURS["worried"]}
    y_scale = _fans_scale(scale)
    x = alt.X("year:Q", title=_b("year", language), axis=alt.Axis(tickMinStep=1, format="d"))
    lines = (
        alt.Chart(rows.data("lines"))
        .mark_line(strokeWidth=3, point=True)
        .encode(
            x=x,
            y=alt.Y("clients:Q", title=_b("clients", language), scale=y_scale, axis=COUNT_AXIS),
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
    )
    layers = [lines]
    if "edge" in rows.tables:
        rule = alt.Chart(rows.data("edge")).mark_rule(color=MUTED, strokeDash=[4, 4])
        layers.append(rule.encode(x=x))
        layers.append(
            alt.Chart(rows.data("edge"))
            .mark_text(align="right", dx=-4, baseline="top", color=MUTED)
            .encode(x=x, y=alt.YValue(0), text=alt.Text("label:N"))
        )
    if "passing" in rows.tables:
        layers.append(
            alt.Chart(rows.data("passing"))
            .mark_text(align="right", dx=-8, dy=-10, color=INK, fontWeight="bold")
            .encode(x=x, y=alt.Y("clients:Q", scale=y_scale), text=alt.Text("label:N"))
        )
    chart = alt.layer(*layers).properties(width=WIDTH, height=HEIGHT)
    return styled(chart, _b("hunting_title", language))


def map_rows(
    table: pd.DataFrame,
    conversion: float,
    churn: float,
    new_logos_per_year: int,
    language: str = "en",
    years: int = 50,
) -> ChartRows:
    """The rows of :func:`passing_map_chart`: its squares, and the room's square.

    Its shape holds the legend's groups that are present (they change the legend) and
    the squares' digest: the squares are kept in the chart's skeleton, since a move of
    conversion or churn only moves the room's square.
    """
    squares, shown, squares_digest = _squares(table, language, years)
    you = pd.DataFrame(
        {
            "conversion": [_nearest(conversion, table["conversion"])],
            "churn": [_nearest(churn, table["churn"])],
            "label": [_b("you", language)],
        }
    )
    shape = (language, years, new_logos_per_year, shown, squares_digest)
    return ChartRows(shape, {"you": inline(you)["values"]}, kept={"squares": squares})


_squares_read: dict[tuple[int, str, int], tuple[pd.DataFrame, tuple, tuple, str]] = {}


def _squares(table: pd.DataFrame, language: str, years: int) -> tuple[tuple, tuple[str, ...], str]:
    """The map's squares as rows, the legend's groups among them, and the rows' digest.

    A story keeps its map's table while conversion and churn move (they only move the
    room's square), so the 441 squares are read once per table, language and years.
    """
    key = (id(table), language, years)
    read = _squares_read.get(key)
    if read is not None and read[0] is table:
        return read[1:]
    groups = _map_groups(language, years)
    data = table.assign(
        conversion=(100 * table["conversion"]).round().astype(int),
        churn=(100 * table["churn"]).round().astype(int),
        label=[("" if pd.isna(y) else str(int(y))) for y in table["year"]],
        # squares outside the green scale still get drawn, in a colour of their own
        group=[
            groups["never"] if pd.isna(y) else groups["later"] if y > years else None
            for y in table["year"]
        ],
    )
    shown = tuple(g for g in groups.values() if (data["group"] == g).any())
    if len(_squares_read) >= 8:  # a few tables at most: the room's language and years
        _squares_read.clear()
    squares = inline(data)["values"]
    rows_digest = digest(json.dumps(squares))
    _squares_read[key] = (table, squares, shown, rows_digest)
    return squares, shown, rows_digest


MAP_LIMIT = 50
"""The years the passing map looks at."""


def _map_groups(language: str, years: int) -> dict[str, str]:
    return {
        "later": _b("later_than", language, years=years),
        "never": _b("not_within", language, limit=MAP_LIMIT),
    }


@drawn_from(map_rows)
@unvalidated
def passing_map_chart(
    table: pd.DataFrame,
    conversion: float,
    churn: float,
    new_logos_per_year: int,
    language: str = "en",
    years: int = 50,
) -> alt.TopLevelMixin:
    """The year the average flywheel passes the hunter, over conversion x churn.

    Squares where it passes within the room's ``years`` are green (darker: sooner);
    later passes are pale, with their year; squares where it does not pass within 50
    years are grey and empty.

    Parameters
    ----------
    table : DataFrame
        :func:`kit.referrals.passing_map` (``conversion``, ``churn``, ``year``; NaN when
        not within the years looked at).
    conversion, churn : float
        The room's setting, framed on the map (the nearest square).
    new_logos_per_year : int
        The hunter's new logos a year, for the title.
    years : int, default 50
        The room's horizon: the passes within it are the green squares.
    """
    groups = _map_groups(language, years)
    rows = map_rows(table, conversion, churn, new_logos_per_year, language, years)
    shown = list(_squares(table, language, years)[1])  # the legend's groups present
    sort = alt.SortOrder("ascending")
    x = alt.X(
        "conversion:O",
        title=_b("conversion", language) + " (%)",
        sort=sort,
        axis=alt.Axis(labelAngle=0, labelExpr="datum.value % 10 == 0 ? datum.value : ''"),
    )
    y = alt.Y(
        "churn:O",
        title=_b("churn", language) + " (%)",
        sort=sort,
        axis=alt.Axis(labelExpr="datum.value % 10 == 0 ? datum.value : ''"),
    )
    # the rows go in once, on the layer: chained calls on a chart with data deep-copy it
    squares = alt.Chart().encode(x=x, y=y)
    # 441 squares: no description per square (the chart has one), or the SVG triples
    outside = (
        squares.transform_filter("datum.group != null")
        .mark_rect(aria=False)
        .encode(
            fill=alt.Fill(
                "group:N",
                title=None,
                scale=alt.Scale(domain=list(groups.values()), range=[PALE_GREEN, "#e4e7eb"]),
                legend=alt.Legend(symbolType="square", values=shown),
            )
        )
    )
    within = (
        squares.transform_filter("datum.group == null")
        .mark_rect(aria=False)
        .encode(
            color=alt.Color(
                "year:Q",
                title=_b("passing_year", language),
                scale=alt.Scale(scheme="greens", reverse=True, domain=[1, max(years, 2)]),
                legend=alt.Legend(format="d", values=_year_ticks(years)),
            ),
        )
    )
    labels = squares.mark_text(fontSize=9, aria=False).encode(
        text=alt.Text("label:N"),
        color=alt.condition(f"datum.year <= {years / 2}", alt.value("white"), alt.value(INK)),
    )
    mark = (
        alt.Chart(rows.data("you"))
        .mark_rect(fill=None, strokeWidth=3)
        .encode(
            x=x,
            y=y,
            stroke=alt.Stroke(
                "label:N",
                title=None,
                scale=alt.Scale(domain=[_b("you", language)], range=[MOOD_COLOURS["alarm"]]),
                legend=alt.Legend(symbolType="square", symbolFillColor="white"),
            ),
        )
    )
    # the legends in the layers' order: the green years, then the later and empty squares
    chart = (
        alt.layer(within, outside, labels, mark, data=rows.data("squares"))
        .resolve_scale(color="independent", fill="independent", stroke="independent")
        .properties(width=WIDTH, height=WIDTH * 0.6)
    )
    return styled(chart, _b("map_title", language, logos=number(new_logos_per_year, language)))


PALE_GREEN = "#dfeee0"  # a pass, but later than the room's years


def _year_ticks(years: int) -> list[int]:
    """At most five whole years from 1 to ``years`` for the colour legend."""
    return sorted({round(1 + (years - 1) * i / 4) for i in range(5)})


def _nearest(value: float, grid: pd.Series) -> int:
    """The grid's value nearest to ``value``, in whole percent (the square to frame)."""
    steps = grid.unique()
    return int(round(100 * steps[abs(steps - value).argmin()]))
