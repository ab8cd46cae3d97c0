"""The ballot: one answer per participant per month, closed months, rounds, the summary."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit.stories.nocure import model
from kit.votes import BadChoiceError, BadMonthsError, ClosedMonthError, UnknownMonthError
from kit.votes.ballot import ARTICLE_RESULTS, ARTICLE_TARGET, MAX_MONTHS, MAX_RESULT, Ballot


def expected_summary(answers: dict[tuple[str, int], str], months: int) -> dict:
    """The summary computed the slow, obvious way from the last answer per participant-month."""
    people = {who for who, _ in answers}
    stopped_by = [
        {who for (who, m), choice in answers.items() if choice == "stop" and m <= month}
        for month in range(1, months + 1)
    ]
    return {
        "participants": len(people),
        "months": [
            {
                "month": m,
                "continue": sum(1 for (_, k), c in answers.items() if k == m and c == "continue"),
                "stop": sum(1 for (_, k), c in answers.items() if k == m and c == "stop"),
            }
            for m in range(1, months + 1)
        ],
        "still_in": [len(people - stopped) for stopped in stopped_by],
        "walked": len(stopped_by[-1]),
    }


def test_a_new_ballot_is_the_articles_round_with_nobody_in_it():
    summary = Ballot().summary()
    assert summary == {
        "story": "nocure",
        "participants": 0,
        "months": [{"month": m, "continue": 0, "stop": 0} for m in range(1, 7)],
        "closed": [],
        "still_in": [0] * 6,
        "walked": 0,
        "results": [20, 15, 5, 45, 20, 15],
        "target": 120,
        "round": 1,
    }


def test_a_later_answer_replaces_the_earlier_one():
    ballot = Ballot()
    ballot.vote("ann", 3, "stop")
    ballot.vote("ann", 3, "continue")
    ballot.vote("bob", 5, "stop")
    summary = ballot.summary()
    assert summary["months"][2] == {"month": 3, "continue": 1, "stop": 0}
    assert summary["participants"] == 2 and summary["walked"] == 1
    assert summary["still_in"] == [2, 2, 2, 2, 1, 1]
    assert ballot.answers_of("ann") == {3: "continue"}


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ann", "bob", "cas", "dee"]),
            st.integers(1, 6),
            st.sampled_from(["continue", "stop"]),
        ),
        max_size=40,
    )
)
def test_the_summary_counts_the_last_answer_of_each_participant_each_month(votes):
    ballot = Ballot()
    last = {}
    for who, month, choice in votes:
        ballot.vote(who, month, choice)
        last[(who, month)] = choice
    summary = ballot.summary()
    assert {k: summary[k] for k in ("participants", "months", "still_in", "walked")} == (
        expected_summary(last, 6)
    )


@pytest.mark.parametrize("month", [0, 7, -1, "3", 3.0, True, None, [3]])
def test_a_month_the_round_does_not_have_is_a_400(month):
    with pytest.raises(UnknownMonthError) as caught:
        Ballot().vote("ann", month, "stop")
    assert caught.value.status == 400 and "1 to 6" in str(caught.value)
    with pytest.raises(UnknownMonthError):
        Ballot().close(month)


@pytest.mark.parametrize("choice", ["Stop", "yes", "", None, 1, ["stop"]])
def test_an_answer_other_than_continue_or_stop_is_a_400(choice):
    with pytest.raises(BadChoiceError) as caught:
        Ballot().vote("ann", 2, choice)
    assert caught.value.status == 400
    assert "continue or stop" in str(caught.value)
    assert "doorgaan" in caught.value.in_language("nl")


def test_a_closed_month_takes_no_more_votes_and_keeps_its_tally():
    ballot = Ballot()
    ballot.vote("ann", 3, "stop")
    ballot.close(3)
    with pytest.raises(ClosedMonthError) as caught:
        ballot.vote("ann", 3, "continue")
    assert caught.value.status == 409
    ballot.vote("ann", 4, "continue")  # the others stay open
    assert ballot.summary()["closed"] == [3]
    assert ballot.summary()["months"][2]["stop"] == 1


def test_reset_starts_a_fresh_round_with_the_same_months():
    ballot = Ballot()
    ballot.vote("ann", 1, "stop")
    ballot.close(1)
    ballot.reset()
    summary = ballot.summary()
    assert summary["round"] == 2 and summary["participants"] == 0 and summary["closed"] == []
    ballot.vote("ann", 1, "continue")  # open again


def test_other_months_start_a_fresh_round_and_the_same_months_do_not():
    ballot = Ballot()
    ballot.vote("ann", 1, "stop")
    ballot.set_months(list(ARTICLE_RESULTS), ARTICLE_TARGET)
    assert ballot.summary()["round"] == 1 and ballot.summary()["participants"] == 1
    ballot.set_months([10, 20, 30], 60)
    summary = ballot.summary()
    assert summary["round"] == 2 and summary["participants"] == 0
    assert summary["results"] == [10, 20, 30] and summary["target"] == 60
    assert len(summary["months"]) == 3 and summary["still_in"] == [0, 0, 0]
    with pytest.raises(UnknownMonthError):
        ballot.vote("ann", 4, "stop")


@pytest.mark.parametrize(
    "results, target",
    [
        ([10], 60),
        ([1] * 37, 60),
        ([10, -1], 60),
        ([10, 1.5], 60),
        ([10, True], 60),
        ("10,20", 60),
        ([10, 100_001], 60),
        ([10, 20], 0),
        ([10, 20], "60"),
        ([10, 20], 100_001),
    ],
)
def test_months_story_a_cannot_show_are_refused(results, target):
    ballot = Ballot()
    with pytest.raises(BadMonthsError) as caught:
        ballot.set_months(results, target)
    assert caught.value.status == 400
    assert ballot.summary()["results"] == list(ARTICLE_RESULTS)  # unchanged


def test_the_limits_are_story_as_own():
    assert MAX_MONTHS == model.MAX_MONTHS
    assert MAX_RESULT == model.MAX_RESULT == model.MAX_TARGET


def test_a_summary_changed_by_its_reader_leaves_the_ballot_as_it_was():
    ballot = Ballot()
    ballot.vote("ann", 1, "stop")
    summary = ballot.summary()
    summary["months"][0]["stop"] = 99
    summary["still_in"].append(7)
    assert ballot.summary()["months"][0]["stop"] == 1 and len(ballot.summary()["still_in"]) == 6
