"""Every mistake in a workshop file is one line: file, line, key, and the value as typed.

YAML 1.1 reads ``no`` as False, ``010`` as eight and ``2025-02-30`` as a date that
crashes the parser; the workshop loader reads plain values instead, so a message can
quote what the trainer typed.
"""

from __future__ import annotations

import pickle

import pytest

from kit.workshop import WorkshopError, load_workshop

GOOD = """\
title: Sales that lasts
date: 2025-03-14
coach: Ingrid de Boer
organisation: Acme Sales Academy
languages: [nl, en]
notebooks:
  nocure:
    target: 90
    results: [10, 20, 5, 30, 15, 10]
  referrals:
    per_fan: 5
    conversion: 0.5
"""


def load(tmp_path, text: str):
    path = tmp_path / "workshop.yaml"
    path.write_text(text, encoding="utf-8")
    return load_workshop(path)


def refusal(tmp_path, text: str) -> tuple[str, WorkshopError]:
    with pytest.raises(WorkshopError) as caught:
        load(tmp_path, text)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'workshop.yaml'}, line ")
    assert "\n" not in message and "Traceback" not in message
    return message, caught.value


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("2025-02-30", ["date = '2025-02-30'", "day is out of range for month", "YYYY-MM-DD"]),
        ("2025-02-29", ["date = '2025-02-29'", "day is out of range"]),  # not a leap year
        ("2025-13-01", ["date = '2025-13-01'", "month must be in 1..12"]),
        ("2025-00-10", ["date = '2025-00-10'", "month must be in 1..12"]),
        ("2025-3-14", ["date = '2025-3-14'", "YYYY-MM-DD"]),
        ("14-03-2025", ["date = '14-03-2025'", "YYYY-MM-DD"]),
        ("2025-03-14 10:00", ["date = '2025-03-14 10:00'", "YYYY-MM-DD"]),
        ("20250314", ["date = 20250314", "YYYY-MM-DD"]),
        ("", ["date = (empty)", "YYYY-MM-DD"]),
        ("~", ["date = ~", "YYYY-MM-DD"]),
        ("[2025, 3, 14]", ["date = [2025, 3, 14]", "YYYY-MM-DD"]),
        ("!!timestamp 2025-02-30", ["tag '!!timestamp' is not allowed"]),
    ],
)
def test_a_date_that_does_not_exist_or_is_not_a_date(tmp_path, typed, words):
    message, error = refusal(tmp_path, GOOD.replace("2025-03-14", typed))
    assert error.line == 2
    for word in words:
        assert word in message


@pytest.mark.parametrize(("typed", "day"), [("2024-02-29", 29), ("'2025-03-14'", 14)])
def test_a_real_date_is_read_quoted_or_not(tmp_path, typed, day):
    assert load(tmp_path, GOOD.replace("2025-03-14", typed)).date.day == day


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("~", "'~'"),
        ("null", "'null'"),
        ("1", "'1'"),
        ("1.5", "'1.5'"),
        ("true", "'true'"),
        ('""', "an empty key"),
        ("[a, b]", "a list or mapping"),
        ("{a: 1}", "a list or mapping"),
    ],
)
@pytest.mark.parametrize(
    ("where", "section"),
    [("title: Sales", "the file"), ("    target: 90", "notebooks.nocure")],
)
def test_a_key_that_is_not_a_name_is_named_where_typed(tmp_path, key, shown, where, section):
    # the ~: key on line 12 was reported as "line 7, unknown key 'None'"
    lines = GOOD.splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines, start=1) if line.startswith(where))
    indent = where[: len(where) - len(where.lstrip())]
    lines.insert(number, f"{indent}{key}: 3\n")
    message, error = refusal(tmp_path, "".join(lines))
    assert error.line == number + 1
    assert f"{shown} is not a key name in {section}" in message
    assert "None" not in message


@pytest.mark.parametrize("word", ["no", "No", "NO", "yes", "on", "off", "y", "n", "Norway"])
def test_yaml_1_1_booleans_are_reported_as_typed(tmp_path, word):
    for text in (f"[{word}]", word, f"[nl, {word}]"):
        message, error = refusal(tmp_path, GOOD.replace("[nl, en]", text))
        assert error.line == 5
        assert f"languages = '{word}' is not allowed" in message
        assert "False" not in message and "True" not in message


