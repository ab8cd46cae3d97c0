"""The repository keeps its promises: matching dependency lists, clean notebooks, two languages."""

import ast
import json
import string
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from kit.stories import STORIES
from kit.text import catalogue

ROOT = Path(__file__).resolve().parent.parent


def _requirements(lines) -> dict[str, str]:
    """Package name (normalised: jupyter_client = jupyter-client) -> its version bounds."""
    parsed = [Requirement(line) for line in lines]
    return {canonicalize_name(r.name): str(r.specifier) for r in parsed}


def test_environment_yml_lists_the_same_runtime_packages_and_bounds_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [
        d
        for d in env["dependencies"]
        if isinstance(d, str) and canonicalize_name(Requirement(d).name) not in ("python", "pip")
    ]
    assert _requirements(conda) == _requirements(project["dependencies"])


def test_environment_yml_installs_the_kit_itself_with_pip():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    (pip,) = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    assert pip == ["-e ."]


def test_python_floor_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert project["requires-python"] == ">=3.11"
    assert "python>=3.11" in env["dependencies"]


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(path):
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} has outputs"
            assert cell.get("execution_count") is None, f"{path.name} has execution counts"


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_have_one_parameters_cell(path):
    notebook = json.loads(path.read_text())
    tagged = [c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1


def _placeholders(value) -> set[str]:
    texts = value if isinstance(value, list) else [value]
    return {f for text in texts for _, f, _, _ in string.Formatter().parse(str(text)) if f}


def test_both_languages_have_the_same_keys_and_placeholders():
    english, dutch = catalogue("en"), catalogue("nl")
    assert set(english) == set(dutch)
    for key in english:
        assert _placeholders(english[key]) == _placeholders(dutch[key]), key


def test_dutch_is_not_a_copy_of_english():
    english, dutch = catalogue("en"), catalogue("nl")
    long_texts = [k for k, v in english.items() if isinstance(v, str) and len(v) > 40]
    same = [k for k in long_texts if english[k] == dutch[k]]
    assert not same, same


def test_no_paragraph_line_starts_with_a_placeholder():
    # "{start}. That is ..." continuing a paragraph renders as a numbered list in Markdown
    for language in ("en", "nl"):
        for key, value in catalogue(language).items():
            for text in value if isinstance(value, list) else [value]:
                for line in str(text).splitlines()[1:]:
                    assert not line.lstrip().startswith("{"), (language, key, line)


def test_importing_the_kit_skips_jsonschemas_slow_iri_checker():
    """A kernel or the presenter imports altair/Voila after kit: no Lark grammars compiled."""
    import subprocess
    import sys

    probe = (
        "import kit.stories.look, sys, jsonschema; "
        "checker = jsonschema.Draft7Validator.FORMAT_CHECKER; "
        "print('lark' in sys.modules, checker.conforms('2024-13-01', 'date'))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]  # other formats are still checked


@pytest.mark.parametrize("name", sorted(STORIES))
def test_a_storys_parameters_cell_names_every_parameter_of_its_schema(name):
    """papermill warns on the terminal about a name the parameters cell lacks."""
    entry = STORIES[name]
    notebook = json.loads(entry.notebook_path.read_text())
    cell = next(c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", []))
    source = "".join(cell["source"])
    names = [node.target.id for node in ast.parse(source).body if isinstance(node, ast.AnnAssign)]
    assert names == entry.story.schema.names
    values = {}
    exec(source, {}, values)  # noqa: S102 - the kit's own notebook
    given = {name: values[name] for name in names}
    assert entry.story(given).values == entry.story().values  # the cell's values are the defaults
