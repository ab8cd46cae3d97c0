"""Kernels started while the presenter's server is still starting: a faster first page.

Before Voilà can start a kernel, ``kit present`` spends about a second importing it;
a new kernel then spends about a second starting Python and ipykernel and importing
the kit before it runs the first notebook line. Nothing makes these wait for each
other, and a laptop has two cores or more, so they overlap:

1. :func:`start_spares`, called before anything slow is imported (this module needs
   only the standard library), launches spare kernels that import the kit's modules
   before they answer;
2. :class:`kit.present.provisioner.SpareKernelProvisioner`, the kernel provisioner the presenter
   configures, hands those processes to the first kernels Voilà asks for, and launches
   new ones as usual once the spares are gone;
3. :func:`stop_spares` ends the spares nobody took.

A spare binds its own ports and writes its connection file (ipykernel does so when the
file it is given does not exist yet), so no port is ever chosen twice. Ports chosen for a
kernel in advance, as jupyter_client does, can be taken by another process before the
kernel binds them (jupyter_client issue 487): the kernel dies, and its client talks to
whoever holds the port.

A room needs more kernels than spares. With ``--room``, :func:`start_zygote` also starts
one process that imports the kit and then forks the room's kernels on request
(:mod:`kit.present.zygote`, :func:`fork_kernel`): a kernel is ready without starting
Python or importing anything, and the kernels share the imported modules' memory. In a
room of 60 arriving at once on two cores, that halved the kernels' CPU and brought a
participant's memory to about 90 MB (``benchmarks/README.md``).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

PROVISIONER = "kit-spare-kernels"
"""The provisioner's entry-point name (``jupyter_client.kernel_provisioners`` in pyproject)."""

WARM_MODULES = (
    "kit.live.deck",
    "kit.live.panel",
    "kit.stories.nocure.story",
    "kit.stories.referrals.story",
)
"""What a spare kernel has loaded before anybody waits for it (the test checks these)."""


@cache  # asked by the config and by serve(); the installed entry points do not change
def available() -> bool:
    """True when the provisioner is installed (``pip install`` registers its entry point)."""
    from importlib.metadata import entry_points

    return bool(entry_points(group="jupyter_client.kernel_provisioners", name=PROVISIONER))


@dataclass
class Spare:
    """A kernel process that binds its own ports (a spare, a fork, a launch), until taken on.

    Parameters
    ----------
    process : subprocess.Popen or ForkedKernelProcess
    connection_file : Path
        Where the kernel writes its ports and key once its sockets are bound.
    cwd : Path
        The folder it runs in.
    """

    process: subprocess.Popen | ForkedKernelProcess
    connection_file: Path
    cwd: Path

    def connection_info(self) -> dict[str, Any] | None:
        """The kernel's ports and key (the key as bytes, as a kernel manager holds it).

        None while the kernel has not written them yet.
        """
        try:
            info = json.loads(self.connection_file.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):  # not yet, or half written
            return None
        return {**info, "key": info["key"].encode()}

    def forget_file(self) -> None:
        """Remove the kernel's own connection file once it is taken on (or given up).

        The kernel has bound its sockets and needs the file no more; its manager writes a
        file of its own. A spare's folder goes with :func:`stop_spares` anyway.
        """
        with contextlib.suppress(OSError):
            self.connection_file.unlink(missing_ok=True)

    def stop(self) -> None:
        """End the kernel (its whole process group; a fork through its pidfd)."""
        if isinstance(self.process, ForkedKernelProcess):
            self.process.terminate()  # by pidfd: its number may be another process's by now
        else:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)


_spares: list[Spare] = []
_folders: list[Path] = []


def start_spares(count: int, cwd: Path, env: dict[str, str] | None = None) -> None:
    """Launch ``count`` kernels on 127.0.0.1 now, each importing :data:`WARM_MODULES`.

    Parameters
    ----------
    count : int
        Kernels to launch (the first story's pool).
    cwd : Path
        Their working folder (the served notebooks' folder, as Voilà would choose).
    env : dict, optional
        Their environment (default: this process's).
    """
    if count <= 0:
        return
    folder = Path(tempfile.mkdtemp(prefix="kit-kernels-"))
    _folders.append(folder)
    env = dict(env or os.environ)
    env["JPY_PARENT_PID"] = str(os.getpid())  # a spare ends when the presenter does
    for index in range(count):
        connection_file = folder / f"spare-{index}.json"
        command = [sys.executable, "-m", "kit.present.spare_kernel", "-f", str(connection_file)]
        process = subprocess.Popen(
            # warnings off: a spare talks TCP on 127.0.0.1, which ipykernel warns about
            [*command, "--ip=127.0.0.1", "--log-level=ERROR"],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, as jupyter_client starts kernels
        )
        _spares.append(Spare(process, connection_file, cwd))


def take_spare() -> Spare | None:
    """The oldest spare kernel still running, removed from the spares; None if none is left."""
    while _spares:
        spare = _spares.pop(0)
        if spare.process.poll() is None:
            return spare
    return None


def stop_spares() -> None:
    """End the spare kernels nobody took and remove their connection files."""
    while _spares:
        _spares.pop().stop()
    while _folders:
        shutil.rmtree(_folders.pop(), ignore_errors=True)


# -- the zygote: kernels forked with the kit imported ------------------------------------------

ZYGOTE_WAIT = 20.0
"""Seconds a kernel launch waits for the zygote to finish its imports before starting anew."""
KERNEL_NAME = b"kit-kernel"
"""The process name a forked kernel gives itself (``ps``, ``top``; at most 15 bytes)."""


