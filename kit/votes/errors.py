"""What can go wrong with a vote (each with its HTTP status) or with a record file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kit.text import t


class VoteError(Exception):
    """A vote or a coach's action the ballot refuses; ``status`` is its HTTP status.

    The message comes from ``kit/text`` (``present.votes.errors.<key>``), in English for
    Python callers; :meth:`in_language` gives it in the page's language.
    """

    status = 400
    key = "bad_request"

    def __init__(self, **values: Any) -> None:
        self.values = values
        super().__init__(self.in_language("en"))

    def in_language(self, language: str) -> str:
        """The message in ``language`` ("en" or "nl")."""
        return t(f"present.votes.errors.{self.key}", language, **self.values)


class UnknownMonthError(VoteError):
    """A month the round does not have (HTTP 400)."""

    key = "unknown_month"


class BadChoiceError(VoteError):
    """A choice other than "continue" or "stop" (HTTP 400)."""

    key = "bad_choice"


class ClosedMonthError(VoteError):
    """A vote for a month the coach has closed (HTTP 409)."""

    status = 409
    key = "closed_month"


class BadMonthsError(VoteError):
    """A coach's set of months that story A could not show (HTTP 400)."""

    key = "bad_months"


class RecordFullError(VoteError):
    """The record file has reached its size limit: nothing more is accepted (HTTP 507)."""

    status = 507
    key = "record_full"


class RecordError(ValueError):
    """A record folder or ``votes.jsonl`` the kit cannot use, as one line naming it.

    Parameters
    ----------
    file : str or Path
        The folder or file.
    line : int or None
        1-based line number in ``votes.jsonl``, when the mistake is on a line.
    message : str
        What is wrong and what is allowed.
    """

    def __init__(self, file: str | Path, line: int | None, message: str) -> None:
        self.file, self.line = str(file), line
        self.problem = " ".join(str(message).splitlines())
        where = self.file if line is None else f"{self.file}, line {line}"
        super().__init__(f"{where}: {self.problem}")

    def __reduce__(self):  # keep the fields when crossing processes
        return (RecordError, (self.file, self.line, self.problem))
