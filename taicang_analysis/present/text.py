"""Tables for people: the plan's targets beside the latest published values.

Pure: frames in, frames or text out.  Numbers are formatted once, here, so the
CLI, the notebooks and the tests print the same thing.
"""

from __future__ import annotations

import pandas as pd

from ..data import registry

COMPARATOR_WORDS = {"ge": "≥", "le": "≤", "about": "≈"}


def fmt(value: float | None, digits: int = 2) -> str:
    """Shortest honest rendering: no trailing zeros, at most ``digits`` decimals."""
    if value is None or pd.isna(value):
        return "—"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def target_table(plan_targets: pd.DataFrame, known: pd.DataFrame, *, region: str) -> pd.DataFrame:
    """One row per target (``plans.plan_targets``: the plan's rows in its table's order) with the
    region's latest published value in ``known`` (or a plain gap)."""
    sel = plan_targets
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
            "indicator": t["indicator"], "name": ind.name_en, "name_zh": ind.name_zh, "unit": ind.unit,
            "target_year": int(t["target_year"]),
            "target": f"{COMPARATOR_WORDS[t['comparator']]} {t['target_printed']}", "target_value": t["target"],
            "latest": latest, "latest_year": year, "source": source, "target_ref": t["source_ref"],
        })
    return pd.DataFrame(rows)


def render_target_table(table: pd.DataFrame, target_year: int) -> str:
    lines = []
    width = max(len(i) for i in table["indicator"]) if len(table) else 10
    lines.append(f"{'indicator':<{width}}  {f'{target_year} target':>14}  {'latest':>10}  {'year':>4}  source")
    for _, r in table.iterrows():
        latest = fmt(r["latest"]) if r["latest"] is not None and not pd.isna(r["latest"]) else "—"
        year = str(int(r["latest_year"])) if r["latest_year"] is not None and not pd.isna(r["latest_year"]) else "—"
        lines.append(f"{r['indicator']:<{width}}  {r['target'] + ' ' + r['unit']:>14}  {latest:>10}  {year:>4}  {r['source']}")
    return "\n".join(lines)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.2f}%/yr"


