"""Hostile and oversized workshop files and rosters are refused at once, in bounded memory.

Each hostile file is loaded in a child process whose address space is capped with
``resource.setrlimit(RLIMIT_AS)`` and whose run is capped by a timeout, so that a
regression (a walk that follows aliases, a recursion without end) fails the test
instead of eating the machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from unittest import mock

import pytest

from kit.workshop import MAX_BYTES, WorkshopError, load_workshop
from kit.workshop.safe_yaml import MAX_ALIASES, MAX_DEPTH, MAX_NODES

MEMORY_MB = 1024  # the kit imports in ~120 MB; a billion laughs grew to 4 GB
SECONDS = 60

LOADER = textwrap.dedent(
    """
    import resource, sys, time
    limit = int(sys.argv[2]) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from kit.workshop import WorkshopError, load_workshop
    started = time.perf_counter()
    try:
        load_workshop(sys.argv[1])
    except WorkshopError as error:
        print("REFUSED", str(error))
    else:
        print("LOADED")
    print(f"SECONDS {time.perf_counter() - started:.3f}")
    """
)

HEADER = """\
title: Laughs
date: 2025-03-14
coach: Nobody
organisation: Nowhere
"""


def laughs(levels: int = 9, width: int = 9) -> str:
    """The classic: each level lists the one before ``width`` times."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        items = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"l{level}: &l{level} [{items}]")
    return "\n".join(lines) + "\n"


def mapping_laughs(levels: int, width: int = 9) -> str:
    """The same with mappings: each level maps ``width`` keys to the level before."""
    lines = [f"m0: &m0 {{{', '.join(f'k{i}: lol' for i in range(width))}}}"]
    for n in range(1, levels):
        items = ", ".join(f"k{i}: *m{n - 1}" for i in range(width))
        lines.append(f"m{n}: &m{n} {{{items}}}")
    return "\n".join(lines) + "\n"


