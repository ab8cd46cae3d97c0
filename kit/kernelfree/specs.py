"""Kernel-free scenes: Vega-Lite specs whose sliders are Vega parameters, answered in the browser.

Each builder takes a :class:`~kit.stories.base.Story` (for its language and the values
the sliders start at) and returns an Altair chart whose controls are
``alt.param(bind=...)`` inputs. Nothing is computed here:

* the closed forms (story B's tree, the doubling, the mean flywheel; story A's
  client reading typed months) are Vega expressions evaluated on every move;
* the simulations (story A's outcome shares, story B's band) filter a precomputed
  grid (:mod:`kit.kernelfree.grids`) to the point the sliders name.

Ranges, steps and defaults come from the story's schema (or the grid's axis for a
simulated parameter); labels from ``kit/text`` in the story's language. Numbers in
expressions are written with ``format(value, ',')`` and take the page's locale
(Vega-Embed's ``formatLocale``, :data:`kit.live.display.LOCALES`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt

from kit.kernelfree.embed import CHARACTER_WIDTH
from kit.kernelfree.grids import OUTCOMES, Axis, Grid
from kit.stories.base import Story
from kit.stories.look import (
    ACCENT,
    HEIGHT,
    INK,
    MOOD_COLOURS,
    MOOD_SHAPES,
    MUTED,
    WIDTH,
    styled,
    unvalidated,
)
from kit.stories.nocure.model import MAX_MONTHS, MAX_RESULT, MOODS
from kit.text import number, t

PREFIX = "p_"
"""Vega signal names are the parameters' names with this prefix (``p_per_fan``), so none
collides with Vega's own signals (``width``) or functions."""
NEAR = 1e-6
"""How close a slider's value and a grid value must be to be the same point."""


def signal(name: str) -> str:
    """The Vega signal of a story parameter (``per_fan`` -> ``p_per_fan``)."""
    return PREFIX + name


def slider(story: Story, name: str, axis: Axis | None = None) -> alt.Parameter:
    """A range input for one parameter, labelled in the story's language.

    Parameters
    ----------
    story : Story
        Gives the schema (range and step), the start value and the language.
    name : str
        The parameter.
    axis : Axis, optional
        For a simulated parameter: the grid's values (its range and step) instead.
    """
    param = story.schema[name]
    low, high = param.slider_range if axis is None else (axis.low, axis.high)
    step = param.step if axis is None else axis.step
    value = min(max(story[name], low), high)
    return alt.param(
        name=signal(name),
        value=value,
        bind=alt.binding_range(
            min=low, max=high, step=step, name=t(param.label_key, story.language)
        ),
    )


def choice(story: Story, name: str) -> alt.Parameter:
    """Radio buttons for a choice parameter, each labelled ``<story>.<name>.<choice>``."""
    param = story.schema[name]
    return alt.param(
        name=signal(name),
        value=story[name],
        bind=alt.binding_radio(
            options=list(param.choices),
            labels=[_text(f"{story.name}.{name}.{option}", story) for option in param.choices],
            name=t(param.label_key, story.language),
        ),
    )


def _text(key: str, story: Story, **fields: Any) -> str:
    return t(key, story.language, **fields)


# -- story B: the article's arithmetic, closed forms ---------------------------------------------


def tree_total(fans: str, per_fan: str, generations: str) -> str:
    """``fans * (1 + per_fan + ... + per_fan ** generations)`` as a Vega expression."""
    return (
        f"{per_fan} == 1 ? {fans} * ({generations} + 1) : "
        f"{fans} * (pow({per_fan}, {generations} + 1) - 1) / ({per_fan} - 1)"
    )


