"""The runner's promises: a warm kernel shows what a fresh one shows, one browser prints every
PDF of a run, and nothing it started outlives it."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from helpers import COUNTING_CHROMIUM, stand_in_printer

from kit import handouts
from kit.chromium import printer_path
from kit.handouts import HandoutError, runner
from kit.stories import STORIES
from kit.workshop import DEFAULT_WORKSHOP, load_workshop

pytestmark = pytest.mark.notebook

CHROMIUM = str(printer_path() or "/usr/bin/chromium")
"""What the handouts print with (the stand-ins below hand over to it)."""


def shown(notebook: nbformat.NotebookNode) -> list:
    """What each cell of an executed notebook showed: type, source, count and outputs.

    Vega numbers its clip paths on over a kernel's lifetime; that counter is left out.
    """
    cells = []
    for cell in notebook.cells:
        outputs = []
        for output in cell.get("outputs", []):
            data = {
                kind: re.sub(r"clip\d+", "clip", value) if kind == "image/svg+xml" else value
                for kind, value in output.get("data", {}).items()
            }
            kind = output["output_type"]
            outputs.append((kind, output.get("text"), data, output.get("metadata")))
        cells.append((cell.cell_type, cell.source, cell.get("execution_count"), outputs))
    return cells


def test_a_warm_kernel_shows_what_a_fresh_one_shows_and_a_failure_is_not_passed_on(tmp_path):
    """A handout run on a worker's warm kernel, after a handout that failed half-way (its
    namespace half set) and after the other story, shows every cell exactly as on a fresh
    kernel: the same cells, outputs and seeded numbers; the failed run's kernel is not reused.
    So does a run on a kernel forked from a pool worker (Python and the kit imported)."""
    folder = tmp_path / "notebooks"  # one folder: the warm kernel stays in its cwd
    folder.mkdir()
    for story in STORIES.values():
        shutil.copy(story.notebook_path, folder / story.notebook)
    broken = nbformat.read(STORIES["nocure"].notebook_path, as_version=4)
    broken.cells.insert(5, nbformat.v4.new_code_cell("raise RuntimeError('the projector broke')"))
    nbformat.write(broken, folder / "broken.ipynb")
    plan = handouts.plan_handouts(load_workshop(DEFAULT_WORKSHOP), ["en"], ["html"])
    nocure, referrals = (
        dataclasses.replace(h, notebook=str(folder / Path(h.notebook).name)) for h in plan
    )
    failing = dataclasses.replace(nocure, notebook=str(folder / "broken.ipynb"))
    try:
        fresh = runner.run_notebook(nocure, tmp_path / "fresh.ipynb")
        first_kernel = runner._KERNEL.manager.provisioner.pid
        with pytest.raises(HandoutError, match="the projector broke"):
            runner.run_notebook(failing, tmp_path / "failing.ipynb")
        assert runner._KERNEL.manager is None  # ended, not cleared for the next handout
        runner.run_notebook(referrals, tmp_path / "referrals.ipynb")
        assert runner._KERNEL.manager.provisioner.pid != first_kernel
        warm = runner.run_notebook(nocure, tmp_path / "warm.ipynb")
    finally:
        runner._KERNEL.shutdown()
    assert shown(warm) == shown(fresh)
    # and on a kernel forked from a pool worker, as `kit handouts` runs them
    stage = tmp_path / "stage"
    written = runner.run_all([referrals, nocure], stage, jobs=1)
    assert [w.handout for w in written] == [referrals, nocure]
    forked = nbformat.read(stage / f"{nocure.stem}.ipynb", as_version=4)
    assert shown(forked) == shown(fresh)
    assert [o for cell in warm.cells for o in cell.get("outputs", []) if "text" in o] == []


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium")
def test_one_browser_prints_every_pdf_and_nothing_outlives_the_run(tmp_path):
    """Two handouts on two workers: one Chromium started in all, two PDFs, and when
    `kit handouts` has exited no process it started (kernels, driver, browser) is left,
    running or waiting to be reaped."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    stand_in_printer(bin_folder, COUNTING_CHROMIUM.format(chromium=CHROMIUM))
    starts = tmp_path / "starts"
    mark = uuid.uuid4().hex
    temporary = Path(f"/tmp/kr-{mark[:8]}")  # short: kernel sockets are Unix sockets
    temporary.mkdir()
    env = {
        **os.environ,
        "PATH": f"{bin_folder}:{os.environ['PATH']}",
        "KIT_BROWSER_STARTS": str(starts),
        "KIT_RUN_MARK": mark,
        "TMPDIR": str(temporary),
    }
    out = tmp_path / "handouts"
    try:
        run = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kit",
                "handouts",
                "--out",
                str(out),
                "--lang",
                "en",
                "--jobs",
                "2",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, as in a terminal
        )
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        # not even a killed process waiting to be reaped (a zombie) is left in its group
        assert [entry.name for entry in Path("/proc").iterdir() if _in_group(entry, run.pid)] == []
        survivors = [
            entry.name
            for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and _carries(entry, f"KIT_RUN_MARK={mark}")
        ]
        assert survivors == []
        assert list(temporary.iterdir()) == []
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    pdfs = sorted(out.rglob("*.pdf"))
    assert len(pdfs) == 2 and all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    assert starts.read_text().splitlines() == ["started"]


def _in_group(entry: Path, group: int) -> bool:
    try:
        fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return fields[2] == str(group)  # after the name: state, parent, process group


