"""The deck: a story's scenes one per screen, live, for a coach in front of a room.

In the deck view (a notebook run with ``view = "deck"``, see
:meth:`kit.stories.base.Story.from_notebook`) ``story.show(name)`` displays a
:class:`Slide`: the scene's heading and text, its own controls beside the charts they
change, and the scene's sentences. Every slide of a notebook moves the same story
(one :class:`Deck` per story object): moving ``target`` on the contract scene redraws
the parts of later scenes that depend on it. The pipeline is the live panel's
(:meth:`Story.moved`, :func:`kit.live.panel.board_item`, :func:`kit.live.panel.slider`,
:func:`kit.live.panel.list_controls`); only the layout is the deck's.

Readouts are the page's language (``2.000``, ``0,50``, ``€ 1.600``), typed values are
read the same way and clamped with a note: each slider is a
:class:`kit.live.readout.Control`, as in the one-page view's panel.

The deck notebook itself (which cells, which template, the speaker notes) is made by
:mod:`kit.live.deck_notebook`, light enough for the presenter to import.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import textwrap
from typing import Any

import ipywidgets as w
from IPython.display import display

from kit.errors import ParameterError
from kit.live import room_feed
from kit.live.board import ChartBoard, chart_board_item, markdown_item
from kit.live.panel import SliderLook, list_controls, slider
from kit.live.readout import Control
from kit.live.readout import read_typed as read_typed  # the deck's names, kept
from kit.live.readout import readout_text as readout_text
from kit.stories.base import Chart, ChartRows, Scene, Story, Words
from kit.stories.look import HEIGHT, dress_moods
from kit.text import t

log = logging.getLogger(__name__)

BESIDE_CONTROLS = frozenset({"rule", "ahead"})
"""Sentences the deck puts under a slide's controls: they say what those controls set."""

UNFOLDS = {"mood_bars": "month"}
"""Charts the deck shows step by step, and the field they step along (story A's months)."""

SAID_ON_THE_SLIDE = frozenset({"map", "band"})
"""Charts whose title the slide's heading and sentences already say (story B's map: the year
the flywheel passes a hunter of so many new logos; its band: the runs simulated): on a slide
they go without it, their plot and the slide's words get its lines."""

# Chart type for a room: every label at least 16 px on screen when the chart is drawn at its
# own width (the board never scales a chart up, and at 1024 wide scales it down by < 10%).
DECK_FONTS = {
    "axis": {"labelFontSize": 18, "titleFontSize": 18, "labelLimit": 320},
    "legend": {
        "labelFontSize": 18,
        "titleFontSize": 18,
        "symbolSize": 160,
        "titleLimit": 480,
        "labelLimit": 320,
        "columns": 2,  # a legend of four entries in one row is wider than the slide's column
    },
    "title": {"fontSize": 22},
    "text": {"fontSize": 18},
}


EAGER = 2
"""Slides a deck notebook builds as it runs: the first scene and the next (:meth:`Deck.place`)."""

DECK_HEIGHT = 210
"""A chart's plot height on a slide (a notebook's is :data:`kit.stories.look.HEIGHT`)."""

AXIS_LINES = {"x": 36, "y": 20}
"""An axis title's longest line on a slide, in characters: a y axis's title no longer than a
chart drawn low in a fitted slide (about 200 px at 18 px), an x axis's within its width."""

TITLE_LINE = 44
"""A chart title's longest line on a slide, in characters: about 480 px at 22 px, within a
chart's holder in two columns at 1024 wide, where the board draws the chart at its holder's
width (``static/board.js``) and a longer title would make it scaled down instead."""


# -- slides -----------------------------------------------------------------------------------


def deck_chart_item(part: Chart, story: Story) -> dict[str, Any]:
    """A chart for the wall: larger type, alt text that says what it shows, and its steps.

    A chart named in :data:`UNFOLDS` unfolds step by step (the deck's Right key shows
    the next month): the item says how many steps it has, and the board sets the
    chart's ``reveal`` parameter. Like the panel's, the chart is built once per shape
    and its steps; a later move sends its rows (:func:`kit.live.board.chart_board_item`).
    """
    rows = part.rows(story)
    field = UNFOLDS.get(part.name)
    steps = steps_in(rows.tables.values(), field) if field and isinstance(rows, ChartRows) else 0
    item = chart_board_item(
        part,
        story,
        dress=lambda spec: _for_the_wall(spec, part, story.language),
        variant=("deck", steps),
        rows=rows,
    )
    spec = item.get("spec") or item["skeleton"]
    item["alt"] = spec["description"]
    reveal = [p["value"] for p in spec.get("params", ()) if p.get("name") == "reveal"]
    if reveal:
        item["steps"] = reveal[0]
    return item


