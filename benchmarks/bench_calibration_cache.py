"""Benchmark: the calibration, uncached (the whole backtest) beside cached (`ensure_calibration` reusing its key).

Works on a temporary copy of the processed observations and targets, so
data/processed is left alone.  The uncached run is the real backtest with the
default settings (about 35-45 s on two cores; ``--quick`` uses tiny settings).
Run: `python benchmarks/bench_calibration_cache.py [--quick]`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from _timing import ROOT

sys.path.insert(0, str(ROOT))


def main() -> None:
    from taicang_analysis.data import io
    from taicang_analysis.evaluation import backtest

    quick = "--quick" in sys.argv
    settings = dict(n_draws=500, rolling_draws=200, origin_step=6) if quick else {}
    observations, targets = io.read_processed("observations.csv"), io.read_processed("targets.csv")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        _, first = backtest.ensure_calibration(observations, targets, processed_dir=folder, **settings)
        uncached = time.perf_counter() - start
        start = time.perf_counter()
        _, second = backtest.ensure_calibration(observations, targets, processed_dir=folder, **settings)
        cached = time.perf_counter() - start
        keep = os.environ.get("BENCH_KEEP_BACKTEST")
        if keep:  # to compare the tables with an earlier run
            for p in folder.glob("backtest_*"):
                Path(keep).mkdir(parents=True, exist_ok=True)
                (Path(keep) / p.name).write_bytes(p.read_bytes())
    print(f"calibration uncached ({first}): {uncached:.2f} s")
    print(f"calibration cached   ({second}): {cached:.3f} s   ratio {uncached / cached:.0f}x"
          + ("   [--quick settings]" if quick else ""))


if __name__ == "__main__":
    main()
