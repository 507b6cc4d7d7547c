"""``torch.utils``: ``torch.utils.data`` (datasets and the DataLoader)."""

from .._missing import module_getattr
from . import data  # noqa: F401

__getattr__ = module_getattr(__name__, "torch.utils")
