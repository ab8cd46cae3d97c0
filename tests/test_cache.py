"""The disk cache: made once, found again, bounded, harmless when it cannot be written,
and never trusted blindly: a zero-byte, truncated, edited or foreign entry is redrawn."""

import hashlib
import logging
import os
import re
import xml.etree.ElementTree as ET

import pytest
import vl_convert as vlc

from kit import cache
from kit.live import display

# a chart of the story's kind (months, forms, a euro axis), independent of the story's texts
SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "data": {"values": [{"month": m, "forms": f} for m, f in enumerate([20, 15, 5, 45], 1)]},
    "mark": "bar",
    "encoding": {
        "x": {"field": "month", "type": "ordinal"},
        "y": {"field": "forms", "type": "quantitative", "axis": {"format": "$,.2f"}},
    },
}


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "workshop-kit"


def test_an_entry_is_made_once_and_then_read(empty_cache):
    made = []

    def make():
        made.append(1)
        return "drawn"

    assert cache.remembered("svg", "a.svg", make) == "drawn"
    assert cache.remembered("svg", "a.svg", make) == "drawn"
    assert made == [1]
    raw = (empty_cache / "svg" / "a.svg").read_bytes()
    seal = hashlib.sha256(b"drawn").hexdigest()
    assert raw == f"drawn\n<!-- workshop-kit cache sha256={seal} -->\n".encode()
    assert not list((empty_cache / "svg").glob(".*"))  # no half-written leftovers


def test_bytes_are_kept_whole_and_a_pdf_stays_a_pdf(empty_cache):
    printed = b"%PDF-1.4\n\x00\xff\xfe binary\n%%EOF\n"
    assert cache.recalled("pdf", "a.pdf") is None
    cache.kept("pdf", "a.pdf", printed)
    assert cache.recalled("pdf", "a.pdf") == printed
    raw = (empty_cache / "pdf" / "a.pdf").read_bytes()
    seal = hashlib.sha256(printed).hexdigest()
    assert raw == printed + f"\n%workshop-kit cache sha256={seal}\n".encode()  # a PDF comment
    (empty_cache / "pdf" / "a.pdf").write_bytes(raw[:-10] + b"0123456789")
    assert cache.recalled("pdf", "a.pdf") is None
    assert not (empty_cache / "pdf" / "a.pdf").exists()  # dropped, to be printed again


def test_bytes_that_are_not_text_are_made_again_as_text(empty_cache):
    cache.kept("svg", "a.svg", b"\xff\xfe not UTF-8")
    assert cache.remembered("svg", "a.svg", lambda: "drawn") == "drawn"
    assert cache.recalled("svg", "a.svg") == b"drawn"


def test_a_full_folder_forgets_the_least_recently_used(empty_cache):
    for name in "abcd":
        cache.remembered("svg", name, lambda name=name: name, keep=4)
    cache.remembered("svg", "a", lambda: "never made")  # a is used again: now the newest
    older = (empty_cache / "svg" / "a").stat().st_mtime - 10
    for name in "bcd":
        os.utime(empty_cache / "svg" / name, (older, older))
    cache.remembered("svg", "e", lambda: "e", keep=4)
    assert sorted(p.name for p in (empty_cache / "svg").iterdir()) == ["a", "e"]


