"""Case selection of the track record (issue 10 item 5): the carried targets, per-10k panels used
pseudo-real-time, and panel stand-ins only where the definitions match."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from taicang_analysis.data import io
from taicang_analysis.evaluation import backtest
from test_backtest import TARGETS, _row, _target, synthetic_world

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
PROVINCES = ["P1", "P2", "P3", "P4", "China"]
PAT_PROVINCES = PROVINCES + ["P5", "P6", "P7"]  # the outside view needs >= 5 other regions


def _tm(i: int, y: int) -> float:
    """Seller-region turnover of province i in year y: 20 %/yr with a small deterministic wobble."""
    return 100 * (1 + i) * 1.2 ** (y - 2008) * (1 + 0.03 * ((7 * y + i) % 3 - 1))


def _pat(i: int, y: int) -> float:
    """Patents per 10k of province i in year y: 30 %/yr with a small deterministic wobble."""
    return (1 + i) * 1.3 ** (y - 2008) * (1 + 0.02 * ((5 * y + 2 * i) % 3 - 1))


def _world_with_new_panels() -> pd.DataFrame:
    """The synthetic world plus a per-10k panel dated as one current vintage (2025-12-31) and a seller-region
    technology-market panel dated by yearbook edition, and Taicang's own contract turnover."""
    rows = []
    for i, region in enumerate(PAT_PROVINCES):
        for y in range(2008, 2017):
            rows.append(_row("cn_provinces", region, y, _pat(i, y), published="2025-12-31",
                             indicator="invention_patents_per_10k"))
    for i, region in enumerate(PROVINCES):
        for y in range(2008, 2017):
            rows.append(_row("cn_provinces", region, y, _tm(i, y), published=f"{y + 1}-12-31",
                             indicator="tech_market_turnover_seller"))
    rows += [_row("observations", "Taicang", y, v, published=f"{y + 1}-04-30", indicator="tech_contract_turnover")
             for y, v in ((2012, 20.0), (2013, 24.0), (2014, 27.0), (2015, 30.0), (2016, 34.0))]
    extra = pd.DataFrame(rows)
    extra["source_ref"] = [f"extra:{i}" for i in range(len(extra))]
    return pd.concat([synthetic_world(), extra], ignore_index=True)


NEW_TARGETS = pd.DataFrame([
    _target("P1", 2015, 4.0, 2012, "n:p1pat", indicator="invention_patents_per_10k"),
    _target("China", 2015, 1400.0, 2012, "n:china_tc", indicator="tech_contract_turnover"),
    _target("P2", 2015, 500.0, 2012, "n:p2_tc", indicator="tech_contract_turnover"),
    _target("Taicang", 2016, 33.0, 2014, "n:tc_own", indicator="tech_contract_turnover"),
])


@pytest.fixture(scope="module")
def world():
    return _world_with_new_panels()


@pytest.fixture(scope="module")
def cases(world):
    return backtest.past_plan_cases(world, NEW_TARGETS).set_index("case_id")


def test_a_current_vintage_per_10k_panel_is_used_pseudo_real_time(world, cases):
    c = cases.loc["n:p1pat"]
    assert c["status"] == "scored" and c["source"] == "cn_provinces"
    # as of 2011-12-31: data years up to 2010, at today's values (published 2025-12-31, so strictly none)
    assert (c["first_year"], c["latest_year"], c["n_obs"]) == (2008, 2010, 3)
    assert c["latest_value"] == pytest.approx(_pat(0, 2010))
    assert c["outcome"] == pytest.approx(_pat(0, 2015)) and c["met"] == 1.0  # about 6.3 >= 4.0
    assert "pseudo-real-time" in c["source_note"]
    prep = backtest.prepare_case(world, cases.reset_index().set_index("case_id", drop=False).loc["n:p1pat"])
    panel = prep["panels"]["cn_provinces"]
    assert panel["year"].max() == 2010 and "P1" in set(panel["region"])  # the assess call excludes P1 itself
    assert list(prep["series"].index) == [2008, 2009, 2010]


def test_without_the_pseudo_real_time_rule_the_panel_is_unknown_then(world, monkeypatch):
    monkeypatch.setattr(backtest, "PSEUDO_REAL_TIME", {})
    c = backtest.past_plan_cases(world, NEW_TARGETS).set_index("case_id").loc["n:p1pat"]
    assert c["status"] == "excluded" and c["reason"].startswith("no series as of 2011-12-31")


def test_contract_targets_use_the_tech_market_panel_only_where_the_definition_matches(world, cases):
    china = cases.loc["n:china_tc"]
    assert china["status"] == "scored" and china["source"] == "cn_provinces"
    assert china["series_indicator"] == "tech_market_turnover_seller"
    assert "stands for tech_contract_turnover" in china["source_note"]
    assert china["latest_year"] == 2010 and china["outcome"] == pytest.approx(_tm(4, 2015))
    assert china["met"] == 1.0
    p2 = cases.loc["n:p2_tc"]
    assert p2["status"] == "excluded" and "definition mismatch" in p2["reason"]
    own = cases.loc["n:tc_own"]  # Taicang publishes its own series: no stand-in, no mismatch
    assert own["source"] == "observations" and own["series_indicator"] == "tech_contract_turnover"
    assert own["status"] == "scored" and own["outcome"] == 34.0 and own["met"] == 1.0


