"""vl-convert in a forked process: drawn in a process of its own, never waited on forever."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

from kit import vlconvert

SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "data": {"values": [{"month": 1, "forms": 20}, {"month": 2, "forms": 15}]},
    "mark": "bar",
    "encoding": {
        "x": {"field": "month", "type": "ordinal"},
        "y": {"field": "forms", "type": "quantitative"},
    },
}

FORKED = f"""
import os, sys
from kit import vlconvert
spec = {SPEC!r}
vlconvert.convert("vegalite_to_svg", spec)  # the engine starts here, on threads of its own
child = os.fork()
if child == 0:  # a kernel forked from a worker that drew: the engine's threads are not here
    svg = vlconvert.convert("vegalite_to_svg", spec)
    os._exit(0 if svg.startswith("<svg") else 3)
_, status = os.waitpid(child, 0)
print(os.waitstatus_to_exitcode(status))
"""


def test_a_fork_of_a_process_that_drew_draws_too():
    """Before, the child sent its chart to threads a fork does not copy and waited forever."""
    done = subprocess.run(
        [sys.executable, "-c", FORKED], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"


def test_drawn_apart_is_drawn_the_same():
    assert vlconvert.convert_apart("vegalite_to_svg", SPEC) == vlconvert.convert(
        "vegalite_to_svg", SPEC
    )


def test_a_bundle_is_made_apart_and_starts_no_engine_here(tmp_path, monkeypatch):
    """`kit handouts` forks its workers after bundling Vega: the bundle must not start the
    engine in the process that forks (a fresh machine's first run hung on it)."""
    code = (
        "import os, pathlib\n"
        f"os.environ['XDG_CACHE_HOME'] = {str(tmp_path)!r}\n"
        "from kit.kernelfree.embed import packed_bundle_script\n"
        "assert 'kit-vega-bundle' in packed_bundle_script()\n"
        "tasks = pathlib.Path('/proc/self/task').glob('*/comm')\n"
        "threads = [t.read_text().strip() for t in tasks]\n"
        "print(sorted({t for t in threads if t.startswith(('tokio', 'V8'))}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"  # no thread of vl-convert's engine in this process


@pytest.mark.parametrize(
    ("function", "args", "said"),
    [
        ("svg_to_png", (), "not a vl-convert function the kit calls"),
        ("vegalite_to_svg", ({"mark": "no-such-mark"},), "vl-convert vegalite_to_svg: "),
    ],
)
def test_a_call_that_fails_apart_says_why_in_one_line(function, args, said):
    with pytest.raises(ValueError, match=said) as raised:
        vlconvert.convert_apart(function, *args)
    assert "\n" not in str(raised.value)
