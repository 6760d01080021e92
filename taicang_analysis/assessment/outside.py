"""The outside view of one target: the stated analogue (`forecast.outside_views`), run as the v2 model.

Every Table 2 indicator states which panel (if any) is its fair analogue.  Where
one is stated and the region has a published value, the outside-view model
(`forecast.outside_view`, regime: Chinese regions) projects the series from its
last value and gives P(met) -- reported beside the pool's, never silently mixed
into it: the pre-registered comparison (docs/preregistration.md) kept the pool as
the headline method.  Where the pool cannot run (one observation and no
matching reference class) the outside view's probability is the headline and is
labelled as such (`HeadlineSource`).  Where no analogue is stated, or the model
cannot be estimated, the reason is said.

A ``"growth"`` analogue (a proxy whose levels differ) is fitted without the
level term: only its drift, spread between regions and noise carry over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..data import vintages
from ..forecast import models
from ..forecast import outside_view as ov
from ..forecast.outside_views import OUTSIDE_VIEWS, OutsideView

REGIME = "cn_regions"  # the regime a Chinese county belongs to (docs/preregistration.md, section 1)
REGIME_EXCLUDE = ("China",)  # the national row is not a region of the class
HeadlineSource = Literal["pool", "outside_view", "base_rate"]  # base_rate: `base_rate.with_base_rate`
EARLIEST_QUANTILES = (0.1, 0.5, 0.9)


@dataclass(frozen=True)
class PeerPace:
    """One peer's published pace: from its first to its last value known at the as-of (a description, not a model)."""

    region: str
    first_year: int
    first_value: float
    last_year: int
    last_value: float

    @property
    def per_year(self) -> float:
        return (self.last_value - self.first_value) / (self.last_year - self.first_year)


def peer_pace(panel: pd.DataFrame | None) -> tuple[PeerPace, ...]:
    """Each region's first and last published value in ``panel`` (region, year, value), for regions with two
    years or more, by region name: where a same-definition class is too small to estimate, the pace its
    members actually kept is still a fact a reader can hold a projection against."""
    if panel is None or panel.empty:
        return ()
    out = []
    for region, g in panel.sort_values("year").groupby("region", sort=True):
        if g["year"].nunique() < 2:
            continue
        first, last = g.iloc[0], g.iloc[-1]
        out.append(PeerPace(str(region), int(first["year"]), float(first["value"]), int(last["year"]),
                            float(last["value"])))
    return tuple(out)


@dataclass(frozen=True, eq=False)
class OutsideViewResult:
    """What the stated outside view says about one target (``ran`` False: ``reason`` says why not)."""

    indicator: str | None
    stated: OutsideView | None
    ran: bool
    reason: str
    probability: float | None = None
    projection: dict | None = None
    forecast: models.Forecast | None = None
    fit: ov.RegimeFit | None = None
    peers: tuple[str, ...] = ()
    peer_pace: tuple[PeerPace, ...] = ()  # where a same-definition class could not be estimated

    def to_dict(self) -> dict:
        s = self.stated
        return {
            "indicator": self.indicator, "ran": self.ran, "reason": self.reason,
            "collection": None if s is None else s.collection,
            "panel_indicator": None if s is None else s.panel_indicator,
            "fair_for": None if s is None else s.fair_for,
            "why_this_analogue": None if s is None else s.reason,
            "regime": REGIME if self.ran else None,
            "model": None if self.forecast is None else self.forecast.model,
            "fit": None if self.fit is None else self.fit.describe(),
            "n_regions": None if self.fit is None else self.fit.n_regions,
            "n_changes": None if self.fit is None else self.fit.n_changes,
            "probability": self.probability, "calibrated": False,
            "probability_rule": "(k + 0.5) / (N + 1) of N draws (never exactly 0 or 1); not recalibrated",
            "projection": self.projection,
            "peer_pace": [{"region": pp.region, "first_year": pp.first_year, "first_value": pp.first_value,
                           "last_year": pp.last_year, "last_value": pp.last_value, "per_year": pp.per_year}
                          for pp in self.peer_pace],
        }


def stated_view(indicator: str | None) -> OutsideView | None:
    return OUTSIDE_VIEWS.get(indicator) if indicator is not None else None


def analogue_panel(observations: pd.DataFrame, view: OutsideView, *, region: str,
                   cutoff: str | None) -> pd.DataFrame:
    """The stated analogue's panel (region, year, value) as known at ``cutoff`` (strictly, by
    publication date), without the assessed region, the national row and aggregates; ``peers``
    narrows it when stated."""
    rows = observations[(observations["collection"] == view.collection)
                        & (observations["indicator"] == view.panel_indicator)]
    if "aggregate" in rows.columns:
        rows = rows[~rows["aggregate"].astype(bool)]
    rows = rows[~rows["region"].isin([region, *REGIME_EXCLUDE])]
    if view.peers:
        rows = rows[rows["region"].isin(view.peers)]
    if rows.empty:
        return pd.DataFrame({"region": pd.Series(dtype="str"), "year": pd.Series(dtype="int64"),
                             "value": pd.Series(dtype="float64")})
    known = vintages.known_values(rows, cutoff)
    return known[["region", "year", "value"]].reset_index(drop=True)


