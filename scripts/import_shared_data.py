#!/usr/bin/env python
"""Converter: the public figures in ``../shared/data`` → ``data/raw`` (format: ``data/raw/README.md``).
Every decision lives in ``scripts/crosswalk/*.csv`` (see its README); this file only applies them.

    python scripts/import_shared_data.py [--out DIR] [--dry-run]   # default DIR: data/raw

Deterministic; append-only (a file with other bytes stops the run before anything is written);
every row carries ``source_ref`` (``<input>:<line>``); every input row is written or listed in
``not_carried.csv`` (totals checked); outputs pass the library's own build before any is written.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import string
import sys
import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CROSSWALK = Path(__file__).resolve().parent / "crosswalk"
sys.path.insert(0, str(ROOT))

OBS_COLUMNS = ["region", "indicator", "year", "value", "unit", "status", "derivation", "publisher",
               "document", "url", "published", "published_basis", "quote", "note"]
TARGET_COLUMNS = ("region indicator target_year target unit comparator tolerance plan set_year publisher "
                  "document url published published_basis quote note source_ref").split()
REGIONAL, TARGETS = "regional_sources.csv", "past_targets.csv"
PLAN_SEED = "seeds/000_7ec6b2c546acc8c7.txt"


def read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows with their 1-based line number (header = line 1); a record must be one line."""
    text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    if text.count("\n") != len(rows) + 1 - (0 if text.endswith("\n") else 1):
        raise ValueError(f"{path}: records span several lines; line numbers would be wrong")
    return [(i + 2, r) for i, r in enumerate(rows)]


class Crosswalk:
    """The decisions, read once, as lookups."""

    def __init__(self, folder: Path = CROSSWALK):
        def rows(name): return [r for _, r in read_csv(folder / name)]  # noqa: E704
        self.sources = {r["key"]: r for r in rows("sources.csv")}
        self.urls, self.panels = rows("source_urls.csv"), rows("panels.csv")
        self.plans = {r["plan"]: r for r in rows("plans.csv")}
        self.indicators = {(r["input"], r["source_indicator"]): r["indicator"]
                           for r in rows("indicators.csv")}
        self.units = {(r["input"], r["source_unit"]): r["unit"] for r in rows("units.csv")}
        self.regions = {(r["input"], r["source_region"]): r for r in rows("regions.csv")}
        self.not_carried = {(r["input"], int(r["line"])): r for r in rows("not_carried.csv")}
        self.splits = [(r["input"], int(r["first_line"]), int(r["last_line"]), r["output"])
                       for r in rows("splits.csv")]
        self.details: dict[tuple, dict[str, str]] = defaultdict(dict)
        for r in rows("rows.csv"):
            key = (r["input"], r["line"], r["region"], r["source_indicator"], r["year"], r["value"])
            self.details[key][r["field"]] = r["text"]
        key_cols = ("input", "line", "region", "source_indicator", "year", "value")
        for path in sorted(folder.glob("rows_*.csv")):  # the same, one column per field
            for r in rows(path.name):
                self.details[tuple(r.pop(c) for c in key_cols)].update(r)
        self.flags: dict[str, list[dict]] = defaultdict(list)
        for r in sorted(rows("flags.csv"), key=lambda f: f["value"] != "*"):  # defaults first
            self.flags[r["input"]].append(r)
        self.plan_meta = (folder / "plan_document.meta.toml").read_text(encoding="utf-8")

    def row(self, inp: str, line: int, *key: str) -> dict[str, str]:
        """Per-row details: those for any line of this key, then those for this very line."""
        return {**self.details.get((inp, "", *key), {}), **self.details.get((inp, str(line), *key), {})}

    def output_of(self, inp: str, line: int, default: str) -> str:
        """The file a row goes to: a ``splits.csv`` range (rows appended to the shared file after the
        file that holds the input's other rows was written: data/raw is append-only), else ``default``."""
        return next((out for i, lo, hi, out in self.splits if i == inp and lo <= line <= hi), default)

    def routed(self, inp: str, rows, default: str) -> dict[str, list]:
        """``rows`` grouped by output file (`output_of`), the default file first, input order kept."""
        out: dict[str, list] = {default: []}
        for line, r in rows:
            out.setdefault(self.output_of(inp, line, default), []).append((line, r))
        return out

    def region(self, inp: str, name: str) -> str:
        return self.regions[(inp, name)]["region"] if (inp, name) in self.regions else name

    def source_of(self, url: str, kind: str) -> dict[str, str]:
        for r in self.urls:
            if url.startswith(r["url_prefix"]) and r["kind_contains"] in kind:
                return self.sources[r["source"]]
        raise KeyError(f"no source entry in source_urls.csv for {url!r} / {kind!r}")


