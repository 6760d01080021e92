"""Progress-method options as Open SDG exposes them: bands, Statistics Canada's no-target scheme,
the base year, the desired direction, and zero or negative values.

Hand computations are written out beside each assertion.  Sources: Eurostat's SDG monitoring
report (rate ratio, bands 0.95 / 0.60 / 0; no target: 1 %/yr); Statistics Canada / Open SDG
"Progress Measurement Methodology" (no target: CAGR >= 1.5 % C, 0.5 % C <= CAGR < 1.5 % C,
0 <= CAGR < 0.5 % C, CAGR < 0) and sdg-build ``ProgressMeasure.py`` (progress_thresholds).
"""

from __future__ import annotations

import math
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import taicang_analysis as ta
from taicang_analysis import cli
from taicang_analysis.api import ProgressOptions
from taicang_analysis.assessment.assess import TargetSpec, _growth_methods, assess
from taicang_analysis.methods import progress as m
from taicang_analysis.methods.progress import (Bands, OptionError, Span, Target, desired_direction,
                                               eurostat_rate_ratio, eurostat_trend, eurostat_windows,
                                               linear_path, no_target_trend, required_pace, statcan_trend,
                                               time_proportional, un_projected_gap)

FAST = dict(calibration="none", draws=200)


# -- bands -------------------------------------------------------------------------------------------

# 2.0 (2015) -> 2.5 (2020), target 3.5 in 2025:
#   observed CAGR = 1.25^(1/5) - 1 = 0.045640;  required = 1.75^(1/10) - 1 = 0.057557;  R = 0.792945
SPAN = Span(2015, 2.0, 2020, 2.5)
TARGET = Target(3.5, 2025, "up")


def test_the_hand_computed_ratio():
    rr = eurostat_rate_ratio(SPAN, TARGET)
    assert rr.observed_cagr == pytest.approx(0.045640, abs=1e-6)
    assert rr.required_cagr == pytest.approx(0.057557, abs=1e-6)
    assert rr.ratio == pytest.approx(0.792945, abs=1e-6)
    assert rr.grade == m.ACCELERATION_NEEDED  # Eurostat: 0.60 <= 0.793 < 0.95


@pytest.mark.parametrize("bands, grade", [
    ((0.95, 0.60, 0.0), m.ACCELERATION_NEEDED),  # the default, stated
    ((0.75, 0.50, 0.0), m.ON_TRACK),  # 0.793 >= 0.75
    ((0.90, 0.80, 0.10), m.LIMITED_PROGRESS),  # 0.10 <= 0.793 < 0.80
    ((0.99, 0.95, 0.80), m.MOVING_AWAY),  # below the lowest band, as Open SDG's "deterioration"
    ((0.7930, 0.5, 0.0), m.ACCELERATION_NEEDED),  # 0.792945 < 0.7930: just under
    ((0.7929, 0.5, 0.0), m.ON_TRACK),  # just over
])
def test_custom_bands_grade_the_hand_computed_ratio(bands, grade):
    assert eurostat_rate_ratio(SPAN, TARGET, Bands(*bands)).grade == grade


def test_bands_in_every_accepted_form_are_the_same():
    expected = Bands(0.9, 0.5, 0.0)
    for given_as in ((0.9, 0.5, 0), [0.9, 0.5, 0], "0.9, 0.5, 0", {"high": 0.9, "med": 0.5, "low": 0}, expected):
        assert ProgressOptions(bands=given_as).bands == expected
    assert ProgressOptions().bands == Bands(0.95, 0.60, 0.0) == m.EUROSTAT_BANDS


@pytest.mark.parametrize("bands, fragment", [
    ((0.6, 0.95, 0.0), "strictly decreasing"),
    ((0.95, 0.95, 0.0), "strictly decreasing"),
    ((0.95, 0.6, 0.6), "strictly decreasing"),
    ((math.nan, 0.6, 0.0), "finite number; got nan"),
    ((math.inf, 0.6, 0.0), "finite number; got inf"),
    ((True, 0.6, 0.0), "finite number; got True"),
    (("high", 0.6, 0.0), "finite number; got 'high'"),
    ((0.95, 0.6), "three numbers"),
    ("0.95;0.6;0", "three numbers separated by commas"),
    ("0.6,0.95,0", "strictly decreasing"),
    ({"high": 0.95, "medium": 0.6, "low": 0}, "keys high, med, low"),
    (0.95, "three numbers"),
])
def test_bad_bands_are_refused_naming_the_argument_and_value(bands, fragment):
    with pytest.raises(OptionError) as info:
        ProgressOptions(bands=bands)
    err = info.value
    assert isinstance(err, ValueError) and err.argument == "bands"
    assert str(err).startswith("bands=") and fragment in str(err)
    if isinstance(bands, str):
        assert repr(bands) in str(err)  # the value as typed


