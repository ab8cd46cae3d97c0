"""Story A's charts: each draws a table the story computed (:mod:`kit.stories.look` styles it)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from kit.stories.base import ChartRows, drawn_from
from kit.stories.look import (
    ACCENT,
    HEIGHT,
    INK,
    MOOD_COLOURS,
    MOOD_SHAPES,
    MUTED,
    WIDTH,
    highlight,
    inline,
    inline_columns,
    styled,
    unvalidated,
)
from kit.text import number, t


def _label(key: str, language: str) -> str:
    return t(f"nocure.chart.{key}", language)


# -- story A ------------------------------------------------------------------------------------


def mood_rows(view: pd.DataFrame, language: str = "en", says: list[str] | None = None) -> ChartRows:
    """The rows of :func:`mood_bars`: a month each, with its mood, words and change."""
    says = says or [f"nocure.reactions.{r}" for r in view["reaction"]]
    data = view.assign(
        mood_label=[t(f"nocure.moods.{m}", language) for m in view["mood"]],
        says=[t(key, language) for key in says],
        change_label=[_signed_percent(c) for c in view["change_pct"]],
        monthly_pace=view["pace"].iloc[0],
    )
    return ChartRows((language,), {"months": inline(data)["values"]})


@drawn_from(mood_rows)
@unvalidated
def mood_bars(
    view: pd.DataFrame, language: str = "en", says: list[str] | None = None
) -> alt.TopLevelMixin:
    """Monthly results as bars coloured by the client's mood, labelled with the change.

    Parameters
    ----------
    view : DataFrame
        The output of :func:`kit.nocure.client_view`.
    language : {"en", "nl"}
    says : list of str, optional
        Text keys of the client's words each month (the story's ``says``); by
        default the rule's words for the view's reactions.
    """
    moods = list(MOOD_COLOURS)
    rows = mood_rows(view, language, says)
    x = alt.X("month:O", title=_label("month", language), axis=alt.Axis(labelAngle=0))
    mood_names = [t(f"nocure.moods.{m}", language) for m in moods]
    mood_scale = alt.Scale(domain=mood_names, range=[MOOD_COLOURS[m] for m in moods])
    colour = alt.Color("mood_label:N", title=_label("mood", language), scale=mood_scale)
    bars = (
        alt.Chart(rows.data("months"))
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
        alt.Chart(rows.data("months"))
        .mark_text(dy=-8, fontWeight="bold", color=INK)
        .encode(x=x, y=alt.Y("result:Q"), text=alt.Text("change_label:N"))
    )
    pace = (
        alt.Chart(rows.data("months"))
        .mark_rule(strokeDash=[6, 4], color=MUTED)
        .encode(y=alt.Y("mean(monthly_pace):Q"))
    )
    # a second cue besides colour (colour-blind readers, greyscale print): a shape per mood at
    # the foot of each bar, and in the legend
    shapes = (
        alt.Chart(rows.data("months"))
        .mark_point(filled=True, size=180, stroke=INK, strokeWidth=1.5, yOffset=-14, opacity=1)
        .encode(
            x=x,
            y=alt.datum(0),
            color=colour,
            fill=alt.value("white"),  # white on every bar colour; the legend keeps the colours
            shape=alt.Shape(
                "mood_label:N",
                title=_label("mood", language),
                scale=alt.Scale(domain=mood_names, range=[MOOD_SHAPES[m] for m in moods]),
            ),
        )
    )
    chart = alt.layer(bars, labels, pace, shapes).properties(width=WIDTH, height=HEIGHT)
    return styled(chart, _label("months_title", language))


def _signed_percent(change: float) -> str:
    return "" if pd.isna(change) else f"{change:+.0f}%"


def progress_rows(view: pd.DataFrame, target: float, language: str = "en") -> ChartRows:
    """The rows of :func:`progress_chart`: the two lines, and the target with its label."""
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "month": view["month"],
                    "forms": view["cumulative"],
                    "series": _label("cumulative", language),
                }
            ),
            pd.DataFrame(
                {"month": view["month"], "forms": view["pace"], "series": _label("pace", language)}
            ),
        ]
    )
    return ChartRows(
        (language,), {"lines": inline(data)["values"], "goal": _goal(target, language)}
    )


def _goal(target: float, language: str) -> tuple[dict, ...]:
    """The contract's target as a row, with its label."""
    goal = pd.DataFrame(
        {"target": [target], "label": [f"{_label('target', language)}: {number(target, language)}"]}
    )
    return inline(goal)["values"]


