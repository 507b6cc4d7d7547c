"""``torch.utils.data.sampler``: PyTorch's module path for these names."""

from ..._missing import module_getattr
from ...samplers import (  # noqa: F401
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

__getattr__ = module_getattr(__name__, "torch.utils.data.sampler")
