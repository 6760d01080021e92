"""The comparison's pieces: hand-checked scores, the cohort bootstrap, the baselines and the decision rule."""

import numpy as np
import pandas as pd
import pytest

from taicang_analysis.evaluation import compare


def test_crps_matches_hand_computation_and_the_normal_formula():
    # sample {0, 1}, outcome 0: E|X - y| = 0.5, E|X - X'| = 0.5 -> 0.5 - 0.25
    assert compare.crps(np.array([0.0, 1.0]), 0.0) == pytest.approx(0.25)
    assert compare.crps(np.array([2.0]), 5.0) == pytest.approx(3.0)  # a point forecast: absolute error
    x = np.random.default_rng(0).standard_normal(200_000)
    # closed form for N(0, 1) at y = 0: 2 phi(0) - 1/sqrt(pi)
    assert compare.crps(x, 0.0) == pytest.approx(2 / np.sqrt(2 * np.pi) - 1 / np.sqrt(np.pi), abs=3e-3)


def test_cohort_bootstrap_resamples_whole_cohorts():
    values = np.array([1.0, 1.0, 1.0, 5.0])
    lo, hi = compare.cohort_bootstrap(values, ["a", "a", "a", "b"], n_boot=4000)
    # cohort means are 1 and 5; resampling cohorts gives only 1, 5 or the mixtures (3*1 + 5)/4 = 2, (3 + 10)/5
    assert lo == pytest.approx(1.0) and hi == pytest.approx(5.0)
    same = compare.cohort_bootstrap(np.full(10, 0.3), np.arange(10))
    assert same == pytest.approx((0.3, 0.3))


def test_poisson_binomial_range():
    e, lo, hi = compare.poisson_binomial_range(np.ones(7))
    assert (e, lo, hi) == (7.0, 7, 7)
    e, lo, hi = compare.poisson_binomial_range(np.full(100, 0.5))
    assert e == 50.0 and 40 <= lo <= 43 and 57 <= hi <= 60  # binomial(100, .5): 5-95 % range 42-58


def test_past_change_ambition_and_regime():
    z = np.log(np.array([1.0, 1.1, 1.3, 1.6]))
    years = np.array([2010, 2012, 2013, 2015])
    assert compare.past_change(z, years) == pytest.approx((np.log(1.6) - np.log(1.0)) / 5)
    assert compare.past_change(z[-2:], years[-2:]) == pytest.approx((np.log(1.6) - np.log(1.3)) / 2)
    assert np.isnan(compare.past_change(z[:1], years[:1]))
    assert compare.ambition_ratio(0.04, 0.02) == pytest.approx(2.0)
    assert compare.ambition_ratio(0.05, -0.03) == pytest.approx(5.0)  # past change floored at 0.01
    assert compare.ambition_ratio(0.5, 0.01) == pytest.approx(10.0)  # clipped
    assert compare.regime_of("Jiangsu", {"Jiangsu"}) == "cn_regions"
    assert compare.regime_of("Taicang", set()) == "cn_regions"
    assert compare.regime_of("China", {"China"}) == "countries"
    assert compare.regime_of("Austria", {"Jiangsu"}) == "countries"


def test_ambition_baseline_learns_the_direction_and_leaves_each_case_out():
    rng = np.random.default_rng(1)
    a = rng.uniform(0, 6, 400)
    y = (rng.random(400) < 1 / (1 + np.exp(-(2 - a)))).astype(float)  # more ambitious, less often met
    p = compare.ambition_baseline(a, y, np.arange(400))
    assert np.corrcoef(a, p)[0, 1] < -0.95
    flipped = y.copy()
    flipped[0] = 1 - flipped[0]
    assert compare.ambition_baseline(a, flipped, np.arange(400))[0] == pytest.approx(p[0])


