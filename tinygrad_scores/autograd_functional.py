"""``torch.autograd.functional``: Jacobians, Hessians and their products with vectors.

Every function here is a few calls of ``autograd.grad``; none has an engine of its own:

- ``vjp``  v^T J      one reverse pass seeded with v;
- ``jvp``  J v        the double-vjp trick: g(u) = J^T u is linear in u, so the vjp of g
                      with v is (J^T)^T v = J v, two reverse passes, no forward mode;
- ``jacobian``        one reverse pass per output element, seeded with a one-hot vector;
- ``hessian``         the jacobian of the jacobian (the inner one with ``create_graph``);
- ``vhp`` / ``hvp``   v^T H and H v from the gradient taken with ``create_graph``
                      (equal, H being symmetric; both kept for PyTorch's API).

Inputs and outputs are a Tensor or a tuple of Tensors, and results are nested exactly as
PyTorch's are. ``vectorize=True`` is accepted and runs the same loop (vmap is a loop
here); ``strategy="forward-mode"`` raises, as there is no forward-mode AD.
"""

from . import autograd
from .autograd import enable_grad, is_grad_enabled, set_grad_enabled
from .creation import stack, zeros_like
from .tensor import Tensor

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


# ----------------------------------------------------------------------------- helpers


def _as_tuple(value, arg_name, fn_name):
    """(was it a tuple, the tuple): PyTorch's check that ``value`` is a Tensor or a
    tuple of Tensors."""
    is_tuple = isinstance(value, tuple)
    values = value if is_tuple else (value,)
    for i, el in enumerate(values):
        if not isinstance(el, Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {arg_name}"
            raise TypeError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of "
                f"Tensors but {where} has type {type(el)}."
            )
    return is_tuple, values


def _unpack(result, was_tuple):
    """Undo ``_as_tuple``: ``was_tuple`` is one flag, or (outer, inner) for a tuple of
    tuples (a Jacobian: outputs x inputs)."""
    if isinstance(was_tuple, tuple):
        outer, inner = was_tuple
        if not inner:
            result = tuple(row[0] for row in result)
        return result if outer else result[0]
    return result if was_tuple else result[0]


def _fresh_inputs(inputs, create_graph, need_graph=True):
    """New Tensor objects for the inputs, so the function's use of them as arguments is
    told apart from the same tensors captured in its closure: joined to the caller's
    graph (a clone: a node of its own, which a view of the same shape is not here) when
    ``create_graph`` and the input requires grad, else detached."""
    return tuple(
        x.clone() if create_graph and x.requires_grad else x.detach().requires_grad_(need_graph)
        for x in inputs
    )


def _detached(values, create_graph):
    """Results without history unless the caller asked for a graph."""
    if create_graph:
        return values
    return tuple(_detached(v, False) if isinstance(v, tuple) else v.detach() for v in values)


def _validate_v(v, other, other_is_tuple):
    if len(v) != len(other):
        if other_is_tuple:
            raise RuntimeError(
                f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}."
            )
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (el, ref) in enumerate(zip(v, other)):
        if el.size() != ref.size():
            where = f"Entry {i} in " if other_is_tuple else ""
            raise RuntimeError(
                f"{where}v has invalid size: should be {ref.size()} but got {el.size()}."
            )


def _prepared_v(v, reference, reference_is_tuple, fn_name, create_graph, missing_message):
    if v is None:
        if len(reference) != 1 or reference[0].nelement() != 1:
            raise RuntimeError(missing_message)
        return None
    _, v = _as_tuple(v, "v", fn_name)
    v = _fresh_inputs(v, create_graph, need_graph=False)
    _validate_v(v, reference, reference_is_tuple)
    return v


_MESSAGES = {  # the strict-mode errors, by what was found not to require grad
    "outputs": "Output {i} of the user-provided function does not require gradients. The "
    "outputs must be computed in a differentiable manner from the input when running in "
    "strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of "
    "the user-provided function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided "
    "function with respect to input {i} is independent of the input. This is not allowed in "
    "strict mode. You should ensure that your function is twice differentiable and that the "
    "jacobian depends on the inputs (this would be violated by a linear function for "
    "example).",
}


