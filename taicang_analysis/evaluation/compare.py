"""The pre-registered comparison: outside-view model v2 against today's pool (docs/preregistration.md).

Every choice here (methods, metrics, case sets, baselines, resampling, the
decision rule, draws and seeds) is fixed by ``docs/preregistration.md``,
committed before this module existed.  Run it with
``python -m taicang_analysis.evaluation.compare``: it prints the scoreboard.

Case sets
---------
* ``past_plan``: the cases `backtest.past_plan_cases` scores, inputs from
  `backtest.prepare_case` (series and panels as of, own region excluded).
* ``pseudo``: rolling origins (step 3) of both panels, on each indicator of
  ``PSEUDO_INDICATORS`` that real past-plan cases share, with pseudo-targets at
  h = 3, 5, 7 whose ambition (required minus past annual change on the
  model's scale) is drawn from the real past-plan cases' ambitions (inputs
  only); the predictive distributions are also scored at every horizon 1-10
  (``dist``).

Methods: ``v2`` (outside view, beta-calibrated leave-region-out on the
pseudo-targets: the candidate), ``v2_raw`` (uncalibrated), ``pool``
(`assess` with the spread calibrated leave-region-out: the challenger),
``base_rate`` (leave-one-out) and ``ambition_logit`` (logistic regression on
the ambition ratio, leave-one-out / leave-region-out).
"""

from __future__ import annotations

import sys
import time
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..assessment import assess as _assess
from ..data import io
from ..forecast import event_calibration, models, outside_view, pooling
from . import backtest, scoring

CANDIDATE, CHALLENGER = "v2", "pool"
POOL_EVENT = "pool_event"  # the pool's P(met) beta-calibrated like v2's (preregistration section 12)
METHODS: tuple[str, ...] = (CANDIDATE, "v2_raw", CHALLENGER, POOL_EVENT, "base_rate", "ambition_logit")
BASELINES: tuple[str, ...] = ("base_rate", "ambition_logit")  # section 4: every method's log score is set beside both
DISTRIBUTION_METHODS: tuple[str, ...] = ("v2_raw", CHALLENGER)  # calibration maps P(met), not the draws
REGIME_PANEL = {"cn_regions": "cn_provinces", "countries": "world"}
REGIME_EXCLUDE = {"cn_regions": ("China",), "countries": ()}
EVENT_HORIZONS: tuple[int, ...] = (3, 5, 7)
# Panels of the pseudo-targets (preregistration section 3: every region of both panels; section 8: R&D intensity
# only until the new panels land).  A panel indicator enters when real past-plan cases of the *same* indicator
# give its ambitions (delta); the others (high-tech recognitions, WDI panels, the tech-market panel, whose only
# case names tech_contract_turnover) have none and do not.
PSEUDO_INDICATORS: tuple[str, ...] = (backtest.ROLLING_INDICATOR, "invention_patents_per_10k")
ORIGIN_STEP = 3
PSEUDO_DRAWS = 2_000
CASE_DRAWS = 10_000
BOOTSTRAP = 2_000
RIDGE = 1.0
EPS = scoring.LOG_EPS


# -- small pure pieces ---------------------------------------------------------------

def regime_of(region: str, cn_regions) -> str:
    """``cn_regions`` for Chinese sub-national regions (provinces in the panel, Taicang), else ``countries``."""
    return scoring.regime_of(region, backtest.sub_national(cn_regions))


def past_change(z: np.ndarray, years: np.ndarray) -> float:
    """Annual change into the latest value from 5, else 4, else 3 years before, else the first value (nan if one)."""
    if len(z) < 2:
        return float("nan")
    last = years[-1]
    for j in (5, 4, 3):
        hit = np.nonzero(years == last - j)[0]
        if hit.size:
            return float((z[-1] - z[hit[0]]) / j)
    return float((z[-1] - z[0]) / (last - years[0]))


def ambition_ratio(r_req, r_past) -> np.ndarray:
    """A = r_req / max(r_past, 0.01), clipped to [-10, 10] (nan where the past change is unknown)."""
    r_req, r_past = np.asarray(r_req, dtype=float), np.asarray(r_past, dtype=float)
    return np.clip(r_req / np.maximum(r_past, 0.01), -10, 10)


def crps(draws: np.ndarray, y: float) -> float:
    """CRPS of a sample against an outcome, E|X - y| - E|X - X'|/2 (exact for the empirical distribution)."""
    x = np.sort(np.asarray(draws, dtype=float))
    n = x.size
    i = np.arange(1, n + 1)
    return float(np.mean(np.abs(x - y)) - np.sum((2 * i - n - 1) * x) / n ** 2)


