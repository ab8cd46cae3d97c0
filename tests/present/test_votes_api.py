"""The room's votes API against a real ``kit present``: every bad input is one line of JSON."""

from __future__ import annotations

import json

import pytest
from helpers import join_room, presenter, room_request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.votes.record import RECORD_FILE, replay

STEP = {"month": 3, "choice": "stop"}


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """One presenter for the module (no kernels: --pool 0), recording in a new folder."""
    folder = tmp_path_factory.mktemp("votes") / "room"
    with presenter("--pool", "0", "--record", str(folder)) as (base, _, printed):
        yield base, folder, printed


@pytest.fixture(autouse=True)
def fresh_round(room):
    """Each test starts on the article's months with no answers, whatever ran before it."""
    base = room[0]
    article = {"action": "months", "results": [20, 15, 5, 45, 20, 15], "target": 120}
    assert room_request(base, "POST", "/kit/room/control", article)[0] == 200
    assert room_request(base, "POST", "/kit/room/control", {"action": "reset"})[0] == 200


def test_joining_gives_a_private_signed_cookie_once(room):
    base, _, _ = room
    status, body, response = room_request(base, "GET", "/kit/room/join")
    assert status == 204 and body is None
    cookie = response.getheader("Set-Cookie")
    assert cookie.startswith("kit-participant=")
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/"):
        assert attribute in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    _, _, again = room_request(base, "GET", "/kit/room/join", cookie=value)
    assert again.getheader("Set-Cookie") is None  # already a participant
    _, _, forged = room_request(base, "GET", "/kit/room/join", cookie=value[:-2] + "xx")
    assert forged.getheader("Set-Cookie").startswith("kit-participant=")  # replaced


def test_a_vote_is_counted_and_the_summary_shows_it(room):
    base, folder, _ = room
    room_request(base, "POST", "/kit/room/control", {"action": "reset"})
    ann, bob = join_room(base), join_room(base)
    status, body, _ = room_request(base, "POST", "/kit/room/votes", STEP, cookie=ann)
    assert status == 200
    assert body == {"month": 3, "choice": "stop", "counted": True, "answers": {"3": "stop"}}
    room_request(base, "POST", "/kit/room/votes", {"month": 1, "choice": "continue"}, cookie=bob)
    room_request(base, "POST", "/kit/room/votes", {"month": 3, "choice": "continue"}, cookie=bob)
    status, summary, response = room_request(base, "GET", "/kit/room/votes")
    assert status == 200 and response.getheader("Cache-Control") == "no-store"
    assert response.getheader("Content-Type").startswith("application/json")
    assert summary["participants"] == 2 and summary["walked"] == 1
    assert summary["months"][2] == {"month": 3, "continue": 1, "stop": 1}
    assert summary["still_in"] == [2, 2, 1, 1, 1, 1]
    assert summary["story"] == "nocure" and summary["target"] == 120
    assert "mine" not in summary
    _, mine, _ = room_request(base, "GET", "/kit/room/votes", cookie=bob)
    assert mine["mine"] == {"1": "continue", "3": "continue"}
    assert replay(folder / RECORD_FILE).summary() == summary


BAD_VOTES = [
    # (body, cookie: "valid" / None / "forged", headers, status, words in the error)
    (b"month=3&choice=stop", "valid", {}, 400, "not a JSON object"),
    (b'[3, "stop"]', "valid", {}, 400, "not a JSON object"),
    (b'{"month": NaN, "choice": "stop"}', "valid", {}, 400, "not a JSON object"),
    (b"\xff\xfe{}", "valid", {}, 400, "not a JSON object"),
    (b"[" * 900, "valid", {}, 400, "not a JSON object"),
    (
        json.dumps({"month": 3, "choice": "stop", "x": "y" * 1000}).encode(),
        "valid",
        {},
        413,
        "1000",
    ),
    (b'{"month": 9, "choice": "stop"}', "valid", {}, 400, "Month 9"),
    (b'{"month": "3", "choice": "stop"}', "valid", {}, 400, "not a month"),
    (b'{"month": 3, "choice": "maybe"}', "valid", {}, 400, "continue or stop"),
    (b'{"month": 3}', "valid", {}, 400, "not a vote"),
    (b'{"month": 3, "choice": "stop", "who": "bob"}', "valid", {}, 400, "not a vote"),
    (b'{"month": 3, "choice": "stop"}', None, {}, 403, "No participant cookie"),
    (b'{"month": 3, "choice": "stop"}', "forged", {}, 403, "not given out by this room"),
    (
        b'{"month": 3, "choice": "stop"}',
        "valid",
        {"Origin": "http://evil.example"},
        403,
        "own pages",
    ),
    (b'{"month": 3, "choice": "stop"}', "valid", {"Origin": "null"}, 403, "own pages"),
    (
        b'{"month": 3, "choice": "stop"}',
        "valid",
        {"Sec-Fetch-Site": "cross-site"},
        403,
        "own pages",
    ),
]


