"""Track record: the method on targets whose outcome is known, and its calibration.

A probability is only worth printing if, on cases where we know what happened,
it was right about as often as it said.  Three kinds of case:

1. **Past plan targets** (``case_set`` ``past_plan``): every non-Taicang row of
   the targets table -- Chinese national and provincial R&D targets, the EU
   member states' Lisbon-era targets and the rest -- assessed as of the year
   before the plan started (``set_year - 1``, its 31 December) with only what
   was known then, and compared with the outcome in the target year.
2. **Taicang's 13th plan** (``taicang_13th``: Table 1 of the 14th plan, the
   2020 targets beside their outcomes), as of **2016-12-31**: the plan was set
   in 2016, and its 2015 base values were only published in 2016 (the 13th
   five-year plan outline, 2016-03-31), so the end of 2016 is the first date at
   which the plan's makers and we can both have seen them.  Other Taicang
   targets with a known outcome (the 2018-2020 action plan) are
   ``taicang_other``; Taicang targets for 2025 are listed as not yet observed.
3. **Rolling origins** on the reference panels (`rolling_origins`): for each
   province and each economy, origin years t and horizons 1-10, the coverage
   of every model's and the pooled projection interval and the error of the
   median, and the pool type at each horizon (``with_reference`` while a
   reference class reaches it, else ``own_models_only``).  These calibrate
   the only fitted numbers, the pooled spread factors by pool type and
   horizon (`fit_calibration`).

Rules
-----
* **As of.**  A case sees only what `plan_assessment` says was known at its
  as-of date: the ``observations`` collection (Taicang) strictly by
  publication date; the provincial panel by the (inferred) publication dates
  of its yearbook editions; the World Bank panel, one undated current
  release, pseudo-real-time: data years up to the as-of year minus one, at
  today's values.  A case whose series comes from a panel is cut the same
  way as the panel.  The series keeps the ``SERIES_WINDOW`` (10) years up to
  its latest value known then, the same window as the rolling origins.  A
  rolling origin t (series up to year t, panels up to year t) is therefore
  the assessment as of the end of year t + 1.
* **One source per case.**  The series and the outcome come from the same
  collection: Chinese provinces from the ``cn_provinces`` panel; China from
  ``cn_provinces`` (2011-2023) when it holds at least ``MIN_SERIES_OBS``
  values as of then, else from the ``world`` panel; EU countries from
  ``world``; Taicang (and regions in no panel) from the ``observations``
  collection by publication date.  The choice is recorded in ``source``.
  Panels that are one current vintage of a derived series (`PSEUDO_REAL_TIME`:
  the provincial invention patents per 10k, dated 2025-12-31) are cut
  pseudo-real-time like the World Bank release.  A target whose indicator no
  panel holds may take a panel indicator as a stand-in (`ANALOGUES`) only in
  the regions where the two are one statistic (technology-contract turnover:
  China's national total of the yearbook's technology-market turnover);
  elsewhere the case is excluded with the definition mismatch as its reason.
  ``series_indicator`` records which indicator a case's series and outcome are.
* **Never its own later values.**  The case's region is excluded from every
  reference panel (``exclude_regions``) and the panels are cut as of the
  case's date (see above).  World Bank aggregates (World, EU, income groups: rows flagged
  ``aggregate``, from the typed region table `data.regions`) are dropped from the panels everywhere
  and are never cases:
  the Barcelona 3 % target was for the EU15/EU25, not today's EU27 aggregate.
* **Listed, not dropped.**  Every row of the targets table is a case, either
  ``scored`` or ``excluded`` with its reason (outcome year not yet observed;
  no source; no series as of then; outcome not published; no probability).
* **What is fitted.**  Nothing is tuned to a case.  The only fitted numbers
  are the pooled spread factors by indicator, pool type and horizon
  (`assess.Calibration`), on the rolling origins, leave-region-out: a case's
  calibrated probability uses the factors fitted on rolling origins that
  exclude its region (`CalibrationFit.for_region`).  Its uncalibrated
  probability (spread 1, the rule fixed before any backtest) is scored beside
  it.  Past-plan horizons run to 16 years; beyond 10 the 10-year factor is
  used (an extrapolation, stated in the output).
* **Determinism.**  Every draw is seeded (cases with ``seed``, rolling origins
  with a seed derived from seed, panel, region and year by CRC32), and results
  are put back in task order, so one worker or two give identical numbers.

Baselines, on the same cases: the base rate (for case i, the share met among
the *other* scored past-plan cases), the Eurostat rate-ratio call (R >= 0.95
or already met -> met; it is also the headline grade), the UN projected-gap
call (rho >= 0.95 or already met), the time-proportional call (on schedule;
the same test as the linear path) and naive linear extrapolation (a straight
line through the last two observations to the target year).  A call is a
probability of 0 or 1.
"""

from __future__ import annotations

import os
import time
import zlib
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..assessment import assess as _assess
from ..assessment import plans as plan_assessment
from ..assessment.assess import Assessment, Pool, TargetSpec
from ..data import build, registry, vintages
from ..data import panels as panel_data
from ..forecast import models, pooling, reference
from ..forecast.outside_view import smoothed_probability
from . import scoring

TAICANG = "Taicang"
CASE_SETS: tuple[str, ...] = ("past_plan", "taicang_13th", "taicang_other")
TABLE1_AS_OF = "2016-12-31"
TABLE1_AS_OF_NOTE = ("Table 1 of the 13th plan: as of 2016-12-31, when the plan was set; its 2015 values were "
                     "published in 2016 (13th FYP outline, 2016-03-31), so set_year - 1 would see none of them")
PLAN_AS_OF_NOTE = "set_year - 1 (31 December of the year before the plan started)"
PANELS: tuple[str, ...] = plan_assessment.PANEL_COLLECTIONS  # ("cn_provinces", "world"), preferred in this order
SERIES_WINDOW = 10  # years up to the as-of year (or origin) a series keeps
MIN_SERIES_OBS = 3  # a source with fewer values as of then is "too short" if another source has more
HORIZONS: tuple[int, ...] = tuple(range(1, 11))  # the World Bank panel (1996-2024) reaches 10 years
ROLLING_INDICATOR = "rd_intensity"  # its spread factors are the default cells, for every indicator without its own
# the indicators whose rolling origins run and get spread factors of their own (preregistration section 11)
CALIBRATION_INDICATORS: tuple[str, ...] = (ROLLING_INDICATOR, "invention_patents_per_10k")
DEFAULT_ORIGIN_STEP = 2
DEFAULT_ROLLING_DRAWS = 2_000
DEFAULT_WORKERS = 2
POOLED = "pooled"
POOLED_CAL = "pooled_calibrated"
BASE_RATE = "base_rate"
CALLS: tuple[str, ...] = ("eurostat_rate_ratio", "un_projected_gap", "time_proportional", "linear_extrapolation")
METHODS: tuple[str, ...] = (POOLED, POOLED_CAL, BASE_RATE) + CALLS
_MET_GRADES = {"eurostat_rate_ratio": ("target_already_met", "on_track"),
               "un_projected_gap": ("target_already_met", "substantial_progress")}


# -- worker processes ----------------------------------------------------------------

BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@contextmanager
def worker_pool(workers: int):
    """A ``ProcessPoolExecutor`` of fresh (spawned) processes whose BLAS runs on one thread; None if workers <= 1.

    The models' matrices are 2x2 to 5x5: BLAS threads only add
    synchronisation (measured on a 2-core machine: damped-ETS fits 3x slower
    with OpenBLAS's default two threads, worse when two processes compete).
    A BLAS library reads its thread count once, when it loads, so the workers
    are spawned (not forked) with ``OPENBLAS_NUM_THREADS`` (and the OpenMP/MKL
    equivalents) set to 1; the variables are restored when the pool closes.
    Results do not depend on it.
    """
    if workers <= 1:
        yield None
        return
    import multiprocessing

    saved = {name: os.environ.get(name) for name in BLAS_THREAD_VARIABLES}
    os.environ.update({name: "1" for name in BLAS_THREAD_VARIABLES})
    executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_start)
    try:
        yield executor
    finally:
        executor.shutdown()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


_HEAP_PRIMER_BYTES = 16 * 2 ** 20


