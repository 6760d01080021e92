"""The notebooks are thin and reviewable: one `parameters` cell of literal, commented defaults;
no `def`, class or loop (logic lives in the library); each paired with a py:percent script
that is in sync and carries no papermill/execution metadata; reference outputs committed
for nbval, with the key results marked `# NBVAL_CHECK_OUTPUT`.

Static checks only (no kernel); `make test` re-executes the notebooks with nbval.
"""

import ast
import configparser
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
from papermill.translators import PythonTranslator

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
IPYNB = sorted(NOTEBOOKS.glob("*.ipynb"))
FORBIDDEN = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.For, ast.AsyncFor, ast.While,
             ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
RUN_METADATA = ("papermill", "execution", "ExecuteTime")


def ids(paths):
    return [p.stem for p in paths]


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def parameters_cells(nb):
    return [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]


def python_source(cell) -> str:
    """Cell source without IPython magics / shell lines (none are expected, but do not crash on them)."""
    return "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))


def test_there_are_notebooks():
    assert IPYNB, "no notebooks found"


@pytest.mark.parametrize("path", IPYNB, ids=ids(IPYNB))
def test_exactly_one_parameters_cell_of_commented_literals(path):
    nb = nbformat.read(path, as_version=4)
    cells = parameters_cells(nb)
    assert len(cells) == 1, f"{path.name}: {len(cells)} cells tagged 'parameters' (want exactly one)"
    cell = cells[0]
    assert cell.cell_type == "code"
    tree = ast.parse(cell.source)
    assert tree.body, f"{path.name}: empty parameters cell"
    lines = cell.source.splitlines()
    for stmt in tree.body:
        assert isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None, (
            f"{path.name} line {stmt.lineno}: parameters are typed literals `name: type = literal`")
        ast.literal_eval(stmt.value)  # raises on anything computed (calls, names, arithmetic on names)
        assert "#" in lines[stmt.end_lineno - 1], (
            f"{path.name}: parameter {stmt.target.id} has no comment saying what it is")
    # papermill --help-notebook must list every one (it skips lines with a second "=", e.g. in the comment)
    listed = [p.name for p in PythonTranslator.inspect(cell)]
    assert listed == [stmt.target.id for stmt in tree.body], f"{path.name}: papermill lists {listed}"
    assert not [c for c in nb.cells if "injected-parameters" in c.get("metadata", {}).get("tags", [])], (
        f"{path.name}: committed with papermill's injected parameters")


