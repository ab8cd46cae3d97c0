"""Workshop files and rosters are checked before anything runs; errors name file and line."""

import datetime as dt
import textwrap

import pytest

from kit.params import NOCURE, REFERRALS
from kit.workshop import DEFAULT_WORKSHOP, WorkshopError, load_workshop, read_roster

GOOD = """\
title: Sales that lasts
date: 2025-03-14
coach: Ingrid de Boer
organisation: Acme Sales Academy
languages: [nl, en]
notebooks:
  nocure:
    target: 90
    results:
      - 10
      - 20
      - 5
      - 30
      - 15
      - 10
  referrals:
    per_fan: 5
"""


def write(tmp_path, text, name="workshop.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(path) -> WorkshopError:
    with pytest.raises(WorkshopError) as caught:
        load_workshop(path)
    return caught.value


def test_the_default_workshop_tells_both_stories_in_both_languages():
    workshop = load_workshop(DEFAULT_WORKSHOP)
    assert workshop.languages == ("nl", "en")
    assert set(workshop.notebooks) <= {"nocure", "referrals"}
    assert workshop.notebooks["nocure"]["results"] == [20, 15, 5, 45, 20, 15]
    assert "language" not in workshop.notebooks["nocure"]
    assert workshop.roster == ()


def test_a_good_file_is_validated_through_the_schema(tmp_path):
    workshop = load_workshop(write(tmp_path, GOOD))
    assert workshop.title == "Sales that lasts"
    assert workshop.date == dt.date(2025, 3, 14)
    assert workshop.notebooks["nocure"] == {
        **{k: v for k, v in NOCURE.defaults().items() if k != "language"},
        "target": 90,
        "results": [10, 20, 5, 30, 15, 10],
    }
    assert workshop.notebooks["referrals"]["per_fan"] == 5
    assert workshop.notebooks["referrals"]["fans"] == REFERRALS["fans"].default
    assert len(workshop.sha256) == 64


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (("title: Sales", "titel: Sales"), 1, ["unknown key 'titel'", "did you mean 'title'"]),
        (("target: 90", "targt: 90"), 8, ["unknown key 'targt'", "did you mean 'target'"]),
        (("target: 90", "target: lots"), 8, ["target = 'lots'", "a whole number from 1"]),
        (("target: 90", "target: 0"), 8, ["target = 0", "from 1 to 100,000"]),
        (("per_fan: 5", "per_fan: 2.5"), 17, ["per_fan = 2.5", "a whole number"]),
        (("per_fan: 5", "conversion: 1.5"), 17, ["conversion = 1.5", "from 0 to 1"]),
        (("      - 5\n", "      - -5\n"), 12, ["results[2] = -5", "from 0 to 100,000"]),
        (("      - 5\n", "      - five\n"), 12, ["results[2] = 'five'", "whole number"]),
        (("  referrals:", "  referals:"), 16, ["key 'referals'", "did you mean 'referrals'"]),
        (("[nl, en]", "[nl, fr]"), 5, ["languages = 'fr'", "nl, en or both"]),
        (("2025-03-14", "14 March"), 2, ["date = '14 March'", "YYYY-MM-DD"]),
        (("coach: Ingrid de Boer", "coach: 42"), 3, ["coach = 42", "a non-empty text"]),
        (("target: 90", "language: nl"), 8, ["language", "comes from 'languages'"]),
        (("target: 90", "target: 90\n    target: 80"), 9, ["'target' is given twice"]),
    ],
)
def test_mistakes_name_file_line_key_value_and_what_is_allowed(tmp_path, change, line, words):
    path = write(tmp_path, GOOD.replace(*change))
    error = error_of(path)
    assert error.line == line
    assert str(error).startswith(f"{path}, line {line}: ")
    for word in words:
        assert word in str(error)
    assert "\n" not in str(error)


def test_results_that_do_not_match_the_months(tmp_path):
    error = error_of(write(tmp_path, GOOD.replace("target: 90", "months: 4")))
    assert error.line == 9 and "exactly months = 4 monthly results (got 6)" in str(error)


def test_yaml_syntax_error_gives_line_and_column(tmp_path):
    error = error_of(write(tmp_path, GOOD.replace("[nl, en]", "[nl, en")))
    assert error.line is not None and error.column is not None
    assert "YAML syntax error" in str(error)
    assert f"line {error.line}, column {error.column}" in str(error)


def test_missing_key(tmp_path):
    error = error_of(write(tmp_path, GOOD.replace("coach: Ingrid de Boer\n", "")))
    assert "the key 'coach' is missing" in str(error)


