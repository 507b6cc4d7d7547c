"""The loop floor: every kernel as the plainest correct loop nest, written to be read.

Each file holds one topic (matmul, Linear's bias, relu, softmax and log-softmax,
cross-entropy, the Adam and SGD updates, convolution, pooling, embedding's gradient): the
formula in the docstring, one loop per idea, no tuning. They are Numba kernels too
(compiled on first use, cached), so they train the digits in seconds, and they run as
plain Python under ``NUMBA_DISABLE_JIT=1``. The tuned kernels one directory up compute
the same things faster; each of their files opens with what it speeds up over its twin
here. Switch floors with ``tinygrad_scores.set_kernels("loops")`` or
``TINYGRAD_SCORES_KERNELS=loops``.

The entry points below have the same names and signatures as kernels/fast.py's.
"""

from .bias import bias_rows, column_sums
from .conv import conv2d_backward_input, conv2d_backward_weight, conv2d_forward
from .cross_entropy import check_labels, cross_entropy_backward, cross_entropy_forward
from .embedding import embedding_backward
from .lstm import lstm_cell_backward, lstm_cell_forward
from .matmul import matmul_into
from .optim import adam, sgd
from .pooling import avg_pool_backward, avg_pool_forward, max_pool_backward, max_pool_forward
from .relu import relu_backward, relu_forward
from .softmax import log_softmax_backward, log_softmax_forward, softmax_backward, softmax_forward

NAME = "loops"

__all__ = [
    "bias_rows",
    "column_sums",
    "check_labels",
    "cross_entropy_backward",
    "cross_entropy_forward",
    "embedding_backward",
    "matmul_into",
    "adam",
    "sgd",
    "relu_backward",
    "relu_forward",
    "log_softmax_backward",
    "log_softmax_forward",
    "softmax_backward",
    "softmax_forward",
    "lstm_cell_forward",
    "lstm_cell_backward",
    "conv2d_forward",
    "conv2d_backward_input",
    "conv2d_backward_weight",
    "max_pool_forward",
    "max_pool_backward",
    "avg_pool_forward",
    "avg_pool_backward",
]
