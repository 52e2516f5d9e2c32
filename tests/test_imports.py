"""The package's imports run downhill: no cycles, and auth/ and dashboard/ stay off api/.

Read off the source with `ast`: only module-level imports count (an import inside a
function runs when called, which is how the app factory loads its blueprints), and a
`TYPE_CHECKING` block is not an import at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "tpc_mock"


def _module_name(path: Path) -> str:
    parts = list(path.with_suffix("").relative_to(ROOT.parent).parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.Import | ast.ImportFrom, package: str, known: set[str]) -> set[str]:
    if isinstance(node, ast.Import):
        return {a.name for a in node.names}
    base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
    target = ".".join([*base, *([node.module] if node.module else [])])
    return {f"{target}.{a.name}" if f"{target}.{a.name}" in known else target
            for a in node.names}


def import_graph() -> dict[str, set[str]]:
    """Each tpc_mock module and the tpc_mock modules it imports at module level."""
    paths = {_module_name(p): p for p in ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                found |= _imported(node, package, set(paths))
        graph[name] = {d for d in found if d in paths and d != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for dep in sorted(graph[node]):
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_checker_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def _reached(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for dep in graph[todo.pop()] - seen:
            seen.add(dep)
            todo.append(dep)
    return seen


def test_auth_and_dashboard_import_nothing_from_api() -> None:
    """Not even through another module (web.py once reached api/registry.py)."""
    graph = import_graph()
    uphill = {(name, dep) for name in graph
              if name.startswith(("tpc_mock.auth", "tpc_mock.dashboard"))
              for dep in _reached(graph, name) if dep.startswith("tpc_mock.api")}
    assert uphill == set()


# -- the API's resource packages: api/<resource>/{__init__,schemas,model,views}.py ------------
API = "tpc_mock.api"
ROLES = ("schemas", "model", "views")  # a big model is split into `<concept>_model` modules
WEB = ("tpc_mock.web", "tpc_mock.api.registry", "tpc_mock.api.openapi", "tpc_mock.api.idempotent")


def _resource_modules(graph: dict[str, set[str]]) -> dict[str, tuple[str, str]]:
    """`tpc_mock.api.apps.model` -> ("apps", "model"), for every module of a resource package."""
    found = {}
    for name in graph:
        parts = name.split(".")
        if name.startswith(API + ".") and len(parts) == 4:
            found[name] = (parts[2], parts[3])
    return found


def _role(module: str) -> str:
    return "model" if module.endswith("_model") else module


def _imports_flask(module: str) -> bool:
    path = ROOT.parent.joinpath(*module.split(".")).with_suffix(".py")
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module)
    return any(n.split(".")[0] in ("flask", "werkzeug") for n in names)


def test_every_resource_package_has_the_same_shape() -> None:
    from tpc_mock.api import RESOURCES

    graph = import_graph()
    modules = _resource_modules(graph)
    assert sorted({package for package, _ in modules.values()}) == sorted(RESOURCES)
    for package in RESOURCES:
        roles = {_role(m) for p, m in modules.values() if p == package}
        assert roles <= {"__init__", *ROLES} and {"model", "views"} <= roles, package
        assert f"{API}.{package}" in graph  # its __init__.py


def test_views_are_imported_by_no_module() -> None:
    """Views are the top of a resource: only the app factory loads them (inside a function)."""
    graph = import_graph()
    views = {m for m, (_, role) in _resource_modules(graph).items() if role == "views"}
    assert {(name, dep) for name, deps in graph.items() for dep in deps & views} == set()


def test_models_and_schemas_know_nothing_of_the_web() -> None:
    """No Flask, no registry, no request: a model is functions over the store; schemas
    (request models and the TypedDicts of the answers, the resources' and the shared
    `api/schemas.py`) import no model, only other schemas and the request models' base."""
    graph = import_graph()
    checked = {**_resource_modules(graph), f"{API}.schemas": ("", "schemas")}
    for name, (package, module) in checked.items():
        if _role(module) not in ("model", "schemas"):
            continue
        assert not _imports_flask(name), name
        assert not graph[name] & set(WEB), name
        if module == "schemas":
            assert all(_role(dep.rsplit(".", 1)[-1]) == "schemas" or dep == f"{API}.models"
                       for dep in graph[name]), name
