"""The notebook runs go through a Dask cluster's executor (here a local one: one worker, no dashboard)."""

from __future__ import annotations

import argparse
import json

import nbformat

import pytest

from taicang_analysis.brief import cli as brief_cli
from taicang_analysis.brief import runner
from taicang_analysis.brief.cluster import dask_executor

from test_brief_runner import NOTEBOOKS, fake_headline

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    # processes=False keeps it cheap (the worker is a thread of this process); the runner never chdir-s,
    # so a thread-based worker is as good a test of the executor path as a process
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None,
                                  silence_logs=40) as c:
        yield c


def test_run_brief_through_a_dask_cluster(cluster, tmp_path):
    out = tmp_path / "reports" / "2024-06-30"
    with dask_executor(cluster.scheduler_address) as executor:
        result = runner.run_brief(as_of="2024-06-30", out_dir=out,
                                  notebooks=[NOTEBOOKS / "ok.ipynb", NOTEBOOKS / "fails.ipynb"], timeout=60,
                                  progress=False, pdf=False, executor=executor, headline_fn=fake_headline)
    assert {r.name: r.status for r in result.runs} == {"ok": "ok", "fails": "failed"}
    assert result.exit_code == 1
    assert "distributed" in result.manifest["executor"]
    assert (out / "ok.html").is_file()
    printed = [o["text"] for c in nbformat.read(out / "ok.ipynb", as_version=4).cells for o in c.get("outputs", [])
               if o.get("output_type") == "stream"]
    assert json.loads(printed[0]) == {"as_of": "2024-06-30", "value": 20240630 * 2 % 997}


def test_an_unreachable_scheduler_is_named():
    with pytest.raises(ConnectionError, match="--scheduler tcp://127.0.0.1:9: cannot reach a Dask scheduler"):
        with dask_executor("tcp://127.0.0.1:9", timeout=1):
            pass


def test_the_cli_maps_an_unreachable_scheduler_to_exit_2(tmp_path, capsys, monkeypatch):
    from taicang_analysis.brief import cluster

    def unreachable(address, **_):
        raise ConnectionError(f"--scheduler {address}: cannot reach a Dask scheduler there (refused)")

    monkeypatch.setattr(cluster, "dask_executor", unreachable)
    parser = brief_cli.add_arguments(argparse.ArgumentParser())
    args = parser.parse_args(["--out", str(tmp_path / "x"), "--notebooks", str(NOTEBOOKS), "--no-progress",
                              "--scheduler", "tcp://127.0.0.1:9"])
    assert brief_cli.run(args, []) == 2
    err = capsys.readouterr().err
    assert "cannot reach a Dask scheduler" in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()
