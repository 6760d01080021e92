"""Check raw source files and turn them into tidy, typed rows.

Every problem names the file, the row (the line number in the file, header = 1),
the column, the value and the reason; all problems in all files are collected
before anything is raised, so a user fixes a file in one pass.  Only
pure frames go in and out: reading files is ``io``'s job.

pandera was considered: its lazy failure-case tables give row and column, but our
checks run on *parsed* published text (qualifier words, 万, units that must convert
to the indicator's unit), so the reasons would come from our own parser anyway; a
plain checker keeps the messages specific and saves a dependency.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from . import parse, regions, registry

OBSERVATION_REQUIRED = (
    "region", "indicator", "year", "value", "unit", "status",
    "publisher", "document", "published", "published_basis",
)
OBSERVATION_OPTIONAL = ("qualifier", "derivation", "url", "quote", "note")
TARGET_REQUIRED = (
    "region", "indicator", "target_year", "target", "unit", "comparator",
    "plan", "publisher", "document", "published", "published_basis",
)
TARGET_OPTIONAL = ("tolerance", "set_year", "plan_id", "url", "quote", "note")

STATUSES = ("reported", "preliminary", "derived")
PUBLISHED_BASES = ("stated", "inferred")
QUALIFIERS = ("exact", "about", "more_than", "at_least", "nearly", "at_most")
COMPARATORS = {">=": "ge", "ge": "ge", "<=": "le", "le": "le", "about": "about"}
_YEAR = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MULTIPLIER = re.compile(r"[万亿]")

# Tidy observation columns, in output order.
OBSERVATION_COLUMNS = (
    "collection", "region", "aggregate", "indicator", "year", "value", "unit", "qualifier", "status",
    "value_printed", "unit_printed", "derivation", "publisher", "document", "url",
    "published", "published_basis", "quote", "note", "source_ref",
)


@dataclass(frozen=True)
class Problem:
    file: str
    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, column '{self.column}', value {self.value!r}: {self.reason}"


class RawDataError(ValueError):
    """Raised with every problem found; nothing has been written when it is."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        files = sorted({p.file for p in self.problems})
        head = f"{len(self.problems)} problem(s) in raw data ({', '.join(files)}); nothing was written"
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in self.problems))


def _missing_columns(frame: pd.DataFrame, required: tuple[str, ...], file: str) -> list[Problem]:
    missing = [c for c in required if c not in frame.columns]
    return [Problem(file, 1, c, "", "required column is missing from the header") for c in missing]


def _records(frame: pd.DataFrame):
    """(line in the raw file, row as stripped text) for every row."""
    for i, rec in enumerate(frame.to_dict("records")):
        line = int(rec.pop("_line", i + 2))
        yield line, {k: ("" if v is None else str(v).strip()) for k, v in rec.items()}


def _empty_required(rec: dict, required: tuple[str, ...], checked_elsewhere: tuple[str, ...],
                    file: str, line: int) -> list[Problem]:
    return [Problem(file, line, c, "", f"{c} is required and empty")
            for c in required if not rec[c] and c not in checked_elsewhere]


def _indicator(rec: dict, file: str, line: int, problems: list[Problem]) -> registry.Indicator | None:
    """The row's registry indicator; an unknown id is recorded as a problem."""
    if not rec["indicator"]:
        return None
    try:
        return registry.get(rec["indicator"])
    except registry.UnknownIndicator:
        problems.append(Problem(file, line, "indicator", rec["indicator"],
                                "unknown indicator (see `python -m taicang_analysis indicators`)"))
        return None


def _region(rec: dict, file: str, line: int, problems: list[Problem]) -> regions.Region | None:
    """The row's region from the typed region table; an unlisted name is recorded as a problem."""
    if not rec["region"]:
        return None
    try:
        return regions.get(rec["region"])
    except regions.UnknownRegion as exc:
        problems.append(Problem(file, line, "region", rec["region"], str(exc)))
        return None


def plan_id_from_name(region: str, plan: str) -> str:
    """A stable id for a plan named in a raw targets file without a ``plan_id``: region/plan, slugged.

    ``("China", "13th Five-Year Plan (2016-2020)")`` -> ``"china/13th_five_year_plan_2016_2020"``;
    Chinese characters are kept (``"zhejiang/浙江省科技创新_十三五_规划"``).
    """
    def slug(text: str) -> str:
        return re.sub(r"[^\w]+", "_", unicodedata.normalize("NFKC", text).casefold()).strip("_")[:80].rstrip("_")
    return f"{slug(region)}/{slug(plan)}"


