"""A4 PDFs from the handout HTML: one headless Chromium per worker prints them all.

Starting Chromium costs about a second, so each worker process starts Debian's
Chromium once, through Playwright, and prints every PDF of its handouts in one page
of it. The network is off: every request that is not for a local file is aborted
(the handouts load nothing, and this makes sure of it), and the host resolver and
proxy flags stop the browser itself from reaching out. The browser's profile and its
temporary files live in the run's scratch folder, so a killed run leaves none behind.
The browser starts in a thread of its own while the first notebook runs.
"""

from __future__ import annotations

import queue
import shutil
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from kit.chromium import HEADLESS_FLAGS, chromium_path
from kit.handouts.errors import HandoutError, HandoutsError

CHROMIUM_FLAGS = (
    *HEADLESS_FLAGS,
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
)
TIMEOUT_MS = 120_000
"""How long Chromium may take to start, or to open one handout, before the handout fails."""


def chromium() -> str:
    """Path of Debian's Chromium, or HandoutsError when PDFs cannot be printed."""
    path = chromium_path()
    if path is None:
        raise HandoutsError(
            "PDF handouts need Chromium (apt-get install chromium); "
            "or write HTML only with --format html"
        )
    return str(path)


def _local_only(route: Any) -> None:
    """Let a page load local files only; anything else (http, https, ws) is aborted."""
    if route.request.url.startswith("file:"):
        route.continue_()
    else:
        route.abort("blockedbyclient")


class Printer:
    """One headless Chromium, in a thread of its own, that prints every PDF of this process.

    :meth:`start` launches the browser in the background, so that it starts while the
    worker's kernel runs the first notebook; :meth:`print` waits for it if need be.
    Playwright's synchronous API belongs to the thread that started it, so every call
    to the browser is made from that one thread.

    Parameters
    ----------
    scratch : str, optional
        Where the browser's profile goes (the run's scratch folder, removed even when
        this process is killed); the temporary folder when omitted.
    """

    def __init__(self, scratch: str | None = None) -> None:
        self.scratch = scratch
        self.profile: str | None = None
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._playwright: Any = None
        self._context: Any = None
        self._page: Any = None

    def start(self) -> None:
        """Start the browser in the background (once); errors show at the first print."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name="kit-printer", daemon=True)
            self._thread.start()
            self._submit(self._open)

    def print(self, html: Path, pdf: Path) -> None:
        """Print ``html`` to ``pdf``: A4 (the page's own @page size), backgrounds, no header.

        Raises
        ------
        HandoutError
            When Chromium cannot start, open the page or print it.
        """
        self.start()
        self._submit(self._print, html, pdf).result()
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise HandoutError(f"Chromium could not print {html.name}: it wrote no PDF")

    def close(self, timeout: float = 30) -> None:
        """Close the browser and Playwright's driver, and remove the profile."""
        if self._thread is not None:
            thread, self._thread = self._thread, None
            self._jobs.put(None)
            thread.join(timeout)

    def _submit(self, job: Any, *args: Any) -> Future:
        done: Future = Future()
        self._jobs.put((job, args, done))
        return done

    def _serve(self) -> None:
        while (item := self._jobs.get()) is not None:
            job, args, done = item
            try:
                done.set_result(job(*args))
            except BaseException as error:  # noqa: BLE001 - handed to the waiting caller
                done.set_exception(error)
        self._shut()

    def _print(self, html: Path, pdf: Path) -> None:
        from playwright.sync_api import Error as PlaywrightError

        try:
            page = self._open()
            page.goto(html.resolve().as_uri(), wait_until="load", timeout=TIMEOUT_MS)
            page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True, print_background=True)
        except PlaywrightError as error:
            self._shut()  # start afresh for the next handout
            first = (str(error).strip().splitlines() or ["no message"])[0]
            raise HandoutError(f"Chromium could not print {html.name}: {first}") from None

    def _open(self) -> Any:
        if self._page is not None:
            return self._page
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        try:
            self.profile = tempfile.mkdtemp(prefix="chromium-", dir=self.scratch)
            self._playwright = sync_playwright().start()
            self._context = self._playwright.chromium.launch_persistent_context(
                self.profile,
                executable_path=chromium(),
                headless=True,
                args=list(CHROMIUM_FLAGS),
                timeout=TIMEOUT_MS,
                handle_sigint=False,
                handle_sigterm=False,
                handle_sighup=False,
            )
            self._context.route("**/*", _local_only)
            self._page = self._context.new_page()
        except PlaywrightError as error:
            self._shut()
            first = (str(error).strip().splitlines() or ["no message"])[0]
            raise HandoutError(f"Chromium did not start: {first}") from None
        return self._page

    def _shut(self) -> None:
        context, playwright = self._context, self._playwright
        self._context = self._playwright = self._page = None
        try:
            if context is not None:
                context.close()
        except Exception:  # noqa: BLE001 - a browser that is already gone is fine
            pass
        try:
            if playwright is not None:
                playwright.stop()
        except Exception:  # noqa: BLE001 - nor is a driver that is gone
            pass
        if self.profile is not None:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None
