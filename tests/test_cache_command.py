"""`kit cache`: what the kit keeps, listed, and emptied of the kit's own entries only."""

from __future__ import annotations

import os

import pytest

from kit.cache import FOLDERS, cache_dir, kept
from kit.cli import main


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    return cache_dir()


def test_an_empty_cache_lists_every_folder_with_nothing(cache, capsys):
    assert main(["cache"]) == 0
    out = capsys.readouterr().out
    assert str(cache) in out
    for folder in FOLDERS:
        assert f"  {folder} " in out
    assert "In all 0 kB." in out
    assert not cache.exists()  # listing writes nothing


def test_clear_removes_the_kits_entries_and_leaves_everything_else(cache, tmp_path, capsys):
    kept("svg", "chart.svg", b"<svg/>")
    kept("pdf", "handout.pdf", b"%PDF-1.4 a participant's page")
    kept("pdf-runs", "run", b"every PDF of this run is kept")
    (cache / "svg" / ".chart.svg.4242.part").write_bytes(b"<svg")  # a write cut short
    (cache / "svg" / "notes.txt").write_text("the trainer's own")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "keep.pdf").write_bytes(b"%PDF not the kit's")
    (cache / "pdf" / "link.pdf").symlink_to(outside / "keep.pdf")
    (cache / "grids").symlink_to(outside, target_is_directory=True)  # a folder moved away

    assert main(["cache"]) == 0
    listed = capsys.readouterr().out
    lines = listed.splitlines()
    pdf = next(i for i, line in enumerate(lines) if line.startswith("  pdf "))
    assert lines[pdf].split()[1:4] == ["1", "1", "kB"]  # the entry; the link is no entry
    assert "plus 1 not written by the kit" in lines[pdf + 1]
    assert "  grids          0" in listed  # a linked folder is not looked into

    assert main(["cache", "--clear"]) == 0
    said = capsys.readouterr().out
    assert "Removed 4 entries" in said
    assert "Left in svg: 1 not written by the kit." in said
    assert "Left in pdf: 1 not written by the kit." in said
    assert "Left grids: it is a link" in said
    assert sorted(p.name for p in (cache / "svg").iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in (cache / "pdf").iterdir()) == ["link.pdf"]
    assert not (cache / "pdf-runs").exists()  # emptied folders go
    assert (outside / "keep.pdf").read_bytes() == b"%PDF not the kit's"
    assert (cache / "grids").is_symlink()


def test_only_pdf_removes_the_printed_handouts_and_their_runs(cache, capsys):
    kept("svg", "chart.svg", b"<svg/>")
    kept("pdf", "handout.pdf", b"%PDF-1.4 a participant's page")
    kept("pdf-runs", "run", b"every PDF of this run is kept")
    assert main(["cache", "--clear", "--only", "pdf", "--lang", "nl"]) == 0
    assert "2 items (1 kB) verwijderd" in capsys.readouterr().out
    assert not (cache / "pdf").exists() and not (cache / "pdf-runs").exists()
    assert (cache / "svg" / "chart.svg").exists()


def test_an_edited_entry_is_not_the_kits_any_more(cache, capsys):
    kept("svg", "chart.svg", b"<svg/>")
    path = cache / "svg" / "chart.svg"
    path.write_bytes(path.read_bytes().replace(b"<svg/>", b"<svg> "))
    assert main(["cache", "--clear", "--only", "svg"]) == 0
    assert "Removed 0 entries" in capsys.readouterr().out
    assert path.exists()


def test_a_file_that_cannot_be_removed_is_said_in_one_line(cache, monkeypatch, capsys):
    kept("pdf", "handout.pdf", b"%PDF-1.4 a participant's page")

    def refused(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(os, "remove", refused)
    assert main(["cache", "--clear"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kit cache: failed: removing ") and "handout.pdf" in err
    assert "Permission denied" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_cache_that_cannot_be_read_is_said_in_one_line(cache, monkeypatch, capsys):
    kept("svg", "chart.svg", b"<svg/>")

    def refused(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "scandir", refused)
    assert main(["cache", "--lang", "nl"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kit cache: mislukt: ") and "svg lezen: Permission denied" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("only", "said"),
    [
        ("faces", "'faces': not a kind the cache keeps; choose from svg, live, grids, js, pdf"),
        (",", "',' names no kind"),
        ("pdf,npm", "'npm': not a kind"),
    ],
)
def test_only_names_kinds_the_cache_keeps(cache, capsys, only, said):
    assert main(["cache", "--clear", "--only", only]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert not cache.exists()
