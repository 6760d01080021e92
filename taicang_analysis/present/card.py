"""A compact HTML card of one target assessment, for JupyterLab (``_repr_html_``).

Drawn from the result's ``to_dict()``: nothing is computed here, every text is escaped.
"""

from __future__ import annotations

from html import escape

from ..assessment.base_rate import REGIME_NAMES
from .text import COMPARATOR_WORDS, fmt

_STYLE = ("border-collapse:collapse;font-size:13px;line-height:1.35;"
          "border:1px solid #ccc;margin:2px 0")
_TH = "text-align:left;padding:2px 10px 2px 6px;color:#555;font-weight:normal;vertical-align:top"
_TD = "text-align:left;padding:2px 6px"


def _outside_view_text(ov: dict | None) -> str:
    if not ov:
        return "—"
    if not ov["ran"]:
        return f"— ({ov['reason']})"
    p = ov["projection"]
    return (f"{ov['probability']:.0%} (uncalibrated; {ov['collection']}/{ov['panel_indicator']}, fair for "
            f"{ov['fair_for']}); {p['year']} median {fmt(p['median'])} [{fmt(p['lower'])}, {fmt(p['upper'])}]")


def render_card(d: dict) -> str:
    """One small table: names (中文 + English), latest value, target, grade, P(met) with the 80 %
    interval of the projection, and which spread applied."""
    names = d.get("indicator_name") or {}
    unit = names.get("unit") or ""
    title = " · ".join(x for x in (names.get("zh"), names.get("en")) if x) or (d.get("indicator") or "series")
    ident = d.get("indicator") or d.get("name") or "series"
    t = d["target"]
    latest = d.get("latest")
    latest_text = "no published value" if not latest else f"{fmt(latest['value'])} {unit} ({latest['year']})"
    target_text = f"{COMPARATOR_WORDS.get(t['comparator'], t['comparator'])} {fmt(t['value'])} {unit} by {t['year']}"
    prob = d.get("probability")
    proj = d.get("projection")
    if prob is None:
        p_text = f"— ({d.get('probability_reason', '')})"
    else:
        p_text = f"{prob:.0%}"
        rate = d.get("base_rate") or {}
        if d.get("headline_source") == "base_rate":
            p_text += (f" — the base rate: {rate['n_met']} of {rate['n_cases']} past plan targets of "
                       f"{REGIME_NAMES.get(rate['regime'], rate['regime'])} met; it says nothing about this indicator")
        if proj:
            p_text += (f"; {proj['year']} projection median {fmt(proj['median'])}, "
                       f"{proj['level']:.0%} interval [{fmt(proj['lower'])}, {fmt(proj['upper'])}]")
    rows = [
        ("latest", latest_text),
        ("target", target_text),
        ("grade", f"{d['status']} — {d.get('status_meaning', '')}"),
        ("P(met)", p_text),
        ("spread", d.get("calibration_basis") or ""),
        ("outside view", _outside_view_text(d.get("outside_view"))),
    ]
    if d.get("as_of"):
        rows.insert(0, ("as of", d["as_of"]))
    body = "".join(f'<tr><th style="{_TH}">{escape(k)}</th><td style="{_TD}">{escape(str(v))}</td></tr>'
                   for k, v in rows)
    head = (f'<tr><th colspan="2" style="{_TD};font-weight:bold;border-bottom:1px solid #ccc">'
            f'{escape(title)} <code style="font-weight:normal">{escape(str(ident))}</code></th></tr>')
    return f'<table class="taicang-card" style="{_STYLE}">{head}{body}</table>'
