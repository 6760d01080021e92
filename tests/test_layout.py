"""House rules that keep the project honest: pins agree, layout holds, raw data is read-only."""

from __future__ import annotations

import re
from pathlib import Path

from taicang_analysis.data import io, paths

ROOT = Path(__file__).resolve().parents[1]  # the repository this test file belongs to


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[re.sub(r"\[.*\]", "", name).lower().replace("_", "-")] = version
    return pins


def test_every_direct_dependency_is_pinned_exactly_and_the_lock_agrees():
    direct = _pins(ROOT / "requirements.txt")
    lock = _pins(ROOT / "requirements.lock")
    assert direct and all(direct.values()), "every requirement needs an exact == pin"
    for name, version in direct.items():
        assert lock.get(name) == version, f"{name}: requirements.txt {version} vs lock {lock.get(name)}"
    assert all(lock.values())


def test_environment_yml_installs_the_same_lock_with_the_same_python():
    env = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s*-\s*python=3\.11\s*$", env, re.M)
    assert re.search(r"^\s*-\s*-r requirements\.lock\s*$", env, re.M)
    assert "not exercised by ci" in env.lower()


def test_readme_commands_are_make_targets_and_ci_runs_the_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for command in ("make brief", "make test"):
        assert command in readme
        assert re.search(rf"^{command.split()[1]}:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_expected_folders_exist():
    for folder in ("taicang_analysis", "data/raw", "data/processed", "notebooks", "tests", "benchmarks", "docs"):
        assert (ROOT / folder).is_dir(), folder


def test_only_io_touches_the_disk_and_nothing_writes_into_data_raw():
    for path in (ROOT / "taicang_analysis").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name not in ("io.py", "cli.py"):
            assert not re.search(r"\bopen\(|\.write_text\(|\.write_bytes\(|to_csv\(", text), path.name
        assert not re.search(r"RAW_DIR[^\n]*\b(write|unlink|replace|rename)", text), path.name


def test_outputs_go_to_the_processed_folder_of_the_data_directory_by_default(tmp_path, monkeypatch):
    (tmp_path / "raw").mkdir()
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path))
    written = io.write_tables_atomically({"x.csv": b"a\n1\n"})
    assert written == [tmp_path.resolve() / "processed" / "x.csv"]
    assert (tmp_path / "processed" / "x.csv").read_bytes() == b"a\n1\n"
    assert io.PROCESSED_DIR == tmp_path.resolve() / "processed"
    assert io.RAW_DIR == tmp_path.resolve() / "raw"


def test_processed_outputs_are_not_committed():
    ignore = (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert "data/processed/*" in ignore


def test_each_notebook_has_one_parameters_cell_and_a_paired_script_in_sync():
    import jupytext
    import nbformat

    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
        assert not re.search(r"\bdef |\bfor |\bwhile ", "\n".join(c.source for c in nb.cells if c.cell_type == "code")), \
            f"{path.name}: logic belongs in the library"
        paired = jupytext.read(path.with_suffix(".py"))
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        assert code == [c.source for c in paired.cells if c.cell_type == "code"], f"{path.name} and its .py differ"
        assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
