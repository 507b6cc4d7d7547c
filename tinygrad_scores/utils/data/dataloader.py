"""``torch.utils.data.dataloader``: PyTorch's module path for these names."""

from ..._missing import module_getattr as _module_getattr
from ...data import (  # noqa: F401
    DataLoader,
    default_collate,
    default_convert,
)

__getattr__ = _module_getattr(__name__, "torch.utils.data.dataloader")