@pytest.mark.parametrize("body, cookie, headers, status, words", BAD_VOTES)
def test_a_bad_vote_gets_a_4xx_and_one_line_of_json(room, body, cookie, headers, status, words):
    base, _, printed = room
    value = join_room(base)
    sent = {"valid": value, "forged": value[:-3] + "abc", None: None}[cookie]
    before = room_request(base, "GET", "/kit/room/votes")[1]
    got, answer, response = room_request(
        base, "POST", "/kit/room/votes", body, cookie=sent, headers=headers
    )
    assert got == status
    assert list(answer) == ["error"] and words in answer["error"]
    assert "\n" not in answer["error"] and "Traceback" not in answer["error"]
    assert response.getheader("Content-Type").startswith("application/json")
    assert room_request(base, "GET", "/kit/room/votes")[1] == before  # nothing counted
    assert "Traceback" not in printed()


def test_a_vote_from_the_rooms_own_page_is_taken(room):
    base, _, _ = room
    host = base.removeprefix("http://")
    headers = {"Origin": base, "Sec-Fetch-Site": "same-origin", "Host": host}
    status, _, _ = room_request(
        base, "POST", "/kit/room/votes", STEP, cookie=join_room(base), headers=headers
    )
    assert status == 200


def test_a_closed_month_is_a_409_and_other_months_stay_open(room):
    base, _, _ = room
    room_request(base, "POST", "/kit/room/control", {"action": "reset"})
    ann = join_room(base)
    status, summary, _ = room_request(
        base, "POST", "/kit/room/control", {"action": "close", "month": 2}
    )
    assert status == 200 and summary["closed"] == [2]
    status, answer, _ = room_request(
        base, "POST", "/kit/room/votes", {"month": 2, "choice": "stop"}, cookie=ann
    )
    assert status == 409 and "closed" in answer["error"]
    assert room_request(base, "POST", "/kit/room/votes", STEP, cookie=ann)[0] == 200


def test_more_than_a_few_votes_a_second_are_a_429(room):
    base, _, _ = room
    ann = join_room(base)
    statuses = [
        room_request(base, "POST", "/kit/room/votes", STEP, cookie=ann)[0] for _ in range(15)
    ]
    assert statuses.count(200) >= 8 and 429 in statuses
    status, answer, response = room_request(base, "POST", "/kit/room/votes", STEP, cookie=ann)
    assert status == 429 and response.getheader("Retry-After") == "1" and list(answer) == ["error"]
    assert room_request(base, "POST", "/kit/room/votes", STEP, cookie=join_room(base))[0] == 200


def test_the_coach_resets_and_votes_on_other_months(room):
    base, _, _ = room
    ann = join_room(base)
    room_request(base, "POST", "/kit/room/votes", STEP, cookie=ann)
    round_before = room_request(base, "GET", "/kit/room/votes")[1]["round"]
    status, summary, _ = room_request(
        base, "POST", "/kit/room/control", {"action": "months", "results": [5, 10, 5], "target": 20}
    )
    assert status == 200 and summary["round"] == round_before + 1
    assert summary["results"] == [5, 10, 5] and summary["participants"] == 0
    assert (
        room_request(base, "POST", "/kit/room/votes", {"month": 4, "choice": "stop"}, cookie=ann)[0]
        == 400
    )
    status, summary, _ = room_request(base, "POST", "/kit/room/control", {"action": "reset"})
    assert status == 200 and summary["round"] == round_before + 2
    room_request(
        base,
        "POST",
        "/kit/room/control",
        {"action": "months", "results": [20, 15, 5, 45, 20, 15], "target": 120},
    )


BAD_CONTROLS = [
    (b"reset", {}, 400, "not a JSON object"),
    (b'{"action": "explode"}', {}, 400, '"explode" is not an action'),
    (b'{"action": "close"}', {}, 400, "not a vote"),
    (b'{"action": "close", "month": 0}', {}, 400, "Month 0"),
    (b'{"action": "months", "results": [1], "target": 1}', {}, 400, "is not allowed"),
    (b'{"action": "months", "results": [1, 2], "target": 1e9}', {}, 400, "is not allowed"),
    (b'{"action": "reset", "pad": "' + b"x" * 1000 + b'"}', {}, 413, "1000"),
    (b'{"action": "reset"}', {"Origin": "http://evil.example"}, 403, "own pages"),
]


@pytest.mark.parametrize("body, headers, status, words", BAD_CONTROLS)
def test_a_bad_coach_request_gets_a_4xx_and_one_line_of_json(room, body, headers, status, words):
    base, _, _ = room
    before = room_request(base, "GET", "/kit/room/votes")[1]
    got, answer, _ = room_request(base, "POST", "/kit/room/control", body, headers=headers)
    assert got == status and list(answer) == ["error"] and words in answer["error"]
    assert room_request(base, "GET", "/kit/room/votes")[1] == before


def test_only_the_presenting_machine_may_control_the_votes(room):
    base, _, _ = room
    # 127.0.0.2 is another machine as far as the presenter knows (it serves on 127.0.0.1)
    status, answer, _ = room_request(
        base, "POST", "/kit/room/control", {"action": "reset"}, source="127.0.0.2"
    )
    assert status == 403 and "coach" in answer["error"]
    status, _, _ = room_request(
        base, "POST", "/kit/room/votes", STEP, cookie=join_room(base), source="127.0.0.2"
    )
    assert status == 200  # participants vote from anywhere