def logistic_predict(x_train, y_train, x_test) -> np.ndarray:
    """P(met) from a ridge logistic regression (penalty `RIDGE` on the standardised slope); nan x -> the mean."""
    x_train, x_test = np.asarray(x_train, float), np.asarray(x_test, float)
    ok = ~np.isnan(x_train)
    mu, sd = float(np.mean(x_train[ok])), float(np.std(x_train[ok])) or 1.0
    X = np.column_stack([(x_train[ok] - mu) / sd, np.ones(ok.sum())])
    slope, icpt = event_calibration._logistic(X, np.asarray(y_train, float)[ok], RIDGE)
    xt = np.where(np.isnan(x_test), mu, x_test)
    return 1 / (1 + np.exp(-(slope * (xt - mu) / sd + icpt)))


def ambition_baseline(a, y, groups) -> np.ndarray:
    """Leave-group-out predictions of the ambition logistic regression (groups = case ids: leave-one-out)."""
    a, y, g = np.asarray(a, float), np.asarray(y, float), np.asarray(groups).astype(str)
    out = np.empty(len(y))
    for grp in sorted(set(g.tolist())):
        inside = g == grp
        out[inside] = logistic_predict(a[~inside], y[~inside], a[inside])
    return out


def poisson_binomial_range(p, *, level: float = 0.9, n_sims: int = 20_000, seed: int = 0) -> tuple[float, int, int]:
    """(expected successes, lower, upper): `scoring.expected_successes` as a plain tuple."""
    e = scoring.expected_successes(p, level=level, n_sims=n_sims, seed=seed)
    return e.point, int(e.low), int(e.high)


def cohort_bootstrap(values: np.ndarray, cohorts, *, n_boot: int = BOOTSTRAP, seed: int = 0) -> tuple[float, float]:
    """95 % percentile interval of the mean of ``values`` resampling whole cohorts (`scoring.cohort_bootstrap`)."""
    e = scoring.cohort_bootstrap(values, cohorts, n_boot=n_boot, seed=seed)
    return e.low, e.high


def _log_scores(p, y) -> np.ndarray:
    q = np.clip(np.asarray(p, float), EPS, 1 - EPS)
    y = np.asarray(y, float)
    return -(y * np.log(q) + (1 - y) * np.log1p(-q))


# -- past-plan cases -------------------------------------------------------------------

def _v2_draws(series: pd.Series, horizon_year: int, panel: pd.DataFrame | None, *, kind, bounds, regime,
              exclude, n_draws, seed):
    if panel is None or panel.empty:
        return None, "no panel of the indicator for the regime"
    fc = outside_view.outside_view_forecast(series, horizon_year, panel, kind=kind, bounds=bounds, regime=regime,
                                            exclude_regions=exclude + REGIME_EXCLUDE[regime], n_draws=n_draws,
                                            seed=seed)
    if isinstance(fc, models.Skipped):
        return None, fc.reason
    return fc, fc.notes


def _case_row(prep: dict, spread, cn_regions, set_year: int, n_draws: int, seed: int) -> dict:
    """Both methods' P(met) and draws summary for one past-plan case."""
    spec: _assess.TargetSpec = prep["target"]
    run = backtest._run_prepared(prep, spread=spread, n_draws=n_draws, seed=seed)
    a = run.assessment
    regime = regime_of(prep["region"], cn_regions)
    rec = {"case_id": prep["case_id"], "region": prep["region"], "indicator": prep["indicator"],
           "regime": regime, "cohort": scoring.case_cohort(prep["region"], set_year, backtest.sub_national(cn_regions)),
           "target_year": spec.year,
           "outcome": prep["outcome"], "met": run.record["met"], "pool": run.record["probability_calibrated"],
           "pool_crps": np.nan, "pool_pit": np.nan, "v2_raw": np.nan, "v2_crps": np.nan, "v2_pit": np.nan,
           "v2_note": "", "r_req": np.nan, "r_past": np.nan, "horizon": spec.year - int(prep["series"].index[-1])}
    if a.pooled is not None:
        col = a.pooled.years.index(spec.year)
        factors = pooling.spread_factors(spread, [m for m, _ in a.pool_members], a.pooled.years,
                                         int(a.observations.index[-1]))
        draws = pooling.widen(np.array(a.pooled.draws), factors, prep["kind"], prep["bounds"])[:, col]
        rec["pool_crps"] = crps(draws, prep["outcome"])
        rec["pool_pit"] = float(np.mean(draws <= prep["outcome"]))
    panel = prep["panels"].get(REGIME_PANEL[regime])
    fc, note = _v2_draws(prep["series"], spec.year, panel, kind=prep["kind"], bounds=prep["bounds"], regime=regime,
                         exclude=(prep["region"],), n_draws=n_draws, seed=seed)
    rec["v2_note"] = note
    if fc is not None:
        values = fc.draws[:, fc.years.index(spec.year)]
        rec["v2_raw"] = outside_view.smoothed_probability(spec.met(values, prep["direction"]))
        rec["v2_crps"] = crps(values, prep["outcome"])
        rec["v2_pit"] = float(np.mean(values <= prep["outcome"]))
    scale = outside_view.scale_of(prep["kind"])
    bounds = prep["bounds"] or (0.0, 100.0)
    s = prep["series"]
    z = outside_view.to_scale(s.to_numpy(), scale, bounds)
    thr = spec.threshold(prep["direction"])[0]
    zt = float(outside_view.to_scale([thr], scale, bounds)[0])
    rec["r_req"] = (zt - z[-1]) / rec["horizon"]
    rec["r_past"] = past_change(z, s.index.to_numpy())
    return rec