def run_outside_view(series: pd.Series, target, *, indicator: str | None, kind: str, direction: str,
                     bounds, panel: pd.DataFrame | None, horizon_year: int, n_draws: int = 10_000, seed: int = 0,
                     level: float = 0.8) -> OutsideViewResult:
    """Run the stated outside view of ``indicator`` on ``series`` (already cut to the as-of) against
    ``target`` (`assess.TargetSpec`), with draws to ``horizon_year``; pure."""
    view = stated_view(indicator)
    if view is None:
        why = ("no outside view is stated for a series of your own" if indicator is None
               else f"no outside view is stated for {indicator}")
        return OutsideViewResult(indicator, None, False, why)
    if view.collection is None:
        return OutsideViewResult(indicator, view, False, f"no fair analogue: {view.reason}")
    s = pd.Series(series, dtype=float).dropna()
    if s.empty:
        return OutsideViewResult(indicator, view, False, "no published value of the region to start from")
    latest_year = int(s.index[-1])
    if target.year <= latest_year:
        return OutsideViewResult(indicator, view, False,
                                 f"the target year {target.year} is not after the latest observation ({latest_year})")
    if panel is None or panel.empty:
        return OutsideViewResult(indicator, view, False,
                                 f"the analogue {view.collection}/{view.panel_indicator} has no value known at the as-of")
    got = project(s, target, kind=kind, direction=direction, bounds=bounds, panel=panel, regime=REGIME,
                  level_effect=view.fair_for == "level", horizon_year=horizon_year, n_draws=n_draws, seed=seed,
                  level=level)
    if isinstance(got, models.Skipped):
        pace = peer_pace(panel) if view.fair_for == "level" else ()  # a proxy's levels say nothing of the pace
        return OutsideViewResult(indicator, view, False, got.reason, peers=view.peers, peer_pace=pace)
    fc, fit, p, projection = got
    return OutsideViewResult(indicator, view, True, f"{fc.model}: {fc.notes}", probability=p, projection=projection,
                             forecast=fc, fit=fit, peers=view.peers)


def project(series: pd.Series, target, *, kind: str, direction: str, bounds, panel: pd.DataFrame, regime: str,
            level_effect: bool, horizon_year: int, n_draws: int = 10_000, seed: int = 0, level: float = 0.8):
    """Fit the regime on ``panel`` and project ``series`` (non-empty, its last year before the target's):
    (forecast, fit, P(met) as (k + 0.5)/(N + 1), target-year projection), or `models.Skipped` saying why not.
    The one computation behind the assessment's outside view and the ledger's."""
    fit = ov.fit_regime(panel, kind=kind, regime=regime, bounds=bounds, level_effect=level_effect)
    if isinstance(fit, models.Skipped):
        return models.Skipped(fit.model, f"the class cannot be estimated: {fit.reason}")
    fc = ov.outside_view_forecast(series, max(horizon_year, target.year), kind=kind, regime=regime, bounds=bounds,
                                  fit=fit, n_draws=n_draws, seed=seed)
    if isinstance(fc, models.Skipped):
        return fc
    values = fc.draws[:, fc.years.index(target.year)]
    p = ov.smoothed_probability(target.met(values, direction))
    tail = (1 - level) / 2
    lo, med, hi = np.quantile(values, [tail, 0.5, 1 - tail])
    projection = {"year": target.year, "median": float(med), "lower": float(lo), "upper": float(hi), "level": level}
    return fc, fit, p, projection


def with_outside_view(assessment, result: OutsideViewResult):
    """``assessment`` with the outside view attached; where the pool gave no probability and the
    outside view ran, its probability, projection and earliest year become the headline
    (``headline_source == "outside_view"``)."""
    from dataclasses import replace

    from .assess import NO_PANEL_NOTE, _earliest_year

    if assessment.probability is not None or not result.ran:
        return replace(assessment, outside_view=result)
    fc = result.forecast
    q = fc.quantiles(EARLIEST_QUANTILES)
    earliest = _earliest_year(q, assessment.target, assessment.direction, pooled_until=int(fc.years[-1]))
    reason = (f"the pool could not run, so the stated outside view gives the probability: share of its draws "
              f"meeting the target, (k + 0.5) / (N + 1), uncalibrated ({fc.model}, analogue "
              f"{result.stated.collection}/{result.stated.panel_indicator}, fair for {result.stated.fair_for})")
    return replace(assessment, outside_view=result, probability=result.probability, probability_reason=reason,
                   pooled=fc, pool_members=((fc.model, 1.0),), projection=result.projection, earliest_year=earliest,
                   headline_source="outside_view",
                   notes=tuple(n for n in assessment.notes if n != NO_PANEL_NOTE))
