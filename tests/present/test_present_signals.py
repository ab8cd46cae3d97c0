"""Ctrl-C, SIGTERM and a closed terminal at any moment of the start: no traceback, nothing left."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import psutil
import pytest
from helpers import free_port, start_presenter

# from the spares starting (0.3 s) through Voilà's import to the pools warming (6 s)
MOMENTS = [0.3, 0.7, 1.2, 2.0, 3.0, 4.5, 6.0]
SIGNALS = {"SIGINT": 130, "SIGTERM": 143, "SIGHUP": 129}


def _kit_processes(tmp_path) -> list[psutil.Process]:
    """Kernels and spares that belong to a presenter run in ``tmp_path`` (its TMPDIR)."""
    found = []
    for process in psutil.process_iter(["cmdline", "environ"]):
        try:
            environ = process.info["environ"] or {}
        except psutil.Error:
            continue
        if environ.get("TMPDIR") == str(tmp_path) and process.pid != os.getpid():
            found.append(process)
    return found


@pytest.mark.parametrize("name", list(SIGNALS))
def test_a_stop_signal_during_warm_up_prints_no_traceback_and_leaves_nothing(
    tmp_path, monkeypatch, name
):
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the presenter's temporary folders go here
    sig = getattr(signal, name)
    for moment in MOMENTS:  # bounded: 7 starts of at most ~45 s each
        log = tmp_path / "presenter.log"
        log.write_text("")
        process, _ = start_presenter("--pool", "1", port=free_port(), log=log)
        time.sleep(moment)
        os.killpg(process.pid, sig)  # as a terminal does: the whole foreground group
        try:
            code = process.wait(45)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"{name} after {moment} s: kit present did not stop")
        output = log.read_text()
        for noise in ("Traceback", "Task was destroyed", "never retrieved", "Exception in"):
            assert noise not in output, f"{name} after {moment} s:\n{output}"
        served = "Press Ctrl+C" in output
        if code == -sig and not output.strip():
            # on a loaded machine the signal can come before Python has run a line of the
            # kit: it ends the process as it ends any program, before anything was started
            # (the checks below hold for that too)
            pass
        else:
            assert code == (0 if served else SIGNALS[name]), f"{name} after {moment} s: {code}"
            if not served:
                assert output.strip().endswith("(nothing was left behind).")
        deadline = time.monotonic() + 15  # kernels are shut down, spares see their parent go
        while _kit_processes(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _kit_processes(tmp_path), f"{name} after {moment} s: kernels left"
        leftovers = [p.name for p in tmp_path.iterdir() if p.name != "presenter.log"]
        assert not leftovers, f"{name} after {moment} s: {leftovers}"
