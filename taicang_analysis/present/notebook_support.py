"""What the notebooks call: parameter checks, the processed tables, and the tables they show.

The notebooks hold no logic (no ``def``, no loop): each section is one call
here or in `assessment`, then a figure.  Everything here selects, joins and
formats rows of the processed tables or fields of result objects; the numbers
come from `assessment` (assess, plans, scenarios) and from ``data/processed``.

Until the front door (``import taicang_analysis as ta``) offers the same calls,
this module is the notebooks' one entry point; switching is one line per call.
"""

from __future__ import annotations

import datetime as dt
import numbers
from dataclasses import dataclass

import pandas as pd

from ..assessment import plans, scenarios
from ..assessment.assess import STATUSES, Pool
from ..data import io, registry, vintages
from . import text

HOME_REGION = "Taicang"
PLAN_TARGET_YEAR = 2025
PEERS = ("Taicang", "Suzhou", "Jiangsu", "Kunshan", "Changshu", "Zhangjiagang", "China", "Sunan (5 cities)")
SUNAN = "Sunan (5 cities)"  # 苏南: the plan words one target against its average
BACKTEST_TABLES = ("cases", "scores", "reliability", "coverage_by_horizon")
#: traffic light of a grade: green = on track or met; amber = acceleration needed;
#: red = limited progress or moving away; grey = no observed growth to grade.
LIGHTS = {"target_already_met": "green", "on_track": "green", "acceleration_needed": "amber",
          "limited_progress": "red", "moving_away": "red", "required_pace_only": "grey", "not_assessable": "grey"}
assert set(LIGHTS) == set(STATUSES)


@dataclass(frozen=True, eq=False)
class Tables:
    """The processed tables a notebook reads (``make data`` builds them)."""

    observations: pd.DataFrame
    targets: pd.DataFrame
    coverage: pd.DataFrame
    revisions: pd.DataFrame


def load() -> Tables:
    """Read the processed tables once (a clear error says to run ``make data`` when they are missing)."""
    return Tables(*(io.read_processed(f"{name}.csv") for name in ("observations", "targets", "coverage", "revisions")))


# -- parameters ---------------------------------------------------------------------

def _fail(name: str, value, why: str):
    raise ValueError(f"parameter {name} = {value!r}: {why}")


def _date(name, value, allow_none=True):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, dt.date)):
        _fail(name, value, "give a date 'YYYY-MM-DD' or a year")
    try:
        return plans.as_of_date(value)
    except (ValueError, TypeError) as exc:
        _fail(name, value, f"not a date ({exc}); give 'YYYY-MM-DD' or a year")


def _number(name, value, lo, hi, *, integer=False, allow_none=False):
    if value is None and allow_none:
        return None
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        _fail(name, value, f"must be {'an integer' if integer else 'a number'}")
    if not lo <= value <= hi:
        _fail(name, value, f"must be between {lo} and {hi}")
    return value


