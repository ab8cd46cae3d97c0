"""Kernel-free scenes as fragments for any page: which scenes get one, and a handout-like page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kit.kernelfree import embed
from kit.kernelfree.site import vega_bundle
from kit.stories import STORIES

NoCure, Referrals = STORIES["nocure"].story, STORIES["referrals"].story


def spec_of(fragment: str) -> dict:
    found = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', fragment, re.S)
    return json.loads(found.group(1).replace("<\\/", "</"))


def test_kernelfree_fragments_start_at_the_storys_values():
    story = Referrals(per_fan=4, language="nl")
    spec = spec_of(embed.scene_fragment(story, "tree"))
    values = {p["name"]: p["value"] for p in spec["params"]}
    assert values["p_per_fan"] == 4
    assert embed.scene_fragment(story, "questions") is None  # words only: no chart


@pytest.mark.parametrize(
    ("story", "scene", "has_form"),
    [
        (NoCure(), "chance", True),
        (NoCure(volatility=0.7, mean=35), "chance", True),  # on the grid's axes
        (NoCure(target=90), "chance", False),  # the grid was simulated for 120
        (NoCure(alarm_limit=3), "chance", False),
        (NoCure(n_contracts=500), "chance", False),
        (NoCure(seed=7), "chance", False),
        (NoCure(review="quarter"), "chance", True),  # a row of the grid
        (NoCure(target=90), "months", True),  # closed form: any values
        (NoCure(review="quarter"), "months", False),  # the form reads every month
        (Referrals(years=20, conversion=0.3), "honest", True),
        (Referrals(fans=3), "honest", False),
        (Referrals(runs=500), "honest", False),
        (Referrals(fans=3), "tree", True),
    ],
)
def test_kernelfree_grid_scenes_only_where_the_grid_holds_the_storys_numbers(
    story, scene, has_form
):
    assert (embed.scene_fragment(story, scene) is not None) is has_form


@pytest.mark.browser
def test_kernelfree_fragment_in_a_handout_opened_from_disk(tmp_path):
    """A single HTML file with the bundle inline: opened as file://, no server, no network."""
    from playwright.sync_api import sync_playwright

    from kit.chromium import HEADLESS_FLAGS, chromium_path

    story = NoCure(language="nl")
    page = tmp_path / "handout.html"
    page.write_text(
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
        '<link rel="icon" href="data:,">'
        f'<script type="module">{vega_bundle()}</script>'
        f'<script type="module">{embed.embed_script()}</script></head><body>'
        f"{embed.scene_fragment(story, 'months')}{embed.scene_fragment(story, 'chance')}"
        "</body></html>",
        encoding="utf-8",
    )
    executable = chromium_path() or Path("/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable), args=list(HEADLESS_FLAGS)
        )
        try:
            view = browser.new_page()
            errors, requests = [], []
            view.on("console", lambda m: m.type == "error" and errors.append(m.text))
            view.on("pageerror", lambda e: errors.append(str(e)))
            view.on("request", lambda r: requests.append(r.url))
            view.goto(page.as_uri())
            view.wait_for_function("() => window.kitViews && window.kitViews.chance")
            texts = view.evaluate(
                "() => Array.from(document.querySelectorAll('svg text')).map(e => e.textContent)"
            )
            readout = view.evaluate(
                "() => document.querySelector('input[name=p_volatility]')"
                ".nextElementSibling.textContent"
            )
        finally:
            browser.close()
    assert "-67%" in texts
    assert any("10.000" in text for text in texts)  # Dutch numbers: the chance chart's title
    assert readout == "0,50"  # as on the kernel's slides: the step's decimals
    assert errors == []
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
