"""The processed tables' schema: columns, types, allowed values, which may be missing.

Every table written to ``data/processed`` is declared here; `io.read_processed`
reads a file through its declaration, so a caller gets typed columns and a file
that does not match stops with an error naming file, line, column, value and
reason (rebuild it: ``python -m taicang_analysis data``).

Column kinds and what a reader gets:

============  ===================================  ===========================
kind          in memory                            missing
============  ===================================  ===========================
``str``       pandas string (a code, a name)       NaN (never ``""``)
``text``      pandas string (free text: note,     ``""`` means nothing was
              quote, url, ...)                     written; not a missing value
``date``      pandas string ``YYYY-MM-DD``         NaN
``int``       ``int64`` (``Int64`` if nullable)    ``<NA>``
``float``     ``float64``                          NaN
``bool``      ``bool`` (written ``True``/``False``) never
============  ===================================  ===========================

Writing is the build's: the schema only checks.  A test holds the build's
output to the schema, so a change of columns is a change made here first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from . import registry
from .validate import COMPARATORS, PUBLISHED_BASES, QUALIFIERS, STATUSES

__all__ = ["Column", "Table", "SchemaError", "TABLES", "KINDS", "get", "coerce", "check"]

KINDS = ("str", "text", "date", "int", "float", "bool")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT = re.compile(r"^[+-]?\d+(?:\.0)?$")  # "2003.0": pandas writes whole numbers of a float column so


class SchemaError(ValueError):
    """A processed table that does not match its declaration; the message names where and why."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    nullable: bool = False
    allowed: tuple | None = None  # for str columns: the only values it may hold

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name}: kind must be one of {', '.join(KINDS)}")
        if self.kind in ("text", "bool") and self.nullable:
            raise ValueError(f"column {self.name}: a {self.kind} column is never missing")

    @property
    def dtype(self):
        if self.kind in ("str", "text", "date"):
            return "str"  # pandas 3 default string dtype: NaN for missing
        if self.kind == "int":
            return "Int64" if self.nullable else "int64"
        return {"float": "float64", "bool": "bool"}[self.kind]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    description: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name, kind="str", nullable=False, allowed=None) -> Column:
    return Column(name, kind, nullable, allowed)


_COLLECTIONS = ("observations", "cn_provinces", "world")
_POOL_TYPES = ("with_reference", "own_models_only")
_CELL_POOL_TYPES = ("all",) + _POOL_TYPES + ("reference_only",)  # a fitted cell: an indicator may have all three


def _indicator_ids() -> tuple[str, ...]:
    return tuple(i.id for i in registry.INDICATORS)


_OBSERVATION = (
    _c("collection", allowed=_COLLECTIONS), _c("region"), _c("aggregate", "bool"),
    _c("indicator", allowed=_indicator_ids()), _c("year", "int"), _c("value", "float"), _c("unit"),
    _c("qualifier", allowed=QUALIFIERS), _c("status", allowed=STATUSES), _c("value_printed"),
    _c("unit_printed", "text"), _c("derivation", "text"), _c("publisher"), _c("document"), _c("url", "text"),
    _c("published", "date"), _c("published_basis", allowed=PUBLISHED_BASES), _c("quote", "text"),
    _c("note", "text"), _c("source_ref"),
)

_TARGETS = (
    _c("region"), _c("indicator", allowed=_indicator_ids()), _c("target_year", "int"), _c("target", "float"),
    _c("unit"), _c("comparator", allowed=tuple(sorted(set(COMPARATORS.values())))),
    _c("tolerance", "float", nullable=True), _c("qualifier", allowed=QUALIFIERS), _c("target_printed"),
    _c("plan_id"), _c("plan"), _c("row", "int", nullable=True), _c("set_year", "int", nullable=True),
    _c("publisher"), _c("document"), _c("url", "text"), _c("published", "date"),
    _c("published_basis", allowed=PUBLISHED_BASES), _c("quote", "text"), _c("note", "text"), _c("source_ref"),
)

_COVERAGE = (
    _c("indicator", allowed=_indicator_ids()), _c("year", "int", nullable=True),
    _c("value", "float", nullable=True), _c("unit"),
    _c("status", allowed=STATUSES + ("no published value",)), _c("qualifier", nullable=True, allowed=QUALIFIERS),
    _c("n_sources", "int"), _c("source_ref", nullable=True),
)

# backtest tables (written by `python -m taicang_analysis backtest` / evaluation.backtest.ensure_calibration)
_CALIBRATION = (
    _c("indicator", allowed=("all",) + _indicator_ids()), _c("pool_type", allowed=_CELL_POOL_TYPES),
    _c("horizon"), _c("factor", "float"), _c("n", "int"),
    _c("coverage_before", "float", nullable=True), _c("coverage_cv", "float", nullable=True), _c("basis", "text"),
)

_F = "float"


def _floats(*names, nullable=True) -> tuple[Column, ...]:
    return tuple(Column(n, _F, nullable) for n in names)


