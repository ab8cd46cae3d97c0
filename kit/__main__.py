"""``python -m kit handouts ...``: the same as the ``kit`` command."""

from kit.cli import command

command()
