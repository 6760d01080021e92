"""The headline table of the brief: one row per target of the plan, JSON-ready.

Everything the index page and the "what changed" comparison need comes from
here, through one function (``headline``), so it can be switched to the front
door (``ta.Study(as_of=...)``) in one place.  The rows hold numbers and typed
codes (status, light); wording lives in ``present.sentences``.
"""

from __future__ import annotations

from .. import api
from ..assessment import plans as plan_assessment
from ..data import registry
from ..present.text import COMPARATOR_WORDS

LIGHT_BY_GRADE = {"target_already_met": "green", "on_track": "green", "acceleration_needed": "amber",
                  "limited_progress": "red", "moving_away": "red"}
GREEN_FROM, AMBER_FROM = 0.70, 0.30  # probability thresholds of the traffic light


def traffic_light(probability: float | None, status: str, source: str | None = None) -> str:
    """green / amber / red from the probability when there is one, else from the grade; grey otherwise.
    A base rate (``source == "base_rate"``) knows nothing about the target, so there the grade decides."""
    if probability is not None and source != "base_rate":
        return "green" if probability >= GREEN_FROM else "amber" if probability >= AMBER_FROM else "red"
    return LIGHT_BY_GRADE.get(status, "grey")


def plan_ids() -> list[str]:
    """The plans the library knows (`assessment.plans.PLANS`): the brief's ``--plan`` choices."""
    return sorted(plan_assessment.PLANS)


def check_plan(plan: str | None) -> None:
    """A clear error (``ValueError``) for an unknown plan id, before any work."""
    if plan is not None and plan not in plan_assessment.PLANS:
        raise ValueError(f"plan {plan!r} is unknown; known plans: {', '.join(plan_ids())}")


def headline(data_dir=None, *, as_of=None, plan: str | None = None, year: int | None = None, draws: int = 10_000,
             seed: int = 0, calibration: str | None = None) -> dict:
    """{'rows': [...], 'basis': sentence on the spread, 'settings': {...}} for the brief's index page.

    The same call as every other path (`api.Study.assess_all`), so the brief, the CLI and the
    notebooks print the same numbers.  ``year`` None is the plan's headline year.
    """
    check_plan(plan)
    study = api.Study(as_of=as_of, plan=plan, data_dir=data_dir,
                      calibration="auto" if calibration is None else calibration, draws=draws, seed=seed)
    results = study.assess_all(target_year=year)
    return {"rows": [headline_row(r.assessment) for r in results], "basis": study.calibration_basis,
            "basis_words": {"en": study.calibration_basis, "zh": calibration_words_zh(study.pool_spread)},
            "settings": {"as_of": study.as_of.iso, "plan": study.plan.id,
                         "year": study.plan.target_year if year is None else year, "draws": draws, "seed": seed,
                         "calibration": calibration}}


def calibration_words_zh(spread) -> str:
    """Which spread applied, in Chinese, from the spread itself (typed), not from the English sentence."""
    from ..forecast.pooling import Calibration
    if isinstance(spread, Calibration):
        return f"已校准：展宽系数按指标、合并类型与预测期在滚动起点上拟合（{len(spread.cells)} 个单元）"
    if isinstance(spread, (int, float)) and spread != 1:
        return f"每年展宽系数 {spread:g}（给定）"
    return "未校准（展宽系数 1）"


def headline_rows(data_dir=None, **options) -> list[dict]:
    """Just the rows of ``headline`` (one per target of the plan)."""
    return headline(data_dir, **options)["rows"]


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
        "light": traffic_light(d["probability"], d["status"], d["headline_source"]),
        "probability_source": d["headline_source"],
        "base_rate": d["base_rate"] if d["headline_source"] == "base_rate" else None,
        "outside_view_probability": (d["outside_view"] or {}).get("probability"),
        "outside_view_ran": bool((d["outside_view"] or {}).get("ran")),
        "outside_view_peer_pace": (d["outside_view"] or {}).get("peer_pace") or [],
    }
