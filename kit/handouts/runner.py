"""Running the notebooks: worker processes, each with one warm kernel, and one printer.

papermill runs each handout's notebook with the workshop's parameters. Each worker keeps
one kernel warm and clears its namespace before every run (``%reset -f``); that kernel is
a fork of the worker, which has Python, Altair, pandas and the kit imported already, so
no handout pays for starting Python or for those imports. A run that fails ends its
kernel, so the next one starts on a fresh kernel. Randomness in the
kit always takes the explicit ``seed``, so a warm kernel gives the same numbers as a
fresh one. A worker writes the executed notebook to the stage folder and its page's
sliders to the kit's cache; the run's own process exports the HTML from them and hands
the page on: the run's one browser (:class:`~kit.handouts.pdf.PrintingProcess`) prints
it while the worker's kernel runs the next notebook.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.util
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError

from kit.handouts.errors import HandoutError
from kit.handouts.manifest import Written, file_record
from kit.handouts.pdf import Printer, PrintingProcess, RunHint
from kit.handouts.plan import LIVE_ONLY, TRY_IT, Handout
from kit.handouts.scratch import Scratch, run_scratch
from kit.handouts.signals import descendants, held_signals, stop_processes
from kit.handouts.sliders import live_charts
from kit.linux import die_with_parent
from kit.stops import let_stops_through, stops_held

KERNEL = "python3"
KERNEL_ARGUMENTS = ("--HistoryManager.hist_file=:memory:",)
"""Keep each kernel's input history in memory, as nbclient does: kernels that share
IPython's history database on disk race for its session numbers and print an
"ERROR! Session/line number was not unique in database" line into the handout."""
CELL_TIMEOUT = 600
"""Seconds one notebook cell may run before its handout fails."""
STALL_TIMEOUT = 900
"""Seconds without any handout finishing before the whole run is called stuck."""
ENGINE = "kit-warm-kernel"
WARM_UP = "from kit.stories import STORIES\nfor entry in STORIES.values():\n    entry.story\n"
"""What a new kernel runs before its first notebook: import every story's code."""
RESET_NAMESPACE = "get_ipython().run_line_magic('reset', '-f')\nget_ipython().execution_count = 1\n"
READY_TIMEOUT = 60
"""Seconds a new kernel may take to answer before the handout fails."""


@dataclass
class Ran:
    """A handout whose notebook has run (in a worker): what is left is to export and print it.

    The executed notebook is in the stage folder and its page's sliders are in the kit's
    cache (:func:`~kit.handouts.sliders.live_charts`): what a worker hands back stays
    small, and is written at once even when the run was killed meanwhile.

    Parameters
    ----------
    handout : Handout
    seconds : float
        How long the run took.
    """

    handout: Handout
    seconds: float


class ForkedKernel:
    """A kernel forked from this worker, with Python, IPython, pandas, Altair and the kit imported.

    The worker has them from the run that forked it. A kernel started the usual way
    starts Python anew and imports all of that again: 1.2-1.4 s of a core a worker. The
    fork is ready in about a tenth of that, and runs the same code on the same libraries
    (a test compares its handouts with a fresh kernel's). A process may only fork while
    it has no other thread (the fork copies only the thread that calls it): a pool worker
    as it starts. It has what nbclient asks of a kernel manager it does not own:
    ``has_kernel``, ``is_alive`` and ``interrupt_kernel``.

    Parameters
    ----------
    cwd : str
        The kernel's working folder (the notebooks').
    sockets : str
        A private folder for its connection file and Unix sockets.
    """

    has_kernel = True

    def __init__(self, cwd: str, sockets: str) -> None:
        self.connection_file = os.path.join(sockets, "kernel.json")
        write_connection_file(
            self.connection_file,
            ip=os.path.join(sockets, "k"),
            transport="ipc",
            key=uuid.uuid4().hex.encode(),
            kernel_name=KERNEL,
        )
        parent = os.getpid()
        self.pid = os.fork()
        if self.pid == 0:
            _serve_kernel(cwd, self.connection_file, parent)

    async def is_alive(self) -> bool:
        """Whether the kernel still runs (an ended one is reaped here)."""
        try:
            return os.waitpid(self.pid, os.WNOHANG) == (0, 0)
        except ChildProcessError:
            return False

    async def interrupt_kernel(self) -> None:
        """Interrupt the running cell (a cell over its time limit)."""
        os.kill(self.pid, signal.SIGINT)

    async def shutdown_kernel(self, now: bool = True) -> None:
        """End the kernel at once: nothing in it needs a goodbye."""
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass

    def client(self) -> AsyncKernelClient:
        """A client for this kernel (not yet connected)."""
        client = AsyncKernelClient(connection_file=self.connection_file)
        client.load_connection_file()
        return client


