"""plan_assessment: what was known when (no leak past as_of), and the whole of Table 2.

Uses the real processed tables (data/processed, built by ``python -m taicang_analysis data``;
built into a temporary folder if absent) and a small synthetic observations frame.
"""

import json

import numpy as np
import pandas as pd
import pytest

from taicang_analysis.data import build
from taicang_analysis.data import io
from taicang_analysis.assessment import plans as pa

N_DRAWS = 2_000
AS_OF = "2021-06-30"

# Table 2 of the plan (data/raw/documents/taicang_14th_st_plan.txt, "表2 太仓市“十四五”科技创新主要指标"),
# rows 1-15 in the printed order, mapped by name to the registry's ids.
TABLE2 = (
    "rd_intensity",                            # 1 全社会研发经费支出占GDP比重
    "st_progress_contribution",                # 2 科技进步贡献率
    "high_value_invention_patents_per_10k",    # 3 万人高价值发明专利拥有量
    "hightech_output_share",                   # 4 高新技术产业产值占规模以上工业总产值比重
    "hightech_enterprises_valid",              # 5 高新技术企业数
    "tech_smes_registered",                    # 6 科技型中小企业评价入库
    "tech_contract_turnover",                  # 7 技术合同成交额
    "provincial_enterprise_rd_institutions",   # 8 省级企业研发机构
    "incubators_and_maker_spaces",             # 9 市级以上孵化器、众创空间
    "st_leading_talents",                      # 10 科技领军人才数
    "major_innovation_teams",                  # 11 重大创新创业团队
    "foreign_talents",                         # 12 外国高端人才和专业人才来华工作人数
    "new_incubator_area",                      # 13 新投用孵化器面积
    "new_rd_institutions",                     # 14 新型研发机构
    "new_listed_tech_firms",                   # 15 新增科技上市企业
)


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    # built from data/raw each run: a stale data/processed in the working tree must not decide the outcome
    folder = tmp_path_factory.mktemp("processed")
    io.write_tables_atomically(build.serialise(build.build_tables(io.read_raw())), folder)
    return io.read_processed("observations.csv", folder), io.read_processed("targets.csv", folder)


@pytest.fixture(scope="module")
def rd_row(processed):
    _, targets = processed
    rows = targets[(targets["region"] == "Taicang") & (targets["indicator"] == "rd_intensity")
                   & (targets["target_year"] == 2025)]
    assert len(rows) == 1
    return rows.iloc[0]


def _key(a):
    """Everything an assessment reports, as comparable text."""
    return json.dumps(a.to_dict(), sort_keys=True, default=str)


# -- 5. as-of: nothing published later leaks (real data) ----------------------

@pytest.fixture(scope="module")
def base(processed, rd_row):
    return pa.assess_target(processed[0], rd_row, as_of=AS_OF, n_draws=N_DRAWS)


class TestAsOfRealData:
    def test_series_is_what_was_published_by_then(self, base):
        # 1.93 (2010, derived) and 2.35 (2015) were published 2016-03-31; 3.34 (2020) only on 2022-01-31
        assert base.observations.to_dict() == {2010: 1.93, 2015: 2.35}
        assert base.as_of == AS_OF
        assert base.probability is not None and base.projection is not None

    def test_later_publications_do_not_change_anything(self, processed, rd_row, base):
        obs = processed[0].copy()
        later_own = (obs["collection"] == "observations") & (obs["published"] > AS_OF)
        later_panel_years = (obs["collection"] != "observations") & (obs["year"] > int(AS_OF[:4]))
        assert later_own.any() and later_panel_years.any()
        assert (later_own & (obs["region"] == "Taicang") & (obs["indicator"] == "rd_intensity")).sum() == 2
        obs.loc[later_own | later_panel_years, "value"] *= 3
        # and a later revision of the 2015 figure, dated the day after as_of
        extra = obs[(obs["collection"] == "observations") & (obs["region"] == "Taicang")
                    & (obs["indicator"] == "rd_intensity") & (obs["year"] == 2015)].iloc[[0]].copy()
        extra["value"], extra["published"] = 9.9, "2021-07-01"
        obs = pd.concat([obs, extra], ignore_index=True)
        after = pa.assess_target(obs, rd_row, as_of=AS_OF, n_draws=N_DRAWS)
        assert after.probability == base.probability
        assert after.projection == base.projection
        assert after.status == base.status
        assert _key(after) == _key(base)

    def test_an_earlier_publication_does_change_it(self, processed, rd_row, base):
        obs = processed[0].copy()
        sel = ((obs["collection"] == "observations") & (obs["region"] == "Taicang")
               & (obs["indicator"] == "rd_intensity") & (obs["year"] == 2015) & (obs["published"] <= AS_OF))
        assert sel.sum() == 1
        obs.loc[sel, "value"] = 3.0
        after = pa.assess_target(obs, rd_row, as_of=AS_OF, n_draws=N_DRAWS)
        assert after.observations[2015] == 3.0
        assert after.projection["median"] > base.projection["median"]
        assert after.status != base.status  # 1.93 -> 3.0 in 5 years is on track for 4.2 by 2025
        assert after.probability > base.probability

    def test_an_earlier_panel_year_does_change_it(self, processed, rd_row, base):
        # panels are undated current vintages used pseudo-real-time: years up to as_of's year enter
        obs = processed[0].copy()
        sel = (obs["collection"] == "world") & (obs["indicator"] == "rd_intensity") & (obs["year"] <= 2015)
        obs.loc[sel, "value"] *= 1.5
        after = pa.assess_target(obs, rd_row, as_of=AS_OF, n_draws=N_DRAWS)
        assert after.projection != base.projection