def check_parameters(tables: Tables | None = None, **params) -> dict:
    """Check a notebook's parameters before any work; returns them (dates normalised to 'YYYY-MM-DD').

    papermill passes any name and any value: an unknown parameter, an unknown
    indicator or region, a bad date or an out-of-range number fails here with a
    message naming the parameter.  ``tables`` lets indicators be checked
    against the plan's targets and regions against the published data.
    """
    out = dict(params)
    for name, value in params.items():
        if name in ("as_of", "since"):
            out[name] = _date(name, value)
        elif name == "indicator":
            try:
                registry.get(value)
            except (KeyError, ValueError) as exc:
                _fail(name, value, str(exc).strip("'\""))
            if tables is not None and plans.plan_targets(tables.targets)["indicator"].eq(value).sum() == 0:
                _fail(name, value, f"no {PLAN_TARGET_YEAR} target for it in {HOME_REGION}'s plan")
        elif name == "indicators":
            if not isinstance(value, (list, tuple)) or not value:
                _fail(name, value, "give a non-empty list of registry ids")
            unknown = [v for v in value if v not in registry.BY_ID]
            if unknown:
                _fail(name, value, f"unknown indicator(s) {', '.join(map(str, unknown))}")
        elif name in ("region", "highlight"):
            if not isinstance(value, str):
                _fail(name, value, "give a region name")
            if tables is not None and value not in set(tables.observations["region"]):
                _fail(name, value, "no published figure for this region")
        elif name == "case_set":
            if value not in ("past_plan", "all", "taicang_13th", "taicang_other"):
                _fail(name, value, "must be one of past_plan, all, taicang_13th, taicang_other")
        elif name == "panel":
            if value not in ("all", "cn_provinces", "world"):
                _fail(name, value, "must be one of all, cn_provinces, world")
        elif name == "worst":
            _number(name, value, 1, 100, integer=True)
        elif name == "level":
            if value not in (80, 95):
                _fail(name, value, "must be 80 or 95")
        elif name == "regions":
            if not isinstance(value, (list, tuple)) or not value:
                _fail(name, value, "give a non-empty list of region names")
            if tables is not None:
                known = set(tables.observations["region"])
                unknown = [v for v in value if v not in known]
                if unknown:
                    _fail(name, value, f"no published figure for region(s) {', '.join(map(str, unknown))}")
        elif name == "reference":
            if value not in plans.REFERENCE_CHOICES:
                _fail(name, value, f"must be one of {', '.join(plans.REFERENCE_CHOICES)}")
        elif name == "draws":
            _number(name, value, 100, 1_000_000, integer=True)
        elif name == "seed":
            _number(name, value, 0, 2**32 - 1, integer=True)
        elif name == "target":
            _number(name, value, -1e12, 1e12, allow_none=True)
        elif name == "until":
            _number(name, value, 2000, 2100, integer=True, allow_none=True)
        elif name in ("numerator_growth", "denominator_growth"):
            _number(name, value, -0.5, 1.0, allow_none=name == "denominator_growth")
        elif name == "calibration":
            if value not in (None, "none") and not isinstance(value, str):
                _fail(name, value, "None (the backtest's, if fitted), 'none' or a path")
        else:
            raise ValueError(f"unknown parameter {name!r}")
    if out.get("as_of") and out.get("since") and out["since"] >= out["as_of"]:
        _fail("since", params["since"], f"must be before as_of ({out['as_of']})")
    if tables is not None and out.get("target") is not None and "indicator" in out:
        ind = registry.get(out["indicator"])
        if ind.bounds is not None and not ind.bounds[0] <= out["target"] <= ind.bounds[1]:
            _fail("target", out["target"], f"outside {ind.id}'s bounds {ind.bounds}")
    return out


# -- one target ---------------------------------------------------------------------

def assess(tables: Tables, indicator: str, *, as_of=None, target: float | None = None, reference: str = "all",
           draws: int = 10_000, seed: int = 0, calibration: str | None = "none"):
    """(Assessment, sentence saying which spread applied) for the plan's target, or for ``target`` instead."""
    spread, basis = plans.load_calibration(calibration)
    row = plans.plan_targets(tables.targets)
    row = row[row["indicator"] == indicator].iloc[0].copy()
    if target is not None:
        row["target"] = float(target)
    a = plans.assess_target(tables.observations, row, as_of=as_of, reference=reference,
                            pool=Pool(spread=spread or 1.0), n_draws=draws, seed=seed)
    return a, basis


def what_it_takes(tables: Tables, a, *, as_of=None, denominator_growth=None):
    """`plans.what_it_takes` on the loaded tables: (requirement, alternatives, reason if none)."""
    return plans.what_it_takes(tables.observations, a, as_of=as_of, denominator_growth=denominator_growth)


def provenance(tables: Tables, indicator: str, *, region: str = HOME_REGION, as_of=None) -> pd.DataFrame:
    """Every value of the series as known at ``as_of``, with its source (and what it superseded)."""
    _, known = plans.region_series(tables.observations, region, indicator, as_of)
    cols = ["year", "value", "unit", "status", "qualifier", "document", "publisher", "published", "superseded"]
    return known[cols].reset_index(drop=True)


# -- data audit ---------------------------------------------------------------------

