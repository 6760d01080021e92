"""The pooling rule and its calibration: one place, used by ``assess`` and the backtest alike.

Pooling rule (fixed before any backtest; change it with `Pool`): the headline
distribution is a mixture in which the reference classes together get
``pool.reference`` (default 0.5) and the series' own models together get the
rest, split equally within each group; a group with no member passes its
weight to the other (`pool_weights`).  ``spread`` widens the pooled draws around
their median on the log/logit scale: one factor, or a `Calibration` by pool
type and horizon that the backtest fits on rolling origins, per indicator whose
rolling origins it ran on (`calibration_for` picks an indicator's cells).

Owns: `Pool`, `Calibration`, `CalibrationCell`, `calibration_for`, `pool_type_of`, `pool_type_from_counts`,
`pool_weights`, `pool_draws`, `widen`.  May import: ``forecast.models``, ``forecast.outside_views``; numpy, pandas.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from . import models
from .outside_views import OUTSIDE_VIEWS

# own models that enter the pool, by kind (``linear`` only for levels: a straight line can leave a share's bounds)
POOL_MODELS_BY_KIND = {
    "share": ("rw_drift", "logit_linear", "damped_ets", "local_linear_trend"),
    "rate": ("rw_drift", "loglinear", "damped_ets", "local_linear_trend"),
    "count": ("rw_drift", "loglinear", "damped_ets", "local_linear_trend"),
    "level": ("rw_drift", "linear", "damped_ets", "local_linear_trend"),
}
POOL_TYPES: tuple[str, ...] = ("with_reference", "own_models_only", "reference_only")
ALL = "all"  # a calibration row for every pool type (``pool_type``) or every horizon (``horizon``)
CALIBRATION_COLUMNS: tuple[str, ...] = ("indicator", "pool_type", "horizon", "factor", "n", "coverage_before",
                                        "coverage_cv")


def pool_type_of(member_names) -> str:
    """``with_reference`` | ``own_models_only`` | ``reference_only``: which groups the pool's members come from.

    A member named ``reference_class:<panel>`` is a reference class; any other
    is one of the series' own models.  No member at all raises ``ValueError``.
    """
    names = list(member_names)
    if not names:
        raise ValueError("a pool without members has no pool type")
    refs = sum(str(n).startswith("reference_class") for n in names)
    if refs == len(names):
        return "reference_only"
    return "with_reference" if refs else "own_models_only"


def pool_type_from_counts(n_own: int, n_references: int) -> str:
    """The pool type from how many members are the series' own models and how many reference classes
    (typed: the caller knows which list each member came from)."""
    if n_own + n_references <= 0:
        raise ValueError("a pool without members has no pool type")
    if not n_own:
        return "reference_only"
    return "with_reference" if n_references else "own_models_only"


@dataclass(frozen=True)
class CalibrationCell:
    """One fitted spread factor: for ``pool_type`` (or ``"all"``) at ``horizon`` (``None``: every horizon).

    ``indicator``: the indicator whose rolling origins fitted it, or ``"all"``:
    the default cells, for every indicator without cells of its own.  ``n``, ``coverage_before`` (80 % coverage of the cell's rolling origins at
    spread 1), ``coverage_cv`` (with the leave-region-out factors) and
    ``basis`` (which rows the factor was fitted on) describe the fit; only
    ``factor`` is used to widen.
    """

    pool_type: str
    horizon: int | None
    factor: float
    n: int = 0
    coverage_before: float | None = None
    coverage_cv: float | None = None
    basis: str = ""
    indicator: str = ALL

    def __post_init__(self):
        ind = _blank_to_none(self.indicator)
        if not isinstance(ind, (str, type(None))):
            raise ValueError(f"calibration cell: indicator must be an indicator id or {ALL!r}, got {self.indicator!r}")
        object.__setattr__(self, "indicator", ALL if ind is None else ind)
        prefix = "" if self.indicator == ALL else f"{self.indicator}: "
        where = f"calibration ({prefix}{self.pool_type}, horizon {ALL if self.horizon is None else self.horizon})"
        if self.pool_type not in POOL_TYPES + (ALL,):
            raise ValueError(f"{where}: pool_type must be one of {', '.join(POOL_TYPES + (ALL,))}")
        if self.horizon is not None:
            try:
                h = float(self.horizon)
            except (TypeError, ValueError):
                h = float("nan")
            if isinstance(self.horizon, bool) or not (h.is_integer() and h >= 1):
                raise ValueError(f"{where}: horizon must be an integer >= 1 (or None for every horizon)")
            object.__setattr__(self, "horizon", int(h))
            where = f"calibration ({prefix}{self.pool_type}, horizon {self.horizon})"
        if self.pool_type == ALL and self.horizon is not None:
            raise ValueError(f"{where}: the overall factor (pool_type 'all') is for every horizon")
        try:
            factor = float(self.factor)
        except (TypeError, ValueError):
            raise ValueError(f"{where}: factor must be a number > 0, got {self.factor!r}") from None
        if not (math.isfinite(factor) and factor > 0):
            raise ValueError(f"{where}: factor must be a finite number > 0, got {self.factor}")
        object.__setattr__(self, "factor", factor)
        n = _number_or_nan(_blank_to_none(self.n))
        if not (n.is_integer() and n >= 0):
            raise ValueError(f"{where}: n must be a count >= 0, got {self.n!r}")
        object.__setattr__(self, "n", int(n))
        for name in ("coverage_before", "coverage_cv"):
            value = _blank_to_none(getattr(self, name))
            if value is not None:
                value = _number_or_nan(value)
                if not 0.0 <= value <= 1.0:
                    raise ValueError(f"{where}: {name} must be in [0, 1] (or missing), got {getattr(self, name)!r}")
            object.__setattr__(self, name, value)
        object.__setattr__(self, "basis", "" if _blank_to_none(self.basis) is None else str(self.basis))


def _number_or_nan(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _blank_to_none(value):
    """None for a missing value (None, NaN, blank text, as a CSV read with keep_default_na=False gives)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (float, np.floating)) and math.isnan(value):
        return None
    return value.strip() if isinstance(value, str) else value


