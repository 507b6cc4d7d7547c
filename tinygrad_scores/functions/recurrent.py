"""A whole LSTM layer direction as one op: the time loop runs inside forward and backward
(backpropagation through time), so a sequence of T steps is one graph node instead of some
fifteen per step, and the hidden-to-hidden weight's gradient is one matrix product over all
steps. Each step's gates and state update are one kernel pass each way (kernels/loops/
lstm.py). nn.LSTM uses it where it applies (no proj_size, no packed input); the composed
per-step ops (nn/rnn.py) remain the reference it is tested against."""

import numpy as np

from .. import autograd, kernels
from ..autograd import ArrayFunction
from ._common import kernel_array
from .linalg import mm


class LSTMLayer(ArrayFunction):
    """One direction of an LSTM layer over a sequence, from the projected input
    xw[t] = W_ih x_t + b_ih + b_hh (T, B, 4H), the initial h0, c0 (B, H) and W_hh (4H, H).

    Each step (in time order, or backwards with ``reverse``):
        i, f, g, o = sigmoid, sigmoid, tanh, sigmoid of (xw[t] + h W_hh^T), split in four;
        c' = f c + i g;   h' = o tanh(c').
    Output Y (T + 1, B, H): Y[t] = h after the step at time t, Y[T] = c after the last step.

    Backward, from the last step to the first, carrying dh and dc (dc starts at g_Y[T]):
        dh += g_Y[t];   do = dh tanh(c');   dc += dh o (1 - tanh(c')^2);
        di = dc g;   df = dc c;   dg = dc i;   dc <- dc f;
        dpre = (di i(1-i), df f(1-f), dg (1-g^2), do o(1-o));   dh <- dpre W_hh.
    d xw[t] = dpre[t];   d W_hh = sum_t dpre[t]^T h_before_t;   d h0, d c0 = the final dh, dc.

    Second order: under create_graph the backward rebuilds the same steps from the
    package's differentiable ops on the saved inputs (as nn/rnn.py's per-step cells do)
    and returns autograd.grad of that graph against ``grad`` with create_graph, so the
    gradient is a graph of ops that differentiate again; the first-order pass keeps the
    kernels and reads the gates and cells kept by forward.
    """

    @staticmethod
    def forward(ctx, xw, h0, c0, w_hh, reverse=False):
        steps, batch, gates = xw.shape
        hidden = gates // 4
        acts = np.empty_like(xw)  # i, f, g, o after their nonlinearities
        cells = np.empty((steps, batch, hidden), xw.dtype)
        out = np.empty((steps + 1, batch, hidden), xw.dtype)
        cell = kernels.active().lstm_cell_forward
        h, c = h0, kernel_array(c0, "lstm", xw.dtype)
        pre = np.empty((batch, gates), xw.dtype)
        w_t = np.ascontiguousarray(w_hh.T)  # once: the kernel runs faster on a row-major B
        for t in range(steps - 1, -1, -1) if reverse else range(steps):
            np.add(xw[t], mm(h, w_t), out=pre)
            cell(pre, c, acts[t], cells[t], out[t])
            h, c = out[t], cells[t]
        out[steps] = c
        ctx.save_for_backward(xw, h0, c0, w_hh, out)
        ctx.acts, ctx.cells = acts, cells  # for a first-order backward
        ctx.reverse = reverse
        return out

    @staticmethod
    def backward(ctx, grad):
        xw, h0, c0, w_hh, out = ctx.saved_tensors
        if not isinstance(grad, np.ndarray):
            return _composed_gradient(ctx, grad)
        acts, cells = ctx.acts, ctx.cells
        steps, batch, hidden = cells.shape
        order = list(range(steps - 1, -1, -1) if ctx.reverse else range(steps))
        before = {t: (order[k - 1] if k else None) for k, t in enumerate(order)}
        cell = kernels.active().lstm_cell_backward
        c0 = kernel_array(c0, "lstm", out.dtype)
        dpre = np.empty_like(acts)
        dh = np.zeros((batch, hidden), out.dtype)
        dc = np.array(grad[steps], out.dtype)
        for t in reversed(order):
            np.add(dh, grad[t], out=dh)
            c_prev = c0 if before[t] is None else cells[before[t]]
            cell(acts[t], c_prev, cells[t], dh, dc, dpre[t])
            dh = mm(dpre[t], w_hh)
        dw_hh = None
        if ctx.needs_input_grad[3]:
            h_before = np.empty_like(cells)  # the h each step started from
            for t in order:
                h_before[t] = h0 if before[t] is None else out[before[t]]
            dw_hh = mm(dpre.reshape(-1, 4 * hidden).T, h_before.reshape(-1, hidden))
        return (
            dpre if ctx.needs_input_grad[0] else None,
            dh if ctx.needs_input_grad[1] else None,
            dc if ctx.needs_input_grad[2] else None,
            dw_hh,
        )


def lstm_cell(pre, c):
    """One LSTM step on tensors from its pre-activations (gates i, f, g, o, PyTorch's order):
    (h', c'). The composed form both nn.LSTM's per-step path and this op's create_graph
    gradient use."""
    i, f, g, o = pre.chunk(4, -1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c.tanh(), c


def _composed_gradient(ctx, grad):
    """The create_graph gradient: the same steps rebuilt from differentiable ops on the
    input tensors, differentiated against ``grad`` with create_graph."""
    xw, h, c, w_hh = ctx.saved_tensors[:4]
    steps = xw.shape[0]
    hs = [None] * steps
    w_t = w_hh.transpose(0, 1)
    for t in range(steps - 1, -1, -1) if ctx.reverse else range(steps):
        h, c = lstm_cell(xw[t] + h @ w_t, c)
        hs[t] = h
    y = np.stack(hs + [c])
    wanted = [t for t, need in zip(ctx.saved_tensors[:4], ctx.needs_input_grad) if need]
    found = iter(autograd.grad(y, wanted, grad, create_graph=True))
    return tuple(next(found) if need else None for need in ctx.needs_input_grad)
