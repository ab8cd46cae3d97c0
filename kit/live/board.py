"""The live chart board: a panel's charts and texts, drawn in the participant's browser.

Drawing a chart as SVG in the kernel (vl-convert) takes 30-50 ms a chart, longer
than the simulation behind a slider move. In a live panel the kernel therefore
only sends each changed Vega-Lite spec, and the browser draws it with
Vega-Embed. The JavaScript (Vega, Vega-Lite and Vega-Embed) comes from
vl-convert's offline bundle, shipped inside the widget: nothing is fetched from a
CDN, so the board works with no network in JupyterLab and Voila alike.

Most slider moves change a chart's numbers, not its shape. A chart whose builder
has a row function (:func:`kit.stories.base.drawn_from`) is built with Altair once
per shape: its spec is split into a skeleton, kept here and sent once (the board's
``shapes``), and its rows, which are all a later move computes and sends
(:func:`chart_board_item`). The browser keeps each chart's Vega view and, when only
the rows changed, hands it the new rows: the SVG on screen is updated in place
(5-8 ms for three charts, against about 50 ms for building them again).

Static output (papermill, handouts) keeps using :func:`kit.live.display.chart_output`.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import cache, partial
from pathlib import Path
from typing import Any

import anywidget
import mistune
import traitlets
import vl_convert as vlc

from kit.cache import SERVED_JS, cache_dir, digest, remembered
from kit.live.display import LOCALES
from kit.stories.base import Chart, ChartRows, Story
from kit.vlconvert import convert_apart

log = logging.getLogger(__name__)

BOARD_JS = (Path(__file__).resolve().parent.parent / "static" / "board.js").read_text(
    encoding="utf-8"
)
"""The browser side of the board (``kit/static/board.js``)."""


def board_name() -> str:
    """The bundle's file name in the cache: it changes with the board or vl-convert."""
    return f"board-{digest(vlc.__version__, BOARD_JS)}.js"


@cache
def board_esm() -> str:
    """The board's JavaScript with Vega-Embed bundled in, cached on disk per vl-convert version.

    Bundling takes about 1.5 s; the cached file loads in milliseconds, so only the
    very first kernel on a machine pays for it.
    """
    # bundled in a process of its own: the presenter forks kernels after this (kit.vlconvert)
    bundle = partial(convert_apart, "javascript_bundle", BOARD_JS)
    return remembered("js", board_name(), bundle, keep=8)


def board_source() -> str:
    """What a board hands the browser: the bundle's address when ``kit present`` serves it.

    Sent by address, the 900 kB bundle is fetched once and kept in the browser's cache;
    sent inline (JupyterLab, or a cache that cannot be written) it travels with every
    page's widget state.
    """
    served, name = os.environ.get(SERVED_JS), board_name()
    bundle = board_esm()  # also puts the bundle in the cache, where the presenter serves it
    if served and (cache_dir() / "js" / name).is_file():
        # "v" makes tornado send the file with a long cache lifetime; the name is a hash
        return f"{served}{name}?v={name.removesuffix('.js')}"
    return bundle


