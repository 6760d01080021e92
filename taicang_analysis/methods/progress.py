"""Growth-rate progress methods: is a target reachable at the pace observed so far?

Each method is a pure function of two observations (a :class:`Span`: base and
latest) and, where it needs one, a :class:`Target`; each returns a frozen
result.  Growth rates are fractions per year (0.0545 = 5.45 %/yr); increments
are in the indicator's unit per year (percentage points for shares).

Errors: invalid input (a non-positive value in a growth rate, years out of
order, an unknown direction, a target year already past) raises ``ValueError``
saying why; nothing returns ``None`` for an error.  A ratio undefined for
*valid* input -- the target equals the base value, as in "keep it at 3.5 % or
above" -- is ``None``, and the grade follows from whether the target is met.

Sources: Eurostat, *Sustainable development in the European Union -- Monitoring
report on progress towards the SDGs in an EU context* (annual; methodology in
the introduction and annex); Statistics Canada / Open SDG, "Progress Measurement
Methodology", https://open-sdg.readthedocs.io/en/latest/progress-methodology/ ,
code in open-sdg/sdg-build ``sdg/ProgressMeasure.py``; UN Statistics Division,
*SDG Progress Chart Technical Note* (2022, 2023), https://unstats.un.org/sdgs/ .

Options (:class:`ProgressOptions`, per indicator as Open SDG configures them):
the rate-ratio bands, the no-target scheme (Eurostat's 1 %/yr or Statistics
Canada's 1.5 % / 0.5 % / 0) and the base year.  Grades are the typed constants
below; no decision reads a text meant for people.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, Final, Literal

import pandas as pd

Direction = Literal["up", "down"]
Comparator = Literal["ge", "le", "about"]
RateRatioGrade = Literal["target_already_met", "on_track", "acceleration_needed", "limited_progress", "moving_away"]
TrendGrade = Literal["significant_progress", "moderate_progress", "moderate_movement_away", "significant_movement_away"]
StatCanTrendGrade = Literal["substantial_progress", "moderate_progress", "limited_progress", "deterioration"]
ProjectedGapGrade = Literal["target_already_met", "substantial_progress", "fair_progress", "marginal_progress",
                            "stagnation", "deterioration"]
NoTargetScheme = Literal["eurostat", "statcan"]

UP: Final = "up"
DOWN: Final = "down"
DIRECTIONS: Final = (UP, DOWN)
# grades, as typed constants: code compares with these, never with a sentence
TARGET_ALREADY_MET: Final = "target_already_met"
ON_TRACK: Final = "on_track"
ACCELERATION_NEEDED: Final = "acceleration_needed"
LIMITED_PROGRESS: Final = "limited_progress"
MOVING_AWAY: Final = "moving_away"
RATE_RATIO_GRADES: Final = (TARGET_ALREADY_MET, ON_TRACK, ACCELERATION_NEEDED, LIMITED_PROGRESS, MOVING_AWAY)
SIGNIFICANT_PROGRESS: Final = "significant_progress"
MODERATE_PROGRESS: Final = "moderate_progress"
MODERATE_MOVEMENT_AWAY: Final = "moderate_movement_away"
SIGNIFICANT_MOVEMENT_AWAY: Final = "significant_movement_away"
TREND_GRADES: Final = (SIGNIFICANT_PROGRESS, MODERATE_PROGRESS, MODERATE_MOVEMENT_AWAY,
                        SIGNIFICANT_MOVEMENT_AWAY)
# Statistics Canada / Open SDG no-target statuses (sdg-build ``get_progress_status``)
SUBSTANTIAL_PROGRESS: Final = "substantial_progress"
DETERIORATION: Final = "deterioration"
STATCAN_TREND_GRADES: Final = (SUBSTANTIAL_PROGRESS, MODERATE_PROGRESS, LIMITED_PROGRESS, DETERIORATION)
EUROSTAT: Final = "eurostat"
STATCAN: Final = "statcan"
NO_TARGET_SCHEMES: Final = (EUROSTAT, STATCAN)

# Bands as (lower bound, label), highest first; a value takes the first band whose
# lower bound it reaches (intervals are [lower, next upper)), else the fallback.
RATE_RATIO_BANDS = ((0.95, ON_TRACK), (0.60, ACCELERATION_NEEDED), (0.0, LIMITED_PROGRESS))
PROJECTED_GAP_BANDS = ((0.95, "substantial_progress"), (0.5, "fair_progress"), (0.1, "marginal_progress"),
                       (-0.1, "stagnation"))
NO_TARGET_SIGNIFICANT = 0.01  # Eurostat: 1 %/yr in the desired direction
STATCAN_NO_TARGET = (0.015, 0.005, 0.0)  # Statistics Canada: 1.5 %, 0.5 %, 0 %/yr in the desired direction
NATURAL_LIMIT_EXPONENT = 4.44  # Statistics Canada's exponent a in the scaling factor C
# Statistics Canada's bands compare growth rounded to 12 decimals, so 100 -> 101.5 in a year (1.5 %, which
# floating point computes as 0.014999999999999902) reaches 1.5 %; Eurostat's grading is unchanged (exact).
GRADE_DECIMALS = 12


class OptionError(ValueError):
    """A bad progress option or an option the series cannot honour: names the argument and the value.

    ``argument``, ``value`` and ``reason`` are kept apart so the API can re-raise it as its
    ``InputError`` and the CLI can name its own flag.
    """

    def __init__(self, argument: str, value: Any, reason: str):
        self.argument, self.value, self.reason = argument, value, reason
        super().__init__(f"{argument}={value!r}: {reason}")


def _finite_real(argument: str, value: Any, whole: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise OptionError(argument, whole, f"every band must be a finite number; got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Bands:
    """Lower bounds of the rate-ratio grades: R >= high on track, >= med acceleration needed,
    >= low limited progress, below low moving away.  Default: Eurostat's 0.95 / 0.60 / 0.

    Open SDG calls them ``progress_thresholds: {high, med, low}`` (sdg-build
    ``get_progress_thresholds``, defaults {high: 0.95, med: 0.6, low: 0} for a target).
    """

    high: float = 0.95
    med: float = 0.60
    low: float = 0.0

    def __post_init__(self) -> None:
        whole = (self.high, self.med, self.low)
        for name in ("high", "med", "low"):
            object.__setattr__(self, name, _finite_real("bands", getattr(self, name), whole))
        if not self.high > self.med > self.low:
            raise OptionError("bands", (self.high, self.med, self.low),
                              "bands must be strictly decreasing (high > med > low)")

    @classmethod
    def parse(cls, value: Any) -> Bands:
        """A `Bands`, three numbers high, med, low (a sequence or '0.95,0.6,0'), or Open SDG's
        ``{'high': .., 'med': .., 'low': ..}``."""
        if isinstance(value, Bands):
            return value
        if isinstance(value, dict):
            unknown = sorted(set(map(str, value)) - {"high", "med", "low"})
            if unknown or len(value) != 3:
                raise OptionError("bands", value, "a dict needs exactly the keys high, med, low "
                                                  "(Open SDG's progress_thresholds)")
            return cls(value["high"], value["med"], value["low"])
        parts = value
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",")]
            try:
                parts = [float(p) for p in parts]
            except ValueError:
                raise OptionError("bands", value, "three numbers separated by commas, highest first "
                                                  "(e.g. 0.95,0.6,0)") from None
        if isinstance(parts, (list, tuple)) and len(parts) == 3:
            try:
                return cls(*parts)
            except OptionError as exc:  # name the value as given ('0.6,0.9,0'), not as parsed
                raise OptionError("bands", value, exc.reason) from None
        raise OptionError("bands", value, "three numbers high, med, low, highest first (e.g. 0.95,0.6,0)")

    def as_tuple(self) -> tuple[float, float, float]:
        return (self.high, self.med, self.low)

    def table(self) -> tuple[tuple[float, str], ...]:
        return ((self.high, ON_TRACK), (self.med, ACCELERATION_NEEDED), (self.low, LIMITED_PROGRESS))


EUROSTAT_BANDS: Final = Bands()


@dataclass(frozen=True)
class ProgressOptions:
    """How the growth-rate methods grade one indicator; the defaults are today's (Eurostat's) choices.

    Parameters
    ----------
    bands : `Bands` (or what `Bands.parse` takes): the rate-ratio bands.
    no_target_scheme : ``"eurostat"`` (1 %/yr, :func:`eurostat_trend`) or ``"statcan"``
        (1.5 % / 0.5 % / 0, :func:`statcan_trend`) for the assessment without a target.
    base_year : the first year of the span the grades use; it must be an observed year
        (an error names it and the years observed: we never move it as Open SDG does).
        None: Eurostat's windows (the short-term, 5-year window; see :func:`eurostat_windows`).

    Notes
    -----
    Open SDG configures the same per indicator (``auto_progress_calculation: true`` and
    ``progress_calculation_options``: ``base_year``, ``target``, ``target_year``,
    ``direction`` positive/negative, ``limit``, ``progress_thresholds`` {high, med, low});
    we take the direction from the target's comparator, and the limit from the
    indicator's bounds.

    References
    ----------
    .. [1] Open SDG documentation, "Progress" and "Indicator configuration:
       progress_calculation_options", https://open-sdg.readthedocs.io/en/latest/progress/ ;
       sdg-build ``sdg/ProgressMeasure.py``.
    """

    bands: Bands = EUROSTAT_BANDS
    no_target_scheme: NoTargetScheme = EUROSTAT
    base_year: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "bands", Bands.parse(self.bands))
        if self.no_target_scheme not in NO_TARGET_SCHEMES:
            raise OptionError("no_target_scheme", self.no_target_scheme,
                              f"must be one of {', '.join(NO_TARGET_SCHEMES)}")
        if self.base_year is not None:
            if isinstance(self.base_year, bool) or not isinstance(self.base_year, numbers.Integral):
                raise OptionError("base_year", self.base_year, "must be a year (an integer)")
            object.__setattr__(self, "base_year", int(self.base_year))

    @classmethod
    def parse(cls, value: Any) -> ProgressOptions:
        """None (the defaults), a `ProgressOptions`, or a dict of its fields."""
        if value is None:
            return cls()
        if isinstance(value, ProgressOptions):
            return value
        if isinstance(value, dict):
            unknown = sorted(set(map(str, value)) - {"bands", "no_target_scheme", "base_year"})
            if unknown:
                raise OptionError("progress", value, f"unknown option(s) {', '.join(unknown)}; "
                                                     "known: bands, no_target_scheme, base_year")
            return cls(**value)
        raise OptionError("progress", value, "must be a ProgressOptions, a dict of its fields or None")

    @property
    def is_default(self) -> bool:
        return self == ProgressOptions()

    def to_dict(self) -> dict:
        return {"bands": {"high": self.bands.high, "med": self.bands.med, "low": self.bands.low},
                "no_target_scheme": self.no_target_scheme, "base_year": self.base_year}


def desired_direction(comparator: Comparator | None, direction: str | None) -> Direction:
    """The desired direction of a researcher's target: from the comparator when it says.

    ``ge`` -> up, ``le`` -> down; an ``about`` target or no target (``comparator``
    None) cannot say, so ``direction`` must be given -- there is no default.  A
    stated direction that contradicts the comparator is an error, not a choice.
    """
    if direction is not None and direction not in DIRECTIONS:
        raise OptionError("direction", direction, "must be up or down")
    implied = {"ge": UP, "le": DOWN}.get(comparator) if comparator is not None else None
    if comparator is not None and comparator not in ("ge", "le", "about"):
        raise OptionError("comparator", comparator, "must be one of ge, le, about")
    if implied is None:
        if direction is None:
            what = "an 'about' target" if comparator == "about" else "no target"
            raise OptionError("direction", None, f"state the desired direction (up or down): {what} does not "
                                                 "say which way is progress")
        return direction  # type: ignore[return-value]
    if direction is not None and direction != implied:
        raise OptionError("direction", direction, f"contradicts the comparator {comparator!r} "
                                                  f"(which means {implied}); drop one or make them agree")
    return implied  # type: ignore[return-value]


def growth_problem(**values: float) -> str | None:
    """Why a compound growth rate is undefined for these named values (a value <= 0 or not finite), or None.

    >>> growth_problem(base_value=0.0, latest_value=2.0)
    'the base value is 0: a compound growth rate needs positive values'
    """
    for name, value in values.items():
        if not math.isfinite(value) or value <= 0:
            return f"the {name.replace('_', ' ')} is {value:g}: a compound growth rate needs positive values"
    return None


def _require_growth(method: str, **values: float) -> None:
    problem = growth_problem(**values)
    if problem is not None:
        raise ValueError(f"{method}: {problem}")


def _band(value: float, bands: tuple[tuple[float, str], ...], fallback: str) -> Any:
    for lower, label in bands:
        if value >= lower:
            return label
    return fallback


def _sign(direction: str) -> int:
    if direction == "up":
        return 1
    if direction == "down":
        return -1
    raise ValueError(f"direction must be 'up' or 'down', got {direction!r}")


def cagr(v0: float, y0: int, v1: float, y1: int) -> float:
    """Compound annual growth rate from ``v0`` in year ``y0`` to ``v1`` in year ``y1``.

    Parameters
    ----------
    v0, v1 : float
        Values at the start and the end, finite and > 0.
    y0, y1 : int
        Years, ``y1 > y0``; gaps are fine (2015 -> 2018 is three years).

    Returns
    -------
    float
        Growth per year as a fraction (0.0545 = 5.45 %/yr).

    Raises
    ------
    ValueError
        If a value is not finite or <= 0, or ``y1 <= y0``: the rate is
        undefined, and raising keeps it from flowing silently into a grade.

    Notes
    -----
    .. math:: \\mathrm{CAGR} = (v_1 / v_0)^{1/(y_1 - y_0)} - 1

    References
    ----------
    .. [1] Open SDG progress methodology, "compound annual growth rate";
       sdg-build ``growth_calculation``.
    """
    for name, value in (("v0", v0), ("v1", v1)):
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"CAGR needs positive values; {name} = {value!r}")
    if y1 <= y0:
        raise ValueError(f"CAGR needs y1 > y0; got y0 = {y0}, y1 = {y1}")
    return (v1 / v0) ** (1.0 / (y1 - y0)) - 1.0


def _observations(series: pd.Series) -> pd.Series:
    obs = series.dropna()
    if not pd.api.types.is_integer_dtype(obs.index):
        raise ValueError(f"series must be indexed by integer year, got index dtype {obs.index.dtype}")
    if not (obs.index.is_unique and obs.index.is_monotonic_increasing):
        raise ValueError("series years must be unique and sorted")
    return obs.astype(float)


def check_base_year(series: pd.Series, base_year: int) -> None:
    """A stated base year must be observed and come before the latest observation (`OptionError` if not)."""
    years = [int(y) for y in series.dropna().index]
    listed = ", ".join(map(str, years)) or "none"
    if base_year not in years:
        raise OptionError("base_year", base_year, f"no observation for base year {base_year}; "
                                                  f"observed years: {listed}")
    if base_year == years[-1]:
        raise OptionError("base_year", base_year, f"the base year is the latest observation ({years[-1]}): "
                                                  f"no growth to measure; observed years: {listed}")


@dataclass(frozen=True)
class Span:
    """Two observations of one indicator: the base and the latest (``latest_year > base_year``)."""

    base_year: int
    base_value: float
    latest_year: int
    latest_value: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.base_value) and math.isfinite(self.latest_value)):
            raise ValueError(f"span values must be finite: {self.base_value!r}, {self.latest_value!r}")
        if self.latest_year <= self.base_year:
            raise ValueError(f"latest year {self.latest_year} must come after base year {self.base_year}")

    @classmethod
    def from_series(cls, series: pd.Series, base_year: int | None = None) -> Span:
        """Base = ``base_year`` (default: the first observation); latest = the last observation."""
        obs = _observations(series)
        if len(obs) < 2:
            raise ValueError(f"need at least two observations, got {len(obs)}")
        year = int(obs.index[0]) if base_year is None else base_year
        check_base_year(obs, year)
        return cls(year, float(obs[year]), int(obs.index[-1]), float(obs.iloc[-1]))

    @property
    def observed_cagr(self) -> float:
        return cagr(self.base_value, self.base_year, self.latest_value, self.latest_year)

    @property
    def observed_increment(self) -> float:
        """Average change per year, in the indicator's unit (pp/yr for shares)."""
        return (self.latest_value - self.base_value) / (self.latest_year - self.base_year)


