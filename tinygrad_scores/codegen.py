"""A captured step's tape (capture.py) as one generated Python function.

Each tape entry becomes a line of straight-line source: an op's forward called directly
on its slot variables, a copy or conversion, an in-place write, an optimizer's or a
scheduler's call. A backward pass becomes, per node in the recorded order, a direct call
of its Function's backward and one line per gradient edge: the same steps, in the same
order, as the engine's loop (``autograd._propagate``), so the numbers are the eager
ones bit for bit. The source is compiled once, when the tape is built; no dict lookups,
no dispatch on the kind of an entry, no closures per op at replay.

Names in the source: ``a0..`` the arguments' arrays, ``s0..`` the arrays the tape
computes (one per slot), ``n0..`` the ops' nodes (their contexts, refilled by each
forward), ``t0..`` tensors from outside the step (weights, read live), ``c0..``
constants, ``ds0..`` the gradient reaching ``s0..``, ``dt0..`` the one reaching ``t0..``.
"""

import functools
import keyword
import math
import re

import numpy as np

from . import autograd

_LITERALS = (bool, int, str, type(None))
# the function's own variables: a label of this form gets a suffix
_LOCALS = re.compile(r"(a|s|ds|dt|t|c|m)\d+|r|handed_out|set|isinstance")


def _grad_into(prev, d, node, k):
    """The gradient so far of node input ``k``'s producer, ``prev``, plus ``d`` as the
    engine's loop hands it on (``autograd._edge_gradient``)."""
    if d is None:
        return prev
    d = autograd._edge_gradient(node, k, d)
    return d if prev is None else autograd._plus(prev, d)


def _grad_into_leaf(prev, d, node, k):
    """``_grad_into`` for a leaf, with the engine's rule for a saved array handed back."""
    if d is None:
        return prev
    d = autograd._own_leaf_gradient(node, autograd._edge_gradient(node, k, d))
    return d if prev is None else autograd._plus(prev, d)


class _Source:
    """The lines of the function and the objects its names are bound to."""

    def __init__(self):
        self.lines = []
        self.env = {
            "array": np.array,
            "copyto": np.copyto,
            "ndarray": np.ndarray,
            "wrap": autograd.Tensor.wrap,
            "accumulate": autograd._accumulate_into_grad,
            "grad_into": _grad_into,
            "grad_into_leaf": _grad_into_leaf,
            "output_array": autograd._output_array,
            "per_input": autograd._per_input,
        }
        self.names = {}  # (kind, id(obj)) -> name
        self.counts = {}  # kind -> how many names of that kind so far

    def bind(self, kind, obj, label=None):
        """A name for ``obj`` in the source: ``label`` (made unique) or ``kind`` and a
        number. The same object of the same kind always gets the same name."""
        key = (kind, id(obj))
        name = self.names.get(key)
        if name is None:
            base = re.sub(r"\W", "_", label) if label else kind
            count = self.counts[kind] = self.counts.get(kind, -1) + 1
            unique = label and base not in self.env and not _LOCALS.fullmatch(base)
            name = base if unique or kind == "n" else f"{base}{count}"
            self.names[key] = name
            self.env[name] = obj
        return name

    def emit(self, line, comment=""):
        self.lines.append(f"    {line}  # {comment}" if comment else f"    {line}")


def _node(src, slot, ctx):
    return src.bind("n", ctx, f"n{slot}")


def _expression(src, ref):
    """The source text that reads ``ref`` (a tape reference) on replay."""
    kind, what = ref
    if kind == "slot":
        return f"s{what}"
    if kind == "arg":
        return f"a{what}"
    if kind == "live_tensor":  # read live: an optimizer may have replaced its array
        return f"{src.bind('t', what)}.array"
    if _is_literal(what):
        return repr(what)  # a plain value written as itself (repr round-trips these)
    return src.bind("c", what)


def _is_literal(value):
    if type(value) is tuple:
        return all(_is_literal(v) for v in value)
    return type(value) in _LITERALS or (type(value) is float and math.isfinite(value))


def _describe(array):
    return f"{array.dtype} {list(array.shape)}" if isinstance(array, np.ndarray) else ""


