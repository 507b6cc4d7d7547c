"""The graph and the engine.

Every differentiable operation is a ``Function`` subclass (see ``functions/``) with a
``forward`` and a ``backward``. Calling ``SomeOp.apply(a, b)`` runs ``forward`` on the
inputs' NumPy arrays and, when gradients are wanted, records a ``Context``: the node of
the graph. A result's ``grad_fn`` is its node; a node's ``inputs`` are the tensors it was
computed from. The graph is therefore built while the program runs (define-by-run).

``backward(root)`` then:
  1. orders the nodes reachable from ``root.grad_fn`` so that every node comes after all
     the nodes that consume its output (a post-order depth-first search with an explicit
     stack: no recursion, so a 1,000,000-op chain is fine);
  2. seeds d root / d root = 1 (or the ``gradient`` given);
  3. walks the nodes in that order. When a node's turn comes, every consumer has already
     added its contribution, so the node's gradient is complete; the engine calls its
     ``Function.backward`` and adds each returned gradient to the pending gradient of the
     node that produced that input (or, for a leaf, to its ``.grad`` at the end).

Grad mode, anomaly detection and tracing are per thread, as in PyTorch.
"""

import functools
import inspect
import itertools
import threading
import time
import weakref

import numpy as np

from . import dtypes

OUTPUT = "output"  # the role of a saved array that is the node's own output
Tensor = None  # the Tensor class, registered by tensor.py (so neither module imports the other)
_new_tensor = None  # its fast constructor: (array, grad_fn=None) -> Tensor, no checks
_ndarray = np.ndarray


def register_tensor_type(cls, new_tensor):
    global Tensor, _new_tensor
    Tensor, _new_tensor = cls, new_tensor


class _ThreadState(threading.local):
    grad_enabled = True
    anomaly = False
    tracer = None
    recorder = None  # a capture.Recorder while compile() records a step
    differentiating = None  # the node whose backward runs on Tensors (create_graph)


_state = _ThreadState()


# ----------------------------------------------------------------------------- modes


class _Switch:
    """A context manager and decorator that sets one per-thread flag and restores it.
    As a decorator it enters a fresh switch on every call (safe for recursion and threads).
    """

    flag = ""  # the name of the per-thread attribute this switch sets

    def __init__(self, value):
        self.value = value
        self.prev = None

    def __enter__(self):
        self.prev = getattr(_state, self.flag)
        setattr(_state, self.flag, self.value)
        return self

    def __exit__(self, *exc):
        setattr(_state, self.flag, self.prev)
        return False

    def _fresh(self):
        return type(self)(self.value)

    def __call__(self, fn):
        if inspect.isgeneratorfunction(fn):
            return self._wrap_generator(fn)

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self._fresh():
                return fn(*args, **kwargs)

        return wrapper

    def _wrap_generator(self, fn):
        """A generator runs in the switched mode each time it resumes, and the caller's mode
        holds between resumptions (PyTorch's decorators do the same)."""

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            gen = fn(*args, **kwargs)
            with self._fresh():
                value = next(gen)
            while True:
                try:
                    sent = yield value
                except GeneratorExit:
                    with self._fresh():
                        gen.close()
                    raise
                except BaseException as exc:  # noqa: BLE001  (handed on to the generator)
                    with self._fresh():
                        value = gen.throw(exc)
                else:
                    try:
                        with self._fresh():
                            value = gen.send(sent)
                    except StopIteration as stop:
                        return stop.value

        return wrapper


def is_grad_enabled():
    return _state.grad_enabled


class set_grad_enabled(_Switch):  # noqa: N801  (PyTorch's name)
    """Turn graph building on or off: at once when called (``set_grad_enabled(False)``),
    for a block (``with``), or for a function (decorator), as PyTorch's does."""

    flag = "grad_enabled"

    def __init__(self, mode):
        super().__init__(bool(mode))
        self.prev = _state.grad_enabled
        _state.grad_enabled = self.value

    def __enter__(self):
        _state.grad_enabled = self.value  # self.prev was taken in __init__
        return self

    def __call__(self, fn):
        _state.grad_enabled = self.prev  # used as a decorator: undo the immediate switch
        return super().__call__(fn)

    def _fresh(self):
        prev = _state.grad_enabled
        switch = set_grad_enabled(self.value)
        _state.grad_enabled = prev
        return switch


class _GradModeBlock(_Switch):
    flag = "grad_enabled"
    mode = True

    def __init__(self, *args):
        super().__init__(self.mode)

    def __new__(cls, fn=None, *args):
        self = super().__new__(cls)
        if callable(fn) and not isinstance(fn, bool):  # bare @no_grad
            self.__init__()
            return self(fn)
        return self

    def _fresh(self):
        return type(self)()


class no_grad(_GradModeBlock):  # noqa: N801
    """``with no_grad():`` or ``@no_grad()``: run without recording a graph."""

    mode = False


class enable_grad(_GradModeBlock):  # noqa: N801
    """Turn graph building back on inside a ``no_grad`` block."""

    mode = True


