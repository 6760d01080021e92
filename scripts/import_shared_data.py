#!/usr/bin/env python
"""Converter: the public figures in ``../shared/data`` → ``data/raw`` in the project's
format (``data/raw/README.md``).  Every decision lives in ``scripts/crosswalk/*.csv``
(described in ``scripts/crosswalk/README.md``); this file only applies them.

    python scripts/import_shared_data.py                 # write (or confirm) every file in data/raw
    python scripts/import_shared_data.py --out DIR       # write into another folder (tests)
    python scripts/import_shared_data.py --dry-run       # build and validate, write nothing

Deterministic (input order kept, ``\\n`` line ends, minimal quoting).  Append-only: a
file that exists with the same bytes is left alone; one with different bytes stops the
run before anything is written.  Every output row carries ``source_ref``
(``<input file>:<line>``); every input row is written or listed in
``crosswalk/not_carried.csv`` with its reason, and the totals are checked.  The outputs
are validated by the library's own build (``build_tables``) before anything is written.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CROSSWALK = Path(__file__).resolve().parent / "crosswalk"
sys.path.insert(0, str(ROOT))

OBS_COLUMNS = ["region", "indicator", "year", "value", "unit", "status", "derivation", "publisher",
               "document", "url", "published", "published_basis", "quote", "note"]
TARGET_COLUMNS = ["region", "indicator", "target_year", "target", "unit", "comparator", "tolerance", "plan",
                  "set_year", "publisher", "document", "url", "published", "published_basis", "quote", "note",
                  "source_ref"]
REGIONAL, POINTS, TARGETS = "regional_sources.csv", "reference/cn_points_published.csv", "past_targets.csv"
PLAN_SEED = "seeds/000_7ec6b2c546acc8c7.txt"


def read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows with their 1-based line number (header = line 1); records must be one line each."""
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    if text.count("\n") != len(rows) + 1 - (0 if text.endswith("\n") else 1):
        raise ValueError(f"{path}: records span several lines; line numbers would be wrong")
    return [(i + 2, r) for i, r in enumerate(rows)]


class Crosswalk:
    """The decisions, read once: lookups keyed as the converters need them."""

    def __init__(self, folder: Path = CROSSWALK):
        def rows(name):
            return [r for _, r in read_csv(folder / name)]
        self.sources = {r["key"]: r for r in rows("sources.csv")}
        self.urls = rows("source_urls.csv")
        self.plans = {r["plan"]: r for r in rows("plans.csv")}
        self.panels = rows("panels.csv")
        self.indicators = {(r["input"], r["source_indicator"]): r["indicator"] for r in rows("indicators.csv")}
        self.units = {(r["input"], r["source_unit"]): r["unit"] for r in rows("units.csv")}
        self.regions = {(r["input"], r["source_region"]): r for r in rows("regions.csv")}
        self.not_carried = {(r["input"], int(r["line"])): r for r in rows("not_carried.csv")}
        self.rows: dict[tuple, dict[str, str]] = defaultdict(dict)
        for r in rows("rows.csv"):
            self.rows[(r["input"], r["region"], r["source_indicator"], r["year"], r["value"])][r["field"]] = r["text"]
        self.flags: dict[str, list[dict]] = defaultdict(list)
        for r in rows("flags.csv"):
            self.flags[r["input"]].append(r)
        self.row_vars = {}  # optional per-line variables of a panel input: crosswalk/rows/<input name>
        for path in sorted((folder / "rows").glob("*.csv")):
            self.row_vars[path.name] = {int(r["line"]): r for _, r in read_csv(path)}
        self.plan_meta = (folder / "plan_document.meta.toml").read_text(encoding="utf-8")

    def region(self, inp: str, name: str) -> str:
        return self.regions[(inp, name)]["region"] if (inp, name) in self.regions else name

    def source_of(self, url: str, kind: str) -> str:
        for r in self.urls:
            if url.startswith(r["url_prefix"]) and r["kind_contains"] in kind:
                return r["source"]
        raise KeyError(f"no source entry in source_urls.csv for {url!r} / {kind!r}")

    def date(self, src: dict, year: int) -> str:
        return src["published"].format(Y1=year + 1)


