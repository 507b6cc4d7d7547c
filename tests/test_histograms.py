"""``torch.histogram``, ``histc``, ``bincount``, ``searchsorted`` and ``bucketize``: PyTorch's
signatures, dtypes, edge cases and errors. Expected values are PyTorch 2.13's (CPU), worked
out by hand from its bin rules."""

import bisect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_scores as ts

X = [1.0, 2.0, 1.0, 4.0, 2.5]


def test_histogram_with_a_number_of_bins_a_range_weights_and_density():
    hist, edges = ts.histogram(ts.tensor(X), bins=4)
    assert hist.tolist() == [2.0, 1.0, 1.0, 1.0]  # 4.0, the last edge, is in the last bin
    assert edges.tolist() == [1.0, 1.75, 2.5, 3.25, 4.0]
    assert hist.dtype == edges.dtype == ts.float32
    result = ts.histogram(ts.tensor(X), bins=4, range=(0.0, 5.0), density=True)
    np.testing.assert_allclose(result.hist.numpy(), [0.32, 0.16, 0.16, 0.16], rtol=1e-6)
    assert result.bin_edges.tolist() == [0.0, 1.25, 2.5, 3.75, 5.0]
    weighted = ts.histogram(ts.tensor(X), bins=3, weight=ts.tensor([1.0, 2, 3, 4, 5]))
    assert weighted.hist.tolist() == [4.0, 7.0, 4.0]
    assert ts.tensor(X).histogram(2).hist.tolist() == [3.0, 2.0]  # the method
    doubles = ts.histogram(ts.tensor(X, dtype=ts.float64), bins=2)
    assert doubles.hist.dtype == doubles.bin_edges.dtype == ts.float64


def test_histogram_with_given_edges_counts_only_values_inside_them():
    hist, edges = ts.histogram(ts.tensor(X), bins=ts.tensor([0.0, 1.5, 3.0, 5.0]))
    assert hist.tolist() == [2.0, 2.0, 1.0] and edges.tolist() == [0.0, 1.5, 3.0, 5.0]
    inside = ts.histogram(ts.tensor([1.0, 2.0, 7.0]), bins=ts.tensor([0.0, 1.5, 3.0]))
    assert inside.hist.tolist() == [1.0, 1.0]
    density = ts.histogram(ts.tensor([1.0, 2.0]), bins=ts.tensor([0.0, 1.5, 3.0]), density=True)
    np.testing.assert_allclose(density.hist.numpy(), [1 / 3, 1 / 3], rtol=1e-6)
    # decreasing edges: PyTorch counts nothing, and says nothing
    assert ts.histogram(ts.tensor([1.0, 2.0]), bins=ts.tensor([3.0, 1.0])).hist.tolist() == [0.0]


def test_histogram_edge_cases():
    empty = ts.histogram(ts.tensor([], dtype=ts.float32), bins=3)
    assert empty.hist.tolist() == [0.0, 0.0, 0.0]
    np.testing.assert_allclose(empty.bin_edges.numpy(), [0, 1 / 3, 2 / 3, 1], rtol=1e-6)
    same = ts.histogram(ts.tensor([2.0, 2.0]), bins=2)  # equal ends widen by 0.5
    assert same.hist.tolist() == [0.0, 2.0] and same.bin_edges.tolist() == [1.5, 2.0, 2.5]


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda x: ts.histogram(x.long(), bins=3), NotImplementedError, "for 'Long'"),
        (lambda x: ts.histogram(x, bins=0), RuntimeError, "bins must be > 0, but got 0"),
        (
            lambda x: ts.histogram(x, bins=2, range=(3.0, 1.0)),
            RuntimeError,
            "min should not exceed max, but got min 3 max 1",
        ),
        (
            lambda x: ts.histogram(x, bins=ts.tensor([1.0])),
            RuntimeError,
            "bins must be > 0, but got 0",
        ),
        (
            lambda x: ts.histogram(x, bins=ts.tensor([[1.0, 3.0]])),
            RuntimeError,
            "bins tensor should have one dimension",
        ),
        (
            lambda x: ts.histogram(x, bins=ts.tensor([1, 3])),
            RuntimeError,
            "should have the same dtype",
        ),
        (
            lambda x: ts.histogram(x, bins=2, weight=ts.tensor([1.0])),
            RuntimeError,
            "weight tensor is provided it should have the same shape",
        ),
        (
            lambda x: ts.histogram(x, bins=2, weight=x.double()),
            RuntimeError,
            "input tensor and weight tensor should have the same dtype",
        ),
        (
            lambda x: ts.histogram(ts.tensor([1.0, float("nan")]), bins=2),
            RuntimeError,
            r"range \[nan, nan\] is not finite",
        ),
    ],
)
def test_histogram_errors_are_pytorchs(call, error, message):
    with pytest.raises(error, match=message):
        call(ts.tensor(X))


