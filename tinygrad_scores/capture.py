"""Capture a training step once, then replay it: ``step = tinygrad_scores.compile(fn)``.

An eager step spends most of its time, at small sizes, deciding things that never change
from one step to the next: which op runs, whether it records a graph, the topological
order of the backward pass, which checks pass. ``compile`` decides them once.

How it works, in the spirit of tinygrad's TinyJit:

1. The first two calls run ``fn`` eagerly while a ``Recorder`` writes down, as a tape,
   everything that computes numbers: each op's forward (which Function, on which arrays:
   an argument, the output of an earlier op, or a tensor from outside such as a weight),
   each in-place write, each backward pass (the nodes in order and where each gradient
   goes), and each call of an optimizer's ``step`` / ``zero_grad`` or a scheduler's ``step``.
2. The two tapes must agree: the same ops on the same kinds of inputs, and any tensor made
   inside ``fn`` (a constant) with the same values both times. Then the tape is kept.
3. The tape becomes one Python function (codegen.py), compiled once: a line per op
   calling its forward on the slot variables, the backward node by node, the optimizer's
   calls (Adam's fused over its parameters); ``compiled.source()`` prints it. Later calls
   with arguments of the same shapes and dtypes run it: the same forward and backward
   functions on the new arrays, no Tensor objects, no graph nodes, no topological sort,
   no checks that already passed. Arguments of another shape or dtype run eagerly (with
   a one-time warning).

A function is not captured (it keeps running eagerly, with a one-time warning saying why)
when it reads tensor values into Python (``item()``, ``float(t)``, ``if t > 0``, ...),
draws random numbers (dropout), updates BatchNorm's running statistics, indexes with a
tensor, makes tensors from data outside the ops, uses hooks, ``retain_grad``,
``autograd.grad`` or ``trace``, or returns something other than tensors. A replay falls
back to eager when a module switched train/eval, a parameter was replaced, a weight got a
hook or changed ``requires_grad``, or the arguments' shapes or dtypes changed.

What a tape cannot see: plain Python values the function reads from outside (a global
``scale``, an attribute ``model.alpha``) are frozen at their value during capture, as in
tinygrad's TinyJit. Pass such values as arguments (their values are part of the key), or
do not compile the function. Call ``backward()`` inside the function: a replayed result has
no graph behind it. Calls are serialised: one tape, one caller at a time.
"""

import functools
import threading
import warnings
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np

from . import autograd
from .codegen import generate

_state = autograd._state


def escape(reason):
    """Tell an active recorder that the step did something a tape cannot repeat."""
    rec = _state.recorder
    if rec is not None and rec.paused == 0:
        rec.fail(reason)


_Method = TypeVar("_Method", bound=Callable[..., Any])


