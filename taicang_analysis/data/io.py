"""All disk access of the library: read ``data/raw``, write ``data/processed``.

Raw files are read as text (every cell a string) so the parser sees the figure
exactly as printed.  Outputs are written to temporary files first and moved into
place only when every table has been produced, so a failed build leaves
``data/processed`` as it was.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
RAW_DIR = PROJECT_ROOT / "data" / "raw"
PROCESSED_DIR = PROJECT_ROOT / "data" / "processed"

# collection name -> folder under data/raw holding observation CSVs of that collection
LINE_COLUMN = "_line"  # the line of the raw file a row was read from (header = 1)

OBSERVATION_FOLDERS = {
    "observations": "observations",
    "cn_provinces": "reference/cn_provinces",
    "world": "reference/world",
}


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    meta: dict
    sha256: str


@dataclass(frozen=True)
class RawInputs:
    """Everything under data/raw, as text, keyed by path relative to data/raw."""

    observations: dict[str, tuple[str, pd.DataFrame]] = field(default_factory=dict)  # rel path -> (collection, frame)
    targets: dict[str, pd.DataFrame] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)


class RawFileError(ValueError):
    """A raw file that cannot even be read as CSV/TOML."""


def read_csv_text(path: Path, rel: str) -> pd.DataFrame:
    """Every cell as text; a row with the wrong number of fields is an error naming it."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RawFileError(f"{rel}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    records, lines, end = [], [], 0
    try:
        for rec in reader:
            records.append(rec)
            lines.append(end + 1)  # the line the record starts on
            end = reader.line_num
    except csv.Error as exc:
        raise RawFileError(f"{rel}: malformed CSV at line {reader.line_num}: {exc}") from None
    if not records or not any(records[0]):
        raise RawFileError(f"{rel}: empty file (no header row)")
    header = [h.strip() for h in records[0]]
    rows, row_lines = [], []
    for rec, line in zip(records[1:], lines[1:], strict=True):
        if not any(cell.strip() for cell in rec):
            continue  # blank line
        if len(rec) != len(header):
            raise RawFileError(f"{rel}: malformed CSV: row {line} has {len(rec)} fields, the header has {len(header)}")
        rows.append(rec)
        row_lines.append(line)
    frame = pd.DataFrame(rows, columns=header, dtype=str)
    frame[LINE_COLUMN] = row_lines
    return frame


def read_raw(raw_dir: Path = RAW_DIR) -> RawInputs:
    raw_dir = Path(raw_dir)
    inputs = RawInputs()
    for collection, folder in OBSERVATION_FOLDERS.items():
        for path in sorted((raw_dir / folder).glob("*.csv")):
            rel = path.relative_to(raw_dir).as_posix()
            inputs.observations[rel] = (collection, read_csv_text(path, rel))
    for path in sorted((raw_dir / "targets").glob("*.csv")):
        rel = path.relative_to(raw_dir).as_posix()
        inputs.targets[rel] = read_csv_text(path, rel)
    for path in sorted((raw_dir / "documents").glob("*.txt")):
        rel = path.relative_to(raw_dir).as_posix()
        meta_path = path.with_suffix(".meta.toml")
        if not meta_path.exists():
            raise RawFileError(f"{rel}: no metadata file {meta_path.name} (publisher, document, published)")
        try:
            meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise RawFileError(f"{meta_path.relative_to(raw_dir).as_posix()}: malformed TOML: {exc}") from None
        data = path.read_bytes()
        inputs.documents[rel] = Document(rel, data.decode("utf-8"), meta, hashlib.sha256(data).hexdigest())
    return inputs


def frame_to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Deterministic CSV: fixed line ending, shortest round-trip float repr."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_tables_atomically(tables: dict[str, bytes], out_dir: Path = PROCESSED_DIR) -> list[Path]:
    """Write every table to a temp file in ``out_dir`` first, then move all into place."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, payload in sorted(tables.items()):
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            staged.append((name, Path(tmp)))
    except BaseException:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        raise
    written = []
    for name, tmp in staged:
        target = out_dir / name
        os.replace(tmp, target)
        written.append(target)
    return written


def read_processed(name: str, processed_dir: Path = PROCESSED_DIR) -> pd.DataFrame:
    path = Path(processed_dir) / name
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `make data` (python -m taicang_analysis data) first")
    return pd.read_csv(path, keep_default_na=False, na_values={"value": [""], "target": [""]})