@drawn_from(progress_rows)
@unvalidated
def progress_chart(view: pd.DataFrame, target: float, language: str = "en") -> alt.TopLevelMixin:
    """Cumulative results against the steady pace, with the contract's target as a line."""
    delivered = _label("cumulative", language)
    steady = _label("pace", language)
    rows = progress_rows(view, target, language)
    lines = (
        alt.Chart(rows.data("lines"))
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
    rule = alt.Chart(rows.data("goal")).mark_rule(color=INK).encode(y=alt.Y("target:Q"))
    text = (
        alt.Chart(rows.data("goal"))
        .mark_text(align="left", dx=4, dy=-8, color=INK)
        .encode(y=alt.Y("target:Q"), x=alt.XValue(0), text=alt.Text("label:N"))
    )
    chart = alt.layer(lines, rule, text).properties(width=WIDTH, height=HEIGHT)
    return styled(chart, _label("progress_title", language))


def room_rows(table: pd.DataFrame, target: float, language: str = "en") -> ChartRows:
    """The rows of :func:`room_line`: forms so far, the target, and the months voted on."""
    voted = table.dropna(subset=["still_in_share"])[["month", "still_in_share"]]
    tables = {
        "forms": inline(table[["month", "cumulative"]])["values"],
        "goal": _goal(target, language),
        "voted": inline(voted)["values"],
    }
    return ChartRows((language,), tables)


@drawn_from(room_rows)
@unvalidated
def room_line(table: pd.DataFrame, target: float, language: str = "en") -> alt.TopLevelMixin:
    """The room's line: the share still in the deal, against the contract's forms so far.

    Parameters
    ----------
    table : DataFrame
        :meth:`kit.nocure.RoomVerdict.table`: ``month``, ``cumulative`` and
        ``still_in_share`` (missing for a month nobody voted on yet).
    target : number
        The contract's target, drawn as a line on the forms' axis.
    language : {"en", "nl"}
    """
    rows = room_rows(table, target, language)
    x = alt.X("month:O", title=_label("month", language), axis=alt.Axis(labelAngle=0))
    forms = (
        alt.Chart(rows.data("forms"))
        .mark_bar(color="#cbd2d9", cornerRadiusTopLeft=3, cornerRadiusTopRight=3)
        .encode(
            x=x,
            y=alt.Y("cumulative:Q", title=_label("room_forms", language)),
            tooltip=[
                alt.Tooltip("month:O", title=_label("month", language)),
                alt.Tooltip("cumulative:Q", title=_label("room_forms", language)),
            ],
        )
    )
    rule = alt.Chart(rows.data("goal")).mark_rule(color=INK, strokeDash=[6, 4]).encode(y="target:Q")
    # at the plot's right, however wide a slide draws it: the room's line starts at the top left
    rule_label = (
        alt.Chart(rows.data("goal"))
        .mark_text(align="right", dx=-4, dy=-8, color=INK)
        .encode(y=alt.Y("target:Q"), x=alt.XValue("width"), text=alt.Text("label:N"))
    )
    still_in = alt.Y(
        "still_in_share:Q",
        title=_label("room_still_in", language),
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format="%", orient="right"),
    )
    # the line and its points stay out of a screen reader's way (their labels say the shares):
    # before the first vote they are empty, and an empty mark has no name to read
    line = (
        alt.Chart(rows.data("voted"))
        .mark_line(
            color=ACCENT,
            strokeWidth=4,
            point=alt.OverlayMarkDef(size=120, color=ACCENT, aria=False),
            aria=False,
        )
        .encode(
            x=x,
            y=still_in,
            tooltip=[
                alt.Tooltip("month:O", title=_label("month", language)),
                alt.Tooltip(
                    "still_in_share:Q", title=_label("room_still_in", language), format=".0%"
                ),
            ],
        )
    )
    labels = (
        alt.Chart(rows.data("voted"))
        .mark_text(dy=-14, fontWeight="bold", color=ACCENT)
        .encode(x=x, y=still_in, text=alt.Text("still_in_share:Q", format=".0%"))
    )
    chart = (
        alt.layer(alt.layer(forms, rule, rule_label), alt.layer(line, labels))
        .resolve_scale(y="independent")
        .properties(width=WIDTH, height=HEIGHT)
    )
    return styled(chart, _label("room_title", language))


