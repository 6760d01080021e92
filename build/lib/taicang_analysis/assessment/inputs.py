"""Checked inputs: one as-of type, one error type, and the checks every entry runs before any work.

The API, the CLI and the notebooks pass what a person typed; these functions
turn it into typed values or raise `InputError` naming the argument and the
value, so no bad input reaches a model (and none ends in a traceback).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data import registry

MAX_HORIZON_YEARS = 30  # a target year further than this beyond the as-of is refused
MIN_DRAWS = 100
KINDS = ("share", "rate", "count", "level")
COMPARATORS = ("ge", "le", "about")
DIRECTIONS = ("up", "down")
# the scale of the models for each registry kind
KIND_OF = {"share": "share", "per_10k": "rate", "ratio": "rate", "stock": "count", "flow": "count",
           "period_total": "count", "level": "level"}
# the natural bounds of each model kind: a share is a percentage, a rate or a count is not negative
BOUNDS_OF_KIND = {"share": (0.0, 100.0), "rate": (0.0, math.inf), "count": (0.0, math.inf),
                  "level": (-math.inf, math.inf)}


_NO_VALUE = object()


class InputError(ValueError):
    """A bad argument or input series, found before any work: the message names the argument and value.

    ``argument`` (the API's parameter name), ``value`` and ``reason`` are kept apart so the
    CLI can name its own flag (``--as-of``) instead of the parameter (``as_of``).
    """

    def __init__(self, argument: str, value=_NO_VALUE, reason: str = ""):
        self.argument, self.value, self.reason = argument, value, reason
        super().__init__(f"{argument}: {reason}" if value is _NO_VALUE else f"{argument}={value!r}: {reason}")

    @property
    def has_value(self) -> bool:
        return self.value is not _NO_VALUE


@dataclass(frozen=True, order=True)
class AsOf:
    """What was known at a date: ``AsOf.parse('2023-06-30')``, ``AsOf.parse(2023)`` (its 31 December),
    a ``datetime.date``, or ``None`` (everything published; ``date`` is then None)."""

    date: dt.date | None = None

    @classmethod
    def parse(cls, value, *, argument: str = "as_of") -> AsOf:
        if isinstance(value, AsOf):
            return value
        if value is None:
            return cls(None)
        if isinstance(value, dt.datetime):
            return cls(value.date())
        if isinstance(value, dt.date):
            return cls(value)
        if isinstance(value, bool):
            raise InputError(argument, value, "not a date (YYYY-MM-DD) or a year")
        if isinstance(value, numbers.Integral) or (isinstance(value, float) and float(value).is_integer()):
            return cls(_year_end(int(value), value, argument))
        if isinstance(value, str):
            text = value.strip()
            if len(text) == 4 and text.isdigit():
                return cls(_year_end(int(text), value, argument))
            try:
                return cls(dt.date.fromisoformat(text))
            except ValueError as exc:
                raise InputError(argument, value, f"not a date (YYYY-MM-DD) or a year ({exc})") from None
        raise InputError(argument, value, f"not a date (YYYY-MM-DD) or a year (got {type(value).__name__})")

    @property
    def year(self) -> int | None:
        return None if self.date is None else self.date.year

    @property
    def iso(self) -> str | None:
        """'YYYY-MM-DD' (what the processed tables' ``published`` column holds), or None."""
        return None if self.date is None else self.date.isoformat()

    def __str__(self) -> str:
        return "everything published" if self.date is None else self.date.isoformat()


def _year_end(year: int, value, argument: str) -> dt.date:
    if not 1900 <= year <= 2200:
        raise InputError(argument, value, "not a date (YYYY-MM-DD) or a year: a year must be between 1900 and 2200")
    return dt.date(year, 12, 31)


def check_choice(argument: str, value, choices) -> str:
    if value not in choices:
        raise InputError(argument, value, f"must be one of {', '.join(map(str, choices))}")
    return value


def check_int(argument: str, value, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputError(argument, value, "must be an integer")
    if minimum is not None and value < minimum:
        raise InputError(argument, value, f"must be at least {minimum}")
    return int(value)


def check_draws(value, argument: str = "draws") -> int:
    """Predictive draws per model: an integer of at least MIN_DRAWS."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputError(argument, value, "must be an integer (predictive draws per model)")
    if value < MIN_DRAWS:
        raise InputError(argument, value, f"n_draws must be at least {MIN_DRAWS} (predictive draws per model)")
    return int(value)


def check_number(argument: str, value, *, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise InputError(argument, value, "must be a finite number")
    return float(value)


def check_growth(argument: str, value) -> float | None:
    """A growth rate per year as a fraction (0.06 = 6 %/yr): finite and above -100 %."""
    g = check_number(argument, value, allow_none=True)
    if g is not None and not g > -1:
        raise InputError(argument, value, "a growth rate must be above -1 (-100 %/yr)")
    if g is not None and g > 1:
        raise InputError(argument, value, f"a growth rate is a fraction per year (0.06 = 6 %/yr); "
                                          f"{g:g} would be {g:.0%}/yr")
    return g


def indicator(value) -> registry.Indicator:
    if isinstance(value, registry.Indicator):
        return value
    if not isinstance(value, str) or value not in registry.BY_ID:
        raise InputError("indicator", value, f"unknown indicator {value!r}; known: {', '.join(sorted(registry.BY_ID))}")
    return registry.BY_ID[value]


def check_value_in_bounds(argument: str, value: float, kind: str, bounds=None, *, where: str | None = None) -> None:
    lo, hi = bounds if bounds is not None else BOUNDS_OF_KIND[kind]
    if not lo <= value <= hi:
        what = {"share": "a share is a percentage between 0 and 100",
                "rate": "a rate cannot be negative", "count": "a count cannot be negative"}.get(
            kind, f"outside the bounds [{lo:g}, {hi:g}]")
        if where is None:
            raise InputError(argument, value, f"{what} (kind {kind!r})")
        raise InputError(argument, reason=f"{where} ({value:g}): {what} (kind {kind!r})")


def check_target_year(target_year, *, first_year: int | None, as_of: AsOf) -> int:
    """A target year inside the data and at most MAX_HORIZON_YEARS beyond the as-of (today when None)."""
    year = check_int("target_year", target_year)
    if first_year is not None and year < first_year:
        raise InputError("target_year", year, f"before the first observation ({first_year}): "
                                              "nothing can be said about a target before the data")
    origin = as_of.year if as_of.year is not None else dt.date.today().year
    if year > origin + MAX_HORIZON_YEARS:
        raise InputError("target_year", year, f"more than {MAX_HORIZON_YEARS} years beyond the as-of year {origin}")
    if year < 1900:
        raise InputError("target_year", year, "not a plausible year")
    return year


def series(values, *, kind: str, bounds=None, argument: str = "series") -> pd.Series:
    """A researcher's series (pandas Series or {year: value}) as floats by integer year, checked.

    Missing values (NaN/None) are dropped -- gaps stay gaps; every other value
    must be a finite number within the kind's bounds, every year an integer,
    and at least one year must be usable.
    """
    if isinstance(values, pd.DataFrame):
        raise InputError(argument, reason="a DataFrame; pass one column (a Series indexed by year) or a {year: value} dict")
    if isinstance(values, dict):
        values = pd.Series(values, dtype=object)
    if not isinstance(values, pd.Series):
        raise InputError(argument, reason="must be a pandas Series indexed by year or a {year: value} dict; "
                                          f"got {type(values).__name__}")
    years, out = [], []
    for year, value in values.items():
        if isinstance(year, bool) or not (isinstance(year, numbers.Integral) or (
                isinstance(year, (float, np.floating)) and float(year).is_integer())
                or (isinstance(year, str) and year.strip().isdigit())):
            raise InputError(argument, reason=f"year {year!r} is not a year")
        y = int(float(year))
        if not 1900 <= y <= 2200:
            raise InputError(argument, reason=f"year {y} is not a plausible year (1900-2200)")
        if value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)) or value is pd.NA:
            continue
        if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.number)):
            raise InputError(argument, reason=f"the value for {y} ({value!r}) is not a number")
        v = float(value)
        if not math.isfinite(v):
            raise InputError(argument, reason=f"the value for {y} ({value!r}) is not finite")
        check_value_in_bounds(argument, v, kind, bounds, where=f"the value for {y}")
        years.append(y)
        out.append(v)
    s = pd.Series(out, index=pd.Index(years, dtype="int64"), dtype=float, name=values.name)
    if s.empty:
        raise InputError(argument, reason="no usable year (every value is missing)")
    dup = s.index[s.index.duplicated()]
    if len(dup):
        raise InputError(argument, reason=f"year {dup[0]} appears more than once")
    return s.sort_index()