@pytest.mark.parametrize("path", IPYNB, ids=ids(IPYNB))
def test_no_def_class_or_loop_in_notebooks(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(code_cells(nb)):
        for node in ast.walk(ast.parse(python_source(cell))):
            assert not isinstance(node, FORBIDDEN), (
                f"{path.name} code cell {i}: {type(node).__name__} at line {node.lineno} -- "
                "logic belongs in the library (a notebook calls it)")


@pytest.mark.parametrize("path", IPYNB, ids=ids(IPYNB))
def test_paired_py_percent_in_sync(path):
    py = path.with_suffix(".py")
    assert py.exists(), f"{path.name} has no py:percent pair (jupytext --sync {path.name})"
    nb, script = jupytext.read(path), jupytext.read(py)

    def content(notebook):
        return [(c.cell_type, c.source.strip(), tuple(c.get("metadata", {}).get("tags", []))) for c in notebook.cells]

    assert content(nb) == content(script), f"{path.name} and {py.name} differ: run jupytext --sync"
    assert "format_name: percent" in py.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", IPYNB, ids=ids(IPYNB))
def test_py_pair_carries_no_run_metadata(path):
    text = path.with_suffix(".py").read_text(encoding="utf-8")
    headers = [line for line in text.splitlines() if line.startswith("# %%")]
    for key in RUN_METADATA:
        assert not [h for h in headers if key in h], f"{path.with_suffix('.py').name}: {key} metadata in a cell header"
    header = text.split("# ---", 2)[1] if text.startswith("# ---") else ""
    assert not re.search(r"^#\s+papermill:", header, re.M), "papermill metadata in the notebook header"


def test_every_script_has_its_notebook():
    scripts = {p.stem for p in NOTEBOOKS.glob("*.py")}
    assert scripts == {p.stem for p in IPYNB}


@pytest.mark.parametrize("path", IPYNB, ids=ids(IPYNB))
def test_reference_outputs_committed(path):
    """nbval passes an unexecuted notebook trivially: every code cell must carry its reference run."""
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("kernelspec", {}).get("name"), f"{path.name}: no kernelspec (papermill needs one)"
    unexecuted = [i for i, c in enumerate(code_cells(nb)) if c.get("execution_count") is None]
    assert not unexecuted, f"{path.name}: code cells {unexecuted} have no reference output (make notebooks)"
    checked = [c for c in code_cells(nb) if "# NBVAL_CHECK_OUTPUT" in c.source]
    assert checked, f"{path.name}: no key result cell marked # NBVAL_CHECK_OUTPUT"
    for c in checked:
        assert c.outputs, f"{path.name}: a # NBVAL_CHECK_OUTPUT cell has no output"
        errors = [o for o in c.outputs if o.get("output_type") == "error"]
        assert not errors, f"{path.name}: a checked cell failed in the reference run"


@pytest.mark.parametrize("path", IPYNB, ids=ids(IPYNB))
def test_parameters_are_validated_before_any_work(path):
    """The first code cell after `parameters` calls the library's validation (papermill accepts anything)."""
    nb = nbformat.read(path, as_version=4)
    cells = code_cells(nb)
    at = next(i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", []))
    following = cells[at + 1].source if at + 1 < len(cells) else ""
    assert re.search(r"\b(check|validate)\w*\(", following), (
        f"{path.name}: the cell after `parameters` should validate them through the library first")


def test_sanitize_file_covers_run_noise():
    cfg = configparser.ConfigParser()
    cfg.read(NOTEBOOKS / "nbval_sanitize.cfg", encoding="utf-8")
    noisy = {
        "2026-12-01T21:04:05.123456+00:00": "TIMESTAMP",
        "<Figure object at 0x7f3a2c1d9e50>": "<Figure object at 0xADDRESS>",
        "/tmp/ipykernel_1234/567890.py:3: UserWarning": "IPYKERNEL_CELL:3: UserWarning",
        "/work/x/.venv/lib/python3.11/site-packages/pandas/core/frame.py": "SITE_PACKAGES/pandas/core/frame.py",
    }
    for text, want in noisy.items():
        for section in cfg.sections():
            text = re.sub(cfg[section]["regex"], cfg[section]["replace"], text)
        assert text == want


def test_jupytext_config_filters_run_metadata():
    import tomllib

    cfg = tomllib.loads((NOTEBOOKS / "jupytext.toml").read_text(encoding="utf-8"))
    assert cfg["formats"] == "ipynb,py:percent"
    for key in ("-papermill", "-execution"):
        assert key in cfg["cell_metadata_filter"].split(",")
    assert "-papermill" in cfg["notebook_metadata_filter"].split(",")


# -- the checks the notebooks call first ----------------------------------------------------

from taicang_analysis.assessment.inputs import InputError  # noqa: E402
from taicang_analysis.present import notebook_support as support  # noqa: E402


@pytest.mark.parametrize("params, named", [
    ({"indicator": "no_such_thing"}, "indicator"),
    ({"as_of": "2021-13-01"}, "as_of"),
    ({"as_of": 3.5}, "as_of"),
    ({"draws": 10.5}, "draws"),
    ({"draws": 10}, "draws"),
    ({"seed": -1}, "seed"),
    ({"reference": "everything"}, "reference"),
    ({"numerator_growth": "fast"}, "numerator_growth"),
    ({"until": 1900}, "until"),
    ({"indicators": []}, "indicators"),
    ({"indicators": ["rd_intensity", "nope"]}, "indicators"),
    ({"level": 90}, "level"),
    ({"as_of": "2021-06-30", "since": "2022-01-01"}, "since"),
])
def test_bad_parameters_fail_naming_the_parameter(params, named):
    with pytest.raises(InputError, match=rf"^{named}="):
        support.check_parameters(**params)


def test_unknown_parameter_is_refused():
    with pytest.raises(InputError, match="^indicatr='rd_intensity': unknown parameter"):
        support.check_parameters(indicatr="rd_intensity")


def test_good_parameters_come_back_with_dates_normalised():
    got = support.check_parameters(indicator="rd_intensity", as_of=2021, since="2020-06-30", draws=1000, seed=0,
                                   target=None, numerator_growth=0.1, denominator_growth=None)
    assert got["as_of"] == "2021-12-31" and got["since"] == "2020-06-30" and got["draws"] == 1000


def test_every_notebooks_defaults_pass_the_checks():
    """What `papermill NB out.ipynb` runs with: the defaults must be valid (checked without the data)."""
    for path in IPYNB:
        nb = nbformat.read(path, as_version=4)
        tree = ast.parse(parameters_cells(nb)[0].source)
        namespace = {stmt.target.id: ast.literal_eval(stmt.value) for stmt in tree.body}  # literals (checked above)
        support.check_parameters(**namespace)


def test_traffic_lights_cover_every_grade():
    from taicang_analysis.assessment.assess import STATUSES
    assert set(support.LIGHTS) == set(STATUSES)
    assert {support.LIGHTS[s] for s in ("on_track", "target_already_met")} == {"green"}
    assert support.LIGHTS["moving_away"] == "red" and support.LIGHTS["not_assessable"] == "grey"
