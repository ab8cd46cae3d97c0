"""Workshop kit: two sales and marketing stories as tested models, charts and notebooks.

Story A, ``kit.nocure``: a no-cure-no-pay deal judged month by month.
Story B, ``kit.referrals``: the referral flywheel and its honest version.
"""

import sys


def _skip_slow_iri_checker() -> None:
    """Keep jsonschema from loading its optional IRI format checker, ``rfc3987_syntax``.

    That package compiles some 35 Lark grammars when imported: 1-2 s in every process
    that imports jsonschema (altair in each kernel, Voila's server, papermill), which
    was most of the wait for a presenter's first page. jsonschema imports it inside
    ``suppress(ImportError)`` and then simply has no "iri" format check, which the kit
    never uses (python-jsonschema/jsonschema#1428).
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


_skip_slow_iri_checker()

from kit.errors import ParameterError  # noqa: E402

__all__ = ["ParameterError"]
__version__ = "0.1.0"
