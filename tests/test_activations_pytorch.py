"""The activations as PyTorch 2.13 has them: which dtypes each takes (and PyTorch's error
for the others, raised before anything is computed), hardshrink / softshrink / rrelu and
their modules, Softmax2d, and the in-place functional forms (F.relu_ ... F.rrelu_).

Expected values are worked out by hand from PyTorch's documented formulas; error types and
messages are PyTorch 2.13's. The last test compares a grid of calls (tests/
activation_cases.py: every activation on every dtype, the in-place, module and torch.*
forms, rrelu's random slopes for a seed, threshold's number conversions) with the results
PyTorch 2.13.0 gave on the CPU (tests/activation_golden.json, written by
tools/activation_golden.py)."""

import json
import math
import pathlib

import numpy as np
import pytest
from activation_cases import all_cases, run
from hypothesis import given, settings
from hypothesis import strategies as st
from second_order import leaf64
from strategies import leaf, off_kinks, shapes, values

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
from tinygrad_scores.gradcheck import gradgradcheck

INT_X = [[-2, 0, 3]]
NAMES = {ts.bool: "Bool", ts.uint8: "Byte", ts.int32: "Int", ts.int64: "Long"}
NOT_FLOAT = list(NAMES)

# (call, PyTorch's kernel name in "<kernel>" not implemented for '<dtype>')
FLOAT_ONLY = [
    ("elu", F.elu, "elu_cpu"),
    ("selu", F.selu, "elu_cpu"),
    ("celu", F.celu, "elu_cpu"),
    ("gelu", F.gelu, "GeluKernelImpl"),
    ("silu", F.silu, "silu_cpu"),
    ("mish", F.mish, "mish_cpu"),
    ("softplus", F.softplus, "softplus_cpu"),
    ("leaky_relu", F.leaky_relu, "leaky_relu_cpu"),
    ("rrelu eval", F.rrelu, "leaky_relu_cpu"),
    ("rrelu train", lambda x: F.rrelu(x, training=True), "rrelu_with_noise_out_cpu"),
    ("hardswish", F.hardswish, "hardswish_cpu"),
    ("hardsigmoid", F.hardsigmoid, "hardsigmoid_cpu"),
    ("logsigmoid", F.logsigmoid, "log_sigmoid_cpu"),
    ("layer_norm", lambda x: F.layer_norm(x, (3,)), "LayerNormKernelImpl"),
    ("hardshrink", F.hardshrink, "hardshrink_cpu"),
    ("Tensor.hardshrink", lambda x: x.hardshrink(), "hardshrink_cpu"),
    ("torch.hardshrink", ts.hardshrink, "hardshrink_cpu"),
    ("softshrink", F.softshrink, "softshrink_check"),
    ("glu", lambda x: F.glu(ts.cat([x, x], 1)), "glu_cpu"),
    # the module forms and the in-place forms go through the same check
    ("nn.ELU", nn.ELU(), "elu_cpu"),
    ("nn.GELU", nn.GELU(), "GeluKernelImpl"),
    ("nn.LeakyReLU inplace", nn.LeakyReLU(inplace=True), "leaky_relu_cpu"),
    ("nn.Softshrink", nn.Softshrink(), "softshrink_check"),
    ("nn.Hardshrink", nn.Hardshrink(), "hardshrink_cpu"),
    ("nn.RReLU", nn.RReLU(), "rrelu_with_noise_out_cpu"),  # a module starts in training
    ("nn.Mish inplace", nn.Mish(inplace=True), "mish_cpu"),
    ("elu_", F.elu_, "elu_cpu"),
    ("celu_", F.celu_, "elu_cpu"),
    ("selu_", F.selu_, "elu_cpu"),
    ("leaky_relu_", F.leaky_relu_, "leaky_relu_cpu"),
    ("rrelu_", F.rrelu_, "leaky_relu_cpu"),
    ("rrelu_ train", lambda x: F.rrelu_(x, training=True), "rrelu_with_noise_out_cpu"),
]


