"""The package's layers, read from the source with ast (nothing is imported).

- no import cycle among the package's modules (function-level imports count);
- the pruning procedure (``_procedure``) and the math below it import no estimator
  module, no pandas and no matplotlib;
- the module of the two estimators stays short, and so does every function.
"""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "sklearn_nnprune"
# Modules below the estimators: pure numpy math and the pruning procedure.
MATH = ("_network", "_solvers", "_sensitivity", "_pruning", "_levels", "_scaling")
ESTIMATOR_MODULES = ("_base", "_estimators", "_transparent", "_selector", "_committee",
                     "_binarizer", "_removal", "_inspect", "_rules", "_report", "_cli")
HEAVY = ("pandas", "matplotlib")


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
TREES = {name: ast.parse(path.read_text(), str(path)) for name, path in MODULES.items()}


def _imported(name):
    """(package modules, outside top-level packages) that module ``name`` imports."""
    inside, outside = set(), set()
    is_package = MODULES[name].name == "__init__.py"
    for node in ast.walk(TREES[name]):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = name.split(".") if is_package else name.split(".")[:-1]
                parent = parent[:len(parent) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            if target in MODULES:
                inside.add(target)
            elif not target.startswith("sklearn_nnprune"):
                outside.add(target.split(".")[0])
    inside.discard(name)
    return inside, outside


# The package face re-exports every part; it is not a part itself.
GRAPH = {name: _imported(name)[0] - {"sklearn_nnprune"} for name in MODULES}
GRAPH["sklearn_nnprune"] = set()


def _reachable(start):
    seen, todo = set(), [start]
    while todo:
        for nxt in GRAPH[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_no_import_cycle():
    cycles = sorted(name for name in MODULES if name in _reachable(name))
    assert not cycles, f"modules on an import cycle: {cycles}"


@pytest.mark.parametrize("name", sorted(
    n for n in MODULES if n.startswith("sklearn_nnprune._procedure")
    or n.split(".")[-1] in MATH))
def test_procedure_and_math_import_no_estimator_pandas_or_matplotlib(name):
    below = _reachable(name) | {name}
    estimators = sorted(m for m in below if m.split(".")[-1] in ESTIMATOR_MODULES)
    assert not estimators, f"{name} imports estimator modules {estimators}"
    heavy = sorted({pkg for m in below for pkg in _imported(m)[1] if pkg in HEAVY})
    assert not heavy, f"{name} (or a module it imports) imports {heavy}"


def _code_lines(function, lines):
    body = function.body
    docstring = set()
    if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        docstring = set(range(body[0].lineno, body[0].end_lineno + 1))
    return sum(1 for i in range(function.lineno, function.end_lineno + 1)
               if i not in docstring and lines[i - 1].strip()
               and not lines[i - 1].strip().startswith("#"))


def test_functions_are_short():
    long = []
    for name, tree in TREES.items():
        lines = MODULES[name].read_text().splitlines()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = _code_lines(node, lines)
                if n > 80:
                    long.append(f"{name}.{node.name}: {n} lines of code")
    assert not long, long


def test_estimators_module_is_short():
    lines = len((PACKAGE / "_estimators.py").read_text().splitlines())
    assert lines <= 600, f"_estimators.py has {lines} lines"
