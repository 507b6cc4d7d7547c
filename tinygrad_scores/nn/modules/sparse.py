"""``torch.nn.modules.sparse``: PyTorch's module path for these classes."""

from ..._missing import module_getattr as _module_getattr
from ..layers import (  # noqa: F401
    Embedding,
    EmbeddingBag,
)

__getattr__ = _module_getattr(__name__, "torch.nn.modules.sparse")
