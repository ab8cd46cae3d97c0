"""The kernel-free deck: what the grids cost, how big the pages are, how fast a slider answers.

* Grids: each precomputed grid from cold (a fresh cache folder), and the story's own
  simulation at one point with the kernel's default runs, for scale.
* ``kit export-site`` with the grids cached, and the size of every file it writes.
* In Chromium (headless, offline): a story page from navigation to every chart drawn,
  and one slider move (the Vega signal set, the dataflow run and the SVG redrawn),
  median and 95th percentile of 30 moves per chart, each to a new value.
* A room: 200 simulated participants, 50 at a time, each fetching what a browser with an
  empty cache fetches (index, a story page, style, bundle) from python's http.server in a
  child process; time per participant, the server's CPU seconds and peak memory.
* The presenter's room: ``kit present --kernel-free`` (its start to the first answer),
  then 200 simulated participants arriving at once (a hall scanning the QR code), each
  fetching what a browser with an empty cache fetches (``/``, its redirect to the index,
  a story page, style, bundle; gzip accepted, one connection each, as a browser keeps
  it), then all 200 again with what they cached (ETag: 304). The server runs in a child
  process capped at 2 GB of address space; every request has a 60 s timeout. A Chromium
  page opens the same story to every chart drawn, alone and while the 200 arrive.

Run with ``.venv/bin/python benchmarks/bench_kernelfree.py`` (``--presenter-room``: the
presenter's room alone).
"""

from __future__ import annotations

import gzip
import http.client
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import psutil

PARTICIPANTS, AT_ONCE = 200, 50
MOVES = 30


def row(what: str, value: str) -> None:
    print(f"| {what} | {value} |", flush=True)


def grids_cold() -> None:
    from kit.kernelfree import grids
    from kit.stories import STORIES

    with tempfile.TemporaryDirectory() as cache:
        os.environ["XDG_CACHE_HOME"] = cache  # kit.cache reads it on every call
        try:
            for name, make in (("A outcomes", grids.outcome_grid), ("B band", grids.band_grid)):
                start = time.perf_counter()
                grid = make()
                seconds = time.perf_counter() - start
                points = len(list(grid.points()))
                row(
                    f"grid {name}: {points:,} points, {len(grid.rows):,} rows, "
                    f"{grid.runs:,} runs each",
                    f"{seconds:.1f} s cold, {len(grid.csv()) / 1e3:,.0f} kB",
                )
        finally:
            del os.environ["XDG_CACHE_HOME"]
    kernel_runs = {"nocure": "n_contracts", "referrals": "runs"}
    for name, result in (("nocure", "outcomes"), ("referrals", "band")):
        story = STORIES[name].story
        runs = story.schema[kernel_runs[name]].default
        times = []
        for i in range(5):
            start = time.perf_counter()
            getattr(story({kernel_runs[name]: runs, "seed": i}), result)
            times.append(time.perf_counter() - start)
        row(f"one point with the kernel's {runs:,} runs ({name})", f"{1000 * min(times):.0f} ms")


def export(folder: Path) -> None:
    from kit.kernelfree.site import export_site

    start = time.perf_counter()
    export_site(folder)
    row("kit export-site with the grids cached", f"{time.perf_counter() - start:.1f} s")
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            row(f"file {path.relative_to(folder)}", f"{path.stat().st_size / 1e3:,.0f} kB")


def serve(folder: Path) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1", "-d", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = server.stdout.readline()  # "Serving HTTP on 127.0.0.1 port N (...)"
    port = int(line.split(" port ")[1].split()[0])
    return server, f"http://127.0.0.1:{port}"


