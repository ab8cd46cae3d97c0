"""`kit handouts` under faults, end to end: refuse clearly, lose nothing, leave nothing behind.

Each case runs the real command in a child process, with a timeout, a private temporary
folder (where kernel sockets and browser profiles go) and a mark in its environment that
every process it starts inherits, so that the test can tell whether any outlived it.
Cases that stop before any kernel starts also run under a memory limit.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import socket
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import previous_handouts, roster_workshop, stand_in_printer

from kit.handouts.staging import MARKER

pytestmark = pytest.mark.notebook

MEMORY = 3 * 1024**3
"""Address space for a run that must stop before any kernel or browser starts."""


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file and folder under ``folder``: content hash (or 'dir') and mode."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_dir():
            found[relative] = ("dir", stat.S_IMODE(path.stat().st_mode))
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[relative] = (digest, stat.S_IMODE(path.stat().st_mode))
    return found


class Run:
    """One `kit handouts` child process, tracked by a mark in its environment."""

    def __init__(
        self,
        tmp_path: Path,
        *argv: str,
        memory: int | None = None,
        path: str = "",
        prepare: Callable[[Path], None] | None = None,
        temporary: Path | None = None,
        cache: Path | None = None,
    ):
        self.mark = uuid.uuid4().hex
        # a short private temporary folder: kernel sockets are Unix sockets (~100 characters)
        self.temporary = temporary or Path(f"/tmp/kf-{self.mark[:8]}")
        self.temporary.mkdir(exist_ok=True)
        if prepare is not None:
            prepare(self.temporary)
        env = {**os.environ, "TMPDIR": str(self.temporary), "KIT_FAULT_MARK": self.mark}
        if cache is not None:  # a machine that never ran the kit: grids simulated first
            env["XDG_CACHE_HOME"] = str(cache)
        if path:
            env["PATH"] = f"{path}:{env['PATH']}"

        def limits() -> None:
            if memory is not None:
                resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

        self.process = subprocess.Popen(
            [sys.executable, "-m", "kit", "handouts", *argv],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, as in a terminal
            preexec_fn=limits,
        )

    def finish(self, timeout: float = 120) -> tuple[int, str, str]:
        try:
            out, err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            # what was still running says where the run hung (the kill below ends it all)
            alive = self.survivors()
            os.killpg(self.process.pid, signal.SIGKILL)
            _, err = self.process.communicate()
            pytest.fail(
                f"kit handouts did not end within {timeout} s; still running:\n"
                + "\n".join(alive)
                + f"\nits stderr:\n{err}"
            )
        return self.process.returncode, out, err

    def survivors(self) -> list[str]:
        """Processes still alive that this run started (directly or not)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                environ = (entry / "environ").read_bytes()
                if f"KIT_FAULT_MARK={self.mark}".encode() in environ.split(b"\0"):
                    found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
            except OSError:
                continue
        return found

    def leftovers(self) -> list[str]:
        return sorted(p.name for p in self.temporary.iterdir())

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        for marked in self.survivors():  # pragma: no cover - only after a failed assert
            print("survivor:", marked)
        subprocess.run(["rm", "-rf", str(self.temporary)], check=False)


@pytest.fixture
def kit_run(tmp_path):
    runs = []

    def start(*argv: str, **options) -> Run:
        run = Run(tmp_path, *argv, **options)
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.close()


def refused(kit_run, tmp_path: Path, *argv: str) -> str:
    """Run `kit handouts` that must refuse: exit 2, one line, nothing changed anywhere."""
    before = snapshot(tmp_path)
    run = kit_run(*argv, memory=MEMORY)
    code, out, err = run.finish(timeout=60)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kit handouts: error: "), err
    assert "Traceback" not in err and out == ""
    assert snapshot(tmp_path) == before
    assert run.leftovers() == [] and run.survivors() == []
    return lines[0]


# ----------------------------------------------------------------------------- folders


def web_app(folder: Path) -> None:
    folder.mkdir()
    (folder / "manifest.json").write_text('{"name": "Shop", "start_url": "/", "icons": []}')
    (folder / "index.html").write_text("<!doctype html><script src=app.js></script>")
    (folder / "app.js").write_text("console.log('months of work')")


