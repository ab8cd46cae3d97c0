"""Story B, the referral flywheel: the model participants import.

``from kit import referrals; referrals.network_size(10, 3)``.
The functions live in :mod:`kit.stories.referrals.model`; this module is their public name.
"""

from kit.stories.referrals.model import (  # noqa: F401 - the public names
    INT64_LIMIT,
    MAX_RUNS,
    MAX_YEARS,
    Reach,
    band,
    compound,
    compound_table,
    expected_fans,
    extinction_probability,
    first_year_reaching,
    flywheel_stall_probability,
    flywheel_vs_hunting,
    generation_table,
    mean_growth,
    network_size,
    new_logo_hunting,
    overtaking_year,
    simulate,
    stalled_share,
    years_to_reach,
)

__all__ = [
    "INT64_LIMIT",
    "MAX_RUNS",
    "MAX_YEARS",
    "Reach",
    "band",
    "compound",
    "compound_table",
    "expected_fans",
    "extinction_probability",
    "first_year_reaching",
    "flywheel_stall_probability",
    "flywheel_vs_hunting",
    "generation_table",
    "mean_growth",
    "network_size",
    "new_logo_hunting",
    "overtaking_year",
    "simulate",
    "stalled_share",
    "years_to_reach",
]
