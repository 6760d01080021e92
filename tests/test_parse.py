"""parse: the number forms that actually occur in the sources, read one by one.

Sources of the text forms (cited per block):
  plan  = /work/shared/seeds/000_7ec6b2c546acc8c7.txt (太仓市“十四五”科技创新规划, tables and prose)
  rs    = /work/shared/data/regional_sources.csv (`note` and `unit` columns: quotes of bulletins/reports)
  cnp   = /work/shared/data/reference/cn_points_published.csv (`quote` column)
"""

import pytest

from taicang_analysis.data.parse import (
    ParseError, UnitError, canonical_unit, convert_unit, earlier_from_change, find_numbers,
    later_from_change, parse_change, parse_number, period_end_year, unit_dimension,
)

NUMBER_FORMS = [
    # plan: table cells
    ("3左右", 3, "about", None),
    ("3.34", 3.34, "exact", None),
    ("66.6", 66.6, "exact", None),
    ("70左右", 70, "about", None),
    ("4.2", 4.2, "exact", None),
    ("1600", 1600, "exact", None),
    # plan: prose (chapters 1-4)
    ("3.34%", 3.34, "exact", "%"),
    ("达50%", 50, "exact", "%"),
    ("676家", 676, "exact", "家"),
    ("72件", 72, "exact", "件"),
    ("10.8亿元", 10.8, "exact", "亿元"),
    ("8.5%", 8.5, "exact", "%"),
    ("1.04个百分点", 1.04, "exact", "个百分点"),
    ("超50%", 50, "more_than", "%"),
    ("超过50万平方米", 50, "more_than", "万平方米"),
    ("91.8万平方米", 91.8, "exact", "万平方米"),
    ("200多家", 200, "more_than", "家"),
    ("超10亿元", 10, "more_than", "亿元"),
    ("达4.2%", 4.2, "exact", "%"),
    ("超70%", 70, "more_than", "%"),
    ("超30件", 30, "more_than", "件"),
    ("超1600家", 1600, "more_than", "家"),
    ("突破20家", 20, "more_than", "家"),
    ("20万平方米以上", 20, "at_least", "万平方米"),
    ("1600家以上", 1600, "at_least", "家"),
    ("超700个", 700, "more_than", "个"),
    ("达600人", 600, "exact", "人"),
    ("400个以上", 400, "at_least", "个"),
    # rs: notes and unit remarks
    ("超过1.57万家", 15700, "more_than", "家"),
    ("1.34万家", 13400, "exact", "家"),
    ("11000余家", 11000, "more_than", "家"),
    ("近18000家", 18000, "nearly", "家"),
    ("2.23万家", 22300, "exact", "家"),
    ("超2700家", 2700, "more_than", "家"),
    ("2.4万亿元", 24000, "exact", "亿元"),
    ("4.69万亿元", 46900, "exact", "亿元"),
    ("超7.8万亿元", 78000, "more_than", "亿元"),
    ("突破1000亿元", 1000, "more_than", "亿元"),
    ("超过800亿元", 800, "more_than", "亿元"),
    ("近70件", 70, "nearly", "件"),
    ("30余件", 30, "more_than", "件"),
    ("超过49件", 49, "more_than", "件"),
    ("突破60件", 60, "more_than", "件"),
    ("首次突破3%", 3, "more_than", "%"),
    ("2.7%左右", 2.7, "about", "%"),
    ("144万人", 144, "exact", "万人"),      # 万 before 人 belongs to the unit 万人
    ("82.86万", 828600, "exact", None),   # a bare 万 is a multiplier: the caller gives the unit
    ("10459890人", 10459890, "exact", "人"),
    ("15.49万元", 15.49, "exact", "万元"),
    ("132.4万件", 1324000, "exact", "件"),
    ("53.7件", 53.7, "exact", "件"),
    # cnp: quotes
    ("2.55%以上", 2.55, "at_least", "%"),
    ("1.84%", 1.84, "exact", "%"),
    ("达到3.08%", 3.08, "exact", "%"),
    ("12.5件", 12.5, "exact", "件"),
    ("0.64個百分點", 0.64, "exact", "个百分点"),
    # data/raw README value forms and the remaining qualifier words of the design
    ("１，２３４", 1234, "exact", None),
    ("1,234", 1234, "exact", None),
    ("１２．５％", 12.5, "exact", "%"),
    ("约3.2%", 3.2, "about", "%"),
    ("不低于3%", 3, "at_least", "%"),
    ("5%以内", 5, "at_most", "%"),
    ("不超过5%", 5, "at_most", "%"),
    ("超过50%以上", 50, "more_than", "%"),   # redundant floor, common in reports
    ("−3.2%", -3.2, "exact", "%"),
]


