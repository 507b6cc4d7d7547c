"""``torch.func``: derivatives as functions of functions (JAX's style).

``grad(f)`` is a new function that returns the gradient of ``f``; transforms compose
(``grad(grad(f))``, ``hessian(f)``) and mix with ``backward()``: a result stays joined to
the caller's graph when ``f`` reads tensors that require grad (its arguments or tensors in
its closure, e.g. a model's parameters), and is plain data otherwise, as in PyTorch.

Each transform is built on ``autograd.grad``, the one reverse-mode engine:

- ``grad`` / ``grad_and_value``  one reverse pass from a scalar output;
- ``vjp``                        a function that runs reverse passes with given cotangents;
- ``jvp``                        the double-vjp trick (see ``autograd_functional.jvp``);
- ``jacrev``                     one reverse pass per output element;
- ``jacfwd``                     the same Jacobian, ALSO by reverse mode: there is no
                                 forward-mode AD here, so it costs one pass per output
                                 element, not per input element as PyTorch's does;
- ``hessian``                    ``jacfwd(jacrev(f))``.

Arguments and results may be pytrees: tensors in (nested) tuples, lists and dicts, e.g.
the ``dict(model.named_parameters())`` that ``functional_call`` takes. ``vmap`` is the
loop over the batch that its documentation defines it to be.
"""

import functools

from . import random
from ._missing import module_getattr
from .autograd import enable_grad, is_grad_enabled, set_grad_enabled
from .autograd_functional import _grad, _jacobian_of
from .creation import stack, zeros, zeros_like
from .tensor import Tensor

__all__ = [
    "grad",
    "grad_and_value",
    "vjp",
    "jvp",
    "jacrev",
    "jacfwd",
    "hessian",
    "functional_call",
    "vmap",
]

# ----------------------------------------------------------------------------- pytrees

LEAF = "*"


def tree_flatten(tree):
    """(leaves, spec): the non-container values of nested tuples, lists and dicts, in
    order, and the shape of the nesting to rebuild it (``tree_unflatten``)."""
    if isinstance(tree, (tuple, list)):
        parts = [tree_flatten(x) for x in tree]
        return [leaf for leaves, _ in parts for leaf in leaves], (
            type(tree),
            None,
            tuple(s for _, s in parts),
        )
    if isinstance(tree, dict):
        parts = [tree_flatten(x) for x in tree.values()]
        return [leaf for leaves, _ in parts for leaf in leaves], (
            dict,
            tuple(tree),
            tuple(s for _, s in parts),
        )
    return [tree], LEAF


def tree_unflatten(leaves, spec):
    leaves = iter(leaves)
    return _build(leaves, spec)


def _build(leaves, spec):
    if spec == LEAF:
        return next(leaves)
    kind, keys, children = spec
    values = [_build(leaves, child) for child in children]
    if kind is dict:
        return dict(zip(keys, values))
    return kind(*values) if hasattr(kind, "_fields") else kind(values)  # a namedtuple too


def _spec_text(spec):
    if spec == LEAF:
        return LEAF
    kind, keys, children = spec
    inner = (
        ", ".join(f"{k!r}: {_spec_text(c)}" for k, c in zip(keys, children))
        if keys is not None
        else ", ".join(_spec_text(c) for c in children)
    )
    return "{" + inner + "}" if kind is dict else f"{kind.__name__}({inner})"


# ----------------------------------------------------------------------------- inputs


