"""Forecast models: known-truth recovery, calibration, bounds, gating, determinism.

Simulated worlds use the cases the project meets: 6 %/yr growth with noise sd
0.03 on the log scale (R&D spending-like), 4 points at the irregular county
years 2010, 2015, 2018, 2020, and 10 points for the models that need more.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from taicang_analysis.forecast import models
from taicang_analysis.forecast.models import MIN_OBS, MODELS, Forecast, Skipped, fit_all, fit_forecast

COUNTY_YEARS = np.array([2010, 2015, 2018, 2020])
TEN_IRREGULAR = np.array([2005, 2006, 2008, 2009, 2010, 2012, 2014, 2015, 2018, 2020])
TEN_ANNUAL = np.arange(2011, 2021)


def trend_world(years, seed, growth=0.06, sd=0.03, start=2.0):
    """log value = log(start) + log(1 + growth)·t + N(0, sd): a trend-stationary series."""
    rng = np.random.default_rng(seed)
    t = years - years[0]
    return pd.Series(np.exp(np.log(start) + np.log1p(growth) * t + rng.normal(0, sd, len(t))),
                     index=years, name="x")


def walk_world(years, seed, drift=0.06, sd=0.03, start=2.0, horizon=5):
    """Random walk with drift observed at ``years``; returns (series, value `horizon` yrs later)."""
    rng = np.random.default_rng(seed)
    all_years = np.arange(years[0], years[-1] + horizon + 1)
    z = np.log(start) + np.concatenate([[0], np.cumsum(drift + sd * rng.standard_normal(len(all_years) - 1))])
    path = pd.Series(np.exp(z), index=all_years)
    return path.loc[years].rename("x"), float(path.iloc[-1])


# -- known truth ----------------------------------------------------------------

@pytest.mark.parametrize("model, years, tol_each, tol_mean", [
    # tolerances ~4 sd of the estimator: loglinear se = 0.03/sqrt(sum (t - mean t)^2)
    ("loglinear", COUNTY_YEARS, 0.02, 0.005),      # se 0.004
    ("loglinear", TEN_IRREGULAR, 0.01, 0.003),     # se 0.002
    ("rw_drift", COUNTY_YEARS, 0.02, 0.005),       # se 0.03*sqrt(2)/10 = 0.004
    ("rw_drift", TEN_IRREGULAR, 0.015, 0.004),     # se 0.03*sqrt(2)/15 = 0.003
    # state-space end-of-sample trends are noisier (one filtered slope, not a global fit)
    ("local_linear_trend", TEN_IRREGULAR, 0.05, 0.01),
    ("local_linear_trend", TEN_ANNUAL, 0.06, 0.012),
    ("damped_ets", TEN_ANNUAL, 0.035, 0.01),       # damping shrinks the slope a little
])
def test_fitted_growth_recovers_the_truth(model, years, tol_each, tol_mean):
    growths = []
    for seed in range(25):
        f = fit_forecast(model, trend_world(years, seed), 2025, kind="rate", n_draws=200, seed=seed)
        assert isinstance(f, Forecast), f
        growths.append(f.growth)
    growths = np.array(growths)
    assert np.all(np.abs(growths - 0.06) < tol_each), growths
    assert abs(growths.mean() - 0.06) < tol_mean


def test_linear_and_logit_linear_recover_their_slopes():
    rng = np.random.default_rng(3)
    lin = pd.Series(3 + 0.2 * (COUNTY_YEARS - 2010) + rng.normal(0, 0.02, 4), index=COUNTY_YEARS)
    assert fit_forecast("linear", lin, 2025, kind="level").growth == pytest.approx(0.2, abs=0.01)
    logit = 0.1 * (COUNTY_YEARS - 2010) - 1 + rng.normal(0, 0.01, 4)
    share = pd.Series(100 / (1 + np.exp(-logit)), index=COUNTY_YEARS)
    # growth of the odds per year = exp(0.1) - 1
    assert fit_forecast("logit_linear", share, 2025, kind="share").growth == pytest.approx(
        np.expm1(0.1), abs=0.01)


@pytest.mark.parametrize("model", ["loglinear", "rw_drift"])
def test_80pct_interval_covers_about_80pct_of_worlds(model):
    """400 worlds, each model in its own generating process (where it is the true model).

    The t intervals are exact there, so coverage is 0.8 up to Monte Carlo
    error: 400 Bernoulli(0.8) trials have sd 0.02, so 0.70-0.90 is a 5-sd band
    (draw noise from 2,000 draws per world adds well under 0.01).
    """
    hits = []
    for seed in range(400):
        if model == "loglinear":
            truth_world = trend_world(np.append(COUNTY_YEARS, 2025), seed)
            series, truth = truth_world.iloc[:-1], truth_world.iloc[-1]
        else:
            series, truth = walk_world(COUNTY_YEARS, seed)
        f = fit_forecast(model, series, 2025, kind="rate", n_draws=2000, seed=seed)
        lo, hi = f.interval(0.8).loc[2025]
        hits.append(lo <= truth <= hi)
    assert 0.70 <= np.mean(hits) <= 0.90, np.mean(hits)


# -- the draws are the textbook predictive distributions -------------------------

def test_rw_drift_matches_hand_computed_t_interval():
    """log values 0, 0.5, 0.7 at 2010/2015/2020.

    drift = 0.7/10 = 0.07; residual changes 0.5-0.35 = 0.15 and 0.2-0.35 = -0.15,
    s^2 = (0.15^2/5 + 0.15^2/5)/(3-2) = 0.009; at h = 5 the scale is
    sqrt(0.009·(5 + 25/10)) = 0.2598, centre 0.7 + 0.35 = 1.05, t(1 df) 0.9-quantile 3.0777,
    so the 80 % interval on the log scale is 1.05 ± 0.7996.
    """
    s = pd.Series(np.exp([0.0, 0.5, 0.7]), index=[2010, 2015, 2020])
    f = fit_forecast("rw_drift", s, 2025, kind="rate", n_draws=200_000, seed=1)
    lo, hi = np.log(f.interval(0.8).loc[2025])
    assert f.growth == pytest.approx(np.expm1(0.07))
    assert lo == pytest.approx(1.05 - 0.7996, abs=0.03)
    assert hi == pytest.approx(1.05 + 0.7996, abs=0.03)
    assert np.log(f.median().loc[2025]) == pytest.approx(1.05, abs=0.01)


def test_loglinear_matches_statsmodels_prediction_interval():
    s = trend_world(TEN_IRREGULAR, seed=5)
    f = fit_forecast("loglinear", s, 2025, kind="rate", n_draws=200_000, seed=2)
    X = sm.add_constant(s.index.to_numpy(float))
    res = sm.OLS(np.log(s.to_numpy()), X).fit()
    frame = res.get_prediction(np.array([[1.0, 2025.0]])).summary_frame(alpha=0.2)
    lo, hi = np.log(f.interval(0.8).loc[2025])
    width = float(frame["obs_ci_upper"].iloc[0] - frame["obs_ci_lower"].iloc[0])
    assert lo == pytest.approx(frame["obs_ci_lower"].iloc[0], abs=0.02 * width)
    assert hi == pytest.approx(frame["obs_ci_upper"].iloc[0], abs=0.02 * width)


# -- bounds ---------------------------------------------------------------------------

def test_logit_linear_stays_inside_bounds_for_a_steep_series_near_99():
    s = pd.Series([90.0, 96.0, 98.5, 99.5], index=[2016, 2017, 2018, 2019])
    f = fit_forecast("logit_linear", s, 2040, kind="share")
    assert np.all(f.draws > 0) and np.all(f.draws < 100)
    assert f.median().iloc[-1] > 99.5


@settings(max_examples=40, deadline=None, database=None)
@given(st.lists(st.floats(0.01, 99.99), min_size=3, max_size=5),
       st.tuples(st.floats(-5, 0), st.floats(100, 110)))
def test_logit_draws_never_leave_any_bounds(values, bounds):
    lo, hi = bounds
    values = [lo + (hi - lo) * v / 100 for v in values]
    s = pd.Series(values, index=[2010, 2013, 2015, 2018, 2020][: len(values)])
    for f in fit_all(s, 2030, kind="share", bounds=(lo, hi), n_draws=500,
                     models=("logit_linear", "rw_drift")):
        if isinstance(f, Forecast):
            assert np.all((f.draws > lo) & (f.draws < hi))


# -- gating ------------------------------------------------------------------------------

@pytest.mark.parametrize("model", MODELS)
def test_every_model_skipped_when_too_short(model):
    kind = "share" if model == "logit_linear" else "rate"
    n = MIN_OBS[model] - 1
    s = trend_world(np.arange(2020 - n + 1, 2021), seed=0)
    out = fit_forecast(model, s, 2025, kind=kind)
    assert isinstance(out, Skipped) and out.model == model
    if model != "rw_drift":
        assert out.reason == f"needs at least {MIN_OBS[model]} observations, has {n}"


def test_two_points_only_rw_drift_explains_sigma():
    out = fit_all(pd.Series([2.6, 3.9], index=[2015, 2020]), 2025, kind="share")
    assert all(isinstance(o, Skipped) for o in out)
    reasons = {o.model: o.reason for o in out}
    assert "not identifiable" in reasons["rw_drift"]
    assert reasons["linear"] == "needs at least 3 observations, has 2"
    assert "logit_linear" in reasons["loglinear"]  # shares are not loglinear's to fit


def test_damped_ets_refuses_gaps_even_with_many_points():
    out = fit_forecast("damped_ets", trend_world(TEN_IRREGULAR, 0), 2025, kind="rate")
    assert isinstance(out, Skipped) and "consecutive annual" in out.reason
    assert isinstance(fit_forecast("damped_ets", trend_world(TEN_ANNUAL, 0), 2025, kind="rate"), Forecast)


def test_skips_for_kind_domain_and_degenerate_fits():
    rate = trend_world(COUNTY_YEARS, 0)
    assert "shares only" in fit_forecast("logit_linear", rate, 2025, kind="rate").reason
    with_zero = pd.Series([0.0, 1.0, 2.0], index=[2010, 2015, 2020])
    assert "> 0" in fit_forecast("loglinear", with_zero, 2025, kind="count").reason
    at_bound = pd.Series([90.0, 95.0, 100.0], index=[2010, 2015, 2020])
    assert "strictly inside" in fit_forecast("logit_linear", at_bound, 2025, kind="share").reason
    exact = pd.Series(np.exp(0.05 * np.arange(6)), index=range(2015, 2021))
    reasons = [fit_forecast(m, exact, 2025, kind="rate").reason
               for m in ("rw_drift", "loglinear", "local_linear_trend")]
    assert "negligible" in reasons[0] and "negligible" in reasons[1]
    assert "degenerate variance" in reasons[2]


@pytest.mark.parametrize("kwargs, message", [
    (dict(model="arima"), "unknown model"), (dict(kind="ratio"), "unknown kind"),
    (dict(horizon_year=2020), "after the last observation"), (dict(bounds=(100, 0)), "lo < hi"),
])
def test_bad_arguments_raise(kwargs, message):
    args = dict(model="linear", series=trend_world(COUNTY_YEARS, 0), horizon_year=2025, kind="rate")
    with pytest.raises(ValueError, match=message):
        fit_forecast(**{**args, **kwargs})


# -- determinism, irregular years, no filling -----------------------------------------------

def test_same_seed_same_draws_different_seed_different_draws():
    s = trend_world(TEN_ANNUAL, 1)
    a, b, c = (fit_all(s, 2025, kind="rate", n_draws=500, seed=seed) for seed in (7, 7, 8))
    for fa, fb, fc in zip(a, b, c):
        if isinstance(fa, Skipped):
            assert fa == fb == fc
            continue
        assert np.array_equal(fa.draws, fb.draws)
        assert not np.array_equal(fa.draws, fc.draws)
    assert sum(isinstance(f, Forecast) for f in a) == 5  # all but logit_linear (a rate)


def test_fit_all_equals_single_calls_and_draws_are_read_only():
    s = trend_world(COUNTY_YEARS, 2)
    for f in fit_all(s, 2025, kind="rate", n_draws=300, seed=4):
        if isinstance(f, Forecast):
            single = fit_forecast(f.model, s, 2025, kind="rate", n_draws=300, seed=4)
            assert np.array_equal(f.draws, single.draws)
            with pytest.raises(ValueError):
                f.draws[0, 0] = 1.0


def test_irregular_years_accepted_and_every_future_year_forecast():
    s = trend_world(COUNTY_YEARS, 0)
    out = {f.model: f for f in fit_all(s, 2025, kind="rate", n_draws=100)}
    for name in ("rw_drift", "linear", "loglinear"):
        assert out[name].years == (2021, 2022, 2023, 2024, 2025)
        assert out[name].draws.shape == (100, 5)
    assert list(s.index) == list(COUNTY_YEARS)  # the input was not touched


def test_local_linear_trend_sees_missing_years_as_nan(monkeypatch):
    seen = {}
    real = models.UnobservedComponents

    def spy(endog, **kw):
        seen["endog"] = np.array(endog, copy=True)
        return real(endog, **kw)

    monkeypatch.setattr(models, "UnobservedComponents", spy)
    years = np.array([2010, 2012, 2015, 2016, 2018, 2020])
    s = trend_world(years, 0)
    f = fit_forecast("local_linear_trend", s, 2025, kind="rate", n_draws=100)
    assert isinstance(f, Forecast), f
    endog = pd.Series(seen["endog"], index=range(2010, 2021))
    assert endog.isna().sum() == 5 and set(endog.index[endog.isna()]) == {2011, 2013, 2014, 2017, 2019}
    np.testing.assert_allclose(endog.dropna().to_numpy(), np.log(s.to_numpy()))


# -- accessors, quietness ----------------------------------------------------------------------

def test_accessors_agree_with_the_draws():
    f = fit_forecast("loglinear", trend_world(COUNTY_YEARS, 0), 2025, kind="rate", n_draws=1000)
    q = f.quantiles([0.1, 0.5, 0.9])
    assert list(q.index) == list(f.years) and list(q.columns) == [0.1, 0.5, 0.9]
    np.testing.assert_allclose(q[0.5], f.median())
    np.testing.assert_allclose(f.interval(0.8)["lower"], q[0.1])
    np.testing.assert_allclose(f.interval(0.8)["upper"], q[0.9])
    assert np.all(q[0.1] < q[0.9])


def test_fitting_is_silent(capsys):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for s in (trend_world(TEN_ANNUAL, 0), trend_world(np.array([2010, 2012, 2015, 2016, 2020]), 1)):
            fit_all(s, 2025, kind="rate", n_draws=100)
    assert caught == []
    assert capsys.readouterr() == ("", "")


def test_t_with_one_df_gives_heavy_but_finite_quantiles():
    """3 points leave 1 df: the predictive is Cauchy-like, wide, and says so in notes."""
    f = fit_forecast("loglinear", pd.Series([2.6, 3.3, 3.9], index=[2010, 2015, 2020]), 2025,
                     kind="rate")
    assert "t with 1 df" in f.notes
    lo, hi = f.interval(0.8).loc[2025]
    assert np.isfinite([lo, hi]).all() and hi / lo > 1.2
    assert stats.t.ppf(0.9, 1) > 3  # why it is wide