class ForkedKernelProcess:
    """A kernel the zygote forked, with the parts of ``subprocess.Popen`` a provisioner uses.

    It is the zygote's child, not ours: it is watched and signalled through a pidfd,
    which names this very process even after its number is reused. The zygote does not
    keep exit codes, so an ended kernel's ``returncode`` is always -9.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # ended already
            self._fd, self.returncode = None, -signal.SIGKILL

    def poll(self) -> int | None:
        """None while the kernel runs, else its return code."""
        if self.returncode is None and self._ended(0):
            self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the kernel to end (``subprocess.TimeoutExpired`` after ``timeout`` s)."""
        if self.returncode is None:
            if not self._ended(timeout):
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            self.returncode = -signal.SIGKILL
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """Signal the kernel, unless it has ended."""
        if self.poll() is None and self._fd is not None:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self._fd, signum)

    def kill(self) -> None:
        """End the kernel at once."""
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        """Ask the kernel to end."""
        self.send_signal(signal.SIGTERM)

    def _ended(self, timeout: float | None) -> bool:
        if self._fd is None:
            return True
        return bool(select.select([self._fd], [], [], timeout)[0])


@dataclass
class Zygote:
    """The running zygote (:mod:`kit.present.zygote`) and the pipes to it."""

    process: subprocess.Popen
    requests: Any
    replies: Any
    lock: threading.Lock
    ready: bool = False


_zygote: list[Zygote] = []


def start_zygote(env: dict[str, str] | None = None) -> None:
    """Start the zygote, which imports the kit and then forks room kernels (:func:`fork_kernel`).

    Parameters
    ----------
    env : dict, optional
        Its environment while it imports (default: this process's); each kernel gets
        the environment its launch asks for.
    """
    if _zygote or not _pidfds_work():
        return
    requests_read, requests_write = os.pipe()
    replies_read, replies_write = os.pipe()
    command = [sys.executable, "-m", "kit.present.zygote", str(requests_read), str(replies_write)]
    try:
        process = subprocess.Popen(
            command,
            env=dict(env or os.environ),
            stdin=subprocess.DEVNULL,
            pass_fds=(requests_read, replies_write),
            start_new_session=True,  # Ctrl-C in the terminal is the presenter's
        )
    finally:
        os.close(requests_read)
        os.close(replies_write)
    requests = os.fdopen(requests_write, "w", encoding="utf-8")
    replies = os.fdopen(replies_read, encoding="utf-8")
    _zygote.append(Zygote(process, requests, replies, threading.Lock()))


def _pidfds_work() -> bool:
    """Whether this system has pidfds (Linux 5.3 on): without them, no zygote."""
    try:
        os.close(os.pidfd_open(os.getpid()))
    except (AttributeError, OSError):
        return False
    return True


def fork_kernel(cmd: list[str], cwd: Any, env: dict[str, str]) -> Spare | None:
    """A kernel forked by the zygote for the launch command ``cmd``; None to launch it anew.

    It binds ports of its own (:func:`on_own_ports`). None when there is no zygote, it is
    not ready within :data:`ZYGOTE_WAIT` seconds, it has ended, or ``cmd`` is not an
    ipykernel launch on TCP. Blocking: call it off the event loop.
    """
    own = on_own_ports(cmd) if _zygote else None
    if own is None:
        return None
    cmd, connection_file = own
    zygote = _zygote[0]
    request = {"argv": cmd[cmd.index("-f") :], "cwd": str(cwd or os.getcwd()), "env": env}
    with zygote.lock:
        try:
            if not zygote.ready:
                if not select.select([zygote.replies], [], [], ZYGOTE_WAIT)[0]:
                    return None
                json.loads(zygote.replies.readline())  # {"ready": pid}
                zygote.ready = True
            zygote.requests.write(json.dumps(request) + "\n")
            zygote.requests.flush()
            reply = zygote.replies.readline()
            process = ForkedKernelProcess(json.loads(reply)["pid"])
        except (OSError, ValueError, KeyError):  # the zygote ended: launch kernels anew
            return None
    return Spare(process, connection_file, Path(request["cwd"]))


def on_own_ports(cmd: list[str]) -> tuple[list[str], Path] | None:
    """An ipykernel launch ``cmd`` (``... -f FILE ...``) that binds ports of its own.

    The ports in the manager's FILE were free when it chose them; another process (a
    second presenter's kernel) may bind them first, and the kernel dies while its client
    talks to the other (jupyter_client issue 487). Given a file that does not exist yet,
    ipykernel binds free ports instead and writes them, with a key of its own, to it:
    ``FILE-own.json`` here, on the manager's address. Returns that command and file, or
    None for another kernel or transport (no ports to race for).
    """
    if "-f" not in cmd or cmd.index("-f") + 1 >= len(cmd):
        return None
    if not any("ipykernel" in part for part in cmd):
        return None
    at = cmd.index("-f") + 1
    manager_file = Path(cmd[at])
    try:
        wanted = json.loads(manager_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # no file: ipykernel's defaults, on TCP
        wanted = {}
    if not isinstance(wanted, dict) or wanted.get("transport", "tcp") != "tcp":
        return None
    own = manager_file.with_name(f"{manager_file.stem}-own.json")
    with contextlib.suppress(OSError):  # a file left by a kernel before: its ports are taken
        own.unlink(missing_ok=True)
    address = f"--ip={wanted.get('ip') or '127.0.0.1'}"
    return [*cmd[:at], str(own), address, *cmd[at + 1 :]], own


def stop_zygote() -> None:
    """End the zygote (its kernels end with it: :func:`kit.present.zygote.serve_kernel`)."""
    while _zygote:
        zygote = _zygote.pop()
        for pipe in (zygote.requests, zygote.replies):
            with contextlib.suppress(OSError):
                pipe.close()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            zygote.process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            zygote.process.wait(5)
