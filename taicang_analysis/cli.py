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


# API parameter -> the flag a CLI user typed, for error messages
FLAGS = {"as_of": "--as-of", "target_year": "--target-year", "draws": "--draws", "seed": "--seed",
         "indicator": "--indicator", "reference": "--reference", "target": "--target", "kind": "--kind",
         "comparator": "--comparator", "direction": "--direction", "tolerance": "--tolerance",
         "denominator_growth": "--denominator-growth", "numerator_growth": "--numerator-growth",
         "pool_reference": "--pool-reference", "spread": "--spread", "calibration": "--calibration",
         "region": "--region", "series": "--series", "plan": "--plan", "exclude_regions": "--exclude-region",
         "bands": "--bands", "no_target_scheme": "--no-target-scheme", "base_year": "--base-year"}


def _cli_message(exc, args=None) -> str:
    """An API `InputError` in the CLI's words: the flag instead of the parameter."""
    flag = FLAGS.get(exc.argument, "--" + exc.argument.replace("_", "-"))
    if exc.argument == "series" and getattr(args, "series", None):
        return f"--series {args.series}: {exc.reason}"
    if exc.argument == "target_year" and getattr(args, "command", None) in ("targets", "brief"):
        flag = "--year"
    return f"{flag} {exc.value!r}: {exc.reason}" if exc.has_value else f"{flag}: {exc.reason}"


def _cmd_data(args) -> int:
    from . import api
    print(api.build_data(args.raw_dir, args.out_dir).summary())
    return 0


def _cmd_targets(args) -> int:
    from . import api
    from .present import text as report
    study = api.Study(plan=args.plan)
    year = study.target_year(args.year)
    print(report.render_target_table(study.targets(year), year))
    return 0


def _cmd_indicators(args) -> int:
    from . import api
    for ind in api.indicators():
        print(f"{ind.id:<40} {ind.unit:<10} {ind.kind:<12} {ind.name_zh} / {ind.name_en}")
    return 0


def _cmd_revisions(args) -> int:
    from . import api
    from .present import text as report
    print(report.render_revisions(api.Study().revisions(args.region)))
    return 0


