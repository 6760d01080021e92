"""HTML of the brief: each executed notebook without its code, and the index page.

Pure: notebooks and result dicts in, HTML text out.  Pages are offline-safe
(images embedded as data URIs, no script or font fetched from a CDN) and carry a
small reading stylesheet with a CJK font first, so Chinese renders in a browser
and in the printed PDF.
"""

from __future__ import annotations

import html
import re

from ..assessment import base_rate
from ..present import sentences

STYLE = """
:root { --ink:#1d232a; --muted:#5b6570; --rule:#d8dde3; --green:#2e8540; --amber:#d39e00; --red:#c0392b;
        --grey:#9aa4ae; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       "Noto Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink); line-height: 1.55;
       max-width: 64rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; background: #fff; }
h1 { font-size: 1.6rem; margin: .2rem 0 .4rem; } h2 { font-size: 1.25rem; margin-top: 2rem;
     border-bottom: 1px solid var(--rule); padding-bottom: .2rem; }
.meta, .note { color: var(--muted); font-size: .9rem; }
.meta .en, .note .en { display: inline; } .meta .en::before, .note .en::before { content: " / "; }
table.brief { border-collapse: collapse; width: 100%; font-size: .92rem; }
table.brief th, table.brief td { border-bottom: 1px solid var(--rule); padding: .35rem .5rem; text-align: left;
       vertical-align: top; }
table.brief th { background: #f4f6f8; font-weight: 600; }
table.brief td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.en { color: var(--muted); font-size: .88em; display: block; }
.light { display: inline-block; width: .9rem; height: .9rem; border-radius: 50%; vertical-align: -2px;
         margin-right: .3rem; border: 1px solid rgba(0,0,0,.15); }
.light.green { background: var(--green); } .light.amber { background: var(--amber); }
.light.red { background: var(--red); } .light.grey { background: var(--grey); }
.status-ok { color: var(--green); } .status-failed, .status-timeout { color: var(--red); font-weight: 600; }
.banner { background: #fdecea; border-left: 4px solid var(--red); padding: .6rem .9rem; margin: 1rem 0; }
.figure img { max-width: 100%; height: auto; } .thumb img { max-width: 14rem; height: auto; }
.nav { font-size: .9rem; margin-bottom: 1rem; } a { color: #1f5fa8; }
ul.changes li { margin: .15rem 0; }
@media print { body { max-width: none; padding: 0; } a { color: inherit; text-decoration: none; }
               h2 { break-after: avoid; } tr, .figure { break-inside: avoid; } }
"""

