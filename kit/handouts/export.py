"""An executed notebook as one offline HTML page: the kit's template, no code, no widgets.

nbconvert exports with the kit's template (``kit/templates/handout``): cells tagged
``live-only`` and widget views are left out, the code is hidden, charts are the SVGs
the kit drew in the kernel, and nothing on the page loads from the network.

A scene with a kernel-free form (:mod:`kit.kernelfree`) keeps its sliders: on screen the
page shows the chart drawn in the browser, its sliders bound to Vega parameters and
started at the workshop's values, with Vega packed into the page once; in print (the
PDF) it shows the SVG drawn in the kernel, as chosen in the workshop.
"""

from __future__ import annotations

import base64
import copy
import re
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from kit.handouts.plan import LIVE_ONLY, Handout
from kit.handouts.sliders import live_charts
from kit.text import t

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.DOTALL | re.IGNORECASE)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


class HandoutOutputs(Preprocessor):
    """Keep what a reader needs: no widget views (they need a kernel and a CDN), no stderr.

    An output that also carries a static picture keeps the picture; one that is only a
    widget view is dropped, and so is the notebook's saved widget state. Every chart gets
    alternative text: what it shows, as the kernel gave it, or else its title.
    """

    def preprocess(self, nb, resources):  # noqa: D102 - see the class docstring
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):  # noqa: D102
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            data = output.get("data")
            if data is not None and WIDGET_VIEW in data:
                data.pop(WIDGET_VIEW)
                if not set(data) - {"text/plain"}:
                    continue
            chart = output.get("metadata", {}).get("kit")
            if chart:  # the words kit.live.display gave the chart, else its title
                chart["alt"] = (
                    chart.get("alt") or chart_title(chart.get("spec", {})) or chart.get("chart", "")
                )
            kept.append(output)
        cell.outputs = kept
        return cell, resources


def chart_title(spec: dict[str, Any]) -> str:
    """The title a Vega-Lite spec shows, as plain text (for the image's alternative text).

    >>> chart_title({"title": {"text": ["Month by month", "(seed 1)"]}})
    'Month by month (seed 1)'
    """
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(str(part) for part in title)
    return str(title)


_EXPORTER: list[HTMLExporter] = []


def exporter(language: str) -> HTMLExporter:
    """The handout exporter, set to write pages in ``language``.

    One per process, for every language: its templates are compiled on first use
    (about 0.4 s), and only the page's ``lang`` differs between languages.
    """
    if not _EXPORTER:
        made = HTMLExporter(
            template_name="handout",
            extra_template_basedirs=[str(TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            # the notebook is checked once, after every preprocessor, not after each of the
            # 14 (0.02 s a handout)
            optimistic_validation=True,
        )
        made.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={LIVE_ONLY}), True)
        made.register_preprocessor(HandoutOutputs(), True)
        _EXPORTER.append(made)
    _EXPORTER[0].language_code = language
    return _EXPORTER[0]


def handout_html(
    notebook: nbformat.NotebookNode, handout: Handout, live: dict[str, str] | None = None
) -> str:
    """The executed notebook as one self-contained, offline HTML page with the workshop's cover.

    Parameters
    ----------
    notebook : NotebookNode
        The executed notebook (not changed).
    handout : Handout
    live : dict, optional
        The page's sliders (:func:`~kit.handouts.sliders.live_charts`), if made already.

    Returns
    -------
    str
    """
    notebook = copy.deepcopy(notebook)
    notebook.metadata["title"] = _page_title(handout)
    cover = {
        **handout.cover,
        "participant": handout.participant,
        "footer": t("handouts.footer", handout.language, **_footer_fields(handout)),
        "css_footer": css_string(f"{handout.cover['title']} \u00b7 {handout.cover['date']}"),
        "css_page": css_string(handout.cover["page"]),
        "css_of": css_string(handout.cover["of"]),
        "live": live_charts(handout) if live is None else live,
    }
    if cover["live"]:
        from kit.kernelfree import embed

        cover["live_note"] = t("handouts.live_note", handout.language)
        cover["live_scripts"] = embed.packed_bundle_script() + (
            f'<script type="module">\n{embed.embed_script()}</script>'
        )
    html, _ = exporter(handout.language).from_notebook_node(notebook, resources={"kit": cover})
    return without_css_comments(html)


def without_css_comments(html: str) -> str:
    """Drop ``/* ... */`` comments inside ``<style>`` elements (lab's CSS cites web pages).

    >>> without_css_comments("<style>a { color: red; /* see https://x */ }</style>")
    '<style>a { color: red;  }</style>'
    """
    return STYLE.sub(lambda m: CSS_COMMENT.sub("", m.group(0)), html)


def _page_title(handout: Handout) -> str:
    try:
        story_title = t(f"{handout.story}.title", handout.language)
    except KeyError:
        story_title = Path(handout.notebook).stem
    if handout.participant:
        return f"{story_title} \u2013 {handout.participant}"
    return f"{story_title} \u2013 {handout.cover['title']}"


def _footer_fields(handout: Handout) -> dict[str, Any]:
    cover = handout.cover
    return {
        "title": cover["title"],
        "date": cover["date"],
        "seed": cover["seed"],
        "written": cover["written"],
    }


def css_string(text: str) -> str:
    r"""Quote ``text`` as a CSS string that cannot end the string or the style element.

    >>> print(css_string('a "b" </style>'))
    "a \22 b\22  \3c \2f style\3e "
    """
    safe = "".join(
        ch if ch.isalnum() or ch in " .,:;-_!?()'\u00b7\u2013" else f"\\{ord(ch):x} " for ch in text
    )
    return f'"{safe}"'


def svg_images(html: str) -> list[str]:
    """The SVG charts embedded in a handout's HTML (as ``data:image/svg+xml;base64`` images).

    Parameters
    ----------
    html : str

    Returns
    -------
    list of str
        The SVG documents, in page order.
    """
    marker = 'src="data:image/svg+xml;base64,'
    found = []
    start = html.find(marker)
    while start != -1:
        end = html.index('"', start + len(marker))
        found.append(base64.b64decode(html[start + len(marker) : end]).decode("utf-8"))
        start = html.find(marker, end)
    return found