def test_dated_panel_rows_published_after_as_of_do_not_leak(processed, rd_row):
    as_of = "2022-06-30"  # series {2010, 2015, 2020}: both reference classes and own models in the pool
    base = pa.assess_target(processed[0], rd_row, as_of=as_of, n_draws=N_DRAWS)
    # today cn_provinces enters the pool here (with its 2021 and 2022 rows); cut by publication it may not
    obs = processed[0].copy()
    later = (obs["collection"] == "cn_provinces") & (obs["published"] > as_of)
    obs.loc[later, "value"] *= 3  # yearbook 2022 (data 2021, published 2022-12-31) and later
    after = pa.assess_target(obs, rd_row, as_of=as_of, n_draws=N_DRAWS)
    assert after.probability == base.probability


# -- 5b. the same on a small synthetic frame ----------------------------------

def _row(collection, region, year, value, published, status="reported", qualifier="exact"):
    return {"collection": collection, "region": region, "indicator": "rd_intensity", "year": year,
            "value": float(value), "unit": "%", "qualifier": qualifier, "status": status,
            "value_printed": f"{value:g}", "derivation": "", "document": f"doc {published}",
            "published": published}


@pytest.fixture(scope="module")
def synthetic():
    rows = [_row("observations", "X", 2016, 2.0, "2017-03-01"),
            _row("observations", "X", 2017, 2.2, "2018-03-01"),
            _row("observations", "X", 2018, 2.3, "2019-03-01", status="preliminary"),
            _row("observations", "X", 2018, 2.35, "2019-12-31"),  # yearbook revises the preliminary figure
            _row("observations", "X", 2019, 2.6, "2020-03-01"),
            _row("observations", "X", 2020, 2.7, "2021-03-01"),
            _row("observations", "X", 2021, 2.9, "2022-03-01"),
            _row("observations", "X", 2019, 2.4, "2021-09-01")]  # a revision after as_of
    rng = np.random.default_rng(5)
    for r in range(40):
        z = np.log(1.2) + 0.3 * rng.standard_normal()
        for y in range(2000, 2024):
            # one current release, like the World Bank panel: pseudo-real-time (data years <= as_of's - 1)
            rows.append(_row("world", f"P{r:02d}", y, round(float(np.exp(z)), 4), "2026-07-13"))
            z += 0.05 + 0.05 * rng.standard_normal()
    target = pd.Series({"region": "X", "indicator": "rd_intensity", "target": 3.5, "target_year": 2025,
                        "comparator": "ge", "tolerance": ""})
    return pd.DataFrame(rows), target


def test_synthetic_series_by_publication_date(synthetic):
    obs, _ = synthetic
    s, known = pa.region_series(obs, "X", "rd_intensity", AS_OF)
    assert s.to_dict() == {2016: 2.0, 2017: 2.2, 2018: 2.35, 2019: 2.6, 2020: 2.7}
    s_then, _ = pa.region_series(obs, "X", "rd_intensity", "2019-06-30")
    assert s_then.to_dict() == {2016: 2.0, 2017: 2.2, 2018: 2.3}  # the preliminary figure, not yet revised
    s_now, _ = pa.region_series(obs, "X", "rd_intensity")
    assert s_now[2019] == 2.4 and s_now[2021] == 2.9


def test_synthetic_panels_cut_to_as_of_year(synthetic):
    obs, _ = synthetic
    panels = pa.reference_panels(obs, "rd_intensity", as_of=AS_OF)
    assert set(panels) == {"world"}
    assert panels["world"]["year"].max() == 2021 - 1  # a year's figure is published the year after
    assert list(panels["world"].columns) == ["region", "year", "value"]
    assert pa.reference_panels(obs, "rd_intensity", reference="none", as_of=AS_OF) == {}
    with pytest.raises(ValueError, match="reference"):
        pa.reference_panels(obs, "rd_intensity", reference="everything")


