"""`kit init [DIR]`: a workshop folder to edit, never overwriting, one-line refusals."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kit import resources
from kit.cli import main
from kit.commands import init
from kit.stories import STORIES
from kit.text import number, t
from kit.workshop import load_workshop

WORKSHOPS = resources.DATA / "workshops"


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def refused(capsys, *argv: str) -> str:
    """Run ``kit init`` expecting a refusal: exit 2, one line on stderr, nothing on stdout."""
    assert main(["init", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    return err.strip()


# -- what it writes ------------------------------------------------------------------------------


def test_kit_init_fills_workshop_with_the_workshop_file_and_the_roster_example(here, capsys):
    assert main(["init"]) == 0
    assert files_in(here / "workshop") == {
        "workshop.yaml": (WORKSHOPS / "default.yaml").read_bytes(),
        "roster_example.csv": (WORKSHOPS / "roster_example.csv").read_bytes(),
    }
    out = capsys.readouterr().out
    assert t("init.written", "en", count="2", folder="workshop") in out
    assert "workshop/workshop.yaml" in out and "workshop/roster_example.csv" in out
    assert "kit handouts workshop/workshop.yaml --out workshop/handouts" in out


def test_the_copied_workshop_file_keeps_its_comments_and_loads(here):
    assert main(["init", "march"]) == 0
    text = (here / "march" / "workshop.yaml").read_text()
    assert text.lstrip().startswith("#")  # the explanations come along
    workshop = load_workshop(here / "march" / "workshop.yaml")
    assert workshop.notebooks.keys() == set(STORIES)


def test_the_roster_example_is_found_beside_the_copied_workshop_file(here):
    assert main(["init", "march"]) == 0
    workshop_file = here / "march" / "workshop.yaml"
    text = workshop_file.read_text()
    assert "# roster: roster_example.csv" in text
    roster_line = "roster: roster_example.csv"
    workshop_file.write_text(text.replace(f"# {roster_line}", roster_line))
    workshop = load_workshop(workshop_file)
    assert workshop.roster_path == (here / "march" / "roster_example.csv").resolve()
    assert len(workshop.roster) >= 1


def test_notebooks_copies_every_storys_notebook(here, capsys):
    assert main(["init", "course/2026", "--notebooks"]) == 0
    written = files_in(here / "course" / "2026")
    for entry in STORIES.values():
        assert written[f"notebooks/{entry.notebook}"] == entry.notebook_path.read_bytes()
    assert len(written) == 2 + len(STORIES)
    assert "jupyter lab course/2026/notebooks" in capsys.readouterr().out


def test_the_current_folder_and_an_existing_empty_folder_are_filled(here):
    (here / "ready").mkdir()
    assert main(["init", "ready"]) == 0
    assert set(files_in(here / "ready")) == {"workshop.yaml", "roster_example.csv"}
    assert main(["init", "."]) == 0
    assert (here / "workshop.yaml").read_bytes() == (WORKSHOPS / "default.yaml").read_bytes()


def test_other_files_in_the_folder_stay(here):
    (here / "workshop").mkdir()
    (here / "workshop" / "notes.txt").write_text("mine")
    assert main(["init"]) == 0
    assert (here / "workshop" / "notes.txt").read_text() == "mine"


def test_messages_in_dutch_with_lang_nl(here, capsys):
    assert main(["init", "--lang", "nl"]) == 0
    assert t("init.written", "nl", count="2", folder="workshop") in capsys.readouterr().out
    err = refused(capsys, "--lang", "nl")
    assert t("init.exists", "nl", files="x").split(": ", 1)[1] in err


def test_kit_help_offers_init(capsys):
    assert main(["--help"]) == 0
    assert "init" in capsys.readouterr().out


# -- refusals: exit 2, one line, nothing written -------------------------------------------------


def test_an_existing_file_is_never_overwritten_and_nothing_is_written(here, capsys):
    (here / "workshop").mkdir()
    (here / "workshop" / "roster_example.csv").write_text("name\nmine\n")
    err = refused(capsys)
    assert "workshop/roster_example.csv" in err and "workshop/workshop.yaml" not in err
    assert files_in(here / "workshop") == {"roster_example.csv": b"name\nmine\n"}


def test_every_existing_file_is_named(here, capsys):
    assert main(["init"]) == 0
    capsys.readouterr()
    before = files_in(here / "workshop")
    err = refused(capsys)
    assert "workshop/workshop.yaml" in err and "workshop/roster_example.csv" in err
    assert files_in(here / "workshop") == before


def test_an_existing_notebook_stops_the_whole_copy(here, capsys):
    entry = next(iter(STORIES.values()))
    (here / "workshop" / "notebooks").mkdir(parents=True)
    (here / "workshop" / "notebooks" / entry.notebook).write_text("{}")
    err = refused(capsys, "--notebooks")
    assert f"workshop/notebooks/{entry.notebook}" in err
    assert files_in(here / "workshop") == {f"notebooks/{entry.notebook}": b"{}"}


def test_a_file_where_the_notebooks_folder_goes_is_refused(here, capsys):
    (here / "workshop").mkdir()
    (here / "workshop" / "notebooks").write_text("not a folder")
    assert "workshop/notebooks" in refused(capsys, "--notebooks")
    assert set(files_in(here / "workshop")) == {"notebooks"}


def test_a_dangling_link_counts_as_existing(here, capsys):
    (here / "workshop").mkdir()
    (here / "workshop" / "workshop.yaml").symlink_to(here / "nowhere.yaml")
    assert "workshop/workshop.yaml" in refused(capsys)
    assert not (here / "nowhere.yaml").exists()
    assert not (here / "workshop" / "roster_example.csv").exists()


def test_a_file_as_dir_is_refused(here, capsys):
    (here / "march.yaml").write_text("title: x\n")
    err = refused(capsys, "march.yaml")
    assert err == "kit init: error: " + t("init.not_a_folder", "en", folder="march.yaml")
    assert (here / "march.yaml").read_text() == "title: x\n"


def test_a_file_in_the_path_is_refused(here, capsys):
    (here / "march.yaml").write_text("title: x\n")
    err = refused(capsys, "march.yaml/workshop")
    expected = t("init.parent_is_file", "en", folder="march.yaml/workshop", parent="march.yaml")
    assert err == "kit init: error: " + expected


def test_a_folder_that_cannot_be_made_is_refused(tmp_path, capsys):
    if os.geteuid() == 0:  # root may write anywhere but in the kernel's /sys
        parent = Path("/sys")
    else:
        parent = tmp_path / "locked"
        parent.mkdir()
        parent.chmod(0o500)
    err = refused(capsys, str(parent / "workshop" / "march"))
    assert str(parent / "workshop" / "march") in err
    assert not (parent / "workshop").exists()


def test_a_folder_the_user_may_not_write_in_is_refused_before_anything_is_made(
    here, capsys, monkeypatch
):
    # as root (CI) permission bits do not stop a write, so the check is asked to say no
    monkeypatch.setattr(init.os, "access", lambda path, mode: Path(path) != here)
    err = refused(capsys, "course/march")
    assert err == "kit init: error: " + t(
        "init.not_writable", "en", folder="course/march", parent=here
    )
    assert list(here.iterdir()) == []


def test_a_name_too_long_for_the_file_system_is_refused(here, capsys):
    name = "m" * 300
    err = refused(capsys, f"courses/{name}")
    assert "300" in err and "255" in err
    assert list(here.iterdir()) == []  # not even courses/


def test_a_path_too_long_for_the_file_system_is_refused(here, capsys):
    deep = "/".join(["m" * 200] * 25)  # every name fits, the path (5,000+ bytes) does not
    assert number(4095, "en") in refused(capsys, deep)
    assert list(here.iterdir()) == []


def test_an_empty_dir_name_is_refused(here, capsys):
    assert "'' is not a folder name" in refused(capsys, "")


def test_an_unknown_language_is_refused(here, capsys):
    assert "fr" in refused(capsys, "--lang", "fr")
    assert list(here.iterdir()) == []


# -- failures half-way: nothing left behind ------------------------------------------------------


def test_a_file_that_appears_after_the_check_stops_the_copy_and_undoes_it(here):
    copies = init.workshop_files(with_notebooks=True)
    folder = here / "course" / "march"
    init.check_folder(folder, copies, "en")
    (folder / "notebooks").mkdir(parents=True)  # someone else is quicker
    (folder / copies[-1].target).write_text("theirs")
    with pytest.raises(init.InitError, match=str(copies[-1].target)):
        init.write_workshop_folder(folder, copies, "en")
    assert files_in(here) == {f"course/march/{copies[-1].target}": b"theirs"}


def test_a_write_that_fails_half_way_removes_what_was_written(tmp_path):
    """A full disk, as a file-size limit: the first files fit, a notebook does not."""
    sizes = [c.source.stat().st_size for c in init.workshop_files(with_notebooks=True)]
    limit = max(sizes[:2]) + 1
    assert max(sizes[2:]) > limit  # a notebook is larger than the workshop file and roster
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails: EFBIG\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from kit.cli import main\n"
        "sys.exit(main(['init', 'course/march', '--notebooks']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "course/march/notebooks/" in result.stderr
    assert list(tmp_path.iterdir()) == []  # the files and the folders it made are gone
