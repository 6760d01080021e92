"""plan: extraction checked against the plan document itself.

The expected values below are the document's printed numbers (太仓市“十四五”科技创新规划,
Table 1 after chapter 1, Table 2 at the end of chapter 3 section 四, baselines in
chapter 1 section 一); the test holds the extraction to them.
"""

from pathlib import Path

import pytest

from taicang_analysis.data import registry
from taicang_analysis.data.plan_text import (
    NAME_TO_ID, ExtractionError, extract_baselines, extract_table1, extract_table2,
)

# the repository's own copy (data/raw is append-only; its sha256 is checked by the build)
PLAN = Path(__file__).resolve().parents[1] / "data" / "raw" / "documents" / "taicang_14th_st_plan.txt"


@pytest.fixture(scope="module")
def text() -> str:
    return PLAN.read_text(encoding="utf-8")


# (序号, 指标名称, id, 单位, 2025年目标 as printed, target, comparator, qualifier)
TABLE2 = [
    (1, "全社会研发经费支出占GDP比重", "rd_intensity", "%", "4.2", 4.2, "ge", "exact"),
    (2, "科技进步贡献率", "st_progress_contribution", "%", "70左右", 70, "about", "about"),
    (3, "万人高价值发明专利拥有量", "high_value_invention_patents_per_10k", "件", "30", 30, "ge", "exact"),
    (4, "高新技术产业产值占规模以上工业总产值比重", "hightech_output_share", "%", "52", 52, "ge", "exact"),
    (5, "高新技术企业数", "hightech_enterprises_valid", "家", "1600", 1600, "ge", "exact"),
    (6, "科技型中小企业评价入库", "tech_smes_registered", "家", "1500", 1500, "ge", "exact"),
    (7, "技术合同成交额", "tech_contract_turnover", "亿元", "80", 80, "ge", "exact"),
    (8, "省级企业研发机构", "provincial_enterprise_rd_institutions", "家", "250", 250, "ge", "exact"),
    (9, "市级以上孵化器、众创空间", "incubators_and_maker_spaces", "家", "40", 40, "ge", "exact"),
    (10, "科技领军人才数", "st_leading_talents", "人", "700", 700, "ge", "exact"),
    (11, "重大创新创业团队", "major_innovation_teams", "个", "5", 5, "ge", "exact"),
    (12, "外国高端人才和专业人才来华工作人数", "foreign_talents", "人", "670", 670, "ge", "exact"),
    (13, "新投用孵化器面积", "new_incubator_area", "万平方米", "100", 100, "ge", "exact"),
    (14, "新型研发机构", "new_rd_institutions", "家", "20", 20, "ge", "exact"),
    (15, "新增科技上市企业", "new_listed_tech_firms", "家", "10", 10, "ge", "exact"),
]

# (序号, 指标名称, id, 单位, “十三五”规划目标 as printed, target, comparator, 完成情况 as printed, outcome)
TABLE1 = [
    (1, "全社会研发投入占地区生产总值比重", "rd_intensity", "%", "3左右", 3, "about", "3.34", 3.34),
    (2, "科技进步贡献率", "st_progress_contribution", "%", "65", 65, "ge", "66.6", 66.6),
    (3, "万人发明专利拥有量", "invention_patents_per_10k", "件", "38", 38, "ge", "72", 72),
    (4, "万人拥有高层次人才数", "high_level_talents_per_10k", "人", "169", 169, "ge", "265", 265),
    (5, "引进培育国家级人才", "national_talents_recruited", "人", "50", 50, "ge", "39", 39),
    (6, "姑苏以上领军人才", "gusu_leading_talents", "人", "150", 150, "ge", "217", 217),
    (7, "高新技术产业产值占规模以上工业总产值比重", "hightech_output_share", "%", "40", 40, "ge", "50", 50),
    (8, "省级以上高新技术企业数", "hightech_enterprises_cumulative", "家", "360", 360, "ge", "676", 676),
    (9, "科技服务业规模", "st_services_scale", "亿元", "10", 10, "ge", "80", 80),
    (10, "技术合同认定", "tech_contract_certified", "亿元", "10", 10, "ge", "10.8", 10.8),
    (11, "规上工业企业研发机构建有率", "rd_institution_rate_above_scale", "%", "35", 35, "ge", "50", 50),
]


def test_name_map_points_at_registry_ids():
    for name, indicator in NAME_TO_ID.items():
        assert registry.get(indicator).id == indicator, name


def test_table2_rows_match_the_document(text):
    got = extract_table2(text)
    assert [(t.row, t.name_zh, t.indicator, t.unit_printed, t.target_text, t.target, t.comparator, t.qualifier)
            for t in got] == TABLE2
    assert {t.table for t in got} == {"table2"}
    assert {t.target_year for t in got} == {2025}
    assert all(t.outcome is None and t.outcome_text is None for t in got)


def test_table1_rows_match_the_document(text):
    got = extract_table1(text)
    assert [(t.row, t.name_zh, t.indicator, t.unit_printed, t.target_text, t.target, t.comparator,
             t.outcome_text, t.outcome) for t in got] == TABLE1
    assert {t.table for t in got} == {"table1"}
    assert {t.target_year for t in got} == {2020}
    assert all(t.text_statements == () and t.text_qualifier is None for t in got)


def _row(targets, n):
    return next(t for t in targets if t.row == n)


