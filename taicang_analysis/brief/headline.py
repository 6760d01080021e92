"""The headline table of the brief: one row per target of the plan, JSON-ready.

Everything the index page and the "what changed" comparison need comes from
here, through one function (``headline``), so it can be switched to the front
door (``ta.Study(as_of=...)``) in one place.  The rows hold numbers and typed
codes (status, light); wording lives in ``present.sentences``.
"""

from __future__ import annotations

from ..assessment import plans as plan_assessment
from ..assessment.assess import Pool
from ..data import io, registry
from ..present.text import COMPARATOR_WORDS

LIGHT_BY_GRADE = {"target_already_met": "green", "on_track": "green", "acceleration_needed": "amber",
                  "limited_progress": "red", "moving_away": "red"}
GREEN_FROM, AMBER_FROM = 0.70, 0.30  # probability thresholds of the traffic light


def traffic_light(probability: float | None, status: str) -> str:
    """green / amber / red from the probability when there is one, else from the grade; grey otherwise."""
    if probability is not None:
        return "green" if probability >= GREEN_FROM else "amber" if probability >= AMBER_FROM else "red"
    return LIGHT_BY_GRADE.get(status, "grey")


def plan_ids(targets) -> list[str]:
    """Plans are named by their document under data/raw/documents (e.g. taicang_14th_st_plan)."""
    refs = targets["source_ref"].astype(str)
    docs = refs[refs.str.startswith("documents/")].str.extract(r"^documents/([^/#]+)\.txt#")[0].dropna()
    return sorted(set(docs))


def select_plan(targets, plan: str | None):
    """The targets of one plan (all of the region's targets when ``plan`` is None)."""
    if plan is None:
        return targets
    known = plan_ids(targets)
    if plan not in known:
        raise ValueError(f"plan {plan!r} is unknown; known plans: {', '.join(known) or 'none'}")
    return targets[targets["source_ref"].astype(str).str.startswith(f"documents/{plan}.txt#")]


def headline(tables=None, *, as_of=None, plan: str | None = None, year: int = 2025, draws: int = 10_000,
             seed: int = 0, calibration: str | None = None) -> dict:
    """{'rows': [...], 'basis': sentence on the spread, 'settings': {...}} for the brief's index page.

    ``tables``: a mapping with 'observations' and 'targets' frames (default: data/processed).
    """
    if tables is None:
        tables = {"observations": io.read_processed("observations.csv"),
                  "targets": io.read_processed("targets.csv")}
    targets = select_plan(tables["targets"], plan)
    if plan_assessment.plan_targets(targets, target_year=year).empty:
        raise ValueError(f"no {year} targets" + (f" in plan {plan!r}" if plan else ""))
    cal, basis = plan_assessment.load_calibration(calibration)
    pool = Pool(spread=cal) if cal is not None else Pool()
    assessments = plan_assessment.assess_plan(tables["observations"], targets, target_year=year, as_of=as_of,
                                              pool=pool, n_draws=draws, seed=seed)
    return {"rows": [headline_row(a) for a in assessments], "basis": basis,
            "settings": {"as_of": plan_assessment.as_of_date(as_of), "plan": plan, "year": year, "draws": draws,
                         "seed": seed, "calibration": calibration}}


def headline_rows(tables=None, **options) -> list[dict]:
    """Just the rows of ``headline`` (one per target of the plan)."""
    return headline(tables, **options)["rows"]


def headline_row(a) -> dict:
    d = a.to_dict()
    ind = registry.get(a.indicator)
    proj = d["projection"] or {}
    return {
        "indicator": a.indicator, "name_zh": ind.name_zh, "name_en": ind.name_en, "unit": ind.unit,
        "observations": d["observations"],
        "latest_value": (d["latest"] or {}).get("value"), "latest_year": (d["latest"] or {}).get("year"),
        "target_value": d["target"]["value"], "target_year": d["target"]["year"],
        "comparator": d["target"]["comparator"], "comparator_sign": COMPARATOR_WORDS[d["target"]["comparator"]],
        "status": d["status"], "probability": d["probability"],
        "median": proj.get("median"), "lower": proj.get("lower"), "upper": proj.get("upper"),
        "level": proj.get("level"),
        "light": traffic_light(d["probability"], d["status"]),
    }
