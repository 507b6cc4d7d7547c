"""Each Numba kernel against its NumPy twin (kernels/reference.py), both float dtypes,
shapes drawn by hypothesis, strided views where the kernel accepts them."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from tinygrad_scores.kernels import cross_entropy as ce, matmul as mm, optim, reference as ref
from tinygrad_scores.kernels import relu, softmax

DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=2e-5, atol=2e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}


def _rand(rng, shape, dtype, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("variant", ["small", "serial", "parallel"])
@given(m=st.integers(0, 70), k=st.integers(0, 300), n=st.integers(0, 70),
       layout=st.sampled_from(["C", "A.T", "B.T", "both.T", "sliced"]), seed=st.integers(0, 2**16))
def test_matmul_matches_numpy(dtype, variant, m, k, n, layout, seed):
    rng = np.random.default_rng(seed)
    a, b = _rand(rng, (m, k), dtype), _rand(rng, (k, n), dtype)
    if layout in ("A.T", "both.T"):
        a = np.ascontiguousarray(a.T).T           # a transposed view, as in a backward product
    if layout in ("B.T", "both.T"):
        b = np.ascontiguousarray(b.T).T
    if layout == "sliced":
        a = np.repeat(a, 2, axis=1)[:, ::2]       # non-unit stride along k
    c = np.full((m, n), np.nan, dtype)
    mm._KERNELS[np.dtype(dtype).name, variant](a, b, c, False)
    expected = ref.matmul(a.astype(np.float64), b.astype(np.float64))
    tol = 1e-4 * max(1.0, np.sqrt(k)) if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(c, expected, rtol=tol, atol=tol)
    # accumulate=True adds onto what is there
    mm._KERNELS[np.dtype(dtype).name, variant](a, b, c, True)
    np.testing.assert_allclose(c, 2 * expected, rtol=tol, atol=2 * tol)


@pytest.mark.parametrize("dtype", DTYPES)
def test_matmul_big_odd_sizes_through_dispatch(dtype):
    rng = np.random.default_rng(1)
    for m, k, n in [(1, 1000, 1), (1, 513, 257), (257, 513, 1), (129, 1, 131), (64, 784, 128),
                    (300, 600, 17)]:
        a, b = _rand(rng, (m, k), dtype), _rand(rng, (k, n), dtype)
        c = np.empty((m, n), dtype)
        mm.matmul_into(a, b.T.copy().T, c)
        np.testing.assert_allclose(c, a.astype(np.float64) @ b, rtol=1e-3 if dtype == np.float32 else 1e-10,
                                   atol=1e-3 if dtype == np.float32 else 1e-10)


@pytest.mark.parametrize("dtype", DTYPES)
@given(n=st.integers(0, 3000), seed=st.integers(0, 2**16))
def test_relu_forward_backward(dtype, n, seed):
    rng = np.random.default_rng(seed)
    x = _rand(rng, n, dtype)
    x[::7] = 0.0                                   # exact zeros: gradient 0 there
    out = np.empty_like(x)
    relu.relu_forward(x, out)
    np.testing.assert_array_equal(out, ref.relu_forward(x))
    g = _rand(rng, n, dtype)
    gi = np.empty_like(x)
    relu.relu_backward(out, g, gi)
    np.testing.assert_array_equal(gi, ref.relu_backward(out, g))


def test_relu_keeps_nan():
    out = np.empty(2, np.float32)
    relu.relu_forward(np.array([np.nan, -1.0], np.float32), out)
    assert np.isnan(out[0]) and out[1] == 0


@pytest.mark.parametrize("dtype", DTYPES)
@given(n=st.integers(1, 40), c=st.integers(1, 40), scale=st.sampled_from([1.0, 30.0, 1e4]),
       seed=st.integers(0, 2**16))
def test_softmax_kernels(dtype, n, c, scale, seed):
    rng = np.random.default_rng(seed)
    x = _rand(rng, (n, c), dtype, scale)
    g = _rand(rng, (n, c), dtype)
    for fwd, bwd, rfwd, rbwd in [
            (softmax.softmax_forward, softmax.softmax_backward, ref.softmax_forward, ref.softmax_backward),
            (softmax.log_softmax_forward, softmax.log_softmax_backward, ref.log_softmax_forward,
             ref.log_softmax_backward)]:
        y = np.empty_like(x)
        fwd(x, y)
        assert np.isfinite(y).all()
        np.testing.assert_allclose(y, rfwd(x), **TOL[dtype])
        dx = np.empty_like(x)
        bwd(y, g, dx)
        np.testing.assert_allclose(dx, rbwd(y, g), rtol=TOL[dtype]["rtol"] * 10, atol=TOL[dtype]["atol"] * 10)
    y = np.empty_like(x)
    softmax.softmax_forward(x, y)
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
@given(n=st.integers(1, 64), c=st.integers(1, 12), scale=st.sampled_from([1.0, 100.0, 1e4]),
       seed=st.integers(0, 2**16))
def test_cross_entropy_kernel(dtype, n, c, scale, seed):
    rng = np.random.default_rng(seed)
    x = _rand(rng, (n, c), dtype, scale)
    y = rng.integers(0, c, n)
    losses = np.empty(n, dtype)
    grad = np.empty((n, c), dtype)
    ce.cross_entropy_forward(x, y, np.ones(c, dtype), -100, losses, grad, True)
    loss_ref, grad_ref = ref.cross_entropy(x.astype(np.float64), y, "none")
    assert np.isfinite(losses).all() and np.isfinite(grad).all()
    np.testing.assert_allclose(losses, loss_ref, rtol=1e-5 if dtype == np.float32 else 1e-12,
                               atol=1e-5 * scale if dtype == np.float32 else 1e-9)
    np.testing.assert_allclose(grad, grad_ref, **TOL[dtype])
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-5 if dtype == np.float32 else 1e-12)


def test_cross_entropy_extreme_logits_stay_finite():
    x = np.array([[1e4, -1e4], [-1e4, 1e4], [0.0, 0.0]], np.float32)
    y = np.array([0, 0, 1])
    losses = np.empty(3, np.float32)
    grad = np.empty((3, 2), np.float32)
    ce.cross_entropy_forward(x, y, np.ones(2, np.float32), -100, losses, grad, True)
    np.testing.assert_allclose(losses, [0.0, 2e4, np.log(2)], rtol=1e-6)
    np.testing.assert_allclose(grad, [[0, 0], [-1, 1], [0.5, -0.5]], atol=1e-7)


def test_first_bad_label():
    assert ce.first_bad_label(np.array([0, 2, 1]), 3, -100) == -1
    assert ce.first_bad_label(np.array([0, 3, 1]), 3, -100) == 1
    assert ce.first_bad_label(np.array([-1, 0]), 3, -100) == 0
    assert ce.first_bad_label(np.array([-100, 0]), 3, -100) == -1


@pytest.mark.parametrize("amsgrad", [False, True])
@pytest.mark.parametrize("weight_decay,decoupled", [(0.0, False), (0.1, False), (0.1, True)])
@pytest.mark.parametrize("parallel", [False, True])
def test_adam_kernel_matches_numpy_over_50_steps(amsgrad, weight_decay, decoupled, parallel):
    rng = np.random.default_rng(0)
    p = rng.standard_normal(1000)
    expected = p.copy()
    m, v, vmax = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    twin = ref.Adam([expected], lr=1e-2, weight_decay=weight_decay, amsgrad=amsgrad, decoupled=decoupled)
    update = optim.adam_update_parallel if parallel else optim.adam_update
    for step in range(1, 51):
        g = rng.standard_normal(1000) + 0.1 * p
        update(p, g, m, v, vmax, 1e-2, 0.9, 0.999, 1e-8, 0.0 if decoupled else weight_decay,
               weight_decay if decoupled else 0.0, step, amsgrad)
        twin.step([g])
    np.testing.assert_allclose(p, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("nesterov,dampening", [(False, 0.0), (True, 0.0), (False, 0.3)])
def test_sgd_kernel_matches_numpy(nesterov, dampening):
    rng = np.random.default_rng(0)
    p = rng.standard_normal(500)
    expected = p.copy()
    buf = np.zeros_like(p)
    twin = ref.SGD([expected], lr=0.05, momentum=0.9, dampening=dampening, weight_decay=0.01,
                   nesterov=nesterov)
    for step in range(30):
        g = rng.standard_normal(500)
        optim.sgd_update(p, g, buf, 0.05, 0.9, dampening, 0.01, nesterov, step == 0)
        twin.step([g])
    np.testing.assert_allclose(p, expected, rtol=1e-10, atol=1e-12)
