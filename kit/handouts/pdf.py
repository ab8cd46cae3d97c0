"""A4 PDFs from the handout HTML: one headless Chromium prints every PDF of a run.

Starting Chromium costs about a second of both cores, so a run starts Debian's Chromium
once, through Playwright (the DevTools protocol over a pipe), in a printing process of its
own (:class:`PrintingProcess`) that starts while the first notebooks run. Every handout's
HTML is printed there, a page per worker at the same time, while the workers' kernels go
on with the next notebooks. The network is off: every request that is not for a local file
is aborted (the handouts load nothing, and this makes sure of it), and the host resolver
and proxy flags stop the browser itself from reaching out. The browser's profile and its
temporary files live in the run's scratch folder, so a killed run leaves none behind.

A page printed before is not printed again. A handout's HTML is the same, byte for byte,
for the same parameters (seeded stories, a fixed id for papermill's cell), so its PDF is
kept in the kit's cache under a hash of the HTML and of how it was printed (the browser,
the fonts and the print settings); the next run copies it (:data:`PDF_CACHE`). A run whose every
PDF was found in the cache the last time it ran the same way does not even start the
browser until a page turns out to be new (:func:`warm_run_expected`).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

from kit.cache import digest, kept, kit_fingerprint, recalled
from kit.chromium import HEADLESS_FLAGS, printer_path
from kit.handouts.errors import HandoutError, HandoutsError
from kit.stops import let_stops_through

CHROMIUM_FLAGS = (
    *HEADLESS_FLAGS,
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
)
TIMEOUT_MS = 120_000
"""How long Chromium may take to start, or to open one handout, before the handout fails."""
ORPHAN_CHECK = 1.0
"""Seconds between the printing process's looks at whether its run is still there."""
PRINT_OPTIONS = {"format": "A4", "prefer_css_page_size": True, "print_background": True}
"""Playwright's ``page.pdf`` options: A4 unless the page's own @page says otherwise."""
PDF_CACHE = "pdf"
"""The cache's folder of printed handouts, each named by a hash of its HTML and printing."""
PDFS_KEPT = 1000
"""Printed handouts kept at most (about 120-130 kB each: a 200-participant roster in two
languages twice over, about 130 MB); beyond that the least recently used go."""
RUNS_CACHE = "pdf-runs"
"""The cache's folder of runs (workshop, options) whose every PDF the cache holds."""
RUNS_KEPT = 64
FILES_SEEN = 256
"""Files of a run's folder whose size and time name the run, at most (a folder of the
kit's data holds a handful; a home folder could hold thousands)."""
FC_LIST = "fc-list"
"""fontconfig's lister of the installed fonts, which Chromium draws text with."""


def chromium() -> str:
    """Path of the Chromium that prints (:func:`~kit.chromium.printer_path`).

    Raises
    ------
    HandoutsError
        When neither Chromium's headless shell nor the browser is installed.
    """
    path = printer_path()
    if path is None:
        raise HandoutsError(
            "PDF handouts need Chromium (apt-get install chromium-headless-shell, "
            "or chromium); or write HTML only with --format html"
        )
    return str(path)


async def _local_only(route: Any) -> None:
    """Let a page load local files only; anything else (http, https, ws) is aborted."""
    if route.request.url.startswith("file:"):
        await route.continue_()
    else:
        await route.abort("blockedbyclient")


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or ["no message"])[0]


@functools.lru_cache(maxsize=1)
def _printing() -> str:
    """A digest of how a page is printed: the browser and fonts installed, flags, options.

    An upgraded Chromium (its file is replaced) or Playwright, a font installed,
    removed or upgraded, or other flags or options, names new cache entries: a PDF is
    reused only when it would be printed the same way.
    """
    path = chromium()
    stat = os.stat(path)
    return digest(
        os.path.realpath(path),
        str(stat.st_size),
        str(stat.st_mtime_ns),
        metadata.version("playwright"),
        _fonts(),
        *CHROMIUM_FLAGS,
        repr(sorted(PRINT_OPTIONS.items())),
    )


