"""The room's votes over HTTP: ``/kit/room/votes``, ``/kit/room/join``, ``/kit/room/control``.

- ``GET /kit/room/votes``: the summary (:meth:`kit.votes.ballot.Ballot.summary`), never
  cached; with a participant's cookie also ``mine``, their own answers this round (and a
  new cookie in place of one this room did not sign).
- ``POST /kit/room/votes`` ``{"month": 3, "choice": "stop"}`` with the ``kit-participant``
  cookie: ``{"month": 3, "choice": "stop", "counted": true, "answers": {"3": "stop"}}``.
- ``GET /kit/room/join``: gives the cookie (every story page does too); 204.
- ``POST /kit/room/control`` from the presenting machine only: ``{"action": "close",
  "month": 3}``, ``{"action": "reset"}`` or ``{"action": "months", "results": [...],
  "target": 120}``; answers the summary.

A mistake gets a 4xx and one line of JSON, ``{"error": "..."}``, in the presenter's
language. Tornado's ``_xsrf`` check is replaced here (and only here) by what fits a vote:
the cookie is signed by the presenter and sent only by the room's own pages
(``SameSite=Strict``), a request from another site's page (``Origin``) is refused, and a
participant may send a few votes per second at most.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from kit.text import t
from kit.votes import VoteError
from kit.votes.box import BallotBox
from kit.votes.participants import COOKIE
from kit.votes.throttle import Throttle

MAX_BODY = 1_000
"""Bytes a vote's or a coach's request may have."""
COOKIE_DAYS = 1
"""The cookie outlives a closed browser for the rest of the workshop day."""
NEW_BURST = 30
NEW_PER_SECOND = 0.2
"""New participant cookies one machine gets: 30 at once, then one every 5 s."""


class RefusedError(Exception):
    """A request the room does not take: its HTTP status and the text's key."""

    def __init__(self, status: int, key: str, **values: Any) -> None:
        super().__init__(key)
        self.status, self.key, self.values = status, key, values


class RoomVotes:
    """What the vote handlers share: the ballot box, the throttle, who the coach is.

    Parameters
    ----------
    box : BallotBox
    language : {"en", "nl"}
        The language of the error messages.
    coach_ips : tuple of str
        Addresses of the presenting machine (loopback, and the address it serves on).
    """

    def __init__(self, box: BallotBox, language: str, coach_ips: tuple[str, ...]) -> None:
        self.box, self.language, self.coach_ips = box, language, coach_ips
        self.throttle = Throttle()
        # new participants per machine: a room's phones each come once; a script minting
        # cookies to vote many times runs dry after a burst
        self.newcomers = Throttle(rate=NEW_PER_SECOND, burst=NEW_BURST)


def give_cookie(handler: Any, votes: RoomVotes) -> str | None:
    """Make sure the visitor has a valid participant cookie; return the participant's id.

    None when the visitor's machine has had too many new cookies lately (the presenting
    machine excepted): it gets none this time.
    """
    participant = votes.box.signer.participant(handler.get_cookie(COOKIE))
    if participant is None:
        ip = handler.request.remote_ip
        if ip not in votes.coach_ips and not votes.newcomers.allow(ip):
            return None
        cookie = votes.box.signer.new_cookie()
        handler.set_cookie(
            COOKIE, cookie, path="/", expires_days=COOKIE_DAYS, httponly=True, samesite="Strict"
        )
        participant = votes.box.signer.participant(cookie)
    return participant


def read_body(body: bytes) -> dict[str, Any]:
    """The JSON object of a request body of at most 1 kB.

    Raises
    ------
    RefusedError
        413 for a larger body, 400 for one that is not a JSON object.
    """
    if len(body) > MAX_BODY:
        raise RefusedError(413, "too_large", limit=MAX_BODY)
    try:
        given = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RefusedError(400, "not_json") from None
    if not isinstance(given, dict):
        raise RefusedError(400, "not_json")
    return given


def _no_constant(name: str) -> None:
    raise ValueError(name)


def from_this_site(headers: Any, host: str) -> bool:
    """False for a request a page of another site sent (its ``Origin`` or fetch metadata).

    A client that is not a browser sends neither: it still needs a signed cookie.

    >>> from_this_site({"Origin": "http://10.0.0.5:8866"}, "10.0.0.5:8866")
    True
    >>> from_this_site({"Origin": "http://evil.example"}, "10.0.0.5:8866")
    False
    >>> from_this_site({}, "10.0.0.5:8866")
    True
    """
    if headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = headers.get("Origin")
    if origin is None:
        return True
    return urllib.parse.urlsplit(origin).netloc.lower() == host.lower()


