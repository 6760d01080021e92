"""The build from data/raw to data/processed: complete, traceable, byte-identical, atomic."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pandas as pd
import pytest

from taicang_analysis.data import build
from taicang_analysis import cli
from taicang_analysis.data import io
from taicang_analysis.data import plan_text as plan


@pytest.fixture(scope="module")
def tables():
    return build.build_tables(io.read_raw())


def _hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_rebuilding_gives_byte_identical_files_and_leaves_raw_untouched(tmp_path):
    raw_before = _hashes(io.RAW_DIR)
    first, second = tmp_path / "a", tmp_path / "b"
    assert cli.main(["data", "--out-dir", str(first)]) == 0
    assert cli.main(["data", "--out-dir", str(second)]) == 0
    assert _hashes(first) == _hashes(second)
    assert set(_hashes(first)) == {"observations.csv", "targets.csv", "known_values.csv", "coverage.csv",
                                   "revisions.csv"}
    assert _hashes(io.RAW_DIR) == raw_before


def test_every_raw_row_is_carried_or_the_build_would_have_failed(tables):
    raw = io.read_raw()
    n_raw = sum(len(frame) for _, frame in raw.observations.values())
    obs = tables["observations.csv"]
    from_files = obs[~obs["source_ref"].str.startswith("documents/")]
    # identical restatements by one source collapse to one row; nothing else may vanish
    assert len(from_files) <= n_raw
    assert len(from_files) >= n_raw - 5


def _raw_line(rel: str, line: int) -> dict:
    with open(io.RAW_DIR / rel, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return dict(zip(rows[0], rows[line - 1], strict=True))


def test_every_observation_traces_to_its_raw_row_or_the_document(tables):
    obs = tables["observations.csv"]
    sample = pd.concat([obs[obs["collection"] == "observations"], obs[obs["collection"] != "observations"].iloc[::97]])
    doc = io.read_raw().documents[build.PLAN_DOCUMENT].text
    for _, row in sample.iterrows():
        ref = row["source_ref"]
        if ref.startswith("documents/"):
            assert row["publisher"] and row["published"]
            fragment = row["quote"].split(" 完成情况 ")[-1] if ref.count("#table1/") else row["quote"]
            assert fragment in doc or row["value_printed"] in doc, ref
            continue
        rel, line = ref.rsplit(":", 1)
        raw = _raw_line(rel, int(line))
        assert raw["value"] == row["value_printed"], ref
        assert raw["indicator"] == row["indicator"] and int(raw["year"]) == row["year"], ref
        assert raw["publisher"] == row["publisher"] and raw["published"] == row["published"], ref


def test_plan_figures_enter_as_document_sourced_rows(tables):
    obs = tables["observations.csv"]
    plan_rows = obs[obs["source_ref"].str.startswith(build.PLAN_DOCUMENT)]
    rd = plan_rows[plan_rows["indicator"] == "rd_intensity"].set_index("year")
    assert rd.loc[2020, "value"] == pytest.approx(3.34)
    assert rd.loc[2015, "value"] == pytest.approx(3.34 - 1.04)
    assert rd.loc[2015, "status"] == "derived" and "1.04" in rd.loc[2015, "derivation"]
    # Table 1 restates 3.34 and 72 that the text also gives: one row each
    assert plan_rows.duplicated(["indicator", "year"]).sum() == 0


def test_disagreeing_baselines_are_both_kept_and_the_later_one_is_known(tables):
    obs, known = tables["observations.csv"], tables["known_values.csv"]
    rd2015 = obs[(obs["region"] == "Taicang") & (obs["indicator"] == "rd_intensity") & (obs["year"] == 2015)]
    assert sorted(rd2015["value"].round(2)) == [2.30, 2.35]
    k = known[(known["region"] == "Taicang") & (known["indicator"] == "rd_intensity") & (known["year"] == 2015)]
    assert k["value"].round(2).tolist() == [2.30]          # the 14th plan (2022) is the later publication
    assert "2.35" in k["superseded"].iloc[0]
    revisions = tables["revisions.csv"]
    assert ((revisions["region"] == "Taicang") & (revisions["indicator"] == "rd_intensity")
            & (revisions["year"] == 2015)).sum() == 2


def test_targets_come_from_the_document(tables):
    targets = tables["targets.csv"]
    doc = io.read_raw().documents[build.PLAN_DOCUMENT].text
    taicang = targets[targets["source_ref"].str.startswith(build.PLAN_DOCUMENT)]
    assert len(taicang[taicang["target_year"] == 2025]) == len(plan.extract_table2(doc)) == 15
    assert len(taicang[taicang["target_year"] == 2020]) == len(plan.extract_table1(doc)) == 11
    for _, t in taicang.iterrows():
        assert t["target_printed"] in doc


def test_coverage_shows_every_gap(tables):
    cov = tables["coverage.csv"]
    gaps = set(cov.loc[cov["status"] == "no published value", "indicator"])
    assert {"high_value_invention_patents_per_10k", "hightech_enterprises_valid", "tech_smes_registered"} <= gaps
    rd = cov[cov["indicator"] == "rd_intensity"]
    assert rd["year"].tolist() == [2010, 2015, 2020]
    assert set(rd["status"]) == {"derived", "reported"}


def test_a_failed_build_leaves_previous_outputs_in_place(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["data", "--out-dir", str(out)]) == 0
    before = _hashes(out)
    raw = tmp_path / "raw"
    import shutil
    shutil.copytree(io.RAW_DIR, raw)
    (raw / "observations" / "zz_bad.csv").write_text(
        "region,indicator,year,value,unit,status,publisher,document,published,published_basis\n"
        "Taicang,rd_intensity,2023,超120,%,reported,p,d,2024-04-30,stated\n", encoding="utf-8")
    assert cli.main(["data", "--raw-dir", str(raw), "--out-dir", str(out)]) == 2
    assert "observations/zz_bad.csv, row 2, column 'value'" in capsys.readouterr().err
    assert _hashes(out) == before


def test_editing_a_raw_document_is_refused(tmp_path, capsys):
    import shutil
    raw = tmp_path / "raw"
    shutil.copytree(io.RAW_DIR / "documents", raw / "documents")
    path = raw / "documents" / "taicang_14th_st_plan.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("4.2", "4.5", 1), encoding="utf-8")
    assert cli.main(["data", "--raw-dir", str(raw), "--out-dir", str(tmp_path / "out")]) == 2
    assert "does not match its recorded checksum" in capsys.readouterr().err