def _serve_kernel(cwd: str, connection_file: str, parent: int) -> None:
    """The forked child: become an IPython kernel on ``connection_file``; never return.

    As a kernel started the usual way: in a session of its own (Ctrl-C in the terminal
    reaches the run, not the kernel), in the notebooks' folder, its stderr silent, its
    history in memory; and it leaves when its worker is gone (at once, by Linux's hand:
    :func:`~kit.linux.die_with_parent`).
    """
    code = 1
    try:
        os.setsid()
        die_with_parent(parent)
        # Everything inherited stays alive for the kernel's life: leave it out of every
        # collection (``%reset`` collects twice, 0.15 s over this heap; 0.015 s frozen).
        gc.freeze()
        os.chdir(cwd)
        quiet = os.open(os.devnull, os.O_RDWR)
        os.dup2(quiet, 0)
        os.dup2(quiet, 2)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        from ipykernel import kernelapp

        sys.argv = [kernelapp.__file__, "-f", connection_file]
        app = kernelapp.IPKernelApp.instance()
        app.initialize(
            ["-f", connection_file, *KERNEL_ARGUMENTS, f"--IPKernelApp.parent_handle={parent}"]
        )
        app.start()
        code = 0
    finally:
        os._exit(code)


class WarmKernel:
    """One kernel per worker process, started on first use and reused for every run.

    A pool worker's first kernel is a :class:`ForkedKernel` (the kit already imported);
    a kernel started later (after a failed run) or in any other process is started anew.
    It talks over Unix sockets in a private folder (IPC transport): no TCP ports to pick,
    so kernels started at the same moment by other workers or programs cannot collide.
    Its client stays connected between runs (a new one takes 0.2 s to be ready), and
    the kernel clears its namespace right after each run, while the worker exports and
    prints that handout.
    """

    def __init__(self) -> None:
        self.manager: AsyncKernelManager | ForkedKernel | None = None
        self.client: AsyncKernelClient | None = None
        self.cwd: str | None = None
        self.sockets: str | None = None
        self.root: str | None = None  # where the sockets folder goes (the pool's, if any)
        self.may_fork = False
        """Whether the next kernel may be a fork of this process (set by a worker as it starts)."""

    def get(self, cwd: str) -> tuple[AsyncKernelManager | ForkedKernel, AsyncKernelClient]:
        """The warm kernel and its client, started in ``cwd`` (again, if it died or moved)."""
        if self.manager is not None and self.cwd == cwd and run_sync(self.manager.is_alive)():
            return self.manager, self.client
        self.shutdown()
        # short names: a Unix socket's path may not exceed about 100 characters
        self.sockets = tempfile.mkdtemp(prefix="w-" if self.root else "kit-kernel-", dir=self.root)
        if self.may_fork:
            # once: this process has threads from now on (the client's), and a kernel
            # started after a failed run starts anew, as usual
            self.may_fork = False
            self.manager, self.cwd = ForkedKernel(cwd, self.sockets), cwd
            return self.manager, self._connect(self.manager)
        manager = AsyncKernelManager(
            kernel_name=KERNEL,
            transport="ipc",
            ip=os.path.join(self.sockets, "k"),
            connection_file=os.path.join(self.sockets, "kernel.json"),
        )
        # The kernel's own start-up warnings would only clutter the trainer's terminal.
        run_sync(manager.start_kernel)(
            cwd=cwd, stderr=subprocess.DEVNULL, extra_arguments=list(KERNEL_ARGUMENTS)
        )
        self.manager, self.cwd = manager, cwd
        if not run_sync(manager.is_alive)():
            raise HandoutError("the Python kernel stopped right after it started")
        return manager, self._connect(manager)

    def _connect(self, manager: AsyncKernelManager | ForkedKernel) -> AsyncKernelClient:
        client = manager.client()
        client.start_channels()
        self.client = client
        run_sync(until_ready)(client, manager.is_alive, READY_TIMEOUT)
        client.allow_stdin = False
        return client

    def clear_soon(self) -> None:
        """Have the kernel clear its namespace before it runs anything else.

        The kernel runs requests in order, so the next notebook starts on a clean
        namespace; the reply is not awaited (the next run's client passes over it).
        """
        if self.client is not None:
            self.client.execute(RESET_NAMESPACE, silent=True, store_history=False)

    def shutdown(self) -> None:
        """Stop the kernel (kill it if it does not answer) and remove its sockets."""
        if self.client is not None:
            client, self.client = self.client, None
            client.stop_channels()
        if self.manager is not None:
            manager, self.manager = self.manager, None
            try:
                run_sync(manager.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - a kernel that is already gone is fine
                self._kill(manager)
        if self.sockets is not None:
            shutil.rmtree(self.sockets, ignore_errors=True)
            self.sockets = None

    @staticmethod
    def _kill(manager: AsyncKernelManager | ForkedKernel) -> None:
        process = getattr(getattr(manager, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()


async def until_ready(client: AsyncKernelClient, is_alive: Callable, timeout: float) -> None:
    """Wait until a new kernel answers on its shell channel and publishes on IOPub.

    jupyter_client's ``wait_for_ready`` does the same but polls the heartbeat every
    0.2 s and then listens for 0.2 s more to empty IOPub: about 0.4 s a kernel where the
    forked kernels answer in 0.1-0.25 s. Here the kernel is asked for its info until
    it replies and IOPub carries the status of that very request (IOPub drops what is
    published before it connects, so a reply alone does not prove it is connected).

    Raises
    ------
    HandoutError
        When the kernel stops, or does not answer within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        asked = client.kernel_info()
        if await _answered(client.get_shell_msg, asked, "kernel_info_reply", 1.0):
            if await _answered(client.get_iopub_msg, asked, "status", 0.05):
                return
        if not await is_alive():
            raise HandoutError("the Python kernel stopped before it was ready")
    raise HandoutError(f"the Python kernel did not answer within {timeout} s")


async def _answered(receive: Callable, asked: str, kind: str, wait: float) -> bool:
    """Whether a ``kind`` message in answer to request ``asked`` arrives within ``wait`` s."""
    until = time.monotonic() + wait
    while (left := until - time.monotonic()) > 0:
        try:
            message = await receive(timeout=left)
        except queue.Empty:
            return False
        if message["msg_type"] == kind and message["parent_header"].get("msg_id") == asked:
            return True
    return False


_KERNEL = WarmKernel()
_PRINTER = Printer()
"""The printer of :func:`write_handout` called on its own (a run prints in a process of its own)."""
_PARENT: int | None = None
"""The process that started this worker (set by the pool's initializer)."""


class WarmKernelEngine(NBClientEngine):
    """A papermill engine that runs on this worker's warm kernel, namespace cleared after."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        kernel_cwd=None,
        **kwargs,
    ):
        """Execute ``nb_man``'s notebook on the warm kernel started in ``kernel_cwd``."""
        manager, kernel_client = _KERNEL.get(kernel_cwd or os.getcwd())
        _steady_cell_ids(nb_man.nb)
        client = PapermillNotebookClient(
            nb_man,
            km=manager,
            kernel_name=kernel_name,
            startup_timeout=start_timeout,
            timeout=execution_timeout,
            log=pm.log.logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        client.kc = kernel_client  # connected and ready: nbclient uses it as it is
        executed = client.execute()  # a cell's error is raised after, by papermill
        _KERNEL.clear_soon()
        return executed


INJECTED = "injected-parameters"
"""papermill's tag (and, in a handout, the id) of the cell it injects with the parameters."""


def _steady_cell_ids(notebook: nbformat.NotebookNode) -> None:
    """Give papermill's injected cell a fixed id instead of its random one.

    With it, the same parameters give the same page, byte for byte (the executed
    notebook differs only in papermill's times), so that a page printed before is found
    in the cache (:mod:`kit.handouts.pdf`) and two runs' pages can be compared with ``diff``.
    """
    for cell in notebook.cells:
        if INJECTED in cell.get("metadata", {}).get("tags", []):
            cell["id"] = INJECTED


def run_all(
    plan: list[Handout],
    stage: Path,
    jobs: int,
    report: Callable | None = None,
    scratch: Scratch | None = None,
) -> list[Written]:
    """Write every handout of ``plan`` into ``stage`` with ``jobs`` worker processes.

    Parameters
    ----------
    plan : list of Handout
    stage : Path
        The stage folder.
    jobs : int
        Worker processes (each with one warm kernel); the one browser prints as many
        PDFs at a time.
    report : callable, optional
        Called as ``report(done, total, written)`` after each handout.
    scratch : Scratch, optional
        The run's scratch, opened early (:func:`~kit.handouts.scratch.run_scratch`) so
        that the browser is starting already; closed by the caller. Without it, the
        run opens and closes its own.

    Returns
    -------
    list of Written
        In the plan's order.

    Raises
    ------
    HandoutError
        The first handout that failed; the workers are stopped at once.
    """
    if not plan:
        return []
    jobs = min(jobs, len(plan))
    if scratch is None:
        pdf = any("pdf" in handout.formats for handout in plan)
        with run_scratch(pdf, jobs, planned_run(plan)) as own:
            return _run_pool(plan, stage, jobs, report, own)
    return _run_pool(plan, stage, jobs, report, scratch)


def planned_run(plan: list[Handout]) -> RunHint:
    """What names a run of ``plan`` for the printer's guess whether it needs the browser.

    Every handout as planned (parameters, cover, participant, formats) and the folders
    of the notebooks it runs.

    Parameters
    ----------
    plan : list of Handout

    Returns
    -------
    RunHint
    """
    return RunHint(tuple(map(repr, plan)), tuple(sorted({h.notebook for h in plan})))


def _run_pool(
    plan: list[Handout], stage: Path, jobs: int, report: Callable | None, scratch: Scratch
) -> list[Written]:
    """Start the workers (and the printer, if not yet), hand them the plan, collect, stop them.

    The workers run the notebooks; this process exports each page as its notebook comes
    back, and hands it to the printer. The workers start before nbconvert is even
    imported here: its import and the export's first compile (0.5-0.9 s) are done while
    the first notebooks run.
    """
    events = scratch.events
    printer = pool = None
    try:
        if any("pdf" in handout.formats for handout in plan):
            printer = scratch.start_printer(jobs)  # already starting, as a rule
        notebooks = _notebook_dir(plan[0])
        # a process half-started when Ctrl-C came would be one nobody stops: signals wait
        with stops_held():
            pool = multiprocessing.get_context("fork").Pool(
                jobs, initializer=_start_worker, initargs=(scratch.folder, notebooks)
            )
        for index, handout in enumerate(plan):
            pool.apply_async(
                _write_in_worker,
                ((handout, str(stage)),),
                callback=lambda result, index=index: events.put(("ran", index, result)),
                error_callback=lambda error, index=index: events.put(
                    ("ran", index, HandoutError(f"{plan[index].label}: {error}"))
                ),
            )
        _ready_export(_one_per_language(plan))
        written = _collect(plan, stage, events, printer, report)
        if printer is not None:
            scratch.note_whole_run()
    finally:
        with held_signals():  # a second Ctrl-C must not stop the stopping
            _stop_pool(pool, scratch)
    order = {handout.stem: index for index, handout in enumerate(plan)}
    return sorted(written, key=lambda w: order[w.handout.stem])


def _collect(
    plan: list[Handout],
    stage: Path,
    events: queue.SimpleQueue,
    printer: PrintingProcess | None,
    report: Callable | None,
) -> list[Written]:
    """Wait for every handout: run by a worker, exported here, then printed (if asked for).

    Raises
    ------
    HandoutError
        The first failure, or when nothing finished for ``STALL_TIMEOUT`` seconds.
    """
    written: list[Written] = []
    printing: dict[int, tuple[Written, float]] = {}
    while len(written) < len(plan):
        try:
            kind, index, result = events.get(timeout=STALL_TIMEOUT)
        except queue.Empty:
            raise HandoutError(
                f"no handout finished in {STALL_TIMEOUT} s; a notebook run or a PDF is stuck "
                f"(done: {len(written)} of {len(plan)})"
            ) from None
        if kind == "ran":
            if isinstance(result, HandoutError):
                raise result
            result = exported(result, stage)
            if "pdf" in result.handout.formats:
                base = stage / result.handout.stem
                printing[index] = (result, time.perf_counter())
                printer.submit(index, base.with_suffix(".html"), base.with_suffix(".pdf"))
                continue
            done = result
        else:  # printed
            if result is not None:
                label = plan[index].label if index is not None else "PDF"
                raise HandoutError(f"{label}: {result}")
            ran, queued = printing.pop(index)
            done = with_pdf(ran, stage, time.perf_counter() - queued)
        written.append(done)
        if report is not None:
            report(len(written), len(plan), done)
    return written


def with_pdf(written: Written, stage: Path, seconds: float = 0.0) -> Written:
    """``written`` with its printed PDF, and without the HTML when only the PDF was asked for.

    Parameters
    ----------
    written : Written
        The run and exported handout (its notebook, and its HTML if asked for).
    stage : Path
        The stage folder.
    seconds : float
        How long the PDF took (added to the handout's time).

    Returns
    -------
    Written
    """
    handout = written.handout
    base = stage / handout.stem
    notebook, *page = written.files
    if "html" not in handout.formats:
        base.with_suffix(".html").unlink()
    files = [notebook, file_record(base.with_suffix(".pdf"), stage), *page]
    return Written(handout, files, written.seconds + seconds)


def _one_per_language(plan: list[Handout]) -> tuple[Handout, ...]:
    return tuple({handout.language: handout for handout in reversed(plan)}.values())


def _stop_pool(pool: Any, scratch: Scratch) -> None:
    """End the workers, the printer and everything they started, at once; close ``scratch``.

    Every handout is on disk by now (or the run failed), so nothing needs a goodbye:
    the workers and the printing process get SIGTERM, and the kernels and the browser,
    which run in sessions of their own and would outlive them, are killed. This takes
    a tenth of a second where closing each browser and kernel politely took one to two.
    """
    if pool is not None:
        started = descendants([process.pid for process in pool._pool])
        pool.terminate()
        pool.join()
        stop_processes(started, grace=0)
    scratch.close()


def _start_worker(scratch: str | None = None, warm: str | None = None) -> None:
    """Pool initializer: stopping is the parent's to handle; the warm kernel ends with us.

    Ctrl-C and a closed terminal reach the whole process group; the parent then stops
    the workers with SIGTERM, which ends them without a word.

    Parameters
    ----------
    scratch : str, optional
        The folder for this worker's kernel sockets (the parent removes it).
    warm : str, optional
        The notebooks' folder: the kernel starts there at once and imports the stories.
    """
    global _PARENT
    _PARENT = os.getppid()
    gc.freeze()  # the inherited heap (the kit, pandas, Altair, nbconvert) lives as long as we do
    _KERNEL.root = scratch
    _KERNEL.may_fork = True  # no thread here yet: the kernel can be a fork of this worker
    if scratch is not None:
        # the kernels' own temporary files go with the run
        os.environ["TMPDIR"] = scratch
    for signum in (signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    let_stops_through()  # started with them held (see _run_pool)
    papermill_engines.register(ENGINE, WarmKernelEngine)
    multiprocessing.util.Finalize(None, _KERNEL.shutdown, exitpriority=10)
    if warm is not None:
        _warm_up(warm)


def _ready_export(handouts: tuple[Handout, ...]) -> None:
    """Ready the HTML export in this process while the workers run the first notebooks.

    Importing nbconvert takes about 0.2 s of a core, and the export's templates are
    compiled on first use (about 0.4 s), and so are the regular expressions and entity
    tables of the Markdown and HTML parsers it uses (0.1-0.15 s more, on the first page
    with text and charts): a small page of the same kinds, exported once per language,
    does that before the first notebook comes back. Only a head start: should anything
    fail here, the first handout's own export reports what went wrong.
    """
    try:
        from kit.handouts.export import handout_html

        for handout in handouts:
            handout_html(_page_of_every_kind(), handout, live={})
    except Exception:  # noqa: BLE001, S110 - see the docstring
        pass


def _page_of_every_kind() -> nbformat.NotebookNode:
    """A notebook with what a handout holds: Markdown text and a chart with its words."""
    words = "**Month** &amp; [month](#months) &ndash; 20 &gt; 15"
    chart = nbformat.v4.new_output(
        "display_data",
        data={
            "text/markdown": words,
            "text/html": f"<p>{words}</p>",
            "image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg"><text>&amp;</text></svg>',
        },
    )
    return nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(words), nbformat.v4.new_code_cell(outputs=[chart])]
    )


def _warm_up(cwd: str) -> None:
    """Start the kernel and have it import the stories, ahead of the first notebook.

    Only a head start: should anything fail here, the first handout starts the kernel
    again and reports what went wrong.
    """
    try:
        _KERNEL.get(cwd)  # first: the kernel is a fork of this worker, still without threads
        _KERNEL.client.execute(WARM_UP, silent=True, store_history=False)
        _KERNEL.clear_soon()
    except Exception:  # noqa: BLE001, S110 - see the docstring
        _KERNEL.shutdown()


def _notebook_dir(handout: Handout) -> str:
    return str(Path(handout.notebook).resolve().parent)


def _write_in_worker(task: tuple[Handout, str]) -> Ran | HandoutError:
    handout, stage = task
    try:
        result = run_handout(handout, Path(stage))
    except HandoutError as failure:
        result = failure
    except Exception as error:  # noqa: BLE001 - reported with the handout's name instead
        _KERNEL.shutdown()
        result = HandoutError(f"{handout.label}: {type(error).__name__}: {error}")
    _leave_if_orphaned()
    return result


def _leave_if_orphaned() -> None:
    """Leave quietly when the run that started this worker is gone (``kill -9``).

    Handing in a result would only fail with a BrokenPipeError traceback on the
    trainer's terminal; the next run removes the stage folder that was left.
    """
    if _PARENT is not None and os.getppid() != _PARENT:
        _KERNEL.shutdown()
        os._exit(0)


def write_handout(handout: Handout, stage: Path, printer: Printer | None = None) -> Written:
    """Run, export and print one handout into ``stage``; return its files.

    Parameters
    ----------
    handout : Handout
    stage : Path
        The temporary output folder.
    printer : Printer, optional
        The browser that prints the PDF (default: one kept by this process).

    Returns
    -------
    Written

    Raises
    ------
    HandoutError
        When a cell raises: names the notebook, language, participant and cell.
    """
    written = exported(run_handout(handout, stage), stage)
    if "pdf" not in handout.formats:
        return written
    started = time.perf_counter()
    base = stage / handout.stem
    (printer or _PRINTER).print(base.with_suffix(".html"), base.with_suffix(".pdf"))
    return with_pdf(written, stage, time.perf_counter() - started)


def run_handout(handout: Handout, stage: Path) -> Ran:
    """Run one handout's notebook into ``stage`` and make its page's sliders (kept in the cache).

    Raises
    ------
    HandoutError
        When a cell raises: names the notebook, language, participant and cell.
    """
    started = time.perf_counter()
    base = stage / handout.stem
    base.parent.mkdir(parents=True, exist_ok=True)
    run_notebook(handout, base.with_suffix(".ipynb"))
    live_charts(handout)  # made here, on the worker's core; the export finds them kept
    return Ran(handout, time.perf_counter() - started)


def exported(ran: Ran, stage: Path) -> Written:
    """Export a run handout's HTML into ``stage`` (the page is printed later).

    The HTML is always written, a PDF being printed from it; :func:`with_pdf` removes it
    when only the PDF was asked for.

    Returns
    -------
    Written
        The executed notebook, and the HTML when it was asked for.

    Raises
    ------
    HandoutError
        When the page cannot be made or written, naming the handout.
    """
    from kit.handouts.export import handout_html

    started = time.perf_counter()
    handout = ran.handout
    base = stage / handout.stem
    try:
        executed = nbformat.read(base.with_suffix(".ipynb"), as_version=4)
        base.with_suffix(".html").write_text(handout_html(executed, handout), encoding="utf-8")
    except Exception as error:  # noqa: BLE001 - reported with the handout's name instead
        raise HandoutError(f"{handout.label}: {type(error).__name__}: {error}") from None
    files = [base.with_suffix(".ipynb")]
    if "html" in handout.formats:
        files.append(base.with_suffix(".html"))
    records = [file_record(path, stage) for path in files]
    return Written(handout, records, ran.seconds + time.perf_counter() - started)


def run_notebook(handout: Handout, output: Path) -> nbformat.NotebookNode:
    """Execute the handout's notebook with papermill on the worker's warm kernel.

    Raises
    ------
    HandoutError
        Naming the handout, the cell (number and first line) and the error.
    """
    papermill_engines.register(ENGINE, WarmKernelEngine)
    notebook_dir = _notebook_dir(handout)
    try:
        return pm.execute_notebook(
            without_live_cells(handout.notebook),
            str(output),
            parameters=handout.parameters,
            engine_name=ENGINE,
            kernel_name=KERNEL,
            kernel_cwd=notebook_dir,
            execution_timeout=CELL_TIMEOUT,
            progress_bar=False,
            log_output=False,
            # papermill would write the whole notebook again before and after every cell;
            # a handout's notebook is written once, when it has run
            request_save_on_cell_execute=False,
        )
    except BaseException as error:
        # whatever a failed run left behind (a half-set namespace, a cell still running)
        # must not reach the next handout: that one starts on a fresh kernel
        _KERNEL.shutdown()
        raise _named(handout, error) from None


def _named(handout: Handout, error: BaseException) -> BaseException:
    """A failed run's error as the trainer reads it: the handout, the cell and the error."""
    if isinstance(error, HandoutError):
        return HandoutError(f"{handout.label}: {error}")
    if isinstance(error, PapermillExecutionError):
        first_line = next((line for line in error.source.splitlines() if line.strip()), "")
        return HandoutError(
            f"{handout.label}: cell {error.cell_index} (In [{error.exec_count}], "
            f"{first_line.strip()!r}) raised {error.ename}: {error.evalue}"
        )
    return error


NOT_IN_HANDOUTS = {LIVE_ONLY, TRY_IT}


def without_live_cells(path: str | Path) -> nbformat.NotebookNode:
    """The notebook minus its ``live-only`` cells (the panels) and ``try-it`` one-liners.

    A handout never shows them, so they are not run either: that saves their time and
    keeps the panel's widget code (about 1 MB of JavaScript) out of the executed copy.
    The one-liners are for a participant in JupyterLab, who sees the code they change.
    """
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [
        c for c in notebook.cells if not NOT_IN_HANDOUTS & set(c.metadata.get("tags", []))
    ]
    return notebook
