"""The kernel provisioner that hands ``kit present``'s spare kernels to Voilà.

A provisioner is jupyter_client's documented hook for *how* a kernel process is
launched. This one adopts a spare from :mod:`kit.present.spares` while there is one: the
kernel manager has written a connection file for a kernel it would launch, and
returning the spare's connection details makes it take the spare's ports and key
instead (jupyter_client reconciles them and rewrites its file). Past the spares, a
room's kernels are forked by the zygote (:mod:`kit.present.zygote`); without a zygote
they are launched as usual. Every kernel binds ports of its own (:func:`spares.on_own_ports`).
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from kit.present import spares

SPARE_WAIT = 15.0
"""Seconds a spare or a fork may take to bind its sockets before a kernel is launched anew."""
LAUNCH_WAIT = 60.0
"""Seconds a kernel launched anew may take to start Python and bind its sockets."""


class SpareKernelProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, handing out a spare kernel when one is running.

    With transport encryption (CurveZMQ keys) configured, spares are never used: they
    have no keys.
    """

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> dict[str, Any]:
        """Adopt a spare kernel or fork one, or launch ``cmd`` as the local provisioner does."""
        if getattr(self.parent, "curve_publickey", None) is None:
            info = await self._adopt(spares.take_spare())
            if info is None:
                env = dict(kwargs.get("env") or os.environ)
                forked = await asyncio.to_thread(spares.fork_kernel, cmd, kwargs.get("cwd"), env)
                info = await self._adopt(forked)
            if info is not None:
                return info
            own = spares.on_own_ports(cmd)
            if own is not None:
                return await self._launch_on_own_ports(*own, **kwargs)
        return await super().launch_kernel(cmd, **kwargs)

    async def _launch_on_own_ports(
        self, cmd: list[str], connection_file: Path, **kwargs: Any
    ) -> dict[str, Any]:
        """Launch ``cmd`` as the local provisioner does; the kernel's own ports once bound."""
        await super().launch_kernel(cmd, **kwargs)
        launched = spares.Spare(self.process, connection_file, self.cwd)
        info = await self._adopt(launched, LAUNCH_WAIT)
        if info is None:
            wait = f"{LAUNCH_WAIT:.0f} s"
            raise RuntimeError(f"the kernel ended, or did not bind its ports in {wait}")
        return info

    async def _adopt(
        self, kernel: spares.Spare | None, wait: float = SPARE_WAIT
    ) -> dict[str, Any] | None:
        """Take ``kernel`` on once it has bound its sockets (within ``wait`` s): its details."""
        if kernel is None:
            return None
        info = await _bound(kernel, wait)
        if info is None:
            kernel.stop()  # before its file goes: a kernel still starting would write it again
        kernel.forget_file()
        if info is None:
            return None
        self.process = kernel.process
        self.pid = self.pgid = kernel.process.pid  # each kernel here leads a session of its own
        self.cwd = kernel.cwd
        self.connection_info = info
        return info


async def _bound(spare: spares.Spare, wait: float) -> dict[str, Any] | None:
    """The kernel's connection details once it has bound its sockets; None if not in ``wait`` s."""
    deadline = time.monotonic() + wait
    while spare.process.poll() is None and time.monotonic() < deadline:
        info = spare.connection_info()
        if info is not None:
            return info
        await asyncio.sleep(0.02)
    return None
