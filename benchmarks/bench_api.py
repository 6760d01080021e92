"""Benchmark: the front door.

Prints, each beside its floor:
- ``import taicang_analysis`` (fresh interpreter) beside ``import pandas, numpy`` (aim: within 1.3x);
- ``ta.Study()`` loading the processed tables, and the first assessment (statsmodels loaded then);
- ``study.assess`` for every Table 2 target after load (floor: 0.3 s; 0.22 s before the API);
- the engine underneath alone (``plans.assess_plan``), for the API's overhead.
Run: ``python benchmarks/bench_api.py`` (needs ``make data``).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

# as `python -m taicang_analysis` does: one BLAS thread (tiny matrices; threads only add synchronisation)
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FLOOR_ASSESS_ALL = 0.3  # seconds, issue 7


def _fresh(code: str, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _timed(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    bare = _fresh("pass")
    floor = _fresh("import pandas, numpy")
    ours = _fresh("import taicang_analysis")
    study_import = _fresh("import taicang_analysis as ta; ta.Study")
    print(f"interpreter alone: {bare:.2f} s")
    print(f"import taicang_analysis: {ours:.2f} s beside import pandas, numpy {floor:.2f} s "
          f"({ours / floor:.2f}x; aim <= 1.3x)")
    print(f"import taicang_analysis + ta.Study (pandas, the engine; no statsmodels): {study_import:.2f} s")

    import taicang_analysis as ta
    from taicang_analysis.assessment import plans

    start = time.perf_counter()
    study = ta.Study()
    study.observations, study.targets_table  # noqa: B018 - load
    load = time.perf_counter() - start
    start = time.perf_counter()
    study.assess("rd_intensity")
    first = time.perf_counter() - start
    print(f"Study() + loading the processed tables: {load:.2f} s; first assessment (statsmodels, caches): "
          f"{first:.2f} s")

    study.assess_all()  # warm
    all_s = _timed(study.assess_all)
    n = len(study.plan_targets())
    print(f"study.assess for all {n} Table 2 targets after load: {all_s:.3f} s (median of 5; floor "
          f"{FLOOR_ASSESS_ALL} s: {'ok' if all_s < FLOOR_ASSESS_ALL else 'OVER'})")
    obs, targets = study.observations, study.targets_table
    engine_s = _timed(lambda: plans.assess_plan(obs, targets, pool=plans.Pool(spread=study.pool_spread)))
    print(f"the engine alone (plans.assess_plan, same targets): {engine_s:.3f} s "
          f"(API overhead {all_s - engine_s:+.3f} s)")


if __name__ == "__main__":
    main()
