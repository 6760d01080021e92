"""The malformed-file corpus: each bad raw file stops the build with its own message
(file, row, column, value, reason) and leaves data/processed untouched."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from taicang_analysis import cli
from taicang_analysis.data import io

HERE = Path(__file__).parent
CORPUS = HERE / "malformed"


def _expectations() -> dict[str, list[dict]]:
    by_file: dict[str, list[dict]] = {}
    with open(CORPUS / "expected.csv", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            by_file.setdefault(rec["file"], []).append(rec)
    return by_file


EXPECTED = _expectations()


def _raw_tree_with(tmp_path: Path, name: str, kind: str) -> Path:
    """A clean minimal raw tree (the plan document only) plus one bad file."""
    raw = tmp_path / "raw"
    shutil.copytree(io.RAW_DIR / "documents", raw / "documents")
    folder = raw / ("observations" if kind == "observations" else "targets")
    folder.mkdir(parents=True)
    shutil.copy(CORPUS / name, folder / name)
    return raw


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_corpus_is_large_enough_and_every_file_has_an_expectation():
    files = {p.name for p in CORPUS.glob("*.csv")} - {"expected.csv"}
    assert len(files) >= 30
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_fails_with_its_message_and_writes_nothing(name, tmp_path, capsys):
    expectations = EXPECTED[name]
    raw = _raw_tree_with(tmp_path, name, expectations[0]["kind"])
    out = tmp_path / "processed"
    out.mkdir()
    (out / "observations.csv").write_bytes(b"previous build\n")
    before = _snapshot(out)

    code = cli.main(["data", "--raw-dir", str(raw), "--out-dir", str(out)])

    err = capsys.readouterr().err
    assert code == 2
    folder = "observations" if expectations[0]["kind"] == "observations" else "targets"
    for exp in expectations:
        assert f"{folder}/{name}" in err
        if int(exp["row"]) > 0:
            assert f"{folder}/{name}, row {exp['row']}, column '{exp['column']}'" in err, err
        assert exp["reason_contains"] in err, err
    assert _snapshot(out) == before  # nothing written, nothing half-written, no temp files left


def test_all_problems_of_a_file_are_reported_at_once(tmp_path, capsys):
    raw = _raw_tree_with(tmp_path, "many_problems_at_once.csv", "observations")
    assert cli.main(["data", "--raw-dir", str(raw), "--out-dir", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: 3 problem(s)")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
