"""Second derivatives of convolution, pooling and the fused sequence ops: gradgradcheck in
float64 on small hypothesis-drawn shapes. The backward products that are ops of their own
(Conv2dWeightBackward, MaxPoolBackward, AvgPoolBackward) are checked one order higher:
their case differentiates the gradient twice. LSTMLayer and Attention differentiate
their composed equivalents under create_graph; their cases check the fused op's
gradient against that, and test_create_graph_gradient_equals_the_plain_one checks the
two gradients agree."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from second_order import SECOND, Registry, leaf64
from strategies import distinct, values

import tinygrad_scores as ts
import tinygrad_scores.nn.functional as F
from tinygrad_scores import kernels
from tinygrad_scores.autograd import grad as autograd_grad
from tinygrad_scores.functions import Attention, LSTMLayer
from tinygrad_scores.gradcheck import gradgradcheck

REGISTRY = Registry()
case = REGISTRY.case


def _array(data, shape, low=-1.0, high=1.0):
    return data.draw(values(tuple(shape), low, high))


def _gradient_of(op):
    """fn(inputs..., g) = d <op(inputs), g> / d inputs with create_graph, so gradgradcheck
    differentiates the backward ops twice."""

    def fn(*args):
        xs, g = args[:-1], args[-1]
        return autograd_grad(op(*xs), list(xs), g, create_graph=True)

    return fn


# ------------------------------------------------------------------------- convolution


def _conv_problem(data):
    """A small conv2d: (x, w, b) leaves and its options (stride, padding, dilation, groups)."""
    groups = data.draw(st.sampled_from([1, 2]))
    c_in, c_out = groups * data.draw(st.integers(1, 2)), groups * data.draw(st.integers(1, 2))
    kh, kw = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 3))
    options = dict(
        stride=(data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2))),
        padding=data.draw(st.integers(0, 1)),
        dilation=(1, data.draw(st.integers(1, 2))),
        groups=groups,
    )
    reach = options["dilation"][1] * (kw - 1) + 1
    h, w = data.draw(st.integers(kh, 4)), data.draw(st.integers(reach, 6))
    x = leaf64(_array(data, (data.draw(st.integers(1, 2)), c_in, h, w)))
    weight = leaf64(_array(data, (c_out, c_in // groups, kh, kw)))
    return x, weight, leaf64(_array(data, (c_out,))), options


@case("Conv2d")
def conv2d(data):
    x, w, b, options = _conv_problem(data)
    return (lambda x, w, b: F.conv2d(x, w, b, **options)), [x, w, b]


@case("Conv2d", label="conv1d")
def conv1d(data):
    x, w = leaf64(_array(data, (2, 2, 5))), leaf64(_array(data, (3, 2, 2)))
    stride = data.draw(st.integers(1, 2))
    return (lambda x, w: F.conv1d(x, w, stride=stride, padding=1)), [x, w]


@case("Conv2dWeightBackward", "ConvTranspose2d")
def conv2d_backward_twice(data):
    x, w, _, options = _conv_problem(data)
    g = leaf64(_array(data, F.conv2d(x, w, **options).shape))
    return _gradient_of(lambda x, w: F.conv2d(x, w, **options)), [x, w, g]


def _conv_transpose_problem(data):
    groups = data.draw(st.sampled_from([1, 2]))
    c_in, c_out = groups * data.draw(st.integers(1, 2)), groups * data.draw(st.integers(1, 2))
    stride = data.draw(st.integers(1, 2))
    options = dict(
        stride=stride,
        padding=data.draw(st.integers(0, 1)),
        output_padding=data.draw(st.integers(0, stride - 1)),
        dilation=data.draw(st.integers(1, 2)),
        groups=groups,
    )
    x = leaf64(_array(data, (1, c_in, data.draw(st.integers(2, 3)), data.draw(st.integers(2, 3)))))
    kernel = (2, data.draw(st.integers(2, 3)))  # with x's sides, a positive output size
    w = leaf64(_array(data, (c_in, c_out // groups) + kernel))
    return x, w, leaf64(_array(data, (c_out,))), options


@case("ConvTranspose2d")
def conv_transpose2d(data):
    x, w, b, options = _conv_transpose_problem(data)
    return (lambda x, w, b: F.conv_transpose2d(x, w, b, **options)), [x, w, b]


@case("Conv2dWeightBackward", "Conv2d", label="conv_transpose2d_backward_twice")
def conv_transpose2d_backward_twice(data):
    x, w, _, options = _conv_transpose_problem(data)
    g = leaf64(_array(data, F.conv_transpose2d(x, w, **options).shape))
    return _gradient_of(lambda x, w: F.conv_transpose2d(x, w, **options)), [x, w, g]


@case("AxisMaps", label="pad_reflect_replicate_circular")
def axis_map_padding(data):
    mode = data.draw(st.sampled_from(["reflect", "replicate", "circular"]))
    x = leaf64(_array(data, (1, 2, 3, 4)))
    pad = tuple(data.draw(st.integers(0, 2)) for _ in range(4))
    return (lambda a: F.pad(a, pad, mode=mode) ** 2), [x]


@case("AxisMaps", label="interpolate")
def axis_map_interpolate(data):
    mode = data.draw(st.sampled_from(["nearest", "bilinear", "bicubic"]))
    x = leaf64(_array(data, (1, 2, 3, 2)))
    size = (data.draw(st.integers(1, 5)), data.draw(st.integers(1, 5)))
    return (lambda a: F.interpolate(a, size=size, mode=mode) ** 2), [x]


@case("Unfold", "Fold", label="unfold_then_fold")
def unfold_then_fold(data):
    x = leaf64(_array(data, (data.draw(st.integers(1, 2)), 2, 4, 5)))
    options = dict(
        kernel_size=(data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2))),
        dilation=data.draw(st.integers(1, 2)),
        padding=data.draw(st.integers(0, 1)),
        stride=data.draw(st.integers(1, 2)),
    )
    return (lambda a: F.fold(F.unfold(a, **options) ** 2, (4, 5), **options)), [x]


# ----------------------------------------------------------------------------- pooling


def _pool_input(data):
    return distinct(_array(data, (data.draw(st.integers(1, 2)), 2, 4, 5)))


def _pool_options(data):
    kernel = data.draw(st.integers(2, 3))
    return dict(
        kernel_size=kernel,
        stride=data.draw(st.integers(1, 2)),
        padding=data.draw(st.integers(0, kernel // 2)),
    )


@case("MaxPool")
def max_pool(data):
    options = _pool_options(data)
    return (lambda a: F.max_pool2d(a, **options) ** 2), [leaf64(_pool_input(data))]


@case("MaxPoolBackward", "AvgPoolBackward")
def pool_backward_twice(data):
    """The gradient of pool(x)**2 as a function of (x, g): the pool's backward op inside."""
    pool = data.draw(st.sampled_from([F.max_pool2d, F.avg_pool2d]))
    x, options = leaf64(_pool_input(data)), _pool_options(data)
    g = leaf64(_array(data, pool(x, **options).shape))
    return _gradient_of(lambda a: pool(a, **options) ** 2), [x, g]


