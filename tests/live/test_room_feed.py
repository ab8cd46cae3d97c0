"""The room's answers reach a deck's story: the room slide is redrawn from the votes summary."""

from __future__ import annotations

import asyncio
import html
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kit.live import deck, room_feed
from kit.stories.nocure.story import NoCureStory

SUMMARY = {
    "story": "nocure",
    "participants": 3,
    "months": [
        {"month": m, "continue": c, "stop": s}
        for m, c, s in [(1, 3, 0), (2, 2, 1), (3, 1, 1), (4, 0, 0), (5, 0, 0), (6, 0, 0)]
    ],
    "still_in": [3, 2, 1, 1, 1, 1],
    "results": [20, 15, 5, 45, 20, 15],
    "target": 120,
}


def _room_words(slide: deck.Slide) -> str:
    return html.unescape(slide.words["room_reveal"].value)


def test_the_room_slide_shows_the_rooms_answers():
    story = NoCureStory()
    story.presentation = "deck"
    room_deck = deck.Deck(story)
    room = room_deck.slide(NoCureStory.scene("room"))
    months = room_deck.slide(NoCureStory.scene("months"))
    assert "Nobody has answered yet" in _room_words(room)
    room_deck.take_room(room_feed.room_values(SUMMARY))
    assert "2 of you (67%) walked away from a contract that met its target" in _room_words(room)
    assert "After month 3, 1 of the 3" in _room_words(room)
    # the months scene tells the coach's page what the room votes on
    facts = json.loads(html.unescape(months.facts.value.split('data-facts="')[1].split('"')[0]))
    assert facts == {"results": [20, 15, 5, 45, 20, 15], "target": 120}


def test_answers_no_room_could_give_leave_the_last_good_ones(caplog):
    story = NoCureStory()
    room_deck = deck.Deck(story)
    room = room_deck.slide(NoCureStory.scene("room"))
    room_deck.take_room(room_feed.room_values(SUMMARY))
    before = _room_words(room)
    room_deck.take_room({"room_participants": 1, "room_still_in": [5], "room_results": []})
    assert _room_words(room) == before
    assert "room votes refused" in caplog.text


def test_outside_the_presenter_nothing_is_asked(monkeypatch):
    monkeypatch.delenv(room_feed.VOTES_URL, raising=False)
    assert room_feed.start_following(lambda values: None) is None
    assert deck.Deck(NoCureStory()).following is None


@pytest.fixture
def presenter_votes():
    """A stand-in for the presenter's GET /kit/room/votes, answering a changing summary."""
    answers = [SUMMARY]

    class Votes(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            body = json.dumps(answers[-1]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Votes)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/kit/room/votes", answers
    server.shutdown()


def test_the_feed_asks_every_tick_and_hands_over_each_change(presenter_votes, monkeypatch):
    url, answers = presenter_votes
    monkeypatch.setattr(room_feed, "EVERY_S", 0.05)
    taken = []

    async def follow_for_a_while():
        task = asyncio.get_running_loop().create_task(room_feed.follow_room(url, taken.append))
        await asyncio.sleep(0.4)
        answers.append({**SUMMARY, "participants": 4, "still_in": [4, 3, 2, 2, 2, 2]})
        await asyncio.sleep(0.4)
        task.cancel()

    asyncio.run(follow_for_a_while())
    assert [values["room_participants"] for values in taken] == [3, 4]
    assert taken[1]["room_still_in"] == [4, 3, 2]


def test_the_feed_starts_in_the_running_loop_when_the_presenter_says_where(monkeypatch):
    monkeypatch.setenv(room_feed.VOTES_URL, "http://127.0.0.1:9/kit/room/votes")

    async def start():
        task = room_feed.start_following(lambda values: None)
        assert isinstance(task, asyncio.Task)
        task.cancel()

    asyncio.run(start())
