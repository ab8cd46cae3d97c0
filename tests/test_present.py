"""`kit present`: arguments, notebook copies, pages, the room's cap, a real server on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import bench_present
import nbformat
import pytest
from bench_present import free_port, start_presenter, stop

from kit import live, present
from kit.cache import SERVED_JS
from kit.commands import present as present_command
from kit.present import Options, PresentError, Room, Story
from kit.text import t

ROOT = Path(__file__).resolve().parent.parent
STORIES = present.stories_in(present.NOTEBOOKS)


# -- helpers shared with test_browser.py --------------------------------------------------------


def fetch(url: str, timeout: float = 120) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


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


# -- the command line ---------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kit.present", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--port", "70000"], "is not allowed"),
        (["--port", "eighty"], "not a whole number"),
        (["--lang", "fr"], "invalid choice"),
        (["--ip", "localhost:80"], "not an IP address"),
        (["--max-participants", "0"], "is not allowed"),
        (["--idle-minutes", "0"], "is not allowed"),
        (["--pool", "-1"], "is not allowed"),
        (["--cell-timeout", "0"], "is not allowed"),
        (["--notebooks", "/no/such/dir"], "not a directory"),
        (["--lab", "--room", "--ip", "127.0.0.1"], "--lab cannot be combined with --room"),
    ],
)
def test_user_mistakes_exit_2_with_one_clear_line(args, expected):
    result = run_cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(error_lines) == 1 and expected in error_lines[0], result.stderr


def test_a_port_in_use_is_a_user_mistake():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("--port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr


def test_notebooks_without_stories_are_refused(tmp_path):
    result = run_cli("--notebooks", str(tmp_path))
    assert result.returncode == 2 and "no story notebook" in result.stderr


def test_jupyterlab_is_never_served_without_token_beyond_loopback(tmp_path):
    with pytest.raises(PresentError, match="refusing to serve JupyterLab"):
        present.lab_command("192.168.1.20", 8888, tmp_path, token="")
    command = present.lab_command("192.168.1.20", 8888, tmp_path, token="s3cret")
    assert "--IdentityProvider.token=s3cret" in command
    assert "--ServerApp.ip=192.168.1.20" in command
    assert "--IdentityProvider.token=" in present.lab_command("127.0.0.1", 8888, tmp_path, "")


def test_room_mode_defaults_to_this_machines_address(monkeypatch):
    monkeypatch.setattr(present, "room_address", lambda: "10.1.2.3")
    parser = _parser()
    options = present_command.options_from(parser.parse_args(["--room"]))
    assert options.ip == "10.1.2.3" and options.room and options.pool == 2
    options = present_command.options_from(parser.parse_args([]))
    assert options.ip == "127.0.0.1" and not options.room and options.pool == 1


def test_room_address_is_not_loopback():
    try:
        address = present.room_address()
    except PresentError as error:  # a machine without any network: the message says what to do
        assert "--ip" in str(error)
    else:
        assert not present.is_loopback(address)


def _parser():
    import argparse

    parser = argparse.ArgumentParser()
    present_command.add_arguments(parser)
    return parser


# -- notebooks, pages, configuration ------------------------------------------------------------


def test_every_story_is_copied_per_language_with_its_language_set(tmp_path):
    present.prepare_notebooks(STORIES, present.NOTEBOOKS, tmp_path)
    for story in STORIES:
        for language in ("en", "nl"):
            notebook = nbformat.read(tmp_path / story.page(language), as_version=4)
            tags = [c.metadata.get("tags", []) for c in notebook.cells]
            parameters = next(i for i, tag in enumerate(tags) if "parameters" in tag)
            injected = notebook.cells[parameters + 1]
            assert "injected-parameters" in injected.metadata["tags"]
            assert injected.source == f"language = {language!r}"
            assert t("present.back", language) in notebook.cells[0].source
            assert notebook.metadata["title"] == story.title(language)
            assert all(c.get("outputs", []) == [] for c in notebook.cells)


def test_the_index_links_every_story_in_its_language():
    for language in ("en", "nl"):
        page = present.index_html(STORIES, language)
        assert t("present.page_title", language) in page
        for story in STORIES:
            assert f'href="/voila/render/{language}/{story.file}"' in page
        assert "http://" not in page and "https://" not in page and "src=" not in page


def test_room_full_page_is_friendly_and_local():
    page = present.room_full_html(25, "nl")
    assert "De zaal is vol" in page and "25" in page
    assert "https://" not in page


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
    assert config.Voila.ip == "127.0.0.1"


def test_the_template_asks_no_cdn_for_anything():
    template = present.STATIC / "voila" / "templates" / "kit"
    assert json.loads((template / "conf.json").read_text())["base_template"] == "lab"
    for path in template.iterdir():
        text = path.read_text()
        assert "https://" not in text and "http://" not in text, path.name


def test_qr_code_is_drawn_with_block_characters():
    code = present.qr_code("http://192.168.1.20:8866/?lang=nl")
    lines = code.splitlines()
    assert len(lines) > 10 and len({len(line) for line in lines}) == 1
    assert set(code) <= {" ", "\xa0", "█", "▀", "▄", "\n"}


class _Task:
    def __init__(self, kernel_id=None):
        self.kernel_id = kernel_id

    def done(self):
        return self.kernel_id is not None

    def cancelled(self):
        return False

    def exception(self):
        return None

    def result(self):
        return {"kernel_id": self.kernel_id}


class _Kernels:
    def __init__(self, running, pools):
        self.running, self._pools = running, pools

    def list_kernel_ids(self):
        return list(self.running)


def test_preheated_kernels_are_not_participants():
    kernels = _Kernels(["a", "b", "c", "pooled"], {"en/x.ipynb": [_Task("pooled"), _Task()]})
    room = Room(capacity=3, language="en")
    assert room.participants(kernels) == 2  # 'c' may be the kernel the pending pool task starts
    assert room.has_place(kernels)
    room.opening = 1
    assert not room.has_place(kernels)


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


def test_story_titles_exist_in_both_languages():
    for story in [Story(f, topic) for f, topic in present.STORIES]:
        assert story.title("en") != story.title("nl")


# -- a real server on loopback ------------------------------------------------------------------


def test_server_serves_index_stories_and_a_full_room():
    with presenter("--room", "--max-participants", "1", "--pool", "0", "--lang", "nl") as (
        base,
        _,
        printed,
    ):
        status, index = fetch(base + "/")
        assert status == 200 and "Twee verhalen" in index.replace("twee", "Twee")
        assert fetch(base + "/?lang=en")[1].count("/voila/render/en/") == len(STORIES)
        status, missing = fetch(base + "/voila/render/nl/nothing.ipynb")
        assert status == 404 and t("present.not_found", "nl") in missing
        status, page = fetch(base + f"/voila/render/nl/{STORIES[0].file}")
        assert status == 200 and "kit-back" in page
        assert "cdn.jsdelivr.net" not in page and "cdnjs" not in page
        assert "Traceback" not in page and "There was an error" not in page
        status, full = fetch(base + f"/voila/render/en/{STORIES[0].file}")
        assert status == 503 and "The room is full" in full
        status, bundle = fetch(f"{base}/kit/js/{live.board_name()}")
        assert status == 200 and bundle == live.board_esm()  # the live board, by address
        assert fetch(f"{base}/kit/js/other.js")[0] == 404
        output = printed()
        assert f"{base}/?lang=nl" in output and "Zaalmodus" in output
        assert "█" in output  # the QR code


def test_a_small_room_is_served_on_loopback():
    """Three simulated participants at once: every page interactive, every move answered.

    The 25-participant room is in benchmarks/bench_present.py (too slow for every CI run).
    """
    room = bench_present.room_figures(participants=3, moves=2, max_participants=5, pool=1)
    assert room["interactive"] == 3 and room["errors"] == [] and room["room_full"] == 0
    assert room["moves"] == 6


def test_a_spare_kernel_is_adopted_with_the_kit_loaded_and_the_widget_protocol(tmp_path):
    """The provisioner hands out a spare that answers like any kernel Voilà would start."""
    from jupyter_client.manager import KernelManager
    from jupyter_client.provisioning import KernelProvisionerFactory

    from kit import prestart

    factory = KernelProvisionerFactory.instance()
    default = factory.default_provisioner_name
    prestart.start_spares(1, tmp_path)
    spare_pid = prestart._spares[0].process.pid
    factory.default_provisioner_name = prestart.PROVISIONER
    manager = KernelManager(kernel_name="python3")
    try:
        manager.start_kernel()
        assert manager.provisioner.pid == spare_pid and not prestart._spares
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        code = (
            "import sys, comm; "
            "print('kit.widgets' in sys.modules, "
            "'jupyter.widget.control' in comm.get_comm_manager().targets)"
        )
        client.execute(code)
        printed = ""
        while "True" not in printed and "False" not in printed:
            message = client.get_iopub_msg(timeout=30)
            printed += message["content"].get("text", "")
        assert printed.split() == ["True", "True"]
        client.stop_channels()
    finally:
        factory.default_provisioner_name = default
        manager.shutdown_kernel(now=True)
        prestart.stop_spares()
