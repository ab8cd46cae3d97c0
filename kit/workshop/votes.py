"""A room's votes in a workshop's handouts: ``kit handouts --votes DIR`` or ``votes: DIR``.

The record ``kit present`` wrote (``votes.jsonl``, :mod:`kit.votes.record`) is replayed
and its last round becomes story A's room parameters (``room_participants``,
``room_still_in``, ``room_results``), so story A's handouts gain the scene "What our
room decided": the room's line and the sentence. The record is checked like every other
input: a mistake names the file and the line, and nothing is written.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kit.errors import ParameterError
from kit.workshop.errors import WorkshopError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from kit.workshop.loader import Workshop

ROOM_STORY = "nocure"
"""The story whose client the room plays."""


def room_parameters(folder: Path) -> tuple[dict[str, Any], Path]:
    """Story A's room parameters from a record folder (or its ``votes.jsonl``).

    Returns
    -------
    dict, Path
        The parameters, and the record file they were read from.

    Raises
    ------
    WorkshopError
        For a record that is missing, beyond the limits, has a bad line (named), or
        holds no answer in its last round.
    """
    from kit.live.room_feed import room_values
    from kit.votes import RecordError
    from kit.votes.record import RECORD_FILE, replay

    record = folder / RECORD_FILE if folder.is_dir() else folder
    try:
        ballot = replay(record)
    except RecordError as error:
        raise WorkshopError(error.file, error.line, error.problem) from None
    values = room_values(ballot.summary())
    if not values["room_participants"]:
        raise WorkshopError(
            record,
            None,
            "no answers in its last round (after the last reset): vote in `kit present --room "
            "--record DIR` first, or leave out --votes",
        )
    return values, record


def with_room_votes(workshop: Workshop, folder: str | Path) -> Workshop:
    """The workshop with story A's parameters set to what the room decided.

    Parameters
    ----------
    workshop : Workshop
    folder : str or Path
        The ``--record`` folder of ``kit present`` (or its ``votes.jsonl``).

    Raises
    ------
    WorkshopError
        For a workshop without story A, or a record :func:`room_parameters` refuses.
    """
    from kit.stories import STORIES

    folder = Path(folder)
    if ROOM_STORY not in workshop.notebooks:
        raise WorkshopError(
            workshop.path, None, f"votes need a '{ROOM_STORY}' notebook section in the workshop"
        )
    values, record = room_parameters(folder)
    params = {**workshop.notebooks[ROOM_STORY], **values}
    try:
        checked = STORIES[ROOM_STORY].story.schema.validate(params)
    except ParameterError as error:  # months the room saw that story A cannot show
        raise WorkshopError(record, None, str(error)) from None
    checked.pop("language", None)
    return dataclasses.replace(
        workshop,
        notebooks={**workshop.notebooks, ROOM_STORY: checked},
        votes_path=record,
        votes_sha256=hashlib.sha256(record.read_bytes()).hexdigest(),
    )
