"""Counting and binning with PyTorch's signatures: ``histogram``, ``histc``, ``bincount``,
``searchsorted`` and ``bucketize``. None of them is differentiable (PyTorch's are not).

Bins are found as PyTorch finds them, in the input's dtype: ``histc`` by linear
interpolation, ``(x - min) * bins / (max - min)`` truncated; ``histogram`` against its
bin edges (``linspace`` of the range, computed as PyTorch computes it). A value equal to
the last edge falls in the last bin; values outside the range are not counted.

This module sits below ``tensor.py`` (Tensor's methods call it), so it makes its results
with ``input.wrap`` and takes tensors by their ``.array``.
"""

import math
import numbers

import numpy as np

from . import dtypes, return_types


def _type_name(array):
    return dtypes.type_name(array.dtype)


def _check_bins(bins):
    if isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    return int(bins)


def _linspace(lo, hi, steps, dtype):
    """PyTorch's CPU linspace: the first half counted up from ``lo``, the rest down from
    ``hi``, so both ends are exact."""
    lo, hi = dtype.type(lo), dtype.type(hi)
    step = (hi - lo) / dtype.type(steps - 1)
    i = np.arange(steps)
    half = steps // 2
    return np.where(
        i < half, lo + step * i.astype(dtype), hi - step * (steps - 1 - i).astype(dtype)
    )


def _counts(positions, weights, n, dtype):
    if weights is None:
        return np.bincount(positions, minlength=n).astype(dtype)
    return np.bincount(positions, weights, minlength=n).astype(dtype)


def histc(input, bins=100, min=0, max=0):  # noqa: A002  (PyTorch's names)
    """Counts of ``input``'s values in ``bins`` equal bins over [min, max]; when min equals
    max the data's own minimum and maximum are used (and widened by 1 if those are equal)."""
    x = input.array
    dtypes.float_only(x, "histogram_cpu")
    bins = _check_bins(bins)
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if lo == hi and x.size:
        lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo:g}, {hi:g}] is not finite")
    values = x.ravel()
    values = values[(values >= lo) & (values <= hi)]
    lo_t, hi_t = x.dtype.type(lo), x.dtype.type(hi)
    positions = ((values - lo_t) * x.dtype.type(bins) / (hi_t - lo_t)).astype(np.int64)
    return input.wrap(_counts(np.minimum(positions, bins - 1), None, bins, x.dtype))


def histogram(input, bins, *, range=None, weight=None, density=False):  # noqa: A002
    """``(hist, bin_edges)``: ``bins`` equal bins over ``range`` (the data's minimum and
    maximum by default), or the given 1-D tensor of increasing edges. ``weight`` gives
    each value's weight; ``density`` divides by the total and the bin widths."""
    x = input.array
    dtypes.float_only(x, "histogramdd")
    if hasattr(bins, "array"):
        if range is not None:
            raise TypeError("histogram(): range= cannot be given with a tensor of bin edges")
        edges = bins.array
        if edges.ndim != 1:
            raise RuntimeError(
                "torch.histogramdd: bins tensor should have one dimension, but got "
                f"{edges.ndim} dimensions in the bins tensor for dimension 0"
            )
        _check_bins(edges.size - 1)
        if edges.dtype != x.dtype:
            raise RuntimeError(
                "torch.histogramdd: input tensor and bins tensors should have the same "
                f"dtype, but got input with dtype {_type_name(x).lower()} and bins for "
                f"dimension 0 with dtype {_type_name(edges).lower()}"
            )
    else:
        edges = _linspace(*_range(x, range), _check_bins(bins) + 1, x.dtype)
    w = None
    if weight is not None:
        w = weight.array
        if w.shape != x.shape:
            raise RuntimeError(
                "torch.histogramdd: if weight tensor is provided it should have the same "
                f"shape as the input tensor, but got input with shape {list(x.shape)} and "
                f"weight with shape {list(w.shape)}"
            )
        if w.dtype != x.dtype:
            raise RuntimeError(
                "torch.histogramdd: if weight tensor is provided, input tensor and weight "
                f"tensor should have the same dtype, but got input({_type_name(x).lower()}), "
                f"and weight({_type_name(w).lower()})"
            )
        w = w.ravel()
    n = edges.size - 1
    values = x.ravel()
    inside = (values >= edges[0]) & (values <= edges[-1])
    positions = np.minimum(np.searchsorted(edges, values[inside], side="right") - 1, n - 1)
    hist = _counts(positions, None if w is None else w[inside], n, x.dtype)
    if density:
        hist = hist / hist.sum(dtype=x.dtype) / (edges[1:] - edges[:-1])
    return return_types.histogram(input.wrap(hist.astype(x.dtype)), input.wrap(edges.copy()))