def coverage(tables: Tables, *, region: str = HOME_REGION, as_of=None) -> pd.DataFrame:
    """Published values of the region as known at ``as_of`` (indicator, year, value, status, qualifier),
    plus one row without a year for each plan target indicator with nothing published (a gap row)."""
    published = published_values(tables, region=region, as_of=as_of)
    missing = gaps(tables, region=region, as_of=as_of)
    gap_rows = pd.DataFrame({"indicator": missing["indicator"], "year": "", "value": float("nan"),
                             "status": "no published value", "qualifier": ""})
    rows = published[["indicator", "year", "value", "status", "qualifier"]].astype({"year": str})
    return pd.concat([rows, gap_rows], ignore_index=True).sort_values("indicator", kind="stable").reset_index(drop=True)


def published_values(tables: Tables, *, region: str = HOME_REGION, as_of=None) -> pd.DataFrame:
    """What is published for the region, by indicator and year, with status and source."""
    own = tables.observations[(tables.observations["collection"] == "observations")
                              & (tables.observations["region"] == region)]
    known = vintages.known_values(own, as_of)
    cols = ["indicator", "year", "value", "unit", "status", "qualifier", "document", "published"]
    return known[cols].sort_values(["indicator", "year"]).reset_index(drop=True)


def revisions(tables: Tables, *, region: str = HOME_REGION) -> pd.DataFrame:
    """Figures published more than once with different values: which superseded which, and when."""
    r = tables.revisions[tables.revisions["region"] == region]
    cols = ["indicator", "year", "value", "status", "document", "published", "valid_to", "current"]
    return r[cols].reset_index(drop=True)


def definition_breaks(tables: Tables, *, region: str = HOME_REGION) -> pd.DataFrame:
    """Indicators of the plan whose figures exist only on another definition (口径), and registry notes on breaks."""
    own = tables.observations[(tables.observations["collection"] == "observations")
                              & (tables.observations["region"] == region)]
    published = set(own["indicator"])
    rows = [{"indicator": ind.id, "name_zh": ind.name_zh, "published": ind.id in published,
             "related_published": ", ".join(r for r in ind.related if r in published), "note": ind.notes}
            for ind in registry.INDICATORS if ind.related or "break" in ind.notes or "口径" in ind.notes]
    return pd.DataFrame(rows)


def gaps(tables: Tables, *, region: str = HOME_REGION, as_of=None) -> pd.DataFrame:
    """The plan's target indicators with no value of the region known at ``as_of`` (gaps, never filled)."""
    targets = plans.plan_targets(tables.targets, region=region) if region == HOME_REGION else \
        plans.plan_targets(tables.targets)
    published = set(published_values(tables, region=region, as_of=as_of)["indicator"])
    missing = targets[~targets["indicator"].isin(published)]
    return pd.DataFrame({"indicator": missing["indicator"].to_numpy(),
                         "name_zh": [registry.get(i).name_zh for i in missing["indicator"]],
                         "target": missing["target_printed"].to_numpy()})


# -- the plan on one page ---------------------------------------------------------------

def plan_assessments(tables: Tables, *, as_of=None, reference: str = "all", draws: int = 10_000, seed: int = 0,
                     calibration: str | None = "none") -> dict:
    """{indicator: Assessment} for every target of the plan (Table 2), as known at ``as_of``."""
    spread, _ = plans.load_calibration(calibration)
    found = plans.assess_plan(tables.observations, tables.targets, as_of=as_of, reference=reference,
                              pool=Pool(spread=spread or 1.0), n_draws=draws, seed=seed)
    return {a.indicator: a for a in found}


def _pace(value) -> str:
    return "—" if value is None else f"{value:.2%}/yr"


def plan_table(assessments: dict) -> pd.DataFrame:
    """One row per target: latest value and year, target, observed vs required pace, grade, light, P(met)."""
    base = text.assessment_table(list(assessments.values()))
    d = [a.to_dict() for a in assessments.values()]
    base.insert(1, "name_zh", [registry.get(i).name_zh for i in base["indicator"]])
    base["observed_pace"] = [_pace(x["observed_annual_growth"]) for x in d]
    base["required_pace"] = [_pace(x["required_annual_growth"]) for x in d]
    base["light"] = [LIGHTS[s] for s in base["status"]]
    base["year"] = pd.array([x["latest"]["year"] if x["latest"] else None for x in d], dtype="Int64")
    cols = ["indicator", "name_zh", "latest", "year", "target", "observed_pace", "required_pace", "status", "light",
            "probability", "median_2025", "interval"]
    return base[cols]


