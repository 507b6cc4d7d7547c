"""Every differentiable operation, one class each: forward and backward side by side.

Each is an ``autograd.ArrayFunction``: PyTorch's ``autograd.Function`` contract (forward,
``ctx.save_for_backward``, backward returning one gradient per input), computing on NumPy
arrays. Read any class top to bottom: the docstring states the derivative, ``forward``
computes the value from NumPy arrays and saves what the derivative needs, and ``backward`` turns
the gradient of the output (``grad``) into one gradient per input, in the order of the
inputs. The engine in ``autograd.py`` calls them; the hot ones call a kernel in
``kernels/``. Binary operations broadcast like NumPy; a backward may return a gradient of
the broadcast shape, and the engine sums it back to the input's shape in one place
(``autograd._sum_to``).

The same ``backward`` serves second order: under ``create_graph=True`` it receives Tensors
(the gradient, and the saved inputs/outputs as the tensors they are), and its NumPy calls
dispatch to differentiable ops (``numpy_dispatch.py``), so write backward formulas with
NumPy operators and functions on what ``forward`` saved, never in place.

One convention throughout: input i's gradient is computed only ``if
ctx.needs_input_grad[i]`` (else None). An op with a single tensor input skips the test:
the engine calls its backward only when that input needs a gradient. Arrays the backward
needs are saved with ``ctx.save_for_backward``; anything else (shapes, options) is kept
as a few ctx attributes.
"""

from ._common import unbroadcast  # noqa: F401
from .activations import *  # noqa: F401,F403
from .arithmetic import *  # noqa: F401,F403
from .attention import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .elementwise import *  # noqa: F401,F403
from .indexing import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .linalg_decompositions import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .math import *  # noqa: F401,F403
from .nn_losses import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .reductions import *  # noqa: F401,F403
from .shapes import *  # noqa: F401,F403
from .softmax import *  # noqa: F401,F403
from .statistics import *  # noqa: F401,F403
from .windows import *  # noqa: F401,F403
