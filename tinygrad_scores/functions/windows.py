"""Sliding windows as columns (F.unfold, PyTorch's im2col) and columns summed back into
windows (F.fold, col2im): each is the other's adjoint, so each one's backward is the
other (derivatives.yaml: im2col's gradient is col2im and col2im's is im2col). Both copy
or add values, never multiply by a 0, so an inf or NaN reaches only its own windows."""

import numpy as np

from ..autograd import ArrayFunction
from ._common import call_op

__all__ = ["Unfold", "Fold"]


def window_blocks(plane, kernel, dilation, stride):
    """How many windows fit along each axis of a (padded) ``plane``."""
    return tuple(
        (f - d * (k - 1) - 1) // s + 1 for f, k, d, s in zip(plane, kernel, dilation, stride)
    )


def _offsets(kernel, dilation, stride, blocks):
    """Per kernel element (p, q), row-major, the strided slices of the plane its windows
    read: one element per window, so a slice add adds each position once."""
    return [
        tuple(
            slice(o * d, o * d + (b - 1) * s + 1, s)
            for o, d, s, b in zip((p, q), dilation, stride, blocks)
        )
        for p in range(kernel[0])
        for q in range(kernel[1])
    ]


class Unfold(ArrayFunction):
    """out[n, c * K + k, l] = x[n, c, i * sh + p * dh, j * sw + q * dw] for x (N, C, H, W)
    padded already, k = p * KW + q and l = i * BW + j (window (i, j));
    dx = Fold(g): each column's entries added back where they were read."""

    @staticmethod
    def forward(ctx, x, kernel, dilation, stride):
        n, c, plane = x.shape[0], x.shape[1], x.shape[2:]
        blocks = window_blocks(plane, kernel, dilation, stride)
        ctx.plane, ctx.options = plane, (kernel, dilation, stride)
        planes = x.reshape(n * c, *plane)
        cols = np.empty((n * c, kernel[0] * kernel[1], *blocks), x.dtype)
        for k, window in enumerate(_offsets(kernel, dilation, stride, blocks)):
            cols[:, k] = planes[(slice(None), *window)]
        return cols.reshape(n, c * kernel[0] * kernel[1], blocks[0] * blocks[1])

    @staticmethod
    def backward(ctx, grad):
        kernel, dilation, stride = ctx.options
        return call_op(Fold, grad, plane=ctx.plane, kernel=kernel, dilation=dilation, stride=stride)


class Fold(ArrayFunction):
    """out[n, c, i * sh + p * dh, j * sw + q * dw] += cols[n, c * K + k, l] (k = p * KW + q,
    l = i * BW + j), out (N, C, H, W) with (H, W) = ``plane``, zeros where no window
    reaches, the kernel elements added in order;   dcols = Unfold(g)."""

    @staticmethod
    def forward(ctx, cols, plane, kernel, dilation, stride):
        ctx.options = (kernel, dilation, stride)
        blocks = window_blocks(plane, kernel, dilation, stride)
        n, k = cols.shape[0], kernel[0] * kernel[1]
        c = cols.shape[1] // k
        parts = cols.reshape(n * c, k, *blocks)
        out = np.zeros((n * c, *plane), cols.dtype)
        for row, window in enumerate(_offsets(kernel, dilation, stride, blocks)):
            out[(slice(None), *window)] += parts[:, row]
        return out.reshape(n, c, *plane)

    @staticmethod
    def backward(ctx, grad):
        kernel, dilation, stride = ctx.options
        return call_op(Unfold, grad, kernel=kernel, dilation=dilation, stride=stride)
