"""The functional API (``import tinygrad_scores.nn.functional as F``), PyTorch's names,
defaults and errors. Each function checks its arguments, then calls one op from
``functions/`` (or composes a few tensor ops); the modules in ``layers.py`` and
``loss.py`` are thin wrappers over these."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import dtypes
from .. import functions as ops
from .. import random as _random
from ..capture import escape
from ..creation import cat, stack
from ..functions._common import check_dim
from ..functions.activations import (
    ELU,
    GELU,
    Hardtanh,
    LeakyReLU,
    PReLU,
    SiLU,
    Softplus,
    Softshrink,
)
from ..functions.nn_losses import (
    BinaryCrossEntropy,
    BinaryCrossEntropyWithLogits,
    KLDivPointwise,
    NLLPerElement,
    SmoothL1,
)
from ..functions.normalization import (
    ClampMin,
    ConstantPad,
    EmbeddingLookup,
    Standardize,
    VectorNorm,
)
from ..tensor import Tensor
from .functional_conv import (  # noqa: F401  (re-exported: F.conv2d, ...)
    conv1d,
    conv2d,
    conv_transpose1d,
    conv_transpose2d,
    pad_by_copies,
)
from .functional_pooling import *  # noqa: F401,F403  (pooling, unfold/fold, interpolate, ...)
from .functional_sampling import gumbel_softmax  # noqa: F401  (re-exported)

_REDUCTIONS = ("mean", "sum", "none")


def _tensor(x: Any, dtype: Any = None) -> Tensor:
    """``x`` as a Tensor (arrays, lists and numbers are wrapped, cast to ``dtype``)."""
    if isinstance(x, Tensor):
        return x
    return Tensor.wrap(np.asarray(x, dtype=dtype))


def _array(x: Any) -> np.ndarray:
    return x.array if isinstance(x, Tensor) else np.asarray(x)


# ---------------------------------------------------------------------------- in place
def _inplace(input: Tensor, compute: Callable[[Tensor], Tensor]) -> Tensor:
    """``compute(input)`` written into ``input`` itself, as PyTorch's ``inplace=True``:
    through the tensor's in-place path (version counter; in a graph, the tensor takes
    over the new node; a leaf that requires grad is refused)."""
    return input._apply_inplace(compute)


def _maybe_inplace(input: Tensor, inplace: bool, compute: Callable[[Tensor], Tensor]) -> Tensor:
    return _inplace(input, compute) if inplace else compute(input)


# ---------------------------------------------------------------------------- activations
def relu(input: Tensor, inplace: bool = False) -> Tensor:
    return _maybe_inplace(input, inplace, ops.ReLU.apply)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    dtypes.float_only(input.array, "leaky_relu_cpu")
    return _maybe_inplace(
        input, inplace, lambda x: LeakyReLU.apply(x, negative_slope=negative_slope)
    )


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    dtypes.float_only(input.array, "elu_cpu")
    return _maybe_inplace(input, inplace, lambda x: ELU.apply(x, alpha=alpha))


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    dtypes.float_only(input.array, "GeluKernelImpl")
    return GELU.apply(input, approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    dtypes.float_only(input.array, "silu_cpu")
    return _maybe_inplace(input, inplace, SiLU.apply)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    dtypes.float_only(input.array, "softplus_cpu")
    return Softplus.apply(input, beta=beta, threshold=threshold)


def hardtanh(
    input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    kind = input.array.dtype.kind
    if kind == "b":
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if kind == "u" and (min_val < 0 or max_val < 0):
        raise RuntimeError("cannot do hardtanh on an unsigned type with negative limits")
    return _maybe_inplace(
        input, inplace, lambda x: Hardtanh.apply(x, min_val=min_val, max_val=max_val)
    )


def sigmoid(input: Tensor) -> Tensor:
    return ops.Sigmoid.apply(input)


def tanh(input: Tensor) -> Tensor:
    return ops.Tanh.apply(input)


def _implicit_softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    """PyTorch's deprecated choice when no dim is given: 0 for 0-, 1- and 3-D input, else 1,
    with its warning."""
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to "
        f"include dim=X as an argument.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    if dim is None:
        dim = _implicit_softmax_dim("softmax", input.ndim, _stacklevel)
    if dtype is not None:
        input = input.to(dtype)
    if input.array.dtype.type not in _KERNEL_FLOATS:
        return _softmax_other_dtypes(ops.Softmax, input, dim, "softmax")
    return ops.Softmax.apply(input, dim=dim)


def log_softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    if dim is None:
        dim = _implicit_softmax_dim("log_softmax", input.ndim, _stacklevel)
    if dtype is not None:
        input = input.to(dtype)
    if input.array.dtype.type not in _KERNEL_FLOATS:
        return _softmax_other_dtypes(ops.LogSoftmax, input, dim, "log_softmax")
    return ops.LogSoftmax.apply(input, dim=dim)


_KERNEL_FLOATS = (np.float32, np.float64)


def _softmax_other_dtypes(op: Any, input: Tensor, dim: int, name: str) -> Tensor:
    """Softmax / LogSoftmax of a float16 input, computed in float32 and rounded back (as
    PyTorch's kernels compute it); for a bool or integer input, PyTorch's error (its kernel's
    name says whether ``dim`` is the last one)."""
    if input.array.dtype.kind != "f":
        last = input.ndim == 0 or check_dim(dim, input.ndim) == input.ndim - 1
        kernel = f"{name}_lastdim_kernel_impl" if last else f"{name}_kernel_impl"
        dtypes.float_only(input.array, kernel)
    return op.apply(input.float(), dim=dim).to(input.dtype)


# SELU's constants (Klambauer et al., 2017), as PyTorch's.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(input, alpha) with SELU's self-normalising constants."""
    dtypes.float_only(input.array, "elu_cpu")
    return _maybe_inplace(input, inplace, lambda x: ELU.apply(x, alpha=_SELU_ALPHA) * _SELU_SCALE)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)), i.e. alpha * elu(x / alpha)."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    dtypes.float_only(input.array, "elu_cpu")
    return _maybe_inplace(input, inplace, lambda x: ELU.apply(x / alpha, alpha=1.0) * alpha)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))."""
    dtypes.float_only(input.array, "mish_cpu")
    return _maybe_inplace(input, inplace, lambda x: x * ops.Tanh.apply(Softplus.apply(x)))


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, linear between (gradient 1/6 strictly
    inside, 0 on the edges, as PyTorch)."""
    dtypes.float_only(input.array, "hardsigmoid_cpu")
    return _maybe_inplace(
        input, inplace, lambda x: Hardtanh.apply(x + 3.0, min_val=0.0, max_val=6.0) / 6.0
    )


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6."""
    dtypes.float_only(input.array, "hardswish_cpu")
    return _maybe_inplace(
        input, inplace, lambda x: x * (Hardtanh.apply(x + 3.0, min_val=0.0, max_val=6.0) / 6.0)
    )


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|) (bool refused by abs, as PyTorch)."""
    return input / (input.abs() + 1.0)


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x)."""
    return input - ops.Tanh.apply(input)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``value`` where x <= threshold, else x (NaN passes; no gradient where replaced);
    both numbers first converted as PyTorch converts them (int64: 1.9 -> 1, uint8: -1 ->
    255, overflow refused), the threshold to the type it compares in (float32 for float16)."""
    dtype = input.array.dtype
    if dtype == np.bool_:
        dtypes.float_only(input.array, "threshold_cpu")
    half = dtype == np.float16
    limit = dtypes.scalar_to(threshold, np.float32 if half else dtype)
    fill = dtypes.scalar_to(value, dtype)

    def compute(x: Tensor) -> Tensor:
        return x.where(~((x.float() if half else x) <= limit), fill)

    return _maybe_inplace(input, inplace, compute)


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), computed without overflow."""
    dtypes.float_only(input.array, "log_sigmoid_cpu")
    return -Softplus.apply(-input, beta=1.0, threshold=math.inf)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a * sigmoid(b), with a and b the two halves of ``input`` along ``dim``."""
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = check_dim(dim, input.ndim)
    size = input.shape[d]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {size}")
    dtypes.float_only(input.array, "glu_cpu")
    a, b = input.split(size // 2, d)
    return a * ops.Sigmoid.apply(b)


def softmin(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:
    """softmax(-input) along ``dim``."""
    if dim is None:
        dim = _implicit_softmax_dim("softmin", input.ndim, _stacklevel)
    return softmax(-input, dim, dtype=dtype)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x where x > 0, else weight * x; ``weight`` has one entry, or one per channel
    (dim 1; a 1-D input has one channel); both of one floating dtype, as PyTorch."""
    if input.array.dtype != weight.array.dtype:
        raise RuntimeError(
            f"prelu: Type promoting not supported. Got {dtypes.type_name(input.array.dtype)} "
            f"and {dtypes.type_name(weight.array.dtype)}"
        )
    dtypes.float_only(input.array, "prelu_cpu")
    channels = input.shape[1] if input.ndim >= 2 else 1
    n = weight.numel()
    if n != 1 and n != channels:
        raise RuntimeError(
            f"Mismatch of parameter numbers and input channel size. Found parameter "
            f"numbers = {n} and channel size = {channels}."
        )
    if input.ndim == 0:  # the output keeps the input's shape
        weight = weight.reshape(())
    elif n != 1 or weight.ndim > 1:
        weight = weight.reshape((1, n) + (1,) * (input.ndim - 2) if input.ndim >= 2 else (n,))
    return PReLU.apply(input, weight)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0."""
    return input.hardshrink(lambd)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x - lambd above lambd, x + lambd below -lambd, else 0; lambd in [0, the dtype's
    largest value]."""
    dtypes.float_only(input.array, "softshrink_check")
    largest = float(np.finfo(input.array.dtype).max)
    if not 0 <= lambd <= largest:
        raise RuntimeError(
            f"lambda must be in range [0, {largest:g}] for input dtype "
            f"{dtypes.type_name(input.array.dtype)}, but found {lambd:g}"
        )
    return Softshrink.apply(input, lambd=lambd)


def rrelu(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    inplace: bool = False,
) -> Tensor:
    """leaky_relu with a random slope for each x <= 0, drawn from U(lower, upper) by the
    global generator when training (PyTorch's draws: ``random.rrelu_noise``), the mean
    slope (lower + upper) / 2 when not."""
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    dtypes.float_only(input.array, "rrelu_with_noise_out_cpu", half=False)
    noise = Tensor.wrap(_random.rrelu_noise(input.array, lower, upper))
    return _maybe_inplace(input, inplace, lambda x: x * noise)


# the in-place forms PyTorch's functional has
def relu_(input: Tensor) -> Tensor:
    return relu(input, inplace=True)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, inplace=True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, inplace=True)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, inplace=True)


_threshold = threshold  # hidden inside threshold_ by its parameter of that name


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return _threshold(input, threshold, value, inplace=True)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, inplace=True)


def selu_(input: Tensor) -> Tensor:
    return selu(input, inplace=True)


def rrelu_(
    input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False
) -> Tensor:
    return rrelu(input, lower, upper, training, inplace=True)


# ---------------------------------------------------------------------------- layers
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weight.T + bias, as one fused op (in_features == 0 gives the bias
    broadcast: the empty product is zero)."""
    if bias is None:
        return ops.Linear.apply(input, weight)
    return ops.Linear.apply(input, weight, bias)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1 / (1 - p); identity
    when not training. The mask is PyTorch's: ``empty_like(input).bernoulli_(1 - p)``
    divided by 1 - p in input's dtype, drawn from the global generator (so ``manual_seed``
    gives PyTorch's masks)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0 or input.numel() == 0:
        return input
    if p < 1.0 and input.array.dtype.kind != "f":  # the scale 1 / (1 - p) is a float
        raise RuntimeError(
            f"result type Float can't be cast to the desired output type "
            f"{dtypes.type_name(input.array.dtype)}"
        )
    mask = _random.dropout_mask(np.empty_like(input.array), p)
    return _maybe_inplace(input, inplace, lambda x: x * Tensor.wrap(mask))


def layer_norm(
    input: Tensor,
    normalized_shape: int | Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Standardise over the last ``len(normalized_shape)`` dims (biased variance), then
    scale by ``weight`` and shift by ``bias``."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k :]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(map(str, shape))}], but got input of size"
            f"{list(input.shape)}"
        )
    dtypes.float_only(input.array, "LayerNormKernelImpl")
    out = Standardize.apply(input, axes=tuple(range(input.ndim - k, input.ndim)), eps=eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel (dim 1) over the batch and any further dims.

    Training: the batch's mean and biased variance normalise; the running estimates
    become (1 - momentum) * running + momentum * batch statistic, with the unbiased
    variance, in place. Evaluation: the running estimates normalise.
    """
    if input.ndim < 2:
        raise ValueError(
            f"batch_norm: expected an input of at least 2 dims (N, C, ...), "
            f"got {tuple(input.shape)}"
        )
    c = input.shape[1]
    axes = (0,) + tuple(range(2, input.ndim))
    channel_shape = (1, c) + (1,) * (input.ndim - 2)
    for name, stat in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if stat is not None and tuple(stat.shape) != (c,):
            raise RuntimeError(
                f"batch_norm: {name} should contain {c} elements, got {tuple(stat.shape)}"
            )
    if training:
        count = input.numel() // c if c else 0
        if count <= 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got "
                f"input size {list(input.shape)}"
            )
        a = input.array
        mean = a.mean(axis=axes, keepdims=True)
        var = a.var(axis=axes, keepdims=True)
        if running_mean is not None:
            escape("BatchNorm's running statistics")
            rm = running_mean.array
            rm[...] = (1 - momentum) * rm + momentum * mean.reshape(c)
        if running_var is not None:
            rv = running_var.array
            rv[...] = (1 - momentum) * rv + momentum * var.reshape(c) * (count / (count - 1))
        out = Standardize.apply(input, axes=axes, eps=eps, mean=mean, var=var)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError(
                "running_mean and running_var must be defined in evaluation "
                "mode (or pass training=True)"
            )
        dtype = input.array.dtype
        mean = running_mean.array.astype(dtype).reshape(channel_shape)
        inv_std = (1.0 / np.sqrt(running_var.array.astype(np.float64) + eps)).astype(dtype)
        out = (input - Tensor.wrap(mean)) * Tensor.wrap(inv_std.reshape(channel_shape))
    if weight is not None:
        out = out * weight.reshape(channel_shape)
    if bias is not None:
        out = out + bias.reshape(channel_shape)
    return out


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Standardise each sample over each group of channels (and the dims after them), then
    scale and shift each channel."""
    if input.ndim < 2:
        raise RuntimeError(
            f"Expected at least 2 dimensions for input tensor but received {input.ndim}"
        )
    n, c = input.shape[0], input.shape[1]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(
            f"Expected number of channels in input to be divisible by num_groups, but got "
            f"input of shape {list(input.shape)} and num_groups={num_groups}"
        )
    for name, param in (("weight", weight), ("bias", bias)):
        if param is not None and (param.ndim != 1 or param.shape[0] != c):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in "
                f"input, but got {name} of shape {list(param.shape)} and input of shape "
                f"{list(input.shape)}"
            )
    grouped = input.reshape(n, num_groups, -1)
    out = Standardize.apply(grouped, axes=(2,), eps=eps).reshape(tuple(input.shape))
    channel_shape = (1, c) + (1,) * (input.ndim - 2)
    if weight is not None:
        out = out * weight.reshape(channel_shape)
    if bias is not None:
        out = out + bias.reshape(channel_shape)
    return out


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) along ``dim``, the inputs
    broadcast together first."""
    shape = np.broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
    x1, x2 = x1.broadcast_to(shape), x2.broadcast_to(shape)
    dim = check_dim(dim, len(shape))

    def unit(x: Tensor) -> Tensor:
        return x / ClampMin.apply(VectorNorm.apply(x, p=2.0, dim=dim, keepdim=True), min_val=eps)

    return (unit(x1) * unit(x2)).sum(dim)


def pairwise_distance(
    x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Tensor:
    """||x1 - x2 + eps||_p over the last dim."""
    diff = x1 - x2 + eps
    if diff.ndim == 0:  # PyTorch treats a 0-d pair as one 1-element vector
        diff = diff.reshape(1)
    return diff.norm(p, dim=-1, keepdim=keepdim)


def local_response_norm(
    input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
) -> Tensor:
    """input / (k + alpha * mean of input**2 over ``size`` neighbouring channels) ** beta,
    the window running from c - size // 2 to c + (size - 1) // 2, zeros past the edges."""
    if input.ndim < 3:
        raise ValueError(
            f"Expected 3D or higher dimensionality input (got {input.ndim} dimensions)"
        )
    if input.numel() == 0:
        return input
    squares = input * input
    channels = input.shape[1]
    padded = pad(squares.transpose(1, -1), (size // 2, (size - 1) // 2)).transpose(1, -1)
    window = padded.narrow(1, 0, channels)
    for shift in range(1, size):
        window = window + padded.narrow(1, shift, channels)
    return input / (window * (alpha / size) + k) ** beta


def multi_margin_loss(
    input: Tensor,
    target: Tensor,
    p: int = 1,
    margin: float = 1.0,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Per sample: sum over classes i != y of max(0, margin - x[y] + x[i]) ** p, times
    weight[y], divided by the number of classes."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    target = _tensor(target)
    if target.array.dtype.kind not in "iu":
        raise RuntimeError(
            f"expected scalar type Long but found {dtypes.type_name(target.array.dtype)}"
        )
    x = input.reshape(1, -1) if input.ndim <= 1 else input
    y = target.reshape(-1)
    if y.shape[0] != x.shape[0]:
        raise RuntimeError(
            f"multi_margin_loss: target tensor should be 1-D with size equal to the number of "
            f"input samples (batch size). Expected target size [{x.shape[0]}], but got "
            f"{list(target.shape)}. Input has shape {list(input.shape)}."
        )
    classes = x.shape[1]
    if y.numel() and (int(y.min()) < 0 or int(y.max()) >= classes):
        raise RuntimeError("target out of range")
    hinge = (x - x.gather(1, y.unsqueeze(1)) + margin).clamp(min=0)
    if p == 2:
        hinge = hinge * hinge
    if weight is not None:
        hinge = hinge * weight[y].unsqueeze(1)
    others = _tensor(np.arange(classes) != y.array[:, None], dtype=hinge.dtype)
    losses = (hinge * others).sum(1) / classes
    if input.ndim <= 1 and reduction == "none":
        losses = losses.reshape(())
    return _reduce(losses, reduction)


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of ``weight`` picked by the integer tensor ``input`` (any shape); row
    ``padding_idx`` receives no gradient."""
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError(
            "embedding: max_norm, scale_grad_by_freq and sparse are not supported"
        )
    indices = _array(input)
    if indices.dtype.kind not in "iu":
        raise RuntimeError(
            f"Expected tensor for argument #1 'indices' to have one of the "
            f"following scalar types: Long, Int; but got {indices.dtype} instead "
            f"(while checking arguments for embedding)"
        )
    n = weight.shape[0]
    if indices.size and (indices.min() < 0 or indices.max() >= n):
        raise IndexError("index out of range in self")
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= n
    return EmbeddingLookup.apply(
        weight, indices=indices.astype(np.int64, copy=False), padding_idx=padding_idx
    )


def embedding_bag(
    input: Tensor,
    weight: Tensor,
    offsets: Tensor | None = None,
    max_norm: float | None = None,
    norm_type: float = 2,
    scale_grad_by_freq: bool = False,
    mode: str = "mean",
    sparse: bool = False,
    per_sample_weights: Tensor | None = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> Tensor:
    """The sum, mean or max of bags of embedding rows: ``input`` (B, N) is B bags of N
    indices, or 1-D with ``offsets`` giving where each bag starts. Entries equal to
    ``padding_idx`` are left out of their bag (and of its count for 'mean'); an empty bag
    gives zeros. Sum and mean are one product of a (bags x indices) weighting matrix with
    the looked-up rows, so the gradient flows through the ordinary ops."""
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, got {mode!r}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. "
            "per_sample_weights is only supported for mode='sum'"
        )
    indices = _array(input)
    if indices.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None")
        bags, size = indices.shape
        starts = np.arange(0, bags * size, size)
        indices = indices.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif indices.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        starts = _array(offsets).astype(np.int64)
        if starts.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        if include_last_offset:
            starts = starts[:-1]
        if starts.size and (
            starts[0] != 0 or np.any(np.diff(starts) < 0) or starts[-1] > indices.size
        ):
            raise ValueError("offsets must start at 0, not decrease and stay within the input")
    else:
        raise ValueError(
            f"input has to be 1D or 2D Tensor, but got Tensor of dimension {indices.ndim}"
        )
    rows = embedding(
        Tensor.wrap(indices), weight, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse
    )
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.unsqueeze(1)
    ends = np.append(starts[1:], indices.size)
    keep = (
        np.ones(indices.size, bool)
        if padding_idx is None
        else indices != padding_idx % weight.shape[0]
    )
    if mode == "max":
        pooled = [
            rows[int(a) : int(b)][keep[a:b]].max(dim=0).values
            if keep[a:b].any()
            else Tensor.wrap(np.zeros(weight.shape[1], weight.array.dtype))
            for a, b in zip(starts, ends)
        ]
        return stack(pooled) if pooled else rows[:0]
    bag_of = np.zeros((len(starts), indices.size), weight.array.dtype)
    for b, (start, end) in enumerate(zip(starts, ends)):
        members = np.flatnonzero(keep[start:end]) + start
        if members.size:
            bag_of[b, members] = 1.0 / members.size if mode == "mean" else 1.0
    return Tensor.wrap(bag_of) @ rows


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 tensor of shape ``tensor.shape + (num_classes,)`` with a 1 at each label
    (num_classes=-1: one more than the largest label)."""
    labels = _array(tensor)
    if labels.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if labels.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(labels.max()) + 1
    if labels.size:
        if labels.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if labels.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(labels.shape + (num_classes,), np.int64)
    np.put_along_axis(out, labels[..., None], 1, axis=-1)
    return Tensor.wrap(out)


def normalize(
    input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None
) -> Tensor:
    """input / max(||input||_p, eps), the norm taken along ``dim``."""
    if out is not None:
        raise NotImplementedError("normalize: out= is not supported")
    if not p > 0:
        raise NotImplementedError(f"normalize: p={p} is not supported (p must be positive)")
    dim = check_dim(dim, input.ndim)
    norm = input.norm(float(p), dim, keepdim=True)  # refuses bool and integer inputs
    return input / ClampMin.apply(norm, min_val=eps)


_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(
    input: Tensor, pad: Sequence[int], mode: str = "constant", value: float | None = None
) -> Tensor:
    """Pad (or, with negative amounts, crop) the last ``len(pad) // 2`` dims with
    ``value``; ``pad`` lists (left, right) amounts from the last dim backwards."""
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(
            f"Padding length should be less than or equal to two times the "
            f"input dimension but got padding length {len(pad)} and input of "
            f"dimension {input.ndim}"
        )
    if mode != "constant":
        if value:
            raise NotImplementedError(f'Padding mode "{mode}" doesn\'t take in value argument.')
        return pad_by_copies(input, pad, mode)
    return ConstantPad.apply(input, pad=pad, value=0 if value is None else value)


# ---------------------------------------------------------------------------- losses
def _check_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(
            f"{reduction} is not a valid value for reduction "
            f"(expected one of {', '.join(_REDUCTIONS)})"
        )


def _legacy_reduction(size_average, reduce, reduction, stacklevel=3):
    """PyTorch's deprecated size_average / reduce flags turned into ``reduction``."""
    if size_average is None and reduce is None:
        return reduction
    warnings.warn(
        "size_average and reduce args will be deprecated, please use "
        "reduction='mean' (or 'sum', 'none') instead.",
        UserWarning,
        stacklevel=stacklevel,
    )
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "mean" if size_average and reduce else "sum" if reduce else "none"


def _checked_reduction(size_average, reduce, reduction):
    """The loss functions' ``reduction``: the legacy flags applied, then checked."""
    reduction = _legacy_reduction(size_average, reduce, reduction, stacklevel=4)
    _check_reduction(reduction)
    return reduction


def _reduce(losses: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.mean()


def _broadcast_pair(input, target):
    """``input`` and ``target`` expanded to one shape, as PyTorch's mse / l1 / smooth-l1 /
    huber losses do: with its UserWarning when the shapes differ ((N, 1) against (N,)
    is usually a bug), and its error where they do not broadcast."""
    if tuple(input.shape) == tuple(target.shape):
        return input, target
    warnings.warn(
        f"Using a target size ({target.shape}) that is different to the input size "
        f"({input.shape}). This will likely lead to incorrect results due to "
        f"broadcasting. Please ensure they have the same size.",
        UserWarning,
        stacklevel=3,
    )
    a, b = tuple(input.shape), tuple(target.shape)
    for dim in range(1, min(len(a), len(b)) + 1):
        if a[-dim] != b[-dim] and 1 not in (a[-dim], b[-dim]):
            raise RuntimeError(
                f"The size of tensor a ({a[-dim]}) must match the size of tensor b "
                f"({b[-dim]}) at non-singleton dimension {max(len(a), len(b)) - dim}"
            )
    shape = np.broadcast_shapes(a, b)
    return input.expand(shape), target.expand(shape)


def _float_target(target, input, who):
    """``target`` as a Tensor of ``input``'s float dtype (an integer target is refused,
    as PyTorch refuses it)."""
    target = _tensor(target, dtype=input.array.dtype if not isinstance(target, Tensor) else None)
    if target.array.dtype.kind != "f":
        raise RuntimeError(
            f"{who}: target must be a floating point tensor, got "
            f"{target.array.dtype} (convert it with .float())"
        )
    return target if target.array.dtype == input.array.dtype else target.to(input.array.dtype)


def _class_labels(target, n_classes, ignore_index, who, kernel_checks=False):
    """Integer labels as int64, each in [0, n_classes) or equal to ignore_index; anything
    else (uint64 labels near 2**64 included, which would wrap when cast) is an
    IndexError before any kernel runs. ``kernel_checks``: the caller's kernel checks the
    range itself (the fused cross-entropy does), so signed labels skip the check here."""
    labels = _array(target)
    if labels.dtype.kind not in "iu":
        raise RuntimeError(
            f"{who}: expected a target of integer class indices (int64), got "
            f"dtype {labels.dtype}; class probabilities need a floating "
            f"target of the input's shape"
        )
    if kernel_checks and labels.dtype.kind == "i":  # casting a signed label cannot wrap
        return labels.astype(np.int64, copy=False)
    bad = ((labels < 0) | (labels >= n_classes)) & (labels != ignore_index)
    if bad.any():
        i = int(np.flatnonzero(bad.reshape(-1))[0])
        raise IndexError(
            f"{who}: target {labels.reshape(-1)[i]} at position {i} is out of "
            f"bounds for {n_classes} classes (valid labels are 0..{n_classes - 1})"
        )
    return labels.astype(np.int64, copy=False)


def _class_weight(weight, n_classes, dtype):
    if weight is None:
        return None
    w = np.asarray(_array(weight), dtype=dtype)
    if w.shape != (n_classes,):
        raise RuntimeError(
            f"weight tensor should be defined either for all {n_classes} "
            f"classes or no classes but got weight tensor of shape: "
            f"{list(w.shape)}"
        )
    return np.ascontiguousarray(w)


def _check_label_shape(input, labels):
    """(N, C, d...) input needs (N, d...) labels; (C,) input a 0-d label."""
    shape = input.array.shape
    expected = () if len(shape) == 1 else (shape[0],) + shape[2:]
    if labels.shape == expected:
        return
    detail = (
        f"input of shape {tuple(input.shape)} needs target of shape {expected} (one "
        f"class index per {'row' if input.ndim == 2 else 'element'}), got "
        f"{tuple(labels.shape)}"
    )
    if input.ndim >= 2 and (labels.ndim == 0 or labels.shape[0] != input.shape[0]):
        got = labels.shape[0] if labels.ndim else "none"
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target "
            f"batch_size ({got}): {detail}"
        )
    raise RuntimeError(f"Expected target size {list(expected)}, got {list(labels.shape)}: {detail}")


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of log-probabilities ``input`` (N, C, d...), (N, C) or (C,)
    at integer ``target`` (N, d...), (N,) or (); 'mean' divides by the summed weights of
    the rows that count (all ignored: NaN)."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    if input.ndim == 0:
        raise ValueError("nll_loss: input must have at least one dimension (C,)")
    if input.array.dtype.kind != "f":
        kernel = "nll_loss_out_frame" if input.ndim <= 2 else "nll_loss2d_forward_out_frame"
        raise dtypes.not_implemented(kernel, input.array.dtype)
    n_classes = input.shape[0] if input.ndim == 1 else input.shape[1]
    labels = _class_labels(target, n_classes, ignore_index, "nll_loss")
    _check_label_shape(input, labels)
    w = _class_weight(weight, n_classes, input.array.dtype)
    unbatched = input.ndim == 1
    if unbatched:
        input, labels = input.reshape(1, n_classes), labels.reshape(1)
    if w is None:
        w = np.ones(n_classes, input.array.dtype)
    losses = NLLPerElement.apply(input, target=labels, weight=w, ignore_index=ignore_index)
    if reduction == "none":
        return losses.reshape(()) if unbatched else losses
    if reduction == "sum":
        return losses.sum()
    counted = labels != ignore_index
    total = float(w[labels[counted]].sum())
    return losses.sum() * (1.0 / total if total else math.nan)


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    ignore_index: int = -100,
    reduce: bool | None = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of logits ``input`` (N, C, d...), (N, C) or (C,) against class indices
    (integer target of shape (N, d...)) or class probabilities (float target of the
    input's shape). The plain (N, C) integer case runs one fused kernel."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    ndim = input.array.ndim
    if ndim == 0:
        raise RuntimeError("cross_entropy: input must have at least one dimension (C,)")
    if input.array.dtype.kind != "f":  # PyTorch's log_softmax refuses it
        raise dtypes.not_implemented("log_softmax_lastdim_kernel_impl", input.array.dtype)
    class_dim = 0 if ndim == 1 else 1
    n_classes = input.array.shape[class_dim]
    target_array = _array(target)
    if target_array.dtype.kind in "fb" and (
        target_array.dtype.kind == "b" or target_array.shape != tuple(input.shape)
    ):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got "
            f"{dtypes.type_name(target_array.dtype)} (a target of class indices holds "
            f"integers; a floating point target of class probabilities has the input's "
            f"shape {list(input.shape)})"
        )
    if target_array.dtype.kind == "f":
        return _cross_entropy_probabilities(
            input, _tensor(target), weight, reduction, label_smoothing
        )
    fused = ndim <= 2 and label_smoothing == 0.0
    labels = _class_labels(target, n_classes, ignore_index, "cross_entropy", kernel_checks=fused)
    _check_label_shape(input, labels)
    w = _class_weight(weight, n_classes, input.array.dtype)
    if fused:
        return _cross_entropy_fused(input, labels, w, ignore_index, reduction)
    logp = log_softmax(input, class_dim)
    loss = nll_loss(logp, labels, w, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0.0:
        return loss
    # PyTorch: (1 - eps) * nll + eps / C * smooth, smooth = -sum_c w_c logp_c per element
    weighted = logp if w is None else logp * Tensor.wrap(w.reshape((-1,) + (1,) * (input.ndim - 2)))
    smooth = -weighted.sum(class_dim)
    counted = labels != ignore_index
    # (a where, not a product: an ignored element's gradient stays 0 when 'mean' of no
    # counted element is NaN, as PyTorch's)
    smooth = ops.Where.apply(smooth, Tensor.wrap(np.zeros((), smooth.array.dtype)), cond=counted)
    if reduction == "mean":
        total = float(counted.sum() if w is None else w[labels[counted]].sum())
        smooth = smooth.sum() * (1.0 / total if total else math.nan)
    elif reduction == "sum":
        smooth = smooth.sum()
    return loss * (1 - label_smoothing) + smooth * (label_smoothing / n_classes)


def _cross_entropy_fused(input, labels, w, ignore_index, reduction):
    """(N, C) or (C,) logits with integer labels: the fused kernel (functions/losses.py)."""
    unbatched = input.array.ndim == 1
    logits = input.reshape(1, -1) if unbatched else input
    labels = labels.reshape(1) if unbatched else labels
    flags = labels.flags
    if not (flags.c_contiguous and flags.writeable):  # kernels take no strided or read-only views
        labels = np.array(labels, order="C")
    out = ops.CrossEntropy.apply(
        logits, labels, weight=w, ignore_index=int(ignore_index), reduction=reduction
    )
    return out.reshape(()) if unbatched and reduction == "none" else out


def _cross_entropy_probabilities(input, target, weight, reduction, label_smoothing):
    """-sum_c w_c * t_c * log_softmax(x)_c per element, t smoothed towards uniform;
    'mean' divides by the number of elements (N * d...), not by the weights."""
    class_dim = 0 if input.ndim == 1 else 1
    n_classes = input.shape[class_dim]
    if target.array.dtype != input.array.dtype:
        target = target.to(input.array.dtype)
    if label_smoothing > 0.0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    terms = log_softmax(input, class_dim) * target
    w = _class_weight(weight, n_classes, input.array.dtype)
    if w is not None:
        terms = terms * Tensor.wrap(w.reshape((-1,) + (1,) * max(input.ndim - 2, 0)))
    if reduction == "none":
        return -terms.sum(class_dim)
    if reduction == "sum":
        return -terms.sum()
    count = input.numel() // n_classes if n_classes else 0
    return -terms.sum() * (1.0 / count if count else math.nan)


def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Mean squared error (different shapes broadcast, with PyTorch's warning)."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    if not isinstance(target, Tensor):
        target = Tensor.wrap(np.asarray(target, dtype=input.array.dtype))
    input, target = _broadcast_pair(input, target)
    return ops.MSELoss.apply(input, target, reduction=reduction)


def l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """Mean absolute error (different shapes broadcast, as mse_loss)."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    target = _tensor(target, dtype=input.array.dtype)
    input, target = _broadcast_pair(input, target)
    return _reduce((input - target).abs(), reduction)


def smooth_l1_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """0.5 d**2 / beta where |d| < beta, |d| - beta / 2 elsewhere (d = input - target)."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    target = _tensor(target, dtype=input.array.dtype)
    input, target = _broadcast_pair(input, target)
    return _reduce(SmoothL1.apply(input, target, beta=float(beta)), reduction)


def huber_loss(
    input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0
) -> Tensor:
    """0.5 d**2 where |d| < delta, delta * (|d| - delta / 2) elsewhere."""
    _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    target = _tensor(target, dtype=input.array.dtype)
    input, target = _broadcast_pair(input, target)
    return _reduce(SmoothL1.apply(input, target, beta=float(delta), huber=True), reduction)


def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """-(t log p + (1 - t) log(1 - p)) of probabilities ``input``, logs clamped at -100."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    target = _float_target(target, input, "binary_cross_entropy")
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input "
            f"size ({input.shape}) is deprecated. Please ensure they have the "
            f"same size."
        )
    p = input.array
    if p.size and not ((p >= 0) & (p <= 1)).all():
        raise RuntimeError("all elements of input should be between 0 and 1")
    losses = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        losses = losses * _tensor(weight, dtype=input.array.dtype)
    return _reduce(losses, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Binary cross-entropy of sigmoid(input), computed from the logits stably;
    ``pos_weight`` scales the positive term (broadcast along the last dim)."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    target = _float_target(target, input, "binary_cross_entropy_with_logits")
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})"
        )
    if pos_weight is not None:
        pos_weight = _tensor(pos_weight, dtype=input.array.dtype)
    losses = BinaryCrossEntropyWithLogits.apply(input, target, pos_weight)
    if weight is not None:
        losses = losses * _tensor(weight, dtype=input.array.dtype)
    return _reduce(losses, reduction)


_KL_MEAN_WARNING = (
    "reduction: 'mean' divides the total loss by both the batch size and the "
    "support size.'batchmean' divides only by the batch size, and aligns with "
    "the KL div math definition.'mean' will be changed to behave the same as "
    "'batchmean' in the next major release."
)


def kl_div(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """KL(target || exp(input)) pointwise: target * (log target - input) (``input`` holds
    log-probabilities; with ``log_target`` so does ``target``). 'batchmean' divides the sum
    by the batch size, the true KL divergence; 'mean' divides by every element (and warns,
    as PyTorch)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if reduction not in _REDUCTIONS + ("batchmean",):
        raise ValueError(
            f"{reduction} is not a valid value for reduction "
            f"(expected one of mean, batchmean, sum, none)"
        )
    if reduction == "mean":
        warnings.warn(_KL_MEAN_WARNING, UserWarning, stacklevel=2)
    target = _float_target(target, input, "kl_div")
    losses = KLDivPointwise.apply(input, target, log_target=bool(log_target))
    if reduction == "batchmean":
        total = losses.sum()
        return total / input.shape[0] if input.ndim else total
    return _reduce(losses, reduction)


def cosine_embedding_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1; cos
    along dim 1 of (N, D) inputs (dim 0 of (D,) ones), squared norms padded by 1e-12."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    if input1.ndim not in (1, 2) or tuple(input1.shape) != tuple(input2.shape):
        raise RuntimeError(
            f"cosine_embedding_loss: expected 1D or 2D inputs of one shape, got "
            f"{list(input1.shape)} and {list(input2.shape)}"
        )
    dim = input1.ndim - 1
    y = _tensor(target, dtype=input1.array.dtype)
    if tuple(y.shape) != tuple(input1.shape[:dim]):
        raise RuntimeError(
            f"cosine_embedding_loss: target of shape {list(y.shape)} does not match the "
            f"inputs' batch shape {list(input1.shape[:dim])}"
        )
    dot = (input1 * input2).sum(dim)
    norms = ((input1 * input1).sum(dim) + 1e-12) * ((input2 * input2).sum(dim) + 1e-12)
    cos = dot / norms.sqrt()
    zero = 0.0
    losses = (1.0 - cos).where(y == 1, zero) + (cos - margin).clamp_min(0).where(y == -1, zero)
    return _reduce(losses, reduction)


def margin_ranking_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, -target * (input1 - input2) + margin)."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    target = _tensor(target, dtype=input1.array.dtype)
    if not (input1.ndim == input2.ndim == target.ndim):
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got "
            f"sizes: input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} "
        )
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def hinge_embedding_loss(
    input: Tensor,
    target: Tensor,
    margin: float = 1.0,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """x where target is 1, max(0, margin - x) where it is -1 (other targets: both terms)."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    y = _tensor(target, dtype=input.array.dtype)
    zero = 0.0
    losses = (margin - input).clamp_min(0).where(y != 1, zero) + input.where(y != -1, zero)
    return _reduce(losses, reduction)


def soft_margin_loss(
    input: Tensor,
    target: Tensor,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """log(1 + exp(-target * input)), computed without overflow (target broadcast, as
    PyTorch)."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    target = _tensor(target, dtype=input.array.dtype)
    return _reduce(Softplus.apply(-target * input, beta=1.0, threshold=math.inf), reduction)


def poisson_nll_loss(
    input: Tensor,
    target: Tensor,
    log_input: bool = True,
    full: bool = False,
    size_average: bool | None = None,
    eps: float = 1e-8,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """exp(input) - target * input (``log_input``), else input - target * log(input + eps);
    ``full`` adds Stirling's target * log(target) - target + 0.5 log(2 pi target) where
    target > 1."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    target = _tensor(target, dtype=input.array.dtype)
    if log_input:
        losses = input.exp() - target * input
    else:
        losses = input - target * (input + eps).log()
    if full:  # a differentiable term of the target, as in PyTorch
        counted = target > 1
        t = target.where(counted, 2.0)  # the logs only ever see targets above 1
        stirling = t * t.log() - t + 0.5 * (t * (2 * math.pi)).log()
        losses = losses + stirling.where(counted, 0.0)
    return _reduce(losses, reduction)


def gaussian_nll_loss(
    input: Tensor,
    target: Tensor,
    var: Tensor | float,
    full: bool = False,
    eps: float = 1e-6,
    reduction: str = "mean",
) -> Tensor:
    """0.5 * (log(max(var, eps)) + (input - target)**2 / max(var, eps)) (+ 0.5 log(2 pi)
    with ``full``). ``var`` has the input's shape, or lacks its last dim, or has 1 there
    (one variance for all features), or is a number. The clamp at eps passes the gradient
    through unchanged, as PyTorch clamps under no_grad."""
    v = (
        var
        if isinstance(var, Tensor)
        else Tensor.wrap(np.full(tuple(input.shape), var, dtype=input.array.dtype))
    )
    if tuple(v.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(v.shape):
            v = v.unsqueeze(-1)
        elif not (
            input.ndim == v.ndim
            and tuple(input.shape[:-1]) == tuple(v.shape[:-1])
            and v.shape[-1] == 1
        ):
            raise ValueError("var is of incorrect size")
    if reduction not in _REDUCTIONS:
        raise ValueError(reduction + " is not valid")
    if (v.array < 0).any():
        raise ValueError("var has negative entry/entries")
    target = _tensor(target, dtype=input.array.dtype)
    clamped = np.maximum(v.array, v.array.dtype.type(eps))
    v = v + Tensor.wrap(clamped - v.array)  # the clamped value, the identity's gradient
    losses = 0.5 * (v.log() + (input - target) ** 2 / v)
    if full:
        losses = losses + 0.5 * math.log(2 * math.pi)
    return _reduce(losses, reduction)


def triplet_margin_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average: bool | None = None,
    reduce: bool | None = None,
    reduction: str = "mean",
) -> Tensor:
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d the pairwise
    p-distance; ``swap`` uses min(d(a, n), d(p, n)) as the negative distance."""
    reduction = _checked_reduction(size_average, reduce, reduction)
    a, pos, neg = anchor.ndim, positive.ndim, negative.ndim
    if not (a == pos == neg):
        raise RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same "
            f"number of dimensions, but got: anchor {a}D, positive {pos}D, and negative "
            f"{neg}D inputs"
        )
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = d_neg.minimum(pairwise_distance(positive, negative, p, eps))
    return _reduce((d_pos - d_neg + margin).clamp_min(0), reduction)


# ---------------------------------------------------------------------------- attention
def _float_mask(mask: Tensor | None, dtype: Any, name: str) -> Tensor | None:
    """A bool mask (True = masked out) as an additive float mask: -inf where True."""
    if mask is None:
        return None
    kind = mask.array.dtype.kind
    if kind == "b":
        return Tensor(np.where(mask.array, -np.inf, 0.0).astype(dtype))
    if kind != "f":
        raise AssertionError(f"only bool and floating types of {name} are supported")
    return mask


def _attention(q, k, v, bias, dropout_p, scale, weights=False, causal=False):
    """softmax(q @ k^T * scale + bias) @ v, and the weights when asked. Rows that mask out
    every key give zero weights (PyTorch's safe softmax), not NaN, and no NaN gradient.
    Without the weights, 3-D operands of one batch size run as the fused Attention op."""
    if not weights and q.ndim == 3 and k.ndim == 3 and q.shape[0] == k.shape[0] == v.shape[0]:
        keep = None
        if dropout_p > 0.0:
            shape = (q.shape[0], q.shape[1], k.shape[1])
            keep = _random.dropout_mask(np.empty(shape, q.array.dtype), dropout_p)
        return ops.Attention.apply(q, k, v, bias, scale=scale, causal=causal, keep=keep), None
    if causal:  # keys after the query's position masked (top-left aligned when L != S)
        future = np.triu(np.ones((q.shape[-2], k.shape[-2]), bool), 1)
        bias = Tensor(np.where(future, -np.inf, 0.0).astype(q.array.dtype))
    scores = (q @ k.transpose(-2, -1)) * scale
    dead = None
    if bias is not None:
        scores = scores + bias
        dead = np.isneginf(scores.array).all(-1, keepdims=True)
        dead = dead if dead.any() else None
        if dead is not None:
            scores = scores.masked_fill(Tensor(dead), 0.0)
    attn = ops.Softmax.apply(scores, dim=-1)
    if dead is not None:
        attn = attn.masked_fill(Tensor(dead), 0.0)
    if dropout_p > 0.0:
        attn = dropout(attn, dropout_p, True)
    return attn @ v, attn


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """softmax(Q K^T * scale + mask) V over the last two dims, scale 1/sqrt(E) by default.
    A bool ``attn_mask`` says which keys each query may attend to (True = attend); a float
    one is added to the scores; ``is_causal`` masks the keys after each query;
    ``enable_gqa`` repeats the key/value heads (dim -3) to match the query's."""
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise RuntimeError("scaled_dot_product_attention: query, key and value need 2 or more dims")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(
            f"scaled_dot_product_attention: query {list(query.shape)}, key "
            f"{list(key.shape)} and value {list(value.shape)} do not fit: expected "
            "query (..., L, E), key (..., S, E) and value (..., S, Ev)"
        )
    if not (query.dtype == key.dtype == value.dtype):
        raise RuntimeError(
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            f"{query.dtype} key.dtype: {key.dtype} and value.dtype: {value.dtype} instead."
        )
    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "_scaled_dot_product_attention: Explicit attn_mask should not be set when "
            "is_causal=True"
        )
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        if query.shape[-3] % key.shape[-3]:
            raise RuntimeError(
                f"number of heads in key/value ({key.shape[-3]}) must divide the number of "
                f"heads in query ({query.shape[-3]}) when enable_gqa=True"
            )
        repeat = query.shape[-3] // key.shape[-3]
        key = key.repeat_interleave(repeat, -3)
        value = value.repeat_interleave(repeat, -3)
    length, source = query.shape[-2], key.shape[-2]
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    bias = None
    if attn_mask is not None:
        if attn_mask.array.dtype == np.bool_:
            bias = Tensor(np.where(attn_mask.array, 0.0, -np.inf).astype(query.array.dtype))
        else:
            bias = attn_mask
    lead = query.shape[:-2]
    if query.ndim > 3 and key.shape[:-2] == lead and value.shape[:-2] == lead:
        flat = (-1,) + tuple(query.shape[-2:])  # one batch dim: the per-slice GEMM path
        q3, k3 = query.reshape(flat), key.reshape((-1,) + tuple(key.shape[-2:]))
        v3 = value.reshape((-1,) + tuple(value.shape[-2:]))
        if bias is not None and bias.ndim > 2:
            bias = bias.expand(tuple(lead) + (length, source)).reshape((-1, length, source))
        out, _ = _attention(q3, k3, v3, bias, dropout_p, scale, causal=is_causal)
        return out.reshape(tuple(lead) + (length, value.shape[-1]))
    return _attention(query, key, value, bias, dropout_p, scale, causal=is_causal)[0]


def multi_head_attention_forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight: Tensor | None,
    in_proj_bias: Tensor | None,
    bias_k: Tensor | None,
    bias_v: Tensor | None,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Tensor,
    out_proj_bias: Tensor | None,
    training: bool = True,
    key_padding_mask: Tensor | None = None,
    need_weights: bool = True,
    attn_mask: Tensor | None = None,
    use_separate_proj_weight: bool = False,
    q_proj_weight: Tensor | None = None,
    k_proj_weight: Tensor | None = None,
    v_proj_weight: Tensor | None = None,
    static_k: Tensor | None = None,
    static_v: Tensor | None = None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """PyTorch's multi-head attention on (L, N, E) query and (S, N, E) key / value (or
    unbatched (L, E)): project, split into heads, attend, join the heads, project out."""
    batched = query.ndim == 3
    if query.ndim not in (2, 3):
        raise AssertionError(
            f"query should be unbatched 2D or batched 3D tensor but received {query.ndim}-D "
            "query tensor"
        )
    if key.ndim != query.ndim or value.ndim != query.ndim:
        kind = "batched (3-D)" if batched else "unbatched (2-D)"
        raise AssertionError(
            f"For {kind} `query`, expected `key` and `value` to be {query.ndim}-D but found "
            f"{key.ndim}-D and {value.ndim}-D tensors respectively"
        )
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
        if attn_mask is not None and attn_mask.ndim == 3:
            attn_mask = attn_mask.unsqueeze(0).reshape((-1,) + tuple(attn_mask.shape[1:]))
    tgt_len, bsz, embed_dim = query.shape
    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer "
            "module method `generate_square_subsequent_mask` to create this mask."
        )
    if embed_dim != embed_dim_to_check:
        raise AssertionError(
            f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}"
        )
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if tuple(key.shape[:2]) != tuple(value.shape[:2]):
        raise AssertionError(
            f"key's sequence and batch dims {tuple(key.shape[:2])} do not match value's "
            f"{tuple(value.shape[:2])}"
        )
    dtype = query.array.dtype
    key_padding_mask = _float_mask(key_padding_mask, dtype, "key_padding_mask")
    attn_mask = _float_mask(attn_mask, dtype, "attn_mask")
    if use_separate_proj_weight:
        b_q, b_k, b_v = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
        q = linear(query, q_proj_weight, b_q)  # type: ignore[arg-type]
        k = linear(key, k_proj_weight, b_k)  # type: ignore[arg-type]
        v = linear(value, v_proj_weight, b_v)  # type: ignore[arg-type]
    elif query is key and key is value:  # self-attention: one product for q, k and v
        q, k, v = linear(query, in_proj_weight, in_proj_bias).chunk(3, -1)  # type: ignore[arg-type]
    else:
        w_q, w_k, w_v = in_proj_weight.chunk(3)  # type: ignore[union-attr]
        b_q, b_k, b_v = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = linear(query, w_q, b_q), linear(key, w_k, b_k), linear(value, w_v, b_v)
    src_len = key.shape[0]
    if attn_mask is not None:
        want = (tgt_len, src_len) if attn_mask.ndim == 2 else (bsz * num_heads, tgt_len, src_len)
        if attn_mask.ndim not in (2, 3):
            raise RuntimeError(f"attn_mask's dimension {attn_mask.ndim} is not supported")
        if tuple(attn_mask.shape) != want:
            raise RuntimeError(
                f"The shape of the {attn_mask.ndim}D attn_mask is "
                f"torch.Size({list(attn_mask.shape)}), but should be {want}."
            )
        if attn_mask.ndim == 2:
            attn_mask = attn_mask.unsqueeze(0)
    if bias_k is not None and bias_v is not None:
        k = cat([k, bias_k.repeat(1, bsz, 1)], 0)
        v = cat([v, bias_v.repeat(1, bsz, 1)], 0)
        attn_mask = None if attn_mask is None else pad(attn_mask, (0, 1))
        key_padding_mask = None if key_padding_mask is None else pad(key_padding_mask, (0, 1))
    elif (bias_k is None) != (bias_v is None):
        raise AssertionError("bias_k and bias_v must be set together")

    def heads(t: Tensor, static: Tensor | None) -> Tensor:
        if static is not None:
            return static
        return t.reshape(t.shape[0], bsz * num_heads, head_dim).transpose(0, 1)

    q, k, v = heads(q, None), heads(k, static_k), heads(v, static_v)
    if add_zero_attn:
        zeros = Tensor(np.zeros((bsz * num_heads, 1, head_dim), dtype))
        k, v = cat([k, zeros], 1), cat([v, zeros], 1)
        attn_mask = None if attn_mask is None else pad(attn_mask, (0, 1))
        key_padding_mask = None if key_padding_mask is None else pad(key_padding_mask, (0, 1))
    src_len = k.shape[1]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise AssertionError(
                f"expecting key_padding_mask shape of {(bsz, src_len)}, but got "
                f"{tuple(key_padding_mask.shape)}"
            )
        key_padding_mask = (
            key_padding_mask.reshape(bsz, 1, 1, src_len)
            .expand(bsz, num_heads, 1, src_len)
            .reshape(bsz * num_heads, 1, src_len)
        )
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask
    out, weights = _attention(
        q, k, v, attn_mask, dropout_p if training else 0.0, 1.0 / math.sqrt(head_dim),
        weights=need_weights,
    )  # fmt: skip
    out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
    if not need_weights:
        return (out if batched else out.squeeze(1)), None
    weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
    if average_attn_weights:
        weights = weights.mean(dim=1)
    if not batched:
        return out.squeeze(1), weights.squeeze(0)
    return out, weights


from .._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__, "torch.nn.functional")  # a PyTorch name not provided here
