"""Every scene of the deck fits a projector's screen, in English and Dutch, without scrolling.

At 1024x768 and 1280x720 each scene's heading, controls, charts and sentences end above
the deck's bar and within the screen's width: the coach never scrolls to show the end of
a slide (story A's contract rule in Dutch fell below the fold at 1024x768). A slide that
would overflow is fitted (``static/fit.js``): body text and control labels stay 24 px at
1280 wide (DESIGN.md) and never go below 18 px at 1024 wide, and a chart is drawn at the
size left to it (``board.js``), its axis and legend labels at least 12 px on screen. Walks
every scene of both stories in both languages, one deck page per story and language,
resized from one screen to the other. Screenshots of the fitted scenes go to ``$KIT_ARTIFACTS``.
"""

from __future__ import annotations

import pytest
from live.test_deck_browser import browser, deck, kit_present

from kit.live.deck import deck_chart_item
from kit.stories.base import Chart
from kit.stories.nocure.story import NoCureStory
from kit.stories.referrals.story import ReferralsStory

pytestmark = pytest.mark.browser

__all__ = ["browser", "deck", "kit_present"]  # the deck's browser tests' fixtures

SCREENS = ((1024, 768), (1280, 720))
READABLE = {1024: 18, 1280: 24}
"""The smallest body text and control label on a projector of that width, in px (DESIGN.md:
24 px at 1280 wide; a slide at 1024 wide may be fitted down to 18 px)."""
STILL_SMALLER = {
    ("referrals", "en", "honest"): 21,
    ("referrals", "nl", "honest"): 21,
    ("referrals", "nl", "map"): 21,
}
"""Scenes whose words do not yet fit 1280x720 at 24 px beside charts no lower than their
least plot, even in two columns: the smallest body text there, in px. At 24 px the honest
slide's six controls, sentences and chart leave about 90 px (English) and 210 px (Dutch) for a
third column; the Dutch map's sentences are a seventh longer than the English (973 characters
against 855), which fit."""
SCROLLS: set[tuple[str, str, str, int]] = set()
"""Scenes that do not fit that screen even at 18 px beside a chart no lower than its least
plot: they scroll the least of the fit's steps (``fit.js``). None at present."""
SPLIT = {
    ("nocure", "nl", "chance", 1024),
    ("nocure", "nl", "chance", 1280),
    ("referrals", "en", "map", 1280),
}
"""Scenes in two columns whose text still reads on from one column to the next: none of
their two-column steps keeps every paragraph whole at 24 px (1280 wide) or 21 px (1024
wide, one step smaller), and beside the chart a long Dutch label would run under its
readout (``fit.js``). Every other scene in two columns keeps its paragraphs whole."""
NEWSPAPER = ("4", "5", "6", "7")
"""``fit.js``'s steps that set the slide in two newspaper columns."""
NARROWER = {
    ("nocure", "outcomes"),
    ("nocure", "income"),
    ("nocure", "terms"),
}
"""Charts whose labels beside the plot make them wider than their holder at 1024 wide even
with their least plot: CSS scales them down, their plot no narrower than :data:`NARROW_PLOT`.
(Their category names at the plot's left: the holder is 463 px wide, their least plot 336.)"""
NARROW_PLOT = 0.45
LOW = {"width": 1024, "height": 600}
FITS_NOWHERE = ("referrals", "nl", "map")
"""A scene that fits :data:`LOW`, a screen lower than a projector's (a laptop's browser with
its bars showing), at no step, not even at 18 px: it scrolls the least of the steps, less than
its one column at 24 px (the fit's fallback before), and hides nothing beside the screen."""

SETTLED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
DRAWN = """() => Array.from(document.querySelectorAll('.kit-current .kit-out[data-natural]')).every(
    (holder) => holder.dataset.fitted === `${holder.clientWidth}x${holder.clientHeight}`)"""
