"""The room's zygote: kernels forked from one process that has imported the kit."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from helpers import kernel_answers, kit_provisioner

from kit.handouts.signals import adopting_orphans
from kit.present import spares

PORTS = ("shell", "iopub", "stdin", "control", "hb")


@pytest.fixture
def forking(tmp_path):
    """The kit's provisioner with no spares left, so that kernels come from the zygote."""
    spares.start_zygote()
    try:
        with kit_provisioner():
            yield spares._zygote[0]
    finally:
        spares.stop_zygote()


def test_a_forked_kernel_has_the_kit_and_the_widget_protocol(forking, tmp_path):
    from jupyter_client.manager import KernelManager

    manager = KernelManager(kernel_name="python3")
    try:
        manager.start_kernel(cwd=str(tmp_path), env={"KIT_ROOM_TEST": "seat 7"})
        kernel = psutil.Process(manager.provisioner.pid)
        assert kernel.ppid() == forking.process.pid
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        # the child names itself just after the fork: on a loaded machine later than the
        # fork's answer, always before the kernel answers
        assert kernel.name() == spares.KERNEL_NAME.decode()
        code = (
            "import os, sys, comm; "
            f"print(all(m in sys.modules for m in {spares.WARM_MODULES!r}), "
            "'jupyter.widget.control' in comm.get_comm_manager().targets, "
            "os.getsid(0) == os.getpid(), os.environ.get('KIT_ROOM_TEST') == 'seat 7', "
            f"os.getcwd() == {str(tmp_path)!r})"
        )
        assert kernel_answers(client, code) == ["True"] * 5
        # the provisioner signals the kernel's process group (an interrupt, a kill): its own
        assert os.getpgid(kernel.pid) == kernel.pid
        client.stop_channels()
    finally:
        manager.shutdown_kernel(now=True)
    assert not manager.is_alive()
    assert not psutil.pid_exists(kernel.pid) or kernel.status() == psutil.STATUS_ZOMBIE


@pytest.mark.parametrize("how", ["forked", "launched"])
def test_a_kernel_binds_ports_of_its_own(tmp_path, monkeypatch, how):
    # another process takes the ports the manager chose before the kernel binds them (two
    # presenters on one machine did): the kernel still answers, on ports and a key of its own,
    # whether the zygote forked it or it was launched anew (no zygote, no spare left)
    from jupyter_client.connect import LocalPortCache
    from jupyter_client.manager import KernelManager

    taken = [socket.create_server(("127.0.0.1", 0)) for _ in range(5)]
    chosen = [server.getsockname()[1] for server in taken]
    ports = iter(chosen)
    monkeypatch.setattr(LocalPortCache.instance(), "find_available_port", lambda ip: next(ports))
    manager = KernelManager(kernel_name="python3")
    with contextlib.ExitStack() as stack:
        for server in taken:
            stack.callback(server.close)
        if how == "forked":
            spares.start_zygote()
            stack.callback(spares.stop_zygote)
        stack.enter_context(kit_provisioner())
        stack.callback(manager.shutdown_kernel, now=True)
        manager.start_kernel(cwd=str(tmp_path))
        info = manager.get_connection_info()
        assert not {info[f"{name}_port"] for name in PORTS} & set(chosen)
        assert len(info["key"]) >= 32
        saved = json.loads(Path(manager.connection_file).read_text(encoding="utf-8"))
        assert saved["shell_port"] == info["shell_port"] and saved["key"] == info["key"].decode()
        own = Path(manager.connection_file)
        assert not own.with_name(f"{own.stem}-own.json").exists()  # gone once taken on
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        assert kernel_answers(client, "print(6 * 7)") == ["42"]
        client.stop_channels()
        parent = spares._zygote[0].process.pid if how == "forked" else os.getpid()
        assert psutil.Process(manager.provisioner.pid).ppid() == parent


def test_a_forked_kernel_that_dies_is_restarted(forking, tmp_path):
    from jupyter_client.manager import KernelManager

    manager = KernelManager(kernel_name="python3")
    try:
        manager.start_kernel(cwd=str(tmp_path))
        first = manager.provisioner.pid
        psutil.Process(first).kill()
        deadline = time.monotonic() + 10
        while manager.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not manager.is_alive()
        manager.restart_kernel(now=True)
        assert manager.is_alive() and manager.provisioner.pid != first
        assert psutil.Process(manager.provisioner.pid).ppid() == forking.process.pid
    finally:
        manager.shutdown_kernel(now=True)


def test_the_kernels_end_with_the_zygote(forking, tmp_path):
    # this process adopts the orphans, as a container's supervisor may: ipykernel's own
    # watch, started after the zygote has gone, took the new parent for the first one
    env = {"PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "ipykernel_launcher", "-f", str(tmp_path / "k.json")]
    with adopting_orphans():
        forked = spares.fork_kernel(command, tmp_path, env)
        assert forked is not None and forked.process.poll() is None
        assert forked.connection_file == tmp_path / "k-own.json"
        spares.stop_zygote()
        kernel = forked.process
        assert kernel.wait(timeout=10) == -signal.SIGKILL  # at once: a parent-death signal
        assert kernel.poll() == -signal.SIGKILL
        with contextlib.suppress(ChildProcessError):
            os.waitpid(kernel.pid, 0)  # ours, adopted


def test_without_a_zygote_or_for_another_kernel_launches_stay_as_usual(tmp_path):
    python = [sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"]
    assert spares.fork_kernel(python, tmp_path, {}) is None  # no zygote running
    spares.start_zygote()
    try:
        assert spares.fork_kernel(["ir", "--slave", "-f", "k.json"], tmp_path, {}) is None
        no_file = [sys.executable, "-m", "ipykernel_launcher"]
        assert spares.fork_kernel(no_file, tmp_path, {}) is None
    finally:
        spares.stop_zygote()


def test_a_forked_process_is_watched_and_signalled_by_its_pidfd():
    sleeper = subprocess.Popen(["sleep", "30"])
    process = spares.ForkedKernelProcess(sleeper.pid)
    assert process.poll() is None
    with pytest.raises(subprocess.TimeoutExpired):
        process.wait(timeout=0.1)
    process.terminate()
    sleeper.wait(5)  # ours to reap here; the zygote's kernels are reaped by the system
    assert process.wait(timeout=5) == -signal.SIGKILL
    process.kill()  # an ended process: nothing to signal, no error


def test_without_pidfds_there_is_no_zygote(monkeypatch):
    def no_pidfds(pid):
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(spares.os, "pidfd_open", no_pidfds)
    spares.start_zygote()
    assert spares._zygote == []
