"""``Uniform(low, high)``: constant density on [low, high), reparameterisable."""

from __future__ import annotations

import numbers

from .. import creation
from ..tensor import Size
from . import constraints
from .distribution import _NO_SHAPE, Distribution, _invalid, broadcast_all


class Uniform(Distribution):
    """log_prob(x) = -log(high - low) on [low, high), -inf outside; rsample = low + u (high -
    low), u ~ U(0, 1), so d rsample / d low = 1 - u and d rsample / d high = u."""

    arg_constraints = {"low": constraints.dependent, "high": constraints.dependent}
    has_rsample = True

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = broadcast_all(low, high)
        scalar = isinstance(low, numbers.Number) and isinstance(high, numbers.Number)
        super().__init__(Size() if scalar else self.low.size(), validate_args=validate_args)
        if self._validate_args and not bool((self.low < self.high).all()):
            bound = self.high if self.high.numel() == 1 else self.high.size()
            raise _invalid(
                "parameter low",
                self.low,
                f"of distribution {self!r} to satisfy the constraint LessThan(upper_bound={bound})",
            )

    @property
    def support(self):
        return constraints.interval(self.low, self.high)

    @property
    def mean(self):
        return (self.high + self.low) / 2

    @property
    def mode(self):
        return self.high * float("nan")

    @property
    def stddev(self):
        return (self.high - self.low) / 12**0.5

    @property
    def variance(self):
        return (self.high - self.low).pow(2) / 12

    def rsample(self, sample_shape=_NO_SHAPE):
        shape = self._extended_shape(sample_shape)
        rand = creation.rand(shape, dtype=self.low.dtype)
        return self.low + rand * (self.high - self.low)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        lb = self.low.le(value).type_as(self.low)
        ub = self.high.gt(value).type_as(self.low)
        return lb.mul(ub).log() - (self.high - self.low).log()

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        result = (value - self.low) / (self.high - self.low)
        return result.clamp(min=0, max=1)

    def entropy(self):
        return (self.high - self.low).log()