# -- rolling origins with pseudo-targets ---------------------------------------------------

@dataclass(frozen=True)
class _PseudoContext:
    roll: object  # backtest._RollingContext
    changes: dict  # panel name -> outside_view.changes of the current panel
    cn_regions: frozenset
    deltas: tuple[float, ...]
    calibrations: dict  # region -> assess.Calibration (leave-region-out)
    default_calibration: object


def _challenger_draws(ctx: _PseudoContext, region: str, series: pd.Series, t: int, horizons, seed: int) -> dict:
    """{h: calibrated pooled draws at t + h}: the pool `backtest._rolling_origin` builds, widened leave-region-out."""
    rc = ctx.roll
    max_h = max(rc.horizons)
    forecasts = models.fit_all(series, t + max_h, kind=rc.kind, bounds=rc.bounds, n_draws=rc.n_draws, seed=seed)
    refs = []
    for name, panel in sorted(rc.panels.items()):
        ref = backtest._longest_reference(series, t, max_h, name, panel, rc, region, seed)
        if ref is not None:
            refs.append(ref)
    own = [f for f in forecasts if isinstance(f, models.Forecast) and f.model in pooling.POOL_MODELS_BY_KIND[rc.kind]]
    reach = {r.model: len(r.years) for r in refs}
    cal = pooling.calibration_for(ctx.calibrations.get(region, ctx.default_calibration), rc.indicator)
    out = {}
    groups: dict[tuple[str, ...], list[int]] = {}
    for h in horizons:
        groups.setdefault(tuple(r.model for r in refs if reach[r.model] >= h), []).append(h)
    for names, hs in groups.items():
        members = pooling.pool_weights(own, [r for r in refs if r.model in names], _assess.Pool())
        if not members:
            continue
        pooled = pooling.pool_draws(members, rc.n_draws, 1.0, rc.kind, rc.bounds)
        factors = pooling.spread_factors(cal, [m.model for m, _ in members], pooled.years, t)
        widened = pooling.widen(np.array(pooled.draws), factors, rc.kind, rc.bounds)
        for h in hs:
            if t + h in pooled.years:
                out[h] = widened[:, pooled.years.index(t + h)]
    return out


