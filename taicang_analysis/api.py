"""The front door: ``import taicang_analysis as ta``.

A `Study` is a plan, a region and a date (what was known then); its methods
answer the questions a researcher asks, each returning a frozen result that
shows itself (``repr``, an HTML card, ``summary()``, ``plot()``, ``to_dict()``)::

    study = ta.Study()                          # the default plan and region, everything published
    a = study.assess("rd_intensity")            # -> TargetAssessment
    a.what_it_takes(denominator_growth=0.06)    # -> WhatItTakes
    a.scenario(numerator_growth=0.12, denominator_growth=0.06)   # -> ScenarioResult
    ta.assess_series({2015: 2.1, 2020: 2.6}, target=3, year=2025, kind="share")

The CLI and the notebooks call exactly these functions; every argument is
checked before any work and a bad one raises `InputError` (a ``ValueError``)
naming the argument and its value.  The spread of the pooled projection is the
same on every path: ``calibration="auto"`` uses the backtest's table in the
processed data folder when it has been fitted, and every result states which
spread applied (``calibration_basis``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pandas as pd

from .assessment import assess as _assess_module
from .assessment import inputs, outside, plans, scenarios
from .assessment.assess import Assessment, Pool, TargetSpec
from .assessment.base_rate import BaseRate
from .assessment.assess import assess as _assess
from .assessment.inputs import AsOf, InputError
from .assessment.plans import PLANS, Plan
from .data import io, registry, vintages
from .evaluation import backtest as _backtest
from .evaluation import plan_record
from .methods import progress as _progress_methods
from .methods.progress import ProgressOptions
from .present import text as _text

__all__ = ["AsOf", "InputError", "Plan", "PLANS", "ProgressOptions", "Study", "TargetAssessment", "WhatItTakes",
           "ScenarioResult",
           "assess", "assess_all", "assess_series", "targets", "series", "coverage", "revisions", "default_study",
           "build_data", "indicators"]

PROVENANCE_COLUMNS = ("year", "value", "unit", "status", "qualifier", "value_printed", "publisher", "document",
                      "published", "published_basis", "source_ref", "n_sources", "superseded")
# the reference panels hold R&D intensity; a researcher's series is compared with them (with a note)
SERIES_PANEL_INDICATOR = "rd_intensity"


def _json_default(value):
    import numpy as np
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _jsonable(d: dict) -> dict:
    """The dict as JSON would give it back (numpy scalars to Python, tuples to lists)."""
    return json.loads(json.dumps(d, ensure_ascii=False, default=_json_default))


def _progress_options(progress, series: pd.Series | None = None) -> ProgressOptions | None:
    """``progress`` (None, a `ProgressOptions` or a dict of its fields) checked, its base year against
    ``series``; an `InputError` names the option (``bands``, ``no_target_scheme``, ``base_year``)."""
    try:
        options = ProgressOptions.parse(progress)
        if series is not None and options.base_year is not None:
            _progress_methods.check_base_year(series, options.base_year)
    except _progress_methods.OptionError as exc:
        raise _input_error(exc) from None
    return None if progress is None else options


def _input_error(exc: _progress_methods.OptionError) -> InputError:
    """A methods-layer `OptionError` as the API's `InputError` (a missing value names only the argument)."""
    return InputError(exc.argument, reason=exc.reason) if exc.value is None else \
        InputError(exc.argument, exc.value, exc.reason)


def _processed_dir(data_dir) -> Path:
    """The processed-tables folder: ``data_dir`` is the project's data folder (holding processed/)
    or the processed folder itself; None = the package default."""
    if data_dir is None:
        return io.PROCESSED_DIR
    if not isinstance(data_dir, (str, Path)):
        raise InputError("data_dir", data_dir, "must be a path to a folder")
    p = Path(data_dir)
    if (p / "processed").is_dir():
        return p / "processed"
    if p.is_dir():
        return p
    raise InputError("data_dir", str(data_dir), "no such folder")


