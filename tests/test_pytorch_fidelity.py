"""Differences from PyTorch 2.13 a reviewer found (dtype promotion, error types and
messages, warnings), each stated as PyTorch behaves (checked against it by hand; expected
values written out here)."""

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