def test_options_are_frozen_and_checked():
    opts = ProgressOptions(base_year=2015, no_target_scheme="statcan")
    with pytest.raises(AttributeError):
        opts.base_year = 2016  # type: ignore[misc]
    with pytest.raises(OptionError, match="no_target_scheme='un': must be one of eurostat, statcan"):
        ProgressOptions(no_target_scheme="un")
    with pytest.raises(OptionError, match="base_year='2015': must be a year"):
        ProgressOptions(base_year="2015")
    with pytest.raises(OptionError, match="unknown option.*threshold"):
        ProgressOptions.parse({"threshold": 1})
    assert ProgressOptions().is_default and not opts.is_default
    assert opts.to_dict() == {"bands": {"high": 0.95, "med": 0.6, "low": 0.0}, "no_target_scheme": "statcan",
                              "base_year": 2015}


# -- Statistics Canada's no-target bands -----------------------------------------------------------

@pytest.mark.parametrize("latest, statcan, eurostat", [
    (101.5, m.SUBSTANTIAL_PROGRESS, m.SIGNIFICANT_PROGRESS),  # exactly 1.5 %: reaches the top band
    (101.49, m.MODERATE_PROGRESS, m.SIGNIFICANT_PROGRESS),  # 1.49 %
    (100.5, m.MODERATE_PROGRESS, m.MODERATE_PROGRESS),  # exactly 0.5 %
    (100.49, m.LIMITED_PROGRESS, m.MODERATE_PROGRESS),  # 0.49 %
    (100.0, m.LIMITED_PROGRESS, m.MODERATE_PROGRESS),  # exactly 0: still the limited band (0 <= g)
    (99.99, m.DETERIORATION, m.MODERATE_MOVEMENT_AWAY),  # -0.01 %
    (98.5, m.DETERIORATION, m.SIGNIFICANT_MOVEMENT_AWAY),  # -1.5 %
])
def test_statcan_band_edges_on_one_year_steps(latest, statcan, eurostat):
    span = Span(2020, 100.0, 2021, latest)
    assert statcan_trend(span, "up").grade == statcan
    assert no_target_trend(span, "up", scheme="statcan").grade == statcan
    assert no_target_trend(span, "up", scheme="eurostat").grade == eurostat == eurostat_trend(span, "up").grade


@pytest.mark.parametrize("growth, grade", [(0.015, m.SUBSTANTIAL_PROGRESS), (0.005, m.MODERATE_PROGRESS),
                                           (0.0, m.LIMITED_PROGRESS), (-0.001, m.DETERIORATION)])
def test_statcan_band_edges_on_compounded_series(growth, grade):
    # 5 years at exactly `growth` a year, built by compounding: the CAGR is `growth` again
    years = range(2015, 2021)
    series = pd.Series([50.0 * (1 + growth) ** (y - 2015) for y in years], index=list(years))
    trend = statcan_trend(Span.from_series(series), "up")
    assert trend.observed_cagr == pytest.approx(growth, abs=1e-12)
    assert trend.grade == grade
    # the same growth downwards is progress for a 'down' indicator, read the other way round
    falling = pd.Series([50.0 / (1 + growth) ** (y - 2015) for y in years], index=list(years))
    assert statcan_trend(Span.from_series(falling), "down").directed_cagr == pytest.approx(
        1 - 1 / (1 + growth) if growth else 0.0, abs=1e-12)


def test_statcan_thresholds_shrink_near_a_natural_limit():
    # base 90 of a limit 100: C = 1 - 0.9^4.44 = 0.373622; thresholds 1.5 % C = 0.5604 %, 0.5 % C = 0.1868 %
    c = 1 - 0.9 ** 4.44
    assert c == pytest.approx(0.373622, abs=1e-6)
    span = Span(2020, 90.0, 2021, 90.0 * 1.006)  # +0.6 %/yr: above 1.5 % C although below 1.5 %
    trend = statcan_trend(span, "up", natural_limit=100.0)
    assert trend.limit_scale == pytest.approx(c)
    assert trend.grade == m.SUBSTANTIAL_PROGRESS
    assert statcan_trend(span, "up").grade == m.MODERATE_PROGRESS  # without the limit


