"""Neural-network building blocks with PyTorch's names (``import tinygrad_scores.nn as nn``)."""

from . import functional, init, utils
from .container import ModuleDict, ModuleList, Sequential
from .layers import (
    ELU,
    GELU,
    BatchNorm1d,
    Dropout,
    Embedding,
    EmbeddingBag,
    Flatten,
    Hardtanh,
    Identity,
    LayerNorm,
    LeakyReLU,
    Linear,
    LogSoftmax,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Tanh,
    Unflatten,
)
from .loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import Module, Parameter

__all__ = [
    "Module",
    "Parameter",
    "Sequential",
    "ModuleList",
    "ModuleDict",
    "Linear",
    "Identity",
    "Flatten",
    "Unflatten",
    "Dropout",
    "BatchNorm1d",
    "LayerNorm",
    "Embedding",
    "EmbeddingBag",
    "ReLU",
    "ReLU6",
    "LeakyReLU",
    "ELU",
    "GELU",
    "SiLU",
    "Softplus",
    "Hardtanh",
    "Sigmoid",
    "Tanh",
    "Softmax",
    "LogSoftmax",
    "CrossEntropyLoss",
    "NLLLoss",
    "MSELoss",
    "L1Loss",
    "SmoothL1Loss",
    "HuberLoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "KLDivLoss",
    "functional",
    "init",
    "utils",
]


from .._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__, "torch.nn")  # a PyTorch name not provided here
