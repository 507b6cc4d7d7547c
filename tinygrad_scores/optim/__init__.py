"""Optimizers with PyTorch's names (``import tinygrad_scores.optim as optim``).

In order of increasing complexity: SGD (with momentum), Adam, AdamW. Each update is
one pass of a fused kernel over each parameter (kernels/optim.py)."""
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW"]
