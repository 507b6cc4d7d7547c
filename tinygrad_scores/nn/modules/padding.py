"""``torch.nn.modules.padding``: PyTorch's module path for these classes."""

from ..._missing import module_getattr as _module_getattr
from ..padding import (  # noqa: F401
    CircularPad1d,
    CircularPad2d,
    ConstantPad1d,
    ConstantPad2d,
    ReflectionPad1d,
    ReflectionPad2d,
    ReplicationPad1d,
    ReplicationPad2d,
    ZeroPad1d,
    ZeroPad2d,
)

__getattr__ = _module_getattr(__name__, "torch.nn.modules.padding")
