"""The older ``torch.*`` names of torch.linalg's functions (``torch.det``, ``torch.inverse``,
``torch.svd``, ...), with their own arguments and results where they differ."""

import numpy as np

from . import linalg, return_types
from .creation import _with_out
from .tensor import Tensor

__all__ = [
    "cholesky",
    "det",
    "inverse",
    "logdet",
    "matrix_exp",
    "matrix_power",
    "pinverse",
    "qr",
    "slogdet",
    "svd",
]

det = linalg.det
inverse = linalg.inv
matrix_exp = linalg.matrix_exp
matrix_power = linalg.matrix_power


@_with_out
def cholesky(input, upper=False):
    """``torch.cholesky`` (``upper`` positional, unlike linalg.cholesky)."""
    return linalg.cholesky(input, upper=upper)


def logdet(input):
    """log(det(A)): NaN where det < 0, -inf where it is 0; the gradient is A^-T."""
    sign, logabsdet = linalg.slogdet(input)
    s = sign.array
    log_sign = np.where(s > 0, 0.0, np.where(s < 0, np.nan, -np.inf)).astype(s.dtype)
    return logabsdet + Tensor.wrap(log_sign)


@_with_out
def slogdet(input):
    """``torch.slogdet``: linalg.slogdet under the name ``slogdet``."""
    return return_types.slogdet(*linalg.slogdet(input))


def pinverse(input, rcond=1e-15):
    """``torch.pinverse``: linalg.pinv with ``rtol=rcond``."""
    return linalg.pinv(input, rtol=rcond)


@_with_out
def svd(input, some=True, compute_uv=True):
    """``torch.svd``: (U, S, V) with A = U diag(S) V^T (V, not linalg.svd's Vh), reduced
    when ``some``; without ``compute_uv``, U and V are zero-filled square matrices."""
    U, S, Vh = linalg.svd(input, full_matrices=not some)
    if not compute_uv:
        m, n = input.shape[-2:]
        dtype = input.array.dtype
        U = Tensor.wrap(np.zeros(input.shape[:-2] + (m, m), dtype))
        return return_types.svd(U, S, Tensor.wrap(np.zeros(input.shape[:-2] + (n, n), dtype)))
    return return_types.svd(U, S, Vh.mT)


@_with_out
def qr(input, some=True):
    """``torch.qr``: linalg.qr in mode 'reduced' (``some``) or 'complete'."""
    return return_types.qr(*linalg.qr(input, "reduced" if some else "complete"))
