"""``torch.*`` functions that real programs use and ``function_forms.py`` lacked, composed
from the package's differentiable ops: ``cdist``, ``cosine_similarity``, ``logit``, and
``isin`` (a comparison: no gradient)."""

from __future__ import annotations

import numpy as np

from .nn import functional as F
from .tensor import Tensor


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0, compute_mode=None) -> Tensor:
    """||x1[..., i, :] - x2[..., j, :]||_p for every pair (i, j): (B, P, M) and (B, R, M)
    give (B, P, R). Computed as the norm of the broadcast differences (PyTorch's direct
    formula; its matrix-product shortcut for large inputs rounds differently), so the
    gradient at a zero distance is 0 as PyTorch's."""
    if x1.ndim < 2 or x2.ndim < 2:
        bad, name = (x1, "X1") if x1.ndim < 2 else (x2, "X2")
        raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {bad.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}"
        )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if not (x1.dtype.is_floating_point and x2.dtype.is_floating_point):
        raise RuntimeError(f"cdist only supports floating-point dtypes, X1 got: {x1.dtype}")
    return (x1.unsqueeze(-2) - x2.unsqueeze(-3)).norm(p=p, dim=-1)


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


__all__ = ["cdist", "cosine_similarity", "isin", "logit"]
