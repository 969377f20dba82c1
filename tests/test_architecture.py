"""The house by stages: imports go one way, down the order below, and nowhere else.

Every module of ``postcards/`` is parsed (not imported) and each of its imports of the
project checked: no circle, no import up the order (nor sideways between the stages that
share a rank), no private name taken from another module, and no project import hidden in
a function except in the command line and the lazy-loading points listed below, each with
its reason.  A newcomer can then trust the map: what a module may use is what lies below it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "postcards"

#: The stages, lowest first.  A module may import its own stage and those below it;
#: stages that share a rank (printing, posters, station) may not import each other.
ORDER: list[tuple[str, ...]] = [
    ("kernel",),
    ("page",),
    ("config",),
    ("ledger",),
    ("inputs",),
    ("pairing",),
    ("cards",),
    ("printing", "posters", "station"),
    ("jobs",),
    ("cli", "api"),
]
RANK = {stage: rank for rank, stages in enumerate(ORDER) for stage in stages}
KERNEL = {
    "errors", "codes", "files", "resources", "wording", "order", "invisible", "spool", "progress",
    "version",
}  # fmt: skip
CONFIG = {"config", "campaign_file", "return_addresses"}

#: Project imports made inside a function outside the command line, and why.  Each keeps
#: ``postcards --help`` fast or a heavy dependency off the paths that do not need it.
LAZY: dict[tuple[str, str], str] = {
    # None today: ``import postcards`` loads its API with importlib on first use, and
    # the command line (exempt) imports each command's job when it runs.
}
MAX_LINES = 400


@dataclass(frozen=True)
class Import:
    """One import of a project module: who, what, which names, where in the file."""

    module: str
    target: str
    names: tuple[str, ...]
    line: int
    in_function: bool


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts)


def stage(module: str) -> str:
    """The stage of ``postcards.<stage>.<module>`` or of a top-level module."""
    parts = module.split(".")
    if len(parts) == 2:
        name = parts[1]
        if name in KERNEL:
            return "kernel"
        if name in CONFIG:
            return "config"
        if name == "__main__":
            return "cli"
        if name in ("__init__", "api", "api_ledger"):
            return "api"
        return name
    return parts[1]


def modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "_data" not in path.parts
    }


def known(target: str, names: dict[str, Path]) -> str | None:
    """The project module an import names (a package means its ``__init__``)."""
    if target in names:
        return target
    if f"{target}.__init__" in names:
        return f"{target}.__init__"
    return None


def imports(module: str, path: Path, names: dict[str, Path]) -> list[Import]:
    tree = ast.parse(path.read_text(), str(path))
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom):
                assert child.level == 0, f"{path}:{child.lineno}: use absolute imports"
                base = child.module or ""
                for alias in child.names:
                    sub = known(f"{base}.{alias.name}", names)
                    target = sub or known(base, names)
                    if target:
                        shown = () if sub else (alias.name,)
                        found.append(Import(module, target, shown, child.lineno, inner))
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    target = known(alias.name, names)
                    if target:
                        found.append(Import(module, target, (), child.lineno, inner))
            visit(child, inner)

    visit(tree, False)
    return found


def all_imports() -> list[Import]:
    names = modules()
    return [found for module, path in names.items() for found in imports(module, path, names)]


def test_the_order_covers_every_stage() -> None:
    stages = {stage(module) for module in modules()}
    assert stages <= set(RANK), f"stages missing from ORDER: {stages - set(RANK)}"


def test_no_import_goes_up_or_sideways() -> None:
    wrong = []
    for found in all_imports():
        here, there = stage(found.module), stage(found.target)
        if found.module.endswith("__init__") and there == "api":
            continue
        if RANK[there] > RANK[here] or (RANK[there] == RANK[here] and there != here):
            wrong.append(f"{found.module}:{found.line} imports {found.target} ({here} -> {there})")
    assert not wrong, "imports against the order:\n" + "\n".join(wrong)


def test_no_import_circle() -> None:
    graph: dict[str, set[str]] = {}
    for found in all_imports():
        if found.target != found.module:
            graph.setdefault(found.module, set()).add(found.target)
    circles = []
    state: dict[str, int] = {}

    def walk(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                circles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                walk(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node, [node])
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_no_private_name_crosses_modules() -> None:
    wrong = [
        f"{found.module}:{found.line} takes {name} from {found.target}"
        for found in all_imports()
        for name in found.names
        if name.startswith("_") and found.target != found.module
    ]
    assert not wrong, "private names imported across modules:\n" + "\n".join(wrong)


def test_no_hidden_imports_outside_the_command_line() -> None:
    wrong = []
    for found in all_imports():
        if not found.in_function or stage(found.module) == "cli":
            continue
        if (found.module, found.target) in LAZY:
            continue
        if any(found.target.startswith(f"{prefix}.") or found.target == prefix
               for (module, prefix) in LAZY if module == found.module):  # fmt: skip
            continue
        wrong.append(f"{found.module}:{found.line} imports {found.target} in a function")
    assert not wrong, "project imports inside functions:\n" + "\n".join(wrong)


def test_no_module_over_400_lines() -> None:
    long = {
        module: count
        for module, path in modules().items()
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_no_two_modules_differ_only_by_a_suffix() -> None:
    stems = sorted(path.stem for path in modules().values() if not path.stem.startswith("_"))
    close = [
        (a, b)
        for i, a in enumerate(stems)
        for b in stems[i + 1 :]
        if a != b and (b.startswith(a) or a.startswith(b)) and abs(len(a) - len(b)) <= 2
    ]
    assert not close, f"modules whose names differ only by a suffix: {close}"


def test_the_ledger_takes_values_not_the_campaigns_settings() -> None:
    """The ledger reads what it is given (a name, a URL, a folder), never the whole Settings."""
    wrong = [f"{found.module}:{found.line} imports {found.target}" for found in all_imports()
             if stage(found.module) == "ledger" and stage(found.target) == "config"]  # fmt: skip
    assert not wrong, "the ledger imports the settings:\n" + "\n".join(wrong)
