"""The coach's scene for participants who follow (kit.present.follow): checked before it is kept."""

from __future__ import annotations

import json

import pytest

from kit.present.follow import coach_scene

PAGES = {"en/01_no_cure_no_pay.deck.ipynb", "en/01_no_cure_no_pay.ipynb"}


def body(**given) -> bytes:
    return json.dumps(given).encode()


def test_a_coachs_scene_is_kept_per_deck():
    shown = {}
    page = coach_scene(
        shown, body(page="en/01_no_cure_no_pay.deck.ipynb", scene="months", step=3), PAGES
    )
    assert shown == {page: {"scene": "months", "step": 3}}
    coach_scene(shown, body(page=page, scene="contract", step=None), PAGES)
    assert shown[page] == {"scene": "contract", "step": None}


@pytest.mark.parametrize(
    "sent",
    [
        body(page="en/01_no_cure_no_pay.ipynb", scene="months", step=None),  # a page, not a deck
        body(page="../../etc/passwd.deck.ipynb", scene="months", step=None),
        body(page="en/01_no_cure_no_pay.deck.ipynb", scene="<script>", step=None),
        body(page="en/01_no_cure_no_pay.deck.ipynb", scene="months", step=0),
        body(page="en/01_no_cure_no_pay.deck.ipynb", scene="months", step="3"),
        body(page="en/01_no_cure_no_pay.deck.ipynb", scene="m" * 41, step=None),
        b"[1, 2]",
        b"not json",
        b"{" + b" " * 2000 + b"}",
    ],
)
def test_anything_else_is_refused_and_nothing_is_kept(sent):
    shown = {}
    with pytest.raises(ValueError):
        coach_scene(shown, sent, PAGES)
    assert shown == {}