def vote_handlers(votes: RoomVotes) -> list[tuple[str, type, dict[str, Any]]]:
    """The three routes of the room's votes, for the presenter's tornado app."""
    import tornado.web

    @tornado.web.stream_request_body
    class JSONHandler(tornado.web.RequestHandler):
        # streamed: a body over 1 kB is refused, never kept in memory (the server's own
        # limit would take hundreds of megabytes first)
        def initialize(self, votes: RoomVotes) -> None:
            self.votes = votes
            self.body = bytearray()
            self.too_large = False

        def prepare(self) -> None:
            length = self.request.headers.get("Content-Length", "0")
            if not length.isdigit() or int(length) > MAX_BODY:
                self._refused(RefusedError(413, "too_large", limit=MAX_BODY))

        def data_received(self, chunk: bytes) -> None:
            if len(self.body) + len(chunk) > MAX_BODY:
                self.too_large = True
            else:
                self.body += chunk

        def request_body(self) -> bytes:
            if self.too_large:
                raise RefusedError(413, "too_large", limit=MAX_BODY)
            return bytes(self.body)

        def check_xsrf_cookie(self) -> None:
            # a signed, SameSite=Strict cookie and the Origin check stand in for _xsrf here
            return None

        def set_default_headers(self) -> None:
            self.set_header("Cache-Control", "no-store")
            self.set_header("Content-Type", "application/json; charset=utf-8")

        def answer(self, content: Any) -> None:
            self.finish(json.dumps(content, separators=(",", ":")))

        def refuse(self, status: int, message: str) -> None:
            self.clear()
            self.set_status(status)
            if status == 429:
                self.set_header("Retry-After", "1")
            self.answer({"error": message})

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            # tornado's own errors (405, 500...): one line, no traceback
            self.refuse(status_code, t("present.votes.errors.bad_request", self.votes.language))

        def checked_body(self) -> dict[str, Any]:
            if not from_this_site(self.request.headers, self.request.host):
                raise RefusedError(403, "other_site")
            return read_body(self.request_body())

        def answer_or_refuse(self, work: Any) -> None:
            """Answer what ``work()`` returns, or one line of JSON saying why not.

            Why not: a refusal, a vote's mistake, or a record that could not be written.
            """
            try:
                self.answer(work())
            except RefusedError as error:
                self._refused(error)
            except VoteError as error:
                self._vote_error(error)
            except OSError as error:
                self._not_saved(error)

        def _refused(self, error: RefusedError) -> None:
            text = t(f"present.votes.errors.{error.key}", self.votes.language, **error.values)
            self.refuse(error.status, text)

        def _vote_error(self, error: VoteError) -> None:
            self.refuse(error.status, error.in_language(self.votes.language))

        def _not_saved(self, error: OSError) -> None:
            # the ballot counted nothing: the record is written first
            reason = error.strerror or type(error).__name__
            text = t("present.votes.errors.not_recorded", self.votes.language, reason=reason)
            self.refuse(503, text)

    class VotesHandler(JSONHandler):
        """GET the summary; POST a participant's vote."""

        def get(self) -> None:
            summary = self.votes.box.ballot.summary()
            if self.get_cookie(COOKIE) is not None:
                # a page that has voted: its answers, and a new cookie if the one it has is
                # not this room's (a presenter restarted without its --record folder)
                participant = give_cookie(self, self.votes)
                mine = self.votes.box.ballot.answers_of(participant) if participant else {}
                summary["mine"] = _months(mine)
            self.answer(summary)

        def post(self) -> None:
            self.answer_or_refuse(self._count)

        def _count(self) -> dict[str, Any]:
            if not from_this_site(self.request.headers, self.request.host):
                raise RefusedError(403, "other_site")
            body = self.request_body()
            cookie = self.get_cookie(COOKIE)
            participant = self.votes.box.signer.participant(cookie)
            if participant is None:
                raise RefusedError(403, "no_cookie" if not cookie else "forged_cookie")
            if not self.votes.throttle.allow(participant):
                raise RefusedError(429, "too_many")
            given = read_body(body)
            if set(given) != {"month", "choice"}:
                raise RefusedError(400, "bad_request")
            month, choice = given["month"], given["choice"]
            answers = self.votes.box.vote(participant, month, choice)
            return {"month": month, "choice": choice, "counted": True, "answers": _months(answers)}

    class JoinHandler(JSONHandler):
        """GET: the participant's cookie, if the visitor has none yet."""

        def get(self) -> None:
            if give_cookie(self, self.votes) is None:
                self._refused(RefusedError(429, "too_many_new"))
                return
            self.set_status(204)
            self.finish()

    class ControlHandler(JSONHandler):
        """POST from the presenting machine: close a month, reset, vote on other months."""

        def post(self) -> None:
            self.answer_or_refuse(self._control)

        def _control(self) -> dict[str, Any]:
            if self.request.remote_ip not in self.votes.coach_ips:
                raise RefusedError(403, "not_coach")
            self._act(self.checked_body())
            return self.votes.box.ballot.summary()

        def _act(self, given: dict[str, Any]) -> None:
            action, box = given.get("action"), self.votes.box
            fields = {"close": {"month"}, "reset": set(), "months": {"results", "target"}}
            if not isinstance(action, str) or action not in fields:
                raise RefusedError(400, "bad_action", action=json.dumps(action)[:40])
            if set(given) != {"action", *fields[action]}:
                raise RefusedError(400, "bad_request")
            if action == "close":
                box.close(given["month"])
            elif action == "reset":
                box.reset()
            else:
                box.set_months(given["results"], given["target"])

    kwargs = {"votes": votes}
    return [
        (r"/kit/room/votes", VotesHandler, kwargs),
        (r"/kit/room/join", JoinHandler, kwargs),
        (r"/kit/room/control", ControlHandler, kwargs),
    ]


def _months(answers: dict[int, str]) -> dict[str, str]:
    """A participant's answers as JSON has them: ``{"3": "stop"}``."""
    return {str(month): choice for month, choice in sorted(answers.items())}
