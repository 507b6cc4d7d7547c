"""Helpers shared by the distributions, PyTorch's ``torch.distributions.utils``."""

from functools import update_wrapper
from numbers import Number

from .. import creation, dtypes
from .. import function_forms as fn
from ..autograd import enable_grad
from ..nn import functional as F
from ..tensor import Size, Tensor

euler_constant = 0.57721566490153286060


def broadcast_all(*values):
    """Tensors and numbers as tensors broadcast to one shape; a number takes the dtype of
    the first tensor among them, or the default dtype."""
    if not all(isinstance(v, (Tensor, Number)) for v in values):
        raise ValueError("Input arguments must all be instances of Number or torch.Tensor.")
    like = next((v for v in values if isinstance(v, Tensor)), None)
    dtype = like.dtype if like is not None else dtypes.get_default_dtype()
    tensors = [v if isinstance(v, Tensor) else creation.tensor(v, dtype=dtype) for v in values]
    return fn.broadcast_tensors(*tensors)


def _standard_normal(shape, dtype, device=None):
    """``empty(shape).normal_()``: the draws PyTorch's rsample makes."""
    return creation.empty(shape, dtype=dtype).normal_()


def _sum_rightmost(value, dim):
    """``value`` summed over its last ``dim`` dimensions."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[: value.dim() - dim]) + (-1,)).sum(-1)


def _extended(*shapes):
    """The shapes joined as one ``Size``."""
    return Size(sum((tuple(s) for s in shapes), ()))


def logits_to_probs(logits, is_binary=False):
    return fn.sigmoid(logits) if is_binary else F.softmax(logits, dim=-1)


def clamp_probs(probs):
    """Probabilities kept eps away from 0 and 1, so their log is finite."""
    eps = dtypes.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    clamped = clamp_probs(probs)
    if is_binary:
        return fn.log(clamped) - fn.log1p(-clamped)
    return fn.log(clamped)


class lazy_property:
    """A value computed on first access (with grad recording on) and then stored on the
    instance: ``Categorical(logits=...)`` computes ``probs`` only when asked."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        with enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value
