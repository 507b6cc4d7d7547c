"""``MultivariateNormal(loc, covariance_matrix | precision_matrix | scale_tril)``.

The Cholesky factor and the triangular solves are written here as loops of the package's
differentiable ops over the (small) event size, so log_prob, entropy, rsample and KL have
gradients of any order without an op of their own."""

import math

from .. import creation
from .. import function_forms as fn
from ..tensor import Size
from . import constraints
from .distribution import Distribution
from .utils import _standard_normal, lazy_property


def _cholesky(a):
    """L lower-triangular with L L^T = a (batched over leading dims), row by row:
    L_ij = (a_ij - sum_k<j L_ik L_jk) / L_jj, L_ii = sqrt(a_ii - sum_k<i L_ik**2)."""
    n = a.shape[-1]
    rows = []
    for i in range(n):
        row = []
        for j in range(i + 1):
            other = row if j == i else rows[j]
            s = a[..., i, j] - sum((row[k] * other[k] for k in range(j)), 0.0)
            if i == j:
                if bool((s <= 0).any()):
                    raise RuntimeError(
                        "linalg.cholesky: The factorization could not be completed because "
                        f"the input is not positive-definite (the leading minor of order "
                        f"{i + 1} is not positive-definite)."
                    )
                row.append(s.sqrt())
            else:
                row.append(s / other[j])
        rows.append(row)
    zero = creation.zeros_like(a[..., 0, 0])
    return fn.stack([fn.stack(r + [zero] * (n - len(r)), -1) for r in rows], -2)


def _solve_lower(lower, b):
    """y with lower @ y = b by forward substitution (b a batch of vectors; the batch
    dimensions of both broadcast): y_i = (b_i - sum_j<i L_ij y_j) / L_ii."""
    ys = []
    for i in range(b.shape[-1]):
        s = b[..., i] - sum((lower[..., i, j] * ys[j] for j in range(i)), 0.0)
        ys.append(s / lower[..., i, i])
    return fn.stack(ys, -1)


def _inverse_lower(lower):
    """L^{-1}: each column of the identity solved (the columns a batch dimension)."""
    eye = creation.eye(lower.shape[-1], dtype=lower.dtype)
    return _solve_lower(lower.unsqueeze(-3), eye).transpose(-1, -2)


def _batch_mv(matrix, vector):
    return (matrix @ vector.unsqueeze(-1)).squeeze(-1)


def _half_log_det(scale_tril):
    return scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)


def _precision_to_scale_tril(precision):
    """The lower Cholesky factor of precision^{-1}: L_f of the reversed matrix gives
    precision^{-1} = (flip(L_f)^T)^{-T} (flip(L_f)^T)^{-1}."""
    reversed_factor = _cholesky(precision.flip(-2, -1))
    return _inverse_lower(reversed_factor.flip(-2, -1).transpose(-1, -2))


class MultivariateNormal(Distribution):
    """N(loc, Sigma) over vectors (event_shape (n,)), Sigma = L L^T given by one of
    covariance_matrix, precision_matrix or scale_tril L.

    log p(x) = -1/2 (n log 2 pi + |L^{-1}(x - loc)|**2) - sum_i log L_ii;
    entropy = n/2 (1 + log 2 pi) + sum_i log L_ii; rsample = loc + L eps."""

    arg_constraints = {
        "loc": constraints.real_vector,
        "covariance_matrix": constraints.positive_definite,
        "precision_matrix": constraints.positive_definite,
        "scale_tril": constraints.lower_cholesky,
    }
    support = constraints.real_vector
    has_rsample = True

    def __init__(
        self,
        loc,
        covariance_matrix=None,
        precision_matrix=None,
        scale_tril=None,
        validate_args=None,
    ):
        if loc.dim() < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = {
            "scale_tril": scale_tril,
            "covariance_matrix": covariance_matrix,
            "precision_matrix": precision_matrix,
        }
        given = {k: v for k, v in given.items() if v is not None}
        if len(given) != 1:
            raise ValueError(
                "Exactly one of covariance_matrix or precision_matrix or scale_tril may be "
                "specified."
            )
        ((name, matrix),) = given.items()
        if matrix.dim() < 2:
            label = "scale_tril matrix" if name == "scale_tril" else name
            raise ValueError(
                f"{label} must be at least two-dimensional, with optional leading batch dimensions"
            )
        batch_shape = fn.broadcast_shapes(matrix.shape[:-2], loc.shape[:-1])
        setattr(self, name, matrix.expand(tuple(batch_shape) + (-1, -1)))
        self.loc = loc.expand(tuple(batch_shape) + (-1,))
        super().__init__(batch_shape, self.loc.shape[-1:], validate_args=validate_args)
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = _cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = _precision_to_scale_tril(precision_matrix)

    def expand(self, batch_shape, _instance=None):
        matrix_shape = tuple(batch_shape) + tuple(self.event_shape) * 2
        matrices = {
            k: self.__dict__[k].expand(matrix_shape)
            for k in ("covariance_matrix", "scale_tril", "precision_matrix")
            if k in self.__dict__
        }
        return self._expanded(
            MultivariateNormal,
            batch_shape,
            _instance,
            loc=self.loc.expand(tuple(batch_shape) + tuple(self.event_shape)),
            _unbroadcasted_scale_tril=self._unbroadcasted_scale_tril,
            **matrices,
        )

    def _matrix_shape(self):
        return tuple(self._batch_shape) + tuple(self._event_shape) * 2

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(self._matrix_shape())

    @lazy_property
    def covariance_matrix(self):
        lower = self._unbroadcasted_scale_tril
        return (lower @ lower.transpose(-1, -2)).expand(self._matrix_shape())

    @lazy_property
    def precision_matrix(self):
        inverse = _inverse_lower(self._unbroadcasted_scale_tril)
        return (inverse.transpose(-1, -2) @ inverse).expand(self._matrix_shape())

    @property
    def mean(self):
        return self.loc

    mode = mean

    @property
    def variance(self):
        shape = tuple(self._batch_shape) + tuple(self._event_shape)
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(shape)

    def rsample(self, sample_shape=()):
        eps = _standard_normal(self._extended_shape(sample_shape), dtype=self.loc.dtype)
        return self.loc + _batch_mv(self._unbroadcasted_scale_tril, eps)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        lower = self._unbroadcasted_scale_tril
        mahalanobis = _solve_lower(lower, value - self.loc).pow(2).sum(-1)
        n = self._event_shape[0]
        return -0.5 * (n * math.log(2 * math.pi) + mahalanobis) - _half_log_det(lower)

    def entropy(self):
        n = self._event_shape[0]
        h = 0.5 * n * (1.0 + math.log(2 * math.pi)) + _half_log_det(self._unbroadcasted_scale_tril)
        return h if len(self._batch_shape) == 0 else h.expand(Size(self._batch_shape))
