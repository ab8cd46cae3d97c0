"""The one list of stories the kit tells.

Each story is a package (``kit/stories/<name>/``) whose ``__init__`` is light: it only
declares a :class:`StoryEntry`, so the presenter can list the stories without
importing NumPy, pandas or Altair. The heavy part, the story's :class:`~kit.stories.base.Story`
class with its schema and scenes, is loaded on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kit import resources

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kit.stories.base import Story


@dataclass(frozen=True)
class StoryEntry:
    """One story: its name, its notebook and how to load its Story class.

    Parameters
    ----------
    name : str
        The story's key in workshop files and ``kit/text`` (``nocure``).
    notebook : str
        The notebook's file name in the notebooks folder.
    load : callable
        Returns the story's :class:`~kit.stories.base.Story` subclass (imports it).
    """

    name: str
    notebook: str
    load: Callable[[], type[Story]]

    @cached_property
    def story(self) -> type[Story]:
        """The story's Story class (imported on first use)."""
        return self.load()

    @property
    def notebook_path(self) -> Path:
        """The notebook in the kit's notebooks folder (or where ``notebook`` says, if absolute)."""
        return resources.NOTEBOOKS / self.notebook

    def title_key(self) -> str:
        """The text key of the story's title."""
        return f"{self.name}.title"


def _stories() -> dict[str, StoryEntry]:
    from kit.stories import nocure, referrals

    return {entry.name: entry for entry in (nocure.ENTRY, referrals.ENTRY)}


STORIES: dict[str, StoryEntry] = _stories()
"""Story name -> its entry, in the order the index page and the handouts show them."""


def schemas() -> dict:
    """Story name -> its parameter schema (loads every story)."""
    return {name: entry.story.schema for name, entry in STORIES.items()}
