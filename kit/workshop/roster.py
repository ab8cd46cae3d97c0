"""Rosters: one participant a row, their name and optionally their own monthly results.

A roster is a CSV file (comma, semicolon or tab separated, as spreadsheets save it)
with a ``name`` column and optionally ``month_1``, ``month_2``, ... Each participant
gets a personalised story-A handout.

What a cell may hold, and why:

* a name is one line of plain text: a line break inside a quoted name (often a quote
  left open) or a control character such as NUL is refused, not joined or passed on;
* a month's result is a whole number written with digits only, surrounding spaces
  allowed (``" 12 "`` is 12). ``1.000`` is a thousand in Dutch and one in English,
  ``1,000`` the other way round, so neither is guessed at: they are refused, as are
  decimals (``1.5``), exponents (``1e3``) and signs. The message says to write ``1000``.

Every refusal names the file, the line, the column and the value.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kit.errors import ParameterError
from kit.stories import STORIES
from kit.workshop.errors import WorkshopError, unknown_key
from kit.workshop.files import decode, read_limited
from kit.workshop.plain import line_problem

MONTH_COLUMN = re.compile(r"month_(\d+)$")
WHOLE_NUMBER = re.compile(r"[0-9]+")  # ASCII digits only: int() would also take "١٢" or "1_000"
LONGEST_NAME = 100
"""Most characters in a participant's name (it goes on a cover and into a file name)."""

ROSTER_STORY = "nocure"
"""The story a roster personalises: each participant's own months."""


@dataclass(frozen=True)
class Participant:
    """One person on the roster.

    Parameters
    ----------
    name : str
        The name exactly as typed (escaped only when written into HTML).
    slug : str
        A file-name-safe, unique form of the name.
    results : list of int or None
        Their own monthly results, or None to use the workshop's.
    line : int
        The roster line the participant came from.
    """

    name: str
    slug: str
    results: list[int] | None
    line: int


@dataclass(frozen=True)
class _Row:
    line: int
    cells: list[str]


def read_roster(
    path: Path, story_parameters: Mapping[str, Any], raw: bytes | None = None
) -> tuple[Participant, ...]:
    """Read a roster CSV: one participant a row, ``name`` plus optional ``month_<n>`` columns.

    Parameters
    ----------
    path : Path
    story_parameters : mapping
        The workshop's validated story-A parameters, to check each participant's months with.
    raw : bytes, optional
        The file's bytes, when already read.

    Returns
    -------
    tuple of Participant

    Raises
    ------
    WorkshopError
        For a file too big or not CSV, a missing column, a row with too few or too many
        fields, an empty, repeated or unprintable name, or results that are not whole
        numbers written with digits.
    """
    path = Path(path)
    raw = read_limited(path, "roster") if raw is None else raw
    # Excel's plain "CSV" is Windows-1252 on many machines: ask for the UTF-8 kind
    text = decode(path, raw, save_as="CSV UTF-8 (in Excel: Save as, CSV UTF-8)")
    rows = _rows(path, text)
    if not rows:
        raise WorkshopError(path, None, "the roster is empty; it needs a header line with 'name'")
    header, *body = rows
    columns = _roster_columns(path, header.line, header.cells)
    participants: list[Participant] = []
    seen: dict[str, int] = {}
    slugs: set[str] = set()
    for row in body:
        _refuse_line_breaks(path, row, columns)
        if len(row.cells) != len(columns):
            raise WorkshopError(
                path,
                row.line,
                f"{len(row.cells)} fields but the header has {len(columns)} "
                f"({', '.join(header.cells)}): a column is missing or extra",
            )
        name = _participant_name(path, row, columns, seen)
        results = _participant_results(path, row, columns, story_parameters)
        slug = _unique(_slugify(name) or f"participant-{len(participants) + 1}", slugs)
        participants.append(Participant(name, slug, results, row.line))
    if not participants:
        raise WorkshopError(path, header.line, "the roster has a header but no participants")
    return tuple(participants)