def _fresh(tree):
    """The tree with each tensor replaced by a new tensor to differentiate with respect
    to: a clone (still joined to the caller's graph) of one that requires grad, else a
    detached leaf of our own. Returns (new tree, its leaves, ids of our own leaves)."""
    leaves, spec = tree_flatten(tree)
    fresh = []
    own = set()
    for x in leaves:
        if not isinstance(x, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
        if x.dtype.kind not in "fc":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if x.requires_grad:
            fresh.append(x.clone())
        else:
            fresh.append(x.detach().requires_grad_(True))
            own.add(id(fresh[-1]))
    return tree_unflatten(fresh, spec), fresh, own


def _reaches_outside(outputs, own):
    """Whether the graph of ``outputs`` leads to a tensor that requires grad other than
    this transform's own leaves: then the caller (an outer transform, or backward() on a
    model's parameters) differentiates the result further, so it must keep a graph."""
    stack = [o.grad_fn for o in outputs if isinstance(o, Tensor) and o.grad_fn is not None]
    seen = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for t, parent in zip(node.inputs, node.parents):
            if parent is not None:
                stack.append(parent)
            elif isinstance(t, Tensor) and t.requires_grad and id(t) not in own:
                return True
    return False


def _plain(tree, keep_graph):
    """The tree as is when the caller differentiates further, else detached."""
    if keep_graph:
        return tree
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([x.detach() if isinstance(x, Tensor) else x for x in leaves], spec)


def _argnums(argnums, n_args, name):
    """``argnums`` checked and made non-negative, as a tuple."""
    nums = (argnums,) if isinstance(argnums, int) else argnums
    if not isinstance(nums, tuple) or not all(isinstance(i, int) for i in nums):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    if not nums:
        raise RuntimeError("argnums must be non-empty")
    for i in nums:
        if not -n_args <= i < n_args:
            raise RuntimeError(f"Got argnum={i}, but only {n_args} positional inputs")
    if len(set(i % n_args for i in nums)) != len(nums):
        raise RuntimeError(f"{name}: argnums must be unique, got {argnums}")
    return tuple(i % n_args for i in nums)


def _split_aux(result, has_aux, name):
    if not has_aux:
        return result, None
    if not (isinstance(result, tuple) and len(result) == 2):
        raise RuntimeError(
            f"{name}(f)(*args): output of function f should be a tuple: (output, aux) if "
            f"has_aux is True"
        )
    return result


def _zeros_for_none(grads, inputs):
    return [zeros_like(x) if g is None else g for g, x in zip(grads, inputs)]


class _Call:
    """One call of a transformed function: fresh tensors for the arguments in
    ``argnums``, ``func`` run on them with grad mode on, and what a result needs."""

    def __init__(self, name, func, args, kwargs, argnums, has_aux):
        self.outer_grad = is_grad_enabled()
        self.nums = _argnums(argnums, len(args), name)
        args = list(args)
        self.specs, self.counts, self.inputs, self.own = [], [], [], set()
        with enable_grad():
            for i in self.nums:
                args[i], leaves, own = _fresh(args[i])
                self.specs.append(tree_flatten(args[i])[1])
                self.counts.append(len(leaves))
                self.inputs += leaves
                self.own |= own
            self.output, self.aux = _split_aux(func(*args, **kwargs), has_aux, name)
        self.out_leaves, self.out_spec = tree_flatten(self.output)
        for leaf in self.out_leaves:
            if isinstance(leaf, Tensor) and leaf.dtype.kind not in "fc":
                raise RuntimeError(
                    f"vjp(f, ...): All outputs of f must be floating-point or complex Tensors, "
                    f"got Tensor with dtype {leaf.dtype}"
                )
        self.keep_graph = self.outer_grad and _reaches_outside(self.out_leaves, self.own)

    def per_argument(self, flat, single):
        """Values for the flat inputs regrouped as the arguments were: one tree for an int
        ``argnums``, a tuple of trees for a tuple."""
        trees, start = [], 0
        for spec, n in zip(self.specs, self.counts):
            trees.append(tree_unflatten(flat[start : start + n], spec))
            start += n
        return trees[0] if single else tuple(trees)


# ----------------------------------------------------------------------------- grad


def grad_and_value(func, argnums=0, has_aux=False):
    """A function returning (gradient of ``func`` with respect to the arguments in
    ``argnums``, ``func``'s value); with ``has_aux`` ``func`` returns (output, aux) and
    the result is (gradient, (value, aux)). ``func`` must return a one-element tensor."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        call = _Call("grad_and_value", func, args, kwargs, argnums, has_aux)
        output = call.output
        if not isinstance(output, Tensor):
            raise RuntimeError(
                f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                f"{type(output)}"
            )
        if output.ndim != 0:
            raise RuntimeError(
                f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                f"tensor with {output.ndim} dims. Maybe you wanted to use the vjp or jacrev "
                f"APIs instead?"
            )
        with set_grad_enabled(call.keep_graph):
            grads = _grad((output,), call.inputs, create_graph=call.keep_graph)
        grads = call.per_argument(_zeros_for_none(grads, call.inputs), isinstance(argnums, int))
        grads = _plain(grads, call.keep_graph)
        value = _plain(output, call.keep_graph)
        if has_aux:
            return grads, (value, _plain(call.aux, call.keep_graph))
        return grads, value

    return wrapper


def grad(func, argnums=0, has_aux=False):
    """A function returning the gradient of ``func`` (which returns a one-element
    tensor) with respect to its arguments ``argnums``: an int gives one gradient, a tuple
    a tuple; with ``has_aux`` (gradient, aux)."""
    with_value = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        grads, value = with_value(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads

    return wrapper


# ----------------------------------------------------------------------------- vjp, jvp


def vjp(func, *primals, has_aux=False):
    """(func(*primals), vjp_fn) (and aux with ``has_aux``): ``vjp_fn(cotangents)``, with
    cotangents shaped as the output, returns one v^T J per primal, as a tuple."""
    call = _Call("vjp", func, primals, {}, tuple(range(len(primals))), has_aux)
    for leaf in call.out_leaves:
        if not isinstance(leaf, Tensor):
            raise RuntimeError(
                f"vjp(f, *primals): Expected f to be a function that has only tensor outputs, "
                f"got {type(leaf)}"
            )

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        leaves, spec = tree_flatten(cotangents)
        if spec != call.out_spec:
            raise RuntimeError(
                f"Expected pytree structure of cotangents to be the same as pytree structure "
                f"of outputs to the function. cotangents: {_spec_text(spec)}, primal output: "
                f"{_spec_text(call.out_spec)}"
            )
        keep = create_graph
        if keep is None:
            keep = is_grad_enabled() and (
                call.keep_graph or any(isinstance(c, Tensor) and c.requires_grad for c in leaves)
            )
        with set_grad_enabled(keep):
            grads = _grad(tuple(call.out_leaves), call.inputs, tuple(leaves), keep)
        grads = call.per_argument(_zeros_for_none(grads, call.inputs), False)
        return _plain(grads, keep)

    output = _plain(call.output, call.keep_graph)
    if has_aux:
        return output, vjp_fn, _plain(call.aux, call.keep_graph)
    return output, vjp_fn


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """(func(*primals), J tangents) (and aux with ``has_aux``), by the double-vjp trick:
    u -> J^T u is linear in u, so its vjp with the tangents is J tangents."""
    if not isinstance(primals, tuple):
        raise RuntimeError(
            "jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be "
            "valid to call f(*primals)."
        )
    p_leaves, p_spec = tree_flatten(primals)
    t_leaves, t_spec = tree_flatten(tangents)
    if p_spec != t_spec:
        raise RuntimeError(
            f"jvp(f, primals, tangents): Expected primals and tangents to have the same "
            f"python structure. For example, if primals is a tuple of 3 tensors, tangents "
            f"also must be. Got primals with structure {_spec_text(p_spec)} and tangents with "
            f"structure {_spec_text(t_spec)}"
        )
    for p, t in zip(p_leaves, t_leaves):
        if not isinstance(t, Tensor):
            raise ValueError(f"Thing passed to transform API must be Tensor, got {type(t)}")
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(
                f"Trying to set a forward gradient that has a different size than that of "
                f"the original Tensor, this is not supported. Tensor is of size "
                f"{list(p.shape)} while the given forward gradient is of size {list(t.shape)}."
            )
    call = _Call("jvp", func, primals, {}, tuple(range(len(primals))), has_aux)
    outs = call.out_leaves
    keep = call.outer_grad and (call.keep_graph or any(t.requires_grad for t in t_leaves))
    with enable_grad():
        dummies = tuple(zeros_like(o, requires_grad=True) for o in outs)
        back = _grad(tuple(outs), call.inputs, dummies, create_graph=True)
    with set_grad_enabled(keep):
        forward = _grad(back, dummies, tuple(t_leaves), keep)
    if strict and any(f is None for f in forward):
        raise RuntimeError(
            "jvp(f, primals, tangents, strict=True): The output of f is independent of the "
            "inputs. This is not allowed with strict=True."
        )
    forward = _plain(tree_unflatten(_zeros_for_none(forward, outs), call.out_spec), keep)
    output = _plain(call.output, keep)
    if has_aux:
        return output, forward, _plain(call.aux, keep)
    return output, forward


# ----------------------------------------------------------------------------- Jacobians


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """A function returning the Jacobian of ``func`` with respect to its arguments
    ``argnums``, by reverse mode (one pass per output element): for every output the
    block d output / d input has shape output.shape + input.shape, nested as the outputs
    and then as the arguments (a tuple for a tuple ``argnums``). ``chunk_size`` is
    accepted and changes nothing."""
    return _jacobian_transform("jacrev", func, argnums, has_aux)


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """The Jacobian as ``jacrev`` gives it, with PyTorch's ``jacfwd`` signature. There is
    no forward-mode AD here, so it too runs one reverse pass per output element."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(
            f"Only allowed values for randomness are 'error', 'different', or 'same'. Got "
            f"{randomness}"
        )
    return _jacobian_transform("jacfwd", func, argnums, has_aux)