@unvalidated
def tree_spec(story: Story) -> alt.TopLevelMixin:
    """Story B's tree: people reached per generation, with the total (1 -> 10 -> 100 -> 1,000)."""
    fans, per_fan, generations = (signal(n) for n in ("fans", "per_fan", "generations"))
    last = int(story.schema["generations"].slider_range[1])
    x = alt.X(
        "generation:O",
        title=_text("referrals.chart.generation", story),
        axis=alt.Axis(labelAngle=0),
    )
    base = alt.Chart(alt.sequence(0, last + 1, as_="generation")).transform_filter(
        f"datum.generation <= {generations}"
    )
    base = base.transform_calculate(
        new=f"{fans} * pow({per_fan}, datum.generation)",
        label="format(datum.new, ',')",
    )
    bars = base.mark_bar(color=ACCENT, cornerRadiusTopLeft=3, cornerRadiusTopRight=3).encode(
        x=x,
        y=alt.Y("new:Q", title=_text("referrals.chart.new_people", story)),
        tooltip=[alt.Tooltip("generation:O"), alt.Tooltip("new:Q", format=",")],
    )
    labels = base.mark_text(dy=-8, color=INK, fontWeight="bold").encode(
        x=x, y=alt.Y("new:Q"), text=alt.Text("label:N")
    )
    total_label = _text("referrals.chart.total", story)
    total = (
        alt.Chart(alt.sequence(0, 1, as_="row"))
        .transform_calculate(
            text=f"'{total_label}: ' + format({tree_total(fans, per_fan, generations)}, ',')"
        )
        .mark_text(align="left", x=8, y=8, fontSize=16, fontWeight="bold", color=INK)
        .encode(text=alt.Text("text:N"))
    )
    chart = alt.layer(bars, labels, total).properties(width=WIDTH, height=HEIGHT)
    chart = chart.add_params(*(slider(story, n) for n in ("per_fan", "generations", "fans")))
    return styled(chart, _text("referrals.chart.tree_title", story))


@unvalidated
def doubling_spec(story: Story) -> alt.TopLevelMixin:
    """Story B's promise: ``fans * (1 + introductions_per_year) ** year`` (2 ** 10 = 1,024)."""
    fans, k, years = story["fans"], signal("introductions_per_year"), signal("years")
    last = int(story.schema["years"].slider_range[1])
    x = alt.X("year:O", title=_text("referrals.chart.year", story), axis=alt.Axis(labelAngle=0))
    base = (
        alt.Chart(alt.sequence(0, last + 1, as_="year"))
        .transform_filter(f"datum.year <= {years}")
        .transform_calculate(fans=f"{fans} * pow(1 + {k}, datum.year)")
    )
    bars = base.mark_bar(
        color=MOOD_COLOURS["pleased"], cornerRadiusTopLeft=3, cornerRadiusTopRight=3
    ).encode(
        x=x,
        y=alt.Y("fans:Q", title=_text("referrals.chart.fans", story)),
        tooltip=[alt.Tooltip("year:O"), alt.Tooltip("fans:Q", format=",")],
    )
    label = (
        base.transform_filter(f"datum.year == {years}")
        .transform_calculate(label="format(datum.fans, ',')")
        .mark_text(dy=-8, color=INK, fontWeight="bold")
        .encode(x=x, y=alt.Y("fans:Q"), text=alt.Text("label:N"))
    )
    chart = alt.layer(bars, label).properties(width=WIDTH, height=HEIGHT)
    chart = chart.add_params(slider(story, "years"), slider(story, "introductions_per_year"))
    return styled(chart, _text("referrals.chart.doubling_title", story))


def mean_flywheel(fans: float, k: str, conversion: str, churn: str) -> str:
    """``fans * (1 - churn + k * conversion) ** year`` as a Vega expression of ``datum.year``."""
    return f"{fans} * pow(1 - {churn} + {k} * {conversion}, datum.year)"