def _frame(p_v2, p_pool, y, cohorts, p_pool_event=None):
    n = len(y)
    return pd.DataFrame({"v2": p_v2, "v2_raw": p_v2, "pool": p_pool,
                         "pool_event": p_pool if p_pool_event is None else p_pool_event,
                         "base_rate": np.full(n, 0.5), "ambition_logit": np.full(n, 0.5), "met": y,
                         "cohort": cohorts})


def test_section_12_rule_adopts_the_event_calibrated_pool_only_when_it_is_clearly_better():
    rng = np.random.default_rng(5)
    truth = rng.uniform(0.05, 0.95, 3000)
    y = (rng.random(3000) < truth).astype(float)
    optimistic = np.clip(truth + 0.25, 0.001, 0.999)  # the pool: too high as a whole
    cohorts = np.repeat(np.arange(100), 30)
    events = _frame(truth, optimistic, y, cohorts, p_pool_event=truth)
    past = _frame(truth[:40], optimistic[:40], y[:40], cohorts[:40] // 10, p_pool_event=truth[:40])
    d = compare.decide_pool_event(past, events)
    assert d["pseudo"][1] > 0 and d["adopt_pool_event"] == (d["past_plan"][0] >= 0)
    # the map makes no difference: the interval is [0, 0], not above 0 -> the pool stays
    same = compare.decide_pool_event(_frame(truth[:40], truth[:40], y[:40], cohorts[:40] // 10),
                                     _frame(truth, truth, y, cohorts))
    assert same["pseudo"] == (0.0, 0.0, 0.0) and not same["adopt_pool_event"]
    # a map that makes it worse on the pseudo-targets is never adopted
    worse = compare.decide_pool_event(past, _frame(truth, truth, y, cohorts, p_pool_event=optimistic))
    assert worse["pseudo"][0] < 0 and not worse["adopt_pool_event"]


def test_scoreboard_and_decision_rule():
    rng = np.random.default_rng(2)
    truth = rng.uniform(0.05, 0.95, 3000)
    y = (rng.random(3000) < truth).astype(float)
    overconfident = np.clip(truth + np.where(truth > 0.5, 0.3, -0.3), 0.001, 0.999)
    cohorts = np.repeat(np.arange(100), 30)
    pseudo = compare.scoreboard(_frame(truth, overconfident, y, cohorts), compare.METHODS, "pseudo")
    r = pseudo.set_index("method")
    assert r.loc["v2", "log_score_minus_v2"] == 0.0
    assert r.loc["pool", "log_score_minus_v2_lo"] > 0  # the honest forecaster wins clearly
    assert r.loc["v2", "expected_lo"] <= r.loc["v2", "observed"] <= r.loc["v2", "expected_hi"]
    # every method beside both baselines (here a coin, 0.5): the honest forecaster beats it clearly, and a
    # difference is the mean of the per-case log scores' difference, by hand
    assert r.loc["v2", "log_score_minus_base_rate_hi"] < 0
    assert r.loc["v2", "log_score_minus_ambition_logit"] == pytest.approx(r.loc["v2", "log_score"] - np.log(2))
    assert r.loc["base_rate", "log_score_minus_base_rate"] == 0.0
    past_good = compare.scoreboard(_frame(truth[:40], overconfident[:40], y[:40], cohorts[:40] // 10),
                                   compare.METHODS, "past_plan")
    assert compare.decide(pd.concat([past_good, pseudo]))["adopt_v2"] == (
        past_good.set_index("method").loc["pool", "log_score_minus_v2"] >= 0)
    # swap the roles: the pool is honest, v2 overconfident -> keep the pool
    swapped = compare.scoreboard(_frame(overconfident, truth, y, cohorts), compare.METHODS, "pseudo")
    assert not compare.decide(pd.concat([past_good, swapped]))["adopt_v2"]


def test_pit_histogram():
    h = compare.pit_histogram((np.arange(1000) + 0.5) / 1000)
    assert np.allclose(h, 0.1)
    assert compare.pit_histogram([np.nan, 0.05])[0] == 1.0