class inference_mode(_GradModeBlock):  # noqa: N801
    """Like ``no_grad`` (``inference_mode(False)`` leaves grad mode as it is)."""

    mode = False

    def __init__(self, mode=True):
        super().__init__()
        self.enabled = bool(mode)
        self.value = False if self.enabled else None

    def __enter__(self):
        self.prev = _state.grad_enabled
        if self.enabled:
            _state.grad_enabled = False
        return self

    def _fresh(self):
        return inference_mode(self.enabled)


def is_inference_mode_enabled():
    return False


class detect_anomaly(_Switch):  # noqa: N801
    """While active, a NaN or inf produced by any op's forward or backward raises a
    RuntimeError that names the op (PyTorch's ``torch.autograd.detect_anomaly``)."""

    flag = "anomaly"

    def __init__(self, check_nan=True):
        super().__init__(bool(check_nan))

    def _fresh(self):
        return detect_anomaly(self.value)


def set_detect_anomaly(mode):
    _state.anomaly = bool(mode)


def is_anomaly_enabled():
    return _state.anomaly


# ----------------------------------------------------------------------------- the node


class Context:
    """One node of the graph: which Function made a tensor, from which inputs, and what
    its backward needs (``save_for_backward``)."""

    __slots__ = ("function", "inputs", "parents", "_saved", "needs_input_grad", "__dict__")
    # Rarely set, so class-level defaults rather than per-node slots: a node costs less.
    freed = False
    out_meta = None  # (shape, dtype) of the output, for pictures of the graph
    saved_versions = ()  # (version box, version when saved, tensor) per saved array
    saved_roles = ()  # per saved array: input index, OUTPUT, or None (a value made inside)
    live = None  # while a create_graph backward runs this node: its saved values as Tensors
    hooks = None
    retained = None

    def __init__(self, function, inputs, parents=(), needs_input_grad=None):
        self.function = function
        self.inputs = inputs
        # The node that produced each input, as it was when this op ran: an in-place op
        # later gives that tensor a new grad_fn, but this edge still leads to the old one.
        self.parents = parents
        self._saved = ()
        self.needs_input_grad = needs_input_grad

    def save_for_backward(self, *arrays):
        self._saved = arrays

    @property
    def saved_tensors(self):
        """What ``forward`` saved: arrays in a first-order pass; under ``create_graph`` the
        same values as Tensors joined to the graph (an input is that input tensor, the
        output is this node's output), so a backward formula on them is differentiable."""
        return self._saved if self.live is None else self.live

    def needs(self, i):
        """Whether input ``i``'s gradient will be computed (it requires grad and this call
        records a graph), so a forward saves only what the needed gradients read (PyTorch's
        rule)."""
        return bool(self.inputs) and self.needs_input_grad[i]

    # PyTorch's ctx methods that need no work here
    def mark_non_differentiable(self, *tensors):
        pass

    def mark_dirty(self, *tensors):
        pass

    def set_materialize_grads(self, value):
        pass

    @property
    def tensor_hooks(self):
        """Hooks registered on the tensor this node produced (``register_hook``)."""
        if self.hooks is None:
            self.hooks = {}
        return self.hooks

    def retain(self, tensor):
        self.retained = weakref.ref(tensor)

    def name(self):
        return self.function.__name__ + "Backward0"

    def __repr__(self):
        return f"<{self.name()} object>"

    # PyTorch's name for the edges to the next nodes
    @property
    def next_functions(self):
        return tuple((p, 0) for p, t in zip(self.parents, self.inputs) if isinstance(t, Tensor))

    def _record_versions(self, inputs, output):
        """Remember the version of every tensor whose storage a saved array is, so a later
        in-place change to it is caught before backward reads it, and which tensor each
        saved array is (``saved_roles``), so a create_graph backward can use the tensor.
        Records hold the version box and what the message needs, never the output tensor
        itself: that would be a reference cycle (node -> output -> node)."""
        records = []
        roles = []
        out_array = output.array
        for saved in self._saved:
            if saved.__class__ is not np.ndarray:
                if isinstance(saved, Tensor):
                    if saved.array is out_array:  # a tensor Function saved its output
                        records.append((output._vbox, output._vbox[0], out_array, None))
                        roles.append(OUTPUT)
                        continue
                    records.append((saved._vbox, saved._vbox[0], saved.array, saved.grad_fn))
                elif isinstance(saved, np.ndarray):  # (a subclass)
                    roles.append(self._record_array(saved, inputs, output, records))
                    continue
                roles.append(None)  # an input tensor, None, a number: no role to play
                continue
            if saved is out_array:  # the common cases first: the output, or an input itself
                records.append((output._vbox, output._vbox[0], saved, None))
                roles.append(OUTPUT)
                continue
            i = 0
            for t in inputs:
                if getattr(t, "array", None) is saved and saved.base is not out_array:
                    box = t._vbox
                    records.append((box, box[0], saved, t.grad_fn))
                    roles.append(i)
                    break
                i += 1
            else:
                roles.append(self._record_array(saved, inputs, output, records))
        self.saved_versions = records
        self.saved_roles = tuple(roles)

    @staticmethod
    def _record_array(saved, inputs, output, records):
        """The record of a saved array that may share storage with the output or an input
        (a view of it), and its role: OUTPUT, an input's index, or None."""
        role = None
        out_array = output.array
        owner = saved if saved.base is None else saved.base
        if out_array is saved:
            role = OUTPUT
        if out_array is saved or out_array is owner:
            records.append((output._vbox, output._vbox[0], saved, None))
            return role
        # the input that IS this array, else one sharing its storage: another input may
        # be a view of it (a.flip(0) * a) and must not take its role
        match = None
        for i, t in enumerate(inputs):
            if not isinstance(t, Tensor):
                continue
            array = t.array
            if array is saved:
                match, role = t, i
                break
            if match is None and (array is owner or array.base is owner and owner is not None):
                match = t
        if match is not None:
            records.append((match._vbox, match._vbox[0], match.array, match.grad_fn))
        return role

    def _live_saved(self):
        """The saved values as Tensors for a create_graph backward. A saved float array
        that is neither an input nor the output was computed inside forward: treating it
        as a constant would make the second derivative silently wrong, so it is refused."""
        live = []
        for saved, role in zip(self._saved, self.saved_roles or (None,) * len(self._saved)):
            if role is OUTPUT:
                out = Tensor.wrap(saved.array if isinstance(saved, Tensor) else saved, self)
                out.requires_grad = True
                live.append(out)
            elif role is not None:
                live.append(self.inputs[role])
            elif isinstance(saved, (np.ndarray, np.generic)) and saved.dtype.kind in "fc":
                raise RuntimeError(
                    f"derivative for {self.name()} is not implemented: its backward reads a "
                    f"value computed inside forward, so it cannot be differentiated again "
                    f"(create_graph=True)"
                )
            else:
                live.append(saved)  # an index, a mask or a number: a constant
        return tuple(live)

    def _check_versions(self):
        for box, version, array, made_by in self.saved_versions:
            if box[0] != version:
                kind = dtypes.type_name(array.dtype)
                made = (
                    f"output 0 of {self.name()}"
                    if made_by is None
                    else f"output 0 of {made_by.name()}"
                )
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified "
                    f"by an inplace operation: [{dtypes.NAMESPACE}.{kind}Tensor "
                    f"{list(array.shape)}], which is {made}, is at version {box[0]}; "
                    f"expected version {version} instead. Hint: the tensor was changed in "
                    f"place (+=, add_, x[i] = ...) after it was used; use an out-of-place op "
                    f"(x = x + 1) or clone() it first."
                )