@pytest.mark.parametrize("dtype", NOT_FLOAT, ids=str)
@pytest.mark.parametrize("name, fn, kernel", FLOAT_ONLY, ids=[c[0] for c in FLOAT_ONLY])
def test_float_only_activations_refuse_bool_and_integer_inputs_as_pytorch(name, fn, kernel, dtype):
    x = ts.tensor(INT_X).to(dtype)
    before = x.tolist()
    with pytest.raises(NotImplementedError) as error:
        fn(x)
    assert str(error.value) == f"\"{kernel}\" not implemented for '{NAMES[dtype]}'"
    assert x.tolist() == before  # nothing written, even by the in-place forms


def test_an_empty_integer_input_is_refused_too():
    with pytest.raises(NotImplementedError, match="\"elu_cpu\" not implemented for 'Long'"):
        F.elu(ts.zeros(0, dtype=ts.int64))


def test_rrelu_in_training_refuses_float16_as_pytorch_but_not_in_eval():
    x = ts.tensor([-2.0, 1.0], dtype=ts.float16)
    with pytest.raises(NotImplementedError, match='"rrelu_with_noise_out_cpu" not imple'):
        F.rrelu(x, training=True)
    out = F.rrelu(x)  # leaky_relu with the mean slope (1/8 + 1/3) / 2 = 11/48
    assert out.dtype == ts.float16
    assert out.tolist() == [float(np.float16(-2.0) * np.float16(11 / 48)), 1.0]


@pytest.mark.parametrize("dtype", [ts.uint8, ts.int32, ts.int64], ids=str)
def test_relu_relu6_hardtanh_threshold_keep_integer_dtypes(dtype):
    x = ts.tensor([[-2, 0, 3, 7]]).to(dtype)
    wrapped = [254, 0, 3, 7] if dtype == ts.uint8 else [-2, 0, 3, 7]  # uint8 holds 254
    relu = [254, 0, 3, 7] if dtype == ts.uint8 else [0, 0, 3, 7]
    for fn, expected in [
        (F.relu, relu),
        (F.relu6, [6, 0, 3, 6] if dtype == ts.uint8 else [0, 0, 3, 6]),
        (lambda t: F.threshold(t, 1, 0), [254, 0, 3, 7] if dtype == ts.uint8 else [0, 0, 3, 7]),
        (lambda t: F.hardtanh(t, 0, 5), [5, 0, 3, 5] if dtype == ts.uint8 else [0, 0, 3, 5]),
    ]:
        out = fn(x)
        assert out.dtype == dtype
        assert out.tolist() == [expected]
    assert x.tolist() == [wrapped]
    y = ts.tensor([[-2, 0, 3]]).to(dtype)
    assert F.relu_(y) is y and y.dtype == dtype


def test_integer_hardtanh_compares_against_fractional_limits():
    # PyTorch: hardtanh(int64 [-2, 0, 3], -1.5, 2.5) is [-1, 0, 2]
    assert F.hardtanh(ts.tensor([-2, 0, 3]), -1.5, 2.5).tolist() == [-1, 0, 2]


def test_bool_inputs_are_refused_by_relu_hardtanh_and_threshold():
    b = ts.tensor([True, False])
    for fn in (F.relu, ts.relu, lambda t: t.relu(), lambda t: t.clone().relu_(), nn.ReLU()):
        with pytest.raises(RuntimeError, match="^Boolean inputs not supported for relu$"):
            fn(b)
    for fn in (F.relu6, F.hardtanh, nn.ReLU6(), nn.Hardtanh()):
        with pytest.raises(RuntimeError, match="^Bool inputs not supported for hardtanh$"):
            fn(b)
    with pytest.raises(NotImplementedError, match="^\"threshold_cpu\" not implemented for 'Bool'$"):
        F.threshold(b, 0, 0)
    with pytest.raises(NotImplementedError, match="^\"abs_cpu\" not implemented for 'Bool'$"):
        F.softsign(b)


def test_unsigned_hardtanh_refuses_negative_limits():
    x = ts.tensor([3], dtype=ts.uint8)
    with pytest.raises(RuntimeError, match="^cannot do hardtanh on an unsigned type with neg"):
        F.hardtanh(x)
    assert F.hardtanh(x, 0, 2).tolist() == [2]


