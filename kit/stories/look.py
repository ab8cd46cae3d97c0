"""The look every chart shares: a table in, a chart out, styled for a projector.

A builder only draws: every number it shows was computed by the story modules.
Labels come from ``kit/text`` in the chosen language. Every chart gets the same
calm, presentable look (:func:`styled`): large fonts for a projector, no grid
noise, colours that keep their meaning (blue pleased, amber worried, vermilion alarm).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd
from altair.utils.schemapi import debug_mode

WIDTH, HEIGHT = 560, 260
# Blue, amber, vermilion: apart for a deuteranope and in greyscale (dark, light, middle);
# the mood chart adds a second cue, a shape per mood (MOOD_SHAPES).
MOOD_COLOURS = {"pleased": "#1f4e8c", "worried": "#f2c12e", "alarm": "#d55e00"}
MOOD_SHAPES = {"pleased": "circle", "worried": "triangle-down", "alarm": "cross"}
# The same shapes as characters, for the sentences and tables beside the charts.
MOOD_GLYPHS = {"pleased": "\u25cf", "worried": "\u25bc", "alarm": "\u271a"}
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


def dress_moods(html: str) -> str:
    """Give each mood's glyph (:data:`MOOD_GLYPHS`) in rendered HTML the mood's colour.

    The glyph is a shape, the word beside it says the mood, and the colour is the third
    cue; screen readers read the word only.

    >>> dress_moods("<td>\u25bc worried</td>")  # doctest: +ELLIPSIS
    '<td><span class="kit-mood kit-mood-worried" style="color:#f2c12e" ...>▼</span> worried</td>'
    """
    for mood, glyph in MOOD_GLYPHS.items():
        html = html.replace(
            glyph,
            f'<span class="kit-mood kit-mood-{mood}" style="color:{MOOD_COLOURS[mood]}" '
            f'aria-hidden="true">{glyph}</span>',
        )
    return html


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


def inline(table: pd.DataFrame, **more: list) -> dict:
    """A table as inline rows (``{"values": (...)}``), NaN as null.

    Plain records skip altair's DataFrame sanitising; a tuple, unlike a list, is not
    deep-copied by every chained ``mark_*``/``encode``/``properties`` call. Our tables
    have a few dozen rows at most, so column lists beat pandas' own ``to_dict`` here.
    ``more`` adds columns (a list each, a value per row) without copying the table.

    >>> inline(pd.DataFrame({"step": ["before", "alarm"]}), label=["vóór", "alarm"])["values"]
    ({'step': 'before', 'label': 'vóór'}, {'step': 'alarm', 'label': 'alarm'})
    """
    return inline_columns({str(name): table[name].tolist() for name in table.columns} | more)


def inline_columns(columns: dict[str, list]) -> dict:
    """Columns (a list of values each, all as long) as inline rows, like :func:`inline`.

    >>> inline_columns({"share": [0.5, float("nan")], "key": ["met", "stop"]})["values"]
    ({'share': 0.5, 'key': 'met'}, {'share': None, 'key': 'stop'})
    """
    names = list(columns)
    lists = [[_json_value(v) for v in values] for values in columns.values()]
    return {"values": tuple(dict(zip(names, row, strict=True)) for row in zip(*lists, strict=True))}


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
