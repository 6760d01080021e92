"""The command line as a user meets it: outputs, JSON fields, and exit code 2 with a clear message.

Every test here runs against a temporary copy of ``data/raw`` (``TAICANG_DATA_DIR``):
nothing is written into the working tree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from taicang_analysis import cli
from taicang_analysis.data import paths

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module", autouse=True)
def data_dir(tmp_path_factory):
    """A data directory of our own: a copy of data/raw, processed tables built into it."""
    folder = tmp_path_factory.mktemp("data")
    shutil.copytree(REPO / "data" / "raw", folder / "raw")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(paths.ENV_VAR, str(folder))
        assert cli.main(["data"]) == 0
        yield folder


def _json(capsys, argv) -> dict:
    assert cli.main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_help_lists_the_commands():
    out = subprocess.run([sys.executable, "-m", "taicang_analysis", "--help"], capture_output=True, text=True,
                         cwd=REPO, check=True).stdout
    for command in ("data", "targets", "assess", "brief", "revisions", "indicators"):
        assert command in out


def test_assess_a_researchers_series_as_json(tmp_path, capsys):
    f = tmp_path / "series.csv"
    f.write_text("year,value,comment\n2020,2.90,base\n2023,3.40,latest\n", encoding="utf-8")
    d = _json(capsys, ["assess", "--series", str(f), "--target", "4.2", "--target-year", "2025",
                       "--comparator", "ge", "--kind", "rate", "--reference", "none", "--json"])
    for key in ("probability", "status", "n_obs", "observed_annual_growth", "required_annual_growth",
                "projection", "methods"):
        assert key in d
    assert d["n_obs"] == 2
    # hand computation: (3.40/2.90)^(1/3) - 1 and (4.20/2.90)^(1/5) - 1
    assert d["observed_annual_growth"] == pytest.approx((3.40 / 2.90) ** (1 / 3) - 1)
    assert d["methods"]["windows"]["short_term"]["required_cagr"] == pytest.approx((4.2 / 2.9) ** 0.2 - 1)
    assert d["status"] == "acceleration_needed"
    # two points, no reference: no model carries a spread, so no probability -- and it says why
    assert d["probability"] is None and d["probability_reason"]


def test_assess_with_as_of_cuts_the_series(tmp_path, capsys):
    f = tmp_path / "s.csv"
    f.write_text("year,value\n2008,1.0\n2010,1.2\n2012,1.5\n2014,1.7\n2016,9.9\n", encoding="utf-8")
    d = _json(capsys, ["assess", "--series", str(f), "--target", "2", "--target-year", "2020", "--kind", "rate",
                       "--as-of", "2015", "--reference", "none", "--json", "--draws", "2000"])
    assert d["n_obs"] == 4 and "2016" not in d["observations"]
    assert d["probability"] is not None and 0 <= d["probability"] <= 1
    assert set(d["projection"]) >= {"median", "lower", "upper", "level"}


def test_assess_taicang_indicator_prints_grades_projection_probability_and_what_it_takes(capsys):
    assert cli.main(["assess", "--indicator", "rd_intensity", "--draws", "2000"]) == 0
    out = capsys.readouterr().out
    for phrase in ("target ≥ 4.2 by 2025", "grade:", "pooled projection 2025", "probability of meeting the target",
                   "what it takes: with gdp growing", "rd_expenditure must grow"):
        assert phrase in out, phrase


@pytest.mark.parametrize("argv, message", [
    (["assess", "--indicator", "nonsense"], "unknown indicator 'nonsense'"),
    (["assess", "--series", "/no/such/file.csv", "--target", "1", "--target-year", "2025", "--kind", "rate"],
     "no such file"),
    (["assess", "--series", "SERIES", "--target-year", "2025", "--kind", "rate"], "needs --target"),
    (["assess", "--indicator", "rd_intensity", "--pool-reference", "1.5"], "pool.reference must be in [0, 1]"),
    (["assess", "--indicator", "rd_intensity", "--spread", "0"], "pool.spread must be > 0"),
    (["assess", "--indicator", "rd_intensity", "--draws", "5"], "n_draws must be at least 100"),
    (["assess", "--indicator", "rd_intensity", "--as-of", "2021-13-45"], "--as-of '2021-13-45': not a date"),
])
def test_bad_arguments_exit_2_with_a_message(argv, message, tmp_path, capsys):
    f = tmp_path / "s.csv"
    f.write_text("year,value\n2020,1\n", encoding="utf-8")
    argv = [str(f) if a == "SERIES" else a for a in argv]
    assert cli.main(argv) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("content, message", [
    ("yr,val\n2020,1\n", "missing column(s) year, value"),
    ("year,value\n2020,abc\n", "row 2, column 'value': 'abc' is not a number"),
    ("year,value\n20x0,1\n", "row 2, column 'year'"),
    ("year,value\n2020,1\n2020,2\n", "year 2020 appears more than once"),
    ("", "not a readable CSV"),
])
def test_unusable_series_files_exit_2(content, message, tmp_path, capsys):
    f = tmp_path / "s.csv"
    f.write_text(content, encoding="utf-8")
    code = cli.main(["assess", "--series", str(f), "--target", "4", "--target-year", "2025", "--kind", "rate"])
    assert code == 2
    assert message in capsys.readouterr().err


def test_targets_table_names_every_gap(capsys):
    assert cli.main(["targets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 16  # header + 15 targets of Table 2
    gaps = [line for line in lines if "no published value" in line]
    assert 0 < len(gaps) < 15
    rd = next(line for line in lines if line.startswith("rd_intensity"))
    assert "3.34" in rd and "2020" in rd


def test_revisions_lists_the_history(capsys):
    assert cli.main(["revisions", "--region", "Taicang"]) == 0
    out = capsys.readouterr().out
    assert "Taicang rd_intensity 2015" in out and "2.35" in out and "(current)" in out


def test_assess_says_which_spread_it_used_and_rejects_a_bad_calibration_file(tmp_path, capsys):
    assert cli.main(["assess", "--indicator", "rd_intensity", "--draws", "500", "--calibration", "none"]) == 0
    out = capsys.readouterr().out
    assert "uncalibrated" in out and "factor 1.00" in out
    bad = tmp_path / "cal.csv"
    bad.write_text("pool_type,horizon,factor\nwith_reference,1,-2\n", encoding="utf-8")
    assert cli.main(["assess", "--indicator", "rd_intensity", "--calibration", str(bad)]) == 2
    assert "--calibration" in capsys.readouterr().err
    assert cli.main(["assess", "--indicator", "rd_intensity", "--calibration", str(tmp_path / "none.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_researcher_can_leave_the_series_own_region_out_of_the_reference_class(tmp_path, capsys):
    f = tmp_path / "cn.csv"
    f.write_text("year,value\n2009,1.66\n2010,1.71\n2011,1.78\n2012,1.91\n2013,1.99\n2014,2.02\n2015,2.06\n",
                 encoding="utf-8")
    base = ["assess", "--series", str(f), "--target", "2.5", "--target-year", "2020", "--kind", "share",
            "--as-of", "2015", "--reference", "world", "--calibration", "none", "--draws", "2000", "--json"]
    with_china = _json(capsys, base)
    without = _json(capsys, base + ["--exclude-region", "China"])
    rule = next(m["rule"] for m in without["models"] if m["model"] == "reference_class:world")
    assert "excluding China" in rule
    assert with_china["projection"] != without["projection"]


def test_the_cli_run_from_outside_the_repository_finds_its_data_through_the_environment(data_dir, tmp_path, capsys):
    """Nothing installed: the package is on PYTHONPATH, the working directory is elsewhere,
    TAICANG_DATA_DIR names a copy of data/raw; the build and the target table come out the same."""
    other = tmp_path / "elsewhere"
    shutil.copytree(REPO / "data" / "raw", other / "raw")
    work = tmp_path / "cwd"
    work.mkdir()
    env = {**os.environ, paths.ENV_VAR: str(other), "PYTHONPATH": str(REPO)}
    run = [sys.executable, "-m", "taicang_analysis"]
    subprocess.run(run + ["data"], cwd=work, env=env, check=True, capture_output=True)
    assert sorted(p.name for p in (other / "processed").iterdir()) == [
        "coverage.csv", "known_values.csv", "observations.csv", "revisions.csv", "targets.csv"]
    assert list(work.iterdir()) == []  # nothing written where it was run
    outside = subprocess.run(run + ["targets"], cwd=work, env=env, check=True, capture_output=True,
                             text=True).stdout
    assert cli.main(["targets"]) == 0  # in-process, against the module's data directory
    assert outside == capsys.readouterr().out
    assert "rd_intensity" in outside
