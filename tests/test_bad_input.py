"""Bad input, as people type it: every CLI and API entry refuses it before any work, with a message
naming the argument and the value; the CLI exits 2 with ``error: …`` and never a traceback.

CLI cases run in-process (``cli.main(argv)``); a few run as a subprocess to see the real exit code.
Processed tables are built into a temporary folder, which the package's default then points to.
"""

from __future__ import annotations

import math
import subprocess
import sys

import pandas as pd
import pytest

import taicang_analysis as ta
from taicang_analysis import cli
from taicang_analysis.assessment import plans
from taicang_analysis.data import io

SERIES_FILES = {
    "S": "year,value\n2020,2.9\n2023,3.4\n",
    "S_AFTER": "year,value\n2021,2.9\n2023,3.4\n",
    "S120": "year,value\n2020,100\n2023,120\n",
    "S_NEG": "year,value\n2020,5\n2023,-3\n",
    "S_BLANK": "year,value\n2020,\n2023,\n",
    "S_TEXT": "year,value\n2020,2.9\n2023,lots\n",
    "BADCAL": "pool_type,horizon,factor\nwith_reference,1,-2\n",
}

# (argv with placeholders from SERIES_FILES, expected fragment of stderr); every one exits 2
CLI_CASES = [
    (["assess", "--indicator", "nonsense"], "unknown indicator 'nonsense'"),
    (["assess", "--indicator", "rd_intensity", "--draws", "5"], "--draws 5: n_draws must be at least 100"),
    (["assess", "--indicator", "rd_intensity", "--draws", "0"], "n_draws must be at least 100"),
    (["assess", "--indicator", "rd_intensity", "--seed", "1.5"], "argument --seed: invalid int value"),
    (["assess", "--indicator", "rd_intensity", "--as-of", "2021-13-45"], "--as-of '2021-13-45': not a date"),
    (["assess", "--indicator", "rd_intensity", "--as-of", "1492"], "--as-of '1492': not a date"),
    (["assess", "--indicator", "rd_intensity", "--target", "140"],
     "--target 140.0: a share is a percentage between 0 and 100"),
    (["assess", "--indicator", "rd_intensity", "--target", "-1"], "--target -1.0: a share is a percentage"),
    (["assess", "--indicator", "hightech_enterprises_valid", "--target", "-5"],
     "--target -5.0: a count cannot be negative"),
    (["assess", "--indicator", "rd_intensity", "--target", "nan"], "--target nan: must be a finite number"),
    (["assess", "--indicator", "rd_intensity", "--target", "3", "--target-year", "1990"],
     "--target-year 1990: before the first observation (2010)"),
    (["assess", "--indicator", "rd_intensity", "--target", "5", "--target-year", "2090"],
     "--target-year 2090: more than 30 years beyond"),
    (["assess", "--indicator", "rd_intensity", "--target-year", "2030"],
     "--target-year 2030: taicang_14th_st has targets for 2025, 2020 only"),
    (["assess", "--indicator", "tech_smes_registered", "--target-year", "2020"],
     "--indicator 'tech_smes_registered': taicang_14th_st has no 2020 target for it"),
    (["assess", "--indicator", "rd_intensity", "--region", "Atlantis"], "--region 'Atlantis': no published data"),
    (["assess", "--indicator", "rd_intensity", "--reference", "mars"], "argument --reference: invalid choice"),
    (["assess", "--indicator", "rd_intensity", "--pool-reference", "1.5"], "pool.reference must be in [0, 1]"),
    (["assess", "--indicator", "rd_intensity", "--spread", "0"], "--spread 0.0: pool.spread must be > 0"),
    (["assess", "--indicator", "rd_intensity", "--spread", "2", "--calibration", "none"],
     "give either --spread or --calibration, not both"),
    (["assess", "--indicator", "rd_intensity", "--calibration", "/no/such/cal.csv"],
     "--calibration '/no/such/cal.csv': no such file"),
    (["assess", "--indicator", "rd_intensity", "--calibration", "BADCAL"], "not a calibration table"),
    (["assess", "--indicator", "rd_intensity", "--comparator", "about", "--tolerance", "-1"],
     "--tolerance -1.0: must be >= 0"),
    (["assess", "--indicator", "rd_intensity", "--denominator-growth", "-2"],
     "--denominator-growth -2.0: a growth rate must be above -1"),
    (["assess", "--indicator", "rd_intensity", "--denominator-growth", "6"],
     "--denominator-growth 6.0: a growth rate is a fraction per year"),
    (["assess", "--indicator", "hightech_enterprises_valid", "--numerator-growth", "0.1"],
     "hightech_enterprises_valid is not a ratio of published components"),
    (["assess", "--indicator", "rd_intensity", "--kind", "share"], "--kind is for --series"),
    (["assess", "--indicator", "rd_intensity", "--series", "S"], "give either --indicator or --series, not both"),
    (["assess"], "give --indicator ID (a plan target) or --series FILE"),
    (["assess", "--series", "S", "--target-year", "2025", "--kind", "rate"], "--series needs --target"),
    (["assess", "--series", "/no/such/file.csv", "--target", "1", "--target-year", "2025", "--kind", "rate"],
     "no such file"),
    (["assess", "--series", "S", "--target", "4", "--target-year", "1990", "--kind", "rate"],
     "--target-year 1990: before the first observation (2020)"),
    (["assess", "--series", "S_AFTER", "--target", "4", "--target-year", "2020", "--kind", "rate"],
     "--target-year 2020: before the first observation (2021)"),
    (["assess", "--series", "S120", "--target", "4", "--target-year", "2025", "--kind", "share"],
     "the value for 2023 (120): a share is a percentage between 0 and 100"),
    (["assess", "--series", "S", "--target", "140", "--target-year", "2025", "--kind", "share"],
     "--target 140.0: a share is a percentage between 0 and 100"),
    (["assess", "--series", "S_NEG", "--target", "10", "--target-year", "2025", "--kind", "count"],
     "the value for 2023 (-3): a count cannot be negative"),
    (["assess", "--series", "S_BLANK", "--target", "4", "--target-year", "2025", "--kind", "rate"],
     "no usable year"),
    (["assess", "--series", "S_TEXT", "--target", "4", "--target-year", "2025", "--kind", "rate"],
     "column 'value': 'lots' is not a number"),
    (["assess", "--series", "S", "--target", "4", "--target-year", "2025", "--kind", "rate", "--as-of", "2010"],
     "no year on or before the as-of year 2010"),
    (["assess", "--series", "S", "--target", "4", "--target-year", "2080", "--kind", "rate", "--as-of", "2023"],
     "--target-year 2080: more than 30 years beyond the as-of year 2023"),
    (["assess", "--series", "S", "--target", "4", "--target-year", "2025", "--kind", "rate", "--draws", "10"],
     "n_draws must be at least 100"),
    (["assess", "--series", "S", "--target", "4", "--target-year", "2025", "--kind", "rate",
      "--numerator-growth", "0.1"], "--numerator-growth is for --indicator"),
    (["assess", "--series", "S", "--target", "4", "--target-year", "2025", "--kind", "bogus"],
     "argument --kind: invalid choice"),
    (["assess", "--series", "S", "--target", "4", "--target-year", "2025", "--kind", "rate", "--comparator", "about"],
     "--direction: state the desired direction (up or down): an 'about' target"),
    (["assess", "--series", "S", "--target", "4", "--target-year", "2025", "--kind", "rate", "--direction", "down"],
     "--direction 'down': contradicts the comparator 'ge'"),
    (["assess", "--series", "S", "--target", "4", "--target-year", "2025", "--kind", "rate", "--base-year", "2021"],
     "--base-year 2021: no observation for base year 2021; observed years: 2020, 2023"),
    (["assess", "--series", "S", "--target", "4", "--target-year", "2025", "--kind", "rate", "--bands", "0.6,0.9,0"],
     "--bands '0.6,0.9,0': bands must be strictly decreasing"),
    (["assess", "--indicator", "rd_intensity", "--bands", "1,2"], "--bands '1,2': three numbers"),
    (["assess", "--indicator", "rd_intensity", "--base-year", "2012"],
     "--base-year 2012: no observation for base year 2012; observed years: 2010, "),
    (["targets", "--year", "2019"], "--year 2019: taicang_14th_st has targets for 2025, 2020 only"),
    (["brief", "--year", "2019"], "--year 2019: taicang_14th_st has targets for 2025, 2020 only"),
    (["brief", "--as-of", "soon"], "--as-of 'soon': not a date"),
    (["brief", "--draws", "5"], "--draws must be at least 100"),
    (["brief", "--text", "--year", "2019"], "--year 2019: taicang_14th_st has targets for 2025, 2020 only"),
    (["brief", "--text", "--as-of", "soon"], "--as-of 'soon': not a date"),
    (["revisions", "--region", "Atlantis"], "--region 'Atlantis': no published data"),
    (["data", "--raw-dir", "/no/such/raw"], "--raw-dir '/no/such/raw': no such folder"),
    (["backtest", "--draws", "5"], "--draws must be at least 100"),
    (["nonsense-command"], "invalid choice: 'nonsense-command'"),
]




