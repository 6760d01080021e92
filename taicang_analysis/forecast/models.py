"""Forecast models for short, irregular annual series -> seeded predictive draws.

A county indicator typically has 2-4 published values (R&D intensity 2010,
2015, 2020).  Each model here turns such a series into draws of the value in
every future year up to ``horizon_year``, and refuses (returns `Skipped`
with the reason) when the series is too short for the model to say anything
honest: too few points to estimate a spread, gaps where the model needs a
regular annual series, or values outside the transform's domain.  Gaps are
never filled; only the local linear trend sees missing years, as unobserved
(NaN) years of a state-space model.

Models work on a transformed scale chosen by ``kind`` -- identity for
``level``, log for ``count``/``rate``, logit of ``(v - lo) / (hi - lo)`` for
``share`` -- except ``linear`` (always the raw value), ``loglinear`` (always
log) and ``logit_linear`` (always logit).  Draws are back-transformed, so a
share projected on the logit scale never leaves its bounds.

The regression models and ``rw_drift`` include parameter uncertainty (their
marginal predictive is the textbook Student-t prediction interval); the
state-space models (``damped_ets``, ``local_linear_trend``) condition on their
fitted variances, so their intervals are too narrow on short series -- which
is one more reason they are gated to longer series.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
# statsmodels is imported on first use by the models that need it (PEP 562), so
# `import taicang_analysis` stays light; ``models.ETSModel`` etc. still resolve (and can be patched)
_LAZY = {"OLS": "statsmodels.regression.linear_model", "add_constant": "statsmodels.tools.tools",
         "ETSModel": "statsmodels.tsa.exponential_smoothing.ets",
         "UnobservedComponents": "statsmodels.tsa.statespace.structural"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _lazy(name: str):
    return globals()[name] if name in globals() else __getattr__(name)

MODELS: tuple[str, ...] = ("rw_drift", "linear", "loglinear", "logit_linear",
                           "damped_ets", "local_linear_trend")
#: Fewest observations for which a model returns a `Forecast`.  ``rw_drift``
#: computes a drift from 2 points but needs 3 for its innovation variance.
MIN_OBS: dict[str, int] = {"rw_drift": 3, "linear": 3, "loglinear": 3, "logit_linear": 3,
                           "damped_ets": 8, "local_linear_trend": 5}
KINDS: tuple[str, ...] = ("share", "rate", "count", "level")
_SCALE_OF_KIND = {"share": "logit", "rate": "log", "count": "log", "level": "identity"}
_LLT_MAXITER = 500  # Nelder-Mead iterations; the fit takes ~10 ms on 5-15 points
_ETS_MAXITER = 200  # L-BFGS iterations; 10-point fits converge in ~25


class _DrawsSummary:
    """Accessors shared by every result that carries ``years`` and ``draws``."""

    years: tuple[int, ...]
    draws: np.ndarray
    model: str

    def quantiles(self, q=(0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Quantiles of the draws per year (index ``year``, one column per q)."""
        qs = np.atleast_1d(np.asarray(q, dtype=float))
        values = np.quantile(self.draws, qs, axis=0).T
        return pd.DataFrame(values, index=pd.Index(self.years, name="year"), columns=list(qs))

    def median(self) -> pd.Series:
        """Median draw per year."""
        return pd.Series(np.median(self.draws, axis=0), index=pd.Index(self.years, name="year"),
                         name=self.model)

    def interval(self, level: float = 0.8) -> pd.DataFrame:
        """Central predictive interval per year, columns ``lower`` and ``upper``."""
        if not 0 < level < 1:
            raise ValueError(f"level must be in (0, 1), got {level}")
        tail = (1 - level) / 2
        out = self.quantiles((tail, 1 - tail))
        out.columns = ["lower", "upper"]
        return out


def _freeze_draws(obj, years) -> None:
    draws = np.array(obj.draws, dtype=float)  # a private copy the caller cannot mutate
    if draws.ndim != 2 or draws.shape[1] != len(years):
        raise ValueError(f"draws must have shape (n_draws, {len(years)}), got {draws.shape}")
    draws.flags.writeable = False
    object.__setattr__(obj, "draws", draws)
    object.__setattr__(obj, "years", tuple(int(y) for y in years))


@dataclass(frozen=True, eq=False)
class Forecast(_DrawsSummary):
    """Predictive draws of one model for every year after the last observation.

    ``growth`` is on the model's scale: units/yr on the identity scale,
    ``exp(slope) - 1`` (compound growth per year) on the log scale, and
    ``exp(slope) - 1`` of the odds on the logit scale.
    """

    model: str
    years: tuple[int, ...]
    draws: np.ndarray
    growth: float | None
    notes: str

    def __post_init__(self):
        _freeze_draws(self, self.years)


@dataclass(frozen=True)
class Skipped:
    """A model that was not fitted, and why."""

    model: str
    reason: str
    failed_horizon: int | None = None  # a reference class: the first horizon k (years) it could not reach


# -- transforms ---------------------------------------------------------------

