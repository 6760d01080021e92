"""Figures carried from the newer shared files land where they should.

Spot checks against the shared CSVs (skipped, with the reason, when ../shared/data is
absent), provenance of every new row, and that figures of different definitions sit on
different indicators.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from taicang_analysis.data import registry
from taicang_analysis.data.io import read_csv_text
from taicang_analysis.data.validate import check_observations

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SHARED = ROOT.parent / "shared" / "data"
NEW_FILES = {"observations/regional_2021_2025.csv": "regional_sources_2021_2025.csv"}  # raw file: shared file
NEW_FILES.update({f"reference/cn_provinces/{name}.csv": f"reference/{name}.csv" for name in (
    "cn_prov_tech_market", "cn_prov_population", "cn_prov_gdp", "cn_prov_invention_patents_per10k",
    "cn_prov_hitech_industry", "cn_prov_hitech_firms_recognised")})
NEW_FILES["reference/world/wdi_tech_panels.csv"] = "reference/wdi_tech_panels.csv"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared data folder {SHARED} is absent")


def _rows(rel: str) -> list[dict[str, str]]:
    with open(RAW / rel, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _shared_line(inp: str, line: int) -> dict[str, str]:
    with open(SHARED / inp, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))[line - 2]


def _one(rows, **match) -> dict[str, str]:
    hits = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(hits) == 1, (match, hits)
    return hits[0]


@pytest.fixture(scope="module")
def regional():
    return _rows("observations/regional_2021_2025.csv")


def test_changshu_2024_rd_intensity_and_suzhou_2025_hightech_share(regional):
    cs = _one(regional, region="Changshu", indicator="rd_intensity", year="2024")
    assert cs["value"] == "4.18" and cs["unit"] == "%" and cs["document"] == "常熟市2025年政府工作报告"
    sz = _one(regional, region="Suzhou", indicator="hightech_output_share", year="2025")
    assert sz["value"] == "56.2" and sz["status"] == "preliminary" and sz["published"] == "2026-01-23"
    # the provincial 高新技术产业 share, never the NBS high-technology manufacturing one
    assert registry.get("hightech_output_share").related == ("hightech_manufacturing_output_share",)


@needs_shared
def test_each_carried_regional_row_repeats_its_shared_line(regional):
    for r in regional:
        inp, line = r["source_ref"].rsplit(":", 1)
        src = _shared_line(inp, int(line))
        assert src["region"] == r["region"]
        digits = "".join(ch for ch in r["value"] if ch.isdigit() or ch == ".")
        assert Decimal(digits) == Decimal(src["value"]), r["source_ref"]
        assert src["year"].startswith(r["year"]) or "/" in src["year"], r["source_ref"]


@needs_shared
def test_panel_values_are_the_shared_values():
    # every panel row points at its shared line and carries its value (exponents written out;
    # researchers per million divided by 100, exactly)
    for rel, inp in NEW_FILES.items():
        if rel.startswith("observations/"):
            continue
        with open(SHARED / inp, encoding="utf-8", newline="") as fh:
            shared = list(csv.DictReader(fh))
        for r in _rows(rel):
            src = shared[int(r["source_ref"].rsplit(":", 1)[1]) - 2]
            factor = Decimal(100) if src["indicator"] == "SP.POP.SCIE.RD.P6" else Decimal(1)
            assert Decimal(r["value"]) * factor == Decimal(src["value"]), r["source_ref"]
            assert r["year"] == src["year"]


@pytest.mark.parametrize("rel", sorted(NEW_FILES))
def test_every_new_row_names_publisher_document_and_publication_date(rel):
    rows = _rows(rel)
    assert rows
    for r in rows:
        assert r["publisher"].strip() and r["document"].strip(), r["source_ref"]
        assert dt.date.fromisoformat(r["published"]).year >= int(r["year"]), r["source_ref"]
        assert r["published_basis"] in ("stated", "inferred")
        assert (r["status"] == "derived") == bool(r["derivation"].strip()), r["source_ref"]


def test_definition_different_figures_sit_on_different_indicators(regional):
    inc = _one(regional, region="Taicang", year="2022", value="4")
    assert inc["indicator"] == "national_incubators" != "incubators_and_maker_spaces"
    # high-tech enterprise counts without a stated basis are kept apart from the valid count
    taicang = [r for r in regional
               if r["region"] == "Taicang" and r["indicator"].startswith("hightech_enterprises")]
    assert {r["indicator"] for r in taicang} == {"hightech_enterprises_total"}
    hitech = _rows("reference/cn_provinces/cn_prov_hitech_industry.csv")
    by_series = {(int(r["year"]) < 2018, r["indicator"].endswith("_pre2018")) for r in hitech}
    assert by_series == {(True, True), (False, False)}  # the 2017/18 break never inside one indicator
    assert not any(r["year"] == "2017" for r in hitech)
    assert {r["indicator"] for r in hitech}.isdisjoint({"hightech_output_share", "hightech_output_value"})
    wdi = {r["indicator"] for r in _rows("reference/world/wdi_tech_panels.csv")}
    assert {"hightech_exports_share", "hightech_exports_share_legacy"} <= wdi
    recog = {r["indicator"] for r in _rows("reference/cn_provinces/cn_prov_hitech_firms_recognised.csv")}
    assert recog == {"hightech_enterprises_recognised"}
    assert registry.get("hightech_enterprises_recognised").kind == "flow"
    market = {r["indicator"] for r in _rows("reference/cn_provinces/cn_prov_tech_market.csv")}
    assert "tech_contract_turnover" not in market and "tech_market_turnover_seller" in market
    for ind in ("national_incubators", "hightech_mfg_revenue", "hightech_mfg_revenue_pre2018",
                "researchers_per_10k"):
        assert registry.get(ind).id == ind


def test_new_regional_file_validates_and_reads_the_printed_hedges():
    frame = read_csv_text(RAW / "observations/regional_2021_2025.csv", "observations/regional_2021_2025.csv")
    tidy, problems = check_observations(frame, "observations/regional_2021_2025.csv",
                                        collection="observations", today=dt.date(2026, 12, 1))
    assert problems == []
    t = tidy.set_index(["region", "indicator", "year"])
    assert t.loc[("Taicang", "hightech_enterprises_total", 2025), "qualifier"] == "more_than"
    assert t.loc[("Taicang", "hightech_enterprises_total", 2025), "value"] == 1300
    assert t.loc[("Jiangsu", "rd_intensity", 2024), "qualifier"] == "about"
