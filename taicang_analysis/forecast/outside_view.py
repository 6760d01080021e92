"""The outside view as a model: convergence, shrinkage, fading growth, heavy tails.

The matching rule of `reference` needs whole k-year changes and a recent-growth
history inside the as-of panel, so it often does not run; and a county's own
trend models carry forward growth that does not persist.  This module instead
estimates, from the one-year changes of a panel (one *regime*: Chinese regions,
or countries), how the drift depends on the level, how much regions' drifts
differ, and the year-to-year noise -- and projects any series from its last
published value with those numbers.  It runs for every series with at least one
value and every horizon.

Model (on the scale z: log for rates/counts, logit of ``(v - lo)/(hi - lo)`` for
shares, identity for levels)::

    d_it = a + b z_{i,t-1} + u_i + e_it,   u_i ~ N(0, s_u^2),   e_it ~ s_e t_nu (variance s_e^2)

Estimation (`fit_regime`)
-------------------------
* Changes between consecutive observed years, ``d = (z_{t+g} - z_t) / g`` with
  weight ``g`` (a g-year change is the mean of g annual changes: variance
  ``s_e^2 / g``); nothing is interpolated.
* ``(a, b)``: pooled weighted least squares; covariance clustered by region
  (drawn per path, so parameter uncertainty is in the predictive).
* ``s_e^2``: within-region weighted residual variance,
  ``sum g (r - rbar_i)^2 / (n_changes - n_regions)``.
* ``s_u^2 = max(0, mean_i(rbar_i^2 - s_e^2 / n_i))`` (method of moments), n_i the
  years spanned by region i's changes.
* ``nu``: maximum likelihood over the grid `DF_GRID` (3..30) of a Student-t
  with the variance fixed at 1 on the standardised within-region residuals.
* ``phi`` (how fast a region's own drift fades): each region's changes split
  at their median year into halves with mean residuals m1, m2 whose midpoints
  are L years apart; ``phi = clip((mean(m1 m2) / s_u^2)^(1 / mean L), 0, 1)``.

Projection (`outside_view_forecast`)
------------------------------------
The series' own mean residual against the class line, ``rbar`` over ``n``
years, is shrunk toward the class: ``w = s_u^2 / (s_u^2 + s_e^2 / n)`` and
``u ~ N(w rbar, (1 - w) s_u^2)`` per draw (empirical Bayes).  Paths start at
the last published value: ``z_k = z_{k-1} + a + b z_{k-1} + phi^k u + e_k``,
back-transformed, so a share cannot leave its bounds.  `smoothed_probability`
turns draws into a probability that is never exactly 0 or 1.

References
----------
.. [1] Barro, R. J. and Sala-i-Martin, X. (1992), "Convergence", Journal of
   Political Economy 100(2): the level-dependent drift (beta convergence).
.. [2] Efron, B. and Morris, C. (1975), "Data analysis using Stein's estimator
   and its generalizations", JASA 70: shrinkage of a unit's mean toward its class.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from . import models
from .models import Forecast, Skipped

DF_GRID: tuple[float, ...] = (3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 20.0, 30.0)
MIN_CHANGES = 20  # fewer changes in the panel: the regime is not estimable
MIN_REGIONS = 5
_SCALE_OF_KIND = {"share": "logit", "rate": "log", "count": "log", "level": "identity"}


@dataclass(frozen=True)
class RegimeFit:
    """The fitted outside view of one regime (see the module docstring for each number)."""

    regime: str
    scale: str
    bounds: tuple[float, float]
    a: float
    b: float
    cov: np.ndarray  # 2x2 clustered covariance of (a, b)
    sigma_e: float
    sigma_u: float
    df: float
    phi: float
    n_regions: int
    n_changes: int
    last_year: int  # latest year any change ends in
    level_effect: bool = True  # False: b fixed at 0 (growth-only proxy)

    def describe(self) -> str:
        drift = f"{self.a:.4g} {self.b:+.4g}*z" if self.level_effect else f"{self.a:.4g} (level term off: growth only)"
        return (f"{self.regime}: {self.n_changes} changes of {self.n_regions} regions up to {self.last_year} on the "
                f"{self.scale} scale; drift {drift}; between-region sd {self.sigma_u:.3g}; "
                f"noise sd {self.sigma_e:.3g} (t, {self.df:g} df); own drift fades by phi {self.phi:.3g}/yr")


def scale_of(kind: str) -> str:
    if kind not in _SCALE_OF_KIND:
        raise ValueError(f"unknown kind {kind!r}; choose from {tuple(_SCALE_OF_KIND)}")
    return _SCALE_OF_KIND[kind]


def _bounds(bounds) -> tuple[float, float]:
    b = tuple(map(float, bounds)) if bounds is not None else (0.0, 100.0)
    if not b[0] < b[1]:
        raise ValueError(f"bounds must be (lo, hi) with lo < hi, got {b}")
    return b


def to_scale(values, scale: str, bounds) -> np.ndarray:
    """Values on the model's scale; NaN where the transform is undefined (<= 0 on log, outside bounds on logit)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = models._forward(np.asarray(values, dtype=float), scale, bounds)
    return np.where(np.isfinite(z), z, np.nan)


