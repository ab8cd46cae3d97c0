"""The kit installs as a real package: the wheel's contents, the lock, and a clean install.

The wheel test (marked ``wheel``) builds the wheel, installs it into a fresh virtualenv with
the versions in uv.lock, and runs the kit there from an empty folder, as a trainer would after
``pip install workshop-kit``. uv takes the packages from its cache when it has them all
(``--offline``) and from PyPI otherwise, so it also passes on a CI machine with an empty cache.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

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
    assert re.search(r"^kit = kit\.cli:main$", text, re.M)
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