def _worker_start() -> None:
    """Allocate and free one 16 MB block as a worker starts.

    A rolling origin's statistics run on all its members' draws stacked (`_origin_rows`: arrays of about
    1 MB, several per origin).  A fresh process's C allocator (glibc) serves blocks above 128 KB with
    fresh memory mappings, each paid for again in page faults (measured: 650,000 more, 1.6 s of system
    time, over a backtest), until it frees a larger one: then it serves blocks up to that size from its
    heap.  The main process has long done so (the tables); this does it in a worker.  No number depends
    on it.
    """
    block = np.empty(_HEAP_PRIMER_BYTES // 8)
    del block


# -- sources ------------------------------------------------------------------

def aggregate_regions(observations: pd.DataFrame) -> frozenset[str]:
    """Panel regions flagged ``aggregate`` (World, EU, income groups): `data.panels.aggregate_regions`."""
    return panel_data.aggregate_regions(observations, PANELS)


def current_panel(observations: pd.DataFrame, collection: str, indicator: str,
                  aggregates: frozenset[str] | None = None) -> pd.DataFrame:
    """Today's vintage of one panel (region, year, value), without aggregates."""
    aggregates = aggregate_regions(observations) if aggregates is None else aggregates
    rows = observations[(observations["collection"] == collection) & (observations["indicator"] == indicator)]
    if rows.empty:
        return pd.DataFrame({"region": pd.Series(dtype=str), "year": pd.Series(dtype=int),
                             "value": pd.Series(dtype=float)})
    known = vintages.known_values(rows)
    known = known[~known["region"].isin(aggregates)]
    return known[["region", "year", "value"]].astype({"year": int, "value": float}).reset_index(drop=True)


class _Sources:
    """Today's panels and the reference panels as known at a date, each computed once per run.

    `past_plan_cases` and `prepare_case` ask for the same few (collection,
    indicator, as-of date) cuts again and again; each is a `vintages.known_values`
    over the whole table.  The frames are shared between the callers: read only.
    ``_Sources(observations)`` answers exactly as the functions it stands for
    (`current_panel`, `plan_assessment.reference_panels`).
    """

    def __init__(self, observations: pd.DataFrame, aggregates: frozenset[str] | None = None):
        self.observations = observations
        self.aggregates = aggregate_regions(observations) if aggregates is None else aggregates
        self._memo: dict = {}

    def _get(self, key, make):
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def current(self, collection: str, indicator: str) -> pd.DataFrame:
        return self._get(("current", collection, indicator),
                         lambda: current_panel(self.observations, collection, indicator, self.aggregates))

    def own(self, region: str, indicator: str) -> pd.DataFrame:
        """The region's own rows of the indicator (collection ``observations``), in table order."""
        def make():
            mine = self._get(("own",), lambda: self.observations[self.observations["collection"] == "observations"])
            return mine[(mine["region"] == region) & (mine["indicator"] == indicator)]
        return self._get(("own", region, indicator), make)

    def own_known_now(self, region: str, indicator: str) -> pd.DataFrame:
        """`vintages.known_values` of `own`: today's values."""
        return self._get(("own known now", region, indicator),
                         lambda: vintages.known_values(self.own(region, indicator)))

    def reference(self, indicator: str, reference: str, as_of) -> dict[str, pd.DataFrame]:
        found = self._get(("reference", indicator, reference, as_of), lambda: plan_assessment.reference_panels(
            self.observations, indicator, reference=reference, as_of=as_of))
        return dict(found)  # the caller may replace entries


def _sources(observations: pd.DataFrame, aggregates, sources: _Sources | None) -> _Sources:
    return _Sources(observations, aggregates) if sources is None else sources


def panels_as_of(observations: pd.DataFrame, indicator: str, as_of,
                 aggregates: frozenset[str] | None = None, *, _known: _Sources | None = None) -> dict[str, pd.DataFrame]:
    """`plan_assessment.reference_panels` cut to ``as_of``, aggregates removed."""
    known = _sources(observations, aggregates, _known)
    found = known.reference(indicator, "all", as_of)
    for name in PANELS:
        if (name, indicator) in PSEUDO_REAL_TIME:
            found[name] = _panel_known(observations, name, indicator, as_of, known.aggregates, known)
    return {name: panel_data.without_aggregates(p, known.aggregates) for name, p in found.items()}


# Panels that are one current vintage of a derived or revised series (the publication date of every row is the
# vintage's, 2025-12-31 inferred): cut as of a case's date, they would hold nothing, so a case uses them
# pseudo-real-time like the World Bank release (data years up to the as-of year minus one, at today's values).
PSEUDO_REAL_TIME: dict[tuple[str, str], str] = {
    ("cn_provinces", "invention_patents_per_10k"): (
        "derived per-10k panel (yearbook patent counts, each known from its edition, over today's revised "
        "population vintage, dated 2025-12-31): pseudo-real-time, data years up to the as-of year - 1; the "
        "population revisions it carries are the stated approximation"),
}


@dataclass(frozen=True)
class Analogue:
    """A panel indicator that stands for a target's indicator where (and only where) the definitions match.

    ``regions``: where the panel's statistic is the one the target names (the case's series and outcome then
    come from ``collection``/``indicator``); elsewhere the case is excluded with ``mismatch``.
    """

    collection: str
    indicator: str
    regions: frozenset[str]
    match: str
    mismatch: str


ANALOGUES: dict[str, Analogue] = {
    "tech_contract_turnover": Analogue(
        "cn_provinces", "tech_market_turnover_seller", frozenset({"China"}),
        match=("national total of the yearbook's technology-market turnover (by seller region) = the national "
               "技术合同成交额 / 技术市场合同交易总额 the target names (the panel's 2013 and 2020 values equal the "
               "published national figures 7469.1 and 28252)"),
        mismatch=("definition mismatch: the target is the province's own registration-based 技术合同成交额 "
                  "headline; the yearbook's seller-region technology-market turnover differs in level "
                  "(shared data README: compare growth, not levels), so a level target cannot be scored on it")),
}


def _panel_known(observations: pd.DataFrame, source: str, indicator: str, as_of: str,
                 aggregates: frozenset[str] | None = None, known: _Sources | None = None) -> pd.DataFrame:
    """One panel (region, year, value) as known at ``as_of``: `plan_assessment.reference_panels`' cut, or
    pseudo-real-time for the `PSEUDO_REAL_TIME` panels."""
    known = _sources(observations, aggregates, known)
    if (source, indicator) in PSEUDO_REAL_TIME:
        panel = known.current(source, indicator)
        return panel[panel["year"] <= int(as_of[:4]) - plan_assessment.PANEL_LAG_YEARS].reset_index(drop=True)
    found = known.reference(indicator, source, as_of)
    return found.get(source, pd.DataFrame({"region": pd.Series(dtype=str), "year": pd.Series(dtype=int),
                                           "value": pd.Series(dtype=float)}))


def _window(series: pd.Series, last_year: int, window: int) -> pd.Series:
    return series[(series.index > last_year - window) & (series.index <= last_year)]


def _latest_window(series: pd.Series, window: int) -> pd.Series:
    """The ``window`` years up to the series' latest value (the window of a rolling origin)."""
    return _window(series, int(series.index[-1]), window) if len(series) else series


def _source_series(observations: pd.DataFrame, source: str, region: str, indicator: str, as_of: str,
                   window: int = SERIES_WINDOW, aggregates=None,
                   known_panels: _Sources | None = None) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """(series known as of, the full current series, the current rows) of one source.

    With ``known_panels`` the answer is kept there: `prepare_case` asks again for what `past_plan_cases`
    asked (the same objects come back; both only read them)."""
    if known_panels is not None:
        return known_panels._get(("series", source, region, indicator, as_of, window), lambda: _source_series_now(
            observations, source, region, indicator, as_of, window, aggregates, known_panels))
    return _source_series_now(observations, source, region, indicator, as_of, window, aggregates, known_panels)


def _source_series_now(observations, source, region, indicator, as_of, window, aggregates, known_panels):
    as_of_year = int(as_of[:4])
    if source == "observations":
        if known_panels is not None:  # the region's rows picked once (the same rows, order and labels)
            strict, _ = plan_assessment.region_series(known_panels.own(region, indicator), region, indicator, as_of)
            known_now = known_panels.own_known_now(region, indicator)
        else:
            strict, _ = plan_assessment.region_series(observations, region, indicator, as_of)
            own = observations[(observations["collection"] == "observations") & (observations["region"] == region)
                               & (observations["indicator"] == indicator)]
            known_now = vintages.known_values(own)
        full = vintages.series(known_now, region, indicator)
        return _latest_window(strict[strict.index <= as_of_year], window), full, known_now
    # known then: the panel as `plan_assessment.reference_panels` cuts it (the provincial panel by its
    # publication dates, the undated World Bank release by data year <= as-of year - 1)
    known_panels = _sources(observations, aggregates, known_panels)
    then = _panel_known(observations, source, indicator, as_of, known_panels.aggregates, known_panels)
    then = then[then["region"] == region].sort_values("year")
    known = pd.Series(then["value"].to_numpy(dtype=float), index=then["year"].to_numpy(dtype=int), name=indicator)
    panel = known_panels.current(source, indicator)
    rows = panel[panel["region"] == region].sort_values("year")
    full = pd.Series(rows["value"].to_numpy(dtype=float), index=rows["year"].to_numpy(dtype=int), name=indicator)
    return _latest_window(known[known.index <= as_of_year], window), full, rows


def _series_text(s: pd.Series) -> str:
    return "; ".join(f"{int(y)}: {v:g}" for y, v in s.items())


TABLE1_PLAN_ID = build.PLAN_IDS["table1"]  # Taicang's 13th plan, as Table 1 of the 14th reports it


def _case_set(row) -> str:
    """By the typed ``plan_id`` (never by reading ``source_ref``)."""
    if row["plan_id"] == TABLE1_PLAN_ID:
        return "taicang_13th"
    return "taicang_other" if row["region"] == TAICANG else "past_plan"


def _as_of(row, case_set: str) -> tuple[str, str]:
    if case_set == "taicang_13th":
        return TABLE1_AS_OF, TABLE1_AS_OF_NOTE
    return f"{int(row['set_year']) - 1:04d}-12-31", PLAN_AS_OF_NOTE


def past_plan_cases(observations: pd.DataFrame, targets: pd.DataFrame, *, window: int = SERIES_WINDOW,
                    min_obs: int = MIN_SERIES_OBS, _known: _Sources | None = None) -> pd.DataFrame:
    """One row per target: the case as it stood at its as-of date, scored or excluded with the reason.

    Parameters
    ----------
    observations, targets : the processed tables.
    window : years of series kept up to the as-of year.
    min_obs : a source with fewer values as of then is passed over for one with
        more (China: ``cn_provinces`` from 2011, else ``world``).

    Returns
    -------
    DataFrame
        ``case_id`` (the target's source_ref), ``case_set``, ``region``,
        ``indicator``, ``plan``, ``target``, ``comparator``, ``tolerance``,
        ``threshold`` (after the about-tolerance), ``direction``,
        ``target_year``, ``set_year``, ``as_of``, ``as_of_note``, ``source``,
        ``source_note``, ``series`` (text: "year: value; ..."), ``n_obs``,
        ``first_year``, ``latest_year``, ``latest_value``, ``horizon``
        (target year - latest year), ``outcome``, ``outcome_published``,
        ``met`` (1/0), ``status`` (``scored`` | ``excluded``: here "scored"
        means eligible; `run_backtest` excludes a case without a probability),
        ``reason``.
    """
    known_panels = _sources(observations, None, _known)
    aggregates = known_panels.aggregates
    known_any = observations[observations["value"].notna()]
    latest_by_indicator = known_any.groupby("indicator")["year"].max().to_dict()
    latest_by_region = known_any.groupby("region")["year"].max().to_dict()
    in_panels = known_any[known_any["collection"].isin(PANELS)]
    panel_regions = {(c, i): set(g["region"]) - aggregates
                     for (c, i), g in in_panels.groupby(["collection", "indicator"])}
    cn_regions = set(known_any.loc[known_any["collection"] == "cn_provinces", "region"])
    own_pairs = set(zip(known_any.loc[known_any["collection"] == "observations", "region"],
                        known_any.loc[known_any["collection"] == "observations", "indicator"]))
    rows = []
    for _, t in targets.iterrows():
        case_set = _case_set(t)
        as_of, as_of_note = _as_of(t, case_set)
        as_of_year = int(as_of[:4])
        tol = t.get("tolerance")
        blank = tol is None or (isinstance(tol, str) and not tol.strip()) or pd.isna(tol)
        tol = float("nan") if blank else float(tol)
        rec = {"case_id": t["source_ref"], "case_set": case_set, "region": t["region"], "indicator": t["indicator"],
               "plan": t.get("plan", ""), "target": float(t["target"]), "comparator": t["comparator"],
               "tolerance": tol, "threshold": np.nan, "direction": "", "target_year": int(t["target_year"]),
               "set_year": int(t["set_year"]), "as_of": as_of, "as_of_note": as_of_note, "source": "",
               "source_note": "", "series": "", "n_obs": 0, "first_year": np.nan, "latest_year": np.nan,
               "latest_value": np.nan, "horizon": np.nan, "outcome": np.nan, "outcome_published": "",
               "met": np.nan, "status": "excluded", "reason": "", "series_indicator": t["indicator"]}
        rows.append(rec)
        try:
            ind = registry.get(t["indicator"])
        except registry.UnknownIndicator as exc:
            rec["reason"] = f"indicator not in the registry: {exc}"
            continue
        direction = ind.direction if ind.direction != "none" else "up"
        spec = plan_assessment.target_spec(t)
        rec["direction"], rec["threshold"] = direction, spec.threshold(direction)[0]
        # the latest year with an outcome: of the indicator anywhere, else of anything about the region
        latest = latest_by_indicator.get(ind.id)
        latest_of = f"{ind.id} in any collection"
        if latest is None:
            latest = latest_by_region.get(t["region"], known_any["year"].max() if len(known_any) else None)
            latest_of = f"any published value of {t['region']} ({ind.id}: none)"
        if latest is None or rec["target_year"] > latest:
            rec["reason"] = (f"outcome year not yet observed: target year {rec['target_year']}, latest year of "
                             f"{latest_of} {latest if latest is not None else '(none)'}")
            continue
        if rec["target_year"] <= as_of_year:
            rec["reason"] = f"target year {rec['target_year']} is not after the as-of year {as_of_year}"
            continue
        region = t["region"]
        series_ind = ind.id
        analogue = ANALOGUES.get(ind.id)
        if analogue is not None and region not in analogue.regions and (
                region == TAICANG or (region, ind.id) in own_pairs):
            analogue = None  # the region's own published series: no stand-in needed
        if analogue is not None:
            if region not in analogue.regions:
                rec["reason"] = f"{analogue.collection} {analogue.indicator}: {analogue.mismatch}"
                continue
            series_ind = analogue.indicator
            rec["series_indicator"] = series_ind
        if region in aggregates:
            rec["reason"] = (f"{region} is an aggregate in the reference panels (today's composition, e.g. the "
                             "World Bank's EU27); the target was set for the group as it was then: definitions "
                             "do not match, aggregates are not assessed")
            continue
        if analogue is not None:
            candidates = [analogue.collection]
        elif region == TAICANG:
            candidates = ["observations"]
        else:
            candidates = [c for c in PANELS if region in panel_regions.get((c, ind.id), set())]
            if not candidates and (region, ind.id) in own_pairs:
                candidates = ["observations"]
        if not candidates:
            if region in cn_regions and ind.kind == "per_10k":
                rec["reason"] = (f"no source for {ind.id} of {region}: the provincial panel (cn_provinces) has "
                                 "patent counts, not per-10k values, and no per-10k value of it is in the "
                                 "observations")
            else:
                rec["reason"] = f"no source: no collection holds {ind.id} for {region}"
            continue
        tried = []
        for src in candidates:
            series, full, known_rows = _source_series(observations, src, region, series_ind, as_of, window,
                                                      aggregates, known_panels)
            tried.append((src, series, full, known_rows))
        enough = [c for c in tried if len(c[1]) >= min_obs]
        chosen = enough[0] if enough else max(tried, key=lambda c: len(c[1]))  # max keeps the first on ties
        src, series, full, known_rows = chosen
        notes = [f"{s}: {len(ser)} value(s) as of {as_of}" + (f" (first year {int(f.index[0])})" if len(f) else "")
                 for s, ser, f, _ in tried]
        basis = ("pseudo-real-time (today's release, data years up to the as-of year - 1)"
                 if src in plan_assessment.UNDATED_PANELS else PSEUDO_REAL_TIME[(src, series_ind)]
                 if (src, series_ind) in PSEUDO_REAL_TIME else "strictly by publication date")
        if analogue is not None:
            basis = f"{src} {series_ind} stands for {ind.id}: {analogue.match}; {basis}"
        rec["source"], rec["source_note"] = src, f"{basis}; " + "; ".join(notes)
        if len(series):
            rec.update(series=_series_text(series), n_obs=len(series), first_year=int(series.index[0]),
                       latest_year=int(series.index[-1]), latest_value=float(series.iloc[-1]),
                       horizon=rec["target_year"] - int(series.index[-1]))
        if series.empty:
            why = "; ".join(notes)
            if src == "observations" and len(full):
                own = observations[(observations["collection"] == "observations")
                                   & (observations["region"] == region) & (observations["indicator"] == ind.id)]
                why += f" (its values were first published on {own['published'].min()})"
            rec["reason"] = f"no series as of {as_of}: {why}"
            continue
        if rec["target_year"] not in full.index:
            rec["reason"] = (f"outcome not published: no {rec['target_year']} value of {region} {ind.id} in {src} "
                             f"(its years: {_years_text(full.index)})")
            continue
        outcome = float(full[rec["target_year"]])
        rec["outcome"] = outcome
        if src == "observations":
            sel = known_rows[known_rows["year"] == rec["target_year"]]
            rec["outcome_published"] = str(sel["published"].iloc[0])
        rec["met"] = float(bool(spec.met(np.array([outcome]), direction)[0]))
        rec["status"] = "scored"
    out = pd.DataFrame(rows)
    order = {c: i for i, c in enumerate(CASE_SETS)}
    out["_set"] = out["case_set"].map(order)
    out = out.sort_values(["_set", "region", "indicator", "target_year", "case_id"], kind="stable")
    return out.drop(columns="_set").reset_index(drop=True)


def _years_text(years) -> str:
    years = sorted(int(y) for y in years)
    return f"{years[0]}-{years[-1]}, {len(years)} values" if years else "none"


# -- one case -------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class CaseRun:
    """One case assessed: its flat record and the assessment behind it."""

    record: dict
    assessment: Assessment


def _kind_of(indicator_id: str) -> tuple[registry.Indicator, str, str, tuple[float, float] | None]:
    ind = registry.get(indicator_id)
    kind = plan_assessment.model_kind(ind)
    direction = ind.direction if ind.direction != "none" else "up"
    bounds = ind.bounds if ind.is_share else None
    return ind, kind, direction, bounds


def _spec(case) -> TargetSpec:
    tol = case["tolerance"]
    return TargetSpec(float(case["target"]), int(case["target_year"]), case["comparator"],
                      None if tol is None or pd.isna(tol) else float(tol))


def prepare_case(observations: pd.DataFrame, case, *, window: int = SERIES_WINDOW,
                 aggregates: frozenset[str] | None = None, _known: _Sources | None = None) -> dict:
    """The inputs of `assess` for one scored case (series as of, panels as of, target): plain data."""
    if case["status"] != "scored":
        raise ValueError(f"case {case['case_id']} is excluded: {case['reason']}")
    known = _sources(observations, aggregates, _known)
    aggregates = known.aggregates
    ind, kind, direction, bounds = _kind_of(case.get("series_indicator", case["indicator"]) or case["indicator"])
    series, _, _ = _source_series(observations, case["source"], case["region"], ind.id, case["as_of"], window,
                                  aggregates, known)
    return {"case_id": case["case_id"], "region": case["region"], "indicator": ind.id, "kind": kind,
            "direction": direction, "bounds": bounds, "series": series, "target": _spec(case),
            "as_of": case["as_of"], "panels": panels_as_of(observations, ind.id, case["as_of"], aggregates,
                                                           _known=known),
            "outcome": float(case["outcome"])}


def assess_case(observations: pd.DataFrame, case, *, spread: float | _assess.Calibration = 1.0,
                n_draws: int = 10_000, seed: int = 0, window: int = SERIES_WINDOW, level: float = 0.8) -> CaseRun:
    """Assess one scored case as of its date and compare with its outcome.

    Runs `assess.assess` on the series known then, with the panels as known
    then (`panels_as_of`: aggregates removed) and the case's own region
    excluded.  The probability with a calibration ``spread`` (one factor or
    an `assess.Calibration`) is read off the same pooled draws widened as
    ``Pool(spread=...)`` widens them (identical numbers).

    Returns
    -------
    CaseRun
        ``record``: ``probability`` (uncalibrated), ``probability_calibrated``
        (at ``spread``), ``pool_type``, ``spread`` (the factor applied in the
        target year), ``grade`` (the headline status),
        ``median``/``lower``/``upper`` (pooled, ``level`` interval, target
        year, before calibration) and ``lower_calibrated``/``upper_calibrated``,
        the four calls (1 met, 0 missed, nan unavailable), ``met``, members.
    """
    return _run_prepared(prepare_case(observations, case, window=window), spread=spread, n_draws=n_draws,
                         seed=seed, level=level)


def _run_prepared(prep: dict, *, spread: float | _assess.Calibration, n_draws: int, seed: int,
                  level: float = 0.8) -> CaseRun:
    a, rec, pooled = _assess_prepared(prep, n_draws=n_draws, seed=seed)
    return CaseRun(_calibrated_record(rec, pooled, spread, level), a)


def _assess_prepared(prep: dict, *, n_draws: int, seed: int) -> tuple[Assessment, dict, dict | None]:
    """The part of a case that does not depend on the calibration: (assessment, record, pooled target-year
    column and what widening it needs, or None without a pooled forecast)."""
    spec: TargetSpec = prep["target"]
    # each panel prepared once (`reference.prepare_panel`: the case's exclusion and as-of cut become a filter,
    # identical forecasts) instead of once per horizon `assess` tries
    panels = {name: reference.prepare_panel(p, kind=prep["kind"], bounds=prep["bounds"]) if isinstance(p, pd.DataFrame)
              else p for name, p in prep["panels"].items()}
    a = _assess.assess(prep["series"], spec, kind=prep["kind"], direction=prep["direction"], bounds=prep["bounds"],
                       indicator=prep["indicator"], as_of=prep["as_of"], panels=panels,
                       exclude_regions=(prep["region"],), n_draws=n_draws, seed=seed)
    rec = {"case_id": prep["case_id"], "probability": a.probability, "probability_reason": a.probability_reason,
           "grade": a.status, "grade_basis": a.status_basis, "pool_type": "", "spread": np.nan,
           "pool_members": ", ".join(f"{m} {w:.3g}" for m, w in a.pool_members),
           "median": np.nan, "lower": np.nan, "upper": np.nan, "probability_calibrated": np.nan,
           "lower_calibrated": np.nan, "upper_calibrated": np.nan}
    rec.update(method_calls(a, prep["series"], spec, prep["direction"]))
    if a.pool_members:
        rec["pool_type"] = a.spread["pool_type"]  # typed: assess knows which list each member came from
    pooled = None
    if a.pooled is not None:
        col = a.pooled.years.index(spec.year)
        rec.update(median=a.projection["median"], lower=a.projection["lower"], upper=a.projection["upper"])
        draws = a.pooled.draws
        # only the target year's column is read; widening works column by column, except the one question
        # asked of the whole matrix (every draw > 0?), answered here
        pooled = {"column": np.array(draws[:, [col]]), "positive": bool(np.all(draws > 0)),
                  "members": [m for m, _ in a.pool_members], "years": a.pooled.years, "col": col,
                  "latest_year": int(a.observations.index[-1]), "kind": prep["kind"], "bounds": prep["bounds"],
                  "target": spec, "direction": prep["direction"], "indicator": prep["indicator"]}
    rec["met"] = float(bool(spec.met(np.array([prep["outcome"]]), prep["direction"])[0]))
    return a, rec, pooled


def _calibrated_record(rec: dict, pooled: dict | None, spread: float | _assess.Calibration,
                       level: float = 0.8) -> dict:
    """The record with the probability and interval of the pooled draws widened by ``spread`` (as
    ``Pool(spread=...)`` widens them: identical numbers, the indicator's own factors picked the same way)."""
    if pooled is not None:
        spread = _assess.calibration_for(spread, pooled["indicator"])
    rec = dict(rec, spread=float(spread) if not isinstance(spread, _assess.Calibration) else np.nan)
    if pooled is None:
        return rec
    col = pooled["col"]
    factors = _assess.spread_factors(spread, pooled["members"], pooled["years"], pooled["latest_year"])
    rec["spread"] = float(factors[col])
    values = pooled["column"]
    if np.any(factors != 1.0):
        values = pooling._widen(values, factors[[col]], pooled["kind"], pooled["bounds"], pooled["positive"])
    values = values[:, 0]
    tail = (1 - level) / 2
    lo, hi = np.quantile(values, [tail, 1 - tail])
    rec.update(probability_calibrated=smoothed_probability(pooled["target"].met(values, pooled["direction"])),
               lower_calibrated=float(lo), upper_calibrated=float(hi))
    return rec


def method_calls(a: Assessment, series: pd.Series, target: TargetSpec, direction: str) -> dict:
    """Each official growth-rate method and naive linear extrapolation read as a met (1) / missed (0) call.

    * ``eurostat_rate_ratio``: the headline grade is ``on_track`` (R >= 0.95)
      or ``target_already_met``.
    * ``un_projected_gap``: rho >= 0.95 (``substantial_progress``) or already met.
    * ``time_proportional``: on schedule (share of distance covered >= share of
      time elapsed, or already met).
    * ``linear_extrapolation``: the straight line through the last two
      observations, extended to the target year, meets the target.

    ``nan`` where a method cannot be computed (one observation).
    """
    out = {c: np.nan for c in CALLS}
    m = a.methods
    if a.status in _MET_GRADES["eurostat_rate_ratio"] or a.status in ("acceleration_needed", "limited_progress",
                                                                        "moving_away"):
        out["eurostat_rate_ratio"] = float(a.status in _MET_GRADES["eurostat_rate_ratio"])
    if "projected_gap" in m:
        out["un_projected_gap"] = float(m["projected_gap"]["grade"] in _MET_GRADES["un_projected_gap"])
    if "time_proportional" in m:
        out["time_proportional"] = float(m["time_proportional"]["status"] == "on_schedule")
    s = series.dropna()
    if len(s) >= 2:
        (y0, v0), (y1, v1) = list(s.items())[-2:]
        projected = v1 + (v1 - v0) / (y1 - y0) * (target.year - y1)
        out["linear_extrapolation"] = float(bool(target.met(np.array([projected]), direction)[0]))
    return out


# -- rolling origins --------------------------------------------------------------

@dataclass(frozen=True)
class _RollingContext:
    indicator: str
    kind: str
    direction: str
    bounds: tuple[float, float] | None
    panels: dict  # name -> current panel (region, year, value), aggregates removed
    prepared: dict  # name -> the same panel prepared once for `reference.reference_forecast` (identical draws)
    horizons: tuple[int, ...]
    window: int
    min_obs: int
    n_draws: int
    seed: int


def _origin_seed(seed: int, panel: str, region: str, year: int) -> int:
    return zlib.crc32(f"{seed}|{panel}|{region}|{year}".encode())


def rolling_tasks(observations: pd.DataFrame, *, indicator: str = ROLLING_INDICATOR, panels=PANELS,
                  horizons=HORIZONS, min_obs: int = 3, window: int = SERIES_WINDOW,
                  origin_step: int = DEFAULT_ORIGIN_STEP) -> list[tuple[str, str, tuple[int, ...]]]:
    """(panel, region, origin years) to run: origins t on a grid ending the year before the panel's last.

    An origin is a year t with a value at t, at least ``min_obs`` values in
    the ``window`` years up to t, and at least one value at t + h for some
    horizon h.  The grid is t = last - 1, last - 1 - step, ... so the latest
    origins are always in.
    """
    if origin_step < 1:
        raise ValueError(f"origin_step must be >= 1, got {origin_step}")
    aggregates = aggregate_regions(observations)
    tasks = []
    for name in panels:
        panel = current_panel(observations, name, indicator, aggregates)
        if panel.empty:
            continue
        last = int(panel["year"].max())
        for region, g in panel.groupby("region", sort=True):
            years = set(g["year"].astype(int))
            origins = tuple(t for t in sorted(years)
                            if (last - 1 - t) % origin_step == 0
                            and sum(1 for y in years if t - window < y <= t) >= min_obs
                            and any(t + h in years for h in horizons))
            if origins:
                tasks.append((name, str(region), origins))
    return tasks


def _z(values: np.ndarray, kind: str, bounds, log_ok: bool) -> np.ndarray:
    """The scale `pooling.widen` widens on: logit for shares, log for positive rates/counts, else identity."""
    v = np.asarray(values, dtype=float)
    if kind == "share":
        lo, hi = bounds if bounds is not None else (0.0, 100.0)
        p = np.clip((v - lo) / (hi - lo), 1e-12, 1 - 1e-12)
        return np.log(p / (1 - p))
    if kind in ("rate", "count") and log_ok:
        return np.log(v)
    return v


_QUANTILES = (0.025, 0.1, 0.5, 0.9, 0.975)


def _sorted_quantiles(ordered: np.ndarray, q=_QUANTILES) -> np.ndarray:
    """``np.quantile(x, q, axis=0)`` (method ``linear``) of ``ordered = np.sort(x, axis=0)``, bit for bit.

    numpy's own steps (virtual index ``(n - 1) q``, its neighbours,
    ``_lerp``'s two-sided interpolation, NaN columns to NaN) read off the
    sorted columns instead of partitioning them again for every call: the
    rolling origins take ten quantiles of every member and the pooled draws,
    and one sort serves the draws' and (after the monotone widening scale)
    their log/logit quantiles.  tests/test_backtest_fast_paths.py holds it to
    ``np.quantile`` on random, tied, infinite and NaN columns.
    """
    n = ordered.shape[0]
    q = np.asarray(q, dtype=float)
    virtual = (n - 1) * q
    previous = np.floor(virtual)
    following = previous + 1
    above = virtual >= n - 1
    previous[above], following[above] = -1, -1
    below = virtual < 0
    previous[below], following[below] = 0, 0
    previous, following = previous.astype(np.intp), following.astype(np.intp)
    a, b = ordered[previous], ordered[following]
    gamma = np.asarray(virtual - previous, dtype=float).reshape(q.shape + (1,) * (ordered.ndim - 1))
    diff = b - a
    out = np.add(a, diff * gamma)
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5, casting="unsafe", dtype=out.dtype.type)
    nan_columns = np.isnan(ordered[-1, ...])
    if np.any(nan_columns):
        out[..., nan_columns] = np.nan
    return out


