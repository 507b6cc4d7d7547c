"""torch.linalg: values against NumPy in float64 on batches, float32 kept, gradients against
central differences (first and second order, float64, well-conditioned matrices), the
norms' dispatch as PyTorch's documentation states it, and PyTorch 2.13's errors."""

import math
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_scores as ts
from tinygrad_scores.gradcheck import gradcheck, gradgradcheck

LA = ts.linalg
SETTINGS = settings(max_examples=10, deadline=None)
batches = st.lists(st.integers(1, 3), max_size=2).map(tuple)
sides = st.integers(1, 4)


def matrices(seed, shape, shift=0.0):
    """Standard normal matrices, plus ``shift`` times the identity (well-conditioned)."""
    a = np.random.default_rng(seed).standard_normal(shape)
    return a + shift * np.eye(shape[-1]) if shift else a


def leaf(array):
    return ts.tensor(array, dtype=ts.float64, requires_grad=True)


def spd(x):
    """x x^T + m I: symmetric positive definite, as a function of every entry of x."""
    return x @ x.mT + x.shape[-2] * ts.eye(x.shape[-2], dtype=x.dtype)


def sym(x):
    return x + x.mT


def close(t, expected):
    np.testing.assert_allclose(t.numpy(), expected, rtol=1e-10, atol=1e-12)


# ----------------------------------------------------------------------------- values


@SETTINGS
@given(batch=batches, n=sides, seed=st.integers(0, 2**16))
def test_square_matrix_functions_match_numpy_on_batches(batch, n, seed):
    a = matrices(seed, batch + (n, n), shift=n)
    b = matrices(seed + 1, batch + (n, 2))
    A = ts.tensor(a)
    close(LA.inv(A), np.linalg.inv(a))
    close(LA.det(A), np.linalg.det(a))
    sign, logabsdet = LA.slogdet(A)
    close(sign, np.linalg.slogdet(a)[0])
    close(logabsdet, np.linalg.slogdet(a)[1])
    close(LA.solve(A, ts.tensor(b)), np.linalg.solve(a, b))
    s = a @ np.swapaxes(a, -1, -2) + n * np.eye(n)
    close(LA.cholesky(ts.tensor(s)), np.linalg.cholesky(s))
    close(LA.cholesky(ts.tensor(s), upper=True), np.swapaxes(np.linalg.cholesky(s), -1, -2))
    close(LA.eigvalsh(ts.tensor(s)), np.linalg.eigvalsh(s))
    close(LA.matrix_power(A, 3), a @ a @ a)
    close(LA.matrix_power(A, -2), np.linalg.inv(a @ a))
    close(LA.matrix_power(A, 0), np.broadcast_to(np.eye(n), a.shape))


@SETTINGS
@given(batch=batches, m=sides, n=sides, seed=st.integers(0, 2**16))
def test_rectangular_matrix_functions_match_numpy_on_batches(batch, m, n, seed):
    a = matrices(seed, batch + (m, n))
    A = ts.tensor(a)
    close(LA.svdvals(A), np.linalg.svd(a, compute_uv=False))
    U, S, Vh = LA.svd(A, full_matrices=False)
    np.testing.assert_allclose((U.numpy() * S.numpy()[..., None, :]) @ Vh.numpy(), a, atol=1e-12)
    U, S, Vh = LA.svd(A)  # full_matrices=True: square U and Vh
    assert U.shape == batch + (m, m) and Vh.shape == batch + (n, n)
    Q, R = LA.qr(A)
    np.testing.assert_allclose(Q.numpy() @ R.numpy(), a, atol=1e-12)
    assert np.allclose(np.tril(R.numpy(), -1), 0)
    close(LA.pinv(A), np.linalg.pinv(a))
    for ord in ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf):
        close(LA.matrix_norm(A, ord), np.linalg.norm(a, ord, axis=(-2, -1)))


