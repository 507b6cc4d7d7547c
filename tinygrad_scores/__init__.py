"""tinygrad_scores: a small autograd engine with Numba kernels and PyTorch's API.

    import tinygrad_scores as torch
    import tinygrad_scores.nn as nn

Start reading at ``Tensor.backward`` (tensor.py) -> ``backward`` (autograd.py) ->
one ``Function.backward`` (functions/) -> its kernel (kernels/).

As with ``import torch``, importing the package alone gives ``nn``, ``nn.functional``,
``optim``, ``optim.lr_scheduler``, ``utils.data``, ``autograd``, ``cuda`` and
``backends``. A PyTorch name that is not provided raises
``NotImplementedError: tinygrad_scores has no torch.<name>`` (docs/pytorch-coverage.md
lists what exists).
"""

import math as _math
import numbers as _numbers
import sys as _sys
import warnings as _warnings

# PyTorch computes 1/0, log(0) and exp(1000) silently; NumPy warns. Its floating-point
# warnings are silenced where this package's own code does the arithmetic (a user's NumPy
# code keeps them): a filter costs nothing until a warning is raised, np.errstate ~1 us.
_warnings.filterwarnings(
    "ignore",
    message=r"(divide by zero|invalid value|overflow|underflow) encountered",
    category=RuntimeWarning,
    module=r"tinygrad_scores(\.|$)",
)

from . import dtypes
from .autograd import (
    Function,
    detect_anomaly,
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_detect_anomaly,
    set_grad_enabled,
)
from .compiling import compile  # noqa: A004  (capture and replay a training step)
from .creation import *  # noqa: F401,F403
from .device import device, get_default_device, set_default_device
from .dtypes import (
    bfloat16,
    bool_,
    can_cast,
    dtype,
    finfo,
    float16,
    float32,
    float64,
    get_default_dtype,
    iinfo,
    int8,
    int16,
    int32,
    int64,
    set_default_dtype,
    uint8,
)
from .formatting import get_printoptions, set_printoptions
from .function_forms import *  # noqa: F401,F403
from .gradcheck import gradcheck
from .kernels import set_kernels, set_quiet  # kernel floor: "fast" or "loops"; quiet compile
from .legacy import (
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
)
from .linalg_forms import *  # noqa: F401,F403  (torch.det, torch.inverse, torch.svd, ...)
from .random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from .serialization import load, save
from .tensor import Size, Tensor

float = float32  # noqa: A001  (torch.float is float32)
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16
bool = bool_  # noqa: A001

pi = _math.pi  # torch.pi
e = _math.e  # torch.e
inf = _math.inf  # torch.inf
nan = _math.nan  # torch.nan
newaxis = None  # torch.newaxis

__version__ = "0.2.0"


def trace(input=None, *args, **kwargs):
    """``torch.trace(matrix)``: the sum of the diagonal. Called without a tensor it is the
    study tool ``autograd.trace`` (``with tinygrad_scores.trace(): loss.backward()``)."""
    if isinstance(input, Tensor):
        return input.trace()
    return autograd.trace(*(() if input is None else (input,)), *args, **kwargs)


def result_type(tensor1, tensor2):
    """The dtype PyTorch's promotion gives an op on these two (tensors or numbers)."""
    return dtypes.as_dtype(dtypes.result_type(tensor1, tensor2))


def promote_types(type1, type2):
    t1, t2 = dtypes.as_dtype(type1), dtypes.as_dtype(type2)
    return dtypes.as_dtype(dtypes._promote((), (), (t1.dtype, t2.dtype)))


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Accepted: every kernel here is deterministic already."""
    global _deterministic
    _deterministic = mode is True or mode == 1  # `bool` here is the dtype


_deterministic = False


def are_deterministic_algorithms_enabled():
    return _deterministic


_interop_threads = [1]


def set_num_interop_threads(n):
    """Accepted and read back: no op here runs on an inter-op thread pool."""
    if not isinstance(n, _numbers.Integral) or n is True or n is False or n <= 0:
        raise RuntimeError("Expected positive number of threads")
    _interop_threads[0] = n


def get_num_interop_threads():
    return _interop_threads[0]


# the sub-packages `import torch` brings along; last, since they import the names above
from . import autograd, backends, cuda, nn, optim, return_types, utils  # noqa: E402  # noqa: E402,F401
from .nn import functional as _functional  # noqa: E402,F401
from .nn import init as _init  # noqa: E402,F401
from .nn.functional import (  # noqa: E402,F401  (torch.selu, torch.relu_, ...: F's functions)
    celu,
    celu_,
    prelu,
    relu_,
    rrelu,
    rrelu_,
    selu,
    selu_,
    threshold,
    threshold_,
)
from .optim import lr_scheduler as _lr_scheduler  # noqa: E402,F401
from .utils import data as _data  # noqa: E402,F401


def dropout(input, p=0.5, train=True):
    """``torch.dropout``: ``nn.functional.dropout`` under the function form's arguments
    (defined here, above ``nn``, so the function forms need not import it)."""
    return _functional.dropout(input, p, train)


autograd.gradcheck = gradcheck  # type: ignore[attr-defined]  # torch.autograd.gradcheck
from . import autograd_function as _autograd_function  # noqa: E402
from . import autograd_functional as _autograd_functional  # noqa: E402
from . import func  # noqa: E402,F401  (torch.func)
from .func import vmap  # noqa: E402,F401  (torch.vmap)
from .gradcheck import gradgradcheck as _gradgradcheck  # noqa: E402

autograd.gradgradcheck = _gradgradcheck  # type: ignore[attr-defined]
autograd.functional = _autograd_functional  # type: ignore[attr-defined]
autograd.function = _autograd_function  # type: ignore[attr-defined]
# importable by PyTorch's dotted names too: from tinygrad_scores.autograd.functional import ...
_sys.modules[__name__ + ".autograd.functional"] = _autograd_functional
_sys.modules[__name__ + ".autograd.function"] = _autograd_function
from .legacy import Variable as _Variable  # noqa: E402

autograd.Variable = _Variable  # type: ignore[attr-defined]  # torch.autograd.Variable

# torch.amp, torch.cuda.amp, torch.testing, torch.version
from . import amp, cuda_amp, testing, version  # noqa: E402,F401
from .amp import autocast  # noqa: E402,F401  (torch.autocast)
from .backends.cuda import (  # noqa: E402,F401
    get_float32_matmul_precision,
    set_float32_matmul_precision,
)
from .function_forms_extra import cosine_similarity, isin, logit  # noqa: E402,F401

version.__version__ = __version__  # type: ignore[attr-defined]
cuda.amp = cuda_amp  # type: ignore[attr-defined]
_sys.modules[__name__ + ".cuda.amp"] = cuda_amp

from . import accelerator, linalg, onnx  # noqa: E402,F401  (torch.accelerator, .linalg, .onnx)
from ._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__, "torch")


from . import distributions  # noqa: E402,F401  (after nn, which it uses)
