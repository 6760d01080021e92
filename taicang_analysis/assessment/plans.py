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

from dataclasses import dataclass

import pandas as pd

from ..data import registry, vintages
from . import outside
from .assess import EXTRA_HORIZON, PANEL_LAG_YEARS, Assessment, Pool, TargetSpec, assess
from .base_rate import BaseRate, with_base_rate
from .inputs import KIND_OF, InputError

PANEL_COLLECTIONS = ("cn_provinces", "world")
UNDATED_PANELS = ("world",)  # one current release (2026-07-13): pseudo-real-time, cut by data year
REFERENCE_CHOICES = {"none": (), "cn_provinces": ("cn_provinces",), "world": ("world",),
                     "all": PANEL_COLLECTIONS}


def model_kind(indicator: registry.Indicator) -> str:
    return KIND_OF[indicator.kind]


def as_of_date(when) -> str | None:
    """'YYYY-MM-DD' for a date, a 'YYYY-MM-DD' string or a year (its 31 December)."""
    from .inputs import AsOf
    return AsOf.parse(when).iso


def region_series(observations: pd.DataFrame, region: str, indicator: str, as_of=None) -> tuple[pd.Series, pd.DataFrame]:
    """The region's values known at ``as_of`` (strict: by publication date), and their provenance rows."""
    own = observations[(observations["collection"] == "observations") & (observations["region"] == region)
                       & (observations["indicator"] == indicator)]
    known = vintages.known_values(own, as_of)
    return vintages.series(known, region, indicator), known


def reference_panels(observations: pd.DataFrame, indicator: str, *, reference: str = "all",
                     as_of=None) -> dict[str, pd.DataFrame]:
    """Tidy panels (region, year, value) of the indicator, cut to years up to as_of's year.

    Aggregates (rows flagged ``aggregate``: World Bank regions and income groups, the EU, the
    Sunan average) are left out, as in the backtest whose calibration these pools use: a group
    of places is not a region that could have set a target."""
    if reference not in REFERENCE_CHOICES:
        raise ValueError(f"reference must be one of {', '.join(REFERENCE_CHOICES)}; got {reference!r}")
    cutoff = as_of_date(as_of)
    panels = {}
    for name in REFERENCE_CHOICES[reference]:
        rows = observations[(observations["collection"] == name) & (observations["indicator"] == indicator)]
        if "aggregate" in rows.columns:
            rows = rows[~rows["aggregate"].astype(bool)]
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
    return assess_region(observations, target_row["indicator"], target_spec(target_row), target_row["region"],
                         as_of=as_of, reference=reference, pool=pool, n_draws=n_draws, seed=seed,
                         exclude_regions=exclude_regions)[0]


def assess_region(observations: pd.DataFrame, indicator: str, spec: TargetSpec, region: str, *, as_of=None,
                  reference: str = "all", pool: Pool = Pool(), n_draws: int = 10_000, seed: int = 0,
                  exclude_regions: tuple[str, ...] = (),
                  own: tuple[pd.Series, pd.DataFrame] | None = None,
                  panels: dict[str, pd.DataFrame] | None = None,
                  analogue: pd.DataFrame | None = None,
                  base_rate: BaseRate | None = None) -> tuple[Assessment, pd.DataFrame]:
    """One target for the region's published series as known at ``as_of``: the assessment and the
    provenance rows of the observations it used.  ``own``, ``panels`` and ``analogue``:
    `region_series`', `reference_panels`' and `outside.analogue_panel`'s answers, when the caller
    already has them.  The stated outside view (`outside`) runs beside the pool; ``base_rate`` (the
    region's regime's record of past targets, `evaluation.plan_record`) is attached, and is the
    headline only where nothing else gives a probability (`base_rate.with_base_rate`)."""
    ind = registry.get(indicator)
    series, known = region_series(observations, region, ind.id, as_of) if own is None else own
    if panels is None:
        panels = reference_panels(observations, ind.id, reference=reference, as_of=as_of)
    result = assess(series, spec, kind=model_kind(ind),
                    direction=ind.direction if ind.direction != "none" else "up",
                    bounds=ind.bounds if ind.is_share else None, indicator=ind.id, as_of=as_of_date(as_of),
                    panels=panels, exclude_regions=exclude_regions + (region,),
                    pool=pool, n_draws=n_draws, seed=seed)
    view = outside.stated_view(ind.id)
    if analogue is None and view is not None and view.collection is not None:
        analogue = outside.analogue_panel(observations, view, region=region, cutoff=as_of_date(as_of))
    ov_result = outside.run_outside_view(
        series, spec, indicator=ind.id, kind=model_kind(ind), direction=result.direction,
        bounds=ind.bounds if ind.is_share else None, panel=analogue,
        horizon_year=max(spec.year, int(series.index[-1]) + 1 if len(series) else spec.year) + EXTRA_HORIZON,
        n_draws=n_draws, seed=seed)
    result = with_base_rate(outside.with_outside_view(result, ov_result), base_rate)
    notes = list(result.notes)
    if series.empty:
        related = related_published(observations, ind, region)
        if related:
            notes.append(f"published under a different definition: {', '.join(related)} — not substituted "
                         f"({ind.notes})")
    qualified = known[known["qualifier"] != "exact"]
    for q in qualified.to_dict("records"):
        notes.append(f"{q['year']}: published as {q['value_printed']} ({q['qualifier']}); used as the point value")
    derived = known[known["status"] == "derived"]
    for d in derived.to_dict("records"):
        notes.append(f"{d['year']}: derived, {d['derivation']}")
    for r in known[known["superseded"].fillna("") != ""].to_dict("records"):
        notes.append(f"{r['year']}: {r['value_printed']} ({r['document']}, {r['published']}) supersedes "
                     f"{r['superseded']}")
    prelim = known[known["status"] == "preliminary"]
    for p in prelim.to_dict("records"):
        notes.append(f"{p['year']}: preliminary figure ({p['document']})")
    return _with_notes(result, notes), known


