"""Each Numba kernel against its NumPy twin (kernels/reference.py), both float dtypes,
shapes drawn by hypothesis, strided views where the kernel accepts them."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numba import njit
from optimizer_twins import run_adam, run_sgd

from tinygrad_scores.kernels import cross_entropy as ce
from tinygrad_scores.kernels import matmul as mm
from tinygrad_scores.kernels import optim, relu, softmax, special, vecmath
from tinygrad_scores.kernels import reference as ref
from tinygrad_scores.kernels._jit import FAST
from tinygrad_scores.kernels.loops import optim as loop_optim

DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=2e-5, atol=2e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}


def _rand(rng, shape, dtype, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


@pytest.mark.parametrize(
    "dtype,variant",
    [
        (np.float32, "small"),
        (np.float64, "small"),
        (np.float32, "serial"),
        (np.float64, "serial"),
        (np.float32, "parallel"),
    ],
)
@given(
    m=st.integers(0, 70),
    k=st.integers(0, 300),
    n=st.integers(0, 70),
    layout=st.sampled_from(["C", "A.T", "B.T", "both.T", "sliced"]),
    seed=st.integers(0, 2**16),
)
def test_matmul_matches_numpy(dtype, variant, m, k, n, layout, seed):
    rng = np.random.default_rng(seed)
    a, b = _rand(rng, (m, k), dtype), _rand(rng, (k, n), dtype)
    if layout in ("A.T", "both.T"):
        a = np.ascontiguousarray(a.T).T  # a transposed view, as in a backward product
    if layout in ("B.T", "both.T"):
        b = np.ascontiguousarray(b.T).T
    if layout == "sliced":
        a = np.repeat(a, 2, axis=1)[:, ::2]  # non-unit stride along k
    c = np.full((m, n), np.nan, dtype)
    # the kernels take K > 0; matmul_into answers an empty sum itself
    kern = mm._KERNELS[np.dtype(dtype), variant]
    if not k:
        run = lambda a, b, c, accumulate: mm.matmul_into(a, b, c, accumulate)
    elif variant == "small":
        run = kern
    elif variant == "serial":  # the whole of C as one share
        run = lambda a, b, c, accumulate: kern(a, b, c, accumulate, 0, m, 0, n)
    else:
        run = lambda a, b, c, accumulate: kern(a, b, c, accumulate, 2, m % 2 == 0)
    run(a, b, c, False)
    expected = ref.matmul(a.astype(np.float64), b.astype(np.float64))
    tol = 1e-4 * max(1.0, np.sqrt(k)) if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(c, expected, rtol=tol, atol=tol)
    # accumulate=True adds onto what is there
    run(a, b, c, True)
    np.testing.assert_allclose(c, 2 * expected, rtol=tol, atol=2 * tol)


@pytest.mark.parametrize("dtype", DTYPES)
def test_matmul_big_odd_sizes_through_dispatch(dtype):
    rng = np.random.default_rng(1)
    for m, k, n in [
        (1, 1000, 1),
        (1, 513, 257),
        (257, 513, 1),
        (129, 1, 131),
        (64, 784, 128),
        (300, 600, 17),
    ]:
        a, b = _rand(rng, (m, k), dtype), _rand(rng, (k, n), dtype)
        c = np.empty((m, n), dtype)
        mm.matmul_into(a, b.T.copy().T, c)
        np.testing.assert_allclose(
            c,
            a.astype(np.float64) @ b,
            rtol=1e-3 if dtype == np.float32 else 1e-10,
            atol=1e-3 if dtype == np.float32 else 1e-10,
        )


@pytest.mark.parametrize("dtype", DTYPES)
@given(n=st.integers(0, 3000), seed=st.integers(0, 2**16))
def test_relu_forward_backward(dtype, n, seed):
    rng = np.random.default_rng(seed)
    x = _rand(rng, n, dtype)
    x[::7] = 0.0  # exact zeros: gradient 0 there
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


# Each row kernel has a serial build (both dtypes) and a threaded one (float32).
BUILDS = [(np.float32, "serial"), (np.float64, "serial"), (np.float32, "parallel")]


@pytest.mark.parametrize("dtype,build", BUILDS)
@given(
    n=st.integers(1, 40),
    c=st.integers(1, 40),
    scale=st.sampled_from([1.0, 30.0, 1e4]),
    seed=st.integers(0, 2**16),
)
def test_softmax_kernels(dtype, build, n, c, scale, seed):
    rng = np.random.default_rng(seed)
    x = _rand(rng, (n, c), dtype, scale)
    g = _rand(rng, (n, c), dtype)
    for fwd, bwd, rfwd, rbwd in [
        (
            softmax.softmax_forward,
            softmax.softmax_backward,
            ref.softmax_forward,
            ref.softmax_backward,
        ),
        (
            softmax.log_softmax_forward,
            softmax.log_softmax_backward,
            ref.log_softmax_forward,
            ref.log_softmax_backward,
        ),
    ]:
        fwd, bwd = getattr(fwd, build), getattr(bwd, build)
        y = np.empty_like(x)
        fwd(x, y)
        assert np.isfinite(y).all()
        np.testing.assert_allclose(y, rfwd(x), **TOL[dtype])
        dx = np.empty_like(x)
        bwd(y, g, dx)
        np.testing.assert_allclose(
            dx, rbwd(y, g), rtol=TOL[dtype]["rtol"] * 10, atol=TOL[dtype]["atol"] * 10
        )
    y = np.empty_like(x)
    softmax.softmax_forward(x, y)
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("dtype,build", BUILDS)
@given(
    n=st.integers(1, 64),
    c=st.integers(1, 12),
    scale=st.sampled_from([1.0, 100.0, 1e4]),
    seed=st.integers(0, 2**16),
)
def test_cross_entropy_kernel(dtype, build, n, c, scale, seed):
    rng = np.random.default_rng(seed)
    x = _rand(rng, (n, c), dtype, scale)
    y = rng.integers(0, c, n)
    losses = np.empty(n, dtype)
    grad = np.empty((n, c), dtype)
    total = getattr(ce.cross_entropy_forward, build)(
        x, y, np.ones(c, dtype), -100, 1.0, losses, grad, True
    )
    loss_ref, grad_ref = ref.cross_entropy(x.astype(np.float64), y, "none")
    assert np.isfinite(losses).all() and np.isfinite(grad).all()
    np.testing.assert_allclose(
        total,
        loss_ref.sum(),
        rtol=1e-5 if dtype == np.float32 else 1e-12,
        atol=1e-5 * scale * n if dtype == np.float32 else 1e-9 * n,
    )
    np.testing.assert_allclose(
        losses,
        loss_ref,
        rtol=1e-5 if dtype == np.float32 else 1e-12,
        atol=1e-5 * scale if dtype == np.float32 else 1e-9,
    )
    np.testing.assert_allclose(grad, grad_ref, **TOL[dtype])
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-5 if dtype == np.float32 else 1e-12)


def test_cross_entropy_extreme_logits_stay_finite():
    x = np.array([[1e4, -1e4], [-1e4, 1e4], [0.0, 0.0]], np.float32)
    y = np.array([0, 0, 1])
    losses = np.empty(3, np.float32)
    grad = np.empty((3, 2), np.float32)
    ce.cross_entropy_forward(x, y, np.ones(2, np.float32), -100, 1.0, losses, grad, True)
    np.testing.assert_allclose(losses, [0.0, 2e4, np.log(2)], rtol=1e-6)
    np.testing.assert_allclose(grad, [[0, 0], [-1, 1], [0.5, -0.5]], atol=1e-7)


def test_check_labels():
    w = np.array([1.0, 2.0, 4.0])
    assert ce.check_labels(np.array([0, 2, 1]), 3, -100, w) == (-1, 7.0)
    assert ce.check_labels(np.array([0, 3, 1]), 3, -100, w)[0] == 1
    assert ce.check_labels(np.array([-1, 0]), 3, -100, w)[0] == 0
    assert ce.check_labels(np.array([-100, 2, 2]), 3, -100, w) == (-1, 8.0)


@pytest.mark.parametrize("amsgrad", [False, True])
@pytest.mark.parametrize("weight_decay,decoupled", [(0.0, False), (0.1, False), (0.1, True)])
@pytest.mark.parametrize(
    "dtype,parallel", [(np.float64, False), (np.float32, False), (np.float32, True)]
)
def test_adam_kernel_matches_numpy_over_50_steps(amsgrad, weight_decay, decoupled, dtype, parallel):
    p, expected = run_adam(
        optim.adam, dtype, amsgrad, weight_decay, decoupled, 1000, 50, parallel=parallel
    )
    # float64 to 1e-6 as the issue asks; float32 carries ~1e-7 relative error per step
    tol = 1e-6 if dtype == np.float64 else 2e-5
    np.testing.assert_allclose(p, expected, rtol=tol, atol=tol)


def _adam_group_run(update, dtype, sizes, weight_decay, decoupled, steps=6):
    """``update`` (an adam_group) on parameters of ``sizes`` beside kernels/optim.py's
    ``adam`` on copies of them, one by one, and reference.Adam in float64."""
    rng = np.random.default_rng(1)
    ps = [rng.standard_normal(n).astype(dtype) for n in sizes]
    ms, vs = [np.zeros_like(p) for p in ps], [np.zeros_like(p) for p in ps]
    one = [[a.copy() for a in arrays] for arrays in (ps, ms, vs)]
    twin_ps = [p.astype(np.float64) for p in ps]
    twin = ref.Adam(twin_ps, lr=1e-2, weight_decay=weight_decay, decoupled=decoupled)
    options = (1e-2, 0.9, 0.999, 1e-8) + ((0.0, weight_decay) if decoupled else (weight_decay, 0.0))
    for step in range(1, steps + 1):
        gs = [rng.standard_normal(n).astype(dtype) for n in sizes]
        update(ps, gs, ms, vs, *options, step)
        for p, g, m, v in zip(*one[:1], gs, *one[1:]):
            optim.adam(p, g, m, v, np.empty(0, dtype), *options, step, False)
        twin.step([g.astype(np.float64) for g in gs])
    return ps + ms + vs, one[0] + one[1] + one[2], twin_ps


@pytest.mark.parametrize("weight_decay,decoupled", [(0.0, False), (0.1, False), (0.1, True)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_adam_group_gives_every_parameter_adams_own_bits(weight_decay, decoupled, dtype):
    # six parameters: a full group of four and a padded one; 0 and 1 elements at the edges
    sizes = [64, 16, 0, 3, 1, 130]
    got, one_by_one, twin = _adam_group_run(optim.adam_group, dtype, sizes, weight_decay, decoupled)
    for a, b in zip(got, one_by_one):
        np.testing.assert_array_equal(a, b)
    for p, q in zip(got, twin):
        np.testing.assert_allclose(p, q, **TOL[np.float32])


def test_adam_group_sends_a_large_parameter_to_adams_threaded_build():
    sizes = [optim.PARALLEL_SIZE, 5]
    got, one_by_one, _ = _adam_group_run(optim.adam_group, np.float32, sizes, 0.0, False, 3)
    for a, b in zip(got, one_by_one):
        np.testing.assert_array_equal(a, b)


def test_adam_groups_loop_twin_matches_numpy():
    got, _, twin = _adam_group_run(loop_optim.adam_group, np.float64, [7, 3], 0.1, True)
    for p, q in zip(got, twin):  # (the parameters come first)
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("nesterov,dampening", [(False, 0.0), (True, 0.0), (False, 0.3)])
@pytest.mark.parametrize(
    "dtype,parallel", [(np.float64, False), (np.float32, False), (np.float32, True)]
)
def test_sgd_kernel_matches_numpy(nesterov, dampening, dtype, parallel):
    p, expected = run_sgd(optim.sgd, dtype, 0.9, nesterov, dampening, 500, 30, parallel=parallel)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(p, expected, **tol)


# ---------------------------------------------------------------- vecmath: exp and row_max


@njit(
    ["void(float32[::1], float32[::1])", "void(float64[::1], float64[::1])"],
    fastmath=FAST,
    error_model="numpy",
)
def _exp_loop(x, out):
    """exp as the kernels use it: inlined into a fast-math loop that LLVM vectorises."""
    for i in range(x.shape[0]):
        out[i] = vecmath.exp(x[i])


@pytest.mark.parametrize("dtype,lo,hi", [(np.float32, -110.0, 95.0), (np.float64, -760.0, 715.0)])
def test_exp_within_one_ulp_over_the_whole_range(dtype, lo, hi):
    rng = np.random.default_rng(0)
    x = np.concatenate([np.linspace(lo, hi, 400_001), rng.uniform(-1, 1, 100_000)]).astype(dtype)
    out = np.empty_like(x)
    _exp_loop(x, out)
    # float32 against exp in float64 (correctly rounded for our purpose); float64 against NumPy
    with np.errstate(over="ignore"):
        exact = np.exp(x.astype(np.float64)) if dtype == np.float32 else np.exp(x)
        expected = exact.astype(dtype)
    finite = np.isfinite(expected)
    assert np.array_equal(np.isinf(out), ~finite)  # overflows exactly where exp does
    err_ulps = np.abs(out[finite].astype(np.float64) - exact[finite]) / np.spacing(expected[finite])
    assert err_ulps.max() <= 1.0  # subnormals and 0 included
    assert (out[expected == 0] == 0).all()


def test_exp_special_values():
    for dtype in DTYPES:
        x = np.array([np.nan, -np.inf, np.inf, 0.0, -0.0, 1.0], dtype)
        out = np.empty_like(x)
        _exp_loop(x, out)
        assert np.isnan(out[0]) and out[1] == 0 and out[2] == np.inf
        np.testing.assert_array_equal(out[3:5], 1.0)
        np.testing.assert_allclose(out[5], np.e, rtol=np.finfo(dtype).eps)


@njit(["void(float32[:, ::1], float32[::1])", "void(float64[:, ::1], float64[::1])"])
def _row_max_loop(x, out):
    for i in range(x.shape[0]):
        out[i] = vecmath.row_max(x, i)


@pytest.mark.parametrize("dtype", DTYPES)
@given(n=st.integers(1, 5), c=st.integers(1, 40), seed=st.integers(0, 2**16))
def test_row_max_matches_numpy(dtype, n, c, seed):
    x = _rand(np.random.default_rng(seed), (n, c), dtype)
    x[:, -1] = -np.inf if c > 1 else x[:, -1]  # -inf entries never win
    out = np.empty(n, dtype)
    _row_max_loop(x, out)
    np.testing.assert_array_equal(out, x.max(axis=1))


def test_cross_entropy_kernel_ignore_index_and_grad_scale():
    x = np.array([[2.0, 0.5, -1.0], [0.1, 0.2, 0.3], [1.0, 1.0, 1.0]])
    y = np.array([0, -100, 2])
    w = np.array([1.0, 2.0, 3.0])
    bad, total_weight = ce.check_labels(y, 3, -100, w)
    assert (bad, total_weight) == (-1, 4.0)
    losses, grad = np.empty(3), np.empty((3, 3))
    total = ce.cross_entropy_forward(x, y, w, -100, 1.0 / total_weight, losses, grad, True)
    log_p = x - np.log(np.exp(x).sum(1, keepdims=True))
    expected = np.array([-log_p[0, 0], 0.0, -3 * log_p[2, 2]])
    np.testing.assert_allclose(losses, expected, rtol=1e-14)
    assert total == pytest.approx(expected.sum(), rel=1e-14)
    onehot = np.eye(3)[[0, 0, 2]]
    expected_grad = (np.exp(log_p) - onehot) * np.array([[1.0], [0.0], [3.0]]) / total_weight
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-13, atol=1e-16)
    # the loss alone (no gradient wanted) gives the same losses; grad is then scratch
    losses2 = np.empty(3)
    ce.cross_entropy_forward(x, y, w, -100, 1.0, losses2, np.empty_like(x), False)
    np.testing.assert_array_equal(losses2, losses)


def test_cross_entropy_kernel_refuses_a_scratch_of_another_shape():
    # the kernel writes its exps into grad even when no gradient is wanted: a smaller
    # array was written past its end (heap corruption: a rare crash of a later GC or exit)
    x = np.zeros((3, 3))
    with pytest.raises(ValueError, match="grad must have x's shape"):
        ce.cross_entropy_forward(
            x, np.zeros(3, np.int64), np.ones(3), -100, 1.0, np.empty(3), np.empty((0, 3)), False
        )


# ---------------------------------------------------------------- special: sigmoid, row_amax


@pytest.mark.parametrize("dtype", DTYPES)
@given(n=st.integers(0, 300), scale=st.sampled_from([1.0, 30.0, 300.0]), seed=st.integers(0, 2**16))
def test_sigmoid_kernel_is_within_two_ulps_of_its_twin_in_float64(dtype, n, scale, seed):
    x = _rand(np.random.default_rng(seed), n, dtype, scale)
    out = np.empty_like(x)
    special.sigmoid_forward(x, out)
    # exp within 1 ulp (vecmath), then 1 + e and the division each round once; float64's
    # twin rounds as often itself, so it is compared with the twin's own float64 value
    exact = ref.sigmoid_forward(x.astype(np.float64))
    ulps = 2 if dtype == np.float32 else 4
    # below the smallest normal number exp(-x) overflows first: 0, as PyTorch's (and NumPy's)
    bound = ulps * np.spacing(exact.astype(dtype)) + np.finfo(dtype).tiny
    assert (np.abs(out - exact) <= bound).all()


def test_sigmoid_kernel_special_values():
    for dtype in DTYPES:
        x = np.array([np.nan, -np.inf, np.inf, 0.0, -0.0, -100.0, -1000.0, 1000.0], dtype)
        out = np.empty_like(x)
        special.sigmoid_forward(x, out)
        assert np.isnan(out[0])
        at_100 = ref.sigmoid_forward(x[5])  # float32: exp(100) overflows, 0 as PyTorch's
        np.testing.assert_array_equal(out[1:], [0.0, 1.0, 0.5, 0.5, at_100, 0.0, 1.0])


@pytest.mark.parametrize("dtype", DTYPES)
@given(
    n=st.integers(0, 6),
    c=st.integers(1, 40),
    nans=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 39)), max_size=3),
    seed=st.integers(0, 2**16),
)
def test_row_amax_matches_its_twin_and_lets_a_nan_win(dtype, n, c, nans, seed):
    x = _rand(np.random.default_rng(seed), (n, c), dtype)
    for i, j in nans:
        if i < n and j < c:
            x[i, j] = np.nan
    out = np.empty(n, dtype)
    special.row_amax(x, out)
    np.testing.assert_array_equal(out, ref.row_amax(x))  # a max is exact: the same bits
