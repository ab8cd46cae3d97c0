"""Workshop files: what a trainer writes down before ``kit handouts`` runs anything.

A workshop file is YAML::

    title: Sales that lasts               # or {nl: ..., en: ...}, see kit.workshop.cover
    subtitle: Two stories about value     # optional
    date: 2025-03-14
    coach: Ingrid de Boer
    organisation: Acme Sales Academy
    languages: [nl, en]
    roster: roster_example.csv            # optional, next to this file
    votes: room/2025-03-14_093000         # optional: the room's votes (kit present --record)
    notebooks:
      nocure:
        target: 120
        results: [20, 15, 5, 45, 20, 15]
      referrals:
        per_fan: 10

The file is read within limits (:mod:`kit.workshop.safe_yaml`), then every value is
checked through the kit's parameter schema (:mod:`kit.params`) before a single
notebook starts. Every mistake is a :class:`WorkshopError` that names the file, the
line, the key, the value as typed and what is allowed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kit.errors import ParameterError
from kit.params import Schema
from kit.resources import DATA
from kit.stories import schemas
from kit.text import LANGUAGES
from kit.workshop import cover
from kit.workshop.errors import WorkshopError
from kit.workshop.files import decode, read_limited
from kit.workshop.locate import Locator
from kit.workshop.roster import ROSTER_STORY, Participant, read_roster
from kit.workshop.safe_yaml import KeyPath, compose
from kit.workshop.votes import with_room_votes

DEFAULT_WORKSHOP = DATA / "workshops" / "default.yaml"
"""The embedded default workshop (``kit handouts`` without a file)."""

KEYS = (*cover.FIELDS, "date", "languages", "roster", "notebooks", "votes")
REQUIRED = (*cover.REQUIRED, "date", "notebooks")


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
        The cover texts in English, or in the workshop's first language when a field
        has no English text (for the manifest and logs); a handout's cover comes from
        :meth:`cover`.
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
    votes_path : Path or None
        The room's ``votes.jsonl`` whose answers story A's handouts show.
    votes_sha256 : str or None
    subtitle : str or None
        The subtitle, in the same language as ``title``, when the file gives one.
    cover_texts : dict
        Cover field -> language -> text, as the file gives them.
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
    votes_path: Path | None = None
    votes_sha256: str | None = None
    subtitle: str | None = None
    cover_texts: cover.CoverTexts = field(default_factory=dict, repr=False, compare=False)
    lines: dict[KeyPath, int] = field(default_factory=dict, repr=False, compare=False)

    def cover(self, language: str) -> dict[str, str | None]:
        """The cover texts of a handout in ``language``.

        Parameters
        ----------
        language : str
            One of the kit's languages (``"nl"``, ``"en"``).

        Returns
        -------
        dict
            ``title``, ``subtitle`` (None when the file gives none), ``coach`` and
            ``organisation``, each as one line of plain text (not yet HTML-escaped).

        Raises
        ------
        WorkshopError
            When a field is given per language without ``language`` (possible only for
            a language outside the workshop's ``languages``, e.g. ``--lang en`` on a Dutch
            workshop), naming the file and the field's line.
        """
        if language not in LANGUAGES:
            raise ValueError(f"language = {language!r} is not allowed: one of {LANGUAGES}")
        texts: dict[str, str | None] = {}
        for name in cover.FIELDS:
            per_language = self.cover_texts.get(name)
            if per_language is None:
                texts[name] = None
            elif language in per_language:
                texts[name] = per_language[language]
            else:
                raise WorkshopError(
                    self.path,
                    self.lines.get((name,)),
                    f"{name} has no '{language}' text for the '{language}' handouts; add "
                    f"{language}: ... under {name}, or give one text for all languages",
                )
        return texts

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
        For a missing, unreadable or too big file, a YAML syntax error or a file
        beyond the parser's limits, an unknown key, a value of the wrong type or out
        of range, or a bad roster.
    """
    path = Path(path)
    raw = read_limited(path, "workshop file")
    composed = compose(path, decode(path, raw))
    where = Locator(path, composed)
    data = composed.data
    if not isinstance(data, Mapping):
        raise WorkshopError(path, 1, "a workshop file is a mapping of keys (title, date, ...)")
    _check_top_level_keys(data, where)
    languages = _languages(data.get("languages", list(LANGUAGES)), where)
    texts = cover.cover_texts(data, languages, where)
    # the plain attributes are for the manifest and logs, which the kit writes in English
    plain = "en" if all("en" in per for per in texts.values()) else languages[0]
    roster_path = _roster_path(data, where)
    workshop = Workshop(
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=texts["title"][plain],
        coach=texts["coach"][plain],
        organisation=texts["organisation"][plain],
        subtitle=texts["subtitle"][plain] if "subtitle" in texts else None,
        date=_workshop_date(data["date"], where),
        languages=languages,
        notebooks=_notebook_sections(data["notebooks"], where),
        roster_path=roster_path,
        cover_texts=texts,
        lines=composed.lines,
    )
    if "votes" in data:
        workshop = with_room_votes(workshop, _file_next_to(data, "votes", where, "a record folder"))
    if roster_path is None:
        return workshop
    if ROSTER_STORY not in workshop.notebooks:
        raise where.error(("roster",), f"a roster needs a '{ROSTER_STORY}' notebook section")
    roster_bytes = read_limited(roster_path, "roster")
    participants = read_roster(roster_path, workshop.notebooks[ROSTER_STORY], roster_bytes)
    return dataclasses.replace(
        workshop, roster=participants, roster_sha256=hashlib.sha256(roster_bytes).hexdigest()
    )


