"""What it would take: targets on ratios, decomposed into numerator and denominator.

R&D intensity = R&D spending / GDP; patents per 10k = patent stock / population;
high-tech share = high-tech output / above-scale output.  A ratio grows at
(1 + g_num) / (1 + g_den) - 1 a year, so for a stated path of the denominator
the numerator growth a target needs follows exactly:

    g_num = (target / latest) ** (1 / years) * (1 + g_den) - 1

and for user-set growth rates the ratio's path follows the other way round.
Where a component is not published the functions say so instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..methods import progress as methods
from ..forecast.outside_view import smoothed_probability

# ratio indicator -> (numerator, denominator, factor): ratio = factor * numerator / denominator
DECOMPOSITIONS: dict[str, tuple[str, str, float]] = {
    "rd_intensity": ("rd_expenditure", "gdp", 100.0),
    "invention_patents_per_10k": ("valid_invention_patents", "resident_population", 1.0),
    "high_value_invention_patents_per_10k": ("high_value_invention_patents", "resident_population", 1.0),
    "hightech_output_share": ("hightech_output_value", "above_scale_industrial_output", 100.0),
}


@dataclass(frozen=True)
class Requirement:
    """Numerator growth a ratio target needs, for a stated denominator growth."""

    indicator: str
    numerator: str
    denominator: str
    latest_year: int
    latest_ratio: float
    target: float
    target_year: int
    denominator_growth: float
    denominator_growth_basis: str
    required_ratio_growth: float
    required_numerator_growth: float
    numerator_latest: float | None     # implied level in the latest year, when the denominator is published
    numerator_target: float | None     # level needed in the target year on the stated denominator path
    note: str


def required_numerator_growth(ratio_growth: float, denominator_growth: float) -> float:
    """(1 + g_ratio)(1 + g_den) - 1."""
    return (1.0 + ratio_growth) * (1.0 + denominator_growth) - 1.0


def ratio_path(latest_ratio: float, latest_year: int, until: int, *, numerator_growth: float,
               denominator_growth: float) -> pd.Series:
    """The ratio's path if numerator and denominator grow at constant rates."""
    if until <= latest_year:
        raise ValueError(f"until ({until}) must be after latest_year ({latest_year})")
    for name, g in (("numerator_growth", numerator_growth), ("denominator_growth", denominator_growth)):
        if not g > -1:
            raise ValueError(f"{name} must be > -100%/yr; got {g}")
    years = range(latest_year, until + 1)
    step = (1.0 + numerator_growth) / (1.0 + denominator_growth)
    return pd.Series([latest_ratio * step ** (y - latest_year) for y in years], index=list(years), name="ratio")


def observed_growth(series: pd.Series, since: int | None = None) -> tuple[float | None, str]:
    """CAGR of a published series from ``since`` (or its first year) to its latest year, with its basis."""
    s = series.dropna().sort_index()
    if since is not None:
        s = s[s.index >= since]
    if len(s) < 2:
        return None, f"fewer than two published values{'' if since is None else f' since {since}'}"
    g = methods.cagr(float(s.iloc[0]), int(s.index[0]), float(s.iloc[-1]), int(s.index[-1]))
    return g, f"observed {s.index[0]}-{s.index[-1]} ({s.iloc[0]:g} → {s.iloc[-1]:g})"


def requirement(indicator: str, ratio: pd.Series, denominator: pd.Series, *, target: float, target_year: int,
                denominator_growth: float | None = None) -> Requirement:
    """Numerator growth needed from the latest ratio observation to the target.

    ``denominator_growth`` None: the denominator's own observed growth since the
    latest ratio year (or over its whole published series if that is too short).
    """
    if indicator not in DECOMPOSITIONS:
        raise ValueError(f"{indicator} is not a ratio this module decomposes; known: {', '.join(DECOMPOSITIONS)}")
    num, den, factor = DECOMPOSITIONS[indicator]
    r = ratio.dropna().sort_index()
    if r.empty:
        raise ValueError(f"{indicator}: no published value to start from")
    latest_year, latest = int(r.index[-1]), float(r.iloc[-1])
    years = target_year - latest_year
    if years <= 0:
        raise ValueError(f"target year {target_year} must be after the latest observation {latest_year}")
    if denominator_growth is None:
        g_den, basis = observed_growth(denominator, since=latest_year)
        if g_den is None:
            g_den, basis = observed_growth(denominator)
        if g_den is None:
            raise ValueError(f"{den}: {basis}; state a growth rate for it")
    else:
        g_den, basis = denominator_growth, "stated by the user"
    g_ratio = (target / latest) ** (1.0 / years) - 1.0
    d = denominator.dropna()
    notes = []
    num_latest = num_target = None
    if latest_year in d.index:
        den_latest = float(d[latest_year])
        num_latest = latest * den_latest / factor
        num_target = target * den_latest * (1 + g_den) ** years / factor
    else:
        notes.append(f"{den} is not published for {latest_year}: levels of {num} cannot be implied")
    return Requirement(
        indicator=indicator, numerator=num, denominator=den, latest_year=latest_year, latest_ratio=latest,
        target=target, target_year=target_year, denominator_growth=g_den, denominator_growth_basis=basis,
        required_ratio_growth=g_ratio, required_numerator_growth=required_numerator_growth(g_ratio, g_den),
        numerator_latest=num_latest, numerator_target=num_target, note="; ".join(notes))


@dataclass(frozen=True, eq=False)
class Scenario:
    """A user-set path for a ratio and the probability of meeting the target on it."""

    numerator_growth: float
    denominator_growth: float
    path: pd.Series
    value_in_target_year: float
    probability: float | None
    probability_basis: str


def scenario(assessment, *, numerator_growth: float, denominator_growth: float) -> Scenario:
    """The ratio's path if numerator and denominator grow at the stated rates, and how likely the
    target is met on it.

    The probability keeps the assessment's uncertainty but moves its centre: the pooled draws
    for the target year are rescaled so that their median equals the scenario's value (the
    spread in log terms is kept; for shares the draws are clipped to the bounds).  With no
    pooled projection there is no spread to borrow, and the probability is None.
    """
    import numpy as np

    obs = assessment.observations
    if obs.empty:
        raise ValueError("no published value to start a scenario from")
    latest_year, latest = int(obs.index[-1]), float(obs.iloc[-1])
    target = assessment.target
    path = ratio_path(latest, latest_year, target.year, numerator_growth=numerator_growth,
                      denominator_growth=denominator_growth)
    value = float(path.iloc[-1])
    pooled = assessment.pooled
    if pooled is None or target.year not in pooled.years:
        return Scenario(numerator_growth, denominator_growth, path, value, None,
                        "no pooled projection to borrow the uncertainty from: "
                        + assessment.probability_reason)
    draws = pooled.draws[:, pooled.years.index(target.year)]
    moved = draws * (value / float(np.median(draws)))
    if assessment.kind == "share":
        moved = np.clip(moved, 0.0, 100.0)
    probability = smoothed_probability(target.met(moved, assessment.direction))
    return Scenario(numerator_growth, denominator_growth, path, value, probability,
                    "pooled predictive draws recentred on the scenario's value (log spread kept)")
