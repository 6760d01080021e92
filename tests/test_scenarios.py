"""scenarios: numerator growth a ratio target needs, and ratio paths, checked by hand."""

import math

import pandas as pd
import pytest

from taicang_analysis.assessment import scenarios
from taicang_analysis.assessment.scenarios import ratio_path, required_numerator_growth, requirement

RD = pd.Series({2015: 2.35, 2020: 3.34}, name="rd_intensity")
# hand-made GDP (亿元): 1100 in 2020, 1210 in 2022 -> 4.88 %/yr since the latest ratio year
GDP = pd.Series({2018: 1000.0, 2020: 1100.0, 2022: 1210.0}, name="gdp")


def test_required_numerator_growth_by_hand():
    # R&D intensity must grow 4.69 %/yr while GDP grows 6 %/yr: R&D spending 1.0469 * 1.06 - 1 = 10.97 %/yr
    assert required_numerator_growth(0.0469, 0.06) == pytest.approx(0.109714, abs=1e-9)
    assert required_numerator_growth(0.0, 0.05) == pytest.approx(0.05)
    assert required_numerator_growth(0.05, -0.05) == pytest.approx(1.05 * 0.95 - 1)


class TestRequirementRdIntensity:
    @pytest.fixture
    def req(self):
        return requirement("rd_intensity", RD, GDP, target=4.2, target_year=2025)

    def test_parts_and_latest(self, req):
        assert (req.numerator, req.denominator) == ("rd_expenditure", "gdp")
        assert (req.latest_year, req.latest_ratio, req.target, req.target_year) == (2020, 3.34, 4.2, 2025)

    def test_growth_rates(self, req):
        g_den = math.sqrt(1210 / 1100) - 1  # observed 2020 -> 2022
        g_ratio = (4.2 / 3.34) ** (1 / 5) - 1  # 4.69 %/yr
        assert req.denominator_growth == pytest.approx(g_den, rel=1e-12)
        assert "2020-2022" in req.denominator_growth_basis
        assert req.required_ratio_growth == pytest.approx(g_ratio, rel=1e-12)
        assert round(req.required_ratio_growth, 4) == 0.0469
        assert req.required_numerator_growth == pytest.approx((1 + g_ratio) * (1 + g_den) - 1, rel=1e-12)

    def test_levels(self, req):
        # R&D spending in 2020 = 3.34 % of 1100 = 36.74 亿元
        assert req.numerator_latest == pytest.approx(3.34 * 1100 / 100)
        # in 2025: 4.2 % of GDP grown 5 years at g_den
        g_den = math.sqrt(1210 / 1100) - 1
        assert req.numerator_target == pytest.approx(4.2 * 1100 * (1 + g_den) ** 5 / 100)
        # and the two levels are consistent with the required numerator growth
        grown = req.numerator_latest * (1 + req.required_numerator_growth) ** 5
        assert req.numerator_target == pytest.approx(grown)
        assert req.note == ""

    def test_stated_denominator_growth(self):
        req = requirement("rd_intensity", RD, GDP, target=4.2, target_year=2025, denominator_growth=0.06)
        assert req.denominator_growth == 0.06 and req.denominator_growth_basis == "stated by the user"
        assert req.required_numerator_growth == pytest.approx(((4.2 / 3.34) ** 0.2) * 1.06 - 1)
        assert req.numerator_target == pytest.approx(4.2 * 1100 * 1.06 ** 5 / 100)


def test_requirement_denominator_falls_back_to_its_whole_series_and_cannot_imply_levels():
    gdp_before = pd.Series({2015: 1000.0, 2018: 1200.0})  # nothing from 2020 on
    req = requirement("rd_intensity", RD, gdp_before, target=4.2, target_year=2025)
    assert req.denominator_growth == pytest.approx(1.2 ** (1 / 3) - 1)
    assert "2015-2018" in req.denominator_growth_basis
    assert req.numerator_latest is None and req.numerator_target is None
    assert "gdp is not published for 2020" in req.note


def test_requirement_patents_per_10k_factor_one():
    pop = pd.Series({2020: 82.86, 2023: 84.8})  # 万人
    req = requirement("invention_patents_per_10k", pd.Series({2020: 72.0}), pop, target=100.0,
                      target_year=2025)
    assert req.numerator == "valid_invention_patents"
    assert req.numerator_latest == pytest.approx(72.0 * 82.86)  # patents = per-10k x population in 万
    assert req.denominator_growth == pytest.approx((84.8 / 82.86) ** (1 / 3) - 1)