def test_eigh_reads_one_triangle_and_its_vectors_diagonalise():
    a = matrices(0, (2, 4, 4))
    s = a + np.swapaxes(a, -1, -2)
    values, vectors = LA.eigh(ts.tensor(np.tril(s)))  # only the lower triangle is read
    close(values, np.linalg.eigvalsh(s))
    v = vectors.numpy()
    np.testing.assert_allclose(v @ (values.numpy()[..., None] * np.swapaxes(v, -1, -2)), s)
    upper, _ = LA.eigh(ts.tensor(np.triu(s)), UPLO="U")
    close(upper, np.linalg.eigvalsh(s))


def test_solve_takes_b_as_vectors_or_matrices_by_pytorchs_rule_and_broadcasts():
    a = matrices(0, (2, 3, 3), shift=3)
    A = ts.tensor(a)
    x = LA.solve(A, ts.tensor(np.ones((2, 3))))  # B with A's batch shape less one dim: vectors
    assert x.shape == (2, 3)
    close(x, np.linalg.solve(a, np.ones((2, 3, 1)))[..., 0])
    assert LA.solve(A, ts.ones(3, dtype=ts.float64)).shape == (2, 3)
    assert LA.solve(ts.tensor(a[0]), ts.ones(4, 3, 2, dtype=ts.float64)).shape == (4, 3, 2)
    left = LA.solve(A, ts.tensor(np.ones((2, 5, 3))), left=False)  # X A = B
    close(left @ A, np.ones((2, 5, 3)))


def test_lstsq_solution_and_the_extras_each_driver_gives():
    a, b = matrices(0, (5, 3)), matrices(1, (5, 2))
    A, B = ts.tensor(a), ts.tensor(b)
    solution, residuals, rank, singular = LA.lstsq(A, B)  # gelsy, PyTorch's CPU default
    close(solution, np.linalg.lstsq(a, b, rcond=None)[0])
    assert residuals.shape == (0,) and singular.shape == (0,) and rank.item() == 3
    result = LA.lstsq(A, B, driver="gelsd")
    close(result.residuals, np.linalg.lstsq(a, b, rcond=None)[1])
    close(result.singular_values, np.linalg.svd(a, compute_uv=False))
    assert LA.lstsq(A, B, driver="gels").rank.shape == (0,)
    vector = LA.lstsq(A, ts.tensor(b[:, 0]), driver="gelss")
    assert vector.solution.shape == (3,) and vector.residuals.shape == (1,)


def test_multi_dot_chains_vectors_and_matrices():
    a, b, c = matrices(0, (3,)), matrices(1, (3, 4)), matrices(2, (4, 2))
    close(LA.multi_dot([ts.tensor(a), ts.tensor(b), ts.tensor(c)]), a @ b @ c)
    d = matrices(3, (2,))
    assert LA.multi_dot([ts.tensor(a), ts.tensor(b), ts.tensor(c), ts.tensor(d)]).ndim == 0
    # the cheapest order, as PyTorch: (1000x2)((2x1000)(1000x2)), never the 1000x1000 product
    assert LA._cheapest_split([1000, 2, 1000, 2])[0][2] == 0
    tall, wide = matrices(4, (1000, 2)), matrices(5, (2, 1000))
    close(LA.multi_dot([ts.tensor(tall), ts.tensor(wide), ts.tensor(tall)]), tall @ (wide @ tall))


def test_cross_is_along_the_last_dim_by_default_and_broadcasts():
    a, b = matrices(0, (2, 3)), matrices(1, (1, 3))
    close(LA.cross(ts.tensor(a), ts.tensor(b)), np.cross(a, b))
    with pytest.raises(RuntimeError, match="inputs must have the same number of dimensions"):
        LA.cross(ts.tensor(a), ts.tensor(b[0]))
    close(LA.cross(ts.tensor(a.T), ts.tensor(a.T[:, ::-1].copy()), dim=0), np.cross(a, a[::-1]).T)


