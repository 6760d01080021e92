"""Scores against hand computations, and a synthetic world where the true probability is known."""

import itertools
import math

import numpy as np
import pytest

from taicang_analysis.evaluation import scoring

P = [0.9, 0.2, 0.5]
Y = [1, 0, 1]


def test_brier_by_hand():
    # (0.9-1)^2 + (0.2-0)^2 + (0.5-1)^2 = 0.01 + 0.04 + 0.25 = 0.30, / 3
    assert scoring.brier(P, Y) == pytest.approx(0.10)
    assert scoring.brier_contributions(P, Y) == pytest.approx([0.01, 0.04, 0.25])
    assert scoring.brier([0.5] * 4, [1, 0, 1, 0]) == pytest.approx(0.25)  # always 0.5: 0.25
    assert scoring.brier([1.0, 0.0], [0, 1]) == pytest.approx(1.0)  # certain and wrong: 1


def test_log_score_by_hand_and_its_clipping():
    # -(ln 0.9 + ln 0.8 + ln 0.5) / 3 = (0.105361 + 0.223144 + 0.693147) / 3
    assert scoring.log_score(P, Y) == pytest.approx((0.105361 + 0.223144 + 0.693147) / 3, abs=1e-6)
    # a certain wrong call is clipped to eps = 1e-3: -ln(0.001) = 6.907755
    assert scoring.log_score([1.0], [0]) == pytest.approx(6.907755, abs=1e-6)
    assert scoring.log_score([0.0], [0]) == pytest.approx(-math.log(1 - 1e-3))
    assert scoring.log_score([1.0], [0], eps=0.01) == pytest.approx(-math.log(0.01))
    with pytest.raises(ValueError):
        scoring.log_score(P, Y, eps=0.0)


def test_brier_skill_by_hand():
    # reference 0.5 everywhere scores 0.25: BSS = 1 - 0.10 / 0.25 = 0.6
    assert scoring.brier_skill(P, Y, [0.5] * 3) == pytest.approx(0.6)
    assert scoring.brier_skill(P, Y, P) == pytest.approx(0.0)
    assert math.isnan(scoring.brier_skill([0.3], [1], [1.0]))  # a perfect reference: undefined


def test_base_rate_leaves_the_case_out():
    # y = 1, 0, 0, 1: case 1 sees (0 + 0 + 1) / 3, case 2 sees (1 + 0 + 1) / 3, ...
    assert scoring.base_rate_loo([1, 0, 0, 1]) == pytest.approx([1 / 3, 2 / 3, 2 / 3, 1 / 3])
    assert np.isnan(scoring.base_rate_loo([1])).all()


def test_reliability_table_by_hand():
    p = [0.05, 0.15, 0.25, 0.95, 1.0]
    y = [0, 0, 1, 1, 1]
    t = scoring.reliability_table(p, y)
    assert t["bin"].tolist() == ["[0.0, 0.1)", "[0.1, 0.3)", "[0.3, 0.5)", "[0.5, 0.7)", "[0.7, 0.9)", "[0.9, 1.0]"]
    assert t["n"].tolist() == [1, 2, 0, 0, 0, 2]
    assert t.loc[1, "mean_predicted"] == pytest.approx(0.2) and t.loc[1, "observed_frequency"] == pytest.approx(0.5)
    assert t.loc[5, "mean_predicted"] == pytest.approx(0.975) and t.loc[5, "observed_frequency"] == 1.0
    assert np.isnan(t.loc[2, "mean_predicted"]) and t["n"].sum() == 5
    edge = scoring.reliability_table([0.1, 0.3], [0, 1])  # an edge value goes to the bin it opens
    assert edge["n"].tolist() == [0, 1, 1, 0, 0, 0]


def test_hit_rate_and_interval_coverage_by_hand():
    assert scoring.hit_rate([1, 0, 1], [1, 1, 1]) == pytest.approx(2 / 3)
    assert scoring.hit_rate([True, False], [1, 0]) == 1.0
    # ends are inside: 0.5 and 1.0 are covered, 1.5 is not
    assert scoring.interval_coverage([0, 0, 0], [1, 1, 1], [0.5, 1.0, 1.5]) == pytest.approx(2 / 3)
    with pytest.raises(ValueError):
        scoring.interval_coverage([1], [0], [0.5])


