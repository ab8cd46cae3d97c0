"""The room: a seat per participant page up to the cap, cookies for leaving, idle kernels.

A **seat** is taken when a page is let in, before its kernel exists, and is held for as
long as the kernel that page got is running. The page's kernel is learnt where Voilà
hands it out (a preheated kernel from a pool, or one started for the page), so kernels
waiting in a pool, or starting to refill one, never count: ``--max-participants 3``
serves exactly three pages, whether they come one after another or all at once.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(eq=False)
class Seat:
    """One participant's place: taken by a page, held while its kernel runs.

    Parameters
    ----------
    kernel_id : str or None
        The page's kernel; None while the page is still being let in.
    """

    kernel_id: str | None = None


_SEAT: contextvars.ContextVar[Seat | None] = contextvars.ContextVar("kit_seat", default=None)
"""The seat of the page being served in this asyncio task (set by the page's handler)."""


@dataclass
class Room:
    """Who is in the room: a seat per participant page, at most ``capacity``.

    Parameters
    ----------
    capacity : int
        Participant pages at most (kernels preheated in a pool do not count).
    language : str
        The language of the "room is full" page.
    """

    capacity: int
    language: str
    seats: list[Seat] = field(default_factory=list)

    def participants(self, kernel_manager: Any) -> int:
        """Seats in use: pages being let in, and pages whose kernel still runs.

        A seat whose kernel has gone (its page was left, or the kernel was culled as
        idle) is given back here.
        """
        running = set(kernel_manager.list_kernel_ids())
        self.seats = [s for s in self.seats if s.kernel_id is None or s.kernel_id in running]
        return len(self.seats)

    def has_place(self, kernel_manager: Any) -> bool:
        """True while one more participant fits."""
        return self.participants(kernel_manager) < self.capacity

    @contextlib.contextmanager
    def seat(self) -> Iterator[Seat]:
        """Hold a seat while the page served in the current asyncio task is let in.

        Check :meth:`has_place` first, with no ``await`` in between, so two pages
        arriving together cannot both take the last seat. A page that gets no kernel
        (it failed, or its visitor left before) gives its seat back on the way out.
        """
        seat = Seat()
        self.seats.append(seat)
        token = _SEAT.set(seat)
        try:
            yield seat
        finally:
            _SEAT.reset(token)
            if seat.kernel_id is None:
                self.seats.remove(seat)

    def watch(self, kernel_manager: Any) -> None:
        """Learn which kernel each page gets, where Voilà hands kernels to pages.

        Voilà gives a page a preheated kernel through ``get_rendered_notebook`` and
        starts one for a page through ``start_kernel``; a pool starts its own kernels
        with the class's method, so only pages' kernels pass through these wrappers.
        """
        if hasattr(kernel_manager, "get_rendered_notebook"):
            kernel_manager.get_rendered_notebook = _seating(
                kernel_manager.get_rendered_notebook, lambda result: result[2]
            )
        kernel_manager.start_kernel = _seating(kernel_manager.start_kernel, lambda result: result)


def _seating(handing_out: Callable, kernel_of: Callable[[Any], str]) -> Callable:
    @functools.wraps(handing_out)
    async def seated(*args: Any, **kwargs: Any) -> Any:
        result = await handing_out(*args, **kwargs)
        seat = _SEAT.get()
        if seat is not None and seat.kernel_id is None:
            seat.kernel_id = kernel_of(result)
        return result

    return seated


def allow_shutdown_beacon(handler: Any) -> None:
    """Set the ``_xsrf`` cookie, so that a page that is left can shut its kernel down.

    Voilà's page sends a beacon to ``/voila/api/shutdown`` when it is closed, which the
    server accepts only with the ``_xsrf`` cookie; Voilà never sets it, so without this
    a left page would keep its kernel, and its seat, until the kernel is culled as idle.
    """
    _ = handler.xsrf_token  # reading the token sets the cookie


def culling(idle_minutes: float) -> dict[str, Any]:
    """The kernel manager's settings that shut down kernels whose page vanished.

    A kernel with no page connected (``cull_connected`` off) and idle for
    ``idle_minutes`` is shut down; the check runs every minute, or twice per idle time
    when that is shorter.

    >>> culling(15)["cull_idle_timeout"], culling(1)["cull_interval"]
    (900, 30)
    """
    seconds = int(idle_minutes * 60)
    return {
        "cull_idle_timeout": seconds,
        "cull_interval": min(60, seconds // 2),
        "cull_connected": False,
    }
