"""Narrative and labels in English and Dutch.

Every sentence a notebook, chart, widget or handout shows lives in the YAML files
beside this module: ``<language>/<topic>.yaml``. A key is ``<topic>.<path>``, for
example ``nocure.title`` or ``params.target``. Both languages carry the same keys
(a test checks it), so switching ``language`` never leaves a hole.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kit.errors import ParameterError

LANGUAGES = ("en", "nl")
"""The languages of every text, and so of the notebooks, panels, handouts and presenter."""

TEXT_DIR = Path(__file__).parent
# libyaml's safe loader reads the texts about 8x faster (every kernel reads them once)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def catalogue(language: str) -> dict[str, Any]:
    """All texts of one language as a flat ``{key: text}`` dict.

    Parameters
    ----------
    language : {"en", "nl"}

    Returns
    -------
    dict
        Flat keys such as ``"nocure.title"``; values are strings or lists of strings.
    """
    if language not in LANGUAGES:
        raise ParameterError("language", language, "one of " + ", ".join(map(repr, LANGUAGES)))
    flat: dict[str, Any] = {}
    for path in sorted((TEXT_DIR / language).glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            _flatten(yaml.load(handle, Loader=_LOADER) or {}, path.stem, flat)
    for folder in _added:
        with (folder / f"{language}.yaml").open(encoding="utf-8") as handle:
            for topic, tree in (yaml.load(handle, Loader=_LOADER) or {}).items():
                _flatten(tree, topic, flat)
    return flat


_added: list[Path] = []


def add_texts(folder: str | Path) -> None:
    """Add the texts of a story that brings its own: ``<folder>/en.yaml`` and ``nl.yaml``.

    Each file holds whole topics (``{mystory: {...}, params: {...}}``). A story class
    with a ``texts`` folder calls this when it is defined, in every process that imports it.
    """
    folder = Path(folder)
    if folder not in _added:
        _added.append(folder)
        catalogue.cache_clear()


def _flatten(tree: dict[str, Any], prefix: str, out: dict[str, Any]) -> None:
    for key, value in tree.items():
        name = f"{prefix}.{key}"
        if isinstance(value, dict):
            _flatten(value, name, out)
        else:
            out[name] = value


def t(key: str, language: str = "en", **fields: Any) -> Any:
    """Look up one text and fill in its ``{placeholders}``.

    Parameters
    ----------
    key : str
        ``<topic>.<path>``, e.g. ``"nocure.title"``.
    language : {"en", "nl"}
    **fields
        Values for the placeholders, formatted with :meth:`str.format`.

    Examples
    --------
    >>> t("common.language_name", "nl")
    'Nederlands'
    """
    texts = catalogue(language)
    if key not in texts:
        raise KeyError(f"no text {key!r} in language {language!r}")
    value = texts[key]
    if fields and isinstance(value, str):
        return value.format(**fields)
    return value


def number(value: float, language: str = "en", decimals: int = 0) -> str:
    """Format a number the way the room reads it: 1,111 in English, 1.111 in Dutch.

    >>> number(1111, "en"), number(1111, "nl"), number(0.25, "nl", 2)
    ('1,111', '1.111', '0,25')
    """
    text = f"{value:,.{decimals}f}"
    if language == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def file_size(byte_count: int, language: str = "en") -> str:
    """A file's size as a trainer reads it: kB below a megabyte (rounded up), else MB.

    >>> file_size(131_072, "nl"), file_size(1_179_322, "nl"), file_size(1, "en"), file_size(0)
    ('132 kB', '1,2 MB', '1 kB', '0 kB')
    """
    if byte_count >= 1_000_000:
        return f"{number(byte_count / 1_000_000, language, 1)} MB"
    return f"{number(-(-byte_count // 1000), language)} kB"  # 1 byte is 1 kB, not 0


def percent(share: float, language: str = "en", decimals: int = 0) -> str:
    """Format a share (0.25) as a percentage ('25%').

    >>> percent(0.6667, "en"), percent(0.125, "nl", 1)
    ('67%', '12,5%')
    """
    return number(100 * share, language, decimals) + "%"


def money(amount: float, language: str) -> str:
    """An amount in euros, formatted for ``language``.

    >>> money(1234.6, "en"), money(-1234.6, "nl")
    ('€1,235', '-€ 1.235')
    """
    sign = "-" if amount < 0 else ""
    space = " " if language == "nl" else ""
    return f"{sign}€{space}{number(abs(amount), language)}"