def join_note(*parts: str) -> str:
    return " | ".join(p.strip() for p in parts if p and p.strip())


_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")


def _filled(template: str, v: dict) -> bool:
    """A template part with fields is kept only when one of them is non-empty."""
    names = [name for _, name, _, _ in string.Formatter().parse(template) if name]
    return not names or any(str(v[n]) for n in names)


def github_url(source: str) -> str:
    """``github:owner/repo/path@commit (…)`` → the blob URL; any other source → its text before ' ('."""
    m = re.match(r"github:([^/]+)/([^/]+)/(\S+)@([0-9a-f]{40})", source)
    return f"https://github.com/{m[1]}/{m[2]}/blob/{m[4]}/{m[3]}" if m else source.split(" (")[0]


def convert_regional(cw: Crosswalk, rows) -> tuple[list[dict], list[dict]]:
    obs, targets = [], []
    for line, r in rows:
        region, label, year, value, kind, note = (
            r[c] for c in ("region", "indicator", "year", "value", "source_kind", "note"))
        x, src = cw.row(REGIONAL, line, region, label, year, value), cw.source_of(r["source_url"], kind)
        url = "" if r["source_url"].startswith("(no URL") else r["source_url"]
        date, basis = src["published"].format(Y1=int(year) + 1), src["published_basis"]
        tail = ["" if url else f"no URL: {r['source_url'].strip('()')}",
                f"publication date inferred: {src['how']}" if basis == "inferred" else "",
                f"source note: {note}" if note else "", f"source_kind: {kind}"]
        unit, remarks = r["unit"].split("(")[0].strip(), [x.get("remark", "")]
        row = {"region": region, "url": url, "quote": x.get("quote", ""), "unit": unit,
               "publisher": src["publisher"], "document": src["document"], "source_ref": f"{REGIONAL}:{line}"}
        if label.startswith("TARGET"):
            plan, set_year = src["plan"], src["set_year"]
            if plan in cw.plans:  # a national plan quoted by news: cite the plan
                row.update(publisher=cw.plans[plan]["publisher"], document=cw.plans[plan]["document"])
                date, basis = f"{set_year}-12-31", "inferred"
                tail[1] = "publication date inferred: no date of the plan in the source: set_year-12-31"
                remarks.append(f"read in: {src['document']}")
            targets.append({**row, "indicator": cw.indicators[(REGIONAL, label)], "target_year": year,
                            "target": value, "comparator": ">=", "plan": plan, "set_year": set_year,
                            "published": date, "published_basis": basis,
                            "note": join_note(*remarks, src["remark"], *tail)})
            continue
        marker = r["unit"][len(unit):].strip()
        derived = ("derived" in marker.lower() or note.startswith("NOT directly stated")
                   or kind.startswith("derived"))
        if derived != bool(x.get("derivation")):
            raise ValueError(f"{REGIONAL}:{line}: derived row and rows.csv derivation disagree")
        if any(flag in marker for flag in ("YEAR INFERRED", "DUBIOUS")) and "remark" not in x:
            raise ValueError(f"{REGIONAL}:{line}: a YEAR INFERRED or DUBIOUS row needs a remark")
        status, why = (("derived", "") if derived else (x["status"], x["status_reason"]) if "status" in x else
            ("preliminary", f"marked {marker} in the source") if "preliminary" in marker.lower() else
            ("preliminary", src["preliminary"]) if src["preliminary"] else
            ("preliminary", "the source says 预计/初步 (preliminary)")
            if re.search(r"预计|初步核算|初步测算|\(preliminary", note) else ("reported", ""))
        obs.append({**row, "indicator": x.get("indicator") or cw.indicators[(REGIONAL, label)], "year": year,
                    "value": x.get("printed_value", value), "status": status,
                    "derivation": x.get("derivation", ""), "published": date, "published_basis": basis,
                    "note": join_note(*remarks, f"status: {why}" if why else "", src["remark"], *tail)})
    return obs, targets