@unvalidated
def band_spec(story: Story, grid: Grid) -> alt.TopLevelMixin:
    """Story B's honest flywheel: the simulated band (grid) with the mean and the promise.

    The band and median are the grid's rows at the sliders' point; the mean flywheel
    and the article's promise are closed forms. The flywheel starts from the story's
    fans (the grid was computed from them).
    """
    axes = {axis.name: axis for axis in grid.axes}
    k, conversion, churn = (signal(n) for n in ("introductions_per_year", "conversion", "churn"))
    years, target = signal("years"), signal("target_fans")
    middle, median, mean, promise = (
        _text(f"referrals.chart.{key}", story)
        for key in ("band_middle", "median", "mean", "promised")
    )
    x = alt.X(
        "year:Q",
        title=_text("referrals.chart.year", story),
        axis=alt.Axis(tickMinStep=1, format="d"),
    )
    band = alt.Chart(_grid_data(grid)).transform_filter(
        f"{_at_point(grid)} && datum.year <= {years}"
    )
    area = band.mark_area(opacity=0.25, color=ACCENT).encode(
        x=x,
        y=alt.Y("low:Q", title=_text("referrals.chart.fans", story)),
        y2=alt.Y2("high:Q"),
        tooltip=[
            alt.Tooltip("year:Q"),
            alt.Tooltip("low:Q", title=middle, format=",.0f"),
            alt.Tooltip("high:Q", title=middle, format=",.0f"),
        ],
    )
    last = int(story.schema["years"].slider_range[1])
    closed = (
        alt.Chart(alt.sequence(0, last + 1, as_="year"))
        .transform_filter(f"datum.year <= {years}")
        .transform_calculate(
            mean=mean_flywheel(story["fans"], k, conversion, churn),
            promise=f"{story['fans']} * pow(1 + {k}, datum.year)",
        )
        .transform_fold(["mean", "promise"], as_=["key", "fans"])
        .transform_calculate(series=f"datum.key == 'mean' ? '{_js(mean)}' : '{_js(promise)}'")
    )
    typical = band.transform_calculate(fans="datum.median", series=f"'{_js(median)}'")
    series = [median, mean, promise]
    line = dict(
        x=x,
        y=alt.Y("fans:Q"),
        color=alt.Color(
            "series:N",
            title=None,
            scale=alt.Scale(domain=series, range=[ACCENT, INK, MOOD_COLOURS["pleased"]]),
        ),
        # same field, title and domain as the colour: one legend with both cues (a
        # legend=None here would drop the colour legend too)
        strokeDash=alt.StrokeDash(
            "series:N", title=None, scale=alt.Scale(domain=series, range=[[1, 0], [2, 3], [6, 4]])
        ),
        tooltip=[alt.Tooltip("year:Q"), alt.Tooltip("series:N"), alt.Tooltip("fans:Q", format=",")],
    )
    goal = alt.Chart(alt.sequence(0, 1, as_="row")).transform_calculate(
        fans=target,
        label=f"replace('{_js(_text('referrals.chart.target', story, target='@'))}', '@', "
        f"format({target}, ','))",
    )
    chart = alt.layer(
        area,
        typical.mark_line(strokeWidth=3).encode(**line),
        closed.mark_line(strokeWidth=3).encode(**line),
        goal.mark_rule(color=MOOD_COLOURS["alarm"]).encode(y=alt.Y("fans:Q")),
        goal.mark_text(align="left", dx=4, dy=-8, color=MOOD_COLOURS["alarm"]).encode(
            y=alt.Y("fans:Q"), x=alt.XValue(0), text=alt.Text("label:N")
        ),
    ).properties(width=WIDTH, height=HEIGHT)
    chart = chart.add_params(
        slider(story, "years"),
        slider(story, "introductions_per_year", axes["introductions_per_year"]),
        slider(story, "conversion", axes["conversion"]),
        slider(story, "churn", axes["churn"]),
        slider(story, "target_fans"),
    )
    runs = number(grid.runs, story.language)
    return styled(chart, _text("referrals.chart.band_title", story, runs=runs))


def hunting_customers(fans: float, logos: str, churn: str) -> str:
    """The new-logo hunter's expected clients in ``datum.year`` as a Vega expression.

    ``E[t + 1] = E[t] * (1 - churn) + logos`` from ``E[0] = fans`` (the model's
    recursion), summed: ``fans * s**t + logos * (1 - s**t) / churn`` with ``s = 1 - churn``,
    and ``fans + logos * t`` without churn.
    """
    stay = f"pow(1 - {churn}, datum.year)"
    return (
        f"{churn} == 0 ? {fans} + {logos} * datum.year "
        f": {fans} * {stay} + {logos} * (1 - {stay}) / {churn}"
    )