@case("AvgPool")
def avg_pool(data):
    options = _pool_options(data)
    options["count_include_pad"] = data.draw(st.booleans())
    return (lambda a: F.avg_pool2d(a, **options) ** 2), [leaf64(_pool_input(data))]


@case("AvgPool", label="adaptive_avg_pool")
def adaptive_avg_pool(data):
    size = (data.draw(st.integers(1, 4)), data.draw(st.integers(1, 5)))
    return (lambda a: F.adaptive_avg_pool2d(a, size) ** 2), [leaf64(_pool_input(data))]


@case("MaxUnpool")
def max_unpool(data):
    x = _pool_input(data)
    _, indices = F.max_pool2d(ts.tensor(x), 2, return_indices=True)
    a = leaf64(_array(data, tuple(indices.shape)))
    return (lambda a: F.max_unpool2d(a, indices, 2, output_size=x.shape[-2:]) ** 2), [a]


# ------------------------------------------------------------------- sequence models


@case("LSTMLayer")
def lstm_layer(data):
    steps, batch, hidden = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 2)), 2
    reverse = data.draw(st.booleans())
    inputs = [
        leaf64(_array(data, shape))
        for shape in [(steps, batch, 4 * hidden), (batch, hidden), (batch, hidden)]
    ]
    inputs.append(leaf64(_array(data, (4 * hidden, hidden))))
    return (lambda *a: LSTMLayer.apply(*a, reverse=reverse)), inputs


@case("LSTMLayer", label="nn_lstm")
def nn_lstm(data):
    lstm = ts.nn.LSTM(2, 2, bidirectional=data.draw(st.booleans()), dtype=ts.float64)
    x = leaf64(_array(data, (data.draw(st.integers(1, 3)), 1, 2)))
    return (lambda a: lstm(a)[0]), [x]