def related_published(observations: pd.DataFrame, ind: registry.Indicator, region: str) -> tuple[str, ...]:
    """Related definitions (口径) of ``ind`` the region publishes: named, never substituted."""
    own = observations[observations["region"] == region]
    return tuple(r for r in ind.related if (own["indicator"] == r).any())


def _with_notes(result: Assessment, notes: list[str]) -> Assessment:
    from dataclasses import replace
    return replace(result, notes=tuple(notes))


@dataclass(frozen=True)
class Plan:
    """A plan whose targets are assessed: which rows of the targets table are its, and its years.

    The plan document's metadata (data/raw/documents/*.meta.toml) is raw and
    append-only and names only publisher, document and date; what the library
    needs to select a plan's targets is kept here, keyed by plan id.
    """

    id: str
    name_zh: str
    name_en: str
    region: str
    document: str  # the plan's text under data/raw
    base_year: int  # the year the plan looks back on (its review table)
    target_year: int  # the year of its headline targets
    # (target year, ``plan_id`` of its rows in targets.csv), headline first: the 14th plan's Table 2 holds
    # its own targets, its Table 1 reviews the 13th plan's 2020 targets
    tables: tuple[tuple[int, str], ...]

    def table_for(self, target_year: int) -> str | None:
        return dict(self.tables).get(int(target_year))

    @property
    def target_years(self) -> tuple[int, ...]:
        return tuple(y for y, _ in self.tables)


PLANS: dict[str, Plan] = {p.id: p for p in (
    Plan("taicang_14th_st", "太仓市“十四五”科技创新规划", "Taicang 14th Five-Year S&T Innovation Plan",
         region="Taicang", document="documents/taicang_14th_st_plan.txt", base_year=2020, target_year=2025,
         tables=((2025, "taicang_14th_st"), (2020, "taicang_13th_st"))),
)}
DEFAULT_PLAN = "taicang_14th_st"


def get_plan(plan: str | Plan | None = None) -> Plan:
    if isinstance(plan, Plan):
        return plan
    plan = DEFAULT_PLAN if plan is None else plan
    if plan not in PLANS:
        raise InputError("plan", plan, f"plan {plan!r} is unknown; known plans: {', '.join(sorted(PLANS))}")
    return PLANS[plan]


def plan_table(plan: str | Plan | None, target_year: int) -> str:
    """The ``plan_id`` of the plan's rows of targets for ``target_year``; a year it has none for is an error."""
    plan = get_plan(plan)
    table = plan.table_for(target_year)
    if table is None:
        raise InputError("target_year", target_year, f"{plan.id} has targets for "
                                                     f"{', '.join(str(y) for y in plan.target_years)} only")
    return table


def plan_targets(targets: pd.DataFrame, plan: str | Plan | None = None, *, target_year: int | None = None,
                 region: str | None = None) -> pd.DataFrame:
    """The plan's targets for ``target_year`` (default: its headline year), in the order of its table
    (typed columns ``plan_id`` and ``row`` of the targets table)."""
    plan = get_plan(plan)
    year = plan.target_year if target_year is None else int(target_year)
    table = plan_table(plan, year)
    sel = targets[(targets["plan_id"] == table) & (targets["region"] == (region or plan.region))
                  & (targets["target_year"] == year)]
    return sel.sort_values("row", kind="stable")


def plan_target(targets: pd.DataFrame, indicator: str, plan: str | Plan | None = None, *,
                target_year: int | None = None) -> pd.Series:
    """The one target row of the plan for ``indicator`` in ``target_year``; an ambiguous choice is an error."""
    plan = get_plan(plan)
    year = plan.target_year if target_year is None else int(target_year)
    return choose_target(plan_targets(targets, plan, target_year=year), indicator, plan, year)


