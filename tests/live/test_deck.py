"""The deck's kernel side: live slides sharing one story, readouts in the room's language."""

from __future__ import annotations

import asyncio
import html
import re

import pytest

from kit.errors import ParameterError
from kit.live import board, deck, deck_notebook, display, panel, readout
from kit.params import Param
from kit.stories import STORIES
from kit.stories.base import Chart
from kit.stories.look import MOOD_COLOURS, MOOD_GLYPHS
from kit.stories.nocure.story import NoCureStory
from kit.text import LANGUAGES, t

FEE = NoCureStory.schema["retainer_fee"]
SHARE = NoCureStory.schema["worried_drop"]
VOLATILITY = NoCureStory.schema["volatility"]
TARGET = NoCureStory.schema["target"]


@pytest.mark.parametrize(
    ("param", "value", "language", "shown"),
    [
        (TARGET, 2000, "nl", "2.000"),
        (TARGET, 2000, "en", "2,000"),
        (VOLATILITY, 0.5, "nl", "0,50"),
        (VOLATILITY, 0.5, "en", "0.50"),
        (FEE, 1600, "nl", "€ 1.600"),
        (FEE, 1600, "en", "€1,600"),
        (SHARE, 0.35, "nl", "35%"),
    ],
)
def test_readouts_are_in_the_rooms_language(param, value, language, shown):
    assert deck.readout_text(param, value, language) == shown


@pytest.mark.parametrize(
    ("text", "param", "language", "value"),
    [
        ("2.500", TARGET, "nl", 2500),
        ("2,500", TARGET, "en", 2500),
        ("0,75", VOLATILITY, "nl", 0.75),
        ("€ 1.600", FEE, "nl", 1600),
        ("€1,600.5", FEE, "en", 1600.5),
        ("30%", SHARE, "nl", 0.3),
        ("30", SHARE, "en", 0.3),
    ],
)
def test_typed_values_are_read_in_the_rooms_language(text, param, language, value):
    assert deck.read_typed(text, param, language) == pytest.approx(value)


@pytest.mark.parametrize("text", ["abc", "", "1e999", "nan", "1,2,3x"])
def test_text_that_is_no_number_is_refused_in_the_rooms_language(text):
    with pytest.raises(ValueError, match="niet lezen") as error:
        deck.read_typed(text, TARGET, "nl")
    assert "2.000" in str(error.value)


def test_a_typed_value_outside_the_slider_is_clamped_and_the_readout_says_so():
    control = readout.Control(TARGET, panel.slider(TARGET, 120, "nl"), "nl")
    control.readout.value = "100.000"
    assert control.slider.value == 600
    assert control.readout.value == "600"
    assert "hoogste" in control.note.value and "600" in control.note.value
    control.readout.value = "-5"
    assert control.slider.value == 6 and "laagste" in control.note.value
    control.slider.value = 240  # a move clears the note
    assert control.readout.value == "240" and control.note.value == ""
    control.readout.value = "abc"
    assert control.slider.value == 240 and control.readout.value == "240"
    assert "abc" in control.note.value and "niet lezen" in control.note.value


def test_slides_share_one_story_and_redraw_what_a_move_changed():
    story = NoCureStory.from_notebook({"view": "deck", "n_contracts": 500})
    shown = deck.Deck(story)
    contract = shown.slide(NoCureStory.scene("contract"))
    chance = shown.slide(NoCureStory.scene("chance"))
    provider = shown.slide(NoCureStory.scene("provider"))
    versions = {name: s.board.version for name, s in shown.slides.items()}
    contract.controls["target"].slider.value = 60
    assert shown.story["target"] == 60
    assert chance.board.version == versions["chance"] + 1  # outcomes depend on the target
    assert provider.board.version == versions["provider"]  # income does not
    assert "60" in contract.words["contract_text"].value
    summary = chance.words["simulation_summary"].value
    chance.controls["volatility"].slider.value = 1.2
    assert chance.words["simulation_summary"].value != summary
    assert shown.slide(NoCureStory.scene("contract")) is contract


def test_a_refused_move_is_one_line_on_its_slide():
    story = NoCureStory.from_notebook({"view": "deck", "n_contracts": 500})
    shown = deck.Deck(story)
    contract = shown.slide(NoCureStory.scene("contract"))
    contract.controls["worried_drop"].slider.value = 0.9  # above alarm_drop 0.5
    assert "worried_drop" in contract.message.value and "Traceback" not in contract.message.value
    assert shown.story["worried_drop"] == 0.0
    assert contract.controls["worried_drop"].slider.value == 0.0  # back where the story is
    assert contract.controls["worried_drop"].readout.value == "0%"


