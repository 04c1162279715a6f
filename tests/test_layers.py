"""The package's shape: stages import one way (root <- corpus <- cite <- search <- site <- cli),
no import cycles between modules, and no module past the size the project keeps to."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "indexer"
#: a stage may import from its own stage and from those with a lower rank
RANK = {"problems": 0, "atomic": 0, "lock": 0, "corpus": 1, "cite": 2, "search": 3, "site": 4, "cli": 5}
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(p for p in parts if p != "__init__")
        found[name] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports (at any depth of the file, lazy imports too)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("indexer"):
                stem = node.module.removeprefix("indexer").lstrip(".")
            else:
                continue
            for alias in node.names:
                full = f"{stem}.{alias.name}".strip(".")
                targets.add(full if full in modules else stem)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("indexer."):
                    targets.add(alias.name.removeprefix("indexer."))
    return {t for t in targets if t in modules and t != name}


def _stage(name: str) -> str:
    return name.split(".")[0] if name else ""


def test_stages_import_one_way() -> None:
    modules = _modules()
    upward = []
    for name, path in modules.items():
        if not name:
            continue
        for target in _imports(name, path, modules):
            if target and RANK[_stage(target)] > RANK[_stage(name)]:
                upward.append(f"{name} -> {target}")
    assert upward == []
    assert set(RANK) >= {_stage(n) for n in modules if n}, "a new stage needs its rank here"


def test_no_import_cycles() -> None:
    modules = _modules()
    graph = {name: _imports(name, path, modules) - {""} for name, path in modules.items()}
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt):], node, nxt]) if nxt in trail else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert cycles == []


def test_modules_stay_small() -> None:
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in _modules().items()}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
