"""Story A, no cure no pay: a performance deal judged month by month."""

from kit.stories import StoryEntry


def _load():
    from kit.stories.nocure.story import NoCureStory

    return NoCureStory


ENTRY = StoryEntry("nocure", "01_no_cure_no_pay.ipynb", _load)