def choose_target(plan_rows: pd.DataFrame, indicator: str, plan: Plan, year: int) -> pd.Series:
    """The one row for ``indicator`` among the plan's rows for ``year`` (`plan_targets`)."""
    rows = plan_rows[plan_rows["indicator"] == indicator]
    if rows.empty:
        raise InputError("indicator", indicator, f"{plan.id} has no {year} target for it "
                                                 "(give a target value to assess against one of your own)")
    if len(rows) > 1:
        listed = "; ".join(f"{r['target_printed']} ({r['source_ref']})" for _, r in rows.iterrows())
        raise InputError("indicator", indicator, f"{plan.id} has {len(rows)} {year} targets for it: {listed}; "
                                                 "give a target value to choose")
    return rows.iloc[0]


def assess_plan(observations: pd.DataFrame, targets: pd.DataFrame, *, plan: str | Plan | None = None,
                region: str | None = None, target_year: int | None = None, as_of=None, reference: str = "all",
                pool: Pool = Pool(), n_draws: int = 10_000, seed: int = 0) -> list[Assessment]:
    rows = plan_targets(targets, plan, target_year=target_year, region=region)
    return [assess_target(observations, row, as_of=as_of, reference=reference, pool=pool, n_draws=n_draws, seed=seed)
            for _, row in rows.iterrows()]


STATED_DENOMINATOR_GROWTHS = (0.04, 0.06, 0.08)  # "what it takes" also at these growths of the denominator


def what_it_takes(observations: pd.DataFrame, a: Assessment, *, region: str | None = None, as_of=None,
                  denominator_growth: float | None = None) -> tuple[object | None, list, str | None]:
    """Numerator growth the target needs: at the denominator's observed (or a stated) growth and at
    `STATED_DENOMINATOR_GROWTHS`.  Returns (requirement, alternatives, reason it could not be computed).
    ``region`` None: the default plan's region."""
    from . import scenarios
    region = get_plan().region if region is None else region
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


def assess_indicator(observations: pd.DataFrame, targets: pd.DataFrame, indicator: str, *,
                     plan: str | Plan | None = None, target_year: int | None = None, as_of=None,
                     reference: str = "all", pool: Pool = Pool(), n_draws: int = 10_000, seed: int = 0) -> Assessment:
    """The plan's target for one indicator, assessed; every argument checked first (papermill passes
    parameters unchecked)."""
    from . import inputs
    ind = inputs.indicator(indicator)
    inputs.check_choice("reference", reference, REFERENCE_CHOICES)
    inputs.AsOf.parse(as_of)
    inputs.check_draws(n_draws)
    row = plan_target(targets, ind.id, plan, target_year=target_year)
    return assess_target(observations, row, as_of=as_of, reference=reference, pool=pool, n_draws=n_draws, seed=seed)


CALIBRATION_FILE = "backtest_calibration.csv"


def load_calibration(choice=None, processed_dir=None):
    """(spread: a Calibration, a factor or None = uncalibrated; a sentence saying which applies) for ``choice``.

    ``None`` or ``"auto"``: the backtest's table in the processed data folder when it has been
    fitted, else uncalibrated; ``"none"``: uncalibrated; a path: that table; a `Calibration`:
    itself; a number: that one spread factor for every year (1 = uncalibrated, stated as such).
    """
    import math
    import numbers
    from pathlib import Path

    from ..data import io
    from .assess import Calibration
    if isinstance(choice, Calibration):
        return choice, f"calibrated (a Calibration of {len(choice.cells)} cell(s), given)"
    if isinstance(choice, numbers.Real) and not isinstance(choice, bool):
        if not (math.isfinite(choice) and choice > 0):
            raise InputError("spread", choice, "pool.spread must be > 0 and finite")
        if choice == 1:
            return None, "uncalibrated (spread factor 1, given)"
        return float(choice), f"spread factor {choice:g} for every year (given)"
    if choice == "none":
        return None, "uncalibrated (calibration 'none')"
    if choice is not None and not isinstance(choice, (str, Path)):
        raise InputError("calibration", choice, "must be 'auto', 'none', a path to a calibration table, a "
                                                "Calibration or a spread factor")
    auto = choice in (None, "auto")
    folder = Path(processed_dir) if processed_dir is not None else io.PROCESSED_DIR
    path = folder / CALIBRATION_FILE if auto else Path(choice)
    if not path.exists():
        if not auto:
            raise InputError("calibration", str(choice), "no such file")
        return None, ("uncalibrated: no calibration fitted yet (`make backtest` fits it on rolling origins; "
                      "`make brief` runs it)")
    try:
        cal = Calibration.from_frame(io.read_processed(path.name, path.parent))
    except (ValueError, KeyError) as exc:
        raise InputError("calibration", str(path), f"not a calibration table ({exc})") from None
    return cal, (f"calibrated ({path.name}, fitted on rolling origins by indicator, pool type and horizon: "
                 f"{len(cal.cells)} cell(s))")
