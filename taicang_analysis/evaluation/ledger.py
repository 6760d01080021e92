"""A forecast ledger: today's probabilities for every open target, recorded before the outcome exists.

A track record built after the fact can always be tuned; one written down in
advance cannot.  `record_file` appends, for every open target (its target year
is after the latest year any collection publishes for its indicator), the
probability the engine gives today, with the date, the code version and a hash
of everything the probability was computed from.  The file is append-only:
an entry is never changed, and recording again on the same inputs (same target,
method and inputs hash, which covers the engine's source) writes nothing.  `score` reads each entry's outcome as
soon as it appears among the observations and scores it (Brier, log score).

Pure functions (`open_targets`, `entries`, `new_rows`, `score`) do the work;
`record_file` and `read_ledger` are the thin disk edge (atomic replace of the
whole file, existing rows first and unchanged).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..assessment import outside, plans
from ..assessment.assess import Calibration, Pool, assess
from ..data import io, regions, registry, vintages
from ..forecast import models
from ..forecast.outside_views import OUTSIDE_VIEWS
from . import backtest, plan_record, scoring

LEDGER_COLUMNS: tuple[str, ...] = (
    "recorded", "code_version", "inputs_hash", "case_id", "region", "indicator", "comparator", "target",
    "target_year", "method", "source", "latest_year", "latest_value", "probability", "median", "lower80", "upper80")
KEY = ("case_id", "method", "inputs_hash")
METHOD = "pool"  # the engine in use; a second engine is recorded under its own name
METHOD_OUTSIDE_VIEW = "outside_view"  # v2 (uncalibrated), recorded beside the pool: a real-time test of both
METHOD_BASE_RATE = "base_rate"  # the regime's share of past targets met (`plan_record`): the baseline to beat
SUB_NATIONAL_LEVELS = ("province", "prefecture", "county")


def open_targets(observations: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Targets whose outcome is not published yet: the target year is after the latest year with a
    published value of that indicator for that region (in any collection)."""
    known = observations[observations["value"].notna()]
    latest = known.groupby(["region", "indicator"])["year"].max()
    last = pd.Series([latest.get((r, i)) for r, i in zip(targets["region"], targets["indicator"], strict=True)],
                     index=targets.index, dtype="Float64")
    keep = last.isna() | (targets["target_year"].astype(int) > last.fillna(-1).astype(int))
    return targets[keep].reset_index(drop=True)


def _series_for(observations: pd.DataFrame, region: str, indicator: str) -> tuple[pd.Series, str]:
    """The most recent of the region's own published series and its rows of the panels (today's values,
    last `SERIES_WINDOW` years): the one whose latest year is latest; on a tie the region's own."""
    series, _ = plans.region_series(observations, region, indicator)
    best, source = series, ("observations" if len(series) else "")
    for name in backtest.PANELS:
        panel = backtest.current_panel(observations, name, indicator)
        rows = panel[panel["region"] == region].sort_values("year")
        if len(rows) and (best.empty or int(rows["year"].iloc[-1]) > int(best.index[-1])):
            s = pd.Series(rows["value"].to_numpy(float), index=rows["year"].to_numpy(int), name=indicator)
            best, source = backtest._latest_window(s, backtest.SERIES_WINDOW), name
    return best, source


