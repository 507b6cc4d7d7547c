"""``torch.nn.modules.fold``: PyTorch's module path for these classes."""

from ..._missing import module_getattr as _module_getattr
from ..conv import (  # noqa: F401
    Fold,
    Unfold,
)

__getattr__ = _module_getattr(__name__, "torch.nn.modules.fold")
