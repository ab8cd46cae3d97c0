"""The coach's scene, for participants who follow the deck: ``/kit/deck/scene``.

The coach's deck (opened on the presenting machine itself, over loopback) tells the
server which scene and month it shows; a participant's deck opened with ``?follow``
asks for it every second and goes there, until the participant moves on their own.
Their sliders stay theirs: only the scene is shared, never a value. Only a page on the
presenting machine may set the scene, so nobody in the room can steer the others.
"""

from __future__ import annotations

import json
import re
from typing import Any

LOOPBACK_IPS = ("127.0.0.1", "::1")
SCENE = re.compile(r"[a-z][a-z0-9_]{0,39}")
MAX_STEP = 100
MAX_BODY = 1_000


def coach_scene(shown: dict[str, dict[str, Any]], body: bytes, pages: set[str]) -> str:
    """Check and keep one deck's scene from a coach's request; returns the deck's page.

    Raises
    ------
    ValueError
        For a body that is not ``{"page": <a served deck>, "scene": <name>, "step": <int>}``.
    """
    if len(body) > MAX_BODY:
        raise ValueError("too large")
    given = json.loads(body.decode("utf-8"))
    if not isinstance(given, dict):
        raise ValueError("not an object")
    page, scene, step = given.get("page"), given.get("scene"), given.get("step")
    if page not in pages or not str(page).endswith(".deck.ipynb"):
        raise ValueError("not a deck")
    if not isinstance(scene, str) or not SCENE.fullmatch(scene):
        raise ValueError("not a scene")
    if step is not None and (not isinstance(step, int) or not 0 < step <= MAX_STEP):
        raise ValueError("not a step")
    shown[page] = {"scene": scene, "step": step}
    return page


def follow_handler() -> type:
    """The request handler of ``/kit/deck/scene`` (built late: tornado comes with Voilà)."""
    import tornado.web

    class FollowHandler(tornado.web.RequestHandler):
        """GET ``?page=<deck>``: the coach's scene; PUT from loopback: set it."""

        def initialize(self, shown: dict, pages: set[str]) -> None:
            self.shown = shown
            self.pages = pages

        def check_xsrf_cookie(self) -> None:
            # a PUT is taken from the presenting machine only, and carries a scene name
            return None

        def get(self) -> None:
            self.set_header("Cache-Control", "no-store")
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(self.shown.get(self.get_argument("page", ""), {})))

        def put(self) -> None:
            if self.request.remote_ip not in LOOPBACK_IPS:
                raise tornado.web.HTTPError(403)
            try:
                coach_scene(self.shown, self.request.body, self.pages)
            except (ValueError, UnicodeDecodeError):
                raise tornado.web.HTTPError(400) from None
            self.set_status(204)
            self.finish()

    return FollowHandler
