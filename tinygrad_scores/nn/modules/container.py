"""``torch.nn.modules.container``: PyTorch's module path for these classes."""

from ..._missing import module_getattr as _module_getattr
from ..container import (  # noqa: F401
    ModuleDict,
    ModuleList,
    ParameterDict,
    ParameterList,
    Sequential,
)

__getattr__ = _module_getattr(__name__, "torch.nn.modules.container")