def outcome_rows(shares: dict[str, float], n_contracts: int, language: str = "en") -> ChartRows:
    """The rows of :func:`outcome_bars`: an outcome each, with its share."""
    order = list(shares)
    rows = inline_columns(
        {
            "outcome": [t(f"nocure.outcome_labels.{k}", language) for k in order],
            "share": list(shares.values()),
            "key": order,
        }
    )
    return ChartRows((language, n_contracts, tuple(order)), {"outcomes": rows["values"]})


@drawn_from(outcome_rows)
@unvalidated
def outcome_bars(
    shares: dict[str, float], n_contracts: int, language: str = "en"
) -> alt.TopLevelMixin:
    """Horizontal bars: share of simulated contracts per outcome (met, alarm, stop, pitfall)."""
    order = list(shares)
    rows = outcome_rows(shares, n_contracts, language)
    y = alt.Y("outcome:N", title=None, sort=None)
    bars = (
        alt.Chart(rows.data("outcomes"))
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
        alt.Chart(rows.data("outcomes"))
        .mark_text(align="left", dx=4, color=INK)
        .encode(y=y, x=alt.X("share:Q"), text=alt.Text("share:Q", format=".0%"))
    )
    chart = alt.layer(bars, labels).properties(width=WIDTH, height=150)
    return styled(
        chart, t("nocure.chart.outcomes_title", language, n=number(n_contracts, language))
    )


def regression_rows(table: pd.DataFrame, language: str = "en") -> ChartRows:
    """The rows of :func:`regression_chart`: a step each, and the overall average."""
    steps = inline(
        table, step_label=[t(f"nocure.regression_steps.{s}", language) for s in table["step"]]
    )["values"]
    return ChartRows((language, tuple(table["step"])), {"steps": steps, "overall": steps[:1]})


@drawn_from(regression_rows)
@unvalidated
def regression_chart(table: pd.DataFrame, language: str = "en") -> alt.TopLevelMixin:
    """Average results the month before, of and after an alarm, against the overall average."""
    rows = regression_rows(table, language)
    x = alt.X("step_label:N", sort=None, title=None, axis=alt.Axis(labelAngle=0))
    bars = (
        alt.Chart(rows.data("steps"))
        .mark_bar(size=60, cornerRadiusTopLeft=3, cornerRadiusTopRight=3)
        .encode(
            x=x,
            y=alt.Y("average:Q", title=_label("average", language)),
            color=highlight("step", list(table["step"]), "alarm", MOOD_COLOURS["alarm"]),
            tooltip=[alt.Tooltip("average:Q", format=".1f")],
        )
    )
    labels = (
        alt.Chart(rows.data("steps"))
        .mark_text(dy=-8, color=INK)
        .encode(x=x, y=alt.Y("average:Q"), text=alt.Text("average:Q", format=".1f"))
    )
    overall = (
        alt.Chart(rows.data("overall"))
        .mark_rule(strokeDash=[6, 4], color=INK)
        .encode(y=alt.Y("overall:Q"))
    )
    overall_label = (
        alt.Chart(rows.data("overall"))
        .mark_text(align="center", dy=-8, x={"expr": "width / 2"}, color=INK)
        .encode(y=alt.Y("overall:Q"), text=alt.TextValue(_label("overall", language)))
    )
    chart = alt.layer(bars, labels, overall, overall_label).properties(width=WIDTH, height=HEIGHT)
    return styled(chart, _label("regression_title", language))


