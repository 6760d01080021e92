"""A brief folder appears only complete; a second run into the same folder is refused; replacing is clean."""

from __future__ import annotations

import argparse
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from taicang_analysis.brief import cli as brief_cli
from taicang_analysis.brief import io as brief_io
from taicang_analysis.brief import render, runner

from test_brief_runner import NOTEBOOKS, fake_headline

QUICK = [NOTEBOOKS / "noparams.ipynb"]


def _run(out, **kw):
    """A cheap brief: one notebook, a fake headline, a thread instead of a process pool."""
    kw.setdefault("headline_fn", fake_headline)
    with ThreadPoolExecutor(1) as pool:
        return runner.run_brief(executor=pool, as_of=kw.pop("as_of", "2024-06-30"), out_dir=out, notebooks=QUICK, jobs=1,
                                timeout=60, progress=False, pdf=False, **kw)


def test_an_interrupted_run_leaves_no_folder_that_looks_complete(tmp_path, monkeypatch):
    out = tmp_path / "reports" / "2024-06-30"

    def interrupted(**_):
        raise KeyboardInterrupt  # e.g. Ctrl-C while the index is written

    monkeypatch.setattr(render, "index_page", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _run(out)
    assert not out.exists()
    assert list(out.parent.iterdir()) == []  # staging folder and lock file gone too
    monkeypatch.undo()
    assert _run(out).exit_code == 0  # the lock was released
    assert (out / "manifest.json").is_file() and (out / "index.html").is_file()


def test_a_killed_runs_staging_folder_is_hidden_never_listed_and_cleaned_up(tmp_path):
    out = tmp_path / "reports" / "2024-06-30"
    stale = out.parent / f".{out.name}{brief_io.STAGING_MARK}killed"
    stale.mkdir(parents=True)
    (stale / "manifest.json").write_text(json.dumps({"parameters": {"as_of": "2024-06-30"}}))
    (stale / "headline.json").write_text("{}")
    assert brief_io.earlier_briefs(out.parent) == []
    _run(out)
    assert not stale.exists()


def test_replacing_a_brief_swaps_the_folder_and_leaves_no_old_copy(tmp_path):
    out = tmp_path / "reports" / "2024-06-30"
    _run(out)
    (out / "marker.txt").write_text("from the first run")
    _run(out)
    assert not (out / "marker.txt").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["2024-06-30"]


def test_a_second_run_into_the_same_folder_is_refused(tmp_path):
    out = tmp_path / "reports" / "2024-06-30"
    with brief_io.locked(out):
        with pytest.raises(brief_io.BriefLocked, match="another brief run is writing into"):
            _run(out)
        assert not out.exists()


def test_runs_into_different_folders_do_not_interfere(tmp_path):
    a, b = tmp_path / "reports" / "2024-06-30", tmp_path / "reports" / "2024-09-30"
    with brief_io.locked(a):
        result = _run(b, as_of="2024-09-30")
    assert result.exit_code == 0 and (b / "manifest.json").is_file() and not a.exists()


def test_the_cli_refuses_a_locked_folder_with_exit_2(tmp_path, capsys):
    out = tmp_path / "reports" / "2024-06-30"
    parser = brief_cli.add_arguments(argparse.ArgumentParser())
    args = parser.parse_args(["--as-of", "2024-06-30", "--out", str(out), "--notebooks", str(NOTEBOOKS),
                              "--no-progress"])
    with brief_io.locked(out):
        assert brief_cli.run(args, []) == 2
    err = capsys.readouterr().err
    assert "another brief run is writing into" in err and "Traceback" not in err


@pytest.mark.parametrize("argv, message", [
    (["--as-of", "2024-13-01"], "--as-of"),
    (["--jobs", "0"], "--jobs"),
    (["--timeout", "0"], "--timeout"),
    (["--draws", "5"], "--draws"),
    (["--notebooks", "no/such/folder"], "no such folder"),
    (["--since", "2001-01-01"], "no brief with that as-of"),
    (["--plan", "no_such_plan"], "plan 'no_such_plan' is unknown"),
    (["--calibration", "no/such.csv"], "--calibration"),
])
def test_bad_cli_arguments_exit_2_with_a_message(tmp_path, capsys, argv, message):
    parser = brief_cli.add_arguments(argparse.ArgumentParser())
    base = ["--out", str(tmp_path / "reports" / "x"), "--notebooks", str(NOTEBOOKS), "--no-progress"]
    args = parser.parse_args(base + argv if "--notebooks" not in argv else base[:2] + ["--no-progress"] + argv)
    assert brief_cli.run(args, []) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "reports" / "x").exists()


def test_the_cli_keeps_the_legacy_flags():
    parser = brief_cli.add_arguments(argparse.ArgumentParser())
    args = parser.parse_args(["--year", "2025", "--draws", "2000", "--seed", "3", "--calibration", "none",
                              "--as-of", "2023"])
    assert (args.year, args.draws, args.seed, args.calibration, args.as_of) == (2025, 2000, 3, "none", "2023")
    assert runner.normalise_as_of(args.as_of) == "2023-12-31"


def test_lock_is_exclusive_and_reusable(tmp_path):
    out = Path(tmp_path) / "r" / "x"
    with brief_io.locked(out):
        with pytest.raises(brief_io.BriefLocked):
            with brief_io.locked(out):
                pass
    with brief_io.locked(out):
        pass
    assert not (out.parent / "x.lock").exists()
