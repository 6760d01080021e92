"""The backtest's fast paths give what the straightforward code gives, bit for bit, on real panels.

A whole backtest before and after cannot run in a test (about half a minute of
model fits), so each shortcut is held to the code it replaces, on a real subset:

* reference classes from a panel prepared once (`reference.prepare_panel`: the
  exclusion and the as-of cut become a filter on each horizon's candidates)
  against the panel prepared per call, the numpy matching against the
  pandas matching it replaced (kept here as the oracle), the candidates kept without the
  last exclusion against one filter, and the longest reachable horizon in one pass against
  asking again;
* the rolling origins' quantiles read off one sort (`backtest._sorted_quantiles`)
  against ``np.quantile``, their PIT by bisection (`backtest._share_at_or_below`) against
  the mean of the comparison, a rolling origin's rows against the same rows
  recomputed with ``np.quantile`` on the unsorted draws, and every member's rows computed
  in one stack (`backtest._origin_rows`) against member by member (`backtest._member_rows`);
* the OLS trend's fit (`models._ols`) against statsmodels' ``OLS``;
* the state-space fits without statsmodels' discarded or repeated work (`models._lean_loglike`:
  the local linear trend's log-likelihood for Nelder-Mead; `models._llt_start_params`: its
  starting values with the HP filter's matrix built once per length; `models._without_covariance`:
  ETS results without the parameters' covariance; `models._lean_fit_lbfgs`: ETS's L-BFGS-B with its
  finite-difference gradient without scipy's wrappers) against the stock statsmodels and scipy
  objects, call by call and fit by fit on the real rolling origins;
* the series check's shortcut for float series without gaps against the general path;
* the panels-as-of memo (`backtest._Sources`, also of each source series and a region's own rows) against
  fresh calls, and the listed
  cases with and without it; the cases assessed on panels prepared once against the frames;
* tasks run on an executor (largest first) against the same tasks run in order here.

The panels are the real ones (R&D intensity: the provincial and World Bank
panels), built from ``data/raw`` as every test does.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from taicang_analysis.data import build, io
from taicang_analysis.evaluation import backtest
from taicang_analysis.forecast import models, reference
from taicang_analysis.forecast.models import Skipped

INDICATOR = "rd_intensity"


@pytest.fixture(scope="module")
def tables():
    return build.build_tables(io.read_raw())


@pytest.fixture(scope="module")
def observations(tables):
    return tables["observations.csv"]


@pytest.fixture(scope="module")
def ctx(observations):
    return backtest._rolling_context(observations, INDICATOR, backtest.HORIZONS, backtest.SERIES_WINDOW, 3, 300, 0)


def _origins(observations, ctx, every: int):
    """(panel, region, series up to t, t) of every ``every``-th rolling origin."""
    out = []
    for name, region, years in backtest.rolling_tasks(observations):
        g = ctx.panels[name]
        g = g[g["region"] == region].sort_values("year")
        full = pd.Series(g["value"].to_numpy(dtype=float), index=g["year"].to_numpy(dtype=int))
        out += [(name, region, backtest._window(full, t, ctx.window), t) for t in years]
    return out[::every]


# -- reference classes -----------------------------------------------------------------------

def _old_candidates(prep: dict, k: int) -> pd.DataFrame:
    """The pandas candidates frame the numpy arrays replaced (the code before the change)."""
    z, level = prep["z"], prep["level"]
    change = z[:, k:] - z[:, :-k] if k < z.shape[1] else np.empty((len(z), 0))
    width = change.shape[1]
    ok = ~np.isnan(change) & (level[:, :width] > 0)
    rows, cols = np.nonzero(ok)
    return pd.DataFrame({"region": prep["regions"][rows], "origin_year": prep["years"][cols],
                         "level": level[:, :width][ok], "recent_growth": prep["growth"][:, :width][ok],
                         "change": change[ok]})


def _old_matches(panel, *, level, recent_growth, k, scale, exclude_regions=(), max_origin_year=None,
                 level_band=0.35, growth_band=0.04, min_matches=30, bounds=(0.0, 100.0)):
    """(matches frame, n_regions) or None, as the pandas matching computed them."""
    prep = reference._prepare(panel, exclude_regions, max_origin_year, scale, bounds)
    cands = _old_candidates(prep, k)
    dist = np.abs(np.log(cands["level"].to_numpy() / level))
    gdist = (np.abs(cands["recent_growth"].to_numpy() - recent_growth)
             if recent_growth is not None else np.zeros(len(cands)))
    for widenings in range(reference.MAX_WIDENINGS + 1):
        lb, gb = (b * reference.WIDEN_FACTOR ** widenings for b in (level_band, growth_band))
        ok = (dist <= lb) & (gdist <= gb)
        if ok.sum() >= min_matches:
            break
    if ok.sum() < min_matches:
        return None
    matches = cands.loc[ok].reset_index(drop=True)
    per_region = matches.groupby("region")["region"].transform("size")
    n_regions = int(matches["region"].nunique())
    matches["weight"] = 1.0 / per_region / n_regions
    return matches, n_regions


def test_numpy_matching_equals_the_pandas_matching_it_replaced(ctx, observations):
    checked = 0
    for name, region, series, t in _origins(observations, ctx, 23):
        panel = ctx.panels[name]
        level, growth = float(series.iloc[-1]), reference.recent_growth(series)
        for k in (1, 4, 9):
            for cut, excl in ((t, (region,)), (None, ())):
                args = dict(level=level, recent_growth=growth, k=k, scale="logit", exclude_regions=excl,
                            max_origin_year=cut)
                old = _old_matches(panel, **args)
                new = reference.build_reference_class(panel, panel_name=name, **args)
                if old is None:
                    assert isinstance(new, Skipped)
                    continue
                pd.testing.assert_frame_equal(new.matches, old[0], check_exact=True)
                assert new.n_regions == old[1]
                checked += 1
    assert checked >= 20


def test_prepared_panel_gives_the_same_forecasts_as_the_frame(ctx, observations):
    """Draws, classes, notes and the reasons of the skipped ones: identical, region excluded and panel cut at t."""
    seen = {"forecast": 0, "skipped": 0}
    for name, region, series, t in _origins(observations, ctx, 9):
        for other in sorted(ctx.panels):
            for h in (10, 3):
                args = dict(kind=ctx.kind, bounds=ctx.bounds, panel_name=other, exclude_regions=(region,),
                            max_origin_year=t, n_draws=300, seed=5)
                slow = reference.reference_forecast(series, t + h, ctx.panels[other], **args)
                fast = reference.reference_forecast(series, t + h, ctx.prepared[other], **args)
                assert type(slow) is type(fast)
                if isinstance(slow, Skipped):
                    assert slow == fast
                    seen["skipped"] += 1
                    continue
                assert np.array_equal(slow.draws, fast.draws) and slow.years == fast.years
                assert slow.growth == fast.growth and slow.notes == fast.notes
                for a, b in zip(slow.classes, fast.classes, strict=True):
                    assert (a.k, a.rule, a.n_regions) == (b.k, b.rule, b.n_regions)
                    pd.testing.assert_frame_equal(a.matches, b.matches, check_exact=True)
                seen["forecast"] += 1
    assert seen["forecast"] >= 20 and seen["skipped"] >= 1  # both outcomes exercised


def test_prepared_candidates_equal_one_filter_in_any_call_order(ctx):
    """The candidates kept without the last exclusion, then cut, against one filter with both conditions."""
    for name, prepared in ctx.prepared.items():
        regions = list(prepared.prep["regions"])
        years = prepared.prep["years"]
        calls = [((regions[0],), int(years[-3])), ((regions[0],), int(years[-8])), ((regions[0],), None),
                 ((regions[1],), int(years[-5])), ((), int(years[-4])), ((regions[0],), int(years[-2])),
                 (("no such region",), int(years[-6])), ((regions[2], regions[3]), int(years[-7])),
                 ((regions[2], regions[3]), None), ((), None)]
        for exclude, cut in calls:
            for k in (1, 4, 10):
                got = prepared.candidates(k, exclude, cut)
                full = reference._candidates(prepared.prep, k)
                keep = ~np.isin(full["row"], np.flatnonzero(np.isin(prepared.prep["regions"], list(exclude))))
                if cut is not None:
                    keep &= full["origin_year"] + k <= cut
                assert got.keys() == full.keys()
                for column in full:
                    assert np.array_equal(got[column], full[column][keep], equal_nan=column == "recent_growth"), \
                        (name, exclude, cut, k, column)


def _retry_longest(series, t, max_h, panel, **args):
    """The loop `longest_reference_forecast` replaced: ask again for the horizon before the first that failed."""
    h = max_h
    while h >= 1:
        ref = reference.reference_forecast(series, t + h, panel, **args)
        if not isinstance(ref, Skipped):
            return ref
        h = min(h - 1, ref.failed_horizon - 1) if ref.failed_horizon is not None else 0
    return None


def test_longest_reference_forecast_equals_asking_again(ctx, observations):
    reached = set()
    for name, region, series, t in _origins(observations, ctx, 7):
        for other in sorted(ctx.panels):
            args = dict(kind=ctx.kind, bounds=ctx.bounds, panel_name=other, exclude_regions=(region,),
                        max_origin_year=t, n_draws=300, seed=2)
            slow = _retry_longest(series, t, 10, ctx.panels[other], **args)
            fast = reference.longest_reference_forecast(series, t + 10, ctx.prepared[other], **args)
            if slow is None:
                assert isinstance(fast, Skipped)
                reached.add(0)
                continue
            assert np.array_equal(slow.draws, fast.draws) and slow.years == fast.years
            assert (slow.growth, slow.notes) == (fast.growth, fast.notes)
            reached.add(len(fast.years))
    assert 0 in reached and 10 in reached and len(reached) >= 4  # short reaches and full ones were exercised


def test_prepared_panel_refuses_another_scale(ctx):
    series = pd.Series([1.0, 1.1, 1.2], index=[2010, 2011, 2012])
    with pytest.raises(ValueError, match="scale"):
        reference.reference_forecast(series, 2015, ctx.prepared["world"], kind="rate", panel_name="world")


# -- rolling origins' quantiles -------------------------------------------------------------------

def _awkward_draws(rng, i: int, max_columns: int) -> np.ndarray:
    """Draw matrix number ``i``: long or short, with ties, infinities and a NaN on a fixed rota."""
    n = 2000 if i % 4 == 0 else int(rng.integers(1, 40))
    x = rng.standard_normal((n, int(rng.integers(1, max_columns + 1))))
    if i % 5 == 0:
        x = np.round(x, 1)  # ties
    if i % 7 == 0:
        x[rng.integers(0, n)] = np.inf
    if i % 9 == 0:
        x[rng.integers(0, n)] = -np.inf
    if i % 11 == 0:
        x[rng.integers(0, n), 0] = np.nan
    return x


def test_sorted_quantiles_equal_numpy_quantile():
    rng = np.random.default_rng(3)
    for i in range(400):
        x = _awkward_draws(rng, i, 5)
        q = backtest._QUANTILES if i % 2 else tuple(rng.random(3))
        with np.errstate(invalid="ignore"):
            expected = np.quantile(x, q, axis=0)
            got = backtest._sorted_quantiles(np.sort(x, axis=0), q)
        assert np.array_equal(expected, got, equal_nan=True), i


def test_share_at_or_below_equals_the_mean_of_the_comparison():
    rng = np.random.default_rng(4)
    for i in range(400):
        x = _awkward_draws(rng, i, 7)
        n, k = x.shape
        ordered = np.sort(x, axis=0)
        values = rng.standard_normal(k) * 2
        if i % 3 == 0:
            values = ordered[rng.integers(0, n)].copy()  # a value equal to a draw
        if i % 13 == 0:
            values[0] = rng.choice([np.inf, -np.inf, np.nan, 0.0, -0.0])
        expected = np.mean(ordered <= values, axis=0)
        assert np.array_equal(expected, backtest._share_at_or_below(ordered, values)), i


def _old_member_stats(draws, outcomes, kind, bounds, log_ok):
    """What `_member_rows` computed with ``np.quantile`` on the unsorted draws."""
    q = np.quantile(draws, backtest._QUANTILES, axis=0)
    zq = np.quantile(backtest._z(draws, kind, bounds, log_ok), backtest._QUANTILES, axis=0)
    return q, zq, np.mean(draws <= outcomes, axis=0)


def test_rolling_rows_equal_the_unsorted_computation(ctx, observations):
    checked = 0
    for name, region, series, t in _origins(observations, ctx, 40):
        g = ctx.panels[name]
        g = g[g["region"] == region].sort_values("year")
        full = pd.Series(g["value"].to_numpy(dtype=float), index=g["year"].to_numpy(dtype=int))
        rows = pd.DataFrame(backtest._rolling_origin(ctx, name, region, full, t))
        forecasts = models.fit_all(series, t + max(ctx.horizons), kind=ctx.kind, bounds=ctx.bounds,
                                   n_draws=ctx.n_draws, seed=backtest._origin_seed(ctx.seed, name, region, t))
        for f in forecasts:
            if not isinstance(f, models.Forecast):
                continue
            mine = rows[rows["member"] == f.model].sort_values("horizon")
            hs = mine["horizon"].tolist()
            draws = f.draws[:, [f.years.index(t + h) for h in hs]]
            out = mine["outcome"].to_numpy()
            q, zq, pit = _old_member_stats(draws, out, ctx.kind, ctx.bounds, bool(np.all(f.draws > 0)))
            for j, col in enumerate(("lower95", "lower80", "median", "upper80", "upper95")):
                assert np.array_equal(mine[col].to_numpy(), q[j]), col
            for j, col in enumerate(("z_lower95", "z_lower80", "z_median", "z_upper80", "z_upper95")):
                assert np.array_equal(mine[col].to_numpy(), zq[j]), col
            assert np.array_equal(mine["pit"].to_numpy(), pit)
            checked += 1
    assert checked >= 10


def _same_row(a: dict, b: dict) -> bool:
    """Equal keys in the same order and equal values (NaN = NaN); a numpy float may come back as a Python float."""
    if list(a) != list(b):
        return False
    for key, x in a.items():
        y = b[key]
        if not (type(x) is type(y) or (type(x) is np.float64 and type(y) is float)):
            return False
        if not (x == y or (isinstance(x, float) and np.isnan(x) and np.isnan(y))):
            return False
    return True


def test_origin_rows_equal_the_rows_member_by_member(ctx, observations, monkeypatch):
    batched = backtest._origin_rows
    seen = {"rows": 0, "share": 0, "log": 0}

    def both(entries, pool_types, context, base, outcomes):
        rows = batched(entries, pool_types, context, base, outcomes)
        one_by_one = [r for member, weights, log_ok, horizons in entries
                      for r in backtest._member_rows(member, weights, pool_types, context, base, outcomes, log_ok,
                                                     horizons=horizons)]
        assert len(rows) == len(one_by_one)
        assert all(_same_row(a, b) for a, b in zip(one_by_one, rows, strict=True))
        seen["rows"] += len(rows)
        seen["share" if context.kind == "share" else "log"] += 1
        return rows
    monkeypatch.setattr(backtest, "_origin_rows", both)
    for name, region, series, t in _origins(observations, ctx, 25):
        g = ctx.panels[name]
        g = g[g["region"] == region].sort_values("year")
        full = pd.Series(g["value"].to_numpy(dtype=float), index=g["year"].to_numpy(dtype=int))
        backtest._rolling_origin(ctx, name, region, full, t)
    # a count indicator: members on the log scale and (a draw <= 0) on the original scale in one origin
    patents = backtest._rolling_context(observations, "invention_patents_per_10k", backtest.HORIZONS,
                                        backtest.SERIES_WINDOW, 3, 300, 0)
    for name, region, years in backtest.rolling_tasks(observations, indicator="invention_patents_per_10k")[::4]:
        g = patents.panels[name]
        g = g[g["region"] == region].sort_values("year")
        full = pd.Series(g["value"].to_numpy(dtype=float), index=g["year"].to_numpy(dtype=int))
        backtest._rolling_origin(patents, name, region, full, years[-1])
    assert seen["rows"] >= 500 and seen["share"] >= 10 and seen["log"] >= 3, seen


def test_origin_rows_mixed_scales_and_a_resort_equal_member_by_member():
    """Members on the log and the original scale in one origin, ties, and a member with NaN draws (its
    widening-scale columns fail the order check and are sorted again; on the original scale those columns
    are the draws themselves, which the re-sort must leave as they are)."""
    rng = np.random.default_rng(4)
    years = (2011, 2012, 2013)
    members = []
    for i, model in enumerate(("a", "b", "c", "d")):
        draws = np.exp(rng.normal(0, 1, (200, 3)))
        if i == 1:
            draws[:5] = -1.0  # not every draw positive: the original scale
        if i == 2:
            draws = np.round(draws, 1)  # ties
        if i == 3:
            draws[[3, 50, 120], 1] = np.nan
        members.append(models.Forecast(model=model, years=years, draws=draws, growth=None, notes=""))
    outcomes = {1: 1.2, 2: 0.7, 3: 2.5}
    base = {"panel": "p", "indicator": "x", "region": "r", "origin": 2010, "n_obs": 5, "first_year": 2006,
            "latest": 1.0}
    for kind in ("rate", "level", "share"):
        ctx = backtest._RollingContext(indicator="x", kind=kind, direction="increase", bounds=(0.0, 100.0) if
                                       kind == "share" else None, panels={}, prepared={}, horizons=(1, 2, 3),
                                       window=10, min_obs=3, n_draws=200, seed=0)
        entries = [(m, {1: 0.5}, bool(np.all(m.draws > 0)), {1, 3} if m.model == "d" else None) for m in members]
        rows = backtest._origin_rows(entries, {1: "with_reference"}, ctx, base, outcomes)
        one_by_one = [r for m, w, ok, hs in entries
                      for r in backtest._member_rows(m, w, {1: "with_reference"}, ctx, base, outcomes, ok, horizons=hs)]
        assert len(rows) == len(one_by_one) == 11
        assert all(_same_row(a, b) for a, b in zip(one_by_one, rows, strict=True)), kind


def _same_value(x, y) -> bool:
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
        return np.array_equal(x, y, equal_nan=True)
    if isinstance(x, float) and isinstance(y, float) and np.isnan(x) and np.isnan(y):
        return True
    return type(x) is type(y) and x == y


def test_cases_assessed_on_prepared_panels_equal_the_frames(tables, monkeypatch):
    """`_assess_prepared` prepares each panel once (`reference.prepare_panel`); the records and pooled columns
    are those of `assess` given the frames (each horizon tried preparing the cut frame again)."""
    observations, targets = tables["observations.csv"], tables["targets.csv"]
    known = backtest._Sources(observations)
    cases = backtest.past_plan_cases(observations, targets, _known=known)
    scored = cases.index[cases["status"] == "scored"].tolist()[::3]
    preps = [backtest.prepare_case(observations, cases.loc[i], _known=known) for i in scored]
    fast = [backtest._assess_case_task(p, 500, 0) for p in preps]
    monkeypatch.setattr(reference, "prepare_panel", lambda panel, **kwargs: panel)  # assess gets the frames
    stock = [backtest._assess_case_task(p, 500, 0) for p in preps]
    with_refs = 0
    for (rec, pooled), (rec0, pooled0) in zip(fast, stock, strict=True):
        assert rec.keys() == rec0.keys() and all(_same_value(rec[k], rec0[k]) for k in rec), rec["case_id"]
        assert (pooled is None) == (pooled0 is None)
        if pooled is not None:
            assert pooled.keys() == pooled0.keys() and all(_same_value(pooled[k], pooled0[k]) for k in pooled)
        with_refs += "reference_class" in rec["pool_members"]
    assert len(fast) >= 10 and with_refs >= 5, (len(fast), with_refs)


# -- models ---------------------------------------------------------------------------------------

def test_ols_equals_statsmodels():
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.tools import add_constant

    rng = np.random.default_rng(11)
    for i in range(300):
        n = int(rng.integers(3, 16))
        years = np.sort(rng.choice(np.arange(1990, 2030), n, replace=False))
        z = rng.standard_normal(n) * rng.random() * 3 + 5 * rng.standard_normal()
        if i % 7 == 0:
            z = 0.1 * (years - years[0]) + 1.0  # on a line: residual variance ~ 0
        centre = float(np.mean(years))
        expected = OLS(z, add_constant(years - centre)).fit()
        got = models._ols(z, np.column_stack([np.ones(n), years - centre]))
        assert np.array_equal(expected.params, got.params)
        assert np.array_equal(expected.normalized_cov_params, got.normalized_cov_params)
        assert expected.df_resid == got.df_resid and expected.scale == got.scale
        assert np.array_equal(expected.bse, got.bse, equal_nan=True)



_NM_FLAGS = {"transformed": False, "includes_fixed": False, "score_method": "approx", "approx_complex_step": True}


def _llt_series(rng, i):
    n = int(rng.integers(5, 16))
    z = np.cumsum(rng.standard_normal(n) * rng.choice([0.01, 0.3, 3.0])) + 0.05 * np.arange(n)
    if i % 3 == 0:  # unobserved years, as the local linear trend sees a series with gaps
        z[rng.choice(np.arange(1, n - 1), size=max(1, (n - 2) // 3), replace=False)] = np.nan
    return z


def test_lean_loglike_equals_the_stock_call():
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    rng = np.random.default_rng(5)
    for i in range(40):
        z = _llt_series(rng, i)
        stock = UnobservedComponents(z, level="local linear trend")
        lean = UnobservedComponents(z, level="local linear trend")
        models._lean_loglike(lean)
        assert "loglike" in vars(lean)  # installed on this instance only
        for j in range(25):
            if j == 12:  # a complex-step call (complex matrices, another filter) in between goes to the stock method
                step = {"transformed": False, "includes_fixed": False, "complex_step": True}
                cq = rng.standard_normal(3) + 1e-20j
                assert stock.loglike(cq, step) == lean.loglike(cq, step)
            q = rng.standard_normal(3) * rng.choice([1e-4, 0.1, 1.0, 30.0])
            assert np.array_equal(stock.transform_params(q), q ** 2)  # the lean call squares them itself
            a, b = stock.loglike(q, _NM_FLAGS), lean.loglike(q, _NM_FLAGS)
            assert a == b or (np.isnan(a) and np.isnan(b)), (i, q, a, b)
            for name in ("obs_cov", "state_cov"):  # the model is left as the stock call leaves it
                assert np.array_equal(stock.ssm[name], lean.ssm[name])
        variances = q ** 2  # other signatures go to the stock method
        assert lean.loglike(variances) == stock.loglike(variances)


def test_lean_loglike_and_start_params_keep_the_stock_ones_for_other_models():
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    mod = UnobservedComponents(np.arange(10.0) + np.sin(np.arange(10.0)), level="local level")
    models._lean_loglike(mod)
    assert "loglike" not in vars(mod)
    assert models._llt_start_params(mod) is None


def test_start_params_and_hp_filter_equal_statsmodels():
    from statsmodels.tsa.filters.hp_filter import hpfilter
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    rng = np.random.default_rng(9)
    for i in range(60):
        z = _llt_series(rng, i)
        mod = UnobservedComponents(z, level="local linear trend")
        stock, mine = mod.start_params, models._llt_start_params(mod)
        assert len(stock) == len(mine) == 3 and all(a == b for a, b in zip(stock, mine)), (i, stock, mine)
        observed = z[~np.isnan(z)]
        for x in (observed, observed * 1e4, observed[:5]):  # the cached matrix of each length is reused
            cycle, trend = hpfilter(x)
            mine_cycle, mine_trend = models._hp_cycle_trend(x)
            assert np.array_equal(cycle, mine_cycle) and np.array_equal(trend, mine_trend)


def test_ets_results_without_covariance_equal_the_stock_results():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    rng = np.random.default_rng(8)
    for i in range(12):
        n = int(rng.integers(8, 16))
        z = np.cumsum(rng.standard_normal(n) * rng.choice([0.01, 0.3, 3.0]) + rng.normal(0, 0.2))
        stock = ETSModel(z, error="add", trend="add", damped_trend=True).fit(disp=False, maxiter=200)
        mod = ETSModel(z, error="add", trend="add", damped_trend=True)
        models._without_covariance(mod)
        fast = mod.fit(disp=False, maxiter=200)
        assert fast.cov_params_default is None and stock.cov_params_default is not None  # what is skipped
        assert np.array_equal(stock.params, fast.params)
        assert stock.mle_retvals["converged"] == fast.mle_retvals["converged"]
        assert np.array_equal(stock.slope, fast.slope) and stock.scale == fast.scale
        a = stock.simulate(6, anchor="end", repetitions=200, rng=np.random.default_rng(i))
        b = fast.simulate(6, anchor="end", repetitions=200, rng=np.random.default_rng(i))
        assert np.array_equal(a, b)


def _ets_series(rng, i):
    n = int(rng.integers(8, 16))
    if i % 4 == 0:  # a log series of steady growth, as the rolling origins' R&D intensity
        return np.log(np.cumsum(rng.uniform(0.05, 0.3, n)) + 1)
    return np.cumsum(rng.standard_normal(n) * rng.choice([0.01, 0.3, 3.0]) + rng.normal(0, 0.2))


@pytest.mark.filterwarnings("ignore:Maximum Likelihood optimization failed")
def test_lean_lbfgs_equals_the_stock_optimiser():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    rng = np.random.default_rng(21)
    converged = {True: 0, False: 0}
    for i in range(60):
        z = _ets_series(rng, i)
        maxiter = (200, 3, 12)[i % 3]  # also stopped by the iteration limit, mid-way
        stock = ETSModel(z, error="add", trend="add", damped_trend=True).fit(disp=False, maxiter=maxiter)
        mod = ETSModel(z, error="add", trend="add", damped_trend=True)
        # the loop alone (every other series) and with the lean objective
        lean = mod.fit(disp=False, maxiter=maxiter, **models._lean_lbfgs_option(mod if i % 2 else None))
        assert np.array_equal(stock.params, lean.params), i
        a, b = stock.mle_retvals, lean.mle_retvals
        assert a.keys() == b.keys()
        for key in a:  # the same point, value, gradient, function calls, iterations and flags
            assert np.array_equal(a[key], b[key]), (i, key, a[key], b[key])
        assert stock.mle_settings.keys() == lean.mle_settings.keys()
        assert np.array_equal(stock.simulate(5, anchor="end", repetitions=50, rng=np.random.default_rng(i)),
                              lean.simulate(5, anchor="end", repetitions=50, rng=np.random.default_rng(i)))
        converged[bool(a["converged"])] += 1
    assert min(converged.values()) >= 10, converged


def test_ets_objective_equals_the_stock_objective():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    rng = np.random.default_rng(17)
    for i in range(20):
        z = _ets_series(rng, i)
        mod = ETSModel(z, error="add", trend="add", damped_trend=True)
        lean = models._ets_objective(mod)
        nobs = mod.endog.shape[0]
        fargs = (np.zeros(mod.nobs), np.zeros((mod.nobs, 2)), np.zeros(5, dtype=np.int64), np.empty(5), True, False)
        for _ in range(30):
            p = np.array([rng.uniform(1e-4, 1), rng.uniform(1e-4, 1), rng.uniform(0.8, 0.98),
                          z[0] + rng.normal(0, 1), rng.normal(0, 0.5)])
            stock = -mod._loglike_internal(p, *fargs) / nobs  # what LikelihoodModel.fit minimises
            got = lean(p, *fargs)
            assert type(got) is type(stock) and (got == stock or (np.isnan(got) and np.isnan(stock))), (i, p)
    assert models._ets_objective(ETSModel(np.exp(z), error="mul", trend="add", damped_trend=True)) is None


def test_lean_lbfgs_keeps_the_stock_objective_when_the_lean_one_differs():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    z = _ets_series(np.random.default_rng(2), 1)
    stock = ETSModel(z, error="add", trend="add", damped_trend=True).fit(disp=False, maxiter=200)
    mod = ETSModel(z, error="add", trend="add", damped_trend=True)
    right = models._ets_objective(mod)
    option = {"extra_fit_funcs": {"lbfgs": functools.partial(
        models._lean_fit_lbfgs, lean_objective=lambda p, *a: right(p, *a) * (1 + 1e-12))}}  # off by a rounding
    lean = mod.fit(disp=False, maxiter=200, **option)
    assert np.array_equal(stock.params, lean.params) and stock.mle_retvals["fcalls"] == lean.mle_retvals["fcalls"]


def test_lean_lbfgs_on_a_box_and_on_its_bounds_equals_scipy():
    from scipy.optimize import _lbfgsb, fmin_l_bfgs_b

    def rosen(x, scale):
        return scale * float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))

    rng = np.random.default_rng(3)
    for i in range(30):
        n = int(rng.integers(2, 6))
        x0 = rng.uniform(-2, 2, n)
        bounds = [(None, None) if i % 3 == 0 else (-1.5, 1.0 + 1e-9 * (j % 2)) for j in range(n)]
        if i % 3 == 2:
            x0 = np.where(rng.random(n) < 0.5, -1.5, 1.0)  # start on the bounds: steps flip or shorten there
        maxiter = (200, 4)[i % 2]
        x, f, d = fmin_l_bfgs_b(rosen, x0, args=(0.5,), bounds=bounds, approx_grad=True, maxiter=maxiter)
        got = models._lbfgsb_approx_grad(_lbfgsb.setulb, rosen, x0, (0.5,), bounds, maxiter)
        assert np.array_equal(x, got[0]) and f == got[1] and np.array_equal(d["grad"], got[2]), i
        assert (d["funcalls"], d["nit"], d["warnflag"]) == got[3:], i


def test_lean_lbfgs_leaves_other_requests_to_the_stock_optimiser(monkeypatch):
    from statsmodels.base import optimizer as sm_optimizer

    called = []
    stock = sm_optimizer._fit_lbfgs

    def spy(*args, **kwargs):
        called.append(sorted(args[4]))
        return stock(*args, **kwargs)
    monkeypatch.setattr(sm_optimizer, "_fit_lbfgs", spy)

    def f(x):
        return float(np.sum((x - 1.0) ** 2))

    def score(x):
        return 2 * (x - 1.0)
    x0 = np.zeros(3)
    base = {"bounds": [(None, None)] * 3, "extra_fit_funcs": {}}
    models._lean_fit_lbfgs(f, None, x0, (), {**base, "approx_grad": True}, disp=False)
    assert called == []  # the lean loop
    models._lean_fit_lbfgs(f, score, x0, (), dict(base), disp=False)  # an analytic score
    models._lean_fit_lbfgs(f, None, x0, (), {**base, "approx_grad": True, "m": 5}, disp=False)  # another option
    models._lean_fit_lbfgs(f, None, x0, (), {**base, "approx_grad": True}, disp=False, callback=lambda x: None)
    assert len(called) == 3 and all("extra_fit_funcs" not in kw for kw in called)


def test_state_space_fits_equal_the_stock_path_on_rolling_origins(ctx, observations, monkeypatch):
    def fits():
        return [models.fit_all(series, t + max(ctx.horizons), kind=ctx.kind, bounds=ctx.bounds, n_draws=ctx.n_draws,
                               seed=backtest._origin_seed(ctx.seed, name, region, t),
                               models=("damped_ets", "local_linear_trend"))
                for name, region, series, t in _origins(observations, ctx, 30)]

    fast = fits()
    monkeypatch.setattr(models, "_lean_loglike", lambda mod: None)
    monkeypatch.setattr(models, "_without_covariance", lambda mod: None)
    monkeypatch.setattr(models, "_llt_start_params", lambda mod: None)
    monkeypatch.setattr(models, "_lean_lbfgs_option", lambda mod=None: {})
    stock = fits()
    fitted = {"damped_ets": 0, "local_linear_trend": 0}
    for a, b in zip(fast, stock, strict=True):
        for x, y in zip(a, b, strict=True):
            assert type(x) is type(y)
            if isinstance(x, Skipped):
                assert x == y
                continue
            assert np.array_equal(x.draws, y.draws) and (x.growth, x.notes, x.years) == (y.growth, y.notes, y.years)
            fitted[x.model] += 1
    assert min(fitted.values()) >= 10, fitted

@pytest.mark.parametrize("series", [
    pd.Series([1.0, 2.0, 3.5], index=[2010, 2012, 2013], name="x"),
    pd.Series([1.0, np.nan, 3.5], index=[2010, 2012, 2013]),
    pd.Series([1, 2, 3], index=[2010, 2011, 2012]),
    pd.Series([], dtype=float),
])
def test_series_check_shortcut_equals_the_general_path(series):
    general = pd.Series(series, dtype=float).dropna()
    pd.testing.assert_series_equal(models._check_series(series), general)


# -- the cases' inputs ----------------------------------------------------------------------------

def test_sources_memo_answers_as_fresh_calls(observations, tables):
    known = backtest._Sources(observations)
    for as_of in ("2004-12-31", "2012-12-31", "2016-12-31", "2012-12-31"):
        for indicator in (INDICATOR, "invention_patents_per_10k", "tech_market_turnover_seller"):
            fresh = backtest.panels_as_of(observations, indicator, as_of)
            memo = backtest.panels_as_of(observations, indicator, as_of, _known=known)
            assert fresh.keys() == memo.keys()
            for name in fresh:
                pd.testing.assert_frame_equal(fresh[name], memo[name], check_exact=True)
    cases = backtest.past_plan_cases(observations, tables["targets.csv"])
    pd.testing.assert_frame_equal(cases, backtest.past_plan_cases(observations, tables["targets.csv"],
                                                                  _known=known), check_exact=True)
    checked = 0
    for _, case in cases[cases["source"] != ""].iterrows():  # each source series: kept in the memo, and fresh
        args = (observations, case["source"], case["region"], case["series_indicator"], case["as_of"])
        fresh, memo = backtest._source_series(*args), backtest._source_series(*args, known_panels=known)
        assert memo is backtest._source_series(*args, known_panels=known)  # asked again: the same objects
        for a, b in zip(fresh[:2], memo[:2], strict=True):
            pd.testing.assert_series_equal(a, b, check_exact=True)
        pd.testing.assert_frame_equal(fresh[2], memo[2], check_exact=True)
        checked += case["source"] == "observations"
    assert checked >= 10
    scored = cases[cases["status"] == "scored"]
    for i in scored.index[::4]:
        fresh = backtest.prepare_case(observations, scored.loc[i])
        memo = backtest.prepare_case(observations, scored.loc[i], _known=known)
        pd.testing.assert_series_equal(fresh["series"], memo["series"], check_exact=True)
        for name in fresh["panels"]:
            pd.testing.assert_frame_equal(fresh["panels"][name], memo["panels"][name], check_exact=True)


def _square(x: int) -> int:
    return x * x


def test_tasks_on_an_executor_come_back_in_task_order():
    tasks = [(x,) for x in range(12)]
    sizes = [x % 5 for x in range(12)]  # submitted largest first, results still in task order
    here = backtest._run_tasks(_square, tasks, executor=None, progress=None, sizes=sizes)
    done = []
    with ThreadPoolExecutor(2) as executor:
        there = backtest._run_tasks(_square, tasks, executor=executor, progress=done.append, sizes=sizes)
    assert here == there == [x * x for x in range(12)]
    assert sorted(done) == sorted(sizes)


def test_fit_cells_with_shared_masks_equal_fresh_calls():
    """The leave-region-out folds share each pool type's and horizon band's rows; every fold's factors unchanged."""
    rng = np.random.default_rng(4)
    n = 3000
    r = np.exp(rng.standard_normal(n) * 0.4)
    types = rng.choice(["with_reference", "own_models_only"], n, p=[0.8, 0.2]).astype(object)
    horizons = rng.integers(1, 11, n)
    groups = rng.integers(0, 25, n)
    cells = sorted(set(zip(types.tolist(), horizons.tolist())))
    masks: dict = {}
    for g in range(25):
        use = groups != g
        assert (backtest._fit_cells(r, types, horizons, use, 0.8, cells, 40, masks)
                == backtest._fit_cells(r, types, horizons, use, 0.8, cells, 40))
    assert masks  # the masks were shared


