"""One call, one frozen answer: is a target reachable, how likely, and by when.

``assess`` runs the published growth-rate methods (what statistical offices
would grade), every forecast model the series is long enough for, and the
reference classes; pools the predictive draws by a rule fixed in advance; and
reads off the probability of meeting the target and the earliest year it is
reached.  Whatever cannot be computed is listed with its reason.

Pooling rule (fixed before any backtest; change it with ``pool``): the headline
distribution is a mixture in which the reference classes together get
``pool.reference`` (default 0.5) and the series' own models together get the
rest, split equally within each group; a group with no member passes its
weight to the other.  Own models enter the pool only on the scale that suits
the indicator (``linear`` only for levels: a straight line can leave a share's
bounds).  ``spread`` (default 1, i.e. uncalibrated) widens the pooled draws
around their median on the log/logit scale: one factor for every year, or a
`Calibration` -- factors by pool type (``with_reference``,
``own_models_only``, ``reference_only``: which groups the pool's members come
from) and horizon (year minus the latest observed year), which the backtest
fits on rolling origins (`backtest.fit_calibration`).

"About" targets (70左右): met when the value reaches ``target - tolerance`` for an
indicator whose desired direction is up (``target + tolerance`` for down) --
planners count overshooting an about-target in the desired direction as meeting
it, as the plan's own Table 1 does (3左右 → 3.34).  Default tolerance: 2.5 % of
the target (a convention of ours; pass ``tolerance`` to state another).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..forecast import models, reference
from ..forecast.outside_view import smoothed_probability
from ..forecast.pooling import (ALL, POOL_MODELS_BY_KIND, CALIBRATION_COLUMNS, POOL_TYPES, Calibration, CalibrationCell, Pool, calibration_cells_of, calibration_for,  # noqa: F401
                               pool_draws, pool_type_from_counts, pool_type_of, pool_weights, spread_factors, widen)
from ..methods import progress as methods

STATUSES = (
    "target_already_met", "on_track", "acceleration_needed", "limited_progress", "moving_away",
    "required_pace_only", "not_assessable",
)
STATUS_MEANINGS = {
    "target_already_met": "the latest published value already meets the target",
    "on_track": "observed growth is at least 95% of the growth the target requires (Eurostat rate ratio R >= 0.95)",
    "acceleration_needed": "observed growth is 60-95% of the required growth (0.60 <= R < 0.95)",
    "limited_progress": "observed growth is in the right direction but under 60% of the required growth (0 <= R < 0.60)",
    "moving_away": "the indicator moved away from the target (R < 0)",
    "required_pace_only": "one observation (or none in the trend window): only the pace the target requires can be said",
    "not_assessable": "no published observation of this indicator",
}
KINDS = ("share", "rate", "count", "level")
COMPARATORS = ("ge", "le", "about")
DEFAULT_ABOUT_TOLERANCE = 0.025  # relative: "70左右" is met from 68.25, "2.8左右" from 2.73
PANEL_LAG_YEARS = 1  # an undated panel's value for year Y is taken as known from the end of Y + 1
EXTRA_HORIZON = 10  # years beyond the target year searched for the earliest year reached
NO_PANEL_NOTE = ("no reference panel holds this indicator (or --reference none): "
                 "any probability of the pool rests on the series alone")


@dataclass(frozen=True)
class TargetSpec:
    value: float
    year: int
    comparator: str = "ge"
    tolerance: float | None = None  # absolute, in the indicator's unit; None = 2.5 % of value for "about"

    def threshold(self, direction: str) -> tuple[float, bool]:
        """(threshold, meet_when_above) after applying the about-tolerance."""
        if self.comparator == "ge":
            return self.value, True
        if self.comparator == "le":
            return self.value, False
        tol = self.tolerance if self.tolerance is not None else DEFAULT_ABOUT_TOLERANCE * abs(self.value)
        return (self.value - tol, True) if direction != "down" else (self.value + tol, False)

    def met(self, values: np.ndarray, direction: str) -> np.ndarray:
        threshold, above = self.threshold(direction)
        return values >= threshold if above else values <= threshold


@dataclass(frozen=True, eq=False)
class Assessment:
    indicator: str | None
    kind: str
    direction: str
    target: TargetSpec
    observations: pd.Series
    as_of: str | None
    status: str
    status_basis: str
    methods: dict
    forecasts: tuple
    references: tuple
    pooled: models.Forecast | None
    pool_members: tuple[tuple[str, float], ...]
    probability: float | None
    probability_reason: str
    projection: dict | None
    earliest_year: dict | None
    not_computed: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())
    spread: dict | None = None  # pool type and the widening factor per year, when there is a pooled forecast
    outside_view: object | None = None  # `outside.OutsideViewResult`: the stated analogue's view, beside the pool
    headline_source: str | None = None  # "pool" | "outside_view" | "base_rate": where ``probability`` comes from
    base_rate: object | None = None  # `base_rate.BaseRate`: how often past targets of the region's regime were met

    @property
    def n_obs(self) -> int:
        return int(self.observations.size)

    def to_dict(self) -> dict:
        """Plain JSON-able dict (the CLI's --json)."""
        obs = self.observations
        latest = None if obs.empty else {"year": int(obs.index[-1]), "value": float(obs.iloc[-1])}
        pace = self.methods.get("required_pace", {})
        trend = self.methods.get("headline_window", {})
        return {
            "indicator": self.indicator, "kind": self.kind, "direction": self.direction,
            "target": {"value": self.target.value, "year": self.target.year, "comparator": self.target.comparator,
                       "threshold": self.target.threshold(self.direction)[0]},
            "as_of": self.as_of, "n_obs": self.n_obs,
            "observations": {str(int(y)): float(v) for y, v in obs.items()}, "latest": latest,
            "status": self.status, "status_meaning": STATUS_MEANINGS[self.status], "status_basis": self.status_basis,
            "observed_annual_growth": trend.get("observed_cagr"),
            "required_annual_growth": pace.get("required_cagr"),
            "probability": self.probability, "probability_reason": self.probability_reason,
            "pool": [{"member": m, "weight": w} for m, w in self.pool_members],
            "spread": self.spread,
            "headline_source": self.headline_source,
            "outside_view": None if self.outside_view is None else self.outside_view.to_dict(),
            "base_rate": None if self.base_rate is None else self.base_rate.to_dict(),
            "projection": self.projection, "earliest_year": self.earliest_year,
            "methods": self.methods,
            "models": [_member_dict(f, self.target.year) for f in self.forecasts + self.references],
            "not_computed": list(self.not_computed), "notes": list(self.notes),
        }


def _member_dict(member, target_year: int) -> dict:
    if isinstance(member, models.Skipped):
        return {"model": member.model, "skipped": member.reason}
    if target_year not in member.years:  # target year not after the latest observation: nothing projected
        return {"model": member.model, "note": f"no draws for {target_year}: not after the latest observation"}
    at = _projection_at(member, target_year, 0.8)
    out = {"model": member.model, **at}
    if getattr(member, "growth", None) is not None:
        out["growth"] = member.growth
    classes = getattr(member, "classes", ())
    if classes:  # the matching rule, with the numbers used, at the target year's horizon
        k = target_year - (member.years[0] - 1)
        chosen = next((c for c in classes if c.k == k), classes[-1])
        out["rule"] = chosen.rule
        out["n_matches"] = int(len(chosen.matches))
    return out


def _projection_at(forecast, year: int, level: float) -> dict:
    col = forecast.years.index(year)
    values = forecast.draws[:, col]
    tail = (1 - level) / 2
    lo, med, hi = np.quantile(values, [tail, 0.5, 1 - tail])
    return {"year": year, "median": float(med), "lower": float(lo), "upper": float(hi), "level": level}


def _clean(series: pd.Series) -> pd.Series:
    s = pd.Series(series, dtype=float).dropna()
    s.index = s.index.astype(int)
    if not s.index.is_unique:
        raise ValueError("series has duplicate years")
    return s.sort_index()


def _asdict(result) -> dict:
    out = {}
    for name in result.__dataclass_fields__:
        value = getattr(result, name)
        if hasattr(value, "__dataclass_fields__"):
            value = _asdict(value)
        out[name] = value
    return out


def _growth_methods(obs: pd.Series, target: TargetSpec, direction: str,
                    bounds: tuple[float, float] | None,
                    options: methods.ProgressOptions | None = None) -> tuple[dict, str, str, list[str]]:
    """Official growth-rate methods on the short-term (5-year) window, long-term beside it.

    ``options`` (`methods.ProgressOptions`; None = the defaults): the rate-ratio bands, the
    no-target scheme, and a stated base year, whose span base year -> latest then heads the
    grades (entry ``stated_base``, before the windows).  Where a compound growth rate is
    undefined (a zero or negative base, latest or target value) the methods that need one are
    listed in ``not_computed`` with the reason; the linear path and time share still run.
    """
    opts = methods.ProgressOptions() if options is None else options
    missing: list[str] = []
    threshold, above = target.threshold(direction)
    mtarget = methods.Target(threshold, target.year, "up" if above else "down")
    out: dict = {}
    latest_year, latest = int(obs.index[-1]), float(obs.iloc[-1])
    if target.year > latest_year:
        years_left = target.year - latest_year
        out["required_pace"] = {
            "years_left": years_left, "observed_cagr": None, "observed_increment": None,
            "required_cagr": methods.cagr(latest, latest_year, mtarget.value, target.year)
            if latest > 0 and mtarget.value > 0 else None,
            "required_increment": (mtarget.value - latest) / years_left}
    if mtarget.is_met_by(latest):
        status, basis = "target_already_met", f"latest value {latest:g} ({latest_year}) already meets the target"
    else:
        status, basis = "required_pace_only", "only one observation: no observed growth to compare"
    if obs.size < 2:
        missing.append("observed growth and the growth-rate grades: one observation only")
        return out, status, basis, missing
    if target.year < latest_year:
        missing.append(f"growth-rate grades: the target year {target.year} is before the latest observation "
                       f"{latest_year} (the period is over)")
        if status != "target_already_met":
            basis = f"the target year {target.year} is before the latest observation {latest_year}"
        return out, status, basis, missing
    windows = methods.eurostat_windows(obs, mtarget, options=opts)
    out["windows"] = {}
    headline = None
    if opts.base_year is not None:  # a stated base year heads the grades; the windows stay beside it
        span = methods.Span.from_series(obs, opts.base_year)
        entry = {"note": f"{span.base_year}-{span.latest_year} (stated base year)",
                 "base_year": span.base_year, "base_value": span.base_value,
                 "latest_year": span.latest_year, "latest_value": span.latest_value}
        why = methods.growth_problem(base_value=span.base_value, latest_value=span.latest_value,
                                     target_value=mtarget.value)
        rr = None if why else methods.eurostat_rate_ratio(span, mtarget, opts.bands)
        entry.update(_asdict(rr) if rr is not None else {"note": f"{entry['note']}: no grade, {why}"})
        out["windows"]["stated_base"] = entry
        headline = ("stated_base", span, rr)
    for w in (windows.short_term, windows.long_term):
        entry = {"note": w.note}
        if w.span is not None and w.span.base_year < w.span.latest_year and w.assessment is not None:
            span = w.span
            entry.update(base_year=span.base_year, base_value=span.base_value, latest_year=span.latest_year,
                         latest_value=span.latest_value, **_asdict(w.assessment))
            if headline is None or (headline[2] is None and headline[0] != "stated_base"):
                headline = (w.name, span, w.assessment)
        elif w.span is not None:  # two observations but no growth rate (a value <= 0): the note says why
            span = w.span
            entry.update(base_year=span.base_year, base_value=span.base_value, latest_year=span.latest_year,
                         latest_value=span.latest_value)
            headline = headline or (w.name, span, None)
        out["windows"][w.name] = entry
    if headline is None:
        missing.append("growth-rate grades: no window holds two observations")
        return out, status, basis, missing
    name, span, rr = headline
    no_growth = methods.growth_problem(base_value=span.base_value, latest_value=span.latest_value)
    out["headline_window"] = {"window": name, "base_year": span.base_year, "latest_year": span.latest_year,
                              "observed_cagr": None if no_growth else span.observed_cagr}
    # the grading without a target (Eurostat's or Statistics Canada's), with Statistics Canada's natural
    # limit for bounded shares
    limit = bounds[1] if bounds is not None and mtarget.direction == "up" else (
        bounds[0] if bounds is not None else None)
    where = f"the {name} window {span.base_year}-{span.latest_year}"
    if no_growth:
        missing.append(f"trend without target: on {where}, {no_growth}")
    else:
        out["trend_without_target"] = _asdict(methods.no_target_trend(
            span, mtarget.direction, natural_limit=limit, scheme=opts.no_target_scheme))
    if target.year > span.latest_year:
        if no_growth:
            missing.append(f"UN projected gap: on {where}, {no_growth}")
        else:
            out["projected_gap"] = _asdict(methods.un_projected_gap(span, mtarget))
        out["linear_path"] = _asdict(methods.linear_path(span, mtarget))
        out["time_proportional"] = _asdict(methods.time_proportional(span, mtarget))
        out["required_pace"] = _asdict(methods.required_pace(span, mtarget))
    why_no_ratio = None if rr is not None else (
        no_growth or methods.growth_problem(target_value=mtarget.value) or "no growth rate")
    if why_no_ratio is not None:
        missing.append(f"Eurostat rate ratio: on {where}, {why_no_ratio}")
    if status != "target_already_met":
        if rr is None:
            basis = (f"no growth-rate grade on {where}: {why_no_ratio}; only the pace the target requires "
                     "(as a change per year) can be said")
        else:
            status = rr.grade
            bands = "" if opts.bands == methods.EUROSTAT_BANDS else \
                " (bands {:g} / {:g} / {:g})".format(*opts.bands.as_tuple())
            window = "span from the stated base year" if name == "stated_base" else f"{name} window"
            basis = (f"Eurostat rate ratio on the {window} {span.base_year}-{span.latest_year}: observed "
                     f"{span.observed_cagr:.2%}/yr vs required {rr.required_cagr:.2%}/yr, "
                     f"R = {rr.ratio:.2f}{bands}"
                     if rr.ratio is not None else f"Eurostat rate ratio on the {window}: {rr.grade}")
    return out, status, basis, missing


def _pool_type(members, refs) -> str | None:
    """The pool's type from which list each member came from (never from its name)."""
    if not members:
        return None
    n_refs = sum(1 for m, _ in members if any(m is r for r in refs))
    return pool_type_from_counts(len(members) - n_refs, n_refs)


EARLIEST_QUANTILES = (0.1, 0.5, 0.9)


def _search_quantiles(pooled: models.Forecast, own: list, refs: list, pool: Pool, n_draws: int, kind: str,
                      bounds, latest_year: int, until: int) -> tuple[pd.DataFrame, int]:
    """Per-year quantiles of the pool for the earliest-year search, up to ``until``.

    The pool (`pooled`) holds the years every member covers; a reference class
    may reach only the target year.  Beyond that, each year is pooled from the
    members that cover it, with the pooling rule's weights among them (and the
    spread of that pool type), so the search goes on.  The pooled draws of the
    years every member covers -- the probability among them -- are unchanged.
    Returns the quantiles and the last year every member covers.
    """
    frames = [pooled.quantiles(EARLIEST_QUANTILES)]
    all_until = int(pooled.years[-1])
    year = all_until + 1
    while year <= until:
        own_y = [m for m in own if year in m.years]
        refs_y = [r for r in refs if year in r.years]
        members = pool_weights(own_y, refs_y, pool)
        if not members:
            break
        part = pool_draws(members, n_draws, pool.spread, kind, bounds, latest_year=latest_year,
                          pool_type=_pool_type(members, refs_y))
        q = part.quantiles(EARLIEST_QUANTILES)
        q = q[(q.index >= year) & (q.index <= until)]
        frames.append(q)
        year = int(q.index[-1]) + 1
    return pd.concat(frames), all_until


def _earliest_year(q: pd.DataFrame, target: TargetSpec, direction: str, *, pooled_until: int) -> dict:
    """First year the pooled median (and the 10th/90th percentiles) meet the target.

    Read off per-year quantiles (`_search_quantiles`), so it does not depend on
    paths being coherent across members.  ``None`` means not within the
    horizon searched.
    """
    threshold, above = target.threshold(direction)

    def first(col) -> int | None:
        hit = q.index[(q[col] >= threshold) if above else (q[col] <= threshold)]
        return int(hit[0]) if len(hit) else None

    optimistic, pessimistic = (0.9, 0.1) if above else (0.1, 0.9)
    searched = int(q.index[-1])
    note = ("year the 50th (10th/90th) percentile of the pooled projection first meets the target; "
            "None = not by the last year searched")
    if searched > pooled_until:
        note += (f"; after {pooled_until} each year is pooled from the members that reach it "
                 "(a reference class may reach only the target year)")
    return {"median": first(0.5), "earliest_plausible": first(optimistic), "latest_plausible": first(pessimistic),
            "searched_until": searched, "pooled_until": pooled_until, "note": note}


def assess(series: pd.Series, target: TargetSpec, *, kind: str, direction: str = "up",
           bounds: tuple[float, float] | None = None, indicator: str | None = None,
           as_of: str | int | dt.date | None = None, panels: dict[str, pd.DataFrame] | None = None,
           exclude_regions: tuple[str, ...] = (), pool: Pool = Pool(), n_draws: int = 10_000,
           seed: int = 0, level: float = 0.8, progress: methods.ProgressOptions | None = None) -> Assessment:
    """Assess one target against one series.

    Parameters
    ----------
    series : published values by year (gaps stay gaps); already cut to what was
        known at ``as_of`` (``vintages`` does that for the project's own data).
    target : the target value, year, comparator (ge | le | about) and tolerance.
    kind : share | rate | count | level: picks the scale of models and references.
    as_of : cuts the reference panels: only panel years up to as_of's year minus
        one enter (a year's value is published the year after; panels are
        undated current vintages, see docs/method.md).  Observations of
        ``series`` after that year are refused, not silently dropped.
    panels : reference panels ``{name: frame(region, year, value)}``; empty = none.
    pool : pooling weights and spread factor.
    progress : how the growth-rate methods grade (`methods.ProgressOptions`: rate-ratio bands,
        no-target scheme, base year); None = the defaults.  Non-default options are recorded
        in ``methods["progress_options"]``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    if target.comparator not in COMPARATORS:
        raise ValueError(f"comparator must be one of {', '.join(COMPARATORS)}; got {target.comparator!r}")
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be up or down; got {direction!r}")
    if not n_draws >= 100:
        raise ValueError(f"n_draws must be at least 100; got {n_draws}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level}")
    if bounds is None and kind == "share":
        bounds = (0.0, 100.0)
    cells = calibration_cells_of(pool.spread, indicator) if isinstance(pool.spread, Calibration) else None
    pool = replace(pool, spread=calibration_for(pool.spread, indicator))  # this indicator's spread factors
    obs = _clean(series)
    as_of_year = _as_of_year(as_of)
    if as_of_year is not None and obs.size and obs.index[-1] > as_of_year:
        raise ValueError(f"series has values after as_of ({as_of}): cut it to what was known then first")
    notes: list[str] = []
    if obs.empty:
        return Assessment(indicator, kind, direction, target, obs, _as_of_text(as_of), "not_assessable",
                          "no published observation", {}, (), (), None, (), None,
                          "no published observation: nothing to project from", None, None,
                          ("everything: the indicator has no published value",))
    method_numbers, status, basis, missing = _growth_methods(obs, target, direction, bounds, progress)
    if progress is not None and not progress.is_default:
        method_numbers["progress_options"] = progress.to_dict()
    latest_year = int(obs.index[-1])
    horizon = max(target.year, latest_year + 1) + EXTRA_HORIZON
    forecasts = models.fit_all(obs, horizon, kind=kind, bounds=bounds, n_draws=n_draws, seed=seed)
    refs = []
    for name, panel in sorted((panels or {}).items()):
        # a short panel supports fewer horizons: fall back to the target year itself
        for h in dict.fromkeys((horizon, max(target.year, latest_year + 1))):
            ref = reference.reference_forecast(
                obs, h, panel, kind=kind, bounds=bounds, panel_name=name, exclude_regions=exclude_regions,
                max_origin_year=None if as_of_year is None else as_of_year - PANEL_LAG_YEARS,
                n_draws=n_draws, seed=seed)
            if not isinstance(ref, models.Skipped):
                break
        refs.append(replace(ref, model=f"reference_class:{name}"))
    own = [f for f in forecasts if isinstance(f, models.Forecast) and f.model in POOL_MODELS_BY_KIND[kind]]
    good_refs = [r for r in refs if not isinstance(r, models.Skipped)]
    members = pool_weights(own, good_refs, pool)
    for f in forecasts + tuple(refs):
        if isinstance(f, models.Skipped):
            missing.append(f"{f.model}: {f.reason}")
    if not panels:
        notes.append(NO_PANEL_NOTE)
    spread_info = None
    ptype = _pool_type(members, good_refs)
    if members:
        names = [m.model for m, _ in members]
        common = min((m.years for m, _ in members), key=len)
        factors = spread_factors(pool.spread, names, common, latest_year, pool_type=ptype)
        spread_info = {"pool_type": ptype, "calibrated": isinstance(pool.spread, Calibration),
                       "calibration_cells": cells,
                       "factors": {str(y): float(f) for y, f in zip(common, factors, strict=True)},
                       "note": "factor widening the pooled draws around their median on the log/logit scale, "
                               "by year (1 = uncalibrated)"}
    if target.year <= latest_year:
        pooled, probability, projection, earliest = None, None, None, None
        reason = f"the target year {target.year} is not after the latest observation ({latest_year})"
    elif not members:
        pooled, probability, projection, earliest = None, None, None, None
        why_refs = ("no reference panel holds this indicator" if not panels
                    else "no reference class matched (see not_computed)")
        reason = (f"no model could be fitted ({obs.size} observation(s) carry no spread of their own; models need "
                  f"{min(models.MIN_OBS.values())}) and {why_refs}")
    else:
        pooled = pool_draws(members, n_draws, pool.spread, kind, bounds, latest_year=latest_year, pool_type=ptype)
        col = pooled.years.index(target.year)
        probability = smoothed_probability(target.met(pooled.draws[:, col], direction))
        reason = ("share of pooled predictive draws that meet the target in the target year, (k + 0.5) / (N + 1): "
                  "never exactly 0 or 1")
        projection = _projection_at(pooled, target.year, level)
        quantiles, until_all = _search_quantiles(pooled, own, good_refs, pool, n_draws, kind, bounds, latest_year,
                                                 horizon)
        earliest = _earliest_year(quantiles, target, direction, pooled_until=until_all)
    return Assessment(
        indicator=indicator, kind=kind, direction=direction, target=target, observations=obs,
        as_of=_as_of_text(as_of), status=status, status_basis=basis, methods=method_numbers,
        forecasts=forecasts, references=tuple(refs), pooled=pooled,
        pool_members=tuple((m.model, w) for m, w in members),
        probability=probability, probability_reason=reason, projection=projection, earliest_year=earliest,
        not_computed=tuple(missing), notes=tuple(notes), spread=spread_info,
        headline_source=None if probability is None else "pool")


def regrade(a: Assessment, progress: methods.ProgressOptions | None, *,
            bounds: tuple[float, float] | None = None) -> Assessment:
    """The same assessment with its growth-rate methods re-run under ``progress``.

    For callers that get an `Assessment` from elsewhere (a plan's target): the
    projection and probability do not depend on the growth-rate options, so only
    ``methods``, ``status``, ``status_basis`` and the growth-method part of
    ``not_computed`` change.  ``bounds`` as given to `assess` (None: a share's 0-100).
    """
    if progress is None or progress.is_default or a.observations.empty:
        return a
    if bounds is None and a.kind == "share":
        bounds = (0.0, 100.0)
    _, _, _, before = _growth_methods(a.observations, a.target, a.direction, bounds)
    numbers, status, basis, missing = _growth_methods(a.observations, a.target, a.direction, bounds, progress)
    numbers["progress_options"] = progress.to_dict()
    others = [m for m in a.not_computed if m not in before]
    return replace(a, methods=numbers, status=status, status_basis=basis,
                   not_computed=tuple(missing + others))


def _as_of_year(as_of) -> int | None:
    from .inputs import AsOf
    return AsOf.parse(as_of).year


def _as_of_text(as_of) -> str | None:
    return None if as_of is None else str(as_of)
