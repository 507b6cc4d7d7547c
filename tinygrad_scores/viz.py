"""Pictures of the graph behind a tensor: Graphviz DOT text (no Graphviz needed to make it)
and, where Graphviz's ``dot`` program is installed, an SVG/PNG/PDF file.

    loss = model(x).cross_entropy(y)         # any scalar built from tensors
    with viz.record_grads() as grads:        # optional: keep each node's gradient norm
        loss.backward()
    print(viz.to_dot(loss, params=dict(model.named_parameters()), grads=grads))
    viz.render(loss, "graph.svg", params=dict(model.named_parameters()), grads=grads)

Each op is a box (backward node name, output shape and dtype, and after backward the norm
of the gradient flowing into it), each leaf an ellipse (green when it requires grad, with
its ``.grad`` norm once it has one).
"""

import shutil
import subprocess

import numpy as np

from .autograd import trace


def _shape(shape):
    return "x".join(map(str, shape)) or "scalar"


def _dtype(dtype):
    return np.dtype(dtype).name if dtype is not None else "?"


def _norm(array):
    return float(np.linalg.norm(np.asarray(array, dtype=np.float64).ravel()))


def _quote(text):
    """A DOT label: quotes and backslashes escaped, lines joined with DOT's newline."""
    lines = [line.replace("\\", "\\\\").replace('"', '\\"') for line in text.split("\n")]
    return '"' + "\\n".join(lines) + '"'


class record_grads(trace):
    """``with record_grads() as grads: loss.backward()`` keeps the norm of the gradient
    each backward node received (d loss / d its output), for ``to_dot(..., grads=grads)``.

    Intermediate gradients are not stored by the engine (only leaves get ``.grad``), so
    this is how a picture can show them without ``retain_grad()`` on every tensor.
    """

    def __init__(self):
        super().__init__(print_steps=False)
        self.norms = {}  # backward node -> norm of its incoming gradient

    def _record(self, node, grad, input_grads, seconds):
        super()._record(node, grad, input_grads, seconds)
        self.norms[node] = _norm(grad)


def to_dot(tensor, name="loss", params=None, grads=None):
    """DOT source of the graph that produced ``tensor``.

    ``params``: optional ``{name: tensor}`` (e.g. ``dict(model.named_parameters())``) to
    label leaves by name. ``grads``: optional ``record_grads`` (or ``{node: norm}``) from a
    backward pass, to label op nodes with the norm of the gradient they received; without
    it an op node shows a gradient norm only when its output tensor kept one
    (``retain_grad()``). Leaves show their ``.grad`` norm whenever they have a ``.grad``.
    """
    norms = dict(getattr(grads, "norms", grads) or {})
    leaf_names = {id(t): n for n, t in (params or {}).items()}
    lines = [
        "digraph graph_of_" + "".join(c if c.isalnum() else "_" for c in name) + " {",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=10];',
    ]
    ids = {}

    def node_id(obj):
        return ids.setdefault(id(obj), f"n{len(ids)}")

    def grad_line(grad):
        return "" if grad is None else f"\ngrad norm {_norm(grad.array):.3g}"

    root = tensor.grad_fn
    head = f"{name}\n{_shape(tensor.shape)} {_dtype(tensor.dtype)}{grad_line(tensor.grad)}"
    if root is None:
        lines += [f"  {node_id(tensor)} [shape=ellipse, label={_quote(head)}];", "}"]
        return "\n".join(lines)
    if tensor.grad is not None:
        norms.setdefault(root, _norm(tensor.grad.array))
    out_id = node_id(tensor)
    lines.append(
        f"  {out_id} [shape=ellipse, style=filled, fillcolor=lightblue, label={_quote(head)}];"
    )
    lines.append(f"  {node_id(root)} -> {out_id};")
    stack, seen, ops = [root], {id(root)}, []
    while stack:
        node = stack.pop()
        ops.append(node)
        for t, parent in zip(node.inputs, _parents(node)):
            if not hasattr(t, "grad_fn"):  # a plain number or array option
                continue
            if parent is not None:
                if t.grad is not None and t.grad_fn is parent:  # retain_grad() kept it
                    norms.setdefault(parent, _norm(t.grad.array))
                src = node_id(parent)
                if id(parent) not in seen:
                    seen.add(id(parent))
                    stack.append(parent)
            else:
                src = node_id(t)
                if id(t) not in seen:
                    seen.add(id(t))
                    style = _leaf_style(t, leaf_names.get(id(t)), grad_line(t.grad))
                    lines.append(f"  {src} {style};")
            lines.append(f"  {src} -> {node_id(node)};")
    for node in ops:  # after the walk: every norm is known
        shape, dtype = node.out_meta if node.out_meta else ((), None)
        label = f"{node.name()}\nout {_shape(shape)} {_dtype(dtype)}"
        if node in norms:
            label += f"\ngrad norm {norms[node]:.3g}"
        lines.append(f"  {node_id(node)} [shape=box, label={_quote(label)}];")
    lines.append("}")
    return "\n".join(lines)


def _parents(node):
    """The node that produced each input when the op ran (the engine's edges: an in-place
    op may have given the input tensor a newer grad_fn since)."""
    parents = getattr(node, "parents", None)
    return parents if parents is not None else [getattr(t, "grad_fn", None) for t in node.inputs]


def _leaf_style(t, leaf_name, grad_text):
    kind = "requires_grad" if t.requires_grad else "constant"
    color = "palegreen" if t.requires_grad else "lightgrey"
    title = leaf_name or type(t).__name__
    label = f"{title} {_shape(t.shape)} {_dtype(t.dtype)}\n{kind}{grad_text}"
    return f"[shape=ellipse, style=filled, fillcolor={color}, label={_quote(label)}]"


_INSTALL_HINT = (
    "Graphviz's `dot` program is needed to draw the graph and was not found on "
    "PATH. Install Graphviz itself: `apt-get install graphviz` (Debian/Ubuntu), "
    "`brew install graphviz` (macOS) or `conda install graphviz`; "
    "`pip install graphviz` is not enough (it installs only Python bindings, "
    "not the program). Without it, viz.to_dot(...) still gives the DOT text."
)


def render(tensor, path, name="loss", params=None, grads=None, dot="dot"):
    """Draw the graph of ``tensor`` to ``path``; the format comes from its extension
    (.svg, .png or .pdf). Returns ``path``. Raises RuntimeError naming how to install
    Graphviz when its ``dot`` program is missing."""
    exe = shutil.which(dot)
    if exe is None:
        raise RuntimeError(_INSTALL_HINT)
    fmt = str(path).rsplit(".", 1)[-1].lower() if "." in str(path) else "svg"
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(f"render: unsupported image format {fmt!r}; use .svg, .png or .pdf")
    source = to_dot(tensor, name=name, params=params, grads=grads)
    done = subprocess.run(
        [exe, f"-T{fmt}", "-o", str(path)], input=source.encode(), capture_output=True, timeout=60
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"dot failed (exit {done.returncode}): {done.stderr.decode(errors='replace')}"
        )
    return path


__all__ = ["to_dot", "render", "record_grads"]