def _for_the_wall(spec: dict[str, Any], part: Chart, language: str) -> dict[str, Any]:
    """A chart's spec with the deck's type sizes, its height on a slide, alt text and steps.

    A chart in :data:`SAID_ON_THE_SLIDE` goes without its title (its alt text stays).
    """
    config = dict(spec.get("config", {}))
    for key, fonts in DECK_FONTS.items():
        config[key] = {**config.get(key, {}), **fonts}
    spec["config"] = config
    if spec.get("height") == HEIGHT:  # a chart and its sentences share the screen's height
        spec["height"] = DECK_HEIGHT
    try:
        alt = t(f"deck.alt.{part.name}", language)
    except KeyError:  # a chart added without alt text: its title rather than nothing
        log.warning("no alt text deck.alt.%s", part.name)
        alt = str(
            spec.get("title", {}).get("text", "")
            if isinstance(spec.get("title"), dict)
            else spec.get("title", "")
        )
    spec["description"] = alt
    if part.name in SAID_ON_THE_SLIDE:
        spec.pop("title", None)
    _title_in_lines(spec)
    if part.name in UNFOLDS:
        unfolding(spec, UNFOLDS[part.name])
    return spec


def _in_lines(text: Any, width: int) -> Any:
    """``text`` in lines of at most ``width`` characters, or as it was if short enough."""
    if not isinstance(text, str) or len(text) <= width:
        return text
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)


def _title_in_lines(spec: dict[str, Any]) -> None:
    """Break a chart's long title and axis titles into lines.

    Lines of :data:`TITLE_LINE` and :data:`AXIS_LINES` characters: the board draws a chart
    at the size its slide leaves it, and a long title would keep it wider or taller.
    """
    title = spec.get("title")
    if isinstance(title, dict):
        spec["title"] = {**title, "text": _in_lines(title.get("text"), TITLE_LINE)}
    elif title is not None:
        spec["title"] = {"text": _in_lines(title, TITLE_LINE)}
    for layer in spec.get("layer", [spec]):
        for channel, width in AXIS_LINES.items():
            encoding = layer.get("encoding", {}).get(channel)
            if isinstance(encoding, dict) and "title" in encoding:
                encoding["title"] = _in_lines(encoding["title"], width)


def steps_in(tables, field: str) -> int:
    """The largest whole ``field`` in any of the rows (a chart's last step; 0: none)."""
    values = (row.get(field) for rows in tables for row in rows)
    return max((value for value in values if isinstance(value, int)), default=0)


def unfolding(spec: dict[str, Any], field: str) -> int:
    """Let a chart show its marks up to a step: a ``reveal`` parameter on ``field``.

    Every layer drawn along ``field`` (the bars, their labels) gets an opacity of 0
    beyond ``reveal``; the others (the pace line) stay. ``reveal`` starts at the
    last step, so a chart nobody steps through shows everything.

    Returns
    -------
    int
        The number of steps: the largest value of ``field`` in the chart's rows (0: none).
    """
    tables = list(spec.get("datasets", {}).values())
    tables += [layer.get("data", {}).get("values", ()) for layer in spec.get("layer", [spec])]
    steps = steps_in(tables, field)
    if not steps:
        return 0
    spec["params"] = [*spec.get("params", []), {"name": "reveal", "value": steps}]
    shown = {"condition": {"test": f"datum[{field!r}] <= reveal", "value": 1}, "value": 0}
    for layer in spec.get("layer", [spec]):
        encoding = layer.get("encoding", {})
        if encoding.get("x", {}).get("field") == field:
            encoding["opacity"] = shown
    return steps


