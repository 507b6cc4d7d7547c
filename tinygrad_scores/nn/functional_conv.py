"""The functional forms of convolution and padding (re-exported by nn.functional):
conv1d, conv2d, conv_transpose1d/2d, unfold, fold, and F.pad's reflect, replicate and
circular modes. Each checks its arguments with PyTorch's messages, then calls one op of
functions/conv.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..functions.conv import AxisMaps, Conv2d, ConvTranspose2d, copy_map
from ..functions.normalization import ConstantPad
from ..tensor import Tensor

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def ntuple(value: Any, n: int, name: str) -> tuple[int, ...]:
    """An int or a sequence of n ints as a tuple of n ints, or PyTorch's error."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * n
    if len(value) != n:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {n} values to match "
            f"the convolution dimensions, but got {name}={list(value)}"
        )
    return value


def _shape(shape: Sequence[int], sep: str = ", ") -> str:
    return sep.join(map(str, shape))


# ---------------------------------------------------------------------------- padding
def _source_index(size: int, before: int, after: int, mode: str) -> np.ndarray:
    """For each position of the padded axis, the input position it copies."""
    i = np.arange(-before, size + after)
    if mode == "replicate":
        return np.clip(i, 0, size - 1)
    if mode == "circular":
        return i % size
    period = 2 * (size - 1)  # reflect: ... 2 1 | 0 1 2 3 | 2 1 ...
    i = np.abs(i) % period if period else np.zeros_like(i)
    return np.where(i >= size, period - i, i)


def pad_by_copies(input: Tensor, pad: Sequence[int], mode: str) -> Tensor:
    """F.pad with mode 'reflect', 'replicate' or 'circular' (pad lists (left, right)
    amounts from the last dim backwards)."""
    k = len(pad) // 2
    if k not in (1, 2, 3) or input.ndim not in (k + 1, k + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor. "
            f"Supported combinations for non-constant padding: 2D or 3D input with padding "
            f"size 2, 3D or 4D with 4, 4D or 5D with 6"
        )
    maps = []
    for axis in range(input.ndim - k, input.ndim):
        before, after = pad[2 * (input.ndim - 1 - axis)], pad[2 * (input.ndim - 1 - axis) + 1]
        size = input.shape[axis]
        if mode == "reflect" and (before >= size or after >= size):
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({before}, {after}) at dimension {axis} of "
                f"input {list(input.shape)}"
            )
        if mode == "circular" and (before > size or after > size):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if size == 0 and before + after > 0:
            raise RuntimeError(f"pad: cannot pad an empty dimension in mode '{mode}'")
        maps.append(copy_map(_source_index(size, before, after, mode), size))
    return AxisMaps.apply(input, maps=tuple(maps))


def _pad_amounts(padding: tuple[int, ...]) -> tuple[int, ...]:
    """Symmetric per-dim padding (first spatial dim first) as F.pad's list."""
    return tuple(p for amount in reversed(padding) for p in (amount, amount))


def _padded(input: Tensor, pad: tuple[int, ...], mode: str) -> Tensor:
    if not any(pad):
        return input
    if mode == "zeros":
        return ConstantPad.apply(input, pad=pad, value=0)
    return pad_by_copies(input, pad, mode)


# ---------------------------------------------------------------------------- convolution
def _check_conv(input, weight, bias, groups, n, who):
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(
            f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {who}, but got "
            f"input of size: {list(input.shape)}"
        )
    if weight.ndim != n + 2:
        raise RuntimeError(
            f"{who}: expected weight of {n + 2} dims (out_channels, in_channels / groups, "
            f"kernel size), got weight of size {list(weight.shape)}"
        )
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise RuntimeError(f"non-positive groups is not supported, got groups={groups}")
    if weight.shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension "
            f"0, but got weight of size [{list(weight.shape)}] instead"
        )
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != weight.shape[0]):
        raise RuntimeError(
            f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional "
            f"with {weight.shape[0]} elements, but got bias of size {list(bias.shape)} instead"
        )
    dt = input.array.dtype
    if dt.kind != "f" or dt.itemsize not in (4, 8):
        raise RuntimeError(f"{who}: dtype {dt.name} is not supported (use float32 or float64)")
    if weight.array.dtype != dt:
        raise RuntimeError(
            f"expected scalar type {_ctype(dt)} but found {_ctype(weight.array.dtype)}"
        )
    if bias is not None and bias.array.dtype != dt:
        raise RuntimeError(
            f"Input type ({_cname(dt)}) and bias type ({_cname(bias.array.dtype)}) "
            "should be the same"
        )


def _ctype(dt: np.dtype) -> str:
    return {"float32": "Float", "float64": "Double"}.get(dt.name, dt.name)


def _cname(dt: np.dtype) -> str:
    return {"float32": "float", "float64": "double"}.get(dt.name, dt.name)


