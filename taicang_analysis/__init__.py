"""taicang-analysis: are a plan's S&T targets reachable, how likely, and what would it take.

``import taicang_analysis as ta`` is the front door (see `taicang_analysis.api`)::

    study = ta.Study()                     # the default plan and region, everything published
    a = study.assess("rd_intensity")       # a frozen result: a, a.summary(), a.plot(), a.to_dict()
    ta.assess("rd_intensity")              # the same on a default study

The public names are loaded on first use (PEP 562), so importing the package stays light.
"""

__version__ = "0.1.0"

_API_NAMES = ("AsOf", "InputError", "Plan", "PLANS", "ProgressOptions", "Study", "TargetAssessment", "WhatItTakes", "ScenarioResult",
              "assess", "assess_all", "assess_series", "targets", "series", "coverage", "revisions",
              "default_study", "build_data", "indicators")

__all__ = ["__version__", *_API_NAMES]


def __getattr__(name: str):
    if name in _API_NAMES:
        from . import api
        value = getattr(api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'taicang_analysis' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_API_NAMES))