@dataclass(frozen=True)
class Target:
    """A target value for a year; ``direction`` 'up' means met when value >= target, 'down' when <=."""

    value: float
    year: int
    direction: Direction = "up"

    def __post_init__(self) -> None:
        _sign(self.direction)
        if not math.isfinite(self.value):
            raise ValueError(f"target value must be finite, got {self.value!r}")

    def is_met_by(self, value: float) -> bool:
        return _sign(self.direction) * (value - self.value) >= 0


def _directed_ratio(direction: str, achieved: float, required: float) -> float | None:
    """d * achieved / |required|: negative whenever the move was the wrong way; None if nothing is required."""
    return _sign(direction) * achieved / abs(required) if required != 0 else None


def _check_target_year(span: Span, target: Target) -> None:
    if target.year < span.latest_year:
        raise ValueError(f"target year {target.year} is before the latest observation {span.latest_year}: "
                         "the period is over; compare the latest value with the target directly")


def grade_rate_ratio(ratio: float, bands: Bands | None = None) -> RateRatioGrade:
    """Eurostat quantified-target band for a rate ratio R (see :func:`eurostat_rate_ratio`);
    ``bands`` other than Eurostat's 0.95 / 0.60 / 0 as configured (`Bands`)."""
    return _band(ratio, RATE_RATIO_BANDS if bands is None else bands.table(), MOVING_AWAY)


