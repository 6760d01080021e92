"""Benchmark: `import taicang_analysis` beside the floor `import pandas, numpy` (issue 7: aim within 1.3x).

Each figure is the median of 5 fresh interpreter processes (after one warm-up run),
measured in the same run so machine load affects both alike.
Run: `python benchmarks/bench_import.py` (from anywhere; the checkout is put on PYTHONPATH).
"""

from __future__ import annotations

from _timing import line, process_seconds, python


def main() -> None:
    bare = process_seconds(python("pass"))
    floor = process_seconds(python("import pandas, numpy"))
    pkg = process_seconds(python("import taicang_analysis"))
    print(f"interpreter start alone: {bare:.3f} s")
    print(line("import taicang_analysis", pkg, "import pandas, numpy", floor))
    for module in ("taicang_analysis.data.io", "taicang_analysis.assessment.plans", "statsmodels.api"):
        print(f"  for reference, import {module}: {process_seconds(python(f'import {module}')):.3f} s")


if __name__ == "__main__":
    main()
