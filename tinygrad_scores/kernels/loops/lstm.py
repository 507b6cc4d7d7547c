"""The LSTM cell's gate nonlinearities and state update, one pass each way.

Forward, per element j of row b, from the pre-activations (i, f, g, o blocks of H):
    i, f, o = sigmoid(.);  g = tanh(.);  c' = f c + i g;  h' = o tanh(c').
Backward, from dh (this step's total) and dc (carried from the step after):
    dc <- dc + dh o (1 - tanh(c')^2);  d pre = (dc g i(1-i), dc c f(1-f), dc i (1-g^2),
    dh tanh(c') o(1-o));  dc <- dc f (the carry to the step before).
"""

import math

from .._jit import kernel

_DTYPES = ("float32", "float64")


@kernel([f"void({t}[:, ::1], {t}[:, ::1], {t}[:, ::1], {t}[:, ::1], {t}[:, ::1])" for t in _DTYPES])
def lstm_cell_forward(pre, c_prev, acts, c_out, h_out):
    """acts (B, 4H) gets the activated gates of pre; c_out, h_out get c', h'."""
    hidden = c_out.shape[1]
    for b in range(pre.shape[0]):
        for j in range(hidden):
            i = 1.0 / (1.0 + math.exp(-pre[b, j]))
            f = 1.0 / (1.0 + math.exp(-pre[b, hidden + j]))
            g = math.tanh(pre[b, 2 * hidden + j])
            o = 1.0 / (1.0 + math.exp(-pre[b, 3 * hidden + j]))
            acts[b, j], acts[b, hidden + j] = i, f
            acts[b, 2 * hidden + j], acts[b, 3 * hidden + j] = g, o
            c = f * c_prev[b, j] + i * g
            c_out[b, j] = c
            h_out[b, j] = o * math.tanh(c)


@kernel(
    [
        f"void({t}[:, ::1], {t}[:, ::1], {t}[:, ::1], {t}[:, ::1], {t}[:, ::1], {t}[:, ::1])"
        for t in _DTYPES
    ]
)
def lstm_cell_backward(acts, c_prev, c, dh, dc, dpre):
    """dpre (B, 4H) gets the pre-activations' gradient; dc is updated to the carry."""
    hidden = c.shape[1]
    for b in range(acts.shape[0]):
        for j in range(hidden):
            i, f = acts[b, j], acts[b, hidden + j]
            g, o = acts[b, 2 * hidden + j], acts[b, 3 * hidden + j]
            tanh_c = math.tanh(c[b, j])
            d_c = dc[b, j] + dh[b, j] * o * (1.0 - tanh_c * tanh_c)
            dpre[b, j] = d_c * g * i * (1.0 - i)
            dpre[b, hidden + j] = d_c * c_prev[b, j] * f * (1.0 - f)
            dpre[b, 2 * hidden + j] = d_c * i * (1.0 - g * g)
            dpre[b, 3 * hidden + j] = dh[b, j] * tanh_c * o * (1.0 - o)
            dc[b, j] = d_c * f
