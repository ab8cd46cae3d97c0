"""The one error a trainer sees for a bad workshop file or roster."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path


class WorkshopError(ValueError):
    """A mistake in a workshop file or roster, as one line a trainer can act on.

    Parameters
    ----------
    file : str or Path
        The file that holds the mistake.
    line : int or None
        1-based line number, when known.
    message : str
        What is wrong and what is allowed.
    column : int or None
        1-based column, when known (YAML syntax errors, roster cells).
    """

    def __init__(
        self, file: str | Path, line: int | None, message: str, column: int | None = None
    ) -> None:
        self.file = str(file)
        self.line = line
        self.column = column
        # one line, whatever the message quotes (a typed value may hold a line break)
        self.problem = " ".join(str(message).splitlines())
        where = self.file
        if line is not None:
            where += f", line {line}"
            if column is not None:
                where += f", column {column}"
        super().__init__(f"{where}: {self.problem}")

    def __reduce__(self):  # keep the fields when crossing processes
        return (WorkshopError, (self.file, self.line, self.problem, self.column))


def unknown_key(name: object, known: Sequence[str], section: str) -> str:
    """The message for a key nobody knows, with the closest known one as a hint."""
    close = difflib.get_close_matches(str(name), list(known), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown key '{name}' in {section}; {hint}known: {', '.join(known)}"
