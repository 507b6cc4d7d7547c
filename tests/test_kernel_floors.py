"""Both kernel floors (kernels/ tuned, kernels/loops/ plain) through the entry points the op
layer calls, against the NumPy twins in kernels/reference.py; the floor switch; training
on the loop floor."""

import inspect
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from optimizer_twins import run_adam, run_sgd

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
from tinygrad_scores import kernels
from tinygrad_scores.kernels import reference as ref

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLOORS = ["fast", "loops"]
DTYPES = [np.float32, np.float64]
# the floor fixture is set once per test, not per example: that is what we want
FIXTURE_OK = [HealthCheck.function_scoped_fixture]
TOL = {np.float32: dict(rtol=2e-5, atol=2e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}


@pytest.fixture(params=FLOORS)
def floor(request):
    """The entry points of one floor, switched on for the op layer too."""
    kernels.set_kernels(request.param)
    yield kernels.active()
    kernels.set_kernels("fast")


def _rand(rng, shape, dtype, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def test_both_floors_have_the_same_entry_points():
    for name in kernels.ENTRY_POINTS:
        fast, loops = getattr(kernels.fast, name), getattr(kernels.loops, name)
        sig = [inspect.signature(getattr(f, "py_func", f)) for f in (fast, loops)]
        assert sig[0] == sig[1], name


def test_set_kernels_switches_and_refuses_unknown_names():
    assert kernels.active() is kernels.fast
    ts.set_kernels("loops")
    try:
        assert kernels.active() is kernels.loops
    finally:
        ts.set_kernels("fast")
    with pytest.raises(ValueError, match="'fast' or 'loops'"):
        ts.set_kernels("numpy")


def test_environment_variable_picks_the_floor():
    code = "from tinygrad_scores import kernels; print(kernels.active().NAME)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, TINYGRAD_SCORES_KERNELS="loops", PYTHONPATH=ROOT),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "loops"


@pytest.mark.parametrize("dtype", DTYPES)
@settings(max_examples=25, suppress_health_check=FIXTURE_OK)
@given(
    m=st.integers(0, 20),
    k=st.integers(0, 40),
    n=st.integers(0, 20),
    layout=st.sampled_from(["C", "A.T", "B.T"]),
    seed=st.integers(0, 2**16),
)
def test_matmul(floor, dtype, m, k, n, layout, seed):
    rng = np.random.default_rng(seed)
    a, b = _rand(rng, (m, k), dtype), _rand(rng, (k, n), dtype)
    if layout == "A.T":
        a = np.ascontiguousarray(a.T).T
    if layout == "B.T":
        b = np.ascontiguousarray(b.T).T
    expected = ref.matmul(a.astype(np.float64), b.astype(np.float64))
    c = np.full((m, n), np.nan, dtype)
    assert floor.matmul_into(a, b, c) is c
    tol = 1e-5 * max(1.0, np.sqrt(k)) if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(c, expected, rtol=tol, atol=tol)
    floor.matmul_into(a, b, c, accumulate=True)
    np.testing.assert_allclose(c, 2 * expected, rtol=tol, atol=2 * tol)


@pytest.mark.parametrize("dtype", DTYPES)
@settings(max_examples=25, suppress_health_check=FIXTURE_OK)
@given(n=st.integers(0, 200), seed=st.integers(0, 2**16))
def test_relu(floor, dtype, n, seed):
    rng = np.random.default_rng(seed)
    x = _rand(rng, n, dtype)
    x[::5] = 0.0
    out = np.empty_like(x)
    floor.relu_forward(x, out)
    np.testing.assert_array_equal(out, ref.relu_forward(x))
    g, gi = _rand(rng, n, dtype), np.empty_like(x)
    floor.relu_backward(out, g, gi)
    np.testing.assert_array_equal(gi, ref.relu_backward(out, g))


@pytest.mark.parametrize("dtype", DTYPES)
@settings(max_examples=25, suppress_health_check=FIXTURE_OK)
@given(rows=st.integers(0, 40), cols=st.integers(0, 70), seed=st.integers(0, 2**16))
def test_linear_bias_rows_and_column_sums(floor, dtype, rows, cols, seed):
    rng = np.random.default_rng(seed)
    bias, out = _rand(rng, cols, dtype), np.full((rows, cols), np.nan, dtype)
    floor.bias_rows(out, bias)
    np.testing.assert_array_equal(out, np.broadcast_to(bias, (rows, cols)))
    g, sums = _rand(rng, (rows, cols), dtype), np.full(cols, np.nan, dtype)
    floor.column_sums(g, sums)
    if floor is kernels.fast:  # NumPy's own sum below the threaded size
        np.testing.assert_array_equal(sums, g.sum(axis=0))
    else:  # the loop floor adds the rows in order
        in_order = np.zeros(cols, dtype)
        for row in g:
            in_order += row
        np.testing.assert_array_equal(sums, in_order)


@pytest.mark.parametrize("dtype", DTYPES)
@settings(max_examples=25, suppress_health_check=FIXTURE_OK)
@given(
    n=st.integers(0, 60), rows=st.integers(1, 9), d=st.integers(0, 20), seed=st.integers(0, 2**16)
)
def test_embedding_backward_adds_rows_in_order_as_np_add_at(floor, dtype, n, rows, d, seed):
    rng = np.random.default_rng(seed)
    indices = rng.integers(0, rows, n)  # repeats: the sums' order decides their bits
    g = _rand(rng, (n, d), dtype, scale=1e3)
    out = np.zeros((rows, d), dtype)
    floor.embedding_backward(indices, g, out)
    np.testing.assert_array_equal(out, ref.embedding_backward(indices, g, rows))


def test_relu_keeps_nan(floor):
    out = np.empty(2, np.float32)
    floor.relu_forward(np.array([np.nan, -1.0], np.float32), out)
    assert np.isnan(out[0]) and out[1] == 0


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@settings(max_examples=25, suppress_health_check=FIXTURE_OK)
@given(
    n=st.integers(1, 12),
    c=st.integers(1, 20),
    scale=st.sampled_from([1.0, 30.0, 1e4]),
    seed=st.integers(0, 2**16),
)
def test_softmax_and_log_softmax(floor, dtype, name, n, c, scale, seed):
    rng = np.random.default_rng(seed)
    x, g = _rand(rng, (n, c), dtype, scale), _rand(rng, (n, c), dtype)
    y, dx = np.empty_like(x), np.empty_like(x)
    getattr(floor, name + "_forward")(x, y)
    assert np.isfinite(y).all()
    np.testing.assert_allclose(y, getattr(ref, name + "_forward")(x), **TOL[dtype])
    getattr(floor, name + "_backward")(y, g, dx)
    np.testing.assert_allclose(
        dx,
        getattr(ref, name + "_backward")(y, g),
        rtol=10 * TOL[dtype]["rtol"],
        atol=10 * TOL[dtype]["atol"],
    )


def test_softmax_of_a_row_of_minus_inf_is_nan(floor):
    y = np.empty((1, 3))
    floor.softmax_forward(np.full((1, 3), -np.inf), y)
    assert np.isnan(y).all()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@settings(max_examples=20, suppress_health_check=FIXTURE_OK)
@given(
    n=st.integers(1, 16),
    c=st.integers(1, 8),
    scale=st.sampled_from([1.0, 100.0]),
    seed=st.integers(0, 2**16),
)
def test_cross_entropy_forward_and_backward(floor, dtype, reduction, n, c, scale, seed):
    rng = np.random.default_rng(seed)
    x = _rand(rng, (n, c), dtype, scale)
    y = rng.integers(0, c, n)
    w = np.ones(c, dtype)
    bad, total = floor.check_labels(y, c, -100, w)
    assert (bad, total) == (-1, n)
    grad_scale = 1.0 / total if reduction == "mean" else 1.0
    losses = np.empty(n, dtype)
    loss_sum, saved = floor.cross_entropy_forward(x, y, w, -100, grad_scale, losses, True)
    loss_ref, grad_ref = ref.cross_entropy(x.astype(np.float64), y, reduction)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    if reduction == "none":
        np.testing.assert_allclose(losses, loss_ref, rtol=rtol, atol=rtol * scale)
        upstream = _rand(rng, n, dtype)
        expected = grad_ref * upstream[:, None]
    else:
        np.testing.assert_allclose(loss_sum * grad_scale, loss_ref, rtol=rtol, atol=rtol * scale)
        upstream = np.asarray(0.5, dtype)
        expected = grad_ref * 0.5
    grad = floor.cross_entropy_backward(saved, y, w, -100, grad_scale, upstream)
    np.testing.assert_allclose(grad, expected, **TOL[dtype])


def test_cross_entropy_weights_and_ignore_index(floor):
    x = np.array([[2.0, 0.5, -1.0], [0.1, 0.2, 0.3], [1.0, 1.0, 1.0]])
    y = np.array([0, -100, 2])
    w = np.array([1.0, 2.0, 3.0])
    bad, total = floor.check_labels(y, 3, -100, w)
    assert (bad, total) == (-1, 4.0)
    assert floor.check_labels(np.array([0, 3]), 3, -100, w)[0] == 1
    losses = np.empty(3)
    loss_sum, saved = floor.cross_entropy_forward(x, y, w, -100, 1 / total, losses, True)
    log_p = x - np.log(np.exp(x).sum(1, keepdims=True))
    np.testing.assert_allclose(losses, [-log_p[0, 0], 0.0, -3 * log_p[2, 2]], rtol=1e-14)
    grad = floor.cross_entropy_backward(saved, y, w, -100, 1 / total, np.asarray(1.0))
    onehot = np.eye(3)[[0, 0, 2]]
    expected = (np.exp(log_p) - onehot) * np.array([[1.0], [0.0], [3.0]]) / total
    np.testing.assert_allclose(grad, expected, rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "amsgrad,weight_decay,decoupled", [(False, 0.0, False), (True, 0.1, False), (False, 0.1, True)]
)
def test_adam(floor, dtype, amsgrad, weight_decay, decoupled):
    p, expected = run_adam(floor.adam, dtype, amsgrad, weight_decay, decoupled, 300, 30)
    tol = 1e-6 if dtype == np.float64 else 2e-5
    np.testing.assert_allclose(p, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "momentum,nesterov,dampening", [(0.0, False, 0.0), (0.9, True, 0.0), (0.9, False, 0.3)]
)
def test_sgd(floor, dtype, momentum, nesterov, dampening):
    p, expected = run_sgd(floor.sgd, dtype, momentum, nesterov, dampening, 200, 20)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(p, expected, **tol)


def _one_step(seed=0):
    """Loss and gradients of one step of a small classifier, through the op layer."""
    ts.manual_seed(seed)
    model = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3))
    x, y = ts.randn(8, 6), ts.randint(0, 3, (8,))
    loss = F.cross_entropy(F.log_softmax(model(x), dim=1) + F.softmax(model(x), dim=1), y)
    loss.backward()
    return loss.item(), [p.grad.numpy().copy() for p in model.parameters()]


