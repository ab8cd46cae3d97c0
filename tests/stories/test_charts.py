"""Every chart of every scene gives a spec that passes the Vega-Lite schema, in both languages.

The builders switch off altair's validation at construction for speed; this is where
their specs are validated instead.
"""

import pytest

from kit import nocure
from kit.stories import STORIES
from kit.stories.base import Chart
from kit.stories.nocure import charts


@pytest.mark.parametrize("name", list(STORIES))
@pytest.mark.parametrize("language, scale", [("en", "linear"), ("nl", "log")])
def test_every_chart_is_valid_vega_lite(name, language, scale):
    story_class = STORIES[name].story
    values = {"language": language}
    if "scale" in story_class.schema.names:
        values["scale"] = scale
    values["runs" if "runs" in story_class.schema.names else "n_contracts"] = 500
    story = story_class(values)
    drawn = [part for part in story.parts() if isinstance(part, Chart)]
    assert drawn, name
    for part in drawn:
        spec = part.draw(story).to_dict(validate=True)  # raises SchemaValidationError
        assert spec["title"], part.name


def test_validation_stays_on_outside_the_builders():
    from altair.utils import schemapi

    charts.mood_bars(nocure.client_view(nocure.SEED_RESULTS, 120))
    assert schemapi.DEBUG_MODE is True