def grade_no_target(directed_growth: float, limit_scale: float = 1.0) -> TrendGrade:
    """Eurostat no-target band for growth in the desired direction (see :func:`eurostat_trend`)."""
    bands = ((NO_TARGET_SIGNIFICANT * limit_scale, "significant_progress"), (0.0, "moderate_progress"),
             (-NO_TARGET_SIGNIFICANT, "moderate_movement_away"))
    return _band(directed_growth, bands, "significant_movement_away")


def grade_statcan_no_target(directed_growth: float, limit_scale: float = 1.0) -> StatCanTrendGrade:
    """Statistics Canada's no-target band for growth in the desired direction (see :func:`statcan_trend`)."""
    high, med, low = STATCAN_NO_TARGET
    bands = ((round(high * limit_scale, GRADE_DECIMALS), SUBSTANTIAL_PROGRESS),
             (round(med * limit_scale, GRADE_DECIMALS), MODERATE_PROGRESS), (low, LIMITED_PROGRESS))
    return _band(round(directed_growth, GRADE_DECIMALS), bands, DETERIORATION)


def grade_projected_gap(rho: float) -> ProjectedGapGrade:
    """UN Progress Chart band for the projected-gap ratio rho (see :func:`un_projected_gap`)."""
    return _band(rho, PROJECTED_GAP_BANDS, "deterioration")