def new_figures(tables: Tables, *, since, as_of=None, region: str = HOME_REGION) -> pd.DataFrame:
    """Figures of the region published after ``since`` (and by ``as_of``): new values and revisions."""
    own = tables.observations[(tables.observations["collection"] == "observations")
                              & (tables.observations["region"] == region)]
    since_date = plans.as_of_date(since)
    sel = own[own["published"] > since_date]
    if as_of is not None:
        sel = sel[sel["published"] <= plans.as_of_date(as_of)]
    cols = ["indicator", "year", "value", "unit", "status", "document", "published"]
    return sel[cols].sort_values(["published", "indicator", "year"]).reset_index(drop=True)


def changes(before: dict, after: dict) -> pd.DataFrame:
    """Grade and probability per target then and now; ``changed`` marks a new grade or a probability moved >= 1 pp."""
    then, now = plan_table(before).set_index("indicator"), plan_table(after).set_index("indicator")
    out = pd.DataFrame({"status_then": then["status"], "status_now": now["status"],
                        "p_then": then["probability"], "p_now": now["probability"]})
    moved = (out["p_now"].astype(float) - out["p_then"].astype(float)).abs() >= 0.01
    appeared = out["p_now"].isna() != out["p_then"].isna()
    out["changed"] = (out["status_then"] != out["status_now"]) | moved.fillna(False) | appeared
    return out.reset_index()


# -- peers ------------------------------------------------------------------------------

def peer_panel(tables: Tables, *, indicators, regions=PEERS, as_of=None) -> pd.DataFrame:
    """Tidy (region, indicator, year, value, status, document) of the regions' published figures, as known at as_of."""
    rows = tables.observations[(tables.observations["collection"] == "observations")
                               & tables.observations["region"].isin(list(regions))
                               & tables.observations["indicator"].isin(list(indicators))]
    known = vintages.known_values(rows, as_of)
    return known[["region", "indicator", "year", "value", "unit", "status", "document"]].reset_index(drop=True)


def definitions_by_region(panel: pd.DataFrame, *, regions=PEERS, indicators=None) -> pd.DataFrame:
    """Region x definition: the latest year published ('—' = nothing on that definition)."""
    cols = list(indicators) if indicators is not None else sorted(set(panel["indicator"]))
    latest = panel.groupby(["region", "indicator"])["year"].max().unstack("indicator")
    latest = latest.reindex(index=list(regions), columns=cols)
    return latest.map(lambda y: "—" if pd.isna(y) else str(int(y)))


