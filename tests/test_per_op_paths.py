"""The short paths taken to cut per-op overhead (issue 24) give what the long ones gave:
the same values and dtypes, the same bits where the result is fixed by a formula, and
PyTorch's errors. Expected values are written by hand or from PyTorch's documentation."""

import warnings

import numpy as np
import pytest

import tinygrad_scores as ts
import tinygrad_scores.nn.functional as F


def leaf(values, dtype=np.float32):
    return ts.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_sigmoid_is_one_over_one_plus_exp_minus_x_in_the_input_dtype(dtype):
    x = np.array([-1000.0, -100.0, -3.0, 0.0, 0.5, 3.0, 100.0, np.inf, -np.inf, np.nan], dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # exp(1000) overflows to inf: 1 / inf is the 0 wanted
        out = ts.tensor(x).sigmoid().array
    assert out.dtype == dtype
    with np.errstate(over="ignore"):
        expected = (1 / (1 + np.exp(-x.astype(np.float64)))).astype(dtype)
    info = np.finfo(dtype)  # (below the smallest normal number: 0, as PyTorch's float32)
    np.testing.assert_allclose(out, expected, rtol=float(info.eps) * 2, atol=float(info.tiny))
    assert out[0] == 0.0 and out[3] == 0.5 and out[7] == 1.0 and out[8] == 0.0
    if dtype == np.float32:
        assert out[1] == 0.0  # PyTorch: sigmoid(-100.) is 0. in float32
    assert np.isnan(out[9])


def test_float16_sigmoid_keeps_its_small_values():
    x = ts.tensor(np.array([-12.0, -15.0], np.float16)).sigmoid().array
    assert x.dtype == np.float16
    # PyTorch: [6.139278411865234e-06, 2.980232238769531e-07] (float16 subnormals)
    np.testing.assert_allclose(x, [6.139278411865234e-06, 2.980232238769531e-07], rtol=0.05)


def test_sigmoid_of_a_0d_tensor_and_its_gradient():
    x = leaf(0.0)
    y = x.sigmoid()
    assert y.shape == () and y.item() == 0.5
    y.backward()
    assert x.grad.item() == 0.25  # sigmoid(0) * (1 - sigmoid(0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [1, 7, 128, 1000, 4097])
def test_mean_of_every_element_has_ndarray_means_bits(dtype, n):
    rng = np.random.default_rng(n)
    a = (rng.standard_normal(n) * 10.0 ** rng.uniform(-5, 5, n)).astype(dtype)
    out = ts.tensor(a).mean().array
    assert out.dtype == dtype and out.shape == ()
    assert out.tobytes() == np.asarray(a.mean(), dtype).tobytes()


def test_mean_of_inf_and_minus_inf_is_nan_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(ts.tensor([np.inf, -np.inf]).mean().item())
        assert ts.tensor([[np.inf], [1.0]]).mean(1).tolist() == [np.inf, 1.0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_amax_with_dim_splits_each_rows_gradient_between_its_ties(dtype):
    x = leaf([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]], dtype)
    x.amax(1).sum().backward()
    assert x.grad.dtype == ts.float32 if dtype == np.float32 else ts.float64
    assert x.grad.tolist() == [[0.0, 0.5, 0.5], [0.5, 0.0, 0.5]]
    y = leaf([[1.0, 1.0, 1.0]], dtype)
    y.amin().backward(ts.tensor(np.asarray(3.0, dtype)))
    assert y.grad.tolist() == [[1.0, 1.0, 1.0]]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4)])
def test_amax_over_the_last_dim_takes_a_nan_and_keeps_shape_and_dtype(dtype, shape):
    x = np.arange(np.prod(shape), dtype=dtype).reshape(shape) % 7
    x[(0,) * (len(shape) - 1) + (1,)] = np.nan  # the first row has a NaN: it wins (PyTorch)
    for dim, keepdim in [(-1, False), (len(shape) - 1, True)]:
        out = ts.tensor(x).amax(dim, keepdim=keepdim).array
        expected = np.max(x, axis=-1, keepdims=keepdim)  # NaN where the row has one
        assert out.dtype == dtype and out.shape == expected.shape
        np.testing.assert_array_equal(out, expected)
    if len(shape) > 1:  # a transposed view (not C-contiguous) gives the same values
        np.testing.assert_array_equal(ts.tensor(x).mT.amax(-2).array, np.max(x, axis=-1))
    with pytest.raises(
        IndexError, match=r"amax\(\): Expected reduction dim \d to have non-zero size"
    ):
        ts.tensor(np.zeros(shape[:-1] + (0,), dtype)).amax(-1)