# -- text helpers (how a figure was printed) -----------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PREFIX_HEDGES = ["首次突破", "突破", "超过", "超", "逾", "大约", "约", "将近", "接近", "近"]


def _cjk_count(text: str) -> int:
    return sum(1 for ch in text if _CJK.match(ch) and ch not in "亿元万人件家个")


def chinese_quote(note: str) -> str:
    """The Chinese wording in a source note: English asides dropped, segments split on
    ``;`` ``: `` `` — `` `` -> ``, each widened over figures written against it."""
    note = re.sub(r"\([^()]*[A-Za-z]{3,}[^()]*\)", "", note)
    pieces = []
    for seg in re.split(r";|: | — | -> ", note):
        n = _cjk_count(seg)
        if n < 2 or (n < 4 and not re.search(r"\d", seg)):
            continue
        idx = [i for i, ch in enumerate(seg) if _CJK.match(ch)]
        start, end = idx[0], idx[-1] + 1
        while start > 0 and re.match(r"[0-9.%A-Za-z&《“'(（]", seg[start - 1]):
            start -= 1
        while end < len(seg) and re.match(r"[0-9.%件家个》”)）]", seg[end]):
            end += 1
        tail = re.match(r"\s[0-9][0-9.]*(?:亿元|万人|万|%|件|家)?", seg[end:])  # "太仓市 1386.09亿元"
        end += tail.end() if tail else 0
        text = seg[start:end].strip().strip("'").strip()
        if text:
            pieces.append(text)
    return "；".join(pieces)


def hedge_word(marker: str, note: str) -> tuple[str, str]:
    """(prefix, suffix) hedge word the source printed for a '(lower bound)'/'(approx)' figure."""
    for text in [*re.findall(r"'([^']*)'", marker), note]:
        for w in _PREFIX_HEDGES:
            if re.search(re.escape(w) + r"\s*\d", text):
                return w, ""
        m = re.search(r"\d(?:[.\d]*)(?:万亿|万|亿)?[元件家%个]*(以上|左右)", text)
        if m:
            return "", m.group(1)
        if re.search(r"\d(?:[.\d]*)(?:万)?余", text):
            return "", "余"
    return "", ""


def value_text(value: str, unit_col: str, note: str) -> str:
    m = re.match(r"^(\S+)(?:\s*\((.*)\))?$", unit_col.strip())
    marker = (m.group(2) or "") if m else ""
    if marker.lower().startswith(("lower bound", "approx")):
        pre, post = hedge_word(marker, note)
        return value if post == "余" and value.endswith("余") else f"{pre}{value}{post}"
    return value


def join_note(*parts: str) -> str:
    return " | ".join(p.strip() for p in parts if p and p.strip())


def github_url(source: str) -> str:
    m = re.match(r"github:([^/]+)/([^/]+)/(\S+)@([0-9a-f]{40})", source)
    return f"https://github.com/{m[1]}/{m[2]}/blob/{m[4]}/{m[3]}" if m else source.split(" (")[0]


# -- converters (pure: rows in, rows out) --------------------------------------------------

