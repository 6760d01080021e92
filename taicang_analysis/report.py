"""Tables for people: the plan's targets beside the latest published values.

Pure: frames in, frames or text out.  Numbers are formatted once, here, so the
CLI, the notebooks and the tests print the same thing.
"""

from __future__ import annotations

import pandas as pd

from . import registry

COMPARATOR_WORDS = {"ge": "≥", "le": "≤", "about": "≈"}


def fmt(value: float | None, digits: int = 2) -> str:
    """Shortest honest rendering: no trailing zeros, at most ``digits`` decimals."""
    if value is None or pd.isna(value):
        return "—"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def target_table(targets: pd.DataFrame, known: pd.DataFrame, *, region: str = "Taicang",
                 target_year: int = 2025) -> pd.DataFrame:
    """One row per target of the plan with its latest published value (or a plain gap)."""
    sel = targets[(targets["region"] == region) & (targets["target_year"] == target_year)]
    sel = sel.sort_values("source_ref", key=lambda s: s.str.extract(r"/(\d+)$")[0].astype(int))
    own = known[(known["collection"] == "observations") & (known["region"] == region)]
    rows = []
    for _, t in sel.iterrows():
        ind = registry.get(t["indicator"])
        obs = own[own["indicator"] == t["indicator"]].sort_values("year")
        related = [r for r in ind.related if (own["indicator"] == r).any()]
        if obs.empty:
            latest, year, source = None, None, "no published value"
            if related:
                source += f" (a different definition is published: {', '.join(related)}; not substituted)"
        else:
            last = obs.iloc[-1]
            latest, year = float(last["value"]), int(last["year"])
            source = f"{last['document']} ({last['publisher']}, published {last['published']}; {last['status']})"
        rows.append({
            "indicator": t["indicator"], "name": ind.name_en, "unit": ind.unit,
            "target": f"{COMPARATOR_WORDS[t['comparator']]} {t['target_printed']}", "target_value": t["target"],
            "latest": latest, "latest_year": year, "source": source, "target_ref": t["source_ref"],
        })
    return pd.DataFrame(rows)


def render_target_table(table: pd.DataFrame) -> str:
    lines = []
    width = max(len(i) for i in table["indicator"]) if len(table) else 10
    lines.append(f"{'indicator':<{width}}  {'2025 target':>14}  {'latest':>10}  {'year':>4}  source")
    for _, r in table.iterrows():
        latest = fmt(r["latest"]) if r["latest"] is not None and not pd.isna(r["latest"]) else "—"
        year = str(int(r["latest_year"])) if r["latest_year"] is not None and not pd.isna(r["latest_year"]) else "—"
        lines.append(f"{r['indicator']:<{width}}  {r['target'] + ' ' + r['unit']:>14}  {latest:>10}  {year:>4}  {r['source']}")
    return "\n".join(lines)