class Slide:
    """One scene as one screen: heading, text, controls beside charts, sentences.

    Parameters
    ----------
    deck : Deck
        The deck whose story every slide moves.
    scene : Scene
    """

    def __init__(self, deck: Deck, scene: Scene) -> None:
        self.deck = deck
        self.scene = scene
        self.language = deck.language
        story = deck.story
        self.charts = [p for p in scene.parts if isinstance(p, Chart)]
        self.words = {
            p.name: w.HTML().add_class("kit-words").add_class(f"kit-words-{p.name}")
            for p in _words(scene)
        }
        self.message = w.HTML().add_class("kit-message")
        self.controls = {
            name: Control(
                story.schema[name],
                slider(story.schema[name], story[name], self.language, deck.look, story.name),
                self.language,
            )
            for name in scene.controls
            if name not in story.lists
        }
        for name, control in self.controls.items():
            control.slider.observe(
                lambda change, name=name: self.set_values({name: change["new"]}), "value"
            )
        lists = [list_controls(self, n, story.lists[n]) for n in scene.controls if n in story.lists]
        level = min(max(scene.level, 1), 2)
        heading = w.HTML(f"<h{level}>{html.escape(t(scene.heading, self.language))}</h{level}>")
        side = [heading.add_class("kit-slide-heading")]
        if scene.text:
            side.append(w.HTML(_fixed_text(scene.text, self.language)).add_class("kit-slide-text"))
        side += [*lists, *(c.widget for c in self.controls.values()), self.message]
        side += [self.words[name] for name in self.words if name in BESIDE_CONTROLS]
        self.facts = None
        if scene.name == getattr(story, "votes", None):
            # what the room votes on (the months and the target), read by the coach's deck.js
            self.facts = w.HTML().add_class("kit-vote-facts")
            side.append(self.facts)
        self.board = None
        body = [w.VBox(side).add_class("kit-slide-side")]
        if self.charts:
            # the scene's sentences go with its charts, in the scene's order
            self.board = ChartBoard(self.language).add_class("kit-slide-charts")
            main, seen_chart = [], False
            for part in scene.parts:
                if isinstance(part, Chart):
                    if not seen_chart:
                        main.append(self.board)
                    seen_chart = True
                elif part.name not in BESIDE_CONTROLS:
                    main.append(self.words[part.name])
            body.append(w.VBox(main).add_class("kit-slide-main"))
        else:
            side += [words for name, words in self.words.items() if name not in BESIDE_CONTROLS]
            body[0].children = tuple(side)
        self.widget = w.HBox(body).add_class("kit-slide")
        self.widget.add_class(f"kit-scene-{scene.name}")
        if self.board is not None:
            self.widget.add_class("kit-slide-with-charts")
        self.redraw(set(story.values))

    # what list_controls expects of a panel
    @property
    def story(self) -> Story:
        """The deck's story, as it stands."""
        return self.deck.story

    def set_values(self, changes: dict[str, Any]) -> None:
        """Move the deck's story; a refused value is shown on this slide."""
        self.deck.set_values(changes, self)

    def show_problem(self, message: str) -> None:
        """Show one friendly line on this slide."""
        text = t("common.bad_input", self.language, message=message)
        self.message.value = f'<div class="kit-problem" role="alert">{html.escape(text)}</div>'

    def redraw(self, changed: set[str]) -> None:
        """Rebuild this slide's parts that depend on ``changed``: charts in one message."""
        story = self.deck.story
        updates = {}
        if self.facts is not None and changed.intersection(self.scene.depends):
            facts = html.escape(json.dumps(story.vote_facts()))
            self.facts.value = f'<span hidden data-facts="{facts}"></span>'
        words = {}
        for part in self.scene.parts:
            if not changed.intersection(part.depends):
                continue
            try:
                if isinstance(part, Chart):
                    updates[part.name] = deck_chart_item(part, story)
                else:
                    words[part.name] = dress_moods(markdown_item(part.write(story))["html"])
            except ParameterError as error:
                self.show_problem(str(error))
            except Exception:  # a room must never see a traceback
                log.exception("could not redraw %s", part.name)
                self.show_problem(t("common.redraw_failed", self.language))
        if updates:  # the charts first: the sentences under them follow
            self.board.show(updates)
        for name, shown in words.items():
            self.words[name].value = shown


def _words(scene: Scene) -> list[Words]:
    return [part for part in scene.parts if isinstance(part, Words)]


def _fixed_text(key: str, language: str) -> str:
    value = t(key, language)
    if isinstance(value, list):
        value = "\n".join(f"1. {line}" for line in value)
    return markdown_item(value)["html"]


