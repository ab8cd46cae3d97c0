"""The story notebooks the presenter serves: found, checked, and copied once per language.

Each copy is parameterised by papermill's own function, the one ``papermill -p language nl``
uses: an ``injected-parameters`` cell right after the ``parameters`` cell sets
``language``. A line at the top links back to the index, the story's title becomes the
page title, and outputs are cleared. A notebook that cannot be read is a one-line
:class:`~kit.present.options.PresentError`, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from kit.present.options import PresentError
from kit.stories import STORIES
from kit.text import LANGUAGES, t

MAX_NOTEBOOK_BYTES = 50_000_000
"""A story notebook larger than this is refused (the kit's own are about 0.1 MB)."""


@dataclass(frozen=True)
class Story:
    """One story notebook, served in every language.

    Parameters
    ----------
    file : str
        The notebook's file name in the notebooks folder.
    topic : str
        The story's name in :data:`kit.stories.STORIES` and its text topic (``nocure``).
    """

    file: str
    topic: str

    def page(self, language: str) -> str:
        """The notebook's path under the served directory, e.g. ``nl/01_no_cure_no_pay.ipynb``."""
        return f"{language}/{self.file}"

    def deck(self, language: str) -> str:
        """The deck's path under the served directory: ``nl/01_no_cure_no_pay.deck.ipynb``."""
        return f"{language}/{Path(self.file).stem}.deck.ipynb"

    def title(self, language: str) -> str:
        """The story's title in ``language``."""
        return t(f"{self.topic}.title", language)


def every_story() -> list[Story]:
    """Every story the kit tells, in the order of the index page."""
    return [Story(entry.notebook, name) for name, entry in STORIES.items()]


def stories_in(notebooks: Path) -> list[Story]:
    """The story notebooks found in ``notebooks``, in index order.

    Raises
    ------
    PresentError
        When the directory holds none of them.
    """
    found = [story for story in every_story() if (notebooks / story.file).is_file()]
    if not found:
        names = ", ".join(story.file for story in every_story())
        raise PresentError(f"no story notebook in {notebooks} (looked for {names})")
    return found


def check_story(path: Path) -> None:
    """The quick check, with the standard library only: a JSON object in UTF-8, not too large.

    Run before anything is started, so most broken files stop ``kit present`` at once.

    Raises
    ------
    PresentError
        One line naming the file.
    """
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            raise PresentError(
                f"{path}: {size:,} bytes is too large for a story notebook "
                f"(at most {MAX_NOTEBOOK_BYTES:,})"
            )
        content = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PresentError(f"{path}: cannot read it ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise PresentError(f"{path}: not a notebook (the file is not UTF-8 text)") from None
    except json.JSONDecodeError as error:
        raise PresentError(f"{path}: not a readable notebook (not JSON: {error})") from None
    if not isinstance(content, dict) or "cells" not in content:
        raise PresentError(f"{path}: not a readable notebook (no list of cells)")


def read_story(path: Path) -> Any:
    """Read and check one story notebook.

    Raises
    ------
    PresentError
        One line naming the file, for anything that is not a readable notebook: not
        JSON, not UTF-8, not a notebook, too large, or without one ``parameters`` cell.
    """
    import nbformat
    from papermill.iorw import load_notebook_node

    check_story(path)
    try:
        # papermill's own reader: what parameterize_notebook expects (tags on every cell)
        notebook = load_notebook_node(str(path))
        nbformat.validate(notebook)
    except OSError as error:
        raise PresentError(f"{path}: cannot read it ({error.strerror or error})") from None
    except (ValueError, KeyError, TypeError, AttributeError, nbformat.ValidationError) as error:
        # nbformat raises all of these for a file that is JSON but no notebook
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise PresentError(f"{path}: not a readable notebook ({reason[:160]})") from None
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    if len(tagged) != 1:
        raise PresentError(
            f"{path}: a story notebook needs exactly one cell tagged 'parameters' "
            f"(found {len(tagged)})"
        )
    return notebook


def prepare_notebooks(stories: Sequence[Story], source: Path, target: Path) -> None:
    """Copy every story into ``target/<language>/``, with its language set for Voilà.

    Every notebook is read and checked before anything is written.

    Parameters
    ----------
    stories : sequence of Story
    source : Path
        The directory of the original notebooks.
    target : Path
        The directory Voilà serves.

    Raises
    ------
    PresentError
        When a story notebook cannot be read (see :func:`read_story`).
    """
    import nbformat

    from kit.live.deck_notebook import deck_notebook

    originals = {story: read_story(source / story.file) for story in stories}
    for story, original in originals.items():
        for language in LANGUAGES:
            path = target / story.page(language)
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(localised(original, story, language), path)
            nbformat.write(
                deck_notebook(original, story.topic, language), target / story.deck(language)
            )


def localised(original: Any, story: Story, language: str) -> Any:
    """A copy of ``original`` in ``language``: parameterised, titled, outputs cleared."""
    import copy

    import nbformat
    from papermill.parameterize import parameterize_notebook

    notebook = copy.deepcopy(original)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    kernel = notebook.metadata.get("kernelspec", {}).get("name", "python3")
    notebook = parameterize_notebook(
        notebook, {"language": language}, kernel_name=kernel, language="python"
    )
    back = nbformat.v4.new_markdown_cell(
        f'<div class="kit-back"><a href="/?lang={language}">&larr; '
        f"{escape(t('present.back', language))}</a></div>"
    )
    notebook.cells.insert(0, back)
    notebook.metadata["title"] = story.title(language)
    return notebook
