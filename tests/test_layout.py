"""The code's layout holds: no import cycles, no private names across modules, one error family.

Imports are read from the source (every ``import`` statement, function-level
ones included), so a cycle hidden inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = "khabar"


def modules() -> dict[str, Path]:
    """Every module of the installed package by its dotted name."""
    found = {f"{PACKAGE}.cli": REPO / "cli.py"}
    for top in ("indexer", "search"):
        for path in sorted((REPO / top).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join((PACKAGE, *parts))
            found[name.removesuffix(".__init__")] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, list[str], int]]:
    """``(module imported, names taken from it, line)`` for each import of one of ``known``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names if alias.name in known]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [alias.name for alias in node.names]
            submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in known]
            if submodules:
                found += [(sub, [], node.lineno) for sub in submodules]
            if target in known:
                found.append((target, [n for n in names if f"{target}.{n}" not in known], node.lineno))
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {target for target, _, _ in imports(name, path, known) if target != name}
            for name, path in known.items()}


def test_the_package_has_the_design_cards_top_level():
    for part in ("pyproject.toml", "cli.py", "indexer", "search", "tests", "corpus"):
        assert (REPO / part).exists(), part


def test_no_import_cycles():
    edges = graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            # A package's __init__ is imported by its submodules on the way: not an edge of the design.
            if node.startswith(target + "."):
                continue
            if state.get(target) == 1:
                cycles.append(trail[trail.index(target):] + [target] if target in trail else [node, target])
            elif target not in state:
                visit(target, trail + [target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(cycle) for cycle in cycles)


def test_no_private_names_imported_across_modules():
    known = modules()
    leaks = [f"{path.relative_to(REPO)}:{line} takes {names} from {target}"
             for name, path in known.items()
             for target, taken, line in imports(name, path, known)
             for names in [[n for n in taken if n.startswith("_")]] if names]
    assert not leaks, "\n".join(leaks)


def test_tests_import_no_private_names():
    known = modules()
    leaks = []
    for path in sorted((REPO / "tests").glob("*.py")):
        for target, taken, line in imports("tests." + path.stem, path, known):
            private = [n for n in taken if n.startswith("_")]
            if private:
                leaks.append(f"{path.name}:{line} takes {private} from {target}")
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize("name", sorted(modules()))
def test_every_error_class_is_a_khabar_error(name):
    """Errors a user can meet carry their exit status: they derive from KhabarError."""
    import importlib
    import inspect

    from khabar.indexer.errors import KhabarError

    module = importlib.import_module(name)
    strays = [cls.__name__ for _, cls in inspect.getmembers(module, inspect.isclass)
              if cls.__module__ == name and issubclass(cls, Exception) and not issubclass(cls, KhabarError)]
    assert not strays, f"{name}: exception classes outside the KhabarError family: {strays}"
