"""Benchmark: the reachability engine and the data build.

Prints
- the data build (validate data/raw + build all processed tables), in memory and to disk;
- assessing all 15 Table 2 targets with every model, 10,000 draws each, and the reference classes;
- one `python -m taicang_analysis assess` call from the command line, and the share of it spent importing.
Run: `make bench` (or .venv/bin/python benchmarks/bench_assess.py).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

t0 = time.perf_counter()
from taicang_analysis.data import build
from taicang_analysis.data import io
from taicang_analysis.assessment import plans as plan_assessment  # noqa: E402

import_seconds = time.perf_counter() - t0


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    print(f"import taicang_analysis (+ pandas, statsmodels): {import_seconds:.2f} s")
    build_s, tables = timed(lambda: build.build_tables(io.read_raw()))
    print(f"data build in memory (read, validate, build 5 tables; {len(tables['observations.csv'])} observations): "
          f"{build_s:.2f} s (median of 3)")
    with tempfile.TemporaryDirectory() as tmp:
        write_s, _ = timed(lambda: io.write_tables_atomically(build.serialise(tables), Path(tmp)))
    print(f"serialise + atomic write of data/processed: {write_s:.2f} s")

    observations, targets = tables["observations.csv"], tables["targets.csv"]
    plan_assessment.assess_plan(observations, targets, n_draws=1000)  # warm caches (BLAS, statsmodels)
    all_s, assessments = timed(lambda: plan_assessment.assess_plan(observations, targets, n_draws=10_000), repeat=5)
    n_models = sum(1 for a in assessments for f in a.forecasts + a.references if not hasattr(f, "reason"))
    print(f"assess all {len(assessments)} Table 2 targets, every model, 10,000 draws, reference classes: "
          f"{all_s:.3f} s (median of 5; {n_models} fitted models/reference classes)")
    rd = next(a for a in assessments if a.indicator == "rd_intensity")
    one_s, _ = timed(lambda: plan_assessment.assess_target(observations, plan_assessment.plan_targets(targets).iloc[0]),
                     repeat=5)
    print(f"assess rd_intensity alone: {one_s:.3f} s (probability {rd.probability:.3f})")

    cmd = [sys.executable, "-m", "taicang_analysis", "assess", "--indicator", "rd_intensity", "--json"]
    imp = [sys.executable, "-c", "import taicang_analysis.cli, taicang_analysis.assessment.plans, "
                                 "taicang_analysis.assessment.scenarios, taicang_analysis.data.io"]
    cli_times, imp_times = [], []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
        cli_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        subprocess.run(imp, cwd=ROOT, check=True, capture_output=True)
        imp_times.append(time.perf_counter() - start)
    cli_s, imp_s = statistics.median(cli_times), statistics.median(imp_times)
    print(f"one CLI call `assess --indicator rd_intensity --json`: {cli_s:.2f} s, of which interpreter start + "
          f"imports {imp_s:.2f} s ({imp_s / cli_s:.0%})")


if __name__ == "__main__":
    main()
