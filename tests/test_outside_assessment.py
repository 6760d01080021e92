"""The stated outside view, run beside the pool in every assessment (issue 10, items 1-2).

Simulated worlds with known parameters for the model pieces; the real tables for
the promise that every Table 2 indicator with a published value gets a
probability with a stated outside view, or the reason there is none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import taicang_analysis as ta
from taicang_analysis.assessment import outside
from taicang_analysis.assessment.assess import NO_PANEL_NOTE, TargetSpec, assess
from taicang_analysis.data import build, io
from taicang_analysis.forecast import outside_view as ov
from taicang_analysis.forecast.outside_views import OUTSIDE_VIEWS

DRAWS = 2_000


# -- the growth-only fit (b fixed at 0) ----------------------------------------------------------

def test_growth_only_fit_recovers_a_known_drift_and_has_no_level_term():
    panel, _ = ov.simulate_panel(a=0.05, b=0.0, sigma_u=0.0, sigma_e=0.02, n_regions=40, n_years=12,
                                 z_start=(0.0, 5.0), seed=3)
    fit = ov.fit_regime(panel, kind="level", regime="sim", level_effect=False)
    assert fit.b == 0.0 and fit.cov[1, 1] == 0.0 and not fit.level_effect
    # mean of 440 changes with sd 0.02: standard error 0.001
    assert fit.a == pytest.approx(0.05, abs=0.004)
    assert fit.sigma_e == pytest.approx(0.02, rel=0.15)
    assert "level term off" in fit.describe()


def test_growth_only_fit_ignores_a_level_the_assessed_series_does_not_share():
    # a panel with convergence (b < 0) at levels 10-20: the growth-only drift is the panel's mean drift,
    # so a series at level 0 is not handed the large catch-up the level term would give it
    panel, _ = ov.simulate_panel(a=0.3, b=-0.02, sigma_u=0.0, sigma_e=0.01, n_regions=30, n_years=10,
                                 z_start=(10.0, 20.0), seed=1)
    with_level = ov.fit_regime(panel, kind="level", regime="sim")
    growth_only = ov.fit_regime(panel, kind="level", regime="sim", level_effect=False)
    ch = ov.changes(panel, scale="identity")
    assert growth_only.a == pytest.approx(float(np.average(ch["d"], weights=ch["gap"])), rel=1e-9)
    assert with_level.a + with_level.b * 0.0 > growth_only.a + 0.1  # level term: ~0.3 at z = 0


def test_default_fit_is_unchanged_by_the_new_option():
    panel, _ = ov.simulate_panel(a=0.1, b=-0.05, sigma_u=0.02, sigma_e=0.03, n_regions=25, n_years=10, seed=2)
    a = ov.fit_regime(panel, kind="level", regime="sim")
    b = ov.fit_regime(panel, kind="level", regime="sim", level_effect=True)
    assert (a.a, a.b, a.sigma_e, a.sigma_u, a.df, a.phi) == (b.a, b.b, b.sigma_e, b.sigma_u, b.df, b.phi)
    assert a.level_effect


# -- run_outside_view on a simulated world ---------------------------------------------------------

def _world(seed=0):
    panel, _ = ov.simulate_panel(a=0.1, b=0.0, sigma_u=0.0, sigma_e=0.05, n_regions=30, n_years=12, seed=seed)
    series = pd.Series([1.0, 1.1, 1.2], index=[2018, 2019, 2020])
    return panel, series


def test_outside_view_starts_at_the_last_value_and_meets_a_target_at_the_class_pace():
    panel, series = _world()
    # the known drift is 0.1/yr: from 1.2 in 2020 the median in 2025 is 1.7; a target of 1.7 is a coin toss
    target = TargetSpec(1.7, 2025)
    res = outside.run_outside_view(series, target, indicator="rd_intensity", kind="level", direction="up",
                                   bounds=None, panel=panel, horizon_year=2025, n_draws=DRAWS, seed=0)
    assert res.ran
    assert res.projection["median"] == pytest.approx(1.7, abs=0.05)
    assert res.probability == pytest.approx(0.5, abs=0.08)
    first_year = res.forecast.draws[:, 0]
    assert float(np.median(first_year)) == pytest.approx(1.3, abs=0.03)  # 1.2 + one year's drift


def test_outside_view_probability_is_never_exactly_zero_or_one():
    panel, series = _world()
    for value in (-50.0, 50.0):  # far below and far above every draw
        res = outside.run_outside_view(series, TargetSpec(value, 2022), indicator="rd_intensity", kind="level",
                                       direction="up", bounds=None, panel=panel, horizon_year=2022,
                                       n_draws=DRAWS, seed=0)
        assert 0.0 < res.probability < 1.0
        assert res.probability in (0.5 / (DRAWS + 1), (DRAWS + 0.5) / (DRAWS + 1))


@pytest.mark.parametrize("indicator, series, target_year, panel, reason", [
    (None, pd.Series([1.0], index=[2020]), 2025, "world", "no outside view is stated for a series of your own"),
    ("st_progress_contribution", pd.Series([60.0], index=[2020]), 2025, "world", "no fair analogue"),
    ("rd_intensity", pd.Series(dtype=float), 2025, "world", "no published value"),
    ("rd_intensity", pd.Series([1.0, 2.0], index=[2019, 2020]), 2020, "world", "not after the latest observation"),
    ("rd_intensity", pd.Series([1.0], index=[2020]), 2025, "empty", "has no value known at the as-of"),
    ("rd_intensity", pd.Series([1.0], index=[2020]), 2025, "small", "the class cannot be estimated"),
])
def test_outside_view_says_why_it_did_not_run(indicator, series, target_year, panel, reason):
    world, _ = _world()
    frames = {"world": world, "empty": world.iloc[:0], "small": world[world["region"].isin(["r000", "r001"])]}
    res = outside.run_outside_view(series, TargetSpec(3.0, target_year), indicator=indicator, kind="level",
                                   direction="up", bounds=None, panel=frames[panel], horizon_year=target_year,
                                   n_draws=DRAWS, seed=0)
    assert not res.ran and res.probability is None
    assert reason in res.reason
    d = res.to_dict()
    assert d["ran"] is False and d["probability"] is None


def test_the_pool_keeps_the_headline_and_the_outside_view_fills_in_only_where_the_pool_cannot_run():
    panel, series = _world()
    target = TargetSpec(1.7, 2025)
    res = outside.run_outside_view(series, target, indicator="rd_intensity", kind="level", direction="up",
                                   bounds=None, panel=panel, horizon_year=2035, n_draws=DRAWS, seed=0)
    five = pd.Series([0.8, 0.93, 0.98, 1.12, 1.2], index=range(2016, 2021))
    pooled = assess(five, target, kind="level", n_draws=DRAWS, seed=0)  # five values: own models run
    assert pooled.probability is not None
    kept = outside.with_outside_view(pooled, res)
    assert kept.headline_source == "pool" and kept.probability == pooled.probability
    assert kept.outside_view is res and kept.to_dict()["outside_view"]["probability"] == res.probability

    one = pd.Series([1.2], index=[2020])
    target = TargetSpec(1.65, 2025)  # the median path: 1.6 in 2024, 1.7 in 2025
    res1 = outside.run_outside_view(one, target, indicator="rd_intensity", kind="level", direction="up",
                                    bounds=None, panel=panel, horizon_year=2035, n_draws=DRAWS, seed=0)
    bare = assess(one, target, kind="level", n_draws=DRAWS, seed=0)
    assert bare.probability is None and NO_PANEL_NOTE in bare.notes
    filled = outside.with_outside_view(bare, res1)
    assert filled.headline_source == "outside_view"
    assert filled.probability == res1.probability
    assert filled.projection == res1.projection
    assert filled.pool_members == (("outside_view:cn_regions", 1.0),)
    assert NO_PANEL_NOTE not in filled.notes
    # the earliest year is read off the outside view's own quantiles: its median path crosses 1.65 in 2025
    assert filled.earliest_year["median"] == 2025


def test_pool_probability_is_never_exactly_zero():
    series = pd.Series([1.0, 1.03, 1.02, 1.06, 1.04], index=range(2016, 2021))
    a = assess(series, TargetSpec(1e6, 2025), kind="level", n_draws=DRAWS, seed=0)
    assert a.headline_source == "pool"
    assert a.probability == pytest.approx(0.5 / (DRAWS + 1))


# -- the analogue panel ----------------------------------------------------------------------------

def _obs(rows):
    cols = ["collection", "region", "aggregate", "indicator", "year", "value", "published", "source_ref",
            "value_printed", "document", "status", "qualifier", "publisher", "published_basis"]
    frame = pd.DataFrame(rows, columns=cols[:7])
    for c in cols[7:]:
        frame[c] = "x"
    frame["value_printed"] = frame["value"].astype(str)
    frame["source_ref"] = [f"s{i}" for i in range(len(frame))]
    return frame


def test_analogue_panel_leaves_out_the_region_the_nation_aggregates_and_what_was_not_yet_published():
    view = OUTSIDE_VIEWS["rd_intensity"]
    rows = [
        ("cn_provinces", "Jiangsu", False, "rd_intensity", 2019, 2.8, "2020-12-31"),
        ("cn_provinces", "Jiangsu", False, "rd_intensity", 2020, 2.9, "2021-12-31"),
        ("cn_provinces", "China", False, "rd_intensity", 2019, 2.2, "2020-12-31"),
        ("cn_provinces", "Taicang", False, "rd_intensity", 2019, 3.0, "2020-12-31"),
        ("cn_provinces", "East", True, "rd_intensity", 2019, 2.5, "2020-12-31"),
        ("cn_provinces", "Zhejiang", False, "rd_patents", 2019, 9.9, "2020-12-31"),
        ("world", "Korea", False, "rd_intensity", 2019, 4.5, "2020-12-31"),
    ]
    got = outside.analogue_panel(_obs(rows), view, region="Taicang", cutoff="2021-06-30")
    assert got.to_dict("records") == [{"region": "Jiangsu", "year": 2019, "value": 2.8}]


def test_analogue_panel_narrows_to_the_stated_peers():
    view = OUTSIDE_VIEWS["hightech_output_share"]
    assert view.peers
    rows = [("observations", view.peers[0], False, "hightech_output_share", 2020, 50.9, "2021-04-30"),
            ("observations", "Kunshan (not a stated peer)", False, "hightech_output_share", 2020, 51.0, "2021-04-30")]
    got = outside.analogue_panel(_obs(rows), view, region="Taicang", cutoff=None)
    assert list(got["region"]) == [view.peers[0]]


# -- the real tables: every Table 2 indicator --------------------------------------------------------

@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data") / "processed"
    io.write_tables_atomically(build.serialise(build.build_tables(io.read_raw())), folder)
    return ta.Study(data_dir=folder.parent, calibration="none", draws=DRAWS)


def test_every_table2_indicator_states_its_outside_view_or_why_there_is_none(study):
    results = study.assess_all()
    assert len(results) == 15
    for r in results:
        d = r.assessment.to_dict()
        o = d["outside_view"]
        assert o is not None and o["indicator"] == d["indicator"]
        assert o["why_this_analogue"] == OUTSIDE_VIEWS[d["indicator"]].reason
        if o["ran"]:
            assert 0.0 < o["probability"] < 1.0
            assert o["collection"] is not None and o["fit"]
        else:
            assert o["reason"] and o["probability"] is None
        if d["n_obs"] and d["target"]["year"] > d["latest"]["year"]:
            # a published value: a probability, or the reasons neither the pool nor the outside view ran
            assert d["probability"] is not None or (not o["ran"] and d["probability_reason"])
        if d["probability"] is not None:
            assert 0.0 < d["probability"] < 1.0
            assert d["headline_source"] in ("pool", "outside_view", "base_rate")
            if d["headline_source"] == "base_rate":  # the last resort: only where neither other method ran
                assert not o["ran"] and not d["pool"]


def test_a_one_value_series_with_a_stated_analogue_gets_the_outside_views_probability(study):
    one_value = [r for r in study.assess_all() if r.assessment.n_obs == 1
                 and OUTSIDE_VIEWS[r.assessment.indicator].collection is not None]
    assert one_value, "the plan has a one-value indicator with a stated analogue (contract turnover)"
    for r in one_value:
        a = r.assessment
        assert a.headline_source == "outside_view"
        assert a.probability == a.outside_view.probability
        # the projection starts at the one published value: the first year's median is near it
        first = float(np.median(a.pooled.draws[:, 0]))
        assert abs(np.log(first / float(a.observations.iloc[-1]))) < 0.5
        assert "outside view" in r.summary()


def test_the_figure_draws_the_outside_view_beside_the_pool_only_where_it_is_not_the_headline(study):
    import matplotlib
    matplotlib.use("Agg")
    from taicang_analysis.present import figures

    rd = study.assess("rd_intensity")
    data = figures.outside_view_data(rd)
    fc = rd.assessment.outside_view.forecast
    assert data.index[0] == int(rd.assessment.observations.index[-1])  # starts at the last published value
    assert data.loc[2025, "median"] == pytest.approx(float(np.quantile(fc.draws[:, fc.years.index(2025)], 0.5)))
    ax = rd.plot()
    assert any("outside-view median" in (line.get_label() or "") for line in ax.get_lines())
    turnover = study.assess("tech_contract_turnover")  # the outside view is its headline fan already
    assert figures.outside_view_data(turnover).empty
    assert figures.outside_view_data(study.assess("st_progress_contribution")).empty


def test_a_class_too_small_to_estimate_still_shows_its_peers_published_pace():
    from taicang_analysis.assessment.assess import TargetSpec
    from taicang_analysis.assessment.outside import peer_pace, run_outside_view
    from taicang_analysis.present.text import outside_view_lines
    # three same-definition peers (too few for the model); one with a single value has no pace
    panel = pd.DataFrame({"region": ["Suzhou", "Suzhou", "Suzhou", "Jiangsu", "Jiangsu", "Changshu"],
                          "year": [2020, 2022, 2025, 2015, 2024, 2023],
                          "value": [50.9, 52.5, 56.2, 40.0, 50.8, 45.0]})
    got = run_outside_view(pd.Series({2015: 35.2, 2018: 47.7, 2019: 48.0, 2020: 50.0}), TargetSpec(52.0, 2025),
                           indicator="hightech_output_share", kind="share", direction="up", bounds=(0.0, 100.0),
                           panel=panel, horizon_year=2030, n_draws=500)
    assert not got.ran and got.probability is None
    pace = {p.region: p for p in got.peer_pace}
    assert set(pace) == {"Suzhou", "Jiangsu"}
    assert pace["Suzhou"].per_year == pytest.approx((56.2 - 50.9) / 5)  # 1.06 points a year, by hand
    assert pace["Jiangsu"].per_year == pytest.approx(10.8 / 9)
    assert peer_pace(panel) == got.peer_pace and peer_pace(None) == ()
    text = "\n".join(outside_view_lines(got.to_dict()))
    assert "Suzhou 50.9 (2020) to 56.2 (2025), +1.06/yr" in text and "not a forecast" in text
    # a growth-only proxy's levels are another statistic: no pace is shown for it
    proxy = run_outside_view(pd.Series({2020: 10.8}), TargetSpec(80.0, 2025), indicator="tech_contract_turnover",
                             kind="level", direction="up", bounds=None, panel=panel.assign(value=panel["value"] * 10),
                             horizon_year=2030, n_draws=500)
    assert proxy.peer_pace == ()
