"""The live panel, built from a story's scenes: its controls, and the parts they redraw.

A :class:`Panel` holds a :class:`~kit.stories.base.Story`, one control per parameter
its scenes let a participant move (built from the story's schema, labelled from
:mod:`kit.text`) and the scenes' board parts on a :class:`kit.live.board.ChartBoard`.
When a control moves, the story moves with it (:meth:`Story.moved` keeps every result
whose inputs did not change), only the parts whose parameters changed are rebuilt, and
all of them reach the browser in one message, where Vega-Embed draws the charts. A bad
value never reaches the room as a traceback: it is shown as one line above the charts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from kit.errors import ParameterError
from kit.live.board import ChartBoard, chart_board_item, markdown_item
from kit.live.readout import Control
from kit.params import Param
from kit.stories.base import Chart, ListInput, Part, Story
from kit.text import number, t

log = logging.getLogger(__name__)

Item = dict[str, Any]


@dataclass(frozen=True)
class SliderLook:
    """One layout and one style, shared by every slider of a panel.

    Each ``Layout`` and ``SliderStyle`` is a widget of its own that the browser
    creates when a page opens; shared, a panel has half as many widgets to set up.
    """

    layout: w.Layout
    style: w.SliderStyle

    @classmethod
    def new(cls) -> SliderLook:
        """A full-width slider with its label in one line."""
        return cls(w.Layout(width="98%"), w.SliderStyle(description_width="initial"))


def slider(
    param: Param, value: Any, language: str, look: SliderLook | None = None, story: str = ""
) -> w.Widget:
    """A slider for one schema parameter, labelled in ``language``.

    The slider's range is the parameter's slider range, widened to include
    ``value``; typed values outside it are clamped by the slider itself. A
    ``choice`` parameter gets toggle buttons labelled from ``<story>.<name>.<choice>``.
    ``look`` is the panel's shared layout and style (a new one when omitted).
    """
    if param.kind == "choice":
        return choice_buttons(param, value, language, story)
    look = look or SliderLook.new()
    low, high = param.slider_range
    low, high = min(low, value), max(high, value)
    options = dict(
        value=value,
        min=low,
        max=high,
        step=param.step,
        description=t(param.label_key, language),
        continuous_update=False,
        style=look.style,
        layout=look.layout,
    )
    if param.kind == "int":
        control = w.IntSlider(**options)
    else:
        control = w.FloatSlider(readout_format=_readout(param), **options)
    control.add_class("kit-slider")
    control.add_class(f"kit-slider-{param.name}")
    return control


def choice_buttons(param: Param, value: Any, language: str, story: str = "referrals") -> w.Widget:
    """Toggle buttons for a ``choice`` parameter such as the chart scale.

    Each choice is labelled from ``<story>.<parameter>.<choice>`` in ``kit/text``.
    """
    labels = [(t(f"{story}.{param.name}.{c}", language), c) for c in param.choices]
    control = w.ToggleButtons(
        options=labels,
        value=value,
        description=t(param.label_key, language),
        style={"description_width": "initial"},
    )
    control.add_class("kit-choice")
    control.add_class(f"kit-choice-{param.name}")
    return control


def _readout(param: Param) -> str:
    if (param.minimum, param.maximum) == (0, 1):  # shares read best as percentages
        return ".0%"
    if param.step is None or float(param.step).is_integer():
        return ",.0f"
    return ".2f"


class Panel:
    """A story's controls in tabs (one per scene with controls), a message line, and the board.

    Parameters
    ----------
    story : Story
        The story with the room's starting values; the panel moves it.
    """

    def __init__(self, story: Story) -> None:
        self.story = story
        self.language = story.language
        self.parts = [part for part in story.parts() if part.on_board]
        self.message = w.HTML().add_class("kit-message")
        look = SliderLook.new()
        scenes = [s for s in story.scenes if s.tab and s.controls]
        # each slider with its readout in the page's language (2.000, 0,50, € 1.600)
        self.readouts = {
            name: Control(
                story.schema[name],
                slider(story.schema[name], story[name], self.language, look, story.name),
                self.language,
            )
            for scene in scenes
            for name in scene.controls
        }
        self.controls = {name: control.slider for name, control in self.readouts.items()}
        for name, control in self.controls.items():
            control.observe(lambda change, name=name: self.update(name, change["new"]), "value")
        self.board = ChartBoard(self.language)
        tabs = w.Tab(
            children=[w.VBox([self.readouts[n].widget for n in scene.controls]) for scene in scenes]
        )
        for index, scene in enumerate(scenes):
            tabs.set_title(index, t(scene.tab, self.language))
        lists = [
            list_controls(self, name, story.lists[name])
            for name in story.controls()
            if name in story.lists
        ]
        self.widget = w.VBox([*lists, tabs, self.message, self.board]).add_class("kit-panel")
        self.redraw(set(story.values))

    @property
    def values(self) -> dict[str, Any]:
        """The panel's current, validated parameter values."""
        return self.story.values

    def update(self, name: str, value: Any) -> None:
        """Take a new value for one parameter, validate, and redraw what depends on it."""
        self.set_values({name: value})

    def set_values(self, changes: dict[str, Any]) -> None:
        """Take several new values at once (e.g. results and months together)."""
        try:
            self.story = self.story.moved(changes)
        except ParameterError as error:
            self.show_problem(str(error))
            return
        self.message.value = ""
        self.redraw(set(changes))

    def redraw(self, changed: set[str]) -> None:
        """Rebuild the parts that depend on any of ``changed``; send them in one message."""
        updates = {}
        for part in self.parts:
            if changed.intersection(part.depends):
                try:
                    updates[part.name] = board_item(part, self.story)
                except ParameterError as error:
                    self.show_problem(str(error))
                except Exception:  # a participant must never see a traceback
                    log.exception("could not redraw %s", part.name)
                    self.show_problem(t("common.redraw_failed", self.language))
        if updates:
            self.board.show(updates)

    def show_problem(self, message: str) -> None:
        """Show one friendly line above the charts."""
        text = t("common.bad_input", self.language, message=message)
        self.message.value = f'<div class="kit-problem" style="color:#c62828">{_escape(text)}</div>'


