"""Glue between the processed tables and ``assess``: the region's series as known
at a date, the reference panels cut to that date, and one assessment per target.

The provincial panel carries (inferred) yearbook publication dates and is cut
strictly by them.  The World Bank panel is one current release (2026-07-13):
taking only its rows published before ``as_of`` would leave nothing for any past
date, so it is used *pseudo-real-time*: only years up to ``as_of``'s year minus
one (a year's figure appears the year after) enter, at their current values.  Revisions after the fact are
small for R&D intensity (EU 2004 figures: median -0.06 pp between the 2006 and
today's vintage), and the region's own series is always cut strictly by
publication date.
"""

from __future__ import annotations


import pandas as pd

from ..data import registry, vintages
from .assess import PANEL_LAG_YEARS, Assessment, Pool, TargetSpec, assess

PANEL_COLLECTIONS = ("cn_provinces", "world")
UNDATED_PANELS = ("world",)  # one current release (2026-07-13): pseudo-real-time, cut by data year
REFERENCE_CHOICES = {"none": (), "cn_provinces": ("cn_provinces",), "world": ("world",),
                     "all": PANEL_COLLECTIONS}
_KIND_OF = {"share": "share", "per_10k": "rate", "ratio": "rate", "stock": "count", "flow": "count",
            "period_total": "count", "level": "level"}


def model_kind(indicator: registry.Indicator) -> str:
    return _KIND_OF[indicator.kind]


def as_of_date(when) -> str | None:
    """'YYYY-MM-DD' for a date, a 'YYYY-MM-DD' string or a year (its 31 December)."""
    if when is None:
        return None
    return vintages._as_date(when)


def region_series(observations: pd.DataFrame, region: str, indicator: str, as_of=None) -> tuple[pd.Series, pd.DataFrame]:
    """The region's values known at ``as_of`` (strict: by publication date), and their provenance rows."""
    own = observations[(observations["collection"] == "observations") & (observations["region"] == region)
                       & (observations["indicator"] == indicator)]
    known = vintages.known_values(own, as_of)
    return vintages.series(known, region, indicator), known


def reference_panels(observations: pd.DataFrame, indicator: str, *, reference: str = "all",
                     as_of=None) -> dict[str, pd.DataFrame]:
    """Tidy panels (region, year, value) of the indicator, cut to years up to as_of's year."""
    if reference not in REFERENCE_CHOICES:
        raise ValueError(f"reference must be one of {', '.join(REFERENCE_CHOICES)}; got {reference!r}")
    cutoff = as_of_date(as_of)
    panels = {}
    for name in REFERENCE_CHOICES[reference]:
        rows = observations[(observations["collection"] == name) & (observations["indicator"] == indicator)]
        if rows.empty:
            continue
        if name in UNDATED_PANELS:
            known = vintages.known_values(rows)
            if cutoff is not None:
                known = known[known["year"] <= int(cutoff[:4]) - PANEL_LAG_YEARS]
        else:  # dated (publication dates inferred from the yearbook edition): strict
            known = vintages.known_values(rows, cutoff)
        panels[name] = known[["region", "year", "value"]].reset_index(drop=True)
    return panels


def target_spec(row: pd.Series) -> TargetSpec:
    tol = row.get("tolerance")
    tol = None if tol is None or tol == "" or pd.isna(tol) else float(tol)
    return TargetSpec(float(row["target"]), int(row["target_year"]), row["comparator"], tol)


def assess_target(observations: pd.DataFrame, target_row: pd.Series, *, as_of=None, reference: str = "all",
                  pool: Pool = Pool(), n_draws: int = 10_000, seed: int = 0,
                  exclude_regions: tuple[str, ...] = ()) -> Assessment:
    """Assess one row of the targets table against what was known at ``as_of``."""
    ind = registry.get(target_row["indicator"])
    series, known = region_series(observations, target_row["region"], ind.id, as_of)
    panels = reference_panels(observations, ind.id, reference=reference, as_of=as_of)
    result = assess(series, target_spec(target_row), kind=model_kind(ind),
                    direction=ind.direction if ind.direction != "none" else "up",
                    bounds=ind.bounds if ind.is_share else None, indicator=ind.id, as_of=as_of_date(as_of),
                    panels=panels, exclude_regions=exclude_regions + (target_row["region"],),
                    pool=pool, n_draws=n_draws, seed=seed)
    notes = list(result.notes)
    if series.empty:
        related = [r for r in ind.related
                   if not observations[(observations["region"] == target_row["region"])
                                       & (observations["indicator"] == r)].empty]
        if related:
            notes.append(f"published under a different definition: {', '.join(related)} — not substituted "
                         f"({ind.notes})")
    qualified = known[known["qualifier"] != "exact"]
    for _, q in qualified.iterrows():
        notes.append(f"{q['year']}: published as {q['value_printed']} ({q['qualifier']}); used as the point value")
    derived = known[known["status"] == "derived"]
    for _, d in derived.iterrows():
        notes.append(f"{d['year']}: derived, {d['derivation']}")
    for _, r in known[known["superseded"] != ""].iterrows():
        notes.append(f"{r['year']}: {r['value_printed']} ({r['document']}, {r['published']}) supersedes "
                     f"{r['superseded']}")
    prelim = known[known["status"] == "preliminary"]
    for _, p in prelim.iterrows():
        notes.append(f"{p['year']}: preliminary figure ({p['document']})")
    return _with_notes(result, notes)


