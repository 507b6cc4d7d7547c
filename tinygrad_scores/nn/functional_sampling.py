"""``F.gumbel_softmax``: PyTorch's formula and draws, composed from differentiable ops."""

from __future__ import annotations

import warnings

from ..creation import empty_like, zeros_like
from ..tensor import Tensor


def gumbel_softmax(
    logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1
) -> Tensor:
    """softmax((logits + g) / tau) with g = -log(E), E ~ Exp(1) drawn by ``exponential_`` as
    PyTorch draws it; ``hard=True`` returns the one-hot argmax in the forward pass with the
    soft sample's gradient (y_hard - y_soft.detach() + y_soft)."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -empty_like(logits).exponential_().log()
    gumbels = (logits + gumbels) / tau
    y_soft = gumbels.softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
