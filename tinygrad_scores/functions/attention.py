"""Scaled dot-product attention as one op: the two batched products, the scale, the
mask, the softmax and the dropout in one forward and one backward, instead of some eight
graph nodes and as many passes over the (N, L, S) scores. F.scaled_dot_product_attention
and nn.MultiheadAttention (when it need not return the weights) use it; the composed
ops in nn/functional.py remain the reference it is tested against."""

import numpy as np

from .. import autograd, kernels
from ..autograd import ArrayFunction
from ._common import kernel_array, unbroadcast
from .linalg import bmm
from .softmax import Softmax


class Attention(ArrayFunction):
    """out = P' @ v with S = q @ k^T * scale + bias (-inf above the diagonal if ``causal``),
    P = softmax(S) along the keys (a row whose keys are all masked gives P = 0, as
    PyTorch), P' = P * keep (``keep``: the dropout mask already scaled by 1 / (1 - p)).

    q (N, L, E), k (N, S, E), v (N, S, Ev), bias broadcastable to (N, L, S):
        dv = P'^T @ g;   dP = (g @ v^T) * keep;   dS = P * (dP - sum(dP * P) over the keys);
        dq = dS @ k * scale;   dk = dS^T @ q * scale;   dbias = dS summed to bias's shape.

    Second order: under create_graph the backward rebuilds the composed forward (the
    products, the mask, Softmax, the dropout mask) from differentiable ops on the input
    tensors, as nn.functional's unfused path does, and returns autograd.grad of it against
    ``grad`` with create_graph, so the gradient differentiates again; the first-order pass
    keeps the fused kernels and reads P kept by forward.
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
        ctx.save_for_backward(q, k, v, bias)
        ctx.p, ctx.dropped = p, dropped  # for a first-order backward
        ctx.scale, ctx.keep, ctx.causal = scale, keep, causal
        ctx.bias_shape = None if bias is None else bias.shape
        return bmm(dropped, v)

    @staticmethod
    def backward(ctx, grad):
        q, k, v, _ = ctx.saved_tensors
        if not isinstance(grad, np.ndarray):
            return _composed_gradient(ctx, grad)
        p, dropped = ctx.p, ctx.dropped
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


def _composed_gradient(ctx, grad):
    """The create_graph gradient: the forward rebuilt from differentiable ops on the input
    tensors (the mask and the dead rows are constants), differentiated against ``grad``."""
    inputs = ctx.saved_tensors
    q, k, v, bias = inputs
    scores = (q @ k.transpose(-2, -1)) * ctx.scale
    length, source = scores.shape[-2:]
    if ctx.causal:
        future = np.triu(np.ones((length, source), bool), 1)
        scores = scores + np.where(future, -np.inf, 0.0).astype(scores.array.dtype)
    if bias is not None:
        scores = scores + bias
    dead = np.isneginf(scores.array).all(-1, keepdims=True)
    if dead.any():  # every key masked: P = 0 there, as forward
        scores = scores.masked_fill(dead, 0.0)
    p = Softmax.apply(scores, dim=-1)
    if dead.any():
        p = p.masked_fill(dead, 0.0)
    if ctx.keep is not None:
        p = p * ctx.keep
    out = p @ v
    wanted = [t for t, need in zip(inputs, ctx.needs_input_grad) if need]
    found = iter(autograd.grad(out, wanted, grad, create_graph=True))
    return tuple(next(found) if need else None for need in ctx.needs_input_grad)
