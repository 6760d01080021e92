"""Beta calibration on simulated forecasts whose miscalibration is known."""

import numpy as np
import pytest

from taicang_analysis.evaluation import scoring
from taicang_analysis.forecast import event_calibration as ec


def _world(n, seed, distort):
    rng = np.random.default_rng(seed)
    truth = rng.uniform(0.02, 0.98, n)
    y = (rng.random(n) < truth).astype(float)
    z = np.log(truth / (1 - truth))
    return 1 / (1 + np.exp(-distort(z))), y, truth


def test_recovers_an_overconfidence_map():
    # forecasts with twice the true log-odds: the exact inverse is a = b = 1/2, c = 0
    p, y, truth = _world(40_000, 0, lambda z: 2 * z)
    cal = ec.fit_beta(p, y)
    assert cal.a == pytest.approx(0.5, abs=0.05) and cal.b == pytest.approx(0.5, abs=0.05)
    assert cal.c == pytest.approx(0.0, abs=0.08)
    assert np.max(np.abs(cal(p) - truth)) < 0.05
    assert scoring.log_score(cal(p), y) < scoring.log_score(p, y) - 0.02


def test_recovers_a_shift():
    # forecasts one unit of log-odds too optimistic: a = b = 1, c = -1
    p, y, _ = _world(40_000, 1, lambda z: z + 1.0)
    cal = ec.fit_beta(p, y)
    assert (cal.a, cal.b, cal.c) == pytest.approx((1.0, 1.0, -1.0), abs=0.1)


def test_calibrated_forecasts_stay_about_the_same():
    p, y, _ = _world(40_000, 2, lambda z: z)
    cal = ec.fit_beta(p, y)
    assert np.max(np.abs(cal(p) - np.clip(p, ec.EPS, 1 - ec.EPS))) < 0.03


def test_never_zero_or_one_and_degenerate_input_is_identity():
    cal = ec.BetaCalibration(a=3.0, b=3.0, c=5.0)
    out = cal(np.array([0.0, 1e-9, 0.5, 1.0]))
    assert np.all((out >= ec.EPS) & (out <= 1 - ec.EPS)) and out[-1] == 1 - ec.EPS
    same = ec.fit_beta([0.2, 0.4, 0.9], [1, 1, 1])  # one outcome class: nothing to learn
    assert (same.a, same.b, same.c) == (1.0, 1.0, 0.0)


def test_separated_outcomes_give_a_finite_monotone_map():
    p = np.array([0.1, 0.2, 0.3, 0.7, 0.8, 0.9])
    cal = ec.fit_beta(p, [0, 0, 0, 1, 1, 1])
    assert np.all(np.isfinite([cal.a, cal.b, cal.c])) and cal.a >= 0 and cal.b >= 0
    assert np.all(np.diff(cal(p)) >= 0)


def test_leave_group_out_never_sees_its_own_outcomes():
    p, y, _ = _world(3_000, 3, lambda z: 1.5 * z)
    groups = np.repeat(np.arange(30), 100)
    held = ec.cross_validated(p, y, groups)
    flipped = y.copy()
    flipped[groups == 7] = 1 - flipped[groups == 7]
    again = ec.cross_validated(p, flipped, groups)
    inside = groups == 7
    assert np.array_equal(held[inside], again[inside])  # group 7's calibration ignores group 7
    assert not np.array_equal(held[~inside], again[~inside])


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="0/1"):
        ec.fit_beta([0.5, 0.5], [0, 2])
    with pytest.raises(ValueError, match="probabilities"):
        ec.fit_beta([0.5, 1.5], [0, 1])
