"""The ballot box: the room's :class:`~kit.votes.ballot.Ballot` and, if kept, its record.

Every accepted vote and coach's action is checked first, then written to the record,
then counted: a vote that was answered "counted" is always in the record, and a vote the
ballot refuses never reaches it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kit.votes.ballot import Ballot, check_months
from kit.votes.errors import RecordError
from kit.votes.participants import Signer, check_secret, room_secret
from kit.votes.record import Record, check_folder


class BallotBox:
    """The room's ballot, its record (optional) and the signer of its cookies.

    Parameters
    ----------
    folder : Path or None
        The record folder (``kit present --record``): ``votes.jsonl`` is replayed and
        appended to, and the cookies' secret is kept there. None: memory only.

    Raises
    ------
    RecordError
        For a folder the kit cannot use, or files in it the kit did not write.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        if folder is None:
            self.record, self.ballot = None, Ballot()
        else:
            folder = check_folder(folder)
            check_secret(folder)  # every file checked before the record is opened or made
            self.record, self.ballot = Record.open(folder)
        try:
            self.signer = Signer(room_secret(folder))
        except (RecordError, OSError):
            self.shut()
            raise

    def vote(self, participant: str, month: Any, choice: Any) -> dict[int, str]:
        """Count a participant's answer; return all their answers this round.

        Raises
        ------
        VoteError
            For an unknown month, a bad choice, a closed month or a full record.
        """
        self.ballot.check_vote(month, choice)
        self._write({"event": "vote", "participant": participant, "month": month, "choice": choice})
        self.ballot.vote(participant, month, choice)
        return self.ballot.answers_of(participant)

    def close(self, month: Any) -> None:
        """Close a month for votes (see :meth:`Ballot.close`)."""
        self.ballot.check_month(month)
        self._write({"event": "close", "month": month})
        self.ballot.close(month)

    def reset(self) -> None:
        """Start a fresh round with the same months."""
        self._write({"event": "reset"})
        self.ballot.reset()

    def set_months(self, results: Sequence[int], target: int) -> None:
        """Vote on other months: a fresh round if they differ from the current ones."""
        results, target = check_months(results, target)
        self._write({"event": "months", "results": list(results), "target": target})
        self.ballot.set_months(results, target)

    def _write(self, event: dict[str, Any]) -> None:
        if self.record is not None:
            self.record.append(event)

    def shut(self) -> None:
        """Put the record on disk and close it (the presenter is stopping)."""
        if self.record is not None:
            self.record.close()