def convert_targets(cw: Crosswalk, rows) -> list[dict]:
    out = []
    for line, r in rows:
        x = cw.row(TARGETS, line, r["region"], r["indicator"], r["target_year"], r["target_value"])
        indicator, plan = cw.indicators[(TARGETS, r["indicator"])], cw.plans[r["plan"]]
        set_year = x.get("set_year", r["set_year"])
        date, basis, how, url = plan["published"], plan["published_basis"], plan["how"], r["source"]
        url = url if url.startswith("http") else ""
        if not date:
            date, basis = f"{set_year}-12-31", "inferred"
            how = "no date in the source: set_year-12-31 (latest plausible date)"
        out.append({
            "region": cw.region(TARGETS, r["region"]), "target_year": r["target_year"], "plan": r["plan"],
            "indicator": indicator, "target": r["target_value"], "unit": cw.units[(TARGETS, indicator)],
            "comparator": {">=": ">=", "about": "about"}[r["comparator"]],
            "set_year": set_year, "publisher": plan["publisher"], "document": plan["document"], "url": url,
            "published": date, "published_basis": basis, "quote": r["quote"],
            "note": join_note(x.get("remark", ""), "" if url else f"no URL: {r['source']}",
                              f"publication date inferred: {how}" if basis == "inferred" else "",
                              f"source note: {r['note']}" if r["note"] else "",
                              f"original indicator: {r['indicator']}"),
            "source_ref": f"{TARGETS}:{line}"})
    return out


def convert_panel(cw: Crosswalk, spec: dict, rows) -> list[dict]:
    """A panel: each output column is a template over the row's fields, ``line``, ``Y1`` (year + 1),
    ``url``, ``value_plain`` (no exponent), ``value_div100``, the mapped ``region_name``,
    ``indicator_id``, ``unit_id``, flags and row details; parts split on ' | ' whose fields are all
    empty are dropped."""
    inp, extra = spec["input"], [e.split("=", 1) for e in spec["extra_columns"].split(";") if e]
    out = []
    for line, r in rows:
        v = {**r, "line": line, "Y1": int(r["year"]) + 1 if r["year"].isdigit() else "",
             **({"value_plain": f"{Decimal(r['value']):f}",
                 "value_div100": f"{Decimal(r['value']).scaleb(-2):f}"} if _NUMBER.match(r["value"]) else {}),
             "region_name": cw.region(inp, r["region"]), "unit_id": cw.units.get((inp, r["unit"]), ""),
             "indicator_id": cw.indicators.get((inp, r["indicator"]), "")}
        v.update({"url": github_url(r["source"])} if "source" in r else {})
        v.update({f["var"]: f["text"].format(**v) for f in cw.flags[inp]
                  if f["value"] in ("*", r.get(f["column"]))})
        v.update(cw.row(inp, line, r["region"], r["indicator"], r["year"], r["value"]))
        if v.get("source_key"):  # a document of its own for this row: its fields as src_*
            v.update({f"src_{k}": t for k, t in cw.sources[v["source_key"]].items()})
            v["src_published"] = v["src_published"].format(Y1=v["Y1"])
            v["src_inferred"] = v["src_how"] if v["src_published_basis"] == "inferred" else ""
        fill = lambda t: join_note(*(p.format(**v) for p in t.split(" | ") if _filled(p, v)))  # noqa: E731
        out.append({c: fill(t) for c, t in [*((c, spec[c]) for c in OBS_COLUMNS), *extra,
                                             ("source_ref", spec["source_ref"])]})
    return out


