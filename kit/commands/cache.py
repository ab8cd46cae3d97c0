"""``kit cache [--clear] [--only pdf,svg] [--lang nl]``: what the kit keeps between runs.

The kit keeps what it draws and prints the same way every time (:mod:`kit.cache`): charts,
simulated grids, JavaScript bundles and printed handouts. The printed handouts carry the
participants' names and months, so a trainer who is done with a roster can empty that
part: ``kit cache --clear --only pdf``. Without ``--clear`` it lists each folder, its
entries and their size. Clearing removes only the files the kit wrote (their seal holds);
anything else found there is left, and said.
"""

from __future__ import annotations

import argparse
import sys

from kit import cache
from kit.commands import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from kit.commands.args import add_message_language
from kit.text import file_size, number, t

HELP = "show or empty what the kit keeps between runs (charts, grids, printed handouts)"
KINDS = {
    "svg": ("svg",),
    "live": ("live",),
    "grids": ("grids",),
    "js": ("js",),
    "pdf": ("pdf", "pdf-runs"),
}
"""What ``--only`` may name, and the cache's folders each stands for (a printed handout's
run record goes with the printed handouts)."""


def kinds(text: str) -> tuple[str, ...]:
    """An argparse ``type``: a comma-separated list of :data:`KINDS`, as their folders.

    >>> kinds("pdf,svg")
    ('pdf', 'pdf-runs', 'svg')
    """
    named = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [part for part in named if part not in KINDS]
    choose = f"choose from {', '.join(KINDS)}, comma-separated"
    if not named:
        raise argparse.ArgumentTypeError(f"{text!r} names no kind; {choose}")
    if unknown:
        raise argparse.ArgumentTypeError(
            f"{', '.join(map(repr, unknown))}: not a kind the cache keeps; {choose}"
        )
    return tuple(dict.fromkeys(folder for part in named for folder in KINDS[part]))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``kit cache``'s arguments to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
    """
    parser.add_argument(
        "--clear", action="store_true", help="remove the entries (all, or those of --only)"
    )
    parser.add_argument(
        "--only",
        type=kinds,
        metavar="KINDS",
        help=f"only these, comma-separated: {', '.join(KINDS)} (pdf: the printed handouts)",
    )
    add_message_language(parser)


def run(args: argparse.Namespace) -> int:
    """List, or with ``--clear`` empty, the cache's folders; return the exit code.

    Parameters
    ----------
    args : argparse.Namespace
        From :func:`add_arguments`.

    Returns
    -------
    int
        0 when done, 1 when an entry could not be removed (said in one line).
    """
    folders = args.only or cache.FOLDERS
    language = args.lang
    try:
        if args.clear:
            print(clear_folders(folders, language))
        else:
            print(list_folders(folders, language))
    except OSError as error:
        file, reason = error.filename or cache.cache_dir(), error.strerror or str(error)
        failed = "cache.failed_clear" if args.clear else "cache.failed_list"
        print(t(failed, language, file=file, reason=reason), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    return EXIT_OK


def list_folders(folders: tuple[str, ...], language: str) -> str:
    """What each of ``folders`` holds, one line each, and the total, in ``language``.

    Parameters
    ----------
    folders : tuple of str
        Folders of :data:`kit.cache.FOLDERS`.
    language : {"en", "nl"}
    """
    lines = [t("cache.heading", language, folder=cache.cache_dir())]
    total = 0
    for folder in folders:
        found = cache.held(folder)
        total += found.size
        entries, bytes_ = number(found.entries, language), file_size(found.size, language)
        what = t(f"cache.kinds.{folder}", language)
        lines.append(f"  {folder:<9}{entries:>7}{bytes_:>10}  {what}")
        if found.others:
            lines.append("    " + t("cache.others", language, count=found.others))
    lines.append(t("cache.total", language, size=file_size(total, language)))
    return "\n".join(lines)


def clear_folders(folders: tuple[str, ...], language: str) -> str:
    """Remove the kit's entries from ``folders``; what was removed and left, in ``language``.

    Parameters
    ----------
    folders : tuple of str
        Folders of :data:`kit.cache.FOLDERS`.
    language : {"en", "nl"}

    Raises
    ------
    OSError
        When an entry cannot be removed.
    """
    removed = total = 0
    left = []
    for folder in folders:
        done = cache.cleared(folder)
        removed, total = removed + done.entries, total + done.size
        if (cache.cache_dir() / folder).is_symlink():
            left.append(t("cache.linked", language, folder=folder))
        elif done.others:
            left.append(t("cache.left", language, folder=folder, count=done.others))
    said = t(
        "cache.cleared",
        language,
        count=number(removed, language),
        size=file_size(total, language),
        folder=cache.cache_dir(),
    )
    return "\n".join([said, *left])
