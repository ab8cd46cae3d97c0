"""The live workshop in a real browser: Debian's Chromium driven by playwright, offline.

Every request that would leave 127.0.0.1 is blocked and recorded; a test fails on any such
request and on any console error. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from helpers import fetch, free_port, presenter, stop
from live.test_deck_browser import axe_source, serious_violations

from kit import present
from kit.chromium import HEADLESS_FLAGS, chromium_path
from kit.text import catalogue

pytestmark = pytest.mark.browser

STORIES = present.stories_in(present.NOTEBOOKS)
__all__ = ["axe_source"]  # a fixture shared with the deck's browser tests

CHROMIUM = chromium_path() or Path("/usr/bin/chromium")
ARGS = list(HEADLESS_FLAGS)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
WAIT_MS = 120_000

OUTPUTS_JS = """() => Array.from(document.querySelectorAll('[class*="kit-out-"]'))
    .map(e => e.innerHTML).join('|')"""
CHARTS_JS = """() => Array.from(document.querySelectorAll('[class*="kit-out-"]'))
    .filter(e => e.querySelector('svg, img')).map(e => e.innerHTML).join('|')"""


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (.ci/run does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def voila():
    with presenter("--pool", "1", "--lang", "en") as (base, _, _printed):
        yield base


class Watched:
    """A page whose console errors and non-loopback requests are recorded."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT_MS)
        self.errors: list[str] = []
        self.external: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def screenshot(self, name: str) -> None:
        """Save the whole page (Voilà scrolls inside an element: grow the window to fit)."""
        ARTIFACTS.mkdir(exist_ok=True)
        height = self.page.evaluate(
            "() => Math.max(...Array.from(document.querySelectorAll('body, body > *, "
            "#rendered_cells, .jp-WindowedPanel-outer')).map(e => e.scrollHeight))"
        )
        self.page.set_viewport_size({"width": 1280, "height": min(max(900, height), 12000)})
        self.page.wait_for_timeout(300)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        self.page.set_viewport_size({"width": 1280, "height": 900})

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser):
    page = Watched(browser)
    try:
        yield page
    finally:
        page.close()


def slider_labels(language: str) -> set[str]:
    return {v for k, v in catalogue(language).items() if k.startswith("params.")}


def move_first_slider(page) -> tuple[str, str]:
    """Press ArrowRight on the first slider; wait for a chart to be redrawn.

    Returns the slider's value before and after.
    """
    handle = page.locator(".kit-slider .noUi-handle").first
    handle.wait_for(state="visible")
    before_value = handle.get_attribute("aria-valuenow")
    before_outputs = page.evaluate(OUTPUTS_JS)
    before_charts = page.evaluate(CHARTS_JS)
    assert before_charts, "the panel shows no chart"
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"(b) => ({CHARTS_JS})() !== b", arg=before_charts)
    after_value = handle.get_attribute("aria-valuenow")
    assert page.evaluate(OUTPUTS_JS) != before_outputs
    return before_value, after_value


@pytest.mark.parametrize("language", ["en", "nl"])
def test_index_page_is_local_and_in_its_language(voila, watched, language):
    watched.page.goto(f"{voila}/?lang={language}")
    links = watched.page.locator("a.kit-story")
    assert links.count() == len(STORIES)
    assert watched.page.locator("h1").inner_text() == catalogue(language)["present.page_title"]
    watched.screenshot(f"index-{language}")
    assert not watched.errors and not watched.external


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.topic)
def test_story_page_offline_answers_the_keyboard(voila, watched, story, language):
    page = watched.page
    page.goto(f"{voila}/voila/render/{language}/{story.file}")
    page.locator(".kit-slider .noUi-handle").first.wait_for(state="visible")
    page.wait_for_timeout(500)  # let the first charts settle before measuring
    labels = page.locator(".kit-slider .widget-label").all_inner_texts()
    assert labels and set(labels) <= slider_labels(language), labels
    assert story.title(language) in page.locator("h1").first.inner_text()
    assert page.evaluate("document.documentElement.lang") == language
    before, after = move_first_slider(page)
    assert before != after
    watched.screenshot(f"voila-{story.topic}-{language}")
    assert "Traceback" not in page.content()
    assert not watched.errors, watched.errors
    assert not watched.external, watched.external


