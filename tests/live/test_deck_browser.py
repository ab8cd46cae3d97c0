"""The deck in a real browser: Debian's Chromium driven by playwright, served by ``kit present``.

Keys move scenes, a deep link opens its scene, story A's months unfold one at a time,
every control of every scene changes something on screen, the notes window follows the
deck, type is readable from the back of a room, and a phone shows the deck without
sideways scrolling. Every request that would leave 127.0.0.1 is blocked and recorded, and
a test fails on any such request and on any console error. Screenshots of every scene
(1280x720) and of one story per language on a phone (390x844) go to ``$KIT_ARTIFACTS``
(default: a ``kit-deck-artifacts`` folder in the system's temporary folder).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from helpers import presenter

from kit.chromium import HEADLESS_FLAGS, chromium_path
from kit.present import every_story

pytestmark = pytest.mark.browser

CHROMIUM = chromium_path() or Path("/usr/bin/chromium")
ARTIFACTS = Path(
    os.environ.get("KIT_ARTIFACTS", Path(tempfile.gettempdir()) / "kit-deck-artifacts")
)
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
WAIT_MS = 180_000
STORIES = {story.topic: story for story in every_story()}

# What a room sees change: the slide's charts, sentences and message line (not the control).
SHOWN_JS = """() => Array.from(document.querySelectorAll(
    '.kit-current .kit-out, .kit-current .kit-words, .kit-current .kit-message')).map(e => {
        const r = e.getBoundingClientRect();
        return {html: e.innerHTML, top: r.top, bottom: r.bottom, left: r.left, right: r.right};
    })"""


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (.ci/run does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(HEADLESS_FLAGS)
        )
        try:
            yield chromium
        finally:
            chromium.close()


AXE_HOME = Path(os.environ.get("KIT_NPM_CACHE", Path.home() / ".cache" / "workshop-kit" / "npm"))
AXE_VERSION = "4"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, installed from the npm registry into a cache folder once."""
    script = AXE_HOME / "node_modules" / "axe-core" / "axe.min.js"
    AXE_HOME.mkdir(parents=True, exist_ok=True)
    # make test runs two workers: on a fresh machine both would run npm into one folder
    with (AXE_HOME / ".install-lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not script.exists():
            _install_axe()
    return script.read_text(encoding="utf-8")


def _install_axe() -> None:
    """axe-core from the npm registry into :data:`AXE_HOME`."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is missing: apt-get install -y npm (the Makefile's system target)")
    subprocess.run(
        [
            npm,
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(AXE_HOME),
            f"axe-core@{AXE_VERSION}",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )


def serious_violations(page, axe_source: str) -> list[str]:
    """axe-core's serious and critical violations on the page as it stands."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)  # from the local file: no request at all
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => ({id: v.id, impact: v.impact,
                        where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
    return [json.dumps(v) for v in found]


@pytest.fixture(scope="module")
def kit_present():
    # decks start their kernel on demand; no preheated pages needed here
    with presenter("--pool", "0", "--lang", "en") as (base, _, _printed):
        yield base


class Deck:
    """A deck page whose console errors and non-loopback requests are recorded."""

    def __init__(self, browser, base: str, topic: str, language: str, **context) -> None:
        context.setdefault("viewport", {"width": 1280, "height": 720})
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT_MS)
        self.errors: list[str] = []
        self.external: list[str] = []
        self.context.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.context.route("**/*", self._route)
        self.url = f"{base}/voila/render/{STORIES[topic].deck(language)}"

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def open(self, address: str = "") -> None:
        """Open the deck (at ``#/scene``) and wait until every slide's widgets are drawn."""
        self.page.goto(self.url + address)
        self.page.wait_for_function(
            """() => { const slides = document.querySelectorAll('.kit-deck-slide');
                return slides.length > 0
                    && Array.from(slides).every(s => s.querySelector('.kit-slide'))
                    && Array.from(document.querySelectorAll('.kit-slide-charts')).every(
                        b => b.dataset.version !== undefined); }"""
        )

    @property
    def scene(self) -> str:
        return self.page.evaluate("document.querySelector('.kit-current').dataset.scene")

    @property
    def scenes(self) -> list[str]:
        return self.page.evaluate(
            "Array.from(document.querySelectorAll('.kit-deck-slide')).map(s => s.dataset.scene)"
        )

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def shown(self) -> list[dict]:
        return self.page.evaluate(SHOWN_JS)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.wait_for_timeout(300)
        self.page.screenshot(path=str(path))
        return path

    def close(self) -> None:
        """Check the offline guarantees, then close."""
        try:
            assert self.external == [], f"requests left 127.0.0.1: {self.external}"
            assert self.errors == [], f"console errors: {self.errors}"
        finally:
            self.context.close()


@pytest.fixture
def deck(browser, kit_present):
    opened = []

    def open_deck(topic: str, language: str = "en", address: str = "", **context) -> Deck:
        shown = Deck(browser, kit_present, topic, language, **context)
        opened.append(shown)
        shown.open(address)
        return shown

    yield open_deck
    for shown in opened:
        shown.close()


def test_keys_move_scenes_and_story_a_unfolds_month_by_month(deck):
    shown = deck("nocure")
    page = shown.page
    scenes = shown.scenes
    assert scenes[:3] == ["title", "months", "contract"]
    assert shown.scene == "title" and page.evaluate("location.hash") == "#/title"
    shown.press("ArrowRight")
    assert shown.scene == "months" and page.evaluate("location.hash") == "#/months/1"
    for month in range(2, 7):
        shown_months = page.locator(".kit-current .kit-words-diary tbody tr").evaluate_all(
            "rows => rows.filter(r => getComputedStyle(r).display !== 'none')"
            ".map(r => r.cells[0].innerText.trim())"
        )
        # only the month just revealed: its words stay on screen beside the chart
        assert shown_months == [str(month - 1)]
        shown.press("Space" if month % 2 else "PageDown")
        assert shown.scene == "months"
        assert re.search(f"Month {month} of 6", page.inner_text(".kit-deck-progress"))
    assert page.evaluate("location.hash") == "#/months"  # every month shown
    shown.press("ArrowRight")
    assert shown.scene == "contract"
    assert "120 of 120" in page.inner_text(".kit-current .kit-slide")
    shown.press("ArrowLeft")  # back: the months scene with every month
    assert shown.scene == "months" and page.evaluate("location.hash") == "#/months"
    shown.press("PageUp")
    assert shown.scene == "months" and page.evaluate("location.hash") == "#/months/5"
    shown.press("End")
    assert shown.scene == scenes[-1]
    shown.press("Home")
    assert shown.scene == "title"
    shown.press("3")
    page.wait_for_function("document.querySelector('.kit-current').dataset.scene === 'contract'")
    assert page.inner_text(".kit-deck-progress").startswith(f"Scene 3 of {len(scenes)}")
    page.go_back()  # the browser's Back returns to the scene before
    page.wait_for_function("document.querySelector('.kit-current').dataset.scene === 'title'")
    page.click(".kit-deck-next")
    assert shown.scene == "months"
    shown.press("ArrowRight")  # the focused Next button does not keep the arrows
    assert page.evaluate("window.kitDeck.step") == 2


def test_a_clicker_moves_the_deck_even_from_a_slider(deck):
    shown = deck("nocure", address="#/contract")
    handle = shown.page.locator(".kit-current .kit-control-target .noUi-handle")
    handle.focus()
    shown.press("ArrowRight")  # the slider's own key: the deck stays
    assert shown.scene == "contract"
    shown.press("PageDown")
    assert shown.scene == shown.scenes[shown.scenes.index("contract") + 1]


def test_deep_links_open_their_scene_and_month(deck):
    shown = deck("nocure", address="#/months/3")
    page = shown.page
    assert shown.scene == "months"
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll(
            '.kit-current .kit-out-mood_bars .mark-rect path')).filter(
            p => p.getAttribute('opacity') === '0').length === 3"""
    )
    assert "Month 3 of 6" in page.inner_text(".kit-deck-progress")
    hidden = page.evaluate(
        """() => Array.from(document.querySelectorAll(
            '.kit-current .kit-out-mood_bars .mark-rect path[aria-hidden="true"]')).length"""
    )
    assert hidden == 3  # the months still to come are not read out either
    page.goto(shown.url + "#/chance")
    page.wait_for_function("document.querySelector('.kit-current').dataset.scene === 'chance'")


@pytest.mark.parametrize("topic", list(STORIES))
def test_every_control_of_every_scene_changes_something_on_screen(deck, topic):
    shown = deck(topic)
    page = shown.page
    still = set()
    for index, scene in enumerate(shown.scenes):
        page.evaluate(f"window.kitDeck.show({index}, null)")
        controls = page.locator(".kit-current .kit-control, .kit-current [class*='kit-own-']")
        for number in range(controls.count()):
            control = controls.nth(number)
            name = re.sub(r".*kit-(control|own)-(\w+).*", r"\2", control.get_attribute("class"))
            changed = []
            for end in ("End", "Home"):  # a slider already at one end moves to the other
                before = shown.shown()
                if not move(control, end):
                    continue
                changed = wait_for_change(shown, before, seconds=8)
                if changed:
                    break
            if not changed:
                still.add(name)
                continue
            height, width = page.evaluate("[innerHeight, innerWidth]")
            assert any(
                c["bottom"] > 0 and c["top"] < height - 56 and c["left"] < width for c in changed
            ), f"{topic}/{scene}: moving {name} changed only things off screen"
            handle = control.locator(".noUi-handle")
            if handle.count():  # controls and the chart they change share one screen
                box = handle.first.bounding_box()
                assert box and 0 <= box["y"] and box["y"] + box["height"] <= height - 56
    assert still == set(), f"{topic}: moving {sorted(still)} changes nothing on screen"


def move(control, end: str) -> bool:
    """Move a control as a participant would: a slider to ``end``, the other choice, new months.

    Returns False when the slider is at ``end`` already.
    """
    handle = control.locator(".noUi-handle")
    if handle.count():
        handle = handle.first
        bound = "aria-valuemax" if end == "End" else "aria-valuemin"
        if handle.get_attribute("aria-valuenow") == handle.get_attribute(bound):
            return False
        handle.focus()
        handle.press(end)
        return True
    if control.locator(".widget-toggle-button").count():
        control.locator(".widget-toggle-button:not(.mod-active)").first.click()
        return True
    if end == "Home":
        return False
    field = control.locator("input[type=text], input:not([type])").first
    field.fill(
        "30, 10, 40, 20, 50, 5"
        if "results" in control.get_attribute("class")
        else ", ".join(["30", "10", "40", "20", "50", "5"] * 2)
    )
    field.press("Enter")
    return True


def wait_for_change(shown: Deck, before: list[dict], seconds: float = 20) -> list[dict]:
    page = shown.page
    for _ in range(int(seconds * 10)):
        page.wait_for_timeout(100)
        after = shown.shown()
        changed = [a for a, b in zip(after, before, strict=False) if a["html"] != b["html"]]
        if changed or len(after) != len(before):
            return changed or after
    return []


def test_type_is_readable_from_the_back_of_the_room(deck):
    shown = deck("nocure", address="#/chance")
    page = shown.page
    body = page.evaluate(
        """() => Math.min(...Array.from(document.querySelectorAll(
            '.kit-current .kit-words p, .kit-current .kit-words li, '
            + '.kit-current .kit-slide-text p'))
            .map(e => parseFloat(getComputedStyle(e).fontSize)))"""
    )
    assert body >= 24
    labels = page.evaluate(
        """() => Array.from(document.querySelectorAll('.kit-current svg')).flatMap(svg => {
            const scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
            const texts = svg.querySelectorAll('.role-axis-label text, .role-legend-label text');
            return Array.from(texts).map(
                t => scale * parseFloat(getComputedStyle(t).fontSize));
        })"""
    )
    assert labels and min(labels) >= 16, labels


def test_the_notes_window_follows_the_deck_with_a_clock(deck):
    shown = deck("nocure", language="nl")
    page = shown.page
    assert page.evaluate("document.documentElement.lang") == "nl"
    with shown.context.expect_page() as popup:
        shown.press("s")
    notes = popup.value
    notes.wait_for_selector(".kit-notes-heading")
    assert notes.inner_text(".kit-notes-heading") == page.inner_text(".kit-current h1")
    assert "Begin met de deal" in notes.inner_text(".kit-notes-text")
    assert re.search(r"Tijd \d\d:\d\d", notes.inner_text(".kit-notes-clock"))
    notes.keyboard.press("ArrowRight")  # the notes window moves the deck too
    assert shown.scene == "months"
    assert "Maand voor maand" in notes.inner_text(".kit-notes-heading")
    assert "Hierna" in notes.inner_text(".kit-notes-next")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    notes.screenshot(path=str(ARTIFACTS / "deck-notes-nocure-nl.png"))


@pytest.mark.parametrize(("topic", "language"), [("nocure", "en"), ("referrals", "en")])
def test_every_scene_at_1280x720(deck, topic, language):
    shown = deck(topic, language)
    for index, scene in enumerate(shown.scenes):
        shown.page.evaluate(f"window.kitDeck.show({index}, null)")
        path = shown.screenshot(f"deck-{topic}-{language}-{index + 1:02d}-{scene}")
        assert path.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("topic", "language", "width", "height"),
    [("nocure", "nl", 390, 844), ("referrals", "en", 390, 844), ("nocure", "en", 360, 640)],
)
def test_a_phone_shows_the_deck_without_sideways_scrolling(deck, topic, language, width, height):
    shown = deck(
        topic,
        language,
        viewport={"width": width, "height": height},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = shown.page
    for index, scene in enumerate(shown.scenes):
        page.evaluate(f"window.kitDeck.show({index}, null)")
        page.wait_for_timeout(200)
        wide = page.evaluate(
            """() => Array.from(document.querySelectorAll('body, #rendered_cells, .kit-current *'))
                .filter(e => !['INPUT', 'TEXTAREA'].includes(e.tagName)  // text scrolls inside
                    && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0
                    && getComputedStyle(e).overflowX !== 'visible')
                .map(e => e.className || e.tagName)"""
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert wide == [], f"{scene}: sideways scrolling in {wide}"
        cut = page.evaluate(
            """() => Array.from(document.querySelectorAll(
                    '.kit-current button, .kit-deck-bar button'))
                .filter(b => b.offsetParent && b.scrollWidth > b.clientWidth + 1)
                .map(b => b.textContent)"""
        )
        assert cut == [], f"{scene}: button text cut off: {cut}"
        touching = page.evaluate(  # a slider's handle clear of its name (it sat on "waarna")
            """() => Array.from(document.querySelectorAll('.kit-current .widget-hslider'))
                .filter(s => {
                    const name = s.querySelector('.widget-label').getBoundingClientRect();
                    const handle = s.querySelector('.noUi-handle').getBoundingClientRect();
                    return handle.top < name.bottom;
                }).map(s => s.querySelector('.widget-label').textContent)"""
        )
        assert touching == [], f"{scene}: slider handles on their names: {touching}"
        shown.screenshot(f"deck-phone-{width}-{topic}-{language}-{index + 1:02d}-{scene}")


@pytest.mark.parametrize(("topic", "language"), [("nocure", "nl"), ("referrals", "en")])
def test_axe_finds_no_serious_violation_on_any_scene_or_the_notes(
    deck, axe_source, topic, language
):
    shown = deck(topic, language)
    page = shown.page
    found = {}
    for index, scene in enumerate(shown.scenes):
        page.evaluate(f"window.kitDeck.show({index}, null)")
        page.wait_for_timeout(200)
        if violations := serious_violations(page, axe_source):
            found[scene] = violations
    with shown.context.expect_page() as popup:
        shown.press("s")
    popup.value.wait_for_selector(".kit-notes-heading")
    if violations := serious_violations(popup.value, axe_source):
        found["notes"] = violations
    assert found == {}


@pytest.mark.parametrize("size", [(1024, 768), (1280, 720)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("topic", list(STORIES))
def test_controls_and_their_charts_share_one_screen(deck, topic, size):
    width, height = size
    shown = deck(topic, viewport={"width": width, "height": height})
    page = shown.page
    for index, scene in enumerate(shown.scenes):
        page.evaluate(f"window.kitDeck.show({index}, null)")
        page.wait_for_timeout(150)
        boxes = page.evaluate(
            """() => ({
              handles: Array.from(document.querySelectorAll('.kit-current .noUi-handle'))
                .map(h => h.getBoundingClientRect()).map(r => [r.top, r.bottom]),
              charts: Array.from(document.querySelectorAll('.kit-current .kit-out svg'))
                .map(s => s.getBoundingClientRect()).map(r => [r.top, r.bottom, r.right]),
            })"""
        )
        if not boxes["handles"]:
            continue
        screen = height - 56  # above the deck's bar
        assert all(0 <= top and bottom <= screen for top, bottom in boxes["handles"]), scene
        for top, bottom, right in boxes["charts"]:  # each chart at least mostly on screen
            assert top >= 0 and right <= width + 1, scene
            assert min(bottom, screen) - top >= 0.8 * (bottom - top), f"{scene}: chart cut off"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_index_opens_the_decks_and_passes_axe(browser, kit_present, axe_source, language):
    shown = Deck(browser, kit_present, "nocure", language)
    try:
        page = shown.page
        page.goto(f"{kit_present}/?lang={language}")
        assert page.evaluate("document.documentElement.lang") == language
        decks = page.locator("a.kit-story").evaluate_all("links => links.map(a => a.pathname)")
        assert decks == [f"/voila/render/{story.deck(language)}" for story in STORIES.values()]
        assert serious_violations(page, axe_source) == []
        shown.screenshot(f"index-{language}")
        page.locator("a.kit-story").first.click()
        page.wait_for_function(
            "window.kitDeck && document.querySelector('.kit-current .kit-slide')"
        )
        assert shown.scene == "title"
    finally:
        shown.close()


def test_a_participant_follows_the_coachs_scene_until_moving_on_their_own(deck):
    coach = deck("nocure")
    participant = deck("nocure", address="", **{"viewport": {"width": 390, "height": 844}})
    participant.page.goto(participant.url + "?follow")
    participant.page.wait_for_function(
        "window.kitDeck && document.querySelector('.kit-current .kit-slide')"
    )
    assert "Following the coach" in participant.page.inner_text(".kit-deck-follow")
    coach.press("ArrowRight")
    coach.press("ArrowRight")  # months scene, month 2
    participant.page.wait_for_function(
        "document.querySelector('.kit-current').dataset.scene === 'months'"
        " && window.kitDeck.step === 2",
        timeout=10_000,
    )
    # the participant's sliders are theirs: the coach's deck does not move with them
    participant.page.evaluate("window.kitDeck.show(2, null)")
    participant.page.locator(".kit-current .kit-control-target .kit-readout input").fill("300")
    participant.page.keyboard.press("Enter")
    coach.page.wait_for_timeout(1500)
    assert "120 of 120" in coach.page.inner_text(".kit-slide.kit-scene-contract")
    participant.press("Home")  # a move of their own: they browse freely from now on
    assert "Follow the coach" == participant.page.inner_text(".kit-deck-follow")
    coach.press("End")
    participant.page.wait_for_timeout(2500)
    assert participant.scene == "title"
