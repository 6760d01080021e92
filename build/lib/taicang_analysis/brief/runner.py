"""The quarterly brief: execute the notebook suite with papermill and write a
readable, reproducible folder (executed notebooks, HTML pages, index.html,
headline.json, changes.json, brief.pdf, manifest.json).

Notebooks run in parallel through any ``concurrent.futures.Executor`` (default:
a process pool; a Dask cluster's executor works the same).  One failing or
hanging notebook never stops the others.  The folder appears only when complete
(staging folder renamed into place) and a lock refuses a second run into it.
"""

from __future__ import annotations

import ast
import concurrent.futures as cf
import datetime as dt
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..present import sentences
from . import changes as changes_mod
from . import execute, render
from . import io as brief_io

PASSED_PARAMETERS = ("as_of", "plan", "since", "lang")  # handed to a notebook only when it declares them
DEFAULT_NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent.parent / "notebooks"
OUTER_GRACE = 60.0  # seconds beyond the worst case before the runner gives up on the executor


class BriefError(ValueError):
    """A bad argument to the brief (an unknown plan, a missing notebook, no earlier brief for --since)."""


@dataclass(frozen=True)
class NotebookRun:
    name: str
    status: str  # ok | failed | timeout
    error: str | None
    seconds: float
    started: str | None
    finished: str | None
    parameters: dict
    command: str
    host: str | None = None


@dataclass
class BriefResult:
    out_dir: Path
    runs: list[NotebookRun]
    manifest: dict
    changes: list | None = None
    since: str | None = None
    seconds: float = 0.0
    pdf: dict = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 when every notebook ran, 1 when any failed or was stopped at the timeout."""
        return 0 if all(r.status == "ok" for r in self.runs) else 1

    @property
    def failed(self) -> list[str]:
        return [r.name for r in self.runs if r.status != "ok"]


def declared_parameters(path: Path) -> list[str]:
    """Names assigned in the notebook's cell tagged ``parameters`` (read from the JSON, no kernel)."""
    nb = brief_io.read_json(path)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else src
            try:
                tree = ast.parse(src)
            except SyntaxError as exc:
                raise BriefError(f"{path}: the parameters cell is not valid Python ({exc.msg}, line {exc.lineno})")
            names = []
            for node in tree.body:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                    node, (ast.AnnAssign, ast.AugAssign)) else []
                names += [t.id for t in targets if isinstance(t, ast.Name)]
            return names
    return []


def find_notebooks(notebooks_dir: Path | None = None, notebooks=None) -> list[Path]:
    """An explicit list, or every *.ipynb of the suite folder (sorted; checkpoints skipped)."""
    if notebooks:
        paths = [Path(p) for p in notebooks]
    else:
        folder = Path(notebooks_dir or DEFAULT_NOTEBOOKS_DIR)
        if not folder.is_dir():
            raise BriefError(f"--notebooks {folder}: no such folder")
        paths = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
        if not paths:
            raise BriefError(f"--notebooks {folder}: no *.ipynb in it")
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise BriefError(f"no such notebook: {', '.join(missing)}")
    stems = [p.stem for p in paths]
    dup = sorted({s for s in stems if stems.count(s) > 1})
    if dup:
        raise BriefError(f"two notebooks named {dup[0]!r}: their outputs would overwrite each other")
    return paths


def normalise_as_of(as_of) -> str:
    from ..assessment.plans import as_of_date
    if as_of is None:
        return dt.date.today().isoformat()
    try:
        return as_of_date(as_of)
    except ValueError as exc:
        raise BriefError(f"as_of {as_of!r}: not a date (YYYY-MM-DD) or a year ({exc})") from None