def _op_lines(src, entry, out_arrays):
    _, cls, ctx, refs, options, slot = entry
    forward = src.bind("f", cls.forward, f"{cls.__name__}_forward")
    values = [_expression(src, r) for r in refs]
    node = _node(src, slot, ctx)
    kwargs = [f"{k}={_expression(src, ('value', v))}" for k, v in options.items()]
    what = f"{cls.__name__} -> {_describe(out_arrays.get(slot))}"
    if cls._setup:  # PyTorch 2's form: forward without ctx, then setup_context fills it
        src.emit(f"s{slot} = {forward}({', '.join(values + kwargs)})", what)
        setup = src.bind("f", cls.setup_context, f"{cls.__name__}_setup_context")
        inputs = f"({', '.join(values)}{',' if len(values) == 1 else ''})"
        src.emit(f"{setup}({node}, {inputs}, s{slot})")
    else:
        src.emit(f"s{slot} = {forward}({', '.join([node] + values + kwargs)})", what)
    if getattr(out_arrays.get(slot), "ndim", 0) == 0:  # a 0-d result may come as a scalar
        src.emit(f"if s{slot}.__class__ is not ndarray: s{slot} = output_array(n{slot}, s{slot})")


def _backward_lines(src, entry):
    _, roots, plan, leaves_only = entry
    leaf_names = {}  # id(leaf tensor) -> its gradient's variable
    for _, _, edges in plan:
        for _, kind, t in edges:
            if kind == "leaf" and id(t) not in leaf_names:
                leaf_names[id(t)] = (f"d{src.bind('t', t)}", t)
    src.emit(f"# backward: {len(plan)} nodes, {len(leaf_names)} leaves")
    seeded = set()
    for slot, ref in roots:  # a fresh seed each time: it may become a .grad
        seed = f"array({_expression(src, ref)})"
        src.emit(f"ds{slot} = {seed}" if slot not in seeded else f"ds{slot} = ds{slot} + {seed}")
        seeded.add(slot)
    unseeded = [f"ds{slot}" for slot, _, _ in plan if slot not in seeded]
    unseeded += [name for name, _ in leaf_names.values()]
    if unseeded:
        src.emit(" = ".join(unseeded) + " = None")
    for slot, node, edges in plan:
        name = node.function.__name__
        backward = src.bind("f", node.function.backward, f"{name}_backward")
        n = _node(src, slot, node)
        call = f"per_input({n}, {backward}({n}, ds{slot}))"
        src.emit(f"if ds{slot} is not None:", f"{name} backward")
        src.emit(f"    r = {call}")
        for k, kind, target in edges:
            if kind == "leaf":
                var = leaf_names[id(target)][0]
                src.emit(f"    {var} = grad_into_leaf({var}, r[{k}], n{slot}, {k})")
            else:
                src.emit(f"    ds{target} = grad_into(ds{target}, r[{k}], n{slot}, {k})")
    src.emit("handed_out = set()")
    for var, t in leaf_names.values():
        if leaves_only is None or id(t) in leaves_only:
            line = f"if {var} is not None: accumulate({var[1:]}, {var}, handed_out)"
            src.emit(line, f"leaf {_describe(t.array)}")