def test_the_scheme_reaches_the_assessment():
    series = pd.Series({2016: 100.0, 2017: 100.5, 2018: 101.0, 2019: 101.6, 2020: 102.0, 2021: 102.6})
    # 2016 -> 2021: (102.6/100)^(1/5) - 1 = 0.5147 %/yr: Eurostat moderate, StatCan moderate (>= 0.5 %)
    spec = TargetSpec(110.0, 2025)
    default = assess(series, spec, kind="level", n_draws=200)
    statcan = assess(series, spec, kind="level", n_draws=200, progress=ProgressOptions(no_target_scheme="statcan"))
    assert default.methods["trend_without_target"]["grade"] == m.MODERATE_PROGRESS
    assert "scheme" not in default.methods["trend_without_target"]  # today's output, unchanged
    assert statcan.methods["trend_without_target"] == {
        "observed_cagr": pytest.approx(1.026 ** 0.2 - 1), "directed_cagr": pytest.approx(1.026 ** 0.2 - 1),
        "limit_scale": 1.0, "grade": m.MODERATE_PROGRESS, "scheme": "statcan"}
    assert statcan.methods["progress_options"]["no_target_scheme"] == "statcan"
    assert "progress_options" not in default.methods
    assert statcan.probability == default.probability  # options change grades, never the projection


# -- the base year -----------------------------------------------------------------------------------

SERIES = pd.Series({2012: 1.6, 2015: 2.0, 2018: 2.4, 2020: 2.9})


def test_a_stated_base_year_gives_the_hand_computed_cagr():
    spec = TargetSpec(3.5, 2025)
    default = assess(SERIES, spec, kind="share", n_draws=200)
    stated = assess(SERIES, spec, kind="share", n_draws=200, progress=ProgressOptions(base_year=2012))
    # default: Eurostat's 5-year window 2015-2020: (2.9/2.0)^(1/5) - 1 = 7.7144 %/yr
    assert default.methods["headline_window"]["observed_cagr"] == pytest.approx(1.45 ** 0.2 - 1)
    assert 1.45 ** 0.2 - 1 == pytest.approx(0.077144, abs=1e-6)
    # stated base 2012: (2.9/1.6)^(1/8) - 1 = 7.7171 %/yr; required (3.5/1.6)^(1/13) - 1 = 6.2062 %/yr
    head = stated.methods["headline_window"]
    assert head == {"window": "stated_base", "base_year": 2012, "latest_year": 2020,
                    "observed_cagr": pytest.approx((2.9 / 1.6) ** (1 / 8) - 1)}
    assert head["observed_cagr"] == pytest.approx(0.077171, abs=1e-6)
    entry = stated.methods["windows"]["stated_base"]
    assert entry["required_cagr"] == pytest.approx((3.5 / 1.6) ** (1 / 13) - 1)
    assert entry["ratio"] == pytest.approx(((2.9 / 1.6) ** (1 / 8) - 1) / ((3.5 / 1.6) ** (1 / 13) - 1))
    assert stated.status == m.ON_TRACK and "stated base year 2012-2020" in stated.status_basis
    # the windows are still there, unchanged
    assert stated.methods["windows"]["short_term"] == default.methods["windows"]["short_term"]
    assert stated.methods["projected_gap"]["observed_cagr"] == pytest.approx(head["observed_cagr"])