def _check_date(text: str, file: str, row: int, column: str, today: dt.date) -> tuple[dt.date | None, list[Problem]]:
    if not text:
        return None, [Problem(file, row, column, text, "publication date is missing (YYYY-MM-DD required)")]
    if not _DATE.match(text):
        return None, [Problem(file, row, column, text, "not a date in the form YYYY-MM-DD")]
    try:
        date = dt.date.fromisoformat(text)
    except ValueError as exc:
        return None, [Problem(file, row, column, text, f"not a valid date ({exc})")]
    if date > today:
        return None, [Problem(file, row, column, text, f"publication date is in the future (today is {today})")]
    return date, []


def _check_bounds(value: float, ind: registry.Indicator, file: str, row: int, text: str) -> list[Problem]:
    if ind.bounds is None:
        return []
    lo, hi = ind.bounds
    if value < lo or value > hi:
        what = "a share" if ind.is_share else "a count or amount"
        return [Problem(file, row, "value", text, f"{what} must lie in [{lo:g}, {hi:g}] for {ind.id}; got {value:g}")]
    return []


def _parse_value(text: str, unit_text: str, qualifier_text: str, ind: registry.Indicator,
                 file: str, row: int) -> tuple[float | None, str | None, list[Problem]]:
    """Number as printed, in the indicator's unit, and its qualifier."""
    try:
        number = parse.parse_number(text)
    except parse.ParseError as exc:
        return None, None, [Problem(file, row, "value", text, str(exc))]
    if not unit_text:
        return None, None, [Problem(file, row, "unit", unit_text, "unit is missing")]
    try:
        unit = parse.canonical_unit(unit_text)
    except parse.UnitError as exc:
        return None, None, [Problem(file, row, "unit", unit_text, str(exc))]
    problems: list[Problem] = []
    if number.unit is not None and number.unit != unit:
        # "1.57万家" in a 家 column is fine (parse applied 万); a clash is not
        problems.append(Problem(file, row, "value", text,
                                f"the value carries unit {number.unit!r} but the unit column says {unit_text!r}"))
    if _MULTIPLIER.search(text) and number.unit is None and unit[:1] in ("万", "亿"):
        problems.append(Problem(file, row, "value", text,
                                f"万/亿 appears both in the value and in the unit {unit_text!r}: write the number "
                                f"in the unit (e.g. 82.86 with unit 万人)"))
    try:
        value = parse.convert_unit(number.value, unit, ind.unit)
    except parse.UnitError as exc:
        problems.append(Problem(file, row, "unit", unit_text, f"does not convert to {ind.id}'s unit {ind.unit!r}: {exc}"))
        return None, None, problems
    qualifier = number.qualifier
    if qualifier_text:
        if qualifier_text not in QUALIFIERS:
            problems.append(Problem(file, row, "qualifier", qualifier_text, f"unknown qualifier; use one of {', '.join(QUALIFIERS)}"))
        elif number.qualifier != "exact" and number.qualifier != qualifier_text:
            problems.append(Problem(file, row, "qualifier", qualifier_text,
                                    f"disagrees with the value text, which reads as {number.qualifier!r}"))
        else:
            qualifier = qualifier_text
    problems += _check_bounds(value, ind, file, row, text)
    return value, qualifier, problems


