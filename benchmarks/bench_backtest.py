"""Benchmark: the whole backtest (cases, rolling origins, spread fit, scores) on the real tables.

Prints the wall time of each stage and in total, the CPU seconds of this process and its workers, the peak
memory, and beside the total a floor measured in the same run: the series' own-model fits of the rolling origins
alone (`models.fit_all`, statsmodels' state-space and ETS fits inside; every indicator in
``backtest.CALIBRATION_INDICATORS``), timed serially on every
``FLOOR_SAMPLE``-th origin, scaled to all origins and spread over the workers.  Those fits are the part no
reorganisation of the backtest can remove without changing its numbers; the ratio says how far the rest is
from it.  The machine is shared: read the CPU seconds beside the wall time.

Run: `.venv/bin/python benchmarks/bench_backtest.py [--workers N]`.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FLOOR_SAMPLE = 8  # every 8th rolling origin is fitted for the floor


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def fit_floor(observations, workers: int, sample: int = FLOOR_SAMPLE) -> tuple[float, int, int]:
    """(seconds, origins fitted, all origins): the own-model fits of every ``sample``-th rolling origin, serially,
    scaled to every origin and divided by ``workers``."""
    import pandas as pd

    from taicang_analysis.evaluation import backtest
    from taicang_analysis.forecast import models

    origins = []
    for indicator in backtest.CALIBRATION_INDICATORS:  # every indicator whose rolling origins the backtest runs
        ctx = backtest._rolling_context(observations, indicator, backtest.HORIZONS,
                                        backtest.SERIES_WINDOW, 3, backtest.DEFAULT_ROLLING_DRAWS, 0)
        for name, region, years in backtest.rolling_tasks(observations, indicator=indicator):
            g = ctx.panels[name]
            g = g[g["region"] == region].sort_values("year")
            full = pd.Series(g["value"].to_numpy(dtype=float), index=g["year"].to_numpy(dtype=int))
            origins += [(ctx, name, region, backtest._window(full, t, ctx.window), t) for t in years]
    chosen = origins[::sample]
    ctx, _, _, series, t = chosen[0]
    max_h = max(ctx.horizons)
    models.fit_all(series, t + max_h, kind=ctx.kind, bounds=ctx.bounds, n_draws=ctx.n_draws)  # imports
    start = time.perf_counter()
    for ctx, name, region, series, t in chosen:
        models.fit_all(series, t + max_h, kind=ctx.kind, bounds=ctx.bounds, n_draws=ctx.n_draws,
                       seed=backtest._origin_seed(ctx.seed, name, region, t))
    seconds = time.perf_counter() - start
    return seconds * len(origins) / len(chosen) / max(workers, 1), len(chosen), len(origins)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    start = time.perf_counter()
    from taicang_analysis.data import build, io
    from taicang_analysis.evaluation import backtest

    workers = backtest.DEFAULT_WORKERS if args.workers is None else args.workers
    tables = build.build_tables(io.read_raw())
    build_seconds = time.perf_counter() - start
    print(f"imports + data build: {build_seconds:.1f} s")
    cpu0, wall0 = _cpu(), time.perf_counter()
    result = backtest.run_backtest(tables["observations.csv"], tables["targets.csv"], workers=workers)
    wall, cpu = time.perf_counter() - wall0, _cpu() - cpu0
    for _, row in result.timing.iterrows():
        print(f"  {row['stage']:<40} {row['seconds']:6.1f} s  (n = {row['n']})")
    print(f"  CPU seconds (this process and its {workers} worker(s)): {cpu:.1f} s")
    floor, fitted, total = fit_floor(tables["observations.csv"], workers)
    print(f"backtest: {wall:.1f} s   floor (own-model fits of the {total} rolling origins, from {fitted} timed "
          f"serially, / {workers} worker(s)): {floor:.1f} s   ratio {wall / floor:.2f}x   "
          f"(the data build: {build_seconds:.1f} s)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: main process {own:.0f} MB, largest worker {kids:.0f} MB")


if __name__ == "__main__":
    main()
