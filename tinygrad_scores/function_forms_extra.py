"""``torch.*`` functions that real programs use and ``function_forms.py`` lacked, composed
from the package's differentiable ops: ``cosine_similarity``, ``logit``, and ``isin`` (a
comparison: no gradient)."""

from __future__ import annotations

import numpy as np

from .nn import functional as F
from .tensor import Tensor


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``torch.cosine_similarity``: ``nn.functional.cosine_similarity``."""
    return F.cosine_similarity(x1, x2, dim, eps)


def logit(input: Tensor, eps: float | None = None, *, out=None) -> Tensor:
    """log(p / (1 - p)), p = input clamped to [eps, 1 - eps] when eps is given;
    d/dp = 1 / (p (1 - p)) inside the clamp, 0 outside."""
    p = input if eps is None else input.clamp(eps, 1 - eps)
    return (p / (1 - p)).log()


def isin(elements, test_elements, *, assume_unique=False, invert=False) -> Tensor:
    """True where an element of ``elements`` occurs in ``test_elements`` (either may be a
    number)."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() expects at least one of elements and test_elements to be a Tensor")
    a = elements.array if isinstance(elements, Tensor) else np.asarray(elements)
    b = test_elements.array if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return Tensor.wrap(np.isin(a, b, assume_unique=assume_unique, invert=invert))


__all__ = ["cosine_similarity", "isin", "logit"]
