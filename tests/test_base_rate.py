"""The last-resort probability: the regime's base rate of past plan targets met.

Hand-counted on small case tables: which cases a study as of a date may count, the share and its
(k + 0.5)/(n + 1) probability, the regime of the assessed region, and when the base rate becomes the
headline (only where nothing else gives a probability and a value has been published).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import taicang_analysis as ta
from taicang_analysis.assessment import base_rate
from taicang_analysis.assessment.assess import TargetSpec, assess
from taicang_analysis.brief import headline, render
from taicang_analysis.data import io, schema
from taicang_analysis.evaluation import plan_record, scoring

SUB_NATIONAL = frozenset({"Anhui", "Jiangsu", "Taicang"})


def _case(region, set_year, target_year, met, published=None, status="scored"):
    return {"status": status, "region": region, "indicator": "rd_intensity", "target_year": target_year,
            "set_year": set_year, "met": met, "outcome_published": published}


def _cases() -> pd.DataFrame:
    rows = [
        # Chinese regions: 12 scored, 7 met, in 3 cohorts (set 2011, 2016, 2021)
        *[_case("Anhui", 2011, 2015, m) for m in (1, 1, 0, 1)],
        *[_case("Jiangsu", 2016, 2020, m) for m in (1, 0, 1, 0, 1)],
        *[_case("Taicang", 2021, 2022, m) for m in (1, 0)],
        _case("Taicang", 2016, 2020, 1, published="2022-01-31"),
        # countries: 11 scored, 1 met, one cohort
        *[_case("Germany", 2005, 2010, m) for m in [0] * 10 + [1]],
        # not scored: never counted
        _case("Anhui", 2016, 2020, np.nan, status="excluded"),
    ]
    return pd.DataFrame(rows)


def test_known_cases_follow_the_publication_date_else_the_year_after_the_target_year():
    cases = _cases()
    # as of 2021-12-31: targets of 2015 and 2010 (known end of 2016, 2011) and of 2020 without a date
    # (end of 2021) are counted; Taicang's dated 2020 outcome (2022-01-31) and the 2022 targets are not
    known = plan_record.known_cases(cases, "2021-12-31")
    assert len(known) == 4 + 5 + 11
    assert not ((known["region"] == "Taicang")).any()
    assert len(plan_record.known_cases(cases, "2022-01-31")) == 21
    assert len(plan_record.known_cases(cases, "2021-12-30")) == 4 + 11
    assert len(plan_record.known_cases(cases, None)) == 23  # every scored case; the excluded one never


def test_regime_base_rate_counts_the_regime_and_gives_k_plus_half_over_n_plus_one():
    rate = plan_record.regime_base_rate(_cases(), "Taicang", SUB_NATIONAL, as_of=None)
    assert (rate.regime, rate.n_cases, rate.n_met, rate.n_cohorts) == ("cn_regions", 12, 8, 3)
    assert rate.probability == pytest.approx(8.5 / 13)
    assert (rate.all_cases, rate.all_met) == (23, 9)
    # the interval resamples whole cohorts: its ends lie between the lowest and highest cohort share
    shares = [3 / 4, 4 / 6, 1 / 2]  # cohorts 2011 (Anhui), 2016 (Jiangsu and Taicang), 2021 (Taicang)
    assert min(shares) - 1e-12 <= rate.low <= 8 / 12 <= rate.high <= max(shares) + 1e-12
    assert rate.low < rate.high
    countries = plan_record.regime_base_rate(_cases(), "Germany", SUB_NATIONAL, as_of=None)
    assert (countries.regime, countries.n_cases, countries.n_met) == ("countries", 11, 1)
    assert countries.probability == pytest.approx(1.5 / 12)
    assert countries.low == countries.high == pytest.approx(1 / 11)  # one cohort: the interval is the point


def test_the_assessed_regions_regime_comes_from_its_typed_level():
    assert plan_record.assessed_regime("Zhangjiagang", SUB_NATIONAL) == scoring.SUB_NATIONAL  # a county
    assert plan_record.assessed_regime("Suzhou", SUB_NATIONAL) == scoring.SUB_NATIONAL  # a prefecture
    assert plan_record.assessed_regime("Portugal", SUB_NATIONAL) == scoring.COUNTRIES
    assert plan_record.assessed_regime("European Union", SUB_NATIONAL) is None  # an aggregate sets no targets
    assert plan_record.assessed_regime("Atlantis", SUB_NATIONAL) is None
    assert plan_record.regime_base_rate(_cases(), "Atlantis", SUB_NATIONAL, as_of=None) is None


def test_a_case_table_without_the_needed_columns_is_refused_by_name():
    with pytest.raises(ValueError, match="outcome_published"):
        plan_record.known_cases(_cases().drop(columns="outcome_published"), None)


def _rate(n_cases=12, n_met=8) -> base_rate.BaseRate:
    return base_rate.BaseRate(regime="cn_regions", n_cases=n_cases, n_met=n_met, n_cohorts=3, low=0.5, high=0.8,
                              level=0.95, all_cases=23, all_met=9, known_by=None, source="test")


def _assessed(values: dict, target_year=2025):
    return assess(pd.Series(values, dtype=float), TargetSpec(70.0, target_year, "ge"), kind="share",
                  direction="up", indicator="st_progress_contribution", n_draws=500)


def test_the_base_rate_is_the_headline_only_where_nothing_else_gives_a_probability():
    one = _assessed({2020: 66.6})
    assert one.probability is None
    got = base_rate.with_base_rate(one, _rate())
    assert got.headline_source == "base_rate"
    assert got.probability == pytest.approx(8.5 / 13)
    assert "8 of 12" in got.probability_reason and "knows nothing" in got.probability_reason
    assert got.to_dict()["base_rate"]["n_met"] == 8

    pooled = _assessed({2015: 50.0, 2016: 55.0, 2017: 58.0, 2018: 60.0, 2019: 62.0, 2020: 66.6})
    assert pooled.probability is not None
    kept = base_rate.with_base_rate(pooled, _rate())
    assert (kept.probability, kept.headline_source) == (pooled.probability, "pool")
    assert kept.base_rate is not None  # attached beside, for the reader

    none = _assessed({})
    assert base_rate.with_base_rate(none, _rate()).probability is None  # no published value: not assessed
    past = _assessed({2020: 66.6}, target_year=2020)
    assert base_rate.with_base_rate(past, _rate()).probability is None  # the outcome is known: nothing to predict
    thin = base_rate.with_base_rate(one, _rate(n_cases=base_rate.MIN_CASES - 1, n_met=3))
    assert thin.probability is None and thin.base_rate.usable is False


def _as_backtest_table(cases: pd.DataFrame) -> pd.DataFrame:
    """``cases`` with every other column of the backtest's case table filled by a valid placeholder."""
    fill = {"str": "x", "text": "", "int": 1, "float": 1.0, "date": "2015-12-31", "bool": False}
    out = {}
    for col in schema.TABLES[plan_record.CASES_FILE].columns:
        if col.name in cases.columns:
            out[col.name] = cases[col.name]
        elif col.name == "case_id":
            out[col.name] = [f"case:{i}" for i in range(len(cases))]
        elif col.allowed and not col.nullable:
            out[col.name] = col.allowed[0]
        else:
            out[col.name] = np.nan if col.nullable else fill[col.kind]
    return pd.DataFrame(out)