@dataclass(frozen=True)
class RateRatio:
    observed_cagr: float
    required_cagr: float  # from the base value to the target in the target year
    ratio: float | None  # None when the target equals the base value
    grade: RateRatioGrade
    target_already_met: bool


def eurostat_rate_ratio(span: Span, target: Target, bands: Bands | None = None) -> RateRatio:
    """Eurostat's rate ratio: observed growth over the growth the target requires.

    Notes
    -----
    .. math::

        R = d \\, \\frac{\\mathrm{CAGR}(v_b \\to v_t)}{|\\mathrm{CAGR}(v_b \\to v_T)|}

    with base year b, latest year t, target value v_T in target year T, and
    d = +1 for 'up', -1 for 'down'.  The absolute value in the denominator is
    Statistics Canada's: it keeps R negative whenever the indicator moved the
    wrong way, even if the base value already met the target.

    Grades: R >= 0.95 ``on_track`` (Eurostat: significant progress towards the
    target); 0.60 <= R < 0.95 ``acceleration_needed`` (moderate progress);
    0 <= R < 0.60 ``limited_progress`` (insufficient progress); R < 0
    ``moving_away`` (movement away from the target).  ``target_already_met``
    overrides the trend when the latest value meets the target.  If the target
    equals the base value R is undefined (``None``); not meeting it then means
    the indicator moved away.  ``bands`` replaces 0.95 / 0.60 / 0 (`Bands`,
    Open SDG's ``progress_thresholds``).

    The base, latest and target values must be positive (a compound growth
    rate takes logs): a zero or negative one raises ``ValueError`` naming it.
    Open SDG substitutes 0.001 for a zero base or target; we do not, because
    the grade would then rest on an invented number.

    References
    ----------
    .. [1] Eurostat, SDG monitoring report, "indicators with quantified targets".
    .. [2] Open SDG progress methodology, "Indicators with quantitative targets";
       sdg-build ``methodology_2`` and thresholds {high: 0.95, med: 0.6, low: 0}.
    """
    _check_target_year(span, target)
    _require_growth("Eurostat rate ratio", base_value=span.base_value, latest_value=span.latest_value,
                    target_value=target.value)
    required = cagr(span.base_value, span.base_year, target.value, target.year)
    ratio = _directed_ratio(target.direction, span.observed_cagr, required)
    met = target.is_met_by(span.latest_value)
    grade = TARGET_ALREADY_MET if met else MOVING_AWAY if ratio is None else grade_rate_ratio(ratio, bands)
    return RateRatio(span.observed_cagr, required, ratio, grade, met)


