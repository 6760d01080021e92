"""Published number text → values, units, stated changes and period years.

Chinese statistical text prints figures as ``超过1.57万家``, ``70左右``,
``１，２３４``, ``较“十二五”末提高1.04个百分点``.  Everything downstream needs
the number, the hedge word around it (the *qualifier*) and the unit kept apart,
and a derived figure needs its arithmetic written down.  This module does that
reading once, with errors that quote the text and say why it was refused.

Not supported (an error, never a guess): Chinese numerals in figures
(``百分之三``, ``三成``, ``翻一番``), ranges (``3-5``), traditional characters
other than in ``個百分點``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, localcontext

__all__ = [
    "ParseError", "UnitError", "ParsedNumber", "StatedChange", "Derived",
    "QUALIFIERS", "parse_number", "find_numbers", "canonical_unit", "unit_dimension",
    "convert_unit", "parse_change", "earlier_from_change", "later_from_change", "period_end_year",
]


class ParseError(ValueError):
    """Text that cannot be read as what was asked for; the message quotes it."""


class UnitError(ValueError):
    """A unit that is unknown or does not convert; the message names the units."""


# -- text normalisation ------------------------------------------------------------

# Full-width ASCII forms (０-９ ． ， ％ － ／ …) map one-to-one onto ASCII, so
# positions in the normalised text are positions in the original.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x2212: 0x2D}


def _halfwidth(text: str) -> str:
    return text.translate(_FULLWIDTH)


_NO_VALUE = frozenset({"", "—", "——", "-", "--", "–", "…", "……", "...", "/", "－", "－－"})

# -- units -------------------------------------------------------------------------

# canonical unit -> (dimension, factor to the dimension's base unit).  Count nouns are
# separate dimensions ("count:家" never becomes "count:件"); 万人 is 10 000 人.
_UNITS: dict[str, tuple[str, int]] = {
    "%": ("share", 1),
    "个百分点": ("share change", 1),
    "倍": ("ratio", 1),
    "元": ("money", 1), "万元": ("money", 10**4), "亿元": ("money", 10**8),
    "人": ("count:人", 1), "万人": ("count:人", 10**4),
    "平方米": ("area", 1), "万平方米": ("area", 10**4),
    "件/万人": ("件 per 10k people", 1), "人/万人": ("人 per 10k people", 1),
    "件": ("count:件", 1), "家": ("count:家", 1), "个": ("count:个", 1),
    "项": ("count:项", 1), "支": ("count:支", 1),
}

# printed spellings -> canonical unit (matched after whitespace removal, case-folded)
_ALIASES: dict[str, str] = {
    "％": "%", "%ofgdp": "%", "percent": "%",
    "百分点": "个百分点", "個百分點": "个百分点", "percentagepoints": "个百分点",
    "percentagepoint": "个百分点", "pp": "个百分点",
    "件每万人": "件/万人", "件/万人口": "件/万人", "件每万人口": "件/万人",
    "patentsper10kpeople": "件/万人", "patentsper10kpop": "件/万人",
    "patentsper10,000people": "件/万人",
    "人每万人": "人/万人", "人/万人口": "人/万人",
}

# the units the number scanner recognises right after a figure, longest first so
# 万平方米 wins over 万 and 个百分点 over 个
_PRINTED_UNITS = sorted(
    # English spellings are accepted by canonical_unit, never in running text
    (u for u in [*_UNITS, *_ALIASES] if not re.search(r"[a-z]", u)),
    key=len, reverse=True,
)


def canonical_unit(unit_text: str) -> str:
    """The one spelling of a unit used everywhere after reading.

    Raises
    ------
    UnitError
        For a unit this project does not know (a typo must not pass as a new unit).
    """
    key = re.sub(r"\s+", "", _halfwidth(unit_text)).casefold()
    if key in _UNITS:
        return key
    if key in _ALIASES:
        return _ALIASES[key]
    raise UnitError(f"unknown unit {unit_text!r}; known: {', '.join(_UNITS)}")


def unit_dimension(unit: str) -> str:
    """What a unit measures; two units convert only if this is equal.

    Counts are ``"count:<noun>"`` so a caller can tell a count from an amount.
    """
    return _UNITS[canonical_unit(unit)][0]


def _decimal(x: float) -> Decimal:
    """The shortest decimal that prints as ``x``: 3.34 stays 3.34, not 3.3399999…"""
    d = Decimal(repr(float(x)))
    return Decimal(int(d)) if d.is_finite() and d == d.to_integral_value() else d


def convert_unit(value: float, from_unit: str, to_unit: str) -> float:
    """Re-express a value in another unit of the same dimension.

    Works in decimal so 10.8 亿元 is exactly 108000 万元.

    Raises
    ------
    UnitError
        Naming both units when they measure different things (a % never becomes 件).
    """
    try:
        src, dst = canonical_unit(from_unit), canonical_unit(to_unit)
    except UnitError as exc:
        raise UnitError(f"cannot convert {from_unit!r} to {to_unit!r}: {exc}") from None
    (dim_src, f_src), (dim_dst, f_dst) = _UNITS[src], _UNITS[dst]
    if dim_src != dim_dst:
        raise UnitError(f"cannot convert {from_unit!r} ({dim_src}) to {to_unit!r} ({dim_dst})")
    if f_src == f_dst:
        return float(value)
    with localcontext() as ctx:
        ctx.prec = 40
        return float(_decimal(value) * f_src / f_dst)


# -- numbers -----------------------------------------------------------------------

QUALIFIERS = ("exact", "about", "more_than", "at_least", "nearly", "at_most")

_PREFIX_WORDS = {
    "首次突破": "more_than", "突破": "more_than", "超过": "more_than", "超": "more_than", "逾": "more_than",
    "大约": "about", "约": "about",
    "将近": "nearly", "接近": "nearly", "近": "nearly",
    "不低于": "at_least", "不少于": "at_least",
    "不超过": "at_most", "不高于": "at_most",
}
_MID_WORDS = {"余": "more_than", "多": "more_than"}  # between figure and unit: 11000余家, 200多家
_SUFFIX_WORDS = {"左右": "about", "以上": "at_least", "以下": "at_most", "以内": "at_most", "多": "more_than"}
_LEAD_WORDS = ("达到", "达")  # "reaches": the figure itself, no hedge


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUMBER_RE = re.compile(
    rf"""
    (?:{_alt(_LEAD_WORDS)})?
    (?P<pre>{_alt(_PREFIX_WORDS)})?
    (?P<sign>(?<![\d.])[-+])?      # not the dash of a range (3-5)
    (?P<num>(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?)(?!\d|,\d)
    (?P<mid1>{_alt(_MID_WORDS)})?
    (?:
        (?P<unit_a>{_alt(_PRINTED_UNITS)})
      | (?P<mult>万亿(?!元)|万|亿)(?P<mid2>{_alt(_MID_WORDS)})?(?P<unit_b>{_alt(_PRINTED_UNITS)})?
    )?
    (?P<post>{_alt(_SUFFIX_WORDS)})?
    """,
    re.VERBOSE,
)
_MULTIPLIERS = {"万": 10**4, "亿": 10**8, "万亿": 10**12}


@dataclass(frozen=True)
class ParsedNumber:
    """A printed figure read into value, hedge word and unit.

    ``value`` has 万/亿 multipliers applied unless they belong to the unit
    (``1.57万家`` is 15700 家, ``82.86万人`` is 82.86 万人, ``2.4万亿元`` is 24000 亿元).
    A bare ``82.86万`` is 828600 with no unit: the caller supplies the unit.
    """

    value: float
    qualifier: str
    unit: str | None
    text: str


def _qualifier(text: str, m: re.Match) -> str:
    found = [table[m[g]] for g, table in (("pre", _PREFIX_WORDS), ("mid1", _MID_WORDS),
                                         ("mid2", _MID_WORDS), ("post", _SUFFIX_WORDS)) if m[g]]
    kinds = set(found)
    if kinds == {"more_than", "at_least"}:  # 超过…以上: a redundant floor, read as "more than"
        return "more_than"
    if len(kinds) > 1:
        raise ParseError(f"cannot read {text!r} as a number: "
                         f"conflicting qualifier words ({', '.join(found)})")
    return found[0] if found else "exact"


def _from_match(text: str, m: re.Match) -> ParsedNumber:
    digits = m["num"].replace(",", "")
    value = Decimal(digits) * _MULTIPLIERS.get(m["mult"] or "", 1)
    if m["sign"] == "-":
        value = -value
    printed_unit = m["unit_a"] or m["unit_b"]
    return ParsedNumber(float(value), _qualifier(text, m),
                        canonical_unit(printed_unit) if printed_unit else None, text)


def parse_number(text: str) -> ParsedNumber:
    """Read one printed figure (a table cell or a value column), all of it.

    Raises
    ------
    ParseError
        Quoting the text and the reason: nothing printed ('—'), two decimal points,
        a misplaced thousands separator, conflicting qualifiers, words left over.
    """
    norm = re.sub(r"\s+", "", _halfwidth(text))
    if norm in _NO_VALUE:
        raise ParseError(f"cannot read {text!r} as a number: no value printed ({text.strip()!r})")
    run = re.search(r"\d[\d.,]*", norm)
    if run is None:
        raise ParseError(f"cannot read {text!r} as a number: no digits")
    if run[0].rstrip(".,").count(".") > 1:
        raise ParseError(f"cannot read {text!r} as a number: two decimal points")
    integer_part = run[0].split(".")[0].rstrip(",")
    if "," in integer_part and not re.fullmatch(r"\d{1,3}(?:,\d{3})+", integer_part):
        raise ParseError(f"cannot read {text!r} as a number: misplaced thousands separator in {run[0]!r}")
    m = _NUMBER_RE.fullmatch(norm)
    if m is None:
        head = _NUMBER_RE.match(norm)
        if head is None:
            raise ParseError(f"cannot read {text!r} as a number: unexpected text before the figure")
        raise ParseError(f"cannot read {text!r} as a number: "
                         f"unexpected text {norm[head.end():]!r} after the figure")
    return _from_match(text, m)


def find_numbers(text: str) -> tuple[ParsedNumber, ...]:
    """Every figure in running prose, in order, each with its own hedge and unit.

    For prose, where a figure is followed by ordinary words: ``到2025年省级企业研发机构达250家``
    gives 2025 (no unit: 年 is not one) and 250 家.  ``ParsedNumber.text`` is the span as printed.
    """
    norm = _halfwidth(text)
    found = []
    for m in _NUMBER_RE.finditer(norm):
        try:
            found.append(_from_match(text[m.start():m.end()], m))
        except ParseError:
            continue  # conflicting hedge words in prose: not a figure we can vouch for
    return tuple(found)


# -- stated changes ----------------------------------------------------------------

_UP = ("提高", "提升", "增加", "增长", "上升")
_DOWN = ("下降", "降低", "减少", "回落", "下滑")
_CHANGE_RE = re.compile(rf"(?P<verb>{_alt(_UP + _DOWN)})了?(?P<rest>[^，,。；;、]*)")
_TIMES_OF_RE = re.compile(r"(?:是|为)(?P<ref>[^，,。；;]*?)的(?P<num>\d+(?:\.\d+)?)倍")


@dataclass(frozen=True)
class StatedChange:
    """A change the text states instead of a level (``较“十二五”末提高1.04个百分点``).

    ``kind`` is ``pp`` (个百分点), ``pct`` (%), ``abs`` (any other unit) or ``times``.
    ``amount`` is signed (下降/减少 negative); for ``times`` it is the factor
    later / earlier: ``是…的4倍`` is 4, ``增长3倍`` is 4 (增长x倍 means ×(1+x)).
    ``reference`` is what the change is measured against, as printed (``“十二五”末``).
    """

    kind: str
    amount: float
    unit: str | None
    text: str
    qualifier: str = "exact"
    reference: str | None = None


def _reference(prefix: str) -> str | None:
    ref = re.sub(r"^(?:较|比|与)", "", prefix.strip()).removesuffix("相比").strip()
    return ref or None


def parse_change(text: str) -> StatedChange:
    """Read the one change a phrase states.

    Raises
    ------
    ParseError
        If the phrase states a level (``提高到42.7%``), several changes
        (``分别提高11.8、13.6个百分点``), or none.
    """
    norm = _halfwidth(text)
    times = _TIMES_OF_RE.search(norm)
    if times:
        return StatedChange("times", float(times["num"]), "倍", text, "exact", _reference(times["ref"]))
    matches = list(_CHANGE_RE.finditer(norm))
    if not matches:
        raise ParseError(f"cannot read {text!r} as a change: no 提高/增加/增长/下降/减少 followed by a figure")
    if len(matches) > 1:
        raise ParseError(f"cannot read {text!r} as a change: more than one change stated")
    m = matches[0]
    rest = m["rest"]
    if re.match(r"(?:到|至)", rest):
        raise ParseError(f"cannot read {text!r} as a change: "
                         f"'{m['verb']}{rest[:1]}' states a level, not a change")
    if re.search(r"、\d", norm[m.end():m.end() + 2]) or "分别" in norm:
        raise ParseError(f"cannot read {text!r} as a change: more than one change stated (分别/、)")
    sign = -1 if m["verb"] in _DOWN else 1
    try:
        number = parse_number(rest)
    except ParseError as exc:
        raise ParseError(f"cannot read {text!r} as a change: {exc}") from None
    reference = _reference(norm[:m.start()])
    if number.unit == "倍":  # 增长x倍 = ×(1+x); 下降x倍 has no agreed meaning
        if sign < 0:
            raise ParseError(f"cannot read {text!r} as a change: '{m['verb']}…倍' has no defined factor")
        return StatedChange("times", 1 + number.value, "倍", text, number.qualifier, reference)
    kind = {"个百分点": "pp", "%": "pct"}.get(number.unit or "", "abs")
    return StatedChange(kind, sign * number.value, number.unit, text, number.qualifier, reference)


@dataclass(frozen=True)
class Derived:
    """A value worked out from a stated change, with the arithmetic to check it by."""

    value: float
    arithmetic: str


def _fmt(d: Decimal) -> str:
    return format(d, "f")


def _places(*xs: Decimal) -> int:
    return max(max(-x.as_tuple().exponent, 0) for x in xs)


def _apply(start: float, change: StatedChange, *, forward: bool) -> Derived:
    """later = start ⊕ change (forward) or earlier = start ⊖ change (backward)."""
    a, x = _decimal(start), _decimal(change.amount)
    with localcontext() as ctx:
        ctx.prec = 40
        if change.kind in ("pp", "abs"):
            result = a + x if forward else a - x
            op = "+" if forward == (x >= 0) else "-"
            return Derived(float(result), f"{_fmt(a)} {op} {_fmt(abs(x))} = {_fmt(result)}")
        if change.kind == "pct":
            factor, shown = 1 + x / 100, f"(1 {'+' if x >= 0 else '-'} {_fmt(abs(x))}/100)"
        elif change.kind == "times":
            factor, shown = x, _fmt(x)
        else:
            raise ValueError(f"unknown change kind {change.kind!r}")
        if factor <= 0:
            raise ValueError(f"the change {change.text!r} leaves nothing to back out (factor {_fmt(factor)})")
        result = a * factor if forward else a / factor
        rounded = round(result, min(_places(a, x) + 2, 6))
        return Derived(float(result), f"{_fmt(a)} {'*' if forward else '/'} {shown} = {_fmt(rounded)}")


def earlier_from_change(later: float, change: StatedChange) -> Derived:
    """The earlier level implied by a later level and the change stated between them.

    Notes
    -----
    pp, abs: ``later - amount``; pct: ``later / (1 + amount/100)``; times: ``later / amount``.
    pp and abs are exact in decimal (3.34 - 1.04 = 2.30); pct and times are not
    rounded in ``value``, only in the printed arithmetic.
    """
    return _apply(later, change, forward=False)


def later_from_change(earlier: float, change: StatedChange) -> Derived:
    """The later level implied by an earlier level and a stated change (inverse of the above)."""
    return _apply(earlier, change, forward=True)


# -- period years ------------------------------------------------------------------

_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
_CN_DIGIT_RE = "[一二三四五六七八九]"
_FYP_RE = re.compile(rf"(?P<n>{_CN_DIGIT_RE}?十{_CN_DIGIT_RE}?|{_CN_DIGIT_RE})五”?(?P<tail>期初|初|开局)?")
_YEAR_RE = re.compile(r"(?<!\d)(?P<y>\d{4})年(?P<tail>初)?")
_FIRST_PLANS = {1: 1957, 2: 1962}  # before the 1963-65 adjustment years; from the 3rd on, 5-year steps


def _cn_number(s: str) -> int:
    if "十" not in s:
        return _CN_DIGITS[s]
    tens, _, units = s.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def period_end_year(text: str) -> int:
    """The year a period phrase points to: a plan period's last year, or the year named.

    ``“十三五”末`` and ``十四五`` give 2020 and 2025 (the n-th plan ends in 1955 + 5n
    from the 3rd on); ``2020年``, ``2020年底/末`` give 2020.

    Raises
    ------
    ParseError
        If there is no period, more than one, or it names the start (``“十四五”初``).
    """
    norm = _halfwidth(text)
    refused = f"cannot read {text!r} as a period end"
    years: set[int] = set()
    for m in _FYP_RE.finditer(norm):
        if m["tail"]:
            raise ParseError(f"{refused}: '{m[0]}' refers to the start of the plan period")
        n = _cn_number(m["n"])
        years.add(_FIRST_PLANS.get(n, 1955 + 5 * n))
    for m in _YEAR_RE.finditer(norm):
        if m["tail"]:
            raise ParseError(f"{refused}: '{m[0]}' refers to the start of the year")
        years.add(int(m["y"]))
    if not years:
        raise ParseError(f"{refused}: no “十X五” plan period or YYYY年 in it")
    if len(years) > 1:
        raise ParseError(f"{refused}: it names several years ({', '.join(map(str, sorted(years)))})")
    return years.pop()
