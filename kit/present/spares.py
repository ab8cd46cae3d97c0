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
file it is given does not exist yet), so no port is ever chosen twice.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
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
    """A kernel process that is starting (or has started) and waits to be handed out.

    Parameters
    ----------
    process : subprocess.Popen
    connection_file : Path
        Where the kernel writes its ports and key once its sockets are bound.
    cwd : Path
        The folder it runs in.
    """

    process: subprocess.Popen
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

    def stop(self) -> None:
        """End the kernel (its whole process group)."""
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
