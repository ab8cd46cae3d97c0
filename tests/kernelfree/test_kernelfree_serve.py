"""The kernel-free deck as the presenter serves it: the site's files in memory, gzipped, with an
ETag each; a build that fails is kept as failed and serves nothing (the room-full page stays)."""

from __future__ import annotations

import gzip
import hashlib
import threading

import pytest

from kit.kernelfree import serve
from kit.kernelfree.site import site_pages


def test_site_files_are_the_site_pages_gzipped_with_an_etag_each():
    files = serve.site_files(("nl",))
    pages = {page.path: page.text.encode("utf-8") for page in site_pages(("nl",))}
    assert (
        set(files)
        == set(pages)
        == {
            "index.html",
            "nl/nocure.html",
            "nl/referrals.html",
            "assets/vega.js",
            "assets/site.css",
        }
    )
    for path, file in files.items():
        assert file.body == pages[path] and gzip.decompress(file.gzipped) == file.body
        assert file.etag == hashlib.sha256(file.body).hexdigest()[:32]
        html = path.endswith(".html")
        assert file.cache_control == (serve.PAGE_CACHE if html else serve.ASSET_CACHE)
        assert file.content_type.split(";")[0] in ("text/html", "text/javascript", "text/css")
    assert len(files["assets/vega.js"].gzipped) < len(files["assets/vega.js"].body) / 2


def test_a_site_is_ready_only_once_built_and_a_failure_is_kept(monkeypatch):
    site = serve.KernelFreeSite(("en",))
    assert not site.ready and not site.has_story("nocure", "en")

    def broken(languages):
        raise OSError("disk full")

    monkeypatch.setattr(serve, "site_files", broken)
    finished = threading.Event()
    told = []
    site.build_in_background(lambda built: (told.append(built.failed), finished.set()))
    assert finished.wait(30)
    assert told == ["OSError: disk full"] and not site.ready
    assert not site.has_story("nocure", "en")
    with pytest.raises(OSError):
        serve.KernelFreeSite(("en",)).build()


def test_a_story_is_served_at_its_language_and_name():
    assert serve.story_url("referrals", "nl") == "/kernel-free/nl/referrals.html"