def income_rows(risk: pd.DataFrame, language: str = "en") -> ChartRows:
    """The rows of :func:`income_chart`: a way of being paid each, with its spread."""
    labels = [t(f"nocure.schemes.{s}", language) for s in risk["scheme"]]
    return ChartRows((language,), {"schemes": inline(risk, scheme_label=labels)["values"]})


@drawn_from(income_rows)
@unvalidated
def income_chart(risk: pd.DataFrame, language: str = "en") -> alt.TopLevelMixin:
    """The spread of one month's income per scheme: 5-95% whisker, middle half, median tick."""
    rows = income_rows(risk, language)
    y = alt.Y("scheme_label:N", title=None, sort=None)
    money = alt.Axis(format="$,.0f")
    whisker = (
        alt.Chart(rows.data("schemes"))
        .mark_rule(strokeWidth=2, color=MUTED)
        .encode(
            y=y, x=alt.X("p5:Q", title=_label("income", language), axis=money), x2=alt.X2("p95:Q")
        )
    )
    box = (
        alt.Chart(rows.data("schemes"))
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
        alt.Chart(rows.data("schemes"))
        .mark_tick(size=30, thickness=3, color=INK)
        .encode(y=y, x=alt.X("median:Q"))
    )
    chart = alt.layer(whisker, box, median).properties(width=WIDTH, height=170)
    return styled(chart, _label("income_title", language))


def terms_rows(
    terms: pd.DataFrame, labels: dict[str, str], review: str, language: str = "en"
) -> ChartRows:
    """The rows of :func:`terms_chart`: a term each, with the share of met deals walked from."""
    data = pd.DataFrame(
        {
            "term": list(terms["term"]),
            "label": [labels[term] for term in terms["term"]],
            "walks": terms["pitfall_of_met"].fillna(0.0).to_numpy(),
        }
    )
    shape = (language, tuple(data["term"]), review)
    return ChartRows(shape, {"terms": inline(data)["values"]})


@drawn_from(terms_rows)
@unvalidated
def terms_chart(
    terms: pd.DataFrame, labels: dict[str, str], review: str, language: str = "en"
) -> alt.TopLevelMixin:
    """Per contract term: the share of met deals the client still walks away from.

    Parameters
    ----------
    terms : DataFrame
        The output of :func:`kit.nocure.compare_terms`.
    labels : dict
        Each term's name in the room's language.
    review : str
        The room's way of judging (its bar is drawn in red).
    """
    rows = terms_rows(terms, labels, review, language)
    # whole term names: the default 180-pixel label limit cut the Dutch ones short
    y = alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=400))
    bars = (
        alt.Chart(rows.data("terms"))
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=y,
            x=alt.X(
                "walks:Q",
                title=_label("walks", language),
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=highlight("term", list(terms["term"]), review, MOOD_COLOURS["alarm"]),
        )
    )
    text = (
        alt.Chart(rows.data("terms"))
        .mark_text(align="left", dx=4, color=INK)
        .encode(y=y, x=alt.X("walks:Q"), text=alt.Text("walks:Q", format=".0%"))
    )
    chart = alt.layer(bars, text).properties(width=WIDTH, height=220)
    return styled(chart, _label("terms_title", language))
