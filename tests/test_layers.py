"""The house a newcomer can walk: wings in a declared order, no import cycle, small modules.

The package's wings are declared once, lowest first, in `generator.WINGS`. A module may import
its own wing and the wings below it; the top (pipeline, serve, cli, __main__) may import any
wing, and no wing may import the top. The imports are read with `ast` (those inside functions
too), so a back-import fails here whether or not it runs.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import ROOT

import generator

PACKAGE = ROOT / "generator"
TOP = "top"
MAX_LINES = 450  # "~400 lines": past it a module holds two responsibilities


def module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, package: Path) -> set[str]:
    """Every module of the package that `path` imports (anywhere in the file), as dotted names.
    `from . import x` names the module x when x is one, else the package it is taken from."""
    name = module_name(path, package)
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    root = package.name
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == root)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != root:
                continue
            for a in node.names:
                sub = f"{target}.{a.name}"
                sub_path = package.parent.joinpath(*sub.split("."))
                is_module = (
                    sub_path.with_suffix(".py").is_file() or (sub_path / "__init__.py").is_file()
                )
                found.add(sub if is_module else target)
    found.discard(name)
    return found


def wing_of(module: str, wings: tuple[str, ...]) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in wings else TOP


def layer_problems(package: Path, wings: tuple[str, ...]) -> list[str]:
    """One line per import that goes up the declared order, and per import cycle."""
    rank = {w: i for i, w in enumerate(wings)} | {TOP: len(wings)}
    graph: dict[str, set[str]] = {}
    problems = []
    for path in sorted(package.rglob("*.py")):
        source = module_name(path, package)
        graph[source] = imports_of(path, package)
        for target in sorted(graph[source]):
            if target == package.name:
                continue
            ws, wt = wing_of(source, wings), wing_of(target, wings)
            if rank[wt] > rank[ws]:
                problems.append(f"{source} ({ws}) imports {target} ({wt}), a wing above it")
    problems += [f"import cycle: {' -> '.join(c)}" for c in _cycles(graph)]
    return problems


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_wing_imports_a_wing_above_it_and_no_cycle():
    assert layer_problems(PACKAGE, generator.WINGS) == []


def test_the_wings_are_the_ones_the_map_names_in_its_order():
    """DEVELOPING.md's map lists the wings lowest first; the portal sits on top of them all
    (it fetches, verifies and republishes what the wings below make)."""
    assert generator.WINGS == ("data", "sheets", "site", "publish", "signing", "api", "portal")
    text = (ROOT / "DEVELOPING.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z]+)/` \|", text, re.M)
    assert tuple(rows) == generator.WINGS


def test_every_wing_is_a_folder_that_says_what_it_may_import():
    """Each wing's __init__ opens with what it does and ends its docstring with the line
    `May import: <the wings below it>` (or `nothing else`), which must match the order."""
    for i, wing in enumerate(generator.WINGS):
        init = PACKAGE / wing / "__init__.py"
        assert init.is_file(), f"wing {wing} has no {init}"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert len(doc.split()) >= 25, f"{init}: say in a paragraph what the wing does"
        below = ", ".join(generator.WINGS[:i]) or "nothing else"
        m = re.search(r"^May import: (.*)$", doc, re.M)
        assert m, f"{init}: no 'May import:' line"
        assert m.group(1).rstrip(".") == below, f"{init}: says {m.group(1)!r}, order says {below!r}"
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert folders == set(generator.WINGS) | {"cli"}, folders


def test_every_wing_init_imports_nothing():
    """`python3 -S -m generator.publish.ledger` runs with the standard library only (the
    publishing workflow's commit-back step): importing a wing must cost nothing."""
    for wing in (*generator.WINGS, "cli"):
        if wing == "signing":  # the signing API is its package (signing.signer_for, ...)
            continue
        tree = ast.parse((PACKAGE / wing / "__init__.py").read_text(encoding="utf-8"))
        assert not [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)], wing


def test_no_module_is_over_the_size_that_holds_two_responsibilities():
    big = {
        str(p.relative_to(ROOT)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert big == {}


# -- the checker itself can fail ---------------------------------------------------------------


@pytest.fixture
def toy(tmp_path):
    """A package in the project's shape: wings `low` < `high`, and a top module."""
    pkg = tmp_path / "toy"
    for rel, text in {
        "__init__.py": "",
        "low/__init__.py": "",
        "low/a.py": "X = 1\n",
        "high/__init__.py": "",
        "high/b.py": "from ..low import a\n",
        "pipeline.py": "from .high import b\nfrom .low import a\n",
    }.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text)
    return pkg


def test_the_checker_passes_a_clean_package(toy):
    assert layer_problems(toy, ("low", "high")) == []


def test_the_checker_finds_a_back_import_even_inside_a_function(toy):
    (toy / "low" / "a.py").write_text("def f():\n    from ..high import b\n    return b\n")
    found = layer_problems(toy, ("low", "high"))
    assert "toy.low.a (low) imports toy.high.b (high), a wing above it" in found
    assert "import cycle: toy.high.b -> toy.low.a" in found


def test_the_checker_finds_a_wing_reaching_the_top(toy):
    (toy / "low" / "a.py").write_text("from .. import pipeline\n")
    assert "toy.low.a (low) imports toy.pipeline (top), a wing above it" in layer_problems(
        toy, ("low", "high")
    )


def test_the_checker_finds_a_cycle_inside_one_wing(toy):
    (toy / "low" / "c.py").write_text("from . import a\n")
    (toy / "low" / "a.py").write_text("from .c import X\n")
    assert layer_problems(toy, ("low", "high")) == ["import cycle: toy.low.a -> toy.low.c"]
