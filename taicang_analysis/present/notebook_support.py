"""What the notebooks call beside the front door: parameter checks and the tables they show.

The notebooks hold no logic (no ``def``, no loop): each section is one call to
the front door (``ta.Study``: assess, assess_all, series, revisions) or here,
then a figure.  Everything here selects, joins and formats rows of a study's
tables or fields of its results; the numbers come from `assessment`.

``study`` arguments are a ``taicang_analysis.Study`` (duck-typed: present sits
below the API and does not import it): its ``observations``, ``plan_targets``,
``plan``, ``region``, ``as_of``, ``processed_dir``, ``assess_all`` and ``revisions``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import pandas as pd

from ..assessment import inputs, plans, scenarios
from ..assessment.assess import STATUSES
from ..assessment.inputs import InputError
from ..data import io, registry, vintages
from . import text

PEERS = ("Taicang", "Suzhou", "Jiangsu", "Kunshan", "Changshu", "Zhangjiagang", "China", "Sunan (5 cities)")
BACKTEST_TABLES = ("cases", "scores", "reliability", "coverage_by_horizon")
CASE_SETS = ("past_plan", "all", "taicang_13th", "taicang_other")
#: traffic light of a grade: green = on track or met; amber = acceleration needed;
#: red = limited progress or moving away; grey = no observed growth to grade.
LIGHTS = {"target_already_met": "green", "on_track": "green", "acceleration_needed": "amber",
          "limited_progress": "red", "moving_away": "red", "required_pace_only": "grey", "not_assessable": "grey"}
assert set(LIGHTS) == set(STATUSES)


def engine(result):
    """The engine's `Assessment` inside a front-door result (or the Assessment itself)."""
    return getattr(result, "assessment", result)


# -- parameters ---------------------------------------------------------------------

def _number(name, value, lo, hi, *, integer=False, allow_none=False):
    if value is None and allow_none:
        return None
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        raise InputError(name, value, f"must be {'an integer' if integer else 'a number'}")
    if not lo <= value <= hi:
        raise InputError(name, value, f"must be between {lo} and {hi}")
    return value


def _regions(study, name, value):
    if study is None:
        return
    known = set(study.observations["region"])
    unknown = [v for v in value if v not in known]
    if unknown:
        raise InputError(name, value, f"no published figure for region(s) {', '.join(map(str, unknown))}")


def check_parameters(study=None, **params) -> dict:
    """Check a notebook's parameters before any work; returns them (dates as 'YYYY-MM-DD').

    papermill passes any name and any value: an unknown parameter, an unknown
    indicator or region, a bad date or an out-of-range number fails here with an
    `InputError` naming the parameter.  With ``study`` (a ``ta.Study``),
    indicators are checked against its plan's targets and regions against the data.
    (``as_of``, ``draws``, ``seed`` and ``calibration`` are checked by ``ta.Study`` itself.)
    """
    out = dict(params)
    for name, value in params.items():
        if name in ("as_of", "since"):
            out[name] = inputs.AsOf.parse(value, argument=name).iso
        elif name == "indicator":
            ind = inputs.indicator(value)
            if study is not None:
                plans.choose_target(study.plan_targets(), ind.id, study.plan, study.plan.target_year)
        elif name == "indicators":
            if not isinstance(value, (list, tuple)) or not value:
                raise InputError(name, value, "give a non-empty list of registry ids")
            unknown = [v for v in value if v not in registry.BY_ID]
            if unknown:
                raise InputError(name, value, f"unknown indicator(s) {', '.join(map(str, unknown))}")
        elif name in ("region", "highlight"):
            if not isinstance(value, str):
                raise InputError(name, value, "give a region name")
            _regions(study, name, [value])
        elif name == "regions":
            if not isinstance(value, (list, tuple)) or not value:
                raise InputError(name, value, "give a non-empty list of region names")
            _regions(study, name, value)
        elif name == "reference":
            inputs.check_choice(name, value, plans.REFERENCE_CHOICES)
        elif name == "panel":
            inputs.check_choice(name, value, ("all", "cn_provinces", "world"))
        elif name == "case_set":
            inputs.check_choice(name, value, CASE_SETS)
        elif name == "level":
            inputs.check_choice(name, value, (80, 95))
        elif name == "draws":
            inputs.check_draws(value)
        elif name == "seed":
            _number(name, value, 0, 2**32 - 1, integer=True)
        elif name == "worst":
            _number(name, value, 1, 100, integer=True)
        elif name == "target":
            inputs.check_number(name, value, allow_none=True)
        elif name == "until":
            _number(name, value, 2000, 2100, integer=True, allow_none=True)
        elif name in ("numerator_growth", "denominator_growth"):
            g = inputs.check_growth(name, value)
            if g is None and name == "numerator_growth":
                raise InputError(name, value, "must be a growth rate (a fraction per year)")
        elif name == "calibration":
            if value is not None and not isinstance(value, str):
                raise InputError(name, value, "'auto', 'none' or a path to a calibration table")
        else:
            raise InputError(name, value, "unknown parameter")
    if out.get("as_of") and out.get("since") and out["since"] >= out["as_of"]:
        raise InputError("since", params["since"], f"must be before as_of ({out['as_of']})")
    if out.get("target") is not None and "indicator" in out:
        ind = registry.get(out["indicator"])
        if ind.bounds is not None and not ind.bounds[0] <= out["target"] <= ind.bounds[1]:
            raise InputError("target", out["target"], f"outside {ind.id}'s bounds {ind.bounds}")
    return out