def _jacobian_transform(name, func, argnums, has_aux):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        call = _Call(name, func, args, kwargs, argnums, has_aux)
        if not call.out_leaves or call.output is None:
            raise RuntimeError(
                f"{name}(f, ...)(*args): Expected f to be a function that has non-empty output "
                f"(got output = {call.output})"
            )
        single = isinstance(argnums, int)
        blocks = []
        with set_grad_enabled(call.keep_graph):
            for i, out in enumerate(call.out_leaves):
                if not isinstance(out, Tensor):
                    raise RuntimeError(
                        f"{name}(f, ...)(*args): expected f(*args) to return only tensors, "
                        f"got unsupported type {type(out)}"
                    )
                per_input = _jacobian_of(i, out, call.inputs, call.keep_graph, False)
                blocks.append(call.per_argument(list(per_input), single))
        jac = _plain(tree_unflatten(blocks, call.out_spec), call.keep_graph)
        if has_aux:
            return jac, _plain(call.aux, call.keep_graph)
        return jac

    return wrapper


def hessian(func, argnums=0):
    """The matrix of second derivatives: ``jacfwd(jacrev(func, argnums), argnums)``."""
    return jacfwd(jacrev(func, argnums), argnums)


# ----------------------------------------------------------------------------- modules


def functional_call(
    module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True, strict=False
):
    """``module(*args, **kwargs)`` with its parameters and buffers replaced, for this one
    call, by the tensors in ``parameter_and_buffer_dicts`` (a dict by dotted name, or a
    tuple of such dicts); the module's own tensors are put back afterwards, even if the
    call raises. With ``tie_weights`` a tensor given for one of several names that share
    a parameter replaces it under every name."""
    dicts = (
        parameter_and_buffer_dicts
        if isinstance(parameter_and_buffer_dicts, (tuple, list))
        else (parameter_and_buffer_dicts,)
    )
    replacements = {}
    for d in dicts:
        repeated = sorted(set(d) & set(replacements))
        if repeated:
            raise ValueError(
                f"{repeated} appeared in multiple dictionaries; behavior of functional call "
                f"is ambiguous"
            )
        replacements.update(d)
    if tie_weights:
        replacements = _tied(module, replacements)
    if strict:
        _check_keys(module, replacements)
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    saved = [_swap(module, name, value) for name, value in replacements.items()]
    try:
        return module(*args, **(kwargs or {}))
    finally:
        for owner, attr, registry, old in reversed(saved):
            _put(owner, attr, registry, old)


