"""Imports flow one way: data -> methods/forecast -> assessment -> evaluation/present -> api -> brief -> cli."""

import ast
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "taicang_analysis"
LAYER = {"data": 0, "methods": 1, "forecast": 1, "assessment": 2, "evaluation": 3, "present": 3,
         "api": 4, "brief": 5, "cli": 6, "__main__": 7, "__init__": 8}


def _unit(module_path: pathlib.Path) -> str:
    rel = module_path.relative_to(PACKAGE).with_suffix("")
    return rel.parts[0]


def _imported_units(path: pathlib.Path, rel_parts: tuple[str, ...] | None = None) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel_parts = rel_parts or path.relative_to(PACKAGE).with_suffix("").parts
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = list(rel_parts[:-1])[: len(rel_parts) - node.level]
                parts = base + (node.module.split(".") if node.module else [])
                if not parts:  # "from .. import x": x is the unit
                    out.update(a.name for a in node.names)
                    continue
                out.add(parts[0])
            elif node.module and node.module.split(".")[0] == "taicang_analysis":
                parts = node.module.split(".")[1:]
                if parts:
                    out.add(parts[0])
                else:
                    out.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "taicang_analysis" and len(parts) > 1:
                    out.add(parts[1])
    return {u for u in out if u in LAYER}


def test_every_unit_has_a_layer():
    units = {_unit(p) for p in PACKAGE.rglob("*.py")}
    assert units <= set(LAYER), sorted(units - set(LAYER))


def test_imports_flow_one_way():
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        unit = _unit(path)
        for other in _imported_units(path):
            if other == unit or other == "__init__" and unit == "__main__":
                continue
            if LAYER[other] >= LAYER[unit]:
                bad.append(f"{path.relative_to(PACKAGE)} imports {other}")
    assert not bad, bad


def test_subpackages_say_what_they_own_and_may_import():
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "May import" in doc, init.parent.name


def test_the_check_sees_a_backward_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from ..assessment import assess\nfrom taicang_analysis.present import text\nfrom . import io\n")
    assert _imported_units(probe, ("data", "probe")) == {"assessment", "present", "data"}
