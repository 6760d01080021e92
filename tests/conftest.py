"""Shared test settings.

Hypothesis: under CI (environment variable ``CI`` set) the ``ci`` profile runs
derandomized -- the same examples on every run, so a red build is never a
coin toss -- and without the example database (nothing written into the
checkout).  Locally the default profile keeps exploring new examples.
``HYPOTHESIS_PROFILE`` picks a profile explicitly.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from taicang_analysis import api
from taicang_analysis.data import build, io

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", settings.get_profile("default"))
_profile = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else None)
if _profile:
    settings.load_profile(_profile)


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    """Processed tables in a temporary folder, which `io.PROCESSED_DIR` points to for this module."""
    folder = tmp_path_factory.mktemp("data") / "processed"
    io.write_tables_atomically(build.serialise(build.build_tables(io.read_raw())), folder)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(io, "PROCESSED_DIR", folder)
        mp.setattr(api, "_DEFAULT", None)
        yield folder