def test_empty_matrices_as_pytorch():
    assert LA.inv(ts.zeros(0, 0)).shape == (0, 0)
    assert LA.det(ts.zeros(0, 0)).item() == 1.0
    np.testing.assert_array_equal(LA.det(ts.zeros(2, 0, 0)).numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(LA.cond(ts.zeros(2, 0, 0)).numpy(), [0.0, 0.0])
    assert LA.cond(ts.zeros(3, 0)).item() == 0.0 and LA.cond(ts.zeros(0, 0), "fro").item() == 0.0
    assert LA.svdvals(ts.zeros(0, 3, 2)).shape == (0, 2)
    assert LA.eigh(ts.zeros(2, 0, 0)).eigenvectors.shape == (2, 0, 0)


@pytest.mark.parametrize(
    "fn",
    [
        LA.inv,
        LA.det,
        lambda a: LA.slogdet(a).sign,
        lambda a: LA.slogdet(a).logabsdet,
        lambda a: LA.cholesky(a @ a.mT + 3 * ts.eye(3)),
        lambda a: LA.eigh(a).eigenvectors,
        LA.eigvalsh,
        lambda a: LA.svd(a).U,
        LA.svdvals,
        lambda a: LA.qr(a).R,
        LA.pinv,
        lambda a: LA.solve(a, ts.ones(3)),
        lambda a: LA.lstsq(a, ts.ones(3, 2)).solution,
        lambda a: LA.matrix_power(a, -1),
        lambda a: LA.matrix_norm(a, "nuc"),
        lambda a: LA.norm(a, 2),
        lambda a: LA.vector_norm(a, 3),
    ],
)
def test_float32_stays_float32(fn):
    a = ts.tensor(matrices(0, (3, 3), shift=3), dtype=ts.float32)
    assert fn(a).dtype == ts.float32


def test_ex_forms_report_failures_in_info_and_raise_only_when_asked():
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    batch = ts.tensor(np.stack([singular, 2 * np.eye(2)]))
    inverse, info = LA.inv_ex(batch)
    assert info.dtype == ts.int32 and info.tolist() == [2, 0]
    assert np.isnan(inverse.numpy()[0]).all()  # undefined there (PyTorch: whatever LU left)
    close(inverse[1], np.eye(2) / 2)
    result, info = LA.solve_ex(batch, ts.ones(2, 2, dtype=ts.float64))
    assert info.tolist() == [2, 0] and np.isnan(result.numpy()[0]).all()
    close(result[1], [0.5, 0.5])
    low, info = LA.cholesky_ex(ts.tensor(np.stack([-np.eye(2), 4 * np.eye(2)])))
    assert info.tolist() == [1, 0]
    close(low[1], 2 * np.eye(2))
    with pytest.raises(LA.LinAlgError, match=r"\(Batch element 0\): The diagonal element 2"):
        LA.inv_ex(batch, check_errors=True)
    with pytest.raises(LA.LinAlgError, match="leading minor of order 1"):
        LA.cholesky_ex(-ts.eye(2), check_errors=True)


def test_solve_triangular_reads_one_triangle():
    a, b = matrices(0, (2, 3, 3), shift=3), matrices(1, (2, 3, 2))
    A, B = ts.tensor(a), ts.tensor(b)
    close(LA.solve_triangular(A, B, upper=True), np.linalg.solve(np.triu(a), b))
    close(LA.solve_triangular(A, B, upper=False), np.linalg.solve(np.tril(a), b))
    unit = np.tril(a, -1) + np.eye(3)
    close(LA.solve_triangular(A, B, upper=False, unitriangular=True), np.linalg.solve(unit, b))
    x = LA.solve_triangular(A, B.mT, upper=True, left=False)
    close(x @ ts.tensor(np.triu(a)), B.mT.numpy())
    with pytest.raises(TypeError):
        LA.solve_triangular(A, B)  # upper has no default, as in PyTorch


def test_matrix_rank_cond_and_matrix_exp_match_numpy():
    a = matrices(0, (2, 4, 3))
    low_rank = a[..., :2] @ matrices(1, (2, 2, 3))
    assert LA.matrix_rank(ts.tensor(a)).tolist() == [3, 3]
    assert LA.matrix_rank(ts.tensor(low_rank)).tolist() == [2, 2]
    assert LA.matrix_rank(ts.ones(3, 3), hermitian=True).item() == 1
    assert LA.matrix_rank(ts.eye(3), atol=1.0, rtol=0.0).item() == 0
    assert LA.matrix_rank(ts.tensor(a)).dtype == ts.int64
    w = matrices(2, (2, 3, 3), shift=1)
    for p in (None, 2, -2, "fro", "nuc", 1, -1, math.inf, -math.inf):
        close(LA.cond(ts.tensor(w), p), np.linalg.cond(w, p))
    close(LA.cond(ts.tensor(a)), np.linalg.cond(a))
    assert LA.cond(ts.tensor([[1.0, 2.0], [2.0, 4.0]]), "fro").item() == math.inf
    angle = ts.tensor([[0.0, 1.0], [-1.0, 0.0]], dtype=ts.float64)
    close(LA.matrix_exp(angle), [[math.cos(1), math.sin(1)], [-math.sin(1), math.cos(1)]])
    s = w + w.swapaxes(-1, -2)
    values, vectors = np.linalg.eigh(s)
    expected = (vectors * np.exp(values)[..., None, :]) @ vectors.swapaxes(-1, -2)
    np.testing.assert_allclose(LA.matrix_exp(ts.tensor(s)).numpy(), expected, rtol=1e-12)


def test_vecdot_matmul_diagonal_vander_tensorinv_tensorsolve():
    x, y = matrices(0, (2, 3)), matrices(1, (3,))
    close(LA.vecdot(ts.tensor(x), ts.tensor(y)), x @ y)
    close(LA.matmul(ts.tensor(x), ts.tensor(y)), x @ y)
    b = matrices(2, (2, 3, 3))
    close(LA.diagonal(ts.tensor(b)), np.diagonal(b, axis1=-2, axis2=-1))
    close(LA.diagonal(ts.tensor(b), offset=1, dim1=0, dim2=2), np.diagonal(b, 1, 0, 2))
    close(LA.vander(ts.tensor(y)), np.vander(y, increasing=True))
    close(LA.vander(ts.tensor(x), N=5), np.stack([np.vander(r, 5, increasing=True) for r in x]))
    t = matrices(3, (4, 2, 2)) + 4 * np.eye(4).reshape(4, 2, 2)
    close(LA.tensorinv(ts.tensor(t), ind=1), np.linalg.tensorinv(t, ind=1))
    a, rhs = matrices(4, (2, 3, 6)) + 4 * np.eye(6).reshape(2, 3, 6), matrices(5, (2, 3))
    close(LA.tensorsolve(ts.tensor(a), ts.tensor(rhs)), np.linalg.tensorsolve(a, rhs))
    moved = ts.tensor(np.moveaxis(a, -1, 0))  # dims=(0,) moves its dim 0 back to the end
    close(LA.tensorsolve(moved, ts.tensor(rhs), dims=(0,)), np.linalg.tensorsolve(a, rhs))


# ----------------------------------------------------------------------------- norms


def test_norm_values_from_pytorchs_documentation():
    a = ts.arange(9, dtype=ts.float32) - 4
    b = a.reshape((3, 3))
    expected = [
        (LA.norm(a), 7.7460),
        (LA.norm(b), 7.7460),
        (LA.norm(b, "fro"), 7.7460),
        (LA.norm(a, math.inf), 4.0),
        (LA.norm(b, math.inf), 9.0),
        (LA.norm(a, -math.inf), 0.0),
        (LA.norm(b, -math.inf), 2.0),
        (LA.norm(a, 1), 20.0),
        (LA.norm(b, 1), 7.0),
        (LA.norm(a, -1), 0.0),
        (LA.norm(b, -1), 6.0),
        (LA.norm(a, 2), 7.7460),
        (LA.norm(b, 2), 7.3485),
        (LA.norm(a, -2), 0.0),
        (LA.norm(a, 3), 5.8480),
        (LA.norm(a, -3), 0.0),
        (LA.vector_norm(b, 3.5), 5.4345),
    ]
    for got, value in expected:
        assert got.item() == pytest.approx(value, abs=1e-4)
    assert LA.norm(b.double(), -2).item() < 1e-14  # B is singular
    c = ts.tensor([[[1.0, 2.0], [3.0, 4.0]], [[-1.0, -2.0], [-3.0, -4.0]]])
    np.testing.assert_allclose(LA.norm(c, dim=1).numpy(), [[3.1623, 4.4721]] * 2, atol=1e-4)
    np.testing.assert_allclose(LA.norm(c, dim=(1, 2)).numpy(), [5.4772, 5.4772], atol=1e-4)


def test_norm_dispatch_and_keepdim():
    x = ts.tensor(matrices(0, (2, 3, 4)))
    assert LA.norm(x).item() == pytest.approx(np.linalg.norm(x.numpy().ravel()))
    assert LA.norm(x, dim=-1).shape == (2, 3)  # vector norms along one dim
    assert LA.norm(x, 1, dim=(0, 2)).shape == (3,)  # a matrix norm over a pair of dims
    assert LA.matrix_norm(x, 2, keepdim=True).shape == (2, 1, 1)
    assert LA.matrix_norm(x, "nuc", dim=(0, 2), keepdim=True).shape == (1, 3, 1)
    assert LA.matrix_norm(x, -math.inf, dim=(2, 0), keepdim=True).shape == (1, 3, 1)
    assert LA.vector_norm(x, 0).item() == x.numel()
    assert LA.vector_norm(x, dim=(0, 2), keepdim=True).shape == (1, 3, 1)
    assert LA.vector_norm(ts.ones(3), dtype=ts.float64).dtype == ts.float64


# ----------------------------------------------------------------------------- gradients

W = matrices(7, (2, 3, 3), shift=3)  # well-conditioned
T = matrices(8, (2, 4, 3))  # tall
F = matrices(9, (3, 4))  # wide

GRADIENT_CASES = {
    "inv": (LA.inv, [W]),
    "det": (LA.det, [W]),
    "logabsdet": (lambda a: LA.slogdet(a).logabsdet, [W]),
    "solve matrices": (LA.solve, [W, matrices(1, (2, 3, 2))]),
    "solve vectors broadcast": (LA.solve, [W, matrices(2, (3,))]),
    "solve left=False": (lambda a, b: LA.solve(a, b, left=False), [W, matrices(3, (4, 3))]),
    "cholesky": (lambda a: LA.cholesky(spd(a)), [T]),
    "cholesky upper": (lambda a: LA.cholesky(spd(a), upper=True), [F]),
    "eigvalsh": (lambda a: LA.eigvalsh(sym(a)), [W]),
    # eigenvectors and singular vectors up to sign: functions the sign does not change
    "eigh vectors": (lambda a: LA.eigh(sym(a)).eigenvectors ** 2, [W]),
    "eigh upper": (lambda a: LA.eigh(sym(a), UPLO="U").eigenvalues, [W]),
    "svdvals": (LA.svdvals, [T]),
    "svd U tall": (lambda a: LA.svd(a, full_matrices=False).U ** 2, [T]),
    "svd Vh tall": (lambda a: LA.svd(a, full_matrices=False).Vh ** 2, [T]),
    "svd U wide": (lambda a: LA.svd(a, full_matrices=False).U ** 2, [F]),
    "svd Vh wide": (lambda a: LA.svd(a, full_matrices=False).Vh ** 2, [F]),
    "svd full U": (lambda a: LA.svd(a).U[..., :3] ** 2, [T]),
    "svd U Vh": (lambda a: (lambda r: r.U @ r.Vh)(LA.svd(a, full_matrices=False)), [T]),
    "qr tall": (lambda a: LA.qr(a), [T]),
    "qr wide": (lambda a: LA.qr(a), [F]),
    "pinv tall": (LA.pinv, [T]),
    "pinv wide": (LA.pinv, [F]),
    "lstsq": (lambda a, b: LA.lstsq(a, b).solution, [T, matrices(4, (2, 4, 2))]),
    "matrix_power -3": (lambda a: LA.matrix_power(a, -3), [W]),
    "matrix_power 5": (lambda a: LA.matrix_power(a, 5), [W]),
    "multi_dot": (
        lambda a, b, c: LA.multi_dot([a, b, c]),
        [matrices(5, (3,)), F, matrices(6, (4,))],
    ),
    "cross": (LA.cross, [matrices(1, (2, 3)), matrices(2, (1, 3))]),
    "matrix_norm nuc": (lambda a: LA.matrix_norm(a, "nuc"), [T]),
    "matrix_norm 2": (lambda a: LA.matrix_norm(a, 2), [T]),
    "matrix_norm -2": (lambda a: LA.matrix_norm(a, -2), [T]),
    "matrix_norm 1": (lambda a: LA.matrix_norm(a, 1), [T]),
    "matrix_norm inf": (lambda a: LA.matrix_norm(a, math.inf, dim=(0, 2)), [T]),
    "norm fro": (lambda a: LA.norm(a, dim=(1, 2)), [T]),
    "vector_norm 3": (lambda a: LA.vector_norm(a, 3, dim=(0, 2)), [T]),
    "inv_ex": (lambda a: LA.inv_ex(a).inverse, [W]),
    "cholesky_ex": (lambda a: LA.cholesky_ex(spd(a)).L, [T]),
    "solve_ex": (lambda a, b: LA.solve_ex(a, b).result, [W, matrices(3, (3,))]),
    "solve_triangular upper": (
        lambda a, b: LA.solve_triangular(a, b, upper=True),
        [W, matrices(1, (2, 3, 2))],
    ),
    "solve_triangular unit left=False": (
        lambda a, b: LA.solve_triangular(a, b, upper=False, left=False, unitriangular=True),
        [W, matrices(1, (2, 2, 3))],
    ),
    "cond": (LA.cond, [T]),
    "cond 1": (lambda a: LA.cond(a, 1), [W]),
    "matrix_exp": (LA.matrix_exp, [W / 3]),
    "vander": (lambda x: LA.vander(x, N=4), [matrices(1, (2, 3))]),
    "vecdot": (LA.vecdot, [T, matrices(1, (3,))]),
    "tensorinv": (
        lambda a: LA.tensorinv(a, ind=1),
        [matrices(2, (4, 2, 2), shift=0) + 4 * np.eye(4).reshape(4, 2, 2)],
    ),
    "tensorsolve": (
        LA.tensorsolve,
        [matrices(3, (2, 3, 6)) + 4 * np.eye(6).reshape(2, 3, 6), matrices(4, (2, 3))],
    ),
}


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradient_and_second_derivative_match_central_differences(name):
    fn, arrays = GRADIENT_CASES[name]
    inputs = [leaf(a) for a in arrays]
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs, atol=1e-5, rtol=1e-3)


