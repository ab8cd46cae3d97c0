"""A roster cell is read only when it means one thing; otherwise row and column are named.

``1.000`` is a thousand to a Dutch trainer and one to an English spreadsheet, so it is
refused, not guessed (it silently became 1). Names are one line of printable text.
"""

from __future__ import annotations

import pytest

from kit.params import NOCURE
from kit.workshop import WorkshopError, read_roster

HEADER = "name,month_1,month_2,month_3\n"


def roster(tmp_path, text: str, newline: str = "\n"):
    path = tmp_path / "roster.csv"
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def read(tmp_path, text: str, newline: str = "\n"):
    return read_roster(roster(tmp_path, text, newline), NOCURE.defaults())


def refusal(tmp_path, text: str, newline: str = "\n") -> WorkshopError:
    with pytest.raises(WorkshopError) as caught:
        read(tmp_path, text, newline)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'roster.csv'}, line ")
    assert "\n" not in message and "\r" not in message
    return caught.value


AMBIGUOUS = [
    "1.000",  # Dutch thousands: it became 1
    "1.000.000",
    '"1,000"',  # English thousands (quoted, or the comma splits the cell)
    "1.5",
    '"1,5"',  # Dutch decimals
    "12.0",
    "1e3",
    "1E3",
    "+5",
    "-5",
    "1 000",
    "1\u00a0000",  # a no-break space as thousands separator
    "1'000",
    "1_000",
    "0x10",
    "\u0661\u0662",  # Arabic-Indic digits: int() would read 12
    "\uff11\uff12",  # full-width digits
    "twelve",
    "12 forms",
    "100001",  # beyond the schema's maximum
    "9" * 5000,  # more digits than int() reads
]


@pytest.mark.parametrize("cell", AMBIGUOUS)
def test_anything_but_a_plain_whole_number_is_refused_with_row_and_column(tmp_path, cell):
    error = refusal(tmp_path, HEADER + "Anna,10,20,30\n" + f"Bram,10,{cell},30\n")
    assert error.line == 3 and error.column == 3
    message = str(error)
    assert message.startswith(f"{tmp_path / 'roster.csv'}, line 3, column 3: month_2 = ")
    assert "a whole number from 0 to 100,000 written with digits only" in message
    assert "e.g. 1000 (no thousands point or comma, no decimals)" in message
    # a 5,000-digit cell is quoted short (the file's path, however long, is whole)
    assert len(message) - len(str(tmp_path)) < 250


@pytest.mark.parametrize("cell", AMBIGUOUS[:6])
def test_the_same_in_a_dutch_semicolon_roster(tmp_path, cell):
    text = "name;month_1;month_2\nJan;" + cell.strip('"') + ";5\n"
    error = refusal(tmp_path, text)
    assert (error.line, error.column) == (2, 2) and "month_1 = " in str(error)


@pytest.mark.parametrize(
    ("cell", "value"), [("12", 12), (" 12 ", 12), ("\t12", 12), ("012", 12), ("0", 0)]
)
def test_plain_whole_numbers_are_read_spaces_around_them_allowed(tmp_path, cell, value):
    (anna,) = read(tmp_path, HEADER + f"Anna,{cell},20,30\n")
    assert anna.results == [value, 20, 30]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ('"Anna\nde Vries"', ["a line break inside a cell", "is a quote left open?"]),
        ('"Anna\r\nde Vries"', ["runs over 2 lines"]),
        ('"Anna\rde Vries"', ["runs over 2 lines"]),
        ("Anna\u2028de Vries", ["line break at character 5"]),
        ("An\x00na", ["U+0000", "at character 3"]),
        ("An\x07na", ["U+0007"]),
        ("An\x1b[31mna", ["U+001B"]),
        ("An\x7fna", ["U+007F"]),
        ("An\x85na", ["line break"]),
        ('"An\tna"', ["U+0009"]),
        ("Anna \u202eseirV ed", ["U+202E", "right-to-left override"]),
        ("A" * 101, ["101 characters long; at most 100"]),
        ("A" * 50_000, ["50,000 characters long; at most 100"]),
    ],
)
def test_names_are_one_printable_line(tmp_path, name, words):
    error = refusal(tmp_path, HEADER + "Eva,1,2,3\n" + f"{name},10,20,30\n")
    assert (error.line, error.column) == (3, 1)
    assert len(str(error)) - len(str(tmp_path)) < 250  # the name is quoted short
    assert str(error).split(": ", 1)[1].startswith("name = ")
    for word in words:
        assert word in str(error)


