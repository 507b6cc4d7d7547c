"""Scaled dot-product attention as one op: the two batched products, the scale, the
mask, the softmax and the dropout in one forward and one backward, instead of some eight
graph nodes and as many passes over the (N, L, S) scores. F.scaled_dot_product_attention
and nn.MultiheadAttention (when it need not return the weights) use it; the composed
ops in nn/functional.py remain the reference it is tested against."""

import numpy as np

from .. import kernels
from ..autograd import Function
from ._common import kernel_array, unbroadcast
from .linalg import bmm


class Attention(Function):
    """out = P' @ v with S = q @ k^T * scale + bias (-inf above the diagonal if ``causal``),
    P = softmax(S) along the keys (a row whose keys are all masked gives P = 0, as
    PyTorch), P' = P * keep (``keep``: the dropout mask already scaled by 1 / (1 - p)).

    q (N, L, E), k (N, S, E), v (N, S, Ev), bias broadcastable to (N, L, S):
        dv = P'^T @ g;   dP = (g @ v^T) * keep;   dS = P * (dP - sum(dP * P) over the keys);
        dq = dS @ k * scale;   dk = dS^T @ q * scale;   dbias = dS summed to bias's shape.
    """

    @staticmethod
    def forward(ctx, q, k, v, bias=None, scale=1.0, causal=False, keep=None):
        n, length, source = q.shape[0], q.shape[1], k.shape[1]
        scores = bmm(q, np.swapaxes(k, -1, -2))
        scores *= scores.dtype.type(scale)
        if causal:
            scores[:, np.triu(np.ones((length, source), bool), 1)] = -np.inf
        if bias is not None:
            scores += bias
        dead = None
        if causal or bias is not None:
            dead = np.isneginf(scores).all(-1)
            if dead.any():
                scores[dead] = 0.0
            else:
                dead = None
        rows = kernel_array(scores.reshape(-1, source), "scaled_dot_product_attention")
        p = np.empty_like(rows)
        kernels.active().softmax_forward(rows, p)
        p = p.reshape(n, length, source)
        if dead is not None:
            p[dead] = 0.0
        dropped = p if keep is None else p * keep
        ctx.save_for_backward(q, k, v, p, dropped)
        ctx.scale, ctx.keep = scale, keep
        ctx.bias_shape = None if bias is None else bias.shape
        return bmm(dropped, v)

    @staticmethod
    def backward(ctx, grad):
        q, k, v, p, dropped = ctx.saved_tensors
        need = ctx.needs_input_grad
        dv = bmm(np.swapaxes(dropped, -1, -2), grad) if need[2] else None
        dp = bmm(grad, np.swapaxes(v, -1, -2))
        if ctx.keep is not None:
            dp *= ctx.keep
        source = p.shape[-1]
        ds = np.empty_like(p)
        kernels.active().softmax_backward(
            p.reshape(-1, source), dp.reshape(-1, source), ds.reshape(-1, source)
        )
        scale = ds.dtype.type(ctx.scale)
        dq = bmm(ds, k) * scale if need[0] else None
        dk = bmm(np.swapaxes(ds, -1, -2), q) * scale if need[1] else None
        dbias = None
        if len(need) > 3 and need[3]:
            dbias = unbroadcast(ds, ctx.bias_shape)
        return dq, dk, dv, dbias
