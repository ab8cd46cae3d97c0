"""Story A as scenes: the article's words, the conclusion's numbers, the decision aid live."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import find_widget as find

from kit import nocure
from kit.errors import ParameterError
from kit.stories.nocure.story import NoCureStory


def board(panel) -> dict:
    return {item["name"]: item for item in find(panel, "kit-board").items}


def test_the_article_speaks_its_own_words():
    story = NoCureStory(n_contracts=200)
    assert story.says == [f"nocure.article.m{m}" for m in range(1, 7)]
    diary = story.scene("months").parts[1].write(story)
    assert "I'll give it one more month" in diary and "This doesn't work." in diary


@pytest.mark.parametrize(
    "changes",
    [
        {"results": [20, 15, 5, 45, 20, 20]},  # another series
        {"target": 150},  # another deal
        {"alarm_drop": 0.5},  # a rule that no longer gives the article's client
    ],
)
def test_other_months_or_rules_get_the_rules_words(changes):
    story = NoCureStory(n_contracts=200, **changes)
    assert all(key.startswith("nocure.reactions.") for key in story.says)
    assert len(story.says) == len(story["results"])


def test_the_conclusion_computes_its_numbers():
    story = NoCureStory(n_contracts=2000)
    assert story.reporting == 4 * 75 * 6
    assert (story.trust.reported, story.trust.unpaid_fees, story.trust.looks_met) == (
        108,
        1200,
        False,
    )
    trust = story.scene("trust").parts[0].write(story)
    assert "**108** of 120: the target looks missed" in trust and "**€1,200**" in trust
    price = story.scene("price").parts[0].write(story)
    assert "**€1,800** over 6 months" in price and "**€12,000**" in price
    say_no = story.scene("say_no").parts[0].write(story)
    assert f"**{story.outcomes.pitfall_of_met:.0%}**" in say_no


def test_the_review_parameter_changes_the_verdict_and_the_room():
    monthly = NoCureStory(n_contracts=2000)
    assert monthly.view is not None  # computed once, then carried over by moved()
    quarterly = monthly.moved({"review": "quarter"})
    assert (monthly.decision, quarterly.decision) == ("stop", "continue")
    assert quarterly.outcomes.pitfall < monthly.outcomes.pitfall
    assert quarterly.view is monthly.view  # the months themselves did not change
    total = monthly.moved({"review": "total"})
    assert total.outcomes.pitfall == 0
    closing = total.scene("say_no").parts[0].write(total)
    assert "walks away from none of the deals" in closing and "the client lost" not in closing


def test_the_decision_aid_in_the_live_panel():
    panel = NoCureStory(n_contracts=1000).panel()
    typed = find(panel, "kit-own-history")
    before = board(panel)["terms_summary"]
    typed.value = "30, 28, 12, 40, 31, 25, 30, 22, 35, 9, 33, 30"
    after = board(panel)
    assert after["terms_summary"] != before
    assert (
        "Your 12 months: on average <strong>27.1</strong> a month"
        in (after["own_history_reading"]["html"])
    )
    find(panel, "kit-choice-review").value = "quarter"
    spec = find(panel, "kit-board").spec("terms")
    rows = [row for layer in spec["layer"] for row in layer.get("data", {}).get("values", [])]
    assert {r["term"] for r in rows} >= {"month", "quarter", "total", "hybrid", "minimum_term"}
    typed.value = "20, 15, 5"
    assert "between 12 and 120 monthly results" in find(panel, "kit-message").value


def test_the_terms_chart_names_every_term_in_full():
    import re

    import vl_convert

    story = NoCureStory(language="nl", n_contracts=500)
    svg = vl_convert.vegalite_to_svg(story.scene("terms").parts[0].draw(story).to_dict())
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "mengvorm, elke maand beoordeeld" in texts
    assert "minimale looptijd van 3 maanden" in texts
    assert not any(text.endswith("…") for text in texts)


def test_a_workshop_file_sets_how_the_client_judges(tmp_path):
    from kit.resources import DATA
    from kit.workshop import WorkshopError, load_workshop

    text = (DATA / "workshops" / "default.yaml").read_text(encoding="utf-8")
    section = "  nocure:\n"
    assert section in text
    extra = "    review: quarter\n    history: [20, 15, 5, 45, 20, 15, 20, 15, 5, 45, 20, 15]\n"
    path = tmp_path / "workshop.yaml"
    path.write_text(text.replace(section, section + extra, 1), encoding="utf-8")
    nocure = load_workshop(path).notebooks["nocure"]
    assert nocure["review"] == "quarter" and len(nocure["history"]) == 12
    path.write_text(text.replace(section, section + "    review: weekly\n", 1), encoding="utf-8")
    with pytest.raises(WorkshopError, match="review"):
        load_workshop(path)


# -- the room as the client -------------------------------------------------------------------


def test_the_reveal_counts_who_walked_away_from_a_met_contract():
    story = NoCureStory(room_participants=24, room_still_in=[24, 22, 10, 10, 10, 10])
    assert story.room.walked == 14 and story.room.met
    reveal = story.scene("room").parts[0].write(story)
    assert "14 of you (58%) walked away from a contract that met its target" in reveal
    assert "After month 6, 10 of the 24" in reveal


def test_the_dutch_reveal_counts_in_dutch():
    story = NoCureStory(
        room_participants=2000, room_still_in=[1990, 1500], target=150, language="nl"
    )
    reveal = story.scene("room").parts[0].write(story)
    assert "500 van jullie (25%) stapten uit een contract dat zijn doel niet haalde" in reveal
    assert "Na maand 2 zaten nog 1.500 van de 2.000" in reveal


def test_the_room_line_stops_at_the_last_month_voted_on():
    story = NoCureStory(room_participants=4, room_still_in=[4, 3, 1], room_results=[1] * 8)
    table = story.room.table()
    assert table["month"].tolist() == list(range(1, 9))
    assert table["cumulative"].tolist() == list(range(1, 9))
    assert table["still_in_share"].notna().sum() == 3


@pytest.mark.parametrize(
    ("values", "name"),
    [
        ({"room_participants": 0, "room_still_in": [1]}, "room_still_in"),
        ({"room_participants": 3, "room_still_in": []}, "room_still_in"),
        ({"room_participants": 3, "room_still_in": [2, 3]}, "room_still_in[1]"),
        ({"room_participants": 3, "room_still_in": [4]}, "room_still_in[0]"),
        ({"room_participants": 3, "room_still_in": [3] * 7}, "room_still_in"),
    ],
)
def test_answers_no_room_could_have_given_are_refused(values, name):
    with pytest.raises(ParameterError) as raised:
        NoCureStory(values)
    assert raised.value.name == name


def test_without_votes_the_page_has_no_room_scene(monkeypatch):
    shown = []
    monkeypatch.setattr("kit.live.display.show_scene", lambda story, scene: shown.append(scene))
    NoCureStory().show("room")
    assert shown == []
    NoCureStory(room_participants=1, room_still_in=[1]).show("room")
    assert [scene.name for scene in shown] == ["room"]


def test_a_volatility_move_keeps_the_seasons_and_draws_the_same_contracts():
    story = NoCureStory(n_contracts=2_000)
    first = story.sims
    moved = story.moved({"volatility": 0.8})
    assert moved.seasons is story.seasons  # carried over: only the mean or volatility moved
    fresh = nocure.simulate(2_000, 6, 20.0, 0.8, 0.2, 2024)
    assert np.array_equal(moved.sims, fresh) and not np.array_equal(moved.sims, first)
    assert story.moved({"seasonality": 0.5}).seasons is not story.seasons
