"""The functional API (``import tinygrad_scores.nn.functional as F``), PyTorch's names."""
import numpy as np

from .. import functions as ops
from ..tensor import Tensor

_REDUCTIONS = ("mean", "sum", "none")


def relu(input, inplace=False):
    return ops.ReLU.apply(input)


def sigmoid(input):
    return ops.Sigmoid.apply(input)


def tanh(input):
    return ops.Tanh.apply(input)


def softmax(input, dim=None, dtype=None):
    if dim is None:
        raise TypeError("softmax() needs dim= (implicit dim choice is deprecated in PyTorch)")
    if dtype is not None:
        input = input.to(dtype)
    return ops.Softmax.apply(input, dim=dim)


def log_softmax(input, dim=None, dtype=None):
    if dim is None:
        raise TypeError("log_softmax() needs dim= (implicit dim choice is deprecated in PyTorch)")
    if dtype is not None:
        input = input.to(dtype)
    return ops.LogSoftmax.apply(input, dim=dim)


def linear(input, weight, bias=None):
    """input @ weight.T + bias, as one fused op."""
    if bias is None:
        return ops.Linear.apply(input, weight)
    return ops.Linear.apply(input, weight, bias)


def _check_reduction(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction "
                         f"(expected one of {', '.join(_REDUCTIONS)})")


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Cross-entropy between logits ``input`` (N, C) or (C,) and class indices ``target``
    (N,) or (), computed from logits in one fused, numerically stable kernel."""
    _check_reduction(reduction)
    if not isinstance(target, Tensor):
        target = Tensor._wrap(np.asarray(target))
    labels = target.array
    if labels.dtype.kind not in "iu":
        raise TypeError(f"cross_entropy: target must hold integer class indices (int64), got "
                        f"dtype {labels.dtype}; class-probability targets are not supported")
    logits = input
    unbatched = input.ndim == 1
    if unbatched:
        logits = input.reshape(1, -1)
        labels = labels.reshape(1)
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy: expected input of shape (N, C) or (C,), got "
                         f"{tuple(input.shape)}")
    n, c = logits.shape
    if labels.shape != (n,):
        raise ValueError(f"cross_entropy: input of shape {tuple(input.shape)} needs target of "
                         f"shape ({n},) (one class index per row), got {tuple(target.shape)}")
    if logits.dtype.kind != "f":
        raise TypeError(f"cross_entropy: input must be floating point logits, got {logits.dtype}")
    labels = np.ascontiguousarray(labels, dtype=np.int64)
    if not labels.flags.writeable:          # kernels take no read-only views
        labels = labels.copy()
    w = None
    if weight is not None:
        w = np.ascontiguousarray(weight.array if isinstance(weight, Tensor) else weight,
                                 dtype=logits.dtype)
        if w.shape != (c,):
            raise ValueError(f"cross_entropy: weight must have shape ({c},), got {w.shape}")
    out = ops.CrossEntropy.apply(logits, labels, weight=w, ignore_index=int(ignore_index),
                                 reduction=reduction)   # raises IndexError on a bad label
    if unbatched and reduction == "none":
        out = out.reshape(())
    return out


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood of log-probabilities ``input`` (N, C) at ``target``."""
    _check_reduction(reduction)
    labels = target.array if isinstance(target, Tensor) else np.asarray(target)
    n, c = input.shape
    bad = np.flatnonzero((labels < 0) | (labels >= c))
    if bad.size:   # ignore_index is not implemented here: refuse rather than mis-index
        raise IndexError(f"nll_loss: target {int(labels[bad[0]])} at position {int(bad[0])} is "
                         f"out of bounds for {c} classes (ignore_index is only supported by "
                         f"cross_entropy)")
    picked = -input[np.arange(n), labels]
    if weight is not None:
        w = Tensor._wrap(np.asarray(weight.array if isinstance(weight, Tensor) else weight)[labels])
        picked = picked * w
        if reduction == "mean":
            return picked.sum() / w.sum()
    return picked if reduction == "none" else picked.sum() if reduction == "sum" else picked.mean()


def mse_loss(input, target, reduction="mean"):
    """Mean squared error; the two shapes must match exactly."""
    _check_reduction(reduction)
    if not isinstance(target, Tensor):
        target = Tensor._wrap(np.asarray(target, dtype=input.dtype))
    if tuple(input.shape) != tuple(target.shape):
        raise ValueError(f"mse_loss: input shape {tuple(input.shape)} and target shape "
                         f"{tuple(target.shape)} differ; reshape one of them (broadcasting "
                         f"here is almost always a bug)")
    return ops.MSELoss.apply(input, target, reduction=reduction)
