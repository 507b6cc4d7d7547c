"""``torch.nn.modules.pooling``: PyTorch's module path for these classes."""

from ..._missing import module_getattr as _module_getattr
from ..pooling import (  # noqa: F401
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AdaptiveMaxPool1d,
    AdaptiveMaxPool2d,
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
    MaxPool2d,
    MaxUnpool2d,
    _MaxPoolNd,
)

__getattr__ = _module_getattr(__name__, "torch.nn.modules.pooling")
