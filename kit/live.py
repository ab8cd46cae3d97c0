"""The live chart board: a panel's charts and texts, drawn in the participant's browser.

Drawing a chart as SVG in the kernel (vl-convert) takes 30-50 ms a chart, longer
than the simulation behind a slider move. In a live panel the kernel therefore
only sends each changed Vega-Lite spec, and the browser draws it with
Vega-Embed. The JavaScript (Vega, Vega-Lite and Vega-Embed) comes from
vl-convert's offline bundle, shipped inside the widget: nothing is fetched from a
CDN, so the board works with no network in JupyterLab and Voila alike.

Static output (papermill, handouts) keeps using :func:`kit.display.chart_output`.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from typing import Any

import anywidget
import mistune
import traitlets
import vl_convert as vlc

from kit.display import LOCALES

# The browser side: one div per item, class ``kit-out-<name>``; a chart is drawn off
# screen and swapped in when ready, so a redraw never flashes an empty box.
BOARD_JS = r"""
async function render({ model, el }) {
  const shown = new Map();  // name -> {div, json}

  async function draw(item, div) {
    if (item.kind === "html") {
      div.innerHTML = item.html;
      return;
    }
    const fresh = document.createElement("div");
    await vegaEmbed(fresh, item.spec, {
      renderer: "svg", actions: false, formatLocale: model.get("locale"),
    });
    div.replaceChildren(...fresh.childNodes);
    div.dataset.drawn = String(Number(div.dataset.drawn || 0) + 1);
  }

  async function update() {
    const items = model.get("items");
    const jobs = [];
    for (const item of items) {
      const json = JSON.stringify(item);
      let entry = shown.get(item.name);
      if (entry === undefined) {
        const div = document.createElement("div");
        div.className = `kit-out kit-out-${item.name}`;
        el.appendChild(div);
        entry = { div, json: null };
        shown.set(item.name, entry);
      }
      if (entry.json !== json) {
        entry.json = json;
        jobs.push(draw(item, entry.div).catch((error) => {
          entry.div.textContent = String(error);
        }));
      }
    }
    await Promise.all(jobs);
    el.dataset.version = String(model.get("version"));
  }

  model.on("change:items", update);
  await update();
}
export default { render };
"""


def _cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "workshop-kit"


@cache
def board_esm() -> str:
    """The board's JavaScript with Vega-Embed bundled in, cached on disk per vl-convert version.

    Bundling takes about 1.5 s; the cached file loads in milliseconds, so only the
    very first kernel on a machine pays for it.
    """
    key = hashlib.sha256(f"{vlc.__version__}\n{BOARD_JS}".encode()).hexdigest()[:16]
    path = _cache_dir() / f"board-{key}.js"
    if path.exists():
        return path.read_text(encoding="utf-8")
    bundled = vlc.javascript_bundle(BOARD_JS)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_text(bundled, encoding="utf-8")
    partial.replace(path)  # atomic: a kernel never reads half a bundle
    return bundled


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
        super().__init__(_esm=board_esm(), locale=LOCALES[language], **kwargs)
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
    """A board item for Markdown composed by :mod:`kit.narrate` (rendered to HTML here)."""
    return {"kind": "html", "html": _markdown(text)}


_markdown = mistune.create_markdown(escape=True, plugins=["table"])
