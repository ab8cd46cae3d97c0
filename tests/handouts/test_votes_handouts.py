"""``kit handouts --votes DIR`` (or ``votes:`` in a workshop): what our room decided, handed out.

A record written by the presenter's ballot box (:class:`kit.votes.box.BallotBox`) adds the
room scene to story A's handouts, in every language and format; a record that is not
the kit's is refused by file and line, exit 2, with nothing written.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kit.cli import main
from kit.votes.box import BallotBox
from kit.workshop import WorkshopError, load_workshop
from kit.workshop.votes import with_room_votes

WORKSHOP = """\
title: Room test
date: 2025-03-14
coach: Coach
organisation: Org
languages: [en, nl]
notebooks:
  nocure:
    n_contracts: 500
"""


def record_votes(folder: Path, answers: dict[int, list[str]]) -> None:
    """Four participants' answers, month by month, recorded as the presenter records them."""
    box = BallotBox(folder)
    people = [box.signer.participant(box.signer.new_cookie()) for _ in range(4)]
    for month, choices in answers.items():
        for person, choice in zip(people, choices, strict=True):
            if choice:
                box.vote(person, month, choice)
        box.close(month)
    box.shut()


@pytest.fixture
def room(tmp_path) -> Path:
    folder = tmp_path / "room" / "2025-03-14_093000"
    record_votes(
        folder,
        {
            1: ["continue"] * 4,
            2: ["continue", "stop", "continue", "continue"],
            3: ["stop", "", "continue", "stop"],
        },
    )
    return folder


@pytest.fixture
def workshop(tmp_path) -> Path:
    path = tmp_path / "workshop.yaml"
    path.write_text(WORKSHOP, encoding="utf-8")
    return path


def test_the_rooms_answers_become_story_as_room_parameters(workshop, room):
    shown = with_room_votes(load_workshop(workshop), room)
    params = shown.notebooks["nocure"]
    assert params["room_participants"] == 4
    assert params["room_still_in"] == [4, 3, 1]
    assert params["room_results"] == [20, 15, 5, 45, 20, 15]
    assert shown.votes_path == room / "votes.jsonl"


def test_a_workshop_names_its_votes_next_to_it(workshop, room):
    workshop.write_text(WORKSHOP + f"votes: {room.relative_to(workshop.parent)}\n")
    assert load_workshop(workshop).notebooks["nocure"]["room_still_in"] == [4, 3, 1]


def test_the_handouts_add_what_our_room_decided_in_every_language_and_format(
    tmp_path, workshop, room, capsys
):
    out = tmp_path / "handouts"
    code = main(["handouts", str(workshop), "--out", str(out), "--votes", str(room), "--jobs", "2"])
    assert code == 0, capsys.readouterr().err
    english = (out / "en" / "01_no_cure_no_pay.html").read_text(encoding="utf-8")
    dutch = (out / "nl" / "01_no_cure_no_pay.html").read_text(encoding="utf-8")
    assert "What our room decided" in english
    assert "3 of you (75%) walked away from a contract that met its target." in english
    assert "Wat onze zaal besloot" in dutch
    assert "3 van jullie (75%) stapten uit een contract dat zijn doel haalde." in dutch
    for language, words in (("en", "What our room decided"), ("nl", "Wat onze zaal besloot")):
        pdf = out / language / "01_no_cure_no_pay.pdf"
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout
            assert words in text
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["workshop"]["votes"]["participants"] == 4


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (b'{"event":"vote","participant":"x","month":1,"choice":"stop","at":"2025"}\n', "line 2"),
        (b"not json at all\n", "line 2"),
        (b'{"event":"vote"' + b" " * 2000 + b"}\n", "line 2"),
    ],
)
def test_a_record_the_kit_did_not_write_is_refused_by_line(
    tmp_path, workshop, room, capsys, line, words
):
    record = room / "votes.jsonl"
    first = record.read_bytes().splitlines(keepends=True)[0]
    record.write_bytes(first + line + b"\n")
    out = tmp_path / "handouts"
    code = main(["handouts", str(workshop), "--out", str(out), "--votes", str(room)])
    err = capsys.readouterr().err
    assert code == 2
    assert str(record) in err and words in err
    assert "Traceback" not in err
    assert not out.exists()


def test_a_missing_or_empty_record_is_one_line(tmp_path, workshop):
    with pytest.raises(WorkshopError, match="no such file"):
        with_room_votes(load_workshop(workshop), tmp_path / "nowhere")
    empty = tmp_path / "empty"
    box = BallotBox(empty)
    box.set_months([10, 20, 30], 60)
    box.shut()
    with pytest.raises(WorkshopError, match="no answers in its last round"):
        with_room_votes(load_workshop(workshop), empty)


def test_votes_need_story_a(tmp_path, room):
    path = tmp_path / "b.yaml"
    path.write_text(WORKSHOP.replace("  nocure:\n    n_contracts: 500\n", "  referrals: {}\n"))
    with pytest.raises(WorkshopError, match="votes need a 'nocure' notebook section"):
        with_room_votes(load_workshop(path), room)
