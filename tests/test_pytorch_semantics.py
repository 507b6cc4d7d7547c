"""PyTorch's behaviour where it is easy to get wrong: expand, 0-d and empty tensors,
reductions over dim=(), pow at 0, ignore_index, advanced indexing, views into kernels,
dtype promotion. Expected values are PyTorch's documented results, worked by hand."""

import math

import numpy as np
import pytest

import tinygrad_scores as ts
import tinygrad_scores.nn.functional as F

# ----------------------------------------------------------------------------- expand


def test_expand_to_more_dims():
    x = ts.tensor([1.0, 2.0, 3.0])
    assert x.expand(2, 3).shape == (2, 3)
    assert ts.tensor(1.0).expand(2).shape == (2,)
    assert ts.tensor([[1.0], [2.0]]).expand(-1, 4).shape == (2, 4)
    assert x.expand_as(ts.zeros(4, 3)).shape == (4, 3)


def test_expand_gradient_sums_over_new_dims():
    x = ts.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x.expand(2, 3) * ts.tensor([[1.0], [10.0]])).sum().backward()
    np.testing.assert_array_equal(x.grad.array, [11.0, 11.0, 11.0])


# ----------------------------------------------------------------------------- 0-d tensors


def test_max_with_dim_of_a_0d_tensor():
    x = ts.tensor(3.0, requires_grad=True)
    values, indices = x.max(dim=0)
    assert values.item() == 3.0 and indices.item() == 0 and values.shape == ()
    values.backward()
    assert x.grad.item() == 1.0


def test_transpose_0d():
    assert ts.tensor(2.0).transpose(0, 0).item() == 2.0


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_softmax_of_0d_nan_or_inf_is_nan(fn, value):
    out = getattr(F, fn)(ts.tensor(value), dim=0)
    assert out.shape == () and math.isnan(out.item())


def test_softmax_of_0d_finite():
    assert F.softmax(ts.tensor(5.0), dim=0).item() == 1.0
    assert F.log_softmax(ts.tensor(5.0), dim=-1).item() == 0.0


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_dim_out_of_range_is_index_error(fn):
    with pytest.raises(IndexError, match="Dimension out of range"):
        getattr(F, fn)(ts.tensor(1.0), dim=1)
    with pytest.raises(IndexError, match="Dimension out of range"):
        getattr(F, fn)(ts.ones(2, 3), dim=2)


# ----------------------------------------------------------------------------- dim=()


def test_sum_and_mean_over_empty_dim_tuple_reduce_everything():
    x = ts.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert x.sum(dim=()).item() == 10.0
    m = x.mean(dim=())
    assert m.item() == 2.5
    m.backward()
    np.testing.assert_array_equal(x.grad.array, np.full((2, 2), 0.25))


# ----------------------------------------------------------------------------- pow at 0


def test_pow_zero_exponent_has_zero_gradient_at_zero():
    x = ts.tensor([0.0, 2.0], requires_grad=True)
    (x**0).sum().backward()
    np.testing.assert_array_equal(x.grad.array, [0.0, 0.0])


def test_pow_gradient_wrt_exponent_at_zero_base():
    a = ts.tensor([0.0, 0.0, 2.0])
    b = ts.tensor([2.0, 0.0, 3.0], requires_grad=True)
    (a**b).sum().backward()
    np.testing.assert_allclose(b.grad.array, [0.0, 0.0, 8 * math.log(2)], rtol=1e-6)


def test_pow_base_gradient_at_zero_for_positive_exponent():
    x = ts.tensor([0.0], requires_grad=True)
    (x**2).sum().backward()
    assert x.grad.item() == 0.0


# ----------------------------------------------------------------------------- empty tensors


def test_softmax_along_a_size_zero_dim():
    x = ts.zeros(2, 0, requires_grad=True)
    out = F.softmax(x, dim=1)
    assert out.shape == (2, 0)
    out.sum().backward()
    assert x.grad.shape == (2, 0)
    assert F.log_softmax(ts.zeros(0, 3), dim=1).shape == (0, 3)