@unvalidated
def hunting_spec(story: Story, grid: Grid) -> alt.TopLevelMixin:
    """Story B's flywheel against new-logo hunting, and the year the flywheel overtakes.

    The mean flywheel and the hunter are closed forms; the typical (median) flywheel
    comes from the grid (the band's median is the kernel's ``flywheel_median``).
    """
    axes = {axis.name: axis for axis in grid.axes}
    k, conversion, churn = (signal(n) for n in ("introductions_per_year", "conversion", "churn"))
    years, logos, fans = signal("years"), signal("new_logos_per_year"), story["fans"]
    names = {
        key: _text(f"referrals.chart.{key}", story)
        for key in ("flywheel", "flywheel_median", "hunting")
    }
    x = alt.X(
        "year:Q",
        title=_text("referrals.chart.year", story),
        axis=alt.Axis(tickMinStep=1, format="d"),
    )
    last = int(story.schema["years"].slider_range[1])
    closed = (
        alt.Chart(alt.sequence(0, last + 1, as_="year"))
        .transform_filter(f"datum.year <= {years}")
        .transform_calculate(
            flywheel=mean_flywheel(fans, k, conversion, churn),
            hunting=hunting_customers(fans, logos, churn),
        )
    )
    lines = closed.transform_fold(["flywheel", "hunting"], as_=["key", "clients"])
    typical = (
        alt.Chart(_grid_data(grid))
        .transform_filter(f"{_at_point(grid)} && datum.year <= {years}")
        .transform_calculate(key="'flywheel_median'", clients="datum.median")
    )
    palette = {"flywheel": INK, "flywheel_median": ACCENT, "hunting": MOOD_COLOURS["worried"]}
    line = dict(
        x=x,
        y=alt.Y("clients:Q", title=_text("referrals.chart.clients", story)),
        color=alt.Color(
            "series:N",
            title=None,
            scale=alt.Scale(domain=list(names.values()), range=list(palette.values())),
        ),
        tooltip=[
            alt.Tooltip("year:Q"),
            alt.Tooltip("series:N"),
            alt.Tooltip("clients:Q", format=",.0f"),
        ],
    )
    series = _choice("datum.key", names)
    overtakes = _text("site.overtakes", story, year="@")
    never = _text("site.never_overtakes", story)
    verdict = sentence(
        closed.transform_calculate(
            ahead="datum.year > 0 && datum.flywheel > datum.hunting ? datum.year : 1e9"
        )
        .transform_aggregate(first="min(ahead)")
        .transform_calculate(
            text=f"datum.first < 1e9 ? replace('{_js(overtakes)}', '@', datum.first) "
            f": '{_js(never)}'"
        )
    )
    chart = alt.layer(
        lines.transform_calculate(series=series)
        .mark_line(strokeWidth=3, point=True)
        .encode(**line),
        typical.transform_calculate(series=series)
        .mark_line(strokeWidth=3, point=True)
        .encode(**line),
        verdict,
    ).properties(width=WIDTH, height=HEIGHT)
    chart = chart.add_params(
        slider(story, "new_logos_per_year"),
        slider(story, "years"),
        slider(story, "introductions_per_year", axes["introductions_per_year"]),
        slider(story, "conversion", axes["conversion"]),
        slider(story, "churn", axes["churn"]),
    )
    return styled(chart, _text("referrals.chart.hunting_title", story))


# -- story A: the client's reading, closed forms -------------------------------------------------

SEPARATORS = "[\\\\s,;]+"
"""What separates typed months (commas, semicolons, spaces), as the kernel reads them."""


def typed_months(text: str) -> str:
    """The typed months as a Vega array of strings (commas, semicolons and spaces separate)."""
    cleaned = f"replace(trim({text}), regexp('{SEPARATORS}', 'g'), ',')"
    return f"split(replace({cleaned}, regexp('^,|,$', 'g'), ''), ',')"


