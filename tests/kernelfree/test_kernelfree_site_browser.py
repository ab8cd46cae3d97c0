"""The exported site in a real browser: served by python's http.server on 127.0.0.1, offline.

Every request that would leave 127.0.0.1 is blocked and recorded; a test fails on any
such request and on any console error or warning (Vega warns of encodings it drops).
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from kit.chromium import HEADLESS_FLAGS, chromium_path
from kit.cli import main
from kit.kernelfree import grids
from kit.stories import STORIES
from kit.stories.referrals import model as referrals
from kit.text import number, t

pytestmark = pytest.mark.browser

NoCure = STORIES["nocure"].story

CHROMIUM = chromium_path() or Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WAIT_MS = 60_000
SCREENS = {"projector": (1280, 720), "phone": (390, 844)}

CHART_SVG = "name => document.querySelector(`#chart-${name} svg`).outerHTML"
CHART_TEXTS = """name => Array.from(document.querySelectorAll(`#chart-${name} svg text`))
    .map(e => e.textContent)"""
ROWS = """([chart, key]) => {
    const view = window.kitViews[chart];
    for (const name of Object.keys(view._runtime.data)) {
        const found = view.data(name).filter(row => row.key === key);
        if (found.length) return found.map(row => ({year: row.year, fans: row.fans}));
    }
    return [];
}"""
HUNTER = """chart => {
    const view = window.kitViews[chart];
    for (const name of Object.keys(view._runtime.data)) {
        const found = view.data(name).filter(row => row.key === 'hunting');
        if (found.length) return found.map(row => row.clients);
    }
    return [];
}"""
TITLES_CUT = """() => Array.from(document.querySelectorAll('.chart svg')).flatMap((svg) => {
    const edge = svg.getBoundingClientRect().right + 1;
    return Array.from(svg.querySelectorAll('.role-title-text'))
        .filter((title) => title.getBoundingClientRect().right > edge)
        .map((title) => title.textContent);
})"""
MOVE = """([name, value]) => {
    const input = document.querySelector(`input[name="p_${name}"]`);
    input.value = value;
    input.dispatchEvent(new Event('input', {bubbles: true}));
    return input.value;
}"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("served") / "site"
    assert main(["export-site", str(folder)]) == 0
    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(HEADLESS_FLAGS)
        )
        try:
            yield chromium
        finally:
            chromium.close()


class Watched:
    """A page whose console errors and requests beyond 127.0.0.1 are recorded."""

    def __init__(self, browser, width: int, height: int):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT_MS)
        self.errors: list[str] = []
        self.external: list[str] = []
        self.page.on(
            "console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text)
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def open(self, url: str, charts: int) -> None:
        self.page.goto(url)
        self.page.wait_for_function(
            f"() => window.kitViews && Object.keys(window.kitViews).length === {charts}"
        )

    def texts(self, chart: str) -> list[str]:
        return self.page.evaluate(CHART_TEXTS, chart)

    def close(self) -> None:
        self.context.close()
        assert self.external == [], self.external
        assert self.errors == [], self.errors


def test_kernelfree_sliders_redraw_the_tree_offline(served, browser):
    watched = Watched(browser, 1280, 720)
    watched.open(f"{served}/en/referrals.html", charts=4)
    before = watched.page.evaluate(CHART_SVG, "tree")
    assert "Total: 1,111" in watched.texts("tree")
    assert watched.page.evaluate(MOVE, ["per_fan", "5"]) == "5"
    total = number(referrals.network_size(5, 3), "en")
    watched.page.wait_for_function(
        f"() => Array.from(document.querySelectorAll('#chart-tree svg text'))"
        f".some(e => e.textContent === 'Total: {total}')"
    )
    assert watched.page.evaluate(CHART_SVG, "tree") != before
    assert "125" in watched.texts("tree")  # generation 3: 5 ** 3
    watched.close()


def test_kernelfree_band_follows_the_grid_and_the_mean(served, browser):
    watched = Watched(browser, 1280, 720)
    watched.open(f"{served}/nl/referrals.html", charts=4)
    before = watched.page.evaluate(CHART_SVG, "honest")
    watched.page.evaluate(MOVE, ["conversion", "0.3"])
    watched.page.wait_for_function(
        "before => document.querySelector('#chart-honest svg').outerHTML !== before", arg=before
    )
    readout = watched.page.evaluate(
        "() => document.querySelector('input[name=p_conversion]').nextElementSibling.textContent"
    )
    assert readout == "30%"  # a share reads as on the kernel's slides
    assert "doel: 1.000" in watched.texts("honest")
    rows = watched.page.evaluate(ROWS, ["honest", "mean"])
    expected = [1.0] + [referrals.expected_fans(year, 1, 0.3, 0.1, 1) for year in range(1, 11)]
    assert [row["year"] for row in rows] == list(range(11))
    assert [row["fans"] for row in rows] == pytest.approx(expected, rel=1e-12)
    hunter = watched.page.evaluate(HUNTER, "hunting")
    assert hunter == pytest.approx(list(referrals.new_logo_hunting(10, 10, 0.1)), rel=1e-12)
    watched.close()


def test_kernelfree_typed_months_redraw_the_client(served, browser):
    watched = Watched(browser, 1280, 720)
    watched.open(f"{served}/en/nocure.html", charts=3)
    assert "-67%" in watched.texts("months")
    # the chance chart reads the page's copy of the grid: the kernel's shares at the defaults
    shares = NoCure().outcomes
    drawn = watched.texts("chance")
    for name in ("met_target", "any_alarm", "stopped", "pitfall"):
        assert f"{getattr(shares, name):.0%}" in drawn, name
    # judged only on the total: the grid's rows for that way of judging
    watched.page.check('input[name="p_review"][value="total"]')
    total = NoCure(review="total").outcomes
    expected = sorted(f"{getattr(total, name):.0%}" for name in grids.OUTCOMES)
    watched.page.wait_for_function(
        "expected => JSON.stringify(Array.from(document.querySelectorAll("
        "'#chart-chance svg text')).map(e => e.textContent).filter(t => /^[0-9]+%$/.test(t))"
        ".slice(-4).sort()) === JSON.stringify(expected)",
        arg=expected,
    )
    watched.page.fill('input[name="p_results"]', "10, 30, 12")
    watched.page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#chart-months svg text'))"
        ".some(e => e.textContent === '+200%')"
    )
    texts = watched.texts("months")
    assert "-60%" in texts and "-67%" not in texts
    # the contract's chart reads the same typed months (the page shares them)
    said = f"{t('site.delivered', 'en', total=52, target=120)} {t('nocure.met_no', 'en')}"
    watched.page.wait_for_function(
        "said => Array.from(document.querySelectorAll('#chart-contract svg text'))"
        ".some(e => e.textContent === said)",
        arg=said,
    )
    watched.page.fill('input[name="p_results"]', "10, x")
    message = t("site.months_unusable", "en")
    watched.page.wait_for_function(
        "text => Array.from(document.querySelectorAll('#chart-months svg text'))"
        ".some(e => e.textContent === text)",
        arg=message,
    )
    # no bars while the months are unusable: Vega warns that their scale has no extent
    watched.errors = [e for e in watched.errors if not e.startswith("WARN Infinite extent")]
    watched.close()


