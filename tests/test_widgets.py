"""The scenario sliders, driven in-process: moving a slider recomputes the scenario, the text and
the figure, with the numbers `assessment.scenarios` gives for the same growths.

The assessment is built from a hand-made ratio series (no processed data needed).
"""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from taicang_analysis.assessment import scenarios  # noqa: E402
from taicang_analysis.assessment.assess import TargetSpec, assess  # noqa: E402
from taicang_analysis.present import widgets  # noqa: E402

RD = pd.Series({2016: 2.40, 2017: 2.52, 2018: 2.61, 2019: 2.85, 2020: 3.34})


@pytest.fixture(scope="module")
def assessment():
    return assess(RD, TargetSpec(4.2, 2025), kind="share", indicator="rd_intensity", n_draws=1_000, seed=3)


def test_initial_state_is_the_parameters_scenario(assessment):
    ex = widgets.scenario_explorer(assessment, numerator_growth=0.10, denominator_growth=0.06)
    want = scenarios.scenario(assessment, numerator_growth=0.10, denominator_growth=0.06)
    assert ex.numerator.value == 0.10 and ex.denominator.value == 0.06
    assert ex.last.value_in_target_year == pytest.approx(want.value_in_target_year)
    assert ex.last.probability == pytest.approx(want.probability)
    # 3.34 * (1.10 / 1.06) ** 5, by hand
    assert ex.last.value_in_target_year == pytest.approx(3.34 * (1.10 / 1.06) ** 5)
    assert f"{ex.last.value_in_target_year:.2f}" in ex.summary.value
    assert ex.figure.value[:8] == b"\x89PNG\r\n\x1a\n"
    # the sliders say what they move in words (the registry's names), not by id
    assert ex.numerator.description.startswith("全社会研发经费支出 R&D expenditure")
    assert ex.denominator.description.startswith("地区生产总值 GDP")


def test_moving_a_slider_updates_path_probability_text_and_figure(assessment):
    ex = widgets.scenario_explorer(assessment, numerator_growth=0.05, denominator_growth=0.06)
    before_text, before_png, before_p = ex.summary.value, ex.figure.value, ex.last.probability
    ex.numerator.value = 0.15  # what a user dragging the slider does
    assert ex.last.numerator_growth == 0.15
    assert ex.last.value_in_target_year == pytest.approx(3.34 * (1.15 / 1.06) ** 5)
    assert ex.last.probability > before_p  # faster R&D spending growth: the target is likelier
    assert ex.summary.value != before_text and f"{ex.last.value_in_target_year:.2f}" in ex.summary.value
    assert ex.figure.value != before_png


def test_denominator_slider_and_required_growth_in_text(assessment):
    ex = widgets.scenario_explorer(assessment, numerator_growth=0.10, denominator_growth=0.06)
    ex.denominator.value = 0.08
    assert ex.last.denominator_growth == 0.08
    needed = (1 + (4.2 / 3.34) ** (1 / 5) - 1) * 1.08 - 1  # required ratio growth compounded with 8 % GDP growth
    assert f"{needed:.2%}" in ex.summary.value


def test_update_sets_sliders_and_returns_the_scenario(assessment):
    ex = widgets.scenario_explorer(assessment, numerator_growth=0.10, denominator_growth=0.06)
    s = ex.update(numerator_growth=0.02, denominator_growth=0.04)
    assert (ex.numerator.value, ex.denominator.value) == (0.02, 0.04)
    assert s is ex.last and s.value_in_target_year == pytest.approx(3.34 * (1.02 / 1.04) ** 5)
    assert np.isclose(s.path.iloc[0], 3.34)  # the path starts at the last published value
    assert ex.update() is not None  # no change: recomputed, same numbers
    assert ex.last.value_in_target_year == pytest.approx(s.value_in_target_year)


def test_box_holds_the_controls(assessment):
    ex = widgets.scenario_explorer(assessment, numerator_growth=0.10, denominator_growth=0.06)
    assert list(ex.box.children) == [ex.numerator, ex.denominator, ex.summary, ex.figure]


def test_non_ratio_indicator_is_refused_with_a_reason():
    a = assess(pd.Series({2018: 100.0, 2019: 120.0, 2020: 150.0}), TargetSpec(300.0, 2025), kind="count",
               indicator="hightech_enterprises_valid", n_draws=200, seed=0)
    with pytest.raises(ValueError, match="not a ratio"):
        widgets.scenario_explorer(a, numerator_growth=0.1, denominator_growth=0.05)
