"""``nn.utils``: gradient clipping and flattening parameters into one vector."""

from ..._missing import module_getattr
from . import rnn
from .clip_grad import clip_grad_norm_, clip_grad_value_
from .convert_parameters import parameters_to_vector, vector_to_parameters

__all__ = [
    "clip_grad_norm_",
    "clip_grad_value_",
    "parameters_to_vector",
    "vector_to_parameters",
    "rnn",
]

__getattr__ = module_getattr(__name__, "torch.nn.utils")  # weight_norm, prune, ...: say so
