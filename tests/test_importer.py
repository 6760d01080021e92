"""The shared-data converter (scripts/import_shared_data.py) reproduces data/raw exactly.

The crosswalk CSVs hold every decision; the proof that turning the old mapping dicts into
data lost nothing is that a run into an empty folder gives every data/raw file byte for byte.
"""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "import_shared_data.py"
SHARED = ROOT.parent / "shared"
RAW = ROOT / "data" / "raw"

needs_shared = pytest.mark.skipif(
    not (SHARED / "data").is_dir(),
    reason=f"the shared data folder {SHARED / 'data'} (../shared/data beside the clone) is absent")


def _load():
    spec = importlib.util.spec_from_file_location("import_shared_data", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), "--shared", str(SHARED), *args],
                          capture_output=True, text=True, cwd=ROOT)


def _raw_files() -> set[str]:
    return {p.relative_to(RAW).as_posix() for p in RAW.rglob("*") if p.is_file() and p.name != "README.md"}


@needs_shared
def test_converter_reproduces_every_raw_file_byte_for_byte(tmp_path):
    done = _run("--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    made = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert made == _raw_files()
    differing = [rel for rel in sorted(made) if (tmp_path / rel).read_bytes() != (RAW / rel).read_bytes()]
    assert differing == []


@needs_shared
def test_every_input_row_is_written_or_listed_as_not_carried():
    mod = _load()
    outputs, ledger = mod.build(SHARED)
    assert sum(ledger["read"].values()) == sum(ledger["written"].values()) + len(ledger["not_carried"])
    with open(SCRIPT.parent / "crosswalk" / "not_carried.csv", encoding="utf-8", newline="") as fh:
        listed = [r for r in csv.DictReader(fh) if r["input"] in ledger["read"]]
    listed_refs = sorted(f"{r['input']}:{r['line']}" for r in listed)
    assert sorted(ref for ref, _ in ledger["not_carried"]) == listed_refs
    assert all(r["reason"].strip() for r in listed)
    # every written observation row names the input line it came from
    for rel, data in outputs.items():
        if rel.endswith(".csv"):
            rows = list(csv.DictReader(data.decode("utf-8").splitlines()))
            assert rows and all(r["source_ref"].split(":")[0] in ledger["read"] for r in rows), rel


@needs_shared
def test_refuses_to_overwrite_a_differing_file_and_writes_nothing(tmp_path):
    target = tmp_path / "observations" / "taicang.csv"
    target.parent.mkdir(parents=True)
    target.write_text("region\nedited\n", encoding="utf-8")
    done = _run("--out", str(tmp_path))
    assert done.returncode == 2
    assert "append-only" in done.stderr and "observations/taicang.csv" in done.stderr
    assert "Traceback" not in done.stderr
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["taicang.csv"]


@needs_shared
def test_a_stale_not_carried_entry_is_an_error_naming_the_line(tmp_path):
    mod = _load()
    cw = mod.Crosswalk()
    key = next(k for k in cw.not_carried if k[0] == mod.REGIONAL)
    cw.not_carried[key] = {**cw.not_carried[key], "region": "Nowhere"}
    with pytest.raises(ValueError, match=rf"{mod.REGIONAL}:{key[1]} .*the shared file changed"):
        mod.build(SHARED, cw)


def test_panel_templates_fill_fields_and_drop_empty_note_parts():
    mod = _load()
    cw = mod.Crosswalk.__new__(mod.Crosswalk)
    cw.regions, cw.units, cw.sources, cw.details = {}, {("x.csv", "pct"): "%"}, {}, {}
    cw.indicators = {("x.csv", "A"): "rd_intensity"}
    cw.flags = {"x.csv": [{"column": "agg", "value": "*", "var": "aggregate", "text": ""},
                          {"column": "agg", "value": "True", "var": "aggregate", "text": "an aggregate"}]}
    spec = {c: "" for c in mod.OBS_COLUMNS}
    spec.update(input="x.csv", region="{region_name}", indicator="{indicator_id}", year="{year}",
                value="{value_plain}", derivation="{value_div100}", unit="{unit_id}", published="{Y1}-12-31",
                note="{aggregate} | row {line}",
                extra_columns="code={agg}", source_ref="x.csv:{line}")
    base = {"indicator": "A", "unit": "pct"}
    rows = [(2, {**base, "region": "R", "year": "2020", "value": "1.5", "agg": "True"}),
            (3, {**base, "region": "S", "year": "2021", "value": "2e-05", "agg": "False"})]
    out = mod.convert_panel(cw, spec, rows)
    assert out[0]["published"] == "2021-12-31" and out[0]["indicator"] == "rd_intensity"
    assert out[0]["unit"] == "%" and out[0]["value"] == "1.5" and out[0]["derivation"] == "0.015"
    assert out[1]["value"] == "0.00002"  # an exponent written out, exactly
    assert out[0]["note"] == "an aggregate | row 2" and out[1]["note"] == "row 3"
    assert out[1]["code"] == "False" and out[1]["source_ref"] == "x.csv:3"
