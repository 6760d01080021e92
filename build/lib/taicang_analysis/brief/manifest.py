"""What a reviewer needs to reproduce a brief: its parameters, a hash of every input
file, package versions, the git commit (and whether the tree was dirty), timings,
each notebook's status, and the command that re-runs each notebook."""

from __future__ import annotations

import os
import platform
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from .. import __version__
from . import io as brief_io

PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "papermill", "nbclient",
            "nbformat", "nbconvert", "ipykernel", "jupyter_client", "tqdm", "dask", "distributed")


def package_versions() -> dict[str, str | None]:
    out = {"python": platform.python_version(), "taicang-analysis": __version__}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_state(repo: Path) -> dict:
    """{'commit': sha or None, 'dirty': bool or None, 'note': why unknown}; tolerates no git at all."""
    def git(*args):
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=20)
    try:
        head = git("rev-parse", "HEAD")
    except (FileNotFoundError, subprocess.TimeoutExpired, OSError) as exc:
        return {"commit": None, "dirty": None, "note": f"git not available: {type(exc).__name__}"}
    if head.returncode != 0:
        return {"commit": None, "dirty": None, "note": (head.stderr.strip() or "not a git repository")[:200]}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": head.stdout.strip(), "dirty": bool(status.stdout.strip()) if status.returncode == 0 else None}


def _shown_path(path: Path, cwd: Path) -> str:
    path = Path(path).resolve()
    try:
        return path.relative_to(cwd.resolve()).as_posix()
    except ValueError:
        return str(path)


def rerun_command(*, input_path: Path, output_path: Path, cwd: Path, parameters: dict, kernel: str,
                  timeout: float | None = None, relative_to: Path | None = None) -> str:
    """The papermill command line that re-runs one notebook with the brief's parameters.

    Strings go through ``-r`` (raw: never re-typed), numbers, booleans and None through ``-p``.
    """
    base = Path(relative_to or Path.cwd())
    args = ["python", "-m", "papermill", _shown_path(input_path, base), _shown_path(output_path, base),
            "-k", kernel, "--cwd", _shown_path(cwd, base)]
    for key, value in parameters.items():
        if isinstance(value, str):
            args += ["-r", key, value]
        else:
            args += ["-p", key, "None" if value is None else str(value)]
    if timeout is not None:
        args += ["--execution-timeout", str(int(timeout))]
    return shlex.join(args)


def build_manifest(*, parameters: dict, raw_dir: Path, repo: Path, runs: list[dict], timings: dict,
                   pdf: dict, command: list[str] | None, executor: str) -> dict:
    return {
        "parameters": parameters,
        "command": shlex.join(command) if command else None,
        "inputs": {"raw_dir": str(raw_dir), "sha256": brief_io.hash_tree(raw_dir)},
        "packages": package_versions(),
        "git": git_state(repo),
        "machine": {"host": platform.node(), "cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": sys.executable},
        "executor": executor,
        "timings": timings,
        "notebooks": runs,
        "pdf": pdf,
    }