def test_linear_with_no_input_features_returns_the_bias():
    x = ts.zeros(4, 0)
    w = ts.zeros(3, 0, requires_grad=True)
    b = ts.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = F.linear(x, w, b)
    np.testing.assert_array_equal(out.array, np.tile([1.0, 2.0, 3.0], (4, 1)))
    out.sum().backward()
    np.testing.assert_array_equal(b.grad.array, [4.0, 4.0, 4.0])
    assert w.grad.shape == (3, 0)


def test_linear_takes_a_bias_of_shape_out_features_or_0d():
    # PyTorch's F.linear: "Bias: (out) or ()"; a 0-d bias is added to every output and
    # its gradient is the sum of every upstream gradient
    x = ts.tensor([[1.0, 2.0], [3.0, 4.0]])
    w = ts.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], requires_grad=True)
    b = ts.tensor(0.5, requires_grad=True)
    out = F.linear(x, w, b)
    np.testing.assert_array_equal(out.array, [[1.5, 2.5, 3.5], [3.5, 4.5, 7.5]])
    out.sum().backward()
    assert b.grad.shape == () and b.grad.item() == 6.0


def test_linear_on_an_empty_batch_gives_a_zero_bias_gradient():
    x = ts.zeros(0, 2)
    w = ts.ones(3, 2, requires_grad=True)
    b = ts.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = F.linear(x, w, b)
    assert out.shape == (0, 3)
    out.sum().backward()
    np.testing.assert_array_equal(b.grad.array, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(w.grad.array, np.zeros((3, 2)))


def test_flatten_of_an_empty_tensor():
    x = ts.zeros(0, 2, 3)
    assert x.flatten().shape == (0,)
    assert x.flatten(1).shape == (0, 6)


def test_max_along_a_dim_of_an_empty_tensor():
    values, indices = ts.zeros(0, 3).max(dim=1)
    assert values.shape == (0,) and indices.shape == (0,)
    with pytest.raises(
        IndexError, match="max\\(\\): Expected reduction dim 0 to have non-zero size"
    ):
        ts.zeros(0, 3).max(dim=0)


def test_mse_loss_of_empty_tensors():
    a = ts.zeros(0, requires_grad=True)
    loss = F.mse_loss(a, ts.zeros(0))
    assert math.isnan(loss.item())
    loss.backward()
    assert a.grad.shape == (0,)


# ----------------------------------------------------------------------------- ignore_index


def test_nll_loss_ignores_rows_with_ignore_index():
    logp = ts.tensor([[-1.0, -2.0], [-3.0, -4.0], [-5.0, -6.0]], requires_grad=True)
    target = ts.tensor([0, 1, 1])
    loss = F.nll_loss(logp, target, ignore_index=1)
    assert loss.item() == 1.0  # only row 0 counts
    loss.backward()
    np.testing.assert_array_equal(logp.grad.array, [[-1.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    assert math.isnan(F.nll_loss(logp, ts.tensor([1, 1, 1]), ignore_index=1).item())


# ----------------------------------------------------------------------------- indexing


def test_advanced_indexing_places_dims_as_pytorch():
    x = ts.zeros(3, 3, 2)
    assert x[0, 1:, [0, 1, 1]].shape == (2, 3)
    y = ts.arange(18.0).reshape(3, 3, 2)
    np.testing.assert_array_equal(y[0, 1:, [0, 1, 1]].array, [[2.0, 3.0, 3.0], [4.0, 5.0, 5.0]])


def test_advanced_indexing_gradient_accumulates_repeats():
    y = ts.arange(18.0).reshape(3, 3, 2).requires_grad_()
    y[0, 1:, [0, 1, 1]].sum().backward()
    expected = np.zeros((3, 3, 2))
    expected[0, 1:, 0] = 1
    expected[0, 1:, 1] = 2
    np.testing.assert_array_equal(y.grad.array, expected)


# ----------------------------------------------------------------------------- views


def test_read_only_and_broadcast_weights_work_in_linear():
    x = ts.ones(2, 3)
    frozen = np.ones((4, 3), np.float32)
    frozen.flags.writeable = False
    out = F.linear(x, ts.from_numpy(frozen))
    np.testing.assert_array_equal(out.array, np.full((2, 4), 3.0))
    w = ts.tensor([1.0, 2.0, 3.0]).expand(4, 3)
    np.testing.assert_array_equal(F.linear(x, w).array, np.full((2, 4), 6.0))
    np.testing.assert_array_equal((x @ w.t()).array, np.full((2, 4), 6.0))


def test_transposed_and_sliced_inputs_reach_kernels():
    x = ts.tensor(np.arange(12.0, dtype=np.float32).reshape(3, 4)).t()  # non-contiguous
    np.testing.assert_allclose(F.softmax(x, dim=1).array.sum(1), np.ones(4), rtol=1e-6)
    np.testing.assert_allclose(x.relu().array, np.arange(12.0).reshape(3, 4).T)


# ----------------------------------------------------------------------------- promotion


def test_int_tensor_plus_python_float_is_default_float():
    assert (ts.tensor([1, 2]) + 1.5).dtype == ts.float32
    assert (ts.tensor([1, 2]) * 2).dtype == ts.int64


def test_int64_times_float32_is_float32():
    assert (ts.tensor([1, 2]) * ts.tensor([1.0, 2.0])).dtype == ts.float32


def test_zero_dim_tensor_does_not_promote_a_dimensioned_one_of_the_same_kind():
    out = ts.ones(3) + ts.tensor(1.0, dtype=ts.float64)
    assert out.dtype == ts.float32
    # ... but a higher category does promote: int tensor + 0-d float64 -> float64
    assert (ts.tensor([1, 2]) + ts.tensor(1.0, dtype=ts.float64)).dtype == ts.float64


def test_true_division_of_ints_is_float():
    out = ts.tensor([1, 2]) / ts.tensor([2, 4])
    assert out.dtype == ts.float32
    np.testing.assert_array_equal(out.array, [0.5, 0.5])
    assert (ts.tensor([3]) / 2).dtype == ts.float32


def test_float64_tensor_with_float32_tensor_is_float64_and_grads_keep_their_dtype():
    a = ts.tensor([1.0, 2.0], requires_grad=True)  # float32
    b = ts.tensor([3.0, 4.0], dtype=ts.float64, requires_grad=True)
    out = a * b
    assert out.dtype == ts.float64
    out.sum().backward()
    assert a.grad.dtype == ts.float32 and b.grad.dtype == ts.float64


def test_legacy_constructor_and_dtype_names():
    assert ts.Tensor([1, 2]).dtype == ts.float32
    assert ts.tensor([1, 2]).dtype == ts.int64
    assert ts.Tensor(2, 3).shape == (2, 3)
    assert str(ts.ones(1).dtype) == "tinygrad_scores.float32"
    assert repr(ts.int64) == "tinygrad_scores.int64"
    assert ts.float32 == np.float32 and ts.float == ts.float32 and ts.double == ts.float64


def test_bool_scalar_and_int_scalar_rules():
    assert (ts.tensor([True, False]) + 1).dtype == ts.int64
    assert (ts.tensor([1, 2], dtype=ts.int32) + 5).dtype == ts.int32
    assert (ts.tensor([1.0], dtype=ts.float64) + 1.5).dtype == ts.float64


def test_comparisons_use_pytorchs_promotion():
    # int64 against a 0-d float32: compared in float32, where 16777217 rounds to 16777216
    assert (ts.tensor([16777217]) == ts.tensor(16777216.0)).tolist() == [True]
    # a Python int wraps into a uint8 tensor's range (-1 is 255)
    assert (ts.tensor([1, 2], dtype=ts.uint8) < -1).tolist() == [True, True]
    assert (ts.tensor([1, 2]) >= 1.5).tolist() == [False, True]


def test_flip_returns_a_new_contiguous_tensor_as_pytorch():
    """PyTorch's flip copies: the result views as any shape, and writing to it leaves the
    source alone (the seq2seq tutorial's ``target.flip(1).view(-1)``)."""
    src = ts.arange(6.0).reshape(2, 3)
    flipped = src.flip(1)
    assert flipped.is_contiguous()
    assert flipped.view(-1).tolist() == [2.0, 1.0, 0.0, 5.0, 4.0, 3.0]
    flipped[0, 0] = 100.0
    assert src[0, 2].item() == 2.0