def test_op_layer_gives_the_same_answers_on_both_floors():
    fast = _one_step()
    ts.set_kernels("loops")
    try:
        loops = _one_step()
    finally:
        ts.set_kernels("fast")
    assert loops[0] == pytest.approx(fast[0], rel=1e-5)
    for a, b in zip(fast[1], loops[1]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_digits_training_learns_on_the_loop_floor():
    import tinygrad_scores.optim as optim
    from tinygrad_scores.data import load_digits

    (x_train, y_train), (x_test, y_test) = (
        tuple(np.asarray(getattr(a, "array", a)) for a in pair) for pair in load_digits()
    )
    ts.set_kernels("loops")
    try:
        ts.manual_seed(0)
        model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
        opt = optim.Adam(model.parameters(), lr=1e-2)
        x, y = ts.tensor(x_train), ts.tensor(y_train)
        for _epoch in range(3):
            for i in range(0, len(x_train), 64):
                opt.zero_grad()
                F.cross_entropy(model(x[i : i + 64]), y[i : i + 64]).backward()
                opt.step()
        with ts.no_grad():
            accuracy = (model(ts.tensor(x_test)).argmax(dim=1).array == y_test).mean()
    finally:
        ts.set_kernels("fast")
    assert accuracy > 0.85, accuracy


def test_loop_floor_runs_without_the_jit():
    code = (
        "import tinygrad_scores as ts, tinygrad_scores.nn as nn, tinygrad_scores.optim as optim\n"
        "import tinygrad_scores.nn.functional as F, numba\n"
        "from tinygrad_scores import kernels\n"
        "assert numba.config.DISABLE_JIT and kernels.active().NAME == 'loops'\n"
        "ts.manual_seed(0); m = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3))\n"
        "opt = optim.SGD(m.parameters(), lr=0.1, momentum=0.9)\n"
        "x = ts.randn(6, 4); y = ts.randint(0, 3, (6,))\n"
        "l0 = F.cross_entropy(m(x), y).item()\n"
        "for _ in range(10):\n"
        "    opt.zero_grad(); loss = F.cross_entropy(m(x), y); loss.backward(); opt.step()\n"
        "assert loss.item() < l0, (l0, loss.item()); print('ok')\n"
    )
    env = dict(os.environ, NUMBA_DISABLE_JIT="1", TINYGRAD_SCORES_KERNELS="loops", PYTHONPATH=ROOT)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "ok"


# ---------------------------------------------------------------- what reaches the kernels


def _inputs():
    """The same 4 x 3 values as a native float32 array and in the layouts the kernels do not
    take directly (functions/_common.kernel_array converts them)."""
    base = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    read_only = base.copy()
    read_only.setflags(write=False)
    return base, {
        "native": base,
        "big-endian": base.astype(">f4"),
        "read-only": read_only,
        "strided": np.ascontiguousarray(np.repeat(base, 2, axis=1))[:, ::2],
        "transposed": np.ascontiguousarray(base.T).T,
        "broadcast": np.broadcast_to(base[:1], (4, 3)),
    }


OPS = {
    "softmax": lambda x: F.softmax(x, dim=1),
    "log_softmax": lambda x: F.log_softmax(x, dim=1),
    "relu": lambda x: x.relu(),
    "cross_entropy": lambda x: F.cross_entropy(x, ts.tensor([0, 2, 1, 1]), reduction="none"),
    "matmul": lambda x: x @ x.T,
    "linear": lambda x: F.linear(x, x[:2], x[0, :2]),
}


@pytest.mark.parametrize("op", sorted(OPS))
def test_ops_take_other_byte_orders_and_layouts(floor, op):
    for name, array in _inputs()[1].items():
        expected_x = ts.tensor(np.array(array, np.float32), requires_grad=True)  # native copy
        expected = OPS[op](expected_x)
        expected.sum().backward()
        x = ts.from_numpy(array).requires_grad_()
        out = OPS[op](x)
        np.testing.assert_allclose(out.array, expected.array, rtol=1e-6, atol=1e-6, err_msg=name)
        out.sum().backward()
        np.testing.assert_allclose(
            x.grad.array, expected_x.grad.array, rtol=1e-5, atol=1e-6, err_msg=name
        )


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_refuses_integers_and_computes_half_in_float32_as_pytorch(floor, op):
    x = np.arange(6).reshape(2, 3)
    with pytest.raises(NotImplementedError, match=f'^"{op}_lastdim_kernel_impl" not impl'):
        OPS[op](ts.from_numpy(x))
    half = OPS[op](ts.from_numpy(x.astype(np.float16)))
    assert half.dtype == ts.float16
    expected = OPS[op](ts.from_numpy(x.astype(np.float32))).numpy().astype(np.float16)
    np.testing.assert_array_equal(half.numpy(), expected)


def test_cross_entropy_refuses_half(floor):
    x = ts.from_numpy(np.zeros((2, 3), np.float16))
    with pytest.raises(RuntimeError, match="cross_entropy: dtype float16 is not supported"):
        F.cross_entropy(x, ts.tensor([0, 1]))


def test_cross_entropy_takes_a_big_endian_weight(floor):
    x = ts.tensor([[1.0, 2.0, 3.0]])
    plain = F.cross_entropy(
        x, ts.tensor([2]), weight=ts.tensor([1.0, 2.0, 3.0]), reduction="sum"
    ).item()
    swapped = F.cross_entropy(
        x, ts.tensor([2]), reduction="sum", weight=ts.from_numpy(np.array([1.0, 2.0, 3.0], ">f4"))
    ).item()
    assert swapped == pytest.approx(plain) and plain == pytest.approx(
        3 * np.log1p(np.exp(-1) + np.exp(-2))
    )


@pytest.mark.parametrize("dtype", ["float16", "int64"])
def test_relu_and_matmul_take_half_and_integers_through_numpy(floor, dtype):
    a = np.array([[-2, 1], [3, -4]]).astype(dtype)
    x = ts.from_numpy(a)
    assert x.relu().array.dtype == a.dtype
    np.testing.assert_array_equal(x.relu().array, [[0, 1], [3, 0]])
    np.testing.assert_array_equal((x @ x).array, a @ a)
    if dtype == "float16":
        h = ts.from_numpy(a).requires_grad_()
        h.relu().sum().backward()
        np.testing.assert_array_equal(h.grad.array, [[0, 1], [1, 0]])