GOLDEN = np.load(os.path.join(os.path.dirname(__file__), "golden", "linalg_pytorch.npz"))
GOLDEN_CASES = dict(zip(GOLDEN["names"], GOLDEN["sources"]))


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_values_and_gradients_are_pytorchs(name):
    """tools/make_linalg_golden.py: PyTorch 2.13's outputs and input gradients."""
    count = sum(1 for key in GOLDEN.files if key.startswith(f"{name}/in"))
    inputs = [leaf(GOLDEN[f"{name}/in{i}"]) for i in range(count)]
    out = eval(GOLDEN_CASES[name], {"L": LA, "torch": ts})(*inputs)
    outs = out if isinstance(out, tuple) else (out,)
    loss = sum((o * ts.tensor(GOLDEN[f"{name}/w{j}"])).sum() for j, o in enumerate(outs))
    grads = ts.autograd.grad(loss, inputs)
    for j, o in enumerate(outs):
        np.testing.assert_allclose(o.detach().numpy(), GOLDEN[f"{name}/out{j}"], atol=1e-10)
    for i, g in enumerate(grads):
        np.testing.assert_allclose(g.numpy(), GOLDEN[f"{name}/grad{i}"], rtol=1e-8, atol=1e-10)


def test_det_gradient_is_the_cofactor_matrix_and_zero_at_a_singular_matrix_as_pytorch():
    a = ts.tensor([[[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [2.0, 4.0]]], requires_grad=True)
    LA.det(a).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [[[4.0, -3.0], [-2.0, 1.0]], [[0, 0], [0, 0]]])