def test_synthetic_no_leak(synthetic):
    obs, target = synthetic
    base = pa.assess_target(obs, target, as_of=AS_OF, n_draws=N_DRAWS)
    assert base.probability is not None and 0 < base.probability < 1
    assert any(m.startswith("reference_class:") for m, _ in base.pool_members)
    assert any(not m.startswith("reference_class:") for m, _ in base.pool_members)
    assert not any(n.startswith("2018: preliminary") for n in base.notes)  # the yearbook value superseded it

    later = ((obs["collection"] == "observations") & (obs["published"] > AS_OF)) | \
            ((obs["collection"] != "observations") & (obs["year"] > 2021))
    mutated = obs.copy()
    mutated.loc[later, "value"] *= 3
    assert _key(pa.assess_target(mutated, target, as_of=AS_OF, n_draws=N_DRAWS)) == _key(base)

    earlier = obs.copy()
    earlier.loc[(earlier["collection"] == "observations") & (earlier["year"] == 2020), "value"] = 2.4
    changed = pa.assess_target(earlier, target, as_of=AS_OF, n_draws=N_DRAWS)
    assert changed.probability < base.probability
    assert changed.projection["median"] < base.projection["median"]


def test_synthetic_notes_on_preliminary_and_qualified_values(synthetic):
    obs, target = synthetic
    a = pa.assess_target(obs, target, as_of="2019-06-30", n_draws=N_DRAWS)
    assert any(n.startswith("2018: preliminary figure") for n in a.notes)
    q = obs.copy()
    q.loc[(q["collection"] == "observations") & (q["year"] == 2017), ["qualifier", "value_printed"]] = \
        ["about", "2.2左右"]
    b = pa.assess_target(q, target, as_of="2019-06-30", n_draws=N_DRAWS)
    assert any(n == "2017: published as 2.2左右 (about); used as the point value" for n in b.notes)


# -- 10. the whole of Table 2 (real data) -------------------------------------

@pytest.fixture(scope="module")
def plan(processed):
    obs, targets = processed
    return pa.assess_plan(obs, targets, n_draws=N_DRAWS)


def test_plan_has_table2_in_order(plan):
    assert len(plan) == 15
    assert tuple(a.indicator for a in plan) == TABLE2
    assert all(a.target.year == 2025 for a in plan)
    assert plan[0].target.value == 4.2 and plan[0].target.comparator == "ge"
    assert plan[1].target.value == 70.0 and plan[1].target.comparator == "about"  # 70左右


def test_plan_not_assessable_exactly_when_nothing_is_published(processed, plan):
    obs, _ = processed
    own = obs[(obs["collection"] == "observations") & (obs["region"] == "Taicang")]
    published = set(own["indicator"])
    for a in plan:
        if a.indicator in published:
            assert a.status != "not_assessable", a.indicator
            assert a.n_obs >= 1
        else:
            assert a.status == "not_assessable", a.indicator
            assert a.observations.empty  # never substituted from a related definition
            assert a.probability is None and a.projection is None and a.pooled is None
    assert {a.indicator for a in plan if a.status == "not_assessable"} >= {
        "high_value_invention_patents_per_10k", "hightech_enterprises_valid", "tech_smes_registered"}


def test_plan_names_the_related_definition_without_substituting(plan):
    by_id = {a.indicator: a for a in plan}
    hv = by_id["high_value_invention_patents_per_10k"]
    notes = [n for n in hv.notes if n.startswith("published under a different definition")]
    assert len(notes) == 1 and "invention_patents_per_10k" in notes[0] and "not substituted" in notes[0]
    assert hv.observations.empty and hv.status == "not_assessable"
    valid = by_id["hightech_enterprises_valid"]
    assert any("hightech_enterprises_cumulative" in n for n in valid.notes)
    # an indicator with no related definition published gets no such note
    assert not any("different definition" in n for n in by_id["tech_smes_registered"].notes)


def test_plan_rd_intensity_as_known_now(plan):
    rd = plan[0]
    # the 2015 value 2.35 (2016) was restated as 2.30 by the 2022 plan (3.34 - 1.04):
    # the later publication wins
    assert rd.observations.to_dict() == {2010: 1.93, 2015: 2.30, 2020: 3.34}
    assert rd.probability is not None and 0 <= rd.probability <= 1
    assert any(n.startswith("2015: derived") for n in rd.notes)