@pytest.mark.parametrize("year, fragment", [
    (2013, "no observation for base year 2013; observed years: 2012, 2015, 2018, 2020"),
    (2020, "the base year is the latest observation (2020)"),
    (2030, "no observation for base year 2030"),
])
def test_a_base_year_that_is_not_observed_is_an_error_naming_it(year, fragment):
    with pytest.raises(OptionError) as info:
        m.check_base_year(SERIES, year)
    assert info.value.argument == "base_year" and f"base_year={year}" in str(info.value)
    assert fragment in str(info.value)
    with pytest.raises(ta.InputError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        ta.assess_series(SERIES, target=3.5, year=2025, kind="share", progress={"base_year": year}, **FAST)


# -- the desired direction -----------------------------------------------------------------------------

@pytest.mark.parametrize("comparator, stated, expected", [
    ("ge", None, "up"), ("le", None, "down"), ("ge", "up", "up"), ("le", "down", "down"),
    ("about", "up", "up"), ("about", "down", "down"), (None, "down", "down"),
])
def test_direction_comes_from_the_comparator_or_is_stated(comparator, stated, expected):
    assert desired_direction(comparator, stated) == expected


@pytest.mark.parametrize("comparator, stated, fragment", [
    ("about", None, "an 'about' target does not say which way is progress"),
    (None, None, "no target does not say which way is progress"),
    ("ge", "down", "contradicts the comparator 'ge'"),
    ("le", "up", "contradicts the comparator 'le'"),
    ("ge", "sideways", "must be up or down"),
])
def test_direction_errors_name_the_argument(comparator, stated, fragment):
    with pytest.raises(OptionError) as info:
        desired_direction(comparator, stated)
    assert info.value.argument == "direction" and fragment in str(info.value)


def test_no_target_trend_has_no_default_direction():
    with pytest.raises(OptionError, match="direction=None: state the desired direction"):
        no_target_trend(SPAN, None)  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="state the desired direction"):
        eurostat_windows(SERIES, None)  # type: ignore[arg-type]


def test_a_researchers_series_takes_its_direction_from_the_comparator():
    falling = {2015: 8.0, 2018: 6.5, 2020: 5.0}
    a = ta.assess_series(falling, target=4.0, year=2025, kind="rate", comparator="le", **FAST)
    assert a.assessment.direction == "down"
    about_down = ta.assess_series(falling, target=4.0, year=2025, kind="rate", comparator="about",
                                  direction="down", **FAST)
    assert about_down.assessment.direction == "down"
    assert about_down.target.threshold("down") == (4.1, False)  # 4 + 2.5 %


@pytest.mark.parametrize("kw, fragment", [
    (dict(comparator="about"), "direction: state the desired direction (up or down): an 'about' target"),
    (dict(comparator="ge", direction="down"), "direction='down': contradicts the comparator 'ge'"),
    (dict(comparator="le", direction="up"), "direction='up': contradicts the comparator 'le'"),
])
def test_assess_series_refuses_a_missing_or_contradictory_direction(kw, fragment):
    with pytest.raises(ta.InputError) as info:
        ta.assess_series(SERIES, target=3.5, year=2025, kind="share", **kw, **FAST)
    assert info.value.argument == "direction" and fragment in str(info.value)


# -- zero and negative values --------------------------------------------------------------------------

ZERO_BASE = Span(2020, 0.0, 2023, 3.0)


@pytest.mark.parametrize("call, fragment", [
    (lambda: eurostat_rate_ratio(ZERO_BASE, Target(4.0, 2025)), "the base value is 0"),
    (lambda: un_projected_gap(ZERO_BASE, Target(4.0, 2025)), "the base value is 0"),
    (lambda: eurostat_trend(ZERO_BASE, "up"), "the base value is 0"),
    (lambda: statcan_trend(ZERO_BASE, "up"), "the base value is 0"),
    (lambda: eurostat_rate_ratio(Span(2020, 5.0, 2023, 3.0), Target(0.0, 2025, "down")), "the target value is 0"),
    (lambda: eurostat_rate_ratio(Span(2020, 5.0, 2023, 0.0), Target(1.0, 2025, "down")), "the latest value is 0"),
    (lambda: eurostat_trend(Span(2020, -5.0, 2023, -3.0), "up"), "the base value is -5"),
    (lambda: m.cagr(0.0, 2020, 1.0, 2023), "CAGR needs positive values; v0 = 0.0"),
])
def test_growth_methods_refuse_zero_or_negative_values_by_name(call, fragment):
    with pytest.raises(ValueError, match="positive") as info:
        call()
    assert fragment in str(info.value)


def test_methods_without_a_growth_rate_take_zero_and_say_none_where_a_rate_is_undefined():
    # linear path and time share need no logs
    assert linear_path(ZERO_BASE, Target(4.0, 2025)).required_increment == pytest.approx(0.8)  # 4/5
    assert time_proportional(ZERO_BASE, Target(4.0, 2025)).distance_share == pytest.approx(0.75)
    pace = required_pace(ZERO_BASE, Target(4.0, 2025))
    assert pace.observed_cagr is None and pace.required_cagr == pytest.approx((4 / 3) ** 0.5 - 1)
    assert pace.required_increment == pytest.approx(0.5)
    to_zero = required_pace(Span(2020, 5.0, 2023, 3.0), Target(0.0, 2025, "down"))
    assert to_zero.required_cagr is None and to_zero.required_increment == pytest.approx(-1.5)
    assert to_zero.observed_cagr == pytest.approx(0.6 ** (1 / 3) - 1)


