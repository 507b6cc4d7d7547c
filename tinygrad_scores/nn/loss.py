"""Loss modules: thin wrappers over ``nn.functional``."""
from . import functional as F
from .module import Module


class CrossEntropyLoss(Module):
    """Cross-entropy of logits (N, C) against class indices (N,), fused with softmax."""

    def __init__(self, weight=None, ignore_index=-100, reduction="mean"):
        super().__init__()
        F._check_reduction(reduction)
        self.weight = weight
        self.ignore_index = ignore_index
        self.reduction = reduction

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction)


class NLLLoss(CrossEntropyLoss):
    """Negative log-likelihood of log-probabilities (use after LogSoftmax)."""

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class MSELoss(Module):
    """Mean squared error between input and target of the same shape."""

    def __init__(self, reduction="mean"):
        super().__init__()
        F._check_reduction(reduction)
        self.reduction = reduction

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)
