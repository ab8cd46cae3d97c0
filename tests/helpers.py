"""Shared harness for the tests (the tests import nothing from benchmarks/)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psutil

from kit.chromium import PRINTER
from kit.present.spares import KERNEL_NAME, PROVISIONER
from kit.workshop import DEFAULT_WORKSHOP

COUNTING_CHROMIUM = """#!/bin/sh
# The real Chromium, each browser start (not --version) counted in a file first.
case "$*" in *--version*) ;; *) echo started >> "$KIT_BROWSER_STARTS";; esac
exec {chromium} "$@"
"""
"""A stand-in for the printing Chromium on PATH (``.format(chromium=...)``): counts the
browser's starts in the file ``$KIT_BROWSER_STARTS``."""


def stand_in_printer(bin_folder: Path, script: str) -> None:
    """Put ``script`` in ``bin_folder`` as every program the handouts may print with.

    Both ``chromium-headless-shell`` (preferred when installed) and ``chromium``, so
    that the stand-in is what a run finds first, whichever of the two this machine has.
    """
    for program in (PRINTER, "chromium"):
        (bin_folder / program).write_text(script)
        (bin_folder / program).chmod(0o755)


SLIDERS_BESIDE_NAMES = """() => Array.from(document.querySelectorAll('.vega-bind'))
    .filter((bind) => bind.querySelector('input[type=range]'))
    .filter((bind) => bind.querySelector('input[type=range]').getBoundingClientRect().top
        < bind.querySelector('.vega-bind-name').getBoundingClientRect().bottom - 1)
    .map((bind) => bind.querySelector('.vega-bind-name').textContent)"""
"""The kernel-free sliders not under their names (a phone put one beside its name's second
line, the others under theirs): their names, in a page's script."""


def roster_workshop(folder: Path, roster: str) -> Path:
    """The default workshop, story A only, in English, with ``roster`` (CSV text) beside it."""
    (folder / "roster.csv").write_text(roster, encoding="utf-8")
    text = DEFAULT_WORKSHOP.read_text(encoding="utf-8")
    text = text.replace("languages: [nl, en]", "languages: [en]")
    text = text.replace("# roster: roster_example.csv", "roster: roster.csv")
    text = re.sub(r"\n  referrals:\n(    .*\n)*", "\n", text)
    path = folder / "workshop.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def previous_handouts(out: Path) -> None:
    """Last week's handouts folder in ``out``: one page and the kit's manifest listing it."""
    page = out / "en" / "01_no_cure_no_pay.html"
    page.parent.mkdir(parents=True)
    page.write_text("<p>last week's handout</p>", encoding="utf-8")
    data = page.read_bytes()
    manifest = {
        "generator": "workshop-kit",
        "files": {
            "en/01_no_cure_no_pay.html": {
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


# -- kit present: a real server on loopback -----------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
STORY = "01_no_cure_no_pay.ipynb"
SLIDER = "kit-slider-target"
PRESENTER_LOG = Path(os.environ.get("KIT_BENCH_LOG", os.devnull))


EPHEMERAL_PORTS = Path("/proc/sys/net/ipv4/ip_local_port_range")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now, below the ephemeral range.

    The system hands out ports of that range to any process that binds port 0, as every
    kernel now does: one took a presenter's port between this pick and the presenter's
    start (the test's request got the kernel's ZMQ greeting). Below the range, a port is
    only ever taken by name.
    """
    try:
        lowest = int(EPHEMERAL_PORTS.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        lowest = 32768  # Linux's default
    for port in random.SystemRandom().sample(range(lowest // 2, lowest), 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port on 127.0.0.1 from {lowest // 2} to {lowest - 1}")


def stop(process: subprocess.Popen, grace: float = 20, sig: int = signal.SIGTERM) -> None:
    """Stop a process group: ``sig`` (SIGTERM), then SIGKILL after ``grace`` seconds."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def start_presenter(
    *args: str, port: int | None = None, log: Path | None = None
) -> tuple[subprocess.Popen, str]:
    """Start ``kit present`` on 127.0.0.1 in its own process group: (process, URL).

    As the trainer starts it (``python -m kit present``): the stop signals are the kit's
    from its first light import on, before Voila and the stories load.

    On a free port unless ``port`` is given; output appended to ``log`` (default
    ``$KIT_BENCH_LOG`` or nowhere).
    """
    port = port or free_port()
    if "--room" in args and "--record" not in args and "--kernel-free" not in args:
        # a room records its votes; here in a temporary folder, not room/ in the checkout
        args = (*args, "--record", tempfile.mkdtemp(prefix="kit-room-"))
    with (log or PRESENTER_LOG).open("a") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kit", "present", "--ip", "127.0.0.1", "--port", str(port)]
            + list(args),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
        )
    return process, f"http://127.0.0.1:{port}"


def wait_for_server(base: str, seconds: float) -> None:
    """Poll the index page every 50 ms until the presenter answers."""
    deadline = time.perf_counter() + seconds
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=2).read()
            return
        except OSError:
            if time.perf_counter() > deadline:
                raise
            time.sleep(0.05)