def test_study_brief_and_card_show_the_base_rate_from_the_backtests_case_table(processed):
    cases = _as_backtest_table(_cases())
    io.write_tables_atomically({plan_record.CASES_FILE: io.frame_to_csv_bytes(cases)}, processed)
    try:
        study = ta.Study()
        rate = study.base_rate()
        assert rate.regime == "cn_regions"
        result = study.assess("st_progress_contribution")
        a = result.assessment
        assert a.n_obs == 1  # the one published value (2020): neither the pool nor an outside view can run
        assert a.headline_source == "base_rate"
        assert a.probability == pytest.approx((rate.n_met + 0.5) / (rate.n_cases + 1))
        assert "the base rate" in result._repr_html_()
        head = headline.headline()
        row = next(r for r in head["rows"] if r["indicator"] == "st_progress_contribution")
        assert row["light"] == headline.traffic_light(None, row["status"])  # the grade decides the light
        html = render.headline_table(head, ("zh", "en"))
        notes = render._base_rate_notes(head, ("zh", "en"))
        assert ("‡" in html) == (row["probability_source"] == "base_rate") == bool(notes)
        # the pool's target keeps its own probability
        assert study.assess("rd_intensity").assessment.headline_source == "pool"
    finally:
        (processed / plan_record.CASES_FILE).unlink()
    assert ta.Study().base_rate() is None  # no backtest yet: no base rate, and nothing breaks