def thesis(folder: Path) -> None:
    folder.mkdir()
    (folder / "chapter1.docx").write_bytes(b"PK\x03\x04 months of work")
    # another tool's manifest that even lists the files: still not the kit's
    files = {"chapter1.docx": {"bytes": 22}}
    (folder / "manifest.json").write_text(json.dumps({"tool": "thesis-kit", "files": files}))


def handouts_and_attendance(folder: Path) -> None:
    previous_handouts(folder)
    (folder / "attendance.xlsx").write_bytes(b"PK\x03\x04 who came")


def handouts_with_an_edited_page(folder: Path) -> None:
    previous_handouts(folder)
    (folder / "en" / "01_no_cure_no_pay.html").write_text("<p>my own notes, added by hand</p>")


def handouts_with_an_empty_folder(folder: Path) -> None:
    previous_handouts(folder)
    (folder / "photos").mkdir()


def handouts_with_a_broken_manifest(folder: Path) -> None:
    previous_handouts(folder)
    (folder / "manifest.json").write_text('{"generator": "workshop-kit", "files": ')


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (web_app, ["has a manifest.json the kit did not write", "not a handouts folder"]),
        (thesis, ["has a manifest.json the kit did not write", "not a handouts folder"]),
        (handouts_and_attendance, ["files the kit did not write", "attendance.xlsx"]),
        (handouts_with_an_edited_page, ["changed since the kit wrote it"]),
        (handouts_with_an_empty_folder, ["photos/"]),
        (handouts_with_a_broken_manifest, ["not a handouts folder"]),
    ],
)
def test_a_folder_the_kit_did_not_write_is_never_replaced(kit_run, tmp_path, make, words):
    out = tmp_path / "handouts"
    make(out)
    line = refused(kit_run, tmp_path, "--out", str(out), "--format", "html")
    assert str(out) in line
    for word in words:
        assert word in line


@pytest.mark.parametrize("protected", [".", "en"])
def test_a_read_only_folder_is_refused_before_any_work(kit_run, tmp_path, protected):
    out = tmp_path / "handouts"
    previous_handouts(out)
    (out / protected).chmod(0o555)
    try:
        line = refused(kit_run, tmp_path, "--out", str(out), "--format", "html")
    finally:
        (out / protected).chmod(0o755)
    assert "is read-only" in line and str((out / protected).resolve()) in line


def test_a_folder_name_too_long_for_the_disk_is_a_mistake(kit_run, tmp_path):
    line = refused(kit_run, tmp_path, "--out", str(tmp_path / ("x" * 300)), "--format", "html")
    assert "300 characters long" in line and "at most" in line


# ----------------------------------------------------------------------------- large runs


def test_a_long_roster_says_how_many_and_asks_for_yes(kit_run, tmp_path):
    rows = ["name,month_1,month_2,month_3,month_4,month_5,month_6"]
    rows += [f"Participant {i},20,15,5,45,20,15" for i in range(10_000)]
    workshop = roster_workshop(tmp_path, "\n".join(rows) + "\n")
    line = refused(kit_run, tmp_path, str(workshop), "--out", str(tmp_path / "out"))
    assert "10,001 handouts" in line and "--yes" in line and "above 200" in line
    assert " h " in line or " min" in line  # how long, in hours or minutes


