"""Matrix products: matmul and the fused Linear."""

import math

import numpy as np

from .. import kernels
from ..autograd import ArrayFunction
from ._common import _KERNEL_DTYPES, _contiguous, kernel_array, unbroadcast


def shape_mismatch(shape_a, shape_b, note=""):
    """PyTorch's error for a product whose inner sizes differ, naming both shapes."""
    sa, sb = ("x".join(map(str, s)) for s in (shape_a, shape_b))
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa} and {sb}){note}")


def _check_matmul(a, b):
    if a.shape[-1] != b.shape[0 if b.ndim == 1 else -2]:
        raise shape_mismatch(
            a.shape if a.ndim > 1 else (1,) + a.shape, b.shape if b.ndim > 1 else b.shape + (1,)
        )
    if a.dtype != b.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {a.dtype} != {b.dtype}"
        )


def mm(a, b):
    """a @ b for 2-D arrays of one dtype, on the blocked kernel for float32/float64. On
    Tensors (a create_graph backward) it is MatMul itself, so the product has a graph."""
    if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
        return np.matmul(a, b)
    if a.dtype.type not in _KERNEL_DTYPES:
        return a @ b
    a = kernel_array(a, "mm", layout="A")  # native byte order, writeable; any strides
    b = kernel_array(b, "mm", a.dtype, layout="A")
    out = np.empty((a.shape[0], b.shape[1]), a.dtype)
    return kernels.active().matmul_into(a, b, out)


_SMALL_SLICE = 1 << 15  # m * k * n below which NumPy's stacked loop beats a kernel call a slice


def bmm(a, b):
    """a @ b for arrays with the same leading (batch) dims: one blocked-kernel call per
    slice into one output, or NumPy's stacked loop where the slices are tiny. On Tensors
    (a create_graph backward) it is MatMul itself."""
    if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
        return np.matmul(a, b)
    lead, (m, k), n = a.shape[:-2], a.shape[-2:], b.shape[-1]
    if a.dtype.type not in _KERNEL_DTYPES or m * k * n < _SMALL_SLICE or a.size == 0:
        return np.matmul(a, b)
    a3 = kernel_array(a, "bmm", layout="A").reshape((-1, m, k))
    b3 = kernel_array(b, "bmm", a3.dtype, layout="A").reshape((-1, k, n))
    out = np.empty((a3.shape[0], m, n), a3.dtype)
    for i in range(a3.shape[0]):
        kernels.active().matmul_into(a3[i], b3[i], out[i])
    return out.reshape(lead + (m, n))


def _same_batch(a, b):
    return a.ndim >= 3 and a.ndim == b.ndim and a.shape[:-2] == b.shape[:-2]


def _bias_grad(g):
    """d loss / d bias: the upstream gradient summed over the batch (its rows); on Tensors
    (a create_graph backward) the Sum op."""
    if (
        not isinstance(g, np.ndarray)
        or g.dtype.type not in _KERNEL_DTYPES
        or not (g.flags.c_contiguous and g.dtype.isnative)
    ):
        return np.sum(g, axis=0)
    out = np.empty(g.shape[1], g.dtype)
    kernels.active().column_sums(g, out)
    return out


