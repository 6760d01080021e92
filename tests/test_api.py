"""The front door, ``import taicang_analysis as ta``: one Study, frozen results that show themselves,
the same numbers as the engine underneath, and what-ifs checked by hand.

Processed tables are built into a temporary folder (``data_dir``), never into the working tree.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import matplotlib
import pandas as pd
import pytest

import taicang_analysis as ta
from taicang_analysis import api
from taicang_analysis.assessment import plans
from taicang_analysis.assessment.assess import Calibration, Pool
from taicang_analysis.data import build, io

matplotlib.use("Agg")

DRAWS = 2_000
TABLE2_FIRST = ("rd_intensity", "st_progress_contribution", "high_value_invention_patents_per_10k")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data") / "processed"
    io.write_tables_atomically(build.serialise(build.build_tables(io.read_raw())), folder)
    return folder.parent


@pytest.fixture(scope="module")
def study(data_dir):
    return ta.Study(data_dir=data_dir, calibration="auto", draws=DRAWS)


@pytest.fixture(scope="module")
def rd(study):
    return study.assess("rd_intensity")


# -- AsOf: one type for every as-of ------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("2023-06-30", dt.date(2023, 6, 30)), (2023, dt.date(2023, 12, 31)), ("2023", dt.date(2023, 12, 31)),
    (dt.date(2021, 1, 5), dt.date(2021, 1, 5)), (dt.datetime(2021, 1, 5, 10), dt.date(2021, 1, 5)), (None, None),
])
def test_as_of_parses_a_date_a_year_or_nothing(value, expected):
    a = ta.AsOf.parse(value)
    assert a.date == expected
    assert a.iso == (None if expected is None else expected.isoformat())
    assert ta.AsOf.parse(a) is a


@pytest.mark.parametrize("value", ["2023-13-01", "June 2023", 20.5, True, [2023], 1492])
def test_as_of_refuses_anything_else_with_a_value_error(value):
    with pytest.raises(ValueError, match="as_of"):
        ta.AsOf.parse(value)
    with pytest.raises(ta.InputError):
        ta.AsOf.parse(value)


# -- the study and its result ------------------------------------------------------------------

def test_default_plan_comes_from_the_plan_registry(study):
    assert study.plan is plans.PLANS[plans.DEFAULT_PLAN]
    assert study.region == study.plan.region
    assert study.plan.target_year in study.plan.target_years


def test_assess_is_the_engine_with_the_same_row_and_spread(study, rd, data_dir):
    obs = io.read_processed("observations.csv", data_dir / "processed")
    targets = io.read_processed("targets.csv", data_dir / "processed")
    row = plans.plan_targets(targets, target_year=2025).iloc[0]
    assert row["indicator"] == "rd_intensity"
    direct = plans.assess_target(obs, row, pool=Pool(spread=study.pool_spread), n_draws=DRAWS, seed=0)
    assert rd.probability == direct.probability
    assert rd.projection == direct.projection
    assert rd.assessment.observations.to_dict() == direct.observations.to_dict() == {2010: 1.93, 2015: 2.30,
                                                                                     2020: 3.34}


def test_result_is_frozen_and_shows_itself_briefly(rd):
    with pytest.raises(AttributeError):
        rd.calibration_basis = "x"
    text = repr(rd)
    assert "\n" not in text and len(text) < 200
    assert "rd_intensity" in text and "4.2" in text and f"{rd.probability:.0%}" in text and rd.grade in text


def test_card_names_the_indicator_in_both_languages_and_escapes_text(rd):
    html = rd._repr_html_()
    assert html.startswith("<table") and "全社会研发经费支出占地区生产总值比重" in html
    assert "R&amp;D expenditure as % of GDP" in html  # escaped
    assert f"{rd.probability:.0%}" in html and "80% interval" in html and "uncalibrated" in html
    from taicang_analysis.present.card import render_card
    d = rd.to_dict()
    d["indicator_name"] = {"zh": "<script>", "en": "a & b", "unit": "%"}
    out = render_card(d)
    assert "<script>" not in out and "&lt;script&gt;" in out and "a &amp; b" in out


def test_summary_states_the_spread_and_the_numbers(rd):
    text = rd.summary()
    assert text.startswith("rd_intensity (全社会研发经费支出占地区生产总值比重): target ≥ 4.2 by 2025")
    assert f"probability of meeting the target: {rd.probability:.0%}" in text
    assert f"pool: {rd.calibration_basis}" in text


def test_to_dict_is_json_ready_and_carries_provenance(rd):
    d = rd.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["calibration_basis"] == rd.calibration_basis
    assert [p["year"] for p in d["provenance"]] == [2010, 2015, 2020]
    latest = d["provenance"][-1]
    assert latest["value"] == 3.34 and latest["publisher"] and latest["document"] and latest["published"]
    assert {"zh", "en", "unit"} <= set(d["indicator_name"])
    assert (d["plan_target"]["plan_id"], d["plan_target"]["row"]) == (plans.DEFAULT_PLAN, 1)


def test_plot_returns_axes(rd):
    import matplotlib.pyplot as plt
    ax = rd.plot()
    assert isinstance(ax, matplotlib.axes.Axes)
    fig, ax2 = plt.subplots()
    assert rd.plot(ax=ax2) is ax2
    plt.close("all")


def test_what_it_takes_by_hand(rd):
    w = rd.what_it_takes(denominator_growth=0.06)
    # R&D intensity 3.34 (2020) -> 4.2 (2025) with GDP +6 %/yr: R&D spending (4.2/3.34)^(1/5) * 1.06 - 1
    assert w.requirement.required_numerator_growth == pytest.approx((4.2 / 3.34) ** 0.2 * 1.06 - 1)
    assert [a.denominator_growth for a in w.alternatives] == list(plans.STATED_DENOMINATOR_GROWTHS)
    assert "rd_expenditure must grow 10.97%/yr" in w.summary()
    assert json.loads(json.dumps(w.to_dict())) == w.to_dict()


def test_what_it_takes_says_why_not_for_a_non_ratio(study):
    w = study.assess("hightech_enterprises_valid").what_it_takes()
    assert w.requirement is None and "not a ratio" in w.reason


def test_scenario_by_hand_and_monotone(rd):
    sc = rd.scenario(numerator_growth=0.12, denominator_growth=0.06)
    assert sc.value_in_target_year == pytest.approx(3.34 * (1.12 / 1.06) ** 5)
    faster = rd.scenario(numerator_growth=0.16, denominator_growth=0.06)
    assert 0 <= sc.probability <= faster.probability <= 1
    assert "scenario: numerator +12.0%/yr" in sc.summary()
    assert sc.to_dict()["value_in_target_year"] == pytest.approx(sc.value_in_target_year)


def test_a_lower_target_is_more_likely_on_the_same_draws(study, rd):
    lower = study.assess("rd_intensity", target=4.0)
    assert lower.target.value == 4.0 and lower.target.comparator == "ge"
    assert lower.probability >= rd.probability
    assert lower.projection == rd.projection  # the same draws, another threshold


def test_assess_all_follows_the_plan_table(study):
    results = study.assess_all()
    assert len(results) == 15
    assert tuple(r.assessment.indicator for r in results[:3]) == TABLE2_FIRST
    assert all(r.target.year == study.plan.target_year for r in results)


def test_targets_table_beside_latest_values(study):
    t = study.targets()
    assert len(t) == 15 and tuple(t["indicator"][:3]) == TABLE2_FIRST
    rd = t.iloc[0]
    assert rd["latest"] == 3.34 and rd["latest_year"] == 2020 and rd["name_zh"]
    assert len(study.targets(2020)) == 11  # Table 1


def test_series_with_provenance_and_as_of(study, data_dir):
    s = study.series("rd_intensity", region="Suzhou")
    assert {"year", "value", "publisher", "document", "published", "status"} <= set(s.columns)
    assert s["year"].is_monotonic_increasing and len(s) >= 3
    then = ta.Study(as_of="2016-06-30", data_dir=data_dir, draws=DRAWS)
    early = then.series("rd_intensity")
    assert (early["published"] <= "2016-06-30").all()
    assert early.set_index("year")["value"].to_dict()[2015] == 2.35  # before the 2022 plan restated it


def test_coverage_and_revisions(study):
    cov = study.coverage()
    assert {"indicator", "year", "status"} <= set(cov.columns)
    assert (cov["status"] == "no published value").any()
    rev = study.revisions("Taicang")
    assert (rev["region"] == "Taicang").all() and len(rev) > 0


def test_calibration_choice_is_explicit(data_dir, tmp_path):
    none = ta.Study(data_dir=data_dir, calibration="none", draws=DRAWS)
    one = ta.Study(data_dir=data_dir, calibration=1, draws=DRAWS)
    two = ta.Study(data_dir=data_dir, calibration=2.0, draws=DRAWS)
    assert "uncalibrated" in none.calibration_basis and "uncalibrated" in one.calibration_basis
    a1, a2 = one.assess("rd_intensity"), two.assess("rd_intensity")
    assert a1.probability == none.assess("rd_intensity").probability
    f1 = a1.assessment.spread["factors"]["2025"]
    f2 = a2.assessment.spread["factors"]["2025"]
    assert (f1, f2) == (1.0, 2.0)
    lo1, hi1 = a1.projection["lower"], a1.projection["upper"]
    assert a2.projection["lower"] < lo1 and a2.projection["upper"] > hi1  # wider
    table = tmp_path / "cal.csv"
    table.write_bytes(io.frame_to_csv_bytes(Calibration.from_factors({}, overall=1.5).to_frame()))
    cal = ta.Study(data_dir=data_dir, calibration=str(table), draws=DRAWS)
    assert cal.calibration_basis.startswith("calibrated (cal.csv")
    assert cal.assess("rd_intensity").assessment.spread["calibrated"] is True


def test_auto_calibration_uses_the_fitted_table_in_the_data_dir(data_dir, tmp_path):
    import shutil
    folder = tmp_path / "processed"
    shutil.copytree(data_dir / "processed", folder)
    assert ta.Study(data_dir=tmp_path).calibration_basis.startswith("uncalibrated")
    (folder / plans.CALIBRATION_FILE).write_bytes(
        io.frame_to_csv_bytes(Calibration.from_factors({}, overall=1.3).to_frame()))
    s = ta.Study(data_dir=tmp_path, draws=DRAWS)
    assert s.calibration_basis.startswith(f"calibrated ({plans.CALIBRATION_FILE}")
    assert s.assess("rd_intensity").assessment.spread["factors"]["2025"] == 1.3


def test_assess_series_from_a_dict_and_a_series_agree():
    data = {2008: 1.0, 2010: 1.2, 2012: 1.5, 2014: 1.7, 2016: 9.9}
    kw = dict(target=2.0, year=2020, kind="rate", as_of=2015, draws=DRAWS, calibration="none")
    a = ta.assess_series(data, **kw)
    b = ta.assess_series(pd.Series(data), **kw)
    assert a.assessment.observations.to_dict() == {2008: 1.0, 2010: 1.2, 2012: 1.5, 2014: 1.7}  # cut at 2015
    assert a.probability == b.probability and a.probability is not None
    assert a.indicator is None and "uncalibrated" in a.calibration_basis
    assert a.what_it_takes().requirement is None


def test_module_shortcuts_use_the_default_study(study, monkeypatch):
    monkeypatch.setattr(api, "_DEFAULT", study)
    assert ta.assess("rd_intensity").to_dict() == study.assess("rd_intensity").to_dict()
    assert ta.targets().equals(study.targets())
    assert ta.default_study() is study


def test_import_is_light():
    code = "import sys, taicang_analysis as ta; print('pandas' in sys.modules, 'statsmodels' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
    code = "import sys, taicang_analysis as ta; ta.Study; print('statsmodels' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False"]


def test_earliest_year_search_goes_past_a_reference_class_that_stops_at_the_target_year(study, rd):
    """The pool holds the years every member covers; the search for the earliest year goes on with the
    members that reach each later year, and P(met) in the target year stays the pool of all members."""
    import numpy as np

    from taicang_analysis.assessment import assess as engine
    a = rd.assessment
    fitted = [m for m in a.forecasts + a.references if hasattr(m, "years")]
    reach = {m.model: m.years[-1] for m in fitted}
    assert reach["reference_class:cn_provinces"] == 2025 < max(reach.values()) == 2035
    e = a.earliest_year
    assert (e["pooled_until"], e["searched_until"]) == (2025, 2035)
    # P(met) in 2025: the mixture of every member, as the pooling rule says
    own = [m for m in a.forecasts if hasattr(m, "years") and m.model in engine.POOL_MODELS_BY_KIND["share"]]
    refs = [m for m in a.references if hasattr(m, "years")]
    members = engine.pool_weights(own, refs, Pool(spread=study.pool_spread))
    pooled = engine.pool_draws(members, DRAWS, study.pool_spread, "share", (0.0, 100.0), latest_year=2020)
    assert a.pooled.years[-1] == 2025
    k = int(np.sum(pooled.draws[:, -1] >= 4.2))
    assert rd.probability == (k + 0.5) / (DRAWS + 1)  # the smoothed share: never exactly 0 or 1
    # the years searched: each year's median decides, the first one at or above the target is reported
    q, _ = engine._search_quantiles(a.pooled, own, refs, Pool(spread=study.pool_spread), DRAWS, "share",
                                    (0.0, 100.0), 2020, 2035)
    assert list(q.index) == list(range(2021, 2036))
    hits = [int(y) for y in q.index if q.loc[y, 0.5] >= 4.2]
    assert e["median"] == (hits[0] if hits else None)


def test_pool_type_is_read_from_where_members_came_from_not_their_names(rd):
    from taicang_analysis.forecast.pooling import pool_type_from_counts
    assert rd.assessment.spread["pool_type"] == "with_reference"
    assert [pool_type_from_counts(2, 0), pool_type_from_counts(0, 2), pool_type_from_counts(1, 1)] == [
        "own_models_only", "reference_only", "with_reference"]
    with pytest.raises(ValueError):
        pool_type_from_counts(0, 0)


def test_cli_spread_1_forces_an_uncalibrated_run_even_when_a_calibration_is_fitted(data_dir, tmp_path, monkeypatch,
                                                                                 capsys):
    import shutil

    from taicang_analysis import cli
    folder = tmp_path / "processed"
    shutil.copytree(data_dir / "processed", folder)
    (folder / plans.CALIBRATION_FILE).write_bytes(
        io.frame_to_csv_bytes(Calibration.from_factors({}, overall=1.4).to_frame()))
    monkeypatch.setattr(io, "PROCESSED_DIR", folder)
    base = ["assess", "--indicator", "rd_intensity", "--draws", "500"]
    assert cli.main(base + ["--json"]) == 0
    default = json.loads(capsys.readouterr().out)
    assert default["calibration_basis"].startswith(f"calibrated ({plans.CALIBRATION_FILE}")
    assert default["spread"]["factors"]["2025"] == 1.4
    assert cli.main(base + ["--spread", "1", "--json"]) == 0
    forced = json.loads(capsys.readouterr().out)
    assert forced["calibration_basis"] == "uncalibrated (spread factor 1, given)"
    assert forced["spread"]["factors"]["2025"] == 1.0 and forced["spread"]["calibrated"] is False
    assert cli.main(base + ["--spread", "1"]) == 0
    text = capsys.readouterr().out
    assert "note: pool: uncalibrated (spread factor 1, given)" in text and "factor 1.00 in 2025" in text


def test_cli_text_brief_builds_the_data_first_and_names_the_spread(tmp_path, monkeypatch, capsys):
    from taicang_analysis import cli
    monkeypatch.setattr(io, "PROCESSED_DIR", tmp_path / "processed")  # nothing built yet
    monkeypatch.setattr(api, "_DEFAULT", None)
    assert cli.main(["brief", "--text", "--draws", "200", "--year", "2020"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("built 5 tables")
    assert "Taicang's 2020 targets beside the latest published values" in out
    assert "Probabilities: uncalibrated" in out
    assert out.count("P(met)") == 11  # Table 1