@pytest.mark.parametrize("dtype", [ts.uint8, ts.int32, ts.int64], ids=str)
def test_sigmoid_tanh_softsign_tanhshrink_promote_integers_to_float32(dtype):
    x = ts.tensor([0, 3]).to(dtype)
    for fn in (F.sigmoid, F.tanh, F.softsign, F.tanhshrink):
        assert fn(x).dtype == ts.float32
    np.testing.assert_allclose(F.softsign(x).numpy(), [0.0, 0.75])


def test_prelu_needs_one_floating_dtype_for_input_and_weight():
    with pytest.raises(RuntimeError, match="^prelu: Type promoting not supported. Got Long an"):
        F.prelu(ts.tensor(INT_X), ts.tensor([0.25]))
    with pytest.raises(RuntimeError, match="Got Double and Float$"):
        F.prelu(ts.tensor([-1.0], dtype=ts.float64), ts.tensor([0.25]))
    with pytest.raises(RuntimeError, match="Got Float and Long$"):
        F.prelu(ts.tensor([-4.0]), ts.tensor([2]))
    with pytest.raises(NotImplementedError, match="^\"prelu_cpu\" not implemented for 'Long'$"):
        F.prelu(ts.tensor([-4]), ts.tensor([2]))
    with pytest.raises(RuntimeError, match="Got Long and Float$"):
        nn.PReLU()(ts.tensor(INT_X))
    half = ts.tensor([-1.0], dtype=ts.float16)
    assert F.prelu(half, ts.tensor([0.25], dtype=ts.float16)).tolist() == [-0.25]


@pytest.mark.parametrize("dtype", NOT_FLOAT, ids=str)
def test_normalize_refuses_non_float_inputs(dtype):
    with pytest.raises(RuntimeError) as error:
        F.normalize(ts.tensor(INT_X).to(dtype))
    assert str(error.value) == (
        "linalg.vector_norm: Expected a floating point or complex tensor as input. "
        f"Got {NAMES[dtype]}"
    )


def test_dropout_of_an_integer_tensor_as_pytorch():
    x = ts.tensor(INT_X)
    for call in (lambda: F.dropout(x), lambda: F.dropout(x.clone(), 0.5, inplace=True)):
        with pytest.raises(RuntimeError, match="^result type Float can't be cast to the desired "
                           "output type Long$"):  # fmt: skip
            call()
    with pytest.raises(RuntimeError, match="output type Bool$"):
        nn.Dropout()(x.bool())
    assert F.dropout(x, training=False) is x
    assert F.dropout(x, 0.0).tolist() == INT_X
    out = F.dropout(x, 1.0)  # every element dropped: no scale to apply
    assert out.dtype == ts.int64 and out.tolist() == [[0, 0, 0]]
    assert F.dropout(ts.zeros(0, dtype=ts.int64)).shape == (0,)


# ---------------------------------------------------------------------------- shrinkage
SPECIAL = [-1.0, -0.5, -0.2, 0.0, 0.5, 0.7, math.nan, math.inf, -math.inf]


def test_hardshrink_values_as_pytorch():
    out = F.hardshrink(ts.tensor(SPECIAL), 0.5).tolist()
    # +-lambd itself is shrunk to 0; NaN and the infinities pass
    assert out[:6] == [-1.0, 0.0, 0.0, 0.0, 0.0, pytest.approx(0.7)]
    assert math.isnan(out[6]) and out[7:] == [math.inf, -math.inf]
    # a negative lambd shrinks nothing
    assert F.hardshrink(ts.tensor([-0.5, 0.2]), -0.5).tolist() == [-0.5, pytest.approx(0.2)]
    assert ts.tensor([-1.0, 0.2, 0.7]).hardshrink().tolist() == [-1.0, 0.0, pytest.approx(0.7)]
    assert ts.hardshrink(ts.tensor([-1.0, 0.2]), 0.1).tolist() == [-1.0, pytest.approx(0.2)]


