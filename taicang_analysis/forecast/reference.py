"""Reference classes: what happened next to regions that looked like this one.

A county series with three points cannot carry its own uncertainty.  A panel
(tidy ``region, year, value``: Chinese provinces' R&D intensity, the World
Bank's ~190 economies) can: the empirical distribution of k-year changes of
regions that stood at a similar level and grew at a similar pace is an
outside-view predictive distribution for the county's next k years.

Matching rule
-------------
1. Candidate origins are (region, year t) with the value observed at both t
   and t + k.  Panels are never interpolated: a missing year is simply not an
   origin or an end point.  With ``max_origin_year`` every panel value dated
   after it is dropped first (the as-of cut), so t + k <= max_origin_year and
   nothing later is used, not even for recent growth.
2. Similar level: ``|log(level_it / level)| <= level_band`` (0.35 by default,
   i.e. within about x0.70..x1.42 of the target's latest value).  Non-positive
   levels cannot match.
3. Similar recent growth (only when the target's recent growth is known): the
   region's CAGR over t - j .. t, with j the largest of 5, 4, 3 observed,
   within ``+-growth_band`` (0.04 = 4 pp/yr) of the target's.  The target's
   recent growth is computed the same way from its own series
   (`recent_growth`).  Origins without an observation 3-5 years back do not
   match then.
4. Fewer than ``min_matches`` matches: both bands are widened x1.5, up to 3
   times, and ``rule`` says so; still too few gives `models.Skipped`.
5. Weights: every matched region counts equally; its origins share its
   weight (1 / number of its origins / number of regions; weights sum to 1).
6. ``exclude_regions`` are removed before anything else: a case's own region
   never assesses it.

Changes are measured on the scale that keeps the indicator meaningful: log
ratios (``log``) for counts and rates, logit differences (``logit``) for
shares, so projected shares stay inside their bounds, and plain differences
(``diff``) for levels.

`reference_forecast` builds one class per horizon k = 1..H (vectorised, about
a millisecond each) rather than scaling a single k: scaling would assume that
growth persists, which is exactly what the outside view is supposed to
measure.  The horizons share one uniform rank per draw (inverse-CDF sampling
with common random numbers): every year's marginal is exactly that horizon's
weighted empirical distribution, and a row is a rank-coupled path (the same
percentile every year), not an observed trajectory.  Use the draws per year;
anything path-dependent ("reached in any year") from them assumes that a
region's rank persists.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import models
from .models import Skipped, _DrawsSummary

SCALES: tuple[str, ...] = ("log", "logit", "diff")
_SCALE_OF_KIND = {"share": "logit", "rate": "log", "count": "log", "level": "diff"}
GROWTH_LAGS: tuple[int, ...] = (5, 4, 3)  # recent-growth window, longest observed first
WIDEN_FACTOR, MAX_WIDENINGS = 1.5, 3


@dataclass(frozen=True, eq=False)
class ReferenceClass:
    """Matched (region, origin year) pairs and their k-year changes on ``scale``.

    ``matches`` (region, origin_year, level, recent_growth, change, weight) is
    the frame of ``columns`` (name -> array), built on first use: most classes
    only feed draws (the backtest builds tens of thousands), which read the arrays.
    """

    panel_name: str
    k: int
    scale: str
    columns: dict = field(repr=False)  # region, origin_year, level, recent_growth, change, weight -> arrays
    n_regions: int
    rule: str

    @functools.cached_property
    def matches(self) -> pd.DataFrame:
        return pd.DataFrame(self.columns)


@dataclass(frozen=True, eq=False)
class ReferenceForecast(_DrawsSummary):
    """Draws from reference classes, one per horizon; accessors as `models.Forecast`.

    ``growth`` is the weighted-median change of the longest horizon per year,
    on the scale (``exp(.) - 1`` for log and logit, units/yr for diff).
    """

    years: tuple[int, ...]
    draws: np.ndarray
    growth: float | None
    notes: str
    classes: tuple[ReferenceClass, ...]
    model: str = "reference_class"

    def __post_init__(self):
        models._freeze_draws(self, self.years)


def _scale_args(scale: str) -> str:
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose from {SCALES}")
    return "identity" if scale == "diff" else scale


def _transform(values, scale: str, bounds) -> np.ndarray:
    """Values on the change scale; NaN where the transform is undefined."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = models._forward(np.asarray(values, dtype=float), _scale_args(scale), bounds)
    return np.where(np.isfinite(z), z, np.nan)