def resolve_since(since, *, as_of: str, reports_root: Path, out_dir: Path) -> tuple[str, Path] | None:
    """The earlier brief to compare with: ``since`` as a date (a brief with that as-of under the reports
    root) or a folder; by default the newest brief under the root with an earlier as-of."""
    briefs = brief_io.earlier_briefs(reports_root, exclude=out_dir)
    if since is None:
        earlier = [(a, f) for a, f in briefs if a < as_of]
        return earlier[-1] if earlier else None
    folder = Path(str(since))
    if folder.is_dir() and (folder / "headline.json").is_file():
        manifest = folder / "manifest.json"
        when = brief_io.read_json(manifest)["parameters"]["as_of"] if manifest.is_file() else folder.name
        return str(when), folder
    want = normalise_as_of(since)
    match = [(a, f) for a, f in briefs if a == want]
    if not match:
        known = ", ".join(a for a, _ in briefs) or "none"
        raise BriefError(f"since {since!r}: no brief with that as-of date under {reports_root} (found: {known})")
    return match[-1]


def run_task(task: dict) -> dict:
    """What a worker does for one notebook: execute it, then render its reading page."""
    result = execute.run_notebook(task)
    try:
        result["html"] = render.notebook_page(result["notebook"], name=task["name"], status=result["status"],
                                              error=result["error"], seconds=result["seconds"],
                                              langs=tuple(task["langs"]))
    except Exception as exc:  # noqa: BLE001 -- a rendering problem is shown, not fatal
        result["html"] = (f"<!DOCTYPE html><meta charset='utf-8'><p>could not render {render.esc(task['name'])}: "
                          f"{render.esc(type(exc).__name__)}: {render.esc(exc)}</p>")
    return result


def _kill_pool(executor) -> None:
    for proc in list(getattr(executor, "_processes", {}) .values()):
        try:
            proc.kill()
        except Exception:  # noqa: BLE001
            pass


def run_brief(*, as_of, plan: str | None = None, out_dir, notebooks_dir=None, notebooks=None,
              jobs: int | None = None, since=None, timeout: float = 600, lang: str = "both",
              executor: cf.Executor | None = None, progress: bool = True, parameters: dict | None = None,
              headline_options: dict | None = None, reports_root=None, kernel: str = execute.KERNEL,
              command: list[str] | None = None, headline_fn=None, pdf: bool = True) -> BriefResult:
    """Run the suite for ``as_of`` and write the brief into ``out_dir``; see the module docstring.

    parameters: more notebook parameters (e.g. draws, seed, calibration), passed where declared.
    headline_options: keyword arguments of ``headline.headline`` (year, draws, seed, calibration).
    headline_fn: the function producing the headline dict (default ``headline.headline``; tests swap it).
    pdf: print brief.pdf with headless Chromium (when it is on PATH).
    """
    t_start = time.monotonic()
    as_of = normalise_as_of(as_of)
    try:
        langs = sentences.langs_for(lang)
    except ValueError as exc:
        raise BriefError(str(exc)) from None
    if not timeout or timeout <= 0:
        raise BriefError(f"timeout must be a positive number of seconds; got {timeout!r}")
    jobs = jobs or os.cpu_count() or 1
    if jobs < 1:
        raise BriefError(f"jobs must be at least 1; got {jobs}")
    paths = find_notebooks(notebooks_dir, notebooks)
    nb_dir = Path(notebooks_dir) if notebooks_dir else paths[0].parent
    out_dir = Path(out_dir).absolute()
    reports_root = Path(reports_root) if reports_root else out_dir.parent
    if headline_fn is None:
        from .headline import headline as headline_fn
    if plan is not None:
        _check_plan(plan)
    earlier = resolve_since(since, as_of=as_of, reports_root=reports_root, out_dir=out_dir)
    since_as_of = earlier[0] if earlier else None
    base_params = dict(zip(PASSED_PARAMETERS, (as_of, plan, since_as_of, lang)))

    with brief_io.locked(out_dir):
        brief_io.remove_stale_staging(out_dir)
        staging = brief_io.stage(out_dir)
        try:
            result = _run_into(staging, out_dir, paths, base_params, as_of=as_of, plan=plan, langs=langs, lang=lang,
                               timeout=timeout, jobs=jobs, nb_dir=nb_dir, kernel=kernel, command=command,
                               executor=executor, progress=progress, parameters=parameters or {},
                               headline_options=headline_options or {}, headline_fn=headline_fn,
                               earlier=earlier, t_start=t_start, pdf=pdf)
        except BaseException:
            brief_io.discard(staging)  # an interrupted run leaves nothing that looks like a brief
            raise
        brief_io.publish(staging, out_dir)
    return result