def test_pow_gradient_for_a_number_exponent_and_for_zero():
    x = leaf([0.0, 1.0, 2.0])
    (x**2).sum().backward()
    assert x.grad.tolist() == [0.0, 2.0, 4.0] and x.grad.dtype == ts.float32
    x.grad = None
    (x**0).sum().backward()  # x ** 0 is constant: 0, not 0 * 0 ** -1 = NaN
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    x.grad = None
    (x ** ts.tensor([0.0, 1.0, 2.0])).sum().backward()  # a tensor exponent, 0 at x = 0
    assert x.grad.tolist() == [0.0, 1.0, 4.0]


def test_log_of_zero_and_of_a_negative_number_without_warnings():
    x = leaf([0.0, -1.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = x.log()
        y.backward(ts.ones(3))
    assert y.tolist()[0] == -np.inf and np.isnan(y.tolist()[1]) and y.tolist()[2] == 0.0
    assert x.grad.tolist()[0] == np.inf and x.grad.tolist()[1:] == [-1.0, 1.0]


def test_division_keeps_one_float_dtype_and_promotes_integers_to_the_default_float():
    a = ts.tensor([1.0, 2.0], dtype=ts.float64)
    assert (a / ts.tensor([2.0, 4.0], dtype=ts.float64)).dtype == ts.float64
    q = ts.tensor([1, 2]) / ts.tensor([2, 4])
    assert q.dtype == ts.float32 and q.tolist() == [0.5, 0.5]
    assert (ts.tensor([1.0]) / ts.tensor([2.0], dtype=ts.float64)).dtype == ts.float64


def test_subtracting_bool_tensors_is_refused():
    with pytest.raises(RuntimeError, match="two bool tensors"):
        ts.tensor([True]) - ts.tensor([True])
    with pytest.raises(RuntimeError, match="with a bool tensor"):
        ts.tensor([True]) - 1


@pytest.mark.parametrize(
    "shape,message",
    [
        ((-1, -1), "only one dimension can be inferred"),
        ((-2, 3), r"^invalid shape dimension -2 at index 0 of shape \[-2, 3\]$"),
        ((4, -1), r"shape '\[4, -1\]' is invalid for input of size 6"),
        ((5,), r"shape '\[5\]' is invalid for input of size 6"),
        ((0, -1), r"shape '\[0, -1\]' is invalid for input of size 6"),
    ],
)
def test_reshape_and_view_refuse_a_shape_that_does_not_fit(shape, message):
    a = ts.zeros(2, 3)
    with pytest.raises(RuntimeError, match=message):
        a.reshape(shape)
    with pytest.raises(RuntimeError, match=message):
        a.view(*shape)


def test_reshape_and_view_fill_in_the_minus_one():
    a = ts.arange(6.0)
    assert a.reshape(-1, 3).shape == (2, 3) and a.view(3, -1).shape == (3, 2)
    assert a.reshape(2, 1, -1).shape == (2, 1, 3) and a.reshape([-1]).shape == (6,)
    assert ts.zeros(0, 3).reshape(-1, 3).shape == (0, 3)


def test_view_of_a_transposed_tensor_is_refused_and_of_a_contiguous_one_shares_storage():
    a = ts.arange(6.0).reshape(2, 3)
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        a.t().view(6)
    v = a.view(3, 2)
    v[0, 0] = 7.0
    assert a[0, 0].item() == 7.0


def test_cat_promotes_skips_1d_empties_and_refuses_mismatched_shapes():
    a = ts.zeros(2, 3)
    out = ts.cat([ts.zeros(0), a.int(), a.double()])
    assert out.dtype == ts.float64 and out.shape == (4, 3)
    with pytest.raises(RuntimeError, match="Expected size 3 but got size 4 for tensor number 1"):
        ts.cat([a, ts.zeros(2, 4)])
    with pytest.raises(RuntimeError, match="same number of dimensions: got 2 and 1"):
        ts.cat([a, ts.zeros(3)])
    with pytest.raises(IndexError, match=r"range of \[-2, 1\], but got 2"):
        ts.cat([a, a], dim=2)
    with pytest.raises(RuntimeError, match="zero-dimensional tensor"):
        ts.cat([ts.tensor(1.0)])


def test_cat_hands_each_input_its_slice_of_the_gradient():
    a, b, e = leaf([[1.0, 2.0]]), leaf([[3.0, 4.0], [5.0, 6.0]]), leaf([])
    out = ts.cat([a, e, b])
    out.backward(ts.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    assert a.grad.tolist() == [[1.0, 2.0]] and b.grad.tolist() == [[3.0, 4.0], [5.0, 6.0]]
    assert e.grad.tolist() == []


def test_linear_on_a_batch_of_matrices_gives_gradients_of_the_inputs_shapes():
    x = leaf(np.ones((2, 3, 4)))
    w = leaf(np.full((5, 4), 2.0))
    b = leaf(np.zeros(5))
    F.linear(x, w, b).sum().backward()
    assert x.grad.shape == (2, 3, 4) and x.grad.array[0, 0].tolist() == [10.0] * 4
    assert w.grad.tolist() == [[6.0] * 4] * 5 and b.grad.tolist() == [6.0] * 5


def test_an_in_place_change_to_a_saved_input_or_output_is_still_caught():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    c = a * 1.0
    y = c * b  # saves c and b themselves
    c.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    z = (a * 1.0).exp()  # saves its own output
    z.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_wrap_makes_a_0d_array_of_a_numpy_scalar():
    t = ts.Tensor.wrap(np.float32(1.5))
    assert isinstance(t.array, np.ndarray) and t.shape == () and t.item() == 1.5
    p = ts.nn.Parameter(ts.zeros(2))
    assert type(p.wrap(np.zeros(2))) is ts.Tensor  # the plain Tensor, as before


def test_shapes_take_ints_numpy_ints_and_0d_tensors_and_refuse_floats_and_bools():
    x = ts.ones(2, 3)
    for shape in [
        (3, 2),
        ((3, 2),),
        ([3, 2],),
        (x.t().shape,),
        (np.int64(3), 2),
        (ts.tensor(3), -1),
    ]:
        assert x.reshape(*shape).shape == (3, 2) and x.view(*shape).shape == (3, 2)
    assert ts.zeros(np.int32(2), 3).shape == (2, 3)
    # PyTorch: TypeError ("must be tuple of ints"), where int() would take 2.5 as 2
    for bad in [(2.5, 2), (True, 6), ("6",), (None,)]:
        with pytest.raises(TypeError, match="sequence of integers"):
            x.reshape(*bad)
    with pytest.raises(TypeError, match="sequence of integers"):
        ts.zeros(2.0)


def test_t_reverses_up_to_two_dims_and_refuses_more():
    x = ts.tensor(np.arange(6.0).reshape(2, 3))
    assert x.t().tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
    assert ts.ones(3).t().shape == (3,) and ts.ones(()).t().shape == ()
    with pytest.raises(RuntimeError, match="expects a tensor with <= 2 dimensions"):
        ts.ones(2, 2, 2).t()


@pytest.mark.parametrize("requires_grad", [False, True])
def test_cat_refuses_what_pytorch_refuses_before_joining(requires_grad):
    a, b = leaf(np.ones((2, 3))), ts.ones(4, 3)
    a.requires_grad_(requires_grad)
    cases = [
        (([a, b], 2), IndexError, r"Dimension out of range \(expected to be in range of \[-2, 1\]"),
        (([a, b], -3), IndexError, "but got -3"),
        (([a, ts.ones(3)], 0), RuntimeError, "same number of dimensions: got 2 and 1"),
        (
            ([a, ts.ones(2, 4)], 0),
            RuntimeError,
            "Expected size 3 but got size 4 for tensor number 1",
        ),
        (([ts.ones(())], 0), RuntimeError, "zero-dimensional tensor"),
    ]
    for (tensors, dim), error, message in cases:
        with pytest.raises(error, match=message):
            ts.cat(tensors, dim)


def test_cat_joins_along_a_negative_dim_and_skips_1d_empties_with_their_gradients():
    a, b, empty = leaf(np.ones((2, 3))), leaf(np.zeros((2, 1))), leaf(np.zeros(0))
    y = ts.cat([a, empty, b], -1)
    assert y.shape == (2, 4) and y.tolist() == [[1.0, 1.0, 1.0, 0.0]] * 2
    (y * ts.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert a.grad.tolist() == [[1.0, 2.0, 3.0]] * 2 and b.grad.tolist() == [[4.0]] * 2
    assert empty.grad.shape == (0,)
    assert ts.cat([a, b.double()], 1).dtype == ts.float64  # promoted, as PyTorch
