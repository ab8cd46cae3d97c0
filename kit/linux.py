"""Linux's process controls (``prctl``) the kit uses; elsewhere each does nothing.

One home for the C call, so that the handouts' runs (which adopt their orphans and whose
kernels die with their workers) and the presenter's kernel zygote (whose forks die with it
and carry a name of their own) call it the same way.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1
"""A signal this process gets when the thread that forked it ends."""
PR_SET_NAME = 15
"""The name of the calling process (``comm``), as ``ps`` and ``top`` show it."""
PR_SET_CHILD_SUBREAPER = 36
"""Orphaned descendants become this process's children."""


def prctl() -> Callable[..., int] | None:
    """The C library's ``prctl``, or None (not Linux, or no such call).

    Returns
    -------
    callable or None
        Called as ``prctl(option, arg2, arg3, arg4, arg5)``; 0 on success.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def die_with_parent(parent: int) -> None:
    """Have Linux kill this process the moment ``parent`` (the thread that forked it) ends.

    A forked kernel that is busy in native code (holding the GIL) cannot run ipykernel's
    own watch on its parent, and would outlive a worker killed by a signal to the whole
    group. Elsewhere than on Linux, nothing changes.

    Parameters
    ----------
    parent : int
        The process that forked this one: if it is already gone, this one leaves now.
    """
    call = prctl()
    if call is not None:
        call(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it ended before the line above
        os._exit(1)


def name_process(name: bytes) -> None:
    """Give this process a name of its own in ``ps`` and ``top`` (it would read "python").

    Parameters
    ----------
    name : bytes
        At most 15 bytes are kept.
    """
    call = prctl()
    if call is not None:
        with contextlib.suppress(OSError):
            call(PR_SET_NAME, name, 0, 0, 0)