def changes(panel: pd.DataFrame, *, scale: str, bounds=None) -> pd.DataFrame:
    """Consecutive-observation changes per region: ``region, year0, gap, z0, d`` (d per year; no filling)."""
    missing = {"region", "year", "value"} - set(panel.columns)
    if missing:
        raise ValueError(f"panel lacks columns {sorted(missing)}")
    p = panel.loc[panel["value"].notna(), ["region", "year", "value"]].copy()
    p["year"] = p["year"].astype(int)
    if p.duplicated(["region", "year"]).any():
        raise ValueError("panel has duplicate (region, year) rows")
    p["z"] = to_scale(p["value"].to_numpy(dtype=float), scale, _bounds(bounds))
    p = p[p["z"].notna()].sort_values(["region", "year"], kind="stable")
    same = p["region"].eq(p["region"].shift(-1)).to_numpy()
    year, z = p["year"].to_numpy(), p["z"].to_numpy()
    idx = np.nonzero(same[:-1])[0] if len(p) > 1 else np.array([], dtype=int)
    gap = (year[idx + 1] - year[idx]).astype(float)
    return pd.DataFrame({"region": p["region"].to_numpy()[idx], "year0": year[idx], "gap": gap,
                         "z0": z[idx], "d": (z[idx + 1] - z[idx]) / gap})


def _t_df(s: np.ndarray) -> float:
    """Student-t df (grid `DF_GRID`) maximising the likelihood of ``s`` with its variance fixed at 1."""
    if len(s) < 10:
        return DF_GRID[-1]
    best, best_ll = DF_GRID[-1], -np.inf
    for nu in DF_GRID:
        c = np.sqrt((nu - 2) / nu)  # t_nu * c has variance 1
        ll = float(np.sum(stats.t.logpdf(s / c, nu) - np.log(c)))
        if ll > best_ll:
            best, best_ll = nu, ll
    return best


def fit_changes(ch: pd.DataFrame, *, regime: str, scale: str, bounds=None,
                min_changes: int = MIN_CHANGES, level_effect: bool = True) -> RegimeFit | Skipped:
    """Estimate the regime's model from a `changes` frame (rules in the module docstring).

    ``level_effect=False`` fixes b = 0 (drift independent of the level): for a
    proxy panel whose levels are not comparable with the assessed series', only
    its growth carries over (`outside_views.OutsideView.fair_for` ``"growth"``).
    """
    name = f"outside_view:{regime}"
    n_reg = int(ch["region"].nunique()) if len(ch) else 0
    if len(ch) < min_changes or n_reg < MIN_REGIONS:
        return Skipped(name, f"{len(ch)} changes of {n_reg} regions in the panel; needs >= {min_changes} "
                             f"changes of >= {MIN_REGIONS} regions")
    d, g, z0 = (ch[c].to_numpy(dtype=float) for c in ("d", "gap", "z0"))
    reg = pd.factorize(ch["region"])[0]
    X = np.column_stack([np.ones(len(d)), z0]) if level_effect else np.ones((len(d), 1))
    XtW = X.T * g
    bread = np.linalg.pinv(XtW @ X)
    beta = bread @ (XtW @ d)
    r = d - X @ beta
    # region sums: weighted residual means, years spanned, clustered score
    n_i = np.bincount(reg, weights=g)
    rbar = np.bincount(reg, weights=g * r) / n_i
    m_i = np.bincount(reg)
    within = r - rbar[reg]
    dof = len(d) - n_reg
    sigma_e2 = float(np.sum(g * within ** 2) / dof) if dof > 0 else float(np.var(r))
    sigma_e2 = max(sigma_e2, 1e-12)
    sigma_u2 = max(0.0, float(np.mean(rbar ** 2 - sigma_e2 / n_i)))
    scores = np.column_stack([np.bincount(reg, weights=g * r * X[:, j]) for j in range(X.shape[1])])
    G = len(n_i)
    cov = bread @ (scores.T @ scores) @ bread * G / max(G - 1, 1)
    if not level_effect:  # b = 0 exactly: no parameter uncertainty in it
        beta, cov = np.array([beta[0], 0.0]), np.array([[cov[0, 0], 0.0], [0.0, 0.0]])
    multi = m_i[reg] >= 2
    s = within[multi] * np.sqrt(g[multi] / sigma_e2) * np.sqrt(m_i[reg][multi] / (m_i[reg][multi] - 1))
    df = _t_df(s)
    phi = _phi(ch, r, reg, g, sigma_u2)
    last = int((ch["year0"] + ch["gap"]).max())
    return RegimeFit(regime=regime, scale=scale, bounds=_bounds(bounds), a=float(beta[0]), b=float(beta[1]),
                     cov=cov, sigma_e=float(np.sqrt(sigma_e2)), sigma_u=float(np.sqrt(sigma_u2)), df=float(df),
                     phi=phi, n_regions=G, n_changes=len(d), last_year=last, level_effect=level_effect)


