"""The functional forms of pooling and resizing (re-exported by nn.functional): max /
average / adaptive pooling in 1-D and 2-D, max_unpool, unfold / fold, interpolate,
pixel_shuffle, dropout2d and instance_norm. Arguments are checked with PyTorch's
messages, the windows are laid out here (see kernels/loops/pooling.py), and one op of
functions/pooling.py or functions/conv.py runs."""

from __future__ import annotations

import math

import numpy as np

from .. import random as _random
from ..functions.conv import AxisMaps, copy_map
from ..functions.normalization import ConstantPad, Standardize
from ..functions.pooling import AvgPool, MaxPool, MaxUnpool, max_pool_with_indices
from ..functions.windows import Fold, Unfold, window_blocks
from ..tensor import Tensor
from .functional_conv import ntuple

_I64 = np.int64


def pool_output_size(size, kernel, stride, padding, dilation, ceil_mode):
    """PyTorch's formula: floor (or ceil) of (size + 2 padding - dilation (kernel - 1) - 1)
    / stride, plus 1; with ceil_mode, a last window that would start in the right padding
    is dropped."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def _pool_args(input, kernel_size, stride, padding, dilation, ceil_mode, n, who):
    """Checked (kernel, stride, padding, dilation, output size) per spatial dim."""
    if input.ndim not in (n + 1, n + 2) or input.numel() == 0 and input.ndim == n + 1:
        raise RuntimeError(
            f"{who}: non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input, "
            f"got {list(input.shape)}"
        )
    kernel = ntuple(kernel_size, n, "kernel_size")
    stride = (
        kernel if stride is None or stride == [] or stride == () else ntuple(stride, n, "stride")
    )
    padding, dilation = ntuple(padding, n, "padding"), ntuple(dilation, n, "dilation")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"{who}: kernel_size must be greater than zero, but got {list(kernel)}")
    if any(s <= 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    for k, p, d in zip(kernel, padding, dilation):
        if p < 0 or p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={p}, "
                f"kernel_size={k} and dilation={d}"
            )
    sizes = input.shape[-n:]
    out = [pool_output_size(*a, ceil_mode) for a in zip(sizes, kernel, stride, padding, dilation)]
    if any(o <= 0 for o in out):
        raise RuntimeError(
            f"Given input size: ({'x'.join(map(str, input.shape[-n - 1 :]))}). Calculated "
            f"output size: ({'x'.join(map(str, [input.shape[-n - 1], *out]))}). Output size "
            f"is too small"
        )
    return kernel, stride, padding, dilation, out


def _fixed_windows(out, kernel, stride, padding):
    """(starts, counts) of windows of ``kernel`` positions every ``stride``, from -padding."""
    return np.arange(out, dtype=_I64) * stride - padding, np.full(out, kernel, _I64)


def _as_2d(input, n):
    """A 1-D pooling's input with a height of 1 (the 2-D kernels do the work)."""
    return input.unsqueeze(-2) if n == 1 else input


def _from_2d(out, n):
    return out.squeeze(-2) if n == 1 else out


def _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, n, who):
    kernel, stride, padding, dilation, out = _pool_args(
        input, kernel_size, stride, padding, dilation, ceil_mode, n, who
    )
    windows = [_fixed_windows(*a) for a in zip(out, kernel, stride, padding)]
    if n == 1:
        windows = [(np.zeros(1, _I64), np.ones(1, _I64))] + windows
        dilation = (1, *dilation)
    (hs, hn), (ws, wn) = windows
    return _max_windows(
        _as_2d(input, n), hs, hn, dilation[0], ws, wn, dilation[1], return_indices, n
    )


def _max_windows(x, hs, hn, dh, ws, wn, dw, return_indices, n):
    out = _from_2d(MaxPool.apply(x, hs=hs, hn=hn, dh=dh, ws=ws, wn=wn, dw=dw), n)
    if not return_indices:
        return out
    idx = max_pool_with_indices(x.array, hs, hn, dh, ws, wn, dw)[1]
    return out, _from_2d(Tensor.wrap(idx), n)


def max_pool1d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """The largest value of each window of (N, C, L) or (C, L) input (with return_indices,
    also where it was)."""
    return _max_pool(
        input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 1, "max_pool1d"
    )


