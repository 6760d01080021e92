"""The plan's own figures, read from its text: Table 1, Table 2 and the chapter-1 baselines.

Taicang's targets are never typed in by hand: they are extracted from the
published plan so a test can hold the extraction against the document.  The
only hand-written table here is ``NAME_TO_ID`` (printed indicator names →
registry ids); every number comes out of the text through :mod:`parse`.

The text is a word-processor export: a table row is a run of lines starting
with a TAB (one cell each), a cell may wrap onto a following line without a TAB,
rows are separated by blank lines, and ``[bookmark: …]`` marks are noise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import registry
from .parse import (
    ParsedNumber, ParseError, UnitError, canonical_unit, earlier_from_change, find_numbers,
    parse_change, parse_number, period_end_year, unit_dimension,
)

__all__ = ["NAME_TO_ID", "PlanTarget", "Baseline", "ExtractionError",
           "extract_table1", "extract_table2", "extract_baselines"]


class ExtractionError(ValueError):
    """The document does not have the shape the extraction relies on; says where."""


# Printed names (whitespace removed) -> registry ids.  Names only, never numbers.
NAME_TO_ID: dict[str, str] = {
    # Table 1: 13th plan targets and 2020 outcomes
    "全社会研发投入占地区生产总值比重": "rd_intensity",
    "科技进步贡献率": "st_progress_contribution",
    "万人发明专利拥有量": "invention_patents_per_10k",
    "万人拥有高层次人才数": "high_level_talents_per_10k",
    "引进培育国家级人才": "national_talents_recruited",
    "姑苏以上领军人才": "gusu_leading_talents",
    "高新技术产业产值占规模以上工业总产值比重": "hightech_output_share",
    "省级以上高新技术企业数": "hightech_enterprises_cumulative",
    "科技服务业规模": "st_services_scale",
    "技术合同认定": "tech_contract_certified",
    "规上工业企业研发机构建有率": "rd_institution_rate_above_scale",
    # Table 2: 14th plan targets for 2025 (names shared with Table 1 are above)
    "全社会研发经费支出占GDP比重": "rd_intensity",
    "万人高价值发明专利拥有量": "high_value_invention_patents_per_10k",
    "高新技术企业数": "hightech_enterprises_valid",  # the text: 有效高新技术企业达1600家以上
    "科技型中小企业评价入库": "tech_smes_registered",
    "技术合同成交额": "tech_contract_turnover",
    "省级企业研发机构": "provincial_enterprise_rd_institutions",
    "市级以上孵化器、众创空间": "incubators_and_maker_spaces",
    "科技领军人才数": "st_leading_talents",
    "重大创新创业团队": "major_innovation_teams",
    "外国高端人才和专业人才来华工作人数": "foreign_talents",
    "新投用孵化器面积": "new_incubator_area",
    "新型研发机构": "new_rd_institutions",
    "新增科技上市企业": "new_listed_tech_firms",
    # chapter 1 text: the 2020 review sentences (baselines)
    "全社会研发经费支出占地区生产总值比重": "rd_intensity",
    "高新技术产业产值占规模以上工业产值比重": "hightech_output_share",
    "累计拥有高新技术企业": "hightech_enterprises_cumulative",
    "万人有效发明专利拥有量": "invention_patents_per_10k",
    "研发人员占比": "rd_personnel_share",
}


@dataclass(frozen=True)
class PlanTarget:
    """One row of Table 1 or Table 2, as printed and as read.

    The table is the target; sentences of the text that restate it are kept
    beside it (``text_statements``, ``text_qualifier``) and never override it:
    Table 2 says 30, the text says 超30.
    """

    table: str
    row: int
    name_zh: str
    indicator: str
    unit_printed: str
    target_year: int
    target_text: str
    target: float
    comparator: str
    qualifier: str
    text_statements: tuple[str, ...]
    text_qualifier: str | None
    outcome_text: str | None
    outcome: float | None


@dataclass(frozen=True)
class Baseline:
    """A past level the plan's text states (reported) or implies by a stated change (derived)."""

    indicator: str
    year: int
    value: float
    status: str
    text: str
    derivation: str | None
    unit: str | None = None  # the unit printed with the figure, normalised


