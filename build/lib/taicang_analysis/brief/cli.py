"""The ``brief`` command's arguments and its run, for ``taicang_analysis.cli`` to wire in.

Exit codes: 0 every notebook ran; 1 a notebook failed or was stopped at the
timeout (the brief is still written, with that page marked); 2 a bad argument,
unusable data, an unreachable scheduler, or another run writing into the same
folder (nothing written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from ..present.sentences import LANG_CHOICES

LEGACY_PARAMETERS = ("draws", "seed", "calibration", "year")


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--as-of", default=None, metavar="DATE",
                        help="date (YYYY-MM-DD) or year: use only what was published by then (default: today)")
    parser.add_argument("--plan", default=None, metavar="ID", help="the plan (default: the default plan)")
    parser.add_argument("--out", default=None, metavar="DIR", help="output folder (default: reports/<as-of>/)")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="notebooks run in parallel (default: the number of cores)")
    parser.add_argument("--since", default=None, metavar="DATE",
                        help="compare with the brief of this as-of date (or folder); default: the newest earlier "
                             "brief beside the output folder")
    parser.add_argument("--timeout", type=float, default=600, metavar="S",
                        help="seconds a notebook may run before it is stopped (default 600)")
    parser.add_argument("--lang", choices=LANG_CHOICES, default="both", help="language of the index (default both)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run the notebooks on this Dask scheduler (e.g. tcp://10.0.0.5:8786)")
    parser.add_argument("--notebooks", default=None, metavar="DIR",
                        help="the notebook suite folder (default: notebooks/)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    # the brief command's flags before the notebook brief (kept: scheduled scripts use them)
    parser.add_argument("--year", type=int, default=None, help="target year (default: the plan's; 2025 = Table 2)")
    parser.add_argument("--draws", type=int, default=10_000, help="predictive draws per model (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of every random draw (default 0)")
    parser.add_argument("--calibration", default=None,
                        help="calibration table (default data/processed/backtest_calibration.csv if present; "
                             "'none' = off)")
    return parser


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _default_notebooks() -> Path:
    here = Path.cwd() / "notebooks"
    if here.is_dir():
        return here
    from .runner import DEFAULT_NOTEBOOKS_DIR
    return DEFAULT_NOTEBOOKS_DIR


def _ensure_data() -> str | None:
    """Rebuild data/processed when it is missing or older than a file under data/raw."""
    from ..data import build, io
    raw = [p for p in io.RAW_DIR.rglob("*") if p.is_file()]
    needed = ("observations.csv", "targets.csv", "known_values.csv")
    processed = [io.PROCESSED_DIR / n for n in needed]
    if all(p.exists() for p in processed) and raw and \
            min(p.stat().st_mtime for p in processed) >= max(p.stat().st_mtime for p in raw):
        return None
    tables = build.build_tables(io.read_raw())
    io.write_tables_atomically(build.serialise(tables))
    return f"rebuilt {io.PROCESSED_DIR} from {io.RAW_DIR}"


def run(args: argparse.Namespace, argv: list[str] | None = None) -> int:
    """Run the brief for parsed ``args``; return the exit code (see the module docstring)."""
    from ..data.io import RawFileError
    from ..data.validate import RawDataError
    from . import io as brief_io
    from .runner import BriefError, normalise_as_of, run_brief
    if args.jobs is not None and args.jobs < 1:
        return _fail(f"--jobs must be at least 1; got {args.jobs}")
    if not args.timeout or args.timeout <= 0:
        return _fail(f"--timeout must be a positive number of seconds; got {args.timeout:g}")
    if args.draws < 100:
        return _fail(f"--draws must be at least 100; got {args.draws}")
    try:
        as_of = normalise_as_of(args.as_of) if args.as_of is not None else dt.date.today().isoformat()
    except BriefError as exc:
        return _fail(f"--as-of {args.as_of!r}: not a date (YYYY-MM-DD) or a year")
    out = Path(args.out) if args.out else Path("reports") / as_of
    notebooks_dir = Path(args.notebooks) if args.notebooks else _default_notebooks()
    if args.calibration not in (None, "none") and not Path(args.calibration).is_file():
        return _fail(f"--calibration {args.calibration}: no such file")
    try:
        note = _ensure_data()
    except (RawDataError, RawFileError, FileNotFoundError) as exc:
        return _fail(str(exc))
    if note:
        print(note, file=sys.stderr)
    from .. import api
    # the plan, the year, the draws, the seed and the calibration are checked by the same front door the
    # notebooks use, before any notebook runs (an InputError reaches the CLI's handler: exit 2)
    try:
        api.Study(as_of=as_of, plan=args.plan, calibration="auto" if args.calibration is None else args.calibration,
                  draws=args.draws, seed=args.seed).plan_targets(args.year)
    except api.InputError as exc:
        flag = {"target_year": "--year", "n_draws": "--draws"}.get(exc.argument, "--" + exc.argument.replace("_", "-"))
        if exc.argument == "plan":
            return _fail(f"plan {exc.value!r} is unknown; known plans: {', '.join(sorted(api.PLANS))}")
        return _fail(f"{flag} {exc.value!r}: {exc.reason}" if exc.has_value else f"{flag}: {exc.reason}")
    legacy = {name: getattr(args, name) for name in LEGACY_PARAMETERS}
    command = [sys.executable, "-m", "taicang_analysis", "brief", *(argv if argv is not None else sys.argv[2:])]
    try:
        if args.scheduler:
            from .cluster import dask_executor
            with dask_executor(args.scheduler) as executor:
                result = run_brief(as_of=as_of, plan=args.plan, out_dir=out, notebooks_dir=notebooks_dir,
                                   jobs=args.jobs, since=args.since, timeout=args.timeout, lang=args.lang,
                                   executor=executor, progress=not args.no_progress, parameters=legacy,
                                   headline_options=legacy, command=command)
        else:
            result = run_brief(as_of=as_of, plan=args.plan, out_dir=out, notebooks_dir=notebooks_dir,
                               jobs=args.jobs or os.cpu_count(), since=args.since, timeout=args.timeout,
                               lang=args.lang, progress=not args.no_progress, parameters=legacy,
                               headline_options=legacy, command=command)
    except (BriefError, brief_io.BriefLocked, ConnectionError) as exc:
        return _fail(str(exc))
    except api.InputError:
        raise
    except (ValueError, FileNotFoundError, KeyError) as exc:  # e.g. an unreadable calibration table
        return _fail(f"{type(exc).__name__}: {exc}")
    for r in result.runs:
        print(f"  {r.name:<16} {r.status:<8} {r.seconds:6.1f} s" + (f"  {r.error}" if r.error else ""))
    print(f"brief written to {result.out_dir} ({result.seconds:.1f} s): index.html"
          + (", brief.pdf" if result.pdf.get("written") else f" (no PDF: {result.pdf.get('note')})")
          + ", manifest.json")
    if result.exit_code:
        print(f"failed: {', '.join(result.failed)} (exit 1)", file=sys.stderr)
    return result.exit_code
