"""The room's answers, fed into a deck's story while ``kit present`` serves it.

The presenter keeps the room's votes (``GET /kit/room/votes``, see
:mod:`kit.present.votes`) and tells its kernels where with the environment variable
:data:`VOTES_URL`. A deck whose story has a room scene asks for them every second, off
the kernel's main thread, and moves its story to the room's answers when they change:
the room's chart and sentence are then redrawn like any other part, by the same code
that draws them in a handout. Outside ``kit present`` (papermill, JupyterLab) nothing
is asked and nothing runs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

log = logging.getLogger(__name__)

VOTES_URL = "KIT_ROOM_VOTES"
"""The environment variable with the address of the presenter's votes summary."""

EVERY_S = 1.0
"""Seconds between two questions to the presenter."""

TIMEOUT_S = 2.0


def room_values(summary: Mapping[str, Any]) -> dict[str, Any]:
    """A votes summary as story A's room parameters.

    The room's line runs up to the last month somebody answered for; a room where
    nobody answered yet has no line at all.

    >>> summary = {"participants": 3, "still_in": [3, 2, 2, 2], "results": [1, 2, 3, 4],
    ...            "months": [{"month": 1, "continue": 3, "stop": 0},
    ...                       {"month": 2, "continue": 2, "stop": 1},
    ...                       {"month": 3, "continue": 0, "stop": 0},
    ...                       {"month": 4, "continue": 0, "stop": 0}]}
    >>> room_values(summary)
    {'room_participants': 3, 'room_still_in': [3, 2], 'room_results': [1, 2, 3, 4]}
    """
    answered = [m["month"] for m in summary["months"] if m["continue"] + m["stop"]]
    last = max(answered, default=0)
    return {
        "room_participants": int(summary["participants"]) if last else 0,
        "room_still_in": [int(n) for n in summary["still_in"][:last]],
        "room_results": [int(n) for n in summary["results"]],
    }


def ask(url: str) -> dict[str, Any]:
    """The presenter's votes summary (a blocking HTTP request, for a worker thread)."""
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as answer:  # noqa: S310 - our own server
        return json.loads(answer.read(64_000))


async def follow_room(url: str, take: Callable[[dict[str, Any]], None]) -> None:
    """Ask for the room's answers every :data:`EVERY_S` seconds; ``take`` each change.

    A presenter that is busy or gone for a moment is asked again at the next tick.
    """
    loop = asyncio.get_running_loop()
    last = None
    while True:
        try:
            values = room_values(await loop.run_in_executor(None, ask, url))
        except Exception as error:  # busy, restarting, or an answer we cannot read
            log.debug("room votes: %r", error)
        else:
            if values != last:
                last = values
                take(values)
        await asyncio.sleep(EVERY_S)


def start_following(take: Callable[[dict[str, Any]], None]) -> asyncio.Task | None:
    """Start :func:`follow_room` in the kernel's event loop, when the presenter says where.

    Returns
    -------
    asyncio.Task or None
        The running task (keep it: a task nobody holds may be collected), or None
        outside ``kit present`` or outside a running event loop.
    """
    url = os.environ.get(VOTES_URL)
    if not url:
        return None
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        try:  # an IPython kernel runs its cells between turns of this loop
            loop = asyncio.get_event_loop()
        except RuntimeError:
            return None
    return loop.create_task(follow_room(url, take))
