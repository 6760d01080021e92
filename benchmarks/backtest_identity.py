"""Check that a change left every backtest output as it was: compare two folders of backtest tables.

Save the outputs of the code before the change (``data/processed/backtest_*.csv`` and
``backtest_calibration.key.json``) to a folder, run ``python -m taicang_analysis backtest`` with the new
code, then::

    python benchmarks/backtest_identity.py SAVED_FOLDER data/processed

Every CSV must be byte-identical; in the key file only ``code`` (the engine's source digest) and ``key``
(the digest over everything) may differ.  Exit status 1 if anything else differs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def compare(before: Path, after: Path) -> list[str]:
    """The names of the files in ``before`` whose counterpart in ``after`` differs (or is missing)."""
    different = []
    for old in sorted(before.glob("backtest_*")):
        new = after / old.name
        if not new.exists():
            different.append(old.name)
            continue
        if old.name.endswith(".key.json"):
            a, b = json.loads(old.read_bytes()), json.loads(new.read_bytes())
            for key in (a, b):
                key.pop("code", None)
                key.pop("key", None)
            same = a == b
        else:
            same = old.read_bytes() == new.read_bytes()
        print(f"{'same     ' if same else 'DIFFERENT'} {old.name}")
        if not same:
            different.append(old.name)
    return different


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    before, after = Path(sys.argv[1]), Path(sys.argv[2])
    if not any(before.glob("backtest_*")):
        print(f"no backtest_* files in {before}")
        return 2
    return 1 if compare(before, after) else 0


if __name__ == "__main__":
    sys.exit(main())
