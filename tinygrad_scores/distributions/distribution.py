"""``Distribution``: the base class, its shapes, and argument validation as PyTorch's."""

import warnings

from .. import function_forms as fn
from ..autograd import no_grad
from ..tensor import Size, Tensor
from . import constraints
from .utils import _extended, lazy_property


def _invalid(subject, value, wanted):
    """PyTorch's ValueError for a parameter or a value outside its constraint."""
    return ValueError(
        f"Expected {subject} ({type(value).__name__} of shape {tuple(value.shape)}) "
        f"{wanted}, but found invalid values:\n{value}"
    )


class Distribution:
    """A batch of probability distributions of shape ``batch_shape``, each over values
    of shape ``event_shape``. With ``validate_args`` (on by default, as PyTorch, unless
    Python runs with -O) parameters and scored values are checked, with ValueError."""

    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__

    @staticmethod
    def set_default_validate_args(value):
        if value not in [True, False]:
            raise ValueError
        Distribution._validate_args = value

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape = Size(batch_shape)
        self._event_shape = Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            self._check_parameters()

    def _check_parameters(self):
        try:
            arg_constraints = self.arg_constraints
        except NotImplementedError:
            arg_constraints = {}
            warnings.warn(
                f"{self.__class__} does not define `arg_constraints`. Please set "
                "`arg_constraints = {}` or initialize the distribution with "
                "`validate_args=False` to turn off validation.",
                stacklevel=3,
            )
        for param, constraint in arg_constraints.items():
            if constraints.is_dependent(constraint):
                continue
            if param not in self.__dict__ and isinstance(getattr(type(self), param), lazy_property):
                continue  # a lazily computed parameter: the given one was checked
            value = getattr(self, param)
            if not constraints._all_true(constraint.check(value)):
                wanted = f"of distribution {self!r} to satisfy the constraint {constraint!r}"
                raise _invalid(f"parameter {param}", value, wanted)

    def expand(self, batch_shape, _instance=None):
        raise NotImplementedError

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def event_shape(self):
        return self._event_shape

    @property
    def arg_constraints(self):
        raise NotImplementedError

    @property
    def support(self):
        raise NotImplementedError

    @property
    def mean(self):
        raise NotImplementedError

    @property
    def mode(self):
        raise NotImplementedError(f"{self.__class__} does not implement mode")

    @property
    def variance(self):
        raise NotImplementedError

    @property
    def stddev(self):
        return self.variance.sqrt()

    def sample(self, sample_shape=()):
        """A sample of shape ``sample_shape + batch_shape + event_shape``, no graph."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        """A reparameterized sample: differentiable in the parameters."""
        raise NotImplementedError

    def sample_n(self, n):
        warnings.warn(
            "`sample_n(n)` will be deprecated. Use `sample((n,))` instead.",
            FutureWarning,
            stacklevel=2,
        )
        return self.sample(Size((n,)))

    def log_prob(self, value):
        raise NotImplementedError

    def cdf(self, value):
        raise NotImplementedError

    def icdf(self, value):
        raise NotImplementedError

    def enumerate_support(self, expand=True):
        raise NotImplementedError

    def entropy(self):
        raise NotImplementedError

    def perplexity(self):
        return fn.exp(self.entropy())

    def _extended_shape(self, sample_shape=()):
        return _extended(sample_shape, self._batch_shape, self._event_shape)

    def _validate_sample(self, value):
        """ValueError unless ``value`` is a tensor whose right-most dimensions broadcast
        with batch_shape + event_shape and whose elements lie in the support."""
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_start = value.dim() - len(self._event_shape)
        if Size(value.shape[event_start:]) != self._event_shape:
            raise ValueError(
                "The right-most size of value must match event_shape: "
                f"{value.shape} vs {self._event_shape}."
            )
        expected = self._extended_shape()
        for i, j in zip(reversed(value.shape), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(
                    "Value is not broadcastable with batch_shape+event_shape: "
                    f"{value.shape} vs {expected}."
                )
        try:
            support = self.support
        except NotImplementedError:
            warnings.warn(
                f"{self.__class__} does not define `support` to enable sample validation. "
                "Please initialize the distribution with `validate_args=False` to turn "
                "off validation.",
                stacklevel=3,
            )
            return
        if not constraints._all_true(support.check(value)):
            wanted = f"to be within the support ({support!r}) of the distribution {self!r}"
            raise _invalid("value argument", value, wanted)

    def _get_checked_instance(self, cls, _instance=None):
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(
                f"Subclass {self.__class__.__name__} of {cls.__name__} that defines a "
                "custom __init__ method must also define a custom .expand() method."
            )
        return self.__new__(type(self)) if _instance is None else _instance

    def _expanded(self, cls, batch_shape, _instance, **parameters):
        """``expand``'s common part: a new instance with the given (already expanded)
        parameters, the new batch shape, and this one's validation setting."""
        new = self._get_checked_instance(cls, _instance)
        new.__dict__.update(parameters)
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def __repr__(self):
        names = [k for k in self.arg_constraints if k in self.__dict__]
        shown = [
            f"{p}: {self.__dict__[p] if self.__dict__[p].numel() == 1 else self.__dict__[p].size()}"
            for p in names
        ]
        return self.__class__.__name__ + "(" + ", ".join(shown) + ")"