"""Every chart of the scene shown drawn again at its holder's size (``board.js``)."""
MEASURE = """() => {
    const slide = document.querySelector('.kit-current');
    const content = slide.querySelector('.kit-slide');
    const boxes = Array.from(content.querySelectorAll('*'))
        .map((part) => part.getBoundingClientRect())
        .filter((box) => box.width > 0 && box.height > 0);
    const sizes = (selector) => Array.from(content.querySelectorAll(selector))
        .filter((part) => part.getClientRects().length && part.textContent.trim())
        .map((part) => parseFloat(getComputedStyle(part).fontSize));
    return {
        bottom: Math.max(...boxes.map((box) => box.bottom)),
        right: Math.max(...boxes.map((box) => box.right)),
        fold: document.querySelector('.kit-deck-bar').getBoundingClientRect().top,
        text: Math.min(...sizes('.kit-words p, .kit-words li, .kit-words td, .kit-slide-text p')),
        labels: Math.min(...sizes('.widget-label')),
        // a chart's axis and legend labels as large as they show: font size times the scale
        // from the SVG's own px to the screen's (CSS scaling a chart down shrinks them)
        chart: Math.min(...Array.from(content.querySelectorAll(
                '.kit-out svg .role-axis-label text, .kit-out svg .role-legend-label text'))
            .filter((label) => label.textContent.trim())
            .map((label) => label.getScreenCTM().a * parseFloat(getComputedStyle(label).fontSize))),
        tracks: Math.min(...Array.from(content.querySelectorAll('.slider-container'))
            .filter((track) => track.getClientRects().length)
            .map((track) => track.getBoundingClientRect().width)),
        fit: slide.dataset.fit,
        whole: slide.dataset.whole !== undefined,  // paragraphs whole in one column each
        // each chart's plot (the data's rectangle: its root frame) as large as it shows
        plots: Array.from(content.querySelectorAll('.kit-out[data-natural]')).map((holder) => {
            const frame = holder.querySelector('svg .role-frame.root > g > path.background');
            const box = frame ? frame.getBoundingClientRect() : {width: 0, height: 0};
            const name = Array.from(holder.classList).find((c) => c.startsWith('kit-out-'));
            return [name.slice('kit-out-'.length), box.width, box.height];
        }),
    };
}"""
CHART_LABELS = 12
"""The smallest axis or legend label of a chart on screen, in px, at 1024 and 1280 wide."""
LEAST_PLOT = 0.6
"""A chart's plot (the data's rectangle, without axes, legends and title) on screen, at least
this share of its spec's own width and height: squashed lower, a map of 21x21 squares is
unreadable however large its labels are."""
TRACK = 240
"""A slider's shortest track, in px: a fitted slide puts a track under its label rather than
squeeze it beside a long one."""


def designed_plots(topic: str, language: str) -> dict[str, tuple[float, float]]:
    """Each deck chart's plot size as its spec draws it (the deck's own), by chart name."""
    stories = {
        "nocure": lambda: NoCureStory(language=language, n_contracts=300),
        "referrals": lambda: ReferralsStory(language=language, runs=300),
    }
    story = stories[topic]()
    plots = {}
    for part in story.parts():
        if isinstance(part, Chart):
            item = deck_chart_item(part, story)
            spec = item.get("spec") or item["skeleton"]
            plots[part.name] = (float(spec["width"]), float(spec["height"]))
    return plots


