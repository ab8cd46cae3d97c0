"""How long the trainer waits for handouts, against the floor of papermill itself.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_handouts.py``). Measures,
each paired with its floor in the same run (the machine's load changes from minute to
minute, so a ratio is only fair between neighbours):

1. the default workshop (every notebook x nl, en; HTML + PDF), ``--repeat`` pairs,
   median ratio;
2. a 30-participant roster (story A, one language, HTML + PDF), one pair;
3. the floor for each: the same number of papermill runs of an empty notebook, each on a
   fresh kernel, in parallel with the same --jobs.

``--floor N`` runs only the floor of N notebooks (the ``--jobs`` given) and exits: the
yardstick for timing ``kit handouts`` as a whole process, pair by pair, with an outside
timer such as ``hyperfine`` or ``/usr/bin/time``. Figures quoted in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
from jupyter_client.manager import KernelManager

TESTS = Path(__file__).resolve().parent.parent / "tests"


class IpcKernelManager(KernelManager):
    """A kernel manager whose kernel talks over Unix sockets, as the kit's kernels do.

    Over TCP, kernels started at the same moment can pick the same free port and one of
    the runs then waits or starts again: a floor that measured those collisions would be
    slow by chance (it ranged 1.3-4.7 s for four runs), and the kit look fast beside it.
    """

    folder: str | None = None  # where the sockets go: the floor's temporary folder

    def __init__(self, **kwargs):
        # sockets in a folder of the run's own: IPC's default name is the same for all
        sockets = tempfile.mkdtemp(prefix="kernel-", dir=self.folder)
        super().__init__(transport="ipc", ip=os.path.join(sockets, "k"), **kwargs)


def empty_run(task: tuple[str, str]) -> None:
    """One plain papermill run of an empty notebook on a fresh kernel, ended at once.

    Ended at once (nbclient's ``shutdown_kernel="immediate"``), as the kit ends its own
    kernels: a polite shutdown interrupts the kernel first, and now and then the kernel
    then took 2.6 s to leave, which made the floor 1.4 s or 4-6 s by chance (and the kit
    look fast beside the slow ones).
    """
    source, output = task
    pm.execute_notebook(
        source,
        output,
        kernel_name="python3",
        progress_bar=False,
        start_timeout=30,
        execution_timeout=30,
        kernel_manager_class=IpcKernelManager,
        shutdown_kernel="immediate",
    )


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
    IpcKernelManager.folder = str(folder)
    tasks = [(str(source), str(folder / f"empty-{i}.ipynb")) for i in range(runs)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pool.map_async(empty_run, tasks, chunksize=1).get(timeout=30 + 10 * runs)
    seconds = time.perf_counter() - started
    for _, output in tasks:  # a floor that failed fast would look fast: check each one ran
        if nbformat.read(output, as_version=4).cells[0].get("execution_count") != 1:
            raise RuntimeError(f"the floor's run {output} did not execute its cell")
    return seconds


def made_up_roster(participants: int) -> str:
    """A roster CSV of ``participants`` people, each with six months of their own."""
    lines = ["name,month_1,month_2,month_3,month_4,month_5,month_6"]
    for i in range(participants):
        months = [(17 * i + 7 * m) % 40 + 5 for m in range(6)]
        lines.append(f"Participant {i + 1}," + ",".join(map(str, months)))
    return "\n".join(lines) + "\n"


def pair(workshop: Path, jobs: int, folder: Path) -> tuple[Any, float]:
    """One kit run of ``workshop`` and, right after it, its floor: (outcome, floor seconds)."""
    from kit.handouts import write_handouts
    from kit.workshop import load_workshop

    outcome = write_handouts(load_workshop(workshop), folder / "handouts", jobs=jobs)
    return outcome, floor(len(outcome.written), jobs, folder)


def show_files(outcome: Any) -> None:
    for written in outcome.written:
        sizes = ", ".join(
            f"{Path(f['path']).suffix[1:]} {f['bytes'] / 1000:.0f} kB" for f in written.files
        )
        print(f"  {written.handout.label:<48} {written.seconds:5.1f} s   {sizes}")


def measure(name: str, workshop: Path, jobs: int, folder: Path, repeat: int) -> None:
    """Print ``repeat`` paired runs of ``workshop`` and the median ratio to the floor."""
    ratios = []
    for attempt in range(repeat):
        outcome, empty = pair(workshop, jobs, folder)
        if attempt == 0:
            show_files(outcome)
        runs = len(outcome.written)
        ratios.append(outcome.seconds / empty)
        print(
            f"{name}: {runs} handouts ({len(outcome.files)} files) in {outcome.seconds:.1f} s "
            f"with --jobs {jobs}; floor ({runs} empty papermill runs) {empty:.1f} s; "
            f"ratio {ratios[-1]:.2f}x; {outcome.seconds / runs:.2f} s a handout"
        )
    if repeat > 1:
        print(f"{name}: median ratio of {repeat} pairs {statistics.median(ratios):.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3, help="pairs for the default workshop")
    parser.add_argument("--floor", type=int, metavar="N", help="run only the floor of N notebooks")
    args = parser.parse_args()
    if args.floor is not None:
        with tempfile.TemporaryDirectory(prefix="kit-floor-") as tmp:
            floor(args.floor, args.jobs, Path(tmp))
        return 0
    # the kit is imported here only: the floor's own process imports papermill alone
    sys.path.insert(0, str(TESTS))
    from helpers import roster_workshop  # the tests' roster workshop, shared

    from kit.workshop import DEFAULT_WORKSHOP

    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        folder = Path(tmp)
        measure("default workshop", DEFAULT_WORKSHOP, args.jobs, folder, args.repeat)
        roster = roster_workshop(folder, made_up_roster(args.participants))
        measure(f"{args.participants}-participant roster", roster, args.jobs, folder, 1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
