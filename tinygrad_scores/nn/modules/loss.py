"""``torch.nn.modules.loss``: PyTorch's module path for these classes."""

from ..._missing import module_getattr as _module_getattr
from ..loss import (  # noqa: F401
    BCELoss,
    BCEWithLogitsLoss,
    CosineEmbeddingLoss,
    CrossEntropyLoss,
    GaussianNLLLoss,
    HingeEmbeddingLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MarginRankingLoss,
    MSELoss,
    NLLLoss,
    PoissonNLLLoss,
    SmoothL1Loss,
    SoftMarginLoss,
    TripletMarginLoss,
    _Loss,
    _WeightedLoss,
)

__getattr__ = _module_getattr(__name__, "torch.nn.modules.loss")
