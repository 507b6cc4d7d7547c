"""Finite-difference check of the engine's gradients, like ``torch.autograd.gradcheck``."""

import numpy as np

from .autograd import enable_grad, grad, no_grad
from .tensor import Tensor


class GradcheckError(RuntimeError):
    pass


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Compare the analytic gradient of ``fn(*inputs)`` with central differences.

    Every floating input that requires grad is checked in float64 (inputs are cast up
    for the check), element by element: numeric = (f(x + eps) - f(x - eps)) / (2 eps),
    where f is the sum of the outputs each weighted by a fixed random vector, so
    non-scalar outputs are covered too. Returns True, or raises GradcheckError naming
    the input, the index and both values.
    """
    inputs, checked = _checked_inputs(inputs, "gradcheck")

    out = fn(*inputs)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal(o.shape) for o in outs]

    def scalar(*xs):
        with no_grad():
            result = fn(*xs)
        results = result if isinstance(result, (tuple, list)) else (result,)
        return sum(float(np.sum(r.array.astype(np.float64) * w)) for r, w in zip(results, weights))

    total = None
    for o, w in zip(outs, weights):
        if o.requires_grad:
            term = (o * Tensor.wrap(w.astype(o.dtype))).sum()
            total = term if total is None else total + term
    for i in checked:
        inputs[i].grad = None
    if total is not None:
        total.backward()

    for i in checked:
        x = inputs[i]
        analytic = np.zeros(x.shape) if x.grad is None else x.grad.array
        numeric = np.zeros(x.shape)
        flat = x.array.reshape(-1)  # a view: writes go into x.array
        for k in range(flat.size):
            orig = flat[k]
            flat[k] = orig + eps
            plus = scalar(*inputs)
            flat[k] = orig - eps
            minus = scalar(*inputs)
            flat[k] = orig
            numeric.reshape(-1)[k] = (plus - minus) / (2 * eps)
        bad = ~np.isclose(analytic, numeric, rtol=rtol, atol=atol)
        if bad.any():
            idx = tuple(int(v) for v in np.argwhere(bad)[0])
            message = (
                f"Jacobian mismatch for output 0 with respect to input {i} "
                f"(shape {tuple(x.shape)}) at index {idx}:\n"
                f"  numerical: {numeric[idx]!r}\n  analytical: {analytic[idx]!r}\n"
                f"  input value there: {x.array[idx]!r}"
            )
            if raise_exception:
                raise GradcheckError(message)
            return False
    return True


def gradgradcheck(
    fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True
):
    """Check second derivatives, like ``torch.autograd.gradgradcheck``: the gradient of
    ``fn`` (a vector-Jacobian product with ``grad_outputs``, random if not given), taken
    with ``create_graph=True``, is itself checked by ``gradcheck`` against central
    differences, with respect to the inputs and to ``grad_outputs``."""
    inputs, wanted = _checked_inputs(inputs, "gradgradcheck")
    outs = fn(*inputs)
    outs = list(outs) if isinstance(outs, (tuple, list)) else [outs]
    if grad_outputs is None:
        rng = np.random.default_rng(1)
        grad_outputs = [Tensor.wrap(rng.standard_normal(o.shape)) for o in outs]
    else:
        grad_outputs = [grad_outputs] if isinstance(grad_outputs, Tensor) else grad_outputs
    grad_outputs = [_float64(g).requires_grad_(True) for g in grad_outputs]
    n = len(inputs)

    def first_derivative(*args):
        xs, gs = args[:n], args[n:]
        with enable_grad():
            results = fn(*xs)
            results = list(results) if isinstance(results, (tuple, list)) else [results]
            pairs = [(r, g) for r, g in zip(results, gs) if r.requires_grad]
            grads = grad(
                [r for r, _ in pairs],
                [xs[i] for i in wanted],
                [g for _, g in pairs],
                create_graph=True,
                allow_unused=True,
                materialize_grads=True,
            )
        return tuple(grads)

    return gradcheck(
        first_derivative,
        list(inputs) + grad_outputs,
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
    )


def _float64(x):
    if isinstance(x, Tensor) and x.dtype.kind == "f":
        return Tensor.wrap(x.array.astype(np.float64)).requires_grad_(x.requires_grad)
    return x


def _checked_inputs(inputs, name):
    """The inputs in float64 (a list) and the positions of those that require grad."""
    inputs = [_float64(x) for x in ((inputs,) if isinstance(inputs, Tensor) else inputs)]
    wanted = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not wanted:
        raise ValueError(f"{name}: no input requires grad")
    return inputs, wanted
