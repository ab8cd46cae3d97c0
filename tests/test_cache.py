"""The disk cache: made once, found again, bounded, and harmless when it cannot be written."""

import logging
import os

import pytest
import vl_convert as vlc

from kit import cache
from kit.live import display
from kit.nocure import SEED_RESULTS, client_view
from kit.stories.nocure.charts import mood_bars


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
    assert (empty_cache / "svg" / "a.svg").read_text() == "drawn"
    assert not list((empty_cache / "svg").glob(".*"))  # no half-written leftovers


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
    spec = mood_bars(client_view(SEED_RESULTS, 120)).to_dict(validate=False)
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
