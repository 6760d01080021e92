"""The outside-view model: known-truth recovery and the properties a projection must have."""

import numpy as np
import pandas as pd
import pytest

from taicang_analysis.forecast import models
from taicang_analysis.forecast import outside_view as ov


def _fit(panel, scale="identity"):
    return ov.fit_changes(ov.changes(panel, scale=scale), regime="sim", scale=scale)


def test_changes_divide_multi_year_gaps_and_fill_nothing():
    panel = pd.DataFrame({"region": ["A", "A", "A", "B", "B"], "year": [2000, 2001, 2004, 2000, 2002],
                          "value": [1.0, 2.0, 5.0, 10.0, 6.0]})
    ch = ov.changes(panel, scale="identity")
    assert ch[["region", "year0", "gap"]].values.tolist() == [["A", 2000, 1.0], ["A", 2001, 3.0], ["B", 2000, 2.0]]
    assert np.allclose(ch["d"], [1.0, 1.0, -2.0])


def test_recovers_drift_slope_noise_and_heavy_tails_without_region_effects():
    panel, _ = ov.simulate_panel(a=0.05, b=-0.02, sigma_u=0.0, sigma_e=0.05, n_regions=80, n_years=25, df=4, seed=3)
    f = _fit(panel)
    se = np.sqrt(np.diag(f.cov))
    assert abs(f.a - 0.05) < 3 * se[0] and abs(f.b + 0.02) < 3 * se[1]
    assert f.sigma_e == pytest.approx(0.05, rel=0.06)
    assert f.sigma_u < 0.01
    assert f.df <= 6  # heavy tails detected (true df 4)


def test_recovers_between_region_spread_and_persistence():
    panel, u = ov.simulate_panel(a=0.05, b=-0.05, sigma_u=0.03, sigma_e=0.05, n_regions=200, n_years=10,
                                 z_start=(-1.5, 1.5), seed=5)
    f = _fit(panel)
    assert f.b == pytest.approx(-0.05, abs=0.012)
    assert f.sigma_u == pytest.approx(0.03, rel=0.3)
    assert f.sigma_e == pytest.approx(0.05, rel=0.06)
    assert f.df >= 15  # normal noise is not called heavy-tailed
    assert f.phi > 0.9  # region effects were constant
    normal, _ = ov.simulate_panel(a=0.05, b=-0.05, sigma_u=0.0, sigma_e=0.05, n_regions=200, n_years=10,
                                  z_start=(-1.5, 1.5), seed=5)
    assert _fit(normal).phi == 0.0 or _fit(normal).sigma_u < 0.01


def test_shrinkage_follows_own_information():
    panel, _ = ov.simulate_panel(a=0.0, b=0.0, sigma_u=0.03, sigma_e=0.05, n_regions=150, n_years=12, seed=7)
    f = _fit(panel)
    years = np.arange(2000, 2021)
    steep = pd.Series(0.1 * (years - 2000), index=years)  # own drift 0.1/yr, 20 years, no noise
    mean_long, var_long, rbar, n = ov.own_effect(f, steep)
    z_prev = steep.to_numpy()[:-1]
    assert n == 20 and rbar == pytest.approx(np.mean(0.1 - f.a - f.b * z_prev), abs=1e-9)
    w_long = mean_long / rbar
    mean_short, _, rbar_short, _ = ov.own_effect(f, steep.iloc[-3:])
    assert 0 < mean_short / rbar_short < w_long < 1  # fewer years, more shrinkage
    assert var_long < f.sigma_u ** 2
    one = ov.own_effect(f, steep.iloc[-1:])
    assert one[0] == 0.0 and one[1] == pytest.approx(f.sigma_u ** 2)


def _share_panel():
    rng = np.random.default_rng(0)
    rows = []
    for i in range(40):
        v = rng.uniform(20, 90)
        for y in range(2005, 2021):
            rows.append((f"p{i}", y, v))
            z = np.log(v / (100 - v)) + 0.1 + 0.3 * rng.standard_t(3)
            v = 100 / (1 + np.exp(-z))
    return pd.DataFrame(rows, columns=["region", "year", "value"])


def test_share_stays_inside_bounds_and_starts_at_last_value():
    series = pd.Series([35.2, 47.7, 48.0, 50.0], index=[2015, 2018, 2019, 2020])
    fc = ov.outside_view_forecast(series, 2035, _share_panel(), kind="share", regime="test", n_draws=20_000, seed=1)
    assert isinstance(fc, models.Forecast) and fc.model == "outside_view:test"
    assert fc.years == tuple(range(2021, 2036))
    assert np.all((fc.draws > 0) & (fc.draws < 100))
    assert abs(float(np.median(fc.draws[:, 0])) - 50.0) < 3.0  # no jump in the first projected year
    assert np.isfinite(fc.draws).all()


def test_probabilities_are_never_zero_or_one():
    series = pd.Series([2.0, 2.1, 2.2], index=[2010, 2011, 2012])
    panel, _ = ov.simulate_panel(a=0.02, b=0.0, sigma_u=0.01, sigma_e=0.03, n_regions=40, n_years=15, seed=2)
    panel["value"] = np.exp(panel["value"])
    fc = ov.outside_view_forecast(series, 2015, panel, kind="rate", regime="sim", n_draws=2_000, seed=0)
    last = fc.draws[:, -1]
    impossible = ov.smoothed_probability(last >= 1000.0)
    certain = ov.smoothed_probability(last >= 0.001)
    assert 0 < impossible < 0.001 and 0.999 < certain < 1
    assert impossible == pytest.approx(0.5 / 2001)


def test_deterministic_and_respects_exclusion_and_as_of_cut():
    panel, _ = ov.simulate_panel(a=0.02, b=-0.01, sigma_u=0.01, sigma_e=0.03, n_regions=30, n_years=15, seed=4)
    series = pd.Series([0.5, 0.55], index=[2010, 2012])
    one = ov.outside_view_forecast(series, 2016, panel, kind="level", regime="sim", seed=9, n_draws=500)
    two = ov.outside_view_forecast(series, 2016, panel, kind="level", regime="sim", seed=9, n_draws=500)
    assert np.array_equal(one.draws, two.draws)
    cut = ov.fit_regime(panel, kind="level", regime="sim", max_year=2006, exclude_regions=("r000",))
    assert cut.last_year == 2006 and cut.n_regions == 29
    tiny = ov.fit_regime(panel[panel["region"].isin(["r000", "r001"])], kind="level", regime="sim")
    assert isinstance(tiny, models.Skipped) and "needs" in tiny.reason


def test_bad_arguments_are_named():
    panel, _ = ov.simulate_panel(a=0.0, b=0.0, sigma_u=0.0, sigma_e=0.1, n_regions=10, n_years=5)
    with pytest.raises(ValueError, match="horizon_year"):
        ov.outside_view_forecast(pd.Series([1.0], index=[2010]), 2010, panel, kind="level", regime="x")
    with pytest.raises(ValueError, match="kind"):
        ov.fit_regime(panel, kind="weird", regime="x")
    with pytest.raises(ValueError, match="lacks columns"):
        ov.changes(panel.drop(columns="value"), scale="identity")
