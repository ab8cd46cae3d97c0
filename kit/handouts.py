"""The trainer's job: a workshop file in, offline HTML and PDF handouts out, atomically.

Each handout is one notebook in one language (and, with a roster, for one
participant). A handout is written in three steps, in a worker process:

1. papermill runs the notebook with the workshop's parameters. Each worker keeps one
   kernel warm and clears its namespace before every run (``%reset -f``), so only the
   first run of a worker pays for starting Python and importing Altair and pandas.
   Randomness in the kit always takes the explicit ``seed``, so a warm kernel gives
   the same numbers as a fresh one.
2. nbconvert exports the executed notebook with the kit's offline template
   (``kit/templates/handout``): cells tagged ``live-only`` and widget views are
   left out, the code is hidden, charts are the SVGs the kit drew in the kernel.
3. Debian's Chromium prints that HTML to an A4 PDF, with the network switched off.

Everything goes into a temporary folder beside the target and is moved into place
only when every handout was written; on any failure (a cell that raises, a killed
run, Ctrl-C, a full disk) the previous handouts stay exactly as they were.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import multiprocessing
import multiprocessing.util
import os
import platform
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError

import kit
from kit.chromium import HEADLESS_FLAGS, chromium_path
from kit.text import t
from kit.workshop import Participant, Workshop

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
TEMPLATES = Path(__file__).resolve().parent / "templates"
NOTEBOOKS = {
    "nocure": NOTEBOOK_DIR / "01_no_cure_no_pay.ipynb",
    "referrals": NOTEBOOK_DIR / "02_referral_flywheel.ipynb",
}
"""Workshop-file section -> the notebook that tells that story."""

FORMATS = ("html", "pdf")
LIVE_ONLY = "live-only"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
KERNEL = "python3"
CELL_TIMEOUT = 600
"""Seconds one notebook cell may run before its handout fails."""
STALL_TIMEOUT = 900
"""Seconds without any handout finishing before the whole run is called stuck."""
ENGINE = "kit-warm-kernel"
CHROMIUM_FLAGS = (
    *HEADLESS_FLAGS,
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
)
PACKAGES = (
    "workshop-kit",
    "numpy",
    "pandas",
    "altair",
    "vl-convert-python",
    "ipywidgets",
    "papermill",
    "nbclient",
    "nbconvert",
    "ipykernel",
    "jupyter-client",
    "pydantic",
    "pyyaml",
)
STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.DOTALL | re.IGNORECASE)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
RESET_NAMESPACE = "get_ipython().run_line_magic('reset', '-f')\nget_ipython().execution_count = 1\n"
KERNEL_ARGUMENTS = ("--HistoryManager.hist_file=:memory:",)
"""Keep each kernel's input history in memory, as nbclient does: kernels that share
IPython's history database on disk race for its session numbers and print an
"ERROR! Session/line number was not unique in database" line into the handout."""


class HandoutsError(Exception):
    """A reason not to start at all (exit code 2): a folder that cannot be written, ..."""


class HandoutError(Exception):
    """A handout that could not be written: names notebook, language, participant and cell."""


@dataclass(frozen=True)
class Handout:
    """One handout to write: a notebook, a language, perhaps a participant.

    Parameters
    ----------
    story : str
        Workshop section (``nocure``, ``referrals``).
    notebook : str
        Path of the notebook that tells the story.
    language : str
    parameters : dict
        Validated parameters, ``language`` included.
    formats : tuple of str
        ``html`` and/or ``pdf``; the executed notebook is always kept.
    cover : dict
        Cover and footer texts for the template.
    participant : str or None
        The participant's name as typed, or None for the whole room.
    slug : str or None
        The participant's file-name-safe name.
    """

    story: str
    notebook: str
    language: str
    parameters: dict[str, Any]
    formats: tuple[str, ...]
    cover: dict[str, Any]
    participant: str | None = None
    slug: str | None = None

    @property
    def stem(self) -> str:
        """Path of the handout's files inside the output folder, without extension."""
        name = Path(self.notebook).stem
        if self.slug is None:
            return f"{self.language}/{name}"
        return f"{self.language}/participants/{name}--{self.slug}"

    @property
    def label(self) -> str:
        """How progress lines and errors name this handout."""
        who = f", participant {self.participant!r}" if self.participant else ""
        return f"{Path(self.notebook).name} ({self.language}{who})"