class Deck:
    """Every slide of one story, moving one story together.

    Parameters
    ----------
    story : Story
        The story with the room's starting values.
    """

    def __init__(self, story: Story) -> None:
        self.story = story
        self.language = story.language
        self.look = SliderLook.new()
        self.slides: dict[str, Slide] = {}
        self.waiting: list[tuple[Scene, w.Widget]] = []  # later scenes, shown as holders
        self.holder_layout = w.Layout(width="100%")
        # pressed by the deck's script once the first scene is drawn (never shown)
        self.go_on = w.Button(description="…", tooltip="").add_class("kit-deck-build")
        self.go_on.on_click(self.build_waiting)
        # a story with a room scene takes the room's answers while kit present serves it
        self.following = (
            room_feed.start_following(self.take_room) if getattr(story, "votes", None) else None
        )

    def slide(self, scene: Scene) -> Slide:
        """The slide of ``scene`` (made once; shown again it is the same widget)."""
        if scene.name not in self.slides:
            self.slides[scene.name] = Slide(self, scene)
        return self.slides[scene.name]

    def place(self, scene: Scene) -> w.Widget:
        """What the deck notebook displays for ``scene``: its slide, or a holder filled later.

        The first :data:`EAGER` scenes get their slides at once. In a running kernel a
        later scene gets an empty holder: the page is complete sooner and its browser
        draws two slides, not every one, before the first scene answers. Once it has,
        the deck's script presses the hidden button in the first holder and the later
        slides are built into their holders (:meth:`build_waiting`). Without a running
        event loop (a script, a test) every slide is built at once.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self.slide(scene).widget
        position = [s.name for s in self.story.scenes].index(scene.name)
        if position < EAGER or scene.name in self.slides:
            return self.slide(scene).widget
        holder = w.VBox(layout=self.holder_layout).add_class("kit-slide-holder")
        if not self.waiting:
            holder.children = (self.go_on,)
        self.waiting.append((scene, holder))
        return holder

    def build_waiting(self, _button: Any = None) -> None:
        """Build the first waiting slide into its holder, and the next one on the next turn.

        One slide per turn of the kernel's event loop: a participant's move that arrives
        meanwhile is answered between two slides.
        """
        if not self.waiting:
            return
        scene, holder = self.waiting.pop(0)
        holder.children = (self.slide(scene).widget,)
        if self.waiting:
            asyncio.get_running_loop().call_soon(self.build_waiting)

    def set_values(self, changes: dict[str, Any], origin: Slide) -> None:
        """Move the story; redraw every slide's parts that depend on what changed."""
        try:
            moved = self.story.moved(changes)
        except ParameterError as error:
            for name in changes.keys() & origin.controls.keys():
                # the slider goes back to the value the story keeps, so the screen tells the truth
                origin.controls[name].slider.value = self.story.values[name]
            origin.show_problem(str(error))
            return
        origin.message.value = ""
        self.redraw(moved, origin)

    def take_room(self, values: dict[str, Any]) -> None:
        """Move the story to the room's answers (from :mod:`kit.live.room_feed`)."""
        try:
            moved = self.story.moved(values)
        except ParameterError as error:  # answers no room could give: keep the last good ones
            log.warning("room votes refused: %s", error)
            return
        self.redraw(moved, self.slides.get(getattr(self.story, "votes_reveal", "")))

    def redraw(self, moved: Story, origin: Slide | None) -> None:
        """Take the moved story; redraw every slide's parts that depend on what changed."""
        changed = {name for name in moved.values if moved.values[name] != self.story.values[name]}
        self.story = moved
        # the slide the move came from first: its chart reaches the browser before the others'
        for slide in sorted(self.slides.values(), key=lambda slide: slide is not origin):
            for name in changed.intersection(slide.controls):
                slide.controls[name].slider.value = moved.values[name]  # the same control elsewhere
            slide.redraw(changed)


def show_slide(story: Story, scene: Scene) -> None:
    """Display ``scene`` as a live slide; every slide of ``story`` shares one :class:`Deck`."""
    deck = story.__dict__.get("_deck")
    if deck is None:
        deck = story.__dict__["_deck"] = Deck(story)
    display(deck.place(scene))
