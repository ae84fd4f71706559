"""The layers of the package (README, Development): cli > shell > sources > core.

Two checks of the same contracts, written once in pyproject.toml's [tool.importlinter]:
``lint-imports`` itself, and a walk of every module's syntax tree that takes every
import into account (inside functions and ``if TYPE_CHECKING:`` blocks too) and
finds, besides upward imports, any import cycle between modules.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "notam_log"
SETTINGS = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
CONTRACTS = SETTINGS["contracts"]
(LAYERS_CONTRACT,) = [c for c in CONTRACTS if c["type"] == "layers"]
#: Highest first, as import-linter writes them.
LAYERS: list[str] = LAYERS_CONTRACT["layers"]
FORBIDDEN: list[tuple[str, str]] = [
    (source, forbidden)
    for c in CONTRACTS
    if c["type"] == "forbidden"
    for source in c["source_modules"]
    for forbidden in c["forbidden_modules"]
]


def test_lint_imports_keeps_every_contract() -> None:
    """``lint-imports`` (import-linter, in the ``test`` extra) with pyproject's contracts."""
    tool = Path(sys.executable).with_name("lint-imports")
    assert tool.exists(), "lint-imports is missing: pip install -e '.[test]'"
    done = subprocess.run(
        [str(tool), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert "BROKEN" not in done.stdout


# --------------------------------------------------------------------------- the walk


def module_names(root: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package: ``notam_log.shell.store`` for its ``__init__.py``."""
    out: dict[str, Path] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports_of(name: str, path: Path, modules: Iterable[str]) -> Iterator[tuple[str, int]]:
    """Every module ``name`` imports (package modules by name; others by their top
    name), with the line: every ``import`` statement of the file, wherever it is."""
    known = set(modules)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                child = f"{base}.{alias.name}"
                yield (child if child in known else base), node.lineno


def graph(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    """Module -> the package modules it imports, minus pyproject's ``ignore_imports``."""
    ignored = [_rule(text) for text in LAYERS_CONTRACT.get("ignore_imports", [])]
    out: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target, _line in imports_of(name, path, modules):
            if target not in modules:
                continue
            if any(a.fullmatch(name) and b.fullmatch(target) for a, b in ignored):
                continue
            out[name].add(target)
    return out


def _rule(text: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """import-linter's ``a.* -> b.**``: ``*`` one name, ``**`` any number of names."""

    def pattern(side: str) -> re.Pattern[str]:
        parts = [
            "[^.]+" if p == "*" else ".+" if p == "**" else re.escape(p) for p in side.split(".")
        ]
        return re.compile(r"\.".join(parts))

    source, target = (side.strip() for side in text.split("->"))
    return pattern(source), pattern(target)


def layer_of(name: str) -> int | None:
    """0 for the highest layer (cli); None for a module in no layer."""
    for i, layer in enumerate(LAYERS):
        if name == layer or name.startswith(layer + "."):
            return i
    return None


def upward_imports(edges: Mapping[str, set[str]]) -> list[str]:
    out = []
    for source, targets in sorted(edges.items()):
        here = layer_of(source)
        for target in sorted(targets):
            there = layer_of(target)
            if here is not None and there is not None and there < here:
                out.append(f"{source} -> {target}")
    return out


def cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """The import cycles: strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1 or node in edges.get(node, ()):
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def forbidden_imports(modules: Mapping[str, Path]) -> list[str]:
    out = []
    for name, path in modules.items():
        for target, line in imports_of(name, path, modules):
            for source, forbidden in FORBIDDEN:
                inside = name == source or name.startswith(source + ".")
                if inside and (target == forbidden or target.startswith(forbidden + ".")):
                    out.append(f"{name}:{line} imports {target}")
    return sorted(out)


def test_no_module_imports_a_higher_layer() -> None:
    assert upward_imports(graph(module_names())) == []


def test_no_import_cycle_between_modules() -> None:
    assert cycles(graph(module_names())) == []


def test_no_forbidden_import_even_inside_a_function() -> None:
    assert forbidden_imports(module_names()) == []


def test_the_walk_sees_what_it_must(tmp_path: Path) -> None:
    """The checks above would see an upward import made inside a function, a cycle
    and a forbidden import (a package written for the purpose)."""
    pkg = tmp_path / "notam_log"
    for sub in ("core", "shell", "cli"):
        (pkg / sub).mkdir(parents=True)
        (pkg / sub / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "core" / "a.py").write_text(
        "def f():\n    from notam_log.cli import c\n    import sqlite3\n"
    )
    (pkg / "shell" / "b.py").write_text("from . import d\n")
    (pkg / "shell" / "d.py").write_text("from notam_log.shell.b import x\n")
    (pkg / "cli" / "c.py").write_text("from notam_log.core import a\n")
    modules = module_names(pkg)
    edges = graph(modules)
    assert upward_imports(edges) == ["notam_log.core.a -> notam_log.cli.c"]
    assert cycles(edges) == [
        ["notam_log.cli.c", "notam_log.core.a"],
        ["notam_log.shell.b", "notam_log.shell.d"],
    ]
    assert forbidden_imports(modules) == ["notam_log.core.a:3 imports sqlite3"]
