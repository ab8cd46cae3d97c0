"""A handout's sliders: the kernel-free scenes a page keeps, made without nbconvert.

The workers make them (:func:`live_charts`), right after a handout's notebook has run;
the run's own process puts them on the page (:mod:`kit.handouts.export`). Neither this
module nor the workers need nbconvert, so the workers start before it is imported.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from kit.cache import cache_dir, digest, kit_fingerprint, remembered
from kit.handouts.plan import Handout
from kit.text import t

LIVE_KEPT = 128
"""Handouts' kernel-free scenes kept in the cache (a handout's are 0.1-0.3 MB; a roster
run adds one per participant)."""


def live_charts(handout: Handout) -> dict[str, str]:
    """Chart name -> its scene's kernel-free form (HTML), for the scenes that have one.

    Each grid goes on the page once, packed. A story without kernel-free scenes, or
    whose values the grids do not hold, gets fewer (or none): its charts stay static.
    """
    from kit.kernelfree import specs
    from kit.stories import STORIES

    entry = STORIES.get(handout.story)
    free = specs.SCENES.get(handout.story, {})
    if entry is None or not free:
        return {}
    story_class = entry.story
    story = story_class(
        {
            name: value
            for name, value in handout.parameters.items()
            if name in story_class.schema.names
        }
    )
    # A pure function of the kit and the story's values: kept on disk, as the SVG charts
    # are, so regenerated handouts (and each worker's warm-up) do not rebuild the specs
    # with Altair and pack the grids again (about 0.1-0.4 s of a core a handout).
    values = json.dumps(story.values, sort_keys=True, default=repr)
    name = f"{digest(kit_fingerprint(), handout.story, values)}.json"
    made = remembered("live", name, lambda: json.dumps(_drawn_live_charts(story)), LIVE_KEPT)
    return json.loads(made)


def _drawn_live_charts(story: Any) -> dict[str, str]:
    from kit.kernelfree import embed, specs
    from kit.stories.base import Chart

    free = specs.SCENES.get(story.name, {})
    grids_on_page: set[str] = set()
    charts = {}
    for scene in story.scenes:
        if scene.name not in free:
            continue
        fragment = embed.scene_fragment(story, scene.name, grids_on_page, packed=True)
        chart = next((part.name for part in scene.parts if isinstance(part, Chart)), None)
        if fragment is not None and chart is not None:
            charts[chart] = fragment
    return charts


def prepare_kernel_free(handouts: list[Handout]) -> None:
    """Simulate, once, the grids the handouts' sliders read and the cache lacks.

    Called before the workers start: each would otherwise simulate the same grid (they
    inherit it even when the cache cannot keep it). Says so on stderr, as it takes a
    minute or two, and says so again when the cache could not keep it.
    """
    from kit.kernelfree import grids

    stories = {handout.story for handout in handouts} & set(grids.missing())
    if not stories:
        return
    language = handouts[0].language
    print(t("site.computing", language), file=sys.stderr, flush=True)
    for story in sorted(stories):
        {"nocure": grids.outcome_grid, "referrals": grids.band_grid}[story]()
    if stories & set(grids.missing()):  # held for this run only (grids._MADE)
        print(t("site.not_kept", language, folder=cache_dir()), file=sys.stderr, flush=True)