def in_browser(base: str) -> None:
    from playwright.sync_api import sync_playwright

    from kit.chromium import HEADLESS_FLAGS

    moves = {
        "en/referrals": [
            ("tree", "p_per_fan", [i % 21 for i in range(MOVES)]),
            ("honest", "p_conversion", [round(0.1 * (i % 11), 1) for i in range(MOVES)]),
        ],
        "en/nocure": [
            ("chance", "p_volatility", [round(0.1 * (i % 16), 1) for i in range(MOVES)]),
            ("months", "p_alarm_drop", [round(0.05 * (i % 21), 2) for i in range(MOVES)]),
        ],
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=list(HEADLESS_FLAGS)
        )
        try:
            for page_name, charts in moves.items():
                loads = []
                for _ in range(5):
                    context = browser.new_context(viewport={"width": 1280, "height": 720})
                    page = context.new_page()
                    start = time.perf_counter()
                    page.goto(f"{base}/{page_name}.html")
                    page.wait_for_function(
                        "() => window.kitViews && Object.keys(window.kitViews).length "
                        "=== document.querySelectorAll('.chart').length"
                    )
                    loads.append(1000 * (time.perf_counter() - start))
                    if len(loads) < 5:
                        context.close()
                row(
                    f"{page_name}: navigation to every chart drawn (empty cache)",
                    f"median {statistics.median(loads):.0f} ms of 5",
                )
                for chart, signal, values in charts:
                    times = page.evaluate(
                        """async ([chart, signal, values]) => {
                            const view = window.kitViews[chart], times = [];
                            for (const value of values) {
                                const start = performance.now();
                                view.signal(signal, value);
                                await view.runAsync();
                                times.push(performance.now() - start);
                            }
                            return times;
                        }""",
                        [chart, signal, values],
                    )
                    row(
                        f"{page_name} {chart}: one move of {signal[2:]}",
                        f"median {statistics.median(times):.1f} ms, "
                        f"p95 {np.percentile(times, 95):.1f} ms",
                    )
                context.close()
        finally:
            browser.close()


def participant(base: str) -> tuple[float, int]:
    start, size = time.perf_counter(), 0
    for path in ("index.html", "nl/referrals.html", "assets/site.css", "assets/vega.js"):
        with urllib.request.urlopen(f"{base}/{path}", timeout=60) as answer:
            size += len(answer.read())
    return time.perf_counter() - start, size


def room(server: subprocess.Popen, base: str) -> None:
    process = psutil.Process(server.pid)
    cpu_before = sum(process.cpu_times()[:2])
    peak = [process.memory_info().rss]
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], process.memory_info().rss)

    watcher = threading.Thread(target=watch)
    watcher.start()
    start = time.perf_counter()
    with ThreadPoolExecutor(AT_ONCE) as pool:
        results = list(pool.map(lambda _: participant(base), range(PARTICIPANTS)))
    wall = time.perf_counter() - start
    done.set()
    watcher.join()
    times = [1000 * seconds for seconds, _ in results]
    sent = sum(size for _, size in results)
    row(
        f"room: {PARTICIPANTS} participants, {AT_ONCE} at a time, all pages served",
        f"{wall:.1f} s, {sent / 1e6:,.0f} MB sent",
    )
    row(
        "room: one participant's pages (index, story, style, bundle)",
        f"median {statistics.median(times):.0f} ms, p95 {np.percentile(times, 95):.0f} ms",
    )
    row(
        "room: the server's CPU and peak memory",
        f"{sum(process.cpu_times()[:2]) - cpu_before:.1f} s CPU, {peak[0] / 1e6:.0f} MB",
    )


PRESENTER_PATHS = (
    "/",
    "/kernel-free/index.html",
    "/kernel-free/nl/referrals.html",
    "/kernel-free/assets/site.css",
    "/kernel-free/assets/vega.js",
)
SERVER_MEMORY = 2 * 1024**3