def fetch(url: str, timeout: float = 120) -> tuple[int, str]:
    """GET ``url``: (status, body), for error statuses too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@contextlib.contextmanager
def kit_provisioner():
    """Within the block, jupyter_client launches kernels with the kit's provisioner."""
    from jupyter_client.provisioning import KernelProvisionerFactory

    factory = KernelProvisionerFactory.instance()
    default = factory.default_provisioner_name
    factory.default_provisioner_name = PROVISIONER
    try:
        yield
    finally:
        factory.default_provisioner_name = default


def kernel_answers(client, code: str) -> list[str]:
    """What ``code`` prints in a kernel (its first line), word by word."""
    client.execute(code)
    printed = ""
    while not printed.endswith("\n"):
        message = client.get_iopub_msg(timeout=30)
        printed += message["content"].get("text", "")
    return printed.split()


def until_kernel_free_ready(printed, timeout: float = 120) -> None:
    """Wait until a room's presenter says its kernel-free pages are built (``printed()``)."""
    from kit.text import t

    ready = t("present.terminal.kernel_free_ready", "en", seconds="", limit=1)
    deadline = time.monotonic() + timeout
    while ready.split(" in ")[0] not in printed():
        assert time.monotonic() < deadline, printed()
        time.sleep(0.2)


@contextlib.contextmanager
def presenter(*args: str, startup: float = 60):
    """Run ``python -m kit.present`` on a free loopback port; stop it whatever happens.

    Yields (base URL, the process, a function returning what it printed so far).
    """
    port = free_port()
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"kit-present-{port}.log"
    log.write_text("")
    process, base = start_presenter(*args, port=port, log=log)
    try:
        deadline = time.monotonic() + startup
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"kit present exited early:\n{log.read_text()}")
            try:
                fetch(base + "/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"kit present did not start:\n{log.read_text()}") from None
                time.sleep(0.2)
        yield base, process, log.read_text
    finally:
        stop(process, grace=15)
        log.unlink(missing_ok=True)


def room_request(
    base: str,
    method: str,
    path: str,
    body: bytes | dict | None = None,
    cookie: str | None = None,
    headers: dict | None = None,
    source: str | None = None,
    connection: http.client.HTTPConnection | None = None,
) -> tuple[int, object, http.client.HTTPResponse]:
    """One request to the presenter's room API: (status, the JSON answer or None, response).

    ``body`` as a dict is sent as JSON; ``source`` is the client's own address (another
    loopback address stands in for a participant's machine); ``connection`` is reused.
    """
    host, port = base.removeprefix("http://").split(":")
    own = connection is None
    if own:
        address = (source, 0) if source else None
        connection = http.client.HTTPConnection(host, int(port), timeout=30, source_address=address)
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    sent = dict(headers or {})
    if cookie is not None:
        sent["Cookie"] = f"kit-participant={cookie}"
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        text = response.read()
    finally:
        if own:
            connection.close()
    return response.status, json.loads(text) if text else None, response


def join_room(base: str) -> str:
    """A new participant's cookie value, from ``GET /kit/room/join``."""
    _, _, response = room_request(base, "GET", "/kit/room/join")
    return re.search(r"kit-participant=([^;]+)", response.getheader("Set-Cookie")).group(1)


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def kernels_of(process: subprocess.Popen) -> list[psutil.Process]:
    """The kernel processes (Voilà's and the spares) under a presenter process."""
    server = psutil.Process(process.pid)
    return [child for child in server.children(recursive=True) if _is_kernel(child)]


def _is_kernel(child: psutil.Process) -> bool:
    try:
        command = " ".join(child.cmdline())
        name = child.name()
    except psutil.Error:  # gone, or a zombie: a kernel that died is no kernel to count
        return False
    forked = name == KERNEL_NAME.decode()  # a room's kernel forked by the zygote
    return forked or "ipykernel" in command or "kit.present.spare_kernel" in command


def memory_mb(processes: list[psutil.Process], kind: str = "rss") -> list[float]:
    """Each process's memory in MiB, processes that are gone left out.

    ``rss`` counts memory shared with other processes in each of them; ``pss`` shares it
    out among them (their sum is what they take together); ``uss`` is each one's own.
    """
    sizes = []
    for proc in processes:
        with contextlib.suppress(psutil.Error):
            info = proc.memory_full_info() if kind in ("uss", "pss") else proc.memory_info()
            sizes.append(getattr(info, kind) / 2**20)
    return sizes


# -- a room of participants speaking the widget protocol --------------------------------------


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
        self.pauses = random.Random(index)  # seeded: the same room every run
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
                await asyncio.sleep(self.pauses.uniform(0.5, 1.5))
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
        everything = [server, *server.children(recursive=True)]
        total = sum(memory_mb(everything))
        shared_out = sum(memory_mb(everything, "pss"))
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
            "total_pss_mb": shared_out,
            "seconds": seconds,
        }
    finally:
        stop(process)


def find_widget(widget, css_class):
    """The first widget below ``widget`` (itself included) carrying ``css_class``, or None."""
    if css_class in getattr(widget, "_dom_classes", ()):
        return widget
    for child in getattr(widget, "children", ()):
        found = find_widget(child, css_class)
        if found is not None:
            return found
    return None
