"""``kit export-site DIR``: the kernel-free deck as static files any web server can serve.

NumPy, Altair and vl-convert are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kit.commands import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from kit.commands.args import comma_list
from kit.text import LANGUAGES, number, t

HELP = "write the kernel-free deck as a folder of static files (no kernel, no network)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``kit export-site``'s arguments to ``parser``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
    """
    parser.add_argument(
        "folder",
        metavar="DIR",
        type=Path,
        help="the site's folder: new, empty, or an earlier export (then replaced as a whole)",
    )
    parser.add_argument(
        "--lang",
        type=comma_list(LANGUAGES, "languages"),
        default=LANGUAGES,
        help="languages, e.g. nl,en (default: all: " + ",".join(LANGUAGES) + ")",
    )


def run(args: argparse.Namespace) -> int:
    """Write the site ``args`` ask for; return the exit code.

    Parameters
    ----------
    args : argparse.Namespace
        From :func:`add_arguments`.

    Returns
    -------
    int
    """
    from kit.kernelfree.site import SiteError, check_target, export_site

    folder = args.folder.absolute()
    try:
        check_target(folder)  # before the grids are computed: a mistake answers at once
        from kit.kernelfree.grids import missing

        if missing():
            print(t("site.computing", "en"), file=sys.stderr, flush=True)
        manifest = export_site(folder, tuple(args.lang))
    except SiteError as error:
        print(f"kit export-site: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"kit export-site: interrupted; {folder} is as it was", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as error:
        print(f"kit export-site: failed: {error}; {folder} is as it was", file=sys.stderr)
        return EXIT_FAILED
    size = sum(f["bytes"] for f in manifest["files"])
    files = len(manifest["files"]) + 1
    print(t("site.written", "en", files=files, size=f"{number(size / 1e3)} kB", folder=folder))
    return EXIT_OK