def inputs_hash(series: pd.Series, target_row: pd.Series, panels: dict, calibration: Calibration | None,
                n_draws: int, seed: int, engine: str = "", extra: bytes = b"") -> str:
    """SHA-256 (16 hex digits) of the series, the target, the panels, the calibration, the draw settings,
    ``engine`` (`backtest.code_digest`: the source of the code that computes the probability) and ``extra``
    (any other table the probability reads), so a changed engine records its own forecast while a re-run
    of the same one writes nothing."""
    h = hashlib.sha256()
    h.update(engine.encode())
    h.update(extra)
    h.update(json.dumps({"series": [[int(y), float(v)] for y, v in series.items()],
                         "target": [str(target_row["region"]), str(target_row["indicator"]),
                                    str(target_row["comparator"]), float(target_row["target"]),
                                    int(target_row["target_year"]), str(target_row.get("tolerance", ""))],
                         "n_draws": n_draws, "seed": seed}, sort_keys=True).encode())
    for name in sorted(panels):
        p = panels[name].sort_values(["region", "year"])
        h.update(name.encode())
        h.update(io.frame_to_csv_bytes(p[["region", "year", "value"]]))
    if calibration is not None:
        h.update(io.frame_to_csv_bytes(calibration.to_frame()))
    return h.hexdigest()[:16]


def outside_view_panel(observations: pd.DataFrame, region: str, indicator: str) -> tuple[pd.DataFrame, str, bool]:
    """The panel v2 projects ``region``'s ``indicator`` with, its regime and whether the level term applies.

    A Chinese sub-national region (typed `regions` level) takes its indicator's stated analogue
    (`forecast.outside_views`) when there is one, else the provincial panel of the same indicator;
    a country takes the World Bank panel of the same indicator (the regimes of docs/preregistration.md).
    Today's values; the region itself, the national row and aggregates are left out.
    """
    try:
        level = regions.get(region).level
    except regions.UnknownRegion:
        level = "country"
    if level in SUB_NATIONAL_LEVELS:
        view = OUTSIDE_VIEWS.get(indicator)
        if view is not None and view.collection is not None:
            return (outside.analogue_panel(observations, view, region=region, cutoff=None), outside.REGIME,
                    view.fair_for == "level")
        panel = backtest.current_panel(observations, "cn_provinces", indicator)
        return panel[~panel["region"].isin([region, *outside.REGIME_EXCLUDE])], outside.REGIME, True
    panel = backtest.current_panel(observations, "world", indicator)
    return panel[panel["region"] != region].reset_index(drop=True), "countries", True


def _outside_view_row(observations: pd.DataFrame, t: pd.Series, ind, series: pd.Series, n_draws: int,
                      seed: int) -> tuple[dict, dict] | None:
    """(ledger fields, panels for the hash) of v2's forecast of one open target, or None when it cannot run."""
    panel, regime, level_effect = outside_view_panel(observations, t["region"], ind.id)
    if panel.empty or int(t["target_year"]) <= int(series.index[-1]):
        return None
    got = outside.project(series, plans.target_spec(t), kind=plans.model_kind(ind),
                          direction=ind.direction if ind.direction != "none" else "up",
                          bounds=ind.bounds if ind.is_share else None, panel=panel, regime=regime,
                          level_effect=level_effect, horizon_year=int(t["target_year"]), n_draws=n_draws, seed=seed)
    if isinstance(got, models.Skipped):
        return None
    _, _, p, proj = got
    fields = {"method": METHOD_OUTSIDE_VIEW, "probability": float(p), "median": proj["median"],
              "lower80": proj["lower"], "upper80": proj["upper"]}
    return fields, {f"{regime}:{int(level_effect)}": panel}


def _base_rate_fields(cases: pd.DataFrame, sub_national, region: str, recorded: str,
                      seed: int) -> tuple[dict, bytes] | None:
    """(ledger fields, the case rows it counted, for the hash) of the region's regime's base rate as of
    ``recorded``; None where the region has no regime or its regime too few cases (`base_rate.MIN_CASES`)."""
    rate = plan_record.regime_base_rate(cases, region, sub_national, as_of=recorded, seed=seed)
    if rate is None or not rate.usable:
        return None
    counted = plan_record.known_cases(cases, recorded)[["region", "indicator", "target_year", "set_year", "met"]]
    fields = {"method": METHOD_BASE_RATE, "probability": rate.probability, "median": np.nan, "lower80": np.nan,
              "upper80": np.nan}
    return fields, io.frame_to_csv_bytes(counted.sort_values(["region", "indicator", "target_year", "set_year"]))