@dataclass
class Written:
    """What one handout produced: files (relative path -> sha256, size) and seconds taken."""

    handout: Handout
    files: list[dict[str, Any]]
    seconds: float


@dataclass
class Outcome:
    """The result of :func:`write_handouts`: the files, the manifest and the time taken."""

    folder: Path
    written: list[Written]
    manifest: dict[str, Any]
    seconds: float
    files: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- planning


def plan_handouts(
    workshop: Workshop,
    languages: Sequence[str] | None = None,
    formats: Sequence[str] = FORMATS,
    notebooks: dict[str, Path] | None = None,
) -> list[Handout]:
    """Every handout a workshop asks for: notebooks x languages, plus story A per participant.

    Parameters
    ----------
    workshop : Workshop
    languages : sequence of str, optional
        Overrides the workshop's languages.
    formats : sequence of str
        ``html``, ``pdf`` or both.
    notebooks : dict, optional
        Story -> notebook path; :data:`NOTEBOOKS` when omitted.

    Returns
    -------
    list of Handout

    Raises
    ------
    HandoutsError
        When a story's notebook does not exist.
    """
    notebooks = NOTEBOOKS if notebooks is None else notebooks
    for story in workshop.notebooks:
        path = Path(notebooks[story])
        if not path.is_file():
            raise HandoutsError(
                f"{workshop.path}: the notebook for '{story}' ({path}) does not exist"
            )
    chosen = tuple(languages or workshop.languages)
    plan = []
    for language in chosen:
        cover = cover_texts(workshop, language)
        for story, params in workshop.notebooks.items():
            plan.append(_handout(story, notebooks[story], language, params, formats, cover))
        for participant in workshop.roster:
            plan.append(_personal_handout(workshop, participant, notebooks, language, formats))
    return plan


def _handout(
    story: str,
    notebook: Path,
    language: str,
    params: dict[str, Any],
    formats: Sequence[str],
    cover: dict[str, Any],
    participant: Participant | None = None,
) -> Handout:
    return Handout(
        story=story,
        notebook=str(notebook),
        language=language,
        parameters={**params, "language": language},
        formats=tuple(formats),
        cover={**cover, "seed": params.get("seed", "")},
        participant=participant.name if participant else None,
        slug=participant.slug if participant else None,
    )


def _personal_handout(
    workshop: Workshop,
    participant: Participant,
    notebooks: dict[str, Path],
    language: str,
    formats: Sequence[str],
) -> Handout:
    story = "nocure"
    params = workshop.participant_parameters(participant)
    cover = cover_texts(workshop, language)
    return _handout(story, notebooks[story], language, params, formats, cover, participant)


def cover_texts(workshop: Workshop, language: str) -> dict[str, Any]:
    """The cover's and footer's texts in one language (not yet escaped: the template does).

    Parameters
    ----------
    workshop : Workshop
    language : {"en", "nl"}

    Returns
    -------
    dict
    """
    return {
        "version": kit.__version__,
        "title": workshop.title,
        "coach": workshop.coach,
        "organisation": workshop.organisation,
        "date": spoken_date(workshop.date, language),
        "date_label": t("handouts.date_label", language),
        "coach_label": t("handouts.coach_label", language),
        "prepared_for": t("handouts.prepared_for", language),
        "page": t("handouts.page", language),
        "of": t("handouts.of", language),
        "written": spoken_date(datetime.now().date(), language),
    }


def spoken_date(day: Any, language: str) -> str:
    """A date as people write it: ``14 March 2025``, ``14 maart 2025``.

    >>> import datetime
    >>> spoken_date(datetime.date(2025, 3, 14), "nl")
    '14 maart 2025'
    """
    month = t("handouts.months", language)[day.month - 1]
    return t("handouts.date_format", language, day=day.day, month=month, year=day.year)


# ----------------------------------------------------------------------------- writing