def natural_limit_scale(base_value: float, limit: float, exponent: float = NATURAL_LIMIT_EXPONENT) -> float:
    """Statistics Canada's factor C (0..1) shrinking positive growth thresholds near a natural limit.

    Notes
    -----
    With b = |base value| and L = |limit|:

    .. math::

        C = \\begin{cases} 1 - (b/L)^{a} & b \\le L \\\\
                           1 - ((2L - b)/L)^{a} & L < b < 2L \\\\
                           1 & b \\ge 2L \\end{cases}  \\qquad a = 4.44

    The first case is a maximum limit (e.g. 100 for a share that should rise),
    the others a minimum limit.  C = 0 at the limit, near 1 far from it.

    References
    ----------
    .. [1] Open SDG progress methodology, scaling factor C; sdg-build
       ``get_progress_thresholds``.
    """
    b, lim = abs(base_value), abs(limit)
    if b >= 2 * lim:
        return 1.0
    if b <= lim:
        return 1.0 - (b / lim) ** exponent
    return 1.0 - ((2 * lim - b) / lim) ** exponent


@dataclass(frozen=True)
class Trend:
    observed_cagr: float
    directed_cagr: float  # observed CAGR x d: positive = moving the desired way
    limit_scale: float  # natural-limit factor C applied to the 1 % threshold; 1.0 without a limit
    grade: TrendGrade


def eurostat_trend(span: Span, direction: Direction, natural_limit: float | None = None) -> Trend:
    """Eurostat's assessment of an indicator without a quantified target.

    Notes
    -----
    g = d * CAGR(base -> latest), d = +1 for 'up', -1 for 'down'.  Bands
    [lower, upper): g >= 1 %/yr ``significant_progress``; 0 <= g < 1 %
    ``moderate_progress``; -1 % <= g < 0 ``moderate_movement_away``; g < -1 %
    ``significant_movement_away``.  Eurostat gives the bands as above 1 %,
    0 to 1 %, 0 to -1 %, below -1 %; the side an exact boundary falls on is our
    convention (the same as Statistics Canada's code).

    ``natural_limit`` (upper for 'up', lower for 'down') multiplies the
    positive threshold by :func:`natural_limit_scale` as Statistics Canada
    does; thresholds <= 0 are not scaled, and at the limit (C = 0) holding
    steady is significant progress.  StatCan scales its own thresholds (1.5 %,
    0.5 %); scaling Eurostat's 1 % is our combination.  The series itself is
    not transformed (no growth of the distance to the limit).

    References
    ----------
    .. [1] Eurostat, SDG monitoring report, "indicators without quantified targets".
    .. [2] Open SDG progress methodology, natural limits; sdg-build
       ``get_progress_thresholds``.
    """
    d, scale = _trend_setup("Eurostat trend", span, direction, natural_limit)
    directed = d * span.observed_cagr
    return Trend(span.observed_cagr, directed, scale, grade_no_target(directed, scale))