def _month_rows(story: Story) -> alt.Chart:
    """The typed months as rows: month, result, change, mood and whether all are usable."""
    results, target = signal("results"), signal("target")
    worried, alarm = signal("worried_drop"), signal("alarm_drop")
    months = typed_months(results)
    mood_names = {m: _text(f"nocure.moods.{m}", story) for m in MOODS}
    return (
        alt.Chart(alt.sequence(0, MAX_MONTHS, as_="index"))
        .transform_calculate(n=f"length({months})")
        .transform_filter("datum.index < datum.n")
        .transform_calculate(
            month="datum.index + 1",
            typed=f"{months}[datum.index]",
        )
        .transform_calculate(
            result="test(regexp('^[0-9]+$'), datum.typed) ? toNumber(datum.typed) : NaN"
        )
        .transform_window(previous="lag(result)", sort=[alt.SortField("index")])
        .transform_calculate(
            reference=f"datum.index == 0 ? {target} / datum.n : datum.previous",
            bad=f"isValid(datum.result) && datum.result <= {MAX_RESULT} ? 0 : 1",
        )
        .transform_calculate(
            decline="datum.reference > 0 ? 1 - datum.result / datum.reference : 0",
            change="datum.index > 0 && datum.previous > 0 "
            "? 100 * (datum.result / datum.previous - 1) : null",
        )
        .transform_calculate(
            mood=f"datum.decline > 0 && datum.decline >= {alarm} ? 'alarm' "
            f": datum.decline > {worried} ? 'worried' : 'pleased'",
            change_label="datum.change === null ? '' "
            ": (datum.change >= 0 ? '+' : '-') + toString(abs(round(datum.change))) + '%'",
        )
        .transform_calculate(
            mood_label=_choice("datum.mood", mood_names),
            from_end="datum.n - datum.index",
        )
        .transform_joinaggregate(bad_months="sum(bad)")
        .transform_calculate(
            usable=f"datum.bad_months == 0 && datum.n >= 2 && datum.n <= {MAX_MONTHS} "
            f"&& {worried} <= {alarm}"
        )
    )


@unvalidated
def months_spec(story: Story) -> alt.TopLevelMixin:
    """Story A's months as the client reads them: typed months, moods and the verdict.

    The client's rule (:mod:`kit.stories.nocure.model`) in expressions: month 1 is
    judged against ``target / months``, every later month against the month before; a
    decline above ``worried_drop`` worries, one of ``alarm_drop`` or more alarms; the
    client walks away after ``alarm_limit`` alarms or ``closing_declines`` closing
    months that all declined.
    """
    target = signal("target")
    mood_names = {m: _text(f"nocure.moods.{m}", story) for m in MOODS}
    x = alt.X("month:O", title=_text("nocure.chart.month", story), axis=alt.Axis(labelAngle=0))
    rows = _month_rows(story)
    shown = rows.transform_filter("datum.usable")
    colour = alt.Color(
        "mood_label:N",
        title=_text("nocure.chart.mood", story),
        scale=alt.Scale(domain=list(mood_names.values()), range=list(MOOD_COLOURS.values())),
    )
    bars = shown.mark_bar(cornerRadiusTopLeft=3, cornerRadiusTopRight=3).encode(
        x=x,
        y=alt.Y("result:Q", title=_text("nocure.chart.result", story)),
        color=colour,
        tooltip=[
            alt.Tooltip("month:O", title=_text("nocure.chart.month", story)),
            alt.Tooltip("result:Q", title=_text("nocure.chart.result", story)),
            alt.Tooltip("change_label:N", title=_text("nocure.chart.change", story)),
            alt.Tooltip("mood_label:N", title=_text("nocure.chart.mood", story)),
        ],
    )
    labels = shown.mark_text(dy=-8, fontWeight="bold", color=INK).encode(
        x=x, y=alt.Y("result:Q"), text=alt.Text("change_label:N")
    )
    pace = (
        shown.transform_calculate(pace=f"{target} / datum.n")
        .mark_rule(strokeDash=[6, 4], color=MUTED)
        .encode(y=alt.Y("mean(pace):Q"))
    )
    # a second cue besides colour (colour-blind readers, greyscale print), as in the
    # notebook's chart: a shape per mood at the foot of each bar, and in the legend
    shapes = shown.mark_point(
        filled=True, size=180, stroke=INK, strokeWidth=1.5, yOffset=-14, opacity=1
    ).encode(
        x=x,
        y=alt.datum(0),
        fill=alt.value("white"),  # the legend takes its colours from the bars
        shape=alt.Shape(
            "mood_label:N",
            title=_text("nocure.chart.mood", story),
            scale=alt.Scale(
                domain=list(mood_names.values()), range=[MOOD_SHAPES[m] for m in MOODS]
            ),
        ),
    )
    verdict = _verdict_layer(shown, story)
    problem = _problem_layer(rows, story)
    chart = alt.layer(bars, labels, pace, shapes, verdict, problem).properties(
        width=WIDTH, height=HEIGHT
    )
    chart = chart.add_params(
        typed_input(story),
        slider(story, "target"),
        slider(story, "worried_drop"),
        slider(story, "alarm_drop"),
        slider(story, "alarm_limit"),
        slider(story, "closing_declines"),
    )
    return styled(chart, _text("nocure.chart.months_title", story))


