"""The structure rules of docs/architecture.md, checked on the source: layers point one way, no import circles,
no imports hidden inside functions, small modules and functions."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "helpers"

#: Layer of each top-level part of ``helpers``; a module may import only its own layer or lower ones.
LAYERS: dict[str, int] = {
    "errors": 0, "config": 0, "config_assumptions": 0, "config_yaml": 0, "areas": 0, "schemas": 0, "metrics": 0,
    "sources": 1,
    "analysis": 2,
    "present": 3,
    "pages": 4, "demo": 4,
    "pack": 5,
}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
#: A function over the limit says why in its docstring with this phrase.
LONG_REASON = "Long because"
#: An import inside a function is allowed only with this comment and a reason (for example a command that must
#: start fast and imports the build only when it runs); never to dodge a circle.
LAZY = "# lazy:"

#: Modules still to be reshaped (emptied as each is done; nothing may be added).
TRANSITIONAL: set[str] = {
}


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _part(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "helpers" else None


def _imports(tree: ast.AST, package: str) -> list[tuple[str, ast.stmt, bool]]:
    """(imported helpers module, node, inside a function) for every import of ``helpers`` in ``tree``."""
    out: list[tuple[str, ast.stmt, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                out.extend((a.name, child, in_function) for a in child.names if a.name.startswith("helpers"))
            elif isinstance(child, ast.ImportFrom) and child.module and child.module.startswith("helpers"):
                for a in child.names:
                    full = f"{child.module}.{a.name}"
                    out.append((full if (SRC.parent / full.replace(".", "/")).with_suffix(".py").exists()
                                else child.module, child, in_function))
            elif isinstance(child, ast.If) and _is_type_checking(child):
                continue  # annotations only: no runtime edge
            visit(child, inside)

    visit(tree, False)
    return out


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in _modules():
        name = _name(path)
        graph[name] = {m for m, _, _ in _imports(ast.parse(path.read_text(encoding="utf-8")), name)}
    return graph


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_imports_point_down_and_sit_at_the_top(path: Path) -> None:
    name = _name(path)
    if name in TRANSITIONAL:
        pytest.skip("still to be reshaped")
    own = LAYERS.get(_part(name) or "", 0)
    source = path.read_text(encoding="utf-8").splitlines()
    problems = []
    for module, node, in_function in _imports(ast.parse(path.read_text(encoding="utf-8")), name):
        part = _part(module)
        if part is not None and LAYERS.get(part, 0) > own:
            problems.append(f"line {node.lineno}: {name} (layer {own}) imports {module} (layer {LAYERS[part]})")
        if in_function and LAZY not in source[node.lineno - 1]:
            problems.append(f"line {node.lineno}: {name} imports {module} inside a function")
    assert not problems, "\n".join(problems)


def test_no_import_circles() -> None:
    graph = _graph()
    # a package's __init__ is imported with its modules; only module-to-module edges count
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "\n".join(cycles)


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_modules_and_functions_are_small(path: Path) -> None:
    name = _name(path)
    if name in TRANSITIONAL:
        pytest.skip("still to be reshaped")
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    assert lines <= MAX_MODULE_LINES, f"{name} has {lines} lines (at most {MAX_MODULE_LINES})"
    long = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None:
            size = node.end_lineno - node.lineno + 1
            if size > MAX_FUNCTION_LINES and LONG_REASON not in (ast.get_docstring(node) or ""):
                long.append(f"{node.name} (line {node.lineno}): {size} lines")
    assert not long, f"{name}: over {MAX_FUNCTION_LINES} lines without {LONG_REASON!r} in the docstring: {long}"


#: A notebook is thin narrative: each code cell calls a page module in a few lines.
MAX_CELL_LINES = 10


@pytest.mark.parametrize("path", sorted((SRC.parents[1] / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebooks_are_thin_and_open_the_page_first(path: Path) -> None:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    sizes = {i: len("".join(c["source"]).rstrip("\n").splitlines()) for i, c in enumerate(code)}
    long = {i: n for i, n in sizes.items() if n > MAX_CELL_LINES}
    assert not long, f"{path.name}: code cells over {MAX_CELL_LINES} lines: {long}"
    assert all(not c.get("outputs") for c in code), f"{path.name} is committed with outputs"
    first = next(c for c in code if "parameters" not in c.get("metadata", {}).get("tags", []))
    assert "open_page(" in "".join(first["source"]), f"{path.name}: the first cell after parameters opens the page"
