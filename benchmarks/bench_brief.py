"""Benchmark: the quarterly brief's wall time beside its floor.

Prints
- the brief (run_brief on the suite folder: papermill, HTML pages, index, manifest, PDF when chromium is there);
- the floor: the same number of notebooks, each holding only its twin's import statements (and the same
  parameters cell), run by the same runner with the same parallelism, PDF and headline;
- with --cold: the calibration fit (`python -m taicang_analysis backtest`, which the cold brief needs first)
  plus the brief, beside the warm brief.
Aim (issue 9, 2 cores): warm brief within 1.5x the floor and under 30 s; cold brief under 60 s.
Run: `.venv/bin/python benchmarks/bench_brief.py [--notebooks DIR] [--jobs N] [--cold]`.
"""

from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from taicang_analysis.brief import runner  # noqa: E402


def floor_twin(path: Path, out: Path) -> Path:
    """The notebook's parameters cell and its import statements, nothing else."""
    nb = nbformat.read(path, as_version=4)
    cells, imports = [], []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "parameters" in cell.metadata.get("tags", []):
            cells.append(cell)
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        imports += [ast.get_source_segment(cell.source, node) for node in tree.body
                    if isinstance(node, (ast.Import, ast.ImportFrom))]
    cells.append(nbformat.v4.new_code_cell("\n".join(imports) or "pass"))
    twin = nbformat.v4.new_notebook(cells=cells, metadata=nb.metadata)
    target = out / path.name
    nbformat.write(twin, target)
    return target


def brief_seconds(notebooks_dir: Path, jobs: int, as_of: str) -> tuple[float, object]:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = runner.run_brief(as_of=as_of, out_dir=Path(tmp) / as_of, notebooks_dir=notebooks_dir, jobs=jobs,
                                  progress=False, timeout=600)
        return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notebooks", default=str(ROOT / "notebooks"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--as-of", default="2024-06-30")
    parser.add_argument("--cold", action="store_true", help="also time the calibration fit + brief")
    args = parser.parse_args()
    suite = Path(args.notebooks)
    paths = runner.find_notebooks(suite)
    print(f"{len(paths)} notebook(s) in {suite}: {', '.join(p.stem for p in paths)}; jobs={args.jobs}; "
          f"cores={os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        for p in paths:
            floor_twin(p, Path(tmp))
        floor_s, _ = brief_seconds(Path(tmp), args.jobs, args.as_of)
        floor2_s, _ = brief_seconds(Path(tmp), args.jobs, args.as_of)
    warm_s, result = brief_seconds(suite, args.jobs, args.as_of)
    warm2_s, result = brief_seconds(suite, args.jobs, args.as_of)
    floor_best, warm_best = min(floor_s, floor2_s), min(warm_s, warm2_s)
    print(f"floor (imports only, same runner, headline, pages, PDF): {floor_best:.1f} s (best of 2)")
    print(f"warm brief: {warm_best:.1f} s (best of 2) = {warm_best / floor_best:.2f}x the floor "
          f"(aim: <= 1.5x and < 30 s)")
    t = result.manifest["timings"]
    print(f"  of which: notebooks {t['notebooks_wall']:.1f} s, headline {t['headline']:.1f} s (overlapping the "
          f"notebooks), PDF {t.get('pdf', 0):.1f} s")
    for r in result.runs:
        print(f"  {r.name:<14} {r.status:<8} {r.seconds:6.1f} s")
    if args.cold:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "taicang_analysis", "backtest", "--no-progress"], cwd=ROOT,
                       check=True, capture_output=True)
        fit_s = time.perf_counter() - start
        cold_s, _ = brief_seconds(suite, args.jobs, args.as_of)
        print(f"cold brief: calibration fit {fit_s:.1f} s + brief {cold_s:.1f} s = {fit_s + cold_s:.1f} s "
              f"(aim: < 60 s)")


if __name__ == "__main__":
    main()