@case("Attention")
def attention(data):
    n, length, source, e = 2, data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)), 2
    q, k, v = (leaf64(_array(data, s)) for s in [(n, length, e), (n, source, e), (n, source, 3)])
    inputs = [q, k, v]
    causal = data.draw(st.booleans())
    if data.draw(st.booleans()):
        inputs.append(leaf64(_array(data, (1, length, source))))
    keep = None
    if data.draw(st.booleans()):  # a fixed dropout mask, scaled by 1 / (1 - p)
        drawn = data.draw(st.lists(st.booleans(), min_size=n * length * source))
        keep = np.array(drawn[: n * length * source], float).reshape(n, length, source) * 2

    def fn(q, k, v, bias=None):
        return Attention.apply(q, k, v, bias, scale=0.7, causal=causal, keep=keep)

    return fn, inputs


@case("Attention", label="attention_with_a_dead_row")
def attention_dead_row(data):
    q, k, v = (leaf64(_array(data, s)) for s in [(1, 2, 2), (1, 3, 2), (1, 3, 2)])
    mask = ts.tensor([[True, False, True], [False, False, False]])  # row 1 attends to nothing
    return (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask)), [q, k, v]


test_second_derivative = REGISTRY.test()

test_create_graph_gradient_equals_the_plain_one = REGISTRY.test_equal_plain()


@pytest.mark.parametrize("floor", ["fast", "loops"])
@SECOND
@given(data=st.data())
def test_conv_second_derivatives_on_both_kernel_floors(floor, data):
    kernels.set_kernels(floor)
    try:
        x, w, b, options = _conv_problem(data)
        assert gradgradcheck(lambda x, w, b: F.conv2d(x, w, b, **options), [x, w, b])
        x, w, b, options = _conv_transpose_problem(data)
        assert gradgradcheck(lambda x, w, b: F.conv_transpose2d(x, w, b, **options), [x, w, b])
    finally:
        kernels.set_kernels("fast")


def test_conv_gradient_under_create_graph_is_a_graph_of_conv_ops():
    x = ts.tensor(np.ones((1, 1, 3, 3)), requires_grad=True)
    w = ts.tensor(np.ones((1, 1, 2, 2)), requires_grad=True)
    dx, dw = autograd_grad(F.conv2d(x, w).sum(), [x, w], create_graph=True)
    assert dx.grad_fn.name().startswith("ConvTranspose2d")
    assert dw.grad_fn.name().startswith("Conv2dWeightBackward")
    np.testing.assert_array_equal(dx.array[0, 0], [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
    np.testing.assert_array_equal(dw.array[0, 0], [[4, 4], [4, 4]])


@pytest.mark.parametrize(
    "shape, fn",
    [
        ((1, 1, 4, 6), lambda x: F.conv2d(x, ts.ones(2, 1, 2, 2, dtype=ts.float64))),
        ((1, 2, 2, 3), lambda x: F.conv_transpose2d(x, ts.ones(2, 1, 2, 2, dtype=ts.float64))),
        ((1, 1, 4, 6), lambda x: F.max_pool2d(x, 2) + F.avg_pool2d(x, 2)),
        ((1, 1, 4, 6), lambda x: F.pad(x, (1, 1, 1, 1), mode="reflect")),
        ((2, 3, 4), lambda x: F.scaled_dot_product_attention(x, x, x)),
        (
            (3, 1, 4),
            lambda x: LSTMLayer.apply(x, *[ts.zeros(1, 1, dtype=ts.float64)] * 2, x[0].t()),
        ),
    ],
)
def test_first_order_gradients_carry_no_graph(shape, fn):
    x = ts.tensor(np.arange(float(np.prod(shape))).reshape(shape) / 10, requires_grad=True)
    out = fn(x)
    out.backward(ts.ones_like(out))
    assert x.grad.grad_fn is None and not x.grad.requires_grad


def test_distinct_breaks_ties_without_making_new_ones():
    # the input hypothesis found for max_pool: 0.002 everywhere, a 0 one step after a
    # 0.002; an offset growing with the position turned them into a tie
    x = np.full((1, 2, 4, 5), 0.002)
    x[0, 0, 0, 2], x[0, 0, 1, 1] = 1.0, 0.0
    y = distinct(x)
    gaps = np.diff(np.sort(y, axis=None))
    assert gaps.min() >= 1e-3
    assert np.array_equal(np.argsort(y, axis=None), np.argsort(x, axis=None, kind="stable"))
