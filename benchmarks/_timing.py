"""Shared by the benchmark scripts: wall time of fresh processes and of calls, as medians."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def env() -> dict:
    """The environment for child processes: the checkout first on the path (nothing installed)."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def process_seconds(argv: list[str], repeat: int = 5, cwd: Path = ROOT) -> float:
    """Median wall time of ``repeat`` fresh runs of ``argv`` (one warm-up run first, not counted)."""
    subprocess.run(argv, cwd=cwd, env=env(), check=True, capture_output=True)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, env=env(), check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def call_seconds(fn, repeat: int = 5) -> tuple[float, object]:
    """Median wall time of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def line(what: str, seconds: float, floor_what: str, floor: float) -> str:
    return f"{what}: {seconds:.3f} s   floor ({floor_what}): {floor:.3f} s   ratio {seconds / floor:.2f}x"