def test_a_cache_that_cannot_be_written_only_costs_speed(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    with caplog.at_level(logging.INFO, logger="kit.cache"):
        assert cache.remembered("svg", "a.svg", lambda: "drawn") == "drawn"
    assert "cannot keep" in caplog.text


def test_a_chart_drawn_before_comes_from_the_cache(empty_cache, monkeypatch):
    spec = SPEC
    calls = []
    draw = vlc.vegalite_to_svg

    def counting(*args, **kwargs):
        calls.append(kwargs["format_locale"]["decimal"])
        return draw(*args, **kwargs)

    monkeypatch.setattr(vlc, "vegalite_to_svg", counting)
    english = display.chart_svg(spec, "en")
    assert display.chart_svg(spec, "en") == english
    dutch = display.chart_svg(spec, "nl")
    assert calls == [".", ","]  # each language drawn once
    assert dutch != english
    changed = {**spec, "title": "Another title"}
    assert "Another title" in display.chart_svg(changed, "en")
    assert len(calls) == 3


# ------------------------------------------------------------------- entries not trusted

GOOD = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>€ 1.600</text></svg>'


def sealed_entry(suffix=".svg", text=GOOD) -> bytes:
    return cache.sealed(suffix, text)


CORRUPT = {
    "zero bytes": lambda good: b"",
    "one newline": lambda good: b"\n",
    "cut in the middle": lambda good: good[: len(good) // 2],
    "cut before the seal": lambda good: good[: good.rindex(b"\n<!--")],
    "cut inside the seal": lambda good: good[:-10],
    "last byte missing": lambda good: good[:-1],
    "cut and re-ended": lambda good: good[: len(good) // 2] + good[good.rindex(b"\n<!--") :],
    "one byte changed": lambda good: good.replace(b"1.600", b"1.700"),
    "a line added": lambda good: b"<!-- edited -->\n" + good,
    "the seal of another entry": lambda good: b"<svg/>" + good[good.rindex(b"\n<!--") :],
    "an entry of the old format": lambda good: GOOD.encode(),
    "a foreign svg": lambda good: b'<svg xmlns="http://www.w3.org/2000/svg"/>\n',
    "html": lambda good: b"<!doctype html><title>not a chart</title>\n",
    "binary garbage": lambda good: bytes(range(256)) * 4,
    "not utf-8 but sealed": lambda good: b"\xff\xfe" + cache.sealed(".svg", "x")[1:],
    "sealed as javascript": lambda good: cache.sealed(".js", GOOD),
}


@pytest.mark.parametrize("kind", list(CORRUPT))
def test_a_bad_entry_is_dropped_and_made_again(empty_cache, kind, caplog):
    path = empty_cache / "svg" / "chart.svg"
    path.parent.mkdir(parents=True)
    path.write_bytes(CORRUPT[kind](sealed_entry()))
    made = []

    def draw():
        made.append(1)
        return GOOD

    with caplog.at_level(logging.INFO, logger="kit.cache"):
        assert cache.remembered("svg", "chart.svg", draw) == GOOD
    assert made == [1]
    assert "dropping" in caplog.text
    assert path.read_bytes() == sealed_entry()  # replaced by a good entry
    assert cache.remembered("svg", "chart.svg", draw) == GOOD and made == [1]


def test_an_entry_too_big_to_be_the_kits_is_dropped_unread(empty_cache, monkeypatch):
    path = empty_cache / "js" / "board.js"
    path.parent.mkdir(parents=True)
    with path.open("wb") as file:
        file.truncate(cache.MAX_ENTRY_BYTES + 1)  # sparse: reading it would be the bug
    with monkeypatch.context() as patched:
        patched.setattr(type(path), "read_bytes", lambda self: pytest.fail("read"))
        assert cache.remembered("js", "board.js", lambda: "export {}") == "export {}"
    assert path.read_bytes() == cache.sealed(".js", "export {}")


def test_a_folder_in_the_place_of_an_entry_is_left_alone(empty_cache, caplog):
    path = empty_cache / "svg" / "chart.svg"
    (path / "someone's").mkdir(parents=True)
    with caplog.at_level(logging.INFO, logger="kit.cache"):
        assert cache.remembered("svg", "chart.svg", lambda: GOOD) == GOOD
    assert (path / "someone's").is_dir()
    assert "cannot keep" in caplog.text


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        (".svg", GOOD),
        (".js", "export const board = 1;\n//# sourceMappingURL=x"),
        (".txt", ""),
        (".svg", "ends with a newline\n"),
        (".svg", "many\n\nlines\r\n"),
    ],
)
def test_what_is_sealed_is_given_back_exactly(suffix, text):
    assert cache.unsealed(suffix, cache.sealed(suffix, text)) == text


def test_a_sealed_svg_is_still_an_svg_document_and_sealed_javascript_still_runs(tmp_path):
    # the seal is a comment of the file's own kind: the presenter serves .js entries as they are
    assert ET.fromstring(cache.sealed(".svg", GOOD)).tag == "{http://www.w3.org/2000/svg}svg"
    assert cache.sealed(".js", "let a = 1;").decode().splitlines()[-1].startswith("/* ")


@pytest.mark.parametrize("kind", ["zero bytes", "cut in the middle", "a foreign svg", "html"])
def test_a_poisoned_chart_is_redrawn_not_put_in_a_handout(empty_cache, monkeypatch, kind):
    spec = SPEC
    calls = []
    draw = vlc.vegalite_to_svg

    def counting(*args, **kwargs):
        calls.append(1)
        return draw(*args, **kwargs)

    monkeypatch.setattr(vlc, "vegalite_to_svg", counting)
    drawn = display.chart_svg(spec, "nl")
    (entry,) = (empty_cache / "svg").iterdir()
    entry.write_bytes(CORRUPT[kind](entry.read_bytes()))
    again = display.chart_svg(spec, "nl")
    assert len(calls) == 2
    # vl-convert numbers its clip paths per process: the same chart, up to those ids
    assert re.sub(r"clip\d+", "clip", again) == re.sub(r"clip\d+", "clip", drawn)
    assert ET.fromstring(again).tag == "{http://www.w3.org/2000/svg}svg"
    assert display.chart_svg(spec, "nl") == again and len(calls) == 2