def _cagr(end, start, years: int):
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.expm1(np.log(end / start) / years)
    return np.where((end > 0) & (start > 0), g, np.nan)


def recent_growth(series: pd.Series) -> float | None:
    """CAGR into the latest observation from 5, else 4, else 3 years earlier (None if none)."""
    return _recent_growth(models._check_series(series))


def _recent_growth(s: pd.Series) -> float | None:
    """`recent_growth` of a series `models._check_series` has already checked."""
    if s.empty:
        return None
    last = s.index[-1]
    for j in GROWTH_LAGS:
        if last - j in s.index:
            g = float(_cagr(s[last], s[last - j], j))
            return None if np.isnan(g) else g
    return None


def _prepare(panel: pd.DataFrame, exclude_regions, max_origin_year, scale, bounds) -> dict:
    """Region x calendar-year arrays of levels, change-scale values and recent growth.

    Every calendar year between the first and last gets a column (NaN where
    unobserved), so "j columns back" is "j years back"; nothing is filled.
    """
    missing = {"region", "year", "value"} - set(panel.columns)
    if missing:
        raise ValueError(f"panel lacks columns {sorted(missing)}")
    p = panel.loc[panel["value"].notna() & ~panel["region"].isin(list(exclude_regions)),
                  ["region", "year", "value"]].astype({"year": int, "value": float})
    if max_origin_year is not None:
        p = p[p["year"] <= max_origin_year]
    if p.duplicated(["region", "year"]).any():
        raise ValueError("panel has duplicate (region, year) rows")
    wide = p.pivot(index="region", columns="year", values="value")
    years = (np.arange(int(wide.columns.min()), int(wide.columns.max()) + 1)
             if not wide.empty else np.arange(0))
    level = wide.reindex(columns=years).to_numpy(dtype=float)
    growth = np.full_like(level, np.nan)
    for j in GROWTH_LAGS:  # longest window first; shorter ones only fill what is still unknown
        g = np.full_like(level, np.nan)
        g[:, j:] = _cagr(level[:, j:], level[:, :-j], j)
        growth = np.where(np.isnan(growth), g, growth)
    return {"regions": wide.index.to_numpy(), "years": years, "level": level,
            "growth": growth, "z": _transform(level, scale, bounds)}


def _candidates(prep: dict, k: int) -> dict[str, np.ndarray]:
    """Every (region, t) with a value at t and t + k: its row in ``prep``, origin year, level, recent growth,
    change (region-major order, as ``np.nonzero`` gives them)."""
    z, level = prep["z"], prep["level"]
    change = z[:, k:] - z[:, :-k] if k < z.shape[1] else np.empty((len(z), 0))
    width = change.shape[1]  # origin columns 0 .. Y-k-1
    ok = ~np.isnan(change) & (level[:, :width] > 0)
    rows, cols = np.nonzero(ok)
    return {"row": rows, "origin_year": prep["years"][cols], "level": level[:, :width][ok],
            "recent_growth": prep["growth"][:, :width][ok], "change": change[ok]}


_MATCH_COLUMNS = ("origin_year", "level", "recent_growth", "change")


