"""The Voilà app: configuration, preheating in turn, and a real server on loopback."""

from __future__ import annotations

import asyncio
import logging
import os
import urllib.request

import pytest
from helpers import fetch, presenter, room_figures

from kit import present
from kit.cache import SERVED_JS
from kit.live import board as live
from kit.present import Options
from kit.present.app import announcement
from kit.text import t

STORIES = present.stories_in(present.NOTEBOOKS)


def test_voila_is_configured_for_a_room_that_cannot_hang():
    options = Options(language="nl", pool=2, cell_timeout=30, idle_minutes=10)
    config = present.voila_config(options, STORIES)
    assert config.VoilaExecutor.timeout == 30
    assert config.VoilaConfiguration.template == "kit"
    assert config.VoilaConfiguration.show_tracebacks is False
    assert config.VoilaConfiguration.preheat_kernel is True
    assert config.VoilaKernelManager.kernel_pools_config == {"default": {"pool_size": 0}}
    assert config.VoilaKernelManager.fill_delay == present.REFILL_DELAY
    if os.name != "nt":  # kernels on Unix sockets: no TCP port to lose to another socket
        assert config.KernelManager.transport == "ipc"
    # pip registers the spare-kernel provisioner (pyproject's entry point)
    assert config.KernelProvisionerFactory.default_provisioner_name == "kit-spare-kernels"
    assert config.MappingKernelManager.cull_idle_timeout == 600
    assert config.MappingKernelManager.cull_connected is False
    assert config.Voila.ip == "127.0.0.1"


def test_the_room_is_announced_with_dutch_numbers():
    """A room of 1,000 with 2.5 idle minutes reads 1.000 and 2,5 in Dutch."""
    options = Options(language="nl", room=True, max_participants=1000, idle_minutes=2.5)
    said = announcement(options, STORIES, "http://192.168.1.20:8866/")
    assert t("present.terminal.room", "nl", limit="1.000", minutes="2,5") in said
    english = announcement(
        Options(language="en", room=True, max_participants=60, idle_minutes=10),
        STORIES,
        "http://192.168.1.20:8866/",
    )
    assert t("present.terminal.room", "en", limit="60", minutes="10") in english


class _Warming:
    """A kernel manager whose pooled notebooks finish running when the test says so."""

    def __init__(self):
        self.kernel_pools_config = {"default": {"pool_size": 0}}
        self._pools, self.filled, self.runs = {}, [], {}
        self.log = logging.getLogger("test")

    def fill_if_needed(self, delay, notebook_name):
        self.filled.append(notebook_name)
        loop = asyncio.get_running_loop()
        run = self.runs[notebook_name] = loop.create_future()

        async def started():
            return {"task": run, "kernel_id": notebook_name}

        size = self.kernel_pools_config[notebook_name]["pool_size"]
        self._pools[notebook_name] = [loop.create_task(started()) for _ in range(size)]


def test_stories_are_preheated_one_after_the_other():
    async def scenario():
        kernels = _Warming()
        pages = ["en/a.ipynb", "en/b.ipynb"]
        preheating = present.preheat_in_turn(kernels, pages, 2, wait_s=5, pause_s=0)
        warming = asyncio.create_task(preheating)
        await asyncio.sleep(0.05)
        assert kernels.filled == ["en/a.ipynb"]  # b waits while a's notebook runs
        kernels.runs["en/a.ipynb"].set_result(None)
        await asyncio.sleep(0.05)
        assert kernels.filled == pages
        assert kernels.kernel_pools_config["en/b.ipynb"] == {"pool_size": 2}
        kernels.runs["en/b.ipynb"].set_result(None)
        await warming

    asyncio.run(scenario())


def test_a_stuck_warm_up_does_not_hold_back_the_next_story():
    async def scenario():
        kernels = _Warming()
        await present.preheat_in_turn(
            kernels, ["en/a.ipynb", "en/b.ipynb"], 1, wait_s=0.1, pause_s=0
        )
        assert kernels.filled == ["en/a.ipynb", "en/b.ipynb"]
        assert not kernels.runs["en/a.ipynb"].cancelled()  # its kernel goes on running

    asyncio.run(scenario())