def requirements_table(result) -> pd.DataFrame:
    """What it takes, one row per denominator growth: the ratio's and the numerator's required growth."""
    found = [r for r in (result.requirement, *result.alternatives) if r is not None]
    if not found:
        return pd.DataFrame({"why not": [result.what_it_takes_reason or "not a ratio of published components"]})
    return pd.DataFrame({
        "denominator": [r.denominator for r in found],
        "denominator_growth": [f"{r.denominator_growth:.2%}/yr" for r in found],
        "basis": [r.denominator_growth_basis for r in found],
        "ratio_growth_needed": [f"{r.required_ratio_growth:.2%}/yr" for r in found],
        "numerator": [r.numerator for r in found],
        "numerator_growth_needed": [f"{r.required_numerator_growth:.2%}/yr" for r in found],
    })


def _own(study, region=None) -> pd.DataFrame:
    obs = study.observations
    return obs[(obs["collection"] == "observations") & (obs["region"] == (region or study.region))]


# -- data audit ---------------------------------------------------------------------

def published_values(study, *, region: str | None = None) -> pd.DataFrame:
    """What is published for the region (default: the study's), by indicator and year, as known at its as-of."""
    known = vintages.known_values(_own(study, region), study.as_of.iso)
    cols = ["indicator", "year", "value", "unit", "status", "qualifier", "document", "published"]
    return known[cols].sort_values(["indicator", "year"]).reset_index(drop=True)


def gaps(study, *, region: str | None = None) -> pd.DataFrame:
    """The plan's target indicators with no value of the region known at the as-of (gaps, never filled)."""
    targets = study.plan_targets()
    published = set(published_values(study, region=region)["indicator"])
    missing = targets[~targets["indicator"].isin(published)]
    return pd.DataFrame({"indicator": missing["indicator"].to_numpy(),
                         "name_zh": [registry.get(i).name_zh for i in missing["indicator"]],
                         "target": missing["target_printed"].to_numpy()})


def coverage(study, *, region: str | None = None) -> pd.DataFrame:
    """Published values (indicator, year, value, status, qualifier) plus one row without a year for each
    plan target indicator with nothing published: the input of `figures.coverage_heatmap`."""
    published = published_values(study, region=region)
    missing = gaps(study, region=region)
    gap_rows = pd.DataFrame({"indicator": missing["indicator"], "year": pd.NA, "value": float("nan"),
                             "status": "no published value", "qualifier": ""})
    rows = published[["indicator", "year", "value", "status", "qualifier"]]
    both = pd.concat([rows.astype({"year": "Int64"}), gap_rows.astype({"year": "Int64"})], ignore_index=True)
    return both.sort_values("indicator", kind="stable").reset_index(drop=True)


def revisions(study, *, region: str | None = None) -> pd.DataFrame:
    """Figures published more than once with different values: which superseded which, and when."""
    r = study.revisions(region or study.region)
    cols = ["indicator", "year", "value", "status", "document", "published", "valid_to", "current"]
    return r[cols].reset_index(drop=True)


def definition_breaks(study, *, region: str | None = None) -> pd.DataFrame:
    """Indicators with a related definition (口径) or a noted break: whether each is published, and which
    related definition is (named, never substituted)."""
    published = set(_own(study, region)["indicator"])
    rows = [{"indicator": ind.id, "name_zh": ind.name_zh, "published": ind.id in published,
             "related_published": ", ".join(r for r in ind.related if r in published), "note": ind.notes}
            for ind in registry.INDICATORS if ind.related or "break" in ind.notes or "口径" in ind.notes]
    return pd.DataFrame(rows)


