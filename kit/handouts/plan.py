"""What a workshop asks for: one :class:`Handout` per story x language (x participant)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import kit
from kit import stories
from kit.handouts.errors import HandoutsError
from kit.text import t
from kit.workshop import ROSTER_STORY, Participant, Workshop

FORMATS = ("html", "pdf")
LIVE_ONLY = "live-only"
"""The tag of the notebooks' interactive panels, left out of a handout."""
TRY_IT = "try-it"
"""The tag of the notebooks' one-liners a participant changes and re-runs, left out too."""
LARGE_RUN = 200
"""Above this many handouts `kit handouts` asks for ``--yes`` before it starts."""
SECONDS_TO_START = 2.0
"""Up to a worker's first notebook: loading the kit, forking the workers and their kernels
(2-core laptop, 30-participant roster and default workshop)."""
SECONDS_A_HANDOUT = {"html": 0.45, "pdf": 0.2}
"""Each handout on one worker, per format asked for (the notebook run is in html's); the
PDF is printed by the run's one browser while the worker runs its next notebook. The
default workshop took 2.8-3.6 s with 2 workers (2 rounds), a 30-participant roster
11.6-12.4 s (16 rounds of about 0.6 s), printed for the first time."""


@dataclass(frozen=True)
class Handout:
    """One handout to write: a notebook, a language, perhaps a participant.

    Parameters
    ----------
    story : str
        Workshop section (``nocure``, ``referrals``).
    notebook : str
        Path of the notebook that tells the story.
    language : str
    parameters : dict
        Validated parameters, ``language`` included.
    formats : tuple of str
        ``html`` and/or ``pdf``; the executed notebook is always kept.
    cover : dict
        Cover and footer texts for the template.
    participant : str or None
        The participant's name as typed, or None for the whole room.
    slug : str or None
        The participant's file-name-safe name.
    """

    story: str
    notebook: str
    language: str
    parameters: dict[str, Any]
    formats: tuple[str, ...]
    cover: dict[str, Any]
    participant: str | None = None
    slug: str | None = None

    @property
    def stem(self) -> str:
        """Path of the handout's files inside the output folder, without extension."""
        name = Path(self.notebook).stem
        if self.slug is None:
            return f"{self.language}/{name}"
        return f"{self.language}/participants/{name}--{self.slug}"

    @property
    def label(self) -> str:
        """How progress lines and errors name this handout."""
        who = f", participant {self.participant!r}" if self.participant else ""
        return f"{Path(self.notebook).name} ({self.language}{who})"


def story_notebooks(workshop: Workshop) -> dict[str, Path]:
    """Story -> the notebook that tells it, for every story the workshop names.

    Raises
    ------
    HandoutsError
        When a story's notebook does not exist.
    """
    notebooks = {}
    for story in workshop.notebooks:
        path = stories.STORIES[story].notebook_path
        if not path.is_file():
            raise HandoutsError(
                f"{workshop.path}: the notebook for '{story}' ({path}) does not exist"
            )
        notebooks[story] = path
    return notebooks


def plan_handouts(
    workshop: Workshop,
    languages: Sequence[str] | None = None,
    formats: Sequence[str] = FORMATS,
) -> list[Handout]:
    """Every handout a workshop asks for: notebooks x languages, plus story A per participant.

    Parameters
    ----------
    workshop : Workshop
    languages : sequence of str, optional
        Overrides the workshop's languages.
    formats : sequence of str
        ``html``, ``pdf`` or both.

    Returns
    -------
    list of Handout

    Raises
    ------
    HandoutsError
        When a story's notebook does not exist.
    """
    notebooks = story_notebooks(workshop)
    plan = []
    for language in tuple(languages or workshop.languages):
        cover = cover_texts(workshop, language)
        for story, params in workshop.notebooks.items():
            plan.append(_handout(story, notebooks[story], language, params, formats, cover))
        for participant in workshop.roster:
            params = workshop.participant_parameters(participant)
            notebook = notebooks[ROSTER_STORY]  # a roster needs story A: the loader checks
            plan.append(
                _handout(ROSTER_STORY, notebook, language, params, formats, cover, participant)
            )
    return plan


def _handout(
    story: str,
    notebook: Path,
    language: str,
    params: dict[str, Any],
    formats: Sequence[str],
    cover: dict[str, Any],
    participant: Participant | None = None,
) -> Handout:
    return Handout(
        story=story,
        notebook=str(notebook),
        language=language,
        parameters={**params, "language": language},
        formats=tuple(formats),
        cover={**cover, "seed": params.get("seed", "")},
        participant=participant.name if participant else None,
        slug=participant.slug if participant else None,
    )


def cover_texts(workshop: Workshop, language: str) -> dict[str, Any]:
    """The cover's and footer's texts in one language (not yet escaped: the template does).

    Parameters
    ----------
    workshop : Workshop
    language : {"en", "nl"}

    Returns
    -------
    dict
    """
    return {
        "version": kit.__version__,
        **workshop.cover(language),  # title, subtitle, coach, organisation in this language
        "date": spoken_date(workshop.date, language),
        "date_label": t("handouts.date_label", language),
        "coach_label": t("handouts.coach_label", language),
        "prepared_for": t("handouts.prepared_for", language),
        "page": t("handouts.page", language),
        "of": t("handouts.of", language),
        "written": spoken_date(datetime.now().date(), language),
    }


def spoken_date(day: Any, language: str) -> str:
    """A date as people write it: ``14 March 2025``, ``14 maart 2025``.

    >>> import datetime
    >>> spoken_date(datetime.date(2025, 3, 14), "nl")
    '14 maart 2025'
    """
    month = t("handouts.months", language)[day.month - 1]
    return t("handouts.date_format", language, day=day.day, month=month, year=day.year)


def estimate_seconds(plan: Sequence[Handout], jobs: int) -> float:
    """About how long ``plan`` takes with ``jobs`` workers, from figures measured on a laptop.

    >>> round(estimate_seconds([], 2))
    0
    """
    if not plan:
        return 0.0
    formats = set(plan[0].formats) | {"html"}  # the page is made even for a PDF only
    each = sum(SECONDS_A_HANDOUT[f] for f in formats)
    rounds = -(-len(plan) // max(1, min(jobs, len(plan))))
    return SECONDS_TO_START + rounds * each
