"""``torch.nn.modules.transformer``: PyTorch's module path for these classes."""

from ..._missing import module_getattr as _module_getattr
from ..transformer import (  # noqa: F401
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
)

__getattr__ = _module_getattr(__name__, "torch.nn.modules.transformer")