@pytest.mark.parametrize(
    ("old", "new", "line", "shown"),
    [
        ("[nl, en]", "[true]", 5, "languages = true "),
        ("[nl, en]", "[nl, 1]", 5, "languages = 1 "),
        ("target: 90", "target: 0x10", 8, "target = '0x10' "),
        ("target: 90", "target: 1_000", 8, "target = '1_000' "),
        ("target: 90", "target: 12:30", 8, "target = '12:30' "),
        ("target: 90", "target: .inf", 8, "target = '.inf' "),
        ("target: 90", "target: yes", 8, "target = 'yes' "),
        ("target: 90", "target:", 8, "target = (empty) "),
        ("target: 90", "target: ~", 8, "target = ~ "),
        ("target: 90", "target: " + "9" * 5000, 8, "target = '99999"),
        ("per_fan: 5", "per_fan: 2.50", 11, "per_fan = 2.50 "),
        ("per_fan: 5", "per_fan: true", 11, "per_fan = true "),
        ("conversion: 0.5", "conversion: 1.50", 12, "conversion = 1.50 "),
        ("[10, 20, 5,", "[10, 20, -5,", 9, "results[2] = -5 "),
        ("[10, 20, 5,", "[10, 20, off,", 9, "results[2] = 'off' "),
        ("title: Sales that lasts", "title:", 1, "title = (empty) "),
        ("title: Sales that lasts", "title: no", 1, None),  # a title may be any word
        ("coach: Ingrid de Boer", "coach: 42", 3, "coach = 42 "),
        ("coach: Ingrid de Boer", "coach: false", 3, "coach = false "),
    ],
)
def test_values_are_quoted_as_typed(tmp_path, old, new, line, shown):
    text = GOOD.replace(old, new)
    if shown is None:
        assert load(tmp_path, text).title == "no"
        return
    message, error = refusal(tmp_path, text)
    assert error.line == line
    assert shown in message
    assert len(message) < 400


def test_numbers_are_decimal_as_typed(tmp_path):
    workshop = load(tmp_path, GOOD.replace("target: 90", "target: 090"))
    assert workshop.notebooks["nocure"]["target"] == 90  # YAML 1.1 would read octal: 72


@pytest.mark.parametrize(
    "tag", ["!!int", "!!str", "!!python/object/apply:os.system", "!custom", "!!binary"]
)
def test_explicit_tags_are_refused(tmp_path, tag):
    message, error = refusal(tmp_path, GOOD.replace("target: 90", f"target: {tag} 90"))
    assert error.line == 8 and f"the YAML tag '{tag}' is not allowed" in message


def test_merge_keys_are_unknown_keys(tmp_path):
    text = GOOD.replace("  nocure:\n", "  nocure: &a\n") + "  extra:\n    <<: *a\n"
    message, error = refusal(tmp_path, text)
    assert "unknown key 'extra'" in message and error.line == 13
    text = GOOD.replace("    target: 90\n", "    <<: {target: 90}\n")
    message, error = refusal(tmp_path, text)
    assert "unknown key '<<' in notebooks.nocure" in message and error.line == 8


def test_a_few_aliases_are_fine(tmp_path):
    text = GOOD.replace("results: [", "results: &mine [") + "  # same again\n"
    workshop = load(tmp_path, text)
    assert workshop.notebooks["nocure"]["results"] == [10, 20, 5, 30, 15, 10]


@pytest.mark.parametrize(
    ("char", "line"),
    [("\x00", 3), ("\x07", 3), ("\x1b", 3), ("\ufffe", 3)],
)
def test_characters_yaml_does_not_allow_are_named_with_their_line(tmp_path, char, line):
    message, error = refusal(tmp_path, GOOD.replace("Ingrid", f"Ing{char}rid"))
    assert error.line == line
    assert f"U+{ord(char):04X}" in message


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("[nl, en]", "[nl, en", 6),
        ("    target: 90", "   target: 90", 9),  # where the parser notices
        ("title: Sales that lasts", "title: 'Sales that lasts", 13),
        ("title: Sales that lasts", "title: Sales: that lasts", 1),
        ("    per_fan: 5", "\tper_fan: 5", 11),
        ("title: Sales that lasts", "title: Sales\n  that: lasts", 2),
    ],
)
def test_syntax_errors_are_one_line_with_line_and_column(tmp_path, old, new, line):
    message, error = refusal(tmp_path, GOOD.replace(old, new))
    assert "YAML syntax error" in message
    assert error.line == line and error.column is not None


def test_a_key_given_twice_names_both_lines(tmp_path):
    message, error = refusal(tmp_path, GOOD + "title: Again\n")
    assert error.line == 13 and "key 'title' is given twice (also on line 1)" in message


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("[10, 20, 5, 30, 15, 10]", "[" + ", ".join(["7"] * 3000) + "]", "a list of 3,000 values"),
        ("target: 90", "target: " + "x" * 5000, "target = 'xxxxx"),
        ("title: Sales that lasts", "title: " + "x" * 5000, "title = 'xxxxx"),
    ],
)
def test_a_long_value_is_quoted_short(tmp_path, old, new, shown):
    message, _ = refusal(tmp_path, GOOD.replace(old, new))
    assert shown in message and len(message) < 300


def test_an_error_keeps_file_line_and_column_across_processes(tmp_path):
    _, error = refusal(tmp_path, GOOD.replace("[nl, en]", "[nl, en"))
    again = pickle.loads(pickle.dumps(error))
    assert (again.file, again.line, again.column, str(again)) == (
        error.file,
        error.line,
        error.column,
        str(error),
    )