class Function:
    """Base class of differentiable operations, with one contract for the package's ops and
    users' (PyTorch's ``torch.autograd.Function``):

    - ``forward(ctx, *inputs, **options)`` returns the output; positional inputs that are
      tensors are the graph's inputs, keyword options are not. (Or PyTorch 2's form:
      ``forward(*inputs)`` without ``ctx`` and ``setup_context(ctx, inputs, output)``.)
    - ``ctx.save_for_backward(...)`` keeps what backward reads, ``ctx.saved_tensors`` gives
      it back, ``ctx.needs_input_grad[i]`` says whether input ``i`` wants a gradient.
    - ``backward(ctx, grad)`` returns one gradient (or None) per positional input.

    What the values are is the one choice a Function makes, ``on_arrays``:

    - False (the default, PyTorch's): forward gets the input tensors and runs without
      recording a graph; backward gets and returns tensors, and under ``create_graph``
      records a graph like any other code.
    - True (``ArrayFunction``, every op of this package): forward gets the inputs' NumPy
      arrays and returns an array, so it can call a kernel with no tensor in between;
      backward gets arrays in a first-order pass and, under ``create_graph``, the same
      values as tensors (``saved_tensors`` too), on which the same NumPy formula dispatches
      to the package's differentiable ops.
    """

    on_arrays = False
    _setup = False  # whether forward leaves ctx to setup_context (PyTorch 2's form)
    _plain_forward = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._setup = cls.setup_context is not Function.setup_context
        cls._plain_forward = cls.on_arrays and not cls._setup  # forward(ctx, *arrays)

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad):
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **options):
        # the hot path of every op: one pass over the inputs, the thread state read once;
        # a call that records no graph (the common case in inference) takes the short way
        values = []
        tracked = False
        for x in inputs:
            if isinstance(x, Tensor):
                values.append(x.array)
                if x.requires_grad:
                    tracked = True
            else:
                values.append(x)
        state = _state
        if tracked:
            if state.grad_enabled:
                return _apply_recording(cls, inputs, values, options, state)
            flags = tuple([isinstance(x, Tensor) and x.requires_grad for x in inputs])
        else:
            flags = (False,) * len(inputs)
        ctx = Context(cls, (), (), flags)
        if cls._plain_forward:
            out = cls.forward(ctx, *values, **options)
        else:
            out = _forward(cls, ctx, inputs, values, options)
        if out.__class__ is not _ndarray:  # NumPy gives scalars for 0-d arithmetic
            out = _output_array(ctx, out)
        if state.anomaly:
            _check_anomaly(cls.__name__, "forward", out)
        result = _new_tensor(out)
        if state.recorder is not None:
            state.recorder.op(cls, ctx, inputs, options, out)
        if out.base is not None:
            _share_versions(result, inputs, out.base, False)
        return result