def _trend_setup(method: str, span: Span, direction: Direction,
                 natural_limit: float | None) -> tuple[int, float]:
    if direction is None:
        raise OptionError("direction", None, "state the desired direction (up or down): with no target "
                                             "nothing says which way is progress")
    d = _sign(direction)
    _require_growth(method, base_value=span.base_value, latest_value=span.latest_value)
    scale = 1.0
    if natural_limit is not None:
        if d * (natural_limit - span.base_value) < 0:
            raise ValueError(f"natural limit {natural_limit} is on the wrong side of the base value "
                             f"{span.base_value} for direction {direction!r}")
        scale = natural_limit_scale(span.base_value, natural_limit)
    return d, scale


@dataclass(frozen=True)
class StatCanTrend:
    observed_cagr: float
    directed_cagr: float  # observed CAGR x d: positive = moving the desired way
    limit_scale: float  # natural-limit factor C on the 1.5 % and 0.5 % thresholds; 1.0 without a limit
    grade: StatCanTrendGrade
    scheme: NoTargetScheme = STATCAN


def statcan_trend(span: Span, direction: Direction, natural_limit: float | None = None) -> StatCanTrend:
    """Statistics Canada's assessment of an indicator without a quantitative target (Open SDG's method 1).

    Notes
    -----
    g = d * CAGR(base -> latest), d = +1 for 'up', -1 for 'down'.  Bands
    [lower, upper): g >= 1.5 % C ``substantial_progress`` (StatCan: on track);
    0.5 % C <= g < 1.5 % C ``moderate_progress`` (progress made but
    acceleration needed); 0 <= g < 0.5 % C ``limited_progress``; g < 0
    ``deterioration``.  C is :func:`natural_limit_scale` when a natural limit
    is given (1 without one); the 0 threshold is not scaled.  The boundaries
    belong to the upper band, as in the published table (">= 1.5 %") and in
    sdg-build's ``get_progress_status``; growth and thresholds are compared
    rounded to 12 decimals (``GRADE_DECIMALS``) so that a series growing by
    exactly 1.5 % is not graded below it by a floating-point residue.  The grade names are Open SDG's
    status values.

    References
    ----------
    .. [1] Statistics Canada / Open SDG, "Progress Measurement Methodology",
       "Indicators without quantitative targets",
       https://open-sdg.readthedocs.io/en/latest/progress-methodology/ .
    .. [2] sdg-build ``sdg/ProgressMeasure.py``: thresholds {high: 0.015, med: 0.005, low: 0}.
    """
    d, scale = _trend_setup("Statistics Canada trend", span, direction, natural_limit)
    directed = d * span.observed_cagr
    return StatCanTrend(span.observed_cagr, directed, scale, grade_statcan_no_target(directed, scale))


def no_target_trend(span: Span, direction: Direction, natural_limit: float | None = None, *,
                    scheme: NoTargetScheme = EUROSTAT) -> Trend | StatCanTrend:
    """The assessment without a target under ``scheme`` (``eurostat`` or ``statcan``).

    ``direction`` has no default: without a target nothing says which way is
    progress, so None raises `OptionError` naming it.
    """
    if scheme == EUROSTAT:
        return eurostat_trend(span, direction, natural_limit)
    if scheme == STATCAN:
        return statcan_trend(span, direction, natural_limit)
    raise OptionError("no_target_scheme", scheme, f"must be one of {', '.join(NO_TARGET_SCHEMES)}")


@dataclass(frozen=True)
class ProjectedGap:
    observed_cagr: float
    projected_value: float  # in the target year, at the observed CAGR
    rho: float | None  # share of the required change the projection achieves; None if target == base
    grade: ProjectedGapGrade
    target_already_met: bool


