"""Growth-rate progress methods against hand computations, published bands and properties."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from taicang_analysis.methods.progress import (
    Span,
    Target,
    cagr,
    eurostat_rate_ratio,
    eurostat_trend,
    eurostat_windows,
    grade_no_target,
    grade_projected_gap,
    grade_rate_ratio,
    linear_path,
    natural_limit_scale,
    required_pace,
    time_proportional,
    un_projected_gap,
)

# The brief's worked example: R&D intensity 2.90 % (2020) -> 3.40 % (2023), target 4.20 % in 2025.
HAND_SPAN = Span(2020, 2.90, 2023, 3.40)
HAND_TARGET = Target(4.20, 2025, "up")


# -- the hand computation -------------------------------------------------------

def test_hand_computation_rate_ratio_and_projected_gap():
    # observed CAGR  = (3.40 / 2.90) ** (1/3) - 1 = 1.172414 ** 0.3333 - 1 = 0.0545  (5.45 %/yr)
    # required CAGR  = (4.20 / 2.90) ** (1/5) - 1 = 1.448276 ** 0.2    - 1 = 0.0769  (7.69 %/yr)
    # R              = 0.0545 / 0.0769 = 0.71 -> 0.60 <= R < 0.95 -> "acceleration_needed"
    # projected 2025 = 2.90 * 1.0545 ** 5 = 3.40 * 1.0545 ** 2 = 3.78
    # rho            = (3.78 - 2.90) / (4.20 - 2.90) = 0.88 / 1.30 = 0.68 -> 0.5 <= rho < 0.95
    rr = eurostat_rate_ratio(HAND_SPAN, HAND_TARGET)
    assert round(rr.observed_cagr, 4) == 0.0545
    assert round(rr.required_cagr, 4) == 0.0769
    assert round(rr.ratio, 2) == 0.71
    assert rr.grade == "acceleration_needed"
    assert not rr.target_already_met

    gap = un_projected_gap(HAND_SPAN, HAND_TARGET)
    assert round(gap.projected_value, 2) == 3.78
    assert gap.projected_value == pytest.approx(2.90 * (1 + gap.observed_cagr) ** 5)
    assert round(gap.rho, 2) == 0.68
    assert gap.grade == "fair_progress"


def test_hand_computation_linear_path_and_time_share():
    # required increment = (4.20 - 2.90) / 5 = 0.26 pp/yr; observed = (3.40 - 2.90) / 3 = 0.1667 pp/yr
    # path in 2023 = 2.90 + 3 * 0.26 = 3.68; gap = 3.40 - 3.68 = -0.28 pp -> behind the line
    path = linear_path(HAND_SPAN, HAND_TARGET)
    assert path.required_increment == pytest.approx(0.26)
    assert path.observed_increment == pytest.approx(0.5 / 3)
    assert path.path_value_at_latest == pytest.approx(3.68)
    assert path.gap_to_path == pytest.approx(-0.28)
    assert not path.ahead_of_path
    # distance covered = 0.50 / 1.30 = 0.385 < time elapsed = 3 / 5 = 0.6 -> behind schedule
    tp = time_proportional(HAND_SPAN, HAND_TARGET)
    assert tp.distance_share == pytest.approx(0.5 / 1.3)
    assert tp.time_share == pytest.approx(0.6)
    assert tp.status == "behind_schedule"


def test_required_pace_from_now_hand_numbers():
    # from 3.40 (2023) to 4.20 (2025): (4.20 / 3.40) ** (1/2) - 1 = 1.235294 ** 0.5 - 1 = 0.1114 (11.14 %/yr)
    # increment = (4.20 - 3.40) / 2 = 0.40 pp/yr, against observed 5.45 %/yr and 0.167 pp/yr
    pace = required_pace(HAND_SPAN, HAND_TARGET)
    assert pace.years_left == 2
    assert round(pace.required_cagr, 4) == 0.1114
    assert pace.required_increment == pytest.approx(0.40)
    assert round(pace.observed_cagr, 4) == 0.0545
    assert pace.observed_increment == pytest.approx(0.5 / 3)


# -- cagr -------------------------------------------------------------------------

def test_cagr_irregular_gap():
    # 2015 -> 2018 is three years: (1.331 / 1.0) ** (1/3) - 1 = 0.10
    assert cagr(1.0, 2015, 1.331, 2018) == pytest.approx(0.10)


@pytest.mark.parametrize("v0, y0, v1, y1, message", [
    (0.0, 2020, 3.4, 2023, "positive"),
    (-1.0, 2020, 3.4, 2023, "positive"),
    (2.9, 2020, 0.0, 2023, "positive"),
    (float("nan"), 2020, 3.4, 2023, "positive"),
    (2.9, 2023, 3.4, 2023, "y1 > y0"),
    (2.9, 2023, 3.4, 2020, "y1 > y0"),
])
def test_cagr_undefined_raises(v0, y0, v1, y1, message):
    with pytest.raises(ValueError, match=message):
        cagr(v0, y0, v1, y1)


# -- Eurostat rate ratio: overrides, direction, edge cases -------------------------

def test_target_already_met_overrides_a_falling_trend():
    # 4.50 -> 4.30 is falling (R < 0), but 4.30 >= 4.20 already meets the target
    span = Span(2020, 4.50, 2023, 4.30)
    rr = eurostat_rate_ratio(span, HAND_TARGET)
    assert rr.ratio < 0
    assert rr.target_already_met and rr.grade == "target_already_met"
    assert un_projected_gap(span, HAND_TARGET).grade == "target_already_met"


def test_moving_away():
    # 2.90 -> 2.70: observed CAGR (2.70/2.90)**(1/3) - 1 = -0.0235 < 0 -> R < 0; projection falls -> rho < -0.1
    span = Span(2020, 2.90, 2023, 2.70)
    rr = eurostat_rate_ratio(span, HAND_TARGET)
    assert rr.ratio < 0 and rr.grade == "moving_away"
    gap = un_projected_gap(span, HAND_TARGET)
    assert gap.rho < -0.1 and gap.grade == "deterioration"


def test_down_indicator():
    # energy use per unit GDP 0.50 (2020) -> 0.45 (2023), target 0.40 in 2025, lower is better:
    # observed (0.45/0.50)**(1/3) - 1 = -0.0345; required (0.40/0.50)**(1/5) - 1 = -0.0436
    # R = -1 * -0.0345 / |-0.0436| = 0.79 -> acceleration_needed
    span, target = Span(2020, 0.50, 2023, 0.45), Target(0.40, 2025, "down")
    rr = eurostat_rate_ratio(span, target)
    assert round(rr.ratio, 2) == 0.79 and rr.grade == "acceleration_needed"
    assert 0 < un_projected_gap(span, target).rho < 0.95
    assert linear_path(span, target).required_increment == pytest.approx(-0.02)
    # rising is moving away for a down indicator; reaching 0.40 meets it
    assert eurostat_rate_ratio(Span(2020, 0.50, 2023, 0.55), target).grade == "moving_away"
    assert eurostat_rate_ratio(Span(2020, 0.50, 2023, 0.39), target).grade == "target_already_met"


def test_base_already_met_then_fell_below_is_moving_away():
    # base 5.0 already meets ">= 4.0"; falling to 3.8 misses it: required CAGR is negative,
    # but |required| in the denominator keeps R negative (Statistics Canada's convention)
    span, target = Span(2020, 5.0, 2023, 3.8), Target(4.0, 2025)
    assert eurostat_rate_ratio(span, target).grade == "moving_away"
    assert un_projected_gap(span, target).rho < 0
    assert time_proportional(span, target).status == "behind_schedule"


def test_target_equal_to_base_value_keep_at_or_above():
    keep = Target(3.5, 2025)  # "保持在3.5%以上"
    held, slipped = Span(2020, 3.5, 2023, 3.6), Span(2020, 3.5, 2023, 3.4)
    assert eurostat_rate_ratio(held, keep).grade == "target_already_met"
    rr = eurostat_rate_ratio(slipped, keep)
    assert rr.ratio is None and rr.grade == "moving_away"
    gap = un_projected_gap(slipped, keep)
    assert gap.rho is None and gap.grade == "deterioration"
    tp = time_proportional(slipped, keep)
    assert tp.distance_share is None and tp.status == "behind_schedule"
    assert time_proportional(held, keep).status == "on_schedule"


# -- bands at their boundaries ----------------------------------------------------

@pytest.mark.parametrize("growth, grade", [
    (0.0100, "significant_progress"),
    (0.0099, "moderate_progress"),
    (0.0, "moderate_progress"),
    (-1e-9, "moderate_movement_away"),
    (-0.0100, "moderate_movement_away"),
    (-0.0101, "significant_movement_away"),
])
def test_no_target_bands_at_boundaries(growth, grade):
    assert grade_no_target(growth) == grade


@pytest.mark.parametrize("ratio, grade", [
    (0.95, "on_track"), (0.9499, "acceleration_needed"), (0.60, "acceleration_needed"),
    (0.5999, "limited_progress"), (0.0, "limited_progress"), (-1e-9, "moving_away"),
])
def test_rate_ratio_bands_at_boundaries(ratio, grade):
    assert grade_rate_ratio(ratio) == grade


@pytest.mark.parametrize("rho, grade", [
    (0.95, "substantial_progress"), (0.9499, "fair_progress"), (0.5, "fair_progress"),
    (0.4999, "marginal_progress"), (0.1, "marginal_progress"), (0.0999, "stagnation"),
    (-0.1, "stagnation"), (-0.1001, "deterioration"),
])
def test_projected_gap_bands_at_boundaries(rho, grade):
    assert grade_projected_gap(rho) == grade


def test_eurostat_trend_down_indicator():
    # falling 2 %/yr: 100 -> 98 -> 96.04; d = -1 so directed growth = +0.02 -> significant progress
    trend = eurostat_trend(Span(2021, 100.0, 2023, 96.04), "down")
    assert trend.directed_cagr == pytest.approx(0.02)
    assert trend.grade == "significant_progress"


# -- natural limit (Statistics Canada) ---------------------------------------------

def test_natural_limit_scaling_on_a_share_near_100():
    # share 97 % (2018) -> 98 % (2023): CAGR (98/97)**(1/5) - 1 = 0.00205, below 1 %/yr -> moderate.
    # With the 100 % ceiling: C = 1 - (97/100)**4.44 = 1 - 0.8735 = 0.1265, threshold 0.1265 %/yr -> significant
    span = Span(2018, 97.0, 2023, 98.0)
    assert eurostat_trend(span, "up").grade == "moderate_progress"
    limited = eurostat_trend(span, "up", natural_limit=100.0)
    assert limited.limit_scale == pytest.approx(1 - 0.97 ** 4.44)
    assert round(limited.limit_scale, 4) == 0.1265
    assert limited.grade == "significant_progress"
    # thresholds <= 0 are not scaled: falling near the ceiling is still movement away
    assert eurostat_trend(Span(2018, 98.0, 2023, 97.0), "up", 100.0).grade == "moderate_movement_away"


def test_natural_limit_scale_cases():
    assert natural_limit_scale(100.0, 100.0) == 0.0  # at the limit
    assert natural_limit_scale(10.0, 100.0) == pytest.approx(1 - 0.1 ** 4.44)  # far below a maximum
    assert natural_limit_scale(1.5, 1.0) == pytest.approx(1 - 0.5 ** 4.44)  # near a minimum
    assert natural_limit_scale(2.5, 1.0) == 1.0  # beyond twice a minimum
    # holding steady at the limit counts as significant progress (C = 0)
    assert eurostat_trend(Span(2018, 100.0, 2023, 100.0), "up", 100.0).grade == "significant_progress"


def test_natural_limit_on_the_wrong_side_raises():
    with pytest.raises(ValueError, match="wrong side"):
        eurostat_trend(Span(2018, 97.0, 2023, 98.0), "up", natural_limit=50.0)


# -- time-proportional ---------------------------------------------------------------

def test_time_proportional_exactly_half():
    # half the time (2025 of 2020-2030) and half the distance (3.0 of 2.0 -> 4.0): on schedule
    tp = time_proportional(Span(2020, 2.0, 2025, 3.0), Target(4.0, 2030))
    assert tp.distance_share == 0.5 and tp.time_share == 0.5
    assert tp.status == "on_schedule"
    assert time_proportional(Span(2020, 2.0, 2025, 2.99), Target(4.0, 2030)).status == "behind_schedule"


# -- invalid inputs ----------------------------------------------------------------------

def test_required_pace_needs_a_target_year_after_the_latest():
    with pytest.raises(ValueError, match="after the latest observation"):
        required_pace(HAND_SPAN, Target(4.20, 2023))


@pytest.mark.parametrize("method", [eurostat_rate_ratio, un_projected_gap, linear_path, time_proportional])
def test_target_year_before_latest_raises(method):
    with pytest.raises(ValueError, match="before the latest observation"):
        method(HAND_SPAN, Target(4.20, 2022))


def test_growth_methods_reject_non_positive_values():
    with pytest.raises(ValueError, match="positive"):
        eurostat_rate_ratio(Span(2020, 0.0, 2023, 3.4), HAND_TARGET)
    # the linear path needs no growth rate: a zero base is fine
    assert linear_path(Span(2020, 0.0, 2023, 0.6), Target(1.0, 2025)).required_increment == pytest.approx(0.2)


@pytest.mark.parametrize("make", [
    lambda: Span(2023, 2.9, 2020, 3.4),
    lambda: Span(2020, float("inf"), 2023, 3.4),
    lambda: Target(4.2, 2025, "none"),
    lambda: eurostat_trend(HAND_SPAN, "sideways"),
])
def test_invalid_span_target_direction(make):
    with pytest.raises(ValueError):
        make()


# -- series input and Eurostat windows ----------------------------------------------------

def test_span_from_irregular_series():
    series = pd.Series([1.0, 1.5, 1.8, 2.0], index=[2010, 2015, 2018, 2020], name="x")
    span = Span.from_series(series)
    assert (span.base_year, span.latest_year, span.latest_value) == (2010, 2020, 2.0)
    assert span.observed_cagr == pytest.approx(2.0 ** 0.1 - 1)
    assert Span.from_series(series, base_year=2015).base_value == 1.5
    with pytest.raises(ValueError, match="no observation for base year 2016"):
        Span.from_series(series, base_year=2016)


@pytest.mark.parametrize("series, message", [
    (pd.Series([1.0, 2.0], index=["2010", "2015"]), "integer year"),
    (pd.Series([1.0, 2.0], index=[2015, 2010]), "sorted"),
    (pd.Series([1.0], index=[2015]), "two observations"),
])
def test_span_from_bad_series(series, message):
    with pytest.raises(ValueError, match=message):
        Span.from_series(series)


def test_windows_on_irregular_years_say_which_years_were_used():
    # latest 2021: short window [2016, 2021] has no 2016 -> base 2018; long window [2006, 2021] -> base 2010
    series = pd.Series([2.0, 2.3, 2.6, 2.9], index=[2010, 2015, 2018, 2021])
    windows = eurostat_windows(series, "up")
    short, long = windows.short_term, windows.long_term
    assert short.requested_start_year == 2016
    assert (short.span.base_year, short.span.latest_year) == (2018, 2021)
    assert "2018-2021" in short.note and "no observation in 2016" in short.note
    assert short.assessment.observed_cagr == pytest.approx((2.9 / 2.6) ** (1 / 3) - 1)
    assert long.span.base_year == 2010 and long.note.startswith("2010-2021")
    # with a target, each window's required rate runs from its own base year
    target = Target(3.5, 2025)
    with_target = eurostat_windows(series, target)
    assert with_target.short_term.assessment.required_cagr == pytest.approx((3.5 / 2.6) ** (1 / 7) - 1)
    assert with_target.long_term.assessment.required_cagr == pytest.approx((3.5 / 2.0) ** (1 / 15) - 1)


def test_windows_with_one_observation_in_the_short_window():
    series = pd.Series([2.0, 2.3, 2.9], index=[2010, 2015, 2021])
    windows = eurostat_windows(series, "up", long_years=None)
    assert windows.short_term.span is None and windows.short_term.assessment is None
    assert "only one observation (2021) in 2016-2021" in windows.short_term.note
    assert windows.long_term.requested_start_year is None
    assert windows.long_term.span.base_year == 2010


# -- properties ------------------------------------------------------------------------------

values = st.floats(min_value=0.5, max_value=100.0)
growths = st.floats(min_value=0.001, max_value=0.3)
base_years = st.integers(min_value=2000, max_value=2020)
lengths = st.integers(min_value=1, max_value=10)


@given(values, base_years, lengths, growths, st.integers(0, 10), st.floats(1.001, 3.0), st.floats(1.001, 3.0))
def test_ratios_fall_as_the_target_rises_for_a_rising_up_indicator(v0, y0, n, g, ahead, k1, k2):
    span = Span(y0, v0, y0 + n, v0 * (1 + g) ** n)
    low, high = sorted((span.latest_value * k1, span.latest_value * k2))
    year = span.latest_year + ahead
    assert eurostat_rate_ratio(span, Target(low, year)).ratio >= eurostat_rate_ratio(span, Target(high, year)).ratio
    assert un_projected_gap(span, Target(low, year)).rho >= un_projected_gap(span, Target(high, year)).rho


@given(values, base_years, lengths, st.floats(-0.2, 0.3), lengths, values)
def test_required_pace_compounds_to_the_target(v0, y0, n, g, left, target_value):
    span = Span(y0, v0, y0 + n, v0 * (1 + g) ** n)
    pace = required_pace(span, Target(target_value, span.latest_year + left))
    assert span.latest_value * (1 + pace.required_cagr) ** left == pytest.approx(target_value)
    assert span.latest_value + pace.required_increment * left == pytest.approx(target_value)


@given(values, base_years, lengths, values, st.integers(0, 10), values, st.floats(0.01, 100.0))
def test_rate_ratio_and_rho_do_not_depend_on_the_unit(v0, y0, n, v1, ahead, target_value, scale):
    span, target = Span(y0, v0, y0 + n, v1), Target(target_value, y0 + n + ahead)
    scaled_span = Span(y0, v0 * scale, y0 + n, v1 * scale)
    scaled_target = Target(target_value * scale, target.year)
    for method, field in ((eurostat_rate_ratio, "ratio"), (un_projected_gap, "rho")):
        plain, scaled = getattr(method(span, target), field), getattr(method(scaled_span, scaled_target), field)
        assert (plain is None) == (scaled is None)
        if plain is not None and math.isfinite(plain):
            assert scaled == pytest.approx(plain, rel=1e-6, abs=1e-9)


@given(values, base_years, lengths, values, st.integers(0, 10), values, st.sampled_from(["up", "down"]))
def test_time_proportional_agrees_with_the_linear_path(v0, y0, n, v1, ahead, target_value, direction):
    span, target = Span(y0, v0, y0 + n, v1), Target(target_value, y0 + n + ahead, direction)
    tp, path = time_proportional(span, target), linear_path(span, target)
    if tp.distance_share is not None and not math.isclose(tp.distance_share, tp.time_share, abs_tol=1e-9):
        assert (tp.status == "on_schedule") == path.ahead_of_path