@pytest.mark.parametrize("kind", ["missing", "folder", "not utf-8", "empty", "a list"])
def test_unreadable_files(tmp_path, kind):
    path = tmp_path / "workshop.yaml"
    if kind == "folder":
        path.mkdir()
    elif kind == "not utf-8":
        path.write_bytes(b"title: Caf\xe9\n")
    elif kind == "empty":
        path.write_text("")
    elif kind == "a list":
        path.write_text("- title\n- date\n")
    message = str(error_of(path))
    assert message.startswith(str(path))
    expected = {
        "missing": "no such file",
        "folder": "is a folder",
        "not utf-8": "not UTF-8",
        "empty": "a mapping of keys",
        "a list": "a mapping of keys",
    }[kind]
    assert expected in message


# ----------------------------------------------------------------------------- rosters

ROSTER = "name,month_1,month_2,month_3,month_4,month_5,month_6\n"


def roster_workshop(tmp_path, roster_text):
    (tmp_path / "roster.csv").write_text(roster_text, encoding="utf-8")
    return write(tmp_path, GOOD + "roster: roster.csv\n")


def test_roster_participants_with_and_without_their_own_results(tmp_path):
    text = (
        ROSTER
        + "Anna de Vries,22,18,9,30,25,16\nBram & Co,,,,,,\n<script>alert(1)</script>,1,2,3,4,5,6\n"
    )
    workshop = load_workshop(roster_workshop(tmp_path, text))
    anna, bram, script = workshop.roster
    assert anna.results == [22, 18, 9, 30, 25, 16] and anna.slug == "anna-de-vries"
    assert bram.results is None and bram.name == "Bram & Co" and bram.slug == "bram-co"
    assert script.name == "<script>alert(1)</script>"  # kept as typed; the HTML escapes it
    assert script.slug == "script-alert-1-script"
    assert workshop.participant_parameters(bram)["results"] == [10, 20, 5, 30, 15, 10]
    assert workshop.participant_parameters(anna)["results"] == [22, 18, 9, 30, 25, 16]
    assert workshop.roster_sha256 and workshop.roster_path == tmp_path / "roster.csv"


def test_a_participant_with_fewer_months_gets_their_own_month_count(tmp_path):
    text = "name,month_1,month_2,month_3,month_4\nEva,30,20,40,30\n"
    (eva,) = load_workshop(roster_workshop(tmp_path, text)).roster
    assert eva.results == [30, 20, 40, 30]


def test_dutch_spreadsheets_with_semicolons(tmp_path):
    text = "name;month_1;month_2\nJan;10;20\nPiet;5;5\n"
    roster = read_roster(write(tmp_path, text, "r.csv"), NOCURE.defaults())
    assert [p.results for p in roster] == [[10, 20], [5, 5]]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("naam,month_1\nJan,5\n", 1, ["unknown key 'naam'", "did you mean 'name'"]),
        ("month_1,month_2\n5,6\n", 1, ["'name' is missing"]),
        (ROSTER + "Jan,1,2,3,4,5\n", 2, ["6 fields but the header has 7", "a column is missing"]),
        (ROSTER + "Jan,1,2,-3,4,5,6\n", 2, ["month_3 = '-3'", "a whole number from 0"]),
        (ROSTER + "Jan,1,2,three,4,5,6\n", 2, ["month_3 = 'three'", "a whole number"]),
        (ROSTER + "Jan,1,2,,4,5,6\n", 2, ["without empty months"]),
        (ROSTER + "Jan,1,2,3,4,5,6\nJan,1,2,3,4,5,6\n", 3, ["'Jan' is also on line 2"]),
        (ROSTER + ",1,2,3,4,5,6\n", 2, ["every participant needs a name"]),
        ("name,month_1,month_3\nJan,1,2\n", 1, ["month_1, month_2, ... without gaps"]),
        (ROSTER, 1, ["no participants"]),
    ],
)
def test_roster_mistakes(tmp_path, text, line, words):
    error = error_of(roster_workshop(tmp_path, text))
    assert error.file == str(tmp_path / "roster.csv")
    assert error.line == line
    for word in words:
        assert word in str(error)


def test_missing_roster_file(tmp_path):
    path = write(tmp_path, GOOD + "roster: nobody.csv\n")
    assert "nobody.csv: no such file" in str(error_of(path))


def test_a_roster_needs_story_a(tmp_path):
    (tmp_path / "roster.csv").write_text("name\nJan\n")
    text = GOOD[: GOOD.index("  nocure:")] + "  referrals:\n    per_fan: 5\nroster: roster.csv\n"
    error = error_of(write(tmp_path, text))
    assert "a roster needs a 'nocure' notebook section" in str(error) and error.line == 9