def _apply_recording(cls, inputs, values, options, state):
    """Function.apply where the output joins the graph: its node keeps the inputs and
    their producers, and the versions of what forward saved."""
    flags = []
    parents = []
    for x in inputs:
        if isinstance(x, Tensor):
            flags.append(x.requires_grad)
            parents.append(x.grad_fn)
        else:
            flags.append(False)
            parents.append(None)
    ctx = Context(cls, inputs, tuple(parents), tuple(flags))
    if cls._plain_forward:
        out = cls.forward(ctx, *values, **options)
    else:
        out = _forward(cls, ctx, inputs, values, options)
    if out.__class__ is not _ndarray:
        out = _output_array(ctx, out)
    if state.anomaly:
        _check_anomaly(cls.__name__, "forward", out)
    result = _new_tensor(out, ctx)
    ctx.out_meta = (out.shape, out.dtype)
    if ctx._saved:  # forward's own node: never live, so saved_tensors is _saved
        ctx._record_versions(inputs, result)
    if state.recorder is not None:
        state.recorder.op(cls, ctx, inputs, options, out)
    if out.base is not None:
        _share_versions(result, inputs, out.base, True)
    return result


def _forward(cls, ctx, inputs, values, options):
    """A forward other than an ArrayFunction's plain ``forward(ctx, *arrays)``."""
    if not cls.on_arrays:
        return _forward_on_tensors(cls, ctx, inputs, options)
    return _forward_then_setup(cls, ctx, values, options)


def _share_versions(result, inputs, base, recorded):
    """An output that is a view of an input shares that input's version counter."""
    for x in inputs:
        if isinstance(x, Tensor) and (x.array is base or x.array.base is base):
            result._vbox, result._base = x._vbox, x
            if recorded:
                x._vbox[1] = True  # in-place on this storage would skip a graph
            return


def _output_array(ctx, out):
    """A forward's result that is not an ndarray (a NumPy scalar from 0-d arithmetic) as
    the 0-d array the tensor holds; a saved output is that array too, not the scalar."""
    array = np.asarray(out)
    if ctx._saved:
        ctx._saved = tuple(array if s is out else s for s in ctx._saved)
    return array


class ArrayFunction(Function):
    """A Function whose forward and backward compute on NumPy arrays (``on_arrays``): every
    op of this package, and a user's op that calls a kernel or NumPy directly."""

    on_arrays = True


def _forward_then_setup(cls, ctx, values, options):
    """PyTorch 2's form: forward without ctx, then ``setup_context`` fills it."""
    out = cls.forward(*values, **options)
    cls.setup_context(ctx, tuple(values), out)
    return out


def _forward_on_tensors(cls, ctx, inputs, options):
    """PyTorch's forward: on the input tensors themselves, recording no graph; the output
    as an array of its own."""
    with no_grad():
        if cls._setup:
            out = _forward_then_setup(cls, ctx, inputs, options)
        else:
            out = cls.forward(ctx, *inputs, **options)
    if isinstance(out, (tuple, list)):
        raise NotImplementedError(
            f"{cls.__name__}.forward returned {len(out)} outputs: custom "
            f"Functions with several outputs are not supported here"
        )
    array = out.array if isinstance(out, Tensor) else np.asarray(out)
    if any(isinstance(x, Tensor) and x.array is array for x in inputs):
        array = array.copy()  # an input returned as is: the output must not alias it
    return array


# ----------------------------------------------------------------------------- engine


def _topological_order(roots):
    """Every node reachable from ``roots``, each after all the nodes that consume it.

    Post-order depth-first search: a node is appended only once all of its inputs'
    producers are appended, so the list runs leaves-side first; reversed, every consumer
    comes before its producers. (Marking a node done when it is first *seen* instead of
    when it is *finished* is the classic bug: a node reached along a short path and a
    long one would run before the long path's contribution arrived.)
    """
    order = []
    visited = set()  # nodes hash by identity
    stack = []
    for node in reversed(roots):
        stack.append((node, False))
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            for child in node.parents:
                if child is not None and child not in visited:
                    stack.append((child, False))
    order.reverse()
    return order


