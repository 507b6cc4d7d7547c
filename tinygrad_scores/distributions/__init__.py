"""``torch.distributions``: Categorical, Normal, Bernoulli, Uniform, Independent and
``kl_divergence``, on the package's tensor ops (so log-probabilities, entropies and
reparameterised samples are differentiable) and its PyTorch-matching random streams (so a
seeded program draws PyTorch's samples). Other distributions raise NotImplementedError."""

from .._missing import module_getattr
from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .independent import Independent
from .kl import kl_divergence, register_kl
from .normal import Normal
from .uniform import Uniform

__all__ = [
    "Bernoulli",
    "Categorical",
    "Distribution",
    "Independent",
    "Normal",
    "Uniform",
    "constraints",
    "kl_divergence",
    "register_kl",
]

__getattr__ = module_getattr(__name__, "torch.distributions")
