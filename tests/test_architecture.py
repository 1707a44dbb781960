"""The import graph of `generator/`: no cycle, and each layer imports only the layers below it.

The graph is read from the source with `ast`, not from `sys.modules`, so an import inside a
function (the lazy imports that keep start-up short) counts as much as one at the top of a
module; an import under `if TYPE_CHECKING:` does not (it never runs). Importing `a.b.c` runs the
packages `a` and `a.b` first, so an import is also an edge to each package above the module it
names, except the importer's own packages (those are already being imported).

The layers, lowest first, are in LAYERS (docs/architecture.md says what each holds). A module
must belong to one: a new top-level module fails here until it is placed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. A name stands for the module and every module under it.
LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "foundation",
        frozenset(
            {
                "generator",  # the package itself (`__version__`)
                "generator.errors",
                "generator.timing",
                "generator.memory",
                "generator.progress",
                "generator.profiling",
                "generator.schema_walk",
                "generator.config",
                "generator.sdk_version",
                "generator.cache_dir",
                "generator.background",
            }
        ),
    ),
    ("loader", frozenset({"generator.loader", "generator.warning_rules"})),
    ("ir", frozenset({"generator.ir"})),
    ("plans", frozenset({"generator.plans"})),
    ("emit", frozenset({"generator.emit"})),
    (
        "pipeline",
        frozenset(
            {
                "generator.pipeline",
                "generator.formatting",
                "generator.launcher",
                "generator.format_cache",
                "generator.writer",
                "generator.report",
                "generator.stamp",
            }
        ),
    ),
    (
        "cli",
        frozenset(
            {
                "generator.cli",
                "generator.__main__",
                "generator.entry",
                "generator.warm_client",
                "generator.warm_server",
                "generator.diff",
                "generator.adopt",
                "generator.docs_pages",
            }
        ),
    ),
)
# Copied into generated packages as they are: they import nothing of the generator but each other.
RUNTIME = "generator.runtime"


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package under `root` (a folder named `package`): name -> file."""
    names: dict[str, Path] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def _type_checking_only(tree: ast.Module) -> set[int]:
    """The ids of the import nodes under `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in (
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        ):
            for inner in node.body:
                skipped.update(id(n) for n in ast.walk(inner))
    return skipped


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> Iterable[str]:
    """The names an import statement may load: the modules and `module.name` for each name."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    return [target, *(f"{target}.{alias.name}" for alias in node.names)]


def _in_functions(tree: ast.Module) -> set[int]:
    """The ids of the nodes inside a function body (run later, when it is called)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for inner in ast.iter_child_nodes(node):
                inside.update(id(n) for n in ast.walk(inner))
    return inside


def import_graph(root: Path, package: str, *, lazy: bool = True) -> dict[str, set[str]]:
    """module -> the package's modules it imports at run time (with `lazy`, in functions too)."""
    modules = module_names(root, package)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skipped = _type_checking_only(tree) | (set() if lazy else _in_functions(tree))
        is_package = path.name == "__init__.py"
        own_packages = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        if is_package:
            own_packages.add(name)
        edges: set[str] = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom) or id(node) in skipped:
                continue
            for target in _imported(node, name, is_package):
                parts = target.split(".")
                for i in range(1, len(parts) + 1):
                    candidate = ".".join(parts[:i])
                    if candidate in modules and candidate not in own_packages:
                        edges.add(candidate)
        edges.discard(name)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path that ends where it starts, or None when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)) is not None:
            return found
    return None


def layer_of(module: str, layers: tuple[tuple[str, frozenset[str]], ...] = LAYERS) -> int | None:
    best: tuple[int, int] | None = None  # (length of the matching name, layer index)
    for index, (_, names) in enumerate(layers):
        for prefix in names:
            within = module == prefix or module.startswith(prefix + ".")
            if within and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    return None if best is None else best[1]


def layering_violations(
    graph: dict[str, set[str]], layers: tuple[tuple[str, frozenset[str]], ...] = LAYERS
) -> list[str]:
    """Each import of a higher layer by a lower one, as `a (low) imports b (high)`."""
    found = []
    for module, targets in sorted(graph.items()):
        low = layer_of(module, layers)
        for target in sorted(targets):
            high = layer_of(target, layers)
            if low is not None and high is not None and high > low:
                found.append(f"{module} ({layers[low][0]}) imports {target} ({layers[high][0]})")
    return found


@pytest.fixture(scope="module")
def whole() -> dict[str, set[str]]:
    return import_graph(ROOT, "generator")


