"""The two ways `kit handouts` can fail, and the exit codes the command gives them."""

from __future__ import annotations


class HandoutsError(Exception):
    """A reason not to start at all (exit code 2): a folder that cannot be written, ..."""


class HandoutError(Exception):
    """A handout that could not be written: names notebook, language, participant and cell."""