_CDN_SCRIPT = re.compile(r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>\s*", re.I)
_CDN_LINK = re.compile(r"<link[^>]*\bhref=\"https?://[^\"]*\"[^>]*>\s*", re.I)


def esc(text) -> str:
    return html.escape("" if text is None else str(text))


def bilingual(key: str, langs: tuple[str, ...], tag: str = "span", **values) -> str:
    """The sentence in each chosen language, each in an element marked with its lang."""
    parts = []
    for lang in langs:
        cls = ' class="en"' if lang == "en" and len(langs) > 1 else ""
        parts.append(f'<{tag} lang="{"zh-CN" if lang == "zh" else "en"}"{cls}>'
                     f"{esc(sentences.say(key, lang, **values))}</{tag}>")
    return "".join(parts)


def _headline_note(head: dict, langs: tuple[str, ...]) -> str:
    """The headline note, its calibration clause in each language (``basis_words``; else the English)."""
    words = head.get("basis_words") or {}
    return _words({lang: sentences.say("headline_note", lang, basis=words.get(lang, head.get("basis", "")))
                   for lang in langs}, langs)


def _peer_pace_notes(head: dict, langs: tuple[str, ...]) -> list[str]:
    """One note per headline row whose outside view could not be estimated but whose peers' pace is known."""
    notes = []
    for r in head["rows"]:
        pace = r.get("outside_view_peer_pace") or []
        if not pace:
            continue
        names = {"zh": r["name_zh"], "en": r["name_en"]}
        per_year = {"zh": "每年 {:+.2f}", "en": "{:+.2f}/yr"}
        sep = {"zh": "；", "en": "; "}
        text = {lang: sentences.say("peer_pace", lang, name=names[lang], pace=sep[lang].join(
            f"{p['region']} {sentences.number(p['first_value'])} ({p['first_year']}) → "
            f"{sentences.number(p['last_value'])} ({p['last_year']}), " + per_year[lang].format(p["per_year"])
            for p in pace)) for lang in langs}
        notes.append(f'<p class="note">{_words(text, langs)}</p>')
    return notes


def _base_rate_notes(head: dict, langs: tuple[str, ...]) -> list[str]:
    """One note per headline row whose probability is the regime's base rate: what it counts and cannot say."""
    notes = []
    for r in head["rows"]:
        rate = r.get("base_rate")
        if not rate:
            continue
        names = {"zh": r["name_zh"], "en": r["name_en"]}
        regimes = {"zh": base_rate.REGIME_NAMES_ZH, "en": base_rate.REGIME_NAMES}
        text = {lang: sentences.say("base_rate_note", lang, name=names[lang],
                                    regime=regimes[lang].get(rate["regime"], rate["regime"]), n=rate["n_cases"],
                                    k=rate["n_met"], cohorts=rate["n_cohorts"], low=sentences.pct(rate["low"]),
                                    high=sentences.pct(rate["high"]), level=f'{rate["level"]:.0%}') for lang in langs}
        notes.append(f'<p class="note">{_words(text, langs)}</p>')
    return notes


def _words(values: dict[str, str], langs: tuple[str, ...]) -> str:
    parts = []
    for lang in langs:
        cls = ' class="en"' if lang == "en" and len(langs) > 1 else ""
        parts.append(f'<span lang="{"zh-CN" if lang == "zh" else "en"}"{cls}>{esc(values[lang])}</span>')
    return "".join(parts)


def status_words(status: str) -> dict[str, str]:
    return {lang: sentences.say(f"status_{status}", lang) for lang in sentences.LANGS}


def notebook_page(notebook_json: str, *, name: str, status: str, error: str | None, seconds: float,
                  langs: tuple[str, ...]) -> str:
    """The executed notebook as a reading page: outputs and text only, images embedded, no CDN."""
    import nbformat
    from nbconvert import HTMLExporter
    nb = nbformat.reads(notebook_json, as_version=4)
    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True)
    body, _ = exporter.from_notebook_node(nb)
    body = _CDN_LINK.sub("", _CDN_SCRIPT.sub("", body))
    header = [f'<div class="nav"><a href="index.html">← index.html</a> · <a href="{esc(name)}.ipynb">'
              f'{esc(name)}.ipynb</a></div>',
              f'<p class="meta"><span class="status-{esc(status)}">{_words(status_words(status), langs)}</span> · '
              f'{bilingual("seconds", langs, seconds=f"{seconds:.1f}")}</p>']
    if status != "ok":
        header.append(f'<div class="banner">{bilingual("failed_banner", langs, tag="div", error=error or "")}</div>')
    head_extra = f"<style>{STYLE}</style>"
    body = body.replace("</head>", head_extra + "</head>", 1)
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + '<div class="brief-header">' + "".join(header)
                  + "</div>", body, count=1)
    return body


def notebook_images(notebook_json: str) -> list[str]:
    """The PNG outputs of a notebook (base64), in order."""
    import json
    nb = json.loads(notebook_json)
    out = []
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []):
            png = o.get("data", {}).get("image/png")
            if png:
                out.append("".join(png) if isinstance(png, list) else png)
    return out


def _latest(row: dict) -> str:
    if row["latest_value"] is None:
        return ""
    return f'{sentences.number(row["latest_value"])} {row["unit"]} ({row["latest_year"]})'


def _interval(row: dict) -> str:
    if row["median"] is None:
        return "—"
    return (f'{sentences.number(row["median"])} [{sentences.number(row["lower"])}, '
            f'{sentences.number(row["upper"])}]')


