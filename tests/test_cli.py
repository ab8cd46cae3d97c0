"""`kit handouts`: every user mistake is one line on stderr, exit code 2, and nothing written."""

import os
import subprocess
import sys

import pytest
from conftest import ROOT

from kit.cli import build_parser, main
from kit.workshop import DEFAULT_WORKSHOP

GOOD = DEFAULT_WORKSHOP.read_text(encoding="utf-8")


def line_of(start: str) -> str:
    """``line N`` of the default workshop's first line starting with ``start``."""
    return (
        f"line {next(n for n, text in enumerate(GOOD.splitlines(), 1) if text.startswith(start))}"
    )


def mistake(tmp_path, capsys, *argv) -> str:
    """Run `kit` in-process; assert exit 2, one stderr line and nothing new in tmp_path."""
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert main(list(argv)) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    return lines[0]


def workshop(tmp_path, text):
    path = tmp_path / "workshop.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            ("  nocure:", "  nocur:"),
            [line_of("  nocure:"), "unknown key 'nocur'", "did you mean 'nocure'"],
        ),
        (
            ("    target: 120", "    target: 120.5"),
            [line_of("    target:"), "target = 120.5", "whole number"],
        ),
        (("    n_contracts: 10000", "    n_contracts: 0"), ["n_contracts = 0", "from 1 to"]),
        (("    seed: 2024", "    seed: -1"), [line_of("    seed:"), "seed = -1", "from 0"]),
        (("    per_fan: 10", "    per_fan: ten"), ["per_fan = 'ten'", "whole number"]),
        (("languages: [nl, en]", "languages: [nl, en"), ["YAML syntax error", "column"]),
        (("title:", "titel:"), ["unknown key 'titel'", "did you mean 'title'"]),
    ],
)
def test_workshop_mistakes(tmp_path, capsys, change, words):
    path = workshop(tmp_path, GOOD.replace(*change))
    line = mistake(tmp_path, capsys, "handouts", path, "--out", str(tmp_path / "out"))
    assert line.startswith(f"kit handouts: error: {path}")
    for word in words:
        assert word in line


@pytest.mark.parametrize(
    ("roster", "words"),
    [
        ("nom,month_1\nJan,4\n", ["roster.csv, line 1", "unknown key 'nom'"]),
        ("month_1\n4\n", ["roster.csv, line 1", "the column 'name' is missing"]),
        ("name,month_1,month_2\nJan,4\n", ["line 2", "a column is missing"]),
        ("name,month_1,month_2\nJan,4,-2\n", ["line 2", "month_2 = '-2'", "from 0"]),
        ("name,month_1,month_2\nJan,4,veel\n", ["line 2", "month_2 = 'veel'"]),
    ],
)
def test_roster_mistakes(tmp_path, capsys, roster, words):
    (tmp_path / "roster.csv").write_text(roster, encoding="utf-8")
    path = workshop(tmp_path, GOOD.replace("# roster: roster_example.csv", "roster: roster.csv"))
    line = mistake(tmp_path, capsys, "handouts", path, "--out", str(tmp_path / "out"))
    for word in words:
        assert word in line


def test_missing_and_unreadable_workshop_files(tmp_path, capsys):
    line = mistake(tmp_path, capsys, "handouts", str(tmp_path / "nope.yaml"))
    assert line == f"kit handouts: error: {tmp_path / 'nope.yaml'}: no such file"
    line = mistake(tmp_path, capsys, "handouts", str(tmp_path))
    assert "is a folder, not a file" in line


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--lang", "fr"], ["--lang", "'fr' is not allowed", "en, nl"]),
        (["--lang", ""], ["--lang"]),
        (["--format", "docx"], ["--format", "'docx' is not allowed", "html, pdf"]),
        (["--jobs", "0"], ["--jobs", "0 is not allowed: from 1 to 64"]),
        (["--jobs", "many"], ["--jobs", "'many' is not a whole number"]),
        (["--colour=red"], ["unrecognized arguments: --colour=red"]),
    ],
)
def test_option_mistakes(tmp_path, capsys, argv, words):
    line = mistake(tmp_path, capsys, "handouts", *argv, "--out", str(tmp_path / "out"))
    assert line.startswith("kit handouts: error: ") and line.endswith("--help)")
    for word in words:
        assert word in line


