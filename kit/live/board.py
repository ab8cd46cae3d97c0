"""The live chart board: a panel's charts and texts, drawn in the participant's browser.

Drawing a chart as SVG in the kernel (vl-convert) takes 30-50 ms a chart, longer
than the simulation behind a slider move. In a live panel the kernel therefore
only sends each changed Vega-Lite spec, and the browser draws it with
Vega-Embed. The JavaScript (Vega, Vega-Lite and Vega-Embed) comes from
vl-convert's offline bundle, shipped inside the widget: nothing is fetched from a
CDN, so the board works with no network in JupyterLab and Voila alike.

Most slider moves change a chart's numbers, not its shape. The browser keeps each
chart's Vega view and, when only the rows changed, hands it the new rows: the SVG
on screen is updated in place (5-8 ms for three charts, against about 50 ms for
building them again).

Static output (papermill, handouts) keeps using :func:`kit.live.display.chart_output`.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import anywidget
import mistune
import traitlets
import vl_convert as vlc

from kit.cache import SERVED_JS, cache_dir, digest, remembered
from kit.live.display import LOCALES

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
    return remembered("js", board_name(), lambda: vlc.javascript_bundle(BOARD_JS), keep=8)


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

    Parameters
    ----------
    language : {"en", "nl"}
        Chooses the number format (1,111 or 1.111) of every chart.
    """

    items = traitlets.List(traitlets.Dict()).tag(sync=True)
    locale = traitlets.Dict().tag(sync=True)
    version = traitlets.Int(0).tag(sync=True)

    def __init__(self, language: str = "en", **kwargs: Any) -> None:
        super().__init__(_esm=board_source(), locale=LOCALES[language], **kwargs)
        self.add_class("kit-board")

    def show(self, updates: dict[str, dict[str, Any]]) -> None:
        """Replace the named items (adding new names at the end) in one message."""
        items = {item["name"]: item for item in self.items}
        items.update({name: {"name": name, **item} for name, item in updates.items()})
        self.items = list(items.values())
        self.version += 1


def chart_item(chart) -> dict[str, Any]:
    """A board item for an Altair chart: its Vega-Lite spec."""
    return {"kind": "chart", "spec": chart.to_dict(validate=False)}


def markdown_item(text: str) -> dict[str, Any]:
    """A board item for Markdown composed by a story's narrate module (rendered to HTML here)."""
    return {"kind": "html", "html": _markdown(text)}


_markdown = mistune.create_markdown(escape=True, plugins=["table"])