def _no_nan(value) -> bool:
    if isinstance(value, dict):
        return all(_no_nan(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_no_nan(v) for v in value)
    return not (isinstance(value, float) and math.isnan(value))


@pytest.mark.parametrize("series, kw, fragment", [
    ({2016: 0.0, 2018: 2.0, 2020: 5.0}, dict(target=10.0, kind="count"), "the base value is 0"),
    ({2016: 5.0, 2018: 3.0, 2020: 2.0}, dict(target=0.0, kind="count", comparator="le"), "the target value is 0"),
    ({2016: 5.0, 2018: 3.0, 2020: 0.0}, dict(target=10.0, kind="count"), "the latest value is 0"),
    ({2016: -5.0, 2018: -3.0, 2020: -2.0}, dict(target=1.0, kind="level"), "the base value is -5"),
])
def test_an_assessment_with_zero_or_negative_values_completes_and_says_why(series, kw, fragment):
    a = ta.assess_series(series, year=2025, **kw, **FAST).assessment
    assert a.status == "required_pace_only" and fragment in a.status_basis
    assert any(n.startswith("Eurostat rate ratio:") and fragment in n for n in a.not_computed)
    assert "linear_path" in a.methods and "time_proportional" in a.methods
    assert _no_nan(a.methods) and _no_nan(a.to_dict()["methods"])
    assert a.probability is None or 0.0 <= a.probability <= 1.0


def test_a_zero_base_in_the_short_window_leaves_the_long_window_to_grade():
    series = pd.Series({2008: 1.0, 2012: 2.0, 2016: 0.0, 2018: 2.0, 2020: 3.0})
    # short window 2015-2020 starts at 2016 (0): no grade; long window 2005-2020 starts at 2008 (1.0)
    a = assess(series, TargetSpec(4.0, 2025), kind="count", n_draws=200)
    assert "no grade, the base value is 0" in a.methods["windows"]["short_term"]["note"]
    assert a.methods["headline_window"]["window"] == "long_term"
    assert a.status == eurostat_rate_ratio(Span(2008, 1.0, 2020, 3.0), Target(4.0, 2025)).grade


# -- the API, Study.assess and the CLI ----------------------------------------------------------------

def test_study_assess_takes_progress_options(processed):
    study = ta.Study(draws=200, calibration="none")
    default = study.assess("rd_intensity", reference="none")
    same = study.assess("rd_intensity", reference="none", progress=ProgressOptions())
    assert same.to_dict() == default.to_dict()
    strict = study.assess("rd_intensity", reference="none", progress={"bands": (5.0, 4.0, 3.0)})
    assert strict.grade == m.MOVING_AWAY and "bands 5 / 4 / 3" in strict.assessment.status_basis
    assert strict.probability == default.probability
    assert strict.to_dict()["methods"]["progress_options"]["bands"] == {"high": 5.0, "med": 4.0, "low": 3.0}
    with pytest.raises(ta.InputError, match=r"base_year=1999: no observation for base year 1999; observed years"):
        study.assess("rd_intensity", progress={"base_year": 1999})


CSV = "year,value\n2015,2.1\n2018,2.5\n2020,2.9\n"
BASE = ["assess", "--target", "3.5", "--target-year", "2025", "--kind", "share", "--draws", "200",
        "--calibration", "none", "--reference", "none"]


@pytest.mark.parametrize("extra, fragment", [
    (["--comparator", "about"], "error: --direction: state the desired direction (up or down)"),
    (["--direction", "down"], "error: --direction 'down': contradicts the comparator 'ge'"),
    (["--comparator", "le", "--direction", "up"], "error: --direction 'up': contradicts the comparator 'le'"),
    (["--bands", "0.6,0.95,0"], "error: --bands '0.6,0.95,0': bands must be strictly decreasing"),
    (["--bands", "nan,0.6,0"], "error: --bands 'nan,0.6,0': every band must be a finite number"),
    (["--bands", "high"], "error: --bands 'high': three numbers"),
    (["--base-year", "2016"], "error: --base-year 2016: no observation for base year 2016; observed years: "
                              "2015, 2018, 2020"),
    (["--no-target-scheme", "un"], "argument --no-target-scheme: invalid choice"),
])
def test_cli_bad_progress_flags_exit_2_with_a_message(extra, fragment, tmp_path, capsys):
    path = tmp_path / "s.csv"
    path.write_text(CSV, encoding="utf-8")
    try:
        code = cli.main([*BASE, "--series", str(path), *extra])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and fragment in err and "Traceback" not in err, err


@pytest.mark.parametrize("extra, fragment", [
    (["--comparator", "about"], "error: --direction: state the desired direction"),
    (["--base-year", "2016"], "error: --base-year 2016: no observation for base year 2016"),
])
def test_cli_as_a_process_exits_2_without_a_traceback(extra, fragment, tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(CSV, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "taicang_analysis", *BASE, "--series", str(path), *extra],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2 and fragment in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert done.stdout == ""


def test_cli_progress_flags_reach_the_grades(tmp_path, capsys):
    import json
    path = tmp_path / "s.csv"
    path.write_text(CSV, encoding="utf-8")
    assert cli.main([*BASE, "--series", str(path), "--json", "--bands", "0.9,0.5,0", "--base-year", "2018",
                     "--no-target-scheme", "statcan"]) == 0
    out = json.loads(capsys.readouterr().out)
    # 2018 -> 2020: (2.9/2.5)^(1/2) - 1 = 7.7033 %/yr -> StatCan substantial progress (>= 1.5 %)
    assert out["methods"]["headline_window"]["observed_cagr"] == pytest.approx((2.9 / 2.5) ** 0.5 - 1)
    assert out["methods"]["trend_without_target"]["grade"] == m.SUBSTANTIAL_PROGRESS
    assert out["methods"]["progress_options"] == {"bands": {"high": 0.9, "med": 0.5, "low": 0.0},
                                                  "no_target_scheme": "statcan", "base_year": 2018}
    assert out["status"] == m.ON_TRACK


# -- default options give today's results ---------------------------------------------------------------

def _todays_rate_ratio_grade(r: float) -> str:
    """The grading before options existed (Eurostat: 0.95 / 0.60 / 0), written out again."""
    return "on_track" if r >= 0.95 else "acceleration_needed" if r >= 0.60 else \
        "limited_progress" if r >= 0 else "moving_away"


def _todays_trend_grade(g: float) -> str:
    return "significant_progress" if g >= 0.01 else "moderate_progress" if g >= 0 else \
        "moderate_movement_away" if g >= -0.01 else "significant_movement_away"


values = st.floats(min_value=0.05, max_value=500.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.integers(2005, 2022), values, min_size=2, max_size=10), values,
       st.integers(2023, 2035), st.sampled_from(["ge", "le", "about"]), st.sampled_from(["up", "down"]))
def test_default_options_give_todays_grades(data, target_value, target_year, comparator, direction):
    series = pd.Series(data).sort_index()
    spec = TargetSpec(target_value, target_year, comparator)
    today = _growth_methods(series, spec, direction, None)
    assert _growth_methods(series, spec, direction, None, ProgressOptions()) == today
    numbers, status, _, _ = today
    threshold, above = spec.threshold(direction)
    target = Target(threshold, target_year, "up" if above else "down")
    for w in numbers["windows"].values():
        if "grade" not in w:  # a window holding one observation
            continue
        span = Span(w["base_year"], w["base_value"], w["latest_year"], w["latest_value"])
        rr = eurostat_rate_ratio(span, target)
        assert w["observed_cagr"] == pytest.approx((span.latest_value / span.base_value) ** (
            1 / (span.latest_year - span.base_year)) - 1)
        if rr.ratio is not None and not rr.target_already_met:
            assert w["grade"] == _todays_rate_ratio_grade(rr.ratio)
    if "trend_without_target" not in numbers:  # no window holds two observations
        return
    trend = numbers["trend_without_target"]
    assert set(trend) == {"observed_cagr", "directed_cagr", "limit_scale", "grade"}
    assert trend["grade"] == _todays_trend_grade(trend["directed_cagr"])


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=-3.0, max_value=3.0, allow_nan=False))
def test_default_bands_grade_as_today(ratio):
    assert m.grade_rate_ratio(ratio) == m.grade_rate_ratio(ratio, Bands()) == _todays_rate_ratio_grade(ratio)
    assert m.grade_no_target(ratio / 10) == _todays_trend_grade(ratio / 10)