# -- the plan on one page ---------------------------------------------------------------

def plan_assessments(study, *, reference: str = "all") -> dict:
    """{indicator: result} for every target of the study's plan (its headline year), as known at its as-of."""
    return {r.assessment.indicator: r for r in study.assess_all(reference=reference)}


def _pace(value) -> str:
    return "—" if value is None else f"{value:.2%}/yr"


def plan_table(assessments: dict) -> pd.DataFrame:
    """One row per target: latest value and year, target, observed vs required pace, grade, light, P(met),
    where it comes from (``p_source``: pool | outside_view) and the outside view's P(met) beside it."""
    found = [engine(a) for a in assessments.values()]
    base = text.assessment_table(found)
    d = [a.to_dict() for a in found]
    base.insert(1, "name_zh", [registry.get(i).name_zh for i in base["indicator"]])
    base["observed_pace"] = [_pace(x["observed_annual_growth"]) for x in d]
    base["required_pace"] = [_pace(x["required_annual_growth"]) for x in d]
    base["light"] = [LIGHTS[s] for s in base["status"]]
    base["year"] = pd.array([x["latest"]["year"] if x["latest"] else None for x in d], dtype="Int64")
    base["p_source"] = [x["headline_source"] or "" for x in d]
    p_ov = [(x["outside_view"] or {}).get("probability") for x in d]
    base["p_outside_view"] = pd.array([None if p is None else round(p, 3) for p in p_ov], dtype="Float64")
    cols = ["indicator", "name_zh", "latest", "year", "target", "observed_pace", "required_pace", "status", "light",
            "probability", "p_source", "p_outside_view", "median", "median_2025", "interval"]
    return base[[c for c in cols if c in base.columns]]


def with_observations(assessments: dict) -> dict:
    """The results whose indicator has at least one published value (the rest are data gaps)."""
    return {k: a for k, a in assessments.items() if engine(a).n_obs}


def new_figures(study, *, since) -> pd.DataFrame:
    """Figures of the study's region published after ``since`` and by its as-of: new values and revisions."""
    own = _own(study)
    sel = own[own["published"].astype(str) > inputs.AsOf.parse(since, argument="since").iso]
    if study.as_of.iso is not None:
        sel = sel[sel["published"].astype(str) <= study.as_of.iso]
    cols = ["indicator", "year", "value", "unit", "status", "document", "published"]
    return sel[cols].sort_values(["published", "indicator", "year"]).reset_index(drop=True)


def changes(before: dict, after: dict) -> pd.DataFrame:
    """Grade and P(met) per target then and now; ``changed`` marks a new grade, a probability that
    appeared or went, or one that moved by at least 1 percentage point."""
    then, now = plan_table(before).set_index("indicator"), plan_table(after).set_index("indicator")
    out = pd.DataFrame({"status_then": then["status"], "status_now": now["status"],
                        "p_then": then["probability"], "p_now": now["probability"]})
    p_then, p_now = out["p_then"].astype(float), out["p_now"].astype(float)
    moved = ((p_now - p_then).abs() >= 0.01).fillna(False)
    appeared = p_now.isna() != p_then.isna()
    out["changed"] = (out["status_then"] != out["status_now"]) | moved | appeared
    return out.reset_index()


# -- peers ------------------------------------------------------------------------------

def peer_panel(study, *, indicators, regions=PEERS) -> pd.DataFrame:
    """Tidy (region, indicator, year, value, unit, status, document) of the regions' own published figures."""
    obs = study.observations
    rows = obs[(obs["collection"] == "observations") & obs["region"].isin(list(regions))
               & obs["indicator"].isin(list(indicators))]
    known = vintages.known_values(rows, study.as_of.iso)
    return known[["region", "indicator", "year", "value", "unit", "status", "document"]].reset_index(drop=True)


def definitions_by_region(panel: pd.DataFrame, *, regions=PEERS, indicators=None) -> pd.DataFrame:
    """Region x definition: the latest year published ('—' = nothing on that definition)."""
    cols = list(indicators) if indicators is not None else sorted(set(panel["indicator"]))
    latest = panel.groupby(["region", "indicator"])["year"].max().unstack("indicator")
    latest = latest.reindex(index=list(regions), columns=cols)
    return latest.map(lambda y: "—" if pd.isna(y) else str(int(y)))


