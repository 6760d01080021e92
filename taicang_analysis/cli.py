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
    from .data import build, io
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
    from .data import io
    return io.read_processed("targets.csv"), io.read_processed("known_values.csv")


def _cmd_targets(args) -> int:
    from .present import text as report
    targets, known = _load_processed()
    print(report.render_target_table(report.target_table(targets, known, target_year=args.year)))
    return 0


def _cmd_indicators(args) -> int:
    from .data import registry
    for ind in registry.INDICATORS:
        print(f"{ind.id:<40} {ind.unit:<10} {ind.kind:<12} {ind.name_zh} / {ind.name_en}")
    return 0


def _cmd_revisions(args) -> int:
    from .data import io
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


def _read_series_file(path: str):
    import pandas as pd
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise UsageError(f"--series {path}: no such file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise UsageError(f"--series {path}: not a readable CSV ({exc})") from None
    missing = [c for c in ("year", "value") if c not in frame.columns]
    if missing:
        raise UsageError(f"--series {path}: missing column(s) {', '.join(missing)} (needs year,value)")
    years = pd.to_numeric(frame["year"], errors="coerce")
    values = pd.to_numeric(frame["value"], errors="coerce")
    for i in range(len(frame)):
        if pd.isna(years.iloc[i]) or years.iloc[i] != int(years.iloc[i]):
            raise UsageError(f"--series {path}, row {i + 2}, column 'year': {frame['year'].iloc[i]!r} is not a year")
        if pd.isna(values.iloc[i]) and str(frame["value"].iloc[i]).strip() not in ("", "nan"):
            raise UsageError(f"--series {path}, row {i + 2}, column 'value': {frame['value'].iloc[i]!r} is not a number")
    series = pd.Series(values.to_numpy(), index=years.astype(int).to_numpy()).dropna()
    dup = series.index[series.index.duplicated()]
    if len(dup):
        raise UsageError(f"--series {path}: year {dup[0]} appears more than once")
    return series.sort_index()


def _cmd_assess(args) -> int:
    import json

    from .assessment import assess as assess_mod
    from .assessment import plans as plan_assessment
    from .assessment import scenarios
    from .data import io, registry
    from .present import text as report
    pool, pool_basis = _pool(args)
    _check_as_of(args)
    if args.draws < 100:
        raise UsageError(f"--draws: n_draws must be at least 100; got {args.draws}")
    if args.indicator and args.series:
        raise UsageError("give either --indicator or --series, not both")
    if args.indicator:
        observations = io.read_processed("observations.csv")
        targets = io.read_processed("targets.csv")
        try:
            a = plan_assessment.assess_indicator(observations, targets, args.indicator, region=args.region,
                                                 target_year=args.target_year or 2025, as_of=args.as_of,
                                                 reference=args.reference, pool=pool, n_draws=args.draws,
                                                 seed=args.seed)
        except (registry.UnknownIndicator, ValueError) as exc:
            raise UsageError(str(exc)) from None
        requirement, alternatives, why_not = plan_assessment.what_it_takes(
            observations, a, region=args.region, as_of=args.as_of, denominator_growth=args.denominator_growth)
        if why_not and a.indicator in scenarios.DECOMPOSITIONS:
            a = plan_assessment._with_notes(a, list(a.notes) + [f"what it takes: {why_not}"])
        ind = registry.get(args.indicator)
        name = f"{ind.id} ({ind.name_zh})"
        if args.numerator_growth is not None:
            if a.indicator not in scenarios.DECOMPOSITIONS:
                raise UsageError(f"--numerator-growth: {a.indicator} is not a ratio of published components")
            try:
                sc = scenarios.scenario(a, numerator_growth=args.numerator_growth,
                                        denominator_growth=args.denominator_growth
                                        if args.denominator_growth is not None
                                        else (requirement.denominator_growth if requirement else 0.0))
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            p = "—" if sc.probability is None else f"{sc.probability:.0%}"
            a = plan_assessment._with_notes(a, list(a.notes) + [
                f"scenario: numerator +{sc.numerator_growth:.1%}/yr, denominator +{sc.denominator_growth:.1%}/yr "
                f"→ {sc.value_in_target_year:.2f} in {a.target.year}; P(met) {p} ({sc.probability_basis})"])
    else:
        if args.target is None or args.target_year is None or args.kind is None:
            raise UsageError("--series needs --target, --target-year and --kind")
        series = _read_series_file(args.series)
        if args.as_of is not None:
            series = series[series.index <= int(plan_assessment.as_of_date(args.as_of)[:4])]
        panels = {}
        if args.reference != "none":
            observations = io.read_processed("observations.csv")
            panels = plan_assessment.reference_panels(observations, "rd_intensity", reference=args.reference,
                                                      as_of=args.as_of)
        spec = assess_mod.TargetSpec(args.target, args.target_year, args.comparator, args.tolerance)
        try:
            a = assess_mod.assess(series, spec, kind=args.kind, direction=args.direction, as_of=args.as_of,
                                  panels=panels, exclude_regions=tuple(args.exclude_region), pool=pool,
                                  n_draws=args.draws, seed=args.seed)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if panels:
            a = plan_assessment._with_notes(a, list(a.notes) + [
                "the reference panels hold R&D intensity (% of GDP): they fit an R&D-intensity series only; "
                "pass --reference none for any other indicator"])
        requirement, alternatives, name = None, [], args.series
    a = plan_assessment._with_notes(a, list(a.notes) + [f"pool: {pool_basis}"])
    if args.json:
        out = a.to_dict()
        if requirement is not None:
            from dataclasses import asdict
            out["what_it_takes"] = [asdict(r) for r in [requirement, *alternatives]]
        print(json.dumps(out, ensure_ascii=False, indent=1, default=_json_default))
    else:
        print(report.render_assessment(a, requirement, name, alternatives))
    return 0


def _json_default(value):
    import numpy as np
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _check_as_of(args) -> None:
    from .assessment.plans import as_of_date
    if args.as_of is None:
        return
    try:
        as_of_date(args.as_of)
    except ValueError as exc:
        raise UsageError(f"--as-of {args.as_of!r}: not a date (YYYY-MM-DD) or a year ({exc})") from None


def _calibration(choice: str | None):
    from .assessment import plans as plan_assessment
    try:
        return plan_assessment.load_calibration(choice)
    except (FileNotFoundError, ValueError, KeyError) as exc:
        raise UsageError(f"--calibration: {exc}") from None


def _pool(args):
    from .assessment.assess import Pool
    spread, basis = args.spread, f"spread factor {args.spread:g} (--spread)"
    if args.spread == 1.0:
        spread, basis = _calibration(getattr(args, "calibration", None))
        spread = 1.0 if spread is None else spread
    try:
        return Pool(reference=args.pool_reference, spread=spread), basis
    except ValueError as exc:
        raise UsageError(str(exc)) from None


BACKTEST_TABLES = ("cases", "rolling", "scores", "reliability", "coverage_by_horizon", "spread", "spread_loo")


def _cmd_backtest(args) -> int:
    import json

    from .assessment import plans as plan_assessment
    from .data import io
    from .evaluation import backtest
    for name, value, low in (("--draws", args.draws, 100), ("--rolling-draws", args.rolling_draws, 100),
                             ("--origin-step", args.origin_step, 1), ("--workers", args.workers, 1)):
        if value < low:
            raise UsageError(f"{name} must be at least {low}; got {value}")
    observations = io.read_processed("observations.csv")
    targets = io.read_processed("targets.csv")
    progress, bar = None, None
    if not args.no_progress:
        from tqdm import tqdm
        bar = tqdm(total=backtest.backtest_size(observations, targets, origin_step=args.origin_step),
                   desc="backtest", unit="task", file=sys.stderr, disable=None)
        progress = bar.update
    try:
        result = backtest.run_backtest(observations, targets, n_draws=args.draws, rolling_draws=args.rolling_draws,
                                       origin_step=args.origin_step, seed=args.seed, workers=args.workers,
                                       progress=progress)
    finally:
        if bar is not None:
            bar.close()
    tables = {f"backtest_{name}.csv": io.frame_to_csv_bytes(getattr(result, name)) for name in BACKTEST_TABLES}
    tables[plan_assessment.CALIBRATION_FILE] = io.frame_to_csv_bytes(result.calibration.to_frame())
    written = io.write_tables_atomically(tables)
    if args.json:
        out = {name: json.loads(getattr(result, name).to_json(orient="records", force_ascii=False))
               for name in ("scores", "reliability", "coverage_by_horizon", "spread")}
        out["settings"] = result.settings
        out["timing"] = json.loads(result.timing.to_json(orient="records"))
        out["cases"] = json.loads(result.cases.drop(columns=[c for c in result.cases.columns if c.startswith("_")])
                                  .to_json(orient="records", force_ascii=False))
        print(json.dumps(out, ensure_ascii=False, indent=1, default=_json_default))
    else:
        print(backtest.render_scores(result))
        print()
        print("written: " + ", ".join(p.name for p in written))
    return 0


def _cmd_brief(args) -> int:
    # Until the notebook brief exists, the brief is: build the data, the target table,
    # and one assessment per Table 2 target.
    from .assessment import plans as plan_assessment
    from .data import io
    from .present import text as report
    from .assessment.assess import Pool
    _check_as_of(args)
    _cmd_data(argparse.Namespace(raw_dir=None, out_dir=None))
    print()
    targets, known = _load_processed()
    print(f"Taicang's {args.year} targets beside the latest published values")
    print(report.render_target_table(report.target_table(targets, known, target_year=args.year)))
    observations = io.read_processed("observations.csv")
    cal, basis = _calibration(args.calibration)
    pool = Pool(spread=cal) if cal is not None else Pool()
    assessments = plan_assessment.assess_plan(observations, targets, target_year=args.year, as_of=args.as_of,
                                              pool=pool, n_draws=args.draws, seed=args.seed)
    print()
    print("Assessments (grade = Eurostat rate ratio on the latest 5-year window; probability = pooled models and "
          "reference classes; `python -m taicang_analysis assess --indicator ID` gives the details)")
    print(f"Probabilities: {basis}")
    print(report.render_assessment_table(report.assessment_table(assessments)))
    return 0


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
    p = sub.add_parser("assess", help="assess a target: grades, projection, probability, what it takes")
    p.add_argument("--indicator", help="a registry id (Taicang's plan target for it)")
    p.add_argument("--region", default="Taicang", help=argparse.SUPPRESS)
    p.add_argument("--series", help="a CSV with columns year,value (other columns ignored)")
    p.add_argument("--target", type=float, help="target value (with --series)")
    p.add_argument("--target-year", type=int, default=None, help="target year (default 2025 with --indicator)")
    p.add_argument("--comparator", choices=("ge", "le", "about"), default="ge")
    p.add_argument("--tolerance", type=float, default=None, help="absolute tolerance for --comparator about "
                   "(default 2.5%% of the target)")
    p.add_argument("--kind", choices=("share", "rate", "count", "level"), help="scale of the series (with --series)")
    p.add_argument("--direction", choices=("up", "down"), default="up", help="desired direction (with --series)")
    p.add_argument("--as-of", default=None, help="date (YYYY-MM-DD) or year: use only what was known then")
    p.add_argument("--reference", choices=("cn_provinces", "world", "all", "none"), default="all",
                   help="reference panels for the reference class")
    p.add_argument("--exclude-region", action="append", default=[], metavar="REGION",
                   help="leave this region out of the reference classes (e.g. the series' own region; repeatable)")
    p.add_argument("--denominator-growth", type=float, default=None,
                   help="growth of the ratio's denominator (e.g. GDP) per year as a fraction, for 'what it takes' "
                        "(default: its observed growth)")
    p.add_argument("--numerator-growth", type=float, default=None,
                   help="scenario: growth of the ratio's numerator (e.g. R&D spending) per year as a fraction; "
                        "prints the resulting path's value and probability")
    p.add_argument("--draws", type=int, default=10_000, help="predictive draws per model (default 10000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--pool-reference", type=float, default=0.5, help="weight of the reference classes in the pool")
    p.add_argument("--spread", type=float, default=1.0,
                   help="one spread factor for the pooled draws (default: the backtest's calibration by pool type "
                        "and horizon when it has been fitted, else 1)")
    p.add_argument("--calibration", default=None,
                   help="calibration table (default data/processed/backtest_calibration.csv if present; 'none' = off)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=_cmd_assess)
    p = sub.add_parser("backtest", help="the method's track record: past plan targets and rolling origins, scored")
    p.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    p.add_argument("--draws", type=int, default=10_000, help="draws per case assessment")
    p.add_argument("--rolling-draws", type=int, default=2_000, help="draws per rolling-origin assessment")
    p.add_argument("--origin-step", type=int, default=2, help="years between rolling origins")
    p.add_argument("--workers", type=int, default=2, help="worker processes")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_backtest)
    p = sub.add_parser("brief", help="build the data and print the brief for all indicators")
    p.add_argument("--year", type=int, default=2025, help="target year (default 2025: Table 2)")
    p.add_argument("--as-of", default=None, help="date (YYYY-MM-DD) or year: use only what was known then")
    p.add_argument("--draws", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--calibration", default=None,
                   help="calibration table (default data/processed/backtest_calibration.csv if present; 'none' = off)")
    p.set_defaults(func=_cmd_brief)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .data.io import RawFileError
    from .data.validate import RawDataError
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