def convert_regional(cw: Crosswalk, rows) -> tuple[list[dict], list[dict]]:
    obs, targets = [], []
    for line, r in rows:
        region, label, year, value, kind, note = (r[c] for c in
                                                   ("region", "indicator", "year", "value", "source_kind", "note"))
        x = cw.rows.get((REGIONAL, region, label, year, value), {})
        key, url_raw = cw.source_of(r["source_url"], kind), r["source_url"]
        src = cw.sources[key]
        url = "" if url_raw.startswith("(no URL") else url_raw
        no_url = f"no URL: {url_raw.strip('()')}" if not url else ""
        date, basis = cw.date(src, int(year)), src["published_basis"]
        date_note = f"publication date inferred: {src['how']}" if basis == "inferred" else ""
        tail = [f"source note: {note}" if note else "", f"source_kind: {kind}"]
        quote = x["quote"] if "quote" in x else chinese_quote(note)
        unit = r["unit"].split("(")[0].strip()
        common = {"region": region, "url": url, "quote": quote, "unit": unit, "source_ref": f"{REGIONAL}:{line}"}
        if label.startswith("TARGET"):
            word = hedge_word(r["unit"], note) if "lower bound" in r["unit"] else ("", "")
            remarks = [x.get("remark", "")]
            if word != ("", ""):
                remarks.append(f"printed with '{word[0] or word[1]}' (more than): comparator >=")
            publisher, document, plan, set_year = src["publisher"], src["document"], src["plan"], src["set_year"]
            if plan in cw.plans:  # a national plan quoted by news: cite the plan
                publisher, document = cw.plans[plan]["publisher"], cw.plans[plan]["document"]
                date, basis = f"{set_year}-12-31", "inferred"
                date_note = "publication date inferred: no date of the plan in the source: set_year-12-31"
                remarks.append(f"read in: {src['document']}")
            targets.append({**common, "indicator": cw.indicators[(REGIONAL, label)], "target_year": year,
                            "target": value, "comparator": ">=", "plan": plan, "set_year": set_year,
                            "publisher": publisher, "document": document, "published": date,
                            "published_basis": basis,
                            "note": join_note(*remarks, src["remark"], no_url, date_note, *tail)})
            continue
        marker = r["unit"][len(unit):].strip()
        derived = "derived" in marker.lower() or note.startswith("NOT directly stated") or kind.startswith("derived")
        if derived != bool(x.get("derivation")):
            raise ValueError(f"{REGIONAL}:{line}: derived row and rows.csv derivation disagree")
        for flag in ("YEAR INFERRED", "DUBIOUS"):
            if flag in marker and "remark" not in x:
                raise ValueError(f"{REGIONAL}:{line}: {flag} row needs a remark in rows.csv")
        status, why = "reported", ""
        if derived:
            status = "derived"
        elif "status" in x:
            status, why = x["status"], x["status_reason"]
        elif "preliminary" in marker.lower():
            status, why = "preliminary", f"marked {marker} in the source"
        elif src["preliminary"]:
            status, why = "preliminary", src["preliminary"]
        elif re.search(r"预计|初步核算|初步测算|\(preliminary", note):
            status, why = "preliminary", "the source says 预计/初步 (preliminary)"
        indicator = x.get("indicator") or cw.indicators[(REGIONAL, label)]
        remarks = [x.get("remark", "")]
        if indicator.startswith("tech_smes") and "remark" not in x:
            remarks.append("annual registration count")
        obs.append({**common, "indicator": indicator, "year": year, "value": value_text(value, r["unit"], note),
                    "status": status, "derivation": x.get("derivation", ""), "publisher": src["publisher"],
                    "document": src["document"], "published": date, "published_basis": basis,
                    "note": join_note(*remarks, f"status: {why}" if why else "", src["remark"], no_url,
                                      date_note, *tail)})
    return obs, targets


def convert_points(cw: Crosswalk, rows) -> list[dict]:
    out = []
    for line, r in rows:
        x = cw.rows[(POINTS, r["region"], r["indicator"], r["year"], r["value"])]
        src, unit_col, value = cw.sources[x["source"]], r["unit"], r["value"]
        value += "以上" if "(lower bound: 以上)" in unit_col else "左右" if "(about: 左右)" in unit_col else ""
        status, why = "reported", ""
        if "(expected: 预计)" in unit_col:
            status, why = "preliminary", "预计 (expected)"
        elif src["preliminary"]:
            status, why = "preliminary", src["preliminary"]
        elif re.search(r"early vintage|preliminary", r["note"]):
            status, why = "preliminary", "early/preliminary vintage (source note)"
        url = r["source"] if r["source"].startswith("http") else ""
        out.append({
            "region": cw.region(POINTS, r["region"]), "indicator": cw.indicators[(POINTS, r["indicator"])],
            "year": r["year"], "value": value, "unit": cw.units[(POINTS, unit_col.split("(")[0].strip())],
            "status": status, "publisher": src["publisher"], "document": src["document"], "url": url,
            "published": cw.date(src, int(r["year"])), "published_basis": src["published_basis"],
            "quote": r["quote"],
            "note": join_note(x.get("remark", ""), f"status: {why}" if why else "", src["remark"],
                              "" if url else f"no URL: {r['source']}",
                              f"publication date inferred: {src['how']}" if src["published_basis"] == "inferred" else "",
                              f"source note: {r['note']}" if r["note"] else "",
                              f"original indicator: {r['indicator']}; original region: {r['region']}"),
            "source_ref": f"{POINTS}:{line}"})
    return out