# -- reading the text --------------------------------------------------------------

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
# clause breaks: sentence ends, and commas that are not thousands separators
_CLAUSE_BREAK = re.compile(r"[。；;！？!?]|(?<![0-9０-９])[，,]|[，,](?![0-9０-９])")


def _lines(text: str) -> list[str]:
    return [_BOOKMARK.sub("", line) for line in text.splitlines()]


def _clauses(line: str) -> list[str]:
    return [c.strip() for c in _CLAUSE_BREAK.split(line) if c.strip()]


def _key(name: str) -> str:
    return re.sub(r"\s+", "", name)


# -- tables ------------------------------------------------------------------------

@dataclass(frozen=True)
class _TableSpec:
    key: str
    title: str        # the title line starts with this
    n_rows: int
    has_outcome: bool


_TABLES = {
    "table1": _TableSpec("table1", "表1", 11, has_outcome=True),
    "table2": _TableSpec("table2", "表2", 15, has_outcome=False),
}


def _table_rows(lines: list[str], spec: _TableSpec) -> tuple[str, list[list[str]]]:
    """Title line and rows of cells (header first), cell wraps joined without spaces.

    A non-TAB line continues the last cell while the row is still short of the
    header's width; after a blank line or a complete row it ends the table.
    """
    title_re = re.compile(rf"^\s*{re.escape(spec.title)}(?!\d)")
    start = next((i for i, line in enumerate(lines) if title_re.match(line)), None)
    if start is None:
        raise ExtractionError(f"{spec.key}: no title line starting {spec.title!r} in the text")
    title = lines[start].strip()
    rows: list[list[str]] = []
    current: list[str] | None = None
    for line in lines[start + 1:]:
        width = len(rows[0]) if rows else None
        if line.startswith("\t"):
            current = (current or []) + [cell.strip() for cell in line.split("\t")[1:]]
        elif not line.strip():
            if current:
                rows.append(current)
            current = None
        elif current and (width is None or len(current) < width):
            current[-1] += line.strip()
        else:
            break
    if current:
        rows.append(current)
    if not rows:
        raise ExtractionError(f"{spec.key} ({title}): no rows after the title")
    return title, rows


def _column(header: list[str], want: str, where: str) -> int:
    for i, cell in enumerate(header):
        if want in cell:
            return i
    raise ExtractionError(f"{where}: header has no {want!r} column (header: {' | '.join(header)})")


def _check_sequence(numbers: list[int], spec: _TableSpec, where: str) -> None:
    expected = list(range(1, spec.n_rows + 1))
    if numbers == expected:
        return
    missing = [n for n in expected if n not in numbers]
    extra = sorted({n for n in numbers if n not in expected or numbers.count(n) > 1})
    detail = "; ".join(filter(None, [
        f"row {', '.join(map(str, missing))} missing" if missing else "",
        f"row {', '.join(map(str, extra))} unexpected or repeated" if extra else "",
        "rows out of order" if not missing and not extra else "",
    ]))
    raise ExtractionError(f"{where}: expected rows 序号 1–{spec.n_rows}, found {len(numbers)} rows ({detail})")


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)}


def _units_agree(printed: str, stated: str | None) -> bool:
    """个 is the generic measure word: 超700个 restates 700 人."""
    if stated is None:
        return True
    try:
        a, b = unit_dimension(printed), unit_dimension(stated)
    except UnitError:
        return False
    return a == b or (stated == "个" and a.startswith("count:"))


_NAME_COVERAGE = 0.6  # share of the name's character pairs a restating clause must contain