def _pseudo_task(ctx: _PseudoContext, task) -> tuple[list, list]:
    panel_name, region, origins = task
    rc = ctx.roll
    g = rc.panels[panel_name]
    g = g[g["region"] == region].sort_values("year")
    full = pd.Series(g["value"].to_numpy(dtype=float), index=g["year"].to_numpy(dtype=int))
    regime = regime_of(region, ctx.cn_regions)
    ch = ctx.changes.get(REGIME_PANEL[regime])  # None: no panel of the indicator for the regime (v2 cannot run)
    drop = set(REGIME_EXCLUDE[regime]) | {region}
    scale = outside_view.scale_of(rc.kind)
    bounds = rc.bounds or (0.0, 100.0)
    events, dist = [], []
    for t in origins:
        series = backtest._window(full, t, rc.window)
        hs = [h for h in rc.horizons if t + h in full.index]
        if not hs:
            continue
        seed = backtest._origin_seed(rc.seed, panel_name, region, t)
        pool = _challenger_draws(ctx, region, series, t, hs, seed)
        v2, fit = None, None
        if ch is not None:
            sub = ch[((ch["year0"] + ch["gap"]) <= t) & ~ch["region"].isin(drop)]
            fit = outside_view.fit_changes(sub, regime=regime, scale=scale, bounds=bounds)
        if fit is not None and not isinstance(fit, models.Skipped):
            v2 = outside_view.outside_view_forecast(series, t + max(rc.horizons), kind=rc.kind, bounds=bounds,
                                                    regime=regime, fit=fit, n_draws=rc.n_draws, seed=seed)
        z = outside_view.to_scale(series.to_numpy(), scale, bounds)
        r_past = past_change(z, series.index.to_numpy())
        base = {"panel": panel_name, "indicator": rc.indicator, "region": region, "regime": regime, "origin": t,
                "cohort": f"{panel_name}:{t}", "latest": float(series.iloc[-1])}
        for h in hs:
            y = float(full[t + h])
            row = {**base, "horizon": h, "outcome": y}
            for name, draws in (("pool", pool.get(h)), ("v2_raw", None if v2 is None else v2.draws[:, h - 1])):
                if draws is None:
                    row.update({f"{name}_crps": np.nan, f"{name}_pit": np.nan, f"{name}_cov80": np.nan})
                    continue
                lo, hi = np.quantile(draws, [0.1, 0.9])
                row.update({f"{name}_crps": crps(draws, y), f"{name}_pit": float(np.mean(draws <= y)),
                            f"{name}_cov80": float(lo <= y <= hi)})
            dist.append(row)
            if h not in EVENT_HORIZONS or np.isnan(r_past) or h not in pool or v2 is None:
                continue
            rng = np.random.default_rng(zlib.crc32(f"{panel_name}|{region}|{t}|{h}".encode()))
            delta = float(ctx.deltas[rng.integers(len(ctx.deltas))])
            r_req = r_past + delta
            thr = float(models._backward(np.array([z[-1] + h * r_req]), scale, bounds)[0])
            met = float(y >= thr)
            events.append({**base, "horizon": h, "outcome": y, "threshold": thr, "met": met, "r_req": r_req,
                           "r_past": r_past, "pool": float(np.mean(pool[h] >= thr)),
                           "v2_raw": outside_view.smoothed_probability(v2.draws[:, h - 1] >= thr)})
    return events, dist


# -- scoring --------------------------------------------------------------------------------

def scoreboard(frame: pd.DataFrame, methods, case_set: str) -> pd.DataFrame:
    """Mean log score and Brier per method, and each method's difference from the candidate with its interval."""
    rows = []
    y = frame["met"].to_numpy(float)
    cohorts = frame["cohort"].to_numpy()
    ls = {m: _log_scores(frame[m], y) for m in methods}
    br = {m: (frame[m].to_numpy(float) - y) ** 2 for m in methods}
    for m in methods:
        row = {"case_set": case_set, "method": m, "n": len(frame), "cohorts": len(set(cohorts)),
               "log_score": float(ls[m].mean()), "brier": float(br[m].mean())}
        for metric, vals in (("log_score", ls), ("brier", br)):
            diff = vals[m] - vals[CANDIDATE]  # > 0: the candidate is better
            lo, hi = cohort_bootstrap(diff, cohorts)
            row.update({f"{metric}_minus_v2": float(diff.mean()), f"{metric}_minus_v2_lo": lo,
                        f"{metric}_minus_v2_hi": hi})
        for baseline in (b for b in BASELINES if b in ls):  # < 0: the method beats the baseline
            diff = ls[m] - ls[baseline]
            lo, hi = cohort_bootstrap(diff, cohorts)
            row.update({f"log_score_minus_{baseline}": float(diff.mean()),
                        f"log_score_minus_{baseline}_lo": lo, f"log_score_minus_{baseline}_hi": hi})
        e, lo, hi = poisson_binomial_range(frame[m].to_numpy(float))
        row.update({"expected": e, "expected_lo": lo, "expected_hi": hi, "observed": int(y.sum())})
        rows.append(row)
    return pd.DataFrame(rows)


def distribution_scores(dist: pd.DataFrame, case_set: str) -> pd.DataFrame:
    """CRPS (with the cohort-bootstrap interval of pool - v2_raw) and 80 % coverage by regime and horizon."""
    rows = []
    both = dist.dropna(subset=["pool_crps", "v2_raw_crps"])
    diff = both["pool_crps"].to_numpy() - both["v2_raw_crps"].to_numpy()
    lo, hi = cohort_bootstrap(diff, both["cohort"].to_numpy()) if len(both) else (np.nan, np.nan)
    for m in DISTRIBUTION_METHODS:
        rows.append({"case_set": case_set, "method": m, "regime": "all", "horizon": "all", "n": len(both),
                     "crps": float(both[f"{m}_crps"].mean()), "pool_minus_v2_crps": float(diff.mean()),
                     "lo": lo, "hi": hi,
                     "cov80": float(both[f"{m}_cov80"].mean()) if f"{m}_cov80" in both else np.nan})
    if "v2_raw_cov80" in both:
        for (regime, h), g in both.groupby(["regime", "horizon"]):
            for m in DISTRIBUTION_METHODS:
                rows.append({"case_set": case_set, "method": m, "regime": regime, "horizon": int(h), "n": len(g),
                             "crps": float(g[f"{m}_crps"].mean()), "pool_minus_v2_crps": np.nan, "lo": np.nan,
                             "hi": np.nan, "cov80": float(g[f"{m}_cov80"].mean())})
    return pd.DataFrame(rows)


