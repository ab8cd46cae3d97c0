"""The room's cap is exact: N seats, whatever the pools do and however the pages arrive."""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.cookiejar
import re
import time
import urllib.request

from helpers import STORY, fetch, presenter

from kit.present import Room
from kit.present.app import REFILL_DELAY


class Kernels:
    """A kernel manager as Voilà's: a pool hands out kernels, pages start their own."""

    def __init__(self) -> None:
        self.running: list[str] = []
        self.count = 0

    def list_kernel_ids(self) -> list[str]:
        return list(self.running)

    def _new(self, kind: str) -> str:
        self.count += 1
        kernel = f"{kind}-{self.count}"
        self.running.append(kernel)
        return kernel

    def preheat(self) -> str:
        """A pool kernel: started by the pool itself, not through the wrappers."""
        return self._new("pool")

    async def get_rendered_notebook(self, notebook_name: str):
        await asyncio.sleep(0.01)
        kernel = self.running.pop(next(i for i, k in enumerate(self.running) if "pool" in k))
        self.running.append(kernel.replace("pool", "handed"))
        self.preheat()  # the refill starts at once
        return None, [], kernel.replace("pool", "handed")

    async def start_kernel(self, **kwargs) -> str:
        await asyncio.sleep(0.01)
        return self._new("page")


async def _visit(room: Room, kernels: Kernels, preheated: bool, pause: float = 0) -> bool:
    """What the story handler does: refuse, or hold a seat while the page gets its kernel."""
    if not room.has_place(kernels):
        return False
    with room.seat():
        await asyncio.sleep(pause)
        if preheated:
            await kernels.get_rendered_notebook("en/a.ipynb")
        else:
            await kernels.start_kernel()
    return True


def test_pool_kernels_and_refills_never_take_a_seat():
    async def scenario():
        kernels = Kernels()
        room = Room(capacity=3, language="en")
        room.watch(kernels)
        for _ in range(4):
            kernels.preheat()
        assert room.participants(kernels) == 0
        admitted = [await _visit(room, kernels, preheated=i % 2 == 0) for i in range(5)]
        assert admitted == [True, True, True, False, False]
        assert room.participants(kernels) == 3
        assert sum("pool" in k for k in kernels.running) == 4  # refilled, not counted

    asyncio.run(scenario())


def test_pages_arriving_together_get_exactly_the_seats_there_are():
    async def scenario():
        kernels = Kernels()
        room = Room(capacity=3, language="en")
        room.watch(kernels)
        kernels.preheat()
        visits = [_visit(room, kernels, i % 3 == 0, pause=0.002 * (i % 4)) for i in range(12)]
        admitted = await asyncio.gather(*visits)
        assert sum(admitted) == 3 and room.participants(kernels) == 3

    asyncio.run(scenario())


def test_a_seat_is_given_back_when_its_kernel_goes_or_its_page_fails():
    async def scenario():
        kernels = Kernels()
        room = Room(capacity=1, language="en")
        room.watch(kernels)
        assert await _visit(room, kernels, preheated=False)
        assert not room.has_place(kernels)
        kernels.running.clear()  # the page was left: its kernel shut down (or was culled)
        assert room.has_place(kernels)
        try:
            with room.seat():
                raise RuntimeError("the page failed before it had a kernel")
        except RuntimeError:
            pass
        assert room.participants(kernels) == 0

    asyncio.run(scenario())


def test_a_page_being_let_in_holds_its_seat_before_it_has_a_kernel():
    kernels = Kernels()
    room = Room(capacity=1, language="en")
    with room.seat() as seat:
        assert seat.kernel_id is None and not room.has_place(kernels)
    assert room.has_place(kernels)


# -- on a real server ---------------------------------------------------------------------------


def _page(base: str, jar: http.cookiejar.CookieJar | None = None) -> tuple[int, str]:
    if jar is None:
        return fetch(f"{base}/voila/render/en/{STORY}", timeout=240)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/voila/render/en/{STORY}", timeout=240) as response:
        return response.status, response.read().decode()


def _leave(base: str, page: str, jar: http.cookiejar.CookieJar) -> None:
    """What the browser sends when a participant closes the page: Voilà's shutdown beacon."""
    kernel = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', page).group(1)
    xsrf = next(cookie.value for cookie in jar if cookie.name == "_xsrf")
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    request = urllib.request.Request(
        f"{base}/voila/api/shutdown/{kernel}", data=b"", headers={"X-XSRFToken": xsrf}
    )
    with opener.open(request, timeout=60) as response:
        assert response.status in (200, 204)


def test_participants_one_after_another_get_exactly_the_cap():
    with presenter("--room", "--max-participants", "3", "--pool", "1") as (base, _, printed):
        jars = [http.cookiejar.CookieJar() for _ in range(3)]
        pages = []
        for jar in jars:
            status, page = _page(base, jar)
            assert status == 200 and "kernelId" in page
            pages.append(page)
        assert _page(base)[0] == 503
        time.sleep(REFILL_DELAY + 2)  # the pool refills meanwhile: still no seat
        assert _page(base)[0] == 503
        _leave(base, pages[0], jars[0])
        deadline = time.monotonic() + 30
        while (status := _page(base)[0]) == 503 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert status == 200  # the seat that was left is taken again
        assert _page(base)[0] == 503
        assert "Traceback" not in printed()


def test_participants_arriving_together_get_exactly_the_cap():
    with presenter("--room", "--max-participants", "3", "--pool", "1") as (base, _, printed):
        with concurrent.futures.ThreadPoolExecutor(7) as arrivals:
            statuses = sorted(status for status, _ in arrivals.map(lambda _: _page(base), range(7)))
        assert statuses == [200] * 3 + [503] * 4
        assert "Traceback" not in printed()