def test_inv_gradient_by_hand():
    a = ts.tensor([[2.0, 0.0], [0.0, 4.0]], requires_grad=True)
    LA.inv(a).sum().backward()  # d(1/x) = -1/x^2 on the diagonal; off it -A^-T 1 A^-T
    np.testing.assert_allclose(a.grad.numpy(), [[-0.25, -0.125], [-0.125, -0.0625]])


def test_create_graph_gradient_equals_the_plain_one():
    a = leaf(T)
    for fn in (LA.pinv, lambda x: LA.svd(x, full_matrices=False).U ** 2, lambda x: LA.qr(x)[0]):
        plain = ts.autograd.grad(fn(a).sum(), [a])[0]
        graph = ts.autograd.grad(fn(a).sum(), [a], create_graph=True)[0]
        assert graph.requires_grad
        np.testing.assert_allclose(graph.detach().numpy(), plain.numpy(), rtol=1e-12, atol=1e-14)


# ----------------------------------------------------------------------------- errors


def raises(error, message, fn, *args, **kwargs):
    with pytest.raises(error) as info:
        fn(*args, **kwargs)
    assert str(info.value) == message


def test_errors_as_pytorchs():
    rect = ts.ones(2, 3)
    raises(
        RuntimeError,
        "linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices",
        LA.inv,
        rect,
    )
    raises(
        RuntimeError,
        "linalg.inv: Expected a floating point or complex tensor as input. Got Long",
        LA.inv,
        ts.ones(2, 2, dtype=ts.int64),
    )
    raises(
        RuntimeError,
        "linalg.inv: The input tensor A must have at least 2 dimensions.",
        LA.inv,
        ts.ones(2),
    )
    raises(
        RuntimeError,
        "linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 4x1)",
        LA.solve,
        ts.eye(3),
        ts.ones(4),
    )
    raises(
        RuntimeError,
        "linalg.solve: Expected A and B to have the same dtype, but found A of type Float and "
        "B of type Double instead",
        LA.solve,
        ts.eye(3),
        ts.ones(3, dtype=ts.float64),
    )
    raises(
        RuntimeError,
        "The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 0",
        LA.solve,
        ts.eye(3).expand(4, 3, 3),
        ts.ones(2, 3, 1),
    )
    raises(RuntimeError, "linalg.matrix_norm: Order 3 not supported.", LA.matrix_norm, rect, 3)
    raises(
        RuntimeError,
        "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got 3D.",
        LA.norm,
        ts.ones(2, 2, 2),
        2,
    )
    raises(
        TypeError,
        "linalg_vector_norm(): argument 'ord' must be Number, not str",
        LA.vector_norm,
        ts.ones(3),
        "fro",
    )
    raises(
        RuntimeError,
        "Expected UPLO argument to be 'L' or 'U', but got X",
        LA.eigh,
        ts.eye(2),
        UPLO="X",
    )
    raises(
        NotImplementedError,
        "\"linalg_eigh_cpu\" not implemented for 'Long'",
        LA.eigvalsh,
        ts.ones(2, 2, dtype=ts.int64),
    )
    raises(RuntimeError, "multi_dot(): expected at least 2 tensors but got 1", LA.multi_dot, [rect])
    raises(
        TypeError,
        "matrix_power(): argument 'n' must be int, not float",
        LA.matrix_power,
        ts.eye(2),
        2.0,
    )
    raises(
        RuntimeError,
        "multi_dot(): tensors 0 and 1 with shapes [2, 3] and [2, 3] cannot be multiplied",
        LA.multi_dot,
        [rect, rect],
    )
    raises(
        RuntimeError,
        "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)",
        LA.lstsq,
        rect,
        rect,
        driver="x",
    )
    raises(
        RuntimeError,
        "torch.linalg.lstsq: input.size(-2) should match other.size(-2)",
        LA.lstsq,
        ts.ones(5, 3),
        ts.ones(4, 2),
    )


