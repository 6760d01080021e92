"""Reference panels: which of their rows are groups of places, read from the typed ``aggregate`` flag.

The build writes ``aggregate`` onto every observation row from `regions`;
this module is the one place that turns it into the set of regions a panel
leaves out.  It never reads a note.
"""

from __future__ import annotations

import pandas as pd

PANEL_COLLECTIONS = ("cn_provinces", "world")

__all__ = ["PANEL_COLLECTIONS", "aggregate_regions", "without_aggregates"]


def aggregate_regions(observations: pd.DataFrame, collections=PANEL_COLLECTIONS) -> frozenset[str]:
    """Regions of ``collections`` whose rows are flagged ``aggregate`` (World Bank groups, the EU, ...).

    Raises
    ------
    KeyError
        If the frame has no ``aggregate`` column (a table built before the flag existed: rebuild it).
    """
    if "aggregate" not in observations.columns:
        raise KeyError("observations have no 'aggregate' column: rebuild data/processed "
                       "(python -m taicang_analysis data)")
    rows = observations[observations["collection"].isin(collections)]
    return frozenset(rows.loc[rows["aggregate"].astype(bool), "region"].unique())


def without_aggregates(panel: pd.DataFrame, aggregates: frozenset[str]) -> pd.DataFrame:
    """A panel (region, year, value) without the aggregate regions, re-indexed."""
    return panel[~panel["region"].isin(aggregates)].reset_index(drop=True)
