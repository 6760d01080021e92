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
from typing import NamedTuple

import numpy as np
import pandas as pd

DEFAULT_BINS: tuple[float, ...] = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)
LOG_EPS = 1e-3  # log_score clips p to [eps, 1 - eps]: a wrong certain call costs -log(0.001) = 6.91
BOOTSTRAP_DRAWS = 2_000  # cohort bootstrap resamples (docs/preregistration.md: B = 2000, seed 0)
BOOTSTRAP_LEVEL = 0.95
SUCCESS_LEVEL = 0.9  # central range of the number of targets met the model itself expects
SUCCESS_SIMULATIONS = 20_000
SUB_NATIONAL, COUNTRIES = "cn_regions", "countries"  # the two regimes a past-plan case's cohort is cut by


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


def log_contributions(p, y, eps: float = LOG_EPS) -> np.ndarray:
    """Each case's negative log-likelihood (their mean is `log_score`)."""
    if not 0 < eps < 0.5:
        raise ValueError(f"eps must be in (0, 0.5), got {eps}")
    p = _probabilities(p)
    y = _outcomes(y, p.size)
    q = np.clip(p, eps, 1 - eps)
    return -(y * np.log(q) + (1 - y) * np.log1p(-q))


# -- uncertainty of a score -----------------------------------------------------------------

class Estimate(NamedTuple):
    """A point estimate with the ends of its interval (``nan`` when there is nothing to estimate from)."""

    point: float
    low: float
    high: float

    def includes(self, value: float = 0.0) -> bool:
        """Whether ``value`` lies inside ``[low, high]`` (ends included): e.g. a difference that cannot tell apart."""
        return bool(self.low <= value <= self.high)


def regime_of(region: str, sub_national) -> str:
    """``cn_regions`` if ``region`` is one of the Chinese sub-national regions ``sub_national``, else ``countries``.

    ``sub_national`` is a set of region names taken from typed data (the
    provincial panel's regions without the national aggregate, plus Taicang):
    membership decides, never a region's spelling.
    """
    return SUB_NATIONAL if region in sub_national else COUNTRIES


def case_cohort(region: str, set_year: int, sub_national) -> str:
    """A past-plan case's cohort: its regime (`regime_of`) and the year its target was set, ``"regime:year"``.

    Targets set together by one kind of government (e.g. the EU's 2005 Lisbon
    national targets, or the provinces' 12th plans of 2011) share the shocks
    of their period, so they are resampled together (`cohort_bootstrap`).
    The definition is the pre-registered one (docs/preregistration.md, section 5).
    """
    return f"{regime_of(region, sub_national)}:{int(set_year)}"


def _cohort_codes(cohorts, n: int) -> tuple[np.ndarray, int]:
    labels = np.asarray(cohorts).ravel()
    if labels.size != n:
        raise ValueError(f"cohorts have {labels.size} labels, values {n}")
    codes, uniq = pd.factorize(pd.Series(labels.astype(str)))
    return np.asarray(codes), len(uniq)


def cohort_bootstrap(values, cohorts, *, n_boot: int = BOOTSTRAP_DRAWS, seed: int = 0,
                     level: float = BOOTSTRAP_LEVEL) -> Estimate:
    """Mean of ``values`` with the percentile interval from resampling whole cohorts.

    Cases in one cohort are not independent (one period's shocks hit them
    all), so the bootstrap draws ``k`` cohorts with replacement out of the
    ``k`` observed and carries every case of each; the statistic is the
    mean over the cases drawn (cohorts weigh by their size).

    Notes
    -----
    With cohort sums :math:`S_c`, sizes :math:`n_c` and draw counts
    :math:`w_{bc}` (multinomial, :math:`\\sum_c w_{bc} = k`), replicate
    :math:`b` is :math:`\\bar v_b = \\sum_c w_{bc} S_c / \\sum_c w_{bc} n_c`;
    the interval is the :math:`(1 \\pm \\text{level})/2` quantiles of the
    :math:`\\bar v_b` (linear interpolation).  All cohorts identical: the
    interval is the point.  Two cohorts: the interval's ends are the two
    cohort means (each is drawn twice with probability 1/4 > 2.5 %).

    References
    ----------
    .. [1] Cameron, A. C., Gelbach, J. B. and Miller, D. L. (2008),
       "Bootstrap-based improvements for inference with clustered errors",
       Review of Economics and Statistics 90(3), 414-427.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer, got {n_boot}")
    v = np.asarray(values, dtype=float).ravel()
    if np.any(np.isnan(v)):
        raise ValueError("values have missing entries: drop the cases without one first")
    codes, k = _cohort_codes(cohorts, v.size)
    if not v.size:
        return Estimate(float("nan"), float("nan"), float("nan"))
    sums = np.bincount(codes, weights=v, minlength=k)
    counts = np.bincount(codes, minlength=k).astype(float)
    pick = np.random.default_rng(seed).integers(0, k, size=(n_boot, k))
    # the draw counts of every replicate in one bincount (replicate b's cohorts shifted by b * k)
    w = np.bincount((pick + k * np.arange(n_boot)[:, None]).ravel(), minlength=n_boot * k).reshape(n_boot, k)
    means = (w @ sums) / (w @ counts)
    tail = (1 - level) / 2
    lo, hi = np.quantile(means, [tail, 1 - tail])
    return Estimate(float(v.mean()), float(lo), float(hi))


def cohort_bootstrap_difference(method, baseline, cohorts, *, n_boot: int = BOOTSTRAP_DRAWS, seed: int = 0,
                                level: float = BOOTSTRAP_LEVEL) -> Estimate:
    """Mean of ``method - baseline`` (per-case scores on the same cases) with its cohort-bootstrap interval.

    Resampling the paired differences keeps each case's two scores together,
    so the interval is that of the difference, not of two separate means.
    For negatively oriented scores (Brier, log) a difference below 0 means the
    method beat the baseline; an interval that includes 0 cannot tell them apart.
    """
    m = np.asarray(method, dtype=float).ravel()
    b = np.asarray(baseline, dtype=float).ravel()
    if m.size != b.size:
        raise ValueError(f"method has {m.size} scores, baseline {b.size}")
    return cohort_bootstrap(m - b, cohorts, n_boot=n_boot, seed=seed, level=level)


def poisson_binomial_pmf(p) -> np.ndarray:
    """Exact distribution of the number of successes of independent Bernoulli(p_i) (index k = P(K = k)).

    By convolution, one case at a time: :math:`P_i(k) = P_{i-1}(k)(1 - p_i) + P_{i-1}(k - 1) p_i`.
    """
    p = _probabilities(p)
    pmf = np.zeros(p.size + 1)
    pmf[0] = 1.0
    for i, pi in enumerate(p):
        pmf[1:i + 2] = pmf[1:i + 2] * (1 - pi) + pmf[:i + 1] * pi
        pmf[0] *= 1 - pi
    return pmf


def expected_successes(p, *, level: float = SUCCESS_LEVEL, n_sims: int = SUCCESS_SIMULATIONS,
                       seed: int = 0) -> Estimate:
    """How many targets the model expects met: :math:`\\sum p_i`, with its own central ``level`` range.

    If each case is met independently with the model's probability, the
    count is Poisson-binomial; the range is its central ``level`` interval
    by simulation (``n_sims`` seeded draws): the smallest counts ``k`` with
    :math:`F(k) \\ge (1 - level)/2` and :math:`F(k) \\ge (1 + level)/2`
    (inverted CDF).  An observed count outside the range says the model's
    probabilities are off in total, whatever their ranking (`poisson_binomial_pmf` is the exact check).
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    p = _probabilities(p)
    if not p.size:
        return Estimate(float("nan"), float("nan"), float("nan"))
    sims = (np.random.default_rng(seed).random((n_sims, p.size)) < p).sum(axis=1)
    tail = (1 - level) / 2
    lo, hi = np.quantile(sims, [tail, 1 - tail], method="inverted_cdf")
    return Estimate(float(p.sum()), float(lo), float(hi))