def _classify(cands: dict, regions: np.ndarray, *, level, recent_growth, k, scale, panel_name, max_origin_year,
              exclude_regions, level_band, growth_band, min_matches) -> ReferenceClass | Skipped:
    """The class of horizon ``k`` from `_candidates`' arrays (``regions``: the names their ``row`` indexes)."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    if not level > 0:
        return Skipped("reference_class", f"level matching is on log ratios; target level {level} <= 0")
    dist = np.abs(np.log(cands["level"] / level))
    gdist = (np.abs(cands["recent_growth"] - recent_growth)
             if recent_growth is not None else np.zeros(len(cands["level"])))
    for widenings in range(MAX_WIDENINGS + 1):
        lb, gb = (b * WIDEN_FACTOR ** widenings for b in (level_band, growth_band))
        ok = (dist <= lb) & (gdist <= gb)  # NaN growth never satisfies <=
        n_ok = int(ok.sum())
        if n_ok >= min_matches:
            break
    growth_txt = (f"recent growth (CAGR over t-j..t, j = 5 else 4 else 3) within +-{gb:.4g}/yr"
                  f" of {recent_growth:.4g}" if recent_growth is not None
                  else "recent growth not used (target's recent growth unknown)")
    rule = (f"{panel_name}: origins t with t and t+{k} observed (no interpolation)"
            + (f", panel cut at {max_origin_year}" if max_origin_year is not None else "")
            + (f", excluding {', '.join(map(str, exclude_regions))}" if exclude_regions else "")
            + f"; |log(level/{level:.4g})| <= {lb:.4g} (x{np.exp(-lb):.2f}..x{np.exp(lb):.2f});"
            f" {growth_txt}")
    if widenings:
        rule += (f"; bands widened x{WIDEN_FACTOR} {widenings} time(s) from level_band"
                 f" {level_band:g}, growth_band {growth_band:g} to reach min_matches {min_matches}")
    if n_ok < min_matches:
        return Skipped("reference_class", f"only {n_ok} matches < min_matches {min_matches}"
                       f" after widening {MAX_WIDENINGS} times; rule: {rule}")
    rows = cands["row"][ok]
    _, where, per_region = np.unique(rows, return_inverse=True, return_counts=True)
    n_regions = len(per_region)
    names = regions[rows]
    if not len(names) and len(cands["row"]):  # the dtype a frame of every candidate, cut to none, would keep
        names = pd.Series(regions[cands["row"]]).iloc[:0].array
    columns = {"region": names, **{c: cands[c][ok] for c in _MATCH_COLUMNS},
               "weight": 1.0 / per_region[where] / n_regions}
    rule += (f"; {n_ok} matches from {n_regions} regions, each region weighted"
             " equally (1/its number of origins)")
    return ReferenceClass(panel_name=panel_name, k=k, scale=scale, columns=columns, n_regions=n_regions, rule=rule)


@dataclass(frozen=True, eq=False)
class PreparedPanel:
    """A panel's region x calendar-year arrays on one scale, prepared once (`prepare_panel`).

    `reference_forecast` takes it in place of the tidy frame when one panel
    serves many forecasts (the backtest's rolling origins): the exclusion and
    the as-of cut become a filter on each horizon's candidates -- region not
    excluded, t + k <= ``max_origin_year`` -- which keeps exactly the
    candidates, in the same order and with the same values, that preparing
    the cut frame gives (a region's recent growth at t only looks back from
    t), so the draws are identical.
    """

    scale: str
    bounds: tuple[float, float]
    prep: dict
    _by_k: dict = field(default_factory=dict, repr=False)  # k -> the whole panel's candidates
    _excluded: dict = field(default_factory=dict, repr=False)  # exclude_regions -> their rows
    _last_without: dict = field(default_factory=dict, repr=False)  # k -> (exclude_regions, candidates without them)

    def candidates(self, k: int, exclude_regions=(), max_origin_year: int | None = None) -> dict[str, np.ndarray]:
        """`_candidates` of the panel without ``exclude_regions`` and cut at ``max_origin_year``.

        The candidates without ``exclude_regions`` are kept for the next call with the same exclusion (a
        rolling task asks for one region's origins in a row): the cut then filters them, which keeps the
        same candidates in the same order as one filter with both conditions.
        """
        full = self._by_k.get(k)
        if full is None:
            full = self._by_k[k] = _candidates(self.prep, k)
        base = full
        if len(exclude_regions):
            key = tuple(exclude_regions)
            last = self._last_without.get(k)
            if last is not None and last[0] == key:
                base = last[1]
            else:
                out = self._excluded.get(key)
                if out is None:
                    out = self._excluded[key] = np.flatnonzero(pd.Index(self.prep["regions"]).isin(list(key)))
                if len(out):
                    keep = ~np.isin(full["row"], out)
                    base = {name: a[keep] for name, a in full.items()}
                self._last_without[k] = (key, base)
        if max_origin_year is None:
            return base
        inside = base["origin_year"] + k <= max_origin_year
        return {name: a[inside] for name, a in base.items()}


def prepare_panel(panel: pd.DataFrame, *, kind: str, bounds: tuple[float, float] | None = None) -> PreparedPanel:
    """The panel prepared once for `reference_forecast` calls of one ``kind`` (and ``bounds``).

    Raises ``ValueError`` for a panel with duplicate (region, year) rows even
    where a cut would have dropped one of them.
    """
    if kind not in _SCALE_OF_KIND:
        raise ValueError(f"unknown kind {kind!r}; choose from {tuple(_SCALE_OF_KIND)}")
    bounds = tuple(map(float, bounds)) if bounds is not None else (0.0, 100.0)
    scale = _SCALE_OF_KIND[kind]
    return PreparedPanel(scale=scale, bounds=bounds, prep=_prepare(panel, (), None, scale, bounds))


def build_reference_class(panel: pd.DataFrame, *, level: float, recent_growth: float | None,
                          k: int, scale: str, panel_name: str, exclude_regions: tuple[str, ...] = (),
                          max_origin_year: int | None = None, level_band: float = 0.35,
                          growth_band: float = 0.04, min_matches: int = 30,
                          bounds: tuple[float, float] = (0.0, 100.0)) -> ReferenceClass | Skipped:
    """Match panel origins to a target level and recent growth (rule in the module docstring).

    Parameters
    ----------
    panel : tidy ``region, year, value`` frame of one indicator.
    level, recent_growth : the target's latest value and its CAGR (None: unknown).
    k : horizon of the changes, years.
    scale : ``log`` | ``logit`` | ``diff``; ``bounds`` is used by ``logit`` only.
    exclude_regions, max_origin_year : removed regions; as-of cut of the panel.
    level_band, growth_band, min_matches : the matching tolerances, see the rule.

    Returns
    -------
    ReferenceClass or Skipped
        Skipped when fewer than ``min_matches`` origins match after widening.
    """
    prep = _prepare(panel, exclude_regions, max_origin_year, scale, bounds)
    return _classify(_candidates(prep, k), prep["regions"], level=level, recent_growth=recent_growth, k=k, scale=scale,
                     panel_name=panel_name, max_origin_year=max_origin_year,
                     exclude_regions=tuple(exclude_regions), level_band=level_band,
                     growth_band=growth_band, min_matches=min_matches)


def _weighted_inverse_cdf(changes: np.ndarray, weights: np.ndarray, u: np.ndarray,
                          u_order: np.ndarray | None = None) -> np.ndarray:
    """``u_order`` (``np.argsort(u)``, when one ``u`` serves many classes): the same indices, found for the
    sorted ranks (a search that walks forward) and put back in ``u``'s order."""
    order = np.argsort(changes, kind="stable")
    cum = np.cumsum(weights[order])
    if u_order is None:
        idx = np.searchsorted(cum / cum[-1], u, side="right")
    else:
        idx = np.empty(len(u), dtype=np.intp)
        idx[u_order] = np.searchsorted(cum / cum[-1], u[u_order], side="right")
    return changes[order][np.minimum(idx, len(changes) - 1)]


def reference_forecast(series: pd.Series, horizon_year: int, panel: pd.DataFrame | PreparedPanel, *, kind: str,
                       bounds: tuple[float, float] | None = None, panel_name: str,
                       exclude_regions: tuple[str, ...] = (), max_origin_year: int | None = None,
                       n_draws: int = 10_000, seed: int = 0, level_band: float = 0.35,
                       growth_band: float = 0.04, min_matches: int = 30) -> ReferenceForecast | Skipped:
    """Predictive draws for every year after the series' last one, from reference classes.

    The latest observed value is moved by sampled k-year changes, k = 1..H,
    one reference class per k (see the module docstring for why and how draws
    are coupled across years).  ``level_band``, ``growth_band`` and
    ``min_matches`` go to the class builder unchanged for every horizon.
    ``panel`` is the tidy frame or the same frame prepared once by
    `prepare_panel` for this ``kind`` and ``bounds`` (identical draws; faster
    when one panel serves many forecasts).

    Returns
    -------
    ReferenceForecast or Skipped
        Skipped when the latest value is outside the scale's domain or any
        horizon's class has too few matches (the reason names the horizon).
    """
    return _reference_forecast(series, horizon_year, panel, kind=kind, bounds=bounds, panel_name=panel_name,
                               exclude_regions=exclude_regions, max_origin_year=max_origin_year, n_draws=n_draws,
                               seed=seed, level_band=level_band, growth_band=growth_band, min_matches=min_matches)


def longest_reference_forecast(series: pd.Series, horizon_year: int, panel: pd.DataFrame | PreparedPanel, *,
                               kind: str, bounds: tuple[float, float] | None = None, panel_name: str,
                               exclude_regions: tuple[str, ...] = (), max_origin_year: int | None = None,
                               n_draws: int = 10_000, seed: int = 0, level_band: float = 0.35,
                               growth_band: float = 0.04, min_matches: int = 30) -> ReferenceForecast | Skipped:
    """`reference_forecast` to the longest horizon up to ``horizon_year`` whose classes all have enough matches.

    A class does not depend on the longest horizon asked for and the draws'
    ranks do not either (same seed), so this is `reference_forecast` to the
    year before the first horizon that fails, without building the classes
    twice.  `Skipped` when even the first horizon fails (or the latest value
    is outside the scale's domain).
    """
    return _reference_forecast(series, horizon_year, panel, kind=kind, bounds=bounds, panel_name=panel_name,
                               exclude_regions=exclude_regions, max_origin_year=max_origin_year, n_draws=n_draws,
                               seed=seed, level_band=level_band, growth_band=growth_band, min_matches=min_matches,
                               longest=True)


def _reference_forecast(series, horizon_year, panel, *, kind, bounds, panel_name, exclude_regions, max_origin_year,
                        n_draws, seed, level_band, growth_band, min_matches, longest: bool = False):
    if kind not in _SCALE_OF_KIND:
        raise ValueError(f"unknown kind {kind!r}; choose from {tuple(_SCALE_OF_KIND)}")
    bounds = tuple(map(float, bounds)) if bounds is not None else (0.0, 100.0)
    s = models._check_series(series)
    if s.empty:
        raise ValueError("series has no observations")
    last_year, latest = int(s.index[-1]), float(s.iloc[-1])
    if horizon_year <= last_year:
        raise ValueError(f"horizon_year {horizon_year} must be after the last observation {last_year}")
    scale = _SCALE_OF_KIND[kind]
    z0 = float(_transform([latest], scale, bounds)[0])
    if np.isnan(z0):
        return Skipped("reference_class", f"latest value {latest} outside the {scale} scale's domain")
    if isinstance(panel, PreparedPanel):
        if (panel.scale, panel.bounds) != (scale, bounds):
            raise ValueError(f"the prepared panel is on the {panel.scale} scale with bounds {panel.bounds}; "
                             f"this forecast needs {scale} with {bounds}")
        regions = panel.prep["regions"]

        def candidates(k):
            return panel.candidates(k, exclude_regions, max_origin_year)
    else:
        prep = _prepare(panel, exclude_regions, max_origin_year, scale, bounds)
        regions = prep["regions"]

        def candidates(k):
            return _candidates(prep, k)
    g = _recent_growth(s)
    classes = []
    for k in range(1, horizon_year - last_year + 1):
        rc = _classify(candidates(k), regions, level=latest, recent_growth=g, k=k, scale=scale, panel_name=panel_name,
                       max_origin_year=max_origin_year, exclude_regions=tuple(exclude_regions),
                       level_band=level_band, growth_band=growth_band, min_matches=min_matches)
        if isinstance(rc, Skipped):
            if longest and classes:
                horizon_year = last_year + len(classes)
                break
            return Skipped("reference_class", f"horizon k={k}: {rc.reason}", failed_horizon=k)
        classes.append(rc)
    u = np.random.default_rng(seed).random(n_draws)  # one rank per draw, shared by all horizons
    u_order = np.argsort(u)
    changes = np.column_stack([_weighted_inverse_cdf(rc.columns["change"], rc.columns["weight"], u, u_order)
                               for rc in classes])
    mid = float(_weighted_inverse_cdf(classes[-1].columns["change"], classes[-1].columns["weight"],
                                      np.array([0.5]))[0])
    notes = (f"{scale} changes from {panel_name}, latest {latest:g} ({last_year}), recent growth "
             + (f"{g:.4g}/yr" if g is not None else "unknown")
             + f"; {len(classes)} classes (k=1..{len(classes)}); k={len(classes)}: {classes[-1].rule}")
    return ReferenceForecast(years=tuple(range(last_year + 1, horizon_year + 1)),
                             draws=models._backward(z0 + changes, _scale_args(scale), bounds),
                             growth=models._growth(mid / len(classes), _scale_args(scale)),
                             notes=notes, classes=tuple(classes))