def test_inverse_cdf_with_sorted_ranks_equals_the_plain_search():
    rng = np.random.default_rng(8)
    for n in (1, 2, 7, 300):
        changes = np.round(rng.standard_normal(n), 2)  # ties
        weights = rng.random(n)
        u = np.concatenate([rng.random(500), [0.0, 1.0 - 1e-16]])
        assert np.array_equal(reference._weighted_inverse_cdf(changes, weights, u),
                              reference._weighted_inverse_cdf(changes, weights, u, np.argsort(u)))


def test_lean_lbfgs_leaves_another_scipy_series_to_the_stock_optimiser(monkeypatch):
    """The lean loop copies a private scipy routine's calling convention: any other scipy version takes the
    stock optimiser, with the same answer."""
    import scipy
    from statsmodels.base import optimizer as sm_optimizer

    called = []
    stock = sm_optimizer._fit_lbfgs

    def spy(*args, **kwargs):
        called.append(True)
        return stock(*args, **kwargs)
    monkeypatch.setattr(sm_optimizer, "_fit_lbfgs", spy)

    def f(x):
        return float(np.sum((x - 1.0) ** 2))
    kwargs = {"bounds": [(None, None)] * 2, "approx_grad": True}
    lean, _ = models._lean_fit_lbfgs(f, None, np.zeros(2), (), dict(kwargs), disp=False)
    assert called == [] and scipy.__version__.startswith(models.LEAN_LBFGS_SCIPY)
    monkeypatch.setattr(scipy, "__version__", "9.0.0")
    other, _ = models._lean_fit_lbfgs(f, None, np.zeros(2), (), dict(kwargs), disp=False)
    assert called == [True]
    np.testing.assert_array_equal(lean, other)