def entries(observations: pd.DataFrame, targets: pd.DataFrame, *, recorded: str, code_version: str,
            calibration: Calibration | None = None, n_draws: int = 10_000, seed: int = 0,
            cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """Candidate ledger rows: per open target, the pool's probability (method ``pool``), the outside
    view's (method ``outside_view``), each where it can be computed today, and, given the backtest's
    ``cases``, the base rate of the region's regime (method ``base_rate``)."""
    rows = []
    engine = backtest.code_digest()
    sub_national = None if cases is None else backtest.sub_national_regions(observations)
    for _, t in open_targets(observations, targets).iterrows():
        try:
            ind = registry.get(t["indicator"])
        except registry.UnknownIndicator:
            continue
        series, source = _series_for(observations, t["region"], ind.id)
        if series.empty:
            continue
        panels = plans.reference_panels(observations, ind.id)
        aggregates = backtest.aggregate_regions(observations)
        panels = {k: p[~p["region"].isin(aggregates)].reset_index(drop=True) for k, p in panels.items()}
        pool = Pool(spread=calibration) if calibration is not None else Pool()
        a = assess(series, plans.target_spec(t), kind=plans.model_kind(ind),
                   direction=ind.direction if ind.direction != "none" else "up",
                   bounds=ind.bounds if ind.is_share else None, indicator=ind.id, panels=panels,
                   exclude_regions=(t["region"],), pool=pool, n_draws=n_draws, seed=seed)
        common = {"recorded": recorded, "code_version": code_version, "case_id": t["source_ref"],
                  "region": t["region"], "indicator": ind.id, "comparator": t["comparator"],
                  "target": float(t["target"]), "target_year": int(t["target_year"]), "source": source,
                  "latest_year": int(series.index[-1]), "latest_value": float(series.iloc[-1])}
        if a.probability is not None:
            rows.append({**common,
                         "inputs_hash": inputs_hash(series, t, panels, calibration, n_draws, seed, engine),
                         "method": METHOD, "probability": float(a.probability),
                         "median": float(a.projection["median"]), "lower80": float(a.projection["lower"]),
                         "upper80": float(a.projection["upper"])})
        v2 = _outside_view_row(observations, t, ind, series, n_draws, seed)
        if v2 is not None:
            fields, ov_panels = v2
            rows.append({**common, **fields,
                         "inputs_hash": inputs_hash(series, t, ov_panels, None, n_draws, seed, engine)})
        base = None if cases is None else _base_rate_fields(cases, sub_national, t["region"], recorded, seed)
        if base is not None:
            fields, counted = base
            rows.append({**common, **fields,
                         "inputs_hash": inputs_hash(series, t, {}, None, n_draws, seed, engine, extra=counted)})
    return pd.DataFrame(rows, columns=list(LEDGER_COLUMNS))


def new_rows(existing: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    """The candidates whose (case_id, method, inputs_hash) is not yet in the ledger."""
    if existing.empty:
        return candidates.reset_index(drop=True)
    seen = set(zip(*(existing[k].astype(str) for k in KEY)))
    keep = [tuple(str(v) for v in key) not in seen for key in zip(*(candidates[k] for k in KEY))]
    return candidates[keep].reset_index(drop=True)


def score(ledger: pd.DataFrame, observations: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The ledger with ``outcome``, ``met``, ``brier`` and ``log_score`` where the outcome has been published."""
    out = ledger.copy()
    for col in ("outcome", "met", "brier", "log_score"):
        out[col] = np.nan
    known = vintages.known_values(observations[observations["value"].notna()])
    spec_rows = targets.set_index("source_ref")
    for i, r in out.iterrows():
        hit = known[(known["region"] == r["region"]) & (known["indicator"] == r["indicator"])
                    & (known["year"] == int(r["target_year"]))]
        if hit.empty or r["case_id"] not in spec_rows.index:
            continue
        ind = registry.get(r["indicator"])
        spec = plans.target_spec(spec_rows.loc[r["case_id"]])
        outcome = float(hit["value"].iloc[0])
        met = float(bool(spec.met(np.array([outcome]), ind.direction if ind.direction != "none" else "up")[0]))
        p = float(r["probability"])
        out.at[i, "outcome"], out.at[i, "met"] = outcome, met
        out.at[i, "brier"] = (p - met) ** 2
        out.at[i, "log_score"] = scoring.log_score([p], [met])
    return out


# -- the ledger's own test (docs/preregistration.md, section 10), written before any outcome exists ---

TEST_FROM = "2026-12-02"  # entries recorded from this date on: the first with section 10's engine
MIN_PAIRS = 30  # scored targets with both methods before the ledger may decide


def test_entries(scored: pd.DataFrame) -> pd.DataFrame:
    """The entries section 10 scores: recorded on or after `TEST_FROM` with a published outcome, the
    earliest per target and method (a later engine's re-forecast of the same target is not a new case)."""
    rows = scored[(scored["recorded"].astype(str) >= TEST_FROM) & scored["met"].notna()]
    rows = rows.sort_values(["recorded"], kind="stable")
    return rows.drop_duplicates(["case_id", "method"], keep="first").reset_index(drop=True)


def method_scores(scored: pd.DataFrame) -> pd.DataFrame:
    """Per method: scored entries, targets met, mean Brier and log score with their cohort-bootstrap
    intervals (cohort: the target year, whose shocks hit every target of that year), and expected
    against observed successes with the method's own 90 % range."""
    rows = []
    for method, g in test_entries(scored).groupby("method", sort=True):
        p, y = g["probability"].to_numpy(float), g["met"].to_numpy(float)
        cohorts = g["target_year"].astype(str).to_numpy()
        brier = scoring.cohort_bootstrap((p - y) ** 2, cohorts)
        log = scoring.cohort_bootstrap(scoring.log_contributions(p, y), cohorts)
        exp = scoring.expected_successes(p)
        rows.append({"method": method, "n": len(g), "met": int(y.sum()), "brier": brier.point,
                     "brier_low": brier.low, "brier_high": brier.high, "log_score": log.point,
                     "log_low": log.low, "log_high": log.high, "expected": exp.point,
                     "expected_low": exp.low, "expected_high": exp.high})
    return pd.DataFrame(rows)


def decision(scored: pd.DataFrame) -> dict:
    """Section 10's rule on the ledger: with at least `MIN_PAIRS` targets scored under both methods,
    the outside view replaces the pool iff the mean of (pool − outside view) log score is > 0 with a
    cohort-bootstrap 95 % interval above 0; else the pool stays.  Fewer pairs: no decision yet."""
    rows = test_entries(scored)
    wide = rows.pivot_table(index=["case_id", "target_year"], columns="method", values="probability",
                            aggfunc="first")
    met = rows.drop_duplicates("case_id").set_index("case_id")["met"]
    if {METHOD, METHOD_OUTSIDE_VIEW} <= set(wide.columns):
        both = wide.dropna(subset=[METHOD, METHOD_OUTSIDE_VIEW])
    else:
        both = wide.iloc[:0]
    n = len(both)
    if n < MIN_PAIRS:
        return {"n_pairs": n, "needed": MIN_PAIRS, "decision": "not_yet",
                "difference": None, "low": None, "high": None}
    y = met.reindex(both.index.get_level_values("case_id")).to_numpy(float)
    pool = scoring.log_contributions(both[METHOD].to_numpy(float), y)
    other = scoring.log_contributions(both[METHOD_OUTSIDE_VIEW].to_numpy(float), y)
    est = scoring.cohort_bootstrap_difference(pool, other, both.index.get_level_values("target_year").astype(str))
    adopt = est.point > 0 and est.low > 0
    return {"n_pairs": n, "needed": MIN_PAIRS, "decision": "adopt_outside_view" if adopt else "keep_pool",
            "difference": est.point, "low": est.low, "high": est.high}


# -- the disk edge ---------------------------------------------------------------------------------

def read_ledger(path: Path) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=list(LEDGER_COLUMNS))
    frame = pd.read_csv(path, dtype={"code_version": str, "inputs_hash": str, "case_id": str})
    missing = set(LEDGER_COLUMNS) - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: not a forecast ledger (missing columns {sorted(missing)})")
    return frame


def record_file(path: Path, observations: pd.DataFrame, targets: pd.DataFrame, *, recorded: str,
                code_version: str, calibration: Calibration | None = None, n_draws: int = 10_000,
                seed: int = 0, cases: pd.DataFrame | None = None) -> pd.DataFrame:
    """Append today's new entries to the ledger at ``path`` (atomically); returns the rows written (maybe none)."""
    path = Path(path)
    existing = read_ledger(path)
    fresh = new_rows(existing, entries(observations, targets, recorded=recorded, code_version=code_version,
                                       calibration=calibration, n_draws=n_draws, seed=seed, cases=cases))
    if fresh.empty:
        return fresh
    payload = io.frame_to_csv_bytes(fresh)
    if path.exists():  # existing bytes unchanged, the new rows (without a header) after them
        payload = path.read_bytes() + payload.split(b"\n", 1)[1]
    io.write_tables_atomically({path.name: payload}, path.parent)
    return fresh


LEDGER_FILE = io.PROJECT_ROOT / "data" / "ledger" / "forecasts.csv"


def code_version(root: Path = io.PROJECT_ROOT) -> str:
    """The git commit of the code (``unknown`` outside a git checkout); ``+dirty`` if files are modified."""
    import subprocess
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def main(argv=None) -> int:
    """``record``: append today's entries to data/ledger/forecasts.csv; ``score``: print the scored entries."""
    import argparse
    import datetime as dt
    import sys

    parser = argparse.ArgumentParser(prog="python -m taicang_analysis.evaluation.ledger")
    parser.add_argument("action", choices=("record", "score"))
    parser.add_argument("--ledger", type=Path, default=LEDGER_FILE)
    parser.add_argument("--calibration", default=None, help="as `assess --calibration` (default: the fitted table)")
    args = parser.parse_args(argv)
    try:
        observations, targets = io.read_processed("observations.csv"), io.read_processed("targets.csv")
        if args.action == "record":
            calibration, _ = plans.load_calibration(args.calibration)
            cases = (io.read_processed(plan_record.CASES_FILE)
                     if (io.PROCESSED_DIR / plan_record.CASES_FILE).exists() else None)
            fresh = record_file(args.ledger, observations, targets, recorded=dt.date.today().isoformat(),
                                code_version=code_version(), calibration=calibration, cases=cases)
            print(f"{len(fresh)} new entr{'y' if len(fresh) == 1 else 'ies'} in {args.ledger}")
            if len(fresh):
                print(fresh[["case_id", "region", "indicator", "target", "target_year", "method", "probability"]]
                      .to_string(index=False))
        else:
            scored = score(read_ledger(args.ledger), observations, targets)
            print(scored[["recorded", "region", "indicator", "target", "target_year", "method", "probability", "outcome",
                          "met", "brier"]].to_string(index=False))
            scores = method_scores(scored)
            print(f"\nsection 10's test (entries recorded from {TEST_FROM}, earliest per target and method):")
            print(scores.round(3).to_string(index=False) if len(scores) else "  no outcome published yet")
            d = decision(scored)
            print(f"decision: {d['decision']} ({d['n_pairs']} target(s) scored under both methods; "
                  f"{d['needed']} needed)" + ("" if d["difference"] is None else
                                              f"; pool - outside view log score {d['difference']:+.3f} "
                                              f"[{d['low']:+.3f}, {d['high']:+.3f}]"))
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
