"""``torch.utils.data.dataset``: PyTorch's module path for these names."""

from ..._missing import module_getattr
from ...data import (  # noqa: F401
    ConcatDataset,
    Dataset,
    Subset,
    TensorDataset,
    random_split,
)

__getattr__ = module_getattr(__name__, "torch.utils.data.dataset")
