"""torch.testing.assert_close: PyTorch's default tolerances (float32 rtol 1.3e-6 / atol 1e-5,
float64 1e-7 / 1e-7, exact for integers) and its failure messages, written from its docs."""

import re

import pytest

import tinygrad_scores as torch
from tinygrad_scores.testing import assert_close


def fails(match, *args, **kwargs):
    with pytest.raises(AssertionError, match=match):
        assert_close(*args, **kwargs)


def test_close_values_pass_and_default_tolerances_follow_the_dtype():
    assert_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0 + 1e-6]))  # within float32's
    fails(
        "not close",
        torch.tensor([1.0, 2.0], dtype=torch.float64),
        torch.tensor([1.0, 2.0 + 1e-6], dtype=torch.float64),
    )
    assert_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1]), rtol=0.1, atol=0.0)
    assert_close([torch.ones(2), 3], [torch.ones(2), 3])
    assert_close({"a": torch.ones(2), "b": 1.5}, {"a": torch.ones(2), "b": 1.5})
    assert_close(
        torch.tensor([1.0, float("nan")]), torch.tensor([1.0, float("nan")]), equal_nan=True
    )
    assert_close(
        torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0], dtype=torch.float64), check_dtype=False
    )


def test_a_mismatch_reports_counts_and_greatest_differences():
    message = (
        "Tensor-likes are not close!\n\nMismatched elements: 1 / 2 (50.0%)\n"
        "Greatest absolute difference: 0.09999990463256836 at index (1,) (up to 1e-05 allowed)\n"
        "Greatest relative difference: 0.04761900380253792 at index (1,) (up to 1.3e-06 allowed)"
    )
    fails(re.escape(message), torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.1]))
    message = (
        "Tensor-likes are not equal!\n\nMismatched elements: 1 / 4 (25.0%)\n"
        "Greatest absolute difference: 1 at index (1, 1)\n"
        "Greatest relative difference: 0.20000000298023224 at index (1, 1)"
    )
    fails(re.escape(message), torch.tensor([[1, 2], [3, 4]]), torch.tensor([[1, 2], [3, 5]]))
    fails(
        r"Greatest absolute difference: nan at index \(1,\)",
        torch.tensor([1.0, float("nan")]),
        torch.tensor([1.0, float("nan")]),
    )
    fails(
        re.escape("\n\nThe failure occurred for item ['a']"),
        {"a": torch.ones(2)},
        {"a": torch.zeros(2)},
    )


def test_scalars_and_one_element_tensors_are_reported_as_scalars():
    message = (
        "Scalars are not close!\n\nExpected 1.1 but got 1.0.\n"
        "Absolute difference: 0.10000000000000009 (up to 1e-07 allowed)\n"
        "Relative difference: 0.09090909090909098 (up to 1e-07 allowed)"
    )
    fails(re.escape(message), 1.0, 1.1)
    fails(
        r"Scalars are not close!\n\nExpected 2.5 but got 2.0.\n"
        r"Absolute difference: 0.5 \(up to 1e-05",
        torch.tensor(2.0),
        torch.tensor(2.5),
    )
    fails(re.escape("The (d)types do not match: <class 'int'> != <class 'float'>."), 1, 1.0)


def test_shape_dtype_and_argument_errors():
    fails(
        r"The values for attribute 'shape' do not match: .*Size\(\[2\]\) != .*Size\(\[3\]\)\.",
        torch.ones(2),
        torch.ones(3),
    )
    fails(
        r"The values for attribute 'dtype' do not match: .*float32 != .*float64\.",
        torch.ones(2),
        torch.ones(2, dtype=torch.float64),
    )
    with pytest.raises(
        ValueError,
        match="Both 'rtol' and 'atol' must be either specified or omitted, but got no atol.",
    ):
        assert_close(torch.ones(1), torch.ones(1), rtol=0.1)
    with pytest.raises(TypeError, match="No comparison pair was able to handle inputs of type"):
        assert_close(torch.ones(1), [1.0])
    fails("^custom$", torch.tensor([1.0]), torch.tensor([1.1]), msg="custom")
    assert torch.testing.assert_close is assert_close