def test_required_spread_and_the_spread_that_reaches_a_level():
    # median 0, interval [-1, 1]: an outcome at 2 needs the interval doubled; one at -0.5
    # with a lower side of 2 needs a quarter of it; one on the median needs nothing
    r = scoring.required_spread([2.0, -0.5, 0.0, 3.0], [0.0, 0.0, 0.0, 0.0], [-1.0, -2.0, -1.0, -1.0],
                                [1.0, 1.0, 1.0, 0.0])
    assert r[:3] == pytest.approx([2.0, 0.25, 0.0])
    assert r[3] == np.inf  # a zero-width side never covers an outcome off the median
    assert scoring.coverage_at_spread([0.5, 1.0, 2.0, 3.0, 4.0], 1.0) == pytest.approx(0.4)
    # 80 %: the smallest s with mean(r <= s) >= 0.8 is the 4th of 5 sorted values
    assert scoring.spread_for_coverage([4.0, 0.5, 2.0, 1.0, 3.0], 0.8) == 3.0
    assert math.isnan(scoring.spread_for_coverage([], 0.8))


def test_inputs_are_checked_and_empty_gives_nan():
    with pytest.raises(ValueError):
        scoring.brier([1.2], [1])
    with pytest.raises(ValueError):
        scoring.brier([0.5], [2])
    with pytest.raises(ValueError):
        scoring.brier([0.5, 0.5], [1])
    with pytest.raises(ValueError):
        scoring.brier([np.nan], [1])
    assert math.isnan(scoring.brier([], []))
    assert math.isnan(scoring.hit_rate([], []))


def test_synthetic_world_with_known_probabilities():
    """Outcomes drawn Bernoulli(p_i) with p_i known: the true probabilities score mean p(1-p)."""
    rng = np.random.default_rng(20240601)
    p = rng.uniform(0, 1, 100_000)
    y = (rng.uniform(0, 1, p.size) < p).astype(float)
    expected = scoring.expected_brier(p)
    assert expected == pytest.approx(1 / 6, abs=0.002)  # E[p(1-p)] for p ~ U(0, 1)
    # sd of the mean of (p - y)^2 is about 0.0006 here: 0.003 is five of them
    assert scoring.brier(p, y) == pytest.approx(expected, abs=0.003)
    # knowing the truth beats the base rate (BSS = 1 - (1/6) / (1/4) = 1/3) and a sharpened forecast
    assert scoring.brier_skill(p, y, np.full(p.size, y.mean())) == pytest.approx(1 / 3, abs=0.01)
    sharpened = np.clip((p - 0.5) * 2 + 0.5, 0, 1)  # over-confident
    assert scoring.brier(sharpened, y) > scoring.brier(p, y) + 0.01
    table = scoring.reliability_table(p, y)
    assert np.allclose(table["mean_predicted"], table["observed_frequency"], atol=0.01)


# -- uncertainty of scores -------------------------------------------------------------------

def test_cohort_bootstrap_collapses_when_every_cohort_is_the_same():
    # four cohorts, each with mean 0.2: every resample has mean 0.2
    values = [0.1, 0.3, 0.2, 0.0, 0.4, 0.2]
    est = scoring.cohort_bootstrap(values, ["a", "a", "b", "c", "c", "d"])
    assert est == pytest.approx((0.2, 0.2, 0.2))
    assert est.includes(0.2) and not est.includes(0.0)


