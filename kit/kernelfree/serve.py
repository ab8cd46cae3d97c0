"""The kernel-free deck served by ``kit present``: the site's files from memory, with caching.

``kit present --kernel-free`` serves only these pages (no kernel, no Voilà), and a room
(``--room``) sends a participant beyond ``--max-participants`` here instead of to "the
room is full". The files are :func:`kit.kernelfree.site.site_pages`, built once when the
presenter starts, kept in memory as they are and gzipped, and served under
:data:`PREFIX` with an ``ETag`` (a browser that has them gets ``304 Not Modified``) and
``Cache-Control``: the pages are checked again on every visit, the Vega bundle is kept
for an hour. Any path that is not one of the files is a 404: nothing on disk is read.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kit.text import LANGUAGES

PREFIX = "/kernel-free/"
"""Where the presenter serves the kernel-free deck."""
PAGE_CACHE = "no-cache"
"""Pages: kept, but checked with their ETag on every visit (a 304 costs a few bytes)."""
ASSET_CACHE = "public, max-age=3600"
"""The script and style: an hour without asking (a room reloads pages, not Vega)."""
TYPES = {
    "html": "text/html; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
}


@dataclass(frozen=True)
class SiteFile:
    """One file of the kernel-free deck as served: its bytes, gzipped bytes and headers."""

    body: bytes
    gzipped: bytes
    etag: str
    content_type: str
    cache_control: str


def site_files(languages: tuple[str, ...] = LANGUAGES) -> dict[str, SiteFile]:
    """Every file of the kernel-free deck, by its path under :data:`PREFIX` (``en/nocure.html``).

    Simulates the grids the cache lacks first (a minute or two, once per machine).
    """
    from kit.kernelfree.site import site_pages

    files = {}
    for page in site_pages(languages):
        body = page.text.encode("utf-8")
        kind = page.path.rsplit(".", 1)[-1]
        files[page.path] = SiteFile(
            body=body,
            gzipped=gzip.compress(body, 6, mtime=0),
            etag=hashlib.sha256(body).hexdigest()[:32],
            content_type=TYPES[kind],
            cache_control=PAGE_CACHE if kind == "html" else ASSET_CACHE,
        )
    return files


def story_url(story: str, language: str) -> str:
    """The address of one story's kernel-free page (``/kernel-free/en/nocure.html``)."""
    return f"{PREFIX}{language}/{story}.html"


class KernelFreeSite:
    """The kernel-free deck of a presenter: built once (in the background, or at once).

    Parameters
    ----------
    languages : tuple of str
    """

    def __init__(self, languages: tuple[str, ...] = LANGUAGES) -> None:
        self.languages = languages
        self.files: dict[str, SiteFile] = {}
        self.failed: str | None = None
        self._ready = threading.Event()

    @property
    def ready(self) -> bool:
        """True once every file is built (and False for good if building failed)."""
        return self._ready.is_set() and not self.failed

    def build(self) -> None:
        """Build every file now (a failure is kept in :attr:`failed` and raised)."""
        try:
            self.files = site_files(self.languages)
        except BaseException as error:
            self.failed = f"{type(error).__name__}: {error}"
            raise
        finally:
            self._ready.set()

    def build_in_background(self, done: Callable[[KernelFreeSite], None]) -> threading.Thread:
        """Build in a thread of its own; call ``done(self)`` when ready or failed."""

        def run() -> None:
            try:
                self.build()
            except Exception:  # kept in .failed; done() tells the terminal
                pass
            done(self)

        thread = threading.Thread(target=run, name="kit-kernel-free-site", daemon=True)
        thread.start()
        return thread

    def has_story(self, story: str, language: str) -> bool:
        """True when the story's kernel-free page is ready to be served."""
        return self.ready and f"{language}/{story}.html" in self.files


def site_handler(site: KernelFreeSite, not_found: Callable[[str], str]) -> type:
    """A tornado handler serving ``site``'s files under :data:`PREFIX` (``(.*)`` is the path).

    Parameters
    ----------
    site : KernelFreeSite
    not_found : callable
        ``not_found(language) -> html``: the page for any other path.
    """
    import tornado.web

    class KernelFreeHandler(tornado.web.RequestHandler):
        def get(self, path: str) -> None:
            self._answer(path, body=True)

        def head(self, path: str) -> None:
            self._answer(path, body=False)

        def _answer(self, path: str, body: bool) -> None:
            found = site.files.get(path or "index.html") if site.ready else None
            if found is None:
                first = path.split("/", 1)[0]
                self.set_status(404)
                self.finish(not_found(first if first in LANGUAGES else LANGUAGES[0]))
                return
            zipped = "gzip" in self.request.headers.get("Accept-Encoding", "")
            # one ETag per representation: a cache must not swap gzip and plain bytes
            self.set_header("ETag", f'"{found.etag}{"-gz" if zipped else ""}"')
            self.set_header("Cache-Control", found.cache_control)
            self.set_header("Content-Type", found.content_type)
            self.set_header("Vary", "Accept-Encoding")
            if self.check_etag_header():
                self.set_status(304)
                self.finish()
                return
            if zipped:
                self.set_header("Content-Encoding", "gzip")
            data = found.gzipped if zipped else found.body
            if body:
                self.finish(data)
            else:
                self.set_header("Content-Length", len(data))
                self.finish()

        def compute_etag(self) -> Any:
            return None  # set above, per file, not hashed again per request

    return KernelFreeHandler