def test_histc_bins_by_interpolation_and_ignores_values_outside_its_range():
    assert ts.histc(ts.tensor(X), bins=4).tolist() == [2.0, 1.0, 1.0, 1.0]
    assert ts.histc(ts.tensor(X), bins=4, min=0, max=3).tolist() == [0.0, 2.0, 1.0, 1.0]
    assert ts.histc(ts.tensor([1.0, 2.0, 3.0]), bins=3, min=0, max=3).tolist() == [0, 1, 2]
    assert ts.histc(ts.tensor([2.0, 2.0]), bins=2).tolist() == [0.0, 2.0]  # range [1, 3]
    # min == max (not both zero): the data's range is used, as in PyTorch
    assert ts.histc(ts.tensor([1.0, 5.0]), bins=2, min=2, max=2).tolist() == [1.0, 1.0]
    assert ts.histc(ts.tensor([]), bins=2).tolist() == [0.0, 0.0]
    assert ts.histc(ts.tensor(X).reshape(5, 1), bins=2).tolist() == [3.0, 2.0]  # any shape
    assert ts.tensor(X).histc(3).tolist() == [2.0, 2.0, 1.0]
    assert ts.histc(ts.tensor(X, dtype=ts.float64), bins=2).dtype == ts.float64


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: ts.histc(ts.tensor([1, 2, 3]), bins=2), NotImplementedError, "for 'Long'"),
        (lambda: ts.histc(ts.tensor(X), bins=0), RuntimeError, "bins must be > 0"),
        (lambda: ts.histc(ts.tensor(X), 2, min=3, max=1), RuntimeError, "max must be larger"),
        (
            lambda: ts.histc(ts.tensor([1.0, float("inf")]), bins=2),
            RuntimeError,
            r"torch.histc: range of \[1, inf\] is not finite",
        ),
    ],
)
def test_histc_errors_are_pytorchs(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_bincount_counts_and_weights_with_pytorchs_dtypes():
    assert ts.bincount(ts.tensor([1, 1, 3])).tolist() == [0, 2, 0, 1]
    assert ts.bincount(ts.tensor([1, 1, 3])).dtype == ts.int64
    assert ts.bincount(ts.tensor([1, 1, 3]), minlength=6).tolist() == [0, 2, 0, 1, 0, 0]
    float_weights = ts.bincount(ts.tensor([1, 1, 3]), weights=ts.tensor([0.5, 1.0, 2.0]))
    assert float_weights.tolist() == [0.0, 1.5, 0.0, 2.0] and float_weights.dtype == ts.float32
    int_weights = ts.bincount(ts.tensor([1, 1, 3]), weights=ts.tensor([1, 2, 3]))
    assert int_weights.tolist() == [0.0, 3.0, 0.0, 3.0] and int_weights.dtype == ts.float64
    empty = ts.bincount(ts.tensor([], dtype=ts.int64))
    assert empty.tolist() == [] and empty.dtype == ts.int64
    assert ts.bincount(ts.tensor([], dtype=ts.int64), minlength=3).tolist() == [0, 0, 0]
    assert ts.bincount(ts.tensor([1, 2], dtype=ts.uint8)).tolist() == [0, 1, 1]
    assert ts.tensor([1, 1, 3]).bincount().tolist() == [0, 2, 0, 1]


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: ts.bincount(ts.tensor([-1, 1])), RuntimeError, "1-d non-negative integral"),
        (lambda: ts.bincount(ts.tensor([[1, 2]])), RuntimeError, "1-d non-negative integral"),
        (lambda: ts.bincount(ts.tensor([1.0, 2.0])), NotImplementedError, "for 'Float'"),
        (lambda: ts.bincount(ts.tensor([True, False])), NotImplementedError, "for 'Bool'"),
        (lambda: ts.bincount(ts.tensor([1, 2]), minlength=-1), RuntimeError, "minlength"),
        (
            lambda: ts.bincount(ts.tensor([1, 2]), weights=ts.tensor([1.0])),
            RuntimeError,
            "weights should be 1-d and have the same length as input",
        ),
    ],
)
def test_bincount_errors_are_pytorchs(call, error, message):
    with pytest.raises(error, match=message):
        call()


SEQ = [1, 3, 5, 7, 9]


