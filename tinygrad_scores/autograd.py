"""The graph and the engine.

Every differentiable operation is a ``Function`` subclass (see ``functions.py``) with a
``forward`` and a ``backward``. Calling ``SomeOp.apply(a, b)`` runs ``forward`` on the
inputs' NumPy arrays and, when gradients are wanted, records a ``Context``: the node of
the graph. A result's ``grad_fn`` is its node; a node's ``inputs`` are the tensors it was
computed from. The graph is therefore built while the program runs (define-by-run).

``backward(root)`` then:
  1. sorts the nodes reachable from ``root.grad_fn`` topologically, with an explicit
     stack (no recursion, so a 10,000-op chain is fine);
  2. seeds d root / d root = 1 (or the ``gradient`` given);
  3. walks the nodes in reverse order, calling each ``Function.backward`` with the
     gradient of the node's output and adding what it returns into its inputs':
     into ``.grad`` for leaf tensors, into the pending gradient of the producing node
     otherwise. A tensor used twice simply receives two contributions.
"""
import contextlib
import time

import numpy as np

_grad_enabled = True


def is_grad_enabled():
    return _grad_enabled


class set_grad_enabled(contextlib.ContextDecorator):
    """Context manager and decorator that turns graph building on or off."""

    def __init__(self, mode):
        self.mode = bool(mode)
        self.prev = None

    def __enter__(self):
        global _grad_enabled
        self.prev = _grad_enabled
        _grad_enabled = self.mode

    def __exit__(self, *exc):
        global _grad_enabled
        _grad_enabled = self.prev
        return False


class no_grad(set_grad_enabled):
    """``with no_grad():`` or ``@no_grad()``: run without recording a graph."""

    def __init__(self):
        super().__init__(False)

    def __call__(self, fn=None):
        if fn is None:           # allow @no_grad as well as @no_grad()
            return self
        return super().__call__(fn)


class enable_grad(set_grad_enabled):
    def __init__(self):
        super().__init__(True)


class Context:
    """One node of the graph: which Function made a tensor, from which inputs, and what
    its backward needs (``save_for_backward``)."""

    __slots__ = ("function", "inputs", "saved_tensors", "needs_input_grad", "freed",
                 "out_meta", "__dict__")

    def __init__(self, function, inputs):
        self.function = function
        self.inputs = inputs
        self.saved_tensors = ()
        self.freed = False
        self.needs_input_grad = None
        self.out_meta = None

    def save_for_backward(self, *arrays):
        self.saved_tensors = arrays

    def name(self):
        return self.function.__name__ + "Backward0"

    def __repr__(self):
        return f"<{self.name()}>"

    # PyTorch's name for the edges to the next nodes
    @property
    def next_functions(self):
        return tuple((t.grad_fn if t is not None else None, 0) for t in self.inputs)