@unvalidated
def progress_spec(story: Story) -> alt.TopLevelMixin:
    """Story A's same months as the contract reads them: the total against a steady pace.

    The running total of the typed months, the pace of a steady deliverer
    (``target / months`` a month) and the target, with what was delivered.
    """
    target = signal("target")
    delivered, steady = (_text(f"nocure.chart.{key}", story) for key in ("cumulative", "pace"))
    x = alt.X("month:O", title=_text("nocure.chart.month", story), axis=alt.Axis(labelAngle=0))
    shown = (
        _month_rows(story)
        .transform_filter("datum.usable")
        .transform_window(cumulative="sum(result)", sort=[alt.SortField("index")])
        .transform_calculate(pace=f"{target} / datum.n * datum.month")
    )
    lines = (
        shown.transform_fold(["cumulative", "pace"], as_=["key", "forms"])
        .transform_calculate(series=f"datum.key == 'pace' ? '{_js(steady)}' : '{_js(delivered)}'")
        .mark_line(point=True, strokeWidth=3)
        .encode(
            x=x,
            y=alt.Y("forms:Q", title=delivered),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=[delivered, steady], range=[ACCENT, MUTED]),
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                title=None,
                scale=alt.Scale(domain=[delivered, steady], range=[[1, 0], [6, 4]]),
            ),
            tooltip=[
                alt.Tooltip("month:O"),
                alt.Tooltip("series:N"),
                alt.Tooltip("forms:Q", format=","),
            ],
        )
    )
    goal = alt.Chart(alt.sequence(0, 1, as_="row")).transform_calculate(
        target=target,
        label=f"'{_js(_text('nocure.chart.target', story))}: ' + format({target}, ',')",
    )
    met, missed = (_text(f"nocure.{key}", story) for key in ("met_yes", "met_no"))
    said = _text("site.delivered", story, total="@total", target="@target")
    summary = sentence(
        shown.transform_aggregate(total="sum(result)").transform_calculate(
            text=f"replace(replace('{_js(said)}', '@total', format(datum.total, ',')), "
            f"'@target', format({target}, ',')) + ' ' "
            f"+ (datum.total >= {target} ? '{_js(met)}' : '{_js(missed)}')"
        )
    )
    chart = alt.layer(
        lines,
        goal.mark_rule(color=INK).encode(y=alt.Y("target:Q")),
        goal.mark_text(align="left", dx=4, dy=-8, color=INK).encode(
            y=alt.Y("target:Q"), x=alt.XValue(0), text=alt.Text("label:N")
        ),
        summary,
        _problem_layer(_month_rows(story), story),
    ).properties(width=WIDTH, height=HEIGHT)
    # the mood thresholds without inputs: the months chart's sliders move them (the page
    # shares a story's values between its charts), and they decide which months are usable
    hidden = [alt.param(name=signal(n), value=story[n]) for n in ("worried_drop", "alarm_drop")]
    chart = chart.add_params(typed_input(story), slider(story, "target"), *hidden)
    return styled(chart, _text("nocure.chart.progress_title", story))


