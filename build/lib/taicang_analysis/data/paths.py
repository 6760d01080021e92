"""Where the data directory is: found, never assumed from the package's location alone.

The data directory holds ``raw/`` (published figures, append-only) and
``processed/`` (rebuilt by ``python -m taicang_analysis data``).  It is, in
this order:

1. the directory passed explicitly (an argument);
2. the environment variable ``TAICANG_DATA_DIR``;
3. ``data/`` in the working directory or the nearest parent that holds
   ``data/raw/`` (run from anywhere inside a clone);
4. ``data/`` next to the package in the source tree (a checkout used from
   elsewhere, e.g. a notebook kernel started in ``notebooks/``).

So an installed package (``pip install .``) works from a clone's folder, with
the variable set, or with the directory passed in; nothing is written next to
``site-packages``.  Resolution happens at call time: changing the working
directory or the variable takes effect on the next call.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "TAICANG_DATA_DIR"
RAW = "raw"
PROCESSED = "processed"

__all__ = ["ENV_VAR", "DataDirError", "LazyDir", "data_dir", "raw_dir", "processed_dir", "source_tree_data_dir"]


class DataDirError(ValueError):
    """No usable data directory; the message says where it looked and how to point at one."""


def source_tree_data_dir() -> Path:
    """``data/`` beside the package in a source checkout (may not exist in an installed package)."""
    return Path(__file__).resolve().parent.parent.parent / "data"


def _from_cwd(cwd: Path) -> Path | None:
    for folder in (cwd, *cwd.parents):
        if (folder / "data" / RAW).is_dir():
            return folder / "data"
    return None


def data_dir(explicit: str | os.PathLike | None = None, *, environ=None, cwd: str | os.PathLike | None = None) -> Path:
    """The data directory, by the rules in the module docstring.

    ``environ`` and ``cwd`` default to the process's own; tests pass them in.

    Raises
    ------
    DataDirError
        If an explicit directory or ``TAICANG_DATA_DIR`` names a folder that
        does not exist, or nothing is found at all.
    """
    environ = os.environ if environ is None else environ
    if explicit is not None:
        path = Path(explicit).expanduser()
        if not path.is_dir():
            raise DataDirError(f"data directory {path} does not exist (passed explicitly)")
        return path.resolve()
    env = environ.get(ENV_VAR, "").strip()
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            raise DataDirError(f"{ENV_VAR}={env}: no such directory (it should hold raw/ and processed/)")
        return path.resolve()
    found = _from_cwd(Path.cwd() if cwd is None else Path(cwd).resolve())
    if found is not None:
        return found
    tree = source_tree_data_dir()
    if (tree / RAW).is_dir():
        return tree
    raise DataDirError(
        f"no data directory: none given, {ENV_VAR} is not set, no data/raw/ in {Path.cwd() if cwd is None else cwd} "
        f"or its parents, and none beside the package ({tree}). Set {ENV_VAR} to a folder holding raw/, "
        "or run from a clone of the repository")


def raw_dir(explicit_data_dir=None, **kw) -> Path:
    """``<data dir>/raw``."""
    return data_dir(explicit_data_dir, **kw) / RAW


def processed_dir(explicit_data_dir=None, **kw) -> Path:
    """``<data dir>/processed`` (created by the build when missing)."""
    return data_dir(explicit_data_dir, **kw) / PROCESSED


class LazyDir(os.PathLike):
    """A directory constant that is looked up each time it is used (``io.PROCESSED_DIR``).

    Behaves like the `Path` it resolves to (``/``, ``exists()``, ``glob()``,
    ``str()``, ``os.fspath``, ``==``).  Being one unchanging object, it can be
    monkeypatched and restored without pinning the directory of the moment.
    """

    def __init__(self, resolve, label: str):
        self._resolve, self._label = resolve, label

    def path(self) -> Path:
        return self._resolve()

    def __fspath__(self) -> str:
        return str(self._resolve())

    def __str__(self) -> str:
        return str(self._resolve())

    def __repr__(self) -> str:
        return f"<{self._label}: resolved at use, now {self.__fspath__()}>"

    def __truediv__(self, other) -> Path:
        return self._resolve() / other

    def __eq__(self, other) -> bool:
        if isinstance(other, (str, os.PathLike)):
            return self._resolve() == Path(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._resolve())

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._resolve(), name)
