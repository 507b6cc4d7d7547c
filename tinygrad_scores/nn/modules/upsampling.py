"""``torch.nn.modules.upsampling``: PyTorch's module path for these classes."""

from ..._missing import module_getattr as _module_getattr
from ..padding import UpsamplingBilinear2d, UpsamplingNearest2d  # noqa: F401
from ..pooling import (  # noqa: F401
    Upsample,
)

__getattr__ = _module_getattr(__name__, "torch.nn.modules.upsampling")