@pytest.mark.parametrize(("text", "value", "qualifier", "unit"), NUMBER_FORMS)
def test_parse_number_forms(text, value, qualifier, unit):
    got = parse_number(text)
    assert got.value == pytest.approx(value, rel=1e-12)
    assert (got.qualifier, got.unit, got.text) == (qualifier, unit, text)


def test_multiplier_is_exact_not_float_rounded():
    # 1.57 * 10000 in binary floating point is 15700.000000000002
    assert parse_number("1.57万家").value == 15700.0


@pytest.mark.parametrize(("text", "reason"), [
    ("—", r"no value printed \('—'\)"),
    ("－", "no value printed"),
    ("-", "no value printed"),
    ("…", "no value printed"),
    ("", "no value printed"),
    ("3.3.4", "two decimal points"),
    ("1,23", "misplaced thousands separator"),
    ("超3%左右", "conflicting qualifier words"),
    ("21所", "unexpected text '所' after the figure"),
    ("百分之三", "no digits"),   # Chinese numerals are not supported (see module docstring)
    ("3 apples", "unexpected text"),
    ("3-5", "unexpected text '-5' after the figure"),   # ranges are not figures (plan: 通过3-5年左右的建设)
])
def test_parse_number_refuses_with_reason(text, reason):
    with pytest.raises(ParseError, match=reason) as info:
        parse_number(text)
    assert f"cannot read {text!r} as a number" in str(info.value)


def test_find_numbers_in_plan_prose():
    found = find_numbers("到2025年省级企业研发机构达250家，年评价入库科技型中小企业1500家以上")
    assert [(n.value, n.qualifier, n.unit) for n in found] == [
        (2025, "exact", None), (250, "exact", "家"), (1500, "at_least", "家")]
    assert found[2].text == "1500家以上"


# -- units --------------------------------------------------------------------------

@pytest.mark.parametrize(("printed", "canonical"), [
    ("件/万人", "件/万人"), ("件每万人", "件/万人"), ("patents per 10k people", "件/万人"),
    ("％", "%"), ("% of GDP", "%"), ("percentage points", "个百分点"), ("百分点", "个百分点"),
    ("亿元", "亿元"), ("万平方米", "万平方米"), ("个", "个"),
])
def test_canonical_unit(printed, canonical):
    assert canonical_unit(printed) == canonical
    assert canonical_unit(canonical) == canonical


def test_canonical_unit_refuses_unknown():
    with pytest.raises(UnitError, match="unknown unit 'patents'"):
        canonical_unit("patents")


@pytest.mark.parametrize(("value", "src", "dst", "expected"), [
    (10.8, "亿元", "万元", 108000),
    (108000, "万元", "亿元", 10.8),
    (1_653_570_000, "元", "亿元", 16.5357),
    (82.86, "万人", "人", 828600),
    (10459890, "人", "万人", 1045.989),
    (3.34, "%", "%", 3.34),
])
def test_convert_unit(value, src, dst, expected):
    assert convert_unit(value, src, dst) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("src", "dst"), [("%", "件"), ("个百分点", "%"), ("件", "家"), ("亿元", "万人"), ("件", "bogus")])
def test_convert_unit_refuses_across_dimensions(src, dst):
    with pytest.raises(UnitError) as info:
        convert_unit(1.0, src, dst)
    assert repr(src) in str(info.value) and repr(dst) in str(info.value)


def test_unit_dimension_marks_counts():
    assert unit_dimension("万人") == unit_dimension("人") == "count:人"
    assert unit_dimension("%") != unit_dimension("个百分点")


# -- stated changes (the plan's own sentences, chapter 1) ------------------------------

