"""Interactive panels: sliders from the parameter schema, redrawing the story's charts.

A :class:`Panel` holds the current parameter values, one control per parameter
(built from :mod:`kit.params`, labelled from :mod:`kit.text`) and a list of
:class:`Slot` items on a :class:`kit.live.ChartBoard`. When a control moves, only
the slots whose parameters changed are rebuilt, and all of them reach the
browser in one message, where Vega-Embed draws the charts (no flicker, no
``clear_output`` + ``display``, which was seen to stall Voila). A bad value never
reaches the room as a traceback: it is shown as one line above the charts.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from kit import charts, narrate, nocure, referrals
from kit.errors import ParameterError
from kit.live import ChartBoard, chart_item, markdown_item
from kit.params import NOCURE, REFERRALS, Param, Schema
from kit.text import t

log = logging.getLogger(__name__)

Item = dict[str, Any]


@dataclass(frozen=True)
class Slot:
    """One output of a panel: what it depends on and how to build it.

    Parameters
    ----------
    name : str
        Also the CSS class ``kit-out-<name>`` of its place on the board.
    depends : tuple of str
        The parameter names whose change rebuilds this slot.
    build : callable
        ``values -> board item`` (:func:`kit.live.chart_item` or :func:`kit.live.markdown_item`).
    """

    name: str
    depends: tuple[str, ...]
    build: Callable[[dict[str, Any]], Item]


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


def slider(param: Param, value: Any, language: str, look: SliderLook | None = None) -> w.Widget:
    """A slider for one schema parameter, labelled in ``language``.

    The slider's range is the parameter's slider range, widened to include
    ``value``; typed values outside it are clamped by the slider itself. A
    ``choice`` parameter gets toggle buttons labelled from ``<story>.<name>.<choice>``.
    ``look`` is the panel's shared layout and style (a new one when omitted).
    """
    if param.kind == "choice":
        return choice_buttons(param, value, language)
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


def choice_buttons(param: Param, value: Any, language: str) -> w.Widget:
    """Toggle buttons for a ``choice`` parameter such as the chart scale."""
    labels = [(t(f"referrals.{param.name}.{c}", language), c) for c in param.choices]
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
    """Sliders grouped in tabs, a message line, and output slots that redraw on change.

    Parameters
    ----------
    schema : Schema
        Validates every value the panel sends to the model.
    values : dict
        Validated starting values (``schema.validate(...)``).
    groups : sequence of (title, parameter names)
        The tabs of sliders.
    slots : sequence of Slot
    extra_controls : sequence of widgets, optional
        Shown above the tabs (e.g. a text field for a participant's own months).
    """

    def __init__(
        self,
        schema: Schema,
        values: dict[str, Any],
        groups: Sequence[tuple[str, Sequence[str]]],
        slots: Sequence[Slot],
        extra_controls: Sequence[w.Widget] = (),
    ) -> None:
        self.schema = schema
        self.values = dict(values)
        self.language = values["language"]
        self.slots = list(slots)
        self.message = w.HTML().add_class("kit-message")
        look = SliderLook.new()
        self.controls = {
            name: slider(schema[name], values[name], self.language, look)
            for _, names in groups
            for name in names
        }
        for name, control in self.controls.items():
            control.observe(lambda change, name=name: self.update(name, change["new"]), "value")
        self.board = ChartBoard(self.language)
        tabs = w.Tab(children=[w.VBox([self.controls[n] for n in names]) for _, names in groups])
        for index, (title, _) in enumerate(groups):
            tabs.set_title(index, title)
        self.widget = w.VBox([*extra_controls, tabs, self.message, self.board]).add_class(
            "kit-panel"
        )
        self.redraw(set(self.values))

    def update(self, name: str, value: Any) -> None:
        """Take a new value for one parameter, validate, and redraw what depends on it."""
        self.set_values({name: value})

    def set_values(self, changes: dict[str, Any]) -> None:
        """Take several new values at once (e.g. results and months together)."""
        try:
            self.values = self.schema.validate({**self.values, **changes})
        except ParameterError as error:
            self.show_problem(str(error))
            return
        self.message.value = ""
        self.redraw(set(changes))

    def redraw(self, changed: set[str]) -> None:
        """Rebuild the slots that depend on any of ``changed``; send them in one message."""
        updates = {}
        for slot in self.slots:
            if changed.intersection(slot.depends):
                try:
                    updates[slot.name] = slot.build(self.values)
                except ParameterError as error:
                    self.show_problem(str(error))
                except Exception:  # a participant must never see a traceback
                    log.exception("could not redraw %s", slot.name)
                    self.show_problem(t("common.redraw_failed", self.language))
        if updates:
            self.board.show(updates)

    def show_problem(self, message: str) -> None:
        """Show one friendly line above the charts."""
        text = t("common.bad_input", self.language, message=message)
        self.message.value = f'<div class="kit-problem" style="color:#c62828">{_escape(text)}</div>'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- story A ------------------------------------------------------------------------------------

RULE = ("worried_drop", "alarm_drop", "alarm_limit", "closing_declines")
CHANCE = ("mean", "volatility", "seasonality", "n_contracts", "seed")
FEES = narrate.FEES


def nocure_view(values: dict[str, Any]):
    """The client's view of the panel's current months."""
    return nocure.client_view(
        values["results"], values["target"], values["worried_drop"], values["alarm_drop"]
    )


def nocure_simulation(values: dict[str, Any]):
    """Simulated contracts for the panel's current settings (cached by its arguments)."""
    return _simulated(
        values["n_contracts"],
        values["months"],
        values["mean"],
        values["volatility"],
        values["seasonality"],
        values["seed"],
    )


@functools.lru_cache(maxsize=2)  # several slots of one move share one simulation
def _simulated(*key: Any):
    return nocure.simulate(*key)


def nocure_outcomes(values: dict[str, Any]) -> nocure.Outcomes:
    """The simulation's shares for the panel's current settings."""
    return nocure.outcomes(nocure_simulation(values), values["target"], **narrate.rule(values))


def nocure_slots() -> list[Slot]:
    """The outputs of story A's panel, each with the parameters it depends on."""
    series = ("results", "target", "worried_drop", "alarm_drop")
    simulated = ("months", "target", *RULE, *CHANCE)

    def lang(values: dict[str, Any]) -> str:
        return values["language"]

    return [
        Slot(
            "mood_bars",
            series,
            lambda v: chart_item(charts.mood_bars(nocure_view(v), lang(v))),
        ),
        Slot(
            "progress",
            series,
            lambda v: chart_item(charts.progress_chart(nocure_view(v), v["target"], lang(v))),
        ),
        Slot("verdict", (*series, *RULE), lambda v: markdown_item(narrate.verdict_text(v))),
        Slot(
            "outcomes",
            simulated,
            lambda v: chart_item(
                charts.outcome_bars(
                    narrate.outcome_shares(nocure_outcomes(v)), v["n_contracts"], lang(v)
                )
            ),
        ),
        Slot(
            "regression",
            simulated,
            lambda v: chart_item(
                charts.regression_chart(
                    nocure.regression_table(
                        nocure_simulation(v), v["target"], v["worried_drop"], v["alarm_drop"]
                    ),
                    lang(v),
                )
            ),
        ),
        Slot(
            "income",
            ("months", *CHANCE, *FEES),  # the provider's income ignores the target and the rule
            lambda v: chart_item(
                charts.income_chart(
                    nocure.income_risk(nocure_simulation(v), **narrate.fees(v)),
                    lang(v),
                )
            ),
        ),
    ]


def own_months_controls(panel_ref: list[Panel], values: dict[str, Any]) -> list[w.Widget]:
    """A text field for typed months, a CSV upload and a reset button, wired to the panel."""
    language = values["language"]
    typed = w.Text(
        value=", ".join(map(str, values["results"])),
        placeholder=t("nocure.own_months_hint", language),
        description=t("nocure.own_months", language),
        continuous_update=False,
        style={"description_width": "initial"},
        layout=w.Layout(width="60%"),
    )
    typed.add_class("kit-own-months")
    fit = w.Layout(width="auto")  # the Dutch labels are longer than the default width
    upload = w.FileUpload(
        accept=".csv", multiple=False, description=t("nocure.upload", language), layout=fit
    ).add_class("kit-upload")
    reset = w.Button(description=t("nocure.use_seed", language), layout=fit).add_class("kit-reset")

    def use(results_from: Callable[[], list[int]]) -> None:
        panel = panel_ref[0]
        try:
            results = results_from()
        except ParameterError as error:
            panel.show_problem(str(error))
            return
        panel.set_values({"results": results, "months": len(results)})
        typed.value = ", ".join(map(str, results))

    typed.observe(lambda change: use(lambda: nocure.parse_results_text(change["new"])), "value")
    upload.observe(
        lambda change: change["new"] and use(lambda: _uploaded_results(change["new"][0])), "value"
    )
    reset.on_click(lambda _: use(lambda: list(nocure.SEED_RESULTS)))
    return [w.HBox([typed, upload, reset])]


def _uploaded_results(file: dict[str, Any]) -> list[int]:
    name = file.get("name", "CSV")
    try:
        text = bytes(file["content"]).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParameterError(
            name, "...", "a UTF-8 CSV file with the columns month,result"
        ) from None
    return nocure.parse_results_csv(text, source=name)


def nocure_panel(values: dict[str, Any]) -> w.Widget:
    """Story A's interactive panel for validated ``values`` (see ``NOCURE.validate``).

    Sliders in three tabs (the client, chance, the provider), a field for the
    participant's own months or a CSV upload, and the story's charts.
    """
    values = NOCURE.validate(values)
    language = values["language"]
    groups = [
        (t("nocure.tabs.client", language), ("target", *RULE)),
        (t("nocure.tabs.chance", language), CHANCE),
        (t("nocure.tabs.provider", language), FEES),
    ]
    panel_ref: list[Panel] = []
    extra = own_months_controls(panel_ref, values)
    panel_ref.append(Panel(NOCURE, values, groups, nocure_slots(), extra))
    return panel_ref[0].widget


# -- story B ------------------------------------------------------------------------------------

FLYWHEEL = ("years", "introductions_per_year", "conversion", "churn", "fans")
SIMULATION = (*FLYWHEEL, "runs", "seed")


@functools.lru_cache(maxsize=2)
def _flywheel_runs(years, introductions_per_year, conversion, churn, fans, runs, seed):
    return referrals.simulate(years, introductions_per_year, conversion, churn, fans, runs, seed)


def flywheel_simulation(values: dict[str, Any]):
    """Simulated flywheels for the panel's current settings (cached by its arguments)."""
    return _flywheel_runs(*(values[name] for name in SIMULATION))


def flywheel_band(values: dict[str, Any]):
    """The yearly spread of the current simulation (shared by the chart and the text)."""
    return _band(*(values[name] for name in SIMULATION))


@functools.lru_cache(maxsize=2)
def _band(*key: Any):
    return referrals.band(_flywheel_runs(*key))


def hunting_comparison(values: dict[str, Any]):
    """Flywheel against new-logo hunting for the panel's current settings (cached)."""
    return _hunting(values["new_logos_per_year"], *(values[name] for name in SIMULATION))


@functools.lru_cache(maxsize=2)
def _hunting(new_logos_per_year: int, *key: Any):
    values = dict(zip(SIMULATION, key, strict=True), new_logos_per_year=new_logos_per_year)
    return narrate.hunting_comparison(values, _flywheel_runs(*key))


def referrals_slots() -> list[Slot]:
    """The outputs of story B's panel, each with the parameters it depends on."""

    def lang(values: dict[str, Any]) -> str:
        return values["language"]

    def tree(v):
        return referrals.generation_table(v["per_fan"], v["generations"], v["fans"])

    def band_chart(v):
        return charts.flywheel_band(
            flywheel_band(v),
            referrals.compound_table(v["years"], v["introductions_per_year"], v["fans"]),
            v["target_fans"],
            v["runs"],
            lang(v),
            v["scale"],
        )

    return [
        Slot(
            "tree",
            ("fans", "per_fan", "generations"),
            lambda v: chart_item(charts.generation_bars(tree(v), lang(v))),
        ),
        Slot(
            "tree_text",
            ("fans", "per_fan", "generations"),
            lambda v: markdown_item(narrate.tree_text(v, tree(v))),
        ),
        Slot(
            "band",
            (*SIMULATION, "target_fans", "scale"),
            lambda v: chart_item(band_chart(v)),
        ),
        Slot(
            "summary",
            (*SIMULATION, "target_fans"),
            lambda v: markdown_item(
                narrate.flywheel_summary(v, flywheel_simulation(v), flywheel_band(v))
            ),
        ),
        Slot(
            "hunting",
            (*SIMULATION, "new_logos_per_year", "scale"),
            lambda v: chart_item(charts.hunting_chart(hunting_comparison(v), lang(v), v["scale"])),
        ),
        Slot(
            "hunting_text",
            (*SIMULATION, "new_logos_per_year"),
            lambda v: markdown_item(narrate.overtaking_summary(v, hunting_comparison(v))),
        ),
    ]


def referrals_panel(values: dict[str, Any]) -> w.Widget:
    """Story B's interactive panel for validated ``values`` (see ``REFERRALS.validate``).

    Sliders in three tabs (the article's tree, the honest flywheel, the
    simulation and the new-logo hunter) and the story's charts.
    """
    values = REFERRALS.validate(values)
    language = values["language"]
    groups = [
        (t("referrals.tabs.article", language), ("fans", "per_fan", "generations")),
        (
            t("referrals.tabs.honest", language),
            ("years", "introductions_per_year", "conversion", "churn", "target_fans", "scale"),
        ),
        (t("referrals.tabs.simulation", language), ("runs", "seed", "new_logos_per_year")),
    ]
    return Panel(REFERRALS, values, groups, referrals_slots()).widget
