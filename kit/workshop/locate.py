"""From a key path to the line a trainer typed it on, and the text they typed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kit.workshop.errors import WorkshopError, unknown_key
from kit.workshop.safe_yaml import Composed, KeyPath


class Locator:
    """Turns a key path into a line number of a workshop file, and a value into its typed text.

    Parameters
    ----------
    path : Path
        The workshop file.
    composed : Composed
        Its parsed values, lines and typed texts.
    """

    def __init__(self, path: Path, composed: Composed) -> None:
        self.path = path
        self.lines = composed.lines
        self.typed = composed.typed

    def line(self, key_path: KeyPath) -> int | None:
        """The line of ``key_path``, or of its nearest parent that has one."""
        while key_path and key_path not in self.lines:
            key_path = key_path[:-1]
        return self.lines.get(key_path)

    def error(self, key_path: KeyPath, message: str) -> WorkshopError:
        """A WorkshopError at the line of ``key_path``."""
        return WorkshopError(self.path, self.line(key_path), message)

    def unknown(
        self, key_path: KeyPath, name: object, known: Sequence[str], section: str
    ) -> WorkshopError:
        """A WorkshopError for the unknown key ``name`` in ``section``."""
        return self.error(key_path, unknown_key(name, known, section))

    def shown(self, key_path: KeyPath, value: Any) -> str:
        """``value`` as the trainer typed it: ``'no'`` for a word, ``2.50`` for a number.

        Texts are quoted; numbers, ``true``/``false`` and empty values are shown as typed
        (YAML reads an empty value as None, which nobody typed). Long texts and lists are
        cut short, so that the message stays one readable line.
        """
        if isinstance(value, str):
            return repr(value if len(value) <= LONGEST else value[: LONGEST - 3] + "...")
        typed = self.typed.get(key_path)
        if typed is not None:
            return typed if typed else "(empty)"
        return _brief(value)


LONGEST = 60
"""Characters of a typed value quoted in a message at most."""


def _brief(value: Any) -> str:
    shown = repr(value)
    if len(shown) <= LONGEST:
        return shown
    if isinstance(value, list):
        first = ", ".join(repr(item) for item in value[:5])
        return f"a list of {len(value):,} values [{first}, ...]"
    return shown[: LONGEST - 3] + "..."