# -- results ---------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class WhatItTakes:
    """Numerator growth a ratio target needs: at the denominator's observed (or a stated) growth, and at
    `plans.STATED_DENOMINATOR_GROWTHS`; ``reason`` says why not when it cannot be computed."""

    indicator: str | None
    requirement: scenarios.Requirement | None
    alternatives: tuple[scenarios.Requirement, ...] = ()
    reason: str | None = None

    def __repr__(self) -> str:
        if self.requirement is None:
            return f"<WhatItTakes {self.indicator}: not computed ({self.reason})>"[:199]
        r = self.requirement
        return (f"<WhatItTakes {self.indicator}: {r.numerator} +{r.required_numerator_growth:.2%}/yr "
                f"at {r.denominator} +{r.denominator_growth:.2%}/yr>")

    def summary(self) -> str:
        if self.requirement is None:
            return f"what it takes: not computed ({self.reason})"
        return "\n".join(line.strip() if i == 0 else line[2:]
                         for i, line in enumerate(_text.requirement_lines(self.requirement, self.alternatives)))

    def to_dict(self) -> dict:
        if self.requirement is None:
            return {"indicator": self.indicator, "what_it_takes": [], "reason": self.reason}
        return _jsonable({"indicator": self.indicator,
                          "what_it_takes": [asdict(r) for r in (self.requirement, *self.alternatives)],
                          "reason": None})


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    """A user-set path of a ratio's numerator and denominator, and how likely the target is met on it."""

    indicator: str | None
    target: TargetSpec
    scenario: scenarios.Scenario

    @property
    def probability(self) -> float | None:
        return self.scenario.probability

    @property
    def value_in_target_year(self) -> float:
        return self.scenario.value_in_target_year

    @property
    def path(self) -> pd.Series:
        return self.scenario.path

    def __repr__(self) -> str:
        p = "—" if self.probability is None else f"{self.probability:.0%}"
        return (f"<ScenarioResult {self.indicator}: num +{self.scenario.numerator_growth:.1%}/yr, "
                f"den +{self.scenario.denominator_growth:.1%}/yr -> {self.value_in_target_year:.2f} "
                f"in {self.target.year}, P(met) {p}>")

    def summary(self) -> str:
        return _text.scenario_line(self.scenario, self.target.year)

    def to_dict(self) -> dict:
        sc = self.scenario
        return _jsonable({
            "indicator": self.indicator, "target": {"value": self.target.value, "year": self.target.year,
                                                    "comparator": self.target.comparator},
            "numerator_growth": sc.numerator_growth, "denominator_growth": sc.denominator_growth,
            "path": {str(int(y)): float(v) for y, v in sc.path.items()},
            "value_in_target_year": sc.value_in_target_year, "probability": sc.probability,
            "probability_basis": sc.probability_basis})


