"""Convolution and the linear resampling maps around it (padding modes, interpolation).

Padding is its own op (ConstantPad, or AxisMaps for reflect / replicate / circular), so
Conv2d sees an input that is padded already; conv1d is conv2d on a height of 1.
"""

import numpy as np

from .. import kernels
from ..autograd import ArrayFunction
from ._common import call_op, kernel_array
from .normalization import ConstantPad

__all__ = ["Conv2d", "ConvTranspose2d", "Conv2dWeightBackward", "AxisMaps"]


def conv_output_size(size, kernel, stride, dilation):
    """PyTorch's formula on a padded size: floor((size - dilation*(kernel-1) - 1) / stride) + 1."""
    return (size - dilation * (kernel - 1) - 1) // stride + 1


class Conv2d(ArrayFunction):
    """out[n, o, i, j] = b[o] + sum_{c, p, q} x[n, c0 + c, i*sh + p*dh, j*sw + q*dw] w[o, c, p, q]

    (x padded already, w of shape (Co, C/groups, KH, KW), c0 the first input channel of o's
    group). Each output is linear in x and in w, so dx = the transposed convolution of g
    with w, dw = the convolution of x with g, db = g summed over n, i, j; term by term:

        dx[n, c0 + c, i*sh + p*dh, j*sw + q*dw] += g[n, o, i, j] w[o, c, p, q]
        dw[o, c, p, q] = sum_{n, i, j} g[n, o, i, j] x[n, c0 + c, i*sh + p*dh, j*sw + q*dw]
        db[o] = sum_{n, i, j} g[n, o, i, j]

    (the weight gradient's kernel is g's planes, dilated by the stride). Each product is
    an op of its own, so the gradient differentiates again: dx = ConvTranspose2d(g, w),
    dw = Conv2dWeightBackward(x, g) (PyTorch's convolution_backward, likewise).
    """

    @staticmethod
    def forward(ctx, x, w, b=None, stride=(1, 1), dilation=(1, 1), groups=1):
        # the inputs themselves (create_graph finds them), each only where a gradient reads it
        ctx.save_for_backward(x if ctx.needs(1) else None, w if ctx.needs(0) else None)
        x = kernel_array(x, "conv2d")
        w = kernel_array(w, "conv2d", x.dtype)
        (sh, sw), (dh, dw) = stride, dilation
        N, _, H, W = x.shape
        Co, _, KH, KW = w.shape
        Ho, Wo = conv_output_size(H, KH, sh, dh), conv_output_size(W, KW, sw, dw)
        out = np.empty((N, Co, Ho, Wo), x.dtype)
        kernels.active().conv2d_forward(x, w, out, sh, sw, dh, dw, groups)
        if b is not None:
            out += b.astype(x.dtype, copy=False).reshape(1, Co, 1, 1)
        ctx.options = dict(stride=(sh, sw), dilation=(dh, dw), groups=groups)
        ctx.shapes, ctx.dtype = (x.shape, w.shape), x.dtype
        return out

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        x_shape, w_shape = ctx.shapes
        grad = _as_kernel_grad(grad, "conv2d", ctx.dtype)
        dx = dw = db = None
        if ctx.needs_input_grad[0]:
            dx = call_op(ConvTranspose2d, grad, w, size=x_shape[2:], **ctx.options)
        if ctx.needs_input_grad[1]:
            dw = call_op(Conv2dWeightBackward, x, grad, kernel=w_shape[2:], **ctx.options)
        if len(ctx.needs_input_grad) > 2 and ctx.needs_input_grad[2]:
            db = np.sum(grad, axis=(0, 2, 3))
        return dx, dw, db


def _as_kernel_grad(grad, op, dtype):
    """An array gradient converted once for the two kernels that read it (a broadcast
    seed would be copied by each); a Tensor (create_graph) goes to the ops as it is."""
    return kernel_array(grad, op, dtype) if isinstance(grad, np.ndarray) else grad


