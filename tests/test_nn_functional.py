"""nn.functional: activations, dropout, layer/batch norm, embedding, one_hot, normalize,
pad and linear. Expected values are worked by hand from PyTorch's documented formulas;
every gradient is checked against central differences on hypothesis-drawn shapes."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import leaf, off_kinks, shapes, values

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F


def val(t):
    return t.detach().numpy()


def away_from(x, points, gap=0.1):
    """Move values within ``gap`` of any of ``points`` away from it (kinks, boundaries)."""
    for p in points:
        x = p + off_kinks(x - p, gap)
    return x


# ---------------------------------------------------------------------------- activations
def test_activation_values_match_pytorch_formulas():
    x = ts.tensor([-2.0, -1.0, 0.0, 1.0, 7.0], dtype=ts.float64)
    np.testing.assert_allclose(val(F.leaky_relu(x)), [-0.02, -0.01, 0, 1, 7])
    np.testing.assert_allclose(val(F.leaky_relu(x, 0.2)), [-0.4, -0.2, 0, 1, 7])
    np.testing.assert_allclose(val(F.elu(x)), [math.exp(-2) - 1, math.exp(-1) - 1, 0, 1, 7])
    np.testing.assert_allclose(
        val(F.elu(x, alpha=2.0))[:2], [2 * (math.exp(-2) - 1), 2 * (math.exp(-1) - 1)]
    )
    np.testing.assert_allclose(val(F.relu6(x)), [0, 0, 0, 1, 6])
    np.testing.assert_allclose(val(F.hardtanh(x)), [-1, -1, 0, 1, 1])
    np.testing.assert_allclose(val(F.hardtanh(x, -0.5, 2.0)), [-0.5, -0.5, 0, 1, 2])
    np.testing.assert_allclose(val(F.silu(x))[3], 1 / (1 + math.exp(-1)))
    np.testing.assert_allclose(
        val(F.gelu(x))[1:4], [-0.15865525393145707, 0, 0.8413447460685429], rtol=1e-12
    )
    np.testing.assert_allclose(
        val(F.gelu(x, approximate="tanh"))[3], 0.8411919906082768, rtol=1e-12
    )
    np.testing.assert_allclose(val(F.softplus(x))[2], math.log(2))
    np.testing.assert_allclose(val(F.softplus(x, beta=2))[3], math.log1p(math.exp(2)) / 2)
    # above the threshold softplus is the identity (PyTorch's linear region)
    big = ts.tensor([15.0, 30.0], dtype=ts.float64)
    assert val(F.softplus(big, beta=2)).tolist() == [15.0, 30.0]
    assert val(F.softplus(ts.tensor([1e4]))).tolist() == [1e4]
    np.testing.assert_allclose(val(F.sigmoid(x))[2], 0.5)
    np.testing.assert_allclose(val(F.tanh(x))[3], math.tanh(1))


def test_erf_values_and_dtype():
    from tinygrad_scores.functions import Erf

    x = ts.tensor([-2.0, 0.0, 0.5, 1.0, float("inf")], dtype=ts.float64)
    np.testing.assert_allclose(
        val(Erf.apply(x)), [math.erf(v) for v in (-2, 0, 0.5, 1)] + [1.0], rtol=1e-15
    )
    assert Erf.apply(ts.tensor([0.5])).dtype == ts.float32
    assert math.isnan(val(Erf.apply(ts.tensor([float("nan")])))[0])


ACTIVATIONS = [
    ("leaky_relu", lambda x: F.leaky_relu(x, 0.1), [0.0]),
    ("elu", lambda x: F.elu(x, 1.5), [0.0]),
    ("gelu", F.gelu, []),
    ("gelu_tanh", lambda x: F.gelu(x, approximate="tanh"), []),
    ("silu", F.silu, []),
    ("softplus", F.softplus, []),
    ("softplus_beta", lambda x: F.softplus(x, beta=3.0, threshold=3.0), [1.0]),
    ("hardtanh", lambda x: F.hardtanh(x, -1.0, 1.5), [-1.0, 1.5]),
    ("relu6", lambda x: F.relu6(x * 4), [0.0, 1.5]),
    ("erf", lambda x: __import__("tinygrad_scores").functions.Erf.apply(x), []),
]


@pytest.mark.parametrize("name,fn,kinks", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
@given(data=st.data())
def test_activation_gradients(name, fn, kinks, data):
    x = away_from(data.draw(values(data.draw(shapes), -3.0, 3.0)), kinks)
    assert ts.gradcheck(fn, (leaf(x),))


def test_derivative_at_kinks_is_pytorchs_choice():
    x = leaf(np.array([0.0, -1.0, 1.0]))
    F.leaky_relu(x, 0.1).sum().backward()
    assert x.grad.tolist() == [0.1, 0.1, 1.0]  # the slope side at 0
    x = leaf(np.array([-1.0, 1.0, 0.0]))
    F.hardtanh(x).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0]  # no gradient on the boundaries


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        F.gelu(ts.ones(2), approximate="fast")
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(ts.ones(2), 2.0, 1.0)


def test_inplace_activations_modify_the_input():
    x = ts.tensor([-1.0, 2.0, -3.0])
    assert F.relu(x, inplace=True) is x and x.tolist() == [0.0, 2.0, 0.0]
    y = ts.tensor([-1.0, 8.0])
    assert nn.ReLU6(inplace=True)(y) is y and y.tolist() == [0.0, 6.0]
    z = ts.tensor([-1.0, 1.0])
    nn.LeakyReLU(0.5, inplace=True)(z)
    assert z.tolist() == [-0.5, 1.0]


def test_inplace_on_a_leaf_that_requires_grad_is_refused():
    w = ts.tensor([-1.0, 1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        F.relu(w, inplace=True)


def test_inplace_inside_a_graph_keeps_gradients_right():
    x = leaf(np.array([-1.0, 0.5, 2.0]))
    h = x * 3
    out = nn.ReLU(inplace=True)(h)
    assert out is h
    out.sum().backward()
    assert x.grad.tolist() == [0.0, 3.0, 3.0]


# ---------------------------------------------------------------------------- dropout
def test_dropout_is_seeded_scaled_and_masks_the_gradient():
    ts.manual_seed(0)
    x = ts.ones(1000, requires_grad=True)
    a = F.dropout(x, 0.25)
    ts.manual_seed(0)
    b = F.dropout(x, 0.25)
    np.testing.assert_array_equal(val(a), val(b))
    kept = val(a) != 0
    np.testing.assert_allclose(val(a)[kept], 1 / 0.75, rtol=1e-6)
    assert 0.65 < kept.mean() < 0.85
    a.sum().backward()
    np.testing.assert_allclose(val(x.grad), val(a), rtol=1e-6)


def test_dropout_edge_probabilities_and_eval():
    x = ts.randn(4, 5, requires_grad=True)
    assert F.dropout(x, 0.0) is x and F.dropout(x, 0.7, training=False) is x
    zeros = F.dropout(x, 1.0)
    assert not val(zeros).any()
    zeros.sum().backward()
    assert not val(x.grad).any()
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
            F.dropout(x, p)
    layer = nn.Dropout(0.5)
    assert layer.eval()(x) is x and repr(layer) == "Dropout(p=0.5, inplace=False)"


# ---------------------------------------------------------------------------- layer norm
def test_layer_norm_values():
    x = ts.tensor([[1.0, 2.0, 3.0, 4.0]], dtype=ts.float64)
    expected = (np.array([1, 2, 3, 4]) - 2.5) / math.sqrt(1.25 + 1e-5)
    np.testing.assert_allclose(val(F.layer_norm(x, (4,))), [expected], rtol=1e-12)
    w = ts.tensor([1.0, 2.0, 3.0, 4.0], dtype=ts.float64)
    out = F.layer_norm(x, 4, weight=w, bias=ts.ones(4, dtype=ts.float64), eps=0.0)
    exact = (np.array([1, 2, 3, 4]) - 2.5) / math.sqrt(1.25)
    np.testing.assert_allclose(val(out), [exact * np.arange(1, 5) + 1], rtol=1e-12)


@given(data=st.data())
def test_layer_norm_gradients(data):
    shape = data.draw(shapes.filter(lambda s: s[-1] > 1))
    k = data.draw(st.integers(1, len(shape)))
    norm_shape = shape[len(shape) - k :]
    x = data.draw(values(shape))
    w = data.draw(values(norm_shape))
    b = data.draw(values(norm_shape))
    fn = lambda x, w, b: F.layer_norm(x, norm_shape, w, b, eps=1e-3)  # noqa: E731
    assert ts.gradcheck(fn, (leaf(x), leaf(w), leaf(b)), atol=1e-4)


def test_layer_norm_shape_error():
    with pytest.raises(
        RuntimeError,
        match=r"Given normalized_shape=\[4\], expected input with "
        r"shape \[\*, 4\], but got input of size\[3, 5\]",
    ):
        F.layer_norm(ts.ones(3, 5), (4,))


# ---------------------------------------------------------------------------- batch norm
def test_batch_norm_training_values_and_running_stats():
    x = ts.tensor([[1.0, 2.0], [3.0, 6.0]], dtype=ts.float64)
    rm, rv = ts.zeros(2, dtype=ts.float64), ts.ones(2, dtype=ts.float64)
    out = F.batch_norm(x, rm, rv, training=True, eps=0.0)
    np.testing.assert_allclose(val(out), [[-1, -1], [1, 1]])
    np.testing.assert_allclose(val(rm), [0.2, 0.4])  # 0.1 * batch mean
    np.testing.assert_allclose(val(rv), [0.9 + 0.2, 0.9 + 0.8])  # unbiased var 2 and 8
    ev = F.batch_norm(x, rm, rv, training=False, eps=0.0)
    np.testing.assert_allclose(val(ev), (val(x) - [0.2, 0.4]) / np.sqrt([1.1, 1.7]))


@given(data=st.data(), three_d=st.booleans())
def test_batch_norm_gradients(data, three_d):
    n = data.draw(st.integers(2, 4))
    c = data.draw(st.integers(1, 3))
    shape = (n, c, data.draw(st.integers(1, 3))) if three_d else (n, c)
    x = data.draw(values(shape))
    w, b = data.draw(values((c,))), data.draw(values((c,)))
    fn = lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True, eps=1e-3)  # noqa: E731
    assert ts.gradcheck(fn, (leaf(x), leaf(w), leaf(b)), atol=1e-4)
    rm, rv = ts.tensor(np.ones(c)), ts.tensor(np.full(c, 2.0))
    fn_eval = lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=False)  # noqa: E731
    assert ts.gradcheck(fn_eval, (leaf(x), leaf(w), leaf(b)))


# ---------------------------------------------------------------------------- embedding
def test_embedding_lookup_gradient_and_padding():
    weight = leaf(np.arange(12.0).reshape(4, 3))
    idx = ts.tensor([[0, 2], [2, 3]])
    out = F.embedding(idx, weight, padding_idx=3)
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(val(out)[1, 0], [6, 7, 8])
    out.sum().backward()
    # row 2 used twice; row 3 is padding: no gradient
    np.testing.assert_array_equal(val(weight.grad), [[1] * 3, [0] * 3, [2] * 3, [0] * 3])
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding(ts.tensor([4]), weight)
    with pytest.raises(IndexError, match="index out of range in self"):
        F.embedding(ts.tensor([-1]), weight)
    with pytest.raises(RuntimeError, match="indices"):
        F.embedding(ts.tensor([1.0]), weight)


@pytest.mark.parametrize("dtype", [ts.float32, ts.float64, ts.float16])
def test_embedding_gradient_with_strided_read_only_indices_sums_as_np_add_at(dtype):
    # the kernel takes int64 rows in order; indices that are a transposed, read-only view
    # are copied for it, and float16 goes through NumPy; the bits are np.add.at's
    rng = np.random.default_rng(0)
    raw = rng.integers(0, 5, (7, 6))
    raw.flags.writeable = False
    idx = ts.from_numpy(raw).t()
    weight = ts.tensor(rng.standard_normal((5, 4)), dtype=dtype, requires_grad=True)
    g = rng.standard_normal((6, 7, 4)).astype(ts.tensor([], dtype=dtype).numpy().dtype) * 100
    F.embedding(idx, weight).backward(ts.tensor(g))
    expected = np.zeros((5, 4), g.dtype)
    np.add.at(expected, raw.T.reshape(-1), g.reshape(-1, 4))
    np.testing.assert_array_equal(weight.grad.numpy(), expected)


@given(data=st.data())
def test_embedding_gradcheck(data):
    w = data.draw(values((5, 3)))
    idx = np.asarray(data.draw(st.lists(st.integers(0, 4), min_size=1, max_size=6)))
    assert ts.gradcheck(lambda w: F.embedding(ts.tensor(idx), w), (leaf(w),))


# ---------------------------------------------------------------------------- one_hot
def test_one_hot():
    out = F.one_hot(ts.tensor([0, 2, 1]))
    assert out.dtype == ts.int64
    assert out.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert F.one_hot(ts.tensor([[1]]), num_classes=4).tolist() == [[[0, 1, 0, 0]]]
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes"):
        F.one_hot(ts.tensor([3]), 3)
    with pytest.raises(RuntimeError, match="Class values must be non-negative"):
        F.one_hot(ts.tensor([-1]))
    with pytest.raises(RuntimeError, match="LongTensor"):
        F.one_hot(ts.tensor([1.0]))
    with pytest.raises(RuntimeError, match="empty tensor"):
        F.one_hot(ts.tensor(np.zeros(0, np.int64)))


# ---------------------------------------------------------------------------- normalize
def test_normalize_values():
    x = ts.tensor([[3.0, 4.0], [0.0, 0.0]], dtype=ts.float64, requires_grad=True)
    out = F.normalize(x)
    np.testing.assert_allclose(val(out), [[0.6, 0.8], [0, 0]])
    out.sum().backward()
    assert np.isfinite(val(x.grad)).all()  # the zero row: no NaN
    np.testing.assert_allclose(val(F.normalize(x.detach(), p=1, dim=1))[0], [3 / 7, 4 / 7])
    np.testing.assert_allclose(
        val(F.normalize(x.detach(), p=float("inf"), dim=0))[:, 0], [1.0, 0.0]
    )
    with pytest.raises(IndexError, match="Dimension out of range"):
        F.normalize(ts.ones(3), dim=1)


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
@given(data=st.data())
def test_normalize_gradients(p, data):
    shape = data.draw(shapes)
    x = off_kinks(data.draw(values(shape)), 0.2)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    assert ts.gradcheck(lambda x: F.normalize(x, p=p, dim=dim), (leaf(x),), atol=1e-4)


# ---------------------------------------------------------------------------- pad
def test_pad_constant_and_crop():
    x = ts.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    out = F.pad(x, (1, 2))
    assert out.tolist() == [[0, 1, 2, 3, 0, 0], [0, 4, 5, 6, 0, 0]]
    out = F.pad(x, (0, 1, 1, 0), value=9.0)
    assert out.tolist() == [[9, 9, 9, 9], [1, 2, 3, 9], [4, 5, 6, 9]]
    assert F.pad(x, (-1, 0)).tolist() == [[2, 3], [5, 6]]
    assert F.pad(x, (1, 1), mode="reflect").tolist() == [[2, 1, 2, 3, 2], [5, 4, 5, 6, 5]]
    with pytest.raises(NotImplementedError, match="Padding size 2 is not supported for 1D"):
        F.pad(ts.ones(3), (1, 1), mode="reflect")
    with pytest.raises(RuntimeError, match="divisible by 2"):
        F.pad(x, (1,))
    with pytest.raises(RuntimeError, match="Padding length should be less than or equal"):
        F.pad(x, (1, 1, 1, 1, 1, 1))


@given(data=st.data())
def test_pad_gradients(data):
    shape = data.draw(shapes)
    pads = data.draw(
        st.lists(st.integers(-1, 2), min_size=2, max_size=2 * len(shape)).filter(
            lambda p: len(p) % 2 == 0
        )
    )
    x = data.draw(values(shape))
    dims_ok = all(
        shape[len(shape) - 1 - k] + pads[2 * k] + pads[2 * k + 1] >= 0
        for k in range(len(pads) // 2)
    )
    if not dims_ok:
        with pytest.raises(RuntimeError, match="negative output size"):
            F.pad(leaf(x), pads)
        return
    assert ts.gradcheck(lambda x: F.pad(x, pads, value=0.5), (leaf(x),))


# ---------------------------------------------------------------------------- linear
def test_linear_with_no_input_features_is_the_bias():
    with pytest.warns(UserWarning, match="zero-element"):  # as PyTorch's kaiming_uniform_
        layer = nn.Linear(0, 3)
    np.testing.assert_array_equal(val(layer.bias), 0)  # bound 1/sqrt(0) is taken as 0
    with ts.no_grad():
        layer.bias.copy_(ts.tensor([1.0, 2.0, 3.0]))
    out = layer(ts.zeros(2, 0))
    assert out.tolist() == [[1, 2, 3], [1, 2, 3]]
    out.sum().backward()
    assert layer.bias.grad.tolist() == [2, 2, 2]
