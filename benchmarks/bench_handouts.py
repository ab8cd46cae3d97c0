"""How long the trainer waits for handouts, against the floor of papermill itself.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench_handouts.py``). Times
``kit handouts`` as a whole process (what the trainer waits for: start-up, imports, the
run), each run paired with its floor, also a whole process, timed right after it (the
machine's load changes from minute to minute, so a ratio is only fair between neighbours):

1. the default workshop (every notebook x nl, en; HTML + PDF), ``--repeat`` pairs, median
   ratio: printed for the first time (no PDF in the kit's cache), and again with the
   same pages (the PDFs copied from the cache);
2. a 30-participant roster (story A, one language, HTML + PDF), one pair each way;
3. the floor for each: the same number of papermill runs of an empty notebook, each on a
   fresh kernel, in parallel with the same --jobs (``--floor N`` runs only that and exits).

The drawn charts and simulated grids come from the user's cache (warm, as a trainer's
second run finds them); the PDFs go to a cache of the benchmark's own, emptied before
each first print. Figures quoted in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm
from jupyter_client.manager import KernelManager


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


ROSTER_WORKSHOP = """\
title: "A workshop with a roster"
date: 2025-03-14
coach: "Coach of the workshop"
organisation: "Workshop kit"
languages: [en]
roster: roster.csv
notebooks:
  nocure: {}
"""
"""Story A in English, the room's handout and one per participant of ``roster.csv``."""


def roster_workshop(folder: Path, participants: int) -> Path:
    """A workshop file with a roster of ``participants`` people, each with six months."""
    lines = ["name,month_1,month_2,month_3,month_4,month_5,month_6"]
    for i in range(participants):
        months = [(17 * i + 7 * m) % 40 + 5 for m in range(6)]
        lines.append(f"Participant {i + 1}," + ",".join(map(str, months)))
    (folder / "roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    workshop = folder / "workshop.yaml"
    workshop.write_text(ROSTER_WORKSHOP, encoding="utf-8")
    return workshop


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (its own and its children's) of ``command`` as a whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:  # a run that failed fast would look fast
        raise RuntimeError(f"{' '.join(command)} failed:\n{run.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bench_cache(folder: Path) -> dict[str, str]:
    """An environment whose kit cache shares the user's charts and grids, but not PDFs."""
    from kit.cache import cache_dir

    real = cache_dir()
    home = folder / "cache"
    (home / "workshop-kit").mkdir(parents=True, exist_ok=True)
    for drawn in ("grids", "live", "js", "svg"):
        (real / drawn).mkdir(parents=True, exist_ok=True)
        link = home / "workshop-kit" / drawn
        if not link.exists():
            link.symlink_to(real / drawn, target_is_directory=True)
    return {**os.environ, "XDG_CACHE_HOME": str(home)}


def forget_pdfs(env: dict[str, str]) -> None:
    """Empty the benchmark's own cache of printed PDFs (and of the runs that found them)."""
    from kit.handouts.pdf import PDF_CACHE, RUNS_CACHE

    for folder in (PDF_CACHE, RUNS_CACHE):
        shutil.rmtree(Path(env["XDG_CACHE_HOME"]) / "workshop-kit" / folder, ignore_errors=True)


def measure(name: str, workshop: Path | None, args: argparse.Namespace, folder: Path) -> None:
    """Print paired whole-process runs of ``workshop``: first prints, then again, with ratios."""
    env = bench_cache(folder)
    kit = [sys.executable, "-m", "kit", "handouts", "--jobs", str(args.jobs)]
    kit += [str(workshop)] if workshop else []
    out = folder / "handouts"
    repeat = args.repeat if workshop is None else 1
    for how, fresh in (("first print", True), ("printed before", False)):
        ratios, cpus = [], []
        if not fresh:
            timed([*kit, "--out", str(out)], env)  # fills the cache when the last was cut
        for _ in range(repeat):
            if fresh:
                forget_pdfs(env)
            wall, cpu = timed([*kit, "--out", str(out)], env)
            runs = len(json.loads((out / "manifest.json").read_text())["handouts"])
            floor_wall, floor_cpu = timed(
                [sys.executable, __file__, "--floor", str(runs), "--jobs", str(args.jobs)]
            )
            ratios.append(wall / floor_wall)
            cpus.append(cpu / floor_cpu)
            print(
                f"{name}, {how}: {runs} handouts in {wall:.2f} s ({cpu:.1f} s CPU); "
                f"floor ({runs} empty papermill runs) {floor_wall:.2f} s ({floor_cpu:.1f} s CPU); "
                f"ratio {ratios[-1]:.2f}x wall, {cpus[-1]:.2f}x CPU"
            )
        if repeat > 1:
            print(
                f"{name}, {how}: median of {repeat} pairs {statistics.median(ratios):.2f}x wall "
                f"({min(ratios):.2f}-{max(ratios):.2f}x), {statistics.median(cpus):.2f}x CPU"
            )


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
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        folder = Path(tmp)
        measure("default workshop", None, args, folder)
        roster = roster_workshop(folder, args.participants)
        measure(f"{args.participants}-participant roster", roster, args, folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