@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    out = {}
    for name, text in SERIES_FILES.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
        out[name] = str(folder / f"{name}.csv")
    return out


def _run(argv, capsys) -> tuple[int, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse's own errors: usage + message, exit 2
        code = exc.code
    return code, capsys.readouterr().err


@pytest.mark.parametrize("argv, fragment", CLI_CASES, ids=[" ".join(a)[:60] for a, _ in CLI_CASES])
def test_cli_refuses_with_exit_2_and_a_message(argv, fragment, processed, files, capsys):
    argv = [files.get(a, a) for a in argv]
    code, err = _run(argv, capsys)
    assert code == 2, err
    assert "Traceback" not in err
    assert fragment in err, err
    assert "error:" in err


@pytest.mark.parametrize("argv, fragment", [
    (["assess", "--indicator", "nonsense"], "error: --indicator 'nonsense': unknown indicator 'nonsense'"),
    (["assess", "--indicator", "rd_intensity", "--draws", "5"], "error: --draws 5: n_draws must be at least 100"),
    (["assess", "--series", "/no/such/file.csv", "--target", "1", "--target-year", "2025", "--kind", "rate"],
     "error: --series /no/such/file.csv: no such file"),
    (["assess", "--indicator", "rd_intensity", "--seed", "x"], "argument --seed: invalid int value: 'x'"),
])
def test_cli_as_a_process_exits_2_without_a_traceback(argv, fragment, tmp_path):
    # run from a folder outside the repository: these fail before any data is read
    done = subprocess.run([sys.executable, "-m", "taicang_analysis", *argv], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and fragment in done.stderr
    assert done.stdout == ""


# -- the API: InputError (a ValueError) naming the argument and the value --------------------------

@pytest.fixture(scope="module")
def study(processed):
    return ta.Study(draws=500)


@pytest.fixture(scope="module")
def rd(study):
    return study.assess("rd_intensity")


SERIES = {2015: 2.1, 2018: 2.5, 2020: 2.9}
OK = dict(target=3.5, year=2025, kind="share", calibration="none", draws=500)

API_CASES = [
    ("plan", lambda s, r: ta.Study(plan="nope"), "plan='nope': plan 'nope' is unknown"),
    ("as_of", lambda s, r: ta.Study(as_of="yesterday"), "as_of='yesterday': not a date"),
    ("as_of_type", lambda s, r: ta.Study(as_of=[2020]), "as_of=[2020]: not a date"),
    ("draws", lambda s, r: ta.Study(draws=10), "draws=10: n_draws must be at least 100"),
    ("draws_float", lambda s, r: ta.Study(draws=1000.0), "draws=1000.0: must be an integer"),
    ("seed", lambda s, r: ta.Study(seed=1.5), "seed=1.5: must be an integer"),
    ("data_dir", lambda s, r: ta.Study(data_dir="/no/such/dir"), "data_dir='/no/such/dir': no such folder"),
    ("calibration_file", lambda s, r: ta.Study(calibration="/no/such.csv"), "calibration='/no/such.csv': no such file"),
    ("calibration_factor", lambda s, r: ta.Study(calibration=-1), "spread=-1: pool.spread must be > 0"),
    ("calibration_type", lambda s, r: ta.Study(calibration=[1]), "calibration=[1]: must be 'auto'"),
    ("region_type", lambda s, r: ta.Study(region=5), "region=5: must be a region name"),
    ("region", lambda s, r: ta.Study(region="Atlantis").assess("rd_intensity"), "region='Atlantis'"),
    ("indicator", lambda s, r: s.assess("nope"), "indicator='nope': unknown indicator 'nope'"),
    ("target_text", lambda s, r: s.assess("rd_intensity", target="4"), "target='4': must be a finite number"),
    ("target_share", lambda s, r: s.assess("rd_intensity", target=140), "target=140: a share is a percentage"),
    ("target_count", lambda s, r: s.assess("foreign_talents", target=-1), "target=-1: a count cannot be negative"),
    ("target_year_text", lambda s, r: s.assess("rd_intensity", target_year="2025"),
     "target_year='2025': must be an integer"),
    ("target_year_early", lambda s, r: s.assess("rd_intensity", target=3, target_year=1990),
     "target_year=1990: before the first observation (2010)"),
    ("target_year_table", lambda s, r: s.assess("rd_intensity", target_year=2030),
     "target_year=2030: taicang_14th_st has targets for 2025, 2020 only"),
    ("draws_assess", lambda s, r: s.assess("rd_intensity", draws=99), "draws=99: n_draws must be at least 100"),
    ("seed_assess", lambda s, r: s.assess("rd_intensity", seed="0"), "seed='0': must be an integer"),
    ("reference", lambda s, r: s.assess("rd_intensity", reference="moon"), "reference='moon': must be one of"),
    ("tolerance", lambda s, r: s.assess("rd_intensity", tolerance=-1), "tolerance=-1: must be >= 0"),
    ("comparator", lambda s, r: s.assess("rd_intensity", comparator="gt"), "comparator='gt': must be one of"),
    ("series_region", lambda s, r: s.series("rd_intensity", region="Atlantis"), "region='Atlantis'"),
    ("targets_year", lambda s, r: s.targets(2019), "target_year=2019"),
    ("scenario_none", lambda s, r: r.scenario(numerator_growth=None), "numerator_growth=None"),
    ("scenario_big", lambda s, r: r.scenario(numerator_growth=3), "numerator_growth=3: a growth rate is a fraction"),
    ("what_it_takes", lambda s, r: r.what_it_takes(denominator_growth="fast"),
     "denominator_growth='fast': must be a finite number"),
    ("series_empty", lambda s, r: ta.assess_series({}, **OK), "series: no usable year"),
    ("series_nan", lambda s, r: ta.assess_series({2020: math.nan}, **OK), "series: no usable year"),
    ("series_year", lambda s, r: ta.assess_series({"20x0": 1.0}, **OK), "series: year '20x0' is not a year"),
    ("series_text", lambda s, r: ta.assess_series({2020: "abc"}, **OK), "the value for 2020 ('abc') is not a number"),
    ("series_bool", lambda s, r: ta.assess_series({2020: True}, **OK), "the value for 2020 (True) is not a number"),
    ("series_inf", lambda s, r: ta.assess_series({2019: 1.0, 2020: math.inf}, **OK), "is not finite"),
    ("series_frame", lambda s, r: ta.assess_series(pd.DataFrame({"v": [1.0]}), **OK), "series: a DataFrame"),
    ("series_list", lambda s, r: ta.assess_series([1.0, 2.0], **OK), "must be a pandas Series"),
    ("series_share", lambda s, r: ta.assess_series({2020: 50.0, 2021: 120.0}, **OK),
     "the value for 2021 (120): a share is a percentage"),
    ("series_kind", lambda s, r: ta.assess_series(SERIES, **{**OK, "kind": "ratio"}), "kind='ratio': must be one of"),
    ("series_comparator", lambda s, r: ta.assess_series(SERIES, comparator="gt", **OK), "comparator='gt'"),
    ("series_direction", lambda s, r: ta.assess_series(SERIES, direction="sideways", **OK), "direction='sideways'"),
    ("series_after", lambda s, r: ta.assess_series({2021: 1.0, 2022: 2.0}, **{**OK, "year": 2020}),
     "target_year=2020: before the first observation (2021)"),
    ("series_horizon", lambda s, r: ta.assess_series(SERIES, **{**OK, "year": 2100}), "more than 30 years"),
    ("series_as_of", lambda s, r: ta.assess_series(SERIES, as_of="2019-02-30", **OK), "as_of='2019-02-30'"),
    ("series_target", lambda s, r: ta.assess_series(SERIES, **{**OK, "target": 140}), "target=140: a share"),
    ("series_about", lambda s, r: ta.assess_series(SERIES, comparator="about", **OK),
     "direction: state the desired direction (up or down): an 'about' target"),
    ("series_contradiction", lambda s, r: ta.assess_series(SERIES, comparator="le", direction="up", **OK),
     "direction='up': contradicts the comparator 'le'"),
    ("series_base_year", lambda s, r: ta.assess_series(SERIES, progress={"base_year": 2016}, **OK),
     "base_year=2016: no observation for base year 2016; observed years: 2015, 2018, 2020"),
    ("series_bands", lambda s, r: ta.assess_series(SERIES, progress={"bands": (0.9, float("nan"), 0)}, **OK),
     "bands=(0.9, nan, 0): every band must be a finite number"),
    ("series_scheme", lambda s, r: ta.assess_series(SERIES, progress={"no_target_scheme": "un"}, **OK),
     "no_target_scheme='un': must be one of eurostat, statcan"),
    ("progress_type", lambda s, r: s.assess("rd_intensity", progress="strict"), "progress='strict': must be a "),
    ("assess_base_year", lambda s, r: s.assess("rd_intensity", progress={"base_year": 2011}),
     "base_year=2011: no observation for base year 2011; observed years: 2010, "),
    ("build_raw", lambda s, r: ta.build_data(raw_dir="/no/such/raw"), "raw_dir='/no/such/raw': no such folder"),
]


@pytest.mark.parametrize("call, fragment", [(c, f) for _, c, f in API_CASES], ids=[i for i, _, _ in API_CASES])
def test_api_raises_input_error_naming_the_argument(call, fragment, study, rd):
    with pytest.raises(ta.InputError) as info:
        call(study, rd)
    assert isinstance(info.value, ValueError)
    assert fragment in str(info.value), str(info.value)


def test_the_corpus_is_large_enough():
    assert len(CLI_CASES) + len(API_CASES) >= 40
    assert len(CLI_CASES) >= 40 and len(API_CASES) >= 40


def test_an_ambiguous_target_is_an_error_naming_both(processed):
    targets = io.read_processed("targets.csv", processed)
    rows = plans.plan_targets(targets)
    rd_row = rows[rows["indicator"] == "rd_intensity"]
    twice = pd.concat([rows, rd_row.assign(target=4.5, target_printed="4.5")])
    with pytest.raises(ta.InputError) as info:
        plans.choose_target(twice, "rd_intensity", plans.get_plan(), 2025)
    message = str(info.value)
    assert "2 2025 targets" in message and "4.2" in message and "4.5" in message
