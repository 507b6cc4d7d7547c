"""Differences from PyTorch 2.13 a reviewer found (dtype promotion, error types and
messages, warnings), each stated as PyTorch behaves (checked against it by hand; expected
values written out here)."""

import math
import warnings

import numpy as np
import pytest

import tinygrad_scores as torch
import tinygrad_scores.nn.functional as F

# ------------------------------------------------------- float functions of integers and bools
# PyTorch: an integer or bool input to a float function is computed in the default float
# dtype, e.g. torch.tensor([0, 1, 2]).sigmoid() is tensor([0.5000, 0.7311, 0.8808]) (float32)
# and torch.tensor([True, False]).exp() is tensor([2.7183, 1.0000]).
FLOAT_OF_0_1_2 = {
    "sigmoid": [0.5, 0.7310585786, 0.8807970779],
    "exp": [1.0, 2.7182818285, 7.3890560989],
    "log": [-np.inf, 0.0, 0.6931471806],
    "sqrt": [0.0, 1.0, 1.4142135624],
    "tanh": [0.0, 0.7615941560, 0.9640275801],
    "sin": [0.0, 0.8414709848, 0.9092974268],
    "cos": [1.0, 0.5403023059, -0.4161468365],
    "erf": [0.0, 0.8427007929, 0.9953222650],
}
INTEGER_DTYPES = [torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8]


@pytest.mark.parametrize("dtype", INTEGER_DTYPES)
@pytest.mark.parametrize("name", sorted(FLOAT_OF_0_1_2))
def test_float_functions_of_integers_give_the_default_float_dtype(name, dtype):
    out = getattr(torch.tensor([0, 1, 2], dtype=dtype), name)()
    assert out.dtype == torch.float32
    np.testing.assert_allclose(out.numpy(), FLOAT_OF_0_1_2[name], rtol=1e-6)


@pytest.mark.parametrize("name", sorted(FLOAT_OF_0_1_2))
def test_float_functions_of_bools_give_the_default_float_dtype(name):
    # bool would be float16 in NumPy, and sigmoid's -x is refused on bools
    out = getattr(torch.tensor([False, True]), name)()
    assert out.dtype == torch.float32
    np.testing.assert_allclose(out.numpy(), FLOAT_OF_0_1_2[name][:2], rtol=1e-6)


def test_the_function_forms_promote_too_and_0d_and_empty_inputs_keep_their_shapes():
    assert torch.sigmoid(torch.tensor(3)).dtype == torch.float32
    assert torch.sigmoid(torch.tensor(3)).item() == pytest.approx(0.9525741268, rel=1e-6)
    assert F.sigmoid(torch.tensor([True])).dtype == torch.float32
    assert torch.exp(torch.tensor([1])).dtype == torch.float32
    empty = torch.tensor([], dtype=torch.int64).sigmoid()
    assert empty.dtype == torch.float32 and empty.shape == (0,)


def test_float_functions_of_integers_follow_a_float64_default():
    torch.set_default_dtype(torch.float64)
    try:
        a = torch.tensor([0, 1, 2])
        for name in ("sigmoid", "exp", "log", "sqrt", "tanh"):
            assert getattr(a, name)().dtype == torch.float64, name
        assert torch.tensor([True]).sigmoid().item() == pytest.approx(0.7310585786300049, 1e-15)
    finally:
        torch.set_default_dtype(torch.float32)


def test_float_tensors_keep_their_dtype():
    for dtype in (torch.float16, torch.float32, torch.float64):
        x = torch.tensor([0.5, 1.0, 2.0], dtype=dtype)
        for name in ("sigmoid", "exp", "log", "sqrt", "tanh"):
            assert getattr(x, name)().dtype == dtype, (name, dtype)


# ------------------------------------------------------------------- subtraction with bools
# PyTorch raises RuntimeError for `-` with a bool tensor; a Python bool counts as a bool
# tensor; sub's alpha does not turn a bool into an int first.
TWO_BOOLS = (
    r"^Subtraction, the `-` operator, with two bool tensors is not supported\. Use the `\^` "
    r"or `logical_xor\(\)` operator instead\.$"
)
ONE_BOOL = (
    r"^Subtraction, the `-` operator, with a bool tensor is not supported\. If you are trying "
    r"to invert a mask, use the `~` or `logical_not\(\)` operator instead\.$"
)


@pytest.mark.parametrize(
    "subtract",
    [
        lambda b, c: b - c,
        lambda b, c: b - True,
        lambda b, c: True - b,
        lambda b, c: b - torch.tensor(True),
        lambda b, c: b.sub(c),
        lambda b, c: b.subtract(c),
        lambda b, c: b.sub(c, alpha=2),
        lambda b, c: b.sub(True, alpha=True),
        lambda b, c: b.clone().sub_(c),
        lambda b, c: b.clone().sub_(c, alpha=2),
        lambda b, c: torch.sub(b, c, alpha=2),
        lambda b, c: torch.rsub(b, c),
    ],
)
def test_subtracting_two_bools_raises_pytorchs_runtime_error(subtract):
    b, c = torch.tensor([True, False]), torch.tensor([True, True])
    with pytest.raises(RuntimeError, match=TWO_BOOLS):
        subtract(b, c)


