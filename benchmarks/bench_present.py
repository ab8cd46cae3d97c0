"""Presenter-mode figures the README quotes, measured on 127.0.0.1 only.

1. ``kit present`` start to an interactive page (Chromium, slider handle on screen).
2. Slider move to redrawn chart in the browser (Voilà), over N keyboard moves: time from the
   keydown to the first redrawn chart and to the last redrawn output of that move; next to it,
   the kernel-side time of the same move (model + charts + SVG drawing) measured in-process.
3. Memory per participant kernel (RSS and USS).
4. A room on loopback: P simulated participants at once, each loading the page over HTTP,
   connecting to its kernel's websocket and moving a slider with the widget messages a
   browser sends; time to an interactive page, slider latency (message sent to kernel idle),
   errors, and the total memory of the server and its kernels. The run is bounded. Several
   room sizes may be given (``--participants 25,40,60``, smallest first): the largest room
   that meets the goals (every page interactive, no error, median move under 250 ms, p95
   under 1 s) is where the room should switch to the kernel-free pages.

Usage: ``python benchmarks/bench_present.py [--moves 30] [--participants 60] [--no-browser]
[--no-room]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import psutil

from kit.chromium import HEADLESS_FLAGS, chromium_path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers import (  # noqa: E402 - the tests' presenter harness, shared with them
    SLIDER,
    STORY,
    free_port,
    kernels_of,
    memory_mb,
    percentile,
    room_figures,
    start_presenter,
    stop,
    wait_for_server,
)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = list(HEADLESS_FLAGS)
REFILL_WAIT_S = 8  # kit.present.REFILL_DELAY (3 s) + a kernel running the notebook
ROOM_GOALS_MS = (250, 1000)  # a move's median and 95th percentile in a room (issue 13)


# -- 1-3: one coach in a browser ----------------------------------------------------------------

ARM_JS = """() => {
  const outs = Array.from(document.querySelectorAll('[class*="kit-out-"]'));
  const probe = {first: null, last: null, down: null};
  window.kitProbe = probe;
  document.addEventListener('keydown', () => { probe.down = performance.now(); },
                            {capture: true, once: true});
  probe.observer = new MutationObserver(() => {
    const now = performance.now();
    if (probe.first === null) probe.first = now;
    probe.last = now;
  });
  outs.forEach(o => probe.observer.observe(o, {childList: true, subtree: true,
                                               attributes: true, characterData: true}));
  document.querySelector('.%s .noUi-handle').focus();
}"""

COLLECT_JS = """async () => {
  const probe = window.kitProbe;
  const deadline = performance.now() + 10000;
  while (performance.now() < deadline) {
    await new Promise(r => setTimeout(r, 20));
    if (probe.last !== null && performance.now() - probe.last > 400) break;
  }
  probe.observer.disconnect();
  if (probe.first === null || probe.down === null) return {first: null, last: null};
  return {first: probe.first - probe.down, last: probe.last - probe.down};
}"""


def open_first_page(context, port: int):
    """Start ``kit present`` on ``port`` and open story A at once, as a coach would.

    Returns (presenter process, page, URL, seconds to the page's load event, seconds to
    an interactive page), both counted from the start of ``kit present``.
    """
    page = context.new_page()
    page.set_default_timeout(120_000)
    started = time.perf_counter()
    process, base = start_presenter("--lang", "en", "--pool", "1", port=port)
    url = f"{base}/voila/render/en/{STORY}"
    try:
        wait_for_server(base, 120)  # the coach opens the page once the address is printed
        page.goto(url)
        loaded = time.perf_counter() - started
        page.locator(f".{SLIDER} .noUi-handle").wait_for(state="visible")
        return process, page, url, loaded, time.perf_counter() - started
    except BaseException:
        stop(process)
        raise


def browser_figures(moves: int) -> dict:
    from playwright.sync_api import sync_playwright

    figures: dict = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path()), args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        port = free_port()
        # a browser that never saw the kit, then the same browser at the next session
        # (same address: it has Voilà's scripts in its cache, as a rehearsed laptop has)
        process, page, url, *fresh = open_first_page(context, port)
        figures["fresh_browser_s"] = fresh
        stop(process)
        page.close()
        process, page, url, *returning = open_first_page(context, port)
        figures["returning_browser_s"] = returning
        try:
            time.sleep(REFILL_WAIT_S)  # the pool refills; the next visitor gets a warm kernel
            again = time.perf_counter()
            second = context.new_page()
            second.set_default_timeout(120_000)
            second.goto(url)
            second.locator(f".{SLIDER} .noUi-handle").wait_for(state="visible")
            figures["preheated_page_s"] = time.perf_counter() - again
            second.close()
            page.wait_for_timeout(1000)
            firsts, lasts = [], []
            for _ in range(moves):
                page.evaluate(ARM_JS % SLIDER)
                page.keyboard.press("ArrowRight")
                result = page.evaluate(COLLECT_JS)
                if result["first"] is not None:
                    firsts.append(result["first"])
                    lasts.append(result["last"])
                page.wait_for_timeout(100)
            figures["moves"] = len(firsts)
            figures["first_chart_ms"] = (statistics.median(firsts), percentile(firsts, 0.95))
            figures["all_outputs_ms"] = (statistics.median(lasts), percentile(lasts, 0.95))
            kernels = kernels_of(process)
            figures["kernels"] = len(kernels)
            figures["kernel_rss_mb"] = statistics.median(memory_mb(kernels))
            figures["kernel_uss_mb"] = statistics.median(memory_mb(kernels, "uss"))
        finally:
            stop(process)
            browser.close()
    return figures


def kernel_side_ms(moves: int) -> dict:
    """The same slider moves without a browser: Panel.update in this process."""
    from kit.live.display import draw_svg
    from kit.live.panel import Panel
    from kit.stories.base import Chart
    from kit.stories.nocure.story import NoCureStory

    story = NoCureStory()
    panel = Panel(story)
    totals = []
    for move in range(moves):
        started = time.perf_counter()
        panel.update("target", story["target"] + 1 + move % 2)
        totals.append((time.perf_counter() - started) * 1000)
    moved = story.moved({"target": story["target"] + 1})
    svg_ms = []
    for part in story.parts():
        if isinstance(part, Chart) and part.on_board and "target" in part.depends:
            spec = part.draw(moved).to_dict(validate=False)
            # draw_svg, not chart_svg, whose disk cache would answer
            draw_svg(spec)  # the first drawing also warms vl-convert up
            started = time.perf_counter()
            draw_svg(spec)
            svg_ms.append((time.perf_counter() - started) * 1000)
    return {
        "kernel_move_ms": (statistics.median(totals), percentile(totals, 0.95)),
        "svg_ms_per_move": sum(svg_ms),
        "charts_per_move": len(svg_ms),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=30)
    parser.add_argument(
        "--participants",
        type=room_sizes,
        default=[60],
        help="room sizes, smallest first (e.g. 25,40,60)",
    )
    parser.add_argument("--room-moves", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-room", action="store_true")
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GiB, "
        "load average {:.1f} {:.1f} {:.1f} (other jobs share these cores)".format(*os.getloadavg())
    )
    kernel = kernel_side_ms(args.moves)
    median, p95 = kernel["kernel_move_ms"]
    print(
        f"kernel side of one 'target' move (6 outputs): median {median:.0f} ms, p95 {p95:.0f} ms; "
        f"drawing its {kernel['charts_per_move']} charts as SVG in the kernel instead would add "
        f"{kernel['svg_ms_per_move']:.0f} ms"
    )
    if not args.no_browser:
        browser = browser_figures(args.moves)
        for label, key in (
            ("new browser", "fresh_browser_s"),
            ("browser seen before", "returning_browser_s"),
        ):
            loaded, interactive = browser[key]
            print(
                f"kit present start -> interactive page ({label}): {interactive:.1f} s "
                f"(page loaded after {loaded:.1f} s)"
            )
        print(
            "next page, kernel preheated (browser seen before): "
            f"{browser['preheated_page_s']:.1f} s"
        )
        print(
            "slider move -> first redrawn chart (browser, {} moves): median {:.0f} ms, "
            "p95 {:.0f} ms".format(browser["moves"], *browser["first_chart_ms"])
        )
        print(
            "slider move -> every output redrawn: median {:.0f} ms, p95 {:.0f} ms".format(
                *browser["all_outputs_ms"]
            )
        )
        print(
            "memory per kernel: RSS {:.0f} MB, USS {:.0f} MB".format(
                browser["kernel_rss_mb"], browser["kernel_uss_mb"]
            )
        )
    if not args.no_room:
        rooms(args.participants, args.room_moves)
    print("load average at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


def room_sizes(text: str) -> list[int]:
    """``--participants``: one room size or several, comma-separated, smallest first."""
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1 or sizes != sorted(sizes):
        raise argparse.ArgumentTypeError(
            f"--participants {text!r}: give whole numbers from 1, smallest first (25,40,60)"
        )
    return sizes


def rooms(sizes: list[int], moves: int) -> None:
    """Run a room of every size in turn; say up to which size the room meets its goals."""
    met = 0
    for size in sizes:
        room = room_figures(size, moves, size + 5, 2)
        print(
            f"room of {room['participants']} on loopback: {room['interactive']} interactive, "
            f"{room['room_full']} turned away, {len(room['errors'])} errors, "
            f"{room['kernels']} kernels, {room['total_pss_mb']:.0f} MB in total "
            f"({room['total_pss_mb'] / size:.0f} MB a participant; their RSS adds up to "
            f"{room['total_mb']:.0f} MB, counting shared memory in each), {room['seconds']:.0f} s, "
            "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
        )
        if room["interactive_s"]:
            print(
                "  page interactive: median {:.1f} s, slowest {:.1f} s".format(
                    *room["interactive_s"]
                )
            )
        if room["latency_ms"]:
            print(
                "  slider latency ({} moves, message to kernel idle): median {:.0f} ms, "
                "p95 {:.0f} ms".format(room["moves"], *room["latency_ms"])
            )
        for error in sorted(set(room["errors"])):
            print("  error:", error)
        if meets_goals(room) and met == size_before(sizes, size):
            met = size
    free_mb = psutil.virtual_memory().available / 2**20
    print(
        f"room goals (every page interactive, median move < {ROOM_GOALS_MS[0]} ms, "
        f"p95 < {ROOM_GOALS_MS[1]} ms) met up to {met} participants of those tried; "
        f"beyond that, the kernel-free pages ({free_mb:.0f} MB of memory free now)"
    )


def size_before(sizes: list[int], size: int) -> int:
    """The room size tried before ``size`` (0 for the first)."""
    index = sizes.index(size)
    return sizes[index - 1] if index else 0


def meets_goals(room: dict) -> bool:
    """Every page interactive, no error, and moves within the room's goals."""
    if room["interactive"] != room["participants"] or room["errors"] or not room["latency_ms"]:
        return False
    median, p95 = room["latency_ms"]
    return median < ROOM_GOALS_MS[0] and p95 < ROOM_GOALS_MS[1]


if __name__ == "__main__":
    main()
