"""The kernel provisioner that hands ``kit present``'s spare kernels to Voilà.

A provisioner is jupyter_client's documented hook for *how* a kernel process is
launched. This one adopts a spare from :mod:`kit.present.spares` while there is one: the
kernel manager has written a connection file for a kernel it would launch, and
returning the spare's connection details makes it take the spare's ports and key
instead (jupyter_client reconciles them and rewrites its file). Past the spares, a
room's kernels are forked by the zygote (:mod:`kit.present.zygote`), each binding ports
of its own in the same way; without a zygote they are launched as usual.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from kit.present import spares

SPARE_WAIT = 15.0
"""Seconds a spare may take to bind its sockets before a kernel is launched as usual."""


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
        return await super().launch_kernel(cmd, **kwargs)

    async def _adopt(self, kernel: spares.Spare | None) -> dict[str, Any] | None:
        """Take ``kernel`` on once it has bound its sockets: its details, or None."""
        if kernel is None:
            return None
        info = await _bound(kernel)
        if info is None:
            kernel.stop()  # before its file goes: a kernel still starting would write it again
        spares.forget_file(kernel)
        if info is None:
            return None
        self.process = kernel.process
        self.pid = self.pgid = kernel.process.pid  # a spare and a fork lead a session of their own
        self.cwd = kernel.cwd
        self.connection_info = info
        return info


async def _bound(spare: spares.Spare) -> dict[str, Any] | None:
    """The kernel's connection details once it has bound its sockets; None if it never does."""
    deadline = time.monotonic() + SPARE_WAIT
    while spare.process.poll() is None and time.monotonic() < deadline:
        info = spare.connection_info()
        if info is not None:
            return info
        await asyncio.sleep(0.02)
    return None