def _check_top_level_keys(data: Mapping[str, Any], where: Locator) -> None:
    for key in data:
        if key not in KEYS:
            raise where.unknown((key,), key, KEYS, "the workshop file")
    for key in REQUIRED:
        if key not in data:
            raise WorkshopError(where.path, None, f"the key '{key}' is missing")


def _workshop_date(value: Any, where: Locator) -> dt.date:
    # dates arrive as the text typed (safe_yaml builds no dates), so a day that does not
    # exist is one clear line here instead of a traceback from inside the parser
    allowed = "a date that exists, written as YYYY-MM-DD (2025-03-14)"
    shown = where.shown(("date",), value)
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise where.error(("date",), f"date = {shown} is not allowed: {allowed}")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:
        raise where.error(("date",), f"date = {shown} is not allowed: {error}; {allowed}") from None


def _languages(value: Any, where: Locator) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    allowed = "nl, en or both, e.g. [nl, en]"
    if not isinstance(items, list) or not items:
        shown = where.shown(("languages",), value)
        raise where.error(("languages",), f"languages = {shown} is not allowed: {allowed}")
    chosen: list[str] = []
    for index, item in enumerate(items):
        if item not in LANGUAGES:
            shown = where.shown(("languages", index), item)
            raise where.error(
                ("languages", index), f"languages = {shown} is not allowed: {allowed}"
            )
        if item not in chosen:
            chosen.append(item)
    return tuple(chosen)


def _roster_path(data: Mapping[str, Any], where: Locator) -> Path | None:
    if "roster" not in data:
        return None
    return _file_next_to(data, "roster", where, "the name of a CSV file")


def _file_next_to(data: Mapping[str, Any], key: str, where: Locator, allowed: str) -> Path:
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        shown = where.shown((key,), value)
        raise where.error((key,), f"{key} = {shown} is not allowed: {allowed}")
    return (where.path.parent / value.strip()).resolve()


def _notebook_sections(value: Any, where: Locator) -> dict[str, dict[str, Any]]:
    known = schemas()  # the stories registered now (kit.stories.STORIES)
    if not isinstance(value, Mapping) or not value:
        shown = where.shown(("notebooks",), value)
        raise where.error(
            ("notebooks",),
            f"notebooks = {shown} is not allowed: a mapping with one or more of "
            + ", ".join(known),
        )
    sections = {}
    for story, params in value.items():
        if story not in known:
            raise where.unknown(("notebooks", story), story, list(known), "notebooks")
        sections[story] = _story_parameters(known[story], params, where)
    return sections


def _story_parameters(schema: Schema, params: Any, where: Locator) -> dict[str, Any]:
    story = schema.name
    section = ("notebooks", story)
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        shown = where.shown(section, params)
        raise where.error(
            section, f"notebooks.{story} = {shown} is not allowed: a mapping of parameters"
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
            raise where.unknown((*section, name), name, known, f"notebooks.{story}")
        try:
            schema[name].check(value)
        except ParameterError as error:
            raise _schema_error(story, section, error, where) from None
    try:
        checked = schema.validate(params)
    except ParameterError as error:
        raise _schema_error(story, section, error, where) from None
    checked.pop("language", None)
    return checked


def _schema_error(
    story: str, section: KeyPath, error: ParameterError, where: Locator
) -> WorkshopError:
    """The schema's verdict at the line of the very element, quoting the value as typed."""
    key_path = _element(section, error.name)
    shown = where.shown(key_path, error.value)
    return where.error(
        key_path, f"notebooks.{story}.{error.name} = {shown} is not allowed: {error.allowed}"
    )


def _element(section: KeyPath, name: str) -> KeyPath:
    """``results[3]`` -> ``(..., "results", 3)``: the line of that very element."""
    match = re.fullmatch(r"(\w+)\[(\d+)\]", name)
    if match:
        return (*section, match.group(1), int(match.group(2)))
    return (*section, name)
