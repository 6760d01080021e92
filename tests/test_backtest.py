"""The backtest on a small synthetic world: every case listed, the as-of rule, calibration, determinism.

The synthetic world (`synthetic_world`): a ``world`` panel of 14 economies
(1985-2016, R&D intensity rising on the logit scale with noise) plus a
``World`` aggregate; a ``cn_provinces`` panel of four provinces and ``China``
from 2008; ``China`` also in the world panel; Taicang in the ``observations``
collection with publication dates.  Targets cover each rule of
`backtest.past_plan_cases` once.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from taicang_analysis.evaluation import backtest
from taicang_analysis.data import io
from taicang_analysis.evaluation import scoring
from taicang_analysis.assessment.assess import ALL, POOL_TYPES, Calibration, CalibrationCell, Pool, TargetSpec, assess

COLUMNS = ["collection", "region", "aggregate", "indicator", "year", "value", "unit", "qualifier", "status", "value_printed",
           "unit_printed", "derivation", "publisher", "document", "url", "published", "published_basis", "quote",
           "note", "source_ref"]
WORLD = [f"W{i:02d}" for i in range(14)]
N_DRAWS = 400


def _row(collection, region, year, value, published="2026-07-13", note="", indicator="rd_intensity",
         aggregate=False):
    return {"collection": collection, "region": region, "aggregate": aggregate, "indicator": indicator, "year": int(year),
            "value": float(value), "unit": "%", "qualifier": "exact", "status": "reported",
            "value_printed": f"{value:g}", "unit_printed": "%", "derivation": "", "publisher": "test",
            "document": "synthetic", "url": "", "published": published, "published_basis": "stated", "quote": "",
            "note": note, "source_ref": ""}


def _path(rng, start, drift, years):
    z = np.log(start / (100 - start)) + np.cumsum(drift + 0.04 * rng.standard_normal(len(years)))
    return 100 / (1 + np.exp(-z))


def synthetic_world(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    years = np.arange(1985, 2017)
    for i, region in enumerate(WORLD + ["China"]):
        for y, v in zip(years, _path(rng, 0.8 + 0.15 * i, 0.03 + 0.002 * i, years), strict=True):
            if region == "W13" and y > 2009:  # W13 stops publishing: its 2011 target has no outcome
                continue
            rows.append(_row("world", region, y, v))
    for y in years:
        rows.append(_row("world", "World", y, 1.5 + 0.02 * (y - 1985), note="aggregate (World Bank group)",
                     aggregate=True))
    cn_years = np.arange(2008, 2017)
    for i, region in enumerate(["P1", "P2", "P3", "P4", "China"]):
        for y, v in zip(cn_years, _path(rng, 1.0 + 0.3 * i, 0.05, cn_years), strict=True):
            rows.append(_row("cn_provinces", region, y, v, published=f"{y + 1}-12-31"))
            rows.append(_row("cn_provinces", region, y, 1000 * v, published=f"{y + 1}-12-31",
                             indicator="valid_invention_patents"))
    rows += [_row("observations", "Taicang", 2010, 1.93, "2016-03-31"),
             _row("observations", "Taicang", 2015, 2.35, "2016-03-31"),
             _row("observations", "Taicang", 2015, 2.30, "2022-01-31"),
             _row("observations", "Taicang", 2020, 3.34, "2022-01-31"),
             _row("observations", "Taicang", 2015, 35.2, "2022-01-31", indicator="hightech_output_share"),
             _row("observations", "Taicang", 2020, 50.0, "2022-01-31", indicator="hightech_output_share")]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["source_ref"] = [f"synthetic:{i}" for i in range(len(frame))]
    return frame


def _target(region, year, target, set_year, ref, indicator="rd_intensity", comparator="ge", tolerance="",
            plan_id=None):
    return {"plan_id": plan_id or f"synthetic/{ref}", "region": region, "indicator": indicator, "target_year": year, "target": float(target), "unit": "%",
            "comparator": comparator, "tolerance": tolerance, "qualifier": "exact", "target_printed": f"{target}",
            "plan": "synthetic plan", "set_year": set_year, "publisher": "test", "document": "", "url": "",
            "published": f"{set_year}-12-31", "published_basis": "stated", "quote": "", "note": "",
            "source_ref": ref}


TARGETS = pd.DataFrame([
    _target("W03", 2010, 2.55, 2005, "t:w03"),                # world economy, as of 2004
    _target("W05", 2010, 3.5, 2005, "t:w05", comparator="about", tolerance="0.1"),
    _target("W13", 2011, 3.0, 2005, "t:w13"),                # no 2011 value: outcome not published
    _target("W03", 2030, 3.0, 2021, "t:future"),             # outcome year not yet observed
    _target("World", 2010, 3.0, 2002, "t:aggregate"),        # an aggregate: definitions do not match
    _target("P1", 2015, 1.45, 2012, "t:p1"),                  # a province, as of 2011
    _target("P2", 2015, 5.0, 2012, "t:p2pat", indicator="invention_patents_per_10k"),  # no per-10k source
    _target("China", 2012, 9.5, 2009, "t:china_early"),      # cn_provinces too short as of 2008: world
    _target("China", 2016, 3.2, 2014, "t:china_late"),       # cn_provinces long enough as of 2013
    _target("P3", 2015, 2.0, 2005, "t:p3_old"),              # cn_provinces starts 2008: no series as of 2004
    _target("Taicang", 2020, 3.0, 2016, "doc#table1/1", comparator="about", plan_id=backtest.TABLE1_PLAN_ID),
    _target("Taicang", 2020, 40.0, 2016, "doc#table1/7", indicator="hightech_output_share",
            plan_id=backtest.TABLE1_PLAN_ID),
])


@pytest.fixture(scope="module")
def world():
    return synthetic_world()


@pytest.fixture(scope="module")
def cases(world):
    return backtest.past_plan_cases(world, TARGETS).set_index("case_id", drop=False)


def test_every_case_is_listed_scored_or_excluded_with_its_reason(cases):
    assert len(cases) == len(TARGETS) and set(cases["status"]) <= {"scored", "excluded"}
    assert (cases.loc[cases["status"] == "excluded", "reason"].str.len() > 0).all()
    assert (cases.loc[cases["status"] == "scored", "reason"] == "").all()
    reason = cases["reason"].to_dict()
    assert reason["t:future"].startswith("outcome year not yet observed")
    assert "aggregate" in reason["t:aggregate"]
    assert reason["t:w13"].startswith("outcome not published")
    assert "counts, not per-10k" in reason["t:p2pat"]
    assert reason["t:p3_old"].startswith("no series as of 2004-12-31")
    assert reason["doc#table1/7"].startswith("no series as of 2016-12-31")  # its 2015 value came out in 2022
    scored = cases[cases["status"] == "scored"]
    assert set(scored.index) == {"t:w03", "t:w05", "t:p1", "t:china_early", "t:china_late", "doc#table1/1"}
    assert scored["outcome"].notna().all() and scored["met"].isin([0.0, 1.0]).all()


def test_as_of_dates_sources_and_windows(cases, world):
    assert cases.at["t:w03", "as_of"] == "2004-12-31" and cases.at["t:p1", "as_of"] == "2011-12-31"
    assert cases.at["doc#table1/1", "as_of"] == "2016-12-31" and "2016" in cases.at["doc#table1/1", "as_of_note"]
    assert cases.at["doc#table1/1", "case_set"] == "taicang_13th" and cases.at["t:w03", "case_set"] == "past_plan"
    assert cases.at["t:w03", "source"] == "world" and cases.at["t:p1", "source"] == "cn_provinces"
    # China: cn_provinces holds no value as of 2008 (too short), so the world panel; five as of 2013
    assert cases.at["t:china_early", "source"] == "world" and cases.at["t:china_late", "source"] == "cn_provinces"
    # the series keeps the last 10 years up to the as-of year
    assert cases.at["t:w03", "first_year"] == 1994 and cases.at["t:w03", "latest_year"] == 2003
    # the world panel is known up to the as-of year - 1; the provincial one by its publication dates
    assert cases.at["t:p1", "series"].startswith("2008: ") and cases.at["t:p1", "latest_year"] == 2010
    # Taicang strictly by publication date: the 2015 revision (2.30, published 2022) is not seen in 2016
    assert cases.at["doc#table1/1", "series"] == "2010: 1.93; 2015: 2.35"
    assert cases.at["doc#table1/1", "outcome"] == 3.34 and cases.at["doc#table1/1", "outcome_published"] == "2022-01-31"


def test_one_source_per_case_never_mixed(cases, world):
    """The outcome comes from the same collection as the series (cn and world values differ here)."""
    known = {c: backtest.current_panel(world, c, "rd_intensity") for c in ("cn_provinces", "world")}
    for case_id in ("t:china_early", "t:china_late"):
        src, year = cases.at[case_id, "source"], cases.at[case_id, "target_year"]
        panel = known[src]
        expected = panel.loc[(panel["region"] == "China") & (panel["year"] == year), "value"].iloc[0]
        assert cases.at[case_id, "outcome"] == expected
    assert cases.at["t:china_early", "outcome"] != known["cn_provinces"].query("region == 'China' and year == 2012")[
        "value"].iloc[0]


def test_about_target_met_within_its_tolerance(cases):
    w05 = cases.loc["t:w05"]
    assert w05["threshold"] == pytest.approx(3.4)  # 3.5 about, tolerance 0.1: met from 3.4
    assert w05["met"] == float(w05["outcome"] >= 3.4) == 1.0  # 3.44 < 3.5 but within the tolerance


def _perturb_after(world: pd.DataFrame, year: int, factor: float = 1.5) -> pd.DataFrame:
    out = world.copy()
    later = out["year"] > year
    out.loc[later, "value"] = out.loc[later, "value"] * factor
    return out


def _perturb_unknown(world: pd.DataFrame, as_of: str, factor: float = 1.5) -> pd.DataFrame:
    """Every value not known at ``as_of``: data years from the as-of year on (the undated World Bank
    release counts as known one year after), and dated rows published after it."""
    out = world.copy()
    unknown = (out["year"] >= int(as_of[:4])) | ((out["collection"] != "world") & (out["published"] > as_of))
    out.loc[unknown, "value"] = out.loc[unknown, "value"] * factor
    return out


@pytest.mark.parametrize("case_id", ["t:w03", "t:p1", "t:china_late", "doc#table1/1"])
def test_as_of_rule_a_case_never_sees_its_outcome_or_later_panel_values(world, cases, case_id):
    case = cases.loc[case_id]
    run = backtest.assess_case(world, case, n_draws=N_DRAWS)
    changed = _perturb_unknown(world, case["as_of"])  # its outcome and every value published later
    changed_cases = backtest.past_plan_cases(changed, TARGETS).set_index("case_id", drop=False)
    assert changed_cases.at[case_id, "outcome"] != case["outcome"]
    again = backtest.assess_case(changed, changed_cases.loc[case_id], n_draws=N_DRAWS)
    assert again.record["probability"] == run.record["probability"]
    assert again.record["median"] == run.record["median"]
    for ref in run.assessment.references:  # its own region never enters a reference class
        for cls in getattr(ref, "classes", ()):
            assert case["region"] not in set(cls.matches["region"])
            assert (cls.matches["origin_year"] + cls.k <= int(case["as_of"][:4])).all()


def test_the_as_of_test_can_fail(world, cases):
    """Sanity: a value *before* the as-of year does move the probability."""
    case = cases.loc["t:w03"]
    run = backtest.assess_case(world, case, n_draws=N_DRAWS)
    changed = world.copy()
    changed.loc[(changed["region"] == "W03") & (changed["year"] == 2003), "value"] *= 1.3
    changed_cases = backtest.past_plan_cases(changed, TARGETS).set_index("case_id", drop=False)
    again = backtest.assess_case(changed, changed_cases.loc["t:w03"], n_draws=N_DRAWS)
    assert again.record["probability"] != run.record["probability"]


def test_world_case_uses_reference_class_without_aggregates(world, cases):
    run = backtest.assess_case(world, cases.loc["t:w03"], n_draws=N_DRAWS)
    members = dict(run.assessment.pool_members)
    assert "reference_class:world" in members  # the synthetic panel is long enough to match
    for ref in run.assessment.references:
        for cls in getattr(ref, "classes", ()):
            assert "World" not in set(cls.matches["region"])


_DEFAULT_CELLS = Calibration.from_factors(
    {("with_reference", 5): 1.3, ("with_reference", 7): 1.9, ("own_models_only", ALL): 0.7}, overall=1.1)
# the same default cells, and the case's own indicator's cells (factor 1.6 at h=7): those must win
_BY_INDICATOR = Calibration(_DEFAULT_CELLS.cells + (
    CalibrationCell("with_reference", 7, 1.6, indicator="rd_intensity"),
    CalibrationCell(ALL, None, 1.2, indicator="rd_intensity"),
    CalibrationCell("with_reference", 7, 3.0, indicator="invention_patents_per_10k")))


@pytest.mark.parametrize("spread", [1.4, _DEFAULT_CELLS, _BY_INDICATOR])
def test_calibrated_probability_is_assess_with_that_spread(world, cases, spread):
    case = cases.loc["t:w03"]  # with_reference, horizon 7 (latest 2003 -> 2010): factor 1.9
    run = backtest.assess_case(world, case, spread=spread, n_draws=N_DRAWS)
    prep = backtest.prepare_case(world, case)
    direct = assess(prep["series"], prep["target"], kind=prep["kind"], direction=prep["direction"],
                    bounds=prep["bounds"], as_of=prep["as_of"], panels=prep["panels"],
                    exclude_regions=(prep["region"],), pool=Pool(spread=spread), n_draws=N_DRAWS,
                    indicator=prep["indicator"])
    assert prep["indicator"] == "rd_intensity"
    assert run.record["probability_calibrated"] == direct.probability
    assert (run.record["lower_calibrated"], run.record["upper_calibrated"]) == (
        direct.projection["lower"], direct.projection["upper"])
    assert run.record["pool_type"] == "with_reference" and case["horizon"] == 7
    assert run.record["spread"] == {1.4: 1.4}.get(spread, 1.6 if spread is _BY_INDICATOR else 1.9)
    assert run.record["probability"] == backtest.assess_case(world, case, n_draws=N_DRAWS).record["probability"]


def test_method_calls_by_hand():
    """1.0 (2010) -> 1.5 (2015), target 2.0 in 2020: every call says met; target 2.5: all say missed.

    Eurostat: observed CAGR 8.45 %/yr vs required (1 -> 2 in 10 yrs) 7.18 %: R = 1.18 >= 0.95.
    UN: 1.5 * 1.0845^5 = 2.25, rho = (2.25 - 1) / (2 - 1) = 1.25 >= 0.95.
    Time-proportional: half the distance in half the time: on schedule.
    Linear: 1.5 + 0.1 * 5 = 2.0 >= 2.0.
    For 2.5: R = 8.45 / 9.60 = 0.88; rho = 1.25 / 1.5 = 0.83; distance 1/3 < time 1/2; linear 2.0 < 2.5.
    """
    s = pd.Series([1.0, 1.5], index=[2010, 2015])
    for target, expected in ((2.0, 1.0), (2.5, 0.0)):
        spec = TargetSpec(target, 2020)
        a = assess(s, spec, kind="level", n_draws=100)
        calls = backtest.method_calls(a, s, spec, "up")
        assert calls == {c: expected for c in backtest.CALLS}
    one = pd.Series([1.0], index=[2015])
    calls = backtest.method_calls(assess(one, TargetSpec(2.0, 2020), kind="level", n_draws=100), one,
                                  TargetSpec(2.0, 2020), "up")
    assert all(np.isnan(v) for v in calls.values())  # one observation: no call can be made


# -- rolling origins and the spread -------------------------------------------------------

def small_panel_world() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    years = np.arange(2000, 2013)
    rows = [_row("world", f"R{i}", y, v) for i in range(5)
            for y, v in zip(years, _path(rng, 1.0 + 0.2 * i, 0.04, years), strict=True)]
    rows += [_row("world", "World", y, 2.0, note="aggregate (World Bank group)",
                     aggregate=True) for y in years]
    return pd.DataFrame(rows, columns=COLUMNS)


ROLLING_ARGS = {"panels": ("world",), "horizons": (1, 2), "origin_step": 4, "n_draws": 200}


@pytest.fixture(scope="module")
def rolling():
    return backtest.rolling_origins(small_panel_world(), **ROLLING_ARGS)


def test_rolling_origins_rows(rolling):
    assert set(rolling["region"]) == {f"R{i}" for i in range(5)}  # the aggregate is never an origin
    assert set(rolling["origin"]) == {2003, 2007, 2011}  # t = 2011, 2007, 2003 (last year 2012, step 4)
    assert set(rolling["horizon"]) == {1, 2}
    assert not rolling[(rolling["origin"] == 2011) & (rolling["horizon"] == 2)].size  # 2013 is not observed
    pooled = rolling[rolling["member"] == backtest.POOLED]
    assert len(pooled) == len(rolling[["region", "origin", "horizon"]].drop_duplicates())
    assert (pooled["covered80"] == (pooled["r80"] <= 1)).all()
    assert (rolling["covered80"] <= rolling["covered95"]).all()  # inside 80 % implies inside 95 %
    assert (rolling["lower80"] <= rolling["median"]).all() and (rolling["median"] <= rolling["upper80"]).all()
    row = pooled.iloc[0]
    assert row["r80"] == pytest.approx(scoring.required_spread(row["z_outcome"], row["z_median"], row["z_lower80"],
                                                               row["z_upper80"]))
    assert row["n_obs"] <= backtest.SERIES_WINDOW


def test_rolling_origin_never_sees_later_values():
    world = small_panel_world()
    ctx = backtest._rolling_context(world, "rd_intensity", (1, 2), 10, 3, 200, 0)
    full = ctx.panels["world"].query("region == 'R2'").set_index("year")["value"]
    before = pd.DataFrame(backtest._rolling_origin(ctx, "world", "R2", full, 2007))
    changed = _perturb_after(world, 2007)
    ctx2 = backtest._rolling_context(changed, "rd_intensity", (1, 2), 10, 3, 200, 0)
    full2 = ctx2.panels["world"].query("region == 'R2'").set_index("year")["value"]
    after = pd.DataFrame(backtest._rolling_origin(ctx2, "world", "R2", full2, 2007))
    forecast_cols = ["member", "horizon", "median", "lower80", "upper80", "lower95", "upper95", "z_median"]
    pd.testing.assert_frame_equal(before[forecast_cols], after[forecast_cols])
    assert (after["outcome"] != before["outcome"]).all()


def test_rolling_origins_deterministic_and_independent_of_workers(rolling):
    again = backtest.rolling_origins(small_panel_world(), **ROLLING_ARGS)
    pd.testing.assert_frame_equal(rolling, again)
    done = []
    parallel = backtest.rolling_origins(small_panel_world(), **ROLLING_ARGS, workers=2, progress=done.append)
    pd.testing.assert_frame_equal(rolling, parallel)
    assert sum(done) == rolling[["region", "origin"]].drop_duplicates().shape[0]


# -- the whole run ---------------------------------------------------------------------------

RUN_ARGS = {"n_draws": N_DRAWS, "rolling_draws": 200, "origin_step": 12, "workers": 1}


@pytest.fixture(scope="module")
def progress_counts():
    return []


@pytest.fixture(scope="module")
def progress_totals():
    return []


@pytest.fixture(scope="module")
def result(world, progress_counts, progress_totals):
    return backtest.run_backtest(world, TARGETS, **RUN_ARGS, progress=progress_counts.append,
                                 progress_total=lambda n: progress_totals.append((n, len(progress_counts))))


def test_run_backtest_tables(result):
    c = result.cases
    assert len(c) == len(TARGETS)
    assert (c.loc[c["status"] == "excluded", "reason"].str.len() > 0).all()
    scored = c[c["status"] == "scored"]
    assert scored["probability"].between(0, 1).all() and scored["probability_calibrated"].between(0, 1).all()
    assert (scored["spread"] > 0).all()
    past = scored[scored["case_set"] == "past_plan"]
    assert past["base_rate"].tolist() == pytest.approx(list(scoring.base_rate_loo(past["met"])))
    s = result.scores
    assert {"brier", "log_score", "hit_rate", "brier_skill"} <= set(s["metric"])
    assert set(backtest.METHODS) - {backtest.BASE_RATE} <= set(s.loc[s["metric"] == "brier_skill", "method"])
    brier = s[(s["case_set"] == "past_plan") & (s["metric"] == "brier") & (s["method"] == backtest.POOLED)]
    assert brier["value"].iloc[0] == pytest.approx(scoring.brier(past["probability"], past["met"]))
    assert set(result.coverage_by_horizon["member"]) >= {backtest.POOLED, backtest.POOLED_CAL}
    assert result.settings["spread"] == result.calibration.overall > 0
    assert list(result.timing["stage"])[-1] == "total (wall)"
    assert {"with_reference", "own_models_only"} <= set(result.spread["pool_type"])
    assert Calibration.from_frame(result.calibration.to_frame()) == result.calibration
    text = backtest.render_scores(result)
    for heading in ("Scores on past-plan cases", "Calibration", "coverage by horizon", "Reliability",
                    "Worst cases", "Excluded", "Timing", "pooled, uncalibrated (pre-registered)",
                    "pooled, calibrated (CV)", "by pool type and horizon"):
        assert heading in text


def test_progress_counts_every_unit_of_work(world, result, progress_counts, progress_totals):
    assert sum(progress_counts) == backtest.backtest_size(world, TARGETS, origin_step=RUN_ARGS["origin_step"])
    assert progress_totals == [(sum(progress_counts), 0)]  # told once, before any unit is reported done
    assert "Taicang's 13th plan (Table 1)" in backtest.render_scores(result)


def test_worker_pool_runs_blas_single_threaded_and_restores_the_environment(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    with backtest.worker_pool(2) as executor:
        assert executor.submit(os.getenv, "OPENBLAS_NUM_THREADS").result() == "1"
    assert os.environ["OMP_NUM_THREADS"] == "3" and "OPENBLAS_NUM_THREADS" not in os.environ
    with backtest.worker_pool(1) as executor:
        assert executor is None


def test_run_backtest_is_deterministic(world, result):
    again = backtest.run_backtest(world, TARGETS, **RUN_ARGS)
    for name in ("cases", "rolling", "scores", "reliability", "coverage_by_horizon", "spread", "spread_loo"):
        pd.testing.assert_frame_equal(getattr(result, name), getattr(again, name))


def test_calibrated_cases_use_the_factors_fitted_without_their_region(world, result):
    """Each case: the factor for its pool type and horizon from the calibration fitted without its region."""
    fit = backtest.fit_calibration(result.rolling)
    assert fit.calibration == result.calibration
    scored = result.cases[result.cases["status"] == "scored"]
    assert set(scored["pool_type"]) <= set(POOL_TYPES) and (scored["pool_type"] != "").all()
    for _, r in scored.iterrows():
        without = fit.for_region(r["region"])
        assert r["spread"] == without.factor(r["pool_type"], int(r["horizon"]))
        if r["region"] != "Taicang":  # a region the rolling origins saw is calibrated without its own rows
            assert without is not fit.calibration


def test_rolling_pool_type_follows_the_references_reach(result):
    """A row is with_reference iff a reference class is in the pool at that horizon; the references reach
    the first horizons of an origin, so with_reference horizons come before own_models_only ones."""
    ro = result.rolling
    assert set(ro.loc[ro["member"] == backtest.POOLED, "pool_type"]) == {"with_reference", "own_models_only"}
    assert set(ro["horizon"]) <= set(backtest.HORIZONS) and max(backtest.HORIZONS) == 10
    key = ["panel", "region", "origin", "horizon"]
    in_pool = ro[ro["member"].str.startswith("reference_class") & (ro["weight"] > 0)].groupby(key).size()
    pooled = ro[ro["member"] == backtest.POOLED].set_index(key)
    has_ref = pooled.index.isin(in_pool.index)
    assert ((pooled["pool_type"] == "with_reference") == has_ref).all()
    for _, g in pooled.reset_index().groupby(["panel", "region", "origin"]):
        types = g.sort_values("horizon")["pool_type"].tolist()
        assert types == sorted(types, key=lambda t: t != "with_reference")
    members = ro[ro["member"] != backtest.POOLED]
    weights = members.groupby(key)["weight"].sum()
    assert np.allclose(weights.loc[pooled.index], 1.0)  # the weights of each horizon's pool sum to 1


def test_real_cases_listing():
    """On the processed tables: every target listed once, the rules applied (no assessment run)."""
    try:
        observations, targets = io.read_processed("observations.csv"), io.read_processed("targets.csv")
    except FileNotFoundError:
        pytest.skip("data/processed not built (python -m taicang_analysis data)")
    c = backtest.past_plan_cases(observations, targets).set_index("case_id", drop=False)
    assert len(c) == len(targets) and c.index.is_unique
    assert (c.loc[c["status"] == "excluded", "reason"].str.len() > 0).all()
    table1 = c[c["case_set"] == "taicang_13th"]
    assert len(table1) and (table1["as_of"] == backtest.TABLE1_AS_OF).all()
    future = c[c["target_year"] > observations["year"].max()]
    assert (future["status"] == "excluded").all()
    assert c.loc[c["region"] == "European Union", "reason"].str.contains("aggregate").all()
    scored = c[c["status"] == "scored"]
    assert (scored["latest_year"] <= scored["as_of"].str[:4].astype(int)).all()
    assert (scored["case_set"] == "past_plan").sum() >= 20


def test_scores_carry_cohort_intervals_and_expected_successes(result):
    s = result.scores
    assert set(backtest.SCORE_INTERVAL_COLUMNS) <= set(s.columns)
    first = s[s["metric"] == "brier"]
    assert (first["brier_low"] <= first["value"] + 1e-12).all() and (first["value"] <= first["brier_high"] + 1e-12).all()
    logs = s[s["metric"] == "log_score"]
    assert (logs["log_low"] <= logs["value"] + 1e-12).all() and (logs["value"] <= logs["log_high"] + 1e-12).all()
    base = first[first["method"] == backtest.BASE_RATE]
    assert (base[["brier_diff_vs_base_rate", "brier_diff_vs_base_rate_low", "brier_diff_vs_base_rate_high"]] == 0).all(
        axis=None)
    scored = result.cases[result.cases["status"] == "scored"]
    past = scored[scored["case_set"] == "past_plan"]
    row = first[(first["case_set"] == "past_plan") & (first["method"] == backtest.POOLED)].iloc[0]
    assert row["observed_successes"] == int(past["met"].sum())
    assert row["expected_successes"] == pytest.approx(past["probability"].sum())
    assert row["expected_successes_low"] <= row["expected_successes"] <= row["expected_successes_high"]
    # the synthetic world has no provincial panel of rd_intensity: every cohort is (countries, set year)
    assert row["n_cohorts"] == past["set_year"].nunique()
    diff = scoring.brier(past["probability"], past["met"]) - scoring.brier(past["base_rate"], past["met"])
    assert row["brier_diff_vs_base_rate"] == pytest.approx(diff)


def test_score_intervals_collapse_with_one_cohort_and_follow_the_regime(result):
    cases = result.cases.copy()
    cases["set_year"] = 2005
    scores, _ = backtest.score_cases(cases)
    one = scores[scores["metric"] == "brier"]
    assert (one["n_cohorts"] == 1).all()
    assert np.allclose(one["brier_low"], one["value"]) and np.allclose(one["brier_high"], one["value"])
    scored = cases[cases["status"] == "scored"]
    regions = sorted(set(scored["region"]))
    split, _ = backtest.score_cases(cases, sub_national_set=frozenset(regions[:1]))
    assert (split.loc[split["metric"] == "brier", "n_cohorts"] <= 2).all()
    assert split.loc[(split["metric"] == "brier") & (split["case_set"] == "all"), "n_cohorts"].max() == 2
    text = backtest.render_scores(result)
    assert "cannot tell apart" in text or "than base rate" in text
    assert "expected" in text and "observed" in text


def _scores_frame(diff_low, diff_high, expected=(6.9, 4.0, 10.0), observed=3):
    row = {"case_set": "past_plan", "method": "pooled", "reference": "", "n": 32, "n_cohorts": 6,
           "brier_low": 0.06, "brier_high": 0.4, "log_low": 0.2, "log_high": 1.7, "brier_diff_vs_base_rate": 0.01,
           "brier_diff_vs_base_rate_low": diff_low, "brier_diff_vs_base_rate_high": diff_high,
           "expected_successes": expected[0], "expected_successes_low": expected[1],
           "expected_successes_high": expected[2], "observed_successes": observed}
    return pd.DataFrame([{**row, "metric": m, "value": v} for m, v in
                         (("brier", 0.1), ("log_score", 0.45), ("hit_rate", 0.88))])


def test_track_record_sentences_say_when_an_interval_includes_zero():
    from taicang_analysis.present import notebook_support as nb
    text = nb.track_record_sentences(_scores_frame(-0.2, 0.3))
    assert "pooled: cannot tell apart from the base rate" in text
    assert "observed 3: below the range" in text and "none can be told apart" in text
    text = nb.track_record_sentences(_scores_frame(-0.2, -0.01, observed=5))
    assert "pooled: beats the base rate" in text and "observed 5: inside the range" in text
    assert "1 can be told apart from it: pooled" in text
    table = nb.scores_table(_scores_frame(-0.2, 0.3))
    assert table.loc["pooled", ["brier", "brier_low", "brier_high", "n_cohorts"]].tolist() == [0.1, 0.06, 0.4, 6]
    tidy = nb.score_intervals(_scores_frame(-0.2, 0.3)).set_index("metric")
    assert tidy.loc["brier_diff_vs_base_rate", ["low", "high"]].tolist() == [-0.2, 0.3]
    assert nb.scores_table(pd.DataFrame()).empty and nb.score_intervals(pd.DataFrame()).empty
