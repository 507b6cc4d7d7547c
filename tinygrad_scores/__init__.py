"""tinygrad_scores: a small autograd engine with Numba kernels and PyTorch's API.

    import tinygrad_scores as torch
    import tinygrad_scores.nn as nn

Start reading at ``Tensor.backward`` (tensor.py) -> ``backward`` (autograd.py) ->
one ``Function.backward`` (functions/) -> its kernel (kernels/).
"""
from . import dtypes
from .autograd import (Function, detect_anomaly, enable_grad, inference_mode,
                       is_grad_enabled, no_grad, set_grad_enabled, trace)
from .creation import *  # noqa: F401,F403
from .device import device
from .dtypes import (bool_, dtype, finfo, float16, float32, float64, get_default_dtype, iinfo,
                     int8, int16, int32, int64, set_default_dtype, uint8)
from .gradcheck import gradcheck
from .kernels import set_kernels, set_quiet  # kernel floor: "fast" or "loops"; quiet compile
from .random import Generator, default_generator, manual_seed
from .serialization import load, save
from .tensor import Size, Tensor

float = float32   # noqa: A001  (torch.float is float32)
double = float64
half = float16
long = int64
int = int32       # noqa: A001
short = int16
bool = bool_      # noqa: A001

__version__ = "0.1.0"


def _unary(name):
    def fn(t, *args, **kwargs):
        return getattr(t, name)(*args, **kwargs)
    fn.__name__ = name
    fn.__doc__ = f"Function form of ``Tensor.{name}``."
    return fn


exp, log, sqrt, abs, relu, sigmoid, tanh = (_unary(n) for n in  # noqa: A001
                                            ("exp", "log", "sqrt", "abs", "relu", "sigmoid", "tanh"))
sum, mean, max, argmax = (_unary(n) for n in ("sum", "mean", "max", "argmax"))  # noqa: A001
softmax, log_softmax = _unary("softmax"), _unary("log_softmax")
reshape, transpose, permute, flatten = (_unary(n) for n in ("reshape", "transpose", "permute", "flatten"))
matmul, mm = _unary("matmul"), _unary("mm")
