"""The package's modules import each other without a cycle.

The graph is read from the source with ``ast``, not from ``sys.modules``: every ``import`` and ``from …
import`` of a ``fairreview`` module counts, wherever it is written — at module level, inside a function
(a late import), or under ``if TYPE_CHECKING:`` — so a cycle cannot hide behind an import moved into a
function. Importing ``a.b.c`` also runs the package ``a.b`` (its ``__init__``) unless the importer is
inside that package already, so that edge counts too; ``from pkg import name`` of a name that is not a
submodule needs ``pkg/__init__.py`` to have run, so it is an edge to ``pkg`` even from inside ``pkg``.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

Graph = dict[str, set[str]]

PACKAGE = Path(__file__).resolve().parent.parent / "fairreview"


def module_names() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        out[".".join(parts)] = path
    return out


def imported(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The fairreview modules that ``module`` imports, anywhere in its source."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                # ``from pkg import sub`` imports the submodule pkg.sub; ``from pkg import name`` needs
                # pkg's __init__ to have defined the name (a real edge even from inside pkg)
                sub = f"{source}.{alias.name}"
                targets.add(sub if sub in known else source)
    out: set[str] = set()
    for target in targets:
        if target not in known:
            continue
        out.add(target)
        parts = target.split(".")
        for i in range(1, len(parts)):  # the packages whose __init__ the import runs first
            parent = ".".join(parts[:i])
            if parent in known and not (module == parent or module.startswith(parent + ".")):
                out.add(parent)
    out.discard(module)
    return out


def graph_of(known: dict[str, Path]) -> Graph:
    return {module: imported(module, path, known) for module, path in known.items()}


def cycle_in(graph: Graph) -> list[str] | None:
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        return list(exc.args[1])
    return None


def test_the_graph_is_read_from_every_module() -> None:
    graph = graph_of(module_names())
    assert {"fairreview.cli.scan", "fairreview.batch.runner", "fairreview.pipeline"} <= set(graph)
    assert "fairreview.cli.options" in graph["fairreview.cli.scan"]
    assert "fairreview.pipeline" in graph["fairreview.batch.runner"]
    assert "fairreview.report" in graph["fairreview.model"]  # via report.labels, which runs report/__init__
    assert "fairreview.batch" in graph["fairreview"]


def test_no_import_cycle() -> None:
    cycle = cycle_in(graph_of(module_names()))
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


@pytest.mark.parametrize(("source", "cycle"), [
    ("from . import b\n", True),  # a → b → a
    ("from . import version\n", True),  # a name of the package's __init__, which imports b
    ("def late():\n    from . import b\n", True),  # a late import is still an edge
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import x\n", True),
    ("import json\n", False),
])
def test_the_check_sees_late_and_type_only_imports(tmp_path: Path, source: str, cycle: bool) -> None:
    pkg = tmp_path / "fairreview"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from . import b\nversion = \"1\"\n", encoding="utf-8")
    (pkg / "a.py").write_text(source, encoding="utf-8")
    (pkg / "b.py").write_text("from .a import thing\n", encoding="utf-8")
    known = {"fairreview": pkg / "__init__.py", "fairreview.a": pkg / "a.py", "fairreview.b": pkg / "b.py"}
    assert (cycle_in(graph_of(known)) is not None) is cycle
