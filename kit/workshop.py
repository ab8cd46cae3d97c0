"""Workshop files: what a trainer writes down before `kit handouts` runs anything.

A workshop file is YAML::

    title: Sales that lasts
    date: 2025-03-14
    coach: Ingrid de Boer
    organisation: Acme Sales Academy
    languages: [nl, en]
    roster: roster_example.csv      # optional, next to this file
    notebooks:
      nocure:
        target: 120
        results: [20, 15, 5, 45, 20, 15]
      referrals:
        per_fan: 10

Every value is checked through the kit's one parameter schema (:mod:`kit.params`)
before a single notebook starts, and every mistake is a :class:`WorkshopError`
that names the file, the line, the key, the value and what is allowed. Line numbers
come from PyYAML's node marks: the file is composed into nodes first, and a map
from key paths to lines is kept beside the constructed values.

A roster is a CSV file with a ``name`` column and optionally ``month_1``,
``month_2``, ... columns with a participant's own monthly results; each participant
gets a personalised story-A handout. Names are kept exactly as typed; the
handouts escape them.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import difflib
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kit.errors import ParameterError
from kit.params import LANGUAGES, NOCURE, SCHEMAS

Path_ = tuple[str | int, ...]

DEFAULT_WORKSHOP = Path(__file__).resolve().parent.parent / "data" / "workshops" / "default.yaml"
"""The embedded default workshop (`kit handouts` without a file)."""

TEXT_FIELDS = ("title", "coach", "organisation")
KEYS = (*TEXT_FIELDS, "date", "languages", "roster", "notebooks")
REQUIRED = (*TEXT_FIELDS, "date", "notebooks")
ROSTER_STORY = "nocure"
MONTH_COLUMN = re.compile(r"month_(\d+)$")


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
        1-based column, for YAML syntax errors.
    """

    def __init__(
        self, file: str | Path, line: int | None, message: str, column: int | None = None
    ) -> None:
        self.file = str(file)
        self.line = line
        self.column = column
        self.problem = message
        where = self.file
        if line is not None:
            where += f", line {line}"
            if column is not None:
                where += f", column {column}"
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # keep the fields when crossing processes
        return (WorkshopError, (self.file, self.line, self.problem, self.column))


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
class Workshop:
    """A validated workshop: cover texts, languages, parameters per story, roster.

    Parameters
    ----------
    path : Path
        The workshop file.
    sha256 : str
        Checksum of the workshop file's bytes (for the manifest).
    title, coach, organisation : str
        Cover texts.
    date : datetime.date
        The workshop's date.
    languages : tuple of str
        Handout languages, in the order the file gives them.
    notebooks : dict
        Story name (``nocure``, ``referrals``) -> validated parameters (without ``language``).
    roster : tuple of Participant
        Empty when the workshop has no roster.
    roster_path : Path or None
    roster_sha256 : str or None
    """

    path: Path
    sha256: str
    title: str
    date: dt.date
    coach: str
    organisation: str
    languages: tuple[str, ...]
    notebooks: dict[str, dict[str, Any]]
    roster: tuple[Participant, ...] = ()
    roster_path: Path | None = None
    roster_sha256: str | None = None
    lines: dict[Path_, int] = field(default_factory=dict, repr=False, compare=False)

    def participant_parameters(self, participant: Participant) -> dict[str, Any]:
        """Story A's parameters for one participant: their results and months, if they have any.

        Returns
        -------
        dict
            Validated parameters without ``language``.
        """
        params = dict(self.notebooks[ROSTER_STORY])
        if participant.results is not None:
            params["results"] = list(participant.results)
            params["months"] = len(participant.results)
        return params


def load_workshop(path: str | Path) -> Workshop:
    """Read, check and return a workshop file (and its roster).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    Workshop

    Raises
    ------
    WorkshopError
        For a missing or unreadable file, a YAML syntax error, an unknown key, a
        value of the wrong type or out of range, or a bad roster.
    """
    path = Path(path)
    raw = _read_bytes(path)
    text = _decode(path, raw)
    data, lines = _compose(path, text)
    where = _Locator(path, lines)
    if not isinstance(data, Mapping):
        raise WorkshopError(path, 1, "a workshop file is a mapping of keys (title, date, ...)")
    _check_top_level_keys(data, where)
    cover = {key: _text_field(data, key, where) for key in TEXT_FIELDS}
    roster_path = _roster_path(data, where)
    workshop = Workshop(
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        date=_workshop_date(data["date"], where),
        languages=_languages(data.get("languages", list(LANGUAGES)), where),
        notebooks=_notebook_sections(data["notebooks"], where),
        roster_path=roster_path,
        lines=lines,
        **cover,
    )
    if roster_path is None:
        return workshop
    if ROSTER_STORY not in workshop.notebooks:
        raise WorkshopError(
            path, where.line(("roster",)), f"a roster needs a '{ROSTER_STORY}' notebook section"
        )
    roster_bytes = _read_bytes(roster_path)
    participants = read_roster(roster_path, workshop.notebooks[ROSTER_STORY], roster_bytes)
    return dataclasses.replace(
        workshop, roster=participants, roster_sha256=hashlib.sha256(roster_bytes).hexdigest()
    )


