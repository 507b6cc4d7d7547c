"""Second derivatives of torch.linalg's ops (functions/linalg_decompositions.py):
gradgradcheck in float64 on hypothesis-drawn batches of well-conditioned matrices
(symmetric positive definite for cholesky, symmetric for eigh), and the create_graph
gradient equal to the plain one. Eigenvectors and singular vectors enter squared: their
signs are arbitrary, their squares are smooth functions of the matrix."""

import numpy as np
from hypothesis import strategies as st
from second_order import Registry, leaf64

import tinygrad_scores as ts

LA = ts.linalg
REGISTRY = Registry()
case = REGISTRY.case


def _matrices(data, rows=None, cols=None, shift=0.0):
    """A batch (0 or 1 leading dims) of standard normal matrices plus ``shift`` I."""
    batch = tuple(data.draw(st.lists(st.integers(1, 2), max_size=1)))
    m = rows or data.draw(st.integers(1, 3))
    n = cols or data.draw(st.integers(1, 3))
    seed = data.draw(st.integers(0, 2**16))
    a = np.random.default_rng(seed).standard_normal(batch + (m, n))
    return leaf64(a + shift * np.eye(m, n) if shift else a)


def _separated(data, symmetric=False):
    """Matrices Q1 diag(s) Q2 with s = k, k-1, ..., 1 (+ 1): singular values (eigenvalues
    when ``symmetric``: Q2 = Q1^T) apart, so their vectors' derivatives are well-conditioned."""
    m = data.draw(st.integers(1, 3))
    n = m if symmetric else data.draw(st.integers(1, 3))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    q1 = np.linalg.qr(rng.standard_normal((m, m)))[0]
    q2 = q1.T if symmetric else np.linalg.qr(rng.standard_normal((n, n)))[0]
    k = min(m, n)
    return (q1[:, :k] * np.arange(k + 1.0, 1.0, -1)) @ q2[:k, :]


def _square(data, shift):
    n = data.draw(st.integers(1, 3))
    return _matrices(data, n, n, shift * n)


@case("Inv")
def inv(data):
    return LA.inv, [_square(data, 2.0)]


@case("Solve")
def solve(data):
    a = _square(data, 2.0)
    b = leaf64(np.random.default_rng(0).standard_normal(a.shape[:-1] + (2,)))
    return LA.solve, [a, b]


@case("Det", "LogAbsDet")
def determinants(data):
    return (lambda a: (LA.det(a), LA.slogdet(a).logabsdet)), [_square(data, 2.0)]


@case("Cholesky")
def cholesky(data):
    def fn(x):
        return LA.cholesky(x @ x.mT + x.shape[-2] * ts.eye(x.shape[-2], dtype=x.dtype))

    return fn, [_matrices(data)]


@case("Eigh")
def eigh(data):
    def fn(x):
        values, vectors = LA.eigh(x + x.mT)
        return values, vectors**2

    return fn, [leaf64(0.5 * _separated(data, symmetric=True))]


@case("Svd")
def svd(data):
    def fn(x):
        u, s, vh = LA.svd(x, full_matrices=False)
        return u**2, s, vh**2

    return fn, [leaf64(_separated(data))]


@case("Qr")
def qr(data):
    return (lambda x: tuple(LA.qr(x))), [_matrices(data, shift=2.0)]


@case("Pinv")
def pinv(data):
    return LA.pinv, [leaf64(_separated(data))]


test_second_derivative = REGISTRY.test()
test_create_graph_gradient_equals_the_plain_one = REGISTRY.test_equal_plain()