def _forward(v: np.ndarray, scale: str, bounds: tuple[float, float]) -> np.ndarray:
    if scale == "log":
        return np.log(v)
    if scale == "logit":
        p = (v - bounds[0]) / (bounds[1] - bounds[0])
        return np.log(p) - np.log1p(-p)
    return np.asarray(v, dtype=float)


def _backward(z: np.ndarray, scale: str, bounds: tuple[float, float]) -> np.ndarray:
    """Back-transform; exp overflow gives inf (heavy t tails with 1 df), silently."""
    with np.errstate(over="ignore"):
        if scale == "log":
            return np.exp(z)
        if scale == "logit":
            lo, hi = bounds
            v = lo + (hi - lo) / (1.0 + np.exp(-z))
            # expit rounds to exactly 0 or 1 beyond |z| ~ 37; keep the open interval
            return np.clip(v, np.nextafter(lo, hi), np.nextafter(hi, lo))
    return np.asarray(z, dtype=float)


def _domain_problem(v: np.ndarray, scale: str, bounds: tuple[float, float]) -> str | None:
    if scale == "log" and np.any(v <= 0):
        return "log scale needs values > 0"
    if scale == "logit" and np.any((v <= bounds[0]) | (v >= bounds[1])):
        return f"logit scale needs values strictly inside {bounds}"
    return None


def _growth(slope: float, scale: str) -> float:
    return float(slope) if scale == "identity" else float(np.expm1(slope))


def _negligible(var: float, z: np.ndarray) -> bool:
    """Variance indistinguishable from 0 (rounding) relative to the data's spread."""
    spread = np.var(z) + (1e-3 * (1 + np.mean(np.abs(z)))) ** 2  # floor: 0.1% of the level
    return not var > 1e-6 * spread  # sd below 0.1% of the spread: rounding, not noise


def _msqrt(m: np.ndarray) -> np.ndarray:
    """Symmetric square root of a PSD matrix (tolerates zero variances)."""
    w, v = np.linalg.eigh(np.atleast_2d(m))
    return v * np.sqrt(np.clip(w, 0, None))


# -- models -------------------------------------------------------------------

def _rw_drift(z, years, fy, rng, n_draws):
    """Random walk with drift on irregular spacing.

    Notes
    -----
    With gaps :math:`g_i` and differences :math:`d_i = z_{i+1} - z_i`, the model
    :math:`d_i \\sim N(\\mu g_i, g_i \\sigma^2)` is a weighted regression through
    the origin whose GLS drift is :math:`\\hat\\mu = (z_n - z_1) / \\sum g_i`
    with variance :math:`\\sigma^2/\\sum g_i` and
    :math:`\\hat\\sigma^2 = \\sum (d_i - \\hat\\mu g_i)^2 / g_i / (n-2)`.
    Drawing :math:`\\sigma^2 = \\hat\\sigma^2 (n-2)/\\chi^2_{n-2}`, then
    :math:`\\mu \\mid \\sigma^2`, then the path, gives the exact Student-t
    (n-2 df) predictive :math:`z_n + \\hat\\mu h \\pm t\\,\\hat\\sigma\\sqrt{h + h^2/\\sum g_i}`.
    """
    d, g = np.diff(z), np.diff(years).astype(float)
    span, df = g.sum(), len(z) - 2
    mu_hat = (z[-1] - z[0]) / span
    s2 = float(np.sum((d - mu_hat * g) ** 2 / g) / df)
    if _negligible(s2, z):
        return None, "changes are proportional to the gaps: innovation variance is negligible"
    sigma2 = s2 * df / rng.chisquare(df, n_draws)
    mu = mu_hat + np.sqrt(sigma2 / span) * rng.standard_normal(n_draws)
    steps = np.diff(np.concatenate([[years[-1]], fy])).astype(float)
    shocks = np.sqrt(sigma2[:, None] * steps) * rng.standard_normal((n_draws, len(fy)))
    paths = z[-1] + np.cumsum(mu[:, None] * steps + shocks, axis=1)
    note = (f"drift {mu_hat:.4g}/yr = (last - first)/{span:g} yrs; innovation sd {np.sqrt(s2):.3g}"
            f" per sqrt(yr) from {len(d)} gap-scaled differences; t with {df} df")
    return (paths, mu_hat), note


def _ols_trend(z, years, fy, rng, n_draws):
    """OLS of z on year; draws whose marginals are the OLS t prediction interval.

    Notes
    -----
    :math:`\\sigma^2 = s^2 (n-2)/\\chi^2_{n-2}`, :math:`\\beta \\sim N(\\hat\\beta, \\sigma^2 (X'X)^{-1})`,
    :math:`z_f = x_f'\\beta + N(0, \\sigma^2)`: marginally :math:`x_f'\\hat\\beta \\pm t_{n-2}\\,
    s\\sqrt{1 + x_f'(X'X)^{-1}x_f}`, i.e. ``get_prediction().summary_frame()``'s ``obs_ci``.
    """
    centre = float(np.mean(years))
    res = _ols(z, np.column_stack([np.ones(len(years)), years - centre]))
    df = int(res.df_resid)
    if _negligible(res.scale, z):
        return None, "the points lie on a line: residual variance is negligible"
    sigma2 = res.scale * df / rng.chisquare(df, n_draws)
    root = _msqrt(res.normalized_cov_params)
    beta = res.params + np.sqrt(sigma2)[:, None] * (rng.standard_normal((n_draws, 2)) @ root.T)
    xf = np.column_stack([np.ones(len(fy)), fy - centre])
    paths = beta @ xf.T + np.sqrt(sigma2)[:, None] * rng.standard_normal((n_draws, len(fy)))
    slope = float(res.params[1])
    note = (f"OLS on {len(z)} points: slope {slope:.4g}/yr (se {res.bse[1]:.2g}),"
            f" residual sd {np.sqrt(res.scale):.3g}; t with {df} df")
    return (paths, slope), note


