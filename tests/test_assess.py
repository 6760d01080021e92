"""assess: hand-computed method results, known-truth calibration, bounds, monotonicity,
short-series guards, determinism and the pooling rule.

Hand computations are written out in the tests (with the rounded figures one would
publish beside them); simulated worlds use a random walk with drift on the log scale,
the process ``rw_drift`` assumes, so the true probability of meeting a target is known.
"""

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from taicang_analysis.assessment.assess import STATUSES, Pool, TargetSpec, assess

N_DRAWS = 2_000


def rate_series() -> pd.Series:
    """Six annual points growing ~5.5 %/yr with noise (rate kind)."""
    return pd.Series({2015: 2.00, 2016: 2.18, 2017: 2.16, 2018: 2.41, 2019: 2.40, 2020: 2.62})


def synthetic_panel(seed: int, n_regions: int = 40, years=range(1995, 2021),
                    start: float = 1.8) -> pd.DataFrame:
    """Regions following log random walks with drift 0.05/yr, sd 0.05: tidy (region, year, value)."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(n_regions):
        z = math.log(start) + 0.3 * rng.standard_normal()
        for y in years:
            rows.append((f"R{r:02d}", y, float(math.exp(z))))
            z += 0.05 + 0.05 * rng.standard_normal()
    return pd.DataFrame(rows, columns=["region", "year", "value"])


PANELS = {"a": synthetic_panel(1), "b": synthetic_panel(2)}


# -- 1. hand-computed method results ------------------------------------------

class TestHandComputed:
    """{2020: 2.90, 2023: 3.40}, target >= 4.20 in 2025 (R&D-intensity-like share).

    By hand: observed CAGR (3.40/2.90)^(1/3) - 1 = 5.45 %/yr; required from the base
    (4.20/2.90)^(1/5) - 1 = 7.69 %/yr; R = 0.0545/0.0769 = 0.71 -> acceleration
    needed (0.60 <= R < 0.95); projected 2025 = 3.40 * 1.0545^2 = 3.78;
    rho = (3.78 - 2.90)/(4.20 - 2.90) = 0.68; required pace from the latest value
    (4.20/3.40)^(1/2) - 1 = 11.14 %/yr, (4.20 - 3.40)/2 = 0.40 pp/yr.
    """

    @pytest.fixture
    def result(self):
        return assess(pd.Series({2020: 2.90, 2023: 3.40}), TargetSpec(4.20, 2025), kind="share", n_draws=200)

    def test_rate_ratio(self, result):
        w = result.methods["windows"]["short_term"]
        assert round(w["observed_cagr"], 4) == 0.0545
        assert round(w["required_cagr"], 4) == 0.0769
        assert round(w["ratio"], 2) == 0.71
        assert w["observed_cagr"] == pytest.approx((3.40 / 2.90) ** (1 / 3) - 1, rel=1e-12)
        assert w["required_cagr"] == pytest.approx((4.20 / 2.90) ** (1 / 5) - 1, rel=1e-12)
        assert w["grade"] == "acceleration_needed"
        assert result.status == "acceleration_needed"
        assert all(text in result.status_basis for text in ("R = 0.71", "5.45%", "7.69%"))

    def test_projected_gap(self, result):
        g = result.methods["projected_gap"]
        assert round(g["projected_value"], 2) == 3.78
        assert round(g["rho"], 2) == 0.68
        assert g["projected_value"] == pytest.approx(3.40 * ((3.40 / 2.90) ** (1 / 3)) ** 2, rel=1e-12)
        assert g["grade"] == "fair_progress"  # 0.5 <= rho < 0.95

    def test_linear_path_and_time_share(self, result):
        lp, tp = result.methods["linear_path"], result.methods["time_proportional"]
        assert lp["required_increment"] == pytest.approx((4.20 - 2.90) / 5)  # 0.26 pp/yr
        assert lp["path_value_at_latest"] == pytest.approx(2.90 + 3 * 0.26)  # 3.68
        assert lp["gap_to_path"] == pytest.approx(3.40 - 3.68)
        assert not lp["ahead_of_path"]
        assert tp["time_share"] == pytest.approx(3 / 5)
        assert tp["distance_share"] == pytest.approx(0.50 / 1.30)
        assert tp["status"] == "behind_schedule"

    def test_required_pace_from_latest(self, result):
        pace = result.methods["required_pace"]
        assert pace["years_left"] == 2
        assert pace["required_cagr"] == pytest.approx(math.sqrt(4.20 / 3.40) - 1, rel=1e-12)  # 11.14 %/yr
        assert round(pace["required_cagr"], 4) == 0.1114
        assert pace["required_increment"] == pytest.approx(0.40)

    def test_to_dict_carries_the_numbers_and_is_json(self, result):
        d = json.loads(json.dumps(result.to_dict()))
        assert d["status"] == "acceleration_needed"
        assert round(d["observed_annual_growth"], 4) == 0.0545
        assert round(d["required_annual_growth"], 4) == 0.1114  # the pace from the latest value
        assert round(d["methods"]["projected_gap"]["rho"], 2) == 0.68
        assert d["latest"] == {"year": 2023, "value": 3.40}
        assert d["target"]["threshold"] == 4.20

    def test_one_observation_required_pace_by_hand(self):
        a = assess(pd.Series({2020: 3.34}), TargetSpec(4.20, 2025), kind="share", n_draws=200)
        pace = a.methods["required_pace"]
        assert pace["required_cagr"] == pytest.approx((4.20 / 3.34) ** 0.2 - 1, rel=1e-12)  # 4.69 %/yr
        assert round(pace["required_cagr"], 4) == 0.0469
        assert pace["required_increment"] == pytest.approx((4.20 - 3.34) / 5)  # 0.172 pp/yr
        assert pace["observed_cagr"] is None


def test_target_already_met():
    a = assess(pd.Series({2020: 3.00, 2023: 4.50}), TargetSpec(4.20, 2025), kind="share", n_draws=200)
    assert a.status == "target_already_met"
    assert "4.5" in a.status_basis


def test_moving_away_up():
    # observed (3.10/3.40)^(1/3) - 1 < 0 while the target needs growth: R < 0
    a = assess(pd.Series({2020: 3.40, 2023: 3.10}), TargetSpec(4.20, 2025), kind="share", n_draws=200)
    assert a.status == "moving_away"
    assert a.methods["windows"]["short_term"]["ratio"] < 0
    assert a.methods["projected_gap"]["rho"] < -0.1 and a.methods["projected_gap"]["grade"] == "deterioration"


class TestDirectionDown:
    """Energy-intensity-like: 0.50 (2015) -> 0.40 (2020), target <= 0.35 in 2025.

    Observed (0.40/0.50)^(1/5) - 1 = -4.36 %/yr; required (0.35/0.50)^(1/10) - 1 = -3.50 %/yr;
    R = -1 * (-0.0436)/0.0350 = 1.25 -> on track.
    """

    def test_on_track(self):
        a = assess(pd.Series({2015: 0.50, 2020: 0.40}), TargetSpec(0.35, 2025, "le"), kind="level",
                   direction="down", n_draws=200)
        w = a.methods["windows"]["short_term"]
        obs, req = 0.8 ** 0.2 - 1, 0.7 ** 0.1 - 1
        assert w["ratio"] == pytest.approx(-obs / abs(req), rel=1e-12)
        assert round(w["ratio"], 2) == 1.25
        assert a.status == "on_track"
        assert a.methods["required_pace"]["required_cagr"] == pytest.approx((0.35 / 0.40) ** 0.2 - 1)

    def test_moving_away(self):
        a = assess(pd.Series({2015: 0.40, 2020: 0.45}), TargetSpec(0.35, 2025, "le"), kind="level",
                   direction="down", n_draws=200)
        assert a.status == "moving_away"

    def test_already_met(self):
        a = assess(pd.Series({2015: 0.40, 2020: 0.33}), TargetSpec(0.35, 2025, "le"), kind="level",
                   direction="down", n_draws=200)
        assert a.status == "target_already_met"


class TestAboutComparator:
    def test_default_tolerance_is_2_5_percent_of_target(self):
        t = TargetSpec(70.0, 2025, "about")
        assert t.threshold("up") == (pytest.approx(70 - 1.75), True)  # "70左右" met from 68.25
        assert t.threshold("down") == (pytest.approx(70 + 1.75), False)
        assert TargetSpec(2.8, 2025, "about").threshold("up")[0] == pytest.approx(2.73)

    def test_explicit_tolerance(self):
        t = TargetSpec(70.0, 2025, "about", tolerance=1.0)
        assert t.threshold("up") == (69.0, True)
        assert t.threshold("down") == (71.0, False)
        assert list(t.met(np.array([68.9, 69.0, 75.0]), "up")) == [False, True, True]

    def test_plan_table1_example_3_about_met_by_3_34(self):
        # the plan's own Table 1: "3左右" in 2020 counted as met by 3.34
        a = assess(pd.Series({2015: 2.35, 2020: 3.34}), TargetSpec(3.0, 2020, "about"), kind="share",
                   n_draws=200)
        assert a.status == "target_already_met"
        # default threshold 3 - 0.025 * 3 = 2.925: 2.95 meets it, 2.90 does not;
        # tolerance 0.01 -> 2.99: 2.95 does not
        met = assess(pd.Series({2015: 2.35, 2020: 2.95}), TargetSpec(3.0, 2025, "about"), kind="share",
                     n_draws=200)
        assert met.status == "target_already_met"
        missed = assess(pd.Series({2015: 2.35, 2020: 2.90}), TargetSpec(3.0, 2025, "about"), kind="share",
                        n_draws=200)
        assert missed.status != "target_already_met"
        tight = assess(pd.Series({2015: 2.35, 2020: 2.95}), TargetSpec(3.0, 2025, "about", tolerance=0.01),
                       kind="share", n_draws=200)
        assert tight.status != "target_already_met"

    def test_required_pace_uses_the_threshold(self):
        a = assess(pd.Series({2020: 66.6}), TargetSpec(70.0, 2025, "about"), kind="share", n_draws=200)
        assert a.methods["required_pace"]["required_cagr"] == pytest.approx((68.25 / 66.6) ** 0.2 - 1)
        assert a.to_dict()["target"]["threshold"] == pytest.approx(68.25)

    def test_probability_equals_ge_at_the_threshold(self):
        s = rate_series()
        about = assess(s, TargetSpec(3.45, 2025, "about", tolerance=0.15), kind="rate", n_draws=N_DRAWS)
        ge = assess(s, TargetSpec(3.30, 2025, "ge"), kind="rate", n_draws=N_DRAWS)
        assert about.probability == ge.probability
        assert 0.05 < ge.probability < 0.95


# -- 2. known truth: calibration and recovery ---------------------------------

MU, SIGMA, H, N_POINTS, N_WORLDS = 0.06, 0.05, 5, 6, 400


@pytest.fixture(scope="module")
def worlds():
    """N_WORLDS log random walks with drift MU, sd SIGMA; 6 annual points 2015-2020, target in 2025.

    The target is the latest value times exp(MU*H + c*SIGMA*sqrt(H)), c ~ U(-2, 2), so the
    predicted probabilities spread over (0, 1).  Known truth per world: the realised
    outcome and the true conditional probability P(z_2025 >= log target | z_2020) =
    1 - Phi((log target - z_2020 - MU*H) / (SIGMA*sqrt(H))).
    """
    rng = np.random.default_rng(0)
    years = np.arange(2021 - N_POINTS, 2021)
    pred, hit, truth, log_growth, rw_growth, covered = [], [], [], [], [], []
    for w in range(N_WORLDS):
        z = math.log(2.0) + np.r_[0.0, np.cumsum(MU + SIGMA * rng.standard_normal(N_POINTS - 1 + H))]
        obs = pd.Series(np.exp(z[:N_POINTS]), index=years)
        target = float(obs.iloc[-1] * math.exp(MU * H + rng.uniform(-2, 2) * SIGMA * math.sqrt(H)))
        a = assess(obs, TargetSpec(target, 2025), kind="rate", n_draws=N_DRAWS, seed=w)
        pred.append(a.probability)
        hit.append(math.exp(z[-1]) >= target)
        truth.append(norm.sf((math.log(target) - z[N_POINTS - 1] - MU * H) / (SIGMA * math.sqrt(H))))
        log_growth.append(math.log(a.projection["median"] / obs.iloc[-1]) / H)
        rw_growth.append(next(f.growth for f in a.forecasts if f.model == "rw_drift"))
        covered.append(a.projection["lower"] <= math.exp(z[-1]) <= a.projection["upper"])
    return {k: np.asarray(v, dtype=float) for k, v in
            dict(pred=pred, hit=hit, truth=truth, log_growth=log_growth, rw_growth=rw_growth,
                 covered=covered).items()}


def _bin(worlds, lo, hi):
    m = (worlds["pred"] >= lo) & (worlds["pred"] < hi)
    return int(m.sum()), worlds["pred"][m].mean(), worlds["hit"][m].mean(), worlds["truth"][m].mean()


def test_calibration_in_the_middle_range(worlds):
    """Measured (seed 0, 400 worlds, 2,000 draws): predicted 0.10-0.50 -> mean 0.28, realised 0.27,
    true 0.35; predicted 0.50-0.90 -> mean 0.74, realised 0.68, true 0.67."""
    for lo, hi in ((0.1, 0.5), (0.5, 0.9)):
        n, p, realised, true = _bin(worlds, lo, hi)
        assert n >= 80, (lo, hi, n)
        assert abs(true - p) <= 0.10, (lo, hi, p, true)  # E[outcome | prediction], no Bernoulli noise
    n, p, realised, true = _bin(worlds, 0.5, 0.9)
    assert abs(realised - p) <= 0.10, (p, realised)


def test_calibration_extremes_and_discrimination(worlds):
    """Loose on purpose: at the extremes the uncalibrated pool (spread 1) is overconfident
    (measured: predicted 0.95 -> true 0.80; predicted 0.05 -> true 0.20), but never inverted."""
    bins = [_bin(worlds, lo, hi) for lo, hi in ((0, 0.1), (0.1, 0.5), (0.5, 0.9), (0.9, 1.01))]
    trues = [b[3] for b in bins]
    assert all(a < b for a, b in zip(trues, trues[1:], strict=False)), trues
    assert trues[0] <= 0.3 and trues[-1] >= 0.7
    assert np.mean((worlds["pred"] - worlds["hit"]) ** 2) < 0.25  # better than a coin flip
    # the 80% projection interval covers the realised 2025 value in 71% of worlds (measured): a bit narrow
    assert 0.6 <= np.mean(worlds["covered"]) <= 0.9


def test_pooled_median_recovers_the_true_growth(worlds):
    # mean over worlds of the pooled median's implied log growth; per-world sd ~ 0.05/sqrt(5) = 0.022,
    # so the mean over 400 worlds has sd ~0.001
    assert np.mean(worlds["log_growth"]) == pytest.approx(MU, abs=0.005)
    assert np.mean(np.log1p(worlds["rw_growth"])) == pytest.approx(MU, abs=0.005)


# -- 3. bounds ----------------------------------------------------------------

NEAR_99 = pd.Series({2016: 97.5, 2017: 98.0, 2018: 98.6, 2019: 98.9, 2020: 99.1})


@pytest.mark.parametrize("spread", [1.0, 2.0, 3.0])
@pytest.mark.parametrize("seed", [0, 1, 3])
def test_share_near_100_stays_inside_bounds(spread, seed):
    a = assess(NEAR_99, TargetSpec(99.5, 2025), kind="share", pool=Pool(spread=spread), n_draws=5_000,
               seed=seed)
    d = a.pooled.draws
    assert np.all((d > 0) & (d < 100))
    assert a.projection["upper"] < 100
    assert 0 < a.probability < 1


def test_short_share_with_heavy_tails_stays_inside_bounds():
    # 3 points: t with 1 df, draws pile up at the bound; a spread > 1 must not push them onto it
    a = assess(pd.Series({2018: 98.0, 2019: 98.9, 2020: 99.1}), TargetSpec(99.5, 2025), kind="share",
               pool=Pool(spread=3.0), n_draws=5_000)
    assert np.all((a.pooled.draws > 0) & (a.pooled.draws < 100))


# -- 4. monotonicity ----------------------------------------------------------

def test_probability_monotone_in_the_target():
    s, targets = rate_series(), [2.6, 2.9, 3.1, 3.3, 3.6, 4.0, 4.5]
    ge = [assess(s, TargetSpec(t, 2025, "ge"), kind="rate", n_draws=N_DRAWS).probability for t in targets]
    le = [assess(s, TargetSpec(t, 2025, "le"), kind="rate", n_draws=N_DRAWS).probability for t in targets]
    assert all(a >= b for a, b in zip(ge, ge[1:], strict=False)), ge
    assert all(a <= b for a, b in zip(le, le[1:], strict=False)), le
    assert ge[0] > 0.8 and ge[-1] < 0.2  # the range spans the distribution, not just 0s and 1s
    # same draws: P(>= t) + P(<= t) = 1 + P(= t) = 1 for continuous draws
    assert all(g + lo_ == pytest.approx(1.0) for g, lo_ in zip(ge, le, strict=True))


# -- 6. short-series guards and bad parameters --------------------------------

def test_no_observations():
    a = assess(pd.Series(dtype=float), TargetSpec(4.2, 2025), kind="share")
    assert a.status == "not_assessable"
    assert a.probability is None and "no published observation" in a.probability_reason
    assert a.n_obs == 0 and a.pooled is None
    assert a.to_dict()["latest"] is None


def test_one_observation_without_panels():
    a = assess(pd.Series({2020: 3.34}), TargetSpec(4.2, 2025), kind="share", n_draws=200)
    assert a.status == "required_pace_only"
    assert a.methods["required_pace"]["required_cagr"] > 0
    assert a.probability is None and "no model could be fitted" in a.probability_reason
    assert any("one observation" in m for m in a.not_computed)


def test_one_observation_already_met():
    a = assess(pd.Series({2020: 4.5}), TargetSpec(4.2, 2025), kind="share", n_draws=200)
    assert a.status == "target_already_met"


def test_one_observation_with_panels_gets_a_probability_from_references_only():
    a = assess(rate_series().iloc[-1:], TargetSpec(3.2, 2025), kind="rate", panels=PANELS, n_draws=N_DRAWS)
    assert a.status == "required_pace_only"
    assert dict(a.pool_members) == {"reference_class:a": 0.5, "reference_class:b": 0.5}
    assert 0 < a.probability < 1


def test_two_observations():
    a = assess(pd.Series({2020: 2.90, 2023: 3.40}), TargetSpec(4.20, 2025), kind="share", n_draws=200)
    assert {"windows", "headline_window", "projected_gap", "linear_path", "time_proportional",
            "required_pace"} <= set(a.methods)
    skipped = {s.split(":")[0] for s in a.not_computed}
    assert {"rw_drift", "logit_linear", "damped_ets", "local_linear_trend"} <= skipped
    assert any(s.startswith("rw_drift:") and "not identifiable" in s for s in a.not_computed)
    assert a.probability is None and a.probability_reason


def test_target_year_equal_to_latest_year():
    s = rate_series()
    a = assess(s, TargetSpec(3.0, 2020), kind="rate", n_draws=200)
    assert a.probability is None and "not after the latest observation" in a.probability_reason
    assert a.projection is None and a.pooled is None
    json.dumps(a.to_dict())  # to_dict must not need a projection for the target year


def test_target_year_before_latest_year():
    a = assess(rate_series(), TargetSpec(3.0, 2018), kind="rate", n_draws=200)
    assert a.probability is None and "not after the latest observation" in a.probability_reason
    json.dumps(a.to_dict())


def test_values_after_as_of_are_refused():
    with pytest.raises(ValueError, match="after as_of"):
        assess(rate_series(), TargetSpec(3.0, 2025), kind="rate", as_of="2019-06-30")
    assess(rate_series(), TargetSpec(3.0, 2025), kind="rate", as_of="2021-06-30", n_draws=200)


@pytest.mark.parametrize("kwargs, name", [
    (dict(kind="ratio"), "kind"),
    (dict(kind="rate", direction="sideways"), "direction"),
    (dict(kind="rate", n_draws=10), "n_draws"),
    (dict(kind="rate", level=1.0), "level"),
    (dict(kind="rate", level=0.0), "level"),
])
def test_bad_parameters(kwargs, name):
    with pytest.raises(ValueError, match=name):
        assess(rate_series(), TargetSpec(3.0, 2025), **kwargs)


def test_bad_comparator():
    with pytest.raises(ValueError, match="comparator"):
        assess(rate_series(), TargetSpec(3.0, 2025, "gt"), kind="rate")


@pytest.mark.parametrize("kwargs, name", [
    (dict(reference=-0.1), "pool.reference"), (dict(reference=1.5), "pool.reference"),
    (dict(reference=float("nan")), "pool.reference"),
    (dict(spread=0.0), "pool.spread"), (dict(spread=-1.0), "pool.spread"),
])
def test_bad_pool(kwargs, name):
    with pytest.raises(ValueError, match=name):
        Pool(**kwargs)


def test_statuses_are_known():
    for s in (pd.Series({2020: 2.9, 2023: 3.4}), pd.Series({2020: 3.3}), pd.Series(dtype=float)):
        assert assess(s, TargetSpec(4.2, 2025), kind="share", n_draws=200).status in STATUSES


# -- 7. determinism -----------------------------------------------------------

def test_same_seed_same_result_different_seed_close_probability():
    s = rate_series()
    kw = dict(kind="rate", panels=PANELS, n_draws=5_000)
    a = assess(s, TargetSpec(3.2, 2025), seed=7, **kw)
    b = assess(s, TargetSpec(3.2, 2025), seed=7, **kw)
    c = assess(s, TargetSpec(3.2, 2025), seed=8, **kw)
    assert json.dumps(a.to_dict(), sort_keys=True) == json.dumps(b.to_dict(), sort_keys=True)
    assert np.array_equal(a.pooled.draws, b.pooled.draws)
    assert not np.array_equal(a.pooled.draws, c.pooled.draws)
    assert 0.1 < a.probability < 0.9
    assert abs(a.probability - c.probability) < 0.03  # Monte Carlo sd ~ sqrt(.25/5000) = 0.007


# -- 8. pooling rule ----------------------------------------------------------

def test_pool_half_references_half_own_models():
    a = assess(rate_series(), TargetSpec(3.2, 2025), kind="rate", panels=PANELS, n_draws=N_DRAWS)
    w = dict(a.pool_members)
    refs = {k: v for k, v in w.items() if k.startswith("reference_class:")}
    own = {k: v for k, v in w.items() if not k.startswith("reference_class:")}
    assert refs == {"reference_class:a": 0.25, "reference_class:b": 0.25}
    # 6 annual points, rate kind: rw_drift, loglinear, local_linear_trend
    # (damped_ets needs 8 points; linear is for levels)
    assert set(own) == {"rw_drift", "loglinear", "local_linear_trend"}
    assert all(v == pytest.approx(0.5 / 3) for v in own.values())
    assert sum(w.values()) == pytest.approx(1.0)
    assert a.pooled.draws.shape[0] == N_DRAWS


def test_pool_draw_counts_follow_the_weights():
    # the pooled paths are the members' own whole paths, each member contributing weight * n_draws of them
    a = assess(rate_series(), TargetSpec(3.2, 2025), kind="rate", panels=PANELS, n_draws=N_DRAWS)
    width = len(a.pooled.years)
    owner = {}
    for m in a.forecasts + a.references:
        if hasattr(m, "draws"):
            for row in m.draws[:, :width]:
                owner.setdefault(row.tobytes(), set()).add(m.model)
    counts: dict[str, int] = {}
    for row in a.pooled.draws:
        (name,) = owner[row.tobytes()]  # every pooled path is exactly one member's path
        counts[name] = counts.get(name, 0) + 1
    assert set(counts) == {m for m, _ in a.pool_members}
    for name, weight in a.pool_members:
        assert counts[name] == pytest.approx(weight * N_DRAWS, abs=len(a.pool_members))


def test_pool_reference_zero_uses_own_models_only():
    a = assess(rate_series(), TargetSpec(3.2, 2025), kind="rate", panels=PANELS, pool=Pool(reference=0),
               n_draws=N_DRAWS)
    third = 1 / 3
    expected = {"rw_drift": third, "loglinear": third, "local_linear_trend": third}
    assert dict(a.pool_members) == pytest.approx(expected)


def test_pool_references_take_all_when_no_model_fits():
    for pool in (Pool(), Pool(reference=0)):
        a = assess(rate_series().iloc[-2:], TargetSpec(3.2, 2025), kind="rate", panels=PANELS, pool=pool,
                   n_draws=N_DRAWS)
        assert dict(a.pool_members) == {"reference_class:a": 0.5, "reference_class:b": 0.5}


def test_pool_own_models_take_all_without_references():
    a = assess(rate_series(), TargetSpec(3.2, 2025), kind="rate", pool=Pool(reference=1.0), n_draws=N_DRAWS)
    assert sum(w for _, w in a.pool_members) == pytest.approx(1.0)
    assert not any(m.startswith("reference_class") for m, _ in a.pool_members)


def test_spread_widens_the_interval_around_the_same_median():
    s, t = rate_series(), TargetSpec(3.2, 2025)
    one = assess(s, t, kind="rate", panels=PANELS, n_draws=5_000)
    two = assess(s, t, kind="rate", panels=PANELS, pool=Pool(spread=2.0), n_draws=5_000)
    p1, p2 = one.projection, two.projection
    assert p2["median"] == pytest.approx(p1["median"], rel=1e-3)
    assert p2["upper"] - p2["lower"] > 1.5 * (p1["upper"] - p1["lower"])
    # rate kind: widened on the log scale, so log-distances from the median double
    for side in ("lower", "upper"):
        one_side = math.log(p1[side] / p1["median"])
        assert math.log(p2[side] / p2["median"]) == pytest.approx(2 * one_side, rel=0.02)


# -- comparator vs direction --------------------------------------------------

def test_le_cap_on_an_up_indicator_already_met():
    a = assess(pd.Series({2018: 5.0, 2020: 6.0}), TargetSpec(10.0, 2025, "le"), kind="level", n_draws=200)
    assert a.status == "target_already_met"
