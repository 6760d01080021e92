"""Figures for the notebooks.  Plots never compute: they draw an `Assessment`."""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..data import registry

OBSERVED, PROJECTED, TARGET = "#1f4e79", "#c55a11", "#2e7d32"


def plot_assessment(a, ax=None, *, levels=(0.5, 0.8)):
    """Observed points, the pooled projection's median and bands, and the target.

    A dotted vertical line marks where observation ends; projected years are
    drawn only from the pooled draws, never joined to the data by a line.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    obs = a.observations
    unit = registry.get(a.indicator).unit if a.indicator in registry.BY_ID else ""
    if not obs.empty:
        ax.plot(obs.index, obs.values, "o", color=OBSERVED, label="published")
        ax.axvline(obs.index[-1] + 0.5, color="grey", linestyle=":", linewidth=1)
    if a.pooled is not None:
        years = list(a.pooled.years)
        for level, alpha in zip(sorted(levels, reverse=True), (0.18, 0.32), strict=False):
            band = a.pooled.interval(level)
            ax.fill_between(years, band["lower"], band["upper"], color=PROJECTED, alpha=alpha, linewidth=0,
                            label=f"{level:.0%} interval")
        ax.plot(years, a.pooled.median().values, "--", color=PROJECTED, label="pooled median")
    ax.plot([a.target.year], [a.target.value], marker="*", markersize=14, color=TARGET, linestyle="none",
            label=f"target {a.target.value:g}")
    ax.set_xlabel("year")
    ax.set_ylabel(unit)
    ax.set_title(a.indicator or "series")
    ax.legend(loc="best", fontsize=8, frameon=False)
    return ax
