"""vl-convert, called so that a forked process never waits on it forever.

vl-convert draws with a JavaScript engine that runs on threads of its own, started by
its first call in a process. A fork copies only the thread that forks: a child of a
process whose engine has started (a handouts worker forked from a parent that bundled
Vega, a kernel forked from that worker) would send its chart to threads that are not
there and wait forever. So:

- :func:`convert` calls vl-convert here, unless an ancestor started the engine; then it
  draws in a fresh Python process of its own (``python -m kit.vlconvert``), slower but
  sure;
- :func:`convert_apart` always draws in such a process, for work done once and kept on
  disk (the JavaScript bundles), so that a process that forks kernels never starts the
  engine itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

TIMEOUT = 300
"""Seconds a drawing in a process of its own may take (bundling Vega takes about 2 s)."""
FUNCTIONS = ("vegalite_to_svg", "javascript_bundle")
"""The vl-convert functions the kit calls."""

_started_in: int | None = None
"""The process in which this module started vl-convert's engine (inherited by a fork)."""


def convert(function: str, *args: Any, **kwargs: Any) -> str:
    """``vl_convert.<function>(*args, **kwargs)``, in this process when that is safe.

    Parameters
    ----------
    function : str
        One of :data:`FUNCTIONS`.
    *args, **kwargs
        Its arguments (JSON values).

    Returns
    -------
    str
        What vl-convert returned (an SVG, a JavaScript bundle).
    """
    global _started_in
    if _started_in not in (None, os.getpid()):
        return convert_apart(function, *args, **kwargs)
    import vl_convert as vlc

    convert_now = getattr(vlc, _known(function))
    _started_in = os.getpid()  # a name the kit does not call starts nothing
    return convert_now(*args, **kwargs)


def convert_apart(function: str, *args: Any, **kwargs: Any) -> str:
    """The same as :func:`convert`, always in a fresh Python process of its own.

    Raises
    ------
    ValueError
        What vl-convert raised there (a spec it cannot draw), in one line.
    RuntimeError
        When that process could not run or took longer than :data:`TIMEOUT`.
    """
    call = json.dumps({"function": _known(function), "args": args, "kwargs": kwargs})
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kit.vlconvert"],
            input=call.encode(),
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise RuntimeError(f"vl-convert could not run apart: {error}") from None
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip().splitlines() or ["no message"]
        raise ValueError(f"vl-convert {function}: {said[-1]}")
    return done.stdout.decode()


def _known(function: str) -> str:
    if function not in FUNCTIONS:
        raise ValueError(f"{function!r} is not a vl-convert function the kit calls: {FUNCTIONS}")
    return function


def _serve() -> int:
    """``python -m kit.vlconvert``: one call read as JSON from stdin, its text to stdout."""
    call = json.loads(sys.stdin.buffer.read())
    try:
        made = convert(call["function"], *call["args"], **call["kwargs"])
    except Exception as error:  # noqa: BLE001 - said to the caller in one line
        print(f"{type(error).__name__}: {error}".replace("\n", " "), file=sys.stderr)
        return 1
    sys.stdout.buffer.write(made.encode())
    return 0


if __name__ == "__main__":
    raise SystemExit(_serve())