@dataclass(frozen=True)
class Calibration:
    """Spread factors by indicator, pool type and horizon (``Pool(spread=Calibration(...))``).

    The factor for a pooled forecast of pool type ``T`` (`pool_type_of`) at
    horizon ``h`` (year minus the latest observed year) is, in this order:

    1. the cell (``T``, ``h``);
    2. when ``T`` has cells for some horizons but not ``h``: the cell of the
       largest fitted horizon if ``h`` is beyond it, else the nearest fitted
       horizon (the larger one on a tie);
    3. the cell (``T``, every horizon);
    4. the overall factor (``"all"``, every horizon); 1 (uncalibrated) if the
       calibration has no overall cell.

    These rules read the default cells (``indicator`` ``"all"``); an
    indicator's own cells are picked first by `for_indicator` (`calibration_for`).

    ``Calibration()`` is uncalibrated.  `to_frame` / `from_frame` give and
    read the table the CLI stores (``data/processed/backtest_calibration.csv``):
    columns ``indicator, pool_type, horizon, factor, n, coverage_before, coverage_cv``
    (and ``basis``), ``horizon`` ``"all"`` for a row of every horizon; a table
    without ``indicator`` (written before it existed) is all default cells.
    """

    cells: tuple[CalibrationCell, ...] = ()

    def __post_init__(self):
        cells = tuple(self.cells)
        for cell in cells:
            if not isinstance(cell, CalibrationCell):
                raise TypeError(f"Calibration cells must be CalibrationCell, got {type(cell).__name__}")
        keys = [(c.indicator, c.pool_type, c.horizon) for c in cells]
        dup = sorted({k for k in keys if keys.count(k) > 1}, key=str)
        if dup:
            raise ValueError(f"calibration has duplicate rows for (indicator, pool_type, horizon) {dup}")
        order = {t: i for i, t in enumerate((ALL,) + POOL_TYPES)}
        cells = tuple(sorted(cells, key=lambda c: (c.indicator != ALL, c.indicator, order[c.pool_type],
                                                   c.horizon is not None, c.horizon or 0)))
        object.__setattr__(self, "cells", cells)

    @property
    def indicators(self) -> tuple[str, ...]:
        """The indicators with cells of their own (the default cells not counted)."""
        return tuple(sorted({c.indicator for c in self.cells} - {ALL}))

    def for_indicator(self, indicator: str | None) -> Calibration:
        """The cells of ``indicator`` as default cells, or the default cells if it has none of its own."""
        if indicator is None or indicator not in self.indicators:
            chosen = [c for c in self.cells if c.indicator == ALL]
        else:
            chosen = [replace(c, indicator=ALL) for c in self.cells if c.indicator == indicator]
        return Calibration(tuple(chosen))

    @classmethod
    def from_factors(cls, factors: dict, overall: float | None = None) -> Calibration:
        """From ``{(pool_type, horizon or "all"): factor}`` and an optional overall factor."""
        cells = [CalibrationCell(t, None if h in (None, ALL) else h, f) for (t, h), f in factors.items()]
        if overall is not None:
            cells.append(CalibrationCell(ALL, None, overall))
        return cls(tuple(cells))

    @property
    def overall(self) -> float:
        """The factor for every pool type and horizon (1 if none was fitted)."""
        return next((c.factor for c in self.cells if c.pool_type == ALL and c.indicator == ALL), 1.0)

    def factor(self, pool_type: str, horizon: int) -> float:
        """The factor for ``pool_type`` at ``horizon`` (rules in the class docstring)."""
        if pool_type not in POOL_TYPES:
            raise ValueError(f"pool_type must be one of {', '.join(POOL_TYPES)}; got {pool_type!r}")
        if not horizon >= 1:
            raise ValueError(f"horizon must be >= 1 (a year after the latest observation); got {horizon}")
        default = [c for c in self.cells if c.indicator == ALL]
        by_h = {c.horizon: c.factor for c in default if c.pool_type == pool_type and c.horizon is not None}
        if by_h:
            if horizon in by_h:
                return by_h[horizon]
            fitted = sorted(by_h)
            if horizon > fitted[-1]:
                return by_h[fitted[-1]]
            return by_h[min(fitted, key=lambda k: (abs(k - horizon), -k))]
        every = [c.factor for c in default if c.pool_type == pool_type and c.horizon is None]
        return every[0] if every else self.overall

    def factors(self, pool_type: str, horizons) -> np.ndarray:
        """`factor` for each horizon."""
        return np.array([self.factor(pool_type, int(h)) for h in horizons], dtype=float)

    def to_frame(self) -> pd.DataFrame:
        """One row per cell: ``indicator, pool_type, horizon`` (``"all"`` = every horizon), ``factor, n,
        coverage_before, coverage_cv, basis``."""
        nan = float("nan")
        rows = [{"indicator": c.indicator, "pool_type": c.pool_type, "horizon": ALL if c.horizon is None else str(c.horizon),
                 "factor": c.factor, "n": c.n,
                 "coverage_before": nan if c.coverage_before is None else c.coverage_before,
                 "coverage_cv": nan if c.coverage_cv is None else c.coverage_cv, "basis": c.basis}
                for c in self.cells]
        return pd.DataFrame(rows, columns=list(CALIBRATION_COLUMNS) + ["basis"])

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Calibration:
        """Read `to_frame`'s table back (e.g. from ``backtest_calibration.csv``).

        Needs ``pool_type``, ``horizon`` and ``factor``; ``indicator``, ``n``,
        ``coverage_before``, ``coverage_cv`` and ``basis`` are optional.
        ``horizon`` is an integer or ``"all"`` (blank also means every horizon).
        """
        missing = [c for c in ("pool_type", "horizon", "factor") if c not in frame.columns]
        if missing:
            raise ValueError(f"calibration table lacks column(s) {', '.join(missing)}")
        cells = []
        for i, r in frame.reset_index(drop=True).iterrows():
            h = _blank_to_none(r["horizon"])
            horizon = None if h is None or h == ALL else _number_or_nan(h)
            if horizon is not None and not horizon >= 1:
                raise ValueError(f"calibration row {i}: horizon must be an integer >= 1 or 'all', got {h!r}")
            opt = {k: _blank_to_none(r[k]) for k in ("n", "coverage_before", "coverage_cv", "basis", "indicator")
                   if k in frame.columns and _blank_to_none(r[k]) is not None}
            factor = _blank_to_none(r["factor"])
            if isinstance(factor, str) and not np.isnan(_number_or_nan(factor)):
                factor = float(factor)  # text as read from a CSV; other text is refused by CalibrationCell
            cells.append(CalibrationCell(str(r["pool_type"]).strip(), horizon, factor, **opt))
        return cls(tuple(cells))