def _fonts() -> str:
    """The fonts Chromium may draw with, as fontconfig lists them (file and version).

    About 10 ms. Without ``fc-list`` (no fontconfig), an empty string: the browser's own
    package then decides alone.
    """
    try:
        listed = subprocess.run(
            [FC_LIST, "--format=%{file}|%{fontversion}\\n"],
            capture_output=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    return hashlib.sha256(b"\n".join(sorted(listed.splitlines()))).hexdigest()


def printed_name(html: bytes) -> str:
    """The cache's name for the PDF of the page ``html``, as this machine prints it.

    Parameters
    ----------
    html : bytes
        The handout's HTML (self-contained: it loads nothing else).

    Returns
    -------
    str
        ``<hash>.pdf``.
    """
    return f"{digest(hashlib.sha256(html).hexdigest(), _printing())}.pdf"


class RunHint(NamedTuple):
    """What names a run for :func:`warm_run_expected`: its options and the paths it reads.

    Parameters
    ----------
    options : tuple of str
        The run's options as given (languages, formats).
    paths : tuple of str
        The files and folders it reads (the workshop file, the notebooks, the votes).
    """

    options: tuple[str, ...]
    paths: tuple[str, ...]


def run_name(hint: RunHint) -> str:
    """The cache's name for a run, from ``hint`` and the files and code that shape it.

    The name changes with the kit's code and libraries, with the browser and how it
    prints, and with the size and time of every file beside the run's paths (a roster
    or votes edited next to the workshop), so that a changed run is not expected to
    find its PDFs.

    Parameters
    ----------
    hint : RunHint

    Returns
    -------
    str
    """
    parts = [*hint.options, kit_fingerprint(), _printing()]
    for path in hint.paths:
        folder = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
        parts.extend([path, *_files_seen(folder)])
    return digest(*parts)


def _files_seen(folder: str) -> list[str]:
    """``name size mtime`` of up to :data:`FILES_SEEN` files of ``folder`` (none if unreadable)."""
    try:
        with os.scandir(folder) as found:
            entries = sorted(found, key=lambda entry: entry.name)[:FILES_SEEN]
        seen = [(entry.name, entry.stat()) for entry in entries if entry.is_file()]
        return [f"{name} {stat.st_size} {stat.st_mtime_ns}" for name, stat in seen]
    except OSError:
        return []


def warm_run_expected(hint: RunHint | None) -> bool:
    """Whether the run ``hint`` names ran before, unchanged, with every PDF kept.

    Only a guess about speed: when it holds, the browser starts at the first page the
    cache lacks rather than at once; when it does not, the browser starts at once.

    Parameters
    ----------
    hint : RunHint or None
        None: no guess (the browser starts at once).
    """
    return hint is not None and recalled(RUNS_CACHE, run_name(hint)) is not None


def note_warm_run(hint: RunHint) -> None:
    """Note that every PDF of the run ``hint`` names is in the cache."""
    kept(RUNS_CACHE, run_name(hint), b"every PDF of this run is kept", keep=RUNS_KEPT)


class Printer:
    """One headless Chromium that prints up to ``pages`` PDFs at a time, from a thread of its own.

    :meth:`start` launches the browser in the background; :meth:`submit` hands it a page
    to print and returns at once; :meth:`print` waits for the PDF. Playwright's asyncio
    API runs in the printer's thread (its event loop), so every call to the browser is
    made from there, and several pages print at the same time in one browser.

    Parameters
    ----------
    scratch : str, optional
        Where the browser's profile goes (the run's scratch folder, removed even when
        this process is killed); the temporary folder when omitted.
    pages : int
        Pages printed at the same time (one per worker of the run).
    """

    def __init__(self, scratch: str | None = None, pages: int = 1) -> None:
        if pages < 1:
            raise ValueError(f"pages = {pages!r}: the printer needs at least 1 page")
        self.scratch = scratch
        self.pages = pages
        self.profile: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._playwright: Any = None
        self._context: Any = None
        self._idle: list[Any] = []
        self._launching: asyncio.Lock | None = None
        self._slots: asyncio.Semaphore | None = None

    def start(self, launch: bool = True) -> None:
        """Start the printer's thread (once) and, if ``launch``, the browser in the background.

        Errors show at the first print. Without ``launch``, the browser starts when a
        page the cache lacks is to be printed.
        """
        if self._thread is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(
                target=self._loop.run_forever, name="kit-printer", daemon=True
            )
            self._thread.start()
            if launch:
                asyncio.run_coroutine_threadsafe(self._launch_quietly(), self._loop)

    def submit(self, html: Path, pdf: Path) -> Future:
        """Print ``html`` to ``pdf`` in the background; the future holds the outcome.

        Returns
        -------
        concurrent.futures.Future
            Done when the PDF is written; its exception is a :class:`HandoutError` when
            Chromium could not start, open the page or print it.
        """
        self.start()
        return asyncio.run_coroutine_threadsafe(self._print(Path(html), Path(pdf)), self._loop)

    def print(self, html: Path, pdf: Path) -> None:
        """Print ``html`` to ``pdf``: A4 (the page's own @page size), backgrounds, no header.

        Raises
        ------
        HandoutError
            When Chromium cannot start, open the page or print it.
        """
        self.submit(html, pdf).result()

    def close(self, timeout: float = 30) -> None:
        """Close the browser and Playwright's driver, and remove the profile."""
        if self._thread is None:
            return
        thread, self._thread = self._thread, None
        loop = self._loop
        try:
            asyncio.run_coroutine_threadsafe(self._shut(), loop).result(timeout)
        except Exception:  # noqa: BLE001, S110 - a browser that does not close is killed by the run
            pass
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)

    async def _launch_quietly(self) -> None:
        try:
            await self._browser()
        except HandoutError:
            pass  # said again, by the first print

    async def _browser(self) -> Any:
        if self._launching is None:
            self._launching = asyncio.Lock()
            self._slots = asyncio.Semaphore(self.pages)
        async with self._launching:
            if self._context is None:
                await self._launch()
            return self._context

    async def _launch(self) -> None:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import async_playwright

        try:
            self.profile = tempfile.mkdtemp(prefix="chromium-", dir=self.scratch)
            self._playwright = await async_playwright().start()
            self._context = await self._playwright.chromium.launch_persistent_context(
                self.profile,
                executable_path=chromium(),
                headless=True,
                args=list(CHROMIUM_FLAGS),
                timeout=TIMEOUT_MS,
                handle_sigint=False,
                handle_sigterm=False,
                handle_sighup=False,
            )
            await self._context.route("**/*", _local_only)
            # the persistent context opens with one empty page: the first to print in
            self._idle = list(self._context.pages[: self.pages])
        except PlaywrightError as error:
            await self._shut()
            raise HandoutError(f"Chromium did not start: {_first_line(error)}") from None

    async def _print(self, html: Path, pdf: Path) -> None:
        try:
            name = printed_name(html.read_bytes())
        except OSError as error:
            raise HandoutError(f"cannot read {html.name} to print it: {error.strerror}") from None
        if _copied_from_cache(name, pdf):
            return
        await self._print_afresh(html, pdf)
        # a copy, read back: what the cache holds is what the trainer got
        kept(PDF_CACHE, name, pdf.read_bytes(), keep=PDFS_KEPT)

    async def _print_afresh(self, html: Path, pdf: Path) -> None:
        from playwright.async_api import Error as PlaywrightError

        context = await self._browser()
        async with self._slots:
            try:
                page = self._idle.pop() if self._idle else await context.new_page()
                # print media from the start: a handout's sliders (kit.kernelfree) stay undrawn
                await page.emulate_media(media="print")
                await page.goto(html.resolve().as_uri(), wait_until="load", timeout=TIMEOUT_MS)
                await page.pdf(path=str(pdf), **PRINT_OPTIONS)
            except PlaywrightError as error:
                if self._context is context:
                    await self._shut()  # start afresh for the next handout
                raise HandoutError(
                    f"Chromium could not print {html.name}: {_first_line(error)}"
                ) from None
            if self._context is context:
                self._idle.append(page)
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise HandoutError(f"Chromium could not print {html.name}: it wrote no PDF")

    async def _shut(self) -> None:
        context, playwright = self._context, self._playwright
        self._context = self._playwright = None
        self._idle = []
        try:
            if context is not None:
                await context.close()
        except Exception:  # noqa: BLE001, S110 - a browser that is already gone is fine
            pass
        try:
            if playwright is not None:
                await playwright.stop()
        except Exception:  # noqa: BLE001, S110 - nor is a driver that is gone
            pass
        if self.profile is not None:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None