def _phi(ch: pd.DataFrame, r, reg, g, sigma_u2: float) -> float:
    """Split-half moment estimator of the yearly fading of a region's own drift (module docstring)."""
    if sigma_u2 <= 0:
        return 0.0
    mid = ch["year0"].to_numpy(dtype=float) + ch["gap"].to_numpy(dtype=float) / 2
    frame = pd.DataFrame({"reg": reg, "mid": mid, "g": g, "gr": g * r, "gm": g * mid})
    med = frame.groupby("reg")["mid"].transform("median")
    # the median change goes to the later half when the count is odd: both halves non-empty with >= 2 changes
    frame["half"] = np.where(frame["mid"] < med, 0, 1)
    sums = frame.groupby(["reg", "half"])[["g", "gr", "gm"]].sum().unstack("half").dropna()
    if len(sums) < MIN_REGIONS:
        return 0.0
    m1 = sums[("gr", 0)] / sums[("g", 0)]
    m2 = sums[("gr", 1)] / sums[("g", 1)]
    lag = float(np.mean(sums[("gm", 1)] / sums[("g", 1)] - sums[("gm", 0)] / sums[("g", 0)]))
    c = float(np.mean(m1 * m2))
    if c <= 0 or lag <= 0:
        return 0.0
    return float(np.clip((c / sigma_u2) ** (1.0 / lag), 0.0, 1.0))


def fit_regime(panel: pd.DataFrame, *, kind: str, regime: str, bounds=None, exclude_regions=(),
               max_year: int | None = None, min_changes: int = MIN_CHANGES,
               level_effect: bool = True) -> RegimeFit | Skipped:
    """Fit the outside view of one regime on a tidy panel (``region, year, value``).

    ``exclude_regions`` are dropped first (a case's own region never assesses
    it); with ``max_year`` only values dated up to it are used (the as-of cut).
    """
    scale = scale_of(kind)
    p = panel[~panel["region"].isin(list(exclude_regions))]
    if max_year is not None:
        p = p[p["year"] <= max_year]
    return fit_changes(changes(p, scale=scale, bounds=bounds), regime=regime, scale=scale, bounds=bounds,
                       min_changes=min_changes, level_effect=level_effect)


def own_effect(fit: RegimeFit, series: pd.Series) -> tuple[float, float, float, float]:
    """(posterior mean, posterior variance, raw mean residual, years spanned) of the series' own drift effect."""
    s = models._check_series(series)
    z = to_scale(s.to_numpy(), fit.scale, fit.bounds)
    ok = ~np.isnan(z)
    z, years = z[ok], s.index.to_numpy(dtype=float)[ok]
    if len(z) < 2 or fit.sigma_u == 0:
        return 0.0, fit.sigma_u ** 2, float("nan") if len(z) < 2 else 0.0, float(np.sum(np.diff(years)))
    g = np.diff(years)
    d = np.diff(z) / g
    r = d - (fit.a + fit.b * z[:-1])
    n = float(g.sum())
    rbar = float(np.sum(g * r) / n)
    w = fit.sigma_u ** 2 / (fit.sigma_u ** 2 + fit.sigma_e ** 2 / n)
    return w * rbar, (1 - w) * fit.sigma_u ** 2, rbar, n


def simulate(fit: RegimeFit, z0: float, steps: int, *, u_mean: float = 0.0, u_var: float = 0.0,
             n_draws: int = 10_000, rng: np.random.Generator) -> np.ndarray:
    """Paths on the model's scale, shape (n_draws, steps), starting from ``z0`` (not included)."""
    root = models._msqrt(fit.cov)
    ab = np.array([fit.a, fit.b]) + rng.standard_normal((n_draws, 2)) @ root.T
    u = u_mean + np.sqrt(max(u_var, 0.0)) * rng.standard_normal(n_draws)
    c = fit.sigma_e * np.sqrt((fit.df - 2) / fit.df)
    shocks = c * rng.standard_t(fit.df, size=(n_draws, steps))
    out = np.empty((n_draws, steps))
    z = np.full(n_draws, float(z0))
    for k in range(steps):
        z = z + ab[:, 0] + ab[:, 1] * z + fit.phi ** (k + 1) * u + shocks[:, k]
        out[:, k] = z
    return out


