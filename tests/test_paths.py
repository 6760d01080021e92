"""data.paths: the data directory comes from an argument, TAICANG_DATA_DIR, the working directory, the source tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from taicang_analysis.data import io, paths


def _data(folder: Path) -> Path:
    (folder / "raw").mkdir(parents=True)
    return folder


def test_an_explicit_directory_wins_over_the_environment_and_the_working_directory(tmp_path):
    explicit, env, clone = _data(tmp_path / "explicit"), _data(tmp_path / "env"), _data(tmp_path / "clone" / "data")
    environ = {paths.ENV_VAR: str(env)}
    assert paths.data_dir(explicit, environ=environ, cwd=clone.parent) == explicit.resolve()
    assert paths.data_dir(None, environ=environ, cwd=clone.parent) == env.resolve()
    assert paths.data_dir(None, environ={}, cwd=clone.parent) == clone.resolve()


def test_the_working_directory_or_its_nearest_parent_holding_data_raw(tmp_path):
    clone = tmp_path / "clone"
    _data(clone / "data")
    deep = clone / "notebooks" / "sub"
    deep.mkdir(parents=True)
    assert paths.data_dir(environ={}, cwd=deep) == (clone / "data").resolve()
    assert paths.raw_dir(environ={}, cwd=deep) == (clone / "data" / "raw").resolve()
    assert paths.processed_dir(environ={}, cwd=deep) == (clone / "data" / "processed").resolve()


def test_the_source_tree_only_last(tmp_path):
    nowhere = tmp_path / "empty"
    nowhere.mkdir()
    tree = paths.source_tree_data_dir()
    if (tree / "raw").is_dir():
        assert paths.data_dir(environ={}, cwd=nowhere) == tree
    else:  # an installed package without a checkout: a clear error, not a guess
        with pytest.raises(paths.DataDirError, match=paths.ENV_VAR):
            paths.data_dir(environ={}, cwd=nowhere)


@pytest.mark.parametrize("how", ["explicit", "environment"])
def test_a_directory_that_does_not_exist_is_an_error_naming_it(tmp_path, how):
    missing = tmp_path / "nope"
    with pytest.raises(paths.DataDirError, match="nope") as err:
        if how == "explicit":
            paths.data_dir(missing, environ={})
        else:
            paths.data_dir(environ={paths.ENV_VAR: str(missing)})
    if how == "environment":
        assert paths.ENV_VAR in str(err.value)


def test_io_resolves_at_call_time(tmp_path, monkeypatch):
    data = _data(tmp_path / "d")
    (data / "raw" / "targets").mkdir()
    (data / "raw" / "targets" / "t.csv").write_text("region,indicator\nTaicang,rd_intensity\n", encoding="utf-8")
    monkeypatch.setenv(paths.ENV_VAR, str(data))
    raw = io.read_raw()
    assert list(raw.targets) == ["targets/t.csv"] and not raw.observations and not raw.documents
    with pytest.raises(FileNotFoundError, match="make data"):
        io.read_processed("targets.csv")
    monkeypatch.setenv(paths.ENV_VAR, str(tmp_path / "gone"))
    with pytest.raises(paths.DataDirError):
        io.read_raw()


def test_the_directory_constants_follow_the_environment_and_survive_a_monkeypatch(tmp_path, monkeypatch):
    """io.PROCESSED_DIR is one lazy object: patching and restoring it never pins the directory of the moment."""
    first, second = _data(tmp_path / "first"), _data(tmp_path / "second")
    monkeypatch.setenv(paths.ENV_VAR, str(first))
    assert io.PROCESSED_DIR == first.resolve() / "processed" and io.RAW_DIR / "x" == first.resolve() / "raw" / "x"
    assert io.processed_folder() == first.resolve() / "processed"
    with monkeypatch.context() as mp:
        mp.setattr(io, "PROCESSED_DIR", second / "elsewhere")
        io.write_tables_atomically({"t.csv": b"a\n1\n"})  # the default follows the patched constant
        assert (second / "elsewhere" / "t.csv").exists()
    monkeypatch.setenv(paths.ENV_VAR, str(second))
    assert io.PROCESSED_DIR == second.resolve() / "processed"  # restored, still lazy
    assert str(io.RAW_DIR) == str(second.resolve() / "raw")