def test_an_output_folder_that_cannot_be_written(tmp_path, capsys):
    (tmp_path / "a-file").write_text("not a folder")
    line = mistake(tmp_path, capsys, "handouts", "--out", str(tmp_path / "a-file" / "handouts"))
    assert "cannot create the folder" in line or "cannot write" in line
    line = mistake(tmp_path, capsys, "handouts", "--out", str(tmp_path / "a-file"))
    assert "is a file, not a folder" in line
    line = mistake(tmp_path, capsys, "handouts", "--out", "/proc/kit-handouts")
    assert "cannot" in line and "/proc" in line


def test_a_folder_that_is_not_a_handouts_folder_is_never_replaced(tmp_path, capsys):
    (tmp_path / "thesis").mkdir()
    (tmp_path / "thesis" / "chapter1.docx").write_text("months of work")
    line = mistake(tmp_path, capsys, "handouts", "--out", str(tmp_path / "thesis"))
    assert "not a handouts folder" in line
    assert (tmp_path / "thesis" / "chapter1.docx").read_text() == "months of work"


def test_a_missing_story_notebook_is_a_clear_mistake(tmp_path, capsys, monkeypatch):
    from kit import resources

    monkeypatch.setattr(resources, "NOTEBOOKS", tmp_path / "gone")
    line = mistake(tmp_path, capsys, "handouts", "--out", str(tmp_path / "out"))
    assert "the notebook for 'nocure'" in line and "does not exist" in line


def test_help_lists_the_handouts_command_and_its_options(capsys):
    assert main(["handouts", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("WORKSHOP", "--out", "--lang", "--format", "--jobs"):
        assert option.lower() in text.lower()
    assert "handouts" in build_parser().format_help()


def test_no_command_shows_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "handouts" in capsys.readouterr().err


def test_python_dash_m_kit_prints_no_traceback_for_a_mistake(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kit", "handouts", str(tmp_path / "nope.yaml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().endswith("nope.yaml: no such file")
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


QUICK_EXIT = """
import atexit, sys, threading, time
import kit.cli
atexit.register(lambda: print("exit handlers ran"))
if sys.argv[1] == "busy":  # a thread of the command still at work when main returns
    threading.Thread(target=lambda: (time.sleep(0.3), print("the thread finished"))).start()
sys.argv = ["kit", "cache", "--only", "pdf"]
kit.cli.command()
"""


@pytest.mark.parametrize("thread", ["done", "busy"])
def test_kit_leaves_at_once_but_says_everything_first(tmp_path, thread):
    """The quick exit (no teardown of the imported modules) still runs the exit handlers,
    flushes what the command printed into a pipe, and waits for a thread still at work."""
    result = subprocess.run(
        [sys.executable, "-c", QUICK_EXIT, thread],
        cwd=ROOT,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("What the kit keeps between runs")
    assert lines[-1] == "exit handlers ran"
    assert ("the thread finished" in lines) == (thread == "busy")
    assert result.stderr == ""


CTRL_C_WHILE_LOADING = """
import importlib, os, signal, sys
import kit.cli
load = importlib.import_module
def ctrl_c_while_loading(name):
    if name == "kit.commands.present":  # the terminal's Ctrl-C, a quarter second in
        os.kill(os.getpid(), signal.SIGINT)
    return load(name)
importlib.import_module = ctrl_c_while_loading
sys.argv = ["kit", "present"]
kit.cli.command()
"""


def test_a_ctrl_c_while_the_kit_loads_is_one_line_and_exit_130():
    result = subprocess.run(
        [sys.executable, "-c", CTRL_C_WHILE_LOADING],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 130
    assert result.stderr == "kit: interrupted while starting (nothing was left behind).\n"
    assert result.stdout == ""


@pytest.mark.parametrize("module", ["kit.cli", "kit.commands.present", "kit.commands.handouts"])
def test_the_command_line_loads_nothing_slow(module):
    """`kit --help`, a mistake and the presenter's spares come before any heavy import."""
    heavy = ("numpy", "pandas", "pydantic", "papermill", "voila", "nbconvert", "rich", "altair")
    code = f"import sys, {module}; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_kit_present_is_a_subcommand_with_the_presenters_options(capsys):
    assert main(["present", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--lang", "--room", "--port", "--max-participants", "--pool", "--lab"):
        assert option in text
    assert main(["present", "--port", "70000"]) == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith("kit present: error: argument --port: 70000 is not allowed")
