"""Beyond one machine: the notebook runs sent to a Dask distributed cluster.

``run_brief(executor=...)`` takes any ``concurrent.futures.Executor``; Dask's
``Client.get_executor()`` is one.  Workers need the notebooks folder and the
package at the same paths (a shared filesystem or the same image).
"""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def dask_executor(address: str, *, timeout: float = 10):
    """Yield a ``concurrent.futures.Executor`` on the Dask scheduler at ``address``; close the client after."""
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - distributed is in the lock
        raise RuntimeError("--scheduler needs the 'distributed' package") from exc
    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ConnectionError(f"--scheduler {address}: cannot reach a Dask scheduler there ({exc})") from None
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