def render_assessment(a, requirement=None, name: str | None = None, alternatives=()) -> str:
    """A plain-text account of one assessment: grade, methods, projection, probability, gaps."""
    d = a.to_dict()
    t = d["target"]
    head = name or a.indicator or "series"
    lines = [f"{head}: target {COMPARATOR_WORDS[t['comparator']]} {fmt(t['value'])} by {t['year']}"
             + (f" (met at ≥ {fmt(t['threshold'])} with the about-tolerance)" if t["comparator"] == "about" else "")
             + (f"; as of {d['as_of']}" if d["as_of"] else "")]
    obs = ", ".join(f"{y}: {fmt(v)}" for y, v in d["observations"].items()) or "none"
    lines.append(f"  observations ({d['n_obs']}): {obs}")
    lines.append(f"  grade: {d['status']} — {d['status_basis']}")
    m = d["methods"]
    for wname, w in m.get("windows", {}).items():
        if "grade" in w:
            lines.append(f"    Eurostat {wname} {w['base_year']}-{w['latest_year']}: observed {_pct(w['observed_cagr'])}, "
                         f"required {_pct(w['required_cagr'])}, R = {fmt(w['ratio'])} → {w['grade']}")
        else:
            lines.append(f"    Eurostat {wname}: {w['note']}")
    if "trend_without_target" in m:
        tw = m["trend_without_target"]
        scheme = {"eurostat": "Eurostat", "statcan": "Statistics Canada"}.get(tw.get("scheme", "eurostat"), "Eurostat")
        lines.append(f"    {scheme} without a target: {_pct(tw['directed_cagr'])} in the desired direction → {tw['grade']}"
                     f" (Statistics Canada natural-limit factor {tw['limit_scale']:.2f})")
    if "projected_gap" in m:
        g = m["projected_gap"]
        lines.append(f"    UN projected gap: {t['year']} value at observed growth {fmt(g['projected_value'])}, "
                     f"rho = {fmt(g['rho'])} → {g['grade']}")
    if "time_proportional" in m:
        tp = m["time_proportional"]
        lines.append(f"    time-proportional: {tp['distance_share']:.0%} of the distance in {tp['time_share']:.0%} "
                     f"of the time → {tp['status']}")
    if "required_pace" in m:
        rp = m["required_pace"]
        lines.append(f"    required from the latest value: {_pct(rp['required_cagr'])} "
                     f"({fmt(rp['required_increment'], 3)} {registry_unit(a)}/yr) over {rp['years_left']} years"
                     + (f"; observed {_pct(rp['observed_cagr'])}" if rp.get("observed_cagr") is not None else ""))
    for mdl in d["models"]:
        if "skipped" in mdl:
            continue
        lines.append(f"    {mdl['model']:<28} {mdl['year']} median {fmt(mdl['median'])} "
                     f"[{fmt(mdl['lower'])}, {fmt(mdl['upper'])}] ({mdl['level']:.0%})")
        if "rule" in mdl:
            lines.append(f"      {mdl['n_matches']} matches; {mdl['rule']}")
    if d["projection"]:
        p = d["projection"]
        lines.append(f"  pooled projection {p['year']}: median {fmt(p['median'])}, {p['level']:.0%} interval "
                     f"[{fmt(p['lower'])}, {fmt(p['upper'])}]; pool: "
                     + ", ".join(f"{x['member']} {x['weight']:.2f}" for x in d["pool"]))
    sp = d.get("spread")
    if sp and str(t["year"]) in sp["factors"]:
        lines.append(f"  spread: {sp['pool_type']} pool, factor {sp['factors'][str(t['year'])]:.2f} in {t['year']}"
                     + (_calibrated_words(sp.get("calibration_cells")) if sp["calibrated"] else " (uncalibrated)"))
    prob = "—" if d["probability"] is None else f"{d['probability']:.0%}"
    lines.append(f"  probability of meeting the target: {prob} ({d['probability_reason']})")
    lines.extend(outside_view_lines(d.get("outside_view")))
    if d["earliest_year"]:
        e = d["earliest_year"]
        lines.append(f"  earliest year reached: median {e['median'] or 'not by ' + str(e['searched_until'])}, "
                     f"plausible range {e['earliest_plausible'] or '—'} to "
                     f"{e['latest_plausible'] or 'after ' + str(e['searched_until'])}")
    lines.extend(requirement_lines(requirement, alternatives))
    for note in d["notes"]:
        lines.append(f"  note: {note}")
    if d["not_computed"]:
        lines.append("  not computed: " + "; ".join(d["not_computed"]))
    return "\n".join(lines)


def _calibrated_words(cells: str | None) -> str:
    """Whose rolling origins fitted the factor: the assessed indicator's own, a stated analogue's, or the default."""
    if cells in (None, "all"):
        return " (calibrated on rolling origins; the default factors, from R&D intensity's)"
    return f" (calibrated on rolling origins of {cells})"


def outside_view_lines(ov: dict | None) -> list[str]:
    """The stated outside view (`assessment.outside`), as `render_assessment` prints it."""
    if not ov:
        return []
    if not ov["ran"]:
        lines = [f"  outside view: none ({ov['reason']})"]
        if ov.get("peer_pace"):
            lines.append("    what the same-definition peers published (a description, not a forecast): " + "; ".join(
                f"{pp['region']} {fmt(pp['first_value'])} ({pp['first_year']}) to {fmt(pp['last_value'])} "
                f"({pp['last_year']}), {pp['per_year']:+.2f}/yr" for pp in ov["peer_pace"]))
        return lines
    p = ov["projection"]
    return [f"  outside view ({ov['collection']}/{ov['panel_indicator']}, fair for {ov['fair_for']}): "
            f"P(met) {ov['probability']:.0%} uncalibrated; {p['year']} median {fmt(p['median'])}, "
            f"{p['level']:.0%} interval [{fmt(p['lower'])}, {fmt(p['upper'])}]",
            f"    {ov['fit']}",
            f"    why this analogue: {ov['why_this_analogue']}"]


