"""``torch.distributions``: probability distributions with PyTorch's names, shapes,
argument checks and, for the same seed, PyTorch's samples.

    import tinygrad_scores.distributions as D
    dist = D.Categorical(logits=scores)
    action = dist.sample()
    loss = -(dist.log_prob(action) * reward).mean()

``log_prob``, ``entropy``, ``rsample`` and ``kl_divergence`` are compositions of the
package's differentiable ops, so they have gradients (of any order)."""

from . import constraints, kl  # noqa: F401  (torch.distributions.kl, as PyTorch)
from .bernoulli import Bernoulli
from .categorical import Categorical, OneHotCategorical
from .distribution import Distribution
from .independent import Independent
from .kl import kl_divergence, register_kl
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .uniform import Uniform

__all__ = [
    "Bernoulli",
    "Categorical",
    "Distribution",
    "Independent",
    "MultivariateNormal",
    "Normal",
    "OneHotCategorical",
    "Uniform",
    "constraints",
    "kl_divergence",
    "register_kl",
]