def test_a_typed_value_is_clamped_not_an_error(voila, watched):
    page = watched.page
    page.goto(f"{voila}/voila/render/en/{STORIES[0].file}")
    readout = page.locator(".kit-panel .kit-control .kit-readout input").first
    readout.wait_for(state="visible")
    handle = page.locator(".kit-panel .kit-slider .noUi-handle").first
    highest = handle.get_attribute("aria-valuemax")
    readout.fill("99999999")
    readout.press("Enter")
    page.wait_for_function(
        "(h) => document.querySelector('.kit-panel .kit-slider .noUi-handle')"
        ".getAttribute('aria-valuenow') === h",
        arg=highest,
    )
    note = page.locator(".kit-panel .kit-readout-note").first
    note.wait_for(state="visible")
    assert "highest" in note.inner_text()
    assert page.locator(".kit-problem").count() == 0
    assert not watched.errors, watched.errors


# What the panel's readouts say with the story's defaults, the page's language's way
READOUTS = {
    "nl": {"target": "120", "volatility": "0,50", "retainer_fee": "€ 2.000", "alarm_drop": "60%"},
    "en": {"target": "120", "volatility": "0.50", "retainer_fee": "€2,000", "alarm_drop": "60%"},
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_panels_readouts_are_in_the_pages_language(voila, watched, language):
    page = watched.page
    page.goto(f"{voila}/voila/render/{language}/{STORIES[0].file}")
    panel = page.locator(".kit-panel")
    panel.locator(".kit-readout input").first.wait_for(state="visible")
    shown = {
        name: panel.locator(f".kit-control-{name} .kit-readout input").input_value()
        for name in READOUTS[language]
    }
    assert {k: v.replace("\u00a0", " ") for k, v in shown.items()} == READOUTS[language]
    # ipywidgets' own readout (English numbers) is not shown
    assert panel.locator(".kit-slider .widget-readout:visible").count() == 0
    tabs = panel.locator(".lm-TabBar-tab")
    typed = panel.locator(".kit-control-volatility .kit-readout input")
    for index in range(tabs.count()):  # the tab with the volatility
        if typed.is_visible():
            break
        tabs.nth(index).click()
    typed.fill("0,75" if language == "nl" else "0.75")  # typed the page's way, read its way
    typed.press("Enter")
    handle = panel.locator(".kit-control-volatility .noUi-handle").element_handle()
    page.wait_for_function("(h) => h.getAttribute('aria-valuenow') !== '0.5'", arg=handle)
    assert typed.input_value() == ("0,75" if language == "nl" else "0.75")
    assert not watched.errors, watched.errors


@pytest.mark.parametrize(("language", "story"), [("nl", STORIES[0]), ("en", STORIES[1])])
def test_the_one_page_view_passes_axe_on_every_tab(voila, watched, axe_source, language, story):
    page = watched.page
    page.goto(f"{voila}/voila/render/{language}/{story.file}")
    page.locator(".kit-panel .kit-slider .noUi-handle").first.wait_for(state="visible")
    page.wait_for_function(  # every chart the kernel drew has its words
        "() => document.querySelectorAll('.jp-RenderedSVG > img').length > 0 && Array.from("
        "document.querySelectorAll('.jp-RenderedSVG > img')).every(i => i.alt.length > 40)"
    )
    found = {}
    tabs = page.locator(".kit-panel .lm-TabBar-tab")
    for index in range(tabs.count()):
        tabs.nth(index).click()
        page.wait_for_timeout(300)
        if violations := serious_violations(page, axe_source):
            found[tabs.nth(index).inner_text()] = violations
    assert found == {}, json.dumps(found, indent=1)
    assert not watched.errors, watched.errors


def test_a_chart_is_redrawn_in_place_and_rebuilt_when_its_shape_changes(voila, watched):
    """New numbers update the chart on screen (same SVG, no flicker); a new axis rebuilds it."""
    page = watched.page
    page.goto(f"{voila}/voila/render/en/{STORIES[1].file}")
    band = page.locator(".kit-out-band")
    band.locator("svg").wait_for(state="visible")
    page.evaluate("() => { document.querySelector('.kit-out-band svg').kitMark = 'first'; }")
    drawn = int(band.get_attribute("data-drawn"))
    handle = page.locator(".kit-slider-fans .noUi-handle")
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f"() => Number(document.querySelector('.kit-out-band').dataset.drawn) > {drawn}"
    )
    assert page.evaluate("() => document.querySelector('.kit-out-band svg').kitMark") == "first"
    honest = catalogue("en")["referrals.tabs.honest"]
    page.locator(".lm-TabBar-tab", has_text=honest).click()
    page.locator(".kit-choice-scale button").nth(1).click()  # log: a new y axis
    page.wait_for_function(
        f"() => Number(document.querySelector('.kit-out-band').dataset.drawn) > {drawn + 1}"
    )
    assert page.evaluate("() => document.querySelector('.kit-out-band svg').kitMark") is None
    assert band.locator("svg .mark-area, svg .mark-line").count() > 0
    assert not watched.errors, watched.errors


