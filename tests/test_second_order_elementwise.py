"""Second derivatives of the elementwise ops (arithmetic, elementwise, math, activations):
gradgradcheck in float64 on hypothesis-drawn shapes, values kept off kinks, ties and domain
edges (where a finite difference straddling them would disagree with any derivative)."""

import numpy as np
import pytest
from hypothesis import strategies as st
from second_order import Registry, leaf64
from strategies import broadcast_pairs, distinct, off_kinks, shapes, values

import tinygrad_scores as ts
import tinygrad_scores.nn.functional as F

REGISTRY = Registry()
case = REGISTRY.case


def _array(data, low=-2.0, high=2.0, shape=None):
    return data.draw(values(shape or data.draw(shapes), low, high))


def _unary(data, low=-2.0, high=2.0):
    return leaf64(_array(data, low, high))


def _pair(data, low=-2.0, high=2.0):
    sa, sb = data.draw(broadcast_pairs())
    return leaf64(_array(data, low, high, sa)), leaf64(_array(data, low, high, sb))


# op class, how to call it, domain
UNARY = [
    ("Sin", lambda a: a.sin(), (-3, 3)),
    ("Cos", lambda a: a.cos(), (-3, 3)),
    ("Tan", lambda a: a.tan(), (-1.2, 1.2)),
    ("Asin", lambda a: a.asin(), (-0.9, 0.9)),
    ("Acos", lambda a: a.acos(), (-0.9, 0.9)),
    ("Atan", lambda a: a.atan(), (-3, 3)),
    ("Sinh", lambda a: a.sinh(), (-2, 2)),
    ("Cosh", lambda a: a.cosh(), (-2, 2)),
    ("Asinh", lambda a: a.asinh(), (-3, 3)),
    ("Acosh", lambda a: a.acosh(), (1.2, 3)),
    ("Atanh", lambda a: a.atanh(), (-0.9, 0.9)),
    ("Log1p", lambda a: a.log1p(), (-0.8, 3)),
    ("Expm1", lambda a: a.expm1(), (-2, 2)),
    ("Log2", lambda a: a.log2(), (0.2, 3)),
    ("Log10", lambda a: a.log10(), (0.2, 3)),
    ("Exp2", lambda a: a.exp2(), (-2, 2)),
    ("Square", lambda a: a.square(), (-2, 2)),
    ("Rsqrt", lambda a: a.rsqrt(), (0.2, 3)),
    ("Reciprocal", lambda a: a.reciprocal(), (0.2, 3)),
    ("Exp", lambda a: a.exp(), (-2, 2)),
    ("Log", lambda a: a.log(), (0.2, 3)),
    ("Sqrt", lambda a: a.sqrt(), (0.2, 3)),
    ("Sigmoid", lambda a: a.sigmoid(), (-4, 4)),
    ("Tanh", lambda a: a.tanh(), (-2, 2)),
    ("Neg", lambda a: -a, (-2, 2)),
    ("Clone", lambda a: a.clone() * a, (-2, 2)),
    ("Erf", lambda a: ts.erf(a), (-2, 2)),
    ("Softplus", lambda a: F.softplus(a, beta=1.5), (-3, 3)),
    ("SiLU", lambda a: F.silu(a), (-3, 3)),
]

# ops with kinks: values are moved off them
KINKED = [
    ("Abs", lambda a: a.abs() * a, (-2, 2)),
    ("ELU", lambda a: F.elu(a, alpha=0.7), (-2, 2)),
    ("LeakyReLU", lambda a: F.leaky_relu(a, 0.1) * a, (-2, 2)),
    ("Frac", lambda a: a.frac() * a, (0.05, 0.95)),
]

# piecewise-constant ops: zero derivatives of every order, the graph must still connect
ROUNDING = [
    ("Floor", lambda a: a.floor() * a),
    ("Ceil", lambda a: a.ceil() * a),
    ("Round", lambda a: a.round() * a),
    ("Trunc", lambda a: a.trunc() * a),
    ("Sign", lambda a: a.sign() * a),
]


def _register_unary(name, fn, domain, kinked=False):
    def build(data):
        x = _array(data, *domain)
        if kinked:
            x = off_kinks(x, 0.1) if domain[0] < 0 else x
        return fn, [leaf64(x)]

    case(name, label=f"unary_{name}")(build)


for _name, _fn, _domain in UNARY:
    _register_unary(_name, _fn, _domain)
for _name, _fn, _domain in KINKED:
    _register_unary(_name, _fn, _domain, kinked=True)


def _register_rounding(name, fn):
    def build(data):
        x = _array(data, -3.0, 3.0)
        return fn, [leaf64(np.floor(x) + 0.3)]  # off the jumps at integers and halves

    case(name, label=f"rounding_{name}")(build)


for _name, _fn in ROUNDING:
    _register_rounding(_name, _fn)


@case("Hardtanh")
def hardtanh_off_its_corners(data):
    x = _array(data, -2, 2)
    x = np.where(np.abs(np.abs(x) - 0.5) < 0.1, x * 1.5, x)  # off the corners at +-0.5
    return (lambda a: F.hardtanh(a, -0.5, 0.5) * a), [leaf64(x)]


@case("Hardshrink", "Softshrink")
def shrinkage_off_its_edges(data):
    x = _array(data, -2, 2)
    x = np.where(np.abs(np.abs(x) - 0.5) < 0.1, x * 1.5, x)  # off the edges at +-0.5
    return (lambda a: F.hardshrink(a) * a + F.softshrink(a) * a), [leaf64(x)]


@case("TiedTo")
def piecewise_linear_gradients_tied_to_their_input(data):
    x = off_kinks(_array(data, -2, 2), 0.1)
    x = np.where(np.abs(np.abs(x) - 1.0) < 0.1, x * 1.3, x)  # off hardtanh's corners
    return (lambda a: a.abs() * a + F.leaky_relu(a, 0.2) * a + F.hardtanh(a) * a), [leaf64(x)]


