"""A participant past the room's cap keeps their place in the story.

The deck keeps its scene in the address's fragment (``#/contract``, ``#/months/3``), which
never reaches the server: the room-full answer forwards in the browser, with the fragment,
and the kernel-free page reads the deck's addresses (a scene that needs a kernel leads to
the scene before it). A deck opened with ``?follow`` lands at the coach's scene.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import fetch, presenter, room_request, until_kernel_free_ready
from present.test_present_browser import browser

from kit import present
from kit.kernelfree.site import PLACES_ID, story_page

__all__ = ["browser"]  # the module's Chromium, shared with the presenter's browser tests

STORY = present.stories_in(present.NOTEBOOKS)[0]  # nocure
WAIT_MS = 60_000
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCENE_TOP = "id => document.getElementById(id).getBoundingClientRect().top"


def test_the_room_full_page_forwards_with_the_scene():
    page = present.room_full_html(40, "en", "/kernel-free/en/nocure.html")
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    assert 'kitKernelFree = "/kernel-free/en/nocure.html"' in script
    assert "location.hash" in script and "location.replace" in script
    # without a script: the meta refresh, to the page's start
    refresh = '<meta http-equiv="refresh" content="0; url=/kernel-free/en/nocure.html">'
    assert f"<noscript>{refresh}</noscript>" in page
    assert "<script" not in present.room_full_html(40, "en")  # not ready: no forward


def test_the_kernel_free_page_places_the_decks_kernel_scenes_before_them():
    page = story_page("nocure", "nl")
    places = re.search(rf'<script type="application/json" id="{PLACES_ID}">(.*?)</script>', page)
    found = json.loads(places.group(1))
    assert found["room"] == "contract"  # the room's chart is drawn by the deck's kernel
    for scene in ("regression", "provider", "own_history", "terms", "trust"):
        assert found[scene] == "chance", scene
    for shown in ("title", "months", "contract", "chance", "price"):
        assert shown not in found and f'<section id="{shown}">' in page


@pytest.mark.browser
def test_past_the_cap_a_participant_lands_at_their_scene(browser):
    """--max-participants 1, the seat taken: deck addresses land at the same scene."""
    with presenter("--room", "--max-participants", "1", "--pool", "0") as (base, _, printed):
        until_kernel_free_ready(printed)
        status, _ = fetch(f"{base}/voila/render/{STORY.page('en')}", timeout=240)
        assert status == 200  # the only seat
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            for language, asked, scene in (
                ("en", "#/contract", "contract"),
                ("en", "#/months/3", "months"),  # every month is on the kernel-free page
                ("en", "#/terms", "chance"),  # the terms need a kernel: the scene before
                ("nl", "#/price", "price"),
            ):
                deck = f"{base}/voila/render/{STORY.deck(language)}"
                page.goto(deck + asked)
                page.wait_for_url(f"**/kernel-free/{language}/nocure.html#{scene}", timeout=20_000)
                page.wait_for_function(
                    "() => document.documentElement.classList.contains('kit-interactive')"
                )
                assert abs(page.evaluate(SCENE_TOP, scene)) < 2, (asked, scene)
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=ARTIFACTS / f"overflow-{language}-{scene}.png")
            # following the coach: the coach's scene, whatever the participant's address
            deck = STORY.deck("en")
            coach = {"page": deck, "scene": "price", "step": None}
            assert room_request(base, "PUT", "/kit/deck/scene", coach)[0] == 204
            page.goto(f"{base}/voila/render/{deck}?follow#/months")
            page.wait_for_url("**/kernel-free/en/nocure.html#price", timeout=20_000)
        finally:
            context.close()
        assert errors == []
        assert "Traceback" not in printed()