def test_yes_lets_a_large_run_past_the_question(tmp_path, capsys, monkeypatch):
    from kit import handouts
    from kit.cli import main

    monkeypatch.setattr(handouts, "LARGE_RUN", 2)
    roster = "name\nAnna\nBram\n"
    workshop = str(roster_workshop(tmp_path, roster))
    (tmp_path / "a-file").write_text("in the way")
    assert main(["handouts", workshop, "--out", str(tmp_path / "a-file")]) == 2
    assert "--yes" in capsys.readouterr().err
    assert main(["handouts", workshop, "--out", str(tmp_path / "a-file"), "--yes"]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err  # past the question


# ----------------------------------------------------------------------------- signals


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def stage_exists(parent: Path) -> bool:
    return any(p.name.startswith(".handouts.tmp-") for p in parent.iterdir())


def long_workshop(tmp_path: Path) -> str:
    """A workshop whose run lasts long enough to be stopped mid-way: 21 handouts, about 10 s.

    The default workshop in one language is done within 2 s of its stage folder appearing.
    """
    folder = tmp_path / "workshop"
    folder.mkdir()
    rows = [f"Participant {i},20,15,5,45,20,15" for i in range(20)]
    roster = "name,month_1,month_2,month_3,month_4,month_5,month_6\n" + "\n".join(rows) + "\n"
    return str(roster_workshop(folder, roster))


@pytest.mark.parametrize(
    ("signum", "to_group"),
    [(signal.SIGTERM, False), (signal.SIGHUP, True), (signal.SIGINT, True)],
    ids=["SIGTERM", "SIGHUP-terminal-closed", "Ctrl-C"],
)
def test_a_stop_signal_is_handled_like_ctrl_c(kit_run, tmp_path, signum, to_group):
    out = tmp_path / "handouts"
    previous_handouts(out)
    before = snapshot(out)
    run = kit_run(long_workshop(tmp_path), "--out", str(out), "--jobs", "2")
    wait_for(lambda: stage_exists(tmp_path), 60, "the stage folder")
    time.sleep(2.0)  # the kernels are running the notebooks now
    if to_group:
        os.killpg(run.process.pid, signum)
    else:
        os.kill(run.process.pid, signum)
    code, out_text, err = run.finish(timeout=60)
    assert code == 128 + signum, err
    assert "interrupted" in err and "untouched" in err
    assert "Traceback" not in err + out_text and "BrokenPipeError" not in err + out_text
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handouts", "workshop"]  # no stage
    assert run.leftovers() == []  # no kernel sockets, no browser profile
    assert run.survivors() == []


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGINT], ids=["SIGHUP", "Ctrl-C"])
def test_a_stop_while_the_grids_are_simulated_says_one_thing(kit_run, tmp_path, signum):
    """A closed terminal killed multiprocessing's resource tracker, whose successor printed
    a traceback for every lock of the grids' pool; it now ignores SIGHUP and stays quiet."""
    out = tmp_path / "handouts"
    run = kit_run("--out", str(out), "--lang", "en", cache=tmp_path / "cold-cache")
    wait_for(
        lambda: any("resource_tracker" in line for line in run.survivors()),
        60,
        "the grids' pool",
    )
    os.killpg(run.process.pid, signum)
    code, out_text, err = run.finish(timeout=60)
    assert code == 128 + signum, err
    assert "interrupted" in err
    assert "Traceback" not in err + out_text and "resource_tracker" not in err, err
    assert run.survivors() == []


FAKE_CHROMIUM = """#!/bin/sh
# A Chromium that hangs: answers --version, then neither prints nor exits, nor stops
# for Ctrl-C, a closed terminal or SIGTERM (ignored signals stay ignored across exec).
trap '' INT HUP TERM
if [ "$1" = "--version" ]; then echo "Chromium 1.0 (hung for a test)"; exit 0; fi
for arg in "$@"; do
  case "$arg" in --user-data-dir=*) mkdir -p "${arg#--user-data-dir=}/Default";; esac
done
touch "$KIT_FAULT_STARTED"
exec sleep 300
"""


def test_a_hung_chromium_does_not_outlive_ctrl_c(kit_run, tmp_path):
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    stand_in_printer(bin_folder, FAKE_CHROMIUM)
    started = tmp_path / "chromium-started"
    os.environ["KIT_FAULT_STARTED"] = str(started)
    try:
        run = kit_run(
            "--out", str(tmp_path / "handouts"), "--lang", "en", "--jobs", "1",
            path=str(bin_folder),
        )  # fmt: skip
    finally:
        del os.environ["KIT_FAULT_STARTED"]
    wait_for(started.exists, 90, "the hung Chromium")
    time.sleep(0.5)
    os.killpg(run.process.pid, signal.SIGINT)
    code, _, err = run.finish(timeout=60)
    assert code == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert run.survivors() == []
    assert run.leftovers() == []  # the profile went with the scratch folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "chromium-started"]


# ----------------------------------------------------------------------------- stale folders


def marker(folder: Path, pid: int, since: float, host: str | None = None) -> None:
    folder.mkdir()
    (folder / "page.html").write_text("half written")
    text = {"generator": "workshop-kit", "pid": pid, "host": host or socket.gethostname()}
    (folder / MARKER).write_text(json.dumps({**text, "since": since}))