def test_a_stand_in_case_runs_on_the_panel_indicator(world, cases):
    case = cases.reset_index().set_index("case_id", drop=False).loc["n:china_tc"]
    prep = backtest.prepare_case(world, case)
    assert prep["indicator"] == "tech_market_turnover_seller" and prep["kind"] == "count"
    assert np.allclose(prep["series"].to_numpy(), [_tm(4, y) for y in (2008, 2009, 2010)])
    assert set(prep["panels"]["cn_provinces"]["region"]) == set(PROVINCES)  # China excluded by assess
    run = backtest._run_prepared(prep, spread=1.0, n_draws=400, seed=0)
    assert 0.0 <= run.record["probability"] <= 1.0


def test_the_old_cases_are_unchanged_by_the_new_rules():
    old = backtest.past_plan_cases(synthetic_world(), TARGETS).drop(columns="series_indicator")
    assert (old.loc[old["case_id"] == "t:p2pat", "reason"].str.contains("no source for invention_patents")).all()
    assert len(old) == len(TARGETS)


def _raw_rows(rel: str) -> list[dict]:
    with (RAW / rel).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_appended_shared_rows_are_carried_with_their_provenance():
    targets = _raw_rows("targets/past_targets_2.csv")
    assert [r["source_ref"] for r in targets] == [f"past_targets.csv:{i}" for i in range(55, 81)]
    points = _raw_rows("observations/cn_points_published_2.csv")
    assert [r["source_ref"] for r in points] == [f"reference/cn_points_published.csv:{i}" for i in range(34, 45)]
    for r in targets + points:
        assert r["publisher"] and r["document"] and r["published"][:2] == "20"
        assert r["published_basis"] in ("stated", "inferred")
        assert r["url"] or "no URL" in r["note"]
    with (Path(__file__).resolve().parents[1] / "scripts" / "crosswalk" / "not_carried.csv").open(
            encoding="utf-8", newline="") as fh:
        listed = {(r["input"], int(r["line"])) for r in csv.DictReader(fh)}
    assert not any(("past_targets.csv", i) in listed for i in range(55, 81))
    assert not any(("reference/cn_points_published.csv", i) in listed for i in range(34, 45))


def test_real_case_set_has_at_least_45_scorable_targets():
    try:
        observations, targets = io.read_processed("observations.csv"), io.read_processed("targets.csv")
    except FileNotFoundError:
        pytest.skip("data/processed not built (python -m taicang_analysis data)")
    c = backtest.past_plan_cases(observations, targets).set_index("case_id")
    assert (c["status"] == "scored").sum() >= 45
    new = c[c.index.str.startswith("targets/past_targets_2.csv:")]
    assert len(new) == 26
    assert (new.loc[new["status"] == "excluded", "reason"].str.len() > 0).all()
    # provincial patents-per-10k targets are scored from the derived per-10k panel
    pat = c[(c["indicator"] == "invention_patents_per_10k") & (c["region"].isin(["Anhui", "Shandong", "Zhejiang"]))]
    assert (pat["status"] == "scored").all() and (pat["source"] == "cn_provinces").all()
    # contract targets: the national one on the tech-market panel, a province's excluded for its definition
    assert c.loc["targets/past_targets_2.csv:12", "series_indicator"] == "tech_market_turnover_seller"
    assert "definition mismatch" in c.loc["targets/past_targets_2.csv:6", "reason"]


def test_pseudo_targets_run_on_a_new_panel_and_skip_v2_where_the_regime_has_no_panel(world):
    """compare: per-10k pseudo-targets for provinces; China (the countries regime: no world per-10k panel)
    gets the pool's distribution scored but no event (v2 cannot run), as the preregistration says."""
    from taicang_analysis.evaluation import compare
    from taicang_analysis.forecast import outside_view

    ind = "invention_patents_per_10k"
    roll = backtest._rolling_context(world, ind, backtest.HORIZONS, backtest.SERIES_WINDOW, 3, 300, 0)
    assert set(roll.panels) == {"cn_provinces"}
    scale = outside_view.scale_of(roll.kind)
    ctx = compare._PseudoContext(roll=roll, changes={n: outside_view.changes(p, scale=scale, bounds=roll.bounds)
                                                     for n, p in roll.panels.items()},
                                 cn_regions=frozenset(PAT_PROVINCES) - {"China"}, deltas=(0.0,), calibrations={},
                                 default_calibration=1.0)
    tasks = {r: (p, r, o) for p, r, o in backtest.rolling_tasks(world, indicator=ind, origin_step=3)}
    events, dist = compare._pseudo_task(ctx, tasks["P2"])
    assert events and {e["indicator"] for e in events} == {ind}
    assert {e["horizon"] for e in events} <= set(compare.EVENT_HORIZONS)
    for e in events:  # delta 0: the threshold continues the past annual change on the log scale
        assert 0.0 <= e["pool"] <= 1.0
        assert 0.0 < e["v2_raw"] < 1.0
    events, dist = compare._pseudo_task(ctx, tasks["China"])
    assert events == [] and dist
    assert all(np.isnan(d["v2_raw_crps"]) and not np.isnan(d["pool_crps"]) for d in dist)