class Conv2dWeightBackward(ArrayFunction):
    """Conv2d's weight gradient: out[o, c, p, q] = sum_{n, i, j} g[n, o, i, j]
    x[n, c0 + c, i*sh + p*dh, j*sw + q*dw], of shape (Co, C/groups, KH, KW) with ``kernel``
    = (KH, KW). Bilinear in x and g; with G the gradient of out (a weight's shape):
        dx = ConvTranspose2d(g, G)  (the input gradient of Conv2d(x, G));
        dg = Conv2d(x, G)           (g's windows are exactly Conv2d's outputs).
    """

    @staticmethod
    def forward(ctx, x, g, kernel, stride=(1, 1), dilation=(1, 1), groups=1):
        ctx.save_for_backward(x if ctx.needs(1) else None, g if ctx.needs(0) else None)
        x = kernel_array(x, "conv2d")
        g = kernel_array(g, "conv2d", x.dtype)
        out = np.empty((g.shape[1], x.shape[1] // groups) + tuple(kernel), x.dtype)
        kernels.active().conv2d_backward_weight(x, g, out, *stride, *dilation, groups)
        ctx.options = dict(stride=stride, dilation=dilation, groups=groups)
        ctx.size = tuple(x.shape[2:])
        return out

    @staticmethod
    def backward(ctx, grad):
        x, g = ctx.saved_tensors
        dx = dg = None
        if ctx.needs_input_grad[0]:
            dx = call_op(ConvTranspose2d, g, grad, size=ctx.size, **ctx.options)
        if ctx.needs_input_grad[1]:
            dg = call_op(Conv2d, x, grad, **ctx.options)
        return dx, dg


class AxisMaps(ArrayFunction):
    """out = a with each of its last k axes sent through a matrix M_axis (out_len x in_len):
    for 2 axes, out[..., i, j] = sum_{h, w} Mh[i, h] Mw[j, w] a[..., h, w]. One-hot rows
    copy (padding by reflection, replication or wrap-around; nearest-neighbour resizing),
    rows of two weights interpolate (bilinear). Linear, so da = g through the same maps,
    transposed: da[..., h, w] = sum_{i, j} Mh[i, h] Mw[j, w] g[..., i, j], i.e. AxisMaps
    of g with the maps M^T: an op again, so it differentiates again."""

    @staticmethod
    def forward(ctx, a, maps):
        ctx.maps = maps
        first = a.ndim - len(maps)
        for axis, m in zip(range(first, a.ndim), maps):
            a = _through_map(a, m, axis)
        return np.ascontiguousarray(a)

    @staticmethod
    def backward(ctx, grad):
        return call_op(AxisMaps, grad, maps=tuple(m.T for m in ctx.maps))


def _through_map(a, m, axis):
    """a's ``axis`` sent through m (out_len x in_len): a dense product while a is finite
    (6-16x faster); else a sum over m's nonzero entries only, so an inf or NaN in a
    reaches just the outputs it feeds, as PyTorch's copies and scatters (the product
    would add 0 * inf = NaN into every output of that row)."""
    moved = np.moveaxis(a, axis, -1)
    if np.isfinite(a).all():
        return np.moveaxis(moved @ m.astype(a.dtype, copy=False).T, -1, axis)
    rows, cols = np.nonzero(m)  # row-major: each output's terms are contiguous
    terms = moved[..., cols] * m[rows, cols].astype(a.dtype, copy=False)
    out = np.zeros(moved.shape[:-1] + (m.shape[0],), a.dtype)
    if len(rows):
        present, starts = np.unique(rows, return_index=True)
        out[..., present] = np.add.reduceat(terms, starts, axis=-1)
    return np.moveaxis(out, -1, axis)


def copy_map(index, size):
    """The one-hot matrix whose row i picks input position index[i] (of ``size``)."""
    m = np.zeros((len(index), size))
    m[np.arange(len(index)), index] = 1.0
    return m


class ConvTranspose2d(ArrayFunction):
    """The adjoint of Conv2d in its input: out = the transposed convolution of x with w
    (w of shape (C_in, C_out/groups, KH, KW)), before cropping the padding:

        out[n, c0 + c, i*sh + p*dh, j*sw + q*dw] += x[n, o, i, j] w[o, c, p, q]

    for every input position (i, j), into an output of ``size`` (H_full, W_full). So
        dx = Conv2d's forward of g with w:  dx[n, o, i, j] = sum_{c, p, q} g[n, c0 + c,
             i*sh + p*dh, j*sw + q*dw] w[o, c, p, q];
        dw[o, c, p, q] = sum_{n, i, j} x[n, o, i, j] g[n, c0 + c, i*sh + p*dh, j*sw + q*dw];
        db[c] = sum of g over n and the plane.
    Each product is an op of its own, so the gradient differentiates again:
    dx = Conv2d(g, w) cropped to x (ConstantPad with negative pads), dw =
    Conv2dWeightBackward(g, x padded with zeros to Conv2d(g, w)'s size).
    """

    @staticmethod
    def forward(ctx, x, w, b=None, stride=(1, 1), dilation=(1, 1), groups=1, size=None):
        # the inputs themselves (create_graph finds them), each only where a gradient reads it
        ctx.save_for_backward(x if ctx.needs(1) else None, w if ctx.needs(0) else None)
        x = kernel_array(x, "conv_transpose2d")
        w = kernel_array(w, "conv_transpose2d", x.dtype)
        out = np.empty((x.shape[0], w.shape[1] * groups) + tuple(size), x.dtype)
        kernels.active().conv2d_backward_input(x, w, out, *stride, *dilation, groups)
        if b is not None:
            out += b.astype(x.dtype, copy=False).reshape(1, -1, 1, 1)
        ctx.options = dict(stride=stride, dilation=dilation, groups=groups)
        ctx.shapes, ctx.dtype = (x.shape, w.shape), x.dtype
        return out

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        x_shape, w_shape = ctx.shapes
        grad = _as_kernel_grad(grad, "conv_transpose2d", ctx.dtype)
        dx = dw = db = None
        # x's windows reach the first rows and columns of Conv2d(g, w); output_padding may
        # have made g larger, and what Conv2d computes beyond x is dropped
        full = _full_out(grad.shape, w_shape, **ctx.options)
        extra = (0, x_shape[3] - full[1], 0, x_shape[2] - full[0])
        if ctx.needs_input_grad[0]:
            dx = call_op(Conv2d, grad, w, **ctx.options)
            if any(extra):
                dx = call_op(ConstantPad, dx, pad=extra, value=0)
        if ctx.needs_input_grad[1]:
            padded = call_op(ConstantPad, x, pad=tuple(-n for n in extra)) if any(extra) else x
            dw = call_op(Conv2dWeightBackward, grad, padded, kernel=w_shape[2:], **ctx.options)
        if len(ctx.needs_input_grad) > 2 and ctx.needs_input_grad[2]:
            db = np.sum(grad, axis=(0, 2, 3))
        return dx, dw, db


def _full_out(g_shape, w_shape, stride, dilation, groups):
    """The size of Conv2d(g, w)'s output planes."""
    (sh, sw), (dh, dw) = stride, dilation
    return (
        conv_output_size(g_shape[2], w_shape[2], sh, dh),
        conv_output_size(g_shape[3], w_shape[3], sw, dw),
    )