@dataclass(frozen=True)
class _OLSFit:
    params: np.ndarray
    normalized_cov_params: np.ndarray
    df_resid: float
    scale: float
    bse: np.ndarray


def _ols(y: np.ndarray, x: np.ndarray) -> _OLSFit:
    """``statsmodels`` ``OLS(y, x).fit()`` (its default pinv method), the numbers it gives bit for bit.

    statsmodels' own steps -- ``tools.pinv_extended`` (SVD, singular values
    below 1e-15 x the largest dropped), ``params = pinv @ y``, ``df_resid =
    nobs - rank``, ``scale = resid . resid / df_resid``, ``bse`` from the
    nonrobust covariance -- without building the model and results objects,
    which cost more than the fit on a ten-point series (the backtest fits
    thousands).  ``x`` already holds the constant column (what
    ``add_constant`` adds).  tests/test_backtest_fast_paths.py holds it to
    statsmodels.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    u, s, vt = np.linalg.svd(x.conjugate(), False)
    singular = np.copy(s)
    cutoff = 1e-15 * np.maximum.reduce(s)
    for i in range(min(vt.shape[1], u.shape[0])):
        s[i] = 1.0 / s[i] if s[i] > cutoff else 0.0
    pinv = np.dot(np.transpose(vt), np.multiply(s[:, np.newaxis], np.transpose(u)))
    normalized = np.dot(pinv, np.transpose(pinv))
    rank = np.linalg.matrix_rank(np.diag(singular))
    params = np.dot(pinv, y)
    df_resid = float(x.shape[0]) - rank
    resid = y - np.dot(x, params)
    scale = np.dot(resid, resid) / df_resid
    with np.errstate(invalid="ignore"):
        bse = np.sqrt(np.diag(normalized * scale))
    return _OLSFit(params=params, normalized_cov_params=normalized, df_resid=df_resid, scale=scale, bse=bse)


def _damped_ets(z, years, fy, rng, n_draws):
    """Additive-error damped-trend ETS; draws from the fitted model's simulate."""
    mod = _lazy("ETSModel")(z, error="add", trend="add", damped_trend=True)
    _without_covariance(mod)
    res = mod.fit(disp=False, maxiter=_ETS_MAXITER, **_lean_lbfgs_option(mod))
    if not res.mle_retvals.get("converged", False):
        return None, "ETS likelihood optimisation did not converge"
    sims = res.simulate(len(fy), anchor="end", repetitions=n_draws, rng=rng)
    paths = np.asarray(sims, dtype=float).reshape(len(fy), n_draws).T
    slope = float(res.slope[-1])
    phi = dict(zip(res.model.param_names, res.params))["damping_trend"]
    note = (f"damped trend phi {phi:.3g}, last slope {slope:.4g}/yr;"
            " conditional on fitted parameters (no parameter uncertainty)")
    return (paths, slope), note


def _local_linear_trend(z, years, fy, rng, n_draws):
    """Local linear trend on the full annual grid; missing years are NaN (unobserved)."""
    grid = pd.Series(z, index=years).reindex(range(years[0], years[-1] + 1))
    # cov_type "none": the parameters' covariance is never read (the draws condition on the fitted variances)
    mod = _lazy("UnobservedComponents")(grid.to_numpy(), level="local linear trend")
    _lean_loglike(mod)
    res = mod.fit(start_params=_llt_start_params(mod), disp=False, method="nm", maxiter=_LLT_MAXITER,
                  cov_type="none")
    params = np.asarray(res.params, dtype=float)
    if not res.mle_retvals.get("converged", False):
        return None, "state-space likelihood optimisation did not converge"
    if not np.all(np.isfinite(params)) or _negligible(params.max(), z):
        return None, f"degenerate variance estimates {np.round(params, 12).tolist()}"
    fr = res.filter_results
    tm, zz, sel = fr.transition[:, :, 0], fr.design[:, :, 0], fr.selection[:, :, 0]
    q_root, h_sd = sel @ _msqrt(fr.state_cov[:, :, 0]), float(np.sqrt(fr.obs_cov[0, 0, 0]))
    p_root = _msqrt(res.predicted_state_cov[:, :, -1])  # state for the year after the last
    state = res.predicted_state[:, -1] + rng.standard_normal((n_draws, len(p_root))) @ p_root.T
    paths = np.empty((n_draws, len(fy)))
    for col in range(len(fy)):  # fy is every year after the last observation
        paths[:, col] = state @ zz[0] + h_sd * rng.standard_normal(n_draws)
        state = state @ tm.T + rng.standard_normal((n_draws, q_root.shape[1])) @ q_root.T
    slope = float(res.smoothed_state[1, -1])
    variances = ", ".join(f"{name.removeprefix('sigma2.')} {v:.2g}"
                          for name, v in zip(res.model.param_names, params))
    note = (f"local linear trend on {len(grid)} annual slots ({int(grid.isna().sum())} unobserved),"
            f" variances {variances}; last trend {slope:.4g}/yr;"
            " conditional on fitted variances (no parameter uncertainty)")
    return (paths, slope), note


