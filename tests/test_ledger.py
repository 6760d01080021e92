"""The forecast ledger: open targets, append-only recording that never duplicates, scoring once outcomes appear."""

import numpy as np
import pandas as pd
import pytest

from taicang_analysis.data import io
from taicang_analysis.evaluation import ledger


def _processed():
    try:
        return io.read_processed("observations.csv"), io.read_processed("targets.csv")
    except FileNotFoundError:
        pytest.skip("data/processed not built (python -m taicang_analysis data)")


def test_open_targets_are_those_whose_region_has_no_outcome_yet():
    obs = pd.DataFrame({"region": ["A", "A", "A", "B"], "indicator": ["x", "x", "y", "x"],
                        "year": [2020, 2023, 2010, 2030], "value": [1.0, 2.0, np.nan, 5.0]})
    targets = pd.DataFrame({"region": ["A", "A", "A", "A", "C"], "indicator": ["x", "x", "y", "z", "x"],
                            "target_year": [2023, 2025, 2015, 2030, 2025],
                            "source_ref": ["a", "b", "c", "d", "e"]})
    # A/x: 2023 published -> 2023 closed, 2025 open (B's 2030 value is another region's);
    # A/y: no published value -> open; z: unknown -> open; C has nothing published -> open
    assert ledger.open_targets(obs, targets)["source_ref"].tolist() == ["b", "c", "d", "e"]


def test_new_rows_skip_known_keys():
    cols = list(ledger.LEDGER_COLUMNS)
    old = pd.DataFrame([dict.fromkeys(cols, "") | {"case_id": "a", "method": "pool", "inputs_hash": "h1"}])
    cand = pd.DataFrame([dict.fromkeys(cols, "") | {"case_id": "a", "method": "pool", "inputs_hash": "h1"},
                         dict.fromkeys(cols, "") | {"case_id": "a", "method": "pool", "inputs_hash": "h2"},
                         dict.fromkeys(cols, "") | {"case_id": "b", "method": "pool", "inputs_hash": "h1"}])
    assert ledger.new_rows(old, cand)[["case_id", "inputs_hash"]].values.tolist() == [["a", "h2"], ["b", "h1"]]
    assert len(ledger.new_rows(pd.DataFrame(columns=cols), cand)) == 3


def test_recording_twice_on_the_same_inputs_writes_nothing(tmp_path):
    observations, targets = _processed()
    taicang = targets[(targets["region"] == "Taicang") & (targets["target_year"] == 2025)].head(4)
    path = tmp_path / "ledger" / "forecasts.csv"
    first = ledger.record_file(path, observations, taicang, recorded="2026-12-01", code_version="abc",
                               n_draws=300)
    assert len(first) >= 1 and first["probability"].between(0, 1).all()
    assert set(first["case_id"]) <= set(taicang["source_ref"])
    before = path.read_bytes()
    again = ledger.record_file(path, observations, taicang, recorded="2026-12-02", code_version="def",
                               n_draws=300)
    assert again.empty and path.read_bytes() == before
    # different inputs (another draw count) are a new entry, appended after the old bytes
    more = ledger.record_file(path, observations, taicang.head(1), recorded="2026-12-03", code_version="def",
                              n_draws=400)
    assert len(more) <= 1 and path.read_bytes().startswith(before)
    assert len(ledger.read_ledger(path)) == len(first) + len(more)


def test_score_reads_outcomes_once_published():
    observations, targets = _processed()
    past = targets[(targets["region"] == "Taicang") & (targets["indicator"] == "rd_intensity")
                   & (targets["target_year"] == 2020)].head(1)
    if past.empty:
        pytest.skip("no Taicang 2020 R&D target in the processed tables")
    t = past.iloc[0]
    cols = list(ledger.LEDGER_COLUMNS)
    rows = pd.DataFrame([dict.fromkeys(cols, "") | {"case_id": t["source_ref"], "region": "Taicang",
                                                    "indicator": "rd_intensity", "target_year": 2020,
                                                    "probability": 0.8},
                         dict.fromkeys(cols, "") | {"case_id": t["source_ref"], "region": "Taicang",
                                                    "indicator": "rd_intensity", "target_year": 2099,
                                                    "probability": 0.8}])
    scored = ledger.score(rows, observations, targets)
    first = scored.iloc[0]
    assert first["met"] in (0.0, 1.0) and first["brier"] == pytest.approx((0.8 - first["met"]) ** 2)
    assert np.isnan(scored.iloc[1]["outcome"])  # not yet published: not scored


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a forecast ledger"):
        ledger.read_ledger(bad)


