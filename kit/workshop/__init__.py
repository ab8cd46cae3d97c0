"""Workshop files and rosters, read within limits and validated with file and line.

* :mod:`~kit.workshop.loader`: the workshop file and :class:`Workshop`;
* :mod:`~kit.workshop.cover`: cover texts per language;
* :mod:`~kit.workshop.roster`: the roster CSV and :class:`Participant`;
* :mod:`~kit.workshop.safe_yaml`: YAML with limits on size, depth and aliases;
* :mod:`~kit.workshop.files`, :mod:`~kit.workshop.plain`, :mod:`~kit.workshop.locate`:
  reading a bounded file, one-line texts, and key paths to lines.
"""

from kit.workshop.errors import WorkshopError
from kit.workshop.files import MAX_BYTES
from kit.workshop.loader import DEFAULT_WORKSHOP, ROSTER_STORY, Workshop, load_workshop
from kit.workshop.roster import Participant, read_roster

__all__ = [
    "DEFAULT_WORKSHOP",
    "MAX_BYTES",
    "Participant",
    "ROSTER_STORY",
    "Workshop",
    "WorkshopError",
    "load_workshop",
    "read_roster",
]
