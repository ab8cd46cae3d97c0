"""The room's votes on story A: a ballot box, its record file and the participants' cookies.

In room mode every participant plays the client of story A and answers "continue" or
"stop" after each month. This package is plain Python (no web server): the presenter's
handlers (:mod:`kit.present.votes`) and the handouts both use it.

- :mod:`~kit.votes.ballot`: :class:`Ballot`, the answers of one round and their summary;
- :mod:`~kit.votes.record`: ``votes.jsonl``, the append-only record of every event, and
  :func:`replay`, which turns a record back into a :class:`Ballot`;
- :mod:`~kit.votes.participants`: the random, signed ``kit-participant`` cookie.
"""

from kit.votes.errors import (
    BadChoiceError,
    BadMonthsError,
    ClosedMonthError,
    RecordError,
    RecordFullError,
    UnknownMonthError,
    VoteError,
)

__all__ = [
    "BadChoiceError",
    "BadMonthsError",
    "ClosedMonthError",
    "RecordError",
    "RecordFullError",
    "UnknownMonthError",
    "VoteError",
]