class _Locator:
    """Turns a key path into a line number of the workshop file."""

    def __init__(self, path: Path, lines: dict[Path_, int]) -> None:
        self.path = path
        self.lines = lines

    def line(self, key_path: Path_) -> int | None:
        while key_path and key_path not in self.lines:
            key_path = key_path[:-1]
        return self.lines.get(key_path)

    def error(self, key_path: Path_, message: str) -> WorkshopError:
        return WorkshopError(self.path, self.line(key_path), message)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise WorkshopError(path, None, "no such file") from None
    except IsADirectoryError:
        raise WorkshopError(path, None, "is a folder, not a file") from None
    except OSError as error:
        raise WorkshopError(path, None, f"cannot be read: {error.strerror}") from None


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise WorkshopError(path, line, "is not UTF-8 text; save it as UTF-8") from None


def _compose(path: Path, text: str) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML into values plus a map from key paths to 1-based line numbers."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = " ".join(str(p) for p in (error.context, error.problem) if p)
        raise WorkshopError(
            path,
            mark.line + 1 if mark else None,
            f"YAML syntax error: {problem}",
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as error:
        raise WorkshopError(path, None, f"YAML syntax error: {error}") from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    if node is not None:
        _map_lines(path, node, (), lines)
    return data, lines


def _map_lines(path: Path, node: yaml.Node, key_path: Path_, lines: dict[Path_, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise WorkshopError(
                    path, line, f"key '{key}' is given twice (also on line {seen[key]})"
                )
            seen[key] = line
            lines[(*key_path, key)] = line
            _map_lines(path, value_node, (*key_path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*key_path, index)] = item.start_mark.line + 1
            _map_lines(path, item, (*key_path, index), lines)


def _unknown_key(name: str, known: tuple[str, ...] | list[str], section: str) -> str:
    close = difflib.get_close_matches(str(name), list(known), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown key '{name}' in {section}; {hint}known: {', '.join(known)}"


def _check_top_level_keys(data: Mapping[str, Any], where: _Locator) -> None:
    for key in data:
        if key not in KEYS:
            raise where.error((str(key),), _unknown_key(key, KEYS, "the workshop file"))
    for key in REQUIRED:
        if key not in data:
            raise WorkshopError(where.path, None, f"the key '{key}' is missing")


def _text_field(data: Mapping[str, Any], key: str, where: _Locator) -> str:
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise where.error((key,), f"{key} = {value!r} is not allowed: a non-empty text")
    if "\n" in value.strip():
        raise where.error((key,), f"{key} = {value!r} is not allowed: one line of text")
    return value.strip()


def _workshop_date(value: Any, where: _Locator) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise where.error(
            ("date",), f"date = {value!r} is not allowed: a date written as YYYY-MM-DD"
        ) from None


def _languages(value: Any, where: _Locator) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    allowed = "nl, en or both, e.g. [nl, en]"
    if not isinstance(items, list) or not items:
        raise where.error(("languages",), f"languages = {value!r} is not allowed: {allowed}")
    chosen: list[str] = []
    for index, item in enumerate(items):
        if item not in LANGUAGES:
            raise where.error(
                ("languages", index), f"languages = {item!r} is not allowed: {allowed}"
            )
        if item not in chosen:
            chosen.append(item)
    return tuple(chosen)


def _roster_path(data: Mapping[str, Any], where: _Locator) -> Path | None:
    value = data.get("roster")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise where.error(("roster",), f"roster = {value!r} is not allowed: the name of a CSV file")
    return (where.path.parent / value.strip()).resolve()


def _notebook_sections(value: Any, where: _Locator) -> dict[str, dict[str, Any]]:
    if not isinstance(value, Mapping) or not value:
        raise where.error(
            ("notebooks",),
            f"notebooks = {value!r} is not allowed: a mapping with one or more of "
            + ", ".join(SCHEMAS),
        )
    sections = {}
    for story, params in value.items():
        if story not in SCHEMAS:
            raise where.error(
                ("notebooks", str(story)), _unknown_key(story, list(SCHEMAS), "notebooks")
            )
        sections[story] = _story_parameters(story, params, where)
    return sections


def _story_parameters(story: str, params: Any, where: _Locator) -> dict[str, Any]:
    schema = SCHEMAS[story]
    section = ("notebooks", story)
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise where.error(
            section, f"notebooks.{story} = {params!r} is not allowed: a mapping of parameters"
        )
    known = [name for name in schema.names if name != "language"]
    for name, value in params.items():
        if name == "language":
            raise where.error(
                (*section, name),
                f"notebooks.{story}.language: the language of each handout comes from "
                "'languages' at the top of the file; remove it here",
            )
        if name not in known:
            message = _unknown_key(name, known, f"notebooks.{story}")
            raise where.error((*section, str(name)), message)
        try:
            schema[name].check(value)
        except ParameterError as error:
            raise where.error(_element(section, error.name), f"notebooks.{story}.{error}") from None
    try:
        checked = schema.validate(params)
    except ParameterError as error:
        raise where.error(_element(section, error.name), f"notebooks.{story}.{error}") from None
    checked.pop("language", None)
    return checked


def _element(section: Path_, name: str) -> Path_:
    """``results[3]`` -> ``(..., "results", 3)``: the line of that very element."""
    match = re.fullmatch(r"(\w+)\[(\d+)\]", name)
    if match:
        return (*section, match.group(1), int(match.group(2)))
    return (*section, name)


def read_roster(
    path: Path, story_parameters: Mapping[str, Any], raw: bytes | None = None
) -> tuple[Participant, ...]:
    """Read a roster CSV: one participant a row, ``name`` plus optional ``month_<n>`` columns.

    Comma, semicolon (Dutch spreadsheets) and tab separators are all read.

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
        For a missing column, a row with too few or too many fields, an empty or
        repeated name, or results that are not whole numbers from 0 up.
    """
    text = _decode(path, _read_bytes(path) if raw is None else raw)
    rows = list(csv.reader(text.splitlines(), dialect=_dialect(text)))
    rows = [(line, row) for line, row in enumerate(rows, start=1) if any(c.strip() for c in row)]
    if not rows:
        raise WorkshopError(path, None, "the roster is empty; it needs a header line with 'name'")
    header_line, header = rows[0]
    columns = _roster_columns(path, header_line, header)
    participants: list[Participant] = []
    seen: dict[str, int] = {}
    slugs: set[str] = set()
    for line, row in rows[1:]:
        if len(row) != len(header):
            raise WorkshopError(
                path,
                line,
                f"{len(row)} fields but the header has {len(header)} "
                f"({', '.join(header)}): a column is missing or extra",
            )
        values = dict(zip(columns, row, strict=True))
        name = _participant_name(path, line, values["name"], seen)
        results = _participant_results(path, line, values, story_parameters)
        slug = _unique(_slugify(name) or f"participant-{len(participants) + 1}", slugs)
        participants.append(Participant(name, slug, results, line))
    if not participants:
        raise WorkshopError(path, header_line, "the roster has a header but no participants")
    return tuple(participants)


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    first = text.splitlines()[0] if text.strip() else ""
    try:
        return csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _roster_columns(path: Path, line: int, header: list[str]) -> list[str]:
    columns = [cell.strip().lower() for cell in header]
    for column in columns:
        if column != "name" and not MONTH_COLUMN.match(column):
            raise WorkshopError(
                path,
                line,
                _unknown_key(column, ["name", "month_1", "month_2", "..."], "the roster header"),
            )
    if "name" not in columns:
        raise WorkshopError(
            path, line, f"the column 'name' is missing (columns: {', '.join(header)})"
        )
    months = sorted(int(MONTH_COLUMN.match(c).group(1)) for c in columns if c != "name")
    if months != list(range(1, len(months) + 1)):
        raise WorkshopError(
            path, line, "month columns must run month_1, month_2, ... without gaps or repeats"
        )
    return columns


def _participant_name(path: Path, line: int, name: str, seen: dict[str, int]) -> str:
    name = " ".join(name.split())
    if not name:
        raise WorkshopError(path, line, "name = '' is not allowed: every participant needs a name")
    if name in seen:
        raise WorkshopError(path, line, f"name = {name!r} is also on line {seen[name]}")
    seen[name] = line
    return name


def _participant_results(
    path: Path, line: int, values: Mapping[str, str], story_parameters: Mapping[str, Any]
) -> list[int] | None:
    months = sorted((int(MONTH_COLUMN.match(c).group(1)), c) for c in values if c != "name")
    cells = [(column, values[column].strip()) for _, column in months]
    filled = [column for column, cell in cells if cell]
    if not filled:
        return None
    given = [(column, cell) for column, cell in cells[: len(filled)]]
    if [column for column, _ in given] != filled:
        raise WorkshopError(
            path, line, "monthly results must be filled from month_1 on, without empty months"
        )
    param = NOCURE["results"]
    results = []
    for column, cell in given:
        try:
            results.append(param.check([_number(cell)])[0])
        except ParameterError:
            raise WorkshopError(
                path,
                line,
                f"{column} = {cell!r} is not allowed: a whole number from 0 to "
                f"{int(param.maximum):,}",
            ) from None
    try:
        NOCURE.validate({**story_parameters, "results": results, "months": len(results)})
    except ParameterError as error:
        raise WorkshopError(path, line, str(error)) from None
    return results


def _number(cell: str) -> Any:
    for kind in (int, float):
        try:
            return kind(cell)
        except ValueError:
            continue
    return cell


def _slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60]


def _unique(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    taken.add(candidate)
    return candidate