LAB_SETTINGS = {
    # Render every cell (JupyterLab otherwise attaches only the cells in view) and do not
    # ask about Jupyter news: a test sees the whole notebook, as a coach does by scrolling.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false"},
}


@contextlib.contextmanager
def jupyterlab(notebooks: Path):
    """JupyterLab on a copy of the notebooks, loopback only, no token (tests only)."""
    port = free_port()
    command = present.lab_command("127.0.0.1", port, notebooks, token="")
    settings = notebooks.parent / "lab-settings"
    for plugin, values in LAB_SETTINGS.items():
        path = settings / plugin.replace(":", "/")
        path = path.with_name(path.name + ".jupyterlab-settings")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(notebooks.parent / "jupyter-config"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
    }
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        cwd=notebooks,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(OSError):
                if fetch(base + "/api", timeout=2)[0] == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("JupyterLab did not start")
            time.sleep(0.3)
        yield base
    finally:
        stop(process, grace=15)


def wait_for_kernel(page) -> None:
    """Accept JupyterLab's kernel dialog if it asks, then wait for an idle kernel."""
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    idle = page.locator(".jp-StatusBar-TextItem", has_text="| Idle")
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        if accept.count() and accept.first.is_visible():
            accept.first.click()
        elif idle.count():
            return
        page.wait_for_timeout(250)
    raise AssertionError("JupyterLab's kernel never became idle")


def scroll_until_panel(page) -> None:
    """Wait for the notebook's panel, then scroll to it as a coach would."""
    handle = page.locator(".kit-slider .noUi-handle").first
    try:
        handle.wait_for(state="attached")
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "jupyterlab-failed.png"))
        raise
    handle.scroll_into_view_if_needed()


def test_jupyterlab_runs_the_notebook_and_its_slider(browser, tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    story = STORIES[0]
    shutil.copy(present.NOTEBOOKS / story.file, notebooks / story.file)
    watched = Watched(browser)
    try:
        with jupyterlab(notebooks) as base:
            page = watched.page
            page.goto(f"{base}/lab/tree/{story.file}")
            page.locator(".jp-Notebook").wait_for(state="visible")
            wait_for_kernel(page)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            scroll_until_panel(page)
            before, after = move_first_slider(page)
            assert before != after
            watched.screenshot("jupyterlab-nocure")
            assert not watched.external, watched.external
    finally:
        watched.close()


def test_closing_a_page_frees_its_place_in_the_room(browser):
    """The room-full page promises a place frees up when someone closes their page."""
    with presenter("--room", "--max-participants", "1", "--pool", "0") as (base, _, _printed):
        url = f"{base}/voila/render/en/{STORIES[0].file}"
        first = Watched(browser)
        try:
            first.page.goto(url)
            first.page.locator(".kit-slider .noUi-handle").first.wait_for(state="visible")
            assert fetch(url)[0] == 503
            first.page.goto(f"{base}/")  # the participant leaves the story
            first.page.wait_for_timeout(1000)
        finally:
            first.close()
        deadline = time.monotonic() + 30
        while fetch(url)[0] != 200:
            assert time.monotonic() < deadline, "the closed page's kernel kept its place"
            time.sleep(1)