@dataclass(frozen=True)
class Pool:
    """How the headline distribution is pooled (see module docstring).

    ``spread``: one factor (> 0; 1 = uncalibrated) for every year, or a
    `Calibration` giving the factor by pool type and horizon.
    """

    reference: float = 0.5
    spread: float | Calibration = 1.0

    def __post_init__(self):
        if not 0.0 <= self.reference <= 1.0:
            raise ValueError(f"pool.reference must be in [0, 1], got {self.reference}")
        if isinstance(self.spread, Calibration):
            return
        if isinstance(self.spread, bool) or not isinstance(self.spread, numbers.Real):
            raise TypeError(f"pool.spread must be a number > 0 or a Calibration, got {self.spread!r}")
        if not (self.spread > 0 and math.isfinite(self.spread)):
            raise ValueError(f"pool.spread must be > 0 and finite, got {self.spread}")


def calibration_cells_of(spread: Calibration, indicator: str | None) -> str:
    """Whose cells widen an assessment of ``indicator``: its own, else its stated growth analogue's
    (`outside_views.OUTSIDE_VIEWS`), else the default cells (``"all"``; preregistration section 11)."""
    own = spread.indicators
    if indicator in own:
        return indicator
    view = OUTSIDE_VIEWS.get(indicator) if indicator is not None else None
    analogue = view.panel_indicator if view is not None else None
    return analogue if analogue in own else ALL


