"""The import graph is layered: every module imports only modules of its own layer or
below, none imports inside a function to dodge a loop, and there is no cycle.

Read from the sources (no import runs): each ``import`` / ``from ... import`` of a package
module, at any depth of the file, is an edge. ARCHITECTURE.md states these layers."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent / "tinygrad_scores"

# Lowest first. A module belongs to the first layer whose prefix matches its dotted name.
LAYERS = [
    (
        "arrays",
        "dtypes device _missing return_types kernels backends cuda accelerator onnx version",
    ),
    ("engine", "autograd"),
    ("ops", "functions"),
    # random works on arrays; it sits here because a draw tells capture's recorder
    ("tensor", "histograms numpy_dispatch formatting tensor_methods tensor codegen capture random"),
    (
        "creation",
        "creation function_forms legacy gradcheck viz autograd_function autograd_functional func "
        "linalg linalg_forms",
    ),
    (
        "library",
        "nn optim samplers data utils serialization datasets warmup compiling distributions amp "
        "cuda_amp testing function_forms_extra",
    ),
    ("entry", "run __init__"),
]


def layer_of(module):
    name = module.removeprefix("tinygrad_scores").lstrip(".") or "__init__"
    for rank, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes.split():
            if name == prefix or name.startswith(prefix + "."):
                return rank
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def modules():
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        if package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, package)
    return found


def edges():
    """(importer, imported, line, inside a function) for every import of a package module."""
    known = modules()
    out = []
    for module, (path, package) in known.items():
        here = module.split(".") if package else module.split(".")[:-1]
        tree = ast.parse(path.read_text())
        functions = [
            n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        inner = {id(n) for f in functions for n in ast.walk(f)}
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.ImportFrom):
                base = here[: len(here) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                if not target.startswith("tinygrad_scores"):
                    continue
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    targets.append(sub if sub in known else target)
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("tinygrad_scores")]
            for target in targets:
                while target not in known and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target != module:
                    out.append((module, target, node.lineno, id(node) in inner))
    return out


def test_every_import_points_down_or_within_its_layer():
    upward = [
        f"{a} (layer {LAYERS[layer_of(a)][0]}) imports {b} (layer {LAYERS[layer_of(b)][0]}), "
        f"line {line}"
        for a, b, line, _ in edges()
        if layer_of(b) > layer_of(a)
    ]
    assert not upward, "upward imports:\n" + "\n".join(upward)


def test_an_import_inside_a_function_only_defers_a_lower_module():
    # a lazy import (Numba's kernels at first use) is fine; one that reaches sideways or up
    # would be dodging a loop
    hidden = [
        f"{a} imports {b} inside a function, line {line}"
        for a, b, line, inner in edges()
        if inner and layer_of(b) >= layer_of(a)
    ]
    assert not hidden, "\n".join(hidden)


def test_the_import_graph_has_no_cycle():
    graph = {}
    for a, b, _, _ in edges():
        graph.setdefault(a, set()).add(b)
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in graph.get(node, ()):
            if state.get(nxt) == "open":
                return path + [node, nxt]
            if nxt not in state:
                cycle = visit(nxt, path + [node])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start, [])
            assert cycle is None, "import cycle: " + " -> ".join(cycle)