def pit_histogram(pit, bins: int = 10) -> np.ndarray:
    """Share of PIT values in each of ``bins`` equal bins (uniform = calibrated)."""
    pit = np.asarray(pit, float)
    pit = pit[~np.isnan(pit)]
    counts, _ = np.histogram(np.clip(pit, 0, 1), bins=bins, range=(0, 1))
    return counts / max(len(pit), 1)


@dataclass(frozen=True, eq=False)
class ComparisonResult:
    cases: pd.DataFrame
    events: pd.DataFrame
    dist: pd.DataFrame
    scores: pd.DataFrame
    distributions: pd.DataFrame
    reliability: pd.DataFrame
    decision: dict
    timing: dict


def decide_pool_event(past: pd.DataFrame, events: pd.DataFrame) -> dict:
    """Section 12's rule: ``pool_event`` replaces the pool iff, on the pseudo-targets, the mean of (pool -
    pool_event) log score is above 0 with its cohort-bootstrap 95 % interval above 0, and on the past-plan
    cases that mean is >= 0 (point estimate)."""
    out = {}
    for case_set, frame in (("pseudo", events), ("past_plan", past)):
        y = frame["met"].to_numpy(float)
        diff = _log_scores(frame[CHALLENGER], y) - _log_scores(frame[POOL_EVENT], y)
        lo, hi = cohort_bootstrap(diff, frame["cohort"].to_numpy())
        out[case_set] = (float(diff.mean()), float(lo), float(hi))
    adopt = out["pseudo"][0] > 0 and out["pseudo"][1] > 0 and out["past_plan"][0] >= 0
    return {"adopt_pool_event": bool(adopt), "pseudo": out["pseudo"], "past_plan": out["past_plan"],
            "rule": "pool_event iff on pseudo-targets the cohort-bootstrap 95% interval of (pool - pool_event) "
                    "log score is above 0, and on past-plan cases (pool - pool_event) >= 0 (point estimate)"}


def decide(scores: pd.DataFrame) -> dict:
    """The pre-registered rule (docs/preregistration.md, section 6)."""
    pseudo = scores[(scores["case_set"] == "pseudo") & (scores["method"] == CHALLENGER)].iloc[0]
    past = scores[(scores["case_set"] == "past_plan") & (scores["method"] == CHALLENGER)].iloc[0]
    better = pseudo["log_score_minus_v2"] > 0 and pseudo["log_score_minus_v2_lo"] > 0
    not_worse = past["log_score_minus_v2"] >= 0
    adopt = bool(better and not_worse)
    return {"adopt_v2": adopt, "pseudo_diff": float(pseudo["log_score_minus_v2"]),
            "pseudo_interval": (float(pseudo["log_score_minus_v2_lo"]), float(pseudo["log_score_minus_v2_hi"])),
            "past_diff": float(past["log_score_minus_v2"]),
            "past_interval": (float(past["log_score_minus_v2_lo"]), float(past["log_score_minus_v2_hi"])),
            "rule": "v2 iff on pseudo-targets mean log score lower than the pool's with the cohort-bootstrap 95% "
                    "interval of (pool - v2) above 0, and on past-plan cases (pool - v2) >= 0 (point estimate)"}