def max_pool2d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """The largest value of each window of (N, C, H, W) or (C, H, W) input (with
    return_indices, also where it was: h * W + w)."""
    return _max_pool(
        input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, 2, "max_pool2d"
    )


def _avg_divisors(size, kernel, stride, padding, out, count_include_pad):
    """Per output position along one axis: the window's length as PyTorch divides by (the
    window clipped to the padded input, or to the input without count_include_pad)."""
    start = np.arange(out) * stride - padding
    end = np.minimum(start + kernel, size + padding)
    if count_include_pad:
        return end - start
    return np.minimum(end, size) - np.maximum(start, 0)


def _avg_pool(
    input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, n, who
):
    kernel, stride, padding, _, out = _pool_args(
        input, kernel_size, stride, padding, 1, ceil_mode, n, who
    )
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    sizes = input.shape[-n:]
    windows = [_fixed_windows(*a) for a in zip(out, kernel, stride, padding)]
    lengths = [
        _avg_divisors(*a, count_include_pad) for a in zip(sizes, kernel, stride, padding, out)
    ]
    if n == 1:
        windows = [(np.zeros(1, _I64), np.ones(1, _I64))] + windows
        lengths = [np.ones(1, _I64)] + lengths
    div = np.multiply.outer(*lengths).astype(np.float64)
    if divisor_override is not None:
        div[...] = divisor_override
    (hs, hn), (ws, wn) = windows
    return _from_2d(AvgPool.apply(_as_2d(input, n), hs=hs, hn=hn, ws=ws, wn=wn, div=div), n)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """The mean of each window of (N, C, L) or (C, L) input."""
    return _avg_pool(
        input, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1, "avg_pool1d"
    )


def avg_pool2d(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    """The mean of each window of (N, C, H, W) or (C, H, W) input (the sum divided by
    divisor_override if given)."""
    return _avg_pool(
        input,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
        2,
        "avg_pool2d",
    )


def _adaptive_windows(size, out):
    """Window i covers floor(i * size / out) .. ceil((i + 1) * size / out)."""
    i = np.arange(out, dtype=_I64)
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)
    return start, end - start


def _adaptive_args(input, output_size, n, who):
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(
            f"{who}(): Expected {n + 1}D or {n + 2}D tensor, but got {list(input.shape)}"
        )
    if any(s == 0 for s in input.shape[-n - 1 :]):
        raise RuntimeError(
            f"{who}(): Expected input to have non-zero size for non-batch dimensions, "
            f"but input has sizes {list(input.shape)}"
        )
    if isinstance(output_size, (int, np.integer)):
        output_size = (output_size,) * n
    output_size = tuple(
        input.shape[-n + i] if s is None else int(s) for i, s in enumerate(output_size)
    )
    if len(output_size) != n or any(s < 0 for s in output_size):
        raise RuntimeError(
            f"{who}: output_size must be {n} non-negative ints, got {list(output_size)}"
        )
    windows = [_adaptive_windows(size, out) for size, out in zip(input.shape[-n:], output_size)]
    if n == 1:
        windows = [(np.zeros(1, _I64), np.ones(1, _I64))] + windows
    return windows


def adaptive_avg_pool1d(input, output_size):
    """The mean of each of output_size windows that tile (N, C, L) input."""
    (hs, hn), (ws, wn) = _adaptive_args(input, output_size, 1, "adaptive_avg_pool1d")
    div = np.multiply.outer(hn, wn).astype(np.float64)
    return _from_2d(AvgPool.apply(_as_2d(input, 1), hs=hs, hn=hn, ws=ws, wn=wn, div=div), 1)