def typed_input(story: Story) -> alt.Parameter:
    """The text field for story A's months, started at the story's results."""
    return alt.param(
        name=signal("results"),
        value=", ".join(str(r) for r in story["results"]),
        bind=alt.binding(input="text", name=_text("nocure.own_results", story)),
    )


def _verdict_layer(shown: alt.Chart, story: Story) -> alt.Chart:
    """One line above the bars: the client's verdict under the rule's sliders."""
    limit, closing = signal("alarm_limit"), signal("closing_declines")
    says = {
        verdict: _text(
            "site.verdict", story, verdict=_text(f"nocure.verdict_short.{verdict}", story)
        )
        for verdict in ("stop", "continue")
    }
    return sentence(
        shown.transform_calculate(
            alarmed="datum.mood == 'alarm' ? 1 : 0",
            sour=f"datum.mood != 'pleased' && datum.from_end <= {closing} ? 1 : 0",
        )
        .transform_aggregate(alarms="sum(alarmed)", sours="sum(sour)", n="max(n)")
        .transform_calculate(
            verdict=f"datum.alarms >= {limit} || datum.sours >= min({closing}, datum.n) "
            "? 'stop' : 'continue'",
        )
        .transform_calculate(text=_choice("datum.verdict", says))
    )


def _problem_layer(rows: alt.Chart, story: Story) -> alt.Chart:
    """What is wrong with the typed months or thresholds, where the bars would be."""
    return sentence(
        rows.transform_aggregate(usable="min(usable)", n="max(n)")
        .transform_filter("!datum.usable")
        .transform_calculate(text=f"'{_js(_text('site.months_unusable', story))}'"),
        y="height / 3",
        x=8,
        fontWeight="normal",
        color=MOOD_COLOURS["alarm"],
    )


# -- story A: the simulated outcomes, a grid -----------------------------------------------------


@unvalidated
def outcomes_spec(story: Story, grid: Grid) -> alt.TopLevelMixin:
    """Story A's outcome shares of simulated contracts at the sliders' point of the grid."""
    axes = {axis.name: axis for axis in grid.axes}
    names = {key: _text(f"nocure.outcome_labels.{key}", story) for key in OUTCOMES}
    base = (
        alt.Chart(_grid_data(grid))
        .transform_filter(f"{_at_point(grid)} && datum.review == {signal('review')}")
        .transform_fold(list(OUTCOMES), as_=["key", "share"])
        .transform_calculate(outcome=_choice("datum.key", names))
    )
    y = alt.Y("outcome:N", title=None, sort=list(names.values()))
    colours = [MOOD_COLOURS["alarm"] if key == "pitfall" else ACCENT for key in OUTCOMES]
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        y=y,
        x=alt.X(
            "share:Q",
            title=_text("nocure.chart.share", story),
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
        color=alt.Color(
            "key:N", legend=None, scale=alt.Scale(domain=list(OUTCOMES), range=colours)
        ),
    )
    labels = base.mark_text(align="left", dx=4, color=INK).encode(
        y=y, x=alt.X("share:Q"), text=alt.Text("share:Q", format=".0%")
    )
    chart = alt.layer(bars, labels).properties(width=WIDTH, height=150)
    chart = chart.add_params(
        *(slider(story, name, axes[name]) for name in axes), choice(story, "review")
    )
    n = number(grid.runs, story.language)
    return styled(chart, _text("nocure.chart.outcomes_title", story, n=n))


# -- sentences under a chart ------------------------------------------------------------------

SENTENCE_FONT = 15
"""A chart's sentence (the client's verdict, the contract's total) in px, bold."""


