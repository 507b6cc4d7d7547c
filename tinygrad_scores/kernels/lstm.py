"""The LSTM cell's gates and state update, forward and backward (formulas: loops/lstm.py).

Over its loop twin: about 6x on the backward, 3-5x on the forward (20 x 200 cells). The twin
calls libm's exp and tanh once per element, five calls an element, in one loop over seven
arrays, and stays scalar. Here sigmoid and tanh are written with vecmath's exp polynomial,

    sigmoid(x) = 1 / (1 + exp(-x));   tanh(x) = 2 sigmoid(2x) - 1

(exp overflowing to inf gives the limits 0 and -1), and each row is a few short loops over
two or three arrays, which LLVM vectorises (8 float32 or 4 float64 lanes). One thread: a
step is B x H elements, a few thousand, which threads would not share profitably.
"""

from ._jit import FAST, inlined, kernel
from .vecmath import exp

_FWD = [
    f"void({t}[:, ::1], {t}[:, ::1], {t}[:, ::1], {t}[:, ::1], {t}[:, ::1])"
    for t in ("float32", "float64")
]
_BWD = [
    f"void({t}[:, ::1], {t}[:, ::1], {t}[:, ::1], {t}[:, ::1], {t}[:, ::1], {t}[:, ::1])"
    for t in ("float32", "float64")
]


@inlined
def _sigmoid(x):
    return 1.0 / (1.0 + exp(-x))


@inlined
def _tanh(x):
    return 2.0 / (1.0 + exp(-2.0 * x)) - 1.0


@kernel(_FWD, fastmath=FAST)
def lstm_cell_forward(pre, c_prev, acts, c_out, h_out):
    """acts (B, 4H) gets the activated gates of pre; c_out, h_out get c', h'."""
    hidden = c_out.shape[1]
    for b in range(pre.shape[0]):
        # short loops over one array each, so each vectorises (one long loop over seven
        # arrays stays scalar: too many possible overlaps for LLVM to check)
        for j in range(2 * hidden):
            acts[b, j] = _sigmoid(pre[b, j])
        for j in range(2 * hidden, 3 * hidden):
            acts[b, j] = _tanh(pre[b, j])
        for j in range(3 * hidden, 4 * hidden):
            acts[b, j] = _sigmoid(pre[b, j])
        for j in range(hidden):
            c_out[b, j] = acts[b, hidden + j] * c_prev[b, j] + acts[b, j] * acts[b, 2 * hidden + j]
        for j in range(hidden):
            h_out[b, j] = acts[b, 3 * hidden + j] * _tanh(c_out[b, j])


@kernel(_BWD, fastmath=FAST)
def lstm_cell_backward(acts, c_prev, c, dh, dc, dpre):
    """dpre (B, 4H) gets the pre-activations' gradient; dc is updated to the carry."""
    h = c.shape[1]
    for b in range(acts.shape[0]):
        for j in range(h):  # dc through h' = o tanh(c'), and the output gate
            tanh_c = _tanh(c[b, j])
            o = acts[b, 3 * h + j]
            dc[b, j] += dh[b, j] * o * (1.0 - tanh_c * tanh_c)
            dpre[b, 3 * h + j] = dh[b, j] * tanh_c * o * (1.0 - o)
        for j in range(h):
            dpre[b, j] = dc[b, j] * acts[b, 2 * h + j] * acts[b, j] * (1.0 - acts[b, j])
        for j in range(h):
            f = acts[b, h + j]
            dpre[b, h + j] = dc[b, j] * c_prev[b, j] * f * (1.0 - f)
        for j in range(h):
            g = acts[b, 2 * h + j]
            dpre[b, 2 * h + j] = dc[b, j] * acts[b, j] * (1.0 - g * g)
        for j in range(h):
            dc[b, j] *= acts[b, h + j]