def convert_targets(cw: Crosswalk, rows) -> list[dict]:
    out = []
    for line, r in rows:
        x = cw.rows.get((TARGETS, r["region"], r["indicator"], r["target_year"], r["target_value"]), {})
        indicator, plan = cw.indicators[(TARGETS, r["indicator"])], cw.plans[r["plan"]]
        set_year, date, basis, how = x.get("set_year", r["set_year"]), plan["published"], plan["published_basis"], plan["how"]
        if not date:
            date, basis = f"{set_year}-12-31", "inferred"
            how = "no date in the source: set_year-12-31 (latest plausible date)"
        url = r["source"] if r["source"].startswith("http") else ""
        out.append({
            "region": cw.region(TARGETS, r["region"]), "indicator": indicator, "target_year": r["target_year"],
            "target": r["target_value"], "unit": cw.units[(TARGETS, indicator)],
            "comparator": {">=": ">=", "about": "about"}[r["comparator"]], "plan": r["plan"], "set_year": set_year,
            "publisher": plan["publisher"], "document": plan["document"], "url": url, "published": date,
            "published_basis": basis, "quote": r["quote"],
            "note": join_note(x.get("remark", ""), "" if url else f"no URL: {r['source']}",
                              f"publication date inferred: {how}" if basis == "inferred" else "",
                              f"source note: {r['note']}" if r["note"] else "",
                              f"original indicator: {r['indicator']}"),
            "source_ref": f"{TARGETS}:{line}"})
    return out


def convert_panel(cw: Crosswalk, spec: dict, rows) -> list[dict]:
    """A reference panel: every output column is a template over the row's fields, the
    mapped region/indicator/unit, ``Y1`` (year + 1), ``url``, flags and per-line variables."""
    inp, name = spec["input"], Path(spec["input"]).name
    extra = [e.split("=", 1) for e in spec["extra_columns"].split(";") if e]
    out = []
    for line, r in rows:
        v = {**r, "line": line, "url": github_url(r.get("source", "")),
             "region_name": cw.region(inp, r["region"]), "indicator_id": cw.indicators.get((inp, r["indicator"]), ""),
             "unit_id": cw.units.get((inp, r["unit"]), "")}
        v["Y1"] = int(r["year"]) + 1 if r["year"].isdigit() else ""
        for f in sorted(cw.flags[inp], key=lambda f: f["value"] != "*"):  # defaults first, matches override
            if f["value"] == "*" or r.get(f["column"]) == f["value"]:
                v[f["var"]] = f["text"]
        v.update(cw.row_vars.get(name, {}).get(line, {}))
        if "source_key" in v:  # a per-line source document: its fields as src_*
            src = cw.sources[v["source_key"]]
            v.update({f"src_{k}": t for k, t in src.items()}, src_date=src["published"].format(Y1=v["Y1"]))
        fill = lambda t: join_note(*(p.format(**v) for p in t.split(" | ")))  # noqa: E731
        row = {c: fill(spec[c]) for c in [*OBS_COLUMNS, "source_ref"]}
        row.update({c: fill(t) for c, t in extra})
        out.append(row)
    return out


# -- build, check, write -------------------------------------------------------------------

def csv_bytes(rows: list[dict], columns: list[str]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="raise")
    w.writeheader()
    w.writerows({c: r.get(c, "") for c in columns} for r in rows)
    return buf.getvalue().encode("utf-8")