def test_singular_and_indefinite_matrices_raise_linalg_error_naming_the_pivot():
    assert issubclass(LA.LinAlgError, RuntimeError)
    singular = ts.tensor([[1.0, 2.0], [2.0, 4.0]])
    raises(
        LA.LinAlgError,
        "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed "
        "because the input matrix is singular.",
        LA.inv,
        singular,
    )
    batch = ts.stack([ts.eye(3), ts.zeros(3, 3)])
    raises(
        LA.LinAlgError,
        "linalg.inv: (Batch element 1): The diagonal element 1 is zero, the inversion could "
        "not be completed because the input matrix is singular.",
        LA.inv,
        batch,
    )
    raises(
        LA.LinAlgError,
        "torch.linalg.solve: (Batch element 1): The solver failed because the input matrix is "
        "singular.",
        LA.solve,
        batch,
        ts.ones(2, 3),
    )
    raises(
        LA.LinAlgError,
        "linalg.cholesky: The factorization could not be completed because the input is not "
        "positive-definite (the leading minor of order 2 is not positive-definite).",
        LA.cholesky,
        ts.tensor([[1.0, 2.0], [2.0, 1.0]], requires_grad=True),
    )
    with pytest.raises(LA.LinAlgError, match="The diagonal element 2 is zero"):
        LA.inv(ts.tensor([[1.0, 2.0], [2.0, 4.0]], requires_grad=True))


