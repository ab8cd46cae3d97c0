"""Where the kit's shipped files are: the story notebooks and the data folder.

An installed wheel carries both inside the package, as ``kit/notebooks`` and ``kit/data``
(pyproject.toml maps the top-level folders there when it builds). In a source checkout,
where an editable install imports ``kit`` straight from the clone, they are the top-level
``notebooks/`` and ``data/`` folders of the design card's layout. Everything that needs one
of these folders asks here, so the kit works the same from a clone and from ``pip install``.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    # The packaged copy wins when it exists: beside an installed kit, site-packages/<name>
    # could be another distribution's folder. A checkout has no kit/<name>.
    packaged = PACKAGE / name
    return packaged if packaged.is_dir() else PACKAGE.parent / name


NOTEBOOKS = _shipped("notebooks")
"""The folder with the story notebooks."""

DATA = _shipped("data")
"""The folder with the seed series and the default workshop."""