def test_deck_charts_have_room_sized_type_and_alt_text():
    story = NoCureStory(n_contracts=500, language="nl")
    item = deck.deck_chart_item(NoCureStory.scene("contract").parts[1], story)
    spec = board.joined(item["skeleton"], item["rows"])
    assert spec["config"]["axis"]["labelFontSize"] >= 16
    assert spec["description"] == t("deck.alt.progress", "nl") == item["alt"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(STORIES))
def test_every_chart_and_scene_has_alt_text_and_notes(name, language):
    story = STORIES[name].story
    for part in story.parts():
        if isinstance(part, Chart):
            assert len(t(f"deck.alt.{part.name}", language)) > 60  # more than a title
    for scene in story.scenes:
        assert deck_notebook.notes(name, scene.name, language), scene.name


def test_the_view_is_checked_and_show_displays_a_live_slide(monkeypatch):
    with pytest.raises(ParameterError, match="view = 'slides' is not allowed"):
        NoCureStory.from_notebook({"view": "slides"})
    injected = ["# Parameters\nlanguage = 'nl'\nview = 'deck'\n"]
    story = NoCureStory.from_notebook(
        {"In": injected, "language": "nl", "view": "deck", "n_contracts": 500}
    )
    assert story.presentation == "deck" and story.moved({"target": 90}).presentation == "deck"
    shown = []
    monkeypatch.setattr(deck, "display", shown.append)
    story.show("contract")
    story.show("provider")
    assert [[c for c in s._dom_classes if c.startswith("kit-scene-")] for s in shown] == [
        ["kit-scene-contract"],
        ["kit-scene-provider"],
    ]
    assert story._deck.slides.keys() == {"contract", "provider"}
    assert NoCureStory.from_notebook({}).presentation == "page"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_deck_notebook_leaves_out_exercises_and_tags_scenes(language):
    from papermill.iorw import load_notebook_node

    entry = STORIES["nocure"]
    notebook = deck_notebook.deck_notebook(
        load_notebook_node(str(entry.notebook_path)), "nocure", language
    )
    tags = [tag for cell in notebook.cells for tag in cell.metadata.get("tags", [])]
    assert "try-it" not in tags and "live-only" not in tags
    scenes = [c.metadata["kit_scene"] for c in notebook.cells if "kit_scene" in c.metadata]
    known = [scene.name for scene in entry.story.scenes]
    assert scenes and scenes == sorted(scenes, key=known.index)  # the story's scenes, in order
    assert all(c.metadata["kit_notes"] for c in notebook.cells if "kit_scene" in c.metadata)
    injected = next(c for c in notebook.cells if "injected-parameters" in c.metadata["tags"])
    assert f'language = "{language}"' in injected.source and 'view = "deck"' in injected.source
    assert notebook.metadata["voila"] == {"template": "kit-deck"}
    assert notebook.metadata["kit"]["language"] == language
    assert len(notebook.metadata["kit"]["notes"]) == len(scenes)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


def test_shown_scene_reads_only_a_plain_show_call():
    assert deck_notebook.shown_scene('story.show("months")') == "months"
    assert deck_notebook.shown_scene('story.show("a")\nx = 1') is None
    assert deck_notebook.shown_scene("story.show(name)") is None
    assert deck_notebook.shown_scene("story.show(") is None


def test_share_and_decimals():
    assert readout.decimals(Param("x", "float", 0, 0, 9, 0.05)) == 2
    assert readout.decimals(Param("x", "int", 0, 0, 9, 500)) == 0
    assert readout.is_share(SHARE) and not readout.is_share(VOLATILITY)


@pytest.mark.parametrize(
    ("language", "typed", "said"),
    [
        ("nl", "20, abc, 5", "Maand 2: 'abc' is geen geheel getal van 0 tot en met 100.000."),
        ("en", "20, 15, -5", "Month 3: '-5' is not a whole number from 0 to 100,000."),
        ("nl", "", "0 maanden gegeven: typ tussen 2 en 36 maanden"),
    ],
)
def test_a_typed_month_is_refused_in_the_rooms_language_counted_from_one(language, typed, said):
    story = NoCureStory.from_notebook({"view": "deck", "language": language, "n_contracts": 500})
    slide = deck.Deck(story).slide(NoCureStory.scene("months"))
    find(slide.widget, "kit-own-results").value = typed
    assert said in html.unescape(slide.message.value)
    assert "results[" not in slide.message.value and "Traceback" not in slide.message.value


