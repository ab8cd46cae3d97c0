"""Every control of every scene changes something that scene shows, in the kernel.

The deck's browser test moves each control in Chromium; this one is its fast twin: for
each scene and each slider or choice it lets a participant move, the story is moved to
the control's other end (or other choice) and the scene's charts and sentences are drawn
again. At least one of them must differ, with no control exempt.
"""

from __future__ import annotations

import json

import pytest

from kit.errors import ParameterError
from kit.stories import STORIES
from kit.stories.base import Chart

TOPICS = {name: entry.load() for name, entry in STORIES.items()}
SMALLER = {"nocure": {"n_contracts": 2000}, "referrals": {"runs": 2000}}  # a fast simulation


def drawn(scene, story) -> list[str]:
    """What a scene shows, as text: each chart's spec and each sentence."""
    shown = []
    for part in scene.parts:
        if isinstance(part, Chart):
            shown.append(json.dumps(part.draw(story).to_dict(validate=False), sort_keys=True))
        else:
            shown.append(part.write(story))
    return shown


def other_values(param, value):
    """The values a participant reaches from ``value``: both ends, or the other choices."""
    if param.kind == "choice":
        return [c for c in param.choices if c != value]
    low, high = param.slider_range
    return [v for v in (low, high) if v != value]


CASES = [
    (topic, scene.name, control)
    for topic, cls in TOPICS.items()
    for scene in cls.scenes
    for control in scene.controls
    if control not in cls.lists
]


@pytest.mark.parametrize(("topic", "scene_name", "control"), CASES)
def test_a_control_changes_what_its_scene_shows(topic, scene_name, control):
    story = TOPICS[topic](language="en", **SMALLER[topic])
    scene = story.scene(scene_name)
    before = drawn(scene, story)
    param = story.schema[control]
    changed = []
    for value in other_values(param, story[control]):
        try:
            changed.append(drawn(scene, story.moved({control: value})) != before)
        except ParameterError:  # refused: the slide says so on its message line
            changed.append(True)
    assert any(changed), f"{topic}/{scene_name}: moving {control} changes nothing"
