"""One code path: for every target of the plan's Table 2, the CLI's ``assess --json``, the API's
``to_dict()`` and what the indicator notebook prints agree to the digit.

The notebook part is done two ways, and says which:
- its code cells (notebooks/indicator.py, the jupytext pair) are executed in-process with the
  indicator injected after the parameters cell, as papermill would; the printed text must equal
  the API's ``summary()`` and carry the CLI's numbers;
- the committed notebooks/indicator.ipynb's printed output (rd_intensity, 10,000 draws) must equal
  a fresh API run with the notebook's own parameters.
Processed tables are built into a temporary folder that the package default points to.
"""

from __future__ import annotations

import contextlib
import io as stdio
import json
import pathlib
import re

import matplotlib
import pytest

import taicang_analysis as ta
from taicang_analysis import cli
from taicang_analysis.assessment import plans
from taicang_analysis.data import io
from taicang_analysis.present.text import fmt

matplotlib.use("Agg")

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK_PY = ROOT / "notebooks" / "indicator.py"
NOTEBOOK_IPYNB = ROOT / "notebooks" / "indicator.ipynb"
DRAWS = 2_000




def _table2(processed) -> list[str]:
    return list(plans.plan_targets(io.read_processed("targets.csv", processed))["indicator"])


def _cells(path: pathlib.Path) -> list[tuple[str, str]]:
    """(kind, source) of each ``# %%`` cell of a py:percent notebook."""
    out = []
    for chunk in re.split(r"^# %%", path.read_text(encoding="utf-8"), flags=re.M)[1:]:
        header, _, body = chunk.partition("\n")
        kind = "markdown" if header.strip().startswith("[markdown]") else (
            "parameters" if "parameters" in header else "code")
        out.append((kind, body))
    return out


def _run_notebook(parameters: dict) -> str:
    """Execute the notebook's code cells in-process with ``parameters`` injected after the parameters
    cell (as papermill does); return what the NBVAL_CHECK_OUTPUT cell printed."""
    namespace: dict = {}
    printed = ""
    for kind, source in _cells(NOTEBOOK_PY):
        if kind == "markdown":
            continue
        if source.lstrip().startswith(("assessment.plot", "ax =")):
            continue  # the figure: not compared
        buffer = stdio.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(compile(source, str(NOTEBOOK_PY), "exec"), namespace)  # noqa: S102 - our own notebook
        if kind == "parameters":
            namespace.update(parameters)
        if "NBVAL_CHECK_OUTPUT" in source:
            printed = buffer.getvalue()
    return printed


def _key(d: dict) -> str:
    return json.dumps(d, sort_keys=True, ensure_ascii=False)


def test_table2_has_fifteen_targets(processed):
    assert len(_table2(processed)) == 15


def test_cli_api_and_notebook_agree_for_every_table2_indicator(processed, capsys):
    for indicator in _table2(processed):
        assert cli.main(["assess", "--indicator", indicator, "--json", "--draws", str(DRAWS)]) == 0
        from_cli = json.loads(capsys.readouterr().out)
        result = ta.assess(indicator, draws=DRAWS)
        from_api = result.to_dict()
        assert _key(from_cli) == _key(from_api), indicator

        printed = _run_notebook({"indicator": indicator, "draws": DRAWS})
        assert printed.rstrip("\n") == result.summary(), indicator
        # the numbers a reader takes from the notebook are the CLI's
        p = from_cli["probability"]
        assert f"probability of meeting the target: {'—' if p is None else f'{p:.0%}'}" in printed, indicator
        if from_cli["projection"]:
            proj = from_cli["projection"]
            assert (f"median {fmt(proj['median'])}, 80% interval [{fmt(proj['lower'])}, {fmt(proj['upper'])}]"
                    in printed), indicator
        assert f"grade: {from_cli['status']}" in printed
        assert f"note: pool: {from_cli['calibration_basis']}" in printed


def test_the_committed_notebook_output_is_what_the_api_gives(processed):
    nb = json.loads(NOTEBOOK_IPYNB.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and "NBVAL_CHECK_OUTPUT" in "".join(c["source"])
                and "summary()" in "".join(c["source"]))
    printed = "".join("".join(o.get("text", "")) for o in cell["outputs"] if o.get("output_type") == "stream")
    params = {}
    exec(next(src for kind, src in _cells(NOTEBOOK_PY) if kind == "parameters"), params)  # noqa: S102
    calibration = params["calibration"]
    fitted = ROOT / "data" / "processed" / plans.CALIBRATION_FILE  # the table the notebook ran with (`make test`
    if calibration == "auto" and fitted.exists():                  # fits it first); this module's tables have none
        calibration = str(fitted)
    study = ta.Study(as_of=params["as_of"], calibration=calibration, draws=params["draws"], seed=params["seed"])
    if f"note: pool: {study.calibration_basis}" not in printed:
        pytest.skip("the committed notebook ran with another calibration than this data folder has")
    result = study.assess(params["indicator"], reference=params["reference"],
                          denominator_growth=params["denominator_growth"])
    assert printed.rstrip("\n") == result.summary()
