"""Run one notebook with papermill: the task a worker (process, thread or Dask worker) executes.

``run_notebook(task)`` never raises for a failing notebook: it returns the
executed (or partial) notebook as JSON text with a status, so one failure never
stops the others and a remote worker needs no access to the brief folder.

Timeout: every cell's papermill/nbclient timeout is the time left until the
notebook's wall-clock deadline (so the whole notebook, not each cell, gets
``timeout`` seconds), and a guard thread kills the kernel's process group if
the notebook still runs a few seconds after the deadline (e.g. a cell that
ignores the timeout while the client waits on output).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

KERNEL = "python3"
GUARD_GRACE = 5.0  # seconds after the deadline before the guard kills the kernel
START_TIMEOUT_CAP = 60.0


def _start_timeout(timeout: float) -> int:
    """The kernel's start timeout: whole seconds (nbclient's trait is an int), at least 1, at most the cap."""
    return max(1, math.ceil(min(START_TIMEOUT_CAP, timeout)))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def declared_parameters(path) -> dict[str, dict]:
    """The parameters a notebook declares in its cell tagged ``parameters`` (papermill's inspection)."""
    import papermill
    return dict(papermill.inspect_notebook(str(path)))


def _tracked_kernel_manager(holder: list):
    from jupyter_client.manager import AsyncKernelManager

    class TrackedKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            holder.append(self)

        async def start_kernel(self, **kwargs):
            # the kernel process's own log (not cell output, which arrives over iopub) stays off the terminal
            kwargs.setdefault("stderr", subprocess.DEVNULL)
            kwargs.setdefault("stdout", subprocess.DEVNULL)
            return await super().start_kernel(**kwargs)

    return TrackedKernelManager


def _kill_kernel(holder: list) -> bool:
    """SIGKILL the kernel's process group (jupyter_client starts kernels in their own session), never ours."""
    for km in holder:
        pid = getattr(getattr(km, "provisioner", None), "pid", None)
        if not pid:
            continue
        try:
            group = os.getpgid(pid)
            if group != os.getpgrp():
                os.killpg(group, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            continue
        return True
    return False


def _mark_timeout(nb, timeout: float) -> None:
    """Show in the partial notebook where it was stopped (papermill leaves that cell 'running')."""
    import nbformat
    message = f"stopped: the notebook ran longer than the timeout of {timeout:g} s"
    stopped = None  # the last code cell papermill started (cells never started have no start_time)
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("papermill", {})
        if cell.cell_type == "code" and meta.get("start_time"):
            stopped = cell
    if stopped is None:  # stopped before any cell started (e.g. the kernel did not start in time)
        stopped = next((c for c in nb.cells if c.cell_type == "code" and not c.get("outputs")), None)
    if stopped is not None:
        stopped.setdefault("outputs", []).append(nbformat.v4.new_output(
            "error", ename="Timeout", evalue=message, traceback=[f"Timeout: {message}"]))
        stopped.metadata.setdefault("papermill", {})["status"] = "failed"
        stopped.metadata["papermill"]["exception"] = True
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(
        f'<span style="color:red; font-family:Helvetica Neue, Helvetica, Arial, sans-serif; font-size:2em;">'
        f"{message}</span>", metadata={"tags": ["papermill-error-cell-tag"]}))


def run_notebook(task: dict) -> dict:
    """Execute ``task['input']`` with ``task['parameters']``; return status, times and the notebook.

    task keys: name, input (path), parameters (dict), cwd, timeout (s), kernel (optional).
    Returns: name, status ('ok', 'failed', 'timeout'), error (str or None), started, finished,
    seconds, notebook (JSON text), host.
    """
    import logging

    import nbformat
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    logging.getLogger("papermill").setLevel(logging.CRITICAL)  # the outcome is reported in the result instead
    timeout = float(task["timeout"])
    started, t0 = _now(), time.monotonic()
    deadline = t0 + timeout
    holder: list = []
    timed_out = threading.Event()

    def guard():
        timed_out.set()
        _kill_kernel(holder)

    timer = threading.Timer(timeout + GUARD_GRACE, guard)
    timer.daemon = True
    status, error = "ok", None
    with tempfile.TemporaryDirectory(prefix="brief-nb-") as tmp:
        out = Path(tmp) / f"{task['name']}.ipynb"
        timer.start()
        try:
            papermill.execute_notebook(
                str(task["input"]), str(out), parameters=task.get("parameters") or {},
                kernel_name=task.get("kernel") or KERNEL, progress_bar=False, log_output=False,
                request_save_on_cell_execute=True, start_timeout=_start_timeout(timeout),
                # the kernel's working directory, without chdir-ing this (maybe shared) process
                resources={"metadata": {"path": str(task["cwd"])}},
                timeout_func=lambda cell: max(0.01, deadline - time.monotonic()),
                kernel_manager_class=_tracked_kernel_manager(holder), shutdown_kernel="immediate")
        except PapermillExecutionError as exc:
            status, error = "failed", f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
        except (CellTimeoutError, TimeoutError) as exc:
            status, error = "timeout", f"stopped after {timeout:g} s ({type(exc).__name__})"
        except DeadKernelError as exc:
            if timed_out.is_set() or time.monotonic() >= deadline:
                status, error = "timeout", f"stopped after {timeout:g} s (kernel killed)"
            else:
                status, error = "failed", f"the kernel died: {exc}"
        except Exception as exc:  # noqa: BLE001 -- a broken notebook must not stop the brief
            if time.monotonic() >= deadline:  # the budget ran out first (e.g. the kernel had not started in it)
                status, error = "timeout", f"stopped after {timeout:g} s ({type(exc).__name__}: {exc})"
            else:
                status, error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            timer.cancel()
        if out.exists():
            nb = nbformat.read(str(out), as_version=4)
        else:  # nothing was written (e.g. unreadable input or no kernel): show the input with the error
            try:
                nb = nbformat.read(str(task["input"]), as_version=4)
            except Exception:  # noqa: BLE001
                nb = nbformat.v4.new_notebook()
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"**Not executed**: {error}",
                                                             metadata={"tags": ["papermill-error-cell-tag"]}))
    if status == "timeout":
        _mark_timeout(nb, timeout)
    return {"name": task["name"], "status": status, "error": error, "started": started, "finished": _now(),
            "seconds": round(time.monotonic() - t0, 3), "notebook": nbformat.writes(nb),
            "host": os.uname().nodename}
