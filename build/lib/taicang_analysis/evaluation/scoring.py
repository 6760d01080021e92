"""Scores for probabilities, met/missed calls and predictive intervals.

Every function is small enough to check by hand; the tests do exactly that.
Conventions:

* ``p`` is a probability of the event (meeting the target) in [0, 1];
  ``y`` is the outcome, 1 (met) or 0 (missed).  A met/missed *call* is a
  probability of exactly 0 or 1 and is scored the same way.
* Scores are negatively oriented (lower is better) except skill scores and
  hit rates (higher is better).
* An empty input gives ``nan`` (a subset with no case has no score), never 0.

The interval helpers work on one transformed scale (log or logit, see
`backtest`): an interval ``[lower, upper]`` around a ``median`` widened by a
factor ``s`` is ``[median - s (median - lower), median + s (upper - median)]``
-- the same widening ``assess.Pool(spread=s)`` applies to the pooled draws,
which moves every quantile away from the median by the factor ``s``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

DEFAULT_BINS: tuple[float, ...] = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)
LOG_EPS = 1e-3  # log_score clips p to [eps, 1 - eps]: a wrong certain call costs -log(0.001) = 6.91


def _probabilities(p, name: str = "p") -> np.ndarray:
    arr = np.asarray(p, dtype=float).ravel()
    if np.any(np.isnan(arr)):
        raise ValueError(f"{name} has missing values: drop the cases without one first")
    if np.any((arr < 0) | (arr > 1)):
        raise ValueError(f"{name} must be in [0, 1]")
    return arr


def _outcomes(y, n: int) -> np.ndarray:
    arr = np.asarray(y, dtype=float).ravel()
    if arr.size != n:
        raise ValueError(f"outcomes have {arr.size} values, probabilities {n}")
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError("outcomes must be 0/1 (or booleans)")
    return arr


def brier(p, y) -> float:
    """Brier score: mean squared difference between probability and outcome.

    Notes
    -----
    .. math:: \\mathrm{BS} = \\frac{1}{n} \\sum_i (p_i - y_i)^2

    0 is perfect; always saying 0.5 scores 0.25; a wrong certain call scores 1.

    References
    ----------
    .. [1] Brier, G. W. (1950), "Verification of forecasts expressed in terms of
       probability", Monthly Weather Review 78(1), 1-3.
    """
    p = _probabilities(p)
    y = _outcomes(y, p.size)
    return float(np.mean((p - y) ** 2)) if p.size else float("nan")


def brier_contributions(p, y) -> np.ndarray:
    """Each case's squared error :math:`(p_i - y_i)^2` (their mean is `brier`)."""
    p = _probabilities(p)
    return (p - _outcomes(y, p.size)) ** 2


def expected_brier(p) -> float:
    """The Brier score expected if each outcome is Bernoulli(p_i): mean p(1 - p).

    A perfectly calibrated forecaster scores this on average; it is the
    "theoretical value" a synthetic world with known probabilities should hit.
    """
    p = _probabilities(p)
    return float(np.mean(p * (1 - p))) if p.size else float("nan")


def log_score(p, y, eps: float = LOG_EPS) -> float:
    """Mean negative log-likelihood of the outcomes (ignorance in nats; lower is better).

    Notes
    -----
    .. math:: \\mathrm{LS} = -\\frac{1}{n} \\sum_i \\left[y_i \\ln \\tilde p_i
              + (1 - y_i) \\ln (1 - \\tilde p_i)\\right],
              \\qquad \\tilde p_i = \\min(\\max(p_i, \\epsilon), 1 - \\epsilon)

    The clipping (default :math:`\\epsilon = 10^{-3}`) keeps a certain call that
    turns out wrong finite: it costs :math:`-\\ln 0.001 = 6.91` instead of
    infinity.  A probability estimated from 10,000 draws cannot resolve below
    1e-4 anyway; the same clipping applies to every method compared.
    """
    if not 0 < eps < 0.5:
        raise ValueError(f"eps must be in (0, 0.5), got {eps}")
    p = _probabilities(p)
    y = _outcomes(y, p.size)
    if not p.size:
        return float("nan")
    q = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log1p(-q)))


def brier_skill(p, y, reference_p) -> float:
    """Brier skill score against a reference forecast on the same cases.

    Notes
    -----
    .. math:: \\mathrm{BSS} = 1 - \\mathrm{BS}(p, y) / \\mathrm{BS}(p_{ref}, y)

    1 is perfect, 0 no better than the reference, negative worse.  ``nan``
    when the reference itself is perfect (BS = 0) or there are no cases.
    """
    p = _probabilities(p)
    ref = _probabilities(reference_p, "reference_p")
    if ref.size != p.size:
        raise ValueError(f"reference_p has {ref.size} values, p {p.size}")
    b_ref = brier(ref, y)
    if not p.size or b_ref == 0:
        return float("nan")
    return 1.0 - brier(p, y) / b_ref