def requirement_lines(requirement, alternatives=()) -> list[str]:
    """What a ratio target takes (`scenarios.Requirement`), as the lines `render_assessment` prints."""
    if requirement is None:
        return []
    r = requirement
    lines = [f"  what it takes: with {r.denominator} growing {_pct(r.denominator_growth)} "
             f"({r.denominator_growth_basis}), {r.numerator} must grow {_pct(r.required_numerator_growth)} "
             f"from {r.latest_year} to {r.target_year}"
             + (f" (from {fmt(r.numerator_latest)} to {fmt(r.numerator_target)} {registry.get(r.numerator).unit})"
                if r.numerator_latest else "")
             + (f"; {r.note}" if r.note else "")]
    for alt in alternatives:
        lines.append(f"    at a stated {alt.denominator} growth of {alt.denominator_growth:.0%}/yr: {alt.numerator} "
                     f"must grow {_pct(alt.required_numerator_growth)}")
    return lines


def scenario_line(sc, target_year: int) -> str:
    """One sentence for a user-set scenario (`scenarios.Scenario`)."""
    p = "—" if sc.probability is None else f"{sc.probability:.0%}"
    return (f"scenario: numerator +{sc.numerator_growth:.1%}/yr, denominator +{sc.denominator_growth:.1%}/yr "
            f"→ {sc.value_in_target_year:.2f} in {target_year}; P(met) {p} ({sc.probability_basis})")


def render_revisions(rev: pd.DataFrame) -> str:
    """Figures published more than once with different values, grouped by figure."""
    if rev.empty:
        return "no figure has been published with different values"
    lines = []
    for key, group in rev.groupby(["collection", "region", "indicator", "year"], sort=True):
        lines.append(f"{key[1]} {key[2]} {key[3]} ({key[0]}):")
        for _, r in group.iterrows():
            current = pd.isna(r["valid_to"]) or r["valid_to"] == ""  # no later figure: current
            until = " (current)" if current else f" until {r['valid_to']}"
            lines.append(f"  {r['value_printed']:>10} {r['unit_printed']:<6} {r['status']:<11} published "
                         f"{r['published']}{until} — {r['document']}")
    return "\n".join(lines)


def registry_unit(a) -> str:
    """The unit of a change per year: percentage points for a share in %."""
    unit = registry.get(a.indicator).unit if a.indicator in registry.BY_ID else ""
    return "pp" if unit == "%" else unit


def assessment_table(assessments, related: dict[str, tuple[str, ...]] | None = None) -> pd.DataFrame:
    """One row per assessment: the brief's summary table.  ``related``: indicator -> related
    definitions the region publishes (named where the indicator itself is not published)."""
    related = related or {}
    rows = []
    for a in assessments:
        d = a.to_dict()
        latest = d["latest"] or {}
        proj = d["projection"] or {}
        rel = related.get(a.indicator, ()) if not d["n_obs"] else ()  # named where nothing is published
        rows.append({
            "indicator": a.indicator, "target": f"{COMPARATOR_WORDS[d['target']['comparator']]} {fmt(d['target']['value'])}",
            "target_year": d["target"]["year"],
            "latest": fmt(latest.get("value")), "year": latest.get("year"), "n_obs": d["n_obs"],
            "status": d["status"],
            "probability": None if d["probability"] is None else round(d["probability"], 3),
            "median": None if not proj else round(proj["median"], 3),
            "interval": "" if not proj else f"[{fmt(proj['lower'])}, {fmt(proj['upper'])}]",
            "why_not": "" if d["probability"] is not None else "; ".join(
                [d["probability_reason"]]
                + ([f"published under a different definition: {', '.join(rel)} — not substituted"] if rel else [])),
        })
    return pd.DataFrame(rows)


def render_assessment_table(table: pd.DataFrame) -> str:
    lines = []
    for _, r in table.iterrows():
        prob = "—" if r["probability"] is None or pd.isna(r["probability"]) else f"{r['probability']:.0%}"
        year = "—" if r["year"] is None or pd.isna(r["year"]) else str(int(r["year"]))
        proj = "" if not r["interval"] else f"{r['target_year']} median {fmt(r['median'])} {r['interval']}"
        why = f"  [{r['why_not']}]" if r["why_not"] else ""
        lines.append(f"  {r['indicator']:<38} {r['target']:>8}  latest {r['latest']:>6} ({year}, n={r['n_obs']})  "
                     f"{r['status']:<20} P(met) {prob:>4}  {proj}{why}")
    return "\n".join(lines)