def latest_values(panel: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Each region's latest published value of one indicator (same definition only)."""
    rows = panel[panel["indicator"] == indicator].sort_values("year")
    return rows.groupby("region").tail(1).sort_values("value", ascending=False).reset_index(drop=True)


# -- track record -----------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Backtest:
    """The backtest's tables (empty frames when it has not been run) and a sentence saying which."""

    available: bool
    message: str
    cases: pd.DataFrame
    scores: pd.DataFrame
    reliability: pd.DataFrame
    coverage_by_horizon: pd.DataFrame


def _numeric_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns whose every non-empty cell is a number become floats ("" = missing); the rest stay text."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype.kind in "biuf":
            continue
        text = out[col].astype(str).str.strip()
        numbers = pd.to_numeric(text.replace("", None), errors="coerce")
        if numbers.notna().sum() == (text != "").sum() and numbers.notna().any():
            out[col] = numbers.astype(float)
    return out


def backtest_tables() -> Backtest:
    """The tables ``python -m taicang_analysis backtest`` writes to data/processed, or empty ones and how to make them."""
    paths = {name: io.PROCESSED_DIR / f"backtest_{name}.csv" for name in BACKTEST_TABLES}
    missing = [p.name for p in paths.values() if not p.exists()]
    if missing:
        empty = {name: pd.DataFrame() for name in BACKTEST_TABLES}
        return Backtest(False, f"no track record yet ({', '.join(missing)} missing in data/processed): run "
                               "`make backtest` (python -m taicang_analysis backtest, about 2 minutes on 2 cores), "
                               "then re-run this notebook", **empty)
    tables = {name: _numeric_columns(io.read_processed(p.name)) for name, p in paths.items()}
    return Backtest(True, "the backtest's tables, read from data/processed (backtest_*.csv)", **tables)


def scores_table(scores: pd.DataFrame, *, case_set: str = "past_plan") -> pd.DataFrame:
    """Brier, log score and hit rate per method (rows), with the number of cases scored."""
    if scores.empty:
        return pd.DataFrame(columns=["brier", "log_score", "hit_rate", "n"])
    rows = scores[(scores["case_set"] == case_set) & scores["metric"].isin(["brier", "log_score", "hit_rate"])]
    table = rows.pivot_table(index="method", columns="metric", values="value", aggfunc="first", sort=False)
    table["n"] = rows.groupby("method", sort=False)["n"].first()
    return table.sort_values("brier")


def worst_cases(cases: pd.DataFrame, *, n: int = 8, method: str = "brier_contribution") -> pd.DataFrame:
    """The scored cases the method got most wrong (largest Brier contribution), with the grade's basis."""
    if cases.empty:
        return pd.DataFrame()
    scored = cases[cases["status"] == "scored"]
    cols = ["region", "indicator", "target_year", "target", "as_of", "probability", "met", "outcome", "grade",
            "grade_basis", "series", method]
    return scored.nlargest(n, method)[cols].reset_index(drop=True)


def scenario_names() -> tuple[str, ...]:
    """The ratio indicators a scenario can move (numerator over denominator, both published)."""
    return tuple(scenarios.DECOMPOSITIONS)


def reliability(backtest: Backtest, *, case_set: str = "past_plan") -> pd.DataFrame:
    """The reliability table (binned probability vs frequency met, with counts) of one case set, per method."""
    table = backtest.reliability
    return table if table.empty else table[table["case_set"] == case_set].reset_index(drop=True)


def with_observations(assessments: dict) -> dict:
    """The assessments whose indicator has at least one published value (the rest are data gaps)."""
    return {k: a for k, a in assessments.items() if a.n_obs}


def scenario_readiness(tables: Tables, *, region: str = HOME_REGION, as_of=None) -> pd.DataFrame:
    """For each ratio a scenario can move: the plan's target, the latest published ratio, numerator and denominator."""
    known = published_values(tables, region=region, as_of=as_of)
    targets = plans.plan_targets(tables.targets).set_index("indicator")

    def latest(indicator):
        rows = known[known["indicator"] == indicator]
        return "—" if rows.empty else f"{rows['value'].iloc[-1]:g} ({rows['year'].iloc[-1]})"

    rows = []
    for ratio, (num, den, _) in scenarios.DECOMPOSITIONS.items():
        rows.append({"ratio": ratio, "target": targets["target_printed"].get(ratio, "—"), "latest": latest(ratio),
                     "numerator": num, "numerator_latest": latest(num), "denominator": den,
                     "denominator_latest": latest(den),
                     "scenario": "ready" if latest(ratio) != "—" and ratio in targets.index else
                     ("no plan target" if ratio not in targets.index else "no published value to start from")})
    return pd.DataFrame(rows)


def requirements_table(requirement, alternatives, why_not=None) -> pd.DataFrame:
    """What it takes, one row per denominator growth: the ratio's and the numerator's required growth."""
    found = [r for r in (requirement, *alternatives) if r is not None]
    if not found:
        return pd.DataFrame({"why not": [why_not or "not computed"]})
    return pd.DataFrame({
        "denominator": [r.denominator for r in found],
        "denominator_growth": [f"{r.denominator_growth:.2%}/yr" for r in found],
        "basis": [r.denominator_growth_basis for r in found],
        "ratio_growth_needed": [f"{r.required_ratio_growth:.2%}/yr" for r in found],
        "numerator": [r.numerator for r in found],
        "numerator_growth_needed": [f"{r.required_numerator_growth:.2%}/yr" for r in found],
    })
