"""Spread calibration by pool type and horizon: the widening by hand, the lookup rules, the CSV round trip,
validation, and a synthetic rolling frame whose required factors are known (1.5 for own-models-only pools,
1 for pools with a reference class)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from taicang_analysis.evaluation import backtest
from taicang_analysis.forecast import models
from taicang_analysis.assessment.assess import TargetSpec, assess
from taicang_analysis.forecast.pooling import (
    ALL,
    Calibration,
    CalibrationCell,
    Pool,
    pool_type_of,
)
from taicang_analysis.forecast.pooling import pool_draws as _pool
from taicang_analysis.forecast.pooling import widen as _widen
from taicang_analysis.data.io import frame_to_csv_bytes

YEARS = (2021, 2022, 2023)
LATEST = 2020
# three draws per year, median 10, distances 1, 2, 3 from it in 2021, 2022, 2023
DRAWS = np.array([[9.0, 8.0, 7.0], [10.0, 10.0, 10.0], [11.0, 12.0, 13.0]])
CAL = Calibration.from_factors({("own_models_only", 1): 1.5, ("own_models_only", 2): 2.0,
                                ("with_reference", ALL): 0.5}, overall=3.0)


def _member(name: str, draws=DRAWS) -> models.Forecast:
    return models.Forecast(model=name, years=YEARS, draws=draws, growth=None, notes="")


# -- widening by hand ---------------------------------------------------------------

def test_each_year_is_widened_by_its_horizons_factor():
    """Own models only: h=1 x1.5, h=2 x2, h=3 beyond the largest fitted horizon -> h=2's x2.

    Level kind (no transform): 2021 [9, 10, 11] -> [8.5, 10, 11.5]; 2022 [8, 10, 12] -> [6, 10, 14];
    2023 [7, 10, 13] -> [4, 10, 16].
    """
    pooled = _pool([(_member("rw_drift"), 1.0)], 3, CAL, "level", None, latest_year=LATEST)
    expected = np.array([[8.5, 6.0, 4.0], [10.0, 10.0, 10.0], [11.5, 14.0, 16.0]])
    np.testing.assert_allclose(np.sort(pooled.draws, axis=0), expected)
    assert "h=3) x2" in pooled.notes and "own_models_only" in pooled.notes


def test_the_pool_type_picks_the_factors():
    """With a reference class in the pool: with_reference's factor 0.5 for every horizon."""
    members = [(_member("rw_drift"), 0.5), (_member("reference_class:world"), 0.5)]
    pooled = _pool(members, 4, CAL, "level", None, latest_year=LATEST)
    med = np.median(pooled.draws, axis=0)
    raw = np.vstack([DRAWS[:2], DRAWS[:2]])
    np.testing.assert_allclose(pooled.draws, med + 0.5 * (raw - np.median(raw, axis=0)))
    only_refs = _pool([(_member("reference_class:world"), 1.0)], 3, CAL, "level", None, latest_year=LATEST)
    np.testing.assert_allclose(only_refs.draws[2] - 10, 3.0 * np.array([1.0, 2.0, 3.0]))  # overall factor 3


def test_widening_on_the_log_scale_for_rates():
    """Rate kind: log-distances from the (log) median scale by each year's factor."""
    draws = np.exp(np.log(DRAWS))
    out = _widen(draws, np.array([1.5, 2.0, 2.0]), "rate", None)
    for j, f in enumerate((1.5, 2.0, 2.0)):
        med = np.log(10.0)
        np.testing.assert_allclose(np.log(out[:, j]) - med, f * (np.log(draws[:, j]) - med))


