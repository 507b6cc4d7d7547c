"""``torch.distributions.Distribution``: shapes, argument and sample validation, and the
helpers the distributions share. A distribution here is built from the package's tensor ops,
so ``log_prob``, ``entropy`` and ``rsample`` are differentiable with no op of their own."""

from __future__ import annotations

import numbers

from .. import creation, dtypes
from ..autograd import no_grad
from ..function_forms import broadcast_tensors
from ..tensor import Size, Tensor
from . import constraints

_NO_SHAPE = Size()  # the default sample_shape: one draw


def broadcast_all(*values):
    """The values as tensors of one broadcast shape; numbers take the dtype of the tensors
    among them, else the default dtype (PyTorch's ``distributions.utils.broadcast_all``)."""
    like = next((v for v in values if isinstance(v, Tensor)), None)
    for v in values:
        if not isinstance(v, (Tensor, numbers.Number)):
            raise ValueError("Input arguments must all be instances of Number or torch.Tensor.")
    dtype = like.dtype if like is not None else dtypes.get_default_dtype()
    tensors = [v if isinstance(v, Tensor) else creation.tensor(v, dtype=dtype) for v in values]
    return broadcast_tensors(*tensors)


def clamp_probs(probs):
    eps = dtypes.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


class lazy_property:  # noqa: N801  (PyTorch's name)
    """Computed on first access, then kept in the instance's ``__dict__`` (so ``repr`` lists
    it, as PyTorch's does)."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = self.wrapped(instance)
        instance.__dict__[self.wrapped.__name__] = value
        return value


def _invalid(what, value, tail):
    shape = tuple(value.shape)
    return ValueError(
        f"Expected {what} (Tensor of shape {shape}) {tail}, but found invalid values:\n{value}"
    )


class Distribution:
    """The base class: ``batch_shape`` (independent draws) and ``event_shape`` (one draw);
    ``sample``/``rsample`` with a ``sample_shape`` in front. Arguments and ``log_prob``'s
    values are checked against ``arg_constraints`` / ``support`` unless validation is off
    (``validate_args=False`` or ``Distribution.set_default_validate_args(False)``)."""

    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__
    arg_constraints: dict = {}
    support: constraints.Constraint | None = None

    @staticmethod
    def set_default_validate_args(value):
        if value not in (True, False):
            raise ValueError
        Distribution._validate_args = value

    def __init__(self, batch_shape=_NO_SHAPE, event_shape=_NO_SHAPE, validate_args=None):
        self._batch_shape = Size(batch_shape)
        self._event_shape = Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            for param, constraint in self.arg_constraints.items():
                if constraint is constraints.dependent or param not in self.__dict__:
                    continue  # dependent, or a lazily computed form of another parameter
                value = getattr(self, param)
                if not bool(constraint.check(value).all()):
                    raise _invalid(
                        f"parameter {param}",
                        value,
                        f"of distribution {self!r} to satisfy the constraint {constraint!r}",
                    )

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def event_shape(self):
        return self._event_shape

    @property
    def mean(self):
        raise NotImplementedError

    @property
    def mode(self):
        raise NotImplementedError(f"{type(self)} does not implement mode")

    @property
    def variance(self):
        raise NotImplementedError

    @property
    def stddev(self):
        return self.variance.sqrt()

    def sample(self, sample_shape=_NO_SHAPE):
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=_NO_SHAPE):
        raise NotImplementedError

    def sample_n(self, n):
        return self.sample(Size((n,)))

    def log_prob(self, value):
        raise NotImplementedError

    def cdf(self, value):
        raise NotImplementedError

    def entropy(self):
        raise NotImplementedError

    def perplexity(self):
        return self.entropy().exp()

    def _extended_shape(self, sample_shape=_NO_SHAPE):
        if not isinstance(sample_shape, Size):
            sample_shape = Size(sample_shape)
        return Size(tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape))

    def _validate_sample(self, value):
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_dim_start = len(value.size()) - len(self._event_shape)
        if value.size()[event_dim_start:] != self._event_shape:
            raise ValueError(
                f"The right-most size of value must match event_shape: {Size(value.size())!r} "
                f"vs {self._event_shape!r}."
            )
        actual_shape = value.size()
        expected_shape = tuple(self._batch_shape) + tuple(self._event_shape)
        for i, j in zip(reversed(actual_shape), reversed(expected_shape)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(
                    f"Value is not broadcastable with batch_shape+event_shape: "
                    f"{Size(actual_shape)!r} vs {Size(expected_shape)!r}."
                )
        support = self.support
        if not bool(support.check(value).all()):
            raise _invalid(
                "value argument",
                value,
                f"to be within the support ({support!r}) of the distribution {self!r}",
            )

    def __repr__(self):
        names = [k for k in self.arg_constraints if k in self.__dict__]
        values = [self.__dict__[p] for p in names]
        shown = ", ".join(
            f"{p}: {v if v.numel() == 1 else v.size()}" for p, v in zip(names, values)
        )
        return f"{type(self).__name__}({shown})"