def check_observations(frame: pd.DataFrame, file: str, *, collection: str, today: dt.date) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate one raw observation file (all cells as text) and return tidy rows.

    Rows with a problem are left out of the returned frame; the caller raises if
    any problem was found, so a partial frame is never written anywhere.
    """
    problems = _missing_columns(frame, OBSERVATION_REQUIRED, file)
    if problems:
        return pd.DataFrame(columns=OBSERVATION_COLUMNS), problems
    rows = []
    for line, rec in _records(frame):
        row_problems = _empty_required(rec, OBSERVATION_REQUIRED, ("value", "published"), file, line)
        ind = _indicator(rec, file, line, row_problems)
        region = _region(rec, file, line, row_problems)
        year = None
        if rec["year"] and not _YEAR.match(rec["year"]):
            row_problems.append(Problem(file, line, "year", rec["year"], "year must be four digits"))
        elif rec["year"]:
            year = int(rec["year"])
        if rec["status"] and rec["status"] not in STATUSES:
            row_problems.append(Problem(file, line, "status", rec["status"], f"unknown status; use one of {', '.join(STATUSES)}"))
        if rec["status"] == "derived" and not rec.get("derivation", ""):
            row_problems.append(Problem(file, line, "derivation", "", "a derived value must record its arithmetic"))
        if rec["published_basis"] and rec["published_basis"] not in PUBLISHED_BASES:
            row_problems.append(Problem(file, line, "published_basis", rec["published_basis"],
                                        f"use one of {', '.join(PUBLISHED_BASES)}"))
        published, date_problems = _check_date(rec["published"], file, line, "published", today)
        row_problems += date_problems
        if year is not None and published is not None and year > published.year:
            row_problems.append(Problem(file, line, "year", rec["year"],
                                        f"describes a year after its publication date {published}"))
        value = qualifier = None
        if ind is not None:
            value, qualifier, value_problems = _parse_value(
                rec["value"], rec["unit"], rec.get("qualifier", ""), ind, file, line)
            row_problems += value_problems
        if row_problems:
            problems += row_problems
            continue
        rows.append({
            "collection": collection, "region": region.id, "aggregate": region.aggregate, "indicator": ind.id,
            "year": year,
            "value": value, "unit": ind.unit, "qualifier": qualifier, "status": rec["status"],
            "value_printed": rec["value"], "unit_printed": rec["unit"],
            "derivation": rec.get("derivation", ""), "publisher": rec["publisher"], "document": rec["document"],
            "url": rec.get("url", ""), "published": published.isoformat(), "published_basis": rec["published_basis"],
            "quote": rec.get("quote", ""), "note": rec.get("note", ""), "source_ref": f"{file}:{line}",
        })
    return pd.DataFrame(rows, columns=OBSERVATION_COLUMNS), problems


def duplicate_conflicts(tidy: pd.DataFrame) -> list[Problem]:
    """Rows of one source (publisher, document, publication date) that give one
    figure two different values: the source contradicts itself, or a row was mistyped."""
    key = ["collection", "region", "indicator", "year", "publisher", "document", "published"]
    problems = []
    for _, group in tidy.groupby(key, sort=True):
        if group["value"].nunique() > 1:
            first = group.iloc[0]
            for _, other in group.iloc[1:].iterrows():
                if other["value"] != first["value"]:
                    file, row = other["source_ref"].rsplit(":", 1)
                    problems.append(Problem(
                        file, int(row), "value", other["value_printed"],
                        f"duplicate of {first['source_ref']} ({first['region']}, {first['indicator']}, "
                        f"{first['year']}, same source) with a different value {first['value_printed']!r}"))
    return problems


TARGET_COLUMNS = (
    "region", "indicator", "target_year", "target", "unit", "comparator", "tolerance", "qualifier",
    "target_printed", "plan_id", "plan", "row", "set_year", "publisher", "document", "url", "published",
    "published_basis", "quote", "note", "source_ref",
)


def check_targets(frame: pd.DataFrame, file: str, *, today: dt.date) -> tuple[pd.DataFrame, list[Problem]]:
    """Validate a raw file of targets set by plans; same rules as observations."""
    problems = _missing_columns(frame, TARGET_REQUIRED, file)
    if problems:
        return pd.DataFrame(columns=TARGET_COLUMNS), problems
    rows = []
    for line, rec in _records(frame):
        row_problems = _empty_required(rec, TARGET_REQUIRED, ("target", "published"), file, line)
        ind = _indicator(rec, file, line, row_problems)
        _region(rec, file, line, row_problems)
        if rec["target_year"] and not _YEAR.match(rec["target_year"]):
            row_problems.append(Problem(file, line, "target_year", rec["target_year"], "year must be four digits"))
        set_year = rec.get("set_year", "")
        if set_year and not _YEAR.match(set_year):
            row_problems.append(Problem(file, line, "set_year", set_year, "year must be four digits or empty"))
        comparator = COMPARATORS.get(rec["comparator"])
        if rec["comparator"] and comparator is None:
            row_problems.append(Problem(file, line, "comparator", rec["comparator"], "use >=, <= or about"))
        tolerance = None
        if rec.get("tolerance", ""):
            try:
                tolerance = float(rec["tolerance"])
                if tolerance < 0:
                    raise ValueError
            except ValueError:
                row_problems.append(Problem(file, line, "tolerance", rec["tolerance"], "tolerance must be a non-negative number"))
        published, date_problems = _check_date(rec["published"], file, line, "published", today)
        row_problems += date_problems
        value = qualifier = None
        if ind is not None:
            value, qualifier, value_problems = _parse_value(rec["target"], rec["unit"], "", ind, file, line)
            row_problems += [p if p.column != "value" else Problem(p.file, p.row, "target", p.value, p.reason)
                             for p in value_problems]
        if row_problems:
            problems += row_problems
            continue
        rows.append({
            "region": rec["region"], "indicator": ind.id, "target_year": int(rec["target_year"]),
            "target": value, "unit": ind.unit, "comparator": comparator, "tolerance": tolerance,
            "qualifier": qualifier, "target_printed": rec["target"],
            "plan_id": rec.get("plan_id", "") or plan_id_from_name(rec["region"], rec["plan"]),
            "plan": rec["plan"], "row": None, "set_year": int(set_year) if set_year else None, "publisher": rec["publisher"],
            "document": rec["document"], "url": rec.get("url", ""), "published": published.isoformat(),
            "published_basis": rec["published_basis"], "quote": rec.get("quote", ""),
            "note": rec.get("note", ""), "source_ref": f"{file}:{line}",
        })
    return pd.DataFrame(rows, columns=TARGET_COLUMNS), problems