def test_assess_with_a_calibration_equals_widening_each_year_by_hand():
    s = pd.Series({2015: 2.00, 2016: 2.18, 2017: 2.16, 2018: 2.41, 2019: 2.40, 2020: 2.62})
    target = TargetSpec(3.2, 2023)
    cal = Calibration.from_factors({("own_models_only", h): 1.0 + 0.25 * h for h in (1, 2, 3)}, overall=1.0)
    plain = assess(s, target, kind="rate", n_draws=500)
    calibrated = assess(s, target, kind="rate", n_draws=500, pool=Pool(spread=cal))
    again = assess(s, target, kind="rate", n_draws=500, pool=Pool(spread=cal))
    assert np.array_equal(calibrated.pooled.draws, again.pooled.draws)  # deterministic
    years = plain.pooled.years
    factors = np.array([1.0 + 0.25 * min(y - 2020, 3) for y in years])  # beyond h=3: h=3's factor
    z = np.log(plain.pooled.draws)
    med = np.median(z, axis=0)
    np.testing.assert_allclose(calibrated.pooled.draws, np.exp(med + factors * (z - med)), rtol=1e-12)
    d = calibrated.to_dict()["spread"]
    assert d["pool_type"] == "own_models_only" and d["calibrated"]
    assert d["factors"]["2021"] == 1.25 and d["factors"]["2023"] == 1.75 and d["factors"][str(years[-1])] == 1.75
    assert plain.to_dict()["spread"]["factors"]["2023"] == 1.0
    # one factor for everything is the same as the float spread
    flat = assess(s, target, kind="rate", n_draws=500, pool=Pool(spread=Calibration.from_factors({}, overall=1.7)))
    np.testing.assert_allclose(flat.pooled.draws, assess(s, target, kind="rate", n_draws=500,
                                                         pool=Pool(spread=1.7)).pooled.draws)


# -- lookup rules ---------------------------------------------------------------------

def test_fallback_rules():
    cal = Calibration.from_factors({("own_models_only", 2): 1.2, ("own_models_only", 5): 1.5,
                                    ("own_models_only", ALL): 9.0, ("with_reference", ALL): 0.9}, overall=1.1)
    f = cal.factor
    assert f("own_models_only", 2) == 1.2 and f("own_models_only", 5) == 1.5
    assert f("own_models_only", 16) == 1.5  # beyond the largest fitted horizon: its factor
    assert f("own_models_only", 1) == 1.2  # below the smallest: the nearest
    assert f("own_models_only", 3) == 1.2 and f("own_models_only", 4) == 1.5  # in a gap: the nearest
    assert Calibration.from_factors({("own_models_only", 2): 1.2, ("own_models_only", 4): 1.4}).factor(
        "own_models_only", 3) == 1.4  # a tie: the larger horizon
    assert f("with_reference", 7) == 0.9  # only an every-horizon row for the type
    assert f("reference_only", 3) == 1.1  # a missing pool type: the overall factor
    assert cal.overall == 1.1
    assert Calibration().factor("with_reference", 4) == 1.0  # no overall row: uncalibrated
    assert list(cal.factors("own_models_only", [1, 5, 30])) == [1.2, 1.5, 1.5]


def test_pool_type_of():
    assert pool_type_of(["rw_drift", "reference_class:world"]) == "with_reference"
    assert pool_type_of(["rw_drift", "loglinear"]) == "own_models_only"
    assert pool_type_of(["reference_class:world", "reference_class:cn_provinces"]) == "reference_only"
    with pytest.raises(ValueError, match="without members"):
        pool_type_of([])


# -- storing and loading ------------------------------------------------------------

def test_round_trip_through_the_csv_the_cli_stores():
    cal = Calibration((CalibrationCell(ALL, None, 1.08, n=8000, coverage_before=0.77, coverage_cv=0.8,
                                       basis="all rows (8000)"),
                       CalibrationCell("own_models_only", 3, 1.3807165, n=148, coverage_before=0.72,
                                       coverage_cv=0.79, basis="h=3 (148 rows), pooled, with a comma"),
                       CalibrationCell("own_models_only", None, 1.67),
                       CalibrationCell("with_reference", 10, 0.84, n=12)))
    frame = cal.to_frame()
    assert list(frame.columns[:7]) == ["indicator", "pool_type", "horizon", "factor", "n", "coverage_before",
                                       "coverage_cv"]
    assert set(frame["indicator"]) == {ALL}
    assert Calibration.from_frame(frame) == cal
    # as data/processed reads it: every column text-or-number, blanks kept as ""
    text = frame_to_csv_bytes(frame).decode()
    back = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values={"value": [""], "target": [""]})
    assert Calibration.from_frame(back) == cal
    assert Calibration.from_frame(back.drop(columns=["n", "coverage_before", "coverage_cv", "basis"])).factor(
        "own_models_only", 3) == 1.3807165
    assert Calibration.from_frame(Calibration().to_frame()) == Calibration()