def test_command_line_refuses_a_bad_ledger_with_exit_2(tmp_path, capsys):
    _processed()
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n")
    assert ledger.main(["score", "--ledger", str(bad)]) == 2
    assert "not a forecast ledger" in capsys.readouterr().err


def test_the_outside_view_is_recorded_beside_the_pool_and_neither_is_ever_0_or_1():
    observations, targets = _processed()
    taicang = targets[(targets["region"] == "Taicang") & (targets["target_year"] == 2025)]
    e = ledger.entries(observations, taicang, recorded="2026-12-01", code_version="abc", n_draws=500)
    by = {(r["indicator"], r["method"]): r for r in e.to_dict("records")}
    # R&D intensity: both run; contract turnover (one value, no class of its own): only the outside view
    assert ("rd_intensity", "pool") in by and ("rd_intensity", "outside_view") in by
    assert ("tech_contract_turnover", "outside_view") in by and ("tech_contract_turnover", "pool") not in by
    assert e["probability"].gt(0).all() and e["probability"].lt(1).all()
    # the two methods' rows of one target carry different input hashes (their inputs differ)
    assert by[("rd_intensity", "pool")]["inputs_hash"] != by[("rd_intensity", "outside_view")]["inputs_hash"]


def test_outside_view_panel_by_regime():
    observations, _ = _processed()
    county, regime, level = ledger.outside_view_panel(observations, "Taicang", "tech_contract_turnover")
    assert regime == "cn_regions" and level is False  # the stated growth-only analogue
    assert len(county) and not county["region"].isin(["Taicang", "China"]).any()
    province, regime, level = ledger.outside_view_panel(observations, "Sichuan", "rd_intensity")
    assert regime == "cn_regions" and level is True and "Sichuan" not in set(province["region"])
    country, regime, _ = ledger.outside_view_panel(observations, "Germany", "rd_intensity")
    assert regime == "countries" and "Germany" not in set(country["region"]) and len(country)


def test_series_for_takes_the_most_recent_source():
    obs = pd.DataFrame({
        "collection": ["observations"] * 2 + ["cn_provinces"] * 3, "region": ["P"] * 5,
        "aggregate": [False] * 5, "indicator": ["rd_intensity"] * 5, "year": [2014, 2015, 2021, 2022, 2023],
        "value": [1.0, 1.1, 1.5, 1.6, 1.7]})
    for c in ("published", "source_ref", "value_printed", "document", "status", "qualifier", "publisher",
              "published_basis", "unit"):
        obs[c] = "x"
    obs["published"] = "2024-12-31"
    obs["source_ref"] = [f"s{i}" for i in range(len(obs))]
    series, source = ledger._series_for(obs, "P", "rd_intensity")
    assert source == "cn_provinces" and list(series.index) == [2021, 2022, 2023]
    own_only = obs[obs["collection"] == "observations"]
    series, source = ledger._series_for(own_only, "P", "rd_intensity")
    assert source == "observations" and list(series.index) == [2014, 2015]


def test_a_changed_engine_is_a_new_entry_and_the_same_one_is_not():
    series = pd.Series([1.0, 1.2], index=[2019, 2020])
    t = pd.Series({"region": "A", "indicator": "rd_intensity", "comparator": "ge", "target": 2.0,
                   "target_year": 2025, "tolerance": ""})
    h = [ledger.inputs_hash(series, t, {}, None, 100, 0, engine) for engine in ("e1", "e1", "e2")]
    assert h[0] == h[1] and h[0] != h[2]


def _scored_world(n, p_pool, p_ov, seed=0, recorded="2026-12-02"):
    """A scored ledger of ``n`` targets: outcomes drawn with probability 0.5; each method's P(met) is
    ``p`` when the target was met and ``1 - p`` when it was missed (p > 0.5: a skilled method)."""
    rng = np.random.default_rng(seed)
    met = (rng.random(n) < 0.5).astype(float)
    rows = []
    for i, y in enumerate(met):
        for method, p in (("pool", p_pool), ("outside_view", p_ov)):
            rows.append({"recorded": recorded, "case_id": f"c{i}", "method": method,
                         "target_year": 2025 + i % 3, "probability": p if y else 1 - p, "met": y})
    return pd.DataFrame(rows)


