"""Presenter-mode figures the README quotes, measured on 127.0.0.1 only.

1. ``kit present`` start to an interactive page (Chromium, slider handle on screen).
2. Slider move to redrawn chart in the browser (Voilà), over N keyboard moves: time from the
   keydown to the first redrawn chart and to the last redrawn output of that move; next to it,
   the kernel-side time of the same move (model + charts + SVG drawing) measured in-process.
3. Memory per participant kernel (RSS and USS).
4. A room on loopback: P simulated participants at once, each loading the page over HTTP,
   connecting to its kernel's websocket and moving a slider with the widget messages a
   browser sends; time to an interactive page, slider latency (message sent to kernel idle),
   errors, and the total memory of the server and its kernels. The run is bounded.

Usage: ``python benchmarks/bench_present.py [--moves 30] [--participants 25] [--no-browser]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil

from kit.chromium import HEADLESS_FLAGS, chromium_path

ROOT = Path(__file__).resolve().parent.parent
STORY = "01_no_cure_no_pay.ipynb"
SLIDER = "kit-slider-target"
CHROMIUM_ARGS = list(HEADLESS_FLAGS)
REFILL_WAIT_S = 8  # kit.present.REFILL_DELAY (3 s) + a kernel running the notebook


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


LOG = Path(os.environ.get("KIT_BENCH_LOG", os.devnull))


def start_presenter(
    *args: str, port: int | None = None, log: Path | None = None
) -> tuple[subprocess.Popen, str]:
    """Start ``python -m kit.present`` on 127.0.0.1 in its own process group: (process, URL).

    On a free port unless ``port`` is given; output appended to ``log`` (default :data:`LOG`).
    """
    port = port or free_port()
    with (log or LOG).open("a") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kit.present", "--ip", "127.0.0.1", "--port", str(port), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
        )
    return process, f"http://127.0.0.1:{port}"


def stop(process: subprocess.Popen, grace: float = 20) -> None:
    """Stop a process group: SIGTERM, then SIGKILL after ``grace`` seconds."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def kernels_of(process: subprocess.Popen) -> list[psutil.Process]:
    server = psutil.Process(process.pid)
    return [child for child in server.children(recursive=True) if _is_kernel(child)]


def _is_kernel(child: psutil.Process) -> bool:
    try:
        command = " ".join(child.cmdline())
    except psutil.Error:  # gone, or a zombie: a kernel that died is no kernel to count
        return False
    return "ipykernel" in command or "kit.prestart" in command


def memory_mb(processes: list[psutil.Process], kind: str = "rss") -> list[float]:
    sizes = []
    for proc in processes:
        with contextlib.suppress(psutil.Error):
            info = proc.memory_full_info() if kind == "uss" else proc.memory_info()
            sizes.append(getattr(info, kind) / 2**20)
    return sizes


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


def wait_for_server(base: str, seconds: float) -> None:
    """Poll the index page every 50 ms until the presenter answers."""
    import urllib.request

    deadline = time.perf_counter() + seconds
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=2).read()
            return
        except OSError:
            if time.perf_counter() > deadline:
                raise
            time.sleep(0.05)


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
    from kit import widgets
    from kit.display import draw_svg
    from kit.params import NOCURE

    values = NOCURE.validate()
    box = widgets.nocure_panel(values)
    tabs = next(child for child in box.children if child.__class__.__name__ == "Tab")
    target = tabs.children[0].children[0]
    totals = []
    for _ in range(moves):
        started = time.perf_counter()
        target.value += 1
        totals.append((time.perf_counter() - started) * 1000)
    moved = {**values, "target": values["target"] + 1}
    svg_ms = []
    for slot in widgets.nocure_slots():
        item = slot.build(moved)
        if item.get("kind") == "chart":
            # draw_svg, not chart_svg, whose disk cache would answer
            draw_svg(item["spec"])  # the first drawing also warms vl-convert up
            started = time.perf_counter()
            draw_svg(item["spec"])
            svg_ms.append((time.perf_counter() - started) * 1000)
    return {
        "kernel_move_ms": (statistics.median(totals), percentile(totals, 0.95)),
        "svg_ms_per_move": sum(svg_ms),
        "charts_per_move": len(svg_ms),
    }


# -- 4: the room --------------------------------------------------------------------------------


def _message(msg_type: str, content: dict, session: str, metadata: dict | None = None) -> dict:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "username": "participant",
            "session": session,
            "msg_type": msg_type,
            "version": "5.3",
            "date": "",
        },
        "parent_header": {},
        "metadata": metadata or {},
        "content": content,
        "channel": "shell",
        "buffers": [],
    }