def test_softshrink_values_as_pytorch():
    out = F.softshrink(ts.tensor(SPECIAL), 0.5).numpy()
    # PyTorch 2.13 (float32): [-0.5, -0.0, -0.0, 0.0, 0.0, 0.19999998807907104, nan, inf, -inf]
    assert out[:6].tolist() == [-0.5, -0.0, -0.0, 0.0, 0.0, 0.19999998807907104]
    assert np.signbit(out[:6]).tolist() == [True, True, True, False, False, False]  # a * 0
    assert np.isnan(out[6]) and out[7:].tolist() == [math.inf, -math.inf]
    x64 = ts.tensor([-1.0, 0.7, 0.25], dtype=ts.float64)
    assert F.softshrink(x64, 0.3).tolist() == [-0.7, 0.7 - 0.3, 0.0]
    assert F.softshrink(x64, 0).tolist() == [-1.0, 0.7, 0.25]


@pytest.mark.parametrize(
    "dtype, lambd, text",
    [
        (ts.float32, -0.5, "[0, 3.40282e+38] for input dtype Float, but found -0.5"),
        (ts.float64, -1.0, "[0, 1.79769e+308] for input dtype Double, but found -1"),
        (ts.float16, 1e6, "[0, 65504] for input dtype Half, but found 1e+06"),
        (ts.float32, math.nan, "[0, 3.40282e+38] for input dtype Float, but found nan"),
    ],
)
def test_softshrink_refuses_lambd_outside_its_dtypes_range(dtype, lambd, text):
    with pytest.raises(RuntimeError) as error:
        F.softshrink(ts.zeros(2, dtype=dtype), lambd)
    assert str(error.value) == f"lambda must be in range {text}"


@pytest.mark.parametrize("fn", [F.hardshrink, F.softshrink])
def test_shrinkage_gradient_is_zero_on_the_closed_interval(fn):
    x = leaf(np.array([-1.0, -0.5, -0.2, 0.0, 0.5, 0.7]))
    fn(x, 0.5).sum().backward()
    assert x.grad.tolist() == [1.0, 0.0, 0.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize("dtype", [ts.float16, ts.float32, ts.float64], ids=str)
@pytest.mark.parametrize("fn", [F.hardshrink, F.softshrink, F.rrelu])
def test_shrinkage_and_rrelu_keep_the_dtype_and_take_0d_and_empty_inputs(fn, dtype):
    assert fn(ts.tensor([1.5, -2.0], dtype=dtype)).dtype == dtype
    zero_d = fn(ts.tensor(-2.0, dtype=dtype))
    assert zero_d.shape == () and zero_d.dtype == dtype
    assert fn(ts.zeros(0, 3, dtype=dtype)).shape == (0, 3)
    # PyTorch: softshrink(-2.0) = -1.5, hardshrink(-2.0) = -2.0, rrelu(-2.0) = -2 * 11/48
    expected = {F.hardshrink: -2.0, F.softshrink: -1.5, F.rrelu: -2.0 * 11 / 48}[fn]
    assert zero_d.item() == pytest.approx(expected, rel=1e-3)


LAMBD = 0.4


@pytest.mark.parametrize("fn", [F.hardshrink, F.softshrink])
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_shrinkage_gradcheck(fn, data):
    x = data.draw(shapes.flatmap(lambda s: values(s, -2.0, 2.0)))
    x = LAMBD + off_kinks(x - LAMBD)  # off the jumps / kinks at +-lambd
    x = -LAMBD + off_kinks(x + LAMBD)
    assert ts.gradcheck(lambda a: fn(a, LAMBD), (leaf(x),))


@pytest.mark.parametrize("fn", [F.hardshrink, F.softshrink])
def test_shrinkage_second_derivative_is_zeros_and_connected(fn):
    x = leaf64(np.array([1.5, -2.0, 0.1]))
    (g,) = ts.autograd.grad((fn(x * 2.0, LAMBD) * x).sum(), [x], create_graph=True)
    # d/dx of x * f(2x) = f(2x) + 2x f'(2x); the second derivative 4 f'(2x) (f'' = 0)
    (h,) = ts.autograd.grad(g.sum(), [x])
    np.testing.assert_array_equal(h.numpy(), [4.0, 4.0, 0.0])


# ---------------------------------------------------------------------------- rrelu
def test_rrelu_in_eval_mode_is_leaky_relu_with_the_mean_slope():
    x = leaf(np.array([-1.0, -0.5, 0.0, 0.5]))
    out = F.rrelu(x)  # lower 1/8, upper 1/3: slope 11/48
    np.testing.assert_allclose(out.detach().numpy(), [-11 / 48, -11 / 96, 0.0, 0.5])
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [11 / 48, 11 / 48, 11 / 48, 1.0])
    with pytest.raises(RuntimeError, match="^Lower bound should be less than or equal to the"):
        F.rrelu(x, 0.5, 0.2)
    with pytest.raises(RuntimeError, match="^Lower bound should be less than or equal to the"):
        F.rrelu(ts.tensor(INT_X), 0.5, 0.2)  # the bounds are checked before the dtype


