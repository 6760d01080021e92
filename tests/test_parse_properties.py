"""parse: properties over many printings of a number, many unit pairs and changes."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taicang_analysis.data.parse import (
    StatedChange, UnitError, convert_unit, earlier_from_change, later_from_change, parse_number,
)

# (text before the figure, between figure and unit, after the unit, expected qualifier)
HEDGES = [
    ("", "", "", "exact"), ("达到", "", "", "exact"), ("达", "", "", "exact"),
    ("约", "", "", "about"), ("大约", "", "", "about"), ("", "", "左右", "about"),
    ("超", "", "", "more_than"), ("超过", "", "", "more_than"), ("突破", "", "", "more_than"),
    ("逾", "", "", "more_than"), ("", "余", "", "more_than"), ("", "多", "", "more_than"),
    ("近", "", "", "nearly"), ("接近", "", "", "nearly"), ("将近", "", "", "nearly"),
    ("不低于", "", "", "at_least"), ("不少于", "", "", "at_least"), ("", "", "以上", "at_least"),
    ("不超过", "", "", "at_most"), ("", "", "以下", "at_most"), ("", "", "以内", "at_most"),
]
UNITS = ["", "%", "个百分点", "家", "件", "人", "个", "亿元", "万元", "万人", "万平方米", "件/万人"]
FULLWIDTH = str.maketrans("0123456789.,%", "０１２３４５６７８９．，％")


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    return ",".join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


@st.composite
def printed_numbers(draw):
    integer = str(draw(st.integers(min_value=0, max_value=10**12)))
    decimals = draw(st.text(alphabet="0123456789", max_size=4))
    number = (_group(integer) if draw(st.booleans()) else integer) + (f".{decimals}" if decimals else "")
    pre, mid, post, qualifier = draw(st.sampled_from(HEDGES))
    unit = draw(st.sampled_from(UNITS))
    text = pre + number + mid + unit + post
    # each character printed half- or full-width independently
    wide = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    text = "".join(c.translate(FULLWIDTH) if w else c for c, w in zip(text, wide))
    return text, float(Decimal(integer + (f".{decimals}" if decimals else ""))), qualifier, unit or None


@given(printed_numbers())
def test_printed_number_round_trips(case):
    text, value, qualifier, unit = case
    got = parse_number(text)
    assert (got.value, got.qualifier, got.unit) == (value, qualifier, unit)


GROUPS = [("元", "万元", "亿元"), ("人", "万人"), ("平方米", "万平方米"), ("%",), ("件/万人",)]
finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@given(st.sampled_from(GROUPS).flatmap(lambda g: st.tuples(*[st.sampled_from(g)] * 3)), finite)
def test_convert_there_and_back_and_composes(units, x):
    a, b, c = units
    assert convert_unit(convert_unit(x, a, b), b, a) == pytest.approx(x, rel=1e-12, abs=1e-300)
    assert convert_unit(convert_unit(x, a, b), b, c) == pytest.approx(convert_unit(x, a, c), rel=1e-12, abs=1e-300)


@given(st.sampled_from(GROUPS), st.sampled_from(GROUPS), finite)
def test_convert_refuses_across_groups(g1, g2, x):
    if g1 == g2:
        return
    with pytest.raises(UnitError):
        convert_unit(x, g1[0], g2[0])


changes = st.one_of(
    st.builds(StatedChange, st.just("pp"), st.floats(-50, 50), st.just("个百分点"), st.just("提高x个百分点")),
    st.builds(StatedChange, st.just("abs"), finite, st.just("家"), st.just("增加x家")),
    st.builds(StatedChange, st.just("pct"), st.floats(-99, 1000), st.just("%"), st.just("增长x%")),
    st.builds(StatedChange, st.just("times"), st.floats(0.01, 100), st.just("倍"), st.just("是…的x倍")),
)


@given(finite, changes)
def test_backing_out_inverts_applying(x, change):
    later = later_from_change(x, change).value
    # floats are read as their shortest printed decimal, so the error scales with the larger operand
    scale = max(abs(x), abs(later), abs(change.amount), 1.0)
    assert earlier_from_change(later, change).value == pytest.approx(x, rel=1e-9, abs=1e-12 * scale)