_CASES = (
    _c("case_id"), _c("case_set", allowed=("past_plan", "taicang_13th", "taicang_other")), _c("region"),
    _c("indicator", allowed=_indicator_ids()), _c("plan"), _c("target", _F),
    _c("comparator", allowed=("ge", "le", "about")), _c("tolerance", _F, True), _c("threshold", _F),
    _c("direction", allowed=("up", "down")), _c("target_year", "int"), _c("set_year", "int"), _c("as_of", "date"),
    _c("as_of_note", "text"), _c("source", nullable=True, allowed=_COLLECTIONS), _c("source_note", "text"),
    _c("series", "text"), _c("n_obs", "int"), _c("first_year", "int", True), _c("latest_year", "int", True),
    _c("latest_value", _F, True), _c("horizon", "int", True), _c("outcome", _F, True),
    _c("outcome_published", "date", True), _c("met", _F, True), _c("status", allowed=("scored", "excluded")),
    _c("reason", "text"), _c("series_indicator", allowed=_indicator_ids()),
    *_floats("probability", "probability_calibrated"),
    _c("pool_type", nullable=True, allowed=_POOL_TYPES + ("reference_only",)), _c("spread", _F, True),
    _c("grade", nullable=True), _c("grade_basis", "text"),
    *_floats("median", "lower", "upper", "lower_calibrated", "upper_calibrated", "eurostat_rate_ratio",
             "un_projected_gap", "time_proportional", "linear_extrapolation"),
    _c("pool_members", "text"), _c("probability_reason", "text"),
    *_floats("brier_contribution", "brier_contribution_calibrated", "base_rate"),
)

_ROLLING = (
    _c("panel", allowed=_COLLECTIONS), _c("indicator", allowed=_indicator_ids()), _c("region"), _c("origin", "int"), _c("horizon", "int"), _c("year", "int"),
    _c("member"), _c("pool_type", nullable=True, allowed=_CELL_POOL_TYPES[1:]), _c("weight", _F), _c("n_obs", "int"),
    _c("first_year", "int"), _c("latest", _F), _c("n_members", "int"), _c("outcome", _F),
    *_floats("median", "lower80", "upper80", "lower95", "upper95", nullable=False),
    _c("covered80", "bool"), _c("covered95", "bool"), _c("error", _F), _c("log_error", _F, True),
    *_floats("pit", "z_outcome", "z_median", "z_lower80", "z_upper80", "z_lower95", "z_upper95", "r80", "r95",
             nullable=False),
)

_SCORES = (
    _c("case_set"), _c("metric"), _c("method"), _c("reference", nullable=True), _c("value", _F, True),
    _c("n", "int"), _c("n_cohorts", "int"), *_floats("brier_low", "brier_high", "log_low", "log_high",
                                                     "brier_diff_vs_base_rate", "brier_diff_vs_base_rate_low",
                                                     "brier_diff_vs_base_rate_high", "expected_successes",
                                                     "expected_successes_low", "expected_successes_high"),
    _c("observed_successes", "int"),
)

_RELIABILITY = (
    _c("case_set"), _c("method"), _c("bin"), _c("lower", _F), _c("upper", _F), _c("n", "int"),
    *_floats("mean_predicted", "observed_frequency"), _c("n_met", "int"),
)

_COVERAGE_BY_HORIZON = (
    _c("indicator", allowed=_indicator_ids()), _c("panel"), _c("member"), _c("horizon", "int"), _c("n", "int"),
    *_floats("coverage80", "coverage95", "mean_error", "median_abs_error", "mean_log_error",
             "median_abs_log_error", "mean_pit"),
    _c("n_cohorts", "int"), *_floats("coverage80_low", "coverage80_high"),
)

_SPREAD = (
    _c("indicator", allowed=("all",) + _indicator_ids()), _c("pool_type", allowed=_CELL_POOL_TYPES),
    _c("horizon"), _c("n", "int"), _c("factor", _F, True),
    _c("basis", "text"),
    *_floats("coverage80_before", "coverage80_after_insample", "coverage80_after_cv", "coverage95_before",
             "coverage95_after_insample", "coverage95_after_cv", "required80", "level"),
)

_SPREAD_LOO = (
    _c("indicator", allowed=("all",) + _indicator_ids()), _c("group"), _c("n_rows", "int"), *_floats("overall_without", "coverage_before", "coverage_after"),
)

TABLES: dict[str, Table] = {t.name: t for t in (
    Table("observations.csv", _OBSERVATION, "published figure (every source, every vintage)"),
    Table("known_values.csv", _OBSERVATION + (_c("n_sources", "int"), _c("superseded", "text")),
          "figure (collection, region, indicator, year): the value of the latest publication"),
    Table("targets.csv", _TARGETS, "target of a plan"),
    Table("coverage.csv", _COVERAGE, "home-region indicator x year"),
    Table("revisions.csv", _OBSERVATION + (_c("valid_from", "date", nullable=True),
                                           _c("valid_to", "date", nullable=True), _c("current", "bool")),
          "publication of a figure published more than once with different values"),
    Table("backtest_calibration.csv", _CALIBRATION, "spread factor by indicator, pool type and horizon"),
    Table("backtest_cases.csv", _CASES, "target whose outcome is known (or why it is not scored)"),
    Table("backtest_rolling.csv", _ROLLING, "rolling origin x horizon x model"),
    Table("backtest_scores.csv", _SCORES, "case set x metric x method"),
    Table("backtest_reliability.csv", _RELIABILITY, "case set x method x probability bin"),
    Table("backtest_coverage_by_horizon.csv", _COVERAGE_BY_HORIZON, "panel x member x horizon"),
    Table("backtest_spread.csv", _SPREAD, "spread factor fit: indicator x pool type x horizon"),
    Table("backtest_spread_loo.csv", _SPREAD_LOO, "left-out region"),
)}