def test_an_uploaded_csv_is_refused_in_the_rooms_language():
    story = NoCureStory(n_contracts=500, language="nl")
    try:
        NoCureStory.lists["results"].parse_csv("month,result\n1,20\n2,x\n", "mijn.csv")
    except ParameterError as error:
        message = panel.list_message(error, story, "results", "nl")
    assert message == "mijn.csv, maand 2: 'x' is geen geheel getal van 0 tot en met 100.000."


def find(widget, name: str):
    """The widget with DOM class ``name`` inside ``widget``."""
    if name in getattr(widget, "_dom_classes", ()):
        return widget
    for child in getattr(widget, "children", ()):
        found = find(child, name)
        if found is not None:
            return found
    return None


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_index_says_how_the_deck_is_used(language):
    # a story opens as the deck: its sliders sit beside the charts, not at the page's bottom
    intro = t("present.intro", language)
    assert not any(word in intro for word in ("bottom", "onderaan"))
    assert t("deck.ui.next", language) in intro


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_diary_row_has_its_mood_in_colour_shape_and_word(language, monkeypatch):
    story = NoCureStory(n_contracts=500, language=language)
    months = story.scene("months")
    moods = story.view["mood"].tolist()
    assert set(moods) == set(MOOD_COLOURS)  # the article's months have all three moods

    def check(table: str) -> None:
        rows = re.findall(r"<tr>.*?</tr>", table, re.DOTALL)[1:]
        assert len(rows) == len(moods)
        for row, mood in zip(rows, moods, strict=True):
            mark = re.search(r'<span class="kit-mood kit-mood-(\w+)" style="color:([^"]+)"', row)
            assert mark and mark.groups() == (mood, MOOD_COLOURS[mood]), row
            assert f"{MOOD_GLYPHS[mood]}</span> {t(f'nocure.moods.{mood}', language)}:" in row

    check(deck.Deck(story).slide(months).words["diary"].value)  # the deck
    shown = []  # the one-page view and the handouts show the notebook's display outputs
    monkeypatch.setattr(display, "display", lambda data, **kw: shown.append(data))
    display.show_scene(story, months)
    tables = [d["text/html"] for d in shown if isinstance(d, dict) and "text/html" in d]
    assert len(tables) == 1
    check(tables[0])


def test_in_a_kernel_later_slides_are_built_once_the_first_scene_is_drawn(monkeypatch):
    # the page is complete (and its first scene answers keys) before the later slides exist
    story = NoCureStory.from_notebook({"view": "deck", "n_contracts": 500})
    shown = []
    monkeypatch.setattr(deck, "display", shown.append)

    async def run_the_notebook_then_draw_the_first_scene() -> tuple[set, set]:
        for scene in story.scenes:
            story.show(scene.name)
        right_after = set(story._deck.slides)
        assert shown[deck.EAGER].children == (story._deck.go_on,)  # what deck.js presses
        story._deck.go_on.click()
        for _ in range(500):  # one slide per turn of the loop
            if not story._deck.waiting:
                break
            await asyncio.sleep(0.01)
        return right_after, set(story._deck.slides)

    right_after, later = asyncio.run(run_the_notebook_then_draw_the_first_scene())
    names = [scene.name for scene in story.scenes]
    assert right_after == set(names[: deck.EAGER])
    assert later == set(names)
    for scene, widget in zip(story.scenes, shown, strict=True):
        slide = story._deck.slides[scene.name].widget
        assert widget is slide or widget.children == (slide,), scene.name
    # a move redraws a slide built later: they all move one story
    words = story._deck.slides["say_no"].words["say_no_text"]
    before = words.value
    story._deck.slides["chance"].controls["volatility"].slider.value = 1.2
    assert words.value != before


def test_a_kernel_drawn_chart_says_what_it_shows_on_the_page_and_in_the_handout():
    from nbformat.v4 import new_code_cell, new_output

    from kit.handouts.export import HandoutOutputs

    story = NoCureStory(n_contracts=500, language="nl")
    part = NoCureStory.scene("contract").parts[1]
    output = display.chart_output(part.draw(story), part.name, "nl")
    words = t("deck.alt.progress", "nl")
    assert output["metadata"]["kit"]["alt"] == words
    assert output["data"]["image/svg+xml"].startswith(f'<svg aria-label="{html.escape(words)}"')
    shown = new_output("display_data", data=output["data"], metadata=output["metadata"])
    cell = new_code_cell(outputs=[shown])
    kept, _ = HandoutOutputs().preprocess_cell(cell, {}, 0)
    assert kept.outputs[0]["metadata"]["kit"]["alt"] == words  # not just the title