def test_a_quote_left_open_swallows_no_rows_silently(tmp_path):
    text = HEADER + 'Eva,1,2,3\n"Anna,10,20,30\nBram,1,2,3\nChris,4,5,6\n'
    error = refusal(tmp_path, text)
    assert (error.line, error.column) == (3, 1)
    assert "runs over 4 lines; is a quote left open?" in str(error)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_lines_are_counted_right_whatever_the_line_ends(tmp_path, newline):
    text = HEADER + "Eva,1,2,3\n\nAnna,1,2,3\nBram,1,x,3\n"
    error = refusal(tmp_path, text, newline)
    assert (error.line, error.column) == (5, 3)
    anna = read(tmp_path, HEADER + "Eva,1,2,3\n\nAnna,1,2,3\n", newline)[1]
    assert anna.line == 4 and anna.results == [1, 2, 3]


def test_names_keep_their_letters_and_inner_spaces_are_tidied(tmp_path):
    names = ["Zoë Çelik", "Ана Петрова", "李小龙", "Anna  de   Vries", "O'Brien & Co", "👩‍💼 Eva"]
    text = "name\n" + "".join(f'"{name}"\n' for name in names)
    read_names = [p.name for p in read(tmp_path, text)]
    assert read_names == [" ".join(name.split()) for name in names]


def test_a_column_given_twice_is_refused(tmp_path):
    error = refusal(tmp_path, "name,month_1,month_1\nAnna,1,2\n")
    assert error.line == 1 and "a column is given twice" in str(error)


def test_an_unknown_column_is_named_with_its_number(tmp_path):
    error = refusal(tmp_path, "name,month_1,maand_2\nAnna,1,2\n")
    assert (error.line, error.column) == (1, 3) and "unknown key 'maand_2'" in str(error)


@pytest.mark.parametrize(
    ("raw", "line", "words"),
    [
        (b"name\nZo\xeb\n", 2, ["is not UTF-8 text", "CSV UTF-8"]),  # Excel's Windows-1252
        ("name\nZoë\n".encode("utf-16"), 1, ["is not UTF-8 text"]),
        (b"PK\x03\x04" + bytes(200), None, ["is an Excel or OpenDocument spreadsheet"]),
        (b"\xd0\xcf\x11\xe0" + bytes(200), None, ["is an old Excel spreadsheet (.xls)"]),
    ],
)
def test_a_roster_that_is_not_utf_8_text_says_how_to_save_it(tmp_path, raw, line, words):
    path = tmp_path / "roster.csv"
    path.write_bytes(raw)
    with pytest.raises(WorkshopError) as caught:
        read_roster(path, NOCURE.defaults())
    assert caught.value.line == line
    for word in words:
        assert word in str(caught.value)


def test_a_utf_8_roster_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("name\nZoë\n".encode("utf-8-sig"))
    assert [p.name for p in read_roster(path, NOCURE.defaults())] == ["Zoë"]


def test_the_shipped_roster_example_reads():
    from kit.workshop import DEFAULT_WORKSHOP

    example = DEFAULT_WORKSHOP.parent / "roster_example.csv"
    participants = read_roster(example, NOCURE.defaults())
    assert [p.name for p in participants] == ["Anna de Vries", "Bram & Co", "Chris Jansen"]
    assert participants[1].results is None and len(participants[0].results) == 6