def _check_requires_grad(values, kind, strict):
    if not strict:
        return
    for i, value in enumerate(values):
        if value is None:
            raise RuntimeError(
                f"The output of the user-provided function is independent of input {i}. "
                f"This is not allowed in strict mode."
            )
        if not value.requires_grad:
            raise RuntimeError(_MESSAGES[kind].format(i=i))


def _grad(outputs, inputs, grad_outputs=None, create_graph=False):
    """``autograd.grad`` that skips outputs without a graph and gives None for an input
    no output depends on."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return autograd.grad(
        [o for o, _ in pairs],
        inputs,
        [g for _, g in pairs],
        retain_graph=True,
        create_graph=create_graph,
        allow_unused=True,
    )


_INDEPENDENT = {
    "back": "The output of the user-provided function is independent of input {i}. This is "
    "not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
    "grad_outputs when using the double backward trick to compute forward mode gradients. "
    "This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
    "This is not allowed in strict mode.",
}


def _fill_in_zeros(grads, refs, strict, create_graph, stage):
    """Zeros for the inputs nothing depends on (their true derivative), or in strict mode
    PyTorch's error."""
    filled = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(_INDEPENDENT[stage].format(i=i))
            g = zeros_like(ref)
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if stage == "double_back" else "jacobian"
            raise RuntimeError(
                f"The {what} of the user-provided function is independent of input {i}. "
                f"This is not allowed in strict mode when create_graph=True."
            )
        filled.append(g)
    return tuple(filled)


def _call(func, inputs, fn_name, strict):
    outputs = func(*inputs)
    is_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function", fn_name)
    _check_requires_grad(outputs, "outputs", strict)
    return is_tuple, outputs


def _last_pass(outputs, pass_, shaped_as, create_graph, strict, stage):
    """The final reverse pass, d ys / d xs seeded with v (``pass_`` = (ys, xs, v)), and
    (func's outputs, the result shaped as ``shaped_as``) as PyTorch returns them; each of
    ``outputs`` and ``shaped_as`` is (tensors, was a tuple)."""
    ys, xs, v = pass_
    with set_grad_enabled(create_graph or is_grad_enabled()):
        grads = _grad(ys, xs, v, create_graph)
        result = _fill_in_zeros(grads, shaped_as[0], strict, create_graph, stage)
    return (
        _unpack(_detached(outputs[0], create_graph), outputs[1]),
        _unpack(_detached(result, create_graph), shaped_as[1]),
    )


def _one_element(out_is_tuple, out, fn_name):
    if out_is_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if out.nelement() != 1:
        raise RuntimeError(
            f"The Tensor returned by the function given to {fn_name} should contain a "
            f"single element"
        )


V_FOR_INPUT = (
    "The vector v can only be None if the input to the user-provided function is a single "
    "Tensor with a single element."
)


# ----------------------------------------------------------------------------- the API


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J): the vector-Jacobian product at ``inputs``; ``v`` has the
    outputs' shapes and may be left out for a one-element output."""
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _fresh_inputs(inputs, create_graph)
        outputs_tuple, outputs = _call(func, inputs, "vjp", strict)
        v = _prepared_v(
            v,
            outputs,
            outputs_tuple,
            "vjp",
            create_graph,
            "The vector v can only be None if the user-provided function returns a single "
            "Tensor with a single element.",
        )
    return _last_pass(
        (outputs, outputs_tuple),
        (outputs, inputs, v),
        (inputs, inputs_tuple),
        create_graph,
        strict,
        "back",
    )


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v): the Jacobian-vector product, by the double-vjp trick: with
    u a dummy cotangent, g(u) = J^T u is linear in u, and the vjp of g with v is J v."""
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _fresh_inputs(inputs, create_graph)
        v = _prepared_v(
            v,
            inputs,
            inputs_tuple,
            "jvp",
            create_graph,
            V_FOR_INPUT,
        )
        outputs_tuple, outputs = _call(func, inputs, "jvp", strict)
        # g is linear in u, so u's value never shows in J v: zeros (finite) will do
        dummies = tuple(zeros_like(o, requires_grad=True) for o in outputs)
        grad_inputs = _grad(outputs, inputs, dummies, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
    return _last_pass(
        (outputs, outputs_tuple),
        (grad_inputs, dummies, v),
        (outputs, outputs_tuple),
        create_graph,
        strict,
        "back_trick",
    )


def jacobian(
    func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"
):
    """d func(inputs) / d inputs, each block of shape output.shape + input.shape: a
    Tensor, a tuple over inputs or over outputs, or a tuple (outputs) of tuples (inputs),
    as PyTorch nests it. One reverse pass per output element; ``vectorize`` changes
    nothing here (vmap is a loop), ``strategy="forward-mode"`` is refused (no forward mode)."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more '
            'performant. Otherwise, prefer to use "reverse-mode".'
        )
    if strategy == "forward-mode":
        raise NotImplementedError(
            'torch.autograd.functional.jacobian: strategy="forward-mode" is not supported by '
            'tinygrad_scores (there is no forward-mode AD); use strategy="reverse-mode".'
        )
    if vectorize and strict:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
            "supported together. Please either set `strict=False` or `vectorize=False`."
        )
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _fresh_inputs(inputs, create_graph)
        outputs_tuple, outputs = _call(func, inputs, "jacobian", strict)
        blocks = tuple(
            _jacobian_of(i, out, inputs, create_graph, strict) for i, out in enumerate(outputs)
        )
    return _unpack(_detached(blocks, create_graph), (outputs_tuple, inputs_tuple))