def board_item(part: Part, story: Story) -> dict[str, Any]:
    """One part of a scene as a board item: a chart's shape and rows, or rendered Markdown."""
    if isinstance(part, Chart):
        return chart_board_item(part, story)
    return markdown_item(part.write(story))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def list_controls(panel: Panel, name: str, given: ListInput) -> w.Widget:
    """A text field for typed values, a CSV upload and a reset button for a list parameter."""
    language = panel.language
    topic = panel.story.name
    typed = w.Text(
        value=", ".join(map(str, panel.story[name])),
        placeholder=t(f"{topic}.own_{name}_hint", language),
        description=t(f"{topic}.own_{name}", language),
        continuous_update=False,
        style={"description_width": "initial"},
        layout=w.Layout(width="60%"),
    )
    typed.add_class(f"kit-own-{name}")
    fit = w.Layout(width="auto")  # the Dutch labels are longer than the default width
    upload = w.FileUpload(
        accept=".csv", multiple=False, description=t("common.upload", language), layout=fit
    ).add_class("kit-upload")
    reset = w.Button(description=t(f"{topic}.reset_{name}", language), layout=fit)
    reset.add_class("kit-reset")

    def use(values_from: Callable[[], list]) -> None:
        try:
            values = values_from()
        except ParameterError as error:
            panel.show_problem(list_message(error, panel.story, name, language))
            return
        changes = {name: values}
        if given.length:
            changes[given.length] = len(values)
        panel.set_values(changes)
        typed.value = ", ".join(map(str, values))

    typed.observe(lambda change: use(lambda: given.parse_text(change["new"])), "value")
    upload.observe(
        lambda change: change["new"] and use(lambda: _uploaded(given, change["new"][0])), "value"
    )
    reset.on_click(lambda _: use(lambda: list(given.reset)))
    return w.HBox([typed, upload, reset])


def list_message(error: ParameterError, story: Story, name: str, language: str) -> str:
    """A refused typed or uploaded list, said in the room's language, months counted from 1.

    The models name a bad value the programmer's way (``results[2] = 'abc'``, counted from
    0, in English); a participant reads ``Month 3: 'abc' is not a whole number from 0 to
    100,000`` (``Maand 3: ...`` in Dutch). A message of another kind is passed on as it is.
    """
    param = story.schema[name]
    bounds = {
        "value": error.value,
        "low": number(param.minimum, language),
        "high": number(param.maximum, language),
    }
    typed = re.fullmatch(rf"{re.escape(name)}\[(\d+)\]", str(error.name))
    if typed:
        return t("deck.list.item", language, n=int(typed.group(1)) + 1, **bounds)
    uploaded = re.fullmatch(r"(.+) month (\d+)", str(error.name))
    if uploaded:
        return t(
            "deck.list.file_item", language, file=uploaded.group(1), n=uploaded.group(2), **bounds
        )
    given = story.lists.get(name)
    if error.name == name and given is not None and given.length:
        length = story.schema[given.length]
        count = len(error.value) if isinstance(error.value, list) else 0
        return t(
            "deck.list.count",
            language,
            count=count,
            low=number(length.minimum, language),
            high=number(length.maximum, language),
        )
    return str(error)


def _uploaded(given: ListInput, file: dict[str, Any]) -> list:
    name = file.get("name", "CSV")
    try:
        text = bytes(file["content"]).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParameterError(name, "...", "a UTF-8 CSV file") from None
    return given.parse_csv(text, name)