def alias_tower(levels: int) -> str:
    """Each anchor nests the one before three levels deeper: shallow as typed, deep expanded."""
    lines = ["t0: &t0 [[[1]]]"]
    lines += [f"t{n}: &t{n} [[[*t{n - 1}]]]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def block_nesting(levels: int) -> str:
    return "".join(" " * level + "k:\n" for level in range(levels)) + " " * levels + "k: 1\n"


HOSTILE = {
    # name: (file text, words in the message, line of the refusal)
    "billion laughs": (HEADER + laughs(), [f"more than {MAX_ALIASES} aliases"], 11),
    "laughs under the alias limit": (
        HEADER + laughs(levels=5),  # 36 aliases, 9**5 values
        [f"aliases expand to more than {MAX_NODES:,} values"],
        None,
    ),
    "mapping laughs": (
        HEADER + mapping_laughs(levels=5),
        [f"aliases expand to more than {MAX_NODES:,} values"],
        None,
    ),
    "laughs inside the results": (
        HEADER + laughs(levels=5) + "notebooks:\n  nocure:\n    results: *l4\n",
        [f"aliases expand to more than {MAX_NODES:,} values"],
        None,
    ),
    "a doubling tower": (
        # 46 aliases that would expand to 2**24 values, refused for their depth first
        HEADER
        + "d0: &d0 [lol, lol]\n"
        + "".join(f"d{n}: &d{n} [*d{n - 1}, *d{n - 1}]\n" for n in range(1, 24)),
        [f"aliases nest deeper than {MAX_DEPTH} levels"],
        None,
    ),
    "an alias inside itself": (
        HEADER + "notebooks: &loop {nocure: *loop}\n",
        ["an alias refers to the value that contains it"],
        5,
    ),
    "a list inside itself": (
        HEADER + "languages: &loop [*loop]\n",
        ["an alias refers to the value that contains it"],
        5,
    ),
    "a wide list of aliases": (
        HEADER + "x: &x 1\ny: [" + ", ".join(["*x"] * 5000) + "]\n",
        [f"more than {MAX_ALIASES} aliases"],
        6,
    ),
    "deep flow lists": (
        HEADER + "notebooks: " + "[" * 100_000 + "]" * 100_000 + "\n",
        [f"nested deeper than {MAX_DEPTH} levels"],
        5,
    ),
    "deep flow mappings": (
        HEADER + "notebooks: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n",
        [f"nested deeper than {MAX_DEPTH} levels"],
        5,
    ),
    "deep block mappings": (
        HEADER + block_nesting(600),
        [f"nested deeper than {MAX_DEPTH} levels"],
        5 + MAX_DEPTH - 1,
    ),
    "deep block lists": (
        HEADER + "notebooks:\n" + "- " * 100_000 + "1\n",
        [f"nested deeper than {MAX_DEPTH} levels"],
        6,
    ),
    "deep through aliases": (
        HEADER + alias_tower(10),
        [f"aliases nest deeper than {MAX_DEPTH} levels"],
        None,
    ),
    "a long flat list": (
        HEADER + "notebooks:\n  nocure:\n    results: [" + ", ".join(["1"] * 200_000) + "]\n",
        [f"more than {MAX_NODES:,} values"],
        7,
    ),
}


def load_bounded(path) -> tuple[str, float]:
    """Load ``path`` in a child process capped in memory and time: its verdict and seconds."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}  # one thread: less address space
    done = subprocess.run(
        [sys.executable, "-c", LOADER, str(path), str(MEMORY_MB)],
        capture_output=True,
        text=True,
        timeout=SECONDS,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    verdict, seconds = done.stdout.strip().splitlines()
    return verdict, float(seconds.split()[1])


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_yaml_is_refused_in_one_line_within_bounds(tmp_path, name):
    text, words, line = HOSTILE[name]
    assert len(text.encode()) <= MAX_BYTES, "the case must get past the size check"
    path = tmp_path / "workshop.yaml"
    path.write_text(text, encoding="utf-8")
    verdict, seconds = load_bounded(path)
    assert verdict.startswith(f"REFUSED {path}, line "), verdict
    if line is not None:
        assert verdict.startswith(f"REFUSED {path}, line {line}, "), verdict
    for word in words:
        assert word in verdict
    assert seconds < 10, f"{name}: {seconds:.1f} s"


def test_the_518_byte_file_from_the_report_is_refused_at_once(tmp_path):
    # the reported file: 518 bytes, nine levels of nine aliases, 4 GB in 30 s before
    text = laughs()
    text += "#" * (518 - len(text.encode()) - 1) + "\n"
    path = tmp_path / "laughs.yaml"
    path.write_text(text)
    assert path.stat().st_size == 518
    verdict, seconds = load_bounded(path)
    assert "aliases" in verdict and seconds < 1


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as file:
        file.write(HEADER.encode())
        file.truncate(50 * 2**20)  # sparse: the size is there, the bytes are not read
    opened = []
    real_open = Path.open

    def recording_open(self, *args, **kwargs):
        opened.append(self)
        return real_open(self, *args, **kwargs)

    with pytest.raises(WorkshopError) as caught, mock.patch.object(Path, "open", recording_open):
        load_workshop(path)
    assert path not in opened  # refused on its size alone: not a byte was read
    assert str(caught.value) == (
        f"{path}: is 52,428,800 bytes, too big for a workshop file: "
        f"at most {MAX_BYTES:,} bytes (1 MB)"
    )


def test_a_24_mb_results_list_is_refused_at_once(tmp_path):
    path = tmp_path / "results.yaml"
    numbers = ", ".join(["12"] * (6 * 2**20))
    path.write_text(HEADER + f"notebooks:\n  nocure:\n    results: [{numbers}]\n")
    assert path.stat().st_size > 24_000_000
    verdict, _ = load_bounded(path)
    assert verdict.startswith(f"REFUSED {path}: is ") and "too big" in verdict


def test_a_file_that_never_ends_is_not_read(tmp_path):
    with pytest.raises(WorkshopError, match="is not a regular file"):
        load_workshop("/dev/zero")


def test_just_under_the_limit_is_still_read(tmp_path):
    # a long comment is harmless: the limit is on bytes, and the parser skips comments
    text = HEADER + "notebooks:\n  nocure:\n    target: 90\n"
    text += "#" * (MAX_BYTES - len(text) - 1) + "\n"
    path = tmp_path / "long.yaml"
    path.write_text(text)
    assert path.stat().st_size == MAX_BYTES
    assert load_workshop(path).notebooks["nocure"]["target"] == 90


def roster_workshop(tmp_path, roster: str | bytes):
    path = tmp_path / "roster.csv"
    path.write_bytes(roster if isinstance(roster, bytes) else roster.encode())
    workshop = tmp_path / "workshop.yaml"
    workshop.write_text(HEADER + "roster: roster.csv\nnotebooks:\n  nocure:\n")
    return workshop


def test_a_roster_too_big_is_refused_before_it_is_read(tmp_path):
    rows = "".join(f"Participant {n},1,2,3,4,5,6\n" for n in range(60_000))
    workshop = roster_workshop(
        tmp_path, "name,month_1,month_2,month_3,month_4,month_5,month_6\n" + rows
    )
    verdict, _ = load_bounded(workshop)
    assert verdict.startswith(f"REFUSED {tmp_path / 'roster.csv'}: is ")
    assert "too big for a roster" in verdict


def test_a_giant_cell_in_a_roster_is_one_line(tmp_path):
    workshop = roster_workshop(tmp_path, "name\nAnna\n" + "B" * 500_000 + "\n")
    verdict, _ = load_bounded(workshop)
    assert verdict.startswith(f"REFUSED {tmp_path / 'roster.csv'}, line 3")
