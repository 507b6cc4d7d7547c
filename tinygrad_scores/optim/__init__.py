"""Optimizers with PyTorch's names (``import tinygrad_scores.optim as optim``).

SGD (with momentum), Adam and AdamW update each parameter in one pass of a fused kernel
(kernels/optim.py); RMSprop, Adagrad, Adamax, NAdam and RAdam in a few in-place NumPy
passes. Learning-rate schedules are in ``optim.lr_scheduler``.
"""

from .._missing import module_getattr
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adam_variants import Adamax, NAdam, RAdam
from .lbfgs import LBFGS
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = [
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "RMSprop",
    "Adagrad",
    "Adadelta",
    "LBFGS",
    "Adamax",
    "NAdam",
    "RAdam",
    "lr_scheduler",
]

__getattr__ = module_getattr(__name__, "torch.optim")  # a PyTorch name not provided here