class Function:
    """Base class of differentiable operations.

    Subclasses define ``forward(ctx, *arrays, **options)`` returning a NumPy array and
    ``backward(ctx, grad)`` returning one gradient array (or None) per positional input.
    Positional inputs that are tensors are graph inputs; keyword options are not.
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad):
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **options):
        from .tensor import Tensor
        arrays = [x.array if isinstance(x, Tensor) else x for x in inputs]
        requires_grad = _grad_enabled and any(
            isinstance(x, Tensor) and x.requires_grad for x in inputs)
        ctx = Context(cls, inputs if requires_grad else ())
        if requires_grad:
            ctx.needs_input_grad = tuple(isinstance(x, Tensor) and x.requires_grad for x in inputs)
        out = cls.forward(ctx, *arrays, **options)
        if _anomaly_enabled:
            _check_anomaly(cls.__name__, "forward", out)
        if not requires_grad:
            return Tensor._wrap(out)
        ctx.out_meta = (out.shape, out.dtype)
        return Tensor._wrap(out, ctx)


# ----------------------------------------------------------------------------- engine

def _topological_order(root_node):
    """Nodes reachable from ``root_node``, each after every node that consumes it."""
    order = []
    visited = {id(root_node)}
    stack = [(root_node, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        stack.append((node, True))
        for t in node.inputs:
            child = getattr(t, "grad_fn", None)
            if child is not None and id(child) not in visited:
                visited.add(id(child))
                stack.append((child, False))
    order.reverse()   # root first, leaves' producers last
    return order


def backward(root, gradient=None, retain_graph=False):
    """Accumulate d root / d leaf into ``leaf.grad`` for every leaf that requires grad."""
    from .tensor import Tensor
    if not root.requires_grad:
        raise RuntimeError("element 0 of tensors does not require grad and does not have a "
                           "grad_fn: call .requires_grad_() on a leaf, or compute it outside no_grad()")
    if gradient is None:
        if root.array.size != 1:
            raise RuntimeError(f"grad can be implicitly created only for scalar outputs; "
                               f"this tensor has shape {tuple(root.shape)}: pass gradient=")
        seed = np.ones(root.shape, root.dtype)
    else:
        seed = np.asarray(gradient.array if isinstance(gradient, Tensor) else gradient,
                          dtype=root.dtype)
        if seed.shape != root.shape:
            raise RuntimeError(f"Mismatch in shape: gradient has shape {seed.shape} and output "
                               f"has shape {tuple(root.shape)}")
    node = root.grad_fn
    if node is None:                       # backward on a leaf: d x / d x = 1
        _accumulate_leaf(root, seed, set())
        return
    order = _topological_order(node)
    pending = {id(node): seed}
    handed_out = set()                     # arrays already stored in some leaf's .grad
    tracer = _active_tracer
    for node in order:
        grad = pending.pop(id(node), None)
        if grad is None:                   # no path from root carries a gradient here
            continue
        if node.freed:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved "
                "tensors after they have already been freed). Saved intermediate values of the "
                "graph are freed when you call .backward(). Specify retain_graph=True if you need "
                "to backward through the graph a second time.")
        start = time.perf_counter() if tracer is not None else 0.0
        input_grads = node.function.backward(node, grad)
        if not isinstance(input_grads, tuple):
            input_grads = (input_grads,)
        if tracer is not None:
            tracer._record(node, grad, input_grads, time.perf_counter() - start)
        if _anomaly_enabled:
            for g in input_grads:
                if g is not None:
                    _check_anomaly(node.function.__name__, "backward", g)
        for t, g, needed in zip(node.inputs, input_grads, node.needs_input_grad):
            if g is None or not needed:
                continue
            child = t.grad_fn
            if child is None:
                _accumulate_leaf(t, g, handed_out)
            else:
                if t._retains_grad:
                    _accumulate_leaf(t, g, handed_out)
                key = id(child)
                prev = pending.get(key)
                pending[key] = g if prev is None else prev + g
        if not retain_graph:
            node.saved_tensors = ()
            node.__dict__.clear()
            node.freed = True


def _accumulate_leaf(t, g, handed_out):
    from .tensor import Tensor
    if g.shape != t.shape:
        g = np.broadcast_to(g, t.shape)
    if g.dtype != t.dtype:
        g = g.astype(t.dtype)
    if t.grad is None:
        # Two leaves (or a leaf and the graph) may be handed the same array: copy then.
        if id(g) in handed_out or g.base is not None or not g.flags.writeable:
            g = np.array(g)
        handed_out.add(id(g))
        t.grad = Tensor._wrap(g)
    else:
        t.grad.array = t.grad.array + g


# ----------------------------------------------------------------------------- anomaly

_anomaly_enabled = False


class detect_anomaly(contextlib.ContextDecorator):
    """While active, a NaN or inf produced by any op's forward or backward raises a
    RuntimeError that names the op (PyTorch's ``torch.autograd.detect_anomaly``)."""

    def __enter__(self):
        global _anomaly_enabled
        self.prev = _anomaly_enabled
        _anomaly_enabled = True
        return self

    def __exit__(self, *exc):
        global _anomaly_enabled
        _anomaly_enabled = self.prev
        return False


def _check_anomaly(op_name, phase, array):
    if isinstance(array, np.ndarray) and array.dtype.kind == "f" and not np.isfinite(array).all():
        bad = "nan" if np.isnan(array).any() else "inf"
        what = "output" if phase == "forward" else "gradient"
        raise RuntimeError(f"Function '{op_name}{'' if phase == 'forward' else 'Backward0'}' "
                           f"produced {bad} values in its {what} (shape {array.shape}); "
                           f"detect_anomaly() is on")


# ----------------------------------------------------------------------------- trace

_active_tracer = None


class trace:
    """Context manager recording each backward step the engine takes.

    ``with trace() as t: loss.backward()`` prints one line per step (op, gradient shape
    coming in, gradient shapes going out, wall time) and keeps them in ``t.records``.
    """

    def __init__(self, print_steps=True, file=None):
        self.print_steps = print_steps
        self.file = file
        self.records = []

    def __enter__(self):
        global _active_tracer
        self._prev = _active_tracer
        _active_tracer = self
        return self

    def __exit__(self, *exc):
        global _active_tracer
        _active_tracer = self._prev
        return False

    def _record(self, node, grad, input_grads, seconds):
        record = {
            "step": len(self.records),
            "op": node.name(),
            "grad_output_shape": tuple(grad.shape),
            "input_shapes": tuple(tuple(t.shape) if t is not None else None for t in node.inputs),
            "grad_input_shapes": tuple(None if g is None else tuple(np.shape(g)) for g in input_grads),
            "seconds": seconds,
        }
        self.records.append(record)
        if self.print_steps:
            ins = ", ".join("-" if s is None else "x".join(map(str, s)) or "scalar"
                            for s in record["grad_input_shapes"])
            out = "x".join(map(str, record["grad_output_shape"])) or "scalar"
            print(f"[backward {record['step']:3d}] {record['op']:<22} grad_out {out:<12} "
                  f"-> grad_in ({ins})  {seconds * 1e6:8.1f} us", file=self.file)