def test_searchsorted_sides_shapes_scalars_and_sorter():
    s = ts.tensor(SEQ)
    assert ts.searchsorted(s, ts.tensor([3, 6, 9])).tolist() == [1, 3, 4]
    assert ts.searchsorted(s, ts.tensor([3, 6, 9]), right=True).tolist() == [2, 3, 5]
    assert ts.searchsorted(s, ts.tensor([3, 6, 9]), side="right").tolist() == [2, 3, 5]
    scalar = ts.searchsorted(s, 6.5)
    assert scalar.ndim == 0 and scalar.item() == 3
    assert ts.searchsorted(s, ts.tensor([[3, 6], [9, 0]])).tolist() == [[1, 3], [4, 0]]
    rows = ts.tensor([[1, 3, 5], [2, 4, 6]])
    assert ts.searchsorted(rows, ts.tensor([[3, 6, 9], [3, 6, 9]])).tolist() == [
        [1, 3, 3],
        [1, 2, 3],
    ]
    assert ts.searchsorted(s, ts.tensor([3, 6]), out_int32=True).dtype == ts.int32
    unsorted = ts.tensor([5, 1, 3])
    assert ts.searchsorted(unsorted, ts.tensor([3, 6]), sorter=ts.tensor([1, 2, 0])).tolist() == [
        1,
        3,
    ]
    assert ts.searchsorted(s.float(), ts.tensor([3, 6])).tolist() == [1, 3]  # mixed dtypes
    assert ts.searchsorted(ts.tensor([], dtype=ts.int64), ts.tensor([3])).tolist() == [0]
    # PyTorch's bisection: `not (mid >= v)` moves right past a NaN boundary
    nan_seq = ts.tensor([1.0, float("nan")])
    assert ts.searchsorted(nan_seq, ts.tensor([float("nan"), 2.0])).tolist() == [2, 2]
    out = ts.empty(2, dtype=ts.int64)
    assert ts.searchsorted(ts.tensor([1, 3, 5]), ts.tensor([2, 4]), out=out) is out
    assert out.tolist() == [1, 2]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"side": "left", "right": True}, "side and right can't be set to opposites"),
        ({"side": "middle"}, "side can only be 'left' or 'right' but got middle"),
    ],
)
def test_searchsorted_side_errors(kwargs, message):
    with pytest.raises(RuntimeError, match=message):
        ts.searchsorted(ts.tensor(SEQ), ts.tensor([3]), **kwargs)


def test_searchsorted_shape_errors():
    rows = ts.tensor([[1, 3, 5], [2, 4, 6]])
    with pytest.raises(RuntimeError, match=r"boundaries tensor \[2, 3\] and input value tensor"):
        ts.searchsorted(rows, ts.tensor([3, 4]))
    with pytest.raises(RuntimeError, match="should have positive dimension, but got 0"):
        ts.searchsorted(ts.tensor(3), ts.tensor([3]))
    with pytest.raises(RuntimeError, match="boundary and sorter must have the same size"):
        ts.searchsorted(ts.tensor([5, 1, 3]), ts.tensor([3]), sorter=ts.tensor([1, 2]))


def test_bucketize():
    values = ts.tensor([[3, 6, 9], [3, 6, 9]])
    assert ts.bucketize(values, ts.tensor(SEQ)).tolist() == [[1, 3, 4], [1, 3, 4]]
    assert ts.bucketize(values, ts.tensor(SEQ), right=True).tolist() == [[2, 3, 5], [2, 3, 5]]
    scalar = ts.bucketize(ts.tensor(4.0), ts.tensor(SEQ), out_int32=True)
    assert scalar.ndim == 0 and scalar.item() == 2 and scalar.dtype == ts.int32
    with pytest.raises(
        RuntimeError, match=r"boundaries tensor must be 1 dimension, but got dim\(2\)"
    ):
        ts.bucketize(ts.tensor([3]), ts.tensor([[1, 2]]))
    assert not hasattr(ts.Tensor, "bucketize")  # as in PyTorch: a function only


@settings(deadline=None, max_examples=60)
@given(
    st.lists(st.integers(-20, 20), min_size=0, max_size=12),
    st.lists(st.integers(-25, 25), min_size=0, max_size=8),
)
def test_searchsorted_agrees_with_bisect(sequence, values):
    sequence = sorted(sequence)
    s, v = ts.tensor(sequence, dtype=ts.int64), ts.tensor(values, dtype=ts.int64)
    assert ts.searchsorted(s, v).tolist() == [bisect.bisect_left(sequence, x) for x in values]
    assert ts.searchsorted(s, v, right=True).tolist() == [
        bisect.bisect_right(sequence, x) for x in values
    ]


@settings(deadline=None, max_examples=60)
@given(st.lists(st.floats(-10, 10, width=32), min_size=1, max_size=30), st.integers(1, 6))
def test_histogram_counts_each_value_in_the_bin_its_edges_give(values, bins):
    hist, edges = ts.histogram(ts.tensor(values), bins=bins)
    e = edges.tolist()
    expected = [0.0] * bins
    for x in np.float32(values):
        if e[0] <= x <= e[-1]:
            i = min(bisect.bisect_right(e, x) - 1, bins - 1)
            expected[i] += 1
    assert hist.tolist() == expected and sum(expected) == len(values)