def _own_tensors(module):
    names = {}
    for name, t in [
        *module.named_parameters(remove_duplicate=False),
        *module.named_buffers(remove_duplicate=False),
    ]:
        names.setdefault(id(t), []).append(name)
    return names


def _tied(module, replacements):
    """Every name sharing a tensor with a replaced name gets the same replacement."""
    result = dict(replacements)
    for names in _own_tensors(module).values():
        given = [n for n in names if n in replacements]
        if len(names) < 2 or not given:
            continue
        values = {id(replacements[n]) for n in given}
        if len(values) > 1:
            raise ValueError(
                f"functional_call got multiple values for keys {given}, which are tied. "
                f"Consider using tie_weights=False"
            )
        for n in names:
            result.setdefault(n, replacements[given[0]])
    return result


def _check_keys(module, replacements):
    own = {n for names in _own_tensors(module).values() for n in names}
    unexpected = sorted(set(replacements) - own)
    missing = sorted(own - set(replacements))
    if unexpected or missing:
        lines = [f"Error(s) in reparametrizing for {module._get_name()}:"]
        if unexpected:
            lines.append("\tUnexpected key(s): " + ", ".join(f"'{k}'" for k in unexpected) + ".")
        if missing:
            lines.append("\tMissing key(s): " + ", ".join(f"'{k}'" for k in missing) + ".")
        raise RuntimeError("\n".join(lines))