class Participant:
    """One laptop in the room, speaking the Jupyter widget protocol as Voilà's page does."""

    def __init__(self, base: str, index: int, moves: int) -> None:
        self.base, self.index, self.moves = base, index, moves
        self.session = uuid.uuid4().hex
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.interactive_s: float | None = None
        self.full = False

    async def run(self, started: float) -> None:
        from tornado.httpclient import AsyncHTTPClient, HTTPClientError
        from tornado.websocket import websocket_connect

        url = f"{self.base}/voila/render/en/{STORY}"
        try:
            response = await AsyncHTTPClient().fetch(url, request_timeout=180, connect_timeout=60)
        except HTTPClientError as error:
            if error.code == 503:
                self.full = True
            self.errors.append(f"page: HTTP {error.code}")
            return
        page = response.body.decode()
        if "Traceback" in page or "There was an error" in page:
            self.errors.append("page shows an error")
        found = re.search(r'"kernelId":\s*"([0-9a-f-]+)"', page)
        if not found:
            self.errors.append("no kernel id in the page")
            return
        kernel = found.group(1)
        ws_url = self.base.replace("http", "ws") + (
            f"/api/kernels/{kernel}/channels?session_id={self.session}"
        )
        socket_ = await websocket_connect(ws_url)
        try:
            control = uuid.uuid4().hex
            await self._send(
                socket_,
                "comm_open",
                {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
                version="1.0.0",
            )
            await self._send(
                socket_, "comm_msg", {"comm_id": control, "data": {"method": "request_states"}}
            )
            states = await self._until(socket_, lambda m: _update_states(m, control), 120)
            slider = next(
                (k for k, s in states.items() if SLIDER in s["state"].get("_dom_classes", [])),
                None,
            )
            if slider is None:
                self.errors.append("no slider in the widget state")
                return
            value = states[slider]["state"]["value"]
            self.interactive_s = time.perf_counter() - started
            for _ in range(self.moves):
                await asyncio.sleep(random.uniform(0.5, 1.5))
                value += 1
                sent = await self._send(
                    socket_,
                    "comm_msg",
                    {
                        "comm_id": slider,
                        "data": {"method": "update", "state": {"value": value}, "buffer_paths": []},
                    },
                )
                began = time.perf_counter()
                await self._until(socket_, lambda m, sent=sent: _idle_after(m, sent), 120)
                self.latencies.append((time.perf_counter() - began) * 1000)
        except TimeoutError:
            self.errors.append("timed out")
        finally:
            socket_.close()

    async def _send(self, socket_, msg_type: str, content: dict, **metadata) -> str:
        message = _message(msg_type, content, self.session, metadata)
        await socket_.write_message(json.dumps(message))
        return message["header"]["msg_id"]

    async def _until(self, socket_, match, timeout: float):
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError
            raw = await asyncio.wait_for(socket_.read_message(), left)
            if raw is None:
                raise TimeoutError
            if isinstance(raw, bytes):
                continue
            message = json.loads(raw)
            if message.get("msg_type") == "error" or message["header"]["msg_type"] == "error":
                self.errors.append("kernel error: " + message["content"].get("ename", "?"))
            found = match(message)
            if found is not None:
                return found


def _update_states(message: dict, control: str):
    content = message.get("content", {})
    data = content.get("data", {})
    if content.get("comm_id") == control and data.get("method") == "update_states":
        return data["states"]
    return None


def _idle_after(message: dict, sent: str):
    if (
        message["header"]["msg_type"] == "status"
        and message["content"].get("execution_state") == "idle"
        and message.get("parent_header", {}).get("msg_id") == sent
    ):
        return True
    return None


def room_figures(participants: int, moves: int, max_participants: int, pool: int) -> dict:
    """Run a room of ``participants`` on loopback; return its figures (bounded run)."""
    process, base = start_presenter(
        "--room", "--max-participants", str(max_participants), "--pool", str(pool)
    )
    try:
        wait_for_server(base, 60)
        time.sleep(1)
        people = [Participant(base, i, moves) for i in range(participants)]

        async def everyone() -> None:
            from tornado.httpclient import AsyncHTTPClient

            # tornado's client queues all but 10 requests by default: let the room in at once
            AsyncHTTPClient.configure(None, max_clients=participants + 5)
            started = time.perf_counter()
            await asyncio.wait_for(
                asyncio.gather(*(p.run(started) for p in people), return_exceptions=True), 600
            )

        began = time.perf_counter()
        try:
            asyncio.run(everyone())
        except TimeoutError:
            pass
        seconds = time.perf_counter() - began
        server = psutil.Process(process.pid)
        total = sum(memory_mb([server, *server.children(recursive=True)]))
        latencies = [ms for p in people for ms in p.latencies]
        interactive = [p.interactive_s for p in people if p.interactive_s is not None]
        return {
            "participants": participants,
            "interactive": len(interactive),
            "room_full": sum(p.full for p in people),
            "errors": [e for p in people for e in p.errors],
            "interactive_s": (statistics.median(interactive), max(interactive))
            if interactive
            else None,
            "latency_ms": (statistics.median(latencies), percentile(latencies, 0.95))
            if latencies
            else None,
            "moves": len(latencies),
            "kernels": len(kernels_of(process)),
            "total_mb": total,
            "seconds": seconds,
        }
    finally:
        stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=30)
    parser.add_argument("--participants", type=int, default=25)
    parser.add_argument("--room-moves", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
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
    room = room_figures(args.participants, args.room_moves, args.participants + 5, 2)
    print(
        f"room of {room['participants']} on loopback: {room['interactive']} interactive, "
        f"{room['room_full']} turned away, {len(room['errors'])} errors, "
        f"{room['kernels']} kernels, {room['total_mb']:.0f} MB in total, {room['seconds']:.0f} s"
    )
    if room["interactive_s"]:
        print(
            "  page interactive: median {:.1f} s, slowest {:.1f} s".format(*room["interactive_s"])
        )
    if room["latency_ms"]:
        print(
            "  slider latency ({} moves, message to kernel idle): median {:.0f} ms, "
            "p95 {:.0f} ms".format(room["moves"], *room["latency_ms"])
        )
    for error in sorted(set(room["errors"])):
        print("  error:", error)
    print("load average at the end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
