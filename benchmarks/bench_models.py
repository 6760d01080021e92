"""Benchmark: one indicator, every forecast model and one reference class, 10,000 draws
(moved here from tests/test_reference.py: timings are not test assertions).

Prints the best of 3 beside the floor of fitting the models alone, and the budget (0.2 s).
Run: `python benchmarks/bench_models.py`.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from _timing import ROOT

sys.path.insert(0, str(ROOT))

from taicang_analysis.forecast.models import fit_all  # noqa: E402
from taicang_analysis.forecast.reference import reference_forecast  # noqa: E402

BUDGET = 0.2


def _panel(n: int, years: np.ndarray, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    paths = np.exp(np.cumsum(0.05 + 0.03 * rng.standard_normal((n, len(years))), axis=1))
    return pd.DataFrame({"region": np.repeat([f"P{i}" for i in range(n)], len(years)),
                         "year": np.tile(years, n), "value": 2.5 * paths.ravel()})


def _best(fn, repeat: int = 3) -> float:
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    panel = _panel(31, np.arange(2011, 2024))
    series = pd.Series([2.6, 3.3, 3.9], index=[2010, 2015, 2020])
    fit_all(series, 2025, kind="share")  # warm-up (imports, BLAS)
    models = _best(lambda: fit_all(series, 2025, kind="share"))
    both = _best(lambda: (fit_all(series, 2025, kind="share"),
                          reference_forecast(series, 2025, panel, kind="share", panel_name="provinces",
                                             max_origin_year=2020)))
    print(f"one indicator, 6 models + reference class (31 regions): {both:.3f} s (best of 3)   "
          f"floor (the 6 models alone): {models:.3f} s   budget {BUDGET} s")


if __name__ == "__main__":
    main()
