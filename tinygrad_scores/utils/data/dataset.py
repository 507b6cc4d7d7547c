"""``torch.utils.data.dataset``: PyTorch's module path for these names."""

from ..._missing import module_getattr as _module_getattr
from ...data import (  # noqa: F401
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
)

__getattr__ = _module_getattr(__name__, "torch.utils.data.dataset")
