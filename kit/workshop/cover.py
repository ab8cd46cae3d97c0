"""The cover of a workshop's handouts: title, subtitle, coach and organisation per language.

Each field is either one text for every language::

    coach: Ingrid de Boer

or a text per language, so that the Dutch handout's cover is Dutch::

    title:
      nl: Prestatiedeals en het doorverwijsvliegwiel
      en: Performance deals and the referral flywheel

A mapping must give a text for every language in the workshop's ``languages`` (a
missing one is refused rather than filled in with another language's text), and
only languages the kit speaks. ``subtitle`` is optional; the others are required.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kit.params import LANGUAGES
from kit.workshop.locate import Locator
from kit.workshop.plain import line_problem

REQUIRED = ("title", "coach", "organisation")
OPTIONAL = ("subtitle",)
FIELDS = (*REQUIRED, *OPTIONAL)
LONGEST = {"title": 120, "subtitle": 200, "coach": 100, "organisation": 100}
"""Most characters per field: a cover shows each on one or two lines."""

CoverTexts = dict[str, dict[str, str]]
"""Field -> language -> text."""


def cover_texts(data: Mapping[str, Any], languages: tuple[str, ...], where: Locator) -> CoverTexts:
    """Every cover field the file gives, checked, as field -> language -> text.

    Parameters
    ----------
    data : mapping
        The workshop file's values.
    languages : tuple of str
        The workshop's languages: a per-language mapping must give each of them.
    where : Locator
        Finds the line of a key, for messages.

    Raises
    ------
    WorkshopError
        For a text that is empty, not text, longer than one line or holding control
        characters; an unknown language key; a mapping without one of ``languages``.
    """
    texts: CoverTexts = {}
    for name in FIELDS:
        if name in data:
            texts[name] = _field(name, data[name], languages, where)
    return texts


def _field(name: str, value: Any, languages: tuple[str, ...], where: Locator) -> dict[str, str]:
    if not isinstance(value, Mapping):
        text = _text(name, value, (name,), where)
        return dict.fromkeys(LANGUAGES, text)
    for language in value:
        if language not in LANGUAGES:
            raise where.unknown((name, language), language, LANGUAGES, name)
    missing = [language for language in languages if language not in value]
    if missing:
        raise where.error(
            (name,),
            f"{name} has no '{missing[0]}' text; give one per language in 'languages' "
            f"({', '.join(languages)}), or one text for all",
        )
    return {
        language: _text(f"{name}.{language}", text, (name, language), where)
        for language, text in value.items()
    }


def _text(label: str, value: Any, key_path: tuple[str, ...], where: Locator) -> str:
    allowed = "a non-empty text, or one per language such as {nl: ..., en: ...}"
    if not isinstance(value, str) or not value.strip():
        raise where.error(
            key_path, f"{label} = {where.shown(key_path, value)} is not allowed: {allowed}"
        )
    problem = line_problem(value.strip(), LONGEST[key_path[0]])
    if problem:
        raise where.error(
            key_path, f"{label} = {where.shown(key_path, value)} is not allowed: {problem}"
        )
    return value.strip()