def adaptive_avg_pool2d(input, output_size):
    """The mean of each of output_size = (Ho, Wo) windows that tile (N, C, H, W) input."""
    (hs, hn), (ws, wn) = _adaptive_args(input, output_size, 2, "adaptive_avg_pool2d")
    div = np.multiply.outer(hn, wn).astype(np.float64)
    return AvgPool.apply(input, hs=hs, hn=hn, ws=ws, wn=wn, div=div)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """The largest value of each of output_size windows that tile (N, C, L) input."""
    (hs, hn), (ws, wn) = _adaptive_args(input, output_size, 1, "adaptive_max_pool1d")
    return _max_windows(_as_2d(input, 1), hs, hn, 1, ws, wn, 1, return_indices, 1)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """The largest value of each of output_size windows that tile (N, C, H, W) input."""
    (hs, hn), (ws, wn) = _adaptive_args(input, output_size, 2, "adaptive_max_pool2d")
    return _max_windows(input, hs, hn, 1, ws, wn, 1, return_indices, 2)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Each value of ``input`` put back at its ``indices`` (from max_pool2d's
    return_indices) in a plane of zeros."""
    kernel = ntuple(kernel_size, 2, "kernel_size")
    stride = kernel if stride is None else ntuple(stride, 2, "stride")
    padding = ntuple(padding, 2, "padding")
    if input.ndim not in (3, 4) or tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(
            f"max_unpool2d: expected a 3D or 4D input and indices of its shape, got input "
            f"{list(input.shape)} and indices {list(indices.shape)}"
        )
    if output_size is None:
        size = tuple(
            (s - 1) * st - 2 * p + k
            for s, st, p, k in zip(input.shape[-2:], stride, padding, kernel)
        )
    else:
        size = tuple(int(s) for s in tuple(output_size)[-2:])
    idx = np.asarray(indices.array if isinstance(indices, Tensor) else indices, np.int64)
    if idx.size and (idx.min() < 0 or idx.max() >= size[0] * size[1]):
        raise RuntimeError(
            f"Found an invalid max index: {int(idx.max())} (output volumes are of size "
            f"{size[0]}x{size[1]})"
        )
    batched = input.ndim == 4
    x = input if batched else input.unsqueeze(0)
    out = MaxUnpool.apply(x, idx=idx.reshape(x.shape), size=size)
    return out if batched else out.squeeze(0)


# ---------------------------------------------------------------------------- unfold / fold
def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding windows of (N, C, H, W) input as columns: (N, C * KH * KW, L)."""
    if input.ndim not in (3, 4):
        raise NotImplementedError(
            f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)"
        )
    kernel, dilation = ntuple(kernel_size, 2, "kernel_size"), ntuple(dilation, 2, "dilation")
    padding, stride = ntuple(padding, 2, "padding"), ntuple(stride, 2, "stride")
    batched = input.ndim == 4
    x = input if batched else input.unsqueeze(0)
    if any(padding):
        x = ConstantPad.apply(x, pad=(padding[1], padding[1], padding[0], padding[0]), value=0)
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(s > size for s, size in zip(span, x.shape[2:])) or min(stride) <= 0:
        raise RuntimeError(
            f"unfold: the kernel {list(kernel)} (dilation {list(dilation)}) does not fit the "
            f"padded input {list(x.shape[2:])}, or a stride is not positive"
        )
    cols = Unfold.apply(x, kernel=kernel, dilation=dilation, stride=stride)
    return cols if batched else cols.squeeze(0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The adjoint of unfold: columns (N, C * KH * KW, L) summed back into (N, C, H, W)."""
    size, kernel = ntuple(output_size, 2, "output_size"), ntuple(kernel_size, 2, "kernel_size")
    dilation, padding = ntuple(dilation, 2, "dilation"), ntuple(padding, 2, "padding")
    stride = ntuple(stride, 2, "stride")
    if input.ndim not in (2, 3):
        raise NotImplementedError(
            "Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported "
            f"(got {input.ndim}D)"
        )
    batched = input.ndim == 3
    x = input if batched else input.unsqueeze(0)
    k = kernel[0] * kernel[1]
    full = tuple(s + 2 * p for s, p in zip(size, padding))
    blocks = window_blocks(full, kernel, dilation, stride)
    if x.shape[1] % k or min(blocks) <= 0 or blocks[0] * blocks[1] != x.shape[2]:
        raise RuntimeError(
            f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
            f"and its dimension 2 to match the calculated number of sliding blocks "
            f"{blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got input of size "
            f"{list(input.shape)}"
        )
    out = Fold.apply(x, plane=full, kernel=kernel, dilation=dilation, stride=stride)
    if any(padding):
        out = ConstantPad.apply(
            out, pad=(-padding[1], -padding[1], -padding[0], -padding[0]), value=0
        )
    return out if batched else out.squeeze(0)


# ---------------------------------------------------------------------------- resizing
def _source_scale(in_size, out_size, scale_factor, align_corners):
    if align_corners:
        return (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    return 1.0 / scale_factor if scale_factor is not None else in_size / out_size


def _nearest_map(in_size, out_size, scale_factor):
    scale = _source_scale(in_size, out_size, scale_factor, False)
    src = np.minimum(np.floor(np.arange(out_size) * scale).astype(np.int64), in_size - 1)
    return copy_map(src, in_size)


def _linear_map(in_size, out_size, scale_factor, align_corners):
    scale = _source_scale(in_size, out_size, scale_factor, align_corners)
    dst = np.arange(out_size)
    src = dst * scale if align_corners else np.maximum((dst + 0.5) * scale - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    i1 = np.minimum(i0 + 1, in_size - 1)
    frac = src - i0
    m = np.zeros((out_size, in_size))
    np.add.at(m, (dst, i0), 1.0 - frac)
    np.add.at(m, (dst, i1), frac)
    return m


def _cubic_map(in_size, out_size, scale_factor, align_corners):
    """PyTorch's bicubic weights: Keys' cubic convolution with A = -0.75 on the four source
    pixels around each output pixel, the source position not clamped at the border but the
    pixels read there clamped to the edge."""
    scale = _source_scale(in_size, out_size, scale_factor, align_corners)
    dst = np.arange(out_size)
    src = dst * scale if align_corners else (dst + 0.5) * scale - 0.5
    i0 = np.floor(src).astype(np.int64)
    t = src - i0
    a = -0.75

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    m = np.zeros((out_size, in_size))
    for offset, weight in zip((-1, 0, 1, 2), (far(t + 1), near(t), near(1 - t), far(2 - t))):
        np.add.at(m, (dst, np.clip(i0 + offset, 0, in_size - 1)), weight)
    return m


_LINEAR_MODES = {"linear": 3, "bilinear": 4, "bicubic": 4}


def interpolate(
    input,
    size=None,
    scale_factor=None,
    mode="nearest",
    align_corners=None,
    recompute_scale_factor=None,
    antialias=False,
):
    """Resize the spatial dims of (N, C, L) or (N, C, H, W) input: 'nearest' copies the
    nearest (floor) source pixel, 'linear' / 'bilinear' interpolate between the two nearest,
    'bicubic' weighs the four nearest by PyTorch's cubic convolution."""
    if mode not in ("nearest", "linear", "bilinear", "bicubic") or antialias:
        raise NotImplementedError(
            f"interpolate: mode '{mode}' is not implemented (nearest, linear, bilinear, "
            "bicubic are; antialias is not)"
        )
    if mode == "nearest" and align_corners is not None:
        raise ValueError(
            "align_corners option can only be set with the interpolating modes: "
            "linear | bilinear | bicubic | trilinear"
        )
    if mode in _LINEAR_MODES and input.ndim != _LINEAR_MODES[mode]:
        raise NotImplementedError(
            f"Got {input.ndim}D input, but {mode} mode needs {_LINEAR_MODES[mode]}D input"
        )
    if input.ndim not in (3, 4):
        raise NotImplementedError(
            f"Input Error: Only 3D and 4D input Tensors are supported (got {input.ndim}D) "
            "for the modes: nearest | linear | bilinear"
        )
    n = input.ndim - 2
    if (size is None) == (scale_factor is None):
        raise ValueError("only one of size or scale_factor should be defined")
    in_sizes = tuple(input.shape[2:])
    if size is not None:
        out_sizes = ntuple(size, n, "size")
        scales = [None] * n
    else:
        scales = (
            list(scale_factor) if isinstance(scale_factor, (tuple, list)) else [scale_factor] * n
        )
        if len(scales) != n:
            raise ValueError(
                "Input and scale_factor must have the same number of spatial dimensions, but "
                f"got input with spatial dimensions of {list(in_sizes)} and scale_factor of "
                f"shape {scales}."
            )
        out_sizes = tuple(int(math.floor(s * f)) for s, f in zip(in_sizes, scales))
        if recompute_scale_factor:
            scales = [None] * n
    if any(s <= 0 for s in out_sizes):
        raise RuntimeError(f"interpolate: output size {list(out_sizes)} must be positive")
    if mode == "nearest":
        maps = [_nearest_map(i, o, s) for i, o, s in zip(in_sizes, out_sizes, scales)]
    else:
        weights = _cubic_map if mode == "bicubic" else _linear_map
        maps = [
            weights(i, o, s, bool(align_corners)) for i, o, s in zip(in_sizes, out_sizes, scales)
        ]
    return AxisMaps.apply(input, maps=tuple(maps))


def pixel_shuffle(input, upscale_factor):
    """(*, C * r^2, H, W) -> (*, C, H * r, W * r): each group of r^2 channels becomes an r x r
    block of pixels."""
    r = int(upscale_factor)
    if input.ndim < 3 or input.shape[-3] % (r * r):
        raise RuntimeError(
            f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
            f"of upscale_factor, but input.size(-3)={input.shape[-3] if input.ndim >= 3 else None} "
            f"is not divisible by {r * r}"
        )
    *lead, c, h, w = input.shape
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    k = len(lead)
    x = x.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """The inverse of pixel_shuffle: (*, C, H * r, W * r) -> (*, C * r^2, H, W)."""
    r = int(downscale_factor)
    if input.ndim < 3 or input.shape[-1] % r or input.shape[-2] % r:
        raise RuntimeError(
            f"pixel_unshuffle expects height and width to be divisible by downscale_factor, "
            f"got input of size {list(input.shape)} and downscale_factor={r}"
        )
    *lead, c, h, w = input.shape
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    k = len(lead)
    x = x.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


# ---------------------------------------------------------------------------- channels
def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels (each with probability p) of (N, C, H, W) or (C, H, W) input and
    scale the rest by 1 / (1 - p); identity when not training."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if input.ndim not in (3, 4):
        raise RuntimeError(f"dropout2d: expected a 3D or 4D input, got {input.ndim}D")
    if not training or p == 0.0:
        return input
    channels = tuple(input.shape[: input.ndim - 2])
    # PyTorch's feature dropout: new_empty((N, C, 1, 1)).bernoulli_(1 - p) / (1 - p)
    mask = _random.dropout_mask(np.empty(channels, input.array.dtype), p)
    mask = Tensor.wrap(mask.reshape(channels + (1, 1)))
    if inplace:
        return input._apply_inplace(lambda x: x * mask)
    return input * mask


def instance_norm(
    input: Tensor,
    running_mean: Tensor | None = None,
    running_var: Tensor | None = None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Standardise each channel of each sample over its spatial dims, then scale and shift
    each channel; running estimates (if given) track the mean over the batch of the
    per-instance statistics."""
    if input.ndim < 3:
        raise ValueError(f"instance_norm: expected an input of at least 3 dims, got {input.ndim}")
    c = input.shape[1]
    axes = tuple(range(2, input.ndim))
    channel_shape = (1, c) + (1,) * (input.ndim - 2)
    if use_input_stats:
        out = Standardize.apply(input, axes=axes, eps=eps)
        a = input.array
        if running_mean is not None:
            running_mean.array[...] = (1 - momentum) * running_mean.array + momentum * a.mean(
                axis=axes
            ).mean(0)
        if running_var is not None:
            count = int(np.prod(input.shape[2:]))
            var = a.var(axis=axes).mean(0) * count / max(count - 1, 1)
            running_var.array[...] = (1 - momentum) * running_var.array + momentum * var
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError(
                "Expected running_mean and running_var to be defined when use_input_stats is false"
            )
        mean = running_mean.array.astype(input.array.dtype).reshape(channel_shape)
        inv = (1.0 / np.sqrt(running_var.array.astype(np.float64) + eps)).astype(input.array.dtype)
        out = (input - Tensor.wrap(mean)) * Tensor.wrap(inv.reshape(channel_shape))
    if weight is not None:
        out = out * weight.reshape(channel_shape)
    if bias is not None:
        out = out + bias.reshape(channel_shape)
    return out


__all__ = [
    "max_pool1d",
    "max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "max_unpool2d",
    "unfold",
    "fold",
    "interpolate",
    "pixel_shuffle",
    "pixel_unshuffle",
    "dropout2d",
    "instance_norm",
]