def squashed(plots: list, designed: dict, topic: str, screen: int) -> list[str]:
    """The charts whose plot shows below :data:`LEAST_PLOT` of its designed size."""
    found = []
    for name, width, height in plots:
        own_width, own_height = designed[name]
        narrowest = LEAST_PLOT
        if screen == 1024 and (topic, name) in NARROWER:
            narrowest = NARROW_PLOT
        if width < narrowest * own_width - 1 or height < LEAST_PLOT * own_height - 1:
            found.append(
                f"{name} plot {width:.0f}x{height:.0f} of {own_width:.0f}x{own_height:.0f}"
            )
    return found


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("topic", ["nocure", "referrals"])
def test_every_scene_fits_a_projector_without_scrolling(deck, topic, language):
    designed = designed_plots(topic, language)
    width, height = SCREENS[0]
    shown = deck(topic, language, viewport={"width": width, "height": height})
    page = shown.page
    problems, fitted = [], []
    for width, height in SCREENS:
        page.set_viewport_size({"width": width, "height": height})
        for index, scene in enumerate(shown.scenes):
            page.evaluate(f"window.kitDeck.show({index}, null)")
            page.evaluate(SETTLED)  # the fit runs when the slide's size is observed
            page.wait_for_function(DRAWN, timeout=5_000)
            found = page.evaluate(MEASURE)
            where = f"{width}x{height} {scene}"
            scrolls = (topic, language, scene, width) in SCROLLS
            if found["bottom"] > found["fold"] + 1 and not scrolls:
                problems.append(
                    f"{where}: ends at {found['bottom']:.0f} px, bar at {found['fold']}"
                )
            if found["right"] > width + 1:
                problems.append(f"{where}: {found['right']:.0f} px wide")
            least = READABLE[width]
            if width >= 1280:
                least = STILL_SMALLER.get((topic, language, scene), least)
            if min(found["text"], found["labels"]) < least:
                problems.append(f"{where}: text {found['text']} px, labels {found['labels']} px")
            if found["chart"] < CHART_LABELS:  # Infinity: no chart on this scene
                problems.append(f"{where}: chart labels {found['chart']:.1f} px on screen")
            if small := squashed(found["plots"], designed, topic, width):
                problems.append(f"{where}: {', '.join(small)}")
            split = found["fit"] in NEWSPAPER and not found["whole"]
            if split != ((topic, language, scene, width) in SPLIT):
                problems.append(f"{where}: fit {found['fit']}, paragraphs split: {split}")
            if found["tracks"] < TRACK:
                problems.append(f"{where}: a slider's track {found['tracks']:.0f} px long")
            if found["fit"] not in ("0", None):
                whole = " whole" if found["whole"] else ""
                fitted.append(f"{width} {scene} fit {found['fit']}{whole} text {found['text']}")
                shown.screenshot(f"deck-fit-{width}x{height}-{topic}-{language}-{scene}")
    if (topic, language) == FITS_NOWHERE[:2]:
        problems += scrolls_the_least(shown, shown.scenes.index(FITS_NOWHERE[2]))
    assert problems == [], "\n".join(problems)
    print(f"{topic} {language}: fitted {fitted}")


ONE_COLUMN = """() => {
    const slide = document.querySelector('.kit-current');
    const [fit, whole] = [slide.dataset.fit, slide.dataset.whole];
    slide.dataset.fit = '3';  // one column at 24 px, the fit's fallback before
    delete slide.dataset.whole;
    const bottom = Math.max(...Array.from(slide.querySelectorAll('.kit-slide *'))
        .map((part) => part.getBoundingClientRect().bottom));
    slide.dataset.fit = fit;  // back before the next frame: no fit is called for
    if (whole !== undefined) slide.dataset.whole = whole;
    return bottom;
}"""


def scrolls_the_least(shown, index: int) -> list[str]:
    """What is wrong with the fit of scene ``index`` on the :data:`LOW` screen."""
    page = shown.page
    page.set_viewport_size(LOW)
    page.evaluate(f"window.kitDeck.show({index}, null)")
    page.evaluate(SETTLED)
    page.wait_for_function(DRAWN, timeout=5_000)
    found = page.evaluate(MEASURE)
    shown.screenshot(f"deck-fit-{LOW['width']}x{LOW['height']}-{'-'.join(FITS_NOWHERE)}")
    where = f"{LOW['width']}x{LOW['height']} {FITS_NOWHERE[2]} fit {found['fit']}"
    if found["bottom"] <= found["fold"] + 1:
        return [f"{where}: fits, a lower screen is needed to see the fit's fallback"]
    problems = []
    if found["right"] > LOW["width"] + 1:
        problems.append(f"{where}: {found['right']:.0f} px wide")
    if min(found["text"], found["labels"]) < READABLE[1024]:
        problems.append(f"{where}: text {found['text']} px, labels {found['labels']} px")
    one_column = page.evaluate(ONE_COLUMN)
    if found["bottom"] > one_column - 100:  # measured: 134 px below the bar against 482
        problems.append(
            f"{where}: ends at {found['bottom']:.0f} px, in one column {one_column:.0f}"
        )
    return problems
