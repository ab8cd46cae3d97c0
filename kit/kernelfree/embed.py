"""A kernel-free scene as an HTML fragment, for any page: the site, a handout, the presenter.

:func:`scene_fragment` gives a chart box and its Vega-Lite spec (as JSON in a
``<script type="application/json">``), its sliders started at the story's values.
:func:`embed_script` draws every such box on a page with Vega-Embed, numbers in the
page's language (``<html lang>``); the page loads Vega-Embed first, from the offline
bundle (:func:`kit.kernelfree.site.vega_bundle`), as a file or inline.

A scene that reads a grid has a kernel-free form only where the grid holds the
story's numbers: every parameter its result reads, other than the grid's axes (and
story B's years, a prefix of the grid's), must be at the value the grid was computed
with. A handout for ``target = 90`` keeps its static chart of the chance scene.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
from html import escape
from typing import Any

from kit.text import t

PAGE_HEIGHT = 210
"""Chart height on a page: heading, text, chart and controls share a 1280x720 screen."""
PAGE_FONT = 16
"""Chart labels on a page, larger than a notebook's 13 px: read from the back of a room."""
TITLE_SIZE = "clamp(width / 19, 12, 16)"
"""A chart title's size (Vega expression): 16 px from a 300-pixel-wide chart up, smaller on a
phone, so its words fit the width as the notebook's titles do."""
SPEC_CLASS = "kit-kernel-free-spec"
"""The class of the JSON script that carries a scene's spec."""
GRID_CLASS = "kit-kernel-free-grid"
"""The class of the CSV script that carries a grid, once per page."""
BUNDLE_ID = "kit-vega-bundle"
"""The id of the script that carries the Vega bundle packed into a page (a handout)."""
PACKED = "gzip-base64"
"""``data-packed`` of a script whose text is gzip, written in base64: a handout carries
Vega (0.9 MB) and story B's band (0.6 MB) in a third of their size, and the browser
unpacks them itself (``DecompressionStream``), offline."""
GRID_RESULTS = {"outcomes": "outcomes", "band": "band"}
"""A grid's name in :data:`kit.kernelfree.specs.SCENES` -> the story result it holds."""
SLICED = {"band": ("years",)}
"""Parameters a grid covers by slicing rather than as an axis (story B's years)."""


def grid_for(story: Any, grid_name: str):
    """The grid a scene reads, or None when it does not hold this story's numbers."""
    from kit.kernelfree import grids

    grid = {"outcomes": grids.outcome_grid, "band": grids.band_grid}[grid_name]()
    axes = {axis.name for axis in grid.axes} | set(SLICED.get(grid_name, ())) | set(grid.labels)
    runs = grids.RUNS_PARAM[grid.story]
    for name in type(story).result(GRID_RESULTS[grid_name]).depends - axes:
        fixed = grid.runs if name == runs else story.schema[name].default
        if story[name] != fixed:
            return None
    if "years" in axes and story["years"] > grids.band_years():
        return None
    return grid


def scene_spec(story: Any, scene: str) -> tuple[dict[str, Any], Any] | None:
    """The kernel-free spec of one scene (fitted to a page) and its grid, or None."""
    from kit.kernelfree import specs

    form = specs.SCENES.get(story.name, {}).get(scene)
    if form is None or any(story[name] != story.schema[name].default for name in form.fixed):
        return None
    grid = grid_for(story, form.grid) if form.grid else None
    if form.grid and grid is None:
        return None
    chart = form.build(story, grid) if grid is not None else form.build(story)
    return fitted(chart.to_dict(validate=False)), grid


def scene_fragment(
    story: Any, scene: str, grids_on_page: set[str] | None = None, *, packed: bool = False
) -> str | None:
    """One scene's chart box, spec and (for a grid) a note on the runs; None if it has none.

    Parameters
    ----------
    story : Story
        Its language and values: the sliders start there.
    scene : str
        The scene's name (``"tree"``).
    grids_on_page : set of str, optional
        Grids already on the page (updated here). A grid goes on a page once, however
        many scenes read it: story B's band is 0.6 MB. Without it, the fragment carries
        the grids it reads.
    packed : bool
        Write a grid gzipped in base64 (:data:`PACKED`), for a page that must stay small.
    """
    found = scene_spec(story, scene)
    if found is None:
        return None
    spec, grid = found
    spec = {**spec, "usermeta": {"kitReadouts": readout_formats(story, spec)}}
    language = story.language
    label = escape(t(type(story).scene(scene).heading, language))
    html = ""
    if grid is not None:
        name = grid_name(grid)
        spec = _grid_by_name(spec, grid.csv(), name)
        if grids_on_page is None or name not in grids_on_page:
            # numbers and names (or base64) only: nothing in it can close the script
            html += f'<script type="text/csv" class="{GRID_CLASS}" data-name="{name}"'
            html += f' data-packed="{PACKED}">{pack(grid.csv())}' if packed else f">{grid.csv()}"
            html += "</script>"
        if grids_on_page is not None:
            grids_on_page.add(name)
    payload = json.dumps(spec, separators=(",", ":")).replace("</", "<\\/")
    html += (
        f'<div class="chart kit-kernel-free" id="chart-{scene}" role="figure" '
        f'aria-label="{label}"></div>'
        f'<script type="application/json" class="{SPEC_CLASS}" data-chart="{scene}">'
        f"{payload}</script>"
    )
    if grid is not None:
        from kit.text import number

        note = t("site.grid_note", language, runs=number(grid.runs, language))
        html += f'<p class="note">{escape(note)}</p>'
    return html