def _carries(entry: Path, mark: str) -> bool:
    try:
        return mark.encode() in (entry / "environ").read_bytes().split(b"\0")
    except OSError:
        return False


class TalkingKernel:
    """A kernel client's stand-in: answers each info request as ``answers`` says."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers  # per request: "both", "shell" (IOPub not yet joined) or "none"
        self.shell: list[dict] = []
        self.iopub: list[dict] = []
        self.asked = 0

    def kernel_info(self) -> str:
        asked = f"ask-{self.asked}"
        answer = self.answers[min(self.asked, len(self.answers) - 1)]
        self.asked += 1
        if answer in ("both", "shell"):
            self.shell.append(self._message("kernel_info_reply", asked))
        if answer == "both":
            self.iopub.append(self._message("status", asked))
        return asked

    @staticmethod
    def _message(kind: str, asked: str) -> dict:
        return {"msg_type": kind, "parent_header": {"msg_id": asked}}

    async def get_shell_msg(self, timeout: float) -> dict:
        return self._next(self.shell)

    async def get_iopub_msg(self, timeout: float) -> dict:
        return self._next(self.iopub)

    @staticmethod
    def _next(messages: list[dict]) -> dict:
        import queue

        if not messages:
            raise queue.Empty
        return messages.pop(0)


async def _alive() -> bool:
    return True


async def _gone() -> bool:
    return False


def test_a_new_kernel_is_ready_once_iopub_carries_its_answer():
    """A kernel is ready when it answered an info request on the shell channel and its status
    for that request came over IOPub: a reply whose IOPub message was lost (IOPub not yet
    connected) is asked again; a kernel that stops, or never answers, fails its handout."""
    from jupyter_core.utils import run_sync

    kernel = TalkingKernel(["shell", "shell", "both"])
    run_sync(runner.until_ready)(kernel, _alive, 5)
    assert kernel.asked == 3

    with pytest.raises(HandoutError, match="stopped before it was ready"):
        run_sync(runner.until_ready)(TalkingKernel(["none"]), _gone, 5)
    with pytest.raises(HandoutError, match="did not answer within 0.2 s"):
        run_sync(runner.until_ready)(TalkingKernel(["shell"]), _alive, 0.2)


def test_a_run_scratch_starts_its_browser_at_once_and_leaves_nothing(tmp_path, monkeypatch):
    """`kit handouts` opens the run's scratch before it reads the workshop, so Chromium starts
    while the kit loads; leaving the block (a refused workshop, Ctrl-C) stops it all."""
    import psutil

    from kit.handouts.scratch import SCRATCH, run_scratch

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    with run_scratch(pdf=True, pages=2) as scratch:
        folder = Path(scratch.folder)
        assert folder.parent == tmp_path and folder.name.startswith(SCRATCH)
        printer = scratch.printer
        assert printer is not None and printer.process.is_alive()
        for _ in range(600):  # the printing process starts Playwright's driver and Chromium
            started = psutil.Process(printer.pid).children(recursive=True)
            if any("chromium" in _command(process) for process in started):
                break
            time.sleep(0.05)
        else:
            raise AssertionError("Chromium did not start within 30 s")
    assert not folder.exists()
    assert not psutil.pid_exists(printer.pid)
    assert [p for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE] == []
    with run_scratch(pdf=False, pages=2) as scratch:
        assert scratch.printer is None  # HTML only: no browser
    assert list(tmp_path.iterdir()) == []


def _command(process) -> str:
    import psutil

    try:
        return " ".join(process.cmdline())
    except psutil.Error:  # ended meanwhile
        return ""


def test_the_run_scratch_loads_without_papermill_and_every_public_name_resolves():
    """`kit handouts` starts its browser before papermill and nbconvert load (0.5 s): the
    scratch's modules must not pull them in; `kit.handouts` still offers every name it lists."""
    code = (
        "import sys, kit.handouts.scratch\n"
        "heavy = {'papermill', 'nbconvert', 'altair', 'pandas'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
        "import kit.handouts as h\n"
        "missing = [name for name in h.__all__ if getattr(h, name, None) is None]\n"
        "assert not missing, missing\n"
        "assert sorted(h.__all__) == sorted(h._HOMES) and set(h.__all__) <= set(dir(h))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


ORPHAN = """
import os, sys, time
from kit.linux import die_with_parent
parent = os.getpid()
child = os.fork()
if child == 0:
    die_with_parent(parent)
    time.sleep(60)  # a kernel busy in native code: only the kernel of the OS can stop it
    os._exit(0)
print(child, flush=True)
time.sleep(60)
"""


def test_a_forked_kernel_dies_the_moment_its_worker_is_killed():
    """A signal to the whole group kills the workers at once; their kernels (in sessions of
    their own) go with them, even one whose Python cannot run its own watch on its parent."""
    import psutil

    worker = subprocess.Popen([sys.executable, "-c", ORPHAN], stdout=subprocess.PIPE, text=True)
    try:
        kernel = psutil.Process(int(worker.stdout.readline()))
        worker.kill()
        worker.wait(10)
        _, alive = psutil.wait_procs([kernel], timeout=5)
        assert alive == [], "the kernel outlived its worker"
    finally:
        worker.kill()
        for process in psutil.process_iter(["cmdline"]):
            if process.info["cmdline"] and "die_with_parent" in " ".join(process.info["cmdline"]):
                process.kill()
