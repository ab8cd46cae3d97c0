"""The room's answers for story A: one per participant per month, and their summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kit.votes.errors import BadChoiceError, BadMonthsError, ClosedMonthError, UnknownMonthError

CHOICES = ("continue", "stop")
"""What a participant, playing the client, answers after a month."""

ARTICLE_RESULTS = (20, 15, 5, 45, 20, 15)
ARTICLE_TARGET = 120
"""The article's months and target: what the coach's deck shows unless told otherwise."""

MIN_MONTHS, MAX_MONTHS = 2, 36
MAX_RESULT = MAX_TARGET = 100_000
"""Story A's own limits (``kit.stories.nocure``): a round has the months its deck can show."""


def check_months(results: Any, target: Any) -> tuple[tuple[int, ...], int]:
    """Check a coach's months and target; return them as a tuple and an int.

    Raises
    ------
    BadMonthsError
        For anything but 2 to 36 whole numbers from 0 to 100,000 and a whole target
        from 1 to 100,000.
    """
    if (
        not isinstance(results, list | tuple)
        or not MIN_MONTHS <= len(results) <= MAX_MONTHS
        or not all(_whole(r) and 0 <= r <= MAX_RESULT for r in results)
    ):
        raise BadMonthsError(value=_short(results))
    if not _whole(target) or not 1 <= target <= MAX_TARGET:
        raise BadMonthsError(value=_short(target))
    return tuple(results), target


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Ballot:
    """The answers of the room, playing the client of story A, in the current round.

    A participant has one answer per month; a later one replaces it until the coach
    closes that month. The coach may reset the round or start one with other months.

    Parameters
    ----------
    results : sequence of int
        The months the coach's deck shows (default: the article's 20, 15, 5, 45, 20, 15).
    target : int
        The contract's target over those months (default 120).

    Examples
    --------
    >>> ballot = Ballot()
    >>> ballot.vote("ann", 3, "stop")
    >>> ballot.vote("bob", 3, "continue")
    >>> ballot.summary()["months"][2]
    {'month': 3, 'continue': 1, 'stop': 1}
    >>> ballot.summary()["still_in"]
    [2, 2, 1, 1, 1, 1]
    """

    def __init__(
        self, results: Sequence[int] = ARTICLE_RESULTS, target: int = ARTICLE_TARGET
    ) -> None:
        self.results, self.target = check_months(results, target)
        self.round = 1
        self._answers: dict[str, dict[int, str]] = {}
        self._closed: set[int] = set()
        self._summary: dict[str, Any] | None = None

    def check_month(self, month: Any) -> None:
        """Raise :class:`~kit.votes.UnknownMonthError` for a month this round does not have."""
        if not _whole(month) or not 1 <= month <= len(self.results):
            raise UnknownMonthError(month=_short(month), months=len(self.results))

    def check_vote(self, month: Any, choice: Any) -> None:
        """Raise the :class:`~kit.votes.VoteError` that :meth:`vote` would raise, if any."""
        self.check_month(month)
        if choice not in CHOICES:
            raise BadChoiceError(choice=_short(choice))
        if month in self._closed:
            raise ClosedMonthError(month=month)

    def vote(self, participant: str, month: int, choice: str) -> None:
        """Count ``participant``'s answer for ``month``, replacing an earlier one.

        Raises
        ------
        UnknownMonthError
            A month the round does not have (HTTP 400).
        BadChoiceError
            A choice other than "continue" or "stop" (HTTP 400).
        ClosedMonthError
            A month the coach has closed (HTTP 409).
        """
        self.check_vote(month, choice)
        self._answers.setdefault(participant, {})[month] = choice
        self._summary = None

    def answers_of(self, participant: str) -> dict[int, str]:
        """One participant's answers in this round: month -> choice."""
        return dict(self._answers.get(participant, {}))

    def close(self, month: int) -> None:
        """Close ``month``: later votes for it get :class:`~kit.votes.ClosedMonthError`."""
        self.check_month(month)
        self._closed.add(month)
        self._summary = None

    def reset(self) -> None:
        """Start a fresh round with the same months: no answers, every month open."""
        self._answers.clear()
        self._closed.clear()
        self.round += 1
        self._summary = None

    def set_months(self, results: Sequence[int], target: int) -> None:
        """Vote on other months (the coach's deck shows them): a fresh round if they differ.

        Raises
        ------
        BadMonthsError
            For months or a target story A cannot show.
        """
        results, target = check_months(results, target)
        if (results, target) != (self.results, self.target):
            self.results, self.target = results, target
            self.reset()

    def summary(self) -> dict[str, Any]:
        """The room's answers so far, as ``GET /kit/room/votes`` returns them.

        Returns
        -------
        dict
            ``story``, ``participants`` (who answered at least once this round),
            ``months`` (``{"month", "continue", "stop"}`` per month), ``closed``,
            ``still_in`` (per month m: participants with no "stop" in months 1..m),
            ``walked`` (participants with a "stop" in any month), ``results``,
            ``target`` and ``round``.
        """
        if self._summary is None:
            self._summary = self._count()
        summary = self._summary  # counted once per change; each caller gets its own copy
        return {
            **summary,
            "months": [dict(month) for month in summary["months"]],
            **{key: list(summary[key]) for key in ("closed", "still_in", "results")},
        }

    def _count(self) -> dict[str, Any]:
        months = len(self.results)
        tally = {choice: [0] * months for choice in CHOICES}
        first_stops = [0] * months  # participants whose first "stop" is in month m
        for answers in self._answers.values():
            for month, choice in answers.items():
                tally[choice][month - 1] += 1
            stops = [month for month, choice in answers.items() if choice == "stop"]
            if stops:
                first_stops[min(stops) - 1] += 1
        still_in, walked = [], 0
        for month in range(months):
            walked += first_stops[month]
            still_in.append(len(self._answers) - walked)
        return {
            "story": "nocure",
            "participants": len(self._answers),
            "months": [
                {"month": m + 1, "continue": tally["continue"][m], "stop": tally["stop"][m]}
                for m in range(months)
            ],
            "closed": sorted(self._closed),
            "still_in": still_in,
            "walked": walked,
            "results": list(self.results),
            "target": self.target,
            "round": self.round,
        }
