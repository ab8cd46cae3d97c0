"""A handout's kernel-free scenes and the packed Vega bundle, kept in the kit's cache."""

from __future__ import annotations

import base64
import dataclasses
import gzip

import pytest

from kit.cache import cache_dir, files_digest, kit_fingerprint
from kit.handouts import sliders
from kit.handouts.plan import plan_handouts
from kit.kernelfree import embed
from kit.kernelfree.site import vega_bundle
from kit.workshop import DEFAULT_WORKSHOP, load_workshop


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache but for the grids (a minute to simulate): those are the usual ones."""
    grids = cache_dir() / "grids"
    grids.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache_dir().mkdir(parents=True)
    (cache_dir() / "grids").symlink_to(grids, target_is_directory=True)
    return cache_dir()


@pytest.fixture(scope="module")
def handouts():
    return {(h.story, h.language): h for h in plan_handouts(load_workshop(DEFAULT_WORKSHOP))}


def test_the_kept_scenes_are_the_ones_drawn(fresh_cache, handouts, monkeypatch):
    handout = handouts["nocure", "en"]
    made = sliders.live_charts(handout)
    assert made and all("kit-kernel-free" in html for html in made.values())
    assert len(list((cache_dir() / "live").glob("*.json"))) == 1

    def no_drawing(story):
        raise AssertionError("drawn again although kept")

    monkeypatch.setattr(sliders, "_drawn_live_charts", no_drawing)
    assert sliders.live_charts(handout) == made


def test_each_language_and_value_has_its_own_entry(fresh_cache, handouts):
    english, dutch = handouts["nocure", "en"], handouts["nocure", "nl"]
    assert sliders.live_charts(english) != sliders.live_charts(dutch)
    other = dataclasses.replace(english, parameters={**english.parameters, "mean": 30.0})
    sliders.live_charts(other)
    assert len(list((cache_dir() / "live").glob("*.json"))) == 3


def test_a_damaged_entry_is_drawn_again(fresh_cache, handouts):
    handout = handouts["referrals", "nl"]
    made = sliders.live_charts(handout)
    (entry,) = (cache_dir() / "live").glob("*.json")
    entry.write_text('{"band": "<script>alert(1)</script>"}\n')
    assert sliders.live_charts(handout) == made


def test_the_kept_bundle_unpacks_to_vega(fresh_cache):
    script = embed.packed_bundle_script()
    packed = script.split(">", 1)[1].rsplit("</script>", 1)[0]
    assert gzip.decompress(base64.b64decode(packed)).decode() == vega_bundle()
    assert embed.packed_bundle_script() == script
    assert list((cache_dir() / "js").glob("site-*.txt"))


def test_the_fingerprint_changes_with_any_of_the_kits_files(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "story.py").write_text("MEAN = 20\n")
    (tmp_path / "text" / "en.yaml").write_text("title: No cure, no pay\n")
    before = files_digest(tmp_path)
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "story.py").write_text("compiled")
    (tmp_path / "notes.txt").write_text("not the kit's")
    assert files_digest(tmp_path) == before
    (tmp_path / "text" / "en.yaml").write_text("title: No cure, no pay!\n")
    assert files_digest(tmp_path) != before
    assert kit_fingerprint() == kit_fingerprint() != before