@pytest.mark.parametrize("cell, message", [
    ({"pool_type": "own_models_only", "horizon": 2, "factor": 0.0}, "factor must be a finite number > 0"),
    ({"pool_type": "own_models_only", "horizon": 2, "factor": -1.2}, "factor must be a finite number > 0"),
    ({"pool_type": "own_models_only", "horizon": 2, "factor": float("nan")}, "factor must be a finite number > 0"),
    ({"pool_type": "own_models_only", "horizon": 2, "factor": float("inf")}, "factor must be a finite number > 0"),
    ({"pool_type": "own_models_only", "horizon": 2, "factor": "wide"}, "factor must be a number > 0"),
    ({"pool_type": "own_only", "horizon": 2, "factor": 1.0}, "pool_type must be one of"),
    ({"pool_type": "own_models_only", "horizon": 0, "factor": 1.0}, "horizon must be an integer >= 1"),
    ({"pool_type": "own_models_only", "horizon": 2.5, "factor": 1.0}, "horizon must be an integer >= 1"),
    ({"pool_type": ALL, "horizon": 3, "factor": 1.0}, "overall factor"),
    ({"pool_type": "with_reference", "horizon": 3, "factor": 1.0, "coverage_cv": 1.2}, "coverage_cv must be in"),
])
def test_bad_cells_are_refused_with_the_reason(cell, message):
    with pytest.raises(ValueError, match=message):
        CalibrationCell(**cell)


def test_bad_tables_and_pools_are_refused():
    with pytest.raises(ValueError, match="duplicate"):
        Calibration((CalibrationCell("with_reference", 1, 1.0), CalibrationCell("with_reference", 1.0, 2.0)))
    with pytest.raises(ValueError, match="lacks column"):
        Calibration.from_frame(pd.DataFrame({"pool_type": ["all"], "factor": [1.0]}))
    bad = Calibration.from_factors({("with_reference", 1): 1.0}).to_frame().assign(factor=["-0.5"])
    with pytest.raises(ValueError, match="factor must be a finite number > 0"):
        Calibration.from_frame(bad)
    with pytest.raises(ValueError, match="horizon must be an integer >= 1 or 'all'"):
        Calibration.from_frame(bad.assign(factor=[1.0], horizon=["soon"]))
    for spread in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="pool.spread must be > 0"):
            Pool(spread=spread)
    with pytest.raises(TypeError, match="pool.spread must be a number > 0 or a Calibration"):
        Pool(spread="1.2")
    assert Pool(spread=CAL).spread is CAL and Pool().spread == 1.0
    with pytest.raises(ValueError, match="latest observed year"):
        _pool([(_member("rw_drift"), 1.0)], 3, CAL, "level", None)
    with pytest.raises(ValueError, match="one per year"):
        _widen(DRAWS, [1.0, 2.0], "level", None)
    with pytest.raises(ValueError, match="pool_type must be one of"):
        CAL.factor("all", 1)


# -- fitting on rolling origins -------------------------------------------------------

Q80, Q95 = 1.2815516, 1.9599640