def test_the_ledger_decides_only_with_enough_outcomes_and_only_on_a_clear_difference():
    assert ledger.decision(_scored_world(20, 0.6, 0.9))["decision"] == "not_yet"
    better_ov = ledger.decision(_scored_world(60, 0.6, 0.9))
    assert better_ov["decision"] == "adopt_outside_view" and better_ov["low"] > 0
    # log(1/0.6) - log(1/0.9) per case, whatever the outcome
    assert better_ov["difference"] == pytest.approx(np.log(0.9 / 0.6))
    assert ledger.decision(_scored_world(60, 0.9, 0.6))["decision"] == "keep_pool"
    assert ledger.decision(_scored_world(60, 0.7, 0.7))["decision"] == "keep_pool"  # a tie keeps the pool


def test_the_ledger_test_uses_the_earliest_entry_from_the_start_date_on():
    world = _scored_world(40, 0.6, 0.6)
    early = world.assign(recorded="2026-12-01", probability=0.99)  # before the test's start: ignored
    later = world.assign(recorded="2027-03-01")
    later.loc[later["method"] == "outside_view", "probability"] = later["met"] * 0.98 + 0.01  # a hindsight re-forecast
    got = ledger.test_entries(pd.concat([early, world, later], ignore_index=True))
    assert len(got) == 80 and set(got["recorded"]) == {"2026-12-02"}
    assert ledger.decision(pd.concat([early, world, later], ignore_index=True))["decision"] == "keep_pool"
    scores = ledger.method_scores(world).set_index("method")
    assert scores.loc["pool", "n"] == 40 and scores.loc["pool", "brier"] == pytest.approx(0.16)
    assert scores.loc["pool", "expected"] == pytest.approx(world[world.method == "pool"]["probability"].sum())


def test_the_base_rate_is_recorded_for_every_open_target_with_a_value_and_counts_only_known_outcomes(tmp_path):
    from taicang_analysis.evaluation import plan_record

    observations, targets = _processed()
    taicang = targets[(targets["region"] == "Taicang") & (targets["target_year"] == 2025)]
    cn = ["Anhui", "Jiangsu", "Zhejiang"]  # provinces: Chinese regions' regime
    cases = pd.DataFrame({"status": "scored", "region": cn * 4, "indicator": "rd_intensity",
                          "target_year": [2015] * 6 + [2030] * 6, "set_year": 2011,
                          "met": [1, 1, 0, 1, 0, 0] * 2, "outcome_published": None})
    cases = pd.concat([cases] * 2, ignore_index=True)  # 12 known by 2026 (6 met), 12 in 2030 not yet known
    e = ledger.entries(observations, taicang, recorded="2026-12-01", code_version="abc", n_draws=300, cases=cases)
    rates = e[e["method"] == ledger.METHOD_BASE_RATE]
    with_value = set(e.loc[e["method"] != ledger.METHOD_BASE_RATE, "indicator"]) | {"st_progress_contribution"}
    assert set(rates["indicator"]) == with_value  # every open target with a published value, none without
    assert rates["probability"].eq((6 + 0.5) / (12 + 1)).all()
    assert rates["inputs_hash"].nunique() == len(rates)  # one target each
    # a case whose outcome becomes known changes what the base rate counted: a new entry, not a rewrite
    one = taicang[taicang["indicator"] == "st_progress_contribution"]  # one value: only the base rate runs
    path = tmp_path / "forecasts.csv"
    first = ledger.record_file(path, observations, one, recorded="2026-12-01", code_version="a", n_draws=300,
                               cases=cases)
    assert first["method"].tolist() == [ledger.METHOD_BASE_RATE]
    assert ledger.record_file(path, observations, one, recorded="2026-12-01", code_version="a", n_draws=300,
                              cases=cases).empty
    later = ledger.record_file(path, observations, one, recorded="2031-12-31", code_version="a", n_draws=300,
                               cases=cases)
    assert later["method"].tolist() == [ledger.METHOD_BASE_RATE]
    assert later["probability"].iloc[0] == pytest.approx((12 + 0.5) / (24 + 1))  # the 2030 outcomes now count
    assert len(plan_record.known_cases(cases, "2031-12-31")) == 24