def calibration_for(spread: float | Calibration, indicator: str | None) -> float | Calibration:
    """The spread an assessment of ``indicator`` widens by (`calibration_cells_of`); a number as given."""
    if not isinstance(spread, Calibration):
        return spread
    cells = calibration_cells_of(spread, indicator)
    return spread.for_indicator(None if cells == ALL else cells)


def spread_factors(spread: float | Calibration, member_names, years, latest_year: int, *,
                   pool_type: str | None = None) -> np.ndarray:
    """The widening factor for each of ``years`` of a pool of ``member_names`` (see `Calibration`);
    ``pool_type`` given: used instead of reading the members' names."""
    years = [int(y) for y in years]
    if isinstance(spread, Calibration):
        ptype = pool_type if pool_type is not None else pool_type_of(member_names)
        return spread.factors(ptype, [y - int(latest_year) for y in years])
    return np.full(len(years), float(spread))


def pool_draws(members: list[tuple[object, float]], n_draws: int, spread: float | Calibration, kind: str,
          bounds: tuple[float, float] | None, latest_year: int | None = None, *,
          pool_type: str | None = None) -> models.Forecast:
    """Mixture of member paths: member i contributes round(w_i * n) whole paths; then widened by ``spread``.

    With a `Calibration`, ``latest_year`` (the latest observed year) gives each
    year's horizon and ``pool_type`` (`pool_type_from_counts`; None: read from
    the members' names) its factors.
    """
    weights = np.array([w for _, w in members], dtype=float)
    counts = np.floor(weights / weights.sum() * n_draws).astype(int)
    counts[np.argmax(weights)] += n_draws - counts.sum()
    years = min((m.years for m, _ in members), key=len)  # common horizon of all members
    rows = [m.draws[:c, :len(years)] for (m, _), c in zip(members, counts, strict=True) if c > 0]
    draws = np.vstack(rows)
    names = ", ".join(f"{m.model} {w:.2f}" for m, w in members)
    notes = f"mixture: {names}"
    if isinstance(spread, Calibration):
        if latest_year is None:
            raise ValueError("a Calibration needs the latest observed year to know each year's horizon")
        ptype = pool_type if pool_type is not None else pool_type_of(m.model for m, _ in members)
        factors = spread_factors(spread, [m.model for m, _ in members], years, latest_year, pool_type=ptype)
        notes += (f"; spread calibrated for a {ptype} pool: "
                  + ", ".join(f"{y} (h={y - latest_year}) x{f:.3g}" for y, f in zip(years, factors, strict=True)))
    else:
        factors = float(spread)
        if factors != 1.0:
            notes += f"; spread x{factors:.3g}"
    if np.any(np.asarray(factors) != 1.0):
        draws = widen(draws, factors, kind, bounds)
    return models.Forecast(model="pooled", years=years, draws=draws, growth=None, notes=notes)


