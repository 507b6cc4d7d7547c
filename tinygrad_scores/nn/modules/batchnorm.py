"""``torch.nn.modules.batchnorm``: PyTorch's module path for these classes."""

from ..._missing import module_getattr as _module_getattr
from ..layers import (  # noqa: F401
    BatchNorm1d,
    _BatchNorm,
)
from ..pooling import BatchNorm2d  # noqa: F401

__getattr__ = _module_getattr(__name__, "torch.nn.modules.batchnorm")
