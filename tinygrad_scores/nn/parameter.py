"""``torch.nn.parameter``: PyTorch's module path for ``Parameter``."""

from .._missing import module_getattr as _module_getattr
from .module import Parameter  # noqa: F401

__getattr__ = _module_getattr(__name__, "torch.nn.parameter")
