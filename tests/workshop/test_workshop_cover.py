"""Cover texts per language: one text for all, or {nl: ..., en: ...} giving every language."""

from __future__ import annotations

import re

import pytest

from kit.params import SCHEMAS
from kit.workshop import DEFAULT_WORKSHOP, WorkshopError, load_workshop

FIELDS = ("title", "subtitle", "coach", "organisation")

BASE = {
    "title": "Sales that lasts",
    "coach": "Ingrid de Boer",
    "organisation": "Acme Sales Academy",
}


def workshop_text(languages: str = "[nl, en]", **fields: str) -> str:
    cover = {**BASE, **fields}
    lines = [
        f"{name}:{value}" if value.startswith("\n") else f"{name}: {value}"
        for name, value in cover.items()
        if value is not None
    ]
    return "\n".join(
        [*lines, "date: 2025-03-14", f"languages: {languages}", "notebooks:", "  nocure:", ""]
    )


def load(tmp_path, text: str):
    path = tmp_path / "workshop.yaml"
    path.write_text(text, encoding="utf-8")
    return load_workshop(path)


def refusal(tmp_path, text: str) -> WorkshopError:
    with pytest.raises(WorkshopError) as caught:
        load(tmp_path, text)
    assert str(caught.value).startswith(f"{tmp_path / 'workshop.yaml'}, line ")
    assert "\n" not in str(caught.value)
    return caught.value


def per_language(nl: str, en: str) -> str:
    return f"\n  nl: {nl}\n  en: {en}"


@pytest.mark.parametrize("name", FIELDS)
def test_one_text_serves_every_language(tmp_path, name):
    workshop = load(tmp_path, workshop_text(**{name: "Same for all"}))
    assert workshop.cover("nl")[name] == workshop.cover("en")[name] == "Same for all"


@pytest.mark.parametrize("name", FIELDS)
def test_a_text_per_language(tmp_path, name):
    workshop = load(tmp_path, workshop_text(**{name: per_language("Nederlands", "English")}))
    assert workshop.cover("nl")[name] == "Nederlands"
    assert workshop.cover("en")[name] == "English"
    # the plain attribute (manifest, logs) is the English one
    assert getattr(workshop, name) == "English"


def test_the_cover_has_every_field_and_no_subtitle_unless_given(tmp_path):
    workshop = load(tmp_path, workshop_text())
    assert workshop.cover("nl") == {**BASE, "subtitle": None}
    assert workshop.subtitle is None


def test_text_is_kept_as_typed_for_the_handout_to_escape(tmp_path):
    workshop = load(tmp_path, workshop_text(title="'<script>alert(1)</script> & Co'"))
    assert workshop.cover("en")["title"] == "<script>alert(1)</script> & Co"


@pytest.mark.parametrize("name", FIELDS)
@pytest.mark.parametrize(
    ("value", "line_offset", "words"),
    [
        (per_language("Nederlands", "English") + "\n  fr: Français", 3, ["unknown key 'fr'"]),
        ("\n  nl: Nederlands\n  eng: English", 2, ["unknown key 'eng'", "did you mean 'en'"]),
        ("\n  nl: Nederlands", 0, ["has no 'en' text", "one per language in 'languages'"]),
        ("{}", 0, ["has no 'nl' text"]),
        ("\n  nl: Nederlands\n  en:", 2, [".en = (empty) is not allowed"]),
        ("\n  nl: Nederlands\n  en: 42", 2, [".en = 42 is not allowed", "a non-empty text"]),
        ("\n  nl: Nederlands\n  en: [a, b]", 2, [".en = ['a', 'b'] is not allowed"]),
        ("\n  nl: Nederlands\n  en: '  '", 2, [".en = '  ' is not allowed"]),
        ("\n  nl: Nederlands\n  en: |\n    two\n    lines", 2, ["a line break"]),
        ('\n  nl: Nederlands\n  en: "tab\\there"', 2, ["U+0009"]),
        ('\n  nl: Nederlands\n  en: "nul\\0here"', 2, ["U+0000"]),
        ('\n  nl: Nederlands\n  en: "bell\\a"', 2, ["U+0007"]),
        ('\n  nl: Nederlands\n  en: "\\u202eesrever"', 2, ["U+202E"]),
        ("\n  nl: Nederlands\n  en: " + "x" * 250, 2, ["250 characters long"]),
    ],
)
def test_every_field_is_checked_per_language(tmp_path, name, value, line_offset, words):
    text = workshop_text(**{name: value})
    line = next(n for n, typed in enumerate(text.splitlines(), 1) if typed.startswith(name))
    error = refusal(tmp_path, text)
    assert error.line == line + line_offset, str(error)
    for word in words:
        assert word in str(error)


