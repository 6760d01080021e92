"""The calibration cache: refit when an input, a setting or the version changed, reuse otherwise.

`run_backtest` is replaced by a stand-in that counts its calls and returns a
fixed calibration, so the test is about the cache and runs in a second.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from taicang_analysis.assessment.assess import Calibration
from taicang_analysis.data import io, schema
from taicang_analysis.evaluation import backtest

SETTINGS = dict(n_draws=200, rolling_draws=100, origin_step=4)


def _observations(value=2.5):
    return pd.DataFrame({"collection": ["world"] * 3, "region": ["A", "A", "World"], "aggregate": [False, False, True],
                         "indicator": ["rd_intensity"] * 3, "year": [2019, 2020, 2020],
                         "value": [2.4, value, 2.0]})


def _targets(target=3.0):
    return pd.DataFrame({"region": ["A"], "indicator": ["rd_intensity"], "target_year": [2025],
                         "target": [target], "tolerance": [float("nan")], "plan_id": ["a/plan"]})


@pytest.fixture
def fake_backtest(monkeypatch):
    calls = []

    def run(observations, targets, *, n_draws, rolling_draws, origin_step, min_obs, seed, level, workers,
            progress):
        calls.append(len(observations))
        factor = 1.0 + len(calls) / 10  # a different calibration on each fit
        empty = {name: pd.DataFrame(columns=list(schema.get(f"backtest_{name}.csv").names))
                 for name in backtest.BACKTEST_TABLES}
        settings = dict(n_draws=n_draws, rolling_draws=rolling_draws, origin_step=origin_step, min_obs=min_obs,
                        seed=seed, level=level, workers=workers)
        return backtest.BacktestResult(timing=pd.DataFrame(), settings=settings,
                                       calibration=Calibration.from_factors({("with_reference", 1): factor},
                                                                            overall=factor), **empty)

    monkeypatch.setattr(backtest, "run_backtest", run)
    return calls


def test_first_call_fits_and_writes_the_key_beside_the_calibration(tmp_path, fake_backtest):
    cal, status = backtest.ensure_calibration(_observations(), _targets(), processed_dir=tmp_path, **SETTINGS)
    assert fake_backtest == [3] and not status.reused
    assert str(status).startswith("refitted because there is no backtest_calibration.csv")
    key = json.loads((tmp_path / backtest.CALIBRATION_KEY_FILE).read_text(encoding="utf-8"))
    assert key["key"] == status.key and key["settings"]["n_draws"] == 200
    assert set(key["inputs"]) == {"observations.csv", "targets.csv"}
    assert cal.overall == pytest.approx(1.1)
    # the stored tables are the schema's (the backtest tables read back typed)
    for name in backtest.BACKTEST_TABLES:
        io.read_processed(f"backtest_{name}.csv", tmp_path)


def test_unchanged_inputs_reuse_the_stored_calibration(tmp_path, fake_backtest):
    backtest.ensure_calibration(_observations(), _targets(), processed_dir=tmp_path, **SETTINGS)
    cal, status = backtest.ensure_calibration(_observations(), _targets(), processed_dir=tmp_path, **SETTINGS)
    assert len(fake_backtest) == 1 and status.reused and status.changed == ()
    assert str(status) == f"reused (key {status.key[:12]})"
    assert cal.overall == pytest.approx(1.1) and cal.factor("with_reference", 1) == pytest.approx(1.1)
    # the same frames typed as read from disk give the same key (the key hashes the CSV text)
    typed = io.read_csv_bytes_as_text(io.frame_to_csv_bytes(_observations()))
    assert backtest.calibration_key(typed.astype({"year": "int64", "value": "float64"}).assign(
        aggregate=typed["aggregate"] == "True"), _targets(), **SETTINGS)["key"] == status.key


@pytest.mark.parametrize("change, expect", [
    (dict(observations=_observations(value=2.6)), ("observations.csv",)),
    (dict(targets=_targets(target=3.5)), ("targets.csv",)),
    (dict(n_draws=300), ("settings:n_draws",)),
])
def test_a_changed_input_or_setting_refits_and_says_which(tmp_path, fake_backtest, change, expect):
    backtest.ensure_calibration(_observations(), _targets(), processed_dir=tmp_path, **SETTINGS)
    args = {"observations": _observations(), "targets": _targets(), **SETTINGS, **change}
    cal, status = backtest.ensure_calibration(processed_dir=tmp_path, **args)
    assert len(fake_backtest) == 2 and not status.reused
    assert status.changed == expect
    assert expect[0].removeprefix("settings:") in str(status)
    assert cal.overall == pytest.approx(1.2)
    _, again = backtest.ensure_calibration(processed_dir=tmp_path, **args)  # the new inputs are now the key
    assert again.reused and len(fake_backtest) == 2


def test_a_new_package_version_or_an_edited_calibration_refits(tmp_path, fake_backtest, monkeypatch):
    import taicang_analysis

    backtest.ensure_calibration(_observations(), _targets(), processed_dir=tmp_path, **SETTINGS)
    version = taicang_analysis.__version__
    monkeypatch.setattr(taicang_analysis, "__version__", "9.9.9")
    status = backtest.calibration_is_current(_observations(), _targets(), processed_dir=tmp_path, **SETTINGS)
    assert not status.reused and status.changed == ("version",) and "9.9.9" in str(status)
    monkeypatch.setattr(taicang_analysis, "__version__", version)
    assert backtest.calibration_is_current(_observations(), _targets(), processed_dir=tmp_path, **SETTINGS).reused
    cal_file = tmp_path / "backtest_calibration.csv"
    cal_file.write_bytes(cal_file.read_bytes().replace(b"1.1", b"1.7"))  # someone edits the fitted table
    status = backtest.calibration_is_current(_observations(), _targets(), processed_dir=tmp_path, **SETTINGS)
    assert not status.reused and status.changed == ("calibration table",)
    assert len(fake_backtest) == 1  # checking never fits


def test_a_change_in_the_engines_code_refits(tmp_path, fake_backtest, monkeypatch):
    backtest.ensure_calibration(_observations(), _targets(), processed_dir=tmp_path, **SETTINGS)
    real = backtest.code_digest()
    assert real == backtest.code_digest() and len(real) == 64  # stable between calls
    monkeypatch.setattr(backtest, "code_digest", lambda: "0" * 64)  # as if a module of the engine was edited
    status = backtest.calibration_is_current(_observations(), _targets(), processed_dir=tmp_path, **SETTINGS)
    assert not status.reused and status.changed == ("code",) and "code" in str(status)


def test_force_refits_even_when_current(tmp_path, fake_backtest):
    backtest.ensure_calibration(_observations(), _targets(), processed_dir=tmp_path, **SETTINGS)
    _, status = backtest.ensure_calibration(_observations(), _targets(), processed_dir=tmp_path, force=True,
                                            **SETTINGS)
    assert len(fake_backtest) == 2 and status.changed == ("forced",)