# -- statsmodels without the work whose result is discarded ---------------------------------------
# The two state-space fits are most of a backtest's time (thousands of 5-15 point series).  Both
# shortcuts below leave statsmodels' optimiser, its settings, starting values and draws untouched and
# give its numbers bit for bit (tests/test_backtest_fast_paths.py holds them to the stock objects).

def _without_covariance(mod) -> None:
    """Let ``ETSModel.fit`` skip the parameters' covariance (a numerical Hessian: ~15 % of a fit).

    ``ETSResults.__init__`` computes it eagerly; nothing here reads it (the draws come from
    ``simulate``, which reads the parameters, states and residual scale).  The model's ``smooth``
    is replaced on this instance only, with the same steps and a results class whose covariance is
    never computed (``cov_params_default`` is None).
    """
    results_class, wrapper_class = _ets_results_without_covariance()

    def smooth(params, return_raw=False):
        params = np.asarray(params)
        return mod._wrap_results(params, mod._smooth(params), return_raw, results_class=results_class,
                                 wrapper_class=wrapper_class)
    mod.smooth = smooth


_ETS_RESULTS: list = []


def _ets_results_without_covariance():
    if not _ETS_RESULTS:
        from statsmodels.tsa.exponential_smoothing.ets import ETSResults, ETSResultsWrapper

        class ETSResultsWithoutCovariance(ETSResults):
            cov_params_approx = None  # shadows the cached numerical-Hessian covariance __init__ reads

        _ETS_RESULTS[:] = [ETSResultsWithoutCovariance, ETSResultsWrapper]
    return tuple(_ETS_RESULTS)


def _lean_lbfgs_option(mod=None) -> dict:
    """``fit`` keywords that route statsmodels' ``"lbfgs"`` optimiser to `_lean_fit_lbfgs` (statsmodels'
    ``extra_fit_funcs`` hook: ``Optimizer._fit`` looks the method up in the stock table updated by it); with an
    additive-error ETS model ``mod``, its objective evaluated by `_ets_objective`."""
    objective = _ets_objective(mod) if mod is not None else None
    if objective is None:
        return {"extra_fit_funcs": {"lbfgs": _lean_fit_lbfgs}}
    return {"extra_fit_funcs": {"lbfgs": functools.partial(_lean_fit_lbfgs, lean_objective=objective)}}


def _ets_objective(mod):
    """The objective ``LikelihoodModel.fit`` minimises for an additive-error ``ETSModel`` inside ``fit``
    (``-mod._loglike_internal(params, *fargs) / nobs``), the same steps without the calls around them: the
    Cython smoother, the residuals, ``np.mean`` as its own sum over the count, the Gaussian log-likelihood.
    None for any other model (multiplicative error: the stock objective)."""
    if getattr(mod, "error", None) != "add" or not hasattr(mod, "_smoothing_func"):
        return None
    smooth, data, n, nobs = mod._smoothing_func, mod.endog, mod.nobs, mod.endog.shape[0]
    if not (isinstance(data, np.ndarray) and data.ndim == 1 and data.dtype == np.float64):
        return None

    def objective(params, yhat, xhat, is_fixed, fixed_values, use_beta_star, use_gamma_star):
        smooth(params, data, yhat, xhat, np.ascontiguousarray(is_fixed, dtype=np.int64), fixed_values,
               use_beta_star, use_gamma_star)
        res = data - yhat
        log_l = -n / 2 * (np.log(2 * np.pi * (np.add.reduce(res ** 2) / res.size)) + 1)
        return -log_l / nobs
    return objective


_LEAN_LBFGS_KWARGS = frozenset({"bounds", "approx_grad", "extra_fit_funcs"})
LEAN_LBFGS_SCIPY = "1.17."  # the scipy series whose private L-BFGS-B driver `_lbfgsb_approx_grad` copies (pinned)