def test_second_derivative_of_piecewise_linear_ops_in_their_input_is_zeros():
    """PyTorch's leaky_relu/hardtanh/abs backward ops take the input: grad of their
    gradient in it is zeros; ours said the input was not used in the graph."""
    x = leaf64(np.array([1.5, -2.0, 0.5]))
    for op in (lambda a: F.leaky_relu(a, 0.1), F.hardtanh, F.relu6, ts.abs):
        (g,) = ts.autograd.grad(op(x * 2.0).sum(), [x], create_graph=True)
        (h,) = ts.autograd.grad(g.sum(), [x])
        np.testing.assert_array_equal(h.numpy(), [0.0, 0.0, 0.0])


@case("PReLU")
def prelu_one_and_per_channel_weights(data):
    x = off_kinks(_array(data, -2, 2, (2, 3, 2)), 0.1)
    w = _array(data, -0.5, 0.5, data.draw(st.sampled_from([(1,), (3,)])))
    return (lambda a, b: F.prelu(a, b) * a), [leaf64(x), leaf64(w)]


@case("Add", "Sub", "Mul", "Div")
def arithmetic_broadcast(data):
    a, b = _pair(data, 0.5, 2.0)
    return (lambda x, y: x * y - x / y + (x + y) * x), [a, b]


@case("Pow")
def pow_tensor_exponent(data):
    a, b = _pair(data, 0.5, 2.0)
    return (lambda x, y: x**y), [a, b]


@case("Pow", label="pow_number_exponent")
def pow_number_exponent(data):
    exponent = data.draw(st.sampled_from([2, 3, 0.5, -1.5, 2.5]))
    return (lambda x: x**exponent), [_unary(data, 0.5, 2.0)]


@case("Maximum", "Minimum", "Fmax", "Fmin")
def maximum_minimum(data):
    shape = data.draw(shapes)
    x = distinct(_array(data, -2, 2, shape))
    y = _array(data, -2, 2, shape)
    y = np.where(np.abs(x - y) < 0.1, y + 0.3, y)
    return (lambda a, b: a.maximum(b) * a + a.minimum(b) * b + a.fmax(b) * a.fmin(b)), [
        leaf64(x),
        leaf64(y),
    ]


@case("Atan2", "Hypot", "LogAddExp")
def binary_math(data):
    a, b = _pair(data, 0.5, 2.0)
    return (lambda x, y: x.atan2(y) + x.hypot(y) + x.logaddexp(y)), [a, b]


@case("Remainder", "Fmod")
def remainder_fmod(data):
    shape = data.draw(shapes)
    x = _array(data, 0.1, 0.9, shape) + 2.0  # quotients by 1.5 stay off integers
    return (lambda a: a.remainder(1.5) * a + a.fmod(1.5) * a), [leaf64(x)]


@case("Clamp")
def clamp_numbers_and_tensors(data):
    shape = data.draw(shapes)
    x = _array(data, -2, 2, shape)
    x = np.where(np.abs(np.abs(x) - 1) < 0.1, x * 0.5, x)
    low = np.full(shape, -1.0)
    return (lambda a, lo: a.clamp(-1.0, 1.0) * a + a.clamp(min=lo) * lo), [
        leaf64(x),
        leaf64(low),
    ]


@case("Where")
def where(data):
    a, b = _pair(data)
    cond = data.draw(st.sampled_from([True, False]))
    mask = ts.tensor(np.resize(np.array([cond, not cond]), a.shape))
    return (lambda x, y: ts.where(mask, x * y, y * y)), [a, b]


@case("Lerp")
def lerp(data):
    shape = data.draw(shapes)
    a, b, w = (leaf64(_array(data, -2, 2, shape)) for _ in range(3))
    return (lambda x, y, z: x.lerp(y, z) * x + x.lerp(y, 0.3) * y), [a, b, w]


@case("Einsum")
def einsum(data):
    n, m, k = (data.draw(st.integers(1, 3)) for _ in range(3))
    a, b = leaf64(_array(data, shape=(n, k))), leaf64(_array(data, shape=(k, m)))
    return (lambda x, y: ts.einsum("ik,kj->ij", x, y) * ts.einsum("ik,kj->ij", x, y)), [a, b]


@case("Cast")
def cast_round_trip_keeps_the_graph(data):
    # float64 -> float64 through another dtype object: a Cast node that changes nothing
    return (lambda a: a.to(ts.float64).double() * a), [_unary(data)]


test_second_derivative = REGISTRY.test()
test_create_graph_gradient_equals_the_plain_one = REGISTRY.test_equal_plain()


def test_cast_through_float32_has_the_second_derivative_of_the_float32_function():
    x = ts.tensor([0.5, -1.25], dtype=ts.float64, requires_grad=True)
    y = (x.float() ** 3).sum()
    (g,) = ts.autograd.grad(y, x, create_graph=True)
    (h,) = ts.autograd.grad(g.sum(), x)
    assert g.dtype == ts.float64 and h.dtype == ts.float64
    np.testing.assert_allclose(h.array, 6 * x.array, rtol=1e-6)


def test_a_product_with_a_number_saves_nothing_so_a_later_inplace_add_is_fine():
    # PyTorch saves only the scalar for c * 0.5, so this everyday update backpropagates
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    c = x * 3
    c += 1 - c * 0.5
    c.sum().backward()
    np.testing.assert_allclose(x.grad.array, [1.5, 1.5])


def test_a_product_that_needs_its_factor_still_refuses_a_later_inplace_change():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    c = x * 3
    e = c * c
    c += 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        e.sum().backward()