def test_qr_backward_refuses_what_pytorch_refuses():
    a = leaf(T[0])
    with pytest.raises(RuntimeError, match="mode='complete' and nrows > ncols"):
        LA.qr(a, mode="complete").Q.sum().backward()
    with pytest.raises(RuntimeError, match="which is not computed when mode='r'"):
        LA.qr(a, mode="r").R.sum().backward()
    assert LA.qr(a, mode="r").Q.shape == (0,)


def test_torch_linalg_through_the_import_hook_and_a_missing_name():
    script = (
        "from tinygrad_scores import run; run.install()\n"
        "import torch, torch.linalg\n"
        "from torch.linalg import norm\n"
        "print(norm(torch.ones(4)).item())\n"
        "try:\n"
        "    torch.linalg.eig\n"
        "except NotImplementedError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "2.0"
    assert out[1] == "tinygrad_scores has no torch.linalg.eig"


def test_out_receives_the_result():
    a = ts.tensor(matrices(0, (3, 3), shift=3))
    out = ts.empty(0, dtype=ts.float64)
    LA.inv(a, out=out)
    close(out, np.linalg.inv(a.numpy()))
    sign, logabsdet = ts.empty(0, dtype=ts.float64), ts.empty(0, dtype=ts.float64)
    LA.slogdet(a, out=(sign, logabsdet))
    close(logabsdet, np.linalg.slogdet(a.numpy())[1])


def test_the_older_torch_forms():
    a = ts.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=ts.float64)
    assert ts.det(a).item() == pytest.approx(-2.0)
    close(ts.inverse(a), np.linalg.inv(a.numpy()))
    close(ts.pinverse(a), np.linalg.inv(a.numpy()))
    assert math.isnan(ts.logdet(a).item())  # PyTorch: NaN for a negative determinant
    assert ts.logdet(-a[:, [1, 0]]).item() == pytest.approx(math.log(2))
    assert ts.logdet(ts.zeros(2, 2)).item() == -math.inf
    sign, logabsdet = ts.slogdet(a)
    assert type(ts.slogdet(a)).__name__ == "slogdet" and sign.item() == -1.0
    x = ts.tensor(matrices(0, (4, 3)))
    U, S, V = ts.svd(x)  # V, not Vh; reduced by default
    assert U.shape == (4, 3) and V.shape == (3, 3)
    np.testing.assert_allclose((U.numpy() * S.numpy()) @ V.numpy().T, x.numpy(), atol=1e-12)
    U, S, V = ts.svd(x, compute_uv=False)
    assert not U.numpy().any() and U.shape == (4, 4) and V.shape == (3, 3)
    assert ts.qr(x, some=False).Q.shape == (4, 4) and ts.qr(x).Q.shape == (4, 3)
    close(ts.cholesky(4 * ts.eye(2, dtype=ts.float64), True), 2 * np.eye(2))
    close(ts.matrix_power(a, 2), a.numpy() @ a.numpy())
    x = leaf(matrices(1, (3, 3), shift=3))
    assert gradcheck(lambda t: ts.logdet(t @ t.mT), [x])
