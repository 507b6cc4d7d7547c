"""``torch.nn.modules.activation``: PyTorch's module path for these classes."""

from ..._missing import module_getattr as _module_getattr
from ..attention import MultiheadAttention  # noqa: F401
from ..layers import (  # noqa: F401
    CELU,
    ELU,
    GELU,
    GLU,
    SELU,
    Hardshrink,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    PReLU,
    ReLU,
    ReLU6,
    RReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softmax2d,
    Softmin,
    Softplus,
    Softshrink,
    Softsign,
    Tanh,
    Tanhshrink,
    Threshold,
)

__getattr__ = _module_getattr(__name__, "torch.nn.modules.activation")