def un_projected_gap(span: Span, target: Target) -> ProjectedGap:
    """UN SDG Progress Chart: project to the target year at the observed CAGR and compare.

    Notes
    -----
    .. math::

        \\hat v_T = v_t (1 + \\mathrm{CAGR})^{T - t} \\quad (= v_b (1 + \\mathrm{CAGR})^{T - b}),
        \\qquad \\rho = d \\, \\frac{\\hat v_T - v_b}{|v_T - v_b|}

    For a target on the desired side of the base this is the UN's
    (projected - base) / (target - base); d and |.| (our addition, as in
    :func:`eurostat_rate_ratio`) keep rho negative when the base already met
    the target and the indicator then moved the wrong way.

    Bands: rho >= 0.95 ``substantial_progress`` (target met or almost met);
    0.5 <= rho < 0.95 ``fair_progress`` (acceleration needed); 0.1 <= rho < 0.5
    ``marginal_progress``; -0.1 <= rho < 0.1 ``stagnation``; rho < -0.1
    ``deterioration``: the Progress Chart's five trend categories.  0.95 and
    0.10 are in EUSTAT's adaptation of the 2023 note; 0.5 and -0.1 in UNDP's
    implementation of the 2022 note.  ``target_already_met`` overrides.  The
    base and latest values must be positive (``ValueError`` otherwise); a zero
    target is fine.

    References
    ----------
    .. [1] UN Statistics Division, SDG Progress Chart 2023 Technical Note.
    .. [2] EUSTAT (Basque statistics office), SDG progress methodology,
       github.com/EUSTAT-DES/site ``_pages/en/metodologia.md``.
    .. [3] UNDP SDG Push, Progress Chart 2022 implementation (bands 0.95, 0.5, -0.1).
    """
    _check_target_year(span, target)
    _require_growth("UN projected gap", base_value=span.base_value, latest_value=span.latest_value)
    growth = span.observed_cagr
    projected = span.latest_value * (1.0 + growth) ** (target.year - span.latest_year)
    rho = _directed_ratio(target.direction, projected - span.base_value, target.value - span.base_value)
    met = target.is_met_by(span.latest_value)
    grade = "target_already_met" if met else "deterioration" if rho is None else grade_projected_gap(rho)
    return ProjectedGap(growth, projected, rho, grade, met)


@dataclass(frozen=True)
class LinearPath:
    required_increment: float  # per year along the straight line base -> target
    observed_increment: float  # per year, base -> latest
    path_value_at_latest: float  # where the line is in the latest year
    gap_to_path: float  # latest - path value (pp for shares); sign not direction-adjusted
    ahead_of_path: bool  # on or beyond the line in the desired direction


def linear_path(span: Span, target: Target) -> LinearPath:
    """The straight line from the base value to the target, in the indicator's unit (pp for shares).

    Notes
    -----
    .. math::

        \\Delta_{req} = \\frac{v_T - v_b}{T - b}, \\quad
        \\Delta_{obs} = \\frac{v_t - v_b}{t - b}, \\quad
        p_t = v_b + \\Delta_{req} (t - b), \\quad \\mathrm{gap} = v_t - p_t

    Ahead of the path when d * gap >= 0 or the latest value already meets the
    target (the latter matters only when the base value already met it and
    the line runs the "wrong" way).  Works for zero or negative values (no
    growth rate involved).

    References
    ----------
    .. [1] None: the straight-line target path of plan monitoring; our definition.
    """
    _check_target_year(span, target)
    required = (target.value - span.base_value) / (target.year - span.base_year)
    path_value = span.base_value + required * (span.latest_year - span.base_year)
    gap = span.latest_value - path_value
    ahead = target.is_met_by(span.latest_value) or _sign(target.direction) * gap >= 0
    return LinearPath(required, span.observed_increment, path_value, gap, ahead)


@dataclass(frozen=True)
class TimeProportional:
    distance_share: float | None  # share of base -> target covered; None if target == base
    time_share: float  # share of base year -> target year elapsed
    status: Literal["on_schedule", "behind_schedule"]


def time_proportional(span: Span, target: Target) -> TimeProportional:
    """时间过半、任务过半: has the share of the distance covered kept up with the share of time elapsed?

    Notes
    -----
    .. math::

        s_{dist} = d \\, \\frac{v_t - v_b}{|v_T - v_b|}, \\qquad
        s_{time} = \\frac{t - b}{T - b}

    On schedule when s_dist >= s_time or the latest value already meets the
    target (which also covers a target equal to, or already met by, the base
    value).  This is the linear-path test of :func:`linear_path` expressed as
    shares: on schedule <=> ahead of the path.

    References
    ----------
    .. [1] The "time half gone, task half done" rule of Chinese plan mid-term
       evaluations (规划实施中期评估); no single published formula, this is our
       operationalisation.
    """
    _check_target_year(span, target)
    time_share = (span.latest_year - span.base_year) / (target.year - span.base_year)
    distance = _directed_ratio(target.direction, span.latest_value - span.base_value,
                               target.value - span.base_value)
    on_schedule = target.is_met_by(span.latest_value) or (distance is not None and distance >= time_share)
    return TimeProportional(distance, time_share, "on_schedule" if on_schedule else "behind_schedule")