def latest_values(panel: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Each region's latest published value of one indicator (same definition only), highest first."""
    rows = panel[panel["indicator"] == indicator].sort_values("year")
    return rows.groupby("region").tail(1).sort_values("value", ascending=False).reset_index(drop=True)


# -- scenarios --------------------------------------------------------------------------

def scenario_readiness(study) -> pd.DataFrame:
    """For each ratio a scenario can move: the plan's target, the latest published ratio, numerator and denominator."""
    known = published_values(study)
    targets = study.plan_targets().set_index("indicator")

    def latest(indicator):
        rows = known[known["indicator"] == indicator]
        return "—" if rows.empty else f"{rows['value'].iloc[-1]:g} ({rows['year'].iloc[-1]})"

    rows = []
    for ratio, (num, den, _) in scenarios.DECOMPOSITIONS.items():
        has_target, has_value = ratio in targets.index, latest(ratio) != "—"
        rows.append({"ratio": ratio, "target": targets["target_printed"].get(ratio, "—"), "latest": latest(ratio),
                     "numerator": num, "numerator_latest": latest(num), "denominator": den,
                     "denominator_latest": latest(den),
                     "scenario": "ready" if has_target and has_value else
                     ("no plan target" if not has_target else "no published value to start from")})
    return pd.DataFrame(rows)


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


AS_OF_NOT_APPLIED = ("as_of {as_of} is not applied here: this track record is the last backtest run's, over every "
                     "outcome known then. It cannot be cut at a date honestly: outcomes read from the reference "
                     "panels carry no publication date, and the calibration was fitted on all of them.")


def backtest_tables(processed_dir=None, *, as_of: str | None = None) -> Backtest:
    """The tables ``python -m taicang_analysis backtest`` writes (backtest_*.csv), or empty ones and how to make them.

    ``as_of`` is not applied (see `AS_OF_NOT_APPLIED`); when given, the message says so.
    """
    folder = io.PROCESSED_DIR if processed_dir is None else processed_dir
    paths = {name: folder / f"backtest_{name}.csv" for name in BACKTEST_TABLES}
    missing = [p.name for p in paths.values() if not p.exists()]
    note = "" if as_of is None else " " + AS_OF_NOT_APPLIED.format(as_of=as_of)
    if missing:
        empty = {name: pd.DataFrame() for name in BACKTEST_TABLES}
        return Backtest(False, f"no track record yet ({', '.join(missing)} missing in the processed data): run "
                               "`make backtest` (python -m taicang_analysis backtest, about 2 minutes on 2 cores), "
                               "then re-run this notebook" + note, **empty)
    tables = {name: io.read_processed(p.name, folder) for name, p in paths.items()}
    return Backtest(True, "the backtest's tables (backtest_*.csv in the processed data), as of its last run." + note,
                    **tables)


_INTERVALS = {"brier": ("brier_low", "brier_high"), "log_score": ("log_low", "log_high"),
              "brier_diff_vs_base_rate": ("brier_diff_vs_base_rate_low", "brier_diff_vs_base_rate_high")}


def _per_method(scores: pd.DataFrame, case_set: str) -> pd.DataFrame:
    """One row per method of a case set: its point scores and the interval columns (which repeat per metric)."""
    rows = scores[(scores["case_set"] == case_set) & scores["metric"].isin(["brier", "log_score", "hit_rate"])]
    table = rows.pivot_table(index="method", columns="metric", values="value", aggfunc="first", sort=False)
    first = rows.groupby("method", sort=False).first()
    table["n"] = first["n"]
    for col in first.columns:
        if col.endswith(("_low", "_high")) or col in ("n_cohorts", "brier_diff_vs_base_rate", "expected_successes",
                                                      "observed_successes"):
            table[col] = first[col]
    table.columns.name = None
    return table


def scores_table(scores: pd.DataFrame, *, case_set: str = "past_plan") -> pd.DataFrame:
    """Brier and log score with their 95 % cohort-bootstrap intervals, hit rate, and Brier minus the base rate's.

    One row per method (best Brier first) with the cases (``n``) and cohorts
    scored.  Lower Brier and log scores are better; a Brier difference below 0
    beats the leave-one-out base rate.
    """
    cols = ["brier", "brier_low", "brier_high", "log_score", "log_low", "log_high", "hit_rate",
            "brier_diff_vs_base_rate", "brier_diff_vs_base_rate_low", "brier_diff_vs_base_rate_high", "n",
            "n_cohorts"]
    if scores.empty or not (scores["case_set"] == case_set).any():
        return pd.DataFrame(columns=cols)
    table = _per_method(scores, case_set)
    return table[[c for c in cols if c in table.columns]].sort_values("brier")


def score_intervals(scores: pd.DataFrame, *, case_set: str = "past_plan") -> pd.DataFrame:
    """Tidy ``method, metric, value, low, high`` for the dot-and-whisker figure (`figures.score_intervals`)."""
    out = pd.DataFrame(columns=["method", "metric", "value", "low", "high"])
    if scores.empty or not (scores["case_set"] == case_set).any():
        return out
    table = _per_method(scores, case_set)
    parts = [pd.DataFrame({"method": table.index, "metric": metric, "value": table[metric].to_numpy(),
                           "low": table[low].to_numpy(), "high": table[high].to_numpy()})
             for metric, (low, high) in _INTERVALS.items() if {metric, low, high} <= set(table.columns)]
    return pd.concat(parts, ignore_index=True) if parts else out


def track_record_sentences(scores: pd.DataFrame, *, case_set: str = "past_plan",
                           methods=("pooled", "pooled_calibrated")) -> str:
    """What the intervals say, in words: each method against the base rate, and targets met expected vs observed.

    A difference whose 95 % interval includes 0 is reported as "cannot tell
    apart" from the base rate; an observed count outside the method's own
    90 % range says its probabilities are off in total.
    """
    if scores.empty or not (scores["case_set"] == case_set).any():
        return "No track record to describe yet."
    table = _per_method(scores, case_set)
    lines = []
    for method in methods:
        if method not in table.index:
            continue
        r = table.loc[method]
        d, lo, hi = r["brier_diff_vs_base_rate"], r["brier_diff_vs_base_rate_low"], r["brier_diff_vs_base_rate_high"]
        if pd.isna(lo) or pd.isna(hi):
            verdict = "has no interval against the base rate"
        elif lo <= 0 <= hi:
            verdict = ("cannot tell apart from the base rate: the 95 % interval of its Brier score minus the base "
                       "rate's includes 0")
        elif hi < 0:
            verdict = "beats the base rate: the 95 % interval of its Brier score minus the base rate's is below 0"
        else:
            verdict = ("does worse than the base rate: the 95 % interval of its Brier score minus the base rate's "
                       "is above 0")
        lines.append(f"{method}: {verdict} ({d:+.3f} [{lo:+.3f}, {hi:+.3f}], {int(r['n'])} cases in "
                     f"{int(r['n_cohorts'])} cohorts).")
        e, elo, ehi, obs = (r["expected_successes"], r["expected_successes_low"], r["expected_successes_high"],
                            int(r["observed_successes"]))
        where = ("inside the range" if elo <= obs <= ehi else
                 "below the range: fewer met than its probabilities implied (too optimistic in total)" if obs < elo
                 else "above the range: more met than its probabilities implied (too pessimistic in total)")
        lines.append(f"{method}: targets met, expected {e:.1f} (its own 90 % range {int(elo)}-{int(ehi)}), "
                     f"observed {obs}: {where}.")
    others = table.drop(index=[m for m in ("base_rate",) if m in table.index])
    lo, hi = others["brier_diff_vs_base_rate_low"], others["brier_diff_vs_base_rate_high"]
    apart = others.index[(hi < 0) | (lo > 0)].tolist()
    lines.append(f"Of the {len(others)} methods scored against the base rate, "
                 + ("none can be told apart from it on these cases." if not apart
                    else f"{len(apart)} can be told apart from it: {', '.join(apart)}."))
    return "\n".join(lines)


def reliability(backtest: Backtest, *, case_set: str = "past_plan") -> pd.DataFrame:
    """The reliability table (binned probability vs frequency met, with counts) of one case set, per method."""
    table = backtest.reliability
    return table if table.empty else table[table["case_set"] == case_set].reset_index(drop=True)


def worst_cases(cases: pd.DataFrame, *, n: int = 8, by: str = "brier_contribution") -> pd.DataFrame:
    """The scored cases the method got most wrong (largest Brier contribution), with the grade's basis."""
    if cases.empty:
        return pd.DataFrame()
    scored = cases[cases["status"] == "scored"].astype({by: float})
    cols = ["region", "indicator", "target_year", "target", "as_of", "probability", "met", "outcome", "grade",
            "grade_basis", "series", by]
    return scored.nlargest(n, by)[[c for c in cols if c in scored.columns]].reset_index(drop=True)