def base_rate_loo(y) -> np.ndarray:
    """Leave-one-out base rate: for case i, the share met among the *other* cases.

    Notes
    -----
    .. math:: b_i = \\frac{\\sum_{j \\ne i} y_j}{n - 1}

    With a single case there is no other case: ``nan``.  (Leaving the case
    out is what makes it a fair baseline, and it also makes it slightly worse
    than the in-sample share: its Brier score is :math:`(n/(n-1))^2` times the
    in-sample one.)
    """
    y = np.asarray(y, dtype=float).ravel()
    _outcomes(y, y.size)
    if y.size < 2:
        return np.full(y.size, np.nan)
    return (y.sum() - y) / (y.size - 1)


def reliability_table(p, y, bins=DEFAULT_BINS) -> pd.DataFrame:
    """Predicted probability bins against the observed frequency.

    Bins are half-open ``[lower, upper)`` except the last, which includes 1.
    Empty bins are kept (``n = 0``, means ``nan``) so tables line up.

    Returns
    -------
    DataFrame
        ``bin`` (label), ``lower``, ``upper``, ``n``, ``mean_predicted``,
        ``observed_frequency`` (share met), ``n_met``.
    """
    p = _probabilities(p)
    y = _outcomes(y, p.size)
    edges = np.asarray(bins, dtype=float)
    if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0) or edges[0] < 0 or edges[-1] > 1:
        raise ValueError(f"bins must be increasing edges inside [0, 1], got {bins}")
    rows = []
    for i, (lo, hi) in enumerate(itertools.pairwise(edges)):
        last = i == edges.size - 2
        inside = (p >= lo) & ((p <= hi) if last else (p < hi))
        n = int(inside.sum())
        rows.append({"bin": f"[{lo:.1f}, {hi:.1f}{']' if last else ')'}", "lower": float(lo), "upper": float(hi),
                     "n": n, "mean_predicted": float(p[inside].mean()) if n else float("nan"),
                     "observed_frequency": float(y[inside].mean()) if n else float("nan"),
                     "n_met": int(y[inside].sum())})
    return pd.DataFrame(rows)


def hit_rate(calls, y) -> float:
    """Share of met/missed calls that were right.

    ``calls`` are 0/1 (or booleans); a probability is turned into a call by
    the caller (``p >= 0.5``), so the threshold is visible where it is chosen.
    """
    c = _outcomes(calls, np.asarray(calls).size)
    y = _outcomes(y, c.size)
    return float(np.mean(c == y)) if c.size else float("nan")


def interval_coverage(lower, upper, outcome) -> float:
    """Share of outcomes inside their interval ``lower <= outcome <= upper`` (ends included)."""
    lo, hi, o = (np.asarray(a, dtype=float).ravel() for a in (lower, upper, outcome))
    if not lo.size == hi.size == o.size:
        raise ValueError("lower, upper and outcome must have the same length")
    if np.any(lo > hi):
        raise ValueError("an interval has lower > upper")
    return float(np.mean((lo <= o) & (o <= hi))) if o.size else float("nan")


def required_spread(z_outcome, z_median, z_lower, z_upper) -> np.ndarray:
    """The smallest widening factor whose interval holds the outcome.

    On the transformed scale an interval widened by ``s`` holds the outcome
    iff ``z_outcome - median <= s (upper - median)`` (outcome above the median)
    or ``median - z_outcome <= s (median - lower)`` (below).  So

    .. math:: r = \\frac{z_o - m}{u - m} \\; (z_o \\ge m), \\qquad
              r = \\frac{m - z_o}{m - l} \\; (z_o < m)

    and the outcome is covered at spread ``s`` iff ``r <= s``.  A zero-width
    side gives ``inf`` (never covered) unless the outcome sits on the median
    (``r = 0``).  Storing ``r`` lets coverage be computed for any ``s``
    without re-running a forecast.
    """
    zo, m, lo, hi = (np.asarray(a, dtype=float) for a in (z_outcome, z_median, z_lower, z_upper))
    above = zo >= m
    dist = np.where(above, zo - m, m - zo)
    half = np.where(above, hi - m, m - lo)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(dist == 0, 0.0, np.where(half > 0, dist / np.where(half > 0, half, 1.0), np.inf))
    return r


def coverage_at_spread(r, spread: float) -> float:
    """Share of rows whose `required_spread` is at most ``spread``."""
    r = np.asarray(r, dtype=float).ravel()
    return float(np.mean(r <= spread)) if r.size else float("nan")


def spread_for_coverage(r, level: float) -> float:
    """The smallest spread factor whose coverage reaches ``level``.

    The ``level`` empirical quantile of the required factors (inverted CDF:
    the smallest ``s`` with ``mean(r <= s) >= level``).  ``nan`` if there are
    no rows; ``inf`` if reaching the level needs an interval of infinite width.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    r = np.asarray(r, dtype=float).ravel()
    if not r.size:
        return float("nan")
    return float(np.quantile(r, level, method="inverted_cdf"))