def replayable(method: _Method) -> _Method:
    """Record calls of a stateful method (an optimizer's step, zero_grad, a scheduler's
    step) as one tape entry; the method's own work is not recorded op by op."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        rec = _state.recorder
        if rec is None or rec.paused:
            return method(self, *args, **kwargs)
        rec.entries.append(("call", method, self, args, tuple(sorted(kwargs.items()))))
        rec.paused += 1
        try:
            return method(self, *args, **kwargs)
        finally:
            rec.paused -= 1

    return cast(_Method, wrapper)


def _drop_grad(tensor):
    tensor.grad = None


class Recorder:
    """The tape of one eager call of the captured function."""

    def __init__(self, args):
        self.entries = []
        self.n_args = len(args)  # positional and keyword arguments, as the replay gets them
        self.slots = {}  # id(array) -> slot number, for arrays the tape computes
        self.slot_arrays = []  # the array of each slot, as this call computed it
        self.args = {id(a.array): i for i, a in enumerate(args) if isinstance(a, autograd.Tensor)}
        self.contexts = {}  # id(Context) -> slot number of the op that made it
        self.keep = []  # every array and node seen, alive, so their ids stay unique
        self.failure = None
        self.paused = 0
        self.modules = []  # (module, its training flag) for each module called
        self.constants = set()  # ids of 0-d arrays made from Python literals (x * 2)
        self.option_arrays = []  # arrays passed as op options (indices, masks, weights)
        self.backward_nodes = set()  # ids of the nodes a recorded backward pass went through

    def constant(self, array):
        self.keep.append(array)
        self.constants.add(id(array))

    def module_called(self, module):
        if not self.paused:
            self.modules.append((module, module.training))

    def fail(self, reason):
        if self.failure is None:
            self.failure = reason

    def ref(self, x):
        """How to find ``x`` (a tensor, an array or a plain value) again on replay."""
        is_tensor = isinstance(x, autograd.Tensor)
        if not is_tensor and not isinstance(x, np.ndarray):
            return ("value", x)
        array = x.array if is_tensor else x
        if id(array) in self.slots:
            return ("slot", self.slots[id(array)])
        if id(array) in self.args:
            return ("arg", self.args[id(array)])
        self.keep.append(x)
        return ("tensor" if is_tensor else "array", x)

    def new_slot(self, array):
        self.slot_arrays.append(array)
        slot = len(self.slots)
        self.slots[id(array)] = slot
        return slot

    # ------------------------------------------------------------------ what is recorded
    def op(self, cls, ctx, inputs, options, out):
        if self.paused:
            return
        if not cls.on_arrays:
            self.fail(f"a user-defined Function ({cls.__name__})")
            return
        for value in options.values():
            if isinstance(value, tuple):
                value = [v for v in value if isinstance(v, np.ndarray)]
            for array in value if isinstance(value, list) else [value]:
                if isinstance(array, np.ndarray) and array.ndim > 0:
                    if id(array) in self.args or id(array) in self.slots:
                        self.fail(f"{cls.__name__} takes an argument or a result as an index")
                    self.keep.append(array)
                    # an index or mask made from data: the tape could not follow it
                    self.option_arrays.append(array)
        refs = tuple(self.ref(x) for x in inputs)
        self.keep.append(ctx)
        slot = self.new_slot(out)
        self.contexts[id(ctx)] = slot
        self.entries.append(("op", cls, ctx, refs, tuple(sorted(options.items())), slot))

    def derived(self, source, array, how):
        """``array`` = ``how(source)`` computed outside an op (a copy taken for an in-place
        op, a dtype conversion): replayed the same way."""
        if self.paused:
            return
        ref = self.ref(source)
        self.entries.append(("derived", how, ref, self.new_slot(array)))

    def grad_assigned(self, tensor, value):
        """``p.grad = None`` in the step is replayed; a tensor put there cannot be."""
        if self.paused:
            return
        if value is None:
            self.entries.append(("call", _drop_grad, tensor, (), ()))
        else:
            self.fail("a tensor assigned to .grad")

    def inplace(self, target, result):
        if self.paused:
            return
        self.entries.append(("inplace", self.ref(target), self.ref(result)))

    def backward(self, root_nodes, seeds, order, leaves_only):
        if self.paused:
            return
        plan = []
        self.backward_nodes.update(id(node) for node in order)
        for node in order:
            if node.hooks or node.retained is not None:
                self.fail("a hook or retain_grad() on an intermediate tensor")
                return
            slot = self.contexts.get(id(node))
            if slot is None:
                self.fail("a backward pass through a graph built before the captured call")
                return
            edges = []
            for k, (t, parent, needed) in enumerate(
                zip(node.inputs, node.parents, node.needs_input_grad)
            ):
                if not needed:
                    continue
                if parent is None:
                    if getattr(t, "_hooks", None):
                        self.fail("a hook on a leaf tensor")
                        return
                    if id(t.array) in self.args:
                        self.fail("a gradient into an argument of the function")
                        return
                    self.keep.append(t)
                    edges.append((k, "leaf", t))
                else:
                    edges.append((k, "node", self.contexts.get(id(parent))))
            plan.append((slot, node, tuple(edges)))
        roots = tuple((self.contexts.get(id(n)), self.ref(s)) for n, s in zip(root_nodes, seeds))
        self.entries.append(("backward", roots, tuple(plan), leaves_only))


# ----------------------------------------------------------------------------- comparing


def _same_value(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
        )
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, slice) and isinstance(b, slice):
        return _same_value((a.start, a.stop, a.step), (b.start, b.stop, b.step))
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):
        return False


def _merge_ref(a, b, literals=None):
    """The ref to replay from two recordings' refs, or None when they disagree. An outside
    tensor or array that is the same object both times is read live (a weight); one made
    anew each time must hold the same values both times (a constant)."""
    if a[0] != b[0]:
        return None
    kind = a[0]
    if kind in ("slot", "arg"):
        return a if a[1] == b[1] else None
    if kind == "value":
        return a if _same_value(a[1], b[1]) else None
    if a[1] is b[1]:
        return ("live_tensor", a[1]) if kind == "tensor" else ("live_array", a[1])
    va = a[1].array if kind == "tensor" else a[1]
    vb = b[1].array if kind == "tensor" else b[1]
    # Only Python literals (the 2 in ``x * 2``) may be made anew on each call: anything else
    # made outside the ops (a comparison, a float() of a tensor) may hold data.
    if literals is None or id(va) not in literals[0] or id(vb) not in literals[1]:
        return None
    if va.ndim != 0 or not _same_value(va, vb):
        return None
    return ("const", np.array(va))


def _merge(first, second):
    """One tape from two recordings of the same function, or (None, why)."""
    if len(first.entries) != len(second.entries):
        return None, "the function ran different ops on two calls"
    literals = (first.constants, second.constants)
    for x, y in zip(first.option_arrays, second.option_arrays):
        if x is not y:
            return None, "an op took an array made from data as an option (an index or a mask)"
    if len(first.option_arrays) != len(second.option_arrays):
        return None, "the function ran different ops on two calls"
    tape = []
    for x, y in zip(first.entries, second.entries):
        if x[0] != y[0]:
            return None, "the function ran different ops on two calls"
        kind = x[0]
        if kind == "op":
            _, cls, _, refs_a, opts_a, slot = x
            _, cls_b, ctx, refs_b, opts_b, slot_b = y
            refs = tuple(_merge_ref(a, b, literals) for a, b in zip(refs_a, refs_b))
            if (
                cls is not cls_b
                or slot != slot_b
                or None in refs
                or not _same_value(opts_a, opts_b)
            ):
                return None, (
                    f"the inputs of {cls.__name__} changed between calls in a way "
                    f"the tape cannot follow (a value computed outside the ops?)"
                )
            tape.append(("op", cls, ctx, refs, dict(opts_b), slot))
        elif kind == "derived":
            ref = _merge_ref(x[2], y[2])
            if ref is None or x[3] != y[3] or x[1] != y[1]:
                return None, "a copy or conversion of a value computed outside the ops"
            tape.append(("derived", y[1], ref, y[3]))
        elif kind == "inplace":
            target, result = _merge_ref(x[1], y[1]), _merge_ref(x[2], y[2])
            if target is None or result is None or target[0] == "const":
                return None, "an in-place write into a tensor made anew on each call"
            tape.append(("inplace", target, result))
        elif kind == "call":
            if (
                x[1] is not y[1]
                or x[2] is not y[2]
                or not _same_value(x[3], y[3])
                or not _same_value(x[4], y[4])
            ):
                return None, "a different optimizer or scheduler call on two calls"
            tape.append(y)
        elif kind == "backward":
            _, roots_a, plan_a, only_a = x
            _, roots_b, plan_b, only_b = y
            roots = tuple(
                (ra[0], _merge_ref(ra[1], rb[1], literals)) for ra, rb in zip(roots_a, roots_b)
            )
            same_plan = len(plan_a) == len(plan_b) and all(
                pa[0] == pb[0]
                and len(pa[2]) == len(pb[2])
                and all(
                    ea[:2] == eb[:2] and (ea[2] is eb[2] if ea[1] == "leaf" else ea[2] == eb[2])
                    for ea, eb in zip(pa[2], pb[2])
                )
                for pa, pb in zip(plan_a, plan_b)
            )
            if (
                not same_plan
                or any(r[1] is None or r[0] != rb[0] for r, rb in zip(roots, roots_b))
                or only_a != only_b
            ):
                return None, "the backward pass took a different path on two calls"
            tape.append(("backward", roots, plan_b, only_b))
    return tape, None


class CompiledFunction:
    """What ``compile(fn)`` returns: call it as you would call ``fn``."""

    def __init__(self, fn):
        self.fn = fn
        functools.update_wrapper(self, fn)
        self._recordings = []
        self._replay_step = None  # the tape as one generated function, once captured
        self._fits = None  # its generated quick check of a call's arguments and guards
        self._source = None
        self._freed = ()
        self._signature = None
        self.eager_reason = None  # why the function runs eagerly, once it is known
        self._warned = False
        self._guards = self._grad_flags = self._params = self._leaves = ()
        self._lock = threading.RLock()  # one tape, one set of slots: one caller at a time

    @staticmethod
    def _signature_of(args, kwargs):
        parts = [autograd.is_grad_enabled()]
        for a in list(args) + [kwargs.get(k) for k in sorted(kwargs)]:
            if isinstance(a, autograd.Tensor):
                parts.append(("T", a.array.shape, a.array.dtype.str, a.requires_grad))
            else:
                parts.append(("V", type(a).__name__, repr(a)))
        return tuple(parts) + tuple(sorted(kwargs))

    def _warn(self, message):
        if not self._warned:
            self._warned = True
            warnings.warn(
                f"tinygrad_scores.compile({getattr(self.fn, '__name__', 'fn')}): "
                f"{message}; running eagerly",
                RuntimeWarning,
                stacklevel=3,
            )

    def __call__(self, *args, **kwargs):
        with self._lock:
            return self._call(args, kwargs)

    def _call(self, args, kwargs):
        if (
            self.eager_reason is not None
            or _state.tracer is not None
            or _state.anomaly
            or _state.recorder is not None
        ):
            return self.fn(*args, **kwargs)
        fits = self._fits  # the generated quick check; the full one below says why not
        if fits is not None and not kwargs and len(args) == self._n_args and fits(*args):
            return self._replay(args, kwargs)
        signature = self._signature_of(args, kwargs)
        if self._replay_step is not None:
            if signature == self._signature and self._guards_hold():
                return self._replay(args, kwargs)
            self._warn("called with arguments of another shape or dtype than it was captured with")
            return self.fn(*args, **kwargs)
        return self._record(args, kwargs, signature)

    def _record(self, args, kwargs, signature):
        if self._recordings and signature != self._signature:
            self._recordings = []  # still warming up: start over with these shapes
        self._signature = signature
        rec = Recorder(list(args) + [kwargs[k] for k in sorted(kwargs)])
        _state.recorder = rec
        try:
            out = self.fn(*args, **kwargs)
        finally:
            _state.recorder = None
        outputs = out if isinstance(out, tuple) else (out,)
        for o in outputs:
            if o is None:
                continue
            if not isinstance(o, autograd.Tensor):
                rec.fail(f"it returns a {type(o).__name__}, not tensors")
            elif o.grad_fn is not None and id(o.grad_fn) not in rec.backward_nodes:
                rec.fail("a result still needs its graph (call backward() inside the function)")
        if rec.failure is not None:
            self.eager_reason = rec.failure
            self._warn(f"cannot be captured: {rec.failure}")
            return out
        rec.outputs = tuple(None if o is None else rec.ref(o) for o in outputs)
        rec.single = not isinstance(out, tuple)
        self._recordings.append(rec)
        if len(self._recordings) == 2:
            self._build()
        return out

    def _build(self):
        first, second = self._recordings
        tape, why = _merge(first, second)
        outputs = None
        if tape is not None:
            outputs = tuple(
                None if a is None else _merge_ref(a, b)
                for a, b in zip(first.outputs, second.outputs)
            )
            if len(first.outputs) != len(second.outputs) or any(
                o is None and a is not None for o, a in zip(outputs, first.outputs)
            ):
                tape, why = None, "its results changed between calls"
        self._recordings = []
        if tape is None:
            self.eager_reason = why
            self._warn(f"cannot be captured: {why}")
            return
        live = {id(r[1]): r[1] for e in tape if e[0] == "op" for r in e[3] if r[0] == "live_tensor"}
        self._params = tuple(
            (m, name, p) for m, _ in second.modules for name, p in m._parameters.items()
        )
        self._leaves = tuple(
            t
            for e in tape
            if e[0] == "backward"
            for _, _, edges in e[2]
            for _, kind, t in edges
            if kind == "leaf"
        )
        self._guards = tuple({id(m): (m, flag) for m, flag in second.modules}.values())
        self._grad_flags = tuple((t, t.requires_grad) for t in live.values())
        guards = self._signature[0], self._guards, self._grad_flags, self._params, self._leaves
        self._replay_step, self._fits, self._source = generate(
            tape,
            self._signature[1 : 1 + second.n_args],
            outputs,
            dict(enumerate(second.slot_arrays)),
            guards,
            getattr(self.fn, "__name__", "step"),
        )
        self._n_args = second.n_args
        if len(self._signature) > 1 + second.n_args:  # captured with keyword arguments:
            self._fits = None  # a positional call of as many must take the full check
        self._single = second.single
        # the recording's backward freed these nodes; the first replay's forwards refill them
        self._freed = tuple(e[2] for e in tape if e[0] == "op")

    def _guards_hold(self):
        """The modules are in the mode (train/eval) and the outside tensors require grad
        as when the tape was recorded; otherwise the tape no longer describes the step."""
        for module, flag in self._guards:
            if module.training != flag:
                self._warn("a module switched between train() and eval() since capture")
                return False
        for t, flag in self._grad_flags:
            if t.requires_grad != flag:
                self._warn("a tensor's requires_grad changed since capture")
                return False
        for module, name, param in self._params:
            if module._parameters.get(name) is not param:
                self._warn("a module's parameter was replaced since capture")
                return False
        for t in self._leaves:
            if t._hooks:
                self._warn("a hook was registered on a weight since capture")
                return False
        return True

    def _replay(self, args, kwargs):
        if kwargs:
            args = args + tuple(kwargs[k] for k in sorted(kwargs))
        if self._freed:
            for ctx in self._freed:
                ctx.__dict__.pop("freed", None)
            self._freed = ()
        results = self._replay_step(*args)
        return results[0] if self._single else results

    def source(self):
        """The Python source the captured step replays: one line per op (a comment names
        it), the backward pass node by node, the optimizer's calls; then the quick check
        a call passes to replay (``<name>_fits``; with any non-tensor argument every call
        takes the full check instead)."""
        if self._source is None:
            raise RuntimeError(
                "no captured step yet: a compiled function is captured on its first two "
                "calls"
                + (f" (this one runs eagerly: {self.eager_reason})" if self.eager_reason else "")
            )
        return self._source
