"""Benchmark: the data build and assessing every Table 2 target (issue 7: keep the latter under 0.3 s).

Prints
- the data build (validate data/raw + build all processed tables), in memory and the atomic write;
- assessing all 15 Table 2 targets (`assessment.plans.assess_plan`: every model, 10,000 draws, the reference
  classes), median of 5, beside its floor: cutting the same 15 series as known then (`region_series`),
  the data access without any model.
The one-call CLI figure is in bench_cli.py, the import figure in bench_import.py.
Run: `make bench` (or `python benchmarks/bench_assess.py`).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _timing import ROOT, call_seconds, line

sys.path.insert(0, str(ROOT))

from taicang_analysis.assessment import plans as plan_assessment  # noqa: E402
from taicang_analysis.data import build, io  # noqa: E402

BUDGET = 0.3


def main() -> None:
    build_s, tables = call_seconds(lambda: build.build_tables(io.read_raw()), repeat=3)
    print(f"data build in memory (read, validate, build 5 tables; {len(tables['observations.csv'])} observations): "
          f"{build_s:.2f} s (median of 3)")
    with tempfile.TemporaryDirectory() as tmp:
        write_s, _ = call_seconds(lambda: io.write_tables_atomically(build.serialise(tables), Path(tmp)), repeat=3)
        read_s, _ = call_seconds(lambda: [io.read_processed(n, Path(tmp)) for n in build.serialise(tables)], repeat=3)
    print(f"serialise + atomic write of data/processed: {write_s:.2f} s; typed read back (schema): {read_s:.2f} s")

    observations, targets = tables["observations.csv"], tables["targets.csv"]
    rows = plan_assessment.plan_targets(targets)
    plan_assessment.assess_plan(observations, targets, n_draws=1000)  # warm caches (BLAS, statsmodels)
    all_s, assessments = call_seconds(lambda: plan_assessment.assess_plan(observations, targets, n_draws=10_000))
    floor_s, _ = call_seconds(lambda: [plan_assessment.region_series(observations, r["region"], r["indicator"])
                                       for _, r in rows.iterrows()])
    n_models = sum(1 for a in assessments for f in a.forecasts + a.references if not hasattr(f, "reason"))
    print(line(f"assess all {len(assessments)} Table 2 targets ({n_models} fitted models/reference classes, "
               "10,000 draws)", all_s, "cut the 15 series as known, no model", floor_s)
          + f"   budget {BUDGET} s")


if __name__ == "__main__":
    main()
