"""All disk access of the library: read ``data/raw``, write ``data/processed``.

Raw files are read as text (every cell a string) so the parser sees the figure
exactly as printed.  Outputs are written to temporary files first and moved into
place only when every table has been produced, so a failed build leaves
``data/processed`` as it was.  Processed tables are read back through their
schema (`schema`): typed columns, or an error naming what does not match.

Where ``data/`` is comes from `paths` at call time (argument, then
``TAICANG_DATA_DIR``, then the working directory, then the source tree).
``RAW_DIR``, ``PROCESSED_DIR`` and ``PROJECT_ROOT`` are still attributes of
this module for callers that use them, resolved on each use.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import paths, schema


# Defaults, looked up at use (`paths.LazyDir`); assigning a Path to one (e.g. a test's monkeypatch)
# makes every default of this module use it.
RAW_DIR = paths.LazyDir(paths.raw_dir, "RAW_DIR")
PROCESSED_DIR = paths.LazyDir(paths.processed_dir, "PROCESSED_DIR")
PROJECT_ROOT = paths.LazyDir(lambda: paths.data_dir().parent, "PROJECT_ROOT")


def _dir(explicit, default) -> Path:
    if explicit is not None:
        return Path(explicit)
    return default.path() if isinstance(default, paths.LazyDir) else Path(default)


def processed_folder(explicit=None) -> Path:
    """``explicit`` or this module's ``PROCESSED_DIR`` as a `Path`, now."""
    return _dir(explicit, PROCESSED_DIR)


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


def read_raw(raw_dir: Path | None = None) -> RawInputs:
    """Everything under ``raw_dir`` (default: ``RAW_DIR``, i.e. `paths.raw_dir`)."""
    raw_dir = _dir(raw_dir, RAW_DIR)
    if not raw_dir.is_dir():
        raise RawFileError(f"{raw_dir}: no such raw data folder")
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


def read_csv_bytes_as_text(payload: bytes) -> pd.DataFrame:
    """A CSV as written by `frame_to_csv_bytes`, every cell as text (``""`` for empty)."""
    import io as _stdio

    return pd.read_csv(_stdio.BytesIO(payload), dtype=str, keep_default_na=False, encoding="utf-8")


def write_tables_atomically(tables: dict[str, bytes], out_dir: Path | None = None) -> list[Path]:
    """Write every table to a temp file in ``out_dir`` (default: ``PROCESSED_DIR``) first,
    then move all into place."""
    out_dir = _dir(out_dir, PROCESSED_DIR)
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


def read_processed(name: str, processed_dir: Path | None = None) -> pd.DataFrame:
    """A processed table, typed by its schema (`schema.TABLES`).

    ``processed_dir`` defaults to ``PROCESSED_DIR`` (`paths.processed_dir`).  A file that is not
    declared in the schema (e.g. a researcher's own calibration table) is
    read with pandas' defaults: numbers as numbers, empty cells as NaN.

    Raises
    ------
    FileNotFoundError
        If the file is missing (saying how to build it).
    schema.SchemaError
        If a declared file does not match its schema (naming line, column, value).
    """
    path = _dir(processed_dir, PROCESSED_DIR) / name
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `make data` (python -m taicang_analysis data) first")
    if name not in schema.TABLES:
        return pd.read_csv(path)
    try:
        text = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise schema.SchemaError(f"{path}: not a readable CSV ({exc})") from None
    try:
        return schema.from_text(name, text)
    except schema.SchemaError as exc:
        raise schema.SchemaError(f"{path.parent}/{exc}") from None


def read_bytes(path: Path) -> bytes | None:
    """A file's bytes, or None if it does not exist (e.g. a cached table not fitted yet)."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        return None


def read_json(path: Path) -> dict | None:
    """A small JSON file (e.g. a cache key), or None if it is missing or unreadable."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return None


def json_bytes(obj) -> bytes:
    """Deterministic JSON (sorted keys, fixed indent, trailing newline) for `write_tables_atomically`."""
    return (json.dumps(obj, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
