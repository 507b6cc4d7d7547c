"""``nn.utils``: gradient clipping, flattening parameters into one vector, weight_norm."""

from ..._missing import module_getattr
from . import rnn
from .clip_grad import clip_grad_norm_, clip_grad_value_
from .convert_parameters import parameters_to_vector, vector_to_parameters
from .weight_norm import remove_weight_norm, weight_norm

__all__ = [
    "clip_grad_norm_",
    "clip_grad_value_",
    "parameters_to_vector",
    "vector_to_parameters",
    "rnn",
    "weight_norm",
    "remove_weight_norm",
]

__getattr__ = module_getattr(__name__, "torch.nn.utils")  # weight_norm, prune, ...: say so