def test_cohort_bootstrap_two_cohorts_gives_the_cohort_means_as_ends():
    # cohort a: mean 1 (3 cases), cohort b: mean 5 (1 case); the point is the case mean 2.
    # A resample is aa (mean 1, prob 1/4), bb (mean 5, 1/4) or ab/ba (the full data, mean 2):
    # the 2.5 % and 97.5 % quantiles are 1 and 5.
    est = scoring.cohort_bootstrap([1.0, 1.0, 1.0, 5.0], ["a", "a", "a", "b"])
    assert est == pytest.approx((2.0, 1.0, 5.0))
    # a whole-cohort bootstrap never mixes cases inside a cohort: a case bootstrap would give 1.0..5.0 as well,
    # but with 4 singleton cohorts the lower end is the all-ones resample far more often than 2.5 %
    singles = scoring.cohort_bootstrap([1.0, 1.0, 1.0, 5.0], [1, 2, 3, 4])
    assert singles.low == pytest.approx(1.0) and singles.high < 5.0


def test_cohort_bootstrap_is_seeded_and_checks_its_input():
    rng = np.random.default_rng(3)
    v, c = rng.random(50), rng.integers(0, 8, 50)
    assert scoring.cohort_bootstrap(v, c, seed=1) == scoring.cohort_bootstrap(v, c, seed=1)
    assert scoring.cohort_bootstrap(v, c, seed=1) != scoring.cohort_bootstrap(v, c, seed=2)
    assert all(np.isnan(scoring.cohort_bootstrap([], [])))
    with pytest.raises(ValueError, match="cohorts have 2 labels"):
        scoring.cohort_bootstrap([1.0, 2.0, 3.0], ["a", "b"])
    with pytest.raises(ValueError, match="missing"):
        scoring.cohort_bootstrap([1.0, np.nan], ["a", "b"])


def test_difference_bootstrap_pairs_the_cases():
    # method beats the baseline by exactly 0.1 on every case: the difference has no spread at all,
    # although each mean on its own varies a lot across cohorts
    base = np.array([0.9, 0.1, 0.5, 0.7, 0.3, 0.2])
    cohorts = ["x", "x", "y", "y", "z", "z"]
    diff = scoring.cohort_bootstrap_difference(base - 0.1, base, cohorts)
    assert diff == pytest.approx((-0.1, -0.1, -0.1))
    alone = scoring.cohort_bootstrap(base - 0.1, cohorts)
    assert alone.high - alone.low > 0.1
    same = scoring.cohort_bootstrap_difference(base, base, cohorts)
    assert same == (0.0, 0.0, 0.0) and same.includes(0.0)


def test_case_cohort_reads_region_membership_and_set_year():
    sub = frozenset({"Jiangsu", "Taicang"})
    assert scoring.case_cohort("Jiangsu", 2011, sub) == "cn_regions:2011"
    assert scoring.case_cohort("Austria", 2005, sub) == "countries:2005"
    assert scoring.case_cohort("China", np.int64(2016), sub) == "countries:2016"


def test_poisson_binomial_pmf_matches_enumeration():
    p = np.array([0.1, 0.5, 0.8, 0.35])
    exact = np.zeros(5)
    for outcome in itertools.product([0, 1], repeat=4):
        o = np.array(outcome)
        exact[o.sum()] += np.prod(np.where(o == 1, p, 1 - p))
    assert scoring.poisson_binomial_pmf(p) == pytest.approx(exact)
    assert scoring.poisson_binomial_pmf([0.5, 0.5]) == pytest.approx([0.25, 0.5, 0.25])


def test_expected_successes_range_matches_the_exact_quantiles():
    p = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.3, 0.2, 0.1])
    cdf = np.cumsum(scoring.poisson_binomial_pmf(p))
    # exact central 90 % range: smallest k with F(k) >= 0.05 and with F(k) >= 0.95 (neither is near the edge)
    lo, hi = int(np.argmax(cdf >= 0.05)), int(np.argmax(cdf >= 0.95))
    assert min(abs(cdf - 0.05).min(), abs(cdf - 0.95).min()) > 0.01
    est = scoring.expected_successes(p)
    assert est == pytest.approx((4.1, lo, hi))
    assert scoring.expected_successes(np.ones(7)) == (7.0, 7.0, 7.0)
    assert scoring.expected_successes([0.0, 1.0, 0.0]) == (1.0, 1.0, 1.0)
    assert scoring.expected_successes(p, seed=5) == scoring.expected_successes(p, seed=5)


