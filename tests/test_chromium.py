"""Which Chromium the kit starts: the headless shell prints when installed, else the browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit import chromium


@pytest.fixture
def programs(tmp_path, monkeypatch):
    """An empty folder that is the whole PATH and stands in for /usr/bin."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setattr(chromium, "SYSTEM_PROGRAMS", tmp_path / "usr-bin")
    return folder


def install(folder: Path, program: str) -> Path:
    path = folder / program
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_the_headless_shell_prints_when_both_are_installed(programs):
    install(programs, "chromium")
    shell = install(programs, chromium.PRINTER)
    assert chromium.printer_path() == shell
    assert chromium.chromium_path() == programs / "chromium"


def test_the_browser_prints_without_the_headless_shell(programs):
    browser = install(programs, "chromium")
    assert chromium.printer_path() == browser


def test_nothing_prints_without_either(programs):
    assert chromium.printer_path() is None
    assert chromium.chromium_path() is None


def test_the_system_folder_is_looked_in_when_path_lacks_them(programs, tmp_path):
    system = tmp_path / "usr-bin"
    system.mkdir()
    shell = install(system, chromium.PRINTER)
    assert chromium.printer_path() == shell