def _rows(path: Path, text: str) -> list[_Row]:
    """Non-empty rows with the line each starts on (a quoted cell may span lines)."""
    # newline="": the csv module sees the file's own line ends, so a line break inside
    # quotes stays inside its cell (and is refused there) instead of splitting the row
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_dialect(text))
    rows, start = [], 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append(_Row(start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise WorkshopError(path, start, f"cannot be read as CSV: {error}") from None
    return rows


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first = text.splitlines()[0] if text.strip() else ""
    try:
        return csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _roster_columns(path: Path, line: int, header: list[str]) -> list[str]:
    columns = [cell.strip().lower() for cell in header]
    for number, column in enumerate(columns, start=1):
        if column != "name" and not MONTH_COLUMN.match(column):
            raise WorkshopError(
                path,
                line,
                unknown_key(column, ["name", "month_1", "month_2", "..."], "the roster header"),
                column=number,
            )
    if "name" not in columns:
        raise WorkshopError(
            path, line, f"the column 'name' is missing (columns: {', '.join(header)})"
        )
    if len(set(columns)) != len(columns):
        raise WorkshopError(path, line, "a column is given twice in the header")
    months = sorted(int(MONTH_COLUMN.match(c).group(1)) for c in columns if c != "name")
    if months != list(range(1, len(months) + 1)):
        raise WorkshopError(
            path, line, "month columns must run month_1, month_2, ... without gaps or repeats"
        )
    return columns


def _refuse_line_breaks(path: Path, row: _Row, columns: list[str]) -> None:
    """A quoted cell over several lines is nearly always a quote left open: say so."""
    for index, cell in enumerate(row.cells):
        if "\n" in cell or "\r" in cell:
            column = columns[index] if index < len(columns) else f"column {index + 1}"
            ends = cell.count("\n") + cell.count("\r") - cell.count("\r\n")
            raise WorkshopError(
                path,
                row.line,
                f"{column} = {_shorten(cell)!r} is not allowed: a line break inside a cell "
                f"(it runs over {ends + 1} lines; is a quote left open?)",
                column=index + 1,
            )


def _shorten(text: str, longest: int = 60) -> str:
    return text if len(text) <= longest else text[: longest - 3] + "..."


def _participant_name(path: Path, row: _Row, columns: list[str], seen: dict[str, int]) -> str:
    column = columns.index("name")
    typed = row.cells[column]
    problem = line_problem(typed.strip(), LONGEST_NAME)
    if problem:
        raise WorkshopError(
            path,
            row.line,
            f"name = {_shorten(typed)!r} is not allowed: {problem}"
            + (" (is a quote left open?)" if "line break" in problem else ""),
            column=column + 1,
        )
    name = " ".join(typed.split())
    if not name:
        raise WorkshopError(
            path,
            row.line,
            "name = '' is not allowed: every participant needs a name",
            column=column + 1,
        )
    if name in seen:
        raise WorkshopError(
            path, row.line, f"name = {name!r} is also on line {seen[name]}", column=column + 1
        )
    seen[name] = row.line
    return name


def _participant_results(
    path: Path, row: _Row, columns: list[str], story_parameters: Mapping[str, Any]
) -> list[int] | None:
    months = sorted(
        (int(MONTH_COLUMN.match(c).group(1)), index)
        for index, c in enumerate(columns)
        if c != "name"
    )
    cells = [(index, row.cells[index].strip()) for _, index in months]
    filled = [index for index, cell in cells if cell]
    if not filled:
        return None
    given = cells[: len(filled)]
    if [index for index, _ in given] != filled:
        raise WorkshopError(
            path, row.line, "monthly results must be filled from month_1 on, without empty months"
        )
    results = [_month_result(path, row, columns[index], index, cell) for index, cell in given]
    try:
        _schema().validate({**story_parameters, "results": results, "months": len(results)})
    except ParameterError as error:
        raise WorkshopError(path, row.line, str(error)) from None
    return results


def _month_result(path: Path, row: _Row, column: str, index: int, cell: str) -> int:
    param = _schema()["results"]
    allowed = (
        f"a whole number from 0 to {int(param.maximum):,} written with digits only, "
        "e.g. 1000 (no thousands point or comma, no decimals)"
    )
    if WHOLE_NUMBER.fullmatch(cell):
        try:
            return param.check([int(cell)])[0]
        except (ParameterError, ValueError):  # out of range, or too many digits for int()
            pass
    raise WorkshopError(
        path,
        row.line,
        f"{column} = {_shorten(row.cells[index])!r} is not allowed: {allowed}",
        index + 1,
    )


def _slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60]


def _unique(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _schema():
    # the story's schema is looked up when a roster is read, not when the kit starts:
    # importing it loads NumPy, pandas and Altair
    return STORIES[ROSTER_STORY].story.schema