def _run_into(staging, out_dir, paths, base_params, *, as_of, plan, langs, lang, timeout, jobs, nb_dir, kernel,
              command, executor, progress, parameters, headline_options, headline_fn, earlier, t_start, pdf):
    own_executor = executor is None
    pool = executor or cf.ProcessPoolExecutor(max_workers=jobs)
    try:
        tasks = []
        for path in paths:
            declared = declared_parameters(path)
            params = {k: v for k, v in base_params.items() if k in declared and (v is not None or k == "as_of")}
            params.update({k: v for k, v in parameters.items() if k in declared})
            tasks.append({"name": path.stem, "input": str(path.resolve()), "parameters": params,
                          "cwd": str(path.parent.resolve()), "timeout": float(timeout), "kernel": kernel,
                          "langs": list(langs)})
        t_nb = time.monotonic()
        futures = {pool.submit(run_task, t): t for t in tasks}
        t_head = time.monotonic()
        head = headline_fn(as_of=as_of, plan=plan, **headline_options)  # while the notebooks run
        headline_seconds = time.monotonic() - t_head
        results = _collect(futures, pool if own_executor else None, timeout=timeout, progress=progress)
        notebooks_seconds = time.monotonic() - t_nb
    finally:
        if own_executor:
            pool.shutdown(wait=True, cancel_futures=True)
    return _write_brief(staging, out_dir, tasks, results, head, earlier, as_of=as_of, plan=plan, langs=langs,
                        lang=lang, timeout=timeout, jobs=jobs, nb_dir=nb_dir, kernel=kernel, command=command,
                        pool=pool, extra=parameters, headline_options=headline_options,
                        timings={"notebooks_wall": round(notebooks_seconds, 3),
                                 "headline": round(headline_seconds, 3)}, t_start=t_start, want_pdf=pdf)


def _check_plan(plan: str) -> None:
    from .headline import check_plan
    try:
        check_plan(plan)
    except ValueError as exc:
        raise BriefError(str(exc)) from None


def _collect(futures: dict, own_pool, *, timeout: float, progress: bool) -> dict[str, dict]:
    from tqdm import tqdm
    results: dict[str, dict] = {}
    outer = timeout * len(futures) + OUTER_GRACE  # every notebook one after another, plus grace
    bar = tqdm(total=len(futures), desc="brief", unit="notebook", file=sys.stderr, disable=None if progress else True,
               leave=True)
    try:
        for fut in cf.as_completed(futures, timeout=outer):
            task = futures[fut]
            try:
                results[task["name"]] = fut.result()
            except Exception as exc:  # noqa: BLE001 -- a worker crash marks that notebook, not the brief
                results[task["name"]] = _no_result(task, f"the worker failed: {type(exc).__name__}: {exc}")
            bar.set_postfix_str(f"{task['name']}: {results[task['name']]['status']}")
            bar.update()
    except cf.TimeoutError:
        for fut, task in futures.items():
            if task["name"] not in results:
                fut.cancel()
                results[task["name"]] = _no_result(task, f"no result from the executor within {outer:g} s",
                                                   status="timeout")
        if own_pool is not None:
            _kill_pool(own_pool)
    finally:
        bar.close()
    return results


def _no_result(task: dict, error: str, status: str = "failed") -> dict:
    import json
    nb = brief_io.read_json(task["input"]) if Path(task["input"]).is_file() else {"cells": [], "metadata": {},
                                                                                   "nbformat": 4, "nbformat_minor": 5}
    nb_json = json.dumps(nb, ensure_ascii=False)
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{render.STYLE}</style></head><body>"
            f"<div class='banner'>{render.esc(task['name'])}: {render.esc(error)}</div></body></html>")
    return {"name": task["name"], "status": status, "error": error, "started": None, "finished": None,
            "seconds": 0.0, "notebook": nb_json, "html": page, "host": None}