def _lean_fit_lbfgs(f, score, start_params, fargs, kwargs, disp=True, maxiter=100, callback=None, retall=False,
                    full_output=True, hess=None, lean_objective=None):
    """statsmodels' ``_fit_lbfgs`` with ``approx_grad`` (what ``ETSModel.fit`` asks for), the same numbers.

    The stock call goes ``fmin_l_bfgs_b`` -> ``_minimize_lbfgsb`` -> ``ScalarFunction`` ->
    ``approx_derivative`` for every gradient: two thirds of a ten-point damped-ETS fit is that machinery
    around a 12-microsecond log-likelihood.  This is the same loop over scipy's L-BFGS-B routine
    (``_lbfgsb.setulb``, same memory 10, ``factr`` 1e7, ``pgtol`` 1e-5, ``maxls`` 20, ``maxfun``
    15000), the same caching of f and its gradient at the last point, and the same forward differences
    (absolute step 1e-8, or scipy's relative step where that step vanishes; flipped or shortened at a
    bound as ``_adjust_scheme_to_bounds`` does), so the optimiser sees the same f and gradient at every
    step and returns the same point, value, counts and flags.  Any other request (a score, a callback,
    other options, no ``approx_grad``) goes to the stock ``_fit_lbfgs``.  ``lean_objective`` (`_ets_objective`)
    stands in for ``f`` if it gives ``f``'s value, bit for bit, at the starting point (else ``f`` is used).
    tests/test_backtest_fast_paths.py holds it to the stock fit.
    """
    from statsmodels.base import optimizer as sm_optimizer

    stock_kwargs = {k: v for k, v in kwargs.items() if k != "extra_fit_funcs"}
    if (set(kwargs) - _LEAN_LBFGS_KWARGS or not kwargs.get("approx_grad") or callback is not None
            or not full_output or retall):
        return sm_optimizer._fit_lbfgs(f, score, start_params, fargs, stock_kwargs, disp=disp, maxiter=maxiter,
                                       callback=callback, retall=retall, full_output=full_output, hess=hess)
    try:
        import scipy
        from scipy.optimize import _lbfgsb
        setulb = _lbfgsb.setulb
        if not scipy.__version__.startswith(LEAN_LBFGS_SCIPY):  # setulb is private: its calling convention
            raise ImportError(scipy.__version__)                 # is only known for the version written for
    except (ImportError, AttributeError):
        return sm_optimizer._fit_lbfgs(f, score, start_params, fargs, stock_kwargs, disp=disp, maxiter=maxiter,
                                       callback=callback, retall=retall, full_output=full_output, hess=hess)
    from statsmodels.compat.scipy import SP_LT_118

    bounds = kwargs.setdefault("bounds", [(None, None)] * len(start_params))
    if SP_LT_118:
        kwargs.setdefault("iprint", -1 if not disp else 1)  # what the stock call leaves in mle_settings
    if lean_objective is not None:
        x0 = np.array(start_params, dtype=float)
        if not (x0.dtype == np.float64 and np.all(np.isfinite(x0)) and _same_number(lean_objective(x0, *fargs),
                                                                                   f(x0.copy(), *fargs))):
            lean_objective = None
    xopt, fopt, grad, nfev, nit, warnflag = _lbfgsb_approx_grad(setulb, lean_objective or f, start_params, fargs,
                                                                bounds, maxiter)
    return xopt, {"fopt": fopt, "gopt": grad, "fcalls": nfev, "warnflag": warnflag, "converged": warnflag == 0,
                  "iterations": nit}


def _same_number(a, b) -> bool:
    return type(a) is type(b) and (a == b or (a != a and b != b))