def widen(draws: np.ndarray, factor, kind: str, bounds) -> np.ndarray:
    """Widen every column of ``draws`` around its median by ``factor`` on the log/logit scale.

    ``factor`` is one number or one per column (year).  Shares are widened on
    the logit scale of ``bounds``, positive rates and counts on the log scale
    (all draws positive), anything else on the original scale.
    """
    return _widen(draws, factor, kind, bounds)


def _widen(draws, factor, kind: str, bounds, positive: bool | None = None) -> np.ndarray:
    """`widen`; ``positive`` (None: read off ``draws``) says whether every draw is > 0 -- a caller widening some
    columns of a larger matrix passes the whole matrix's answer, so the columns are widened as `widen` widens
    them in the matrix (every operation is per column)."""
    draws = np.asarray(draws, dtype=float)
    factor = np.asarray(factor, dtype=float)
    if factor.ndim > 1 or (factor.ndim == 1 and factor.size != draws.shape[1]):
        raise ValueError(f"factor must be one number or one per year ({draws.shape[1]}), got shape {factor.shape}")
    if not np.all(np.isfinite(factor) & (factor > 0)):
        raise ValueError(f"spread factors must be finite and > 0, got {factor}")
    lo, hi = bounds if bounds is not None else (0.0, 100.0)
    if kind == "share":
        p = np.clip((draws - lo) / (hi - lo), 1e-12, 1 - 1e-12)
        z = np.log(p / (1 - p))
        med = np.median(z, axis=0)
        z = med + factor * (z - med)
        return models._backward(z, "logit", (lo, hi))  # keeps the open interval, as the models do
    if kind in ("rate", "count") and (np.all(draws > 0) if positive is None else positive):
        z = np.log(draws)
        med = np.median(z, axis=0)
        return np.exp(med + factor * (z - med))
    med = np.median(draws, axis=0)
    return med + factor * (draws - med)


def pool_weights(own: list, refs: list, pool: Pool) -> list[tuple[object, float]]:
    groups = [(refs, pool.reference), (own, 1.0 - pool.reference)]
    total = sum(w for members, w in groups if members)
    if not total:
        # one group is empty and the other has weight 0: use the non-empty group alone
        groups = [(members, 1.0) for members, _ in groups if members][:1]
        total = 1.0 if groups else 0.0
    out = []
    for members, weight in groups:
        for m in members:
            out.append((m, weight / total / len(members)))
    return [(m, w) for m, w in out if w > 0]