def test_rrelu_training_slopes_lie_in_the_bounds_and_spend_two_words_per_drawn_slope():
    ts.manual_seed(0)
    x = ts.tensor([-1.0, 2.0, -3.0, 0.0, -0.5], requires_grad=True)
    out = F.rrelu(x, 0.1, 0.3, training=True)
    out.sum().backward()
    slopes = x.grad.numpy()
    assert slopes[1] == 1.0 and out[1].item() == 2.0 and out[3].item() == 0.0
    drawn = slopes[[0, 2, 3, 4]]  # x <= 0 (0 included) gets a slope
    assert ((drawn >= np.float32(0.1)) & (drawn < np.float32(0.3))).all()
    assert len(set(drawn.tolist())) == 4
    np.testing.assert_array_equal(out.detach().numpy(), (x * x.grad).detach().numpy())
    after = ts.rand(1).item()
    ts.manual_seed(0)
    ts.empty(4, dtype=ts.float64).uniform_()  # 4 draws of random64(): 8 words
    assert ts.rand(1).item() == after


def _rrelu_seeded(a):
    ts.manual_seed(5)  # the same slopes at every evaluation
    return F.rrelu(a, 0.1, 0.6, training=True)


@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_rrelu_training_gradcheck_and_gradgradcheck_with_fixed_slopes(data):
    x = off_kinks(data.draw(shapes.flatmap(lambda s: values(s, -2.0, 2.0))))
    assert ts.gradcheck(_rrelu_seeded, (leaf(x),))
    assert gradgradcheck(lambda a: _rrelu_seeded(a) * a, [leaf64(x)])


def test_rrelu_eval_gradgradcheck():
    x = leaf64(np.array([-1.5, 0.7, -0.3, 2.0]))
    assert gradgradcheck(lambda a: F.rrelu(a) * a, [x])


# ---------------------------------------------------------------------------- in place
IN_PLACE = [
    (F.relu_, ()),
    (F.elu_, ()),
    (F.leaky_relu_, ()),
    (F.hardtanh_, (-0.6, 0.6)),
    (F.celu_, ()),
    (F.selu_, ()),
    (F.threshold_, (0.6, 9.0)),
    (F.rrelu_, ()),
    (lambda x: F.rrelu_(x, training=True), ()),
    (ts.selu_, ()),
    (ts.celu_, (2.0,)),
    (ts.rrelu_, ()),
    (ts.threshold_, (0.0, 5.0)),
    (ts.relu_, ()),
]


@pytest.mark.parametrize("fn, args", IN_PLACE)
def test_inplace_forms_return_their_input_and_refuse_a_leaf_that_requires_grad(fn, args):
    x = ts.tensor([-1.0, -0.5, 0.5, 1.0])
    assert fn(x, *args) is x  # the values: test_results_match_pytorchs
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        fn(ts.tensor([-1.0], requires_grad=True), *args)


