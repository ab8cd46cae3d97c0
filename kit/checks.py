"""Cheap plain checks for the model functions participants call directly.

``nocure.client_view([20, 15, 5], target=0)`` must answer with a clear
:class:`~kit.errors.ParameterError`, not a NumPy warning or a wrong chart. These
checks are plain Python (no schema, no pydantic): a model function runs them on
every call, and a slider move calls several. The ranges here are what the model can
compute; the narrower ranges a slider offers live in each story's schema.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np

from kit.errors import ParameterError


def span(low: float | None, high: float | None) -> str:
    """Describe a range in plain words.

    >>> span(1, 100_000), span(0, 0.5)
    ('from 1 to 100,000', 'from 0 to 0.5')
    """
    return f"from {_fmt(low)} to {_fmt(high)}"


def _fmt(value: float | None) -> str:
    if value is None:
        return "?"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:g}"


def whole_number(name: str, value: Any, low: int, high: int) -> int:
    """Return ``value`` as an int within ``low..high``; refuse bools, text and fractions.

    >>> whole_number("months", 6.0, 2, 36)
    6
    >>> whole_number("months", 1, 2, 36)
    Traceback (most recent call last):
    ...
    kit.errors.ParameterError: months = 1 is not allowed: a whole number from 2 to 36
    """
    allowed = f"a whole number {span(low, high)}"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ParameterError(name, value, allowed)
    if not isinstance(value, Integral):
        if not math.isfinite(value) or not float(value).is_integer():
            raise ParameterError(name, value, allowed)
    number = int(value)
    if not low <= number <= high:
        raise ParameterError(name, value, allowed)
    return number


def real_number(name: str, value: Any, low: float, high: float) -> float:
    """Return ``value`` as a finite float within ``low..high``.

    >>> real_number("churn", 0.1, 0, 1)
    0.1
    """
    allowed = f"a number {span(low, high)}"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ParameterError(name, value, allowed)
    number = float(value)
    if not (math.isfinite(number) and low <= number <= high):
        raise ParameterError(name, value, allowed)
    return number


def one_of(name: str, value: Any, choices: Sequence[str]) -> str:
    """Return ``value`` when it is one of ``choices``.

    >>> one_of("scale", "log", ("linear", "log"))
    'log'
    """
    if not isinstance(value, str) or value not in choices:
        raise ParameterError(name, value, "one of " + ", ".join(repr(c) for c in choices))
    return value


def whole_numbers(name: str, values: Any, low: int, high: int) -> list[int]:
    """Return a list of whole numbers within ``low..high``, naming a bad element by index.

    >>> whole_numbers("results", (20, 15.0), 0, 100)
    [20, 15]
    """
    if isinstance(values, np.ndarray):
        values = values.tolist()
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        raise ParameterError(name, values, f"a list of whole numbers, each {span(low, high)}")
    checked = []
    for index, item in enumerate(values):
        try:
            checked.append(whole_number(name, _plain(item), low, high))
        except ParameterError as error:
            raise ParameterError(f"{name}[{index}]", error.value, error.allowed) from None
    return checked


def seed(value: Any) -> int | None:
    """A random seed: ``None`` (fresh entropy) or a whole number from 0 to 2**32 - 1."""
    if value is None:
        return None
    return whole_number("seed", _plain(value), 0, MAX_SEED)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


MAX_SEED = 2**32 - 1
