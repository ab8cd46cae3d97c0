"""What ``kit present`` was asked to do, and the one error it raises for a user mistake."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kit.resources import NOTEBOOKS

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8866


class PresentError(Exception):
    """A mistake in how ``kit present`` was called, or a machine it cannot serve from."""


@dataclass(frozen=True)
class Options:
    """Everything ``kit present`` was asked to do, validated.

    Parameters
    ----------
    language : {"en", "nl"}
        The index page's and the terminal's language; the pool preheats this language.
    ip : str
        The address to listen on.
    port : int
        The port (0: any free port).
    room : bool
        Room mode: participants on the local network.
    max_participants : int
        Participant kernels at most; one more sees the "room is full" page.
    idle_minutes : float
        A kernel without a page connected and idle this long is shut down.
    pool : int
        Preheated kernels per story notebook in ``language`` (0: start kernels on demand).
    cell_timeout : int
        Seconds one notebook cell may run while a page loads.
    notebooks : Path
        Where the story notebooks are.
    record : Path or None
        The folder where the room's votes are recorded (``votes.jsonl``); None: the
        votes live in memory only (a coach rehearsing alone).
    kernel_free : bool
        Serve everyone the kernel-free deck (:mod:`kit.kernelfree`): no kernel, no Voilà,
        any number of participants.
    """

    language: str = "en"
    ip: str = LOOPBACK
    port: int = DEFAULT_PORT
    room: bool = False
    max_participants: int = 40
    idle_minutes: float = 15.0
    pool: int = 1
    cell_timeout: int = 60
    notebooks: Path = NOTEBOOKS
    record: Path | None = None
    kernel_free: bool = False