def wilson_interval(k, n, *, z: float = 1.959963984540054) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion k/n (95 % by default): how uncertain a coverage rate is.

    Elementwise on arrays; NaN where n is 0.
    """
    k, n = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z ** 2 / (2 * n)) / (1 + z ** 2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2)) / (1 + z ** 2 / n)
    return centre - half, centre + half


COVERAGE_BAND = (0.75, 0.85)  # issue 10's aim for the 80 % interval


def coverage_check(coverage: pd.DataFrame, *, member: str = "pooled_calibrated", level: int = 80,
                   band: tuple[float, float] = COVERAGE_BAND) -> pd.DataFrame:
    """Coverage of the central ``level`` % interval by indicator, panel (regime) and horizon, with two 95 %
    intervals: Wilson's (``lower95``/``upper95``: rows independent) and, where the table has it, the
    cohort bootstrap's (``cohort_low``/``cohort_high``: whole origins resampled, as one year's shock hits
    every region).  ``in_band``: inside ``band``; ``consistent``: the nominal level is inside the cohort
    interval (Wilson's when the table has none), missing when one origin cannot say -- so a cell that misses
    the band by sampling noise can be told from one that is miscalibrated.

    ``coverage``: `backtest.coverage_by_horizon` (columns indicator, panel, member, horizon, n, coverage80,
    coverage95, and n_cohorts, coverage80_low, coverage80_high; a table without ``indicator`` is one
    indicator, shown as blank).
    """
    col = f"coverage{level}"
    columns = ["indicator", "panel", "horizon", "n", "coverage", "lower95", "upper95", "n_cohorts", "cohort_low",
               "cohort_high", "in_band", "consistent"]
    rows = coverage[coverage["member"] == member].copy()
    if rows.empty:
        return pd.DataFrame(columns=columns)
    if "indicator" not in rows.columns:
        rows["indicator"] = ""
    n = rows["n"].to_numpy(dtype=float)
    k = np.round(rows[col].to_numpy(dtype=float) * n)
    lo, hi = wilson_interval(k, n)
    clustered = level == 80 and "coverage80_low" in rows.columns
    nan = np.full(len(rows), np.nan)
    out = pd.DataFrame({"indicator": rows["indicator"].to_numpy(), "panel": rows["panel"].to_numpy(),
                        "horizon": rows["horizon"].to_numpy(dtype=int), "n": n.astype(int),
                        "coverage": rows[col].to_numpy(dtype=float), "lower95": lo, "upper95": hi,
                        "n_cohorts": rows["n_cohorts"].to_numpy() if clustered else nan,
                        "cohort_low": rows["coverage80_low"].to_numpy(dtype=float) if clustered else nan,
                        "cohort_high": rows["coverage80_high"].to_numpy(dtype=float) if clustered else nan})
    out["in_band"] = out["coverage"].between(*band)
    nominal = level / 100
    if clustered:
        known = out["cohort_low"].notna()
        consistent = (out["cohort_low"] <= nominal) & (nominal <= out["cohort_high"])
        out["consistent"] = pd.array([bool(c) if kn else pd.NA for c, kn in zip(consistent, known, strict=True)],
                                     dtype="boolean")
    else:
        out["consistent"] = pd.array((out["lower95"] <= nominal) & (nominal <= out["upper95"]), dtype="boolean")
    return out.sort_values(["indicator", "panel", "horizon"], kind="stable").reset_index(drop=True)
