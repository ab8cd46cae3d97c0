"""kit present's kernel-free pages: everyone's with --kernel-free (no kernel at all), and the
room's past its cap (the page that has no kernel for them takes them there)."""

from __future__ import annotations

import gzip
import http.client
import os
import signal
import time
from pathlib import Path

import psutil
import pytest
from helpers import (
    fetch,
    free_port,
    kernels_of,
    presenter,
    start_presenter,
    until_kernel_free_ready,
)

from kit import present
from kit.chromium import HEADLESS_FLAGS, chromium_path
from kit.cli import main
from kit.kernelfree.serve import ASSET_CACHE, PAGE_CACHE
from kit.text import t

STORIES = present.stories_in(present.NOTEBOOKS)
CHROMIUM = chromium_path() or Path("/usr/bin/chromium")


def request(base: str, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    """One GET, redirects not followed; the response with its body read (``.body``)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.body = response.read()
        return response
    finally:
        connection.close()


def test_kernel_free_serves_every_page_with_caching_and_starts_no_kernel():
    started = time.monotonic()
    with presenter("--kernel-free", "--lang", "nl") as (base, process, printed):
        ready_s = time.monotonic() - started
        front = request(base, "/")
        assert front.status == 302 and front.getheader("Location") == "/kernel-free/index.html"
        status, index = fetch(base + "/")
        assert status == 200 and 'href="nl/nocure.html"' in index
        assert 'href="en/referrals.html"' in index
        for language in ("nl", "en"):
            for story in ("nocure", "referrals"):
                path = f"/kernel-free/{language}/{story}.html"
                page = request(base, path)
                assert page.status == 200 and page.getheader("Cache-Control") == PAGE_CACHE
                assert f'<html lang="{language}">' in page.body.decode()
                assert "../assets/vega.js" in page.body.decode()
                again = request(base, path, {"If-None-Match": page.getheader("ETag")})
                assert again.status == 304 and again.body == b""
                zipped = request(base, path, {"Accept-Encoding": "gzip, deflate"})
                assert zipped.getheader("Content-Encoding") == "gzip"
                assert gzip.decompress(zipped.body) == page.body
                assert zipped.getheader("ETag") != page.getheader("ETag")
        bundle = request(base, "/kernel-free/assets/vega.js", {"Accept-Encoding": "gzip"})
        assert bundle.status == 200 and bundle.getheader("Cache-Control") == ASSET_CACHE
        assert b"window.vegaEmbed" in gzip.decompress(bundle.body)
        assert len(bundle.body) < 400_000  # 0.9 MB of script sent as 0.3 MB
        for missing in ("/kernel-free/en/nothing.html", "/kernel-free/%ff", "/voila/render/en/x"):
            answer = request(base, missing)
            assert answer.status == 404 and b"Traceback" not in answer.body, missing
        assert psutil.Process(process.pid).children(recursive=True) == []  # no kernel, no spare
        assert kernels_of(process) == []
        output = printed()
        assert t("present.terminal.kernel_free", "nl") in output
        assert t("present.terminal.preparing", "nl", titles="").split(":")[0] in output
        assert "Traceback" not in output
    print(f"kit present --kernel-free answered after {ready_s:.1f} s")


@pytest.mark.parametrize(
    ("flags", "named"),
    [(["--lab"], "--lab"), (["--pool", "2"], "--pool"), (["--record", "votes"], "--record")],
)
def test_kernel_free_refuses_what_needs_a_kernel(flags, named, capsys):
    assert main(["present", "--kernel-free", *flags]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and named in err and "--kernel-free" in err
    assert "Traceback" not in err


@pytest.mark.browser
def test_past_the_cap_a_participant_gets_the_kernel_free_story_in_chromium():
    """--max-participants 1: the first participant holds the only kernel; the second is
    taken from the room-full answer (503) to the same story drawn in their browser, where a
    slider redraws its chart, with no request beyond the presenter and no page error."""
    from playwright.sync_api import sync_playwright

    story = STORIES[0]  # nocure
    with presenter("--room", "--max-participants", "1", "--pool", "0") as (base, _, printed):
        until_kernel_free_ready(printed)
        url = f"{base}/voila/render/en/{story.file}"
        status, first = fetch(url, timeout=240)
        assert status == 200 and "kernelId" in first
        full = request(base, f"/voila/render/en/{story.file}")
        assert full.status == 503 and b'content="0; url=/kernel-free/en/nocure.html"' in full.body
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=list(HEADLESS_FLAGS)
            )
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 720})
                errors, external = [], []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on(
                    "console",
                    lambda m: m.type == "error" and "503" not in m.text and errors.append(m.text),
                )
                page.on("request", lambda r: r.url.startswith(base) or external.append(r.url))
                page.goto(url)
                page.wait_for_url("**/kernel-free/en/nocure.html", timeout=30_000)
                page.wait_for_function(
                    "() => window.kitViews && Object.keys(window.kitViews).length === 3",
                    timeout=60_000,
                )
                texts = "name => Array.from(document.querySelectorAll(`#chart-${name} svg text`))"
                texts += ".map(e => e.textContent).join('|')"
                before = page.evaluate(texts, "chance")
                page.evaluate(
                    """() => { const input = document.querySelector('input[name="p_mean"]');
                    input.value = 10; input.dispatchEvent(new Event('input', {bubbles: true})); }"""
                )
                page.wait_for_function(
                    f"before => ({texts})('chance') !== before", arg=before, timeout=10_000
                )
            finally:
                browser.close()
        assert errors == [] and external == []
        assert "Traceback" not in printed()


def test_the_room_full_page_takes_a_participant_to_the_kernel_free_story():
    page = present.room_full_html(40, "nl", "/kernel-free/nl/nocure.html")
    assert '<meta http-equiv="refresh" content="0; url=/kernel-free/nl/nocure.html">' in page
    assert t("present.room_full_kernel_free", "nl", limit=40) in page
    assert 'href="/kernel-free/nl/nocure.html"' in page and 'lang="nl"' in page
    assert "http-equiv" not in present.room_full_html(40, "nl")  # not ready: try again later


@pytest.mark.parametrize(
    ("name", "when", "code"),
    [("SIGINT", "Preparing", 130), ("SIGTERM", "Preparing", 143), ("SIGINT", "Press Ctrl", 0)],
)
def test_kernel_free_stops_on_a_signal_with_one_line(tmp_path, name, when, code):
    """While the pages are being built (exit 128 + the signal, one line) or once serving
    (exit 0): no traceback, as for the kernel rooms (test_present_signals.py)."""
    log = tmp_path / "presenter.log"
    process, _ = start_presenter("--kernel-free", port=free_port(), log=log)
    deadline = time.monotonic() + 60
    while when not in log.read_text():
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.02)
    os.killpg(process.pid, getattr(signal, name))
    assert process.wait(30) == code
    output = log.read_text()
    assert "Traceback" not in output and "Exception" not in output
    if code:
        assert output.strip().endswith("(nothing was left behind).")
