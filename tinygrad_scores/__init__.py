"""tinygrad_scores: a small autograd engine with Numba kernels and PyTorch's API.

    import tinygrad_scores as torch
    import tinygrad_scores.nn as nn

Start reading at ``Tensor.backward`` (tensor.py) -> ``backward`` (autograd.py) ->
one ``Function.backward`` (functions.py) -> its kernel (kernels/).
"""
from .autograd import (Function, detect_anomaly, enable_grad, is_grad_enabled, no_grad,
                       set_grad_enabled, trace)
from .gradcheck import gradcheck
from .serialization import load, save
from .tensor import (Generator, Size, Tensor, arange, bool_, cat, default_generator, empty,
                     float32, float64, from_numpy, full, get_default_dtype, int32, int64,
                     manual_seed, ones, ones_like, rand, randint, randn, randperm, stack, tensor,
                     zeros, zeros_like)

float = float32   # noqa: A001  (torch.float is float32)
double = float64
long = int64
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
