"""Slider readouts in the page's language: ``2.000``, ``0,50``, ``€ 1.600``, ``50%``.

The deck's slides and the one-page view's live panel show every slider with a
:class:`Control`: the slider, a readout written in the room's language, and a note when
a typed value was not read or was clamped to the slider's range.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from kit.params import Param
from kit.text import money, number, percent, t

MONEY = frozenset({"retainer_fee", "fee_per_lead", "hybrid_base", "hybrid_per_lead", "hourly_rate"})
"""Parameters read as euros."""


def decimals(param: Param) -> int:
    """Decimals a readout shows: as many as the parameter's step has (0.05 -> 2)."""
    step = param.step or 1
    text = f"{step:g}"
    return len(text.split(".")[1]) if "." in text else 0


def is_share(param: Param) -> bool:
    """A share from 0 to 1, read as a percentage."""
    return param.kind == "float" and (param.minimum, param.maximum) == (0, 1)


def readout_text(param: Param, value: float, language: str) -> str:
    """A slider's value as the room reads it: ``2.000``, ``0,50``, ``€ 1.600``, ``50%``.

    >>> from kit.params import Param
    >>> readout_text(Param("fee", "float", 0, 0, 9, 0.05), 0.5, "nl")
    '0,50'
    >>> readout_text(Param("seed", "int", 0, 0, 9999, 1), 2024, "nl")
    '2024'
    """
    if is_share(param):
        return percent(value, language, max(0, decimals(param) - 2))
    if param.name in MONEY:
        return money(value, language)
    if param.name == "seed":  # a label, not an amount: 2024, never 2,024
        return str(int(value))
    if param.kind == "int":
        return number(value, language)
    return number(value, language, decimals(param))


def readout_format(param: Param) -> dict[str, Any]:
    """How a browser writes the readout (``Intl.NumberFormat`` options): as :func:`readout_text`.

    For the kernel-free sliders, which have no kernel to ask.

    >>> from kit.params import Param
    >>> readout_format(Param("conversion", "float", 0.6, 0, 1, 0.05))
    {'style': 'percent', 'minimumFractionDigits': 0, 'maximumFractionDigits': 0}
    >>> readout_format(Param("seed", "int", 0, 0, 9999, 1))
    {'useGrouping': False, 'maximumFractionDigits': 0}
    """
    if is_share(param):
        digits = max(0, decimals(param) - 2)
        return {
            "style": "percent",
            "minimumFractionDigits": digits,
            "maximumFractionDigits": digits,
        }
    if param.name in MONEY:
        return {"style": "currency", "currency": "EUR", "maximumFractionDigits": 0}
    if param.name == "seed":
        return {"useGrouping": False, "maximumFractionDigits": 0}
    digits = 0 if param.kind == "int" else decimals(param)
    return {"minimumFractionDigits": digits, "maximumFractionDigits": digits}


def read_typed(text: str, param: Param, language: str) -> float:
    """A value typed into a readout, read in the page's language (``2.000,5`` in Dutch).

    A euro sign, a percent sign and spaces may be typed along; a share typed as a
    percentage (``50`` or ``50%``) is read as 0.5.

    Raises
    ------
    ValueError
        For text that is not a finite number; the message says so in ``language``.
    """
    plain = text.replace("€", "").replace("%", "").replace("\u00a0", "").replace(" ", "")
    if language == "nl":
        plain = plain.replace(".", "").replace(",", ".")
    else:
        plain = plain.replace(",", "")
    try:
        value = float(plain)
    except ValueError:
        value = float("nan")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(
            t("deck.not_read", language, value=text, allowed=t("deck.a_number", language))
        )
    return value / 100 if is_share(param) else value


class Control:
    """A slider with its readout in the page's language, which also takes typed values.

    ipywidgets' own readout formats with d3 and no locale (``2,000`` on a Dutch page), so
    it is hidden and a text field written from Python (:func:`readout_text`) takes its
    place; a value typed there is read in the page's language (:func:`read_typed`) and
    clamped to the slider's range, and a note under the slider says so.

    Parameters
    ----------
    param : Param
    control : ipywidgets widget
        The slider (or a choice's toggle buttons, which keep their own labels) made by
        :func:`kit.live.panel.slider`.
    language : {"en", "nl"}
    """

    def __init__(self, param: Param, control: w.Widget, language: str):
        self.param = param
        self.language = language
        self.slider = control
        self.note = w.HTML().add_class("kit-readout-note")
        if param.kind == "choice":
            self.readout = None
            self.widget = w.VBox([self.slider]).add_class("kit-control")
        else:
            self.slider.readout = False
            self.readout = w.Text(
                value=readout_text(param, control.value, language),
                continuous_update=False,
                layout=w.Layout(width="7.5em"),
            ).add_class("kit-readout")
            self.readout.observe(lambda change: self.typed(change["new"]), "value")
            self.slider.observe(lambda change: self.show_value(change["new"]), "value")
            row = w.HBox([self.slider, self.readout]).add_class("kit-control-row")
            self.widget = w.VBox([row, self.note]).add_class("kit-control")
        self.widget.add_class(f"kit-control-{param.name}")

    def show_value(self, value: Any) -> None:
        """Write the slider's value into the readout (and forget an old note)."""
        self.readout.value = readout_text(self.param, value, self.language)
        self.note.value = ""

    def typed(self, text: str) -> None:
        """Take a typed value: read it, clamp it to the slider's range, and say so."""
        try:
            value = read_typed(text, self.param, self.language)
        except ValueError as error:
            self.readout.value = readout_text(self.param, self.slider.value, self.language)
            self.note.value = _note(str(error))
            return
        low, high = self.slider.min, self.slider.max
        clamped = min(max(value, low), high)
        if self.param.kind == "int":
            clamped = round(clamped)
        if clamped == self.slider.value:
            self.readout.value = readout_text(self.param, clamped, self.language)
        self.slider.value = clamped  # moves the story (and rewrites the readout)
        if clamped != value:
            shown = readout_text(self.param, clamped, self.language)
            key = "deck.clamped_high" if value > high else "deck.clamped_low"
            self.note.value = _note(t(key, self.language, value=shown))


def _note(text: str) -> str:
    return f'<span role="status">{html.escape(text)}</span>'
