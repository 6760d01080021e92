"""Calibrating the event, not only the interval: beta calibration of P(met).

A spread factor fixes the width of a predictive distribution but not its
centre or tails, so probabilities of meeting a target can still be too
confident (or too timid) as a whole.  Beta calibration maps a probability p to

.. math:: \\operatorname{logit} p' = a \\ln p - b \\ln(1 - p) + c

fitted by logistic regression of the outcome on ``ln p`` and ``-ln(1 - p)``.
``a = b = 1, c = 0`` is the identity; ``a = b < 1`` pulls over-confident
probabilities toward 1/2; ``c`` shifts them.  As Kull et al. recommend, a
negative ``a`` or ``b`` (a non-monotone map) is refitted with that term fixed
at 0.  Probabilities are clipped to ``[eps, 1 - eps]`` before and after, so no
calibrated probability is exactly 0 or 1.  A small ridge (``l2``) keeps the
fit finite when the outcomes separate perfectly.

`cross_validated` fits leave-group-out (a region's cases never calibrate
themselves).

References
----------
.. [1] Kull, M., Silva Filho, T. and Flach, P. (2017), "Beta calibration: a
   well-founded and easily implemented improvement on logistic calibration for
   binary classifiers", AISTATS, PMLR 54: 623-631.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS = 1e-3
L2 = 1e-3


@dataclass(frozen=True)
class BetaCalibration:
    """``logit p' = a ln p - b ln(1 - p) + c`` (identity by default); call it on probabilities."""

    a: float = 1.0
    b: float = 1.0
    c: float = 0.0
    n: int = 0
    eps: float = EPS

    def __call__(self, p) -> np.ndarray:
        q = np.clip(np.asarray(p, dtype=float), self.eps, 1 - self.eps)
        eta = self.a * np.log(q) - self.b * np.log1p(-q) + self.c
        return np.clip(1.0 / (1.0 + np.exp(-eta)), self.eps, 1 - self.eps)


def _check(p, y) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(p, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if p.shape != y.shape:
        raise ValueError(f"p has {p.size} values, y {y.size}")
    if np.any(np.isnan(p)) or np.any((p < 0) | (p > 1)):
        raise ValueError("p must be probabilities in [0, 1] without missing values")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must be 0/1 outcomes")
    return p, y


def _logistic(X: np.ndarray, y: np.ndarray, l2: float, iters: int = 100) -> np.ndarray:
    """Ridge logistic regression by Newton's method (the intercept, last column, is not penalised)."""
    beta = np.zeros(X.shape[1])
    pen = np.full(X.shape[1], l2)
    pen[-1] = 0.0
    for _ in range(iters):
        eta = np.clip(X @ beta, -30, 30)
        mu = 1.0 / (1.0 + np.exp(-eta))
        grad = X.T @ (y - mu) - pen * beta
        hess = (X.T * (mu * (1 - mu))) @ X + np.diag(pen) + 1e-12 * np.eye(X.shape[1])
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta


def fit_beta(p, y, *, eps: float = EPS, l2: float = L2) -> BetaCalibration:
    """Fit the beta calibration map of probabilities ``p`` to outcomes ``y`` (module docstring)."""
    p, y = _check(p, y)
    if p.size < 3 or y.min() == y.max():
        # nothing to learn a map from: a single outcome class would send every probability to 0 or 1
        return BetaCalibration(n=int(p.size), eps=eps)
    q = np.clip(p, eps, 1 - eps)
    x1, x2 = np.log(q), -np.log1p(-q)
    one = np.ones_like(q)
    a, b, c = _logistic(np.column_stack([x1, x2, one]), y, l2)
    if a < 0 and b < 0:
        a, b, c = 0.0, 0.0, float(np.log(y.mean() / (1 - y.mean())))
    elif a < 0:
        b, c = _logistic(np.column_stack([x2, one]), y, l2)
        a = 0.0
    elif b < 0:
        a, c = _logistic(np.column_stack([x1, one]), y, l2)
        b = 0.0
    return BetaCalibration(float(max(a, 0.0)), float(max(b, 0.0)), float(c), n=int(p.size), eps=eps)


def fit_leave_group_out(p, y, groups, *, eps: float = EPS, l2: float = L2) -> dict:
    """``{group: BetaCalibration fitted without that group's rows}`` for every group in ``groups``."""
    p, y = _check(p, y)
    g = np.asarray(groups).astype(str).ravel()
    if g.size != p.size:
        raise ValueError(f"groups has {g.size} values, p {p.size}")
    return {grp: fit_beta(p[g != grp], y[g != grp], eps=eps, l2=l2) for grp in sorted(set(g.tolist()))}


def cross_validated(p, y, groups, *, eps: float = EPS, l2: float = L2) -> np.ndarray:
    """Each probability calibrated by the map fitted without its group (leave-group-out)."""
    p, y = _check(p, y)
    g = np.asarray(groups).astype(str).ravel()
    fits = fit_leave_group_out(p, y, g, eps=eps, l2=l2)
    out = np.empty_like(p)
    for grp, cal in fits.items():
        inside = g == grp
        out[inside] = cal(p[inside])
    return out
