"""Figures: Chinese renders (no missing glyph), the fan starts at the last published value,
years tick at whole years, the fan stops at the target year unless asked, and peers on
different definitions never share an axes.

Assessments are built from small hand-made series with `assess` (no processed data needed).
"""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from taicang_analysis.assessment.assess import TargetSpec, assess  # noqa: E402
from taicang_analysis.evaluation import scoring  # noqa: E402
from taicang_analysis.present import figures, style  # noqa: E402

SHARE = pd.Series({2015: 35.2, 2016: 38.0, 2017: 41.5, 2018: 47.7, 2019: 48.0, 2020: 50.0})


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def share_assessment(target_year: int = 2025):
    return assess(SHARE, TargetSpec(52.0, target_year), kind="share", indicator="hightech_output_share",
                  n_draws=500, seed=1)


def glyph_warnings(draw) -> list[str]:
    """Messages of every missing-glyph warning raised while ``draw()`` makes and renders a figure.

    Rendering happens outside the figure function (as Jupyter's inline backend does after a cell).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = draw()
        fig = fig.figure if hasattr(fig, "figure") else fig
        fig.canvas.draw()
    return [str(w.message) for w in caught if "Glyph" in str(w.message) and "missing" in str(w.message)]


def test_a_cjk_font_is_found_when_installed():
    font = style.cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk)")
    assert "CJK" in font or font in style.CJK_FONTS


def test_chinese_title_renders_without_missing_glyphs():
    if style.cjk_font() is None:
        pytest.fail("no CJK font: Chinese names render as boxes (install fonts-noto-cjk)")
    a = share_assessment()
    messages = glyph_warnings(lambda: figures.plot_assessment(a))
    assert messages == []


def test_missing_glyph_check_would_catch_a_latin_only_font():
    """The check above is not vacuous: the same Chinese text in a Latin-only font warns."""
    def draw():
        fig, ax = plt.subplots()
        ax.set_title("全社会研发经费支出", fontfamily="DejaVu Sans")
        return fig
    assert glyph_warnings(draw)


def test_every_figure_function_renders_chinese():
    if style.cjk_font() is None:
        pytest.fail("no CJK font installed")
    a = share_assessment()
    coverage = pd.DataFrame({"indicator": ["rd_intensity", "rd_intensity", "foreign_talents"],
                             "year": ["2015", "2020", ""], "value": [2.3, 3.34, None],
                             "status": ["derived", "reported", "no published value"],
                             "qualifier": ["exact", "about", ""]})
    rel = scoring.reliability_table([0.1, 0.3, 0.8, 0.9], [0, 1, 1, 1])
    cov = pd.DataFrame({"panel": "all", "member": ["pooled"] * 3, "horizon": [1, 2, 3], "n": [10, 9, 8],
                        "coverage80": [0.8, 0.7, 0.6], "coverage95": [0.9, 0.9, 0.8]})
    peers = pd.DataFrame({"region": ["Taicang", "Suzhou"], "indicator": ["rd_intensity"] * 2,
                          "year": [2020, 2020], "value": [3.34, 3.78]})
    for draw in (lambda: figures.fan_grid([a, a]), lambda: figures.coverage_heatmap(coverage),
                 lambda: figures.reliability_diagram(rel), lambda: figures.coverage_by_horizon(cov),
                 lambda: figures.peer_grid(peers), lambda: figures.score_intervals(SCORE_INTERVALS)):
        assert glyph_warnings(draw) == []


SCORE_INTERVALS = pd.DataFrame({
    "method": ["pooled", "base_rate", "pooled", "base_rate", "pooled", "base_rate"],
    "metric": ["brier", "brier", "log_score", "log_score", "brier_diff_vs_base_rate", "brier_diff_vs_base_rate"],
    "value": [0.20, 0.25, 0.60, 0.69, -0.05, 0.0], "low": [0.15, 0.22, 0.50, 0.65, -0.12, 0.0],
    "high": [0.26, 0.28, 0.71, 0.72, 0.03, 0.0]})


def test_score_intervals_draws_each_interval_where_it_is():
    fig = figures.score_intervals(SCORE_INTERVALS)
    axes = fig.axes
    assert len(axes) == 3
    # best Brier first: pooled at y = 0; its whisker spans [low, high] and its dot sits at the value
    whiskers = [ln for ln in axes[0].lines if len(ln.get_xdata()) == 2]
    spans = sorted((tuple(ln.get_xdata()), tuple(ln.get_ydata())) for ln in whiskers)
    assert spans == [((0.15, 0.26), (0, 0)), ((0.22, 0.28), (1, 1))]
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["pooled", "base_rate"]
    zero = [ln for ln in axes[2].lines if list(ln.get_xdata()) == [0, 0]]
    assert zero  # the line a difference has to clear
    plt.close(fig)
    empty = figures.score_intervals(pd.DataFrame(columns=["method", "metric", "value", "low", "high"]))
    assert "make backtest" in empty.axes[0].texts[0].get_text()
    plt.close(empty)


def test_importing_the_style_changes_no_global_setting():
    before = dict(matplotlib.rcParams)
    figures.plot_assessment(share_assessment())
    assert matplotlib.rcParams["font.family"] == before["font.family"]
    assert matplotlib.rcParams["axes.unicode_minus"] == before["axes.unicode_minus"]


def test_title_is_bilingual_with_unit():
    ax = figures.plot_assessment(share_assessment())
    title = ax.get_title(loc="left")
    assert "高新技术产业产值占规模以上工业总产值比重" in title
    assert "High-tech industry output" in title
    assert "(%)" in title


def test_fan_starts_at_the_last_published_value():
    a = share_assessment()
    fan = figures.fan_data(a)
    assert fan.index[0] == 2020
    assert (fan.iloc[0] == 50.0).all()  # median and every band edge
    # the drawn median line's first point is the observation too
    ax = figures.plot_assessment(a)
    median = next(line for line in ax.lines if line.get_label().startswith("预测中位数"))
    x, y = median.get_data()
    assert (x[0], y[0]) == (2020, 50.0)
    # and the rest of the fan is the pooled draws' quantiles
    q = a.pooled.quantiles((0.1, 0.5, 0.9))
    assert np.allclose(fan.loc[2021:, "median"], q.loc[2021:2025, 0.5])
    assert np.allclose(fan.loc[2021:, "lower_0.8"], q.loc[2021:2025, 0.1])


def test_fan_stops_at_the_target_year_unless_asked():
    a = share_assessment(target_year=2024)
    assert max(a.pooled.years) > 2024  # the draws go further than the fan shows
    assert figures.fan_data(a).index[-1] == 2024
    ax = figures.plot_assessment(a)
    median = next(line for line in ax.lines if line.get_label().startswith("预测中位数"))
    assert median.get_xdata()[-1] == 2024
    assert figures.fan_data(a, until=2030).index[-1] == 2030
    longer = figures.plot_assessment(a, until=2030)
    assert next(line for line in longer.lines if line.get_label().startswith("预测中位数")).get_xdata()[-1] == 2030


def test_year_ticks_are_integers():
    ax = figures.plot_assessment(share_assessment())
    ax.figure.canvas.draw()
    lo, hi = ax.get_xlim()
    ticks = [t for t in ax.get_xticks() if lo <= t <= hi]
    assert ticks and all(float(t).is_integer() for t in ticks)
    assert all(label.get_text().lstrip("−-").isdigit() for label in ax.get_xticklabels() if label.get_text())


def test_no_fan_without_a_projection():
    a = assess(pd.Series({2020: 66.6}), TargetSpec(70.0, 2025), kind="share", n_draws=200, seed=0)
    assert a.pooled is None
    assert figures.fan_data(a).empty
    ax = figures.plot_assessment(a)
    assert not any(line.get_label().startswith("预测中位数") for line in ax.lines)


def test_observation_projection_and_target_are_distinct():
    ax = figures.plot_assessment(share_assessment())
    published = next(line for line in ax.lines if line.get_label().startswith("公布值"))
    median = next(line for line in ax.lines if line.get_label().startswith("预测中位数"))
    target = next(line for line in ax.lines if line.get_label().startswith("目标"))
    assert published.get_linestyle() == "None"  # dots: gaps are not bridged
    assert median.get_linestyle() == "--"
    assert target.get_marker() == "*"
    assert len({published.get_color(), median.get_color(), target.get_color()}) == 3


def test_coverage_heatmap_cells_follow_status_and_keep_gaps():
    coverage = pd.DataFrame({"indicator": ["rd_intensity", "rd_intensity", "hightech_output_share", "foreign_talents"],
                             "year": ["2015", "2020", "2018", ""], "value": [2.3, 3.34, 47.7, None],
                             "status": ["derived", "reported", "preliminary", "no published value"],
                             "qualifier": ["exact", "more_than", "about", ""]})
    ax = figures.coverage_heatmap(coverage)
    texts = {t.get_text() for t in ax.texts}
    assert {"2.3", "3.34", "47.7"} <= texts
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "推算 derived" in legend and "下限 lower bound" in legend and "约 about" in legend
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(y) for y in range(2015, 2021)]
    assert len(ax.get_yticklabels()) == 3  # the indicator with nothing published keeps its (empty) row


def test_coverage_category():
    assert figures.coverage_category("reported", "at_least") == "lower bound"
    assert figures.coverage_category("preliminary", "nearly") == "about"
    assert figures.coverage_category("derived", "exact") == "derived"
    assert figures.coverage_category("no published value", "") == "no value"


def test_reliability_diagram_labels_counts_and_skips_empty_bins():
    table = scoring.reliability_table([0.05, 0.15, 0.85, 0.95, 0.9], [0, 0, 1, 1, 0])
    ax = figures.reliability_diagram(table)
    counts = sorted(t.get_text() for t in ax.texts)
    assert counts == sorted(f"n={n}" for n in table.loc[table["n"] > 0, "n"])


def test_peer_grid_puts_each_definition_on_its_own_axes():
    peers = pd.DataFrame({
        "region": ["Taicang", "Suzhou", "Taicang", "Jiangsu"],
        "indicator": ["hightech_output_share", "hightech_output_share", "hightech_output_share",
                      "hightech_manufacturing_output_share"],
        "year": [2019, 2019, 2020, 2020], "value": [48.0, 49.0, 50.0, 24.0]})
    fig = figures.peer_grid(peers)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 2
    by_title = {ax.get_title(loc="left").split("\n")[0]: ax for ax in visible}
    broad = by_title["高新技术产业产值占规模以上工业总产值比重"]
    narrow = by_title["高技术制造业产值占规模以上工业总产值比重"]
    assert {line.get_label() for line in broad.lines if not line.get_label().startswith("_")} == {"Taicang", "Suzhou"}
    assert {line.get_label() for line in narrow.lines if not line.get_label().startswith("_")} == {"Jiangsu"}


def test_peer_grid_breaks_lines_at_gaps():
    peers = pd.DataFrame({"region": "Taicang", "indicator": "rd_intensity", "year": [2010, 2015, 2020],
                          "value": [1.93, 2.3, 3.34]})
    ax = figures.peer_grid(peers).axes[0]
    line = next(line for line in ax.lines if line.get_linestyle() == "-")
    y = np.asarray(line.get_ydata(), dtype=float)
    assert np.isnan(y).sum() == 8  # 2011-2014 and 2016-2019 are not published: no line through them


def test_style_restores_only_its_own_keys():
    """Jupyter's inline backend turns on interactive mode when the first figure resolves the backend
    (inside the style block); restoring that too would stop every later figure from being shown."""
    before = matplotlib.rcParams["interactive"]
    try:
        with style.figure_style():
            matplotlib.rcParams["interactive"] = not before
        assert matplotlib.rcParams["interactive"] is (not before)
    finally:
        matplotlib.rcParams["interactive"] = before
    with style.figure_style():
        assert matplotlib.rcParams["font.family"] == style.font_family()
    assert matplotlib.rcParams["font.family"] != style.font_family()


def test_coverage_by_horizon_draws_one_panel_per_indicator_with_its_own_rows():
    cov = pd.DataFrame({"indicator": ["rd_intensity"] * 3 + ["invention_patents_per_10k"] * 3, "panel": "all",
                        "member": "pooled_calibrated", "horizon": [1, 2, 3] * 2, "n": 10,
                        "coverage80": [0.8, 0.79, 0.81, 0.5, 0.45, 0.4], "coverage95": 0.9})
    axes = figures.coverage_by_horizon(cov)
    assert len(axes) == 2
    drawn = {ax.get_title(loc="left"): sorted(ln.get_ydata()) for ax in axes
             for ln in ax.lines if len(ln.get_ydata()) == 3}
    assert drawn == {"80% coverage (invention_patents_per_10k, panel: all)": [0.4, 0.45, 0.5],
                     "80% coverage (rd_intensity, panel: all)": [0.79, 0.8, 0.81]}
    one = figures.coverage_by_horizon(cov, indicator="rd_intensity")
    assert [sorted(ln.get_ydata()) for ln in one.lines if len(ln.get_ydata()) == 3] == [[0.79, 0.8, 0.81]]