def test_other_methods_get_one_line_of_json(room):
    base, _, printed = room
    for method, path in [
        ("PUT", "/kit/room/votes"),
        ("DELETE", "/kit/room/control"),
        ("POST", "/kit/room/join"),
    ]:
        status, answer, _ = room_request(base, method, path)
        assert status == 405 and list(answer) == ["error"], (method, path)
    assert "Traceback" not in printed()


def test_the_jupyter_routes_keep_their_xsrf_check(room):
    base, _, _ = room
    status, _, _ = room_request(base, "POST", "/voila/api/shutdown/nope", cookie=join_room(base))
    assert status == 403


def test_a_page_with_another_rooms_cookie_gets_a_new_one_when_it_asks_for_the_tally(room):
    base, _, _ = room
    other = join_room(base)[:-3] + "abc"  # as if signed by a presenter since restarted
    assert room_request(base, "POST", "/kit/room/votes", STEP, cookie=other)[0] == 403
    status, summary, response = room_request(base, "GET", "/kit/room/votes", cookie=other)
    assert status == 200 and summary["mine"] == {}
    fresh = response.getheader("Set-Cookie").split(";")[0].split("=", 1)[1]
    assert room_request(base, "POST", "/kit/room/votes", STEP, cookie=fresh)[0] == 200
    _, _, again = room_request(base, "GET", "/kit/room/votes", cookie=fresh)
    assert again.getheader("Set-Cookie") is None
    _, _, coach = room_request(base, "GET", "/kit/room/votes")  # no cookie: none given
    assert coach.getheader("Set-Cookie") is None


def test_a_large_body_is_refused_before_it_is_read(room):
    import socket

    base, _, _ = room
    host, port = base.removeprefix("http://").split(":")
    cookie = join_room(base)
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(
            b"POST /kit/room/votes HTTP/1.1\r\nHost: "
            + f"{host}:{port}".encode()
            + b"\r\nContent-Type: application/json\r\nContent-Length: 500000000\r\n"
            + f"Cookie: kit-participant={cookie}\r\n\r\n".encode()
            + b"{" * 4096
        )  # 500 MB announced, 4 kB sent: the answer comes without waiting for the rest
        answer = raw.recv(4096).decode()
    assert (
        answer.startswith("HTTP/1.1 413") and '{"error":"The body is over 1000 bytes."}' in answer
    )


def test_a_chunked_body_over_1_kb_is_refused(room):
    base, _, _ = room

    def chunks():
        for _ in range(100):
            yield b" " * 1000

    status, answer, _ = room_request(
        base,
        "POST",
        "/kit/room/votes",
        chunks(),
        cookie=join_room(base),
    )  # http.client sends a generator chunked: no Content-Length to go by
    assert status == 413 and list(answer) == ["error"]


def test_one_machine_gets_30_new_participants_at_once_and_then_waits(room):
    base, _, _ = room
    # 127.0.0.3 is a participant's machine as far as the presenter knows
    joins = [room_request(base, "GET", "/kit/room/join", source="127.0.0.3") for _ in range(31)]
    assert [status for status, _, _ in joins[:30]] == [204] * 30
    status, answer, response = joins[30]
    assert status == 429 and "new participants" in answer["error"]
    assert response.getheader("Set-Cookie") is None
    status, summary, response = room_request(
        base, "GET", "/kit/room/votes", cookie="forged", source="127.0.0.3"
    )
    assert status == 200 and summary["mine"] == {} and response.getheader("Set-Cookie") is None
    assert room_request(base, "GET", "/kit/room/join")[0] == 204  # the presenting machine: no limit


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 50) | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
BODIES = st.one_of(
    st.binary(max_size=200),
    JSON_VALUES.map(lambda value: json.dumps(value).encode()),
    st.fixed_dictionaries(
        {"month": JSON_VALUES, "choice": st.sampled_from(["continue", "stop"]) | JSON_VALUES}
    ).map(lambda value: json.dumps(value).encode()),
    st.fixed_dictionaries(
        {
            "action": st.sampled_from(["close", "months", "reset"]) | JSON_VALUES,
            "month": JSON_VALUES,
            "results": st.lists(st.integers(-5, 200_000), max_size=40) | JSON_VALUES,
            "target": JSON_VALUES,
        }
    ).map(lambda value: json.dumps(value).encode()),
)


# the round is reset once per test, not per example: any state the examples leave is fine
@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=BODIES, path=st.sampled_from(["/kit/room/votes", "/kit/room/control"]))
def test_any_body_gets_an_answer_or_one_line_of_json_never_a_500(room, body, path):
    base, _, printed = room
    status, answer, _ = room_request(base, "POST", path, body, cookie=join_room(base))
    assert status in (200, 400, 409, 413), (status, answer)
    assert isinstance(answer, dict)
    if status != 200:
        assert list(answer) == ["error"] and "\n" not in answer["error"]
    assert "Traceback" not in printed()
