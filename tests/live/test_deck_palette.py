"""The mood colours on the rendered chart: apart for a deuteranope and in greyscale, plus shapes."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from kit.live.display import draw_svg
from kit.stories.nocure.story import NoCureStory
from kit.text import t

# Machado, Oliveira and Fernandes (2009): full deuteranopia, on linear RGB
DEUTERANOPIA = np.array(
    [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]
)


def linear(hex_colour: str) -> np.ndarray:
    srgb = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of a linear RGB colour."""
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    x, y, z = (xyz @ rgb) / np.array([0.95047, 1.0, 1.08883])

    def f(v):
        return np.cbrt(v) if v > 0.008856 else 7.787 * v + 16 / 116

    return np.array([116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))])


def rendered_moods(language: str) -> tuple[dict[str, str], dict[str, str]]:
    """Each mood's bar colour and marker shape, read from the SVG the chart draws."""
    story = NoCureStory(n_contracts=500, language=language, results=[20, 15, 5, 45, 20, 15])
    svg = draw_svg(NoCureStory.scene("months").parts[0].draw(story).to_dict(), language)
    fills, shapes = {}, {}
    for mood in ("pleased", "worried", "alarm"):
        word = re.escape(t(f"nocure.moods.{mood}", language))
        bar = re.search(
            rf'aria-roledescription="bar"[^>]*?{word}[^>]*?fill="(#[0-9a-f]{{6}})"', svg
        )
        bar = bar or re.search(
            rf'{word}[^>]*aria-roledescription="bar"[^>]*fill="(#[0-9a-f]{{6}})"', svg
        )
        point = re.search(rf'{word}[^>]*aria-roledescription="point"[^>]*d="([^"]+)"', svg)
        assert bar and point, mood
        fills[mood], shapes[mood] = bar.group(1), point.group(1)
    return fills, shapes


@pytest.mark.parametrize("language", ["en", "nl"])
def test_moods_stay_apart_for_a_deuteranope_in_greyscale_and_by_shape(language):
    fills, shapes = rendered_moods(language)
    for a, b in itertools.combinations(fills, 2):
        seen_a = lab(np.clip(DEUTERANOPIA @ linear(fills[a]), 0, 1))
        seen_b = lab(np.clip(DEUTERANOPIA @ linear(fills[b]), 0, 1))
        assert np.linalg.norm(seen_a - seen_b) > 20, f"{a}/{b} look alike to a deuteranope"
        grey = abs(lab(linear(fills[a]))[0] - lab(linear(fills[b]))[0])
        assert grey > 15, f"{a}/{b} look alike in greyscale"
    assert len(set(shapes.values())) == 3  # a second cue: circle, triangle, cross