def test_a_board_sends_its_bundle_by_address_only_where_the_presenter_serves_it(monkeypatch):
    monkeypatch.delenv(SERVED_JS, raising=False)
    assert live.board_source() == live.board_esm()  # JupyterLab: inline
    monkeypatch.setenv(SERVED_JS, "http://127.0.0.1:8866/kit/js/")
    address = live.board_source()
    assert address.startswith(f"http://127.0.0.1:8866/kit/js/{live.board_name()}?v=")
    monkeypatch.setenv("XDG_CACHE_HOME", "/nonexistent/cache")  # nothing to serve from
    assert live.board_source() == live.board_esm()


UNSAFE = [
    "/voila/render/%ff%fe",
    "/voila/render/en/%ff.ipynb",
    "/voila/templates/../../etc/passwd",
    "/voila/templates/kit/../../../etc/passwd",
    "/voila/templates/..%2f..%2fetc/passwd",
    "/voila/templates/kit/static/%2e%2e/%2e%2e/conf.json",
    "/voila/static/..%2f..%2fetc%2fpasswd",
    "/voila/files/%ff",
    "/voila/files/..%5c..%5cetc%5cpasswd",
    "/voila/render/en/%00.ipynb",
    "/kit/js/..%2fboard.js",
]


@pytest.mark.parametrize("path", UNSAFE)
def test_a_path_that_no_page_has_is_unsafe(path):
    assert present.unsafe_path(path)


@pytest.mark.parametrize(
    "path", ["/", "/voila/render/nl/01_no_cure_no_pay.ipynb", "/voila/static/voila.js", "/a..b"]
)
def test_the_presenters_own_paths_are_safe(path):
    assert not present.unsafe_path(path)


def _raw_get(base: str, path: str) -> tuple[int, str]:
    """GET ``path`` exactly as written (no normalising of ``..``), as a hostile client would."""
    import http.client

    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def test_server_serves_index_stories_and_a_full_room():
    with presenter("--room", "--max-participants", "1", "--pool", "0", "--lang", "nl") as (
        base,
        _,
        printed,
    ):
        status, index = fetch(base + "/")
        assert status == 200 and "Twee verhalen" in index.replace("twee", "Twee")
        # each story's deck (the default) and its page
        assert fetch(base + "/?lang=en")[1].count("/voila/render/en/") == 2 * len(STORIES)
        status, missing = fetch(base + "/voila/render/nl/nothing.ipynb")
        assert status == 404 and t("present.not_found", "nl") in missing
        status, page = fetch(base + f"/voila/render/nl/{STORIES[0].file}")
        assert status == 200 and "kit-back" in page
        assert "cdn.jsdelivr.net" not in page and "cdnjs" not in page
        assert "Traceback" not in page and "There was an error" not in page
        status, full = fetch(base + f"/voila/render/en/{STORIES[0].file}")
        assert status == 503 and "The room is full" in full
        status, bundle = fetch(f"{base}/kit/js/{live.board_name()}")
        # the live board, by address (the cache seals the file with a last comment line)
        assert status == 200 and bundle.startswith(live.board_esm())
        assert fetch(f"{base}/kit/js/other.js")[0] == 404
        output = printed()
        assert f"{base}/?lang=nl" in output and "Zaalmodus" in output
        assert "█" in output  # the QR code


def test_hostile_paths_get_a_quiet_404():
    with presenter("--pool", "0") as (base, _, printed):
        for path in UNSAFE:
            status, body = _raw_get(base, path)
            assert status == 404, path
            assert t("present.not_found", "en") in body and "root:" not in body
        assert _raw_get(base, "/voila/static/voila.js")[0] == 200  # Voilà's own files still load
        output = printed()
        assert "Traceback" not in output and "Uncaught exception" not in output
        assert " 500 " not in output and " 400 " not in output


def test_a_small_room_is_served_on_loopback():
    """Three simulated participants at once: every page interactive, every move answered.

    The 25-participant room is in benchmarks/bench_present.py (too slow for every CI run).
    """
    room = room_figures(participants=3, moves=2, max_participants=5, pool=1)
    # all three compared at once: a failure shows each participant's error (a page timed out
    # once, from an empty cache under load, and said nothing more)
    assert (room["interactive"], room["errors"], room["room_full"]) == (3, [], 0), room
    assert room["moves"] == 6


def test_the_index_page_is_not_cached():
    with presenter("--pool", "0") as (base, _, _printed):
        with urllib.request.urlopen(base + "/", timeout=60) as response:
            assert response.headers["Cache-Control"] == "no-store"