def write_handouts(
    workshop: Workshop,
    out: str | Path,
    languages: Sequence[str] | None = None,
    formats: Sequence[str] = FORMATS,
    jobs: int | None = None,
    notebooks: dict[str, Path] | None = None,
    report: Callable[[int, int, Written], None] | None = None,
) -> Outcome:
    """Write every handout of ``workshop`` into ``out``, all or nothing.

    Parameters
    ----------
    workshop : Workshop
        A validated workshop (:func:`kit.workshop.load_workshop`).
    out : str or Path
        The handouts folder. It is replaced as a whole, and only when every handout was
        written; an existing folder must be an earlier handouts folder (with manifest.json).
    languages : sequence of str, optional
        Overrides the workshop's languages.
    formats : sequence of str
        ``html``, ``pdf`` or both.
    jobs : int, optional
        Handouts written at the same time (default: the number of cores).
    notebooks : dict, optional
        Story -> notebook path (default :data:`NOTEBOOKS`).
    report : callable, optional
        Called as ``report(done, total, written)`` after each handout.

    Returns
    -------
    Outcome

    Raises
    ------
    HandoutsError
        Before anything runs: output folder not writable, not a handouts folder, no Chromium.
    HandoutError
        A handout failed; nothing was changed in ``out``.
    """
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    plan = plan_handouts(workshop, languages, formats, notebooks)
    if "pdf" in formats:
        chromium()
    target = Path(out).resolve()
    with staging_folder(target) as stage:
        written = _run_all(plan, stage, jobs or os.cpu_count() or 1, report)
        manifest = _manifest(workshop, plan, written, started_at, jobs)
        (stage / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    files = [f["path"] for w in written for f in w.files] + ["manifest.json"]
    return Outcome(target, written, manifest, time.perf_counter() - started, files)


@contextmanager
def staging_folder(target: Path) -> Iterator[Path]:
    """A temporary folder beside ``target`` that replaces it only if the block succeeds.

    On any exception, Ctrl-C included, the temporary folder is removed and ``target``
    is left exactly as it was.
    """
    created = _check_target(target)
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        stage.chmod(0o777 & ~_umask())
    except OSError as error:
        _remove_created(created)
        raise HandoutsError(
            f"cannot write to the folder {target.parent}: {error.strerror}"
        ) from None
    try:
        yield stage
        with _no_interrupt():
            _swap_into_place(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        _remove_created(created)
        raise


def _check_target(target: Path) -> list[Path]:
    if target.exists() and not target.is_dir():
        raise HandoutsError(f"{target} is a file, not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / "manifest.json").is_file():
        raise HandoutsError(
            f"{target} is not empty and holds no manifest.json: it is not a handouts folder, "
            "so it will not be replaced; choose another --out"
        )
    created = []
    parent = target.parent
    missing = [p for p in [parent, *parent.parents] if not p.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except OSError as error:
            _remove_created(created)
            raise HandoutsError(f"cannot create the folder {folder}: {error.strerror}") from None
        created.append(folder)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise HandoutsError(f"cannot write to the folder {parent}: permission denied")
    return created


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove_created(created: list[Path]) -> None:
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            pass


def _swap_into_place(stage: Path, target: Path) -> None:
    if not target.exists():
        os.rename(stage, target)
        return
    old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
    os.rename(target, old)
    try:
        os.rename(stage, target)
    except OSError:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _no_interrupt() -> Iterator[None]:
    """Hold Ctrl-C back while the folders are swapped (two renames)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: nothing to hold back
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _run_all(plan: list[Handout], stage: Path, jobs: int, report: Callable | None) -> list[Written]:
    context = multiprocessing.get_context("fork")
    tasks = [(handout, str(stage)) for handout in plan]
    written: list[Written] = []
    # every worker's kernel sockets in one folder, removed with the pool even when the
    # workers are killed (a failing handout, Ctrl-C) and cannot clean up after themselves
    sockets = tempfile.mkdtemp(prefix="kit-kernels-")
    pool = context.Pool(min(jobs, len(plan)), initializer=_start_worker, initargs=(sockets,))
    try:
        try:
            results = pool.imap_unordered(_write_in_worker, tasks)
            for _ in plan:
                try:
                    result = results.next(timeout=STALL_TIMEOUT)
                except multiprocessing.TimeoutError:
                    raise HandoutError(
                        f"no handout finished in {STALL_TIMEOUT} s; a notebook run is stuck "
                        f"(done: {len(written)} of {len(plan)})"
                    ) from None
                if isinstance(result, HandoutError):
                    raise result
                written.append(result)
                if report is not None:
                    report(len(written), len(plan), result)
        except BaseException:
            # Workers die at once; their kernels notice the parent is gone and stop too.
            pool.terminate()
            pool.join()
            raise
        pool.close()
        pool.join()  # workers leave normally and shut their warm kernels down
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    order = {handout.stem: index for index, handout in enumerate(plan)}
    return sorted(written, key=lambda w: order[w.handout.stem])


def _manifest(
    workshop: Workshop,
    plan: list[Handout],
    written: list[Written],
    started_at: datetime,
    jobs: int | None,
) -> dict[str, Any]:
    roster = None
    if workshop.roster_path is not None:
        roster = {
            "file": str(workshop.roster_path),
            "sha256": workshop.roster_sha256,
            "participants": [p.name for p in workshop.roster],
        }
    return {
        "kit": kit.__version__,
        "started": started_at.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "workshop": {
            "file": str(workshop.path.resolve()),
            "sha256": workshop.sha256,
            "title": workshop.title,
            "date": workshop.date.isoformat(),
            "coach": workshop.coach,
            "organisation": workshop.organisation,
            "roster": roster,
        },
        "languages": sorted({h.language for h in plan}),
        "formats": list(plan[0].formats) if plan else [],
        "jobs": jobs or os.cpu_count(),
        "parameters": workshop.notebooks,
        "packages": package_versions(),
        "handouts": [
            {
                "notebook": Path(w.handout.notebook).name,
                "story": w.handout.story,
                "language": w.handout.language,
                "participant": w.handout.participant,
                "parameters": w.handout.parameters,
                "seconds": round(w.seconds, 2),
                "files": [f["path"] for f in w.files],
            }
            for w in written
        ],
        "files": {
            f["path"]: {"sha256": f["sha256"], "bytes": f["bytes"]}
            for w in written
            for f in w.files
        },
    }


def package_versions() -> dict[str, str]:
    """Versions of Python, Chromium and the packages that shape a handout."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    path = chromium_path()
    if path is not None:
        result = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
        versions["chromium"] = result.stdout.strip()
    return versions


def chromium() -> str:
    """Path of Debian's Chromium, or HandoutsError when PDFs cannot be printed."""
    path = chromium_path()
    if path is None:
        raise HandoutsError(
            "PDF handouts need Chromium (apt-get install chromium); "
            "or write HTML only with --format html"
        )
    return str(path)


# ----------------------------------------------------------------------------- worker side


class _WarmKernel:
    """One kernel per worker process, started on first use and reused for every run.

    It talks over Unix sockets in a private folder (IPC transport): no TCP ports to pick,
    so kernels started at the same moment by other workers or programs cannot collide.
    """

    def __init__(self) -> None:
        self.manager: AsyncKernelManager | None = None
        self.cwd: str | None = None
        self.sockets: str | None = None
        self.root: str | None = None  # where the sockets folder goes (the pool's, if any)

    def get(self, cwd: str) -> AsyncKernelManager:
        if self.manager is not None and self.cwd == cwd and run_sync(self.manager.is_alive)():
            return self.manager
        self.shutdown()
        # short names: a Unix socket's path may not exceed about 100 characters
        self.sockets = tempfile.mkdtemp(prefix="w-" if self.root else "kit-kernel-", dir=self.root)
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
        if not run_sync(manager.is_alive)():
            raise HandoutError("the Python kernel stopped right after it started")
        self.manager, self.cwd = manager, cwd
        return manager

    def shutdown(self) -> None:
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
    def _kill(manager: AsyncKernelManager) -> None:
        process = getattr(manager.provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()


_KERNEL = _WarmKernel()


class WarmKernelEngine(NBClientEngine):
    """A papermill engine that runs on this worker's warm kernel, namespace cleared first."""

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
        client = PapermillNotebookClient(
            nb_man,
            km=_KERNEL.get(kernel_cwd or os.getcwd()),
            kernel_name=kernel_name,
            startup_timeout=start_timeout,
            timeout=execution_timeout,
            log=pm.log.logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        client.on_notebook_start = lambda notebook: _clear_namespace(client)
        try:
            return client.execute()
        finally:
            if client.kc is not None:
                client.kc.stop_channels()


async def _clear_namespace(client: PapermillNotebookClient) -> None:
    msg_id = client.kc.execute(RESET_NAMESPACE, silent=True, store_history=False)
    reply = await client.async_wait_for_reply(msg_id)
    if reply is None or reply["content"]["status"] != "ok":
        raise RuntimeError("the warm kernel could not clear its namespace")


def _start_worker(sockets: str | None = None) -> None:
    """Pool initializer: Ctrl-C is the parent's to handle; the warm kernel ends with us.

    Parameters
    ----------
    sockets : str, optional
        The folder for this worker's kernel sockets (the parent removes it).
    """
    _KERNEL.root = sockets
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    papermill_engines.register(ENGINE, WarmKernelEngine)
    multiprocessing.util.Finalize(None, _KERNEL.shutdown, exitpriority=10)


def _write_in_worker(task: tuple[Handout, str]) -> Written | HandoutError:
    handout, stage = task
    try:
        return write_handout(handout, Path(stage))
    except HandoutError as failure:
        return failure
    except Exception as error:  # noqa: BLE001 - reported with the handout's name instead
        _KERNEL.shutdown()
        return HandoutError(f"{handout.label}: {type(error).__name__}: {error}")


def write_handout(handout: Handout, stage: Path) -> Written:
    """Run, export and print one handout into ``stage``; return its files.

    Parameters
    ----------
    handout : Handout
    stage : Path
        The temporary output folder.

    Returns
    -------
    Written

    Raises
    ------
    HandoutError
        When a cell raises: names the notebook, language, participant and cell.
    """
    started = time.perf_counter()
    base = stage / handout.stem
    base.parent.mkdir(parents=True, exist_ok=True)
    executed = run_notebook(handout, base.with_suffix(".ipynb"))
    files = [base.with_suffix(".ipynb")]
    html = handout_html(executed, handout)
    base.with_suffix(".html").write_text(html, encoding="utf-8")
    if "pdf" in handout.formats:
        print_pdf(base.with_suffix(".html"), base.with_suffix(".pdf"))
        files.append(base.with_suffix(".pdf"))
    if "html" in handout.formats:
        files.append(base.with_suffix(".html"))
    else:
        base.with_suffix(".html").unlink()
    records = [_file_record(path, stage) for path in files]
    return Written(handout, records, time.perf_counter() - started)


def _file_record(path: Path, stage: Path) -> dict[str, Any]:
    data = path.read_bytes()
    return {
        "path": path.relative_to(stage).as_posix(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }


def run_notebook(handout: Handout, output: Path) -> nbformat.NotebookNode:
    """Execute the handout's notebook with papermill on the worker's warm kernel.

    Raises
    ------
    HandoutError
        Naming the handout, the cell (number and first line) and the error.
    """
    papermill_engines.register(ENGINE, WarmKernelEngine)
    notebook_dir = str(Path(handout.notebook).resolve().parent)
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
        )
    except HandoutError as error:
        raise HandoutError(f"{handout.label}: {error}") from None
    except PapermillExecutionError as error:
        first_line = next((line for line in error.source.splitlines() if line.strip()), "")
        raise HandoutError(
            f"{handout.label}: cell {error.cell_index} (In [{error.exec_count}], "
            f"{first_line.strip()!r}) raised {error.ename}: {error.evalue}"
        ) from None


def without_live_cells(path: str | Path) -> nbformat.NotebookNode:
    """The notebook minus its ``live-only`` cells (the interactive panels).

    A handout never shows them, so they are not run either: that saves their time and
    keeps the panel's widget code (about 1 MB of JavaScript) out of the executed copy.
    They are the notebooks' last cells, so cell numbers in error messages still match.
    """
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [c for c in notebook.cells if LIVE_ONLY not in c.metadata.get("tags", [])]
    return notebook


class HandoutOutputs(Preprocessor):
    """Keep what a reader needs: no widget views (they need a kernel and a CDN), no stderr.

    An output that also carries a static picture keeps the picture; one that is only a
    widget view is dropped, and so is the notebook's saved widget state. Every chart gets
    its title as alternative text.
    """

    def preprocess(self, nb, resources):  # noqa: D102 - see the class docstring
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):  # noqa: D102
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            data = output.get("data")
            if data is not None and WIDGET_VIEW in data:
                data.pop(WIDGET_VIEW)
                if not set(data) - {"text/plain"}:
                    continue
            chart = output.get("metadata", {}).get("kit")
            if chart:
                chart["alt"] = chart_title(chart.get("spec", {})) or chart.get("chart", "")
            kept.append(output)
        cell.outputs = kept
        return cell, resources


def chart_title(spec: dict[str, Any]) -> str:
    """The title a Vega-Lite spec shows, as plain text (for the image's alternative text).

    >>> chart_title({"title": {"text": ["Month by month", "(seed 1)"]}})
    'Month by month (seed 1)'
    """
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(str(part) for part in title)
    return str(title)


_EXPORTERS: dict[str, HTMLExporter] = {}


def _exporter(language: str) -> HTMLExporter:
    if language not in _EXPORTERS:
        exporter = HTMLExporter(
            template_name="handout",
            extra_template_basedirs=[str(TEMPLATES)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            language_code=language,
        )
        exporter.register_preprocessor(
            TagRemovePreprocessor(remove_cell_tags={LIVE_ONLY}), enabled=True
        )
        exporter.register_preprocessor(HandoutOutputs(), enabled=True)
        _EXPORTERS[language] = exporter
    return _EXPORTERS[language]


def handout_html(notebook: nbformat.NotebookNode, handout: Handout) -> str:
    """The executed notebook as one self-contained, offline HTML page with the workshop's cover.

    Parameters
    ----------
    notebook : NotebookNode
        The executed notebook (not changed).
    handout : Handout

    Returns
    -------
    str
    """
    notebook = copy.deepcopy(notebook)
    notebook.metadata["title"] = _page_title(handout)
    cover = {
        **handout.cover,
        "participant": handout.participant,
        "footer": t("handouts.footer", handout.language, **_footer_fields(handout)),
        "css_footer": css_string(f"{handout.cover['title']} \u00b7 {handout.cover['date']}"),
        "css_page": css_string(handout.cover["page"]),
        "css_of": css_string(handout.cover["of"]),
    }
    html, _ = _exporter(handout.language).from_notebook_node(notebook, resources={"kit": cover})
    return without_css_comments(html)


def without_css_comments(html: str) -> str:
    """Drop ``/* ... */`` comments inside ``<style>`` elements (lab's CSS cites web pages).

    >>> without_css_comments("<style>a { color: red; /* see https://x */ }</style>")
    '<style>a { color: red;  }</style>'
    """
    return STYLE.sub(lambda m: CSS_COMMENT.sub("", m.group(0)), html)


def _page_title(handout: Handout) -> str:
    try:
        story_title = t(f"{handout.story}.title", handout.language)
    except KeyError:
        story_title = Path(handout.notebook).stem
    if handout.participant:
        return f"{story_title} \u2013 {handout.participant}"
    return f"{story_title} \u2013 {handout.cover['title']}"


def _footer_fields(handout: Handout) -> dict[str, Any]:
    cover = handout.cover
    return {
        "title": cover["title"],
        "date": cover["date"],
        "seed": cover["seed"],
        "written": cover["written"],
    }


def css_string(text: str) -> str:
    r"""Quote ``text`` as a CSS string that cannot end the string or the style element.

    >>> print(css_string('a "b" </style>'))
    "a \22 b\22  \3c \2f style\3e "
    """
    safe = "".join(
        ch if ch.isalnum() or ch in " .,:;-_!?()'\u00b7\u2013" else f"\\{ord(ch):x} " for ch in text
    )
    return f'"{safe}"'


def print_pdf(html: Path, pdf: Path) -> None:
    """Print ``html`` to an A4 PDF with headless Chromium, network off, no browser header.

    Raises
    ------
    HandoutError
        When Chromium fails or writes no PDF.
    """
    with tempfile.TemporaryDirectory(prefix="kit-chromium-") as profile:
        command = [
            chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            html.resolve().as_uri(),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            raise HandoutError(f"Chromium took over 120 s to print {html.name}") from None
    if result.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise HandoutError(f"Chromium could not print {html.name}: {last}")


def svg_images(html: str) -> list[str]:
    """The SVG charts embedded in a handout's HTML (as ``data:image/svg+xml;base64`` images).

    Parameters
    ----------
    html : str

    Returns
    -------
    list of str
        The SVG documents, in page order.
    """
    marker = 'src="data:image/svg+xml;base64,'
    found = []
    start = html.find(marker)
    while start != -1:
        end = html.index('"', start + len(marker))
        found.append(base64.b64decode(html[start + len(marker) : end]).decode("utf-8"))
        start = html.find(marker, end)
    return found
