"""``torch.autograd.function``: ``Function`` and ``once_differentiable``.

A user's ``Function`` whose backward is written with operations the engine records (or
whose backward simply cannot be differentiated, e.g. it calls NumPy on ``.numpy()``) marks
it ``@once_differentiable``: the backward then runs without recording a graph, and its
gradients, when the caller asked for a graph (``create_graph=True``), carry a node that
raises PyTorch's error if anything tries to differentiate through them, rather than
being silently treated as constants.
"""

import functools

import numpy as np

from .autograd import ArrayFunction, Function, is_grad_enabled, no_grad
from .tensor import Tensor

__all__ = ["Function", "once_differentiable"]

TWICE = "trying to differentiate twice a function that was marked with @once_differentiable"


class DelayedError(ArrayFunction):
    """The identity, whose derivative is an error: it marks a gradient computed by a
    ``@once_differentiable`` backward. d out / d x = I, refused with ``TWICE``."""

    @staticmethod
    def forward(ctx, x):
        return np.array(x)  # its own array: the output must not alias the input

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError(TWICE)


def once_differentiable(backward):
    """Decorate a user ``Function``'s ``backward`` (below ``@staticmethod``): it runs
    under ``no_grad``; if a graph was asked for and a gradient coming in requires grad,
    each gradient going out is passed through ``DelayedError``, so differentiating it
    again raises instead of giving a silently wrong (detached) second derivative."""

    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with no_grad():
            outputs = backward(ctx, *grads)
        if not is_grad_enabled() or not any(
            isinstance(g, Tensor) and g.requires_grad for g in grads
        ):
            return outputs
        single = not isinstance(outputs, tuple)
        marked = tuple(
            DelayedError.apply(o.detach().requires_grad_(True)) if isinstance(o, Tensor) else o
            for o in ((outputs,) if single else outputs)
        )
        return marked[0] if single else marked

    return wrapper