def test_kernelfree_a_slider_moves_the_same_parameter_on_every_chart(served, browser):
    watched = Watched(browser, 1280, 720)
    watched.open(f"{served}/en/referrals.html", charts=4)
    years = "() => Array.from(document.querySelectorAll('input[name=p_years]')).map(e => e.value)"
    assert set(watched.page.evaluate(years)) == {"10"}
    watched.page.evaluate(MOVE, ["years", "20"])  # the first: the doubling's
    watched.page.wait_for_function(f"() => ({years})().every(v => v === '20')")
    assert len(watched.page.evaluate(years)) == 3  # doubling, honest, hunting
    assert number(referrals.compound(20, 1), "en") in watched.texts("doubling")
    watched.close()


def test_kernelfree_deck_keys_move_one_scene_per_screen(served, browser):
    """Right/Space/PageDown forward, Left back, End; a focused text field keeps its keys."""
    watched = Watched(browser, 1280, 720)
    watched.open(f"{served}/en/nocure.html", charts=3)
    watched.page.keyboard.press("ArrowRight")
    watched.page.wait_for_function("() => location.hash === '#months'")
    top = watched.page.evaluate(
        "() => document.getElementById('months').getBoundingClientRect().top"
    )
    assert abs(top) < 2
    # the scene's controls and its chart share the screen
    bottom = watched.page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll('#months input'))"
        ".map(e => e.getBoundingClientRect().bottom))"
    )
    assert bottom <= 720
    watched.page.keyboard.press("Space")
    watched.page.wait_for_function("() => location.hash === '#contract'")
    watched.page.keyboard.press("ArrowLeft")
    watched.page.wait_for_function("() => location.hash === '#months'")
    watched.page.click('input[name="p_results"]')
    watched.page.keyboard.press("End")  # moves the caret, not the deck
    watched.page.keyboard.press("ArrowRight")
    assert watched.page.evaluate("() => location.hash") == "#months"
    watched.page.locator("h2").first.click()
    watched.page.keyboard.press("End")
    watched.page.wait_for_function("() => location.hash === '#questions'")
    watched.close()


@pytest.mark.parametrize("screen", SCREENS)
def test_kernelfree_pages_fit_the_screen(served, browser, screen):
    width, height = SCREENS[screen]
    ARTIFACTS.mkdir(exist_ok=True)
    for page, charts in (("en/referrals", 4), ("nl/nocure", 3), ("index", 0)):
        watched = Watched(browser, width, height)
        if charts:
            watched.open(f"{served}/{page}.html", charts=charts)
        else:
            watched.page.goto(f"{served}/{page}.html")
        overflow = watched.page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= width, (page, overflow)
        # every chart's title within its drawing (the SVG would cut it off)
        cut = watched.page.evaluate(TITLES_CUT)
        assert cut == [], (page, cut)
        name = page.replace("/", "-")
        watched.page.screenshot(path=ARTIFACTS / f"kernelfree-{name}-{width}x{height}.png")
        watched.close()
