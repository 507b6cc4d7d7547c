"""Every differentiable op: forward value against NumPy, gradient against central
differences (gradcheck, float64) on shapes hypothesis draws."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import broadcast_pairs, distinct, leaf, off_kinks, shapes, values

import tinygrad_scores as ts
from tinygrad_scores.gradcheck import GradcheckError

BINARY = [
    ("add", lambda a, b: a + b, np.add),
    ("sub", lambda a, b: a - b, np.subtract),
    ("mul", lambda a, b: a * b, np.multiply),
    ("div", lambda a, b: a / b, np.divide),
]


@pytest.mark.parametrize("name,op,ref", BINARY, ids=[b[0] for b in BINARY])
@given(data=st.data())
def test_binary_broadcasting(name, op, ref, data):
    sa, sb = data.draw(broadcast_pairs())
    a = data.draw(values(sa))
    b = data.draw(values(sb, 0.5, 2.0)) * data.draw(st.sampled_from([1, -1]))
    np.testing.assert_allclose(op(leaf(a), leaf(b)).data, ref(a, b), rtol=1e-12)
    assert ts.gradcheck(op, (leaf(a), leaf(b)))


@given(data=st.data())
def test_pow(data):
    shape = data.draw(shapes)
    a = data.draw(values(shape, 0.5, 2.0))
    b = data.draw(values(shape, -2.0, 2.0))
    np.testing.assert_allclose((leaf(a) ** leaf(b)).data, a**b, rtol=1e-12)
    assert ts.gradcheck(lambda x, y: x**y, (leaf(a), leaf(b)))
    assert ts.gradcheck(lambda x: x**3, (leaf(a),))
    assert ts.gradcheck(lambda x: 2.0**x, (leaf(b),))


@given(data=st.data())
def test_scalars_on_either_side(data):
    a = data.draw(values(data.draw(shapes), 0.5, 2.0))
    fns = [
        lambda x: 2 * x,
        lambda x: x - 1,
        lambda x: 1 - x,
        lambda x: 3 / x,
        lambda x: x / 4,
        lambda x: -x,
        lambda x: x + 0.5,
    ]
    for fn in fns:
        assert ts.gradcheck(fn, (leaf(a),))
    np.testing.assert_allclose((3 / leaf(a)).data, 3 / a)


UNARY = [
    ("exp", lambda x: x.exp(), np.exp, (-2, 2)),
    ("log", lambda x: x.log(), np.log, (0.2, 3)),
    ("sqrt", lambda x: x.sqrt(), np.sqrt, (0.2, 3)),
    ("sigmoid", lambda x: x.sigmoid(), lambda x: 1 / (1 + np.exp(-x)), (-4, 4)),
    ("tanh", lambda x: x.tanh(), np.tanh, (-3, 3)),
    ("relu", lambda x: x.relu(), lambda x: np.maximum(x, 0), (-2, 2)),
    ("abs", lambda x: x.abs(), np.abs, (-2, 2)),
]


@pytest.mark.parametrize("name,op,ref,domain", UNARY, ids=[u[0] for u in UNARY])
@given(data=st.data())
def test_unary(name, op, ref, domain, data):
    x = off_kinks(data.draw(values(data.draw(shapes), *domain)))
    np.testing.assert_allclose(op(leaf(x)).data, ref(x), rtol=1e-12)
    assert ts.gradcheck(op, (leaf(x),))


def _dims(shape, data):
    return data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))


@pytest.mark.parametrize("name", ["sum", "mean"])
@given(data=st.data())
def test_sum_mean(name, data):
    shape = data.draw(shapes)
    x = data.draw(values(shape))
    dim = _dims(shape, data)
    keepdim = data.draw(st.booleans())
    out = getattr(leaf(x), name)(dim=dim, keepdim=keepdim)
    np.testing.assert_allclose(
        out.data, getattr(np, name)(x, axis=dim, keepdims=keepdim), rtol=1e-12
    )
    assert ts.gradcheck(lambda t: getattr(t, name)(dim=dim, keepdim=keepdim), (leaf(x),))


@given(data=st.data())
def test_max(data):
    shape = data.draw(shapes)
    x = distinct(data.draw(values(shape)))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    keepdim = data.draw(st.booleans())
    values_, indices = leaf(x).max(dim=dim, keepdim=keepdim)
    np.testing.assert_array_equal(values_.data, np.max(x, axis=dim, keepdims=keepdim))
    np.testing.assert_array_equal(indices.data, np.argmax(x, axis=dim, keepdims=keepdim))
    assert ts.gradcheck(lambda t: t.max(dim=dim, keepdim=keepdim)[0], (leaf(x),))
    assert ts.gradcheck(lambda t: t.max(), (leaf(x),))


def test_max_ties_split_evenly_over_all_and_go_to_first_with_dim():
    x = ts.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], requires_grad=True)
    x.max().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0.5, 0.5], [0, 0, 0]])
    x.grad = None
    x.max(dim=1)[0].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 0], [1, 0, 0]])


@given(data=st.data())
def test_matmul_2d_and_batched(data):
    m, k, n, b = (data.draw(st.integers(1, 6)) for _ in range(4))
    a2, b2 = data.draw(values((m, k))), data.draw(values((k, n)))
    np.testing.assert_allclose((leaf(a2) @ leaf(b2)).data, a2 @ b2, rtol=1e-10, atol=1e-12)
    assert ts.gradcheck(lambda x, y: x @ y, (leaf(a2), leaf(b2)))
    a3, b3 = data.draw(values((b, m, k))), data.draw(values((b, k, n)))
    np.testing.assert_allclose((leaf(a3) @ leaf(b3)).data, a3 @ b3, rtol=1e-10, atol=1e-12)
    assert ts.gradcheck(lambda x, y: x @ y, (leaf(a3), leaf(b3)))
    assert ts.gradcheck(lambda x, y: x @ y, (leaf(a3), leaf(b2)))
    v = data.draw(values((k,)))
    assert ts.gradcheck(lambda x, y: x @ y, (leaf(a2), leaf(v)))
    assert ts.gradcheck(lambda x, y: x @ y, (leaf(v), leaf(b2)))


@given(data=st.data())
def test_matmul_through_transposed_views(data):
    m, k, n = (data.draw(st.integers(1, 6)) for _ in range(3))
    a, b = data.draw(values((k, m))), data.draw(values((n, k)))
    assert ts.gradcheck(lambda x, y: x.T @ y.T, (leaf(a), leaf(b)))


@given(data=st.data())
def test_linear(data):
    n, i, o = (data.draw(st.integers(1, 6)) for _ in range(3))
    x, w, b = data.draw(values((n, i))), data.draw(values((o, i))), data.draw(values((o,)))
    import tinygrad_scores.nn.functional as F

    # a sum of products is only known to within eps * sum of |products| (different orders
    # round differently, and 1 + 1e-45 - 1 may be 0 or 1e-45), so that is the tolerance
    bound = 1e-12 * (np.abs(x) @ np.abs(w).T + np.abs(b))
    np.testing.assert_array_less(
        np.abs(F.linear(leaf(x), leaf(w), leaf(b)).data - (x @ w.T + b)), bound + 1e-300
    )
    assert ts.gradcheck(F.linear, (leaf(x), leaf(w), leaf(b)))
    assert ts.gradcheck(F.linear, (leaf(x), leaf(w)))
    x3 = data.draw(values((2, n, i)))
    assert ts.gradcheck(F.linear, (leaf(x3), leaf(w), leaf(b)))


@given(data=st.data())
def test_reshape_transpose_permute(data):
    shape = data.draw(shapes)
    x = data.draw(values(shape))
    assert ts.gradcheck(lambda t: t.reshape(-1) * 2, (leaf(x),))
    assert ts.gradcheck(lambda t: t.view(tuple(reversed(shape))), (leaf(x),))
    perm = data.draw(st.permutations(range(len(shape))))
    np.testing.assert_array_equal(leaf(x).permute(*perm).data, x.transpose(perm))
    assert ts.gradcheck(lambda t: t.permute(*perm), (leaf(x),))
    d0, d1 = data.draw(st.integers(0, len(shape) - 1)), data.draw(st.integers(0, len(shape) - 1))
    np.testing.assert_array_equal(leaf(x).transpose(d0, d1).data, np.swapaxes(x, d0, d1))
    assert ts.gradcheck(lambda t: t.transpose(d0, d1), (leaf(x),))


@given(data=st.data())
def test_getitem_basic_and_integer_arrays(data):
    shape = data.draw(shapes)
    x = data.draw(values(shape))
    i = data.draw(st.integers(-shape[0], shape[0] - 1))
    assert ts.gradcheck(lambda t: t[i], (leaf(x),))
    assert ts.gradcheck(lambda t: t[1:], (leaf(x),)) if shape[0] > 1 else True
    assert ts.gradcheck(lambda t: t[..., ::-1], (leaf(x),))
    idx = np.array(data.draw(st.lists(st.integers(0, shape[0] - 1), min_size=1, max_size=6)))
    np.testing.assert_array_equal(leaf(x)[ts.tensor(idx)].data, x[idx])
    # repeated indices must add their gradients
    assert ts.gradcheck(lambda t: t[idx], (leaf(x),))
    if len(shape) >= 2:
        cols = np.array([data.draw(st.integers(0, shape[1] - 1)) for _ in idx])
        assert ts.gradcheck(lambda t: t[idx, cols], (leaf(x),))


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@given(data=st.data())
def test_softmax_and_log_softmax(name, data):
    shape = data.draw(shapes)
    x = data.draw(values(shape, -5, 5))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    shifted = x - x.max(axis=dim, keepdims=True)
    expected = np.exp(shifted) / np.exp(shifted).sum(axis=dim, keepdims=True)
    if name == "log_softmax":
        expected = np.log(expected)
    np.testing.assert_allclose(getattr(leaf(x), name)(dim).data, expected, rtol=1e-10, atol=1e-12)
    assert ts.gradcheck(lambda t: getattr(t, name)(dim), (leaf(x),))


@given(data=st.data())
def test_cross_entropy(data):
    import tinygrad_scores.nn.functional as F

    n, c = data.draw(st.integers(1, 6)), data.draw(st.integers(1, 5))
    x = data.draw(values((n, c), -4, 4))
    y = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    for reduction in ("mean", "sum", "none"):
        out = F.cross_entropy(leaf(x), ts.tensor(y), reduction=reduction)
        shifted = x - x.max(1, keepdims=True)
        losses = np.log(np.exp(shifted).sum(1)) - shifted[np.arange(n), y]
        expected = {"mean": losses.mean(), "sum": losses.sum(), "none": losses}[reduction]
        np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-12)
        assert ts.gradcheck(
            lambda t: F.cross_entropy(t, ts.tensor(y), reduction=reduction), (leaf(x),)
        )
    w = data.draw(values((c,), 0.5, 2))
    assert ts.gradcheck(lambda t: F.cross_entropy(t, ts.tensor(y), weight=ts.tensor(w)), (leaf(x),))


@given(data=st.data())
def test_mse_loss(data):
    import tinygrad_scores.nn.functional as F

    shape = data.draw(shapes)
    a, b = data.draw(values(shape)), data.draw(values(shape))
    for reduction in ("mean", "sum", "none"):
        out = F.mse_loss(leaf(a), leaf(b), reduction=reduction)
        sq = (a - b) ** 2
        np.testing.assert_allclose(
            out.data, {"mean": sq.mean(), "sum": sq.sum(), "none": sq}[reduction], rtol=1e-12
        )
        assert ts.gradcheck(lambda s, t: F.mse_loss(s, t, reduction=reduction), (leaf(a), leaf(b)))


@given(data=st.data())
def test_cat_stack_expand(data):
    shape = data.draw(shapes)
    a, b = data.draw(values(shape)), data.draw(values(shape))
    assert ts.gradcheck(lambda s, t: ts.cat([s, t], dim=0), (leaf(a), leaf(b)))
    assert ts.gradcheck(lambda s, t: ts.stack([s, t], dim=len(shape)), (leaf(a), leaf(b)))
    assert ts.gradcheck(lambda s: s.unsqueeze(0).expand(3, *shape), (leaf(a),))


@given(data=st.data())
def test_stack_without_a_graph_equals_stack_with_one(data):
    # stack of tensors that need no graph takes its own path (one np.stack)
    shape = data.draw(shapes)
    a, b = data.draw(values(shape)), data.draw(values(shape))
    dim = data.draw(st.integers(-len(shape) - 1, len(shape)))
    plain = ts.stack([ts.tensor(a), ts.tensor(b, dtype=ts.float32)], dim=dim)
    graphed = ts.stack([leaf(a), leaf(b).float()], dim=dim)
    assert plain.dtype == graphed.dtype == ts.float64 and plain.grad_fn is None
    np.testing.assert_array_equal(plain.numpy(), graphed.detach().numpy())


def test_empty_edges():
    x = ts.zeros(0, 3, dtype=ts.float64, requires_grad=True)
    x.sum().backward()
    assert x.grad.shape == (0, 3)
    w = ts.randn(3, 4, dtype=ts.float64, requires_grad=True)
    (x @ w).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), np.zeros((3, 4)))


def test_gradcheck_catches_a_wrong_backward():
    class WrongSquare(ts.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a * a

        @staticmethod
        def backward(ctx, grad):
            (a,) = ctx.saved_tensors
            return grad * a  # should be 2 * a

    with pytest.raises(GradcheckError, match=r"input 0 .*index"):
        ts.gradcheck(WrongSquare.apply, (leaf(np.array([1.0, 2.0])),))


def test_float32_results_stay_float32():
    x = ts.randn(3, 4, requires_grad=True)
    w = ts.randn(4, 2, requires_grad=True)
    outs = [
        x * 2,
        2.5 * x,
        x / 3,
        x - 1,
        x**2,
        (x @ w),
        x.exp(),
        x.softmax(1),
        x.mean(),
        x.relu(),
        x.sigmoid(),
        x.tanh(),
        x.log_softmax(-1),
    ]
    for out in outs:
        assert out.dtype == ts.float32, out
    (x @ w).sum().backward()
    assert x.grad.dtype == ts.float32 and w.grad.dtype == ts.float32
    assert ts.tensor([1, 2]).dtype == ts.int64
    assert ts.tensor([1.0, 2]).dtype == ts.float32
    assert ts.tensor(np.zeros(2)).dtype == ts.float64
    assert (ts.tensor([1.0], dtype=ts.float64) + ts.tensor([1.0])).dtype == ts.float64