def get(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"no schema for processed table {name!r}; declared: {', '.join(sorted(TABLES))}") from None


def _where(file: str, i: int, col: str, value) -> str:
    return f"{file}, line {i + 2}, column '{col}', value {value!r}"


def _text_column(table: Table, col: Column, raw: pd.Series) -> pd.Series:
    """From the CSV's text cells: typed values, ``""`` -> missing (except free text)."""
    file = table.name
    blank = raw == ""
    if blank.any() and not col.nullable and col.kind != "text":
        i = int(blank.to_numpy().nonzero()[0][0])
        raise SchemaError(f"{_where(file, i, col.name, '')}: must not be empty (rebuild: python -m taicang_analysis data)")
    if col.kind in ("str", "text", "date"):
        out = raw.astype(col.dtype)
        return out.mask(blank) if col.kind != "text" else out
    if col.kind == "bool":
        bad = ~raw.isin(("True", "False"))
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise SchemaError(f"{_where(file, i, col.name, raw.iloc[i])}: a boolean is written True or False")
        return (raw == "True").astype(bool)
    if col.kind == "int":
        bad = ~blank & ~raw.str.fullmatch(_INT.pattern).astype(bool)
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise SchemaError(f"{_where(file, i, col.name, raw.iloc[i])}: not an integer")
        return pd.to_numeric(raw.mask(blank), errors="raise").astype("Int64").astype(col.dtype)
    values = pd.to_numeric(raw.mask(blank), errors="coerce").astype(float)
    bad = ~blank & values.isna() & (raw.str.lower() != "nan")
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise SchemaError(f"{_where(file, i, col.name, raw.iloc[i])}: not a number")
    if not col.nullable and values.isna().any():
        i = int(values.isna().to_numpy().nonzero()[0][0])
        raise SchemaError(f"{_where(file, i, col.name, raw.iloc[i])}: must not be missing")
    return values


def _check_values(table: Table, col: Column, values: pd.Series) -> None:
    present = values.dropna()
    if col.kind == "date":
        bad = ~present.str.fullmatch(_DATE.pattern).astype(bool)
        if bad.any():
            i = values.index.get_loc(bad[bad].index[0])
            raise SchemaError(f"{_where(table.name, i, col.name, present[bad].iloc[0])}: not a date YYYY-MM-DD")
    if col.allowed is not None:
        bad = ~present.isin(col.allowed)
        if bad.any():
            i = values.index.get_loc(bad[bad].index[0])
            shown = ", ".join(map(str, col.allowed[:12])) + (", ..." if len(col.allowed) > 12 else "")
            raise SchemaError(f"{_where(table.name, i, col.name, present[bad].iloc[0])}: not an allowed value "
                              f"({shown})")


def from_text(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A table read as text (every cell a string, ``""`` for empty) -> typed and checked.

    Raises
    ------
    SchemaError
        Naming the first column missing or unexpected, or the first cell that does not fit.
    """
    table = get(name)
    got, want = list(frame.columns), list(table.names)
    if got != want:
        missing = [c for c in want if c not in got]
        extra = [c for c in got if c not in want]
        detail = "; ".join(filter(None, [f"missing column(s) {', '.join(missing)}" if missing else "",
                                         f"unexpected column(s) {', '.join(extra)}" if extra else "",
                                         "columns out of order" if not missing and not extra else ""]))
        raise SchemaError(f"{name}: does not match its schema ({detail}); rebuild it "
                          "(python -m taicang_analysis data, or the backtest for backtest_* tables)")
    frame = frame.reset_index(drop=True)
    out = {}
    for col in table.columns:
        values = _text_column(table, col, frame[col.name].astype(str))
        _check_values(table, col, values)
        out[col.name] = values
    return pd.DataFrame(out, columns=list(table.names))


def coerce(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """An in-memory table (e.g. the build's) in the schema's types, checked.

    Goes through the CSV text the table would be written as, so the result is
    exactly what `io.read_processed` gives after a write.
    """
    from .io import frame_to_csv_bytes, read_csv_bytes_as_text

    return from_text(name, read_csv_bytes_as_text(frame_to_csv_bytes(frame)))


def check(name: str, frame: pd.DataFrame) -> None:
    """Raise `SchemaError` unless ``frame`` matches the table's schema."""
    coerce(name, frame)
