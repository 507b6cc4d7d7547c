"""``torch.utils.data.sampler``: PyTorch's module path for these names."""

from ..._missing import module_getattr as _module_getattr
from ...samplers import *  # noqa: F403
from ...samplers import __all__  # noqa: F401

__getattr__ = _module_getattr(__name__, "torch.utils.data.sampler")
