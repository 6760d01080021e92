"""The record of past plan targets as known at a date: how often each regime's targets were met.

The backtest's case table (``backtest_cases.csv``) holds every past target with its outcome.  A
study as of a date may only count the cases whose outcome had been published by then: a case's
``outcome_published`` where the source dates it, else the end of the year after its target year
(`assessment.assess.PANEL_LAG_YEARS`, the rule for undated panels).  The share met, by regime
(`scoring.regime_of`), is the last-resort probability `assessment.base_rate` shows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..assessment.assess import PANEL_LAG_YEARS
from ..assessment.base_rate import BaseRate
from ..data import regions
from . import scoring

CASES_FILE = "backtest_cases.csv"
CHINESE_SUB_NATIONAL_LEVELS = ("province", "prefecture", "county", "sub-area")  # `data.regions` levels
CASE_COLUMNS = ("status", "region", "indicator", "target_year", "set_year", "met", "outcome_published")


def outcome_known_by(cases: pd.DataFrame) -> pd.Series:
    """The date each case's outcome was public: its ``outcome_published``, else 31 December of target year + lag."""
    stated = pd.to_datetime(cases["outcome_published"], errors="coerce", format="ISO8601")
    lag = pd.to_datetime((cases["target_year"].astype(int) + PANEL_LAG_YEARS).astype(str) + "-12-31")
    return stated.fillna(lag).dt.date


def known_cases(cases: pd.DataFrame, as_of: str | None) -> pd.DataFrame:
    """The scored cases whose outcome had been published by ``as_of`` (ISO date; None: every scored case)."""
    missing = [c for c in CASE_COLUMNS if c not in cases.columns]
    if missing:
        raise ValueError(f"{CASES_FILE} lacks column(s) {', '.join(missing)}")
    scored = cases[(cases["status"] == "scored") & cases["met"].notna()]
    if as_of is None:
        return scored
    return scored[outcome_known_by(scored) <= dt.date.fromisoformat(as_of)]


def assessed_regime(region: str, sub_national) -> str | None:
    """The regime of the region being assessed: a case region's (`scoring.regime_of`), else the one its typed
    level says (any Chinese sub-national level, or a country); None for an aggregate or an unlisted region."""
    if region in sub_national:
        return scoring.SUB_NATIONAL
    try:
        level = regions.get(region).level
    except regions.UnknownRegion:
        return None
    if level in CHINESE_SUB_NATIONAL_LEVELS:
        return scoring.SUB_NATIONAL
    return scoring.COUNTRIES if level == "country" else None


def regime_base_rate(cases: pd.DataFrame, region: str, sub_national, *, as_of: str | None,
                     source: str = CASES_FILE, seed: int = 0,
                     level: float = scoring.BOOTSTRAP_LEVEL) -> BaseRate | None:
    """The share met among the cases of ``region``'s regime known at ``as_of``, with its cohort-bootstrap
    interval (cases set together share their period's shocks: `scoring.case_cohort`); None where the
    region has no regime (`assessed_regime`)."""
    known = known_cases(cases, as_of)
    regime = assessed_regime(region, sub_national)
    if regime is None:
        return None
    regimes = np.array([scoring.regime_of(r, sub_national) for r in known["region"]], dtype=object)
    mine = known[regimes == regime]
    y = mine["met"].to_numpy(dtype=float)
    cohorts = [scoring.case_cohort(r, yr, sub_national) for r, yr in zip(mine["region"], mine["set_year"],
                                                                        strict=True)]
    share = scoring.cohort_bootstrap(y, cohorts, seed=seed, level=level)
    return BaseRate(regime=regime, n_cases=int(y.size), n_met=int(y.sum()), n_cohorts=len(set(cohorts)),
                    low=share.low, high=share.high, level=level, all_cases=int(len(known)),
                    all_met=int(known["met"].sum()),
                    known_by=as_of, source=source)