@pytest.mark.parametrize(
    "subtract",
    [
        lambda b, i: b - 1,
        lambda b, i: 1 - b,
        lambda b, i: b - 1.5,
        lambda b, i: i - b,
        lambda b, i: i - True,
        lambda b, i: True - i,
        lambda b, i: torch.tensor([1.5]) - True,
        lambda b, i: torch.sub(b, 1),
        lambda b, i: torch.sub(i, b, alpha=2),
        lambda b, i: i.clone().sub_(b, alpha=2),
        lambda b, i: torch.rsub(b, 1),
        lambda b, i: torch.rsub(b, 1, alpha=2),
        lambda b, i: torch.rsub(i, b),
    ],
)
def test_a_bool_and_a_number_or_integer_tensor_raise_pytorchs_runtime_error(subtract):
    b, i = torch.tensor([True, False]), torch.tensor([1, 2])
    with pytest.raises(RuntimeError, match=ONE_BOOL):
        subtract(b, i)


def test_rsub_of_numbers_and_tensors_keeps_pytorchs_values_and_dtypes():
    # PyTorch: rsub(tensor([1, 2]), 1.5) = tensor([0.5, -0.5]) (float32),
    # rsub(tensor([1, 2]), 2, alpha=3) = tensor([-1, -4]) (int64)
    i = torch.tensor([1, 2])
    out = torch.rsub(i, 1.5)
    assert out.dtype == torch.float32 and out.tolist() == [0.5, -0.5]
    out = torch.rsub(i, 2, alpha=3)
    assert out.dtype == torch.int64 and out.tolist() == [-1, -4]
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    torch.rsub(x, 2.0, alpha=3).sum().backward()
    assert x.grad.tolist() == [-3.0, -3.0]


# ------------------------------------------------------------------- reshape's shape errors
# PyTorch 2.13 reads the shape left to right and names the first dimension it refuses:
# x.reshape(2, -1, -4) says "invalid shape dimension -4 at index 2 of shape [2, -1, -4]",
# x.reshape(-1, -1, -2) says "only one dimension can be inferred".
@pytest.mark.parametrize(
    "shape,message",
    [
        ((-2, 3), "invalid shape dimension -2 at index 0 of shape [-2, 3]"),
        ((2, -2), "invalid shape dimension -2 at index 1 of shape [2, -2]"),
        ((-2, -3), "invalid shape dimension -2 at index 0 of shape [-2, -3]"),
        ((-1, -2), "invalid shape dimension -2 at index 1 of shape [-1, -2]"),
        ((2, -1, -4), "invalid shape dimension -4 at index 2 of shape [2, -1, -4]"),
        ((0, -2), "invalid shape dimension -2 at index 1 of shape [0, -2]"),
        ((-2, -1, -1), "invalid shape dimension -2 at index 0 of shape [-2, -1, -1]"),
        ((-1, -1, -2), "only one dimension can be inferred"),
    ],
)
def test_reshape_and_view_name_the_first_bad_dimension_as_pytorch(shape, message):
    x = torch.arange(6.0)
    for call in (lambda: x.reshape(*shape), lambda: x.view(shape), lambda: x.reshape(shape)):
        with pytest.raises(RuntimeError) as info:
            call()
        assert str(info.value) == message


# ------------------------------------------------------------ reductions of empty tensors
# PyTorch: torch.tensor([]).mean() is tensor(nan), and torch.zeros(0, 3).mean(0) is
# tensor([nan, nan, nan]), with no warning; nanmean of a slice with no numbers is nan,
# silently too (NumPy warns "Mean of empty slice" / "invalid value encountered in divide").
@pytest.mark.parametrize(
    "reduce,shape",
    [
        (lambda e, e2: e.mean(), ()),
        (lambda e, e2: e2.mean(), ()),
        (lambda e, e2: e2.mean(0), (3,)),
        (lambda e, e2: e2.mean((0, 1)), ()),
        (lambda e, e2: e2.mean(0, keepdim=True), (1, 3)),
        (lambda e, e2: e.half().mean(), ()),
        (lambda e, e2: e2.double().mean(0), (3,)),
        (lambda e, e2: e.nanmean(), ()),
        (lambda e, e2: e2.nanmean(0), (3,)),
        (lambda e, e2: torch.tensor([math.nan]).nanmean(), ()),
        (lambda e, e2: torch.var_mean(e)[1], ()),
        (lambda e, e2: torch.std_mean(e2, 0)[1], (3,)),
    ],
)
def test_the_mean_of_nothing_is_nan_without_a_warning(reduce, shape):
    e, e2 = torch.tensor([]), torch.zeros(0, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = reduce(e, e2)
    assert out.shape == shape and np.isnan(out.numpy()).all()


def test_the_mean_of_empty_rows_is_empty_and_its_gradient_too():
    # PyTorch: torch.zeros(0, 3).mean(1) is tensor([]); the gradient of an empty mean is empty
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert torch.zeros(0, 3).mean(1).shape == (0,)
        x = torch.zeros(0, requires_grad=True)
        x.mean().backward()
    assert x.grad.shape == (0,)


def test_nanmean_skips_nans_and_keeps_pytorchs_values():
    # PyTorch: tensor([[nan, 1.], [nan, nan], [2., 4.]]).nanmean(1) is tensor([1., nan, 3.])
    x = torch.tensor([[math.nan, 1.0], [math.nan, math.nan], [2.0, 4.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = x.nanmean(1)
    np.testing.assert_array_equal(out.numpy(), [1.0, np.nan, 3.0])
    assert out.dtype == torch.float32
