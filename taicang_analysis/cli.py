"""Command line: ``python -m taicang_analysis <command>``.

The edge of the program: parses arguments, calls the library once per command,
prints, and maps known errors to exit code 2 with a one-paragraph message.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__


class UsageError(Exception):
    """A bad argument or an unusable input file: exit code 2."""


def _cmd_data(args) -> int:
    from . import build, io
    raw = io.read_raw(args.raw_dir) if args.raw_dir else io.read_raw()
    tables = build.build_tables(raw)
    written = io.write_tables_atomically(build.serialise(tables), args.out_dir or io.PROCESSED_DIR)
    obs = tables["observations.csv"]
    print(f"built {len(written)} tables from {len(raw.observations)} observation files, "
          f"{len(raw.targets)} target files and {len(raw.documents)} document(s): "
          f"{len(obs)} observations, {len(tables['targets.csv'])} targets, "
          f"{len(tables['revisions.csv'])} rows of revision history")
    for path in written:
        print(f"  {path}")
    return 0


def _load_processed():
    from . import io
    return io.read_processed("targets.csv"), io.read_processed("known_values.csv")


def _cmd_targets(args) -> int:
    from . import report
    targets, known = _load_processed()
    print(report.render_target_table(report.target_table(targets, known, target_year=args.year)))
    return 0


def _cmd_indicators(args) -> int:
    from . import registry
    for ind in registry.INDICATORS:
        print(f"{ind.id:<40} {ind.unit:<10} {ind.kind:<12} {ind.name_zh} / {ind.name_en}")
    return 0


def _cmd_revisions(args) -> int:
    from . import io
    rev = io.read_processed("revisions.csv")
    if args.region:
        rev = rev[rev["region"] == args.region]
    if rev.empty:
        print("no figure has been published with different values")
        return 0
    for key, group in rev.groupby(["collection", "region", "indicator", "year"], sort=True):
        print(f"{key[1]} {key[2]} {key[3]} ({key[0]}):")
        for _, r in group.iterrows():
            until = f" until {r['valid_to']}" if r["valid_to"] else " (current)"
            print(f"  {r['value_printed']:>10} {r['unit_printed']:<6} {r['status']:<11} published {r['published']}{until} "
                  f"— {r['document']}")
    return 0


def _cmd_brief(args) -> int:
    # Until the notebook brief exists, the brief is the data build plus the target table.
    _cmd_data(argparse.Namespace(raw_dir=None, out_dir=None))
    print()
    return _cmd_targets(argparse.Namespace(year=2025))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m taicang_analysis",
        description="Are the S&T targets of Taicang's 14th Five-Year plan reachable, how likely, and what would it take?")
    parser.add_argument("--version", action="version", version=f"taicang-analysis {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="command")
    p = sub.add_parser("data", help="validate data/raw and rebuild data/processed (atomically)")
    p.add_argument("--raw-dir", default=None, help="raw data folder (default: data/raw)")
    p.add_argument("--out-dir", default=None, help="output folder (default: data/processed)")
    p.set_defaults(func=_cmd_data)
    p = sub.add_parser("targets", help="the plan's targets beside the latest published values")
    p.add_argument("--year", type=int, default=2025, help="target year (2025: Table 2; 2020: Table 1)")
    p.set_defaults(func=_cmd_targets)
    p = sub.add_parser("indicators", help="list the indicator registry")
    p.set_defaults(func=_cmd_indicators)
    p = sub.add_parser("revisions", help="list figures published more than once with different values")
    p.add_argument("--region", default=None)
    p.set_defaults(func=_cmd_revisions)
    p = sub.add_parser("brief", help="build the data and print the brief for all indicators")
    p.set_defaults(func=_cmd_brief)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .io import RawFileError
    from .validate import RawDataError
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except (UsageError, RawDataError, RawFileError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
