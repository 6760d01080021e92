"""The spread calibrated per indicator (preregistration section 11): a simulated world with a known answer.

Two indicators' pooled rolling rows whose stored 80 % intervals are N(0, 1)'s: R&D intensity's outcomes
are N(0, 1) (factor 1 is right), patents per 10k's N(0, 2.5^2) (factor 2.5 is right).  One factor fitted on
both would be wrong for each; a factor per indicator is right for both.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from taicang_analysis.assessment.assess import TargetSpec, assess
from taicang_analysis.data.io import frame_to_csv_bytes
from taicang_analysis.evaluation import backtest, scoring
from taicang_analysis.forecast.pooling import ALL, Calibration, CalibrationCell, Pool, calibration_cells_of, calibration_for

Q80, Q95 = 1.2815516, 1.9599640
PATENTS = "invention_patents_per_10k"
SD = {"rd_intensity": 1.0, PATENTS: 2.5}


def two_indicator_rolling(n: int = 20_000, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for indicator, sd in SD.items():
        i = np.arange(n)
        z = sd * rng.standard_normal(n)
        frames.append(pd.DataFrame({
            "member": backtest.POOLED, "indicator": indicator, "panel": "cn_provinces",
            "region": [f"p{k % 25}" for k in i], "origin": 2010, "horizon": 1 + (i // 2) % 5,
            "pool_type": np.where(i % 2 == 0, "with_reference", "own_models_only"),
            "r80": np.abs(z) / Q80, "r95": np.abs(z) / Q95}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def rolling():
    return two_indicator_rolling()


@pytest.fixture(scope="module")
def fit(rolling):
    return backtest.fit_calibration(rolling)


def test_each_indicator_gets_the_factor_its_own_errors_need(fit):
    cal = fit.calibration
    assert cal.indicators == (PATENTS,)  # R&D intensity's cells are the default ones
    for ptype in ("with_reference", "own_models_only"):
        for h in range(1, 6):
            assert cal.factor(ptype, h) == pytest.approx(1.0, abs=0.08)
            assert calibration_for(cal, PATENTS).factor(ptype, h) == pytest.approx(2.5, abs=0.2)
    # cross-validated coverage is nominal for each indicator separately
    cov = fit.coverage.set_index(["indicator", "pool_type", "horizon"])
    for label in (ALL, PATENTS):
        assert cov.at[(label, ALL, ALL), "coverage80_after_cv"] == pytest.approx(0.80, abs=0.02)
    assert cov.at[(PATENTS, ALL, ALL), "coverage80_before"] == pytest.approx(0.38, abs=0.03)  # P(|N(0,2.5)|<1.28)


def test_one_factor_for_both_would_miss_each(rolling):
    # the frame without its indicator column is one indicator: a factor in between, wrong for both
    pooled = backtest.fit_calibration(rolling.drop(columns="indicator")).calibration
    rows = rolling[rolling["horizon"] == 3]
    for indicator, sd in SD.items():
        r = rows[rows["indicator"] == indicator]
        coverage = scoring.coverage_at_spread(r["r80"].to_numpy(), pooled.factor("with_reference", 3))
        assert (coverage > 0.9) if sd == 1.0 else (coverage < 0.7)


def test_fitting_both_is_fitting_each_alone(rolling, fit):
    rd = backtest.fit_calibration(rolling[rolling["indicator"] == "rd_intensity"]).calibration
    pat = backtest.fit_calibration(rolling[rolling["indicator"] == PATENTS], default_indicator=PATENTS).calibration
    assert calibration_for(fit.calibration, "rd_intensity") == rd
    assert calibration_for(fit.calibration, PATENTS) == pat
    for region in ("p0", "p7"):
        alone = backtest.fit_calibration(rolling[(rolling["indicator"] == PATENTS) & (rolling["region"] != region)],
                                         default_indicator=PATENTS).calibration
        mine = calibration_for(fit.for_region(region), PATENTS)
        assert [(c.pool_type, c.horizon, c.factor) for c in mine.cells] == [
            (c.pool_type, c.horizon, c.factor) for c in alone.cells]


def test_which_cells_an_indicator_uses(fit):
    cal = fit.calibration
    assert calibration_cells_of(cal, PATENTS) == PATENTS
    # Taicang's high-value patents: no rolling origins of its own; its stated growth analogue is patents per 10k
    assert calibration_cells_of(cal, "high_value_invention_patents_per_10k") == PATENTS
    # an analogue without cells, no analogue, or no indicator: the default cells
    for other in ("tech_contract_turnover", "hightech_output_share", "rd_intensity", None, "not_an_id"):
        assert calibration_cells_of(cal, other) == ALL
        assert calibration_for(cal, other) == cal.for_indicator(None)
    assert calibration_for(1.7, PATENTS) == 1.7
    # resolving twice changes nothing (the backtest and assess may both resolve)
    once = calibration_for(cal, PATENTS)
    assert calibration_for(once, PATENTS) == once


def test_assess_widens_by_the_indicators_own_factors(fit):
    s = pd.Series({2015: 10.0, 2016: 12.1, 2017: 13.9, 2018: 16.5, 2019: 18.0, 2020: 21.2})
    target = TargetSpec(30.0, 2025)
    both = Pool(spread=fit.calibration)
    for indicator, cells in (("high_value_invention_patents_per_10k", PATENTS), ("rd_intensity", ALL)):
        a = assess(s, target, kind="rate", indicator=indicator, n_draws=500, pool=both)
        b = assess(s, target, kind="rate", indicator=indicator, n_draws=500,
                   pool=Pool(spread=calibration_for(fit.calibration, indicator)))
        np.testing.assert_array_equal(a.pooled.draws, b.pooled.draws)
        assert a.to_dict()["spread"]["calibration_cells"] == cells
    wide = assess(s, target, kind="rate", indicator=PATENTS, n_draws=500, pool=both)
    narrow = assess(s, target, kind="rate", indicator="rd_intensity", n_draws=500, pool=both)
    assert (wide.projection["upper"] - wide.projection["lower"]) > 1.5 * (
        narrow.projection["upper"] - narrow.projection["lower"])


def test_the_stored_table_keeps_the_indicator_and_an_old_table_is_all_default(fit):
    frame = fit.calibration.to_frame()
    back = pd.read_csv(io.StringIO(frame_to_csv_bytes(frame).decode()), keep_default_na=False)
    assert Calibration.from_frame(back) == fit.calibration
    old = back[back["indicator"] == ALL].drop(columns="indicator")
    assert Calibration.from_frame(old) == calibration_for(fit.calibration, "rd_intensity")


def test_bad_input_is_named(rolling):
    with pytest.raises(ValueError, match="no pooled rows of 'rd_intensity'"):
        backtest.fit_calibration(rolling[rolling["indicator"] == PATENTS])
    with pytest.raises(ValueError, match=r"duplicate rows for \(indicator, pool_type, horizon\)"):
        Calibration((CalibrationCell("with_reference", 2, 1.0, indicator=PATENTS),
                     CalibrationCell("with_reference", 2, 1.3, indicator=PATENTS)))
    with pytest.raises(ValueError, match="invention_patents_per_10k: with_reference, horizon 0"):
        CalibrationCell("with_reference", 0, 1.0, indicator=PATENTS)