@dataclass(frozen=True)
class RequiredPace:
    years_left: int  # target year - latest year
    required_cagr: float | None  # from the latest value to the target; None if either is not positive
    required_increment: float  # per year, latest -> target
    observed_cagr: float | None  # base -> latest; None if either is not positive
    observed_increment: float  # per year, base -> latest


def required_pace(span: Span, target: Target) -> RequiredPace:
    """The pace needed from the latest observation to reach the target on time, beside the observed pace.

    Notes
    -----
    .. math::

        g_{req} = (v_T / v_t)^{1/(T - t)} - 1, \\qquad
        \\Delta_{req} = \\frac{v_T - v_t}{T - t}

    so that v_t (1 + g_req)^(T - t) = v_T.  Raises ``ValueError`` if the target
    year is not after the latest observation.  A growth rate is ``None`` when a
    value it needs is zero or negative (no compound rate exists); the
    increments are always given.

    References
    ----------
    .. [1] The required growth rate of Eurostat/Open SDG (see
       :func:`eurostat_rate_ratio`), measured from the latest observation.
    """
    if target.year <= span.latest_year:
        raise ValueError(f"target year {target.year} must come after the latest observation {span.latest_year}")
    years_left = target.year - span.latest_year
    required = None if growth_problem(latest_value=span.latest_value, target_value=target.value) else \
        cagr(span.latest_value, span.latest_year, target.value, target.year)
    observed = None if growth_problem(base_value=span.base_value, latest_value=span.latest_value) else \
        span.observed_cagr
    return RequiredPace(years_left, required, (target.value - span.latest_value) / years_left,
                        observed, span.observed_increment)


@dataclass(frozen=True)
class Window:
    name: Literal["short_term", "long_term"]
    requested_start_year: int | None  # latest year - window length; None = the whole series
    span: Span | None  # the years actually used; None if the window holds one observation
    assessment: RateRatio | Trend | StatCanTrend | None  # None: one observation, or no growth rate (see note)
    note: str  # which years were used, or why there is no assessment


@dataclass(frozen=True)
class EurostatWindows:
    short_term: Window
    long_term: Window


def eurostat_windows(series: pd.Series, target: Target | Direction, *, natural_limit: float | None = None,
                     short_years: int = 5, long_years: int | None = 15,
                     options: ProgressOptions | None = None) -> EurostatWindows:
    """Eurostat's short-term and long-term assessments side by side.

    ``target`` is a :class:`Target` (rate ratio, :func:`eurostat_rate_ratio`,
    with the required rate from each window's base) or just a direction (no
    target, :func:`eurostat_trend`; ``natural_limit`` applies only here, as in
    Open SDG, which ignores limits when a target is given).  ``options``: the
    rate-ratio bands and the no-target scheme (`ProgressOptions`; its base year
    is not used here -- the windows have their own bases).

    Notes
    -----
    A window of n years is [t - n, t] with t the latest year.  Its base is the
    observation closest to t - n inside the window, i.e. the earliest there;
    gaps are never filled.  Short term: n = 5; long term: n = 15, or the whole
    series if ``long_years`` is None.  A window holding only the latest
    observation has no assessment, and its note says so; so has a window whose
    base or latest value (or the target) is zero or negative: no compound
    growth rate exists.

    References
    ----------
    .. [1] Eurostat, SDG monitoring report: short-term (past 5 years) and
       long-term (past 15 years) trends.
    """
    obs = _observations(series)
    if obs.empty:
        raise ValueError("series has no observations")
    latest_year = int(obs.index[-1])

    opts = ProgressOptions() if options is None else options

    def assess(span: Span) -> RateRatio | Trend | StatCanTrend:
        if isinstance(target, Target):
            return eurostat_rate_ratio(span, target, opts.bands)
        return no_target_trend(span, target, natural_limit, scheme=opts.no_target_scheme)

    def problem(span: Span) -> str | None:
        values = {"base_value": span.base_value, "latest_value": span.latest_value}
        if isinstance(target, Target):
            values["target_value"] = target.value
        return growth_problem(**values)

    def window(name: Literal["short_term", "long_term"], years: int | None) -> Window:
        start = None if years is None else latest_year - years
        inside = obs if start is None else obs[obs.index >= start]
        label = "the whole series" if start is None else f"{start}-{latest_year}"
        if len(inside) < 2:
            return Window(name, start, None, None, f"only one observation ({latest_year}) in {label}: no growth rate")
        span = Span(int(inside.index[0]), float(inside.iloc[0]), latest_year, float(obs.iloc[-1]))
        note = f"{span.base_year}-{latest_year}"
        if start is not None and span.base_year != start:
            note += f" (no observation in {start}; nearest year inside the window used)"
        why = problem(span)
        if why is not None:
            return Window(name, start, span, None, f"{note}: no grade, {why}")
        return Window(name, start, span, assess(span), note)

    return EurostatWindows(window("short_term", short_years), window("long_term", long_years))