def _range(x, range):  # noqa: A002
    if range is not None:
        lo, hi = (float(v) for v in range)
    elif x.size:
        lo, hi = float(x.min()), float(x.max())
    else:
        lo, hi = 0.0, 1.0
    if lo > hi:
        raise RuntimeError(
            f"torch.histogramdd: min should not exceed max, but got min {lo:g} max {hi:g} "
            f"for dimension 0"
        )
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histogramdd: dimension 0's range [{lo:g}, {hi:g}] is not finite")
    return lo, hi


def bincount(input, weights=None, minlength=0):
    """How often each of 0, 1, ..., max(input) occurs (at least ``minlength`` counts);
    with ``weights``, the sum of the weights at each value (float32 weights give float32
    sums, any others float64, as PyTorch)."""
    x = input.array
    if x.dtype.kind not in "iu":
        raise dtypes.not_implemented("bincount_cpu", x.dtype)
    if x.ndim != 1 or (x.size and x.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return input.wrap(np.bincount(x, minlength=minlength).astype(np.int64))
    w = weights.array
    if w.shape != x.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dtype = np.float32 if w.dtype == np.float32 else np.float64
    return input.wrap(np.bincount(x, w.astype(np.float64), minlength).astype(dtype))


def searchsorted(sorted_sequence, values, *, out_int32=False, right=False, side=None, sorter=None):
    """Where each value would be inserted to keep ``sorted_sequence`` sorted: the first
    such index (``side='left'``) or the last (``'right'`` / ``right=True``). An N-D
    sequence is searched row by row, its rows matching ``values``'s leading dims."""
    seq = sorted_sequence.array
    if side is not None and side not in ("left", "right"):
        raise RuntimeError(
            f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}"
        )
    if side == "left" and right:
        raise RuntimeError(
            "torch.searchsorted(): side and right can't be set to opposites, got side of "
            "left while right was True"
        )
    side = side or ("right" if right else "left")
    if seq.ndim == 0:
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should have positive dimension, but "
            "got 0 dimension"
        )
    vals = values.array if hasattr(values, "array") else np.asarray(values)
    if seq.ndim > 1 and (vals.ndim != seq.ndim or vals.shape[:-1] != seq.shape[:-1]):
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
            "dimensions of boundaries tensor and input value tensor must match, but we got "
            f"boundaries tensor {list(seq.shape)} and input value tensor {list(vals.shape)}"
        )
    order = None
    if sorter is not None:
        order = sorter.array
        if order.shape != seq.shape:
            raise RuntimeError(
                "torch.searchsorted(): boundary and sorter must have the same size, but got "
                f"boundary tensor {list(seq.shape)}and got sorter tensor {list(order.shape)}"
            )
    rows_s = seq.reshape(math.prod(seq.shape[:-1]), seq.shape[-1])
    rows_o = None if order is None else order.reshape(rows_s.shape)
    found = _binary_search(rows_s, vals.reshape(len(rows_s), -1), side == "right", rows_o)
    found = found.reshape(vals.shape)
    return sorted_sequence.wrap(np.asarray(found, np.int32 if out_int32 else np.int64))


def _binary_search(rows, values, right, order):
    """PyTorch's bisection, on all values at once: row i of ``values`` searched in row i
    of ``rows`` (through ``order`` when a sorter is given). Its comparisons,
    ``not (mid >= v)`` or ``not (mid > v)``, also fix where a NaN goes."""
    n = rows.shape[1]
    lo = np.zeros(values.shape, np.int64)
    hi = np.full(values.shape, n, np.int64)
    index = np.arange(len(rows))[:, None]
    while (active := lo < hi).any():
        mid = (lo + hi) >> 1
        at = np.minimum(mid, n - 1)
        mid_value = rows[index, at if order is None else order[index, at]]
        after = ~(mid_value > values) if right else ~(mid_value >= values)
        lo = np.where(active & after, mid + 1, lo)
        hi = np.where(active & ~after, mid, hi)
    return lo


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each value: i with ``boundaries[i-1] < x <= boundaries[i]``
    (``right=True``: ``boundaries[i-1] <= x < boundaries[i]``)."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)