def _jacobian_of(i, out, inputs, create_graph, strict):
    """The blocks d out / d input for every input: row j is the vjp with the j-th one-hot
    vector (a seed, so no indexing op enters the graph)."""
    rows = tuple([] for _ in inputs)
    with enable_grad():  # the reshape must stay on the path to the inputs
        flat = out.reshape(-1)
    for j in range(out.nelement()):
        one_hot = zeros_like(flat)
        one_hot.array[j] = 1
        grads = _grad((flat,), inputs, (one_hot,), create_graph)
        for k, (g, x) in enumerate(zip(grads, inputs)):
            if g is None:
                if strict:
                    raise RuntimeError(
                        f"Output {i} of the user-provided function is independent of input "
                        f"{k}. This is not allowed in strict mode."
                    )
                g = zeros_like(x)
            elif strict and create_graph and not g.requires_grad:
                raise RuntimeError(
                    f"The jacobian of the user-provided function is independent of input {i}."
                    f" This is not allowed in strict mode when create_graph=True."
                )
            rows[k].append(g)
    return tuple(
        stack(r).reshape(tuple(out.shape) + tuple(x.shape))
        if r
        else zeros_like(x).reshape((0,) + tuple(x.shape))
        for r, x in zip(rows, inputs)
    )


def hessian(
    func,
    inputs,
    create_graph=False,
    strict=False,
    vectorize=False,
    outer_jacobian_strategy="reverse-mode",
):
    """The matrix of second derivatives of a function with one single-element output:
    a Tensor of shape input.shape * 2, or a tuple of tuples (input i, input j). It is the
    jacobian of the gradient, the gradient taken with ``create_graph``."""
    inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def single_output(*xs):
        out = func(*xs)
        out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(outs, "outputs", strict)
        _one_element(out_tuple, out, "hessian")
        return out.squeeze()

    def gradient(*xs):
        jac = jacobian(single_output, xs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    result = jacobian(
        gradient,
        inputs,
        create_graph=create_graph,
        strict=strict,
        vectorize=vectorize,
        strategy=outer_jacobian_strategy,
    )
    return _unpack(result, (inputs_tuple, inputs_tuple))


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H) for a function with one single-element output."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v) for a function with one single-element output. H is symmetric
    (for twice continuously differentiable functions), so H v = (v^T H)^T: both are the
    vjp of the gradient with v."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func, inputs, v, create_graph, strict, fn_name):
    with enable_grad():
        inputs_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
        inputs = _fresh_inputs(inputs, create_graph)
        v = _prepared_v(
            v,
            inputs,
            inputs_tuple,
            fn_name,
            create_graph,
            V_FOR_INPUT,
        )
        outputs_tuple, outputs = _call(func, inputs, fn_name, strict)
        _one_element(outputs_tuple, outputs[0], fn_name)
        jac = _grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
    return _last_pass(
        (outputs, outputs_tuple),
        (jac, inputs, v),
        (inputs, inputs_tuple),
        create_graph,
        strict,
        "double_back",
    )
