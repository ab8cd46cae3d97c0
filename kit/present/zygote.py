"""``python -m kit.present.zygote REQUESTS REPLIES``: room kernels forked with the kit imported.

A kernel started the usual way starts Python, imports ipykernel, NumPy, pandas, Altair
and the kit (about 1.3 s of a core and 150 MB each) before it runs a line of the
notebook. In a room of 30 that arrives at once, that is most of the minute the last
participant waits, and most of the memory. This process imports all of that once and
then forks a kernel for every participant: each fork starts in milliseconds and shares
the imported modules' memory with its siblings until it writes to it.

It reads one JSON line per kernel on the ``REQUESTS`` pipe (``{"argv": [...], "cwd":
..., "env": {...}}``: the kernel's command-line arguments from ``-f CONNECTION_FILE``
on, its folder and environment, as jupyter_client would have launched it) and answers
``{"pid": N}`` on ``REPLIES``. It ends when the presenter closes the pipe (or dies),
and its kernels end the moment it does (Linux's parent-death signal).

It must stay single-threaded: a fork copies only the thread that calls it. It is a
module of its own, which the package does not import, so that ``python -m`` runs it
exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from typing import Any

from kit.linux import die_with_parent, name_process
from kit.present.spares import KERNEL_NAME


def main() -> None:
    """Import the kit, then fork a kernel per request until the presenter goes."""
    requests, replies = int(sys.argv[1]), int(sys.argv[2])
    # the kernels are never waited for here: the system reaps them as they end
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the presenter's to handle
    from ipykernel import kernelapp  # noqa: F401 - imported for the forks

    from kit.present.spare_kernel import warm_up

    warm_up()
    reader = os.fdopen(requests, encoding="utf-8")
    try:
        answer(replies, {"ready": os.getpid()})
        for line in reader:  # the end of the pipe: the presenter has gone
            pid = os.fork()
            if pid == 0:
                serve_kernel(json.loads(line), requests, replies)
            answer(replies, {"pid": pid})
    except BrokenPipeError:
        pass  # the presenter has gone: so does the zygote, without a word
    os._exit(0)


def answer(replies: int, reply: dict[str, int]) -> None:
    """Write one reply line, unbuffered: nothing is left to flush when the presenter goes."""
    os.write(replies, (json.dumps(reply) + "\n").encode())


def serve_kernel(request: dict[str, Any], *pipes: int) -> None:
    """The forked child: become an IPython kernel as jupyter_client would start it; never return.

    In a session of its own (the presenter signals its process group), in the
    notebook's folder and environment, and ending with this zygote. ipykernel's own
    watch on its parent is not enough: it starts late, and takes a parent that ended
    before it started for one that never will (a subreaper's child).
    """
    code = 1
    try:
        zygote = os.getppid()
        die_with_parent(zygote)
        for fd in pipes:
            os.close(fd)
        name_process(KERNEL_NAME)
        os.setsid()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        quiet = os.open(os.devnull, os.O_RDONLY)
        os.dup2(quiet, 0)
        for signum in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # as a fresh Python has it
        import ipywidgets
        from ipykernel import kernelapp

        argv = [*request["argv"], f"--IPKernelApp.parent_handle={zygote}"]
        sys.argv = [kernelapp.__file__, *argv]
        app = kernelapp.IPKernelApp.instance()
        app.initialize(argv)
        # ipywidgets registers its comm targets on import only if a kernel is running:
        # here it was imported before there was one
        ipywidgets.register_comm_target()
        app.start()
        code = 0
    finally:
        os._exit(code)


if __name__ == "__main__":
    main()