def same_padding(kernel: tuple[int, ...], dilation: tuple[int, ...]) -> tuple[int, ...]:
    """F.pad amounts for padding='same': dilation * (kernel - 1) in all, the odd one right."""
    pad: list[int] = []
    for k, d in zip(reversed(kernel), reversed(dilation)):
        total = d * (k - 1)
        pad += [total // 2, total - total // 2]
    return tuple(pad)


def _conv_pad(padding, kernel, stride, dilation, n):
    """``padding`` (ints, tuple, 'valid' or 'same') as F.pad amounts, or PyTorch's errors."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0,) * (2 * n)
        if padding != "same":
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        return same_padding(kernel, dilation)
    padding = ntuple(padding, n, "padding")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    return _pad_amounts(padding)


def convolution(input, weight, bias, stride, padding, dilation, groups, n, who, mode="zeros"):
    """conv1d / conv2d: checks, padding (any padding_mode), then Conv2d on 4-D arrays."""
    _check_conv(input, weight, bias, groups, n, who)
    stride = ntuple(stride, n, "stride")
    dilation = ntuple(dilation, n, "dilation")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    kernel = tuple(weight.shape[2:])
    pad = _conv_pad(padding, kernel, stride, dilation, n)
    batched = input.ndim == n + 2
    x = input if batched else input.unsqueeze(0)
    channels = weight.shape[1] * groups
    if x.shape[1] != channels:
        raise RuntimeError(
            f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
            f"input{list(x.shape)} to have {channels} channels, but got {x.shape[1]} "
            f"channels instead"
        )
    padded = [x.shape[2 + i] + pad[2 * (n - 1 - i)] + pad[2 * (n - 1 - i) + 1] for i in range(n)]
    effective = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(e > p for e, p in zip(effective, padded)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({_shape(padded, ' x ')}). Kernel "
            f"size: ({_shape(effective, ' x ')}). Kernel size can't be greater than actual "
            f"input size"
        )
    x = _padded(x, pad, mode)
    if n == 1:  # a conv1d is a conv2d on a height of 1
        x, weight = x.unsqueeze(2), weight.unsqueeze(2)
        stride, dilation = (1, *stride), (1, *dilation)
    out = Conv2d.apply(x, weight, bias, stride=stride, dilation=dilation, groups=groups)
    if n == 1:
        out = out.squeeze(2)
    return out if batched else out.squeeze(0)


def conv1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """1-D convolution (cross-correlation) of (N, C, L) or (C, L) input with weight
    (out_channels, C / groups, K)."""
    return convolution(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """2-D convolution (cross-correlation) of (N, C, H, W) or (C, H, W) input with weight
    (out_channels, C / groups, KH, KW)."""
    return convolution(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv_transpose_output_size(size, kernel, stride, padding, output_padding, dilation):
    """PyTorch's formula: (size - 1) * stride - 2 * padding + dilation * (kernel - 1)
    + output_padding + 1."""
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def transposed_convolution(
    input, weight, bias, stride, padding, output_padding, groups, dilation, n, who
):
    """conv_transpose1d / 2d: the full transposed convolution, then the padding cropped."""
    if input.ndim not in (n + 1, n + 2) or weight.ndim != n + 2:
        raise RuntimeError(
            f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input and a {n + 2}D weight "
            f"to {who}, but got input of size {list(input.shape)} and weight of size "
            f"{list(weight.shape)}"
        )
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise RuntimeError(f"non-positive groups is not supported, got groups={groups}")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != weight.shape[1] * groups):
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected bias to be "
            f"1-dimensional with {weight.shape[1] * groups} elements, but got bias of size "
            f"{list(bias.shape)} instead"
        )
    _check_conv(input, weight, None, 1, n, who)
    stride, padding = ntuple(stride, n, "stride"), ntuple(padding, n, "padding")
    dilation, output_padding = (
        ntuple(dilation, n, "dilation"),
        ntuple(output_padding, n, "output_padding"),
    )
    if any(s <= 0 for s in stride) or any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive stride or dilation is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(op >= max(s, d) or op < 0 for op, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(
            f"output padding must be smaller than either stride or dilation, but got "
            f"output_padding={list(output_padding)}, stride={list(stride)}, "
            f"dilation={list(dilation)}"
        )
    batched = input.ndim == n + 2
    x = input if batched else input.unsqueeze(0)
    if x.shape[1] != weight.shape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size {list(weight.shape)}, expected input"
            f"{list(x.shape)} to have {weight.shape[0]} channels, but got {x.shape[1]} "
            f"channels instead"
        )
    if weight.shape[0] % groups:
        raise RuntimeError(f"{who}: in_channels ({weight.shape[0]}) must be divisible by groups")
    kernel = tuple(weight.shape[2:])
    out_size = [
        conv_transpose_output_size(
            x.shape[2 + i], kernel[i], stride[i], padding[i], output_padding[i], dilation[i]
        )
        for i in range(n)
    ]
    if any(s <= 0 for s in out_size):
        raise RuntimeError(f"{who}: the output size {out_size} is not positive")
    full = tuple(s + 2 * p for s, p in zip(out_size, padding))
    if n == 1:
        x, weight = x.unsqueeze(2), weight.unsqueeze(2)
        stride, dilation, full = (1, *stride), (1, *dilation), (1, *full)
    out = ConvTranspose2d.apply(
        x, weight, bias, stride=stride, dilation=dilation, groups=groups, size=full
    )
    if any(padding):
        out = ConstantPad.apply(out, pad=tuple(-p for p in _pad_amounts(padding)), value=0)
    if n == 1:
        out = out.squeeze(2)
    return out if batched else out.squeeze(0)


def conv_transpose1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Tensor:
    """The transposed 1-D convolution; weight (in_channels, out_channels / groups, K)."""
    return transposed_convolution(
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
        1,
        "conv_transpose1d",
    )


def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Tensor:
    """The transposed 2-D convolution (the adjoint of conv2d in its input); weight
    (in_channels, out_channels / groups, KH, KW)."""
    return transposed_convolution(
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
        2,
        "conv_transpose2d",
    )
