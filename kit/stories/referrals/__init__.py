"""Story B, the referral flywheel: raving fans who bring the next customers."""

from kit.stories import StoryEntry


def _load():
    from kit.stories.referrals.story import ReferralsStory

    return ReferralsStory


ENTRY = StoryEntry("referrals", "02_referral_flywheel.ipynb", _load)