def readout_formats(story: Any, spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each slider's readout format (``Intl.NumberFormat`` options), by its Vega signal.

    A share reads ``60%``, an amount ``€ 1.600``, as on the kernel's slides
    (:func:`kit.live.readout.readout_format`).
    """
    from kit.kernelfree.specs import PREFIX
    from kit.live.readout import readout_format

    known = set(story.schema.names)
    return {
        name: readout_format(story.schema[name.removeprefix(PREFIX)])
        for name in _bound_signals(spec)
        if name.startswith(PREFIX) and name.removeprefix(PREFIX) in known
    }


def _bound_signals(node: Any) -> list[str]:
    """Names of the parameters bound to an input, anywhere in a Vega-Lite spec."""
    if isinstance(node, list):
        return [name for item in node for name in _bound_signals(item)]
    if not isinstance(node, dict):
        return []
    found = [node["name"]] if "bind" in node and isinstance(node.get("name"), str) else []
    return found + [name for value in node.values() for name in _bound_signals(value)]


@functools.lru_cache(maxsize=8)
def pack(text: str) -> str:
    """``text`` gzipped and written in base64 (:data:`PACKED`); the same text, the same bytes.

    Remembered: every handout of a run packs the same bundle and grids.

    >>> import base64, gzip
    >>> gzip.decompress(base64.b64decode(pack("year,fans"))).decode()
    'year,fans'
    """
    return base64.b64encode(gzip.compress(text.encode("utf-8"), 9, mtime=0)).decode("ascii")


def packed_bundle_script() -> str:
    """The Vega bundle packed into one page (:data:`PACKED`), unpacked by :func:`embed_script`.

    The page then needs no file beside it: a handout mailed on its own keeps its sliders.
    """
    import vl_convert as vlc

    from kit.cache import digest, remembered
    from kit.kernelfree.site import vega_bundle

    # packed once per vl-convert version and kept on disk: 0.2 s of a core a process
    name = f"site-{digest(vlc.__version__, 'javascript_bundle', PACKED)}.txt"
    packed = remembered("js", name, lambda: pack(vega_bundle()), keep=8)
    return f'<script type="text/plain" id="{BUNDLE_ID}" data-packed="{PACKED}">{packed}</script>'


def grid_name(grid: Any) -> str:
    """The name a grid's table has on a page (``kit-grid-referrals``)."""
    return f"kit-grid-{grid.story}"


def _grid_by_name(spec: dict[str, Any], csv: str, name: str) -> dict[str, Any]:
    """The spec with the grid's rows replaced by a reference to the page's copy.

    Altair moves inline rows into the top-level ``datasets`` under a name that hashes
    them; that entry goes, and its references take the page's name.
    """
    datasets = dict(spec.get("datasets", {}))
    hashed = {key for key, rows in datasets.items() if rows == csv}
    for key in hashed:
        del datasets[key]

    def renamed(node: Any) -> Any:
        if isinstance(node, list):
            return [renamed(child) for child in node]
        if not isinstance(node, dict):
            return node
        if node.get("values") == csv or node.get("name") in hashed:
            rest = {k: v for k, v in node.items() if k not in ("values", "name")}
            return {"name": name, **rest}
        return {key: renamed(value) for key, value in node.items() if key != "datasets"}

    spec = renamed(spec)
    return {**spec, "datasets": datasets} if datasets else spec


def fitted(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec as wide as its box and a screen high, its labels larger.

    A 390-pixel phone and a projector both see all of it.
    """
    config = {**spec.get("config", {})}
    for part in ("axis", "legend"):
        sizes = {"labelFontSize": PAGE_FONT, "titleFontSize": PAGE_FONT}
        config[part] = {**config.get(part, {}), **sizes}
    config["legend"]["labelLimit"] = 0  # whole series names: larger type, no ellipsis
    labels = legend_labels(spec)
    if labels:
        config["legend"]["columns"] = {"expr": legend_columns(labels)}
    config["text"] = {**config.get("text", {}), "fontSize": PAGE_FONT}
    # a title longer than a phone's chart is cut by the SVG's edge: it shrinks with the chart
    config["title"] = {**config.get("title", {}), "fontSize": {"expr": TITLE_SIZE}}
    return {
        **spec,
        "config": config,
        "width": "container",
        "height": min(spec.get("height", PAGE_HEIGHT), PAGE_HEIGHT),
        "autosize": {"type": "fit-x", "contains": "padding"},
    }


LEGEND_ENTRY = 16 + 5 + 10
"""A legend entry's width besides its label: the symbol, its gap and the column padding."""
CHARACTER_WIDTH = 0.6
"""A character's width in em, generously: the kit's legend labels and bold chart sentences
average 0.5 em (here for the legends; :mod:`~kit.kernelfree.specs` wraps sentences by it)."""
LEGEND_ENCODINGS = ("color", "fill", "shape", "strokeDash", "stroke")


def legend_labels(spec: Any) -> list[str]:
    """The names a spec's legend shows: its legend encodings' scale domains, in order."""
    found: list[str] = []
    if isinstance(spec, list):
        for child in spec:
            found += [label for label in legend_labels(child) if label not in found]
    elif isinstance(spec, dict):
        for name, value in spec.items():
            if name == "encoding" and isinstance(value, dict):
                for channel in LEGEND_ENCODINGS:
                    domain = _legend_domain(value.get(channel))
                    found += [label for label in domain if label not in found]
            elif isinstance(value, dict | list):
                found += [label for label in legend_labels(value) if label not in found]
    return found


def _legend_domain(channel: Any) -> list[str]:
    if not isinstance(channel, dict) or channel.get("legend", {}) is None:
        return []
    domain = channel.get("scale", {}).get("domain")
    if isinstance(domain, list) and all(isinstance(label, str) for label in domain):
        return domain
    return []


def legend_columns(labels: list[str]) -> str:
    """How many columns a top legend of ``labels`` takes (a Vega expression of ``width``).

    One row (``0``) when every entry fits the plot's width; else as many columns as the
    widest entry allows, at least one: a legend wider than its chart is cut by the
    drawing's edge (on a phone, "Gelijkmatig tempo" lost its last letters).
    """
    entries = [LEGEND_ENTRY + len(label) * PAGE_FONT * CHARACTER_WIDTH for label in labels]
    return f"width >= {round(sum(entries))} ? 0 : max(1, floor(width / {round(max(entries))}))"


def embed_script() -> str:
    """JavaScript that draws every kernel-free box on the page (after Vega-Embed loaded).

    Numbers follow ``<html lang>`` (:data:`kit.live.display.LOCALES`), and the slider
    readouts read as on the kernel's slides (60%, € 1.600, 0,50). Each drawn view is
    kept in ``window.kitViews``. It runs as a module (``<script type="module">``):
    packed grids and a packed bundle (:func:`packed_bundle_script`) are unpacked first,
    then every chart is drawn; ``<html>`` gets the class ``kit-interactive`` once they
    all are.
    """
    from kit.live.display import LOCALES

    locales = json.dumps(LOCALES, separators=(",", ":"))
    return (
        "async function kitUnpack(source) {  // data-packed: gzip in base64, unpacked here\n"
        f"  if (source.dataset.packed !== '{PACKED}') return source.textContent;\n"
        "  const text = atob(source.textContent.trim());\n"
        "  const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));\n"
        "  const unzip = new DecompressionStream('gzip');\n"
        "  const stream = new Blob([bytes]).stream().pipeThrough(unzip);\n"
        "  return new Response(stream).text();\n"
        "}\n"
        "// a page opened to be printed (the handouts' printer emulates print) draws nothing:\n"
        "// paper shows the kernel's charts; the sliders wait until the page is on a screen\n"
        "const kitPrint = window.matchMedia('print');\n"
        "if (kitPrint.matches) {\n"
        "  await new Promise((resolve) => kitPrint.addEventListener('change', function seen() {\n"
        "    if (!kitPrint.matches) { kitPrint.removeEventListener('change', seen); resolve(); }\n"
        "  }));\n"
        "}\n"
        f"const kitBundle = document.getElementById('{BUNDLE_ID}');\n"
        "if (kitBundle && !window.vegaEmbed) {  // a page that carries Vega itself\n"
        "  const code = new Blob([await kitUnpack(kitBundle)], {type: 'text/javascript'});\n"
        "  const address = URL.createObjectURL(code);\n"
        "  await import(address);\n"
        "  URL.revokeObjectURL(address);\n"
        "}\n"
        f"const kitLocales = {locales};\n"
        "const kitLanguage = document.documentElement.lang in kitLocales\n"
        "  ? document.documentElement.lang : 'en';\n"
        "// a readout as on the kernel's slides: 60%, € 1.600, 0,50 (the spec says which);\n"
        "// written again after Vega's own (the raw value) on every move, release or change\n"
        "function kitReadouts(root, view, formats) {\n"
        "  for (const input of root.querySelectorAll('input[type=range]')) {\n"
        "    const shown = input.nextElementSibling;  // Vega's readout\n"
        "    const style = new Intl.NumberFormat(kitLanguage,\n"
        "      formats[input.name] || {maximumFractionDigits: 2});\n"
        "    const write = () => {\n"
        "      if (shown) shown.textContent = style.format(+input.value);\n"
        "    };\n"
        "    input.addEventListener('input', write);\n"
        "    input.addEventListener('change', write);\n"
        "    try {  // moved from another chart's slider: Vega sets it after this listener\n"
        "      view.addSignalListener(input.name, () => setTimeout(write));\n"
        "    } catch (unknown) { /* not a signal of this view */ }\n"
        "    write();\n"
        "  }\n"
        "}\n"
        "// one story, one set of values: a slider moved on one chart moves the same\n"
        "// parameter on every other chart of the page (their inputs follow their signals)\n"
        "const kitShared = [];\n"
        "function kitShare(view) {\n"
        "  const names = (view.getState({signals: (n) => n.startsWith('p_'), data: () => false})\n"
        "    .signals) || {};\n"
        "  for (const signal of Object.keys(names)) {\n"
        "    view.addSignalListener(signal, (_, value) => {\n"
        "      for (const other of kitShared) {\n"
        "        if (other === view) continue;\n"
        "        try {\n"
        "          if (other.signal(signal) !== value) other.signal(signal, value).runAsync();\n"
        "        } catch (unknown) { /* that chart has no such slider */ }\n"
        "      }\n"
        "    });\n"
        "  }\n"
        "  kitShared.push(view);\n"
        "}\n"
        "// Vega sizes a drawing before it redraws a sentence wrapped to the chart's width (or\n"
        "// changed by a slider): a new last line fell below the drawing's edge. Size it again\n"
        "// once the sentence is drawn, after the first drawing and after every such change.\n"
        "function kitRefit(view) {\n"
        "  let queued = false;\n"
        "  const again = () => {\n"
        "    if (queued) return;\n"
        "    queued = true;\n"
        "    setTimeout(() => { queued = false; view.resize().runAsync(); });\n"
        "  };\n"
        "  const names = (view.getState({signals: (n) => n.startsWith('p_'), data: () => false})\n"
        "    .signals) || {};\n"
        "  for (const signal of ['width', ...Object.keys(names)]) {\n"
        "    view.addSignalListener(signal, again);\n"
        "  }\n"
        "  return view.resize().runAsync();\n"
        "}\n"
        "const kitGrids = {};\n"
        f"for (const source of document.querySelectorAll('script.{GRID_CLASS}')) {{\n"
        "  kitGrids[source.dataset.name] = await kitUnpack(source);\n"
        "}\n"
        "function kitWithGrids(node) {  // a grid named in a spec gets the page's rows\n"
        "  if (Array.isArray(node)) return node.map(kitWithGrids);\n"
        "  if (node === null || typeof node !== 'object') return node;\n"
        "  if (typeof node.name === 'string' && node.name in kitGrids && node.format) {\n"
        "    const {name, ...rest} = node;\n"
        "    return {...rest, values: kitGrids[name]};\n"
        "  }\n"
        "  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, kitWithGrids(v)]));\n"
        "}\n"
        "const kitDrawn = [];\n"
        f"for (const source of document.querySelectorAll('script.{SPEC_CLASS}')) {{\n"
        "  const name = source.dataset.chart, box = document.getElementById(`chart-${name}`);\n"
        "  const spec = kitWithGrids(JSON.parse(source.textContent));\n"
        "  kitDrawn.push(window.vegaEmbed(box, spec, {actions: false,\n"
        "    renderer: 'svg', formatLocale: kitLocales[kitLanguage]}).then(async (result) => {\n"
        "    kitReadouts(box, result.view, (spec.usermeta || {}).kitReadouts || {});\n"
        "    kitShare(result.view);\n"
        "    await kitRefit(result.view);\n"
        "    (window.kitViews = window.kitViews || {})[name] = result.view;\n"
        "  }));\n"
        "}\n"
        "await Promise.all(kitDrawn);\n"
        "document.documentElement.classList.add('kit-interactive');\n"
    )