def run_comparison(observations: pd.DataFrame, targets: pd.DataFrame, *, workers: int = 2, seed: int = 0,
                   origin_step: int = ORIGIN_STEP, pseudo_draws: int = PSEUDO_DRAWS, case_draws: int = CASE_DRAWS,
                   rolling_step: int = backtest.DEFAULT_ORIGIN_STEP,
                   pseudo_indicators: tuple[str, ...] = PSEUDO_INDICATORS) -> ComparisonResult:
    """Run the pre-registered comparison (settings: docs/preregistration.md section 7)."""
    timing = {}
    t0 = time.perf_counter()
    aggregates = backtest.aggregate_regions(observations)
    cases = backtest.past_plan_cases(observations, targets)
    scored = cases[cases["status"] == "scored"]
    with backtest.worker_pool(workers) as executor:
        rolling = pd.concat([backtest.rolling_origins(observations, indicator=ind, origin_step=rolling_step, seed=seed,
                                                      _executor=executor)
                             for ind in backtest.CALIBRATION_INDICATORS], ignore_index=True)
        fit = backtest.fit_calibration(rolling)
        timing["challenger calibration (rolling origins)"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        cn = backtest.current_panel(observations, "cn_provinces", backtest.ROLLING_INDICATOR, aggregates)
        cn_regions = frozenset(set(cn["region"]) - {"China"})
        preps = [backtest.prepare_case(observations, r, aggregates=aggregates) for _, r in scored.iterrows()]
        args = [(p, fit.for_region(p["region"]), cn_regions, int(r["set_year"]), case_draws, seed)
                for p, (_, r) in zip(preps, scored.iterrows(), strict=True)]
        case_rows = backtest._run_tasks(_case_row, args, executor=executor, progress=None, sizes=[1] * len(args))
        past = pd.DataFrame(case_rows)
        timing["past-plan cases"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        out = []
        for indicator in pseudo_indicators:
            real = past[(past["indicator"] == indicator)].dropna(subset=["r_past"])
            deltas = tuple(float(d) for d in (real["r_req"] - real["r_past"]).sort_values())
            if not deltas:
                continue
            roll = backtest._rolling_context(observations, indicator, backtest.HORIZONS,
                                             backtest.SERIES_WINDOW, 3, pseudo_draws, seed)
            scale = outside_view.scale_of(roll.kind)
            ctx = _PseudoContext(roll=roll, changes={n: outside_view.changes(p, scale=scale, bounds=roll.bounds)
                                                     for n, p in roll.panels.items()},
                                 cn_regions=cn_regions, deltas=deltas, calibrations=fit.by_group,
                                 default_calibration=fit.calibration)
            tasks = backtest.rolling_tasks(observations, indicator=indicator, origin_step=origin_step)
            out += backtest._run_tasks(_pseudo_task, [(ctx, t) for t in tasks], executor=executor, progress=None,
                                       sizes=[1] * len(tasks))
    events = pd.DataFrame([e for ev, _ in out for e in ev])
    dist = pd.DataFrame([d for _, ds in out for d in ds])
    timing["pseudo-targets"] = time.perf_counter() - t0
    return summarise(past, events, dist, timing=timing)


def summarise(past: pd.DataFrame, events: pd.DataFrame, dist: pd.DataFrame, *, timing=None) -> ComparisonResult:
    """Calibrate v2, fit the baselines and score everything, from the collected per-case frames.

    A past-plan case without a pool probability is dropped, as the backtest
    excludes it ("no probability"); where v2 cannot run the case takes the
    pool's probability in both arms (preregistration, section 1).
    """
    past = past[past["pool"].notna()].reset_index(drop=True)
    events = events.copy()
    # candidate: beta calibration fitted leave-region-out on the pseudo-targets
    events["v2"] = event_calibration.cross_validated(events["v2_raw"], events["met"], events["region"])
    events[POOL_EVENT] = event_calibration.cross_validated(events[CHALLENGER], events["met"], events["region"])
    events["base_rate"] = scoring.base_rate_loo(events["met"])
    events["ambition"] = ambition_ratio(events["r_req"], events["r_past"])
    events["ambition_logit"] = ambition_baseline(events["ambition"], events["met"], events["region"])
    fallback = past["v2_raw"].isna()
    past["v2_fallback"] = fallback
    past.loc[fallback, "v2_raw"] = past.loc[fallback, "pool"]
    cal_by_region = event_calibration.fit_leave_group_out(events["v2_raw"], events["met"], events["region"])
    full_cal = event_calibration.fit_beta(events["v2_raw"], events["met"])
    past["v2"] = [float(cal_by_region.get(r, full_cal)(np.array([p]))[0]) if not fb else p
                  for r, p, fb in zip(past["region"], past["v2_raw"], fallback, strict=True)]
    pool_by_region = event_calibration.fit_leave_group_out(events[CHALLENGER], events["met"], events["region"])
    pool_full = event_calibration.fit_beta(events[CHALLENGER], events["met"])
    past[POOL_EVENT] = [float(pool_by_region.get(r, pool_full)(np.array([p]))[0])
                        for r, p in zip(past["region"], past[CHALLENGER], strict=True)]
    past["base_rate"] = scoring.base_rate_loo(past["met"])
    past["ambition"] = ambition_ratio(past["r_req"], past["r_past"])
    past["ambition_logit"] = ambition_baseline(past["ambition"], past["met"], past["case_id"])
    past_dist = past[["cohort", "regime", "pool_crps"]].assign(
        v2_raw_crps=past["v2_crps"].where(~past["v2_fallback"]))
    scores = pd.concat([scoreboard(past, METHODS, "past_plan"), scoreboard(events, METHODS, "pseudo")],
                       ignore_index=True)
    distributions = pd.concat([distribution_scores(past_dist, "past_plan"), distribution_scores(dist, "pseudo")],
                              ignore_index=True)
    rel = []
    for case_set, frame in (("past_plan", past), ("pseudo", events)):
        for m in METHODS:
            t = scoring.reliability_table(frame[m].to_numpy(float), frame["met"].to_numpy(float))
            rel.append(t.assign(case_set=case_set, method=m))
    return ComparisonResult(cases=past, events=events, dist=dist, scores=scores, distributions=distributions,
                            reliability=pd.concat(rel, ignore_index=True),
                            decision={**decide(scores), "pool_event": decide_pool_event(past, events)},
                            timing=dict(timing or {}))


# -- text ---------------------------------------------------------------------------------------

def render(result: ComparisonResult) -> str:
    """The scoreboard as text: every method, both case sets, intervals, expected vs observed, coverage, PIT."""
    s, lines = result.scores, []
    lines.append("Pre-registered comparison (docs/preregistration.md): candidate v2 (outside view, beta-calibrated) "
                 "vs challenger pool (assess, spread-calibrated)")
    for case_set in ("past_plan", "pseudo"):
        sub = s[s["case_set"] == case_set]
        r0 = sub.iloc[0]
        lines.append("")
        lines.append(f"{case_set}: n {int(r0['n'])} in {int(r0['cohorts'])} cohorts; observed successes "
                     f"{int(r0['observed'])}")
        lines.append(f"  {'method':<15} {'log':>6} {'Brier':>6}  {'log - v2 [95% cohort CI]':>27}  "
                     f"{'Brier - v2 [95% CI]':>25}  expected [90% range]")
        for _, r in sub.iterrows():
            lines.append(f"  {r['method']:<15} {r['log_score']:6.3f} {r['brier']:6.3f}  "
                         f"{r['log_score_minus_v2']:+7.3f} [{r['log_score_minus_v2_lo']:+.3f}, "
                         f"{r['log_score_minus_v2_hi']:+.3f}]  {r['brier_minus_v2']:+7.3f} "
                         f"[{r['brier_minus_v2_lo']:+.3f}, {r['brier_minus_v2_hi']:+.3f}]  "
                         f"{r['expected']:6.1f} [{int(r['expected_lo'])}, {int(r['expected_hi'])}]")
        if all(f"log_score_minus_{b}" in sub.columns for b in BASELINES):
            lines.append(f"  {'method':<15} " + "  ".join(f"{'log - ' + b + ' [95% cohort CI]':>34}" for b in BASELINES))
            for _, r in sub[~sub["method"].isin(BASELINES)].iterrows():
                lines.append(f"  {r['method']:<15} " + "  ".join(
                    f"{r[f'log_score_minus_{b}']:+13.3f} [{r[f'log_score_minus_{b}_lo']:+.3f}, "
                    f"{r[f'log_score_minus_{b}_hi']:+.3f}]" for b in BASELINES))
    d = result.distributions
    lines.append("")
    lines.append("Predictive distributions (CRPS in the indicator's units; v2 uncalibrated draws vs the pool's "
                 "calibrated draws):")
    for case_set in ("past_plan", "pseudo"):
        a = d[(d["case_set"] == case_set) & (d["regime"] == "all")]
        if len(a):
            r = a.iloc[0]
            lines.append(f"  {case_set}: n {int(r['n'])}; CRPS " + ", ".join(
                f"{x['method']} {x['crps']:.4f}" for _, x in a.iterrows())
                + f"; pool - v2 {r['pool_minus_v2_crps']:+.4f} [{r['lo']:+.4f}, {r['hi']:+.4f}]")
    cov = d[(d["case_set"] == "pseudo") & (d["regime"] != "all")]
    if len(cov):
        lines.append("  80% interval coverage by horizon (pseudo origins), v2_raw / pool:")
        for regime, g in cov.groupby("regime"):
            parts = []
            for h, gh in g.groupby("horizon"):
                v = gh.set_index("method")["cov80"]
                parts.append(f"h{h} {v.get('v2_raw', np.nan):.2f}/{v.get('pool', np.nan):.2f}")
            lines.append(f"    {regime:<11} " + " ".join(parts))
    lines.append("  PIT histograms (10 bins, share per bin; flat 0.10 = calibrated):")
    for name, col in (("v2_raw", "v2_raw_pit"), ("pool", "pool_pit")):
        lines.append(f"    pseudo {name:<7}" + " ".join(f"{x:.2f}" for x in pit_histogram(result.dist[col])))
        past_col = col.replace("v2_raw", "v2")
        lines.append(f"    past   {name:<7}" + " ".join(f"{x:.2f}" for x in pit_histogram(result.cases[past_col])))
    lines.append("")
    lines.append("Reliability (bin: n, mean predicted -> observed):")
    for case_set in ("past_plan", "pseudo"):
        for m in (CANDIDATE, CHALLENGER):
            t = result.reliability[(result.reliability["case_set"] == case_set) & (result.reliability["method"] == m)]
            lines.append(f"  {case_set:<9} {m:<5} " + "; ".join(
                f"{r['bin']} {int(r['n'])}" + (f": {r['mean_predicted']:.2f}->{r['observed_frequency']:.2f}"
                                               if r["n"] else "") for _, r in t.iterrows()))
    fb = result.cases[result.cases["v2_fallback"]]
    if len(fb):
        lines.append("")
        lines.append(f"v2 could not run on {len(fb)} past-plan case(s) (took the pool's probability in both arms): "
                     + "; ".join(f"{r['region']} {r['indicator']} {r['target_year']} ({r['v2_note']})"
                                 for _, r in fb.iterrows()))
    dec = result.decision
    lines.append("")
    lines.append(f"Decision rule: {dec['rule']}")
    lines.append(f"  pseudo: pool - v2 log score {dec['pseudo_diff']:+.4f} [{dec['pseudo_interval'][0]:+.4f}, "
                 f"{dec['pseudo_interval'][1]:+.4f}]; past-plan: {dec['past_diff']:+.4f} "
                 f"[{dec['past_interval'][0]:+.4f}, {dec['past_interval'][1]:+.4f}]")
    lines.append("  => " + ("ADOPT v2" if dec["adopt_v2"] else "KEEP the pool (challenger); both reported"))
    pe = dec.get("pool_event")
    if pe:
        lines.append(f"Section 12 rule: {pe['rule']}")
        lines.append("  " + "; ".join(f"{name}: pool - pool_event log score {d:+.4f} [{lo:+.4f}, {hi:+.4f}]"
                                      for name, (d, lo, hi) in (("pseudo", pe["pseudo"]),
                                                                ("past-plan", pe["past_plan"]))))
        lines.append("  => " + ("ADOPT pool_event (the pool's P(met), beta-calibrated)" if pe["adopt_pool_event"]
                                else "KEEP the pool's P(met) as it is; both reported"))
    lines.append("Timing: " + "; ".join(f"{k} {v:.0f} s" for k, v in result.timing.items()))
    return "\n".join(lines)


def main(argv=None) -> int:
    """Print the scoreboard; ``--save DIR`` also writes the per-case frames, ``--load DIR`` re-scores them."""
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="python -m taicang_analysis.evaluation.compare")
    parser.add_argument("--save", type=Path, help="write cases.csv, events.csv, dist.csv here")
    parser.add_argument("--load", type=Path, help="re-score the frames saved by --save (no re-run)")
    args = parser.parse_args(argv)
    if args.load:
        frames = {}
        for name in ("cases", "events", "dist"):
            path = args.load / f"{name}.csv"
            if not path.exists():
                print(f"error: {path} does not exist (run with --save first)", file=sys.stderr)
                return 2
            frames[name] = pd.read_csv(path)
        frames["cases"] = frames["cases"].drop(columns=[c for c in ("v2", "v2_fallback", POOL_EVENT, "base_rate",
                                                                    "ambition", "ambition_logit")
                                                        if c in frames["cases"]])
        result = summarise(frames["cases"], frames["events"], frames["dist"])
    else:
        result = run_comparison(io.read_processed("observations.csv"), io.read_processed("targets.csv"))
    if args.save:
        raw_cases = result.cases.drop(columns=["v2", POOL_EVENT, "base_rate", "ambition", "ambition_logit"])
        raw_cases.loc[raw_cases["v2_fallback"], "v2_raw"] = np.nan
        frames = {"cases": raw_cases.drop(columns="v2_fallback"),
                  "events": result.events.drop(columns=["v2", POOL_EVENT, "base_rate", "ambition",
                                                        "ambition_logit"]),
                  "dist": result.dist}
        io.write_tables_atomically({f"{k}.csv": io.frame_to_csv_bytes(v) for k, v in frames.items()}, args.save)
    print(render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
