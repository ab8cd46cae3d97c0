"""``kit init [DIR] [--notebooks] [--lang en]``: a workshop folder for a trainer to edit.

Copies the default workshop file (a comment explains every key) as ``workshop.yaml``, the
roster example and, with ``--notebooks``, the story notebooks into DIR (default
``workshop``), then prints what it wrote and the command that writes the handouts.

It never overwrites: every file is checked before any is written, and when one of them is
already there, or DIR cannot be made, it says so in one line, exits 2 and writes nothing.
A write that fails half-way (a full disk) removes what it wrote and exits 1.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from kit import resources
from kit.commands import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from kit.commands.args import add_message_language
from kit.stories import STORIES
from kit.text import number, t

HELP = "start a workshop folder: the workshop file to edit, the roster example, the notebooks"
DEFAULT_FOLDER = "workshop"
WORKSHOP_FILE = "workshop.yaml"
NOTEBOOKS_FOLDER = "notebooks"
NAME_MAX, PATH_MAX = 255, 4096  # Linux's limits, used where the system does not tell


class InitError(Exception):
    """DIR cannot take the workshop folder; the message is in the user's language."""


@dataclass(frozen=True)
class Copy:
    """One file of the workshop folder: where it comes from and its place in the folder."""

    source: Path
    target: Path


