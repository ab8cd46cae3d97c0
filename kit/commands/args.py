"""Argument types shared by the subcommands: each refuses a bad value in one line.

An argparse ``type`` raises :class:`argparse.ArgumentTypeError`; the parser then prints
``kit <command>: error: argument --jobs: 0 is not allowed: from 1 to 64`` and exits 2.
"""

from __future__ import annotations

import argparse
import ipaddress
from collections.abc import Callable, Sequence
from pathlib import Path


def add_message_language(parser: argparse.ArgumentParser) -> None:
    """Add ``--lang en|nl``: the language of a command's messages (default English).

    Parameters
    ----------
    parser : argparse.ArgumentParser
    """
    from kit.text import LANGUAGES

    parser.add_argument(
        "--lang", choices=LANGUAGES, default="en", help="language of the messages (default en)"
    )


def whole_number_in(low: int, high: int, allowed: str) -> Callable[[str], int]:
    """An argparse ``type``: a whole number from ``low`` to ``high``.

    A mistake reads like the kit's other messages: ``0 is not allowed: from 1 to 64``.

    >>> whole_number_in(1, 64, "from 1 to 64")("8")
    8
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a whole number ({allowed})"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not allowed: {allowed}")
        return value

    return parse


def comma_list(allowed: Sequence[str], what: str) -> Callable[[str], tuple[str, ...]]:
    """An argparse ``type``: some of ``allowed``, comma-separated, each once, in order.

    >>> comma_list(("html", "pdf"), "formats")("pdf, HTML,pdf")
    ('pdf', 'html')
    """

    def parse(text: str) -> tuple[str, ...]:
        items = [item.strip().lower() for item in text.split(",") if item.strip()]
        wrong = [item for item in items if item not in allowed]
        if wrong or not items:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not allowed: {what} from {', '.join(allowed)}, comma-separated"
            )
        return tuple(dict.fromkeys(items))

    return parse


def minutes(text: str) -> float:
    """An argparse ``type``: a number of minutes from 1 to 1440 (a day).

    >>> minutes("2.5")
    2.5
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of minutes") from None
    if not 1 <= value <= 24 * 60:
        raise argparse.ArgumentTypeError(f"{text} is not allowed: from 1 to 1440 minutes")
    return value


def ip_address(text: str) -> str:
    """An argparse ``type``: an IPv4 or IPv6 address, written the standard way.

    >>> ip_address("192.168.1.20")
    '192.168.1.20'
    """
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an IP address (e.g. 127.0.0.1 or 192.168.1.20)"
        ) from None


def directory(text: str) -> Path:
    """An argparse ``type``: an existing directory, as an absolute path."""
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not a directory")
    return path.resolve()
