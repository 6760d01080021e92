"""Raw inputs → the processed tables, as pure functions.

``build_tables`` validates everything first and raises ``RawDataError`` listing
every problem; only a clean build returns tables.  Figures the plan document
states (Table 1 outcomes, the 2020 values and the 2015 values derived from stated
changes) become observation rows whose source is the document; its targets
become the target table.  Nothing is typed in by hand.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from . import plan_text as plan
from . import regions, registry
from .io import Document, RawInputs, frame_to_csv_bytes
from .validate import (
    OBSERVATION_COLUMNS, TARGET_COLUMNS, Problem, RawDataError, check_observations, check_targets,
    duplicate_conflicts,
)
from .vintages import SERIES_KEY, known_values, revision_history

PLAN_DOCUMENT = "documents/taicang_14th_st_plan.txt"
HOME_REGION = "Taicang"
# Plans that Table 1 and Table 2 belong to, and the year each was set.
PLAN_NAMES = {
    "table1": ("太仓市“十三五”科技发展规划 (as reported in Table 1 of the 14th plan)", 2016),
    "table2": ("太仓市“十四五”科技创新规划 Table 2", 2021),
}
# The typed id of the plan that set each table's targets (column ``plan_id`` of targets.csv, with the table's
# ``row``); decisions read these, never names.  Table 2 is the 14th plan's own (the id of
# ``assessment.plans.PLANS``); Table 1 reports the 13th plan's 2020 targets.
PLAN_IDS = {"table1": "taicang_13th_st", "table2": "taicang_14th_st"}
_META_REQUIRED = ("publisher", "document", "published", "published_basis")


def _document_problems(doc: Document) -> list[Problem]:
    problems = [Problem(doc.name.replace(".txt", ".meta.toml"), 1, key, "", "required metadata key is missing")
                for key in _META_REQUIRED if not str(doc.meta.get(key, "")).strip()]
    declared = doc.meta.get("sha256")
    if declared and declared != doc.sha256:
        problems.append(Problem(doc.name, 1, "sha256", declared,
                                f"the text does not match its recorded checksum (now {doc.sha256}); "
                                "raw documents are never edited: add a new document instead"))
    return problems


def _doc_row(doc: Document, **fields) -> dict:
    meta = doc.meta
    row = dict.fromkeys(OBSERVATION_COLUMNS, "")
    row.update(collection="observations", region=HOME_REGION, aggregate=regions.is_aggregate(HOME_REGION),
               publisher=meta["publisher"],
               document=meta["document"], url=meta.get("url", ""), published=str(meta["published"]),
               published_basis=meta["published_basis"], note=meta.get("note", ""))
    row.update(fields)
    return row


def plan_observations(doc: Document) -> pd.DataFrame:
    """Figures the plan states for past years: text baselines and Table 1 outcomes."""
    rows = []
    for b in plan.extract_baselines(doc.text):
        ind = registry.get(b.indicator)
        rows.append(_doc_row(doc, indicator=b.indicator, year=b.year, value=b.value, unit=ind.unit,
                             qualifier="exact", status=b.status, value_printed=f"{b.value:g}", unit_printed=ind.unit,
                             derivation=b.derivation or "", quote=b.text,
                             source_ref=f"{doc.name}#text:{b.indicator}:{b.year}"))
    for t in plan.extract_table1(doc.text):
        if t.outcome is None:
            continue
        ind = registry.get(t.indicator)
        rows.append(_doc_row(doc, indicator=t.indicator, year=t.target_year, value=t.outcome, unit=ind.unit,
                             qualifier="exact", status="reported", value_printed=t.outcome_text,
                             unit_printed=t.unit_printed, quote=f"表1 {t.row} {t.name_zh} 完成情况 {t.outcome_text}",
                             source_ref=f"{doc.name}#table1/{t.row}"))
    return pd.DataFrame(rows, columns=OBSERVATION_COLUMNS)


def plan_targets(doc: Document) -> pd.DataFrame:
    rows = []
    for t in plan.extract_table1(doc.text) + plan.extract_table2(doc.text):
        name, set_year = PLAN_NAMES[t.table]
        rows.append({
            "region": HOME_REGION, "indicator": t.indicator, "target_year": t.target_year, "target": t.target,
            "unit": registry.get(t.indicator).unit, "comparator": t.comparator, "tolerance": None,
            "qualifier": t.qualifier, "target_printed": t.target_text, "plan_id": PLAN_IDS[t.table], "plan": name,
            "row": t.row, "set_year": set_year,
            "publisher": doc.meta["publisher"], "document": doc.meta["document"], "url": doc.meta.get("url", ""),
            "published": str(doc.meta["published"]), "published_basis": doc.meta["published_basis"],
            "quote": "；".join(t.text_statements), "note": (f"the plan's text says {t.text_qualifier}"
                                                          if t.text_qualifier else ""),
            "source_ref": f"{doc.name}#{t.table}/{t.row}",
        })
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def coverage(known: pd.DataFrame, targets: pd.DataFrame, region: str = HOME_REGION) -> pd.DataFrame:
    """Indicator × year × status for one region, with a row for every target indicator
    that has no published value at all (gaps are shown, never hidden)."""
    own = known[(known["collection"] == "observations") & (known["region"] == region)]
    cols = ["indicator", "year", "value", "unit", "status", "qualifier", "n_sources", "source_ref"]
    table = own[cols].copy()
    targeted = sorted(set(targets.loc[targets["region"] == region, "indicator"]))
    missing = [i for i in targeted if i not in set(table["indicator"])]
    empty = pd.DataFrame({"indicator": missing, "year": pd.NA, "value": pd.NA,
                          "unit": [registry.get(i).unit for i in missing], "status": "no published value",
                          "qualifier": "", "n_sources": 0, "source_ref": ""})
    out = pd.concat([table, empty], ignore_index=True) if missing else table
    out["year"] = out["year"].astype("Int64")
    return out.sort_values(["indicator", "year"], kind="stable", na_position="first").reset_index(drop=True)


def build_tables(raw: RawInputs, *, today: dt.date | None = None) -> dict[str, pd.DataFrame]:
    today = today or dt.date.today()
    problems: list[Problem] = []
    obs_parts, target_parts = [], []
    for rel, (collection, frame) in sorted(raw.observations.items()):
        tidy, found = check_observations(frame, rel, collection=collection, today=today)
        obs_parts.append(tidy)
        problems += found
    for rel, frame in sorted(raw.targets.items()):
        tidy, found = check_targets(frame, rel, today=today)
        target_parts.append(tidy)
        problems += found
    if PLAN_DOCUMENT not in raw.documents:
        problems.append(Problem(PLAN_DOCUMENT, 0, "", "", "the plan document is missing from data/raw/documents"))
    for doc in raw.documents.values():
        problems += _document_problems(doc)
    if problems:
        raise RawDataError(problems)
    doc = raw.documents[PLAN_DOCUMENT]
    try:
        obs_parts.insert(0, plan_observations(doc))
        target_parts.insert(0, plan_targets(doc))
    except plan.ExtractionError as exc:
        raise RawDataError([Problem(PLAN_DOCUMENT, 0, "", "", f"extraction failed: {exc}")]) from None
    observations = pd.concat([p for p in obs_parts if not p.empty], ignore_index=True)
    # the same figure stated twice by one document (Table 1 and the text) is one row
    observations = observations.drop_duplicates(
        SERIES_KEY + ["publisher", "document", "published", "value"], keep="first")
    conflicts = duplicate_conflicts(observations)
    if conflicts:
        raise RawDataError(conflicts)
    observations = observations.sort_values(SERIES_KEY + ["published", "source_ref"], kind="stable").reset_index(drop=True)
    targets = pd.concat([p for p in target_parts if not p.empty], ignore_index=True)
    targets = targets.astype({"row": "Int64", "set_year": "Int64"})
    targets = targets.sort_values(["region", "indicator", "target_year", "source_ref"], kind="stable").reset_index(drop=True)
    known = known_values(observations)
    return {
        "observations.csv": observations,
        "targets.csv": targets,
        "known_values.csv": known,
        "coverage.csv": coverage(known, targets),
        "revisions.csv": revision_history(observations),
    }


def serialise(tables: dict[str, pd.DataFrame]) -> dict[str, bytes]:
    return {name: frame_to_csv_bytes(frame) for name, frame in tables.items()}