def folder_name(text: str) -> Path:
    """An argparse ``type``: a folder name that is not empty.

    >>> folder_name("march")
    PosixPath('march')
    """
    if not text.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not a folder name")
    return Path(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``kit init``'s arguments to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
    """
    parser.add_argument(
        "folder",
        nargs="?",
        type=folder_name,
        default=Path(DEFAULT_FOLDER),
        metavar="DIR",
        help=f"the folder to fill, made when missing (default: {DEFAULT_FOLDER})",
    )
    parser.add_argument(
        "--notebooks",
        action="store_true",
        help=f"also copy the story notebooks into DIR/{NOTEBOOKS_FOLDER}",
    )
    add_message_language(parser)


def run(args: argparse.Namespace) -> int:
    """Fill the folder ``args`` name; return the exit code.

    Parameters
    ----------
    args : argparse.Namespace
        From :func:`add_arguments`.

    Returns
    -------
    int
        0 when every file was written, 2 when DIR cannot take them (nothing written),
        1 when a write failed half-way (what was written is removed).
    """
    folder, language = args.folder, args.lang
    copies = workshop_files(args.notebooks)
    try:
        check_folder(folder, copies, language)
        written = write_workshop_folder(folder, copies, language)
    except InitError as error:
        print(f"kit init: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        file, reason = error.filename or folder, error.strerror or str(error)
        print(t("init.failed", language, file=file, reason=reason), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    print(next_steps(folder, written, args.notebooks, language))
    return EXIT_OK


def workshop_files(with_notebooks: bool) -> list[Copy]:
    """The files ``kit init`` copies: the workshop file, the roster example, the notebooks.

    Parameters
    ----------
    with_notebooks : bool
        Also copy every story's notebook into ``notebooks/``.

    Returns
    -------
    list of Copy
    """
    workshops = resources.DATA / "workshops"
    copies = [
        Copy(workshops / "default.yaml", Path(WORKSHOP_FILE)),
        Copy(workshops / "roster_example.csv", Path("roster_example.csv")),
    ]
    if with_notebooks:
        copies += [
            Copy(entry.notebook_path, Path(NOTEBOOKS_FOLDER) / entry.notebook)
            for entry in STORIES.values()
        ]
    return copies


def check_folder(folder: Path, copies: list[Copy], language: str) -> None:
    """Refuse a folder that cannot take ``copies`` without overwriting anything.

    Parameters
    ----------
    folder : Path
    copies : list of Copy
    language : {"en", "nl"}

    Raises
    ------
    InitError
        A name too long, a file where a folder must be, a file already there, or a
        folder the user may not write in; the message names it.
    """
    _check_lengths(folder, copies, language)
    existing = _nearest_existing(folder)
    if _is_file(existing):
        if existing == folder:
            raise InitError(t("init.not_a_folder", language, folder=folder))
        raise InitError(t("init.parent_is_file", language, folder=folder, parent=existing))
    taken = [folder / sub for sub in sorted(_subfolders(copies)) if _is_file(folder / sub)]
    taken += [folder / c.target for c in copies if os.path.lexists(folder / c.target)]
    if taken:
        raise InitError(t("init.exists", language, files=", ".join(map(str, taken))))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InitError(t("init.not_writable", language, folder=folder, parent=existing))


def write_workshop_folder(folder: Path, copies: list[Copy], language: str) -> list[Path]:
    """Make ``folder`` and copy the files into it; undo everything when a step fails.

    Parameters
    ----------
    folder : Path
        Checked by :func:`check_folder`.
    copies : list of Copy
    language : {"en", "nl"}

    Returns
    -------
    list of Path
        The files written, as ``folder / target``.

    Raises
    ------
    InitError
        The folder cannot be made, or a file appeared since the check (nothing written).
    OSError
        A copy failed (a full disk, say); what was written is removed.
    """
    made: list[Path] = []
    written: list[Path] = []
    try:
        for sub in [Path(), *sorted(_subfolders(copies))]:
            made += _make_folder(folder / sub, language)
        for copy in copies:
            written.append(_copy_new(copy.source, folder / copy.target))
    except FileExistsError as error:
        _undo(written, made)
        raise InitError(t("init.exists", language, files=error.filename)) from None
    except BaseException:  # a failed write or Ctrl-C: leave nothing half-made
        _undo(written, made)
        raise
    return written


def next_steps(folder: Path, written: list[Path], with_notebooks: bool, language: str) -> str:
    """What ``kit init`` prints: the files written and the commands to run next.

    Parameters
    ----------
    folder : Path
    written : list of Path
    with_notebooks : bool
    language : {"en", "nl"}

    Returns
    -------
    str
    """
    workshop = folder / WORKSHOP_FILE
    handouts = ["kit", "handouts", str(workshop), "--out", str(folder / "handouts")]
    lines = [t("init.written", language, count=number(len(written), language), folder=folder)]
    lines += [f"  {path}" for path in written]
    lines += ["", t("init.next", language, workshop=workshop), f"  {shlex.join(handouts)}"]
    if with_notebooks:
        lab = ["jupyter", "lab", str(folder / NOTEBOOKS_FOLDER)]
        lines += [t("init.notebooks", language), f"  {shlex.join(lab)}"]
    return "\n".join(lines)


def _is_file(path: Path) -> bool:
    """Something that is not a folder (a file, a dangling link) is at ``path``."""
    return os.path.lexists(path) and not path.is_dir()


def _subfolders(copies: list[Copy]) -> set[Path]:
    return {parent for copy in copies for parent in copy.target.parents if parent != Path()}


def _nearest_existing(folder: Path) -> Path:
    for candidate in [folder, *folder.parents]:
        if candidate != Path() and os.path.lexists(candidate):
            return candidate
    return Path.cwd()  # named in messages: "you may not write in ." would say little


def _check_lengths(folder: Path, copies: list[Copy], language: str) -> None:
    anchor = _nearest_existing(folder)
    name_max = _limit(anchor, "PC_NAME_MAX", NAME_MAX)
    path_max = _limit(anchor, "PC_PATH_MAX", PATH_MAX)
    for name in folder.parts:
        length = len(os.fsencode(name))
        if length > name_max:
            raise InitError(
                t(
                    "init.name_too_long",
                    language,
                    name=f"{name[:20]}...",
                    length=number(length, language),
                    limit=number(name_max, language),
                )
            )
    longest = max(len(os.fsencode(folder.absolute() / c.target)) for c in copies)
    if longest >= path_max:
        raise InitError(
            t(
                "init.path_too_long",
                language,
                length=number(longest, language),
                limit=number(path_max - 1, language),
            )
        )


def _limit(path: Path, name: str, fallback: int) -> int:
    try:
        return os.pathconf(path if path.is_dir() else path.parent, name)
    except (OSError, ValueError):
        return fallback


def _make_folder(path: Path, language: str) -> list[Path]:
    """Make ``path`` and its missing parents; return the folders made, outermost first."""
    missing = [p for p in [path, *path.parents] if not os.path.lexists(p)][::-1]
    made = []
    try:
        for folder in missing:
            folder.mkdir()
            made.append(folder)
    except OSError as error:
        _undo([], made)
        reason = error.strerror or str(error)
        raise InitError(t("init.cannot_make", language, folder=path, reason=reason)) from None
    return made


def _copy_new(source: Path, target: Path) -> Path:
    """Copy ``source`` to ``target``, which must not exist; a failed write names ``target``."""
    with source.open("rb") as original:
        out = target.open("xb")  # someone else's file: FileExistsError, and it stays
        try:
            with out:  # the last bytes are written on close: a full disk shows there
                shutil.copyfileobj(original, out)
        except OSError as error:
            error.filename = error.filename or str(target)
            target.unlink(missing_ok=True)
            raise
    return target


def _undo(written: list[Path], made: list[Path]) -> None:
    for path in reversed(written):
        path.unlink(missing_ok=True)
    for folder in reversed(made):
        try:
            folder.rmdir()
        except OSError:  # not empty: someone else wrote into it meanwhile; leave it
            pass
