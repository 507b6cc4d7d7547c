"""Gradient clipping, in place on ``p.grad`` (call between backward() and step())."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from ... import dtypes
from ...tensor import Tensor

# One tensor, or any iterable of them (``model.parameters()``).
_Tensors = Tensor | Iterable[Tensor]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _scale_in_place(grad, factor):
    if grad.array.flags.writeable:
        grad.array *= grad.array.dtype.type(factor)
    else:  # a read-only view: give the gradient its own array
        grad.array = grad.array * grad.array.dtype.type(factor)


def clip_grad_norm_(
    parameters: _Tensors,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: bool | None = None,
) -> Tensor:
    """Scale all gradients together so that their combined ``norm_type``-norm is at most
    ``max_norm``: each is multiplied by min(1, max_norm / (total_norm + 1e-6)).

    Returns the total norm before clipping, as a 0-d tensor (the gradients' dtype).
    """
    grads = _grads(parameters)
    norm_type = float(norm_type)
    if not grads:
        return Tensor.wrap(np.asarray(0.0, dtypes.default_float()))  # torch.tensor(0.0)
    dtype = grads[0].array.dtype
    if norm_type == math.inf:
        norms = [np.abs(g.array).max() if g.array.size else 0.0 for g in grads]
        total = float(max(norms))
    else:
        norms = [
            np.sum(np.abs(g.array.astype(np.float64)) ** norm_type) ** (1.0 / norm_type)
            for g in grads
        ]
        total = float(np.sum(np.asarray(norms) ** norm_type) ** (1.0 / norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` "
            f"is non-finite, so it cannot be clipped. To disable this error and "
            f"scale the gradients by the non-finite norm anyway, set "
            f"`error_if_nonfinite=False`"
        )
    coef = min(float(max_norm) / (total + 1e-6), 1.0)
    for g in grads:
        _scale_in_place(g, coef)
    return Tensor.wrap(np.asarray(total, dtype))


def clip_grad_value_(parameters: _Tensors, clip_value: float, foreach: bool | None = None) -> None:
    """Clamp every gradient element into [-clip_value, clip_value], in place."""
    clip_value = float(clip_value)
    for g in _grads(parameters):
        if g.array.flags.writeable:
            np.clip(g.array, -clip_value, clip_value, out=g.array)
        else:
            g.array = np.clip(g.array, -clip_value, clip_value)