def _write_brief(staging: Path, out_dir: Path, tasks, results, head, earlier, *, as_of, plan, langs, lang,
                 timeout, jobs, nb_dir, kernel, command, pool, extra, headline_options, timings,
                 t_start, want_pdf=True) -> BriefResult:
    from .manifest import build_manifest, rerun_command
    from ..data import io as data_io
    runs = []
    for task in tasks:
        r = results[task["name"]]
        brief_io.put_text(staging / f"{task['name']}.ipynb", r["notebook"])
        brief_io.put_text(staging / f"{task['name']}.html", r["html"])
        cmd = rerun_command(input_path=Path(task["input"]), output_path=out_dir / f"{task['name']}.rerun.ipynb",
                            cwd=Path(task["cwd"]), parameters=task["parameters"], kernel=kernel)
        runs.append(NotebookRun(task["name"], r["status"], r["error"], r["seconds"], r["started"], r["finished"],
                                task["parameters"], cmd, r.get("host")))
    head = {"as_of": as_of, "plan": plan, **head}
    brief_io.write_json(staging / "headline.json", head)

    changes, change_items = None, None
    if earlier is not None:
        old = brief_io.read_json(earlier[1] / "headline.json")
        changes = changes_mod.diff_headlines(old, head)
        names = {r["indicator"]: {"zh": r["name_zh"], "en": r["name_en"]} for r in old.get("rows", []) + head["rows"]}
        described = [{lang_: changes_mod.describe(c, names, lang_) for lang_ in sentences.LANGS} for c in changes]
        change_items = render.change_items(described, langs)
        brief_io.write_json(staging / "changes.json", {"since": earlier[0], "since_folder": str(earlier[1]),
                                                       "as_of": as_of,
                                                       "changes": [c.to_dict() | {"text": d}
                                                                   for c, d in zip(changes, described)]})
    figures = {}
    for task in tasks:
        pngs = render.notebook_images(results[task["name"]]["notebook"])
        figures[task["name"]] = pngs if task["name"] == "brief" else pngs[:1]
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    run_dicts = [asdict(r) for r in runs]

    def write_index(pdf: bool):
        return brief_io.put_text(staging / "index.html", render.index_page(
            head=head, runs=run_dicts, changes=change_items, since=earlier[0] if earlier else None, langs=langs,
            as_of=as_of, generated=generated, figures=figures, pdf=pdf))

    index = write_index(pdf=want_pdf and brief_io.chromium() is not None)
    t_pdf = time.monotonic()
    pdf = brief_io.print_pdf(index, staging / "brief.pdf") if want_pdf else {"written": False,
                                                                                "note": "not asked for (pdf=False)"}
    if not pdf["written"]:
        write_index(pdf=False)
    timings["pdf"] = round(time.monotonic() - t_pdf, 3)
    timings["total"] = round(time.monotonic() - t_start, 3)
    params = {"as_of": as_of, "plan": plan, "since": earlier[0] if earlier else None,
              "since_folder": str(earlier[1]) if earlier else None, "lang": lang, "timeout": timeout, "jobs": jobs,
              "notebooks_dir": str(nb_dir), "notebooks": [t["name"] for t in tasks], "kernel": kernel,
              "cwd": str(Path.cwd()),
              "notebook_parameters": extra, "headline": headline_options}
    manifest = build_manifest(parameters=params, raw_dir=data_io.RAW_DIR, repo=data_io.PROJECT_ROOT,
                              runs=run_dicts, timings=timings, pdf=pdf, command=command,
                              executor=type(pool).__module__ + "." + type(pool).__name__)
    brief_io.write_json(staging / "manifest.json", manifest)  # last: a brief with a manifest is complete
    return BriefResult(out_dir=out_dir, runs=runs, manifest=manifest, changes=changes,
                       since=earlier[0] if earlier else None, seconds=timings["total"], pdf=pdf)