def _restating(clauses: list[str], name: str, unit: str, target: float) -> list[tuple[str, ParsedNumber]]:
    """Clauses that give the same figure for (nearly) the same name, with that figure.

    Names are reworded in prose (市级以上孵化器、众创空间 → 市级以上众创空间、孵化器;
    新投用孵化器面积 → 新投用孵化面积), so a clause matches when it holds most of the
    name's character pairs and the target's value in a compatible unit.
    """
    pairs = _bigrams(name)
    found = []
    for clause in clauses:
        if len(pairs & _bigrams(clause)) < _NAME_COVERAGE * len(pairs):
            continue
        for number in find_numbers(clause):
            if abs(number.value - target) <= 1e-9 * max(1.0, abs(target)) and _units_agree(unit, number.unit):
                found.append((clause, number))
                break
    return found


def _comparator(qualifier: str, indicator: str, where: str) -> str:
    if qualifier == "about":
        return "about"
    direction = registry.get(indicator).direction
    if direction == "none":
        raise ExtractionError(f"{where}: {indicator} has no direction, so a target on it has no comparator")
    return "ge" if direction == "up" else "le"


def _read(where: str, what: str, text: str) -> ParsedNumber:
    try:
        return parse_number(text)
    except ParseError as exc:
        raise ExtractionError(f"{where}: {what}: {exc}") from None


def _extract(text: str, spec: _TableSpec) -> tuple[PlanTarget, ...]:
    lines = _lines(text)
    title, (header, *rows) = _table_rows(lines, spec)
    where = f"{spec.key} ({title})"
    col_seq, col_name, col_unit = (_column(header, w, where) for w in ("序号", "指标名称", "单位"))
    col_target = _column(header, "目标", where)
    col_outcome = _column(header, "完成情况", where) if spec.has_outcome else None
    try:
        target_year = period_end_year(header[col_target])
    except ParseError as exc:
        raise ExtractionError(f"{where}: target column header: {exc}") from None

    numbers = []
    for position, cells in enumerate(rows, start=1):
        if len(cells) != len(header) or not cells[col_seq].isdigit():
            raise ExtractionError(f"{where}: row after 序号 {numbers[-1] if numbers else 'header'} "
                                  f"(row {position} of the table) has cells {cells}, expected {len(header)} "
                                  f"starting with its 序号")
        numbers.append(int(cells[col_seq]))
    _check_sequence(numbers, spec, where)

    clauses = [c for line in lines for c in _clauses(line)]
    targets = []
    for seq, cells in zip(numbers, rows):
        at = f"{spec.key} row {seq}"
        name = _key(cells[col_name])
        if name not in NAME_TO_ID:
            raise ExtractionError(f"{at}: indicator name {name!r} is not in plan.NAME_TO_ID")
        indicator, unit = NAME_TO_ID[name], cells[col_unit]
        try:
            canonical_unit(unit)
        except UnitError as exc:
            raise ExtractionError(f"{at} ({name}): {exc}") from None
        target = _read(at, f"target {cells[col_target]!r}", cells[col_target])
        outcome = (_read(at, f"outcome {cells[col_outcome]!r}", cells[col_outcome])
                   if col_outcome is not None else None)
        statements = _restating(clauses, name, unit, target.value)
        targets.append(PlanTarget(
            table=spec.key, row=seq, name_zh=name, indicator=indicator, unit_printed=unit,
            target_year=target_year, target_text=cells[col_target], target=target.value,
            comparator=_comparator(target.qualifier, indicator, at), qualifier=target.qualifier,
            text_statements=tuple(dict.fromkeys(c for c, _ in statements)),  # printed twice: once
            # the first restatement (the chapter-2 targets paragraph comes first) speaks for the text
            text_qualifier=statements[0][1].qualifier if statements else None,
            outcome_text=cells[col_outcome] if col_outcome is not None else None,
            outcome=outcome.value if outcome is not None else None,
        ))
    return tuple(targets)