def _lbfgsb_approx_grad(setulb, fun, x0, args, bounds, maxiter, m=10, factr=1e7, pgtol=1e-5, epsilon=1e-8,
                        maxfun=15000, maxls=20):
    """``scipy.optimize.fmin_l_bfgs_b(fun, x0, args=args, bounds=bounds, approx_grad=True, maxiter=maxiter)``
    (scipy 1.17's steps) -> (x, f, gradient, function calls, iterations, warnflag)."""
    eps = np.finfo(float).eps
    factr = (factr * eps) / eps  # fmin_l_bfgs_b passes ftol = factr * eps, _minimize_lbfgsb divides it back
    x0 = np.asarray(x0).ravel()
    n, = x0.shape
    lb = np.array([float(b[0].item() if isinstance(b[0], np.ndarray) else b[0]) if b[0] is not None else -np.inf
                   for b in bounds])
    ub = np.array([float(b[1].item() if isinstance(b[1], np.ndarray) else b[1]) if b[1] is not None else np.inf
                   for b in bounds])
    if len(bounds) != n:
        raise ValueError('length of x0 != length of bounds')
    if (lb > ub).any():
        raise ValueError("LBFGSB - one of the lower bounds is greater than an upper bound.")
    x0 = np.clip(x0, lb, ub)
    unbounded = bool(np.all((lb == -np.inf) & (ub == np.inf)))
    rstep = eps ** 0.5  # scipy's relative step for '2-point' in float64
    calls = [0]

    def value(x):
        fx = fun(np.copy(x), *args)
        calls[0] += 1
        if not np.isscalar(fx):
            try:
                fx = np.asarray(fx).item()
            except (TypeError, ValueError) as e:
                raise ValueError("The user-provided objective function must return a scalar value.") from e
        return fx

    def gradient(x, f0):  # approx_derivative(value, x, '2-point', abs_step=epsilon, f0=f0, bounds=(lb, ub))
        if np.any((x < lb) | (x > ub)):
            raise ValueError("`x0` violates bound constraints.")
        sign = (x >= 0).astype(float) * 2 - 1
        h = np.where(((x + epsilon) - x) == 0, rstep * sign * np.maximum(1.0, np.abs(x)), epsilon)
        if not unbounded:
            lower, upper = x - lb, ub - x
            fitting = np.abs(h) <= np.maximum(lower, upper)
            adjusted = h.copy()
            adjusted[(((x + h) < lb) | ((x + h) > ub)) & fitting] *= -1
            forward = (upper >= lower) & ~fitting
            adjusted[forward] = upper[forward] / 1
            backward = (upper < lower) & ~fitting
            adjusted[backward] = -lower[backward] / 1
            h = adjusted
        f0 = np.atleast_1d(f0)
        g = np.empty((n, f0.size))
        for i in range(n):
            x1 = np.copy(x)
            x1[i] = x[i] + h[i]
            g[i] = (np.atleast_1d(value(x1)) - f0) / ((x[i] + h[i]) - x[i])
        return np.ravel(g) if f0.size == 1 else g.T

    at = x0.astype(np.float64)  # ScalarFunction: f and its gradient at the last point asked for
    f_at = value(at)
    g_at = gradient(at, f_at)

    nbd = np.zeros(n, np.int32)
    low_bnd, upper_bnd = np.zeros(n, np.float64), np.zeros(n, np.float64)
    bounds_map = {(-np.inf, np.inf): 0, (1, np.inf): 1, (1, 1): 2, (-np.inf, 1): 3}
    for i in range(n):
        lo, hi = lb[i], ub[i]
        if not np.isinf(lo):
            low_bnd[i] = lo
            lo = 1
        if not np.isinf(hi):
            upper_bnd[i] = hi
            hi = 1
        nbd[i] = bounds_map[lo, hi]
    x = np.array(x0, dtype=np.float64)
    f = np.array(0.0, dtype=np.float64)
    g = np.zeros((n,), dtype=np.float64)
    wa = np.zeros(2 * m * n + 5 * n + 11 * m * m + 8 * m, np.float64)
    iwa = np.zeros(3 * n, dtype=np.int32)
    task = np.zeros(2, dtype=np.int32)
    ln_task = np.zeros(2, dtype=np.int32)
    lsave = np.zeros(4, dtype=np.int32)
    isave = np.zeros(44, dtype=np.int32)
    dsave = np.zeros(29, dtype=np.float64)
    n_iterations = 0
    while True:
        g = g.astype(np.float64)
        setulb(m, x, low_bnd, upper_bnd, nbd, f, g, factr, pgtol, wa, iwa, task, lsave, isave, dsave, maxls, ln_task)
        if task[0] == 3:
            if not np.array_equal(x, at):
                at = np.atleast_1d(np.asarray(x)).astype(np.float64)
                f_at = value(at)
                g_at = gradient(at, f_at)
            f, g = f_at, g_at
        elif task[0] == 1:
            n_iterations += 1
            if n_iterations >= maxiter:
                task[0], task[1] = 5, 504
            elif calls[0] > maxfun:
                task[0], task[1] = 5, 502
        else:
            break
    if task[0] == 4:
        warnflag = 0
    elif calls[0] > maxfun or n_iterations >= maxiter:
        warnflag = 1
    else:
        warnflag = 2
    return x, f, g, calls[0], n_iterations, warnflag


def _lean_loglike(mod) -> None:
    """Give a local-linear-trend ``UnobservedComponents`` a log-likelihood for its optimiser without the overhead.

    Nelder-Mead calls ``mod.loglike`` ~80 times per fit; each call re-validates the arguments,
    re-sets the matrices through their descriptors, copies every matrix into the Cython state space
    and re-checks the filter's settings, around a Kalman filter that itself takes a fifth of the
    call.  The lean call does what changes between calls and nothing else: the three variances
    (``transform_params``: squares) written into the model's matrices and the Cython copies, the
    filter's settings re-applied, the state re-initialised, the same Cython filter run and its
    log-likelihood summed as ``KalmanFilter.loglike`` sums it.  Any other call (other flags, complex
    step, a filter object not in the state the stock call left) goes to the stock method.
    """
    from statsmodels.tsa.statespace.kalman_filter import FILTER_CONCENTRATED, MEMORY_CONSERVE, MEMORY_NO_LIKELIHOOD

    ssm = mod.ssm
    if (mod.param_names != ["sigma2.irregular", "sigma2.level", "sigma2.trend"] or mod._has_fixed_params
            or mod._repeat_any_var or mod.k_obs_cov != 1 or mod.k_state_cov != 2
            or ssm.shapes["obs_cov"] != (1, 1, 1) or ssm.shapes["state_cov"] != (2, 2, 1) or ssm.prefix != "d"):
        return  # not the model this was written for: keep the stock method
    stock = mod.loglike
    memory = MEMORY_CONSERVE ^ MEMORY_NO_LIKELIHOOD  # what KalmanFilter.loglike filters with
    _, rows, cols = mod._idx_state_cov
    if len(rows) != 2 or len(cols) != 2:
        return
    (r1, r2), (c1, c2) = (int(i) for i in rows), (int(i) for i in cols)  # the two variances' cells, written one by one

    def loglike(params, *args, **kwargs):
        flags = args[0] if len(args) == 1 and type(args[0]) is dict else None
        # ``ssm.prefix`` (a BLAS type lookup over every matrix, a third of this call) is "d" while the two
        # matrices the parameters set are float64: nothing else in this model changes
        prefix = "d"
        kfilter = ssm._kalman_filters.get(prefix)
        if (flags is None or kwargs or flags.get("transformed", True) or flags.get("includes_fixed", False)
                or flags.get("complex_step", False) or kfilter is None or prefix not in ssm._statespaces
                or kfilter.conserve_memory != memory or kfilter.loglikelihood_burn != ssm.loglikelihood_burn
                or ssm.filter_method & FILTER_CONCENTRATED
                or ssm._obs_cov.shape != (1, 1, 1) or ssm._state_cov.shape != (2, 2, 1)
                or ssm._obs_cov.dtype != np.float64 or ssm._state_cov.dtype != np.float64):
            return stock(params, *args, **kwargs)
        p = np.array(params, ndmin=1)
        if p.dtype != np.float64 or p.shape != (3,):
            return stock(params, *args, **kwargs)
        p = p ** 2  # transform_params: every parameter is a variance, constrained[:3] = unconstrained[:3] ** 2
        copies = ssm._representations[prefix]
        for target in (ssm._obs_cov, copies["obs_cov"]):
            target[0, 0, 0] = p[0]
        for target in (ssm._state_cov, copies["state_cov"]):
            target[r1, c1, 0] = p[1]
            target[r2, c2, 0] = p[2]
        kfilter.set_filter_method(ssm.filter_method, False)
        kfilter.inversion_method = ssm.inversion_method
        kfilter.stability_method = ssm.stability_method
        kfilter.filter_timing = ssm.filter_timing
        kfilter.tolerance = ssm.tolerance
        ssm._initialize_state(prefix=prefix, complex_step=False)
        kfilter()
        return np.asarray(kfilter.loglikelihood)[ssm.loglikelihood_burn:].sum()  # np.sum of the memoryview
    mod.loglike = loglike


