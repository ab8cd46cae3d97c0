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

Static output (papermill, handouts) keeps using :func:`kit.display.chart_output`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import anywidget
import mistune
import traitlets
import vl_convert as vlc

from kit.cache import digest, remembered
from kit.display import LOCALES

# The browser side: one div per item, class ``kit-out-<name>``. A new chart is drawn off
# screen and swapped in when ready, so a redraw never flashes an empty box; a chart whose
# spec changed only in its rows keeps its Vega view and takes the new rows.
BOARD_JS = r"""
// A Vega-Lite spec with its rows (inline, or in altair's top-level "datasets" under names
// that hash the rows) moved out under stable names ("kit<path>"), so that two specs with the
// same skeleton differ only in their rows: the chart on screen can then take the new rows
// instead of being built again.
function split(spec) {
  const datasets = spec.datasets || {};
  const rows = {};
  function strip(node, path) {
    if (Array.isArray(node)) return node.map((child, i) => strip(child, `${path}_${i}`));
    if (node === null || typeof node !== "object") return node;
    const copy = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "data" && value && (Array.isArray(value.values) || value.name in datasets)) {
        const { values, name, ...rest } = value;
        rows[`kit${path}`] = values || datasets[name];
        copy.data = { ...rest, name: `kit${path}` };
      } else if (["layer", "hconcat", "vconcat", "concat", "spec"].includes(key)) {
        copy[key] = strip(value, `${path}_${key}`);
      } else if (key !== "datasets" || path !== "") {
        copy[key] = value;
      }
    }
    return copy;
  }
  const skeleton = strip(spec, "");
  return { skeleton, key: JSON.stringify(skeleton), rows };
}

async function render({ model, el }) {
  const shown = new Map();  // name -> {div, json, view, key}

  async function draw(item, entry) {
    if (item.kind === "html") {
      entry.div.innerHTML = item.html;
      return;
    }
    const { skeleton, key, rows } = split(item.spec);
    if (entry.view && entry.key === key) {
      // same chart, new numbers: Vega recomputes and updates the SVG in place
      for (const [name, values] of Object.entries(rows)) entry.view.data(name, values);
      await entry.view.runAsync();
    } else {
      let parsed = false;
      // Vega-Lite leaves named data empty, to be given at run time: give it before parsing
      const patch = (vgSpec) => {
        for (const data of vgSpec.data || []) {
          if (data.name in rows) {
            data.values = rows[data.name];
            parsed = parsed || Boolean(data.format && data.format.parse);
          }
        }
        return vgSpec;
      };
      const fresh = document.createElement("div");
      const { view } = await vegaEmbed(fresh, skeleton, {
        renderer: "svg", actions: false, formatLocale: model.get("locale"), patch,
      });
      entry.div.replaceChildren(...fresh.childNodes);
      if (entry.view) entry.view.finalize();  // its listeners and timers go with it
      // rows that Vega-Lite parses on load (dates) cannot be swapped in as they come
      Object.assign(entry, { view, key: parsed ? null : key });
    }
    entry.div.dataset.drawn = String(Number(entry.div.dataset.drawn || 0) + 1);
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
        entry = { div, json: null, view: null, key: null };
        shown.set(item.name, entry);
      }
      if (entry.json !== json) {
        entry.json = json;
        jobs.push(draw(item, entry).catch((error) => {
          entry.div.textContent = String(error);
        }));
      }
    }
    await Promise.all(jobs);
    el.dataset.version = String(model.get("version"));
  }

  model.on("change:items", update);
  await update();
  return () => shown.forEach((entry) => entry.view && entry.view.finalize());
}
export default { render };
"""


@cache
def board_esm() -> str:
    """The board's JavaScript with Vega-Embed bundled in, cached on disk per vl-convert version.

    Bundling takes about 1.5 s; the cached file loads in milliseconds, so only the
    very first kernel on a machine pays for it.
    """
    name = f"board-{digest(vlc.__version__, BOARD_JS)}.js"
    return remembered("js", name, lambda: vlc.javascript_bundle(BOARD_JS), keep=8)


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