def build(shared: Path, cw: Crosswalk | None = None) -> tuple[dict[str, bytes], dict]:
    """Every output file's bytes, and a ledger (rows read, written, not carried)."""
    cw = cw or Crosswalk()
    ledger: dict = {"read": {}, "written": {}, "not_carried": []}

    def rd(inp: str):
        rows, kept = read_csv(shared / "data" / inp), []
        ledger["read"][inp] = len(rows)
        for line, r in rows:
            nc = cw.not_carried.get((inp, line))
            if nc and (nc["region"], nc["source_indicator"]) != (r["region"], r["indicator"]):
                raise ValueError(f"not_carried.csv: {inp}:{line} is {r['region']}/{r['indicator']}, not "
                                 f"{nc['region']}/{nc['source_indicator']}: the shared file changed")
            if nc:
                ledger["not_carried"].append((f"{inp}:{line}", nc["reason"]))
            else:
                kept.append((line, r))
        return kept

    obs, regional_targets = convert_regional(cw, rd(REGIONAL))
    obs_cols = OBS_COLUMNS + ["source_ref"]
    files = {r["output"]: ([], obs_cols) for r in cw.regions.values() if r["input"] == REGIONAL}
    for o in obs:
        if (REGIONAL, o["region"]) not in cw.regions:
            raise ValueError(f"{o['source_ref']}: region {o['region']!r} has no output file in regions.csv")
        files[cw.regions[(REGIONAL, o["region"])]["output"]][0].append(o)
    for spec in cw.panels:
        extra = [e.split("=", 1)[0] for e in spec["extra_columns"].split(";") if e]
        for output, rows in cw.routed(spec["input"], rd(spec["input"]), spec["output"]).items():
            files[output] = (convert_panel(cw, spec, rows), OBS_COLUMNS + extra + ["source_ref"])
    default_targets = "targets/past_targets.csv"
    for output, rows in cw.routed(TARGETS, rd(TARGETS), default_targets).items():
        files[output] = (convert_targets(cw, rows) + (regional_targets if output == default_targets else []),
                         TARGET_COLUMNS)
    text = (shared / PLAN_SEED).read_bytes()
    out = {"documents/taicang_14th_st_plan.txt": text,
           "documents/taicang_14th_st_plan.meta.toml":
               cw.plan_meta.replace("{sha256}", hashlib.sha256(text).hexdigest()).encode("utf-8")}
    for name, (rows, columns) in files.items():  # "\n" line ends, minimal quoting
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([columns, *([*map(r.get, columns)] for r in rows)])
        out[name], ledger["written"][name] = buf.getvalue().encode("utf-8"), len(rows)
    counts = [sum(ledger["read"].values()), sum(ledger["written"].values()), len(ledger["not_carried"])]
    if counts[0] != counts[1] + counts[2]:
        raise ValueError("rows read {} != written {} + not carried {}".format(*counts))
    return out, ledger


def check(outputs: dict[str, bytes]) -> None:
    """Validate with the library's own build (the rules of data/raw/README.md); raises RawDataError."""
    from taicang_analysis.data.build import build_tables
    from taicang_analysis.data.io import read_raw
    with tempfile.TemporaryDirectory() as tmp:
        for rel, data in outputs.items():
            (Path(tmp) / rel).parent.mkdir(parents=True, exist_ok=True)
            (Path(tmp) / rel).write_bytes(data)
        build_tables(read_raw(Path(tmp)))


def write(outputs: dict[str, bytes], out_dir: Path, *, dry_run: bool) -> list[tuple[str, str]]:
    """Write every file, or none: refuse when any existing file differs (append-only)."""
    plan = [(rel, "new" if not (out_dir / rel).exists() else "unchanged"
             if (out_dir / rel).read_bytes() == data else "DIFFERS") for rel, data in outputs.items()]
    conflicts = [rel for rel, state in plan if state == "DIFFERS"]
    if conflicts:
        raise ValueError("refusing to overwrite files whose content differs (data/raw is append-only): "
                         + ", ".join(conflicts))
    for rel, state in plan:
        if state == "new" and not dry_run:
            path, tmp = out_dir / rel, out_dir / (rel + ".tmp")
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(outputs[rel])
            tmp.replace(path)
    return plan


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="folder holding data/")
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "raw", help="default: data/raw")
    ap.add_argument("--dry-run", action="store_true", help="build and validate, write nothing")
    args = ap.parse_args(argv)
    try:
        outputs, ledger = build(args.shared)
        write(outputs, args.out, dry_run=True)  # refuse early when a file differs
        check(outputs)
        plan = write(outputs, args.out, dry_run=args.dry_run)
    except (ValueError, KeyError, OSError) as exc:  # RawDataError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for what in ("read", "written"):
        print(f"rows {what}:" + (" (dry run: nothing written)" if args.dry_run and what == "written" else ""))
        print("\n".join(f"  {n:6d}  {k}" for k, n in ledger[what].items()))
    print("files:\n" + "\n".join(f"  {state:9s} {rel}" for rel, state in plan))
    print(f"rows not carried: {len(ledger['not_carried'])} (reasons: scripts/crosswalk/not_carried.csv)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
