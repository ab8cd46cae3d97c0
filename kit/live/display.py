"""Showing text and charts in a notebook, the same way live and headless.

A chart is shown as one display bundle: an ``image/svg+xml`` drawn in the kernel
by vl-convert (no browser, no network, so it renders offline in JupyterLab,
Voila and exported handouts alike), with the Vega-Lite spec and the chart's
name in the output's metadata so tests and handouts can read what was drawn.
"""

from __future__ import annotations

import html
import json
from typing import Any

import altair as alt
import mistune
import vl_convert as vlc
from IPython.display import Markdown, display

from kit.cache import MAX_CHARTS, digest, remembered
from kit.stories.base import Chart
from kit.stories.look import MOOD_GLYPHS, dress_moods
from kit.text import t
from kit.vlconvert import convert

# The story's money is in euros in both languages; d3's en-US locale would print dollars.
LOCALES = {
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]},
    "nl": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€\u00a0", ""]},
}


def draw_svg(spec: dict[str, Any], language: str = "en") -> str:
    """Draw a Vega-Lite ``spec`` as SVG with vl-convert, numbers formatted for ``language``.

    External data URLs are refused: everything a chart shows is inline. Every call
    draws (in a process of its own in a fork of a process that drew: :mod:`kit.vlconvert`);
    :func:`chart_svg` is the same with the disk cache in front.
    """
    return convert("vegalite_to_svg", spec, format_locale=LOCALES[language], allowed_base_urls=[])


def chart_svg(spec: dict[str, Any], language: str = "en") -> str:
    """Draw a Vega-Lite ``spec`` as SVG in the kernel (:func:`draw_svg`), cached on disk.

    A chart drawn before (same spec, language and vl-convert) comes from the disk
    cache (:mod:`kit.cache`), so a notebook with its default settings shows its
    charts without starting vl-convert at all.
    """
    key = json.dumps([LOCALES[language], spec], sort_keys=True)
    name = digest(vlc.__version__, key) + ".svg"
    return remembered("svg", name, lambda: draw_svg(spec, language), keep=MAX_CHARTS)


def chart_output(chart: alt.TopLevelMixin, name: str, language: str = "en") -> dict[str, Any]:
    """One chart as an nbformat ``display_data`` output (SVG + spec in the metadata).

    Parameters
    ----------
    chart : altair chart
    name : str
        A stable name (``"mood_bars"``) so handouts and tests can find the chart.
    language : {"en", "nl"}
    """
    spec = chart.to_dict(validate=False)
    alt = chart_alt(name, spec, language)
    svg = chart_svg(spec, language).replace("<svg ", f'<svg aria-label="{html.escape(alt)}" ', 1)
    return {
        "output_type": "display_data",
        "data": {"image/svg+xml": svg, "text/plain": f"<chart {name}>"},
        "metadata": {"kit": {"chart": name, "language": language, "spec": spec, "alt": alt}},
    }


def chart_alt(name: str, spec: dict[str, Any], language: str) -> str:
    """What a chart shows, in words (``deck.alt.<name>``); its title for a chart without.

    The words go into the SVG's ``aria-label``: a page shows the SVG as an image, and
    the kit's page template gives the image these words as its ``alt`` text.
    """
    try:
        return t(f"deck.alt.{name}", language)
    except KeyError:
        title = spec.get("title", "")
        title = title.get("text", "") if isinstance(title, dict) else title
        return " ".join(title) if isinstance(title, list) else str(title)


def show_chart(chart: alt.TopLevelMixin, name: str, language: str = "en") -> None:
    """Display one chart in the running notebook (see :func:`chart_output`)."""
    output = chart_output(chart, name, language)
    display(output["data"], metadata=output["metadata"], raw=True)


def say(key: str, language: str = "en", **fields: Any) -> None:
    """Display one text from ``kit/text`` as Markdown, placeholders filled in."""
    value = t(key, language, **fields)
    if isinstance(value, list):
        value = "\n".join(f"1. {line}" for line in value)
    display(Markdown(value))


def heading(key: str, language: str = "en", level: int = 2) -> None:
    """Display a text from ``kit/text`` as a Markdown heading."""
    display(Markdown(f"{'#' * level} {t(key, language)}"))


def show_markdown(text: str) -> None:
    """Display Markdown that a story's narrate module composed.

    Text with a mood's glyph (the client's diary) is also given as HTML with each glyph
    in its mood's colour, which the page and the handouts show (the Markdown stays for
    a reader that takes Markdown only).
    """
    if any(glyph in text for glyph in MOOD_GLYPHS.values()):
        shown = dress_moods(_markdown(text))
        display({"text/markdown": text, "text/html": shown}, raw=True)
    else:
        display(Markdown(text))


_markdown = mistune.create_markdown(escape=True, plugins=["table"])


def show_scene(story: Any, scene: Any) -> None:
    """Display one scene of a story: its heading, its fixed text, then its parts in order.

    A chart is drawn as SVG in the kernel (:func:`show_chart`), sentences as Markdown.
    Nothing is printed: everything a handout shows is a display output.
    """
    language = story.language
    heading(scene.heading, language, level=scene.level)
    if scene.text:
        say(scene.text, language)
    for part in scene.parts:
        if isinstance(part, Chart):
            show_chart(part.draw(story), part.name, language)
        else:
            show_markdown(part.write(story))