def _with_notes(result: Assessment, notes: list[str]) -> Assessment:
    from dataclasses import replace
    return replace(result, notes=tuple(notes))


def plan_targets(targets: pd.DataFrame, *, region: str = "Taicang", target_year: int = 2025) -> pd.DataFrame:
    sel = targets[(targets["region"] == region) & (targets["target_year"] == target_year)].copy()
    sel["_row"] = sel["source_ref"].str.extract(r"/(\d+)$")[0].astype(int)
    return sel.sort_values("_row").drop(columns="_row")


def assess_plan(observations: pd.DataFrame, targets: pd.DataFrame, *, region: str = "Taicang",
                target_year: int = 2025, as_of=None, reference: str = "all", pool: Pool = Pool(),
                n_draws: int = 10_000, seed: int = 0) -> list[Assessment]:
    return [assess_target(observations, row, as_of=as_of, reference=reference, pool=pool, n_draws=n_draws, seed=seed)
            for _, row in plan_targets(targets, region=region, target_year=target_year).iterrows()]




STATED_DENOMINATOR_GROWTHS = (0.04, 0.06, 0.08)  # "what it takes" also at these growths of the denominator


def what_it_takes(observations: pd.DataFrame, a: Assessment, *, region: str = "Taicang", as_of=None,
                  denominator_growth: float | None = None) -> tuple[object | None, list, str | None]:
    """Numerator growth the target needs: at the denominator's observed (or a stated) growth and at
    `STATED_DENOMINATOR_GROWTHS`.  Returns (requirement, alternatives, reason it could not be computed)."""
    from . import scenarios
    if a.indicator not in scenarios.DECOMPOSITIONS:
        return None, [], f"{a.indicator} is not a ratio of published components"
    if not a.n_obs:
        return None, [], "no published value to start from"
    _, den, _ = scenarios.DECOMPOSITIONS[a.indicator]
    den_series, _ = region_series(observations, region, den, as_of)
    kwargs = dict(target=a.target.value, target_year=a.target.year)
    try:
        main = scenarios.requirement(a.indicator, a.observations, den_series, denominator_growth=denominator_growth,
                                     **kwargs)
    except ValueError as exc:
        return None, [], str(exc)
    alternatives = [scenarios.requirement(a.indicator, a.observations, den_series, denominator_growth=g, **kwargs)
                    for g in STATED_DENOMINATOR_GROWTHS]
    return main, alternatives, None


def assess_indicator(observations: pd.DataFrame, targets: pd.DataFrame, indicator: str, *, region: str = "Taicang",
                     target_year: int = 2025, as_of=None, reference: str = "all", pool: Pool = Pool(),
                     n_draws: int = 10_000, seed: int = 0) -> Assessment:
    """The plan's target for one indicator, assessed; every argument checked first (papermill passes
    parameters unchecked)."""
    ind = registry.get(indicator)
    if reference not in REFERENCE_CHOICES:
        raise ValueError(f"reference must be one of {', '.join(REFERENCE_CHOICES)}; got {reference!r}")
    if as_of is not None:
        as_of_date(as_of)
    if not isinstance(n_draws, int) or n_draws < 100:
        raise ValueError(f"n_draws must be an integer of at least 100; got {n_draws!r}")
    rows = targets[(targets["region"] == region) & (targets["indicator"] == ind.id)
                   & (targets["target_year"] == target_year)]
    if rows.empty:
        raise ValueError(f"no {target_year} target for {ind.id} in {region}'s plan")
    return assess_target(observations, rows.iloc[0], as_of=as_of, reference=reference, pool=pool,
                         n_draws=n_draws, seed=seed)


CALIBRATION_FILE = "backtest_calibration.csv"


def load_calibration(choice: str | None = None):
    """(Calibration or None, a sentence saying which) for ``choice``: None = the backtest's table in
    data/processed if it has been fitted, "none" = uncalibrated, or a path to such a table."""
    from pathlib import Path

    from ..data import io
    from .assess import Calibration
    if choice == "none":
        return None, "uncalibrated (calibration 'none')"
    path = io.PROCESSED_DIR / CALIBRATION_FILE if choice is None else Path(choice)
    if not path.exists():
        if choice is not None:
            raise FileNotFoundError(f"{choice}: no such file")
        return None, ("uncalibrated: no calibration fitted yet (`make backtest` fits it on rolling origins; "
                      "`make brief` runs it)")
    try:
        cal = Calibration.from_frame(io.read_processed(path.name, path.parent))
    except (ValueError, KeyError) as exc:
        raise ValueError(f"{path}: not a calibration table ({exc})") from None
    return cal, f"spread calibrated by pool type and horizon on rolling origins ({path.name})"