def _sorted(values: np.ndarray) -> np.ndarray:
    """``np.sort(values, axis=0)``, skipped when the columns are already in order (a monotone transform of
    sorted draws; rounding could in principle break a tie the other way, hence the check)."""
    if len(values) < 2 or np.all(values[1:] >= values[:-1]):
        return values
    return np.sort(values, axis=0)


def _share_at_or_below(ordered: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``np.mean(x <= values, axis=0)`` of ``ordered = np.sort(x, axis=0)``, the same numbers: each column's count
    of draws <= its value found by bisection (NaN draws sort last and never count) over the number of draws.
    A NaN value (which no draw is <= to) goes to the mean itself."""
    if np.isnan(values).any():
        return np.mean(ordered <= values, axis=0)
    counts = np.array([np.searchsorted(ordered[:, j], values[j], side="right") for j in range(len(values))],
                      dtype=float)
    return counts / ordered.shape[0]


def _member_rows(member, weights: dict[int, float], pool_types: dict[int, str], ctx: _RollingContext, base: dict,
                 outcomes: dict[int, float], log_ok: bool, horizons=None) -> list[dict]:
    """One row per horizon in ``outcomes`` (and ``horizons``, if given) that ``member`` reaches."""
    hs = [h for h in outcomes if (horizons is None or h in horizons) and base["origin"] + h in member.years]
    if not hs:
        return []
    cols = [member.years.index(base["origin"] + h) for h in hs]
    draws = np.sort(member.draws[:, cols], axis=0)  # the order of draws within a column changes no statistic here
    q = _sorted_quantiles(draws)
    zq = _sorted_quantiles(_sorted(_z(draws, ctx.kind, ctx.bounds, log_ok)))  # z is monotone: already sorted
    out = np.array([outcomes[h] for h in hs])
    zo = _z(out, ctx.kind, ctx.bounds, log_ok)
    r80 = scoring.required_spread(zo, zq[2], zq[1], zq[3])
    r95 = scoring.required_spread(zo, zq[2], zq[0], zq[4])
    pit = _share_at_or_below(draws, out)
    rows = []
    for j, h in enumerate(hs):
        with np.errstate(divide="ignore", invalid="ignore"):
            log_err = float(np.log(q[2, j] / out[j])) if q[2, j] > 0 and out[j] > 0 else np.nan
        rows.append({**base, "horizon": h, "year": base["origin"] + h, "member": member.model,
                     "pool_type": pool_types.get(h, ""), "weight": weights.get(h, 0.0), "outcome": float(out[j]),
                     "median": q[2, j], "lower80": q[1, j], "upper80": q[3, j], "lower95": q[0, j],
                     "upper95": q[4, j], "covered80": bool(r80[j] <= 1.0), "covered95": bool(r95[j] <= 1.0),
                     "error": q[2, j] - out[j], "log_error": log_err, "pit": float(pit[j]),
                     "z_outcome": float(zo[j]), "z_median": zq[2, j], "z_lower80": zq[1, j], "z_upper80": zq[3, j],
                     "z_lower95": zq[0, j], "z_upper95": zq[4, j], "r80": float(r80[j]), "r95": float(r95[j])})
    return rows


def _origin_rows(entries, pool_types: dict[int, str], ctx: _RollingContext, base: dict,
                 outcomes: dict[int, float]) -> list[dict]:
    """`_member_rows` of every ``(member, weights, log_ok, horizons)`` in ``entries``, in order: the same rows.

    Every statistic of `_member_rows` is per column (one sort, quantiles, the widening scale, the
    required spreads, the PIT), so the columns of all members are stacked and each step runs once per
    origin instead of once per member; what is decided per member -- the log scale (``log_ok``) and
    whether the widening-scale draws need sorting again -- is still decided on that member's columns.
    tests/test_backtest_fast_paths.py holds it to `_member_rows`.
    """
    blocks, parts = [], []
    start = 0
    for member, weights, log_ok, horizons in entries:
        hs = [h for h in outcomes if (horizons is None or h in horizons) and base["origin"] + h in member.years]
        if not hs:
            continue
        cols = [member.years.index(base["origin"] + h) for h in hs]
        consecutive = cols[-1] - cols[0] == len(cols) - 1  # (increasing) a view; np.concatenate copies it once
        parts.append(member.draws[:, cols[0]:cols[-1] + 1] if consecutive else member.draws[:, cols])
        blocks.append((member, weights, log_ok, hs, start, start + len(hs)))
        start += len(hs)
    if not blocks:
        return []
    draws = np.sort(np.concatenate(parts, axis=1), axis=0)
    out = np.array([outcomes[h] for *_, hs, _, _ in blocks for h in hs])
    if ctx.kind not in ("rate", "count") or len({log_ok for _, _, log_ok, *_ in blocks}) == 1:
        z = _z(draws, ctx.kind, ctx.bounds, blocks[0][2])  # one scale for every member: element by element
        zo = _z(out, ctx.kind, ctx.bounds, blocks[0][2])
    else:
        z, zo = np.empty_like(draws), np.empty_like(out)
        for _, _, log_ok, _, a, b in blocks:
            z[:, a:b] = _z(draws[:, a:b], ctx.kind, ctx.bounds, log_ok)
            zo[a:b] = _z(out[a:b], ctx.kind, ctx.bounds, log_ok)
    if len(z) >= 2:
        in_order = np.all(z[1:] >= z[:-1], axis=0)
        for _, _, _, _, a, b in blocks:
            if not in_order[a:b].all():  # `_sorted`: z is monotone, so this is only rounding breaking a tie
                if np.shares_memory(z, draws):  # the identity scale: z is the draws themselves
                    z = z.copy()
                z[:, a:b] = np.sort(z[:, a:b], axis=0)
    q = _sorted_quantiles(draws)
    zq = _sorted_quantiles(z)
    r80 = scoring.required_spread(zo, zq[2], zq[1], zq[3])
    r95 = scoring.required_spread(zo, zq[2], zq[0], zq[4])
    pit = _share_at_or_below(draws, out)
    log_err = np.full(len(out), np.nan)
    positive = (q[2] > 0) & (out > 0)
    log_err[positive] = np.log(q[2][positive] / out[positive])  # element by element, as one value at a time
    # the numbers as Python floats and bools, column by column (the frame's columns are float64 and bool either way)
    cols = zip(out.tolist(), *q.tolist(), *zq.tolist(), (r80 <= 1.0).tolist(), (r95 <= 1.0).tolist(),
               (q[2] - out).tolist(), log_err.tolist(), pit.tolist(), zo.tolist(), r80.tolist(), r95.tolist())
    rows = []
    origin = base["origin"]
    for member, weights, _, hs, _, _ in blocks:
        model = member.model
        for h, (o, l95, l80, med, u80, u95, zl95, zl80, zmed, zu80, zu95, c80, c95, err, lerr, p, zout, s80,
                s95) in zip(hs, cols):
            rows.append({**base, "horizon": h, "year": origin + h, "member": model,
                         "pool_type": pool_types.get(h, ""), "weight": weights.get(h, 0.0), "outcome": o,
                         "median": med, "lower80": l80, "upper80": u80, "lower95": l95, "upper95": u95,
                         "covered80": c80, "covered95": c95, "error": err, "log_error": lerr, "pit": p,
                         "z_outcome": zout, "z_median": zmed, "z_lower80": zl80, "z_upper80": zu80,
                         "z_lower95": zl95, "z_upper95": zu95, "r80": s80, "r95": s95})
    return rows


def _longest_reference(series: pd.Series, t: int, max_h: int, name: str, panel: pd.DataFrame, ctx: _RollingContext,
                       region: str, seed: int):
    """The reference forecast for the longest horizon <= ``max_h`` its panel supports at origin ``t`` (or None).

    `reference.reference_forecast` fails as a whole when one horizon's class
    has too few matches, and its class for horizon k does not depend on the
    longest horizon asked for (same seed: the same draws for year t + k), so
    this is, for every horizon h it reaches, the reference class an
    assessment of a target h years out would use (`assess` asks for the
    target year when a longer horizon fails).  `reference.longest_reference_forecast`
    gives the same forecast as asking again for the horizon before the first
    one that failed, in one pass; ``ctx``'s panel ``name`` is read prepared once (`reference.prepare_panel`).
    """
    if panel is ctx.panels.get(name):
        panel = ctx.prepared[name]
    ref = reference.longest_reference_forecast(series, t + max_h, panel, kind=ctx.kind,
                                               bounds=ctx.bounds, panel_name=name, exclude_regions=(region,),
                                               max_origin_year=t, n_draws=ctx.n_draws, seed=seed)
    return None if isinstance(ref, models.Skipped) else replace(ref, model=f"reference_class:{name}")


def _rolling_origin(ctx: _RollingContext, panel_name: str, region: str, full: pd.Series, t: int) -> list[dict]:
    """Every member's and the pooled forecast's rows at origin ``t``, one per observed horizon.

    The pool at horizon h is the one `assess` builds for a target h years out:
    the own models plus each panel's reference class *if it reaches h*
    (a panel cut at t may hold too few h-year changes).  So one origin can
    give ``with_reference`` rows at short horizons and ``own_models_only``
    rows beyond the references' reach; each row records its ``pool_type``.
    """
    series = _window(full, t, ctx.window)
    outcomes = {h: float(full[t + h]) for h in ctx.horizons if t + h in full.index}
    max_h = max(ctx.horizons)
    seed = _origin_seed(ctx.seed, panel_name, region, t)
    forecasts = models.fit_all(series, t + max_h, kind=ctx.kind, bounds=ctx.bounds, n_draws=ctx.n_draws, seed=seed)
    refs = []
    for name, panel in sorted(ctx.panels.items()):  # the order assess uses
        ref = _longest_reference(series, t, max_h, name, panel, ctx, region, seed)
        if ref is not None:
            refs.append(ref)
    poolable = pooling.POOL_MODELS_BY_KIND[ctx.kind]
    own = [f for f in forecasts if isinstance(f, models.Forecast) and f.model in poolable]
    reach = {r.model: len(r.years) for r in refs}
    groups: dict[tuple[str, ...], list[int]] = {}  # the references in the pool -> horizons with that pool
    for h in outcomes:
        groups.setdefault(tuple(r.model for r in refs if reach[r.model] >= h), []).append(h)
    weights: dict[str, dict[int, float]] = {}
    pool_types: dict[int, str] = {}
    n_members: dict[int, int] = {}
    pools = []
    for names, hs in groups.items():
        members = pooling.pool_weights(own, [r for r in refs if r.model in names], Pool())
        for m, w in members:
            weights.setdefault(m.model, {}).update({h: w for h in hs})
        n_members.update({h: len(members) for h in hs})
        if members:
            n_refs = sum(any(m is r for r in refs) for m, _ in members)
            ptype = pooling.pool_type_from_counts(len(members) - n_refs, n_refs)
            pool_types.update({h: ptype for h in hs})
            pools.append((pooling.pool_draws(members, ctx.n_draws, 1.0, ctx.kind, ctx.bounds), hs, ptype))
    base = {"panel": panel_name, "indicator": ctx.indicator, "region": region, "origin": t, "n_obs": len(series),
            "first_year": int(series.index[0]), "latest": float(series.iloc[-1])}
    # log scale only when every draw is positive, as pooling.widen decides
    entries = [(member, weights.get(member.model, {}), bool(np.all(member.draws > 0)), None)
               for member in [f for f in forecasts if isinstance(f, models.Forecast)] + refs]
    entries += [(pooled, dict.fromkeys(hs, 1.0), bool(np.all(pooled.draws > 0)), set(hs)) for pooled, hs, _ in pools]
    rows = _origin_rows(entries, pool_types, ctx, base, outcomes)
    for row in rows:
        row["n_members"] = n_members.get(row["horizon"], 0)
    return rows


def _rolling_task(ctx: _RollingContext, task) -> list[dict]:
    panel_name, region, origins = task
    g = ctx.panels[panel_name]
    g = g[g["region"] == region].sort_values("year")
    full = pd.Series(g["value"].to_numpy(dtype=float), index=g["year"].to_numpy(dtype=int))
    rows = []
    for t in origins:
        rows += _rolling_origin(ctx, panel_name, region, full, t)
    return rows


def _start_tasks(fn, tasks: list, *, executor, progress, sizes):
    """Submit ``fn(*task)`` for each task to the executor now; returns ``collect()``, which waits for them and
    gives the results in task order.  Without an executor the tasks run here, when ``collect`` is called."""
    results = [None] * len(tasks)
    if executor is None:
        def collect_here() -> list:
            for i, task in enumerate(tasks):
                results[i] = fn(*task)
                if progress is not None:
                    progress(sizes[i])
            return results
        return collect_here
    # the largest first, so the last task to finish is a short one (results still go back in task order)
    order = sorted(range(len(tasks)), key=lambda i: -sizes[i])
    futures = {executor.submit(fn, *tasks[i]): i for i in order}

    def collect() -> list:
        for fut in as_completed(futures):
            i = futures[fut]
            results[i] = fut.result()
            if progress is not None:
                progress(sizes[i])
        return results
    return collect


def _run_tasks(fn, tasks: list, *, executor, progress, sizes) -> list:
    """``fn(*task)`` for each task, here or on the executor; results always in task order."""
    return _start_tasks(fn, tasks, executor=executor, progress=progress, sizes=sizes)()


def _rolling_context(observations, indicator, horizons, window, min_obs, n_draws, seed) -> _RollingContext:
    ind, kind, direction, bounds = _kind_of(indicator)
    aggregates = aggregate_regions(observations)
    frames = {name: current_panel(observations, name, indicator, aggregates) for name in PANELS}
    frames = {name: f for name, f in frames.items() if not f.empty}
    prepared = {name: reference.prepare_panel(f, kind=kind, bounds=bounds) for name, f in frames.items()}
    return _RollingContext(indicator=ind.id, kind=kind, direction=direction, bounds=bounds, panels=frames,
                           prepared=prepared,
                           horizons=tuple(horizons), window=window, min_obs=min_obs, n_draws=n_draws, seed=seed)


_ROLLING_COLUMNS = ["panel", "indicator", "region", "origin", "horizon", "year", "member", "pool_type", "weight", "n_obs",
                    "first_year", "latest", "n_members", "outcome", "median", "lower80", "upper80", "lower95", "upper95",
                    "covered80", "covered95", "error", "log_error", "pit", "z_outcome", "z_median", "z_lower80",
                    "z_upper80", "z_lower95", "z_upper95", "r80", "r95"]


def rolling_origins(observations: pd.DataFrame, *, indicator: str = ROLLING_INDICATOR, panels=PANELS,
                    horizons=HORIZONS, min_obs: int = 3, window: int = SERIES_WINDOW,
                    origin_step: int = DEFAULT_ORIGIN_STEP, n_draws: int = DEFAULT_ROLLING_DRAWS, seed: int = 0,
                    workers: int = 1, progress=None, _executor=None) -> pd.DataFrame:
    """Pseudo-out-of-sample forecasts from every (region, origin year) of the panels.

    For each non-aggregate region of each panel in ``panels`` and each origin
    t of `rolling_tasks`: the series is the region's values in the ``window``
    years up to t; every model of `models.fit_all`, each panel's reference
    class (region excluded, panels cut at t: ``max_origin_year = t``, each
    run to the longest horizon it reaches) and the pooled forecast
    (`assess`'s pooling rule, spread 1, as for a target h years out: the
    reference classes that reach h are in the pool, and ``pool_type`` says
    whether any is) are compared with the region's value at t + h for every
    horizon h observed.  This is what `assess` does as of the end of year
    t + 1 (the year-t value published, the panels cut at data year t).
    Reference classes use *both* panels, as a Taicang assessment does;
    ``panels`` only says whose regions are origins.

    Parameters
    ----------
    n_draws : draws per model (default 2,000 to keep the run short; the
        quantiles' Monte Carlo error is then about +-1 pp of coverage).
    origin_step : years between origins (default 2).
    workers : processes (`worker_pool`: spawned, so a script calling this
        with ``workers > 1`` needs the ``if __name__ == "__main__":`` guard;
        ``python -m``, notebooks and pytest are fine).  Results do not depend
        on it.
    progress : optional callable, called with the number of origins just done
        (``tqdm(total=...).update`` fits; see `backtest_size`).

    Returns
    -------
    DataFrame
        One row per origin x horizon x member (``member`` = model name,
        ``reference_class:<panel>`` or ``pooled``): ``pool_type`` of the pool
        at that horizon, ``weight`` in it, ``median``, ``lower80``,
        ``upper80``, ``lower95``, ``upper95``, ``outcome``, ``covered80``,
        ``covered95``, ``error`` (median - outcome, the indicator's unit),
        ``log_error`` (log(median / outcome)), ``pit`` (share of draws <= outcome)
        and the same on the widening scale (logit for shares, log for positive
        rates and counts): ``z_*`` and ``r80``/``r95``, the smallest spread
        factor whose 80 %/95 % interval holds the outcome
        (`scoring.required_spread`), so coverage at any spread s is
        ``mean(r80 <= s)`` without re-running anything.
    """
    if _executor is not None:
        return _start_rolling(observations, indicator=indicator, panels=panels, horizons=horizons, min_obs=min_obs,
                              window=window, origin_step=origin_step, n_draws=n_draws, seed=seed,
                              executor=_executor, progress=progress)()
    with worker_pool(workers) as executor:
        return _start_rolling(observations, indicator=indicator, panels=panels, horizons=horizons, min_obs=min_obs,
                              window=window, origin_step=origin_step, n_draws=n_draws, seed=seed,
                              executor=executor, progress=progress)()


def _start_rolling(observations, *, indicator, panels, horizons, min_obs, window, origin_step, n_draws, seed,
                   executor, progress):
    """`rolling_origins` submitted to ``executor`` now; returns ``collect()`` -> the frame."""
    tasks = rolling_tasks(observations, indicator=indicator, panels=panels, horizons=horizons, min_obs=min_obs,
                          window=window, origin_step=origin_step)
    ctx = _rolling_context(observations, indicator, horizons, window, min_obs, n_draws, seed)
    sizes = [len(t[2]) for t in tasks]
    jobs = [(ctx, task) for task in tasks]
    collect = _start_tasks(_rolling_task, jobs, executor=executor, progress=progress, sizes=sizes)

    def frame() -> pd.DataFrame:
        rows = [r for chunk in collect() for r in chunk]
        return pd.DataFrame(rows, columns=_ROLLING_COLUMNS)
    frame.size = sum(sizes)  # the origins it will report to ``progress``
    return frame


# -- the spread factor ----------------------------------------------------------------

MIN_CELL_ROWS = 40  # a (pool type, horizon) cell with fewer rows borrows from its neighbouring horizons
MAX_HORIZON_POOLING = 2  # ... up to this many years either side; then the pool type's factor, then the overall one


def _fit_cells(r: np.ndarray, types: np.ndarray, horizons: np.ndarray, use: np.ndarray, level: float,
               cells: list[tuple[str, int]], min_rows: int, masks: dict | None = None) -> dict:
    """Factors for the overall pool, each pool type, and each (pool type, horizon) in ``cells``, from rows ``use``.

    The fixed rule (`fit_calibration`): a cell with at least ``min_rows`` rows
    gets its own factor; else the rows of horizons h +- 1, then h +- 2, of the
    same pool type are pooled until there are ``min_rows``; else the pool
    type's factor over all its horizons (itself the overall factor when the
    pool type has fewer than ``min_rows`` rows).  Returns ``{key: (factor,
    basis)}`` with keys ``("all", None)``, ``(type, None)`` and ``(type, h)``.  ``masks`` keeps the rows
    of each pool type and horizon band for the next call on the same rows (the leave-region-out folds).
    """
    masks = {} if masks is None else masks

    def of(ptype):
        if ("type", ptype) not in masks:
            masks[("type", ptype)] = types == ptype
        return masks[("type", ptype)]

    def near(h, w):
        if ("near", h, w) not in masks:
            masks[("near", h, w)] = np.abs(horizons - h) <= w
        return masks[("near", h, w)]

    out = {(_assess.ALL, None): (scoring.spread_for_coverage(r[use], level), f"all rows ({int(use.sum())})")}
    for ptype in sorted({t for t, _ in cells}):
        of_type = use & of(ptype)
        n = int(of_type.sum())
        out[(ptype, None)] = ((scoring.spread_for_coverage(r[of_type], level), f"all {ptype} rows ({n})")
                              if n >= min_rows else (out[(_assess.ALL, None)][0],
                                                     f"overall factor: {ptype} has {n} rows < {min_rows}"))
    for ptype, h in cells:
        of_type = use & of(ptype)
        for w in range(MAX_HORIZON_POOLING + 1):
            sel = of_type & near(h, w)
            n = int(sel.sum())
            if n >= min_rows:
                used = np.unique(horizons[sel])
                basis = (f"h={h} ({n} rows)" if len(used) == 1
                         else f"h={used.min()}..{used.max()} pooled ({n} rows)")
                out[(ptype, h)] = (scoring.spread_for_coverage(r[sel], level), basis)
                break
        else:
            factor, why = out[(ptype, None)]
            out[(ptype, h)] = (factor, f"h={h}+-{MAX_HORIZON_POOLING} has {n} rows < {min_rows}: {why}")
    return out


@dataclass(frozen=True, eq=False)
class CalibrationFit:
    """Spread factors by indicator, pool type and horizon, fitted on rolling origins, leave-region-out.

    ``calibration`` is fitted on every row (what a new assessment -- a
    Taicang target, or any region the rolling origins never saw -- uses);
    ``by_group`` holds, per region, the `Calibration` fitted without that
    region's rows (what a case in that region is scored with); ``rows`` the
    pooled rolling rows with their in-sample and cross-validated factor;
    ``coverage`` the 80 %/95 % coverage by pool type x horizon before (spread
    1), after in-sample and after cross-validation; ``loo`` per region its
    held-out coverage before and after.
    """

    level: float
    member: str
    min_rows: int
    calibration: _assess.Calibration
    by_group: dict
    rows: pd.DataFrame
    coverage: pd.DataFrame
    loo: pd.DataFrame

    @property
    def n_groups(self) -> int:
        return len(self.by_group)

    def for_region(self, region: str) -> _assess.Calibration:
        """The calibration fitted without ``region`` (the full fit if the rolling origins never saw it)."""
        return self.by_group.get(str(region), self.calibration)


def fit_calibration(rolling: pd.DataFrame, *, level: float = 0.8, groups: str = "region", member: str = POOLED,
                    min_rows: int = MIN_CELL_ROWS, default_indicator: str = ROLLING_INDICATOR) -> CalibrationFit:
    """Spread factors by (indicator, pool type, horizon) that bring the pooled ``level`` interval to nominal coverage.

    Notes
    -----
    Each pooled rolling row carries its ``pool_type`` (which members its pool
    had at that horizon) and ``r80``, the smallest factor whose widened 80 %
    interval holds the outcome (`scoring.required_spread`); the factor of a
    cell is the ``level`` quantile of its rows' ``r`` (`scoring.spread_for_coverage`).

    Each indicator of the frame's ``indicator`` column is fitted on its own
    rows (preregistration section 11): ``default_indicator``'s cells are the
    default ones (``indicator`` ``"all"``: every indicator without cells of its
    own, `pooling.calibration_for`), every other indicator's are labelled with
    it.  A frame without the column is all ``default_indicator``.

    Fixed rule for thin cells (`_fit_cells`, ``min_rows`` = 40): a cell with
    fewer rows pools the same pool type's horizons h +- 1, then h +- 2; if
    still short, the pool type's factor over all its horizons; a pool type
    with fewer than 40 rows (or none: ``reference_only`` never occurs on the
    rolling origins, whose series have at least three points) uses the overall
    factor.  Horizons beyond the largest fitted one use its factor
    (`assess.Calibration`).

    Cross-validation leaves one region (``groups``; China is one group across
    both panels) out at a time and refits every factor by the same rule on
    the other regions' rows: ``coverage_after_cv`` judges each row with the
    factors fitted without its region.  The 95 % coverage the 80 % factors
    imply is reported, not fitted.
    """
    col = {0.8: "r80", 0.95: "r95"}.get(round(level, 4))
    if col is None:
        raise ValueError(f"level must be 0.8 or 0.95 (the stored intervals), got {level}")
    if min_rows < 1:
        raise ValueError(f"min_rows must be >= 1, got {min_rows}")
    if "pool_type" not in rolling.columns:
        raise ValueError("the rolling frame has no pool_type column (re-run rolling_origins)")
    rows = rolling[rolling["member"] == member].copy()
    if rows.empty:
        raise ValueError(f"no {member} rows to fit on")
    bad = sorted(set(rows["pool_type"]) - set(_assess.POOL_TYPES))
    if bad:
        raise ValueError(f"unknown pool type(s) in the rolling frame: {bad}")
    if "indicator" not in rows.columns:
        rows["indicator"] = default_indicator
    indicators = sorted(set(rows["indicator"].astype(str)), key=lambda i: (i != default_indicator, i))
    if default_indicator not in indicators:
        raise ValueError(f"no {member} rows of {default_indicator!r}, whose factors are the default ones "
                         f"(the frame has {', '.join(indicators)})")
    fits = {ind: _fit_one_indicator(rows[rows["indicator"].astype(str) == ind], level=level, col=col, groups=groups,
                                    min_rows=min_rows, label=_assess.ALL if ind == default_indicator else ind)
            for ind in indicators}
    calibration = _assess.Calibration(tuple(c for f in fits.values() for c in f["full"]))
    every_group = sorted({grp for f in fits.values() for grp in f["by_group"]})
    by_group = {grp: _assess.Calibration(tuple(c for f in fits.values() for c in f["by_group"].get(grp, f["full"])))
                for grp in every_group}
    keep = ["indicator", "panel", "region", "origin", "horizon", "pool_type", "r80", "r95", "factor", "factor_cv"]
    fitted_rows = pd.concat([f["rows"] for f in fits.values()]).reindex(rows.index)[keep]
    coverage = pd.concat([f["coverage"] for f in fits.values()], ignore_index=True)
    loo = pd.concat([f["loo"] for f in fits.values()], ignore_index=True)
    return CalibrationFit(level=level, member=member, min_rows=min_rows, calibration=calibration,
                          by_group=by_group, rows=fitted_rows, coverage=coverage, loo=loo)


def _fit_one_indicator(rows: pd.DataFrame, *, level: float, col: str, groups: str, min_rows: int,
                       label: str) -> dict:
    """`fit_calibration` on one indicator's pooled rows: its cells (``full``: the fit on every row;
    ``by_group``: per group, the fit without it), its rows with their factors, coverage and held-out table."""
    rows = rows.copy()
    r = rows[col].to_numpy(dtype=float)
    types = rows["pool_type"].astype(str).to_numpy()
    hz = rows["horizon"].to_numpy(dtype=int)
    g = rows[groups].astype(str).to_numpy()
    cells = sorted(set(zip(types.tolist(), hz.tolist())))

    def factors_of(fitted: dict) -> np.ndarray:
        return np.array([fitted[(t, h)][0] for t, h in zip(types, hz, strict=True)])

    everything = np.ones(len(rows), bool)
    masks: dict = {}
    full = _fit_cells(r, types, hz, everything, level, cells, min_rows, masks)
    f_in = factors_of(full)
    f_cv = np.full(len(rows), np.nan)
    by_group_fits, loo_rows = {}, []
    for grp in sorted(set(g)):
        inside = g == grp
        fitted = _fit_cells(r, types, hz, ~inside, level, cells, min_rows, masks)
        by_group_fits[grp] = fitted
        f_cv[inside] = [fitted[(t, h)][0] for t, h in zip(types[inside], hz[inside], strict=True)]
        loo_rows.append({"indicator": label, "group": grp, "n_rows": int(inside.sum()),
                         "overall_without": fitted[(_assess.ALL, None)][0],
                         "coverage_before": scoring.coverage_at_spread(r[inside], 1.0),
                         "coverage_after": float(np.mean(r[inside] <= f_cv[inside]))})
    rows["factor"], rows["factor_cv"] = f_in, f_cv
    coverage = _calibration_coverage(rows, cells, full)
    coverage.insert(0, "indicator", label)

    def to_cells(fitted: dict, with_stats: bool) -> tuple:
        out = []
        for (ptype, h), (factor, basis) in fitted.items():
            stats = {}
            if with_stats:
                c = coverage[(coverage["pool_type"] == ptype)
                             & (coverage["horizon"].astype(str) == (_assess.ALL if h is None else str(h)))]
                if len(c):
                    stats = {"n": int(c["n"].iloc[0]), "coverage_before": c["coverage80_before"].iloc[0],
                             "coverage_cv": c["coverage80_after_cv"].iloc[0]}
            out.append(_assess.CalibrationCell(ptype, h, factor, basis=basis, indicator=label, **stats))
        return tuple(out)

    loo = pd.DataFrame(loo_rows, columns=["indicator", "group", "n_rows", "overall_without", "coverage_before",
                                          "coverage_after"])
    return {"full": to_cells(full, True), "by_group": {grp: to_cells(f, False) for grp, f in by_group_fits.items()},
            "rows": rows, "coverage": coverage, "loo": loo}


def _calibration_coverage(rows: pd.DataFrame, cells, full: dict) -> pd.DataFrame:
    """Coverage by pool type x horizon ("all" rows included) before, after in-sample and after CV."""
    out = []
    types = [_assess.ALL] + [t for t in _assess.POOL_TYPES if t in set(rows["pool_type"])]
    for ptype in types:
        of_type = rows if ptype == _assess.ALL else rows[rows["pool_type"] == ptype]
        for h in [_assess.ALL] + sorted(set(of_type["horizon"].astype(int))):
            sel = of_type if h == _assess.ALL else of_type[of_type["horizon"] == h]
            key = (ptype, None if h == _assess.ALL else int(h))
            factor, basis = full.get(key, (np.nan, ""))
            entry = {"pool_type": ptype, "horizon": str(h), "n": len(sel), "factor": factor, "basis": basis}
            for lv, c in ((80, "r80"), (95, "r95")):
                rr = sel[c].to_numpy(dtype=float)
                entry[f"coverage{lv}_before"] = scoring.coverage_at_spread(rr, 1.0)
                entry[f"coverage{lv}_after_insample"] = float(np.mean(rr <= sel["factor"].to_numpy()))
                entry[f"coverage{lv}_after_cv"] = float(np.mean(rr <= sel["factor_cv"].to_numpy()))
            entry["required80"] = scoring.spread_for_coverage(sel["r80"].to_numpy(dtype=float), 0.8)
            out.append(entry)
    return pd.DataFrame(out)


def coverage_by_horizon(rolling: pd.DataFrame, fit: CalibrationFit | None = None) -> pd.DataFrame:
    """Coverage and median error by indicator x panel x member x horizon ("all" panel = both).

    ``coverage80_low`` / ``coverage80_high``: the 95 % interval of the 80 % coverage from resampling whole
    origins (a panel's regions at one origin year share that year's shocks, so its rows are not
    independent draws; `scoring.cohort_bootstrap`, seed 0); ``n_cohorts`` how many origins there are.
    With one origin there is no interval (missing): its rows say nothing about another year's shock.

    With ``fit`` (`fit_calibration`), the pooled forecast also gets a
    ``pooled_calibrated`` row: coverage with each row's factor for its pool
    type and horizon fitted without its region (the median, and so its error,
    does not move).
    """
    if rolling.empty:
        return pd.DataFrame()
    if "indicator" not in rolling.columns:
        rolling = rolling.assign(indicator=ROLLING_INDICATOR)
    frame = rolling
    if fit is not None:
        pooled = rolling[rolling["member"] == fit.member].copy()
        s = fit.rows["factor_cv"].reindex(pooled.index).to_numpy(dtype=float)
        pooled["covered80"] = pooled["r80"].to_numpy() <= s
        pooled["covered95"] = pooled["r95"].to_numpy() <= s
        pooled["member"] = POOLED_CAL
        frame = pd.concat([rolling, pooled], ignore_index=True)
    frame = frame.assign(_cohort=frame["panel"].astype(str) + ":" + frame["origin"].astype(str))
    both = frame.assign(panel="all")
    frame = pd.concat([both, frame], ignore_index=True)
    keys = ["indicator", "panel", "member", "horizon"]
    out = (frame.groupby(keys, sort=True)
           .agg(n=("outcome", "size"), coverage80=("covered80", "mean"), coverage95=("covered95", "mean"),
                mean_error=("error", "mean"), median_abs_error=("error", lambda e: float(np.median(np.abs(e)))),
                mean_log_error=("log_error", "mean"),
                median_abs_log_error=("log_error", lambda e: float(np.nanmedian(np.abs(e)))),
                mean_pit=("pit", "mean"))
           .reset_index())
    spans = {}
    for key, g in frame.groupby(keys, sort=True):
        est = scoring.cohort_bootstrap(g["covered80"].to_numpy(dtype=float), g["_cohort"].to_numpy(), seed=0)
        n_cohorts = int(g["_cohort"].nunique())
        spans[key] = (n_cohorts, est.low, est.high) if n_cohorts >= 2 else (n_cohorts, np.nan, np.nan)
    at = [spans[tuple(k)] for k in out[keys].itertuples(index=False, name=None)]
    out["n_cohorts"] = [a[0] for a in at]
    out["coverage80_low"] = [a[1] for a in at]
    out["coverage80_high"] = [a[2] for a in at]
    return out


# -- scores ---------------------------------------------------------------------------

def _method_values(cases: pd.DataFrame, method: str) -> np.ndarray:
    col = {POOLED: "probability", POOLED_CAL: "probability_calibrated", BASE_RATE: "base_rate"}.get(method, method)
    return cases[col].to_numpy(dtype=float)


def add_base_rate(cases: pd.DataFrame) -> pd.DataFrame:
    """``base_rate``: for each scored case, the share met among the *other* scored past-plan cases."""
    out = cases.copy()
    out["base_rate"] = np.nan
    scored = out["status"] == "scored"
    past = scored & (out["case_set"] == "past_plan")
    y = out.loc[past, "met"].to_numpy(dtype=float)
    out.loc[past, "base_rate"] = scoring.base_rate_loo(y)
    if past.sum():
        out.loc[scored & ~past, "base_rate"] = float(y.mean())
    return out


def sub_national(cn_regions) -> frozenset[str]:
    """Chinese sub-national regions: the provincial panel's regions and Taicang, without China itself."""
    return frozenset(set(cn_regions) | {TAICANG}) - {"China"}


def sub_national_regions(observations: pd.DataFrame, aggregates: frozenset[str] | None = None) -> frozenset[str]:
    """The regions whose cases fall in ``cn_regions`` cohorts (`scoring.case_cohort`), from today's provincial panel.

    The same set the pre-registered comparison uses (`compare.regime_of`):
    the regions of the ``cn_provinces`` panel of `ROLLING_INDICATOR`, plus
    Taicang, without China.
    """
    panel = current_panel(observations, "cn_provinces", ROLLING_INDICATOR, aggregates)
    return sub_national(panel["region"])


SCORE_INTERVAL_COLUMNS: tuple[str, ...] = (
    "n_cohorts", "brier_low", "brier_high", "log_low", "log_high", "brier_diff_vs_base_rate",
    "brier_diff_vs_base_rate_low", "brier_diff_vs_base_rate_high", "expected_successes", "expected_successes_low",
    "expected_successes_high", "observed_successes")


def _uncertainty(p: np.ndarray, y: np.ndarray, cohorts: np.ndarray, base: np.ndarray, seed: int) -> dict:
    """One method's score intervals on one case set (``p`` without missing values; ``base`` may have some)."""
    brier = scoring.cohort_bootstrap(scoring.brier_contributions(p, y), cohorts, seed=seed)
    log = scoring.cohort_bootstrap(scoring.log_contributions(p, y), cohorts, seed=seed)
    both = ~np.isnan(base)
    diff = scoring.cohort_bootstrap_difference(scoring.brier_contributions(p[both], y[both]),
                                               scoring.brier_contributions(base[both], y[both]),
                                               cohorts[both], seed=seed)
    expected = scoring.expected_successes(p, seed=seed)
    return {"n_cohorts": len(set(cohorts.tolist())), "brier_low": brier.low, "brier_high": brier.high,
            "log_low": log.low, "log_high": log.high, "brier_diff_vs_base_rate": diff.point,
            "brier_diff_vs_base_rate_low": diff.low, "brier_diff_vs_base_rate_high": diff.high,
            "expected_successes": expected.point, "expected_successes_low": expected.low,
            "expected_successes_high": expected.high, "observed_successes": int(y.sum())}


def score_cases(cases: pd.DataFrame, *, sub_national_set=frozenset(), bins=scoring.DEFAULT_BINS,
                seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(scores, reliability) of every method on the scored cases, per case set and overall.

    ``scores`` is tidy: ``case_set``, ``metric`` (``brier``, ``log_score``,
    ``hit_rate``, ``brier_skill``), ``method``, ``reference`` (for skill: the
    baseline it is measured against, on the cases both have), ``value``, ``n``.
    A probability is a met call when >= 0.5.

    Beside them, the uncertainty of the method's scores on that case set
    (the same on each of its metric rows; `SCORE_INTERVAL_COLUMNS`):
    ``n_cohorts`` (cohorts of its ``n`` cases, `scoring.case_cohort` with
    ``sub_national_set``), ``brier_low``/``brier_high`` and
    ``log_low``/``log_high`` (95 % cohort-bootstrap intervals of the mean
    Brier and log score), ``brier_diff_vs_base_rate`` with ``_low``/``_high``
    (mean Brier of the method minus the leave-one-out base rate's on the
    cases both have, paired cohort bootstrap; below 0: better than the base
    rate), ``expected_successes`` with ``_low``/``_high`` (the sum of the
    method's probabilities and the 90 % range it implies, Poisson-binomial)
    and ``observed_successes`` (targets met).  Seeded by ``seed``.
    """
    scored = cases[cases["status"] == "scored"]
    rows, rel = [], []
    for case_set in CASE_SETS + ("all",):
        sub = scored if case_set == "all" else scored[scored["case_set"] == case_set]
        if sub.empty:
            continue
        y = sub["met"].to_numpy(dtype=float)
        cohorts = np.array([scoring.case_cohort(r, yr, sub_national_set)
                            for r, yr in zip(sub["region"], sub["set_year"], strict=True)])
        base = _method_values(sub, BASE_RATE)
        for method in METHODS:
            v = _method_values(sub, method)
            ok = ~np.isnan(v)
            n = int(ok.sum())
            if not n:
                continue
            pv, yv = v[ok], y[ok]
            extra = _uncertainty(pv, yv, cohorts[ok], base[ok], seed)
            rows += [{"case_set": case_set, "metric": "brier", "method": method, "reference": "",
                      "value": scoring.brier(pv, yv), "n": n, **extra},
                     {"case_set": case_set, "metric": "log_score", "method": method, "reference": "",
                      "value": scoring.log_score(pv, yv), "n": n, **extra},
                     {"case_set": case_set, "metric": "hit_rate", "method": method, "reference": "",
                      "value": scoring.hit_rate((pv >= 0.5).astype(float), yv), "n": n, **extra}]
            for ref in METHODS:
                if ref == method or (method not in (POOLED, POOLED_CAL) and ref != BASE_RATE):
                    continue
                rv = _method_values(sub, ref)
                both = ok & ~np.isnan(rv)
                if both.sum():
                    rows.append({"case_set": case_set, "metric": "brier_skill", "method": method, "reference": ref,
                                 "value": scoring.brier_skill(v[both], y[both], rv[both]), "n": int(both.sum()),
                                 **extra})
        if case_set in ("past_plan", "all"):
            for method in (POOLED, POOLED_CAL):
                v = _method_values(sub, method)
                ok = ~np.isnan(v)
                table = scoring.reliability_table(v[ok], y[ok], bins)
                table.insert(0, "method", method)
                table.insert(0, "case_set", case_set)
                rel.append(table)
    scores = pd.DataFrame(rows, columns=["case_set", "metric", "method", "reference", "value", "n",
                                         *SCORE_INTERVAL_COLUMNS])
    reliability = pd.concat(rel, ignore_index=True) if rel else pd.DataFrame()
    return scores, reliability


# -- the whole backtest ---------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class BacktestResult:
    """Everything the track record shows; see `run_backtest`."""

    cases: pd.DataFrame
    rolling: pd.DataFrame
    scores: pd.DataFrame
    reliability: pd.DataFrame
    coverage_by_horizon: pd.DataFrame
    spread: pd.DataFrame
    spread_loo: pd.DataFrame
    timing: pd.DataFrame
    settings: dict = field(default_factory=dict)
    calibration: _assess.Calibration = field(default_factory=_assess.Calibration)


def backtest_size(observations: pd.DataFrame, targets: pd.DataFrame, *, origin_step: int = DEFAULT_ORIGIN_STEP,
                  min_obs: int = 3) -> int:
    """Units of work `run_backtest` reports to ``progress``: rolling origins + scored cases."""
    tasks = [t for ind in CALIBRATION_INDICATORS
             for t in rolling_tasks(observations, indicator=ind, origin_step=origin_step, min_obs=min_obs)]
    cases = past_plan_cases(observations, targets)
    return sum(len(t[2]) for t in tasks) + int((cases["status"] == "scored").sum())


def _assess_case_task(prep: dict, n_draws: int, seed: int) -> tuple[dict, dict | None]:
    """A worker's share of a case: everything but the calibration (`_assess_prepared`, without the assessment)."""
    _, rec, pooled = _assess_prepared(prep, n_draws=n_draws, seed=seed)
    return rec, pooled


def run_backtest(observations: pd.DataFrame, targets: pd.DataFrame, *, n_draws: int = 10_000,
                 rolling_draws: int = DEFAULT_ROLLING_DRAWS, origin_step: int = DEFAULT_ORIGIN_STEP,
                 min_obs: int = 3, seed: int = 0, workers: int = DEFAULT_WORKERS, level: float = 0.8,
                 progress=None, progress_total=None) -> BacktestResult:
    """The whole track record: cases, rolling origins, the spread calibration, scores against the baselines.

    Steps: list every case (`past_plan_cases`); run the rolling origins
    (`rolling_origins`, horizons 1-10, ``rolling_draws`` draws, every
    ``origin_step`` years; R&D intensity and patents per 10k, `CALIBRATION_INDICATORS`); fit the spread
    factors by indicator, pool type and horizon
    with leave-region-out folds (`fit_calibration`); assess every scored case
    (``n_draws`` draws) before calibration and with the calibration fitted
    without its region; score all methods (`score_cases`).  With
    ``workers > 1`` (default 2) the work runs in spawned processes
    (`worker_pool`): a script calling this needs the
    ``if __name__ == "__main__":`` guard.  The rolling origins go to the
    workers first; the cases are listed and prepared here meanwhile, and their
    assessments queue behind the rolling origins (only the widening by the
    fitted calibration waits for the fit).  ``progress`` (optional callable)
    is called with the units of work just done (rolling origins, scored
    cases); ``progress_total`` (optional callable) is called once with their
    total as soon as the cases are listed -- what `backtest_size` computes,
    without listing the cases a second time before the run.  Measured on the
    real tables on a shared 2-core machine: about 17-20 s when it is quiet
    (about 36 CPU seconds), some 60 % of it the own models' fits
    (`benchmarks/bench_backtest.py` prints that floor).

    Returns
    -------
    BacktestResult
        ``cases`` (one row per target: inputs as of, pool type, probability
        before/after, grade, calls, outcome, or the reason it is excluded),
        ``rolling``, ``scores``, ``reliability``, ``coverage_by_horizon``,
        ``spread`` (per indicator x pool type x horizon: the factor, how it was fitted,
        and the pooled coverage before, after in-sample and after
        cross-validation), ``spread_loo`` (per region: its held-out coverage
        before and after), ``calibration`` (the `assess.Calibration` fitted
        on every row: what a new assessment uses; store it with
        ``calibration.to_frame()``), ``timing`` (seconds per stage),
        ``settings``.
    """
    timing = []
    start = time.perf_counter()
    with worker_pool(workers) as executor:
        # the rolling origins go to the workers first; the cases are listed and prepared here meanwhile
        t_rolling = time.perf_counter()
        collectors = [_start_rolling(observations, indicator=ind, panels=PANELS, horizons=HORIZONS,
                                     min_obs=min_obs, window=SERIES_WINDOW, origin_step=origin_step,
                                     n_draws=rolling_draws, seed=seed, executor=executor, progress=progress)
                      for ind in CALIBRATION_INDICATORS]
        t0 = time.perf_counter()
        known = _Sources(observations)
        cases = past_plan_cases(observations, targets, _known=known)
        timing.append(("list cases", time.perf_counter() - t0, len(cases)))
        t0 = time.perf_counter()
        scored_idx = cases.index[cases["status"] == "scored"].tolist()
        if progress_total is not None:
            progress_total(sum(c.size for c in collectors) + len(scored_idx))
        preps = [prepare_case(observations, cases.loc[i], _known=known) for i in scored_idx]
        # the cases' assessments do not need the calibration: they queue behind the rolling origins
        t_cases = time.perf_counter()
        collect_cases = _start_tasks(_assess_case_task, [(p, n_draws, seed) for p in preps], executor=executor,
                                     progress=progress, sizes=[1] * len(preps))
        timing.append(("case inputs", t_cases - t0, len(preps)))
        rolling = pd.concat([c() for c in collectors], ignore_index=True)
        n_origins = rolling[["indicator", "panel", "region", "origin"]].drop_duplicates().shape[0] if len(rolling) else 0
        timing.append(("rolling origins", time.perf_counter() - t_rolling, n_origins))
        t0 = time.perf_counter()
        has_pool = len(rolling) and (rolling["member"] == POOLED).any()
        fit = fit_calibration(rolling, level=level) if has_pool else None
        timing.append(("calibration fit (leave-region-out)", time.perf_counter() - t0, fit.n_groups if fit else 0))
        t0 = time.perf_counter()
        cov = coverage_by_horizon(rolling, fit)  # here, while the workers finish the cases' assessments
        timing.append(("coverage by horizon (beside the cases)", time.perf_counter() - t0, len(cov)))
        spreads = [fit.for_region(cases.at[i, "region"]) if fit else 1.0 for i in scored_idx]
        records = [_calibrated_record(rec, pooled, spread)  # the level of the case intervals: 80 %
                   for (rec, pooled), spread in zip(collect_cases(), spreads, strict=True)]
        timing.append(("case assessments (queued behind rolling)", time.perf_counter() - t_cases,
                       len(records)))
    t0 = time.perf_counter()
    cases = _merge_records(cases, scored_idx, records)
    cases = add_base_rate(cases)
    scores, reliability = score_cases(cases, sub_national_set=sub_national_regions(observations), seed=seed)
    timing.append(("scores", time.perf_counter() - t0, int((cases["status"] == "scored").sum())))
    timing_frame = pd.DataFrame(timing, columns=["stage", "seconds", "n"])
    timing_frame.loc[len(timing_frame)] = ["total (wall)", time.perf_counter() - start, len(cases)]
    calibration = fit.calibration if fit else _assess.Calibration()
    settings = {"n_draws": n_draws, "rolling_draws": rolling_draws, "origin_step": origin_step, "min_obs": min_obs,
                "seed": seed, "workers": workers, "level": level, "window": SERIES_WINDOW,
                "horizons": HORIZONS, "rolling_indicator": ROLLING_INDICATOR,
                "calibration_indicators": CALIBRATION_INDICATORS,
                "spread": calibration.overall, "spread_member": POOLED,
                "calibration": ("spread factor by indicator x pool type x horizon (assess.Calibration), "
                                "leave-region-out"),
                "min_cell_rows": MIN_CELL_ROWS, "max_horizon_pooling": MAX_HORIZON_POOLING}
    empty = pd.DataFrame()
    return BacktestResult(cases=cases, rolling=rolling, scores=scores, reliability=reliability,
                          coverage_by_horizon=cov, spread=fit.coverage.assign(level=fit.level) if fit else empty,
                          spread_loo=fit.loo if fit else empty, timing=timing_frame, settings=settings,
                          calibration=calibration)


_RECORD_COLUMNS = ["probability", "probability_calibrated", "pool_type", "spread", "grade", "grade_basis", "median",
                   "lower", "upper", "lower_calibrated", "upper_calibrated", *CALLS, "pool_members",
                   "probability_reason"]
_TEXT_COLUMNS = ("pool_type", "grade", "grade_basis", "pool_members", "probability_reason")


def _merge_records(cases: pd.DataFrame, idx: list, records: list[dict]) -> pd.DataFrame:
    out = cases.copy()
    for col in _RECORD_COLUMNS:
        out[col] = np.nan if col not in _TEXT_COLUMNS else ""
    for i, rec in zip(idx, records, strict=True):
        for col in _RECORD_COLUMNS:
            value = rec.get(col)
            out.at[i, col] = np.nan if value is None else value
        if rec.get("probability") is None:
            out.at[i, "status"] = "excluded"
            out.at[i, "reason"] = f"no probability: {rec['probability_reason']}"
    out["brier_contribution"] = (out["probability"] - out["met"]) ** 2
    out["brier_contribution_calibrated"] = (out["probability_calibrated"] - out["met"]) ** 2
    return out


# -- text ---------------------------------------------------------------------------------

def _f(x, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "—"
    return f"{x:.{digits}f}"


def _n(x) -> str:
    return "—" if x is None or pd.isna(x) else str(int(x))


def _ci(point, low, high, digits: int = 3, sign: bool = False) -> str:
    """``point [low, high]`` (``—`` for what is missing)."""
    def one(x):
        if x is None or pd.isna(x):
            return "—"
        return f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"
    return f"{one(point)} [{one(low)}, {one(high)}]"


def _verdict(d: scoring.Estimate) -> str:
    """Which side of 0 a difference of negatively oriented scores lies on, read from its interval."""
    if any(pd.isna(x) for x in d):
        return "(no interval)"
    if d.includes(0.0):
        return "cannot tell apart"
    return "better than base rate" if d.high < 0 else "worse than base rate"


METHOD_LABELS = {POOLED: "pooled, uncalibrated (pre-registered)", POOLED_CAL: "pooled, calibrated (CV)",
                 BASE_RATE: "base rate (leave-one-out)"}


def _label(method: str) -> str:
    return METHOD_LABELS.get(method, method)


def render_scores(result: BacktestResult, *, worst: int = 8) -> str:
    """The track record as text: scores vs baselines, the calibration, coverage by horizon, reliability, worst cases."""
    c, s = result.cases, result.scores
    st = result.settings
    lines = []
    scored = c[c["status"] == "scored"]
    lines.append("Track record (backtest)")
    lines.append(f"  cases listed: {len(c)}; scored: {len(scored)} "
                 + "(" + ", ".join(f"{k} {int((scored['case_set'] == k).sum())}" for k in CASE_SETS) + ")"
                 + f"; excluded: {int((c['status'] == 'excluded').sum())}")
    lines.append(f"  {_label(POOLED)}: the pooling rule fixed before any backtest, spread 1 -- the headline")
    lines.append(f"  {_label(POOLED_CAL)}: the same pooled draws widened by the spread factor for the case's pool "
                 "type and horizon,")
    lines.append("    fitted on rolling origins without the case's region (nothing is fitted to a past-plan case)")
    width = max(len(_label(m)) for m in METHODS) + 2
    for case_set in ("past_plan", "all"):
        sub = s[(s["case_set"] == case_set)]
        if sub.empty:
            continue
        lines.append("")
        lines.append(f"Scores on {'past-plan cases' if case_set == 'past_plan' else 'all scored cases'} "
                     "(Brier and log score: lower is better; BSS vs the leave-one-out base rate)")
        lines.append("  [95% interval: whole cohorts (regime x year the target was set) resampled, "
                     f"{scoring.BOOTSTRAP_DRAWS} times]")
        lines.append(f"  {'method':<{width}} {'n':>3} {'coh':>3} {'Brier [95%]':>21} {'log [95%]':>21} {'hit':>5} "
                     f"{'BSS':>7}")
        for method in METHODS:
            m = sub[(sub["method"] == method)]
            if m.empty:
                continue
            value = {(r["metric"], r["reference"]): r["value"] for _, r in m.iterrows()}
            bss = value.get(("brier_skill", BASE_RATE), np.nan)
            r0 = m.iloc[0]
            lines.append(f"  {_label(method):<{width}} {int(r0['n']):>3} {_n(r0.get('n_cohorts')):>3} "
                         f"{_ci(value[('brier', '')], r0.get('brier_low'), r0.get('brier_high')):>21} "
                         f"{_ci(value[('log_score', '')], r0.get('log_low'), r0.get('log_high')):>21} "
                         f"{_f(value[('hit_rate', '')], 2):>5} {_f(bss):>7}")
        lines.append(f"  Brier minus the base rate's on the same cases [95%] (below 0: better; an interval that "
                     f"includes 0 cannot tell them apart), and targets met: expected [the method's own 90% range] "
                     f"vs observed")
        for method in METHODS:
            m = sub[(sub["method"] == method)]
            if m.empty or method == BASE_RATE:
                continue
            r0 = m.iloc[0]
            d = scoring.Estimate(r0.get("brier_diff_vs_base_rate", np.nan), r0.get("brier_diff_vs_base_rate_low",
                                 np.nan), r0.get("brier_diff_vs_base_rate_high", np.nan))
            lines.append(f"  {_label(method):<{width}} {_ci(*d, sign=True):>24} {_verdict(d):<24} "
                         f"expected {_f(r0.get('expected_successes'), 1):>5} "
                         f"[{_n(r0.get('expected_successes_low'))}-{_n(r0.get('expected_successes_high'))}], "
                         f"observed {_n(r0.get('observed_successes'))}")
        paired = sub[(sub["metric"] == "brier_skill") & sub["method"].isin([POOLED, POOLED_CAL])
                     & (sub["reference"] != BASE_RATE)]
        if len(paired):
            lines.append("  Brier skill of each pooled probability against the other and each call, on the cases "
                         "both have:")
            for _, r in paired.iterrows():
                lines.append(f"    {_label(r['method']):<{width - 2}} vs {_label(r['reference']):<{width - 2}} "
                             f"BSS {_f(r['value']):>7} (n {int(r['n'])})")
    lines.append("  (the headline grade is the Eurostat rate-ratio grade: its hit rate is that row's)")
    lines += _render_calibration(result)
    cov = result.coverage_by_horizon
    for indicator in (sorted(set(cov["indicator"]), key=lambda i: (i != ROLLING_INDICATOR, i)) if len(cov) else ()):
        allp = cov[(cov["panel"] == "all") & (cov["indicator"] == indicator)]
        horizons = sorted(allp["horizon"].unique())
        lines.append("")
        lines.append(f"80% interval coverage by horizon on the rolling origins of {indicator} (both panels, all pool "
                     "types), per member (rows in brackets):")
        lines.append(f"  {'member':<29}" + "".join(f"{'h=' + str(h):>12}" for h in horizons))
        for member in _member_order(allp["member"].unique()):
            m = allp[allp["member"] == member].set_index("horizon")
            cells = [f"{_f(m['coverage80'].get(h), 2)} ({int(m['n'].get(h, 0))})" if h in m.index else "—"
                     for h in horizons]
            lines.append(f"  {member:<29}" + "".join(f"{cell:>12}" for cell in cells))
        lines.append("95% coverage (pooled before / calibrated CV) and median |log error| of the pooled median:")
        p0 = allp[allp["member"] == POOLED].set_index("horizon")
        p1 = allp[allp["member"] == POOLED_CAL].set_index("horizon")
        for h in horizons:
            lines.append(f"  h={h}: 95% {_f(p0['coverage95'].get(h), 2)} / {_f(p1['coverage95'].get(h), 2)}; "
                         f"median |log error| {_f(p0['median_abs_log_error'].get(h), 3)}; "
                         f"median |error| {_f(p0['median_abs_error'].get(h), 3)}; "
                         f"mean error {_f(p0['mean_error'].get(h), 3)}")
    rel = result.reliability
    if len(rel):
        lines.append("")
        lines.append("Reliability (past-plan cases): predicted probability bin vs share met")
        sub = rel[(rel["case_set"] == "past_plan")]
        for method in (POOLED, POOLED_CAL):
            m = sub[sub["method"] == method]
            lines.append(f"  {_label(method)}: " + "; ".join(
                f"{r['bin']} n {int(r['n'])}" + (f" pred {r['mean_predicted']:.2f} obs {r['observed_frequency']:.2f}"
                                                   if r["n"] else "") for _, r in m.iterrows()))
    table1 = c[c["case_set"] == "taicang_13th"]
    if len(table1):
        lines.append("")
        lines.append(f"Taicang's 13th plan (Table 1), as of {TABLE1_AS_OF}: {TABLE1_AS_OF_NOTE}")
        for _, r in table1.iterrows():
            head = f"  {r['indicator']} {r['comparator']} {r['target']:g} in {r['target_year']}"
            if r["status"] == "scored":
                lines.append(f"{head}: known then {r['series']}; p {_f(r['probability'], 2)} "
                             f"(calibrated {_f(r['probability_calibrated'], 2)}), grade {r['grade']}; "
                             f"outcome {r['outcome']:g} {'met' if r['met'] else 'missed'}")
            else:
                lines.append(f"{head}: not scored: {r['reason']}")
    if len(scored):
        lines.append("")
        lines.append("Worst cases (largest Brier contributions, uncalibrated):")
        top = scored.sort_values(["brier_contribution", "case_id"], ascending=[False, True]).head(worst)
        for _, r in top.iterrows():
            lines.append(f"  {r['region']} {r['indicator']} {r['target_year']} (target {r['comparator']} "
                         f"{r['target']:g}, as of {r['as_of'][:4]}, latest {r['latest_value']:g} in "
                         f"{int(r['latest_year'])}, {r['source']}; {r['pool_type']} pool, h={int(r['horizon'])}, "
                         f"spread x{_f(r['spread'], 2)}): p {_f(r['probability'], 2)} uncalibrated → "
                         f"{_f(r['probability_calibrated'], 2)} calibrated; outcome {r['outcome']:g} "
                         f"{'met' if r['met'] else 'missed'}; grade {r['grade']}")
    excl = c[c["status"] == "excluded"]
    if len(excl):
        lines.append("")
        lines.append(f"Excluded ({len(excl)}):")
        for _, r in excl.iterrows():
            lines.append(f"  {r['region']} {r['indicator']} {r['target_year']} [{r['case_id']}]: {r['reason']}")
    lines.append("")
    lines.append("Timing: " + "; ".join(f"{r['stage']} {r['seconds']:.1f} s" for _, r in result.timing.iterrows())
                 + f" (workers {st.get('workers')}, {st.get('n_draws')} draws per case, "
                   f"{st.get('rolling_draws')} per rolling origin, origin step {st.get('origin_step')})")
    return "\n".join(lines)


def _render_calibration(result: BacktestResult) -> list[str]:
    st, spread = result.settings, result.spread
    lines = ["", ("Calibration: spread factor by indicator, pool type and horizon, fitted on each indicator's "
                  "rolling origins so the pooled 80% interval covers 80%")]
    lines.append(f"  rule: a cell with >= {st.get('min_cell_rows', MIN_CELL_ROWS)} rows gets its own factor, else "
                 f"horizons h+-1..h+-{st.get('max_horizon_pooling', MAX_HORIZON_POOLING)} of its pool type are "
                 "pooled, else the pool type's factor, else the overall one;")
    top = max(st.get("horizons", HORIZONS))
    lines.append(f"  horizons beyond {top} use h={top}'s factor; a case uses the factors fitted without its own "
                 "region; CV = each rolling row judged with the factors fitted without its region")
    if not len(spread):
        lines.append("  (no rolling origins: uncalibrated)")
        return lines
    lines.append(f"  an indicator uses its own factors, else its stated growth analogue's, else the default ones "
                 f"('all': fitted on {st.get('rolling_indicator', ROLLING_INDICATOR)})")
    lines.append(f"  {'indicator':<26} {'pool type':<16} {'h':>3} {'n':>5} {'factor':>6} {'needed':>6} "
                 f"{'80% before':>10} {'80% CV':>6} {'95% before':>10} {'95% CV':>6}  fitted on")
    for _, r in spread.iterrows():
        lines.append(f"  {r.get('indicator', 'all')!s:<26} {r['pool_type']:<16} {r['horizon']!s:>3} {int(r['n']):>5} {_f(r['factor'], 2):>6} "
                     f"{_f(r['required80'], 2):>6} {_f(r['coverage80_before'], 2):>10} "
                     f"{_f(r['coverage80_after_cv'], 2):>6} {_f(r['coverage95_before'], 2):>10} "
                     f"{_f(r['coverage95_after_cv'], 2):>6}  {r['basis']}")
    lines.append("  (needed = the factor that cell alone would need in-sample; factor = what is used after the "
                 "thin-cell rule)")
    missing = [t for t in _assess.POOL_TYPES if t not in set(spread["pool_type"])]
    if missing:
        lines.append(f"  no rolling origin has a {', '.join(missing)} pool: those use the overall factor "
                     f"{_f(result.calibration.overall, 3)}")
    c = result.cases
    past = c[(c["status"] == "scored")]
    if len(past):
        counts = past.groupby("pool_type")["horizon"].agg(lambda h: ", ".join(
            f"h={int(k)} x{n}" for k, n in h.astype(int).value_counts().sort_index().items()))
        lines.append("  scored cases by pool type and horizon: " + "; ".join(f"{t}: {v}" for t, v in counts.items()))
    return lines


def _member_order(members) -> list[str]:
    first = [POOLED, POOLED_CAL]
    return [m for m in first if m in members] + sorted(m for m in members if m not in first)


# -- the calibration cache -----------------------------------------------------------------

BACKTEST_TABLES: tuple[str, ...] = ("cases", "rolling", "scores", "reliability", "coverage_by_horizon", "spread",
                                    "spread_loo")
CALIBRATION_KEY_FILE = "backtest_calibration.key.json"
KEY_INPUTS: tuple[str, ...] = ("observations.csv", "targets.csv")
# run_backtest's arguments that change its numbers (``workers`` does not: results are put back in task order)
KEY_SETTINGS: tuple[str, ...] = ("n_draws", "rolling_draws", "origin_step", "min_obs", "seed", "level")


@dataclass(frozen=True)
class CalibrationStatus:
    """Whether `ensure_calibration` reused the stored calibration or refitted it, and why.

    ``reused`` and ``changed`` (the inputs that differ from the stored key:
    table names, ``"settings:<name>"``, ``"version"``, ``"calibration table"``,
    ``"no key"``) are for code; ``str()`` is the sentence for people.
    """

    reused: bool
    key: str
    changed: tuple[str, ...] = ()
    reason: str = ""

    def __str__(self) -> str:
        if self.reused:
            return f"reused (key {self.key[:12]})"
        return f"refitted because {self.reason} (key {self.key[:12]})"


def _digest(payload: bytes) -> str:
    import hashlib

    return hashlib.sha256(payload).hexdigest()


def _settings_of(**settings) -> dict:
    """The keyed settings, with the module constants that shape the fit."""
    keyed = {name: settings[name] for name in KEY_SETTINGS}
    keyed.update(window=SERIES_WINDOW, horizons=list(HORIZONS), rolling_indicator=ROLLING_INDICATOR,
                 calibration_indicators=list(CALIBRATION_INDICATORS), panels=list(PANELS), min_cell_rows=MIN_CELL_ROWS, max_horizon_pooling=MAX_HORIZON_POOLING,
                 spread_member=POOLED)
    return keyed


def calibration_key(observations: pd.DataFrame, targets: pd.DataFrame, *, n_draws: int = 10_000,
                    rolling_draws: int = DEFAULT_ROLLING_DRAWS, origin_step: int = DEFAULT_ORIGIN_STEP,
                    min_obs: int = 3, seed: int = 0, level: float = 0.8) -> dict:
    """What the calibration depends on: the processed tables it reads (sha256 of their CSV bytes,
    the same as the files' when read from disk), the backtest's settings and the package version."""
    from .. import __version__
    from ..data import io

    inputs = {"observations.csv": _digest(io.frame_to_csv_bytes(observations)),
              "targets.csv": _digest(io.frame_to_csv_bytes(targets))}
    settings = _settings_of(n_draws=n_draws, rolling_draws=rolling_draws, origin_step=origin_step,
                            min_obs=min_obs, seed=seed, level=level)
    key = {"inputs": inputs, "settings": settings, "version": __version__, "code": code_digest()}
    key["key"] = _digest(io.json_bytes(key))
    return key


CODE_PACKAGES: tuple[str, ...] = ("data", "methods", "forecast", "assessment", "evaluation")


def code_digest() -> str:
    """sha256 over the source of the subpackages the backtest runs (``CODE_PACKAGES``): a code change
    that could move a number refits the calibration even when the package version did not change."""
    from pathlib import Path

    from ..data import io

    root = Path(__file__).resolve().parent.parent
    parts = []
    for package in CODE_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts.append(path.relative_to(root).as_posix().encode() + b"\0" + (io.read_bytes(path) or b""))
    return _digest(b"\0\0".join(parts))


def _differences(stored: dict | None, key: dict, calibration_bytes: bytes | None) -> tuple[tuple[str, ...], str]:
    if calibration_bytes is None:
        return ("calibration table",), f"there is no {plan_assessment.CALIBRATION_FILE} yet"
    if not stored or not isinstance(stored, dict) or "key" not in stored:
        return ("no key",), f"there is no readable {CALIBRATION_KEY_FILE} beside the calibration"
    if stored.get("calibration") != _digest(calibration_bytes):
        return ("calibration table",), f"{plan_assessment.CALIBRATION_FILE} was changed after it was fitted"
    changed, why = [], []
    for name in KEY_INPUTS:
        if stored.get("inputs", {}).get(name) != key["inputs"][name]:
            changed.append(name)
            why.append(f"{name} changed")
    old = stored.get("settings", {})
    for name, value in key["settings"].items():
        if old.get(name) != value:
            changed.append(f"settings:{name}")
            why.append(f"setting {name} changed ({old.get(name)!r} -> {value!r})")
    if stored.get("version") != key["version"]:
        changed.append("version")
        why.append(f"the package version changed ({stored.get('version')} -> {key['version']})")
    if stored.get("code") != key["code"]:
        changed.append("code")
        why.append("the code of the engine or the backtest changed")
    return tuple(changed), "; ".join(why)


def _stored(processed_dir) -> tuple[dict | None, bytes | None]:
    from ..data import io

    folder = io.processed_folder(processed_dir)
    return io.read_json(folder / CALIBRATION_KEY_FILE), io.read_bytes(folder / plan_assessment.CALIBRATION_FILE)


def calibration_is_current(observations: pd.DataFrame, targets: pd.DataFrame, *, processed_dir=None,
                           **settings) -> CalibrationStatus:
    """Whether the stored calibration was fitted on these inputs (`calibration_key`); nothing is run.

    Truthiness is not defined on purpose: read ``.reused`` (True = current).
    """
    key = calibration_key(observations, targets, **settings)
    stored, cal_bytes = _stored(processed_dir)
    changed, reason = _differences(stored, key, cal_bytes)
    return CalibrationStatus(reused=not changed, key=key["key"], changed=changed, reason=reason)


def save_backtest(result: BacktestResult, observations: pd.DataFrame, targets: pd.DataFrame, *,
                  processed_dir=None) -> list:
    """Write the backtest tables, the calibration and its key (`calibration_key`) in one atomic batch."""
    from ..data import io

    tables = {f"backtest_{name}.csv": io.frame_to_csv_bytes(getattr(result, name)) for name in BACKTEST_TABLES}
    cal_bytes = io.frame_to_csv_bytes(result.calibration.to_frame())
    tables[plan_assessment.CALIBRATION_FILE] = cal_bytes
    key = calibration_key(observations, targets, **{k: result.settings[k] for k in KEY_SETTINGS})
    key["calibration"] = _digest(cal_bytes)
    tables[CALIBRATION_KEY_FILE] = io.json_bytes(key)
    return io.write_tables_atomically(tables, processed_dir)


def ensure_calibration(observations: pd.DataFrame, targets: pd.DataFrame, *, processed_dir=None,
                       n_draws: int = 10_000, rolling_draws: int = DEFAULT_ROLLING_DRAWS,
                       origin_step: int = DEFAULT_ORIGIN_STEP, min_obs: int = 3, seed: int = 0, level: float = 0.8,
                       workers: int = DEFAULT_WORKERS, progress=None,
                       force: bool = False) -> tuple[_assess.Calibration, CalibrationStatus]:
    """The calibration for these inputs: the stored one if its key matches, else a new backtest.

    The key (`calibration_key`) covers the processed tables the backtest reads,
    its settings and the package version; it is written beside the calibration
    (``backtest_calibration.key.json``) with a checksum of the calibration table.
    When anything differs -- or ``force`` -- the whole backtest runs
    (`run_backtest`, about 17-20 s on two cores) and every backtest table is
    rewritten (`save_backtest`).

    Returns
    -------
    (Calibration, CalibrationStatus)
        ``str(status)`` is "reused (key …)" or "refitted because <what changed> (key …)".
    """
    from ..data import io

    folder = io.processed_folder(processed_dir)
    settings = dict(n_draws=n_draws, rolling_draws=rolling_draws, origin_step=origin_step, min_obs=min_obs,
                    seed=seed, level=level)
    status = calibration_is_current(observations, targets, processed_dir=folder, **settings)
    if status.reused and not force:
        frame = io.read_processed(plan_assessment.CALIBRATION_FILE, folder)
        return _assess.Calibration.from_frame(frame), status
    if force and status.reused:
        status = replace(status, reused=False, changed=("forced",), reason="a refit was asked for (force)")
    result = run_backtest(observations, targets, workers=workers, progress=progress, **settings)
    save_backtest(result, observations, targets, processed_dir=folder)
    return result.calibration, status