class ChartBoard(anywidget.AnyWidget):
    """Charts and Markdown texts of one panel, in order, redrawn item by item.

    A chart item is either a whole Vega-Lite spec (``spec``) or a shape and its rows
    (``shape``, ``rows``): the shape's skeleton travels in ``shapes`` only when it is
    new, so a move that changes numbers only sends the rows.

    Parameters
    ----------
    language : {"en", "nl"}
        Chooses the number format (1,111 or 1.111) of every chart.
    """

    items = traitlets.List(traitlets.Dict()).tag(sync=True)
    shapes = traitlets.Dict().tag(sync=True)
    locale = traitlets.Dict().tag(sync=True)
    version = traitlets.Int(0).tag(sync=True)

    def __init__(self, language: str = "en", **kwargs: Any) -> None:
        super().__init__(_esm=board_source(), locale=LOCALES[language], **kwargs)
        self.add_class("kit-board")

    def show(self, updates: dict[str, dict[str, Any]]) -> None:
        """Replace the named items (adding new names at the end) in one message."""
        items = {item["name"]: item for item in self.items}
        shapes = dict(self.shapes)
        for name, update in updates.items():
            item = {"name": name, **update}
            skeleton = item.pop("skeleton", None)
            if skeleton is not None:
                shapes[item["shape"]] = skeleton
            items[name] = item
        used = {item.get("shape") for item in items.values()}
        shapes = {key: skeleton for key, skeleton in shapes.items() if key in used}
        with self.hold_sync():  # shapes, items and version reach the browser together
            if shapes.keys() != self.shapes.keys():
                self.shapes = shapes
            self.items = list(items.values())
            self.version += 1

    def spec(self, name: str) -> dict[str, Any]:
        """The named chart's Vega-Lite spec as the browser draws it (its skeleton with rows)."""
        item = next(item for item in self.items if item["name"] == name)
        if "spec" in item:
            return item["spec"]
        return joined(self.shapes[item["shape"]], item["rows"])


def chart_item(chart) -> dict[str, Any]:
    """A board item for an Altair chart: its Vega-Lite spec."""
    return {"kind": "chart", "spec": chart.to_dict(validate=False)}


def markdown_item(text: str) -> dict[str, Any]:
    """A board item for Markdown composed by a story's narrate module (rendered to HTML here)."""
    return {"kind": "html", "html": _markdown(text)}


_markdown = mistune.create_markdown(escape=True, plugins=["table"])


# -- a chart built once per shape --------------------------------------------------------------

SHAPES_KEPT = 256
"""Skeletons a kernel keeps (a participant's moves reach a few dozen)."""

_skeletons: OrderedDict[Hashable, tuple[str, dict[str, Any], dict[str, str]] | None] = OrderedDict()
_skeletons_lock = threading.Lock()  # the deck redraws the room's scene from a second thread


def chart_board_item(
    part: Chart,
    story: Story,
    dress: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    variant: Hashable = (),
    rows: ChartRows | Any = None,
) -> dict[str, Any]:
    """A board item for a story's chart: its shape and rows, or its whole spec.

    The spec is built with Altair once per shape (the chart, the story's language, the
    rows' shape, ``variant``) and split into a skeleton and rows; later moves of the
    same shape only compute the rows. A chart whose builder has no row function, or
    whose rows cannot be told apart, is sent whole every time.

    Parameters
    ----------
    part : Chart
    story : Story
    dress : callable, optional
        ``spec -> spec``: what a view adds to every spec (the deck's type sizes).
    variant : hashable
        Whatever else ``dress`` reads beyond the shape (the deck's steps).
    rows : ChartRows, optional
        ``part.rows(story)`` when the caller already has it.
    """
    rows = part.rows(story) if rows is None else rows
    if not isinstance(rows, ChartRows):  # a builder without a row function: the chart
        return {"kind": "chart", "spec": _dressed(rows.to_dict(validate=False), dress)}
    key = (type(story).__name__, part.name, story.language, rows.shape, variant)
    with _skeletons_lock:
        built = _skeletons.get(key, False)
        if built is not False:
            _skeletons.move_to_end(key)
    if built is False:  # a new shape: built with Altair, once
        built = _built_shape(part.draw(story), rows, dress)
        with _skeletons_lock:
            _skeletons[key] = built
            if len(_skeletons) > SHAPES_KEPT:
                _skeletons.popitem(last=False)
    if built is None:
        return {"kind": "chart", "spec": _dressed(part.draw(story).to_dict(validate=False), dress)}
    shape, skeleton, tables = built
    sent = {f"kit-{table}": list(rows.tables[table]) for table in tables}
    return {"kind": "chart", "shape": shape, "skeleton": skeleton, "rows": sent}