@dataclass(frozen=True, eq=False, repr=False)
class TargetAssessment:
    """One target assessed: the engine's `Assessment` with what a reader needs beside it.

    ``provenance`` has one entry per observation used (publisher, document, published date,
    status); ``calibration_basis`` says which spread applied; ``requirement`` and
    ``alternatives`` are what the target takes (ratio indicators only).
    """

    assessment: Assessment
    indicator: registry.Indicator | None
    name: str
    target_row: dict | None
    provenance: tuple[dict, ...]
    calibration_basis: str
    requirement: scenarios.Requirement | None = None
    alternatives: tuple[scenarios.Requirement, ...] = ()
    what_it_takes_reason: str | None = None
    scenario_result: ScenarioResult | None = None
    region: str | None = None
    related: tuple[str, ...] = ()  # related definitions (口径) the region publishes: named, never substituted
    _study: Study | None = field(default=None, compare=False)

    # -- the numbers a reader asks for first
    @property
    def probability(self) -> float | None:
        return self.assessment.probability

    @property
    def grade(self) -> str:
        return self.assessment.status

    @property
    def target(self) -> TargetSpec:
        return self.assessment.target

    @property
    def observations(self) -> pd.Series:
        return self.assessment.observations

    @property
    def projection(self) -> dict | None:
        return self.assessment.projection

    @property
    def earliest_year(self) -> dict | None:
        return self.assessment.earliest_year

    def __repr__(self) -> str:
        t = self.target
        p = "—" if self.probability is None else f"{self.probability:.0%}"
        ident = self.assessment.indicator or self.name
        text = (f"<TargetAssessment {ident}: target {_text.COMPARATOR_WORDS[t.comparator]} {_text.fmt(t.value)} "
                f"by {t.year}, P(met) {p}, grade {self.grade}>")
        return text if len(text) < 200 else text[:195] + "…>"

    def _repr_html_(self) -> str:
        from .present.card import render_card
        return render_card(self.to_dict())

    def summary(self) -> str:
        """Plain text: grade, methods, projection, probability, what it takes, notes (the CLI's output)."""
        return _text.render_assessment(self.assessment, self.requirement, self.name, self.alternatives)

    def plot(self, ax=None):
        """Observed points, the pooled projection and the target on ``ax`` (a new figure if None)."""
        from .present import figures
        return figures.plot_assessment(self.assessment, ax=ax)

    def to_dict(self) -> dict:
        """JSON-ready dict: exactly what ``python -m taicang_analysis assess --json`` prints."""
        out = self.assessment.to_dict()
        if self.requirement is not None:
            out["what_it_takes"] = [asdict(r) for r in (self.requirement, *self.alternatives)]
        ind = self.indicator
        out["indicator_name"] = None if ind is None else {"zh": ind.name_zh, "en": ind.name_en, "unit": ind.unit}
        out["name"] = self.name
        out["region"] = self.region
        out["calibration_basis"] = self.calibration_basis
        out["plan_target"] = None if self.target_row is None else {
            k: self.target_row.get(k) for k in ("plan_id", "row", "target_printed", "plan", "document", "published",
                                                "source_ref")}
        out["provenance"] = list(self.provenance)
        if self.scenario_result is not None:
            out["scenario"] = self.scenario_result.to_dict()
        return _jsonable(out)

    # -- what-ifs
    def what_it_takes(self, denominator_growth: float | None = None) -> WhatItTakes:
        """Numerator growth the target needs with the denominator growing ``denominator_growth`` a year
        (None: its observed growth)."""
        g = inputs.check_growth("denominator_growth", denominator_growth)
        if self._study is None:
            return WhatItTakes(self.assessment.indicator, None, (),
                               "a researcher's own series: no published components to decompose")
        req, alts, why = plans.what_it_takes(self._study.observations, self.assessment, region=self.region,
                                             as_of=self._study.as_of.iso, denominator_growth=g)
        return WhatItTakes(self.assessment.indicator, req, tuple(alts), why)

    def scenario(self, numerator_growth: float, denominator_growth: float | None = None) -> ScenarioResult:
        """The ratio's path if its numerator and denominator grow at these rates, and P(met) on it
        (the pooled uncertainty recentred).  ``denominator_growth`` None: its observed growth."""
        return _scenario(self, numerator_growth, denominator_growth)


def _scenario(result: TargetAssessment, numerator_growth, denominator_growth) -> ScenarioResult:
    a = result.assessment
    num = inputs.check_growth("numerator_growth", numerator_growth)
    if num is None:
        raise InputError("numerator_growth", numerator_growth, "must be a growth rate (a fraction per year)")
    den = inputs.check_growth("denominator_growth", denominator_growth)
    if a.indicator not in scenarios.DECOMPOSITIONS:
        raise InputError("numerator_growth", numerator_growth,
                         f"{a.indicator or result.name} is not a ratio of published components")
    if den is None:
        den = result.requirement.denominator_growth if result.requirement is not None else 0.0
    try:
        sc = scenarios.scenario(a, numerator_growth=num, denominator_growth=den)
    except ValueError as exc:
        raise InputError("numerator_growth", numerator_growth, str(exc)) from None
    return ScenarioResult(a.indicator, a.target, sc)


# -- the study -------------------------------------------------------------------------------------

