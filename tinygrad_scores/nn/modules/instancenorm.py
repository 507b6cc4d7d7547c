"""``torch.nn.modules.instancenorm``: PyTorch's module path for these classes."""

from ..._missing import module_getattr as _module_getattr
from ..pooling import (  # noqa: F401
    InstanceNorm1d,
    InstanceNorm2d,
)

__getattr__ = _module_getattr(__name__, "torch.nn.modules.instancenorm")
