"""One schema for every parameter of the kit.

Notebooks, widget panels, the command line and workshop files all validate through
the :class:`Schema` objects here, so a value is judged the same way wherever it is
typed. Each :class:`Param` knows its type, its allowed range, its default, the
range its slider shows and the text key of its label (``params.<name>`` in
``kit/text``).

The checks themselves are pydantic type adapters; this module only turns their
verdict into a :class:`~kit.errors.ParameterError` that names the parameter, the
value and what is allowed.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, TypeAdapter, ValidationError

from kit import checks
from kit.errors import ParameterError
from kit.text import LANGUAGES

Kind = Literal["int", "float", "choice", "int_list"]

MAX_SEED = checks.MAX_SEED


@dataclass(frozen=True)
class Param:
    """One parameter: its type, range, default and slider range.

    Parameters
    ----------
    name : str
        The name used in notebooks' ``parameters`` cells, widgets and workshop files.
    kind : {"int", "float", "choice", "int_list"}
        ``int_list`` is a list of non-negative whole numbers (monthly results).
    default : object
        The value used when none is given.
    minimum, maximum : float, optional
        Inclusive bounds (for ``int_list``: bounds of every element).
    step : float, optional
        Slider step.
    choices : tuple of str, optional
        Allowed values of a ``choice`` parameter.
    slider : tuple of (float, float), optional
        The range a slider shows when narrower than the allowed range.
    """

    name: str
    kind: Kind
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = ()
    slider: tuple[float, float] | None = None

    @property
    def label_key(self) -> str:
        """Text key of this parameter's label in ``kit/text``."""
        return f"params.{self.name}"

    @property
    def slider_range(self) -> tuple[float, float]:
        """The (min, max) a slider for this parameter shows."""
        if self.slider is not None:
            return self.slider
        return (self.minimum, self.maximum)

    def allowed(self) -> str:
        """Describe the allowed values in plain words."""
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        span = f"from {_fmt(self.minimum)} to {_fmt(self.maximum)}"
        if self.kind == "int":
            return f"a whole number {span}"
        if self.kind == "float":
            return f"a number {span}"
        return f"a list of whole numbers, each {span}"

    @cached_property
    def _adapter(self) -> TypeAdapter:
        bounds = Field(ge=self.minimum, le=self.maximum)
        if self.kind == "int":
            return TypeAdapter(Annotated[int, bounds])
        if self.kind == "float":
            return TypeAdapter(Annotated[float, bounds, Field(allow_inf_nan=False)])
        if self.kind == "choice":
            return TypeAdapter(Literal[self.choices])
        return TypeAdapter(list[Annotated[int, bounds]])

    def check(self, value: Any) -> Any:
        """Return ``value`` in its canonical type, or raise ParameterError.

        >>> Param("target", "int", 120, 1, 1000).check(60.0)
        60
        >>> Param("target", "int", 120, 1, 1000).check(0)
        Traceback (most recent call last):
        ...
        kit.errors.ParameterError: target = 0 is not allowed: a whole number from 1 to 1,000
        """
        plain = _plain(value)
        if self.kind == "int_list":
            return self._check_list(value, plain)
        if self.kind != "choice" and (isinstance(plain, (bool, str)) or plain is None):
            raise ParameterError(self.name, value, self.allowed())
        try:
            return self._adapter.validate_python(plain)
        except ValidationError:
            raise ParameterError(self.name, value, self.allowed()) from None

    @cached_property
    def _element(self) -> Param:
        # one element check (and its type adapter) per list, built once: a live panel
        # validates the months on every slider move
        return Param(self.name, "int", None, self.minimum, self.maximum)

    def _check_list(self, value: Any, plain: Any) -> list[int]:
        if isinstance(plain, str):
            plain = _listed(self.name, plain, self.allowed())
        if isinstance(plain, (str, bytes, Mapping)) or not isinstance(plain, Iterable):
            raise ParameterError(self.name, value, self.allowed())
        checked = []
        for index, item in enumerate(plain):
            try:
                checked.append(self._element.check(item))
            except ParameterError as error:
                raise ParameterError(f"{self.name}[{index}]", error.value, error.allowed) from None
        return checked


def _listed(name: str, text: str, allowed: str) -> list[str]:
    """A list written as text, as papermill's ``-p results '[10, 20, 5]'`` passes it.

    >>> _listed("results", "[10, 20, 5]", "..."), _listed("results", "10,20;5", "...")
    ([10, 20, 5], [10, 20, 5])
    """
    inner = text.strip()
    if inner.startswith("[") and inner.endswith("]"):
        inner = inner[1:-1]
    items = [item.strip() for item in inner.replace(";", ",").split(",")]
    if not any(items):
        raise ParameterError(name, text, allowed)
    return [_whole_text(item) for item in items]


def _whole_text(item: str) -> Any:
    # "20" -> 20; anything else stays text and is refused by the element check by name
    return int(item) if item.isdigit() else item


def _plain(value: Any) -> Any:
    """Turn numpy scalars and arrays into plain Python values."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def _fmt(number: float | None) -> str:
    return checks._fmt(number)


@dataclass(frozen=True)
class Schema:
    """The parameters of one story, and the checks that span several of them.

    Parameters
    ----------
    name : str
        The story (``nocure``), also its section in workshop files.
    params : tuple of Param
        Every parameter the story's notebook accepts.
    cross_checks : tuple of callables
        Functions of the validated dict that raise ParameterError.
    """

    name: str
    params: tuple[Param, ...]
    cross_checks: tuple[Callable[[dict[str, Any]], None], ...] = field(default=())

    def __getitem__(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        """Parameter names in schema order."""
        return [p.name for p in self.params]

    def defaults(self) -> dict[str, Any]:
        """A fresh dict of every parameter's default."""
        return {
            p.name: (list(p.default) if p.kind == "int_list" else p.default) for p in self.params
        }

    def unknown(self, name: str) -> ParameterError:
        """The error for a parameter name this schema does not have, with a suggestion."""
        close = difflib.get_close_matches(name, self.names, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return ParameterError(
            name, "...", f"unknown parameter; {hint}known: {', '.join(self.names)}"
        )

    def validate(self, values: Mapping[str, Any] | None = None, **more: Any) -> dict[str, Any]:
        """Check ``values`` (and keyword arguments), fill in defaults, return a new dict.

        Raises
        ------
        ParameterError
            For an unknown name, a value of the wrong type or out of range, or
            values that contradict each other (e.g. results that do not match months).
        """
        given = {**(values or {}), **more}
        for name in given:
            if name not in self.names:
                raise self.unknown(name)
        checked = self.defaults()
        for name, value in given.items():
            checked[name] = self[name].check(value)
        for cross_check in self.cross_checks:
            cross_check(checked)
        return checked


LANGUAGE = Param("language", "choice", "en", choices=LANGUAGES)
SEED = Param("seed", "int", 2024, 0, MAX_SEED, 1, slider=(0, 9999))


def __getattr__(name: str) -> Any:
    # The story schemas live with their stories (kit/stories/<story>/story.py); these
    # names stay for code written against the first layout.
    if name in ("NOCURE", "REFERRALS", "SCHEMAS"):
        from kit.stories import schemas

        found = schemas()
        if name == "SCHEMAS":
            return found
        return found[name.lower()]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