def generate(tape, arguments, outputs, out_arrays, guards, name="step"):
    """The tape as Python source and the functions compiled from it, ``(step, fits,
    source)``. ``step(*args)`` replays one step on the arguments (positional, then keyword
    ones by name) and returns the outputs as Tensors (None where the step returned None).
    ``fits(*args)`` is a quick check that a call may replay (see ``_guard_lines``), or None
    where an argument is not a tensor. ``arguments``: per argument its part of the
    capture's signature (``("T", shape, dtype, requires_grad)`` for a tensor);
    ``out_arrays``: slot -> the array a recording held there (for the comments and 0-d
    results); ``outputs``: tape references; ``guards``: what must still hold (grad mode,
    (module, training), (tensor, requires_grad), (module, name, parameter), leaves)."""
    src = _Source()
    for i, part in enumerate(arguments):
        if part[0] == "T":
            src.emit(f"a{i} = a{i}.array", f"argument {i}: {np.dtype(part[2])} {list(part[1])}")
    for entry in tape:
        kind = entry[0]
        if kind == "op":
            _op_lines(src, entry, out_arrays)
        elif kind == "derived":
            _, how, ref, slot = entry
            how_name = src.bind("f", how, getattr(how, "__name__", "derive"))
            src.emit(f"s{slot} = {how_name}({_expression(src, ref)})", "copy or conversion")
        elif kind == "inplace":
            target, result = (_expression(src, r) for r in entry[1:])
            src.emit(f"copyto({target}, {result}, casting='unsafe')", "in-place write")
        elif kind == "call":
            _, method, obj, call_args, kwargs = entry
            what = f"{type(obj).__name__}.{method.__name__}"
            # an optimizer's fused form of the call (Adam's: one kernel call for several
            # parameters), where it has one: the same bits, less Python per parameter
            fused = getattr(obj, f"_fused_{method.__name__}", None)
            if fused is None or call_args or kwargs:
                fused = functools.partial(method, obj, *call_args, **dict(kwargs))
            else:
                what += " (fused)"
            src.emit(f"{src.bind('call', fused, what.split()[0])}()", what)
        else:
            _backward_lines(src, entry)
    results = [_expression(src, o) if o is not None else None for o in outputs]
    wrapped = ", ".join("None" if r is None else f"wrap({r})" for r in results)
    src.emit(f"return ({wrapped},)")
    params = ", ".join(f"a{i}" for i in range(len(arguments)))
    if not name.isidentifier() or keyword.iskeyword(name) or name in src.env:
        name = "compiled_step"  # a lambda's "<lambda>", or a name the source uses
    elif _LOCALS.fullmatch(name):
        name += "_"
    source = f"def {name}({params}):\n" + "\n".join(src.lines) + "\n"
    fits = None
    if all(part[0] == "T" for part in arguments):
        fits = f"{name}_fits"
        lines = _guard_lines(src, arguments, *guards)
        source += f"\n\ndef {fits}({params}):\n    return (\n" + "\n".join(lines) + "\n    )\n"
    namespace = dict(src.env)
    exec(compile(source, f"<compiled step {name}>", "exec"), namespace)  # noqa: S102
    return namespace[name], namespace.get(fits), source


def _guard_lines(src, arguments, grad_enabled, modules, grad_flags, params, leaves):
    """The conditions, one a line, under which a call may replay without the full checks
    (CompiledFunction's signature and ``_guards_hold``): the same grad mode, tensor
    arguments of the same shapes, dtypes and requires_grad, the modules in the same mode,
    the weights requiring grad as before, the same parameters, no hooks on the leaves.
    Stricter than the full checks (``is`` where they compare), never looser: a call that
    fails here takes the full path, which replays or says why not."""
    src.env["engine"] = autograd._state
    src.env["Tensor"] = autograd.Tensor
    conds = [(f"engine.grad_enabled is {grad_enabled!r}", "grad mode")]
    for i, (_, shape, dtype, requires_grad) in enumerate(arguments):
        dt = np.dtype(dtype)
        conds.append((f"isinstance(a{i}, Tensor) and a{i}.requires_grad is {requires_grad}", ""))
        conds.append((f"a{i}.array.shape == {shape!r}", f"argument {i}"))
        conds.append((f"a{i}.array.dtype is {src.bind('dtype', dt, dt.name)}", ""))
    for module, training in modules:
        conds.append((f"{src.bind('m', module)}.training is {training}", type(module).__name__))
    for t, requires_grad in grad_flags:
        conds.append((f"{src.bind('t', t)}.requires_grad is {requires_grad}", ""))
    for module, key, param in params:
        owner, p = src.bind("m", module), src.bind("t", param)
        conds.append((f"{owner}._parameters.get({key!r}) is {p}", "the same parameter"))
    for t in dict.fromkeys(leaves):  # (in order, once each)
        conds.append((f"not {src.bind('t', t)}._hooks", "no hook on a weight"))
    return [
        f"        {'and ' if k else ''}{cond}" + (f"  # {note}" if note else "")
        for k, (cond, note) in enumerate(conds)
    ]