def test_inplace_form_in_a_graph_passes_the_gradient():
    a = ts.tensor([-1.0, 2.0], requires_grad=True)
    b = a * 1.0
    F.leaky_relu_(b, 0.2)
    b.sum().backward()
    assert a.grad.tolist() == [pytest.approx(0.2), 1.0]


# ---------------------------------------------------------------------------- modules
def test_softmax2d_is_softmax_over_the_channels():
    x = ts.tensor([[[[0.0, 1.0]], [[1.0, 3.0]]]])
    e = math.exp
    expected = [[[[1 / (1 + e(1)), 1 / (1 + e(2))]], [[e(1) / (1 + e(1)), e(2) / (1 + e(2))]]]]
    np.testing.assert_allclose(nn.Softmax2d()(x).numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(nn.Softmax2d()(x[0]).numpy(), expected[0], rtol=1e-6)
    assert nn.Softmax2d()(ts.zeros(0, 2, 2)).shape == (0, 2, 2)
    for shape in [(2, 2), (1, 2, 2, 2, 2)]:
        with pytest.raises(ValueError) as error:
            nn.Softmax2d()(ts.zeros(*shape))
        assert str(error.value) == (
            f"Softmax2d: expected input to be 3D or 4D, got {len(shape)}D instead"
        )


@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_softmax2d_gradcheck(data):
    x = data.draw(values((2, 3, 2, 2)))
    assert ts.gradcheck(nn.Softmax2d(), (leaf(x),))


@pytest.mark.parametrize(
    "module, text",
    [
        (nn.Softshrink(0.3), "Softshrink(0.3)"),
        (nn.Softshrink(), "Softshrink(0.5)"),
        (nn.Hardshrink(0.3), "Hardshrink(0.3)"),
        (nn.RReLU(0.1, 0.3), "RReLU(lower=0.1, upper=0.3)"),
        (nn.RReLU(inplace=True), "RReLU(lower=0.125, upper=0.3333333333333333, inplace=True)"),
        (nn.Softmax2d(), "Softmax2d()"),
    ],
)
def test_new_module_reprs_as_pytorch_prints_them(module, text):
    assert repr(module) == text


def test_modules_apply_their_options():
    x = ts.tensor([-1.0, 0.2, 0.7])
    np.testing.assert_allclose(nn.Softshrink(0.5)(x).numpy(), [-0.5, 0.0, 0.2], rtol=1e-6)
    np.testing.assert_allclose(nn.Hardshrink(0.1)(x).numpy(), [-1.0, 0.2, 0.7])
    assert nn.modules.activation.Softmax2d is nn.Softmax2d


# ---------------------------------------------------------------------------- PyTorch's grid
GOLDEN = json.loads((pathlib.Path(__file__).parent / "activation_golden.json").read_text())
CASES = all_cases()
# libm and formula differences: float32's gelu(-2, 'tanh') cancels in 1 + tanh (11 ulps)
RTOL = {"float16": 2e-3, "float32": 2e-6, "float64": 1e-14}


def test_the_golden_file_holds_every_case():
    assert set(GOLDEN["cases"]) == set(CASES)  # else: python tools/activation_golden.py


@pytest.mark.parametrize("name", sorted(CASES))
def test_results_match_pytorchs(name):
    """activation_cases.py's calls: dtype, shape and values as PyTorch's (bit for bit for
    integer results and the exact cases: random draws, shrinkage, threshold), or its
    error's type and message. Zeros' signs are not compared: PyTorch's float64 softshrink
    gives -0.0 or 0.0 by the tensor's length (its vectorised loop and its tail differ)."""
    case, exact = CASES[name]
    ours, expected = run(ts, case), GOLDEN["cases"][name]
    if "error" in expected or "error" in ours:
        assert ours == expected
        return
    assert [(d, s) for d, s, _ in ours] == [(d, s) for d, s, _ in expected]
    for (dtype, _, got), (_, _, want) in zip(ours, expected):
        got, want = np.array(got, dtype=np.float64), np.array(want, dtype=np.float64)
        if exact or dtype not in RTOL:
            np.testing.assert_array_equal(got, want)
        else:
            np.testing.assert_allclose(got, want, rtol=RTOL[dtype], atol=0)
