"""``torch.utils.data``: the names of ``tinygrad_scores.data`` under PyTorch's path, so
``from tinygrad_scores.utils.data import DataLoader, TensorDataset`` works; ``dataloader``,
``dataset`` and ``sampler`` are PyTorch's module paths for them."""

from ..._missing import module_getattr
from ...data import *  # noqa: F401,F403
from ...data import __all__  # noqa: F401
from . import dataloader, dataset, sampler  # noqa: F401  (PyTorch's module paths)

__getattr__ = module_getattr(__name__, "torch.utils.data")
