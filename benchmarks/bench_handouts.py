"""How long the trainer waits for handouts, against the floor of papermill itself.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_handouts.py``). Measures:

1. the default workshop (every notebook x nl, en; HTML + PDF), per handout and in total;
2. a 30-participant roster (story A, one language, HTML + PDF), in total;
3. the floor for each: the same number of papermill runs of an empty notebook, each on a
   fresh kernel, in parallel with the same --jobs.

Figures quoted in the README's "Handouts" section.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm

from kit.handouts import write_handouts
from kit.workshop import DEFAULT_WORKSHOP, load_workshop


def empty_run(task: tuple[str, str]) -> None:
    """One plain papermill run on a fresh kernel (TCP ports picked by jupyter_client).

    Kernels started at the same moment can pick the same free port; such a run is
    repeated, as a trainer would.
    """
    source, output = task
    for attempt in range(3):
        try:
            pm.execute_notebook(source, output, kernel_name="python3", progress_bar=False)
            return
        except (ValueError, RuntimeError):
            if attempt == 2:
                raise


def floor(runs: int, jobs: int, folder: Path) -> float:
    """Seconds for ``runs`` papermill runs of an empty notebook, ``jobs`` at a time."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    source = folder / "empty.ipynb"
    nbformat.write(notebook, source)
    tasks = [(str(source), str(folder / f"empty-{i}.ipynb")) for i in range(runs)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pool.map(empty_run, tasks, chunksize=1)
    return time.perf_counter() - started


def made_up_roster(participants: int) -> str:
    """A roster CSV of ``participants`` people, each with six months of their own."""
    lines = ["name,month_1,month_2,month_3,month_4,month_5,month_6"]
    for i in range(participants):
        months = [(17 * i + 7 * m) % 40 + 5 for m in range(6)]
        lines.append(f"Participant {i + 1}," + ",".join(map(str, months)))
    return "\n".join(lines) + "\n"


def roster_workshop(folder: Path, roster: str) -> Path:
    """The default workshop, story A only, in English, with ``roster`` (CSV text) beside it."""
    (folder / "roster.csv").write_text(roster, encoding="utf-8")
    text = DEFAULT_WORKSHOP.read_text(encoding="utf-8")
    text = text.replace("languages: [nl, en]", "languages: [en]")
    text = text.replace("# roster: roster_example.csv", "roster: roster.csv")
    text = re.sub(r"\n  referrals:\n(    .*\n)*", "\n", text)
    path = folder / "workshop.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def measure(name: str, workshop: Path, jobs: int, folder: Path, per_file: bool) -> None:
    loaded = load_workshop(workshop)
    outcome = write_handouts(loaded, folder / name, jobs=jobs)
    runs = len(outcome.written)
    empty = floor(runs, jobs, folder)
    if per_file:
        for written in outcome.written:
            sizes = ", ".join(
                f"{Path(f['path']).suffix[1:]} {f['bytes'] / 1000:.0f} kB" for f in written.files
            )
            print(f"  {written.handout.label:<48} {written.seconds:5.1f} s   {sizes}")
    print(
        f"{name}: {runs} handouts ({len(outcome.files)} files) in {outcome.seconds:.1f} s "
        f"with --jobs {jobs}; floor ({runs} empty papermill runs) {empty:.1f} s; "
        f"ratio {outcome.seconds / empty:.2f}x; {outcome.seconds / runs:.2f} s a handout"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--participants", type=int, default=30)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        folder = Path(tmp)
        measure("default workshop", DEFAULT_WORKSHOP, args.jobs, folder, per_file=True)
        roster = roster_workshop(folder, made_up_roster(args.participants))
        measure(f"{args.participants}-participant roster", roster, args.jobs, folder, False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