PLAN_CHANGES = [
    # (later value, change text, kind, amount, unit, earlier, arithmetic)
    (3.34, "较“十二五”末提高1.04个百分点", "pp", 1.04, "个百分点", 2.30, "3.34 - 1.04 = 2.30"),
    (676, "较“十二五”末增加459家", "abs", 459, "家", 217, "676 - 459 = 217"),
    (72, "较“十二五”末增加45.5件", "abs", 45.5, "件", 26.5, "72 - 45.5 = 26.5"),
    (50, "提高14.8个百分点", "pp", 14.8, "个百分点", 35.2, "50 - 14.8 = 35.2"),
]


@pytest.mark.parametrize(("later", "text", "kind", "amount", "unit", "earlier", "arithmetic"), PLAN_CHANGES)
def test_plan_changes_back_out(later, text, kind, amount, unit, earlier, arithmetic):
    change = parse_change(text)
    assert (change.kind, change.unit, change.text) == (kind, unit, text)
    assert change.amount == pytest.approx(amount)
    derived = earlier_from_change(later, change)
    assert derived.value == pytest.approx(earlier)
    assert derived.arithmetic == arithmetic
    assert later_from_change(derived.value, change).value == pytest.approx(later)


def test_change_reference_is_kept():
    assert parse_change("较“十二五”末提高1.04个百分点").reference == "“十二五”末"
    assert parse_change("提高14.8个百分点").reference is None


@pytest.mark.parametrize(("text", "kind", "amount", "unit"), [
    ("增长20.8%", "pct", 20.8, "%"),                                  # brief
    ("比上年下降0.5个百分点", "pp", -0.5, "个百分点"),
    ("比2010年提高了0.64個百分點", "pp", 0.64, "个百分点"),            # cnp, Anhui
    ("较十一五末增长81%", "pct", 81, "%"),                             # rs, Changshu
    ("减少0.74万", "abs", -7400, None),                                # rs, Zhangjiagang "down 0.74万" (wording ours)
    ("是2015年的1.8倍", "times", 1.8, "倍"),                           # 是…的x倍: factor x
    ("增长3倍", "times", 4, "倍"),                                     # 增长x倍: factor 1 + x
])
def test_parse_change_kinds(text, kind, amount, unit):
    change = parse_change(text)
    assert (change.kind, change.unit) == (kind, unit)
    assert change.amount == pytest.approx(amount)


def test_pct_and_times_back_out():
    d = earlier_from_change(10.8, parse_change("增长20.8%"))
    assert d.value == pytest.approx(10.8 / 1.208)
    assert d.arithmetic == "10.8 / (1 + 20.8/100) = 8.940"
    assert earlier_from_change(2.1, parse_change("是2015年的1.8倍")).value == pytest.approx(2.1 / 1.8)
    assert earlier_from_change(8, parse_change("增长3倍")).value == pytest.approx(2)
    assert earlier_from_change(3.84, parse_change("下降0.5个百分点")).arithmetic == "3.84 + 0.5 = 4.34"


@pytest.mark.parametrize(("text", "reason"), [
    ("提高到42.7%", "states a level, not a change"),                  # cnp, Jiangsu
    ("分别提高11.8、13.6个百分点", "more than one change"),              # rs, Taicang 2017 work report
    ("全社会研发投入达1800亿元", "no 提高/增加/增长/下降/减少"),
    ("增加很多", "cannot read"),
])
def test_parse_change_refuses(text, reason):
    with pytest.raises(ParseError, match=reason):
        parse_change(text)


# -- period years ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "year"), [
    ("“十三五”末", 2020), ("十二五末", 2015), ("十四五", 2025), ("“十一五”末", 2010),
    ("“十三五”规划目标", 2020), ("2020年", 2020), ("2020年底", 2020), ("2020年末", 2020),
    ("2025年目标", 2025), ("截至2020年底", 2020), ("十五", 2005),
])
def test_period_end_year(text, year):
    assert period_end_year(text) == year


@pytest.mark.parametrize(("text", "reason"), [
    ("“十四五”初", "start of the plan period"),
    ("2020年初", "start of the year"),
    ("上年", "no “十X五” plan period or YYYY年"),
    ("2015年至2020年", "several years"),
])
def test_period_end_year_refuses(text, reason):
    with pytest.raises(ParseError, match=reason):
        period_end_year(text)
