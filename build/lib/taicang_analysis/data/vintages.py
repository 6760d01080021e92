"""What was known when: publication dates as vintages.

Official figures are published, then revised (preliminary 预计数 → bulletin →
yearbook; GDP rebased after each census).  Every raw row carries the date its
document was published.  ``as_of`` keeps what had been published by a date;
``known_values`` picks, for each figure, the value of the latest publication
known then, so a revision supersedes the earlier value from its own publication
date on and never before.  Nothing is dropped: ``revision_history`` lists every
figure that more than one publication gave, in publication order.

Tie rule (two publications on the same date disagree): reported beats
preliminary beats derived; an exact figure beats a qualified one (超, 左右);
then the first in file order.  The rule is fixed here and tested.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

SERIES_KEY = ["collection", "region", "indicator", "year"]
_STATUS_RANK = {"reported": 0, "preliminary": 1, "derived": 2}


def _as_date(when) -> str:
    if isinstance(when, (dt.date, dt.datetime)):
        return when.strftime("%Y-%m-%d")
    if isinstance(when, int):
        return f"{when:04d}-12-31"
    text = str(when)
    if len(text) == 4 and text.isdigit():
        return f"{text}-12-31"
    return dt.date.fromisoformat(text).isoformat()


def as_of(observations: pd.DataFrame, when) -> pd.DataFrame:
    """Rows published on or before ``when`` (a date, 'YYYY-MM-DD', or a year = its 31 December)."""
    cutoff = _as_date(when)
    return observations[observations["published"] <= cutoff]


def _preference_order(frame: pd.DataFrame) -> pd.DataFrame:
    ranked = frame.assign(
        _status=frame["status"].map(_STATUS_RANK).fillna(9),
        _qualified=(frame["qualifier"] != "exact").astype(int),
        _order=range(len(frame)),
    )
    # latest publication first; on the same date the better-grounded figure first
    ranked = ranked.sort_values(
        ["published", "_status", "_qualified", "_order"], ascending=[False, True, True, True], kind="stable")
    return ranked.drop(columns=["_status", "_qualified", "_order"])


def known_values(observations: pd.DataFrame, when=None) -> pd.DataFrame:
    """One row per figure (collection, region, indicator, year): the value known at ``when``.

    Adds ``n_sources`` (publications known then) and ``superseded`` (earlier
    values it replaced, as printed with their publication dates).
    """
    frame = observations if when is None else as_of(observations, when)
    if frame.empty:
        return frame.assign(n_sources=pd.Series(dtype=int), superseded=pd.Series(dtype=str))
    ordered = _preference_order(frame)
    chosen = ordered.drop_duplicates(SERIES_KEY, keep="first")
    counts = ordered.groupby(SERIES_KEY, sort=False).size().rename("n_sources")
    others = ordered[~ordered.index.isin(chosen.index)]
    superseded = (
        others.assign(_txt=others["value_printed"] + " (" + others["published"] + ", " + others["document"] + ")")
        .groupby(SERIES_KEY, sort=False)["_txt"].agg("; ".join).rename("superseded")
    )
    out = chosen.join(counts, on=SERIES_KEY).join(superseded, on=SERIES_KEY)
    out["superseded"] = out["superseded"].fillna("")
    return out.sort_values(SERIES_KEY, kind="stable").reset_index(drop=True)


def revision_history(observations: pd.DataFrame) -> pd.DataFrame:
    """Every publication of every figure that was published more than once with different values.

    ``valid_from``/``valid_to`` say when each value was the one known (to = the next
    publication's date; empty for the current one).
    """
    multi = observations.groupby(SERIES_KEY)["value"].transform("nunique") > 1
    frame = observations[multi]
    if frame.empty:
        return frame.assign(valid_from=pd.Series(dtype=str), valid_to=pd.Series(dtype=str), current=pd.Series(dtype=bool))
    rows = []
    for _, group in frame.groupby(SERIES_KEY, sort=True):
        ordered = _preference_order(group).iloc[::-1]  # oldest first, preferred last within a date
        dates = list(ordered["published"])
        for i, (_, rec) in enumerate(ordered.iterrows()):
            later = [d for d in dates[i + 1:] if d > rec["published"]]
            same_day_better = any(d == rec["published"] for d in dates[i + 1:])
            rec = rec.copy()
            rec["valid_from"] = "" if same_day_better else rec["published"]
            rec["valid_to"] = rec["published"] if same_day_better else (later[0] if later else "")
            rec["current"] = i == len(ordered) - 1
            rows.append(rec)
    return pd.DataFrame(rows).reset_index(drop=True)


def series(known: pd.DataFrame, region: str, indicator: str, collection: str = "observations") -> pd.Series:
    """The values of one figure by year from a ``known_values`` frame; gaps stay gaps."""
    sel = known[(known["collection"] == collection) & (known["region"] == region) & (known["indicator"] == indicator)]
    out = pd.Series(sel["value"].to_numpy(dtype=float), index=sel["year"].astype(int).to_numpy(), name=indicator)
    return out.sort_index()
