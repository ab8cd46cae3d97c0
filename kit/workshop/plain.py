"""Texts a trainer types (cover fields, participants' names): one plain line each.

A name goes onto a cover and into a file name; a control character (NUL, a tab, an
escape), a line break or an invisible direction override would either vanish, break
the layout or make the name read differently from what was typed.
"""

from __future__ import annotations

import unicodedata

LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def line_problem(text: str, longest: int) -> str | None:
    """What makes ``text`` unfit as one line of a cover or name, or None when it is fine.

    Parameters
    ----------
    text : str
        The text as typed (surrounding spaces already stripped).
    longest : int
        Most characters allowed.

    Returns
    -------
    str or None
        The problem in words, naming the character and its position (counted from 1).
    """
    for position, char in enumerate(text, start=1):
        if char in LINE_BREAKS:
            return f"a line break at character {position}; write it on one line"
        if unicodedata.category(char) == "Cc" or char in DIRECTION_CONTROLS:
            name = unicodedata.name(char, "control character")
            return (
                f"the invisible character U+{ord(char):04X} ({name.lower()}) at character "
                f"{position}; remove it"
            )
    if len(text) > longest:
        return f"{len(text):,} characters long; at most {longest}"
    return None
