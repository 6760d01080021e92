"""Shared test settings.

Hypothesis: under CI (environment variable ``CI`` set) the ``ci`` profile runs
derandomized -- the same examples on every run, so a red build is never a
coin toss -- and without the example database (nothing written into the
checkout).  Locally the default profile keeps exploring new examples.
``HYPOTHESIS_PROFILE`` picks a profile explicitly.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", settings.get_profile("default"))
_profile = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else None)
if _profile:
    settings.load_profile(_profile)
