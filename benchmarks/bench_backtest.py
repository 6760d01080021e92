"""Benchmark: the whole backtest (cases, rolling origins, spread fit, scores) on the real tables.

Prints the wall time of each stage and in total.  Run: `.venv/bin/python benchmarks/bench_backtest.py`.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    start = time.perf_counter()
    from taicang_analysis.evaluation import backtest
    from taicang_analysis.data import build
    from taicang_analysis.data import io

    tables = build.build_tables(io.read_raw())
    print(f"imports + data build: {time.perf_counter() - start:.1f} s")
    result = backtest.run_backtest(tables["observations.csv"], tables["targets.csv"])
    for _, row in result.timing.iterrows():
        print(f"  {row['stage']:<32} {row['seconds']:6.1f} s  (n = {row['n']})")
    peak_kb = __import__("resource").getrusage(__import__("resource").RUSAGE_SELF).ru_maxrss
    print(f"peak memory of the main process: {peak_kb / 1024:.0f} MB")


if __name__ == "__main__":
    main()