class Study:
    """A plan, a region and a date: what was known then, and the plan's targets assessed against it.

    Parameters
    ----------
    as_of : a date ('2023-06-30'), a year (its 31 December), a ``datetime.date`` or None
        (everything published).
    plan : a plan id of `PLANS` (default: the first, the 14th Five-Year S&T plan) or a `Plan`.
    region : whose series are assessed (default: the plan's region).
    data_dir : the data folder holding ``processed/`` (or the processed folder itself).
    calibration : "auto" (the backtest's table when fitted, else uncalibrated), "none", a path to
        a calibration table, a `Calibration`, or one spread factor (1 = uncalibrated).
    draws, seed : predictive draws per model (>= 100) and the seed of every random draw.
    """

    def __init__(self, as_of=None, plan=None, region=None, data_dir=None, calibration="auto",
                 draws: int = 10_000, seed: int = 0):
        self.as_of = AsOf.parse(as_of)
        self.plan = plans.get_plan(plan)
        if region is not None and not isinstance(region, str):
            raise InputError("region", region, "must be a region name (text)")
        self.region = self.plan.region if region is None else region
        self.processed_dir = _processed_dir(data_dir)
        self.draws = inputs.check_draws(draws)
        self.seed = inputs.check_int("seed", seed)
        self._spread, self.calibration_basis = plans.load_calibration(
            None if calibration == "auto" else calibration, self.processed_dir)
        self._tables: dict[str, pd.DataFrame] = {}
        self._region_checked = False
        self._by_indicator: dict[str, pd.DataFrame] | None = None
        self._cut: dict[tuple, object] = {}  # series and panels as known at the as-of, by (what, indicator, ...)
        self._plan_rows: dict[int, pd.DataFrame] = {}

    def __repr__(self) -> str:
        return (f"Study(plan={self.plan.id!r}, region={self.region!r}, as_of={self.as_of.iso!r}, "
                f"draws={self.draws}, seed={self.seed})")

    # -- data, loaded once
    def _table(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            self._tables[name] = io.read_processed(name, self.processed_dir)
        return self._tables[name]

    @property
    def observations(self) -> pd.DataFrame:
        """Every published observation (all vintages), as in data/processed/observations.csv."""
        obs = self._table("observations.csv")
        if not self._region_checked:
            self._check_region(self.region, obs)
            self._region_checked = True
        return obs

    @property
    def targets_table(self) -> pd.DataFrame:
        return self._table("targets.csv")

    def target_year(self, target_year: int | None = None) -> int:
        """``target_year`` checked against the plan's tables (default: its headline year); reads no data."""
        year = self.plan.target_year if target_year is None else inputs.check_int("target_year", target_year)
        plans.plan_table(self.plan, year)
        return year

    def plan_targets(self, target_year: int | None = None) -> pd.DataFrame:
        """The plan's target rows for ``target_year`` (default: its headline year), in its table's order."""
        year = self.plan.target_year if target_year is None else inputs.check_int("target_year", target_year)
        if year not in self._plan_rows:
            self._plan_rows[year] = plans.plan_targets(self.targets_table, self.plan, target_year=year)
        return self._plan_rows[year]

    def _own(self, ind: registry.Indicator, region: str) -> tuple[pd.Series, pd.DataFrame]:
        """The region's series of ``ind`` as known at the as-of, and its provenance rows (cut once)."""
        key = ("own", ind.id, region)
        if key not in self._cut:
            self._cut[key] = plans.region_series(self._rows_for(ind), region, ind.id, self.as_of.iso)
        return self._cut[key]

    def _panels(self, ind: registry.Indicator, reference: str) -> dict[str, pd.DataFrame]:
        """The reference panels of ``ind`` as known at the as-of (cut once)."""
        key = ("panels", ind.id, reference)
        if key not in self._cut:
            self._cut[key] = plans.reference_panels(self._rows_for(ind), ind.id, reference=reference,
                                                    as_of=self.as_of.iso)
        return self._cut[key]

    def _analogue(self, ind: registry.Indicator) -> pd.DataFrame | None:
        """The stated outside view's panel of ``ind`` as known at the as-of (cut once; None: none stated)."""
        key = ("analogue", ind.id, self.region)
        if key not in self._cut:
            view = outside.stated_view(ind.id)
            self._cut[key] = (None if view is None or view.collection is None else
                              outside.analogue_panel(self.observations, view, region=self.region,
                                                     cutoff=self.as_of.iso))
        return self._cut[key]

    def base_rate(self) -> BaseRate | None:
        """How often past plan targets of the region's regime were met, counting the outcomes published by
        the as-of (`evaluation.plan_record`); None until the backtest has written its case table."""
        key = ("base_rate", self.region)
        if key not in self._cut:
            rate = None
            if (self.processed_dir / plan_record.CASES_FILE).exists():
                try:
                    rate = plan_record.regime_base_rate(
                        self._table(plan_record.CASES_FILE), self.region,
                        _backtest.sub_national_regions(self.observations), as_of=self.as_of.iso, seed=self.seed)
                except ValueError as exc:  # a case table without the columns the record needs
                    raise InputError("data_dir", str(self.processed_dir / plan_record.CASES_FILE), str(exc)) from None
            self._cut[key] = rate
        return self._cut[key]

    def _rows_for(self, ind: registry.Indicator) -> pd.DataFrame:
        """The observations an assessment of ``ind`` reads (its own rows, its ratio's denominator and its
        related definitions): split once per study so each assessment filters a small frame."""
        obs = self.observations
        if self._by_indicator is None:
            self._by_indicator = {k: g for k, g in obs.groupby("indicator", sort=False)}
        wanted = [ind.id, *ind.related]
        if ind.id in scenarios.DECOMPOSITIONS:
            wanted.append(scenarios.DECOMPOSITIONS[ind.id][1])
        parts = [self._by_indicator[i] for i in dict.fromkeys(wanted) if i in self._by_indicator]
        return pd.concat(parts) if len(parts) > 1 else (parts[0] if parts else obs.iloc[:0])

    def _check_region(self, region, obs=None) -> str:
        obs = self._table("observations.csv") if obs is None else obs
        if not isinstance(region, str) or not (obs["region"] == region).any():
            own = sorted(set(obs.loc[obs["collection"] == "observations", "region"]))
            raise InputError("region", region, f"no published data for this region; regions with their own "
                                               f"series: {', '.join(own)}")
        return region

    @property
    def pool_spread(self):
        return 1.0 if self._spread is None else self._spread

    # -- questions
    def assess(self, indicator: str, target: float | None = None, target_year: int | None = None,
               reference: str = "all", draws: int | None = None, seed: int | None = None, *,
               comparator: str | None = None, tolerance: float | None = None,
               denominator_growth: float | None = None, numerator_growth: float | None = None,
               pool_reference: float = 0.5, progress=None) -> TargetAssessment:
        """The plan's target for ``indicator`` (or ``target`` in ``target_year``), assessed against
        the region's series as known at the study's as-of.

        ``denominator_growth`` sets the growth for what it takes; ``numerator_growth`` adds a
        scenario (its sentence goes into the notes, the result into ``scenario_result``).
        ``progress`` (a `ProgressOptions` or a dict of its fields: ``bands``, ``no_target_scheme``,
        ``base_year``) changes how the growth-rate methods grade; None = Eurostat's defaults.
        """
        ind = inputs.indicator(indicator)
        inputs.check_choice("reference", reference, plans.REFERENCE_CHOICES)
        draws = self.draws if draws is None else inputs.check_draws(draws)
        seed = self.seed if seed is None else inputs.check_int("seed", seed)
        kind = plans.model_kind(ind)
        if target is not None:
            inputs.check_number("target", target)
            inputs.check_value_in_bounds("target", target, kind, ind.bounds if ind.is_share else None)
            target = float(target)
        if comparator is not None:
            inputs.check_choice("comparator", comparator, inputs.COMPARATORS)
        if tolerance is not None and not inputs.check_number("tolerance", tolerance) >= 0:
            raise InputError("tolerance", tolerance, "must be >= 0")
        if target_year is not None:
            inputs.check_int("target_year", target_year)
        denominator_growth = inputs.check_growth("denominator_growth", denominator_growth)
        numerator_growth = inputs.check_growth("numerator_growth", numerator_growth)
        if numerator_growth is not None and ind.id not in scenarios.DECOMPOSITIONS:
            raise InputError("numerator_growth", numerator_growth, f"{ind.id} is not a ratio of published components")
        pool = _pool(pool_reference, self.pool_spread)
        options = _progress_options(progress)

        obs = self._rows_for(ind)
        year = self.plan.target_year if target_year is None else int(target_year)
        row = None
        if target is None:
            row = plans.choose_target(self.plan_targets(year), ind.id, self.plan, year)
            spec = plans.target_spec(row)
            if comparator is not None or tolerance is not None:
                spec = replace(spec, comparator=comparator or spec.comparator,
                               tolerance=tolerance if tolerance is not None else spec.tolerance)
        else:
            rows = self.plan_targets(year) if year in self.plan.target_years else None
            plan_row = None if rows is None else rows[rows["indicator"] == ind.id]
            default_cmp = ("le" if ind.direction == "down" else "ge") if plan_row is None or len(plan_row) != 1 \
                else plan_row.iloc[0]["comparator"]
            spec = TargetSpec(target, year, comparator or default_cmp, tolerance)
        own = self._own(ind, self.region)
        series = own[0]
        inputs.check_target_year(spec.year, first_year=int(series.index[0]) if len(series) else None,
                                 as_of=self.as_of)
        if options is not None:
            _progress_options(options, series)  # a stated base year must be one the region published

        a, known = plans.assess_region(obs, ind.id, spec, self.region, as_of=self.as_of.iso, reference=reference,
                                       pool=pool, n_draws=draws, seed=seed, own=own,
                                       panels=self._panels(ind, reference), analogue=self._analogue(ind),
                                       base_rate=self.base_rate())
        a = _assess_module.regrade(a, options, bounds=ind.bounds if ind.is_share else None)
        notes = list(a.notes)
        if row is not None and self.region != row["region"]:
            notes.append(f"target of {row['region']}'s plan ({self.plan.id}) applied to {self.region}'s series")
        req, alts, why = plans.what_it_takes(obs, a, region=self.region, as_of=self.as_of.iso,
                                             denominator_growth=denominator_growth)
        if why and ind.id in scenarios.DECOMPOSITIONS:
            notes.append(f"what it takes: {why}")
        result = TargetAssessment(
            assessment=a, indicator=ind, name=f"{ind.id} ({ind.name_zh})",
            target_row=None if row is None else {k: _plain(v) for k, v in row.items()},
            provenance=_provenance(known), calibration_basis=self.calibration_basis, requirement=req,
            alternatives=tuple(alts), what_it_takes_reason=why, region=self.region,
            related=plans.related_published(obs, ind, self.region), _study=self)
        if numerator_growth is not None:
            sc = _scenario(result, numerator_growth, denominator_growth)
            notes.append(sc.summary())
            result = replace(result, scenario_result=sc)
        notes.append(f"pool: {self.calibration_basis}")
        return replace(result, assessment=replace(a, notes=tuple(notes)))

    def assess_all(self, target_year: int | None = None, reference: str = "all", draws: int | None = None,
                   seed: int | None = None) -> list[TargetAssessment]:
        """One result per target of the plan's table for ``target_year`` (default: its headline year),
        in the table's order."""
        year = self.plan.target_year if target_year is None else inputs.check_int("target_year", target_year)
        rows = self.plan_targets(year)
        return [self.assess(ind, target_year=year, reference=reference, draws=draws, seed=seed)
                for ind in rows["indicator"]]

    def targets(self, target_year: int | None = None) -> pd.DataFrame:
        """The plan's targets beside the region's latest value published by the as-of."""
        rows = self.plan_targets(target_year)
        obs = self.observations
        own = obs[(obs["collection"] == "observations") & (obs["region"] == self.region)]
        known = vintages.known_values(own, self.as_of.iso)
        return _text.target_table(rows, known, region=self.region)

    def series(self, indicator: str, region: str | None = None) -> pd.DataFrame:
        """The region's published values of ``indicator`` known at the as-of, one row per year, with
        their provenance (publisher, document, published date, status, source)."""
        ind = inputs.indicator(indicator)
        region = self.region if region is None else self._check_region(region)
        _ = self.observations  # the study's region is checked on first access
        _, known = self._own(ind, region)
        cols = [c for c in PROVENANCE_COLUMNS if c in known.columns]
        return known[cols].sort_values("year").reset_index(drop=True)

    def coverage(self) -> pd.DataFrame:
        """Indicator x year x status for the region (targets with no published value included)."""
        from .data import build
        obs = self.observations
        own = obs[(obs["collection"] == "observations") & (obs["region"] == self.region)]
        return build.coverage(vintages.known_values(own, self.as_of.iso), self.targets_table, region=self.region)

    def revisions(self, region: str | None = None) -> pd.DataFrame:
        """Figures published more than once with different values (all regions unless ``region``),
        as far as published by the as-of."""
        rev = self._table("revisions.csv")
        if region is not None:
            self._check_region(region)
            rev = rev[rev["region"] == region]
        if self.as_of.date is not None:
            rev = rev[pd.to_datetime(rev["published"]) <= pd.Timestamp(self.as_of.date)]
        return rev.reset_index(drop=True)


def _pool(pool_reference, spread) -> Pool:
    ref = inputs.check_number("pool_reference", pool_reference)
    try:
        return Pool(reference=ref, spread=spread)
    except (TypeError, ValueError) as exc:
        raise InputError("pool_reference", pool_reference, str(exc)) from None


def _plain(value):
    """A table cell as plain JSON-able Python: missing -> None, numpy scalars -> Python, dates -> ISO text."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if hasattr(value, "isoformat"):
        return value.date().isoformat() if isinstance(value, pd.Timestamp) else value.isoformat()
    return value.item() if hasattr(value, "item") else value


def _provenance(known: pd.DataFrame) -> tuple[dict, ...]:
    cols = [c for c in PROVENANCE_COLUMNS if c in known.columns]
    return tuple({k: _plain(v) for k, v in rec.items()} for rec in known.sort_values("year")[cols].to_dict("records"))


# -- a researcher's own series ---------------------------------------------------------------------

def assess_series(series, *, target: float, year: int, kind: str, comparator: str = "ge",
                  direction: str | None = None, as_of=None, reference: str = "none", tolerance: float | None = None,
                  exclude_regions=(), draws: int = 10_000, seed: int = 0, calibration="auto",
                  pool_reference: float = 0.5, name: str | None = None, data_dir=None,
                  progress=None) -> TargetAssessment:
    """Assess a target against your own series (a pandas Series indexed by year, or {year: value}).

    ``kind`` (share | rate | count | level) picks the models' scale and the bounds the values must
    respect.  The desired direction comes from the comparator (``ge`` up, ``le`` down); an
    ``about`` target cannot say, so ``direction`` (up | down) must then be given, and a
    ``direction`` that contradicts ``ge``/``le`` is an error.  ``as_of`` keeps only years up to its
    year.  ``reference`` other than "none" compares the series with the R&D-intensity panels (they
    fit an R&D-intensity series only).  ``progress`` (a `ProgressOptions` or a dict of its fields:
    ``bands``, ``no_target_scheme``, ``base_year`` -- an observed year) changes how the growth-rate
    methods grade; None = Eurostat's defaults.
    """
    kind = inputs.check_choice("kind", kind, inputs.KINDS)
    comparator = inputs.check_choice("comparator", comparator, inputs.COMPARATORS)
    if direction is not None:
        inputs.check_choice("direction", direction, inputs.DIRECTIONS)
    try:
        direction = _progress_methods.desired_direction(comparator, direction)
    except _progress_methods.OptionError as exc:
        raise _input_error(exc) from None
    options = _progress_options(progress)
    reference = inputs.check_choice("reference", reference, plans.REFERENCE_CHOICES)
    when = AsOf.parse(as_of)
    draws = inputs.check_draws(draws)
    seed = inputs.check_int("seed", seed)
    inputs.check_number("target", target)
    inputs.check_value_in_bounds("target", target, kind)
    target = float(target)
    if tolerance is not None and not inputs.check_number("tolerance", tolerance) >= 0:
        raise InputError("tolerance", tolerance, "must be >= 0")
    if isinstance(exclude_regions, str):
        exclude_regions = (exclude_regions,)
    exclude_regions = tuple(exclude_regions)
    s = inputs.series(series, kind=kind)
    if when.year is not None:
        s = s[s.index <= when.year]
        if s.empty:
            raise InputError("series", reason=f"no year on or before the as-of year {when.year}")
    inputs.check_target_year(year, first_year=int(s.index[0]), as_of=when)
    if options is not None:
        _progress_options(options, s)  # a stated base year must be an observed year
    processed = _processed_dir(data_dir)
    spread, basis = plans.load_calibration(None if calibration == "auto" else calibration, processed)
    pool = _pool(pool_reference, 1.0 if spread is None else spread)
    panels = {}
    if reference != "none":
        observations = io.read_processed("observations.csv", processed)
        panels = plans.reference_panels(observations, SERIES_PANEL_INDICATOR, reference=reference, as_of=when.iso)
    spec = TargetSpec(target, int(year), comparator, tolerance)
    try:
        a = _assess(s, spec, kind=kind, direction=direction, as_of=when.iso if when.date else None, panels=panels,
                    exclude_regions=exclude_regions, pool=pool, n_draws=draws, seed=seed, progress=options)
    except ValueError as exc:
        raise InputError("series", reason=str(exc)) from None
    notes = list(a.notes)
    if panels:
        notes.append("the reference panels hold R&D intensity (% of GDP): they fit an R&D-intensity series only; "
                     "pass --reference none for any other indicator")
    notes.append(f"pool: {basis}")
    return TargetAssessment(assessment=replace(a, notes=tuple(notes)), indicator=None,
                            name=name or (str(series.name) if getattr(series, "name", None) else "series"),
                            target_row=None, provenance=(), calibration_basis=basis, region=None)


# -- module-level shortcuts on a default study -----------------------------------------------------

_DEFAULT: Study | None = None


def default_study() -> Study:
    """The default `Study` (default plan and region, everything published), created once."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Study()
    return _DEFAULT


def assess(indicator: str, target: float | None = None, target_year: int | None = None, reference: str = "all",
           draws: int | None = None, seed: int | None = None, **kwargs) -> TargetAssessment:
    """`Study.assess` on the default study."""
    return default_study().assess(indicator, target, target_year, reference, draws, seed, **kwargs)


def assess_all(**kwargs) -> list[TargetAssessment]:
    return default_study().assess_all(**kwargs)


def targets(**kwargs) -> pd.DataFrame:
    return default_study().targets(**kwargs)


def series(indicator: str, region: str | None = None) -> pd.DataFrame:
    return default_study().series(indicator, region)


def coverage() -> pd.DataFrame:
    return default_study().coverage()


def revisions(region: str | None = None) -> pd.DataFrame:
    return default_study().revisions(region)


# -- the data and the registry ---------------------------------------------------------------------

@dataclass(frozen=True)
class BuildSummary:
    """What `build_data` read and wrote."""

    n_observation_files: int
    n_target_files: int
    n_documents: int
    n_observations: int
    n_targets: int
    n_revision_rows: int
    written: tuple[Path, ...]

    def summary(self) -> str:
        lines = [f"built {len(self.written)} tables from {self.n_observation_files} observation files, "
                 f"{self.n_target_files} target files and {self.n_documents} document(s): "
                 f"{self.n_observations} observations, {self.n_targets} targets, "
                 f"{self.n_revision_rows} rows of revision history"]
        lines += [f"  {path}" for path in self.written]
        return "\n".join(lines)


def build_data(raw_dir=None, out_dir=None) -> BuildSummary:
    """Validate data/raw and rebuild the processed tables (written atomically)."""
    from .data import build
    for argument, folder in (("raw_dir", raw_dir), ("out_dir", out_dir)):
        if folder is not None and not isinstance(folder, (str, Path)):
            raise InputError(argument, folder, "must be a path to a folder")
    if raw_dir is not None and not Path(raw_dir).is_dir():
        raise InputError("raw_dir", str(raw_dir), "no such folder")
    if out_dir is not None and Path(out_dir).exists() and not Path(out_dir).is_dir():
        raise InputError("out_dir", str(out_dir), "exists and is not a folder")
    raw = io.read_raw(raw_dir) if raw_dir else io.read_raw()
    tables = build.build_tables(raw)
    written = io.write_tables_atomically(build.serialise(tables), out_dir or io.PROCESSED_DIR)
    global _DEFAULT
    _DEFAULT = None  # the default study re-reads the rebuilt tables
    return BuildSummary(len(raw.observations), len(raw.targets), len(raw.documents),
                        len(tables["observations.csv"]), len(tables["targets.csv"]), len(tables["revisions.csv"]),
                        tuple(written))


def indicators() -> tuple[registry.Indicator, ...]:
    """The indicator registry: one definition (口径) per id."""
    return registry.INDICATORS