@pytest.mark.parametrize("name", FIELDS)
@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", ["= (empty) is not allowed"]),
        ("42", ["= 42 is not allowed"]),
        ("no", None),  # a word is a text, not False
        ("[a, b]", ["= ['a', 'b'] is not allowed"]),
        ('"one\\ntwo"', ["a line break at character 4"]),
        ('"nul\\0"', ["U+0000"]),
        ("x" * 250, ["250 characters long"]),
    ],
)
def test_every_field_is_checked_as_one_text(tmp_path, name, value, words):
    text = workshop_text(**{name: value})
    if words is None:
        assert load(tmp_path, text).cover("en")[name] == value
        return
    line = next(n for n, typed in enumerate(text.splitlines(), 1) if typed.startswith(name))
    error = refusal(tmp_path, text)
    assert error.line == line
    assert str(error).split(": ", 1)[1].startswith(f"{name} = ")
    for word in words:
        assert word in str(error)


def test_a_mapping_may_give_a_language_the_workshop_does_not_use(tmp_path):
    workshop = load(tmp_path, workshop_text("[nl]", title=per_language("Titel", "Title")))
    assert workshop.cover("en")["title"] == "Title"
    assert workshop.title == "Title"


def test_a_language_the_cover_lacks_is_refused_when_asked_for(tmp_path):
    # a Dutch workshop, printed with --lang en: no Dutch title silently on the English cover
    workshop = load(tmp_path, workshop_text("[nl]", title="\n  nl: Alleen Nederlands"))
    assert workshop.cover("nl")["title"] == "Alleen Nederlands"
    assert workshop.title == "Alleen Nederlands"
    with pytest.raises(WorkshopError) as caught:
        workshop.cover("en")
    assert caught.value.line == 1 and "title has no 'en' text" in str(caught.value)
    with pytest.raises(ValueError, match="language = 'fr' is not allowed"):
        workshop.cover("fr")


def test_a_field_that_is_required_is_missing(tmp_path):
    path = tmp_path / "workshop.yaml"
    path.write_text(workshop_text(coach=None), encoding="utf-8")
    with pytest.raises(WorkshopError, match="the key 'coach' is missing"):
        load_workshop(path)


# ----------------------------------------------------------------------- the default file


def test_the_default_workshop_has_a_dutch_and_an_english_cover():
    workshop = load_workshop(DEFAULT_WORKSHOP)
    dutch, english = workshop.cover("nl"), workshop.cover("en")
    for name in FIELDS:
        assert dutch[name] and english[name] and dutch[name] != english[name], name


def test_every_key_of_the_default_workshop_is_explained_beside_or_above_it():
    lines = DEFAULT_WORKSHOP.read_text(encoding="utf-8").splitlines()
    keys = [
        (number, line)
        for number, line in enumerate(lines)
        if re.match(r"\s*[a-z_]+:", line) and not line.lstrip().startswith("#")
    ]
    assert len(keys) > 20
    for number, line in keys:
        beside = "#" in line
        above = lines[number - 1].lstrip().startswith("#")
        under_a_commented_mapping = re.match(r"\s+(nl|en):", line)
        assert beside or above or under_a_commented_mapping, f"line {number + 1}: {line}"


def test_the_default_workshop_states_the_ranges_the_schema_allows():
    # the comments tell a trainer what is allowed: they must say what the schema says
    text = DEFAULT_WORKSHOP.read_text(encoding="utf-8")
    story, checked = None, []
    for line in text.splitlines():
        match = re.match(r"  (\w+):$", line)
        if match:
            story = match.group(1)
        match = re.match(r"    (\w+): .*#.*; (.+)$", line)
        if match:
            name, allowed = match.groups()
            assert allowed == SCHEMAS[story][name].allowed(), name
            checked.append((story, name))
    assert len(checked) == 11
