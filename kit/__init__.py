"""Workshop kit: two sales and marketing stories as tested models, charts and notebooks.

Story A, ``kit.nocure``: a no-cure-no-pay deal judged month by month.
Story B, ``kit.referrals``: the referral flywheel and its honest version.
"""

from kit.errors import ParameterError

__all__ = ["ParameterError"]
__version__ = "0.1.0"