def test_text_restatements_are_kept_beside_the_table(text):
    t2 = extract_table2(text)
    hv = _row(t2, 3)
    assert hv.text_statements == ("万人高价值发明专利拥有量超30件",)
    assert (hv.target, hv.qualifier, hv.text_qualifier) == (30, "exact", "more_than")  # table not overridden
    st = _row(t2, 2)
    assert st.text_statements == ("科技进步贡献率超70%",)
    assert (st.comparator, st.text_qualifier) == ("about", "more_than")
    hte = _row(t2, 5)
    assert hte.text_statements[0] == "高新技术企业数超1600家"
    assert any("有效高新技术企业达1600家以上" in s for s in hte.text_statements)
    assert _row(t2, 1).text_statements == ("研发经费支出占GDP比重达4.2%",)
    assert _row(t2, 9).text_statements == ("新认定市级以上众创空间、孵化器40家以上",)   # reworded name
    assert _row(t2, 10).text_statements == ("资助本级科技领军人才数超700个",)          # 个 for 人
    assert _row(t2, 14).text_statements == ("新增新型研发机构20家",)                   # printed twice, kept once
    for n in (7, 11, 12, 15):  # nothing in the prose restates these
        assert _row(t2, n).text_statements == () and _row(t2, n).text_qualifier is None


BASELINES = [
    ("rd_intensity", 2020, 3.34, "reported", None),
    ("rd_intensity", 2015, 2.30, "derived", "3.34 - 1.04 = 2.30 (2020 value minus 提高1.04个百分点 vs “十二五”末)"),
    ("hightech_output_share", 2020, 50, "reported", None),
    ("hightech_output_share", 2015, 35.2, "derived", "50 - 14.8 = 35.2 (2020 value minus 提高14.8个百分点 vs “十二五”末)"),
    ("hightech_enterprises_cumulative", 2020, 676, "reported", None),
    ("hightech_enterprises_cumulative", 2015, 217, "derived", "676 - 459 = 217 (2020 value minus 增加459家 vs “十二五”末)"),
    ("invention_patents_per_10k", 2020, 72, "reported", None),
    ("invention_patents_per_10k", 2015, 26.5, "derived", "72 - 45.5 = 26.5 (2020 value minus 增加45.5件 vs “十二五”末)"),
    ("tech_contract_turnover", 2020, 10.8, "reported", None),
    ("rd_personnel_share", 2020, 8.5, "reported", None),
]


def test_baselines_match_the_document(text):
    got = extract_baselines(text)
    assert [(b.indicator, b.year, b.status, b.derivation) for b in got] == [
        (i, y, s, d) for i, y, _, s, d in BASELINES]
    assert [b.value for b in got] == pytest.approx([v for _, _, v, _, _ in BASELINES])
    assert got[0].text == "全社会研发经费支出占地区生产总值比重3.34%"
    assert got[1].text == "全社会研发经费支出占地区生产总值比重3.34%，较“十二五”末提高1.04个百分点"
    assert [b.unit for b in got] == ["%", "%", "%", "%", "家", "家", "件", "件", "亿元", "%"]


def test_baselines_agree_with_table1_outcomes(text):
    """Two places of one document, one figure: chapter 1 and Table 1's 完成情况."""
    outcomes = {t.indicator: t.outcome for t in extract_table1(text)}
    for b in extract_baselines(text):
        if b.status == "reported" and b.indicator in outcomes:
            assert b.value == outcomes[b.indicator], b.indicator


# -- a mangled document fails loudly, naming table and row --------------------------------

ROW5 = "\t5\n\t高新技术企业数\n\t家\n\t1600\n\n"


def test_removed_row_is_named(text):
    assert ROW5 in text
    with pytest.raises(ExtractionError, match=r"table2 .*expected rows 序号 1–15, found 14 rows \(row 5 missing\)"):
        extract_table2(text.replace(ROW5, ""))


def test_extra_row_is_named(text):
    with pytest.raises(ExtractionError, match=r"table2 .*found 16 rows \(row 5 unexpected or repeated\)"):
        extract_table2(text.replace(ROW5, ROW5 + ROW5))


def test_missing_table_is_named(text):
    title = "表1 太仓市“十三五”科技发展规划主要指标完成情况"
    assert title in text
    with pytest.raises(ExtractionError, match="table1: no title line starting '表1'"):
        extract_table1(text.replace(title, "（表略）"))
    extract_table2(text.replace(title, "（表略）"))  # the other table is unaffected


def test_unknown_name_is_named(text):
    with pytest.raises(ExtractionError, match=r"table2 row 5: indicator name '高新技术企业总量' is not in plan.NAME_TO_ID"):
        extract_table2(text.replace("\t高新技术企业数\n", "\t高新技术企业总量\n"))


def test_missing_cell_is_named(text):
    with pytest.raises(ExtractionError, match=r"table2 .*row after 序号 4 \(row 5 of the table\)"):
        extract_table2(text.replace(ROW5, "\t5\n\t高新技术企业数\n\t1600\n\n"))


def test_unreadable_target_is_named(text):
    with pytest.raises(ExtractionError, match=r"table2 row 5: target '1600\.0\.0'.*two decimal points"):
        extract_table2(text.replace(ROW5, "\t5\n\t高新技术企业数\n\t家\n\t1600.0.0\n\n"))


def test_missing_chapter_is_named(text):
    with pytest.raises(ExtractionError, match="baselines: chapter 1"):
        extract_baselines(text.replace("第一章", "第壹章"))
