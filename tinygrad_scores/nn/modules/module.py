"""``torch.nn.modules.module``: PyTorch's module path for these classes."""

from ..._missing import module_getattr as _module_getattr
from ..module import (  # noqa: F401
    Module,
)

__getattr__ = _module_getattr(__name__, "torch.nn.modules.module")
