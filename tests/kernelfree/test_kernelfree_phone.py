"""The kernel-free pages on a 390x844 phone: every sentence, legend and chart readable.

A sentence drawn in a chart (story A's verdict under the months, the contract's total,
story B's hunter) is cut off by the drawing's edge rather than wrapped, and a legend
wider than its chart too; neither shows in the page's ``scrollWidth``. These tests look
at every text of every chart, in English and Dutch, on a phone emulated by Chromium.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SLIDERS_BESIDE_NAMES
from kernelfree.test_kernelfree_site_browser import browser, served

from kit.text import t

pytestmark = pytest.mark.browser

__all__ = ["browser", "served"]  # the site's browser tests' fixtures: an export, one Chromium
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
CHARTS = {"nocure": 3, "referrals": 4}

OUTSIDE = """() => {
    const width = document.documentElement.clientWidth, out = [];
    for (const svg of document.querySelectorAll('.chart svg')) {
        const edge = svg.getBoundingClientRect();
        for (const text of svg.querySelectorAll('text')) {
            const box = text.getBoundingClientRect();
            if (!box.width) continue;
            if (box.left < edge.left - 1 || box.right > edge.right + 1
                || box.top < edge.top - 1 || box.bottom > edge.bottom + 1 || box.right > width) {
                out.push(`${svg.closest('.chart').id}: ${text.textContent}`);
            }
        }
    }
    for (const element of document.body.querySelectorAll('*')) {
        if (element.getBoundingClientRect().right > width + 0.5) out.push(element.tagName);
    }
    return out;
}"""
SENTENCE = """([chart, start]) => {
    const found = Array.from(document.querySelectorAll(`#chart-${chart} svg text`))
        .filter((text) => text.textContent.startsWith(start));
    return found.map((text) => {
        const lines = text.querySelectorAll('tspan');
        return lines.length ? Array.from(lines, (line) => line.textContent) : [text.textContent];
    });
}"""


def phone_page(browser, url: str, charts: int):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_function(
        f"() => window.kitViews && Object.keys(window.kitViews).length === {charts}"
    )
    return context, page, errors


def sentence_lines(page, chart: str, sentence: str) -> list[str]:
    """The lines of the chart's text that starts as ``sentence`` does (one such text)."""
    found = page.evaluate(SENTENCE, [chart, sentence.split()[0]])
    assert len(found) == 1, (chart, found)
    return found[0]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_phone_shows_the_clients_verdict_whole(served, browser, language):
    """The verdict under story A's months wraps within the chart, every word of it."""
    context, page, errors = phone_page(browser, f"{served}/{language}/nocure.html", 3)
    verdict = t("site.verdict", language, verdict=t("nocure.verdict_short.stop", language))
    lines = sentence_lines(page, "months", verdict)
    assert len(lines) > 1, lines  # wider than a phone's chart: it wraps
    assert " ".join(lines) == verdict
    assert page.evaluate(OUTSIDE) == []
    page.locator("#chart-months").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"kernelfree-phone-{language}-months.png")
    # months the client keeps: a verdict of another length, still inside the drawing
    page.fill('input[name="p_results"]', "20, 20, 20, 20, 20, 20")
    kept = t("site.verdict", language, verdict=t("nocure.verdict_short.continue", language))
    page.wait_for_function(
        "([start, kept]) => Array.from(document.querySelectorAll('#chart-months svg text'))"
        ".some((text) => text.textContent.startsWith(start)"
        " && text.textContent.replace(/\\s/g, '') === kept.replace(/\\s/g, ''))",
        arg=[kept.split()[0], kept],
    )
    assert " ".join(sentence_lines(page, "months", kept)) == kept
    page.wait_for_function(f"() => ({OUTSIDE})().length === 0", timeout=10_000)
    context.close()
    assert errors == []


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("story", CHARTS)
def test_phone_keeps_every_chart_text_inside(served, browser, story, language):
    """Every text of every chart (sentences, legends, titles) inside its drawing and the
    screen, and every slider under its name."""
    context, page, errors = phone_page(browser, f"{served}/{language}/{story}.html", CHARTS[story])
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert page.evaluate(OUTSIDE) == []
    assert page.evaluate(SLIDERS_BESIDE_NAMES) == []
    if story == "referrals":
        # fewer years: the hunter's sentence gets longer, a line more, still inside
        page.evaluate(
            "() => { const years = document.querySelector('#chart-hunting input[name=p_years]');"
            " years.value = 20; years.dispatchEvent(new Event('input', {bubbles: true})); }"
        )
        page.wait_for_function(
            "() => window.kitViews.hunting.signal('p_years') === 20", polling=100
        )
        never = t("site.never_overtakes", language)
        page.evaluate(
            "() => { const years = document.querySelector('#chart-hunting input[name=p_years]');"
            " years.value = 10; years.dispatchEvent(new Event('input', {bubbles: true})); }"
        )
        page.wait_for_function(
            "never => Array.from(document.querySelectorAll('#chart-hunting svg text'))"
            ".some((text) => text.textContent.replace(/\\s/g, '') === never.replace(/\\s/g, ''))",
            arg=never,
        )
        assert " ".join(sentence_lines(page, "hunting", never)) == never
        page.wait_for_function(f"() => ({OUTSIDE})().length === 0", timeout=10_000)
    context.close()
    assert errors == []