def wrapped(text: str, font: int = SENTENCE_FONT) -> str:
    """``text`` (a Vega expression) broken into lines at spaces to fit the plot's width.

    A sentence drawn in the chart is cut off by the drawing's edge, not wrapped: on a
    390-pixel phone the client's verdict lost its last words. Lines are as long as
    ``width`` holds characters of :data:`CHARACTER_WIDTH` em, ended by a new line (the
    mark's ``lineBreak``); a word longer than a line stays whole.
    """
    characters = f"max(12, floor(width / {font * CHARACTER_WIDTH:g}))"
    line = f"regexp('(.{{1,' + {characters} + '}})(\\\\s+|$)', 'g')"
    return f"trim(replace({text}, {line}, '$1\\n'))"


def sentence(chart: alt.Chart, y: str = "height + 52", x: float = 0, **look: Any) -> alt.Chart:
    """A text mark for ``chart``'s ``text`` field, wrapped to the plot's width (:func:`wrapped`).

    Parameters
    ----------
    chart : alt.Chart
        Its rows carry the sentence in ``datum.text``.
    y : str
        Where the first line stands (a Vega expression; below the x axis by default).
    x : float
        Where the lines start, from the plot's left edge.
    **look
        The mark's colour and weight (bold ink by default).
    """
    look = {"fontWeight": "bold", "color": INK, **look}
    return (
        chart.transform_calculate(lines=wrapped("datum.text"))
        .mark_text(
            align="left",
            baseline="top",
            x=x,
            y=alt.expr(y),
            fontSize=SENTENCE_FONT,
            lineBreak="\n",
            **look,
        )
        .encode(text=alt.Text("lines:N"))
    )


# -- shared pieces -----------------------------------------------------------------------------


def _grid_data(grid: Grid) -> alt.InlineData:
    """The grid's table inline as CSV (a third of the size of JSON rows), numbers parsed."""
    parse = {c: "number" for c in grid.columns if c not in grid.labels}
    return alt.InlineData(values=grid.csv(), format=alt.CsvDataFormat(type="csv", parse=parse))


def _at_point(grid: Grid) -> str:
    """A filter keeping the grid's rows at the sliders' values."""
    return " && ".join(f"abs(datum.{a.name} - {signal(a.name)}) < {NEAR}" for a in grid.axes)


def _choice(field: str, texts: dict[str, str]) -> str:
    """A Vega expression mapping a key to its text (``datum.mood`` -> 'worried')."""
    expression = "''"
    for key, text in reversed(texts.items()):
        expression = f"{field} == '{key}' ? '{_js(text)}' : {expression}"
    return expression


def _js(text: str) -> str:
    """A text inside a single-quoted Vega string literal."""
    return text.replace("\\", "\\\\").replace("'", "\\'")


# -- which scenes have a kernel-free form -------------------------------------------------------

Builder = Callable[..., alt.TopLevelMixin]


@dataclass(frozen=True)
class KernelFree:
    """The kernel-free form of a scene.

    Parameters
    ----------
    build : callable
        ``(story) -> chart``, or ``(story, grid) -> chart`` when it reads a grid.
    grid : str, optional
        The grid it reads (``"outcomes"``, ``"band"``).
    fixed : tuple of str
        Parameters the form does not model: it holds only at their defaults (story A's
        months are read every month; the review cadence is the chance scene's).
    """

    build: Builder
    grid: str | None = None
    fixed: tuple[str, ...] = ()


SCENES: dict[str, dict[str, KernelFree]] = {
    "nocure": {
        "months": KernelFree(months_spec, fixed=("review",)),
        "contract": KernelFree(progress_spec),
        "chance": KernelFree(outcomes_spec, "outcomes"),
    },
    "referrals": {
        "tree": KernelFree(tree_spec),
        "doubling": KernelFree(doubling_spec),
        "honest": KernelFree(band_spec, "band"),
        "hunting": KernelFree(hunting_spec, "band"),
    },
}
"""Story -> scene -> its kernel-free form."""


def kernel_free_scenes(story: str) -> Sequence[str]:
    """The scenes of ``story`` that have a kernel-free form, in the story's order."""
    return list(SCENES.get(story, {}))
