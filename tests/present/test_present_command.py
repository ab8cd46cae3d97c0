"""`kit present` on the command line: every mistake is one line and exit 2."""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys

import pytest
from helpers import ROOT

from kit import present
from kit.commands import present as present_command
from kit.present import PresentError


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kit.present", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--port", "70000"], "is not allowed"),
        (["--port", "eighty"], "not a whole number"),
        (["--lang", "fr"], "invalid choice"),
        (["--ip", "localhost:80"], "not an IP address"),
        (["--max-participants", "0"], "is not allowed"),
        (["--idle-minutes", "0"], "is not allowed"),
        (["--pool", "-1"], "is not allowed"),
        (["--cell-timeout", "0"], "is not allowed"),
        (["--notebooks", "/no/such/dir"], "not a directory"),
        (["--lab", "--room", "--ip", "127.0.0.1"], "--lab cannot be combined with --room"),
    ],
)
def test_user_mistakes_exit_2_with_one_clear_line(args, expected):
    result = run_cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(error_lines) == 1 and expected in error_lines[0], result.stderr


def test_a_port_in_use_is_a_user_mistake():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("--port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr


def test_notebooks_without_stories_are_refused(tmp_path):
    result = run_cli("--notebooks", str(tmp_path))
    assert result.returncode == 2 and "no story notebook" in result.stderr


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    present_command.add_arguments(parser)
    return parser


def test_room_mode_defaults_to_this_machines_address(monkeypatch):
    monkeypatch.setattr(present, "room_address", lambda: "10.1.2.3")
    parser = _parser()
    options = present_command.options_from(parser.parse_args(["--room"]))
    assert options.ip == "10.1.2.3" and options.room and options.pool == 2
    options = present_command.options_from(parser.parse_args([]))
    assert options.ip == "127.0.0.1" and not options.room and options.pool == 1


def test_room_address_is_not_loopback():
    try:
        address = present.room_address()
    except PresentError as error:  # a machine without any network: the message says what to do
        assert "--ip" in str(error)
    else:
        assert not present.is_loopback(address)


def test_jupyterlab_is_never_served_without_token_beyond_loopback(tmp_path):
    with pytest.raises(PresentError, match="refusing to serve JupyterLab"):
        present.lab_command("192.168.1.20", 8888, tmp_path, token="")
    command = present.lab_command("192.168.1.20", 8888, tmp_path, token="s3cret")
    assert "--IdentityProvider.token=s3cret" in command
    assert "--ServerApp.ip=192.168.1.20" in command
    assert "--IdentityProvider.token=" in present.lab_command("127.0.0.1", 8888, tmp_path, "")