def extract_table1(text: str) -> tuple[PlanTarget, ...]:
    """Table 1: the 13th plan's targets for 2020 and what was achieved.

    Raises
    ------
    ExtractionError
        If the table is missing, has the wrong rows, or an unmapped indicator name.
    """
    return _extract(text, _TABLES["table1"])


def extract_table2(text: str) -> tuple[PlanTarget, ...]:
    """Table 2: the 14th plan's targets for 2025.

    Raises
    ------
    ExtractionError
        If the table is missing, has the wrong rows, or an unmapped indicator name.
    """
    return _extract(text, _TABLES["table2"])


# -- baselines ---------------------------------------------------------------------

_NAME_RE = re.compile("|".join(re.escape(k) for k in sorted(NAME_TO_ID, key=len, reverse=True)))
_LEADING_YEAR = re.compile(r"^(?:截至|截止)?\d{4}年(?:底|末)?")


def _chapter1(lines: list[str]) -> list[str]:
    starts = [i for i, line in enumerate(lines) if line.strip().startswith("第一章")]
    ends = [i for i, line in enumerate(lines) if line.strip().startswith("第二章")]
    if not starts or not ends or ends[0] < starts[0]:
        raise ExtractionError("baselines: chapter 1 (a line starting 第一章, up to 第二章) not found")
    return lines[starts[0] + 1:ends[0]]


def _derived(indicator: str, year: int, number: ParsedNumber, clause: str, change_clause: str) -> Baseline:
    where = f"baselines: {clause}，{change_clause}"
    try:
        change = parse_change(change_clause)
        earlier_year = period_end_year(change.reference or "")
    except ParseError as exc:
        raise ExtractionError(f"{where}: {exc}") from None
    fits = {"pp": number.unit == "%", "abs": change.unit == number.unit}.get(change.kind, True)
    if not fits:
        raise ExtractionError(f"{where}: a change in {change.unit!r} "
                              f"does not apply to a figure in {number.unit!r}")
    derived = earlier_from_change(number.value, change)
    phrase = change_clause.split(change.reference, 1)[-1]  # 提高1.04个百分点
    how = "minus" if change.kind in ("pp", "abs") else "backed out of"
    return Baseline(indicator, earlier_year, derived.value, "derived", f"{clause}，{change_clause}",
                    f"{derived.arithmetic} ({year} value {how} {phrase} vs {change.reference})", number.unit)


def extract_baselines(text: str) -> tuple[Baseline, ...]:
    """The levels chapter 1 reports for the plan's base year, and those it implies.

    A clause ``<name><figure>`` gives a reported value for the year in force: the
    last ``YYYY年`` that opened a clause earlier in the paragraph (clauses before
    any year are skipped).  A following clause ``较/比<period><change>`` gives a
    derived value for the period's end year.

    Raises
    ------
    ExtractionError
        If chapter 1 is missing, nothing is found, or a stated change cannot be read.
    """
    found: list[Baseline] = []
    for line in _chapter1(_lines(text)):
        year: int | None = None
        for sentence in re.split(r"[。；;]", line):
            clauses = _clauses(sentence)
            for i, clause in enumerate(clauses):
                if (lead := _LEADING_YEAR.match(clause)) is not None:
                    year = period_end_year(lead[0])
                named = _NAME_RE.search(clause)
                if named is None or year is None:
                    continue
                try:
                    number = parse_number(clause[named.end():])
                except ParseError:
                    continue  # the name is followed by words, not by its figure
                indicator = NAME_TO_ID[named[0]]
                found.append(Baseline(indicator, year, number.value, "reported", clause, None, number.unit))
                follower = clauses[i + 1] if i + 1 < len(clauses) else ""
                if re.match(r"(?:较|比)", follower):
                    found.append(_derived(indicator, year, number, clause, follower))
    if not found:
        raise ExtractionError("baselines: no '<indicator name><figure>' clause with a year "
                              "found in chapter 1")
    return tuple(found)