def test_log_contributions_average_to_the_log_score():
    p, y = [0.9, 0.2, 0.0], [1, 1, 0]
    assert scoring.log_contributions(p, y) == pytest.approx([-np.log(0.9), -np.log(0.2), -np.log(0.999)])
    assert scoring.log_contributions(p, y).mean() == pytest.approx(scoring.log_score(p, y))


def test_wilson_interval_by_hand_and_its_edges():
    from taicang_analysis.evaluation.scoring import wilson_interval
    # 8 of 10, z = 1.96: centre (0.8 + 0.19207) / 1.38415 = 0.71675, half 0.22658 (by hand)
    lo, hi = wilson_interval(8, 10)
    assert float(lo) == pytest.approx(0.4902, abs=1e-4) and float(hi) == pytest.approx(0.9433, abs=1e-4)
    lo, hi = wilson_interval([0, 10], [10, 10])  # never leaves [0, 1], never has zero width
    assert lo[0] == pytest.approx(0.0, abs=1e-12) and 0 < hi[0] < 0.35 and 0.65 < lo[1] < 1 and hi[1] == pytest.approx(1.0)


def test_coverage_check_tells_noise_from_miscalibration():
    import pandas as pd
    from taicang_analysis.evaluation.scoring import coverage_check
    table = pd.DataFrame({"panel": ["a", "a", "b"], "member": ["pooled_calibrated"] * 3, "horizon": [1, 2, 1],
                          "n": [96, 2000, 50], "coverage80": [0.729, 0.729, 0.80], "coverage95": [0.9] * 3})
    out = coverage_check(table).set_index(["panel", "horizon"])
    assert not out.loc[("a", 1), "in_band"] and out.loc[("a", 1), "consistent"]  # 70 of 96: noise
    assert not out.loc[("a", 2), "in_band"] and not out.loc[("a", 2), "consistent"]  # 1458 of 2000: too narrow
    assert out.loc[("b", 1), "in_band"] and out.loc[("b", 1), "consistent"]


def test_coverage_check_uses_whole_origins_when_the_table_has_them():
    import pandas as pd
    from taicang_analysis.evaluation import backtest
    from taicang_analysis.evaluation.scoring import coverage_check
    # a simulated world with year shocks: at each origin every region's outcome is covered, or none is
    # (4 origins: 3 covered, 1 not -> 75 % of 400 rows).  Rows are not independent: Wilson's interval
    # ([0.706, 0.790]) wrongly excludes 80 %; resampling the 4 origins cannot exclude it.
    covered = [True] * 300 + [False] * 100
    origin = [2000] * 100 + [2003] * 100 + [2006] * 100 + [2009] * 100
    rolling = pd.DataFrame({"indicator": "rd_intensity", "panel": "world", "region": [f"r{i % 100}" for i in range(400)],
                            "origin": origin, "member": "pooled", "horizon": 2, "outcome": 1.0, "covered80": covered,
                            "covered95": covered, "error": 0.0, "log_error": 0.0, "pit": 0.5})
    table = backtest.coverage_by_horizon(rolling)
    row = table[(table["panel"] == "world")].iloc[0]
    assert row["n_cohorts"] == 4 and row["coverage80"] == 0.75
    # replicate means are (covered origins drawn) / 4: the 2.5 % and 97.5 % quantiles of Binomial(4, 3/4) / 4
    assert row["coverage80_low"] == 0.25 and row["coverage80_high"] == 1.0
    out = coverage_check(table, member="pooled").set_index(["panel", "horizon"]).loc[("world", 2)]
    assert out["upper95"] < 0.8  # Wilson, rows taken as independent: looks miscalibrated
    assert bool(out["consistent"])  # four origins cannot say so
    one = backtest.coverage_by_horizon(rolling[rolling["origin"] == 2000])
    assert one["coverage80_low"].isna().all()  # one origin: no interval
    assert coverage_check(one, member="pooled")["consistent"].isna().all()
