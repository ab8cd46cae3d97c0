"""Where the kit's shipped files are: the story notebooks and the data folder.

In a source checkout they are the top-level ``notebooks/`` and ``data/`` folders (the
design card's layout); in an installed wheel the build puts copies of both inside the
package, as ``kit/notebooks`` and ``kit/data``. Everything that needs one of these
folders asks here, so the kit works the same from a clone and from ``pip install``.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    # a checkout's top-level folder wins: an editable install and the tests use it
    checkout = PACKAGE.parent / name
    return checkout if checkout.is_dir() else PACKAGE / name


NOTEBOOKS = _shipped("notebooks")
"""The folder with the story notebooks."""

DATA = _shipped("data")
"""The folder with the seed series and the default workshop."""