_ABSENT = object()


def _swap(module, name, value):
    """Put ``value`` at dotted ``name``; returns what restores the old one."""
    path, _, attr = name.rpartition(".")
    owner = module.get_submodule(path)
    registry = next(
        (r for r in (owner._parameters, owner._buffers) if attr in r),
        None,
    )
    old = registry[attr] if registry is not None else owner.__dict__.get(attr, _ABSENT)
    _put(owner, attr, registry, value)
    return owner, attr, registry, old


def _put(owner, attr, registry, value):
    # straight into the registry and the instance: Module.__setattr__ would refuse a
    # plain tensor in a parameter's place, which is the point of functional_call
    if registry is not None:
        registry[attr] = value
    if value is _ABSENT:
        owner.__dict__.pop(attr, None)
    else:
        owner.__dict__[attr] = value


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """``func`` mapped over a dimension of its inputs, the results stacked along
    ``out_dims`` (``torch.func.vmap``, also ``torch.vmap``).

    PyTorch's documentation defines vmap as the loop that calls ``func`` on each sample
    and stacks the results; here it IS that loop: one call of ``func`` per sample, so it
    costs what the loop costs (PyTorch batches the ops instead). ``in_dims``: an int or
    None for every input, or a tuple with one entry per positional argument (each an int,
    None, or a pytree matching that argument); keyword arguments are not mapped.
    ``randomness``: "error" (a random op inside raises, PyTorch's default), "different"
    (each sample draws its own numbers, in order), "same" (every sample draws the numbers
    one call would). ``chunk_size`` is accepted (the loop holds one sample at a time).
    Unlike PyTorch's, data-dependent Python (``if x.sum() > 0``, ``.item()``) works."""
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(
            f"Only allowed values for randomness are 'error', 'different', or 'same'. "
            f"Got {randomness}"
        )
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size < 1):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")
    name = getattr(func, "__name__", repr(func))

    @functools.wraps(func)
    def mapped(*args, **kwargs):
        call = f"vmap({name}, in_dims={in_dims!r}, ...)(<inputs>)"
        if not args:
            raise ValueError(
                f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or "
                f"you are trying to vmap over a function with no inputs. The latter is "
                f"unsupported."
            )
        leaves, spec = tree_flatten(args)
        dims = _in_dims_per_leaf(in_dims, args, call)
        size = _batch_size(leaves, dims, call)
        saved = random.default_generator.get_state() if randomness == "same" else None
        previous = random.vmap_state.randomness
        random.vmap_state.randomness = randomness
        try:
            outputs = []
            for i in range(max(size, 1)):  # an empty batch: one sample of zeros, for shapes
                if saved is not None:
                    random.default_generator.set_state(saved)
                sample = [
                    x if d is None else x.select(d, i) if size else _zeros_sample(x, d)
                    for x, d in zip(leaves, dims)
                ]
                outputs.append(func(*tree_unflatten(sample, spec), **kwargs))
        finally:
            random.vmap_state.randomness = previous
        return _stack_outputs(outputs, size, out_dims, name)

    return mapped


def _zeros_sample(x, d):
    """What a sample of ``x`` along ``d`` looks like, for an empty batch."""
    shape = list(x.shape)
    del shape[d]
    return zeros(shape, dtype=x.dtype)


