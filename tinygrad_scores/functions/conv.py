"""Convolution and the linear resampling maps around it (padding modes, interpolation).

Padding is its own op (ConstantPad, or AxisMaps for reflect / replicate / circular), so
Conv2d sees an input that is padded already; conv1d is conv2d on a height of 1.
"""

import numpy as np

from .. import kernels
from ..autograd import Function
from ._common import kernel_array

__all__ = ["Conv2d", "ConvTranspose2d", "AxisMaps"]


def conv_output_size(size, kernel, stride, dilation):
    """PyTorch's formula on a padded size: floor((size - dilation*(kernel-1) - 1) / stride) + 1."""
    return (size - dilation * (kernel - 1) - 1) // stride + 1


class Conv2d(Function):
    """out[n, o, i, j] = b[o] + sum_{c, p, q} x[n, c0 + c, i*sh + p*dh, j*sw + q*dw] w[o, c, p, q]

    (x padded already, w of shape (Co, C/groups, KH, KW), c0 the first input channel of o's
    group). Each output is linear in x and in w, so dx = the transposed convolution of g
    with w, dw = the convolution of x with g, db = g summed over n, i, j; term by term:

        dx[n, c0 + c, i*sh + p*dh, j*sw + q*dw] += g[n, o, i, j] w[o, c, p, q]
        dw[o, c, p, q] = sum_{n, i, j} g[n, o, i, j] x[n, c0 + c, i*sh + p*dh, j*sw + q*dw]
        db[o] = sum_{n, i, j} g[n, o, i, j]

    (the weight gradient's kernel is g's planes, dilated by the stride).
    """

    @staticmethod
    def forward(ctx, x, w, b=None, stride=(1, 1), dilation=(1, 1), groups=1):
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
        ctx.save_for_backward(x, w)
        ctx.options = (sh, sw, dh, dw, groups)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        g = kernel_array(grad, "conv2d", x.dtype)
        dx = dw = db = None
        if ctx.needs_input_grad[0]:
            dx = np.empty_like(x)
            kernels.active().conv2d_backward_input(g, w, dx, *ctx.options)
        if ctx.needs_input_grad[1]:
            dw = np.empty_like(w)
            kernels.active().conv2d_backward_weight(x, g, dw, *ctx.options)
        if len(ctx.needs_input_grad) > 2 and ctx.needs_input_grad[2]:
            db = g.sum(axis=(0, 2, 3))
        return dx, dw, db


class AxisMaps(Function):
    """out = a with each of its last k axes sent through a matrix M_axis (out_len x in_len):
    for 2 axes, out[..., i, j] = sum_{h, w} Mh[i, h] Mw[j, w] a[..., h, w]. One-hot rows
    copy (padding by reflection, replication or wrap-around; nearest-neighbour resizing),
    rows of two weights interpolate (bilinear). Linear, so da = g through the same maps,
    transposed: da[..., h, w] = sum_{i, j} Mh[i, h] Mw[j, w] g[..., i, j]."""

    @staticmethod
    def forward(ctx, a, maps):
        ctx.maps = maps
        return _apply_maps(a, [m.astype(a.dtype, copy=False) for m in maps], transpose=False)

    @staticmethod
    def backward(ctx, grad):
        return _apply_maps(grad, [m.astype(grad.dtype, copy=False) for m in ctx.maps], True)


def _apply_maps(a, maps, transpose):
    first = a.ndim - len(maps)
    for axis, m in zip(range(first, a.ndim), maps):
        moved = np.moveaxis(a, axis, -1)
        a = np.moveaxis(moved @ (m if transpose else m.T), -1, axis)
    return np.ascontiguousarray(a)


def copy_map(index, size):
    """The one-hot matrix whose row i picks input position index[i] (of ``size``)."""
    m = np.zeros((len(index), size))
    m[np.arange(len(index)), index] = 1.0
    return m


class ConvTranspose2d(Function):
    """The adjoint of Conv2d in its input: out = the transposed convolution of x with w
    (w of shape (C_in, C_out/groups, KH, KW)), before cropping the padding:

        out[n, c0 + c, i*sh + p*dh, j*sw + q*dw] += x[n, o, i, j] w[o, c, p, q]

    for every input position (i, j), into an output of ``size`` (H_full, W_full). So
        dx = Conv2d's forward of g with w:  dx[n, o, i, j] = sum_{c, p, q} g[n, c0 + c,
             i*sh + p*dh, j*sw + q*dw] w[o, c, p, q];
        dw[o, c, p, q] = sum_{n, i, j} x[n, o, i, j] g[n, c0 + c, i*sh + p*dh, j*sw + q*dw];
        db[c] = sum of g over n and the plane.
    """

    @staticmethod
    def forward(ctx, x, w, b=None, stride=(1, 1), dilation=(1, 1), groups=1, size=None):
        x = kernel_array(x, "conv_transpose2d")
        w = kernel_array(w, "conv_transpose2d", x.dtype)
        out = np.empty((x.shape[0], w.shape[1] * groups) + tuple(size), x.dtype)
        options = (*stride, *dilation, groups)
        kernels.active().conv2d_backward_input(x, w, out, *options)
        if b is not None:
            out += b.astype(x.dtype, copy=False).reshape(1, -1, 1, 1)
        ctx.save_for_backward(x, w)
        ctx.options = options
        return out

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        g = kernel_array(grad, "conv_transpose2d", x.dtype)
        dx = dw = db = None
        if ctx.needs_input_grad[0]:
            full = np.empty(x.shape[:2] + _full_out(g.shape, w.shape, ctx.options), x.dtype)
            kernels.active().conv2d_forward(g, w, full, *ctx.options)
            dx = np.ascontiguousarray(full[:, :, : x.shape[2], : x.shape[3]])
        if ctx.needs_input_grad[1]:
            dw = np.empty_like(w)
            kernels.active().conv2d_backward_weight(
                g, _pad_to(x, g, w, ctx.options), dw, *ctx.options
            )
        if len(ctx.needs_input_grad) > 2 and ctx.needs_input_grad[2]:
            db = g.sum(axis=(0, 2, 3))
        return dx, dw, db


def _full_out(g_shape, w_shape, options):
    sh, sw, dh, dw, _ = options
    return (
        conv_output_size(g_shape[2], w_shape[2], sh, dh),
        conv_output_size(g_shape[3], w_shape[3], sw, dw),
    )


def _pad_to(x, g, w, options):
    """x, as the output gradient of the convolution whose input is g: x with zero rows and
    columns added where output_padding made g larger than x's windows reach."""
    H, W = _full_out(g.shape, w.shape, options)
    if (H, W) == x.shape[2:]:
        return x
    out = np.zeros(x.shape[:2] + (H, W), x.dtype)
    out[:, :, : x.shape[2], : x.shape[3]] = x
    return out