@pytest.fixture(scope="module")
def graph(whole: dict[str, set[str]]) -> dict[str, set[str]]:
    """The generator's own modules: the runtime (below) is the generated packages' code."""
    return {
        m: {t for t in ts if not _is_runtime(t)} for m, ts in whole.items() if not _is_runtime(m)
    }


def test_the_graph_is_read_from_the_source(graph: dict[str, set[str]]) -> None:
    # Edges this test relies on seeing: a module-level import, a lazy one inside a function,
    # and the implicit import of a package's `__init__`; the plan fields of the Document name
    # their types under TYPE_CHECKING only, which is no edge.
    assert "generator.ir.model" in graph["generator.plans.client"]
    assert "generator.ir" in graph["generator.plans.client"]
    assert "generator.plans.typescript" in graph["generator.pipeline"]  # imported lazily
    assert not any(t.startswith("generator.plans") for t in graph["generator.ir.model"])
    assert len(graph) > 50


def test_generator_has_no_import_cycle(graph: dict[str, set[str]]) -> None:
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


def test_every_module_has_a_layer(graph: dict[str, set[str]]) -> None:
    unplaced = [m for m in graph if layer_of(m) is None]
    assert not unplaced, f"place these modules in a layer (LAYERS): {unplaced}"


def test_a_lower_layer_never_imports_a_higher_one(graph: dict[str, set[str]]) -> None:
    violations = layering_violations(graph)
    assert not violations, "\n".join(violations)


def test_runtimes_import_only_runtimes(whole: dict[str, set[str]]) -> None:
    # They are copied into generated packages, where the generator is not installed; and the
    # generator only reads them as text, never imports them.
    runtimes = [m for m in whole if _is_runtime(m)]
    assert "generator.runtime.client._transport" in runtimes
    for module in runtimes:
        outside = sorted(t for t in whole[module] if not _is_runtime(t))
        assert not outside, f"{module} imports {outside}"
    importers = sorted(
        m for m, ts in whole.items() if not _is_runtime(m) and any(map(_is_runtime, ts))
    )
    assert not importers, f"the generator imports a runtime module: {importers}"


def test_runtimes_have_no_cycle_at_import_time() -> None:
    # The client runtime imports some of its modules inside functions (`_transport` from
    # `_streaming`, `_errors` from `_auth`): importing a client stays cheap, and such a circle
    # closes only when called. A circle of module-level imports would fail on import.
    runtime = {
        m: {t for t in ts if _is_runtime(t)}
        for m, ts in import_graph(ROOT, "generator", lazy=False).items()
        if _is_runtime(m)
    }
    assert "generator.runtime.client._errors" in runtime["generator.runtime.client._transport"]
    cycle = find_cycle(runtime)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


def _is_runtime(module: str) -> bool:
    return module == RUNTIME or module.startswith(RUNTIME + ".")


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_planted_cycle_is_found_and_printed(tmp_path: Path) -> None:
    # a -> b at module level, b -> c inside a function, c -> a by a relative import: a cycle.
    # d -> a under TYPE_CHECKING only (with a -> d) is no cycle.
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "import pkg.b\nfrom pkg import d\n",
            "pkg/b.py": "def later():\n    from pkg.sub import c\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/c.py": "from ..a import thing\n",
            "pkg/d.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import thing\n"
            ),
        },
    )
    graph = import_graph(tmp_path, "pkg")
    assert "pkg.a" not in graph["pkg.d"]
    cycle = find_cycle(graph)
    assert cycle == ["pkg.a", "pkg.b", "pkg.sub.c", "pkg.a"]
    # Counting only what runs on import, the lazy import in b is no edge: no cycle.
    assert find_cycle(import_graph(tmp_path, "pkg", lazy=False)) is None
    # Without the lazy import in b there is none.
    (tmp_path / "pkg/b.py").write_text("def later() -> None:\n    pass\n", encoding="utf-8")
    assert find_cycle(import_graph(tmp_path, "pkg")) is None


def test_a_planted_upward_import_is_a_layering_violation(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/low.py": "def f():\n    import pkg.high\n",
            "pkg/high.py": "from pkg import low\n",
        },
    )
    layers = (("low", frozenset({"pkg.low"})), ("high", frozenset({"pkg.high"})))
    assert layering_violations(import_graph(tmp_path, "pkg"), layers) == [
        "pkg.low (low) imports pkg.high (high)"
    ]
