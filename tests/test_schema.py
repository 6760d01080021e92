"""Typed processed tables: the build matches the schema, reading gives types, a bad file is refused by name."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from taicang_analysis import cli
from taicang_analysis.assessment import plans as plan_assessment
from taicang_analysis.data import build, io, regions, schema, validate

REPO = Path(__file__).resolve().parents[1]
BUILT = ("observations.csv", "targets.csv", "known_values.csv", "coverage.csv", "revisions.csv")


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    """The build written to a temporary folder, and the in-memory tables it came from."""
    folder = tmp_path_factory.mktemp("processed")
    tables = build.build_tables(io.read_raw(REPO / "data" / "raw"))
    io.write_tables_atomically(build.serialise(tables), folder)
    return folder, tables


@pytest.fixture(scope="module")
def typed(processed):
    folder, _ = processed
    return {name: io.read_processed(name, folder) for name in BUILT}


def test_every_built_table_is_declared_and_reads_back_as_the_build_made_it(processed, typed):
    _, tables = processed
    assert set(tables) == set(BUILT) and set(BUILT) <= set(schema.TABLES)
    for name in BUILT:
        frame = typed[name]
        assert list(frame.columns) == list(schema.get(name).names), name
        pd.testing.assert_frame_equal(frame, schema.coerce(name, tables[name]), obj=name)
        assert len(frame) == len(tables[name])


def test_columns_have_their_declared_types_and_missing_is_never_an_empty_string(typed):
    for name, frame in typed.items():
        for col in schema.get(name).columns:
            values = frame[col.name]
            if col.kind == "int":
                assert str(values.dtype) == ("Int64" if col.nullable else "int64"), (name, col.name)
            elif col.kind == "float":
                assert values.dtype == np.float64, (name, col.name)
            elif col.kind == "bool":
                assert values.dtype == bool, (name, col.name)
            else:
                assert pd.api.types.is_string_dtype(values), (name, col.name)
                if col.kind != "text":
                    assert not (values == "").any(), (name, col.name)
            if not col.nullable and col.kind != "text":
                assert not values.isna().any(), (name, col.name)
    targets = typed["targets.csv"]
    assert targets["tolerance"].isna().all()  # no target states a tolerance; was "" before typing
    cov = typed["coverage.csv"]
    gap = cov[cov["status"] == "no published value"]
    assert len(gap) and gap["year"].isna().all() and gap["value"].isna().all() and gap["source_ref"].isna().all()


def test_targets_carry_their_plan_id_and_table_row(typed):
    t = typed["targets.csv"]
    t2 = t[t["plan_id"] == build.PLAN_IDS["table2"]]
    t1 = t[t["plan_id"] == build.PLAN_IDS["table1"]]
    # the plan prints Table 2 with 序号 1-15 (2025 targets) and Table 1 with 1-11 (2020 targets)
    assert sorted(t2["row"]) == list(range(1, 16)) and set(t2["target_year"]) == {2025}
    assert sorted(t1["row"]) == list(range(1, 12)) and set(t1["target_year"]) == {2020}
    # the row agrees with the document locator it used to be parsed from
    for _, r in pd.concat([t1, t2]).iterrows():
        assert r["source_ref"].endswith(f"/{r['row']}")
    others = t[~t["plan_id"].isin(build.PLAN_IDS.values())]
    assert others["row"].isna().all() and others["plan_id"].str.contains("/").all()
    assert t.loc[t["region"] == "China", "plan_id"].str.startswith("china/").all()


def test_plan_ids_from_names_are_stable_slugs():
    assert validate.plan_id_from_name("China", "13th Five-Year Plan (2016-2020)") == \
        "china/13th_five_year_plan_2016_2020"
    assert validate.plan_id_from_name("Zhejiang", "浙江省科技创新“十三五”规划") == "zhejiang/浙江省科技创新_十三五_规划"


def test_panel_rows_carry_the_aggregate_flag_from_the_region_table(typed):
    obs = typed["observations.csv"]
    flagged = set(obs.loc[obs["aggregate"], "region"])
    assert {"World", "Euro area", "High income", "European Union", "Sunan (5 cities)",
            "Yangtze River Delta"} <= flagged
    assert not {"China", "Germany", "Jiangsu", "Taicang", "Suzhou"} & flagged
    for region, flag in obs[["region", "aggregate"]].drop_duplicates().itertuples(index=False):
        assert regions.get(region).aggregate == flag


def test_the_region_table_agrees_with_the_notes_it_was_made_from(typed):
    """The World Bank list in data/regions.py was taken once from the raw notes; they must still agree."""
    world = typed["observations.csv"].query("collection == 'world'")
    noted = set(world.loc[world["note"].str.contains("aggregate (World Bank group", regex=False), "region"])
    assert noted == set(regions.WORLD_BANK_AGGREGATES)
    assert set(world.loc[world["aggregate"], "region"]) == noted


def test_an_unlisted_region_stops_the_build_naming_file_row_and_region(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "data" / "raw" / "documents", raw / "documents")
    (raw / "observations").mkdir()
    (raw / "observations" / "new.csv").write_text(
        "region,indicator,year,value,unit,status,publisher,document,published,published_basis\n"
        "Atlantis,rd_intensity,2020,3.1,%,reported,p,d,2021-01-01,stated\n", encoding="utf-8")
    with pytest.raises(validate.RawDataError) as err:
        build.build_tables(io.read_raw(raw))
    text = str(err.value)
    assert "observations/new.csv, row 2, column 'region', value 'Atlantis'" in text
    assert "regions.py" in text


def _write(folder: Path, name: str, frame: pd.DataFrame) -> None:
    io.write_tables_atomically({name: io.frame_to_csv_bytes(frame)}, folder)


@pytest.mark.parametrize("change, message", [
    (lambda f: f.drop(columns="aggregate"), "missing column(s) aggregate"),
    (lambda f: f.assign(extra=1), "unexpected column(s) extra"),
    (lambda f: f.assign(year=f["year"].astype(str).str.replace("2020", "20x0")), "column 'year', value '20x0': not an integer"),
    (lambda f: f.assign(status=f["status"].replace("reported", "final")), "column 'status', value 'final': not an allowed"),
    (lambda f: f.assign(value=f["value"].astype(object).where(f.index != 3, "")), "line 5, column 'value', value '': must not be empty"),
    (lambda f: f.assign(published=f["published"].where(f.index != 0, "31/12/2020")), "line 2, column 'published'"),
    (lambda f: f.assign(aggregate=f["aggregate"].astype(str).where(f.index != 0, "yes")), "True or False"),
])
def test_a_file_that_does_not_match_is_refused_with_where_and_why(processed, tmp_path, change, message):
    folder, tables = processed
    _write(tmp_path, "observations.csv", change(tables["observations.csv"].head(20)))
    with pytest.raises(schema.SchemaError, match="observations.csv") as err:
        io.read_processed("observations.csv", tmp_path)
    assert message in str(err.value)
    assert str(tmp_path) in str(err.value)


def test_an_undeclared_table_is_read_with_pandas_defaults(tmp_path):
    (tmp_path / "mine.csv").write_text("a,b\n1,\n2,x\n", encoding="utf-8")
    frame = io.read_processed("mine.csv", tmp_path)
    assert frame["a"].tolist() == [1, 2] and pd.isna(frame.at[0, "b"])


def test_assessment_callers_work_with_nan_for_missing(typed):
    """plans.target_spec read "" as "no tolerance"; it must read NaN the same way."""
    row = typed["targets.csv"].query("plan_id == @build.PLAN_IDS['table2'] and row == 1").iloc[0]
    spec = plan_assessment.target_spec(row)
    assert spec.tolerance is None and spec.value == 4.2 and spec.year == 2025


def test_the_cli_data_command_writes_tables_that_read_back(tmp_path):
    assert cli.main(["data", "--out-dir", str(tmp_path)]) == 0
    for name in BUILT:
        io.read_processed(name, tmp_path)
