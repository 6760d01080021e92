"""Benchmark: one CLI call `assess --indicator rd_intensity --json` beside the floor `python -c "import pandas"`.

Median of 5 fresh processes each, after a warm-up, in the same run.  Needs the
processed tables (`make data`); the data directory is found as the CLI finds it.
Run: `python benchmarks/bench_cli.py`.
"""

from __future__ import annotations

import sys

from _timing import ROOT, line, process_seconds, python


def main() -> None:
    floor = process_seconds(python("import pandas"))
    cli = process_seconds([sys.executable, "-m", "taicang_analysis", "assess", "--indicator", "rd_intensity",
                           "--json"], cwd=ROOT)
    print(line("CLI assess --indicator rd_intensity --json", cli, 'python -c "import pandas"', floor))


if __name__ == "__main__":
    main()