def _copied_from_cache(name: str, pdf: Path) -> bool:
    """Write the cache's PDF ``name`` to ``pdf``, if the cache holds it whole."""
    content = recalled(PDF_CACHE, name)
    if content is None:
        return False
    pdf.write_bytes(content)
    return True


class PrintingProcess:
    """The run's one :class:`Printer`, in a process of its own, fed over a pipe.

    The process ignores Ctrl-C and a closed terminal, as the workers do: the run stops
    it, its driver and its browser explicitly (``pid``). It leaves by itself when the
    run that started it is gone (``kill -9``).

    Parameters
    ----------
    context : multiprocessing context
        The run's (``fork``).
    scratch : str
        The run's scratch folder: the browser's profile and temporary files go there.
    pages : int
        PDFs printed at the same time.
    on_printed : callable
        Called as ``on_printed(key, error)`` from a thread of this object's, once a PDF
        is written (``error`` None) or could not be (``error`` says why, in one line).
    hint : RunHint, optional
        What names the run: when it ran before with every PDF kept
        (:func:`warm_run_expected`), the browser waits for a page the cache lacks.
    """

    def __init__(
        self,
        context: Any,
        scratch: str,
        pages: int,
        on_printed: Callable[[Any, str | None], None],
        hint: RunHint | None = None,
    ) -> None:
        ours, theirs = context.Pipe()
        self.process = context.Process(
            target=_serve_prints, args=(theirs, scratch, pages, hint), name="kit-printer"
        )
        self.process.start()
        theirs.close()
        self.connection = ours
        self.on_printed = on_printed
        self._reader = threading.Thread(target=self._read, name="kit-printed", daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        """The printing process's id."""
        return self.process.pid

    def submit(self, key: Any, html: Path, pdf: Path) -> None:
        """Have ``html`` printed to ``pdf``; ``on_printed(key, ...)`` follows.

        Raises
        ------
        HandoutError
            When the printing process is gone.
        """
        try:
            self.connection.send((key, str(html), str(pdf)))
        except OSError:
            raise HandoutError("the printing process (Chromium) stopped") from None

    def _read(self) -> None:
        while True:
            try:
                key, error = self.connection.recv()
            except (EOFError, OSError):
                self.on_printed(None, "the printing process (Chromium) stopped")
                return
            self.on_printed(key, error)

    def join(self) -> None:
        """Wait for the process to end (it is stopped by the run) and close the pipe."""
        self.process.join()
        self.connection.close()


def _serve_prints(connection: Any, scratch: str, pages: int, hint: RunHint | None) -> None:
    """The printing process: print every page the run sends, answer each when it is written.

    The browser starts at once, unless ``hint`` names a run whose every PDF the cache
    held the last time (then at the first page the cache lacks).
    """
    parent = os.getppid()
    for signum in (signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    let_stops_through()  # started with them held (the runner's _run_pool)
    # Playwright's driver and Chromium inherit it: the run finds them by it
    os.environ["TMPDIR"] = scratch
    printer = Printer(scratch, pages)
    # the browser starts while the first notebooks run, unless no page is expected to need it
    printer.start(launch=not warm_run_expected(hint))
    sending = threading.Lock()

    def answer(key: Any, printed: Future) -> None:
        error = printed.exception()
        if error is not None and not isinstance(error, HandoutError):
            error = f"Chromium could not print: {type(error).__name__}: {error}"
        with sending:
            try:
                connection.send((key, None if error is None else str(error)))
            except OSError:  # the run is gone
                pass

    try:
        while True:
            if not connection.poll(ORPHAN_CHECK):
                if os.getppid() != parent:
                    break
                continue
            job = connection.recv()
            if job is None:
                break
            key, html, pdf = job
            printer.submit(Path(html), Path(pdf)).add_done_callback(
                lambda printed, key=key: answer(key, printed)
            )
    except (EOFError, OSError):
        pass
    finally:
        printer.close(timeout=5)