def presenter() -> tuple[subprocess.Popen, str, float]:
    """``kit present --kernel-free`` on a free loopback port: (process, base URL, start s)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from helpers import free_port

    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (SERVER_MEMORY, SERVER_MEMORY))

    port = free_port()
    start = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "kit.present", "--kernel-free", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=capped,
    )
    base = f"http://127.0.0.1:{port}"
    while True:
        try:
            urllib.request.urlopen(base + "/kernel-free/index.html", timeout=2).read()
            return server, base, time.perf_counter() - start
        except OSError:
            if server.poll() is not None or time.perf_counter() - start > 300:
                raise RuntimeError("kit present --kernel-free did not start") from None
            time.sleep(0.05)


def browser_visit(base: str, cached: dict[str, str]) -> tuple[float, int, list[int]]:
    """One participant's pages on one connection: (seconds, bytes received, statuses).

    ``cached`` holds the ETags of an earlier visit (sent as If-None-Match) and takes this
    visit's; a body sent gzipped is unpacked, as a browser would before drawing.
    """
    host, port = base.removeprefix("http://").split(":")
    start, size, statuses = time.perf_counter(), 0, []
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        for path in PRESENTER_PATHS:
            headers = {"Accept-Encoding": "gzip"}
            if path in cached:
                headers["If-None-Match"] = cached[path]
            connection.request("GET", path, headers=headers)
            answer = connection.getresponse()
            body = answer.read()
            size += len(body)
            statuses.append(answer.status)
            if answer.getheader("Content-Encoding") == "gzip":
                gzip.decompress(body)
            if answer.getheader("ETag"):
                cached[path] = answer.getheader("ETag")
    finally:
        connection.close()
    return time.perf_counter() - start, size, statuses


def drawn_in_chromium(browser, url: str) -> float:
    """Seconds from navigation (empty cache) to every chart of the page drawn."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_function(
            "() => window.kitViews && Object.keys(window.kitViews).length "
            "=== document.querySelectorAll('.chart').length",
            timeout=120_000,
        )
        return time.perf_counter() - start
    finally:
        context.close()


def presenter_room() -> None:
    from playwright.sync_api import sync_playwright

    from kit.chromium import HEADLESS_FLAGS

    server, base, started = presenter()
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium", args=list(HEADLESS_FLAGS)
    )
    story = f"{base}{PRESENTER_PATHS[2]}"
    try:
        row("kit present --kernel-free: start to the first page served", f"{started:.1f} s")
        process = psutil.Process(server.pid)
        assert process.children(recursive=True) == [], "a kernel-free presenter with children"
        alone = [1000 * drawn_in_chromium(browser, story) for _ in range(3)]
        row(
            "presenter: Chromium, navigation to every chart drawn, alone",
            f"median {statistics.median(alone):.0f} ms of 3",
        )
        caches: list[dict[str, str]] = [{} for _ in range(PARTICIPANTS)]
        for visit in ("empty cache", "cached (304)"):
            cpu_before = sum(process.cpu_times()[:2])
            peak = [process.memory_info().rss]
            done = threading.Event()

            def watch(peak=peak, done=done) -> None:
                while not done.wait(0.02):
                    peak[0] = max(peak[0], process.memory_info().rss)

            watcher = threading.Thread(target=watch)
            watcher.start()
            begin = time.perf_counter()
            with ThreadPoolExecutor(PARTICIPANTS) as pool:
                arriving = pool.map(lambda cache: browser_visit(base, cache), caches)
                during = 1000 * drawn_in_chromium(browser, story)  # while the 200 arrive
                results = list(arriving)
            wall = time.perf_counter() - begin
            done.set()
            watcher.join()
            times = [1000 * seconds for seconds, _, _ in results]
            served = sum(
                status in (200, 302, 304) for _, _, statuses in results for status in statuses
            )
            asked = len(PRESENTER_PATHS) * PARTICIPANTS
            row(
                f"presenter, {PARTICIPANTS} participants at once, {visit}: requests answered",
                f"{served} of {asked} in {wall:.1f} s, "
                f"{sum(size for _, size, _ in results) / 1e6:,.1f} MB sent",
            )
            row(
                f"presenter, {visit}: one participant's pages, all assets fetched",
                f"median {statistics.median(times):.0f} ms, p95 {np.percentile(times, 95):.0f} ms, "
                f"max {max(times):.0f} ms",
            )
            row(
                f"presenter, {visit}: Chromium, navigation to every chart drawn meanwhile",
                f"{during:.0f} ms",
            )
            row(
                f"presenter, {visit}: the server's CPU and peak memory",
                f"{sum(process.cpu_times()[:2]) - cpu_before:.2f} s CPU, {peak[0] / 1e6:.0f} MB",
            )
    finally:
        browser.close()
        playwright.stop()
        server.terminate()
        server.wait(10)


def main() -> None:
    print("| kernel-free deck | measured |\n|---|---:|")
    if sys.argv[1:] == ["--presenter-room"]:  # this part alone: no grids from cold
        presenter_room()
        return
    grids_cold()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "site"
        export(folder)
        server, base = serve(folder)
        try:
            in_browser(base)
            room(server, base)
        finally:
            server.terminate()
            server.wait(10)
    presenter_room()


if __name__ == "__main__":
    main()