def _is_local_linear_trend(mod) -> bool:
    return (list(mod.parameters) == ["irregular_var", "level_var", "trend_var"] and not mod._has_fixed_params
            and mod.level and mod.stochastic_level and mod.stochastic_trend and mod.irregular
            and not (mod.cycle or mod.autoregressive or mod.regression or mod.seasonal or mod.freq_seasonal))


def _llt_start_params(mod) -> list | None:
    """``UnobservedComponents.start_params`` of a local linear trend, the same numbers, its HP filters' matrix built
    once per length (`_hp_cycle_trend`); None (the stock property) for any other model.

    The stock steps: the observed values; an HP filter of them (cycle = ``resid``) and of that trend; the
    irregular variance ``np.var(resid)``, the level variance ``np.std(cycle2) ** 2``, the trend variance
    ``np.std(trend2) ** 2``, in the order of ``mod.parameters``.
    """
    if not _is_local_linear_trend(mod):
        return None
    endog = mod.endog
    if np.any(np.isnan(endog)):
        endog = endog[~np.isnan(endog).squeeze()]
    resid, trend1 = _hp_cycle_trend(endog)
    cycle2, trend2 = _hp_cycle_trend(trend1)
    start = {"irregular_var": np.var(resid), "level_var": np.std(cycle2) ** 2, "trend_var": np.std(trend2) ** 2}
    return [start[name] for name in mod.parameters]


_HP_MATRICES: dict = {}  # (nobs, lamb) -> the HP filter's system matrix (CSC), read only (a copy goes to spsolve)


def _hp_cycle_trend(x, lamb: float = 1600) -> tuple[np.ndarray, np.ndarray]:
    """statsmodels' ``hpfilter(x, lamb)`` on an array: (cycle, trend), with the sparse system matrix -- which depends
    on the length alone -- built once per length (two thirds of the filter's time on a ten-point series)."""
    from scipy.sparse.linalg import spsolve
    from statsmodels.tools.validation import array_like

    x = array_like(x, "x", ndim=1)
    nobs = len(x)
    matrix = _HP_MATRICES.get((nobs, lamb))
    if matrix is None:
        from scipy import sparse
        from statsmodels.compat.scipy import SP_LT_2

        offsets = np.array([0, 1, 2])
        data = np.repeat([[1.], [-2.], [1.]], nobs, axis=1)
        if SP_LT_2:
            eye = sparse.eye(nobs, nobs)
            k = sparse.dia_matrix((data, offsets), shape=(nobs - 2, nobs))
        else:
            eye = sparse.eye_array(nobs, nobs)
            k = sparse.dia_array((data, offsets), shape=(nobs - 2, nobs))
        matrix = _HP_MATRICES[(nobs, lamb)] = (eye + lamb * k.T.dot(k)).tocsc()
    trend = spsolve(matrix.copy(), x, use_umfpack=True)
    return x - trend, trend


_FITTERS = {"rw_drift": _rw_drift, "linear": _ols_trend, "loglinear": _ols_trend,
            "logit_linear": _ols_trend, "damped_ets": _damped_ets,
            "local_linear_trend": _local_linear_trend}


# -- public API ---------------------------------------------------------------

