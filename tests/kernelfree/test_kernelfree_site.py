"""``kit export-site DIR``: the folder's files, their sizes, and the folder rules."""

from __future__ import annotations

import json
import re

import pytest

from kit.cli import main
from kit.kernelfree import site
from kit.stories import STORIES
from kit.text import LANGUAGES

MB = 1_000_000


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export") / "site"
    assert main(["export-site", str(folder)]) == 0
    return folder


def test_kernelfree_site_has_every_page_in_its_language(exported):
    index = (exported / "index.html").read_text(encoding="utf-8")
    for language in LANGUAGES:
        assert f'<section lang="{language}">' in index
        for name in STORIES:
            page = (exported / language / f"{name}.html").read_text(encoding="utf-8")
            assert f'<html lang="{language}">' in page
            assert f'href="{language}/{name}.html"' in index
            assert 'src="../assets/vega.js"' in page and "vegaEmbed" in page
    assert (exported / site.BUNDLE).stat().st_size > 100_000  # Vega, Vega-Lite, Vega-Embed


def test_kernelfree_site_loads_nothing_from_elsewhere(exported):
    for path in exported.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), path
        assert "<script src" not in text


def test_kernelfree_site_pages_stay_under_2_mb_with_the_javascript(exported):
    bundle = (exported / site.BUNDLE).stat().st_size
    for path in exported.rglob("*.html"):
        size = path.stat().st_size + bundle + (exported / site.STYLE).stat().st_size
        print(f"{path.relative_to(exported)}: {path.stat().st_size:,} B (+ {bundle:,} B bundle)")
        assert size < 2 * MB, path


def test_kernelfree_site_manifest_lists_every_file(exported):
    manifest = json.loads((exported / site.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["generator"] == site.GENERATOR
    listed = {f["path"] for f in manifest["files"]}
    on_disk = {p.relative_to(exported).as_posix() for p in exported.rglob("*") if p.is_file()} - {
        site.MANIFEST
    }
    assert listed == on_disk
    assert site.foreign_files(exported) == []


def test_kernelfree_site_replaces_an_earlier_export(exported, tmp_path):
    folder = tmp_path / "again"
    assert main(["export-site", str(folder), "--lang", "nl"]) == 0
    assert not (folder / "en").exists()
    assert main(["export-site", str(folder)]) == 0
    assert (folder / "en" / "referrals.html").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["again"]  # no stage or old folder left


def refused(capsys, folder) -> str:
    assert main(["export-site", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_kernelfree_site_refuses_a_folder_that_is_not_an_export(tmp_path, capsys):
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "chapter1.tex").write_text("mine", encoding="utf-8")
    err = refused(capsys, folder)
    assert str(folder) in err and "site.json" in err
    assert [p.name for p in folder.iterdir()] == ["chapter1.tex"]


def test_kernelfree_site_refuses_an_export_with_a_foreign_or_edited_file(
    exported, tmp_path, capsys
):
    folder = tmp_path / "site"
    assert main(["export-site", str(folder), "--lang", "en"]) == 0
    (folder / "notes.txt").write_text("the coach's notes", encoding="utf-8")
    assert "notes.txt" in refused(capsys, folder)
    (folder / "notes.txt").unlink()
    page = folder / "en" / "nocure.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- edited -->", encoding="utf-8")
    assert "en/nocure.html" in refused(capsys, folder)
    assert page.read_text(encoding="utf-8").endswith("<!-- edited -->")


def test_kernelfree_site_refuses_a_file_and_a_path_through_a_file(tmp_path, capsys):
    file = tmp_path / "site.html"
    file.write_text("x", encoding="utf-8")
    assert "is a file" in refused(capsys, file)
    assert "is a file" in refused(capsys, file / "inside")


def test_kernelfree_site_refuses_a_read_only_folder(tmp_path, capsys):
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        if _writable_anyway(parent):
            pytest.skip("running as root: a read-only folder is writable")
        assert "permission denied" in refused(capsys, parent / "site")
    finally:
        parent.chmod(0o755)


def _writable_anyway(folder) -> bool:
    try:
        (folder / "probe").mkdir()
    except OSError:
        return False
    (folder / "probe").rmdir()
    return True


def test_kernelfree_site_failure_leaves_the_folder_as_it_was(exported, tmp_path, monkeypatch):
    folder = tmp_path / "site"
    assert main(["export-site", str(folder), "--lang", "en"]) == 0
    before = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))

    def broken(languages):
        yield site.Page("index.html", "half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(site, "site_pages", broken)
    assert main(["export-site", str(folder)]) == 1
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_kernelfree_site_command_line_mistakes(capsys):
    assert main(["export-site"]) == 2
    assert main(["export-site", "x", "--lang", "fr"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "fr" in err


def test_kernelfree_site_removes_what_a_killed_export_left_behind(tmp_path):
    """A stage folder of a dead export goes; one of a running export (this one) stays."""
    import subprocess
    import sys

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    left = tmp_path / ".site.tmp-killed"
    left.mkdir()
    site.EXPORT_MARKER.write(left)
    marker = json.loads((left / site.MARKER).read_text())
    marker["pid"] = int(dead.stdout)
    (left / site.MARKER).write_text(json.dumps(marker))
    running = tmp_path / ".site.tmp-running"
    running.mkdir()
    site.EXPORT_MARKER.write(running)  # this process: still running
    foreign = tmp_path / ".site.tmp-someone-elses"
    foreign.mkdir()
    assert main(["export-site", str(tmp_path / "site"), "--lang", "en"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".site.tmp-running",
        ".site.tmp-someone-elses",
        "site",
    ]
    assert not (tmp_path / "site" / site.MARKER).exists()