def _seed(root, gradient, create_graph):
    if gradient is None:
        if root.array.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs; this "
                f"tensor has shape {tuple(root.array.shape)}: pass gradient="
            )
        seed = np.ones(root.array.shape, root.array.dtype)  # a fresh array: ours to keep
        return Tensor.wrap(seed) if create_graph else seed
    array = gradient.array if isinstance(gradient, Tensor) else np.asarray(gradient)
    if array.shape != root.array.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[0] has a shape of "
            f"{list(array.shape)} and output[0] has a shape of "
            f"{list(root.array.shape)}."
        )
    if create_graph:  # a seed with a graph of its own is differentiated through too
        seed = gradient if isinstance(gradient, Tensor) else Tensor.wrap(array)
        return seed.astype(root.array.dtype)
    return np.array(array, dtype=root.array.dtype)  # our own copy: it may become a .grad


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d tensors / d leaf into ``leaf.grad`` (PyTorch's
    ``torch.autograd.backward``); ``tensors`` is one tensor or a sequence of them. With
    ``create_graph`` the gradients are tensors with a graph of their own."""
    create_graph = bool(create_graph)
    retain_graph = create_graph if retain_graph is None else bool(retain_graph)
    roots, seeds = _roots_and_seeds(tensors, grad_tensors, create_graph)
    if inputs is None:
        _run(roots, seeds, retain_graph, create_graph=create_graph)
        return
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if not inputs:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    found = _run(roots, seeds, retain_graph, capture=inputs, create_graph=create_graph)
    handed_out: set[int] = set()
    for t in inputs:  # leaves and non-leaves alike get .grad, as in PyTorch
        if id(t) in found:
            g = found[id(t)]
            _accumulate_into_grad(t, g if create_graph else np.array(g), handed_out)


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    allow_unused=None,
    materialize_grads=False,
    is_grads_batched=False,
):
    """d outputs / d inputs as a tuple of tensors, leaving every ``.grad`` untouched
    (PyTorch's ``torch.autograd.grad``). With ``create_graph`` the results have a graph,
    so they can be differentiated again."""
    if is_grads_batched:
        raise NotImplementedError("is_grads_batched=True is not supported by tinygrad_scores")
    create_graph = bool(create_graph)
    retain_graph = create_graph if retain_graph is None else bool(retain_graph)
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    for t in inputs:
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    roots, seeds = _roots_and_seeds(outputs, grad_outputs, create_graph)
    found = _run(roots, seeds, retain_graph, capture=inputs, create_graph=create_graph)
    result = []
    for t in inputs:
        g = found.get(id(t))
        if g is None:
            if materialize_grads:
                g = np.zeros(t.array.shape, t.array.dtype)
            elif not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been "
                    "used in the graph. Set allow_unused=True if this is the "
                    "desired behavior."
                )
        result.append(None if g is None else g if isinstance(g, Tensor) else Tensor.wrap(g))
    return tuple(result)


def _roots_and_seeds(tensors, grads, create_graph=False):
    roots = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if grads is None:
        grads = [None] * len(roots)
    elif isinstance(grads, Tensor):
        grads = [grads]
    else:
        grads = list(grads)
    if len(grads) != len(roots):
        raise RuntimeError(
            f"grad_tensors should have the same length as tensors: got "
            f"{len(grads)} gradients for {len(roots)} tensors"
        )
    for root in roots:
        if not root.requires_grad:
            raise RuntimeError(
                "element 0 of tensors does not require grad and does not have a grad_fn"
            )
    seeds = [_seed(r, g, create_graph) for r, g in zip(roots, grads)]
    if _state.recorder is not None:
        if create_graph:
            _state.recorder.fail("create_graph=True")
        for seed, g in zip(seeds, grads):  # the implicit ones are a constant of the tape
            if g is None:
                _state.recorder.constant(seed)
    return roots, seeds


def _run(roots, seeds, retain_graph, capture=None, create_graph=False):
    """The backward loop: order the nodes, seed the roots, then per node call its backward
    and hand each input its gradient. Leaves' gradients are summed over the whole pass,
    then added into ``.grad``; with ``capture`` (autograd.grad, backward(inputs=)) the
    gradients of those tensors are returned by tensor id instead, and only the nodes on a
    path to them run. With ``create_graph`` gradients are Tensors and every step records
    a graph (grad mode on, as in PyTorch)."""
    pending = {}  # id(node) -> its gradient so far
    leaves = {}  # id(leaf) -> [leaf, its gradient so far]
    root_nodes, root_seeds = [], []
    for root, seed in zip(roots, seeds):
        node = root.grad_fn
        if node is None:
            _add_leaf(leaves, root, seed)
        else:
            root_nodes.append(node)
            root_seeds.append(seed)
            _add_pending(pending, node, seed)
    order = _topological_order(root_nodes)
    targets = _Targets(capture) if capture is not None else None
    if _state.recorder is not None:
        if capture is not None or leaves:
            _state.recorder.fail("autograd.grad, backward(inputs=...) or backward() of a leaf")
        _state.recorder.backward(root_nodes, root_seeds, order, None)  # each root's own seed
    if targets is not None:
        order = targets.prune(order)
    arrive = None  # nothing to do as gradients arrive: no call per node for it
    if targets is not None or _any_hooks(order):

        def arrive(node, grad):
            grad = _on_arrival(node, grad, targets, create_graph)
            if targets is not None and not targets.goes_on(node):
                return None  # a target whose inputs lead to no other target: stop here
            return grad

    was_enabled = _state.grad_enabled
    _state.grad_enabled = create_graph
    try:
        _propagate(order, pending, leaves, retain_graph, create_graph, arrive)
        return _deliver_to_leaves(leaves, targets, create_graph)
    finally:
        _state.grad_enabled = was_enabled


def _any_hooks(order):
    """Whether a node has hooks or a tensor that retains its grad (a loop, no generator)."""
    for node in order:
        if node.hooks or node.retained is not None:
            return True
    return False


def _propagate(order, pending, leaves, retain_graph, create_graph=False, arrive=None):
    """The algorithm itself, shared by ``backward`` and a compiled step's replay: walk the
    nodes consumers-first; a node's gradient is complete when its turn comes; call its
    backward and add each input's gradient to what the producing node (or leaf) has so far.
    ``arrive`` (eager only) runs hooks and autograd.grad's bookkeeping on each gradient."""
    check_all = create_graph or _state.anomaly
    for node in order:
        grad = pending.pop(id(node), None)
        if grad is None:  # no path from a root carries a gradient here
            continue
        if arrive is not None:
            grad = arrive(node, grad)
            if grad is None:
                continue
        input_grads = _call_backward(node, grad, create_graph)
        needs, saved = node.needs_input_grad, node._saved
        for k, g in enumerate(input_grads):  # (one gradient per input: _call_backward)
            if g is None or not needs[k]:
                continue
            g = _edge_gradient(node, k, g, check_all, create_graph)
            parent = node.parents[k]
            if parent is not None:
                key = id(parent)
                prev = pending.get(key)
                pending[key] = g if prev is None else _plus(prev, g)
                continue
            if saved and not create_graph:
                g = _own_leaf_gradient(node, g)
            _add_leaf(leaves, node.inputs[k], g)
        if saved and not retain_graph:
            _free(node)


def _edge_gradient(node, k, g, check_all=False, create_graph=False):
    """Input ``k``'s gradient as the engine hands it on: as it is in the common case (an
    array of the input's shape and dtype), else through ``_checked_gradient``, which sums
    a broadcast back, casts, or raises PyTorch's error."""
    t = node.inputs[k]
    array = t.array
    if check_all or not (
        g.__class__ is np.ndarray and g.shape == array.shape and g.dtype == array.dtype
    ):
        return _checked_gradient(node, k, t, g, create_graph)
    return g


def _own_leaf_gradient(node, g):
    """A gradient bound for a leaf that is one of the node's saved arrays (fused
    cross-entropy hands its saved gradient back) is copied: ``.grad`` is edited in place."""
    for a in node._saved:
        if g is a:
            return np.array(g)
    return g


def _add_pending(pending, node, g):
    prev = pending.get(id(node))
    pending[id(node)] = g if prev is None else _plus(prev, g)


def _plus(prev, g):
    """Two gradients of one tensor summed. Two 0-d arrays sum to a NumPy scalar: it is
    kept a 0-d array, as every backward is handed an ndarray (or, under create_graph, a
    Tensor)."""
    total = prev + g
    return np.asarray(total) if isinstance(total, np.generic) else total


def _on_arrival(node, grad, targets, create_graph):
    """A node's gradient is complete: run the hooks on its tensor, keep it for a tensor
    that retains its grad, or take it for a target of autograd.grad."""
    if node.hooks:
        grad = _run_hooks(node.hooks, grad, create_graph)
    if node.retained is not None and targets is None:
        kept = node.retained()
        if kept is not None:  # its own copy: .grad is edited in place
            _accumulate_into_grad(kept, grad if create_graph else np.array(grad), set())
    if targets is not None:
        targets.take_node(node, grad)
    return grad


def _call_backward(node, grad, create_graph):
    """One node's ``Function.backward``, as a tuple of one gradient (or None) per input."""
    if node.freed:
        raise RuntimeError(
            "Trying to backward through the graph a second time (or directly access saved "
            "tensors after they have already been freed). Saved intermediate values of the "
            "graph are freed when you call .backward() or autograd.grad(). Specify "
            "retain_graph=True if you need to backward through the graph a second time or "
            "if you need to access saved tensors after calling backward."
        )
    if node.saved_versions:
        node._check_versions()
    tracer = _state.tracer
    start = time.perf_counter() if tracer is not None else 0.0
    function = node.function
    if create_graph:
        input_grads = _differentiable_backward(node, grad)
    elif function.on_arrays:
        input_grads = function.backward(node, grad)
    else:
        with no_grad():
            input_grads = function.backward(node, Tensor.wrap(grad))
    input_grads = _per_input(node, input_grads)
    if create_graph:
        input_grads = tuple([None if g is None else _as_tensor(g) for g in input_grads])
    elif not function.on_arrays:
        input_grads = tuple([None if g is None else _as_array(g) for g in input_grads])
    if tracer is not None:
        tracer._record(node, grad, input_grads, time.perf_counter() - start)
    return input_grads


def _differentiable_backward(node, grad):
    """A backward that records a graph (create_graph). PyTorch's Functions compute on
    tensors anyway. An ArrayFunction's saved arrays become the tensors they were, and NumPy
    calls on tensors dispatch to the package's differentiable ops (Tensor's
    ``__array_ufunc__`` / ``__array_function__``), so the same formula that runs on arrays
    in a first-order pass records a graph here."""
    on_arrays = node.function.on_arrays
    if not on_arrays and OUTPUT not in node.saved_roles:
        return node.function.backward(node, grad)
    previous = _state.differentiating
    node.live = node._live_saved() if node._saved else ()  # a saved output: the output
    _state.differentiating = node if on_arrays else previous
    try:
        return node.function.backward(node, grad)
    finally:
        _state.differentiating = previous
        node.live = None


def _per_input(node, grads):
    """A backward's result as a tuple of one gradient (or None) per input: trailing Nones
    past the inputs are allowed (PyTorch); any other count is an error."""
    if grads.__class__ is not tuple:
        grads = (grads,)
    if len(grads) == len(node.inputs):
        return grads
    extra = grads[len(node.inputs) :]
    if extra and all(g is None for g in extra):
        return grads[: len(node.inputs)]
    raise RuntimeError(
        f"function {node.name()} returned an incorrect number of "
        f"gradients (expected {len(node.inputs)}, got {len(grads)})"
    )


def _as_array(x):
    return x.array if isinstance(x, Tensor) else np.asarray(x)


def _as_tensor(x):
    """A gradient under create_graph: a tensor as it is, an array (a constant) wrapped."""
    return x if isinstance(x, Tensor) else Tensor.wrap(np.asarray(x))


def _free(node):
    # only what the op saved is freed, so a second backward through nodes that saved
    # nothing works, as in PyTorch
    if node._saved:
        node._saved = ()
        node.__dict__.clear()
        node.freed = True


class _Targets:
    """The tensors autograd.grad / backward(inputs=) asks for: which nodes lead to them,
    and their gradients as they arrive."""

    def __init__(self, tensors):
        self.nodes = {id(t.grad_fn): t for t in tensors if t.grad_fn is not None}
        self.leaves = {id(t) for t in tensors if t.grad_fn is None}
        self.found = {}
        self.onward: set[int] = set()

    def prune(self, order):
        """The nodes of ``order`` on a path to a target (a target's node, or a node with a
        target leaf among its inputs); ``onward`` the subset whose backward must run."""
        leads: set[int] = set()
        for node in reversed(order):  # producers first
            goes_on = any(p is not None and id(p) in leads for p in node.parents) or any(
                p is None and id(t) in self.leaves for t, p in zip(node.inputs, node.parents)
            )
            if goes_on:
                self.onward.add(id(node))
            if goes_on or id(node) in self.nodes:
                leads.add(id(node))
        return [node for node in order if id(node) in leads]

    def goes_on(self, node):
        return id(node) in self.onward

    def take_node(self, node, grad):
        if id(node) in self.nodes:
            self.found[id(self.nodes[id(node)])] = grad


def _deliver_to_leaves(leaves, targets, create_graph):
    handed_out: set[int] = set()
    for t, g in leaves.values():
        if targets is not None and id(t) not in targets.leaves:
            continue
        if t._hooks:
            g = _run_hooks(t._hooks, g, create_graph)
        if targets is not None:
            targets.found[id(t)] = g
        else:
            _accumulate_into_grad(t, g, handed_out)
    return targets.found if targets is not None else {}


def _add_leaf(leaves, t, g):
    if not t.requires_grad:
        return
    entry = leaves.get(id(t))
    if entry is None:
        leaves[id(t)] = [t, g]
    else:
        entry[1] = entry[1] + g


def _checked_gradient(node, i, t, g, create_graph=False):
    """A gradient of the input's shape and dtype, or PyTorch's error for a wrong one."""
    array = t.array
    if g.__class__ is np.ndarray and g.shape == array.shape and g.dtype == array.dtype:
        if _state.anomaly:
            _check_anomaly(node.function.__name__, "backward", g)
        return g
    if create_graph:
        if g.shape != array.shape:
            g = _sum_to(g, _valid_shape(node, i, array.shape, tuple(g.shape)))
        g = g.astype(array.dtype)
    else:
        if g.__class__ is not np.ndarray:
            g = np.asarray(g)
        if g.shape != array.shape:
            g = _sum_to(g, _valid_shape(node, i, array.shape, g.shape))
        if g.dtype != array.dtype:
            g = g.astype(array.dtype)
    if _state.anomaly:
        _check_anomaly(node.function.__name__, "backward", g.array if create_graph else g)
    return g


def _valid_shape(node, i, shape, got):
    if not _expandable(shape, got):
        raise RuntimeError(
            f"Function {node.name()} returned an invalid gradient at index "
            f"{i} - got {list(got)} but expected shape compatible with "
            f"{list(shape)}"
        )
    return shape


def _expandable(shape, to):
    if len(shape) > len(to):
        return False
    return all(n == m or n == 1 for n, m in zip(reversed(shape), reversed(to)))


def _sum_to(g, shape):
    """``g`` summed back to ``shape`` over the axes broadcasting added or stretched; works
    on arrays and (under create_graph) on Tensors alike."""
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    stretched = tuple(k for k, n in enumerate(shape) if n == 1 and g.shape[k] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    g = g.reshape(shape)
    return np.asarray(g) if isinstance(g, np.generic) else g  # a full sum gives a scalar


def _run_hooks(hooks, g, create_graph=False):
    for hook in list(hooks.values()):
        result = hook(g if create_graph else Tensor.wrap(g))
        if result is None:
            continue
        if create_graph:
            new = _as_tensor(result)
        else:
            new = result.array if isinstance(result, Tensor) else np.asarray(result)
            new = np.array(new, dtype=g.dtype)  # our own copy: it may become a .grad
        if tuple(new.shape) != tuple(g.shape):
            raise RuntimeError(
                f"hook '{getattr(hook, '__name__', hook)}' has changed the "
                f"size of value: expected {list(g.shape)}, got "
                f"{list(new.shape)}"
            )
        g = new
    return g


def _accumulate_into_grad(t, g, handed_out):
    grad = t._grad
    if isinstance(g, Tensor):  # create_graph: .grad keeps the graph, summed out of place
        if grad is None:
            t._grad = g.clone() if id(g) in handed_out else g
            handed_out.add(id(g))
        else:
            t._grad = grad + g
        return
    if grad is None:
        # The same array may reach two leaves (Add hands its gradient to both inputs), and
        # a view or read-only array may not be ours: copy then, since .grad is edited in place.
        if id(g) in handed_out or g.base is not None or not g.flags.writeable:
            g = np.array(g)
        handed_out.add(id(g))
        t._grad = Tensor.wrap(g)
        return
    array = grad.array
    if array.shape == g.shape and array.flags.writeable:
        array += g
    else:
        grad.array = array + g


_hook_ids = itertools.count()


class RemovableHandle:
    """What ``register_hook`` and a module's ``register_forward_hook`` return (PyTorch's
    ``torch.utils.hooks.RemovableHandle``): it adds ``hook`` to ``hooks`` (a dict, so hooks
    run in the order they were added) and ``remove()``, or leaving a ``with`` block,
    unregisters it."""

    def __init__(self, hooks, hook):
        self.hooks, self.id = hooks, next(_hook_ids)
        hooks[self.id] = hook

    def remove(self):
        self.hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


# ----------------------------------------------------------------------------- anomaly


def _check_anomaly(op_name, phase, array):
    if isinstance(array, np.ndarray) and array.dtype.kind == "f" and not np.isfinite(array).all():
        bad = "nan" if np.isnan(array).any() else "inf"
        what = "output" if phase == "forward" else "gradient"
        raise RuntimeError(
            f"Function '{op_name}{'' if phase == 'forward' else 'Backward0'}' "
            f"returned {bad} values in its {what} (shape {array.shape}); "
            f"detect_anomaly() is on"
        )


# ----------------------------------------------------------------------------- trace


class trace(_Switch):  # noqa: N801
    """Context manager recording each backward step the engine takes.

    ``with trace() as t: loss.backward()`` prints one line per step (op, gradient shape
    coming in, gradient shapes going out, wall time) and keeps them in ``t.records``.
    """

    flag = "tracer"

    def __init__(self, print_steps=True, file=None):
        super().__init__(self)
        self.print_steps = print_steps
        self.file = file
        self.records = []

    def _fresh(self):
        return trace(self.print_steps, self.file)

    def _record(self, node, grad, input_grads, seconds):
        record = {
            "step": len(self.records),
            "op": node.name(),
            "grad_output_shape": tuple(grad.shape),
            "input_shapes": tuple(
                tuple(t.shape) if t is not None and hasattr(t, "shape") else None
                for t in node.inputs
            ),
            "grad_input_shapes": tuple(
                None if g is None else tuple(np.shape(g)) for g in input_grads
            ),
            "seconds": seconds,
        }
        self.records.append(record)
        if self.print_steps:
            ins = ", ".join(
                "-" if s is None else "x".join(map(str, s)) or "scalar"
                for s in record["grad_input_shapes"]
            )
            out = "x".join(map(str, record["grad_output_shape"])) or "scalar"
            print(
                f"[backward {record['step']:3d}] {record['op']:<22} grad_out {out:<12} "
                f"-> grad_in ({ins})  {seconds * 1e6:8.1f} us",
                file=self.file,
            )