def _in_dims_per_leaf(in_dims, args, call):
    if not isinstance(in_dims, (int, tuple)) or isinstance(in_dims, bool):
        raise ValueError(
            f"{call}: expected `in_dims` to be int or a (potentially nested) tuple matching "
            f"the structure of inputs, got: {type(in_dims)}."
        )
    try:
        return _broadcast(in_dims, tree_flatten(args)[1])
    except _Incompatible:
        raise ValueError(
            f"{call}: in_dims is not compatible with the structure of `inputs`. in_dims "
            f"has structure {_spec_text(tree_flatten(in_dims)[1])} but inputs has structure "
            f"{_spec_text(tree_flatten(args)[1])}."
        ) from None


class _Incompatible(Exception):
    pass


def _broadcast(dims, spec):
    """One dim per leaf of ``spec``: an int or None stands for its whole subtree."""
    if dims is None or isinstance(dims, int):
        return [dims] * _leaf_count(spec)
    if spec == LEAF or not isinstance(dims, (tuple, list, dict)):
        raise _Incompatible
    _, keys, children = spec
    if keys is not None:
        if not isinstance(dims, dict) or set(dims) != set(keys):
            raise _Incompatible
        parts = [dims[k] for k in keys]
    elif isinstance(dims, dict) or len(dims) != len(children):
        raise _Incompatible
    else:
        parts = list(dims)
    return [d for part, child in zip(parts, children) for d in _broadcast(part, child)]


def _leaf_count(spec):
    return 1 if spec == LEAF else sum(_leaf_count(c) for c in spec[2])


def _batch_size(leaves, dims, call):
    sizes = []
    for i, (x, d) in enumerate(zip(leaves, dims)):
        if d is None:
            continue
        if not isinstance(x, Tensor):
            raise ValueError(
                f"{call}: Got in_dim={d} for an input but the input is of type {type(x)}. "
                f"We cannot vmap over non-Tensor arguments, please use None as the "
                f"respective in_dim"
            )
        n = x.dim()
        if not -n <= d < n:
            raise ValueError(
                f"{call}: Got in_dim={d} for some input, but that input is a Tensor of "
                f"dimensionality {n} so expected in_dim to satisfy -{n} <= in_dim < {n}."
            )
        dims[i] = d % n
        sizes.append(x.shape[d])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if len(set(sizes)) > 1:
        raise ValueError(
            f"vmap: Expected all tensors to have the same size in the mapped dimension, "
            f"got sizes {sizes} for the mapped dimension"
        )
    return sizes[0]


def _stack_outputs(outputs, size, out_dims, name):
    """Each output leaf stacked over the samples along its out_dim (None: not mapped,
    which only a value that is the same for every sample may be)."""
    flat = [tree_flatten(o) for o in outputs]
    spec = flat[0][1]
    try:
        dims = _broadcast(out_dims, spec)
    except _Incompatible:
        raise ValueError(
            f"vmap({name}, ..., out_dims={out_dims!r})(<inputs>): out_dims is not "
            f"compatible with the structure of `outputs`. out_dims has structure "
            f"{_spec_text(tree_flatten(out_dims)[1])} but outputs has structure "
            f"{_spec_text(spec)}."
        ) from None
    stacked = []
    for k, d in enumerate(dims):
        values = [leaves[k] for leaves, _ in flat]
        if d is None:
            if any(not _same(v, values[0]) for v in values[1:]):
                raise ValueError(
                    f"vmap({name}, ...): `{name}` can not return a BatchedTensor when "
                    f"out_dim is None"
                )
            stacked.append(values[0])
            continue
        if not isinstance(values[0], Tensor):
            raise ValueError(
                f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                f"{type(values[0])}. Did you mean to set out_dims= to None for output?"
            )
        out = stack(values, dim=d)  # stack checks d against the sample's dims
        stacked.append(out if size else out.narrow(d % out.dim(), 0, 0))
    return tree_unflatten(stacked, spec)


def _same(a, b):
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        return a is b or a.shape == b.shape and bool((a == b).all())
    return a is b or a == b


__getattr__ = module_getattr(__name__, "torch.func")  # e.g. torch.func.linearize: missing