class MatMul(ArrayFunction):
    """out = a @ b;   da = g @ b^T,  db = a^T @ g   (transposes are views, never copies).

    2-D x 2-D, batches with the same leading dims (``bmm``: the kernel slice by slice),
    3-D x 2-D (b shared by the batch), and 1-D vectors or broadcast batches as NumPy
    treats them.
    """

    @staticmethod
    def forward(ctx, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise RuntimeError(
                "both arguments to matmul need to be at least 1D, but they are "
                f"{a.ndim}D and {b.ndim}D"
            )
        _check_matmul(a, b)
        ctx.save_for_backward(a, b)
        if a.ndim == 2 and b.ndim == 2:
            return mm(a, b)
        if a.ndim == 3 and b.ndim == 2:
            batch, m, k = a.shape
            return mm(_contiguous(a).reshape(batch * m, k), b).reshape(batch, m, b.shape[1])
        if _same_batch(a, b):
            return bmm(a, b)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        da = db = None
        if a.ndim == 2 and b.ndim == 2:
            if ctx.needs_input_grad[0]:
                da = mm(grad, b.T)
            if ctx.needs_input_grad[1]:
                db = mm(a.T, grad)
            return da, db
        if _same_batch(a, b):
            da = bmm(grad, np.swapaxes(b, -1, -2)) if ctx.needs_input_grad[0] else None
            db = bmm(np.swapaxes(a, -1, -2), grad) if ctx.needs_input_grad[1] else None
            return da, db
        # vectors and broadcast batches: NumPy's matmul on the same formulas
        a_ = a.reshape(1, -1) if a.ndim == 1 else a
        b_ = b.reshape(-1, 1) if b.ndim == 1 else b
        g = grad.reshape(np.matmul(a_, b_).shape)
        if ctx.needs_input_grad[0]:
            da = np.matmul(g, np.swapaxes(b_, -1, -2))
            da = unbroadcast(da, a_.shape).reshape(a.shape)
        if ctx.needs_input_grad[1]:
            db = np.matmul(np.swapaxes(a_, -1, -2), g)
            db = unbroadcast(db, b_.shape).reshape(b.shape)
        return da, db


class Linear(ArrayFunction):
    """out = x @ W^T + bias, fused (one kernel call, bias preloaded into the output).

    dx = g @ W,   dW = g^T @ x,   dbias = sum of g over the batch.
    """

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        if x.shape[-1] != weight.shape[1]:
            rows = math.prod(x.shape[:-1])
            raise shape_mismatch((rows, x.shape[-1]), (weight.shape[1], weight.shape[0]))
        dtype = x.dtype
        if dtype is not weight.dtype and dtype != weight.dtype:
            raise RuntimeError(
                f"mat1 and mat2 must have the same dtype, but got {x.dtype} and {weight.dtype}"
            )
        ctx.save_for_backward(x, weight)
        ctx.has_bias = bias is not None
        if x.ndim == 2:
            x2 = x
        else:
            ctx.lead = x.shape[:-1]
            rows = math.prod(ctx.lead)  # (not -1: a (0,) input is one row of nothing)
            x2 = _contiguous(x).reshape(rows, x.shape[-1])
        if not dtype.isnative:
            dtype = dtype.newbyteorder("=")
        out = np.empty((x2.shape[0], weight.shape[0]), dtype)
        if dtype.type not in _KERNEL_DTYPES:
            np.matmul(x2, weight.T, out=out)
            if bias is not None:
                out += bias
        else:
            a = kernel_array(x2, "linear", dtype, layout="A")
            w_t = kernel_array(weight, "linear", dtype, layout="A").T
            floor = kernels.active()
            if bias is not None and bias.shape == (out.shape[1],):
                floor.bias_rows(out, kernel_array(bias, "linear", dtype))
            elif bias is not None:  # any other broadcastable shape
                out[...] = bias
            floor.matmul_into(a, w_t, out, accumulate=bias is not None)
        return out if x.ndim == 2 else out.reshape(ctx.lead + (weight.shape[0],))

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        rows = math.prod(x.shape[:-1])
        x2 = x if x.ndim == 2 else x.reshape(rows, x.shape[-1])
        g = grad if grad.ndim == 2 else grad.reshape(rows, weight.shape[0])
        need_x, need_w = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
        dx = mm(g, weight) if need_x else None
        if need_x and x.ndim != 2:
            dx = dx.reshape(ctx.lead + (weight.shape[1],))
        dw = mm(g.T, x2) if need_w else None
        db = _bias_grad(g) if ctx.has_bias and ctx.needs_input_grad[2] else None
        return dx, dw, db
