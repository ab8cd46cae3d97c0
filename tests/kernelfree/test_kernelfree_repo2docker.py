"""Beyond one laptop: the files BinderHub and JupyterHub build from, and the Voilà start link.

repo2docker (the builder behind BinderHub) reads its configuration from ``binder/`` or
``.binder/`` if either exists, and then ignores the top level; otherwise from the top
level. A conda ``environment.yml`` makes it a conda build; its pip section installs the
kit. ``postBuild`` and ``start``, when present, must be executable scripts, and
``start`` must end by running the command it is given (``exec "$@"``). The Voilà start
link (``?urlpath=voila/render/notebooks/<notebook>``) is served by Voilà's Jupyter
server extension: the last test starts a Jupyter server from the kit's environment the
way a Binder or JupyterHub single-user server does and opens the link.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml
from helpers import free_port, stop

from kit.stories import STORIES

ROOT = Path(__file__).resolve().parents[2]
REPO2DOCKER_FILES = (
    "environment.yml",
    "requirements.txt",
    "Pipfile",
    "setup.py",
    "Project.toml",
    "REQUIRE",
    "install.R",
    "apt.txt",
    "DESCRIPTION",
    "postBuild",
    "start",
    "runtime.txt",
    "default.nix",
    "Dockerfile",
)


def config_folder() -> Path:
    """Where repo2docker reads configuration: binder/, else .binder/, else the top level."""
    for name in ("binder", ".binder"):
        if (ROOT / name).is_dir():
            return ROOT / name
    return ROOT


def test_kernelfree_repo2docker_builds_from_the_conda_environment():
    folder = config_folder()
    environment = yaml.safe_load((folder / "environment.yml").read_text(encoding="utf-8"))
    dependencies = environment["dependencies"]
    names = [re.split(r"[<>=! ]", d, maxsplit=1)[0] for d in dependencies if isinstance(d, str)]
    assert "python" in names and "pip" in names
    assert "voila" in names  # the server extension behind the start link
    pip = next(d["pip"] for d in dependencies if isinstance(d, dict) and "pip" in d)
    kit_path = ".." if folder != ROOT else "."
    assert f"-e {kit_path}" in pip or kit_path in pip  # the kit itself, from the checkout
    # no Dockerfile: repo2docker would build it alone and ignore environment.yml
    assert not (folder / "Dockerfile").exists()


def test_kernelfree_repo2docker_scripts_follow_the_conventions():
    folder = config_folder()
    present = [name for name in REPO2DOCKER_FILES if (folder / name).exists()]
    assert "environment.yml" in present
    for script in ("postBuild", "start"):
        path = folder / script
        if path.exists():
            text = path.read_text(encoding="utf-8")
            assert text.startswith("#!"), f"{script} needs a shebang line"
            assert os.access(path, os.X_OK), f"{script} must be executable"
    if (folder / "start").exists():
        lines = [x for x in (folder / "start").read_text().splitlines() if x.strip()]
        assert lines[-1].strip() == 'exec "$@"'


def test_kernelfree_voila_start_link_renders_a_story(tmp_path):
    """``/voila/render/notebooks/<story>`` from a Jupyter server started in the checkout."""
    notebook = f"notebooks/{STORIES['referrals'].notebook}"
    assert (ROOT / notebook).is_file()
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            f"--ServerApp.port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.open_browser=False",
            "--allow-root",  # a container may run tests as root; Binder runs as jovyan
            f"--ServerApp.root_dir={ROOT}",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
        ],
        cwd=ROOT,
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        page = _get(f"http://127.0.0.1:{port}/voila/render/{notebook}", deadline=240)
        assert "1,111" in page or "1.111" in page  # the tree's total, computed by the kernel
        assert "Traceback" not in page
    finally:
        stop(server)


def _get(url: str, deadline: float) -> str:
    end = time.monotonic() + deadline
    while True:
        try:
            with urllib.request.urlopen(url, timeout=deadline) as answer:
                return answer.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > end:
                raise
            time.sleep(0.5)
