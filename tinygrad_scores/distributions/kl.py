"""``kl_divergence(p, q)`` and ``register_kl``: KL(p || q) looked up by the two types,
the most specific registered pair winning (PyTorch's dispatch)."""

import math
import warnings
from functools import total_ordering

from .. import function_forms as fn
from ..nn import functional as F
from .bernoulli import Bernoulli
from .categorical import Categorical, OneHotCategorical
from .distribution import Distribution
from .independent import Independent
from .multivariate_normal import MultivariateNormal, _half_log_det, _solve_lower
from .normal import Normal
from .uniform import Uniform
from .utils import _sum_rightmost

_KL_REGISTRY = {}  # (type_p, type_q) -> function
_KL_MEMOIZE = {}  # the dispatch answer per pair of concrete types


def register_kl(type_p, type_q):
    """Decorator: ``@register_kl(Normal, Normal) def kl(p, q): ...``."""
    for name, cls in (("type_p", type_p), ("type_q", type_q)):
        if not (isinstance(cls, type) and issubclass(cls, Distribution)):
            raise TypeError(f"Expected {name} to be a Distribution subclass but got {cls}")

    def decorator(fun):
        _KL_REGISTRY[type_p, type_q] = fun
        _KL_MEMOIZE.clear()  # a new pair may change the lookup
        return fun

    return decorator


@total_ordering
class _Match:
    """A registered pair, ordered so that the more specific pair is the smaller."""

    __slots__ = ["types"]

    def __init__(self, *types):
        self.types = types

    def __eq__(self, other):
        return self.types == other.types

    def __le__(self, other):
        for x, y in zip(self.types, other.types):
            if not issubclass(x, y):
                return False
            if x is not y:
                break
        return True


def _dispatch_kl(type_p, type_q):
    """The most specific registered pair for these types (single inheritance), warning
    when the p-first and q-first orders disagree."""
    matches = [(p, q) for p, q in _KL_REGISTRY if issubclass(type_p, p) and issubclass(type_q, q)]
    if not matches:
        return NotImplemented
    left_p, left_q = min(_Match(*m) for m in matches).types
    right_q, right_p = min(_Match(*reversed(m)) for m in matches).types
    left_fun, right_fun = _KL_REGISTRY[left_p, left_q], _KL_REGISTRY[right_p, right_q]
    if left_fun is not right_fun:
        warnings.warn(
            f"Ambiguous kl_divergence({type_p.__name__}, {type_q.__name__}). "
            f"Please register_kl({left_p.__name__}, {right_q.__name__})",
            RuntimeWarning,
            stacklevel=2,
        )
    return left_fun


def kl_divergence(p, q):
    """KL(p || q) = E_p[log p(x) - log q(x)], one value per batch element."""
    key = type(p), type(q)
    if key not in _KL_MEMOIZE:
        _KL_MEMOIZE[key] = _dispatch_kl(*key)
    fun = _KL_MEMOIZE[key]
    if fun is NotImplemented:
        raise NotImplementedError(
            f"No KL(p || q) is implemented for p type {p.__class__.__name__} and "
            f"q type {q.__class__.__name__}"
        )
    return fun(p, q)


@register_kl(Normal, Normal)
def _kl_normal_normal(p, q):
    """1/2 (r + ((mu_p - mu_q) / s_q)**2 - 1 - log r), r = (s_p / s_q)**2."""
    var_ratio = (p.scale / q.scale).pow(2)
    t1 = ((p.loc - q.loc) / q.scale).pow(2)
    return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p, q):
    """p log(p / q) + (1 - p) log((1 - p) / (1 - q)) through softplus of the logits;
    a term is 0 where its p-weight is 0 and inf where q gives it no mass."""
    t1 = p.probs * (F.softplus(-q.logits) - F.softplus(-p.logits))
    t1 = fn.where(p.probs == 0, 0.0, fn.where(q.probs == 0, math.inf, t1))
    t2 = (1 - p.probs) * (F.softplus(q.logits) - F.softplus(p.logits))
    t2 = fn.where(p.probs == 1, 0.0, fn.where(q.probs == 1, math.inf, t2))
    return t1 + t2


def _masked_categorical_terms(p, q):
    t = p.probs * (p.logits - q.logits)
    t = fn.where((q.probs == 0).expand_as(t), math.inf, t)
    return fn.where((p.probs == 0).expand_as(t), 0.0, t)


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p, q):
    """sum_k p_k (log p_k - log q_k): 0 for p_k = 0, inf where q_k = 0 < p_k."""
    return _masked_categorical_terms(p, q).sum(-1)


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_onehotcategorical_onehotcategorical(p, q):
    return _kl_categorical_categorical(p._categorical, q._categorical)


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p, q):
    """log((high_q - low_q) / (high_p - low_p)), inf unless [low_p, high_p] lies in q's."""
    result = ((q.high - q.low) / (p.high - p.low)).log()
    return fn.where((q.low > p.low) | (q.high < p.high), math.inf, result)


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_multivariatenormal_multivariatenormal(p, q):
    """1/2 (tr(S_q^-1 S_p) + |L_q^-1 (mu_q - mu_p)|**2 - n) + log|L_q| - log|L_p|, the
    trace as the squared entries of L_q^-1 L_p."""
    if p.event_shape != q.event_shape:
        raise ValueError(
            "KL-divergence between two Multivariate Normals with different event shapes "
            "cannot be computed"
        )
    lp, lq = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
    half_term1 = _half_log_det(lq) - _half_log_det(lp)
    # the columns of L_p as a batch: rows of L_q^-1 L_p's transpose
    term2 = _solve_lower(lq.unsqueeze(-3), lp.transpose(-1, -2)).pow(2).sum((-2, -1))
    term3 = _solve_lower(lq, q.loc - p.loc).pow(2).sum(-1)
    return half_term1 + 0.5 * (term2 + term3 - p.event_shape[0])


@register_kl(Independent, Independent)
def _kl_independent_independent(p, q):
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError
    result = kl_divergence(p.base_dist, q.base_dist)
    return _sum_rightmost(result, p.reinterpreted_batch_ndims)