def test_stale_stage_folders_of_killed_runs_are_removed_and_only_those(kit_run, tmp_path):
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process that ran and ended: its stage folder is stale
    now = time.time()
    marker(tmp_path / ".handouts.tmp-dead0001", gone.pid, now)
    marker(tmp_path / ".handouts.old-dead0002", gone.pid, now)
    marker(tmp_path / ".handouts.tmp-live0003", os.getpid(), now)  # a run still going
    marker(tmp_path / ".handouts.tmp-away0004", gone.pid, now, host="another-laptop")
    marker(tmp_path / ".thesis.tmp-dead0005", gone.pid, now)  # another folder's name
    (tmp_path / ".handouts.tmp-mine0006").mkdir()  # the name alone is not enough
    (tmp_path / ".handouts.tmp-mine0006" / "draft.txt").write_text("mine")
    run = kit_run(
        "--out", str(tmp_path / "handouts"), "--lang", "en", "--format", "html",
        prepare=lambda temporary: marker(temporary / "kit-run-dead0007", gone.pid, now),
    )  # fmt: skip
    code, _, err = run.finish(timeout=180)
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".handouts.tmp-away0004",
        ".handouts.tmp-live0003",
        ".handouts.tmp-mine0006",
        ".thesis.tmp-dead0005",
        "handouts",
    ]
    manifest = json.loads((tmp_path / "handouts" / "manifest.json").read_text())
    assert manifest["generator"] == "workshop-kit"
    on_disk = {
        p.relative_to(tmp_path / "handouts").as_posix()
        for p in (tmp_path / "handouts").rglob("*")
        if p.is_file()
    }
    assert on_disk == {*manifest["files"], "manifest.json"}
    assert run.leftovers() == [] and run.survivors() == []
    # and the folder it wrote is one it will replace next time, though a file manager
    # has looked into it since
    (tmp_path / "handouts" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (tmp_path / "handouts" / "en" / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    again = kit_run("--out", str(tmp_path / "handouts"), "--lang", "en", "--format", "html")
    code, _, err = again.finish(timeout=180)
    assert code == 0, err
    assert again.leftovers() == [] and again.survivors() == []
    assert not (tmp_path / "handouts" / ".DS_Store").exists()


def test_ctrl_c_while_the_workshop_loads_is_one_line(tmp_path, capsys, monkeypatch):
    import kit.workshop
    from kit.cli import main

    def interrupted(path):
        raise KeyboardInterrupt

    monkeypatch.setattr(kit.workshop, "load_workshop", interrupted)
    assert main(["handouts", "--out", str(tmp_path / "out")]) == 130
    printed = capsys.readouterr()
    assert printed.err.strip() == "kit handouts: interrupted (Ctrl-C); nothing was written"
    assert printed.out == "" and list(tmp_path.iterdir()) == []


def test_a_run_killed_outright_leaves_nothing_running_and_the_next_run_tidies_up(kit_run, tmp_path):
    """kill -9 cannot be handled: the workers notice, leave without a traceback and end
    their kernels and browsers; the stage and scratch folders left behind go next time."""
    out = tmp_path / "handouts"
    previous_handouts(out)
    before = snapshot(out)
    run = kit_run(long_workshop(tmp_path), "--out", str(out), "--jobs", "2")
    wait_for(lambda: stage_exists(tmp_path), 60, "the stage folder")
    time.sleep(2.0)
    os.kill(run.process.pid, signal.SIGKILL)
    code, out_text, err = run.finish(timeout=90)  # returns once every worker let go of stderr
    assert code == -signal.SIGKILL
    assert "Traceback" not in err + out_text and "BrokenPipeError" not in err + out_text
    wait_for(lambda: run.survivors() == [], 30, "the kernels and browsers to leave")
    assert snapshot(out) == before and stage_exists(tmp_path)
    again = kit_run(
        "--out", str(out), "--lang", "en", "--format", "html", temporary=run.temporary
    )  # fmt: skip
    code, _, err = again.finish(timeout=180)
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handouts", "workshop"]
    assert again.leftovers() == [] and again.survivors() == []