def outside_view_forecast(series: pd.Series, horizon_year: int, panel: pd.DataFrame | None = None, *, kind: str,
                          regime: str, bounds=None, exclude_regions=(), max_year: int | None = None,
                          fit: RegimeFit | None = None, n_draws: int = 10_000, seed: int = 0) -> Forecast | Skipped:
    """Predictive draws for every year after the series' last value, from the regime's fitted outside view.

    Give either a ``panel`` (fitted here, with ``exclude_regions`` and the
    ``max_year`` cut) or an already fitted ``fit``.  Every path starts at the
    last published value.  Returns `models.Forecast` named
    ``outside_view:<regime>`` (a pool member like any other), or `Skipped`
    when the regime cannot be estimated or the last value is outside the
    scale's domain.
    """
    bounds = _bounds(bounds)
    s = models._check_series(series)
    if s.empty:
        raise ValueError("series has no observations")
    last_year = int(s.index[-1])
    if horizon_year <= last_year:
        raise ValueError(f"horizon_year {horizon_year} must be after the last observation {last_year}")
    if fit is None:
        if panel is None:
            raise ValueError("give a panel or a fitted RegimeFit")
        fit = fit_regime(panel, kind=kind, regime=regime, bounds=bounds, exclude_regions=exclude_regions,
                         max_year=max_year)
        if isinstance(fit, Skipped):
            return fit
    elif fit.scale != scale_of(kind):
        raise ValueError(f"the fit is on the {fit.scale} scale; kind {kind!r} needs {scale_of(kind)}")
    z0 = float(to_scale([s.iloc[-1]], fit.scale, bounds)[0])
    if np.isnan(z0):
        return Skipped(f"outside_view:{regime}", f"latest value {s.iloc[-1]} outside the {fit.scale} scale's domain")
    u_mean, u_var, rbar, n = own_effect(fit, s)
    rng = np.random.default_rng(seed)
    paths = simulate(fit, z0, horizon_year - last_year, u_mean=u_mean, u_var=u_var, n_draws=n_draws, rng=rng)
    draws = models._backward(paths, fit.scale, bounds)
    step1 = fit.a + fit.b * z0 + fit.phi * u_mean
    own = (f"own drift {rbar:+.3g}/yr vs class over {n:g} yrs, shrunk to {u_mean:+.3g}" if not np.isnan(rbar)
           else "one value: own drift unknown, class drift used")
    notes = f"{fit.describe()}; starts at {s.iloc[-1]:g} ({last_year}); {own}"
    return Forecast(model=f"outside_view:{fit.regime}", years=tuple(range(last_year + 1, horizon_year + 1)),
                    draws=draws, growth=models._growth(step1, fit.scale), notes=notes)


def smoothed_probability(met) -> float:
    """Share of draws meeting the target, ``(k + 0.5) / (n + 1)``: never exactly 0 or 1."""
    m = np.asarray(met, dtype=bool).ravel()
    if not m.size:
        raise ValueError("no draws")
    return float((m.sum() + 0.5) / (m.size + 1))


def simulate_panel(*, a: float, b: float, sigma_u: float, sigma_e: float, n_regions: int, n_years: int,
                   z_start=(0.0, 1.0), df: float | None = None, first_year: int = 2000,
                   seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """A panel on the model's scale (``region, year, value`` = z) from known parameters, and the true u_i.

    For known-truth tests: regions start uniform on ``z_start`` and follow
    ``z_t = z_{t-1} + a + b z_{t-1} + u_i + e_t`` (``e`` normal, or t with
    ``df`` scaled to variance ``sigma_e^2``).
    """
    rng = np.random.default_rng(seed)
    u = sigma_u * rng.standard_normal(n_regions)
    z = rng.uniform(*z_start, n_regions)
    rows = []
    for t in range(n_years):
        for i in range(n_regions):
            rows.append((f"r{i:03d}", first_year + t, z[i]))
        if df is None:
            e = sigma_e * rng.standard_normal(n_regions)
        else:
            e = sigma_e * np.sqrt((df - 2) / df) * rng.standard_t(df, n_regions)
        z = z + a + b * z + u + e
    return pd.DataFrame(rows, columns=["region", "year", "value"]), u
