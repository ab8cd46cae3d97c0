"""``kit present --lab``: JupyterLab on the notebooks, for a coach who shows the code.

JupyterLab runs whatever code a visitor types, so it always has a token and is never
served to the room.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from kit.present.address import check_port, is_loopback, url_for
from kit.present.options import Options, PresentError
from kit.text import t


def lab_command(ip: str, port: int, notebooks: Path, token: str) -> list[str]:
    """The command that opens JupyterLab on ``notebooks``.

    Raises
    ------
    PresentError
        For an empty token on an address other machines can reach: JupyterLab runs
        whatever code a visitor types, so it is never served like that.
    """
    if not token and not is_loopback(ip):
        raise PresentError(
            f"refusing to serve JupyterLab on {ip} without a token: anyone on the network "
            "could run code on this machine"
        )
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        str(notebooks),
        f"--ServerApp.ip={ip}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        f"--IdentityProvider.token={token}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def serve_lab(options: Options) -> int:
    """Replace this process with JupyterLab on the notebooks, behind a fresh token."""
    port = check_port(options.ip, options.port)
    token = secrets.token_hex(24)
    command = lab_command(options.ip, port, options.notebooks, token)
    url = url_for(options.ip, port, f"/lab?token={token}")
    print(t("present.terminal.lab_url", options.language, url=url), flush=True)
    os.execv(command[0], command)
    return 0  # not reached: execv does not return
