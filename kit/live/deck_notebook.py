"""The deck of a story notebook: what the presenter serves with the ``kit-deck`` template.

:func:`deck_notebook` turns a story notebook into its deck (see
:mod:`kit.live.deck` for what a slide shows in the kernel): ``view = "deck"``
injected beside ``language``, the exercises (``try-it``) and the one-page panel
(``live-only``) left out, each scene's cell tagged with its scene and speaker notes
(``deck.notes.<story>.<scene>`` in ``kit/text``), and the words of the deck's bar in
the notebook's metadata for the template (``kit/static/voila/templates/kit-deck``).
Light to import: no NumPy, Altair or widgets, only papermill's parameterize when used.
"""

from __future__ import annotations

import ast
import copy
from typing import Any

from kit.text import t

TEMPLATE = "kit-deck"
"""The Voilà template that shows a deck notebook one scene per screen."""

UI = (
    "scene",
    "month",
    "notes",
    "open_notes",
    "next",
    "back",
    "stories",
    "keys",
    "elapsed",
    "clock",
    "up_next",
    "nav",
    "follow",
    "following",
    "vote_question",
    "vote_continue",
    "vote_stop",
    "vote_counted_continue",
    "vote_counted_stop",
    "vote_closed",
    "vote_failed",
    "tally",
    "tally_none",
    "reset_votes",
    "reset_confirm",
)
"""The deck's own words (``deck.ui.*``), handed to the template in the notebook's metadata."""

LEFT_OUT = ("try-it", "live-only")
"""Cell tags the deck does not run: exercises for the notebook, and the one-page panel."""


# -- the deck notebook ------------------------------------------------------------------------


def shown_scene(source: str) -> str | None:
    """The scene a cell shows, when the cell is just ``story.show("<scene>")``.

    >>> shown_scene('story.show("months")'), shown_scene("x = 1")
    ('months', None)
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    if (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "show"
        and len(call.args) == 1
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
    ):
        return call.args[0].value
    return None


def notes(story: str, scene: str, language: str) -> list[str]:
    """The speaker notes of one scene (``deck.notes.<story>.<scene>``), as paragraphs."""
    try:
        value = t(f"deck.notes.{story}.{scene}", language)
    except KeyError:
        return []
    return list(value) if isinstance(value, list) else [value]


def deck_notebook(original: Any, story: str, language: str) -> Any:
    """The deck of a story notebook in ``language``, for the ``kit-deck`` Voilà template.

    Parameters
    ----------
    original : NotebookNode
        The story notebook as papermill reads it (every cell has a ``tags`` list).
    story : str
        The story's name in :data:`kit.stories.STORIES` (``nocure``): its notes' key.
    language : {"en", "nl"}

    Returns
    -------
    NotebookNode
        A copy: ``language`` and ``view = "deck"`` injected after the parameters cell
        (papermill's own function), the ``try-it`` and ``live-only`` cells left out,
        outputs cleared, each scene's cell tagged with ``kit_scene`` and its speaker
        notes, and the notebook's metadata naming the template, language and scenes.
    """
    from papermill.parameterize import parameterize_notebook

    notebook = copy.deepcopy(original)
    notebook.cells = [
        cell
        for cell in notebook.cells
        if not set(LEFT_OUT).intersection(cell.get("metadata", {}).get("tags", []))
    ]
    scenes = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        scene = shown_scene(cell.source)
        if scene is not None:
            scenes.append(scene)
            cell.metadata["kit_scene"] = scene
            cell.metadata["kit_notes"] = notes(story, scene, language)
    kernel = notebook.metadata.get("kernelspec", {}).get("name", "python3")
    notebook = parameterize_notebook(
        notebook, {"language": language, "view": "deck"}, kernel_name=kernel, language="python"
    )
    notebook.metadata["voila"] = {"template": TEMPLATE}
    notebook.metadata["kit"] = {
        "story": story,
        "language": language,
        "scenes": scenes,
        "notes": [notes(story, name, language) for name in scenes],
        "ui": {key: t(f"deck.ui.{key}", language) for key in UI},
    }
    notebook.metadata["title"] = t(f"{story}.title", language)
    return notebook
