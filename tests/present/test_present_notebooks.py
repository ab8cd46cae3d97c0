"""The story notebooks: copied per language with papermill's parameters, or refused in one line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest
from helpers import ROOT

from kit import present
from kit.present import PresentError, Story
from kit.stories import STORIES as KIT_STORIES
from kit.text import t

STORIES = present.stories_in(present.NOTEBOOKS)


def test_the_presenter_serves_every_story_the_kit_tells_in_its_order():
    assert [story.topic for story in STORIES] == list(KIT_STORIES)
    assert [story.file for story in STORIES] == [e.notebook for e in KIT_STORIES.values()]


def test_every_story_is_copied_per_language_with_its_language_set(tmp_path):
    present.prepare_notebooks(STORIES, present.NOTEBOOKS, tmp_path)
    for story in STORIES:
        for language in ("en", "nl"):
            notebook = nbformat.read(tmp_path / story.page(language), as_version=4)
            tags = [c.metadata.get("tags", []) for c in notebook.cells]
            parameters = next(i for i, tag in enumerate(tags) if "parameters" in tag)
            injected = notebook.cells[parameters + 1]
            assert "injected-parameters" in injected.metadata["tags"]
            namespace: dict = {}
            exec(injected.source, namespace)  # the cell papermill -p language ... would add
            assert namespace["language"] == language
            assert notebook.metadata["papermill"]["parameters"] == {"language": language}
            assert t("present.back", language) in notebook.cells[0].source
            assert notebook.metadata["title"] == story.title(language)
            assert all(c.get("outputs", []) == [] for c in notebook.cells)


def test_story_titles_exist_in_both_languages():
    for story in present.every_story():
        assert story.title("en") != story.title("nl")


def _valid_notebook() -> dict:
    return json.loads((present.NOTEBOOKS / STORIES[0].file).read_text(encoding="utf-8"))


def _without_parameters() -> bytes:
    notebook = _valid_notebook()
    for cell in notebook["cells"]:
        cell["metadata"].pop("tags", None)
    return json.dumps(notebook).encode()


def _two_parameter_cells() -> bytes:
    notebook = _valid_notebook()
    tagged = [c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", [])]
    notebook["cells"].append(tagged[0])
    return json.dumps(notebook).encode()


CORRUPT = {
    "empty": b"",
    "truncated": json.dumps(_valid_notebook()).encode()[:500],
    "an object": b"{}",
    "a list": b"[]",
    "a number": b"5",
    "binary": bytes(range(256)) * 4,
    "latin-1": '{"caf\u00e9": 1}'.encode("latin-1"),
    "cells not a list": b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": "x"}',
    "a cell without source": (
        b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, '
        b'"cells": [{"cell_type": "code", "metadata": {}}]}'
    ),
    "metadata null": b'{"nbformat": 4, "nbformat_minor": 5, "metadata": null, "cells": []}',
    "nbformat 99": b'{"nbformat": 99, "nbformat_minor": 0, "metadata": {}, "cells": []}',
    "no parameters cell": _without_parameters(),
    "two parameters cells": _two_parameter_cells(),
}


@pytest.mark.parametrize("kind", CORRUPT)
@pytest.mark.filterwarnings("ignore::nbformat.warnings.MissingIDFieldWarning")  # on purpose
@pytest.mark.filterwarnings("ignore::nbformat.warnings.DuplicateCellId")
def test_a_corrupt_story_notebook_is_one_line_naming_the_file(tmp_path, kind):
    path = tmp_path / STORIES[0].file
    path.write_bytes(CORRUPT[kind])
    with pytest.raises(PresentError) as raised:
        present.prepare_notebooks(STORIES[:1], tmp_path, tmp_path / "served")
    message = str(raised.value)
    assert message.startswith(str(path)) and "\n" not in message
    assert not (tmp_path / "served").exists()  # nothing written before every story was read


def test_kit_present_with_a_corrupt_notebook_exits_2_with_one_line(tmp_path):
    for story in STORIES:
        shutil.copy(present.NOTEBOOKS / story.file, tmp_path / story.file)
    (tmp_path / STORIES[-1].file).write_text('{"cells": [', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kit.present", "--notebooks", str(tmp_path), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("kit present: error: ") and STORIES[-1].file in lines[0]
    assert "not a readable notebook" in lines[0]
    # the spare kernels and the served copies are gone
    assert not list(tmp_path.glob("kit-present-*")) and not list(tmp_path.glob("kit-kernels-*"))


def test_a_story_is_its_file_and_its_text_topic():
    story = Story("01_no_cure_no_pay.ipynb", "nocure")
    assert story.page("nl") == "nl/01_no_cure_no_pay.ipynb"
    assert story.title("nl") == t("nocure.title", "nl")