def _read_series_file(path: str):
    """A researcher's CSV (columns year,value; others ignored) as a Series; the edge's only file read."""
    import pandas as pd
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise UsageError(f"--series {path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"--series {path}: a folder, not a CSV file") from None
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


def _calibration_choice(args):
    """--spread (a factor, 1 = uncalibrated) or --calibration (a table, 'none'); default 'auto'."""
    spread = getattr(args, "spread", None)
    calibration = getattr(args, "calibration", None)
    if spread is not None and calibration is not None:
        raise UsageError("give either --spread or --calibration, not both")
    if spread is not None:
        return spread
    return "auto" if calibration is None else calibration


def _progress_choice(args) -> dict | None:
    """--bands, --no-target-scheme, --base-year as the API's ``progress`` (None when none is given)."""
    given = {"bands": args.bands, "no_target_scheme": args.no_target_scheme, "base_year": args.base_year}
    given = {k: v for k, v in given.items() if v is not None}
    return given or None


def _cmd_assess(args) -> int:
    import json

    from . import api
    if args.indicator and args.series:
        raise UsageError("give either --indicator or --series, not both")
    if not args.indicator and not args.series:
        raise UsageError("give --indicator ID (a plan target) or --series FILE (your own series)")
    calibration = _calibration_choice(args)
    if args.indicator:
        for flag, value in (("--kind", args.kind), ("--direction", args.direction)):
            if value is not None:
                raise UsageError(f"{flag} is for --series; an indicator's kind and direction come from the registry")
        if args.exclude_region:
            raise UsageError("--exclude-region is for --series; an indicator's own region is always left out")
        study = api.Study(as_of=args.as_of, region=args.region, calibration=calibration, draws=args.draws,
                          seed=args.seed)
        result = study.assess(args.indicator, target=args.target, target_year=args.target_year,
                              reference=args.reference, comparator=args.comparator, tolerance=args.tolerance,
                              denominator_growth=args.denominator_growth, numerator_growth=args.numerator_growth,
                              pool_reference=args.pool_reference, progress=_progress_choice(args))
    else:
        if args.target is None or args.target_year is None or args.kind is None:
            raise UsageError("--series needs --target, --target-year and --kind")
        for flag, value in (("--numerator-growth", args.numerator_growth),
                            ("--denominator-growth", args.denominator_growth)):
            if value is not None:
                raise UsageError(f"{flag} is for --indicator (a ratio of published components)")
        series = _read_series_file(args.series)
        result = api.assess_series(series, target=args.target, year=args.target_year, kind=args.kind,
                                   comparator=args.comparator or "ge", direction=args.direction, as_of=args.as_of,
                                   reference=args.reference, tolerance=args.tolerance,
                                   exclude_regions=tuple(args.exclude_region), draws=args.draws, seed=args.seed,
                                   calibration=calibration, pool_reference=args.pool_reference,
                                   name=args.series, progress=_progress_choice(args))
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(result.summary())
    return 0


def _json_default(value):
    import numpy as np
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


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
    progress, total, bar = None, None, None
    if args.if_changed:
        status = backtest.calibration_is_current(observations, targets, n_draws=args.draws,
                                                 rolling_draws=args.rolling_draws, origin_step=args.origin_step,
                                                 seed=args.seed)
        if status.reused:
            print(f"calibration: {status}")
            return 0
        print(f"calibration: {status.reason}: running the backtest", file=sys.stderr)
    if not args.no_progress:
        from tqdm import tqdm
        # the total (rolling origins + scored cases, `backtest.backtest_size`) comes from the run itself once it has
        # listed the cases: listing them here first would add their time before the workers start
        bar = tqdm(total=None, desc="backtest", unit="task", file=sys.stderr, disable=None)
        progress = bar.update

        def total(n: int) -> None:
            bar.total = n
            bar.refresh()
    try:
        result = backtest.run_backtest(observations, targets, n_draws=args.draws, rolling_draws=args.rolling_draws,
                                       origin_step=args.origin_step, seed=args.seed, workers=args.workers,
                                       progress=progress, progress_total=total)
    finally:
        if bar is not None:
            bar.close()
    written = backtest.save_backtest(result, observations, targets)  # tables, calibration and its key, atomically
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
    if not args.text:
        from .brief import cli as brief_cli
        return brief_cli.run(args)
    return _text_brief(args)


def _text_brief(args) -> int:
    # The brief as it was before the notebook suite (brief --text): build the data, the target
    # table, and one assessment per target of the plan's table, printed.
    from . import api
    from .present import text as report
    study = api.Study(as_of=args.as_of, calibration="auto" if args.calibration is None else args.calibration,
                      draws=args.draws, seed=args.seed)
    year = study.target_year(args.year)  # a year the plan has no table for is an error before any work
    _cmd_data(argparse.Namespace(raw_dir=None, out_dir=None))
    print()
    print(f"{study.region}'s {year} targets beside the latest published values")
    print(report.render_target_table(study.targets(year), year))
    results = study.assess_all(target_year=year)
    print()
    print("Assessments (grade = Eurostat rate ratio on the latest 5-year window; probability = pooled models and "
          "reference classes; `python -m taicang_analysis assess --indicator ID` gives the details)")
    print(f"Probabilities: {study.calibration_basis}")
    related = {r.assessment.indicator: r.related for r in results}
    print(report.render_assessment_table(report.assessment_table([r.assessment for r in results], related)))
    return 0


def _cmd_ledger(args) -> int:
    from .evaluation import ledger
    return ledger.main(args.ledger_args)


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
    p.add_argument("--year", type=int, default=None, help="target year (default: the plan's, 2025 = Table 2; "
                   "2020 = Table 1)")
    p.add_argument("--plan", default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=_cmd_targets)
    p = sub.add_parser("indicators", help="list the indicator registry")
    p.set_defaults(func=_cmd_indicators)
    p = sub.add_parser("revisions", help="list figures published more than once with different values")
    p.add_argument("--region", default=None)
    p.set_defaults(func=_cmd_revisions)
    p = sub.add_parser("assess", help="assess a target: grades, projection, probability, what it takes")
    p.add_argument("--indicator", help="a registry id (Taicang's plan target for it)")
    p.add_argument("--region", default=None, help=argparse.SUPPRESS)
    p.add_argument("--series", help="a CSV with columns year,value (other columns ignored)")
    p.add_argument("--target", type=float, help="target value (with --series; with --indicator: instead of the "
                   "plan's)")
    p.add_argument("--target-year", type=int, default=None, help="target year (default with --indicator: the "
                   "plan's, 2025)")
    p.add_argument("--comparator", choices=("ge", "le", "about"), default=None,
                   help="ge (default), le or about (with --indicator: the plan's)")
    p.add_argument("--tolerance", type=float, default=None, help="absolute tolerance for --comparator about "
                   "(default 2.5%% of the target)")
    p.add_argument("--kind", choices=("share", "rate", "count", "level"), help="scale of the series (with --series)")
    p.add_argument("--direction", choices=("up", "down"), default=None,
                   help="desired direction (with --series): ge means up and le down, so it is required "
                        "only with --comparator about, and must agree with ge/le")
    p.add_argument("--as-of", default=None, help="date (YYYY-MM-DD) or year: use only what was known then")
    p.add_argument("--reference", choices=("cn_provinces", "world", "all", "none"), default="all",
                   help="reference panels for the pool's reference class (the stated outside view, "
                        "forecast/outside_views.py, is reported beside the pool whatever this says)")
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
    p.add_argument("--spread", type=float, default=None,
                   help="one spread factor for the pooled draws, 1 = uncalibrated (default: the backtest's "
                        "calibration by indicator, pool type and horizon when it has been fitted, else 1)")
    p.add_argument("--calibration", default=None,
                   help="calibration table (default data/processed/backtest_calibration.csv if present; 'none' = off)")
    p.add_argument("--bands", default=None, metavar="HIGH,MED,LOW",
                   help="rate-ratio bands, highest first (default Eurostat's 0.95,0.6,0; Open SDG's "
                        "progress_thresholds)")
    p.add_argument("--no-target-scheme", choices=("eurostat", "statcan"), default=None,
                   help="grading without a target: eurostat (1%%/yr, default) or statcan (1.5%%, 0.5%%, 0)")
    p.add_argument("--base-year", type=int, default=None,
                   help="first year of the span the grades use (an observed year; default: Eurostat's "
                        "5-year window)")
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
    p.add_argument("--if-changed", action="store_true",
                   help="run only when the stored calibration was fitted on other inputs (processed data, settings, "
                        "package version); else say it is reused")
    p.set_defaults(func=_cmd_backtest)
    p = sub.add_parser("brief", help="the quarterly brief: run the notebook suite into reports/<as-of>/ (HTML pages, "
                                     "index.html, brief.pdf, manifest.json); --text prints the text brief instead")
    from .brief import cli as brief_cli
    brief_cli.add_arguments(p)
    p.add_argument("--text", action="store_true",
                   help="print the text brief (targets, values, one assessment per target) instead of running the "
                        "notebooks, as `brief` did before the notebook suite")
    p.set_defaults(func=_cmd_brief)
    p = sub.add_parser("ledger", help="the forecast ledger: record today's probabilities for every open target, "
                                      "or score entries whose outcome has been published", add_help=False)
    p.add_argument("ledger_args", nargs=argparse.REMAINDER, help="record | score [--ledger FILE] [--calibration …]")
    p.set_defaults(func=_cmd_ledger)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .assessment.inputs import InputError
    from .data.io import RawFileError
    from .data.paths import DataDirError
    from .data.schema import SchemaError
    from .data.validate import RawDataError
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except InputError as exc:
        print(f"error: {_cli_message(exc, args)}", file=sys.stderr)
        return 2
    except (UsageError, RawDataError, RawFileError, DataDirError, SchemaError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`... | head`): not an error of ours
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
