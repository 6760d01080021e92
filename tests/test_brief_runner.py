"""The brief runner on tiny notebooks (tests/notebooks): ok, failing, hanging, without parameters.

One brief is run once for the module (kernels take seconds to start); each test reads what it wrote.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from taicang_analysis.brief import io as brief_io
from taicang_analysis.brief import runner
from taicang_analysis.data import io as data_io

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
AS_OF = "2024-06-30"
TIMEOUT = 15  # seconds: room for a kernel to start on a loaded 2-core machine before "hangs" must print


def fake_headline(*, as_of, plan=None, **_):
    """A headline without the model run (the real one is tested in test_brief_index)."""
    return {"rows": [{"indicator": "rd_intensity", "name_zh": "全社会研发经费支出占地区生产总值比重",
                      "name_en": "R&D expenditure as % of GDP", "unit": "%", "observations": {"2020": 3.34},
                      "latest_value": 3.34, "latest_year": 2020, "target_value": 4.2, "target_year": 2025,
                      "comparator": "ge", "comparator_sign": "≥", "status": "on_track", "probability": 0.35,
                      "median": 3.96, "lower": 3.0, "upper": 5.26, "level": 0.8, "light": "amber"}],
            "basis": "test", "settings": {"as_of": as_of}}


@pytest.fixture(scope="module")
def brief(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports") / AS_OF
    result = runner.run_brief(as_of=AS_OF, out_dir=out, notebooks_dir=NOTEBOOKS, jobs=2, timeout=TIMEOUT,
                              progress=False, headline_fn=fake_headline)
    return result


def _outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            parts.append(o.get("text", "") if o.get("output_type") == "stream" else "")
            if o.get("output_type") == "error":
                parts.append(f"{o['ename']}: {o['evalue']}")
            parts.append(str(o.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def test_each_notebook_gets_its_status_and_the_brief_exits_1(brief):
    status = {r.name: r.status for r in brief.runs}
    assert status == {"ok": "ok", "noparams": "ok", "fails": "failed", "hangs": "timeout"}
    assert brief.exit_code == 1
    assert sorted(brief.failed) == ["fails", "hangs"]
    failed = next(r for r in brief.runs if r.name == "fails")
    assert "ValueError: deliberately broken" in failed.error


def test_the_ok_notebook_computed_from_the_as_of_it_was_given(brief):
    nb = nbformat.read(brief.out_dir / "ok.ipynb", as_version=4)
    printed = json.loads(next(o["text"] for c in nb.cells for o in c.get("outputs", [])
                              if o.get("output_type") == "stream"))
    assert printed == {"as_of": AS_OF, "value": 20240630 * 2 % 997}
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)


def test_parameters_go_only_where_declared(brief):
    runs = {r.name: r for r in brief.runs}
    assert runs["ok"].parameters == {"as_of": AS_OF}
    assert runs["noparams"].parameters == {}
    nb = nbformat.read(brief.out_dir / "noparams.ipynb", as_version=4)
    assert not any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert "42" in _outputs_text(nb)


def test_a_failing_notebook_keeps_its_partial_output_and_shows_the_error(brief):
    nb = nbformat.read(brief.out_dir / "fails.ipynb", as_version=4)
    text = _outputs_text(nb)
    assert "before the failure" in text and "ValueError: deliberately broken" in text
    assert "never reached" not in text
    page = (brief.out_dir / "fails.html").read_text(encoding="utf-8")
    assert "deliberately broken" in page and 'class="banner"' in page
    assert "raise ValueError" not in page  # code cells are not shown


def test_a_hanging_notebook_is_stopped_at_the_timeout_with_its_output_so_far(brief):
    nb = nbformat.read(brief.out_dir / "hangs.ipynb", as_version=4)
    text = _outputs_text(nb)
    assert "started" in text and "Timeout" in text and "never reached" not in text
    run = next(r for r in brief.runs if r.name == "hangs")
    assert f"{TIMEOUT}" in run.error


def test_index_marks_each_page_and_links_it(brief):
    index = (brief.out_dir / "index.html").read_text(encoding="utf-8")
    for name, status in (("ok", "ok"), ("noparams", "ok"), ("fails", "failed"), ("hangs", "timeout")):
        assert f'data-notebook="{name}" data-status="{status}"' in index
        assert f'href="{name}.html"' in index
        assert (brief.out_dir / f"{name}.html").is_file()
    assert "data:image/png;base64," in index  # the ok notebook's figure, embedded


def test_pages_are_offline_safe_and_embed_their_images(brief):
    page = (brief.out_dir / "ok.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in page
    assert 'src="http' not in page and "href=\"http" not in page.split("<body")[0]


def test_manifest_hashes_every_raw_file(brief):
    manifest = json.loads((brief.out_dir / "manifest.json").read_text(encoding="utf-8"))
    hashes = manifest["inputs"]["sha256"]
    raw = sorted(p for p in data_io.RAW_DIR.rglob("*") if p.is_file())
    assert sorted(hashes) == sorted(p.relative_to(data_io.RAW_DIR).as_posix() for p in raw)
    for p in raw:
        assert hashes[p.relative_to(data_io.RAW_DIR).as_posix()] == hashlib.sha256(p.read_bytes()).hexdigest()
    assert manifest["parameters"]["as_of"] == AS_OF
    assert manifest["packages"]["papermill"] and manifest["packages"]["pandas"]
    assert set(manifest["git"]) >= {"commit", "dirty"}
    assert {n["name"]: n["status"] for n in manifest["notebooks"]}["fails"] == "failed"
    assert manifest["timings"]["total"] > 0


def test_the_manifest_command_reproduces_a_notebooks_numbers(brief, tmp_path):
    manifest = json.loads((brief.out_dir / "manifest.json").read_text(encoding="utf-8"))
    entry = next(n for n in manifest["notebooks"] if n["name"] == "ok")
    args = shlex.split(entry["command"])
    assert args[:3] == ["python", "-m", "papermill"] and "-r" in args and AS_OF in args
    out = tmp_path / "rerun.ipynb"
    args[0], args[4] = sys.executable, str(out)  # same command; write the copy into the test's folder
    done = subprocess.run(args, cwd=manifest["parameters"]["cwd"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    again = nbformat.read(out, as_version=4)
    first = nbformat.read(brief.out_dir / "ok.ipynb", as_version=4)
    streams = [[o["text"] for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "stream"]
               for nb in (first, again)]
    assert streams[0] == streams[1] and streams[0]


def test_nothing_but_the_brief_is_left_beside_it(brief):
    siblings = sorted(p.name for p in brief.out_dir.parent.iterdir())
    assert siblings == [AS_OF]  # no staging folder, no lock file
    assert (brief.out_dir.stat().st_mode & 0o077) != 0  # readable by others, not mkdtemp's 0700


def test_declared_parameters_reads_the_parameters_cell():
    assert runner.declared_parameters(NOTEBOOKS / "ok.ipynb") == ["as_of", "scale"]
    assert runner.declared_parameters(NOTEBOOKS / "noparams.ipynb") == []


def test_bad_arguments_are_named():
    with pytest.raises(runner.BriefError, match="no such folder"):
        runner.find_notebooks(NOTEBOOKS / "missing")
    with pytest.raises(runner.BriefError, match="not a date"):
        runner.normalise_as_of("2024-13-45")
    with pytest.raises(runner.BriefError, match="lang"):
        runner.run_brief(as_of=AS_OF, out_dir="unused", notebooks=[NOTEBOOKS / "ok.ipynb"], lang="fr")
    with pytest.raises(runner.BriefError, match="timeout"):
        runner.run_brief(as_of=AS_OF, out_dir="unused", notebooks=[NOTEBOOKS / "ok.ipynb"], timeout=0)


def test_the_guard_kills_a_kernel_process_group_and_spares_ours():
    from types import SimpleNamespace

    from taicang_analysis.brief import execute
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
    holder = [SimpleNamespace(provisioner=SimpleNamespace(pid=child.pid))]
    assert execute._kill_kernel(holder) is True
    assert child.wait(timeout=30) == -9
    assert execute._kill_kernel([SimpleNamespace(provisioner=SimpleNamespace(pid=None))]) is False


def test_a_kernel_that_cannot_start_within_the_budget_is_a_timeout_not_a_failure(tmp_path):
    from taicang_analysis.brief import execute

    task = {"name": "ok", "input": str(NOTEBOOKS / "ok.ipynb"), "parameters": {"as_of": AS_OF},
            "cwd": str(NOTEBOOKS), "timeout": 0.05}
    result = execute.run_notebook(task)
    assert result["status"] == "timeout" and "0.05" in result["error"]
    assert "TraitError" not in result["error"]  # a fractional budget is a valid --timeout
    assert [execute._start_timeout(t) for t in (0.05, 8.0, 8.5, 600)] == [1, 8, 9, 60]
