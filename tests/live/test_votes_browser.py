"""The room plays the client, in a real browser: three participants vote, the coach's deck counts.

Two phones and a laptop follow the coach's deck of story A (``?follow``). On each month they
answer Continue or Stop; the coach's deck shows the month's tally, closes a month when it
moves on, and its room scene reveals who walked away from a contract that met its target;
the notes view starts the votes again.
The offline guarantees of the deck's tests hold (no request leaves 127.0.0.1, no console
error), axe-core finds no serious violation on the voting phone or the coach's tally, and
screenshots go to the deck's artefacts folder.
"""

from __future__ import annotations

import json
import urllib.request

import pytest
from helpers import presenter
from test_deck_browser import Deck, axe_source, browser, serious_violations

pytestmark = pytest.mark.browser

__all__ = ["axe_source", "browser"]  # fixtures this module shares with the deck's tests

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SMALL_PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="module")
def room():
    with presenter("--pool", "0", "--lang", "en") as (base, _, _printed):
        yield base


def summary(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/kit/room/votes", timeout=30) as answer:
        return json.loads(answer.read())


def wait_for_month(participant: Deck, month: int) -> None:
    participant.page.wait_for_function(
        f"""() => {{ const box = document.querySelector('.kit-current .kit-vote');
            return box && !box.hidden
                && box.querySelector('.kit-vote-question').textContent.startsWith('Month {month}:');
        }}""",
        timeout=20_000,
    )


def answer(participant: Deck, month: int, choice: str) -> None:
    wait_for_month(participant, month)
    participant.page.click(f".kit-current .kit-vote-{choice}")
    participant.page.wait_for_function(
        f"document.querySelector('.kit-current .kit-vote-{choice}')"
        ".getAttribute('aria-pressed') === 'true'",
        timeout=10_000,
    )


def tally(coach: Deck, month: int, keep: int, stop: int) -> None:
    coach.page.wait_for_function(
        f"""() => {{ const box = document.querySelector('.kit-current .kit-tally');
            return box && box.dataset.month === '{month}'
                && box.dataset.continue === '{keep}' && box.dataset.stop === '{stop}'; }}""",
        timeout=10_000,
    )


def test_three_participants_vote_and_the_coach_sees_the_room_walk_away(browser, room, axe_source):
    opened = []

    def open_deck(address: str = "", **context) -> Deck:
        shown = Deck(browser, room, "nocure", "en", **context)
        opened.append(shown)
        shown.open(address)
        return shown

    try:
        coach = open_deck()
        phone, small_phone, laptop = (
            open_deck("?follow", **PHONE),
            open_deck("?follow", **SMALL_PHONE),
            open_deck("?follow", **LAPTOP),
        )
        participants = (phone, small_phone, laptop)
        coach.press("ArrowRight")  # the months: month 1 arrives
        assert coach.scene == "months"
        for participant in participants:
            answer(participant, 1, "continue")
        tally(coach, 1, keep=3, stop=0)
        assert "Month 1: 3 carry on, 0 stop (0% stop)" in coach.page.inner_text(".kit-tally")

        coach.press("ArrowRight")  # month 2: month 1 is closed
        answer(phone, 2, "stop")
        answer(small_phone, 2, "continue")
        answer(laptop, 2, "continue")
        answer(small_phone, 2, "stop")  # a later answer replaces the earlier one
        tally(coach, 2, keep=1, stop=2)
        assert "(67% stop)" in coach.page.inner_text(".kit-tally")
        assert "You may change your answer" in phone.page.inner_text(".kit-current .kit-vote")
        coach.screenshot("votes-coach-tally-month-2")
        phone.screenshot("votes-phone-390-month-2")
        assert serious_violations(phone.page, axe_source) == []
        assert serious_violations(coach.page, axe_source) == []

        coach.press("ArrowRight")  # month 3: month 2 is closed
        answer(laptop, 3, "continue")
        tally(coach, 3, keep=1, stop=0)
        # a participant browsing back to a closed month cannot change it any more; they browse
        # with their own keys, which ends following (a page moved by script alone was pulled
        # back to the coach's month 3 at its next look at the coach, within a second)
        wait_for_month(phone, 3)
        phone.press("ArrowLeft")
        phone.press("ArrowLeft")
        wait_for_month(phone, 1)
        phone.page.wait_for_function(
            "document.querySelector('.kit-current .kit-vote-stop').disabled", timeout=10_000
        )
        assert "Month 1 is closed" in phone.page.inner_text(".kit-current .kit-vote-status")

        counted = summary(room)
        assert counted["participants"] == 3
        assert counted["months"][:3] == [
            {"month": 1, "continue": 3, "stop": 0},
            {"month": 2, "continue": 1, "stop": 2},
            {"month": 3, "continue": 1, "stop": 0},
        ]
        assert counted["closed"][:2] == [1, 2]

        # the reveal: the coach's room scene, drawn by the deck's kernel from the room's answers
        scenes = coach.scenes
        coach.page.evaluate(f"window.kitDeck.show({scenes.index('room')}, null)")
        coach.page.wait_for_function(
            "document.querySelector('.kit-current .kit-words-room_reveal')"
            ".textContent.includes('After month 3')",  # the feed has the latest answers
            timeout=20_000,
        )
        reveal = coach.page.inner_text(".kit-current .kit-words-room_reveal")
        assert "2 of you (67%) walked away from a contract that met its target." in reveal
        assert "After month 3, 1 of the 3 who answered were still in the deal." in reveal
        coach.screenshot("votes-coach-reveal")

        # the coach starts again from the notes view: every answer is forgotten
        with coach.context.expect_page() as popup:
            coach.press("s")
        notes = popup.value
        notes.wait_for_selector(".kit-notes-reset")
        notes.on("dialog", lambda dialog: dialog.accept())
        coach.page.on("dialog", lambda dialog: dialog.accept())
        notes.click(".kit-notes-reset")
        coach.page.wait_for_function(
            "document.querySelector('.kit-current .kit-words-room_reveal')"
            ".textContent.includes('Nobody has answered yet')",
            timeout=20_000,
        )
        assert summary(room)["participants"] == 0
    finally:
        for shown in opened:
            shown.close()