def synthetic_rolling(n: int = 12_000, seed: int = 1) -> pd.DataFrame:
    """Pooled rows whose stored intervals are N(0, 1)'s; outcomes N(0, 1.5^2) for own-models-only pools, N(0, 1)
    with a reference class; horizons 1-5, 30 regions.  Plus thin cells: 10 own-only rows at h=6 and 10 at h=8
    (regions g1-g10), and 5 reference-only rows."""
    rng = np.random.default_rng(seed)
    i = np.arange(n)
    ptype = np.where(i % 2 == 0, "with_reference", "own_models_only")
    z = np.where(ptype == "own_models_only", 1.5, 1.0) * rng.standard_normal(n)
    frame = pd.DataFrame({"member": backtest.POOLED, "region": [f"g{k % 30}" for k in i], "panel": "world",
                          "origin": 2000, "horizon": 1 + (i // 2) % 5, "pool_type": ptype})
    thin = pd.DataFrame({"member": backtest.POOLED, "region": [f"g{1 + k % 10}" for k in range(25)],
                         "panel": "world", "origin": 2000, "horizon": [6] * 10 + [8] * 10 + [3] * 5,
                         "pool_type": ["own_models_only"] * 20 + ["reference_only"] * 5})
    zt = 1.5 * rng.standard_normal(25)
    frame = pd.concat([frame, thin], ignore_index=True)
    zz = np.concatenate([z, zt])
    return frame.assign(r80=np.abs(zz) / Q80, r95=np.abs(zz) / Q95)


@pytest.fixture(scope="module")
def fit():
    return backtest.fit_calibration(synthetic_rolling())


def test_fit_recovers_the_known_factor_per_pool_type_and_horizon(fit):
    cal = fit.calibration
    for h in range(1, 6):
        assert cal.factor("own_models_only", h) == pytest.approx(1.5, abs=0.1)
        assert cal.factor("with_reference", h) == pytest.approx(1.0, abs=0.07)
    cov = fit.coverage.set_index(["pool_type", "horizon"])
    for ptype in ("with_reference", "own_models_only"):
        assert cov.at[(ptype, ALL), "coverage80_after_cv"] == pytest.approx(0.80, abs=0.015)
    assert cov.at[("own_models_only", ALL), "coverage80_before"] == pytest.approx(0.607, abs=0.02)
    assert cov.at[("with_reference", ALL), "coverage80_before"] == pytest.approx(0.80, abs=0.02)
    # the 95 % interval is not fitted, but a normal error makes one factor right for both
    assert cov.at[("own_models_only", ALL), "coverage95_after_cv"] == pytest.approx(0.95, abs=0.015)


def test_thin_cells_follow_the_fixed_rule(fit):
    cal = fit.calibration
    rows = fit.rows
    own = rows[rows["pool_type"] == "own_models_only"]
    # h=6 has 10 rows: h=5..7 pooled (h=5's ~1,200 rows and its own 10)
    h57 = own[own["horizon"].between(5, 7)]
    assert cal.factor("own_models_only", 6) == np.quantile(h57["r80"], 0.8, method="inverted_cdf")
    # h=8 has 10 rows, h=6..10 only 20: the pool type's factor over all its horizons
    assert cal.factor("own_models_only", 8) == np.quantile(own["r80"], 0.8, method="inverted_cdf")
    assert cal.factor("own_models_only", 12) == cal.factor("own_models_only", 8)  # beyond: the largest's
    # a pool type with 5 rows: the overall factor
    assert cal.factor("reference_only", 3) == cal.overall
    assert cal.overall == np.quantile(rows["r80"], 0.8, method="inverted_cdf")
    bases = {(c.pool_type, c.horizon): c.basis for c in cal.cells}
    assert "h=5..6 pooled" in bases[("own_models_only", 6)]
    assert "< 40" in bases[("own_models_only", 8)] and "overall factor" in bases[("reference_only", None)]
    stats = {(c.pool_type, c.horizon): c for c in cal.cells}[("own_models_only", 6)]
    assert stats.n == 10 and stats.coverage_before is not None


def test_each_region_is_calibrated_without_its_rows(fit):
    frame = synthetic_rolling()
    for region in ("g0", "g3"):
        without = backtest.fit_calibration(frame[frame["region"] != region]).calibration
        mine = fit.for_region(region)
        for ptype, h in (("own_models_only", 2), ("with_reference", 4), ("own_models_only", 6), ("reference_only", 3)):
            assert mine.factor(ptype, h) == without.factor(ptype, h)
        rows = fit.rows[fit.rows["region"] == region]
        assert (rows["factor_cv"].to_numpy() == [mine.factor(t, h) for t, h in zip(
            rows["pool_type"], rows["horizon"], strict=True)]).all()
    assert fit.for_region("never seen") is fit.calibration


def test_fit_is_deterministic_and_checks_its_input(fit):
    again = backtest.fit_calibration(synthetic_rolling())
    assert again.calibration == fit.calibration
    pd.testing.assert_frame_equal(again.coverage, fit.coverage)
    pd.testing.assert_frame_equal(again.loo, fit.loo)
    with pytest.raises(ValueError, match="pool_type"):
        backtest.fit_calibration(synthetic_rolling(200).drop(columns="pool_type"))
    with pytest.raises(ValueError, match="level"):
        backtest.fit_calibration(synthetic_rolling(200), level=0.5)