def build(shared: Path, cw: Crosswalk | None = None) -> tuple[dict[str, bytes], dict]:
    """Every output file's bytes, and a ledger (read, written, not carried)."""
    cw = cw or Crosswalk()
    ledger: dict = {"read": {}, "written": {}, "not_carried": []}

    def rd(inp: str):
        rows = read_csv(shared / "data" / inp)
        ledger["read"][inp] = len(rows)
        kept = []
        for line, r in rows:
            nc = cw.not_carried.get((inp, line))
            if nc is None:
                kept.append((line, r))
            elif (nc["region"], nc["source_indicator"]) != (r["region"], r["indicator"]):
                raise ValueError(f"not_carried.csv: {inp}:{line} is {r['region']}/{r['indicator']}, not "
                                 f"{nc['region']}/{nc['source_indicator']}: the shared file changed")
            else:
                ledger["not_carried"].append((f"{inp}:{line}", nc["reason"]))
        return kept

    obs, regional_targets = convert_regional(cw, rd(REGIONAL))
    files: dict[str, tuple[list[dict], list[str]]] = {}
    for r in cw.regions.values():
        if r["input"] == REGIONAL:
            files.setdefault(r["output"], ([], OBS_COLUMNS + ["source_ref"]))
    for o in obs:
        if (REGIONAL, o["region"]) not in cw.regions:
            raise ValueError(f"{o['source_ref']}: region {o['region']!r} has no output file in regions.csv")
        files[cw.regions[(REGIONAL, o["region"])]["output"]][0].append(o)
    files["observations/cn_points_published.csv"] = (convert_points(cw, rd(POINTS)), OBS_COLUMNS + ["source_ref"])
    for spec in cw.panels:
        extra = [e.split("=", 1)[0] for e in spec["extra_columns"].split(";") if e]
        files[spec["output"]] = (convert_panel(cw, spec, rd(spec["input"])), OBS_COLUMNS + extra + ["source_ref"])
    files["targets/past_targets.csv"] = (convert_targets(cw, rd(TARGETS)) + regional_targets, TARGET_COLUMNS)
    text = (shared / PLAN_SEED).read_bytes()
    out = {"documents/taicang_14th_st_plan.txt": text,
           "documents/taicang_14th_st_plan.meta.toml":
               cw.plan_meta.replace("{sha256}", hashlib.sha256(text).hexdigest()).encode("utf-8")}
    for name, (rows, columns) in files.items():
        out[name] = csv_bytes(rows, columns)
        ledger["written"][name] = len(rows)
    written, dropped = sum(ledger["written"].values()), len(ledger["not_carried"])
    if sum(ledger["read"].values()) != written + dropped:
        raise ValueError(f"rows read {sum(ledger['read'].values())} != written {written} + not carried {dropped}")
    return out, ledger


def check(outputs: dict[str, bytes]) -> None:
    """Validate with the library's own build (every rule of data/raw/README.md); raises RawDataError."""
    from taicang_analysis.data.build import build_tables
    from taicang_analysis.data.io import read_raw
    with tempfile.TemporaryDirectory() as tmp:
        for rel, data in outputs.items():
            (Path(tmp) / rel).parent.mkdir(parents=True, exist_ok=True)
            (Path(tmp) / rel).write_bytes(data)
        build_tables(read_raw(Path(tmp)))


def write(outputs: dict[str, bytes], out_dir: Path, *, dry_run: bool) -> list[tuple[str, str]]:
    """Write every file, or none: refuse when any existing file differs (append-only)."""
    plan = [(rel, "new" if not (out_dir / rel).exists() else
             "unchanged" if (out_dir / rel).read_bytes() == data else "DIFFERS") for rel, data in outputs.items()]
    conflicts = [rel for rel, state in plan if state == "DIFFERS"]
    if conflicts:
        raise SystemExit("error: refusing to overwrite files whose content differs (data/raw is append-only): "
                         + ", ".join(conflicts))
    for rel, state in plan:
        if state == "new" and not dry_run:
            path = out_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.with_suffix(path.suffix + ".tmp").write_bytes(outputs[rel])
            path.with_suffix(path.suffix + ".tmp").replace(path)
    return plan


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared folder (has data/)")
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "raw", help="output folder (default data/raw)")
    ap.add_argument("--dry-run", action="store_true", help="build and validate, write nothing")
    args = ap.parse_args(argv)
    try:
        outputs, ledger = build(args.shared)
        check(outputs)
    except (ValueError, KeyError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    plan = write(outputs, args.out, dry_run=args.dry_run)
    for what in ("read", "written"):
        print(f"rows {what}:" + (" (dry run: nothing written)" if args.dry_run and what == "written" else ""))
        for k, n in ledger[what].items():
            print(f"  {n:6d}  {k}")
    print("files:\n" + "\n".join(f"  {state:9s} {rel}" for rel, state in plan))
    print(f"rows not carried: {len(ledger['not_carried'])} (reasons in scripts/crosswalk/not_carried.csv)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
