"""Kernels started while the presenter's server is still starting: a faster first page.

Before Voilà can start a kernel, ``kit present`` spends about a second importing it;
a new kernel then spends about a second starting Python and ipykernel and importing
the kit before it runs the first notebook line. Nothing makes these wait for each
other, and a laptop has two cores or more, so they overlap:

1. :func:`start_spares`, called first thing, launches spare kernels that import the
   kit's modules before they start listening;
2. :class:`SpareKernelProvisioner`, the kernel provisioner the presenter configures
   (jupyter_client's documented hook for *how* a kernel process is launched), hands
   those processes to the first kernels Voilà asks for, with their connection
   details, and launches new ones as usual once the spares are gone;
3. :func:`stop_spares` ends the spares nobody took.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

PROVISIONER = "kit-spare-kernels"
"""The provisioner's entry-point name (``jupyter_client.kernel_provisioners`` in pyproject)."""

WARM_MODULES = ("kit.widgets", "kit.charts", "kit.display", "kit.narrate", "kit.live")
"""What the story notebooks import first: loaded by a spare before anybody waits for it."""


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
    info : dict
        Its connection details (ports, key, transport), as jupyter_client writes them.
    cwd : Path
        The folder it runs in.
    """

    process: Any
    info: dict[str, Any]
    cwd: Path


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
    from jupyter_client.connect import write_connection_file
    from jupyter_client.launcher import launch_kernel

    if count <= 0:
        return
    folder = Path(tempfile.mkdtemp(prefix="kit-kernels-"))
    _folders.append(folder)
    for index in range(count):
        connection_file, info = write_connection_file(
            str(folder / f"spare-{index}.json"),
            ip="127.0.0.1",
            key=uuid.uuid4().hex.encode(),
            transport="tcp",
            signature_scheme="hmac-sha256",
            kernel_name="python3",
        )
        command = [sys.executable, "-m", "kit.prestart", "-f", connection_file]
        process = launch_kernel(command, env=dict(env or os.environ), cwd=str(cwd))
        # the file holds the key as text; a kernel manager holds it as bytes
        _spares.append(Spare(process, {**info, "key": info["key"].encode()}, cwd))


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
        process = _spares.pop().process
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(Exception):
            process.wait(5)
    while _folders:
        shutil.rmtree(_folders.pop(), ignore_errors=True)


class SpareKernelProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, handing out a spare kernel when one is running.

    The kernel manager has written a connection file for a kernel it would launch;
    returning the spare's connection details makes it adopt the spare's ports and key
    instead (jupyter_client reconciles them and rewrites its file). With transport
    encryption (CurveZMQ keys) configured, spares are never used: they have no keys.
    """

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> dict[str, Any]:
        """Adopt a spare kernel, or launch ``cmd`` as the local provisioner does."""
        encrypted = getattr(self.parent, "curve_publickey", None) is not None
        spare = None if encrypted else take_spare()
        if spare is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = spare.process
        self.pid = spare.process.pid
        self.pgid = os.getpgid(self.pid) if hasattr(os, "getpgid") else None
        self.cwd = spare.cwd
        self.connection_info = spare.info
        return self.connection_info


def main() -> None:
    """``python -m kit.prestart -f FILE``: an IPython kernel that imports the kit first.

    The imports come after the kernel is set up (its ports bound, its shell made) and
    before it answers: ipywidgets registers its comm targets on import only when it
    finds a running IPython, and the kernel's ports are taken before anything slow.
    """
    import importlib

    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize()
    for module in WARM_MODULES:
        importlib.import_module(module)
    app.start()


if __name__ == "__main__":
    main()
