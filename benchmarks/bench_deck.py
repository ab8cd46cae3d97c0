"""Deck figures the README quotes, measured on 127.0.0.1 only, in Debian's Chromium.

1. Next scene shown after a key press: from the keydown (Right) to the frame after the next
   slide became the current one, over every scene of story A, N times round; month steps
   on the months scene (Right shows the next month) are timed on their own.
2. A slider move to the redrawn chart on a deck scene: from the keydown on a slider's handle
   to the first change of that scene's chart (Vega updates the SVG in place), over N moves,
   for the target on the contract scene and the volatility on the chance scene (10,000
   simulated contracts).

3. ``kit present`` (a pool of 1: the decks are preheated first) to the first scene of story
   A's deck interactive in a browser new to the kit: every slide drawn, keys answered.

Usage: ``python benchmarks/bench_deck.py [--rounds 3] [--moves 30] [--starts 3] [--only-start]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from kit.chromium import HEADLESS_FLAGS, chromium_path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers import percentile, start_presenter, stop, wait_for_server  # noqa: E402

DECK = "en/01_no_cure_no_pay.deck.ipynb"

# keydown -> the frame after the current slide changed (or, for a month, the step changed)
ARM_KEY_JS = """() => {
  const probe = {before: [window.kitDeck.index, window.kitDeck.step], down: null, shown: null};
  window.kitKey = probe;
  window.addEventListener('keydown', () => { probe.down = performance.now(); },
                            {capture: true, once: true});
  function check() {
    const now = [window.kitDeck.index, window.kitDeck.step];
    if (probe.down !== null && (now[0] !== probe.before[0] || now[1] !== probe.before[1])) {
      requestAnimationFrame(() => { probe.shown = performance.now(); });
    } else {
      requestAnimationFrame(check);
    }
  }
  requestAnimationFrame(check);
}"""

ARM_MOVE_JS = """() => {
  const chart = document.querySelector('.kit-current .kit-slide-charts');
  const probe = {down: null, first: null};
  window.kitProbe = probe;
  window.addEventListener('keydown', () => { probe.down = performance.now(); },
                            {capture: true, once: true});
  probe.observer = new MutationObserver(() => {
    if (probe.first === null && probe.down !== null) probe.first = performance.now();
  });
  probe.observer.observe(chart, {subtree: true, childList: true, attributes: true,
                                 characterData: true});
}"""


def open_deck(browser, base: str):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.set_default_timeout(180_000)
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(
                ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")
            )
            else route.abort()
        ),
    )
    page.goto(f"{base}/voila/render/{DECK}")
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.kit-deck-slide')).every(
            s => s.querySelector('.kit-slide')) && Array.from(document.querySelectorAll(
            '.kit-slide-charts')).every(b => b.dataset.version !== undefined)"""
    )
    return page


def key_times(page, rounds: int) -> tuple[list[float], list[float]]:
    """Milliseconds from Right to the next scene (and to the next month) being shown."""
    scenes, months = [], []
    count = page.evaluate("document.querySelectorAll('.kit-deck-slide').length")
    for _ in range(rounds):
        page.keyboard.press("Home")
        page.wait_for_timeout(200)
        while page.evaluate("window.kitDeck.index") < count - 1:
            before_index = page.evaluate("window.kitDeck.index")
            page.evaluate(ARM_KEY_JS)
            page.keyboard.press("ArrowRight")
            page.wait_for_function("window.kitKey.shown !== null", timeout=30_000)
            elapsed = page.evaluate("window.kitKey.shown - window.kitKey.down")
            (scenes if page.evaluate("window.kitDeck.index") != before_index else months).append(
                elapsed
            )
            page.wait_for_timeout(150)
    return scenes, months


def move_times(page, scene: str, control: str, moves: int) -> list[float]:
    """Milliseconds from a key on ``control``'s handle to the first change of the chart."""
    index = page.evaluate(
        f"Array.from(document.querySelectorAll('.kit-deck-slide')).findIndex("
        f"s => s.dataset.scene === '{scene}')"
    )
    page.evaluate(f"window.kitDeck.show({index}, null)")
    handle = page.locator(f".kit-current .kit-control-{control} .noUi-handle")
    handle.focus()
    times = []
    for move in range(moves):
        page.evaluate(ARM_MOVE_JS)
        handle.press("ArrowRight" if move % 2 == 0 else "ArrowLeft")
        page.wait_for_function("window.kitProbe.first !== null", timeout=30_000)
        times.append(page.evaluate("window.kitProbe.first - window.kitProbe.down"))
        page.evaluate("window.kitProbe.observer.disconnect()")
        page.wait_for_timeout(300)  # the move's last message lands before the next one
    return times


def summary(name: str, values: list[float]) -> str:
    return (
        f"{name}: median {statistics.median(values):.0f} ms, p95 {percentile(values, 0.95):.0f} "
        f"ms, max {max(values):.0f} ms ({len(values)} samples)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="times through the deck")
    parser.add_argument("--moves", type=int, default=30, help="slider moves per scene")
    parser.add_argument("--starts", type=int, default=3, help="kit present starts timed")
    parser.add_argument(
        "--only-start", action="store_true", help="time the starts only, not keys and sliders"
    )
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    starts = []
    for _ in range(args.starts):
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(chromium_path() or "/usr/bin/chromium"),
                args=list(HEADLESS_FLAGS),
            )
            started = time.perf_counter()
            process, base = start_presenter("--pool", "1")
            try:
                wait_for_server(base, 60)
                page = chromium.new_page(viewport={"width": 1280, "height": 720})
                page.set_default_timeout(180_000)
                page.goto(f"{base}/voila/render/{DECK}")
                # the first scene drawn and the keys answered (later slides may still draw)
                page.wait_for_function(
                    "window.kitDeck && document.querySelector('.kit-current .kit-slide')"
                    " && document.querySelector('.kit-current').offsetParent !== null"
                )
                page.keyboard.press("ArrowRight")
                page.wait_for_function("window.kitDeck.index === 1")
                starts.append(time.perf_counter() - started)
            finally:
                chromium.close()
                stop(process)
    if starts:
        times = ", ".join(f"{s:.1f}" for s in starts)
        print(
            f"kit present to the deck's first scene interactive: median "
            f"{statistics.median(starts):.1f} s ({times} s)"
        )

    if args.only_start:
        return 0
    process, base = start_presenter("--pool", "0")
    try:
        wait_for_server(base, 60)
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(chromium_path() or "/usr/bin/chromium"),
                args=list(HEADLESS_FLAGS),
            )
            started = time.perf_counter()
            page = open_deck(chromium, base)
            ready = time.perf_counter() - started
            print(f"deck interactive (its kernel started on demand): {ready:.1f} s")
            scenes, months = key_times(page, args.rounds)
            print(summary("next scene shown after Right", scenes))
            print(summary("next month shown after Right (months scene)", months))
            for scene, control in (("contract", "target"), ("chance", "volatility")):
                times = move_times(page, scene, control, args.moves)
                print(summary(f"slider move to redrawn chart ({scene}: {control})", times))
            chromium.close()
    finally:
        stop(process)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