def headline_table(head: dict, langs: tuple[str, ...]) -> str:
    rows = head["rows"]
    year = rows[0]["target_year"] if rows else ""
    cols = [bilingual(k, langs, year=year) for k in
            ("col_light", "col_indicator", "col_latest", "col_target", "col_grade", "col_probability",
             "col_interval", "col_outside_view")]
    out = ['<table class="brief headline" id="headline"><thead><tr>'
           + "".join(f"<th>{c}</th>" for c in cols) + "</tr></thead><tbody>"]
    for r in rows:
        names = {"zh": r["name_zh"], "en": r["name_en"]}
        latest = _latest(r) or _words({lang: sentences.say("no_value", lang) for lang in sentences.LANGS}, langs)
        light_words = {lang: sentences.light_word(r["light"], lang) for lang in sentences.LANGS}
        out.append(
            f'<tr data-indicator="{esc(r["indicator"])}" data-light="{esc(r["light"])}">'
            f'<td><span class="light {esc(r["light"])}" title="{esc(r["light"])}"></span>'
            f'{_words(light_words, langs)}</td>'
            f"<td>{_words(names, langs)}</td>"
            f'<td class="num">{latest if r["latest_value"] is None else esc(latest)}</td>'
            f'<td class="num">{esc(r["comparator_sign"])} {esc(sentences.number(r["target_value"]))} '
            f'{esc(r["unit"])} ({r["target_year"]})</td>'
            f'<td>{_words({lang: sentences.grade(r["status"], lang) for lang in sentences.LANGS}, langs)}</td>'
            f'<td class="num">{esc(sentences.pct(r["probability"]))}'
            + {"outside_view": "†", "base_rate": "‡"}.get(r.get("probability_source"), "") + "</td>"
            f'<td class="num">{esc(_interval(r))}</td>'
            f'<td class="num">{esc(sentences.pct(r.get("outside_view_probability")))}</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


def index_page(*, head: dict, runs: list[dict], changes: list[str] | None, since: str | None,
               langs: tuple[str, ...], as_of: str, generated: str, figures: dict[str, list[str]],
               pdf: bool) -> str:
    """The brief's front page: headline table, what changed, figures, pages with status and time.

    ``changes``: HTML list items already in the chosen languages (None = no earlier brief).
    ``figures``: notebook name -> base64 PNGs to show (the brief notebook's, and a thumbnail of the others).
    """
    doc_lang = "zh-CN" if langs[0] == "zh" else "en"
    title = " / ".join(sentences.say("title", lang) for lang in langs)
    parts = [f'<!DOCTYPE html><html lang="{doc_lang}"><head><meta charset="utf-8">'
             f'<meta name="viewport" content="width=device-width, initial-scale=1">'
             f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>",
             f'<h1>{bilingual("title", langs)}</h1>',
             f'<p class="meta">{bilingual("as_of", langs, as_of=as_of)} · '
             f'{bilingual("generated", langs, when=generated)}'
             + (f' · <a href="brief.pdf">{bilingual("pdf", langs)} (brief.pdf)</a>' if pdf else "") + "</p>",
             f'<h2>{bilingual("headline", langs)}</h2>',
             headline_table(head, langs),
             f'<p class="note">{_headline_note(head, langs)}</p>',
             *_peer_pace_notes(head, langs),
             *_base_rate_notes(head, langs),
             f'<p class="note">{bilingual("light_legend", langs)}</p>']
    if since is not None or changes is not None:
        parts.append(f'<h2 id="changes">{bilingual("changes", langs, since=since or "—")}</h2>')
        if changes is None:
            parts.append(f'<p>{bilingual("no_earlier", langs)}</p>')
        elif not changes:
            parts.append(f'<p>{bilingual("no_changes", langs, since=since)}</p>')
        else:
            parts.append('<ul class="changes">' + "".join(changes) + "</ul>")
    if any(figures.values()):
        parts.append(f'<h2 id="figures">{bilingual("figures", langs)}</h2>')
        for name, pngs in figures.items():
            for png in pngs:
                cls = "figure" if name == "brief" else "figure thumb"
                parts.append(f'<div class="{cls}"><a href="{esc(name)}.html"><img alt="{esc(name)}" '
                             f'src="data:image/png;base64,{png}"></a></div>')
    parts.append(f'<h2 id="pages">{bilingual("pages", langs)}</h2>')
    parts.append('<table class="brief pages"><thead><tr>'
                 + "".join(f"<th>{bilingual(k, langs)}</th>" for k in ("col_page", "col_status", "col_time"))
                 + "</tr></thead><tbody>")
    for r in runs:
        took = sentences.say("seconds", langs[0], seconds=f"{r['seconds']:.1f}")
        parts.append(
            f'<tr data-notebook="{esc(r["name"])}" data-status="{esc(r["status"])}">'
            f'<td><a href="{esc(r["name"])}.html">{esc(r["name"])}</a></td>'
            f'<td class="status-{esc(r["status"])}">{_words(status_words(r["status"]), langs)}'
            + (f'<div class="note">{esc(r["error"])}</div>' if r.get("error") else "") + "</td>"
            f'<td class="num">{esc(took)}</td></tr>')
    parts.append("</tbody></table>")
    parts.append(f'<p class="note">{bilingual("reproduce", langs)}</p></body></html>')
    return "".join(parts)


def change_items(descriptions: list[dict[str, str]], langs: tuple[str, ...]) -> list[str]:
    """<li> items from change sentences keyed by language."""
    return [f"<li>{_words(d, langs)}</li>" for d in descriptions]