def _dressed(spec: dict[str, Any], dress: Callable | None) -> dict[str, Any]:
    return dress(spec) if dress else spec


def _built_shape(chart, rows: ChartRows, dress: Callable | None):
    """The skeleton of ``chart``, its data named after the tables that fill it.

    Layers drawn from one table share its name (``kit-months``), so its rows travel
    once. None when a data slot's rows are none of the tables, or two tables that differ
    by name hold the same rows (the slot could take either later): such a chart goes whole.
    """
    skeleton, slot_rows = split(_dressed(chart.to_dict(validate=False), dress))
    names, kept = {}, {}
    every = {**rows.tables, **rows.kept}
    for slot, values in slot_rows.items():
        found = [name for name, table in every.items() if list(table) == list(values)]
        if len(found) != 1:
            log.warning("chart rows do not match its spec (%s: %s)", slot, found or "none")
            return None
        if found[0] in rows.kept:
            kept[slot] = values
        else:
            names[slot] = f"kit-{found[0]}"
    skeleton = joined(_renamed(skeleton, names), kept)
    text = json.dumps(skeleton, sort_keys=True, default=str)
    tables = tuple(dict.fromkeys(name.removeprefix("kit-") for name in names.values()))
    return digest(text), skeleton, tables


def _renamed(node: Any, names: dict[str, str]) -> Any:
    """``node`` with every named data slot renamed by ``names``."""
    if isinstance(node, list):
        return [_renamed(child, names) for child in node]
    if not isinstance(node, dict):
        return node
    copy = {key: _renamed(value, names) for key, value in node.items()}
    data = node.get("data")
    if isinstance(data, dict) and data.get("name") in names:
        copy["data"] = {**data, "name": names[data["name"]]}
    return copy


CONTAINERS = ("layer", "hconcat", "vconcat", "concat", "spec")


def split(spec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list]]:
    """A Vega-Lite spec's skeleton and its rows, moved out under stable names ``kit<path>``.

    The rows are inline (``data.values``) or in Altair's top-level ``datasets``; each
    data slot becomes ``{"name": "kit<path>"}`` (``kit_layer_0`` for the first layer),
    as the board's ``split`` in ``board.js`` names them.
    """
    datasets = spec.get("datasets", {})
    rows: dict[str, list] = {}

    def strip(node: Any, path: str) -> Any:
        if isinstance(node, list):
            return [strip(child, f"{path}_{i}") for i, child in enumerate(node)]
        if not isinstance(node, dict):
            return node
        copy = {}
        for key, value in node.items():
            if key == "data" and isinstance(value, dict) and _holds_rows(value, datasets):
                rest = {k: v for k, v in value.items() if k not in ("values", "name")}
                values = value.get("values")
                given = values if isinstance(values, list | tuple) else datasets[value["name"]]
                rows[f"kit{path}"] = list(given)
                copy["data"] = {**rest, "name": f"kit{path}"}
            elif key in CONTAINERS:
                copy[key] = strip(value, f"{path}_{key}")
            elif key != "datasets" or path != "":
                copy[key] = value
        return copy

    return strip(spec, ""), rows


def _holds_rows(data: dict[str, Any], datasets: dict[str, Any]) -> bool:
    return isinstance(data.get("values"), list | tuple) or data.get("name") in datasets


def joined(skeleton: dict[str, Any], rows: dict[str, list]) -> dict[str, Any]:
    """A skeleton with its rows put back inline: a spec any Vega-Lite renderer draws."""

    def fill(node: Any) -> Any:
        if isinstance(node, list):
            return [fill(child) for child in node]
        if not isinstance(node, dict):
            return node
        copy = {key: fill(value) for key, value in node.items()}
        data = node.get("data")
        if isinstance(data, dict) and data.get("name") in rows:
            rest = {k: v for k, v in data.items() if k != "name"}
            copy["data"] = {**rest, "values": rows[data["name"]]}
        return copy

    return fill(skeleton)