def _check_series(series: pd.Series) -> pd.Series:
    if (type(series) is pd.Series and series.dtype == np.float64
            and not np.isnan(series.to_numpy()).any()):
        s = series.copy(deep=False)  # what the line below gives for a float series without gaps, 10x sooner
    else:
        s = pd.Series(series, dtype=float).dropna()  # NaN = unobserved year, never filled
    if not pd.api.types.is_integer_dtype(s.index):
        raise ValueError("series must be indexed by integer years")
    if not (s.index.is_unique and s.index.is_monotonic_increasing):
        raise ValueError("series years must be sorted and unique")
    if not np.all(np.isfinite(s.to_numpy())):
        raise ValueError("series values must be finite")
    return s


def _model_scale(model: str, kind: str) -> tuple[str | None, str | None]:
    """The scale a model works on for a kind, or the reason it does not apply."""
    if model == "linear":
        return "identity", None
    if model == "loglinear":
        return ("log", None) if kind != "share" else (None, "loglinear is for rate/count/level;"
                                                      " shares use logit_linear")
    if model == "logit_linear":
        return ("logit", None) if kind == "share" else (None, "logit_linear is for shares only")
    return _SCALE_OF_KIND[kind], None


def fit_forecast(model: str, series: pd.Series, horizon_year: int, *, kind: str,
                 bounds: tuple[float, float] | None = None, n_draws: int = 10_000,
                 seed: int = 0) -> Forecast | Skipped:
    """Fit one model to a short annual series and draw its predictive paths.

    Parameters
    ----------
    model : one of `MODELS`.
    series : float values indexed by sorted unique int years; gaps allowed.
    horizon_year : last year to forecast; draws cover every year after the
        last observation up to it.
    kind : ``share`` | ``rate`` | ``count`` | ``level``; picks the scale.
    bounds : (lo, hi) for shares, default (0, 100).
    n_draws, seed : size and seed of the draws (``numpy.random.default_rng``).

    Returns
    -------
    Forecast or Skipped
        `Skipped` (with the reason) when the model does not apply to ``kind``,
        the series is too short or irregular for it, or the fit is unusable.
        Bad arguments raise ``ValueError`` instead: they are bugs, not data.
    """
    return _fit_forecast(model, series, horizon_year, kind, bounds, n_draws, seed, {})


def _fit_forecast(model, series, horizon_year, kind, bounds, n_draws, seed, checked: dict) -> Forecast | Skipped:
    """`fit_forecast`; ``checked`` keeps `_check_series`' answer for the next model on the same series."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; choose from {MODELS}")
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose from {KINDS}")
    if n_draws < 1:
        raise ValueError("n_draws must be >= 1")
    bounds = tuple(map(float, bounds)) if bounds is not None else (0.0, 100.0)
    if not bounds[0] < bounds[1]:
        raise ValueError(f"bounds must be (lo, hi) with lo < hi, got {bounds}")
    s = checked.get("series")
    if s is None:
        s = checked["series"] = _check_series(series)
    if len(s) and horizon_year <= s.index[-1]:
        raise ValueError(f"horizon_year {horizon_year} must be after the last observation {s.index[-1]}")
    scale, why_not = _model_scale(model, kind)
    if why_not:
        return Skipped(model, why_not)
    n, need = len(s), MIN_OBS[model]
    if model == "rw_drift" and n == 2:
        return Skipped(model, "with 2 observations the innovation variance is not identifiable"
                       " (one difference fixes the drift); needs at least 3, has 2")
    if n < need:
        return Skipped(model, f"needs at least {need} observations, has {n}")
    years = s.index.to_numpy(dtype=int)
    if model == "damped_ets" and np.any(np.diff(years) != 1):
        return Skipped(model, f"needs >= {need} consecutive annual observations; the series has gaps")
    values = s.to_numpy()
    problem = _domain_problem(values, scale, bounds)
    if problem:
        return Skipped(model, problem)
    fy = np.arange(years[-1] + 1, horizon_year + 1)
    rng = np.random.default_rng(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # notebooks compare stderr; failures are Skipped
        fitted, note = _FITTERS[model](_forward(values, scale, bounds), years, fy, rng, n_draws)
    if fitted is None:
        return Skipped(model, note)
    paths, slope = fitted
    draws = _backward(paths, scale, bounds)
    if kind == "share" and scale == "identity":  # say how often the unbounded line escapes
        outside = float(np.mean((draws <= bounds[0]) | (draws >= bounds[1])))
        note += f"; unbounded: {outside:.1%} of draws outside {bounds}"
    return Forecast(model=model, years=tuple(fy), draws=draws, growth=_growth(slope, scale),
                    notes=f"{scale} scale; {note}")


def fit_all(series: pd.Series, horizon_year: int, *, kind: str,
            bounds: tuple[float, float] | None = None, n_draws: int = 10_000, seed: int = 0,
            models: tuple[str, ...] | None = None) -> tuple[Forecast | Skipped, ...]:
    """`fit_forecast` for each model (default all of `MODELS`), each with the same seed.

    Using the same seed makes ``fit_all(...)[i]`` identical to the single call,
    so a notebook can re-fit one model and get the same draws.
    """
    checked: dict = {}  # the series is checked once, not once per model
    return tuple(_fit_forecast(m, series, horizon_year, kind, bounds, n_draws, seed, checked)
                 for m in (models or MODELS))
