"""``torch.nn.modules.conv``: PyTorch's module path for these classes."""

from ..._missing import module_getattr as _module_getattr
from ..conv import (  # noqa: F401
    Conv1d,
    Conv2d,
    ConvTranspose1d,
    ConvTranspose2d,
    _ConvNd,
    _ConvTransposeNd,
)

__getattr__ = _module_getattr(__name__, "torch.nn.modules.conv")
