"""The stated outside view of every Table 2 indicator (forecast.outside_views)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from taicang_analysis.data import registry
from taicang_analysis.data.plan_text import extract_table2
from taicang_analysis.forecast.outside_views import FAIR_FOR, OUTSIDE_VIEWS, OutsideView, outside_view

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
PLAN = RAW / "documents" / "taicang_14th_st_plan.txt"


def _raw_pairs() -> set[tuple[str, str, str]]:
    """(collection, indicator, region) of every raw observation row: observations/ and reference/<collection>/."""
    pairs = set()
    files = [("observations", p) for p in (RAW / "observations").glob("*.csv")]
    files += [(p.parent.name, p) for p in (RAW / "reference").glob("*/*.csv")]
    for collection, path in files:
        with path.open(encoding="utf-8", newline="") as fh:
            pairs.update((collection, r["indicator"], r["region"]) for r in csv.DictReader(fh))
    return pairs


def test_every_table2_indicator_has_exactly_one_entry():
    table2 = {t.indicator for t in extract_table2(PLAN.read_text(encoding="utf-8"))}
    assert len(table2) == 15
    assert set(OUTSIDE_VIEWS) == table2


def test_entries_name_registry_indicators_and_a_reason():
    for key, view in OUTSIDE_VIEWS.items():
        assert view.indicator == key
        assert registry.get(view.indicator).id == view.indicator
        if view.panel_indicator is not None:
            assert registry.get(view.panel_indicator).id == view.panel_indicator
        assert view.fair_for in FAIR_FOR
        assert view.reason.strip().endswith(".") and len(view.reason) > 40


def test_every_named_panel_holds_its_indicator_in_data_raw():
    pairs = _raw_pairs()
    for view in OUTSIDE_VIEWS.values():
        if view.collection is None:
            continue
        regions = {r for c, i, r in pairs if c == view.collection and i == view.panel_indicator}
        assert len(regions) >= 3, (view.indicator, view.collection, view.panel_indicator)
        assert set(view.peers) <= regions, (view.indicator, set(view.peers) - regions)


def test_helper_assessment_is_what_the_table_says():
    """Issue 10 item 1: same-definition peers for R&D and the high-tech share; growth-only proxies for the
    valid high-tech stock (recognitions), contract turnover (seller region) and high-value patents."""
    assert {k for k, v in OUTSIDE_VIEWS.items() if v.fair_for == "level"} == {"rd_intensity",
                                                                             "hightech_output_share"}
    growth = {k: (v.collection, v.panel_indicator) for k, v in OUTSIDE_VIEWS.items() if v.fair_for == "growth"}
    assert growth == {
        "hightech_enterprises_valid": ("cn_provinces", "hightech_enterprises_recognised"),
        "tech_contract_turnover": ("cn_provinces", "tech_market_turnover_seller"),
        "high_value_invention_patents_per_10k": ("cn_provinces", "invention_patents_per_10k"),
    }
    # a share's peers never come from NBS high-technology manufacturing (a narrower definition)
    assert not OUTSIDE_VIEWS["hightech_output_share"].panel_indicator.startswith("hightech_mfg")


@pytest.mark.parametrize("kwargs", [
    {"collection": "cn_provinces", "panel_indicator": None, "fair_for": "growth"},
    {"collection": None, "panel_indicator": None, "fair_for": "level"},
    {"collection": "cn_provinces", "panel_indicator": "rd_intensity", "fair_for": "none"},
    {"collection": "cn_provinces", "panel_indicator": "rd_intensity", "fair_for": "levels"},
])
def test_inconsistent_entries_are_refused(kwargs):
    with pytest.raises(ValueError, match="rd_intensity"):
        OutsideView("rd_intensity", reason="x.", **kwargs)


def test_unknown_indicator_is_a_clear_error():
    assert outside_view("rd_intensity").collection == "cn_provinces"
    with pytest.raises(KeyError, match="no outside view stated for 'gdp'"):
        outside_view("gdp")