def test_ratio_path_compounds():
    path = ratio_path(3.34, 2020, 2025, numerator_growth=0.10, denominator_growth=0.05)
    assert list(path.index) == list(range(2020, 2026))
    assert path[2020] == 3.34
    assert path[2025] == pytest.approx(3.34 * (1.10 / 1.05) ** 5)  # 4.22
    ratios = (path / path.shift(1)).dropna()
    assert ratios.to_numpy() == pytest.approx([1.10 / 1.05] * 5)


def test_ratio_path_inverts_the_requirement():
    req = requirement("rd_intensity", RD, GDP, target=4.2, target_year=2025)
    path = ratio_path(req.latest_ratio, req.latest_year, 2025, numerator_growth=req.required_numerator_growth,
                      denominator_growth=req.denominator_growth)
    assert path[2025] == pytest.approx(4.2)


@pytest.mark.parametrize("call, match", [
    (lambda: requirement("gdp", RD, GDP, target=4.2, target_year=2025), "not a ratio"),
    (lambda: requirement("unknown_ratio", RD, GDP, target=4.2, target_year=2025), "not a ratio"),
    (lambda: requirement("rd_intensity", pd.Series(dtype=float), GDP, target=4.2, target_year=2025),
     "no published value"),
    (lambda: requirement("rd_intensity", pd.Series({2020: float("nan")}), GDP, target=4.2, target_year=2025),
     "no published value"),
    (lambda: requirement("rd_intensity", RD, pd.Series({2018: 1000.0}), target=4.2, target_year=2025),
     "state a growth rate"),
    (lambda: requirement("rd_intensity", RD, pd.Series(dtype=float), target=4.2, target_year=2025),
     "state a growth rate"),
    (lambda: requirement("rd_intensity", RD, GDP, target=4.2, target_year=2020), "must be after"),
    (lambda: ratio_path(3.34, 2020, 2020, numerator_growth=0.1, denominator_growth=0.05), "until"),
    (lambda: ratio_path(3.34, 2020, 2025, numerator_growth=-1.0, denominator_growth=0.05),
     "numerator_growth"),
    (lambda: ratio_path(3.34, 2020, 2025, numerator_growth=0.1, denominator_growth=-1.5),
     "denominator_growth"),
])
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_missing_denominator_with_a_stated_growth_is_fine():
    req = requirement("rd_intensity", RD, pd.Series(dtype=float), target=4.2, target_year=2025,
                      denominator_growth=0.05)
    assert req.required_numerator_growth == pytest.approx((4.2 / 3.34) ** 0.2 * 1.05 - 1)
    assert req.numerator_latest is None


def test_decompositions_cover_the_plan_ratios():
    assert scenarios.DECOMPOSITIONS["rd_intensity"] == ("rd_expenditure", "gdp", 100.0)
    assert scenarios.DECOMPOSITIONS["hightech_output_share"][2] == 100.0


# -- user-set scenarios ---------------------------------------------------------------

def _rd_assessment(n_obs: int):
    from taicang_analysis.assessment.assess import TargetSpec, assess
    series = pd.Series({2014: 2.4, 2016: 2.6, 2018: 2.9, 2020: 3.34}).iloc[-n_obs:]
    return assess(series, TargetSpec(4.2, 2025), kind="share", n_draws=2000, seed=1)


def test_scenario_path_compounds_the_two_growth_rates():
    a = _rd_assessment(4)
    sc = scenarios.scenario(a, numerator_growth=0.12, denominator_growth=0.06)
    # 3.34 * (1.12 / 1.06) ** 5, by hand: 3.34 * 1.31747... = 4.4004
    assert sc.value_in_target_year == pytest.approx(3.34 * (1.12 / 1.06) ** 5)
    assert sc.path.index[0] == 2020 and sc.path.index[-1] == 2025


def test_scenario_probability_rises_with_numerator_growth_and_centres_on_the_path():
    a = _rd_assessment(4)
    probs = [scenarios.scenario(a, numerator_growth=g, denominator_growth=0.06).probability
             for g in (0.04, 0.08, 0.12, 0.16)]
    assert probs == sorted(probs) and probs[0] < 0.5 < probs[-1]
    # a scenario landing exactly on the target is a coin flip around the recentred median
    g_exact = (4.2 / 3.34) ** (1 / 5) * 1.06 - 1
    assert scenarios.scenario(a, numerator_growth=g_exact, denominator_growth=0.06).probability == \
        pytest.approx(0.5, abs=0.03)


def test_scenario_without_a_pooled_projection_has_no_probability():
    a = _rd_assessment(1)
    sc = scenarios.scenario(a, numerator_growth=0.1, denominator_growth=0.06)
    assert sc.probability is None and "no pooled projection" in sc.probability_basis
