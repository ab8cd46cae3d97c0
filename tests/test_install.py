"""The kit installs as a real package: the wheel's contents, the lock, and a clean install.

The wheel test (marked ``wheel``) builds the wheel, installs it into a fresh virtualenv with
the versions in uv.lock, and runs the kit there from an empty folder, as a trainer would after
``pip install workshop-kit``. uv takes the packages from its cache when it has them all
(``--offline``) and from PyPI otherwise, so it also passes on a CI machine with an empty cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
import yaml

from kit.cache import cache_dir

ROOT = Path(__file__).resolve().parent.parent
UV = Path(sys.executable).with_name("uv")  # a dev dependency, pinned in pyproject and Makefile


def uv(*args: str, cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the venv's uv; a failure shows uv's own message."""
    result = subprocess.run(
        [str(UV), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"uv {' '.join(args)}:\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The kit's wheel, built from this checkout (no sdist step: only the wheel matters here)."""
    out = tmp_path_factory.mktemp("dist")
    uv("build", "--wheel", "--out-dir", str(out), "--quiet")
    (built,) = out.glob("workshop_kit-*.whl")
    return built


def files_under(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.name != ".ipynb_checkpoints"
    }


def test_the_wheel_carries_the_notebooks_and_data_inside_the_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("notebooks", "data"):
        expected = {f"kit/{folder}/{name}" for name in files_under(ROOT / folder)}
        assert expected, folder
        assert expected <= names, sorted(expected - names)
    # nothing from outside the package: no top-level notebooks/, data/, tests/ in site-packages
    dist_info = "-".join(wheel.name.split("-")[:2]) + ".dist-info"
    assert {name.split("/")[0] for name in names} == {"kit", dist_info}


def test_the_wheel_carries_every_file_of_the_kit_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(
        ["git", "ls-files", "kit"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked
    missing = [name for name in tracked if name not in names and (ROOT / name).exists()]
    assert not missing  # texts, templates, static files, not only the .py modules


def test_the_wheel_declares_the_command_and_the_kernel_provisioner(wheel):
    archive = zipfile.ZipFile(wheel)
    (entry_points,) = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = archive.read(entry_points).decode()
    assert re.search(r"^kit = kit\.cli:command$", text, re.M)
    assert "[jupyter_client.kernel_provisioners]" in text
    assert "kit-spare-kernels = " in text


def test_resources_point_at_the_checkouts_folders_in_an_editable_install():
    from kit import resources

    assert resources.NOTEBOOKS == ROOT / "notebooks"
    assert resources.DATA == ROOT / "data"
    assert (resources.DATA / "workshops" / "default.yaml").is_file()


def test_the_makefile_bootstraps_the_uv_release_that_pyproject_pins():
    makefile = (ROOT / "Makefile").read_text()
    (bootstrap,) = re.findall(r"^UV_VERSION := (\S+)$", makefile, re.M)
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert f"uv=={bootstrap}" in [re.sub(r"\s", "", r) for r in dev["dev"]]
    locked = tomllib.loads((ROOT / "uv.lock").read_text())["package"]
    assert [p["version"] for p in locked if p["name"] == "uv"] == [bootstrap]


def test_the_lock_pins_every_runtime_dependency_within_pyprojects_bounds():
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    locked = {
        canonicalize_name(p["name"]): p["version"]
        for p in tomllib.loads((ROOT / "uv.lock").read_text())["package"]
    }
    for line in project["dependencies"] + project["optional-dependencies"]["dev"]:
        requirement = Requirement(line)
        version = locked.get(canonicalize_name(requirement.name))
        assert version is not None, f"{requirement.name} is not in uv.lock: run make lock"
        assert requirement.specifier.contains(version), f"{requirement.name} {version}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel) -> Path:
    """A fresh virtualenv with the wheel and the lock's versions of what it needs."""
    tmp_path = tmp_path_factory.mktemp("installed")
    venv = tmp_path / "venv"
    uv("venv", "--quiet", "--python", sys.executable, str(venv))
    constraints = tmp_path / "constraints.txt"
    uv(
        "export", "--frozen", "--no-hashes", "--no-emit-project", "--format",
        "requirements-txt", "--quiet", "--output-file", str(constraints),
    )  # fmt: skip
    install = ["pip", "install", "--quiet", "--python", str(venv / "bin" / "python")]
    install += ["--constraint", str(constraints), str(wheel)]
    offline = subprocess.run(
        [str(UV), *install, "--offline"], capture_output=True, text=True, timeout=300, check=False
    )
    if offline.returncode != 0:  # a cache without every package: a new CI machine
        uv(*install)
    return venv


@pytest.fixture
def empty_folder(tmp_path) -> Path:
    room = tmp_path / "empty"
    room.mkdir()
    return room


def clean_env(venv: Path) -> dict[str, str]:
    """The environment of a shell with only the installed venv on PATH: no checkout on sys.path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_in(
    folder: Path, venv: Path, *command: str, timeout: float = 240, cache: Path | None = None
):
    """Run one of the venv's commands in ``folder`` (with ``cache`` as the user's cache
    folder, if given); a failure shows its output."""
    program = str(venv / "bin" / command[0])
    env = clean_env(venv) | ({"XDG_CACHE_HOME": str(cache)} if cache else {})
    result = subprocess.run(
        [program, *command[1:]],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
    return result


def site_packages(venv: Path) -> Path:
    (found,) = (venv / "lib").resolve().glob("python3*/site-packages")
    return found


@pytest.mark.wheel
def test_the_installed_kit_uses_its_packaged_notebooks_and_data(installed, empty_folder):
    probe = "import kit, kit.resources as r; print(kit.__file__, r.NOTEBOOKS, r.DATA)"
    where = run_in(empty_folder, installed, "python", "-c", probe).stdout.split()
    assert all(Path(p).is_relative_to(site_packages(installed)) for p in where), where
    notebooks = sorted(p.name for p in Path(where[1]).glob("*.ipynb"))
    assert notebooks == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.wheel
def test_participants_import_the_model_modules_from_the_installed_kit(installed, empty_folder):
    line = "from kit import nocure; print(nocure.client_view([20, 15, 5, 45, 20, 15], target=120))"
    assert run_in(empty_folder, installed, "python", "-c", line).stdout.strip()
    run_in(empty_folder, installed, "python", "-c", "from kit import referrals")


@pytest.mark.wheel
def test_the_installed_kit_present_command_answers_help(installed, empty_folder):
    assert "--room" in run_in(empty_folder, installed, "kit", "present", "--help").stdout


@pytest.mark.wheel
def test_the_installed_kit_init_copies_its_packaged_workshop_and_notebooks(installed, empty_folder):
    run_in(empty_folder, installed, "kit", "init", "--notebooks")
    folder = empty_folder / "workshop"
    shipped = {
        "workshop.yaml": ROOT / "data" / "workshops" / "default.yaml",
        "roster_example.csv": ROOT / "data" / "workshops" / "roster_example.csv",
    }
    shipped |= {f"notebooks/{p.name}": p for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert files_under(folder) == set(shipped)
    for name, source in shipped.items():
        assert (folder / name).read_bytes() == source.read_bytes(), name


@pytest.mark.wheel
def test_the_installed_kit_writes_the_default_handouts_from_an_empty_folder(
    installed, empty_folder, tmp_path
):
    """As on a fresh machine: no chart drawn, no bundle made yet (only the grids, minutes
    to simulate, are shared). The first run there once hung for good: the parent bundled
    Vega, and the kernels it forked waited on vl-convert's threads (kit.vlconvert)."""
    cache = tmp_path / "fresh-cache"
    (cache / "workshop-kit").mkdir(parents=True)
    grids = cache_dir() / "grids"
    grids.mkdir(parents=True, exist_ok=True)
    (cache / "workshop-kit" / "grids").symlink_to(grids, target_is_directory=True)
    run_in(
        empty_folder, installed, "kit", "handouts", "--format", "html", "--jobs", "2", cache=cache
    )
    assert sorted(p.name for p in (cache / "workshop-kit").iterdir()) == [
        "grids",
        "js",
        "live",
        "svg",
    ]  # drawn and bundled on this run

    default = yaml.safe_load((ROOT / "data" / "workshops" / "default.yaml").read_text())
    out = empty_folder / "handouts"
    manifest = json.loads((out / "manifest.json").read_text())
    assert Path(manifest["workshop"]["file"]).is_relative_to(site_packages(installed))
    written = {(h["story"], h["language"]) for h in manifest["handouts"]}
    assert written == {(s, lang) for s in default["notebooks"] for lang in default["languages"]}
    assert len([f for f in manifest["files"] if f.endswith(".html")]) == len(written)
    assert not [f for f in manifest["files"] if f.endswith(".pdf")]
    for name, record in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == record["sha256"], name


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, timeout: float = 120) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.wheel
def test_the_installed_kit_present_serves_the_stories_from_an_empty_folder(installed, empty_folder):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = empty_folder.parent / "present.log"
    command = [str(installed / "bin" / "kit"), "present", "--port", str(port), "--pool", "0"]
    with log.open("w") as out:
        server = subprocess.Popen(
            command,
            cwd=empty_folder,
            env=clean_env(installed),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"kit present exited:\n{log.read_text()}"
            try:
                status, index = fetch(base + "/?lang=en", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, f"kit present did not start:\n{log.read_text()}"
                time.sleep(0.2)
        notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
        assert status == 200
        assert [n for n in notebooks if f"/voila/render/en/{n}" in index] == notebooks
        status, page = fetch(f"{base}/voila/render/en/{notebooks[0]}")
        assert status == 200, page[-2000:]
        assert "Traceback" not in page and "There was an error" not in page
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
