"""A page printed before is copied from the kit's cache, not printed again."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import COUNTING_CHROMIUM, stand_in_printer

from kit.cache import FOLDERS, cache_dir
from kit.chromium import printer_path
from kit.handouts import pdf
from kit.handouts.pdf import PDF_CACHE, RUNS_CACHE, RunHint
from kit.handouts.plan import plan_handouts
from kit.handouts.runner import planned_run
from kit.workshop import DEFAULT_WORKSHOP, load_workshop

CHROMIUM = printer_path() or Path("/usr/bin/chromium")
"""What the handouts print with (the stand-in hands over to it)."""
DRAWN = ("grids", "live", "js", "svg")
"""The cache's folders of drawn charts and simulated grids, shared with the real cache:
slow to make, and not what these tests are about."""


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    """A cache of the test's own for PDFs and runs, sharing the real one's drawn charts."""
    real = cache_dir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache_dir().mkdir(parents=True)
    for folder in DRAWN:
        (real / folder).mkdir(parents=True, exist_ok=True)
        (cache_dir() / folder).symlink_to(real / folder, target_is_directory=True)
    return cache_dir()


def handouts(tmp_path: Path, out: str) -> Path:
    """`kit handouts --lang en` into ``out`` with a Chromium that counts its starts."""
    bin_folder = tmp_path / "bin"
    if not bin_folder.exists():
        bin_folder.mkdir()
        stand_in_printer(bin_folder, COUNTING_CHROMIUM.format(chromium=CHROMIUM))
    env = {
        **os.environ,
        "PATH": f"{bin_folder}:{os.environ['PATH']}",
        "KIT_BROWSER_STARTS": str(tmp_path / "starts"),
    }
    command = [sys.executable, "-m", "kit", "handouts", "--lang", "en", "--out"]
    run = subprocess.run(
        [*command, str(tmp_path / out)], env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    return tmp_path / out


def starts(tmp_path: Path) -> int:
    path = tmp_path / "starts"
    return len(path.read_text().splitlines()) if path.exists() else 0


def pages(folder: Path, suffix: str) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.rglob(f"*{suffix}"))}


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium")
def test_a_run_again_copies_its_pdfs_and_a_damaged_one_is_printed_again(own_cache, tmp_path):
    first = handouts(tmp_path, "first")
    assert starts(tmp_path) == 1
    assert len(list((own_cache / PDF_CACHE).glob("*.pdf"))) == 2
    assert len(list((own_cache / RUNS_CACHE).iterdir())) == 1
    assert {folder.name for folder in own_cache.iterdir()} <= set(FOLDERS)  # kit cache sees all

    again = handouts(tmp_path, "again")
    assert starts(tmp_path) == 1, "the second run started a browser"
    # the same parameters give the same page, byte for byte, and so the same PDF
    assert pages(again, ".html") == pages(first, ".html")
    assert pages(again, ".pdf") == pages(first, ".pdf")
    assert len(pages(first, ".pdf")) == 2

    damaged, *_ = sorted((own_cache / PDF_CACHE).glob("*.pdf"))
    whole = damaged.read_bytes()
    damaged.write_bytes(whole[: len(whole) // 2])  # cut short, as by a full disk
    # the run expects to need no browser, finds a page it lacks, and starts one then
    third = handouts(tmp_path, "third")
    assert starts(tmp_path) == 2
    for name, content in pages(third, ".pdf").items():
        assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF"), name
    assert len(list((own_cache / PDF_CACHE).glob("*.pdf"))) == 2
    assert damaged.read_bytes().startswith(b"%PDF-")
    assert len(damaged.read_bytes()) > len(whole) // 2 + 1000


def test_a_page_is_named_by_its_bytes_and_how_it_is_printed(monkeypatch):
    name = pdf.printed_name(b"<p>120 forms</p>")
    assert name.endswith(".pdf")
    assert pdf.printed_name(b"<p>120 forms</p>") == name
    assert pdf.printed_name(b"<p>121 forms</p>") != name
    monkeypatch.setattr(pdf, "PRINT_OPTIONS", {**pdf.PRINT_OPTIONS, "format": "Letter"})
    pdf._printing.cache_clear()
    try:
        assert pdf.printed_name(b"<p>120 forms</p>") != name
    finally:
        monkeypatch.undo()
        pdf._printing.cache_clear()


def test_a_font_installed_or_upgraded_names_new_pdfs(monkeypatch, tmp_path):
    """Chromium draws a page's text with the fonts fontconfig lists: another font there
    (installed, removed or of another version) prints another PDF."""
    lister = tmp_path / "fc-list"
    lister.write_text('#!/bin/sh\ncat "$(dirname "$0")/fonts"\n')
    lister.chmod(0o755)
    monkeypatch.setattr(pdf, "FC_LIST", str(lister))
    names = []
    for fonts in ("a.ttf|1\nb.ttf|1\n", "b.ttf|1\na.ttf|1\n", "a.ttf|2\nb.ttf|1\n", "a.ttf|2\n"):
        (tmp_path / "fonts").write_text(fonts)
        pdf._printing.cache_clear()
        names.append(pdf.printed_name(b"<p>120 forms</p>"))
    monkeypatch.undo()
    pdf._printing.cache_clear()
    assert names[0] == names[1]  # the same fonts, listed in another order
    assert len(set(names[1:])) == 3  # upgraded, then removed: each a new name
    monkeypatch.setattr(pdf, "FC_LIST", str(tmp_path / "no-fontconfig"))
    assert pdf._fonts() == ""  # no fontconfig: the browser's own file decides alone


def test_a_run_is_expected_warm_only_as_it_was_noted(own_cache, tmp_path):
    workshop = tmp_path / "workshop.yaml"
    workshop.write_text("title: Sales kick-off\n")
    roster = tmp_path / "roster.csv"
    roster.write_text("name,month_1\nAnna,20\n")
    hint = RunHint(("en", "html,pdf"), (str(workshop),))
    assert not pdf.warm_run_expected(hint)
    assert not pdf.warm_run_expected(None)
    pdf.note_warm_run(hint)
    assert pdf.warm_run_expected(hint)
    assert not pdf.warm_run_expected(RunHint(("nl", "html,pdf"), (str(workshop),)))
    roster.write_text("name,month_1\nAnna,45\n")  # edited beside the workshop
    os.utime(roster, ns=(0, 1))
    assert not pdf.warm_run_expected(hint)


def test_a_huge_folder_beside_the_workshop_is_looked_at_only_in_part(tmp_path):
    for i in range(pdf.FILES_SEEN + 50):
        (tmp_path / f"{i:04}.csv").touch()
    assert len(pdf._files_seen(str(tmp_path))) == pdf.FILES_SEEN
    assert pdf._files_seen(str(tmp_path / "gone")) == []


def test_a_planned_run_is_named_by_every_handout_as_planned():
    plan = plan_handouts(load_workshop(DEFAULT_WORKSHOP))
    name = pdf.run_name(planned_run(plan))
    assert pdf.run_name(planned_run(plan_handouts(load_workshop(DEFAULT_WORKSHOP)))) == name
    first = plan[0]
    moved = dataclasses.replace(first, parameters={**first.parameters, "target": 90})
    assert pdf.run_name(planned_run([moved, *plan[1:]])) != name
    assert pdf.run_name(planned_run(plan[1:])) != name
