"""Every differentiable operation, one class each: forward and backward side by side.

Read any class top to bottom: the docstring states the derivative, ``forward`` computes
the value from NumPy arrays and saves what the derivative needs, and ``backward`` turns
the gradient of the output (``grad``) into one gradient per input, in the order of the
inputs. The engine in ``autograd.py`` calls them; the hot ones call a kernel in
``kernels/``. Binary operations broadcast like NumPy, so their backward first sums the
gradient back to each input's shape (``unbroadcast``).
"""
import numpy as np

from .autograd import Function
from .kernels import cross_entropy as ce_kernels
from .kernels import relu as relu_kernels
from .kernels import softmax as softmax_kernels
from .kernels.matmul import matmul_into

_KERNEL_DTYPES = (np.float32, np.float64)


def unbroadcast(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched, back to ``shape``."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad.reshape(shape)


def _contiguous(a):
    """``a`` as a writeable C-contiguous array (kernels take no read-only broadcast views)."""
    return a if a.flags.c_contiguous and a.flags.writeable else np.array(a, order="C")


def _writeable(a):
    """``a`` itself unless it is a read-only view (np.broadcast_to); then a copy."""
    return a if a.flags.writeable else np.array(a)


# ----------------------------------------------------------------------------- arithmetic

class Add(Function):
    """out = a + b;   da = g,  db = g  (each summed back to its input's shape)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (a.shape, b.shape)
        return a + b

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        return unbroadcast(grad, sa), unbroadcast(grad, sb)


class Sub(Function):
    """out = a - b;   da = g,  db = -g."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (a.shape, b.shape)
        return a - b

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        db = unbroadcast(-grad, sb) if ctx.needs_input_grad[1] else None
        return unbroadcast(grad, sa), db


class Mul(Function):
    """out = a * b;   da = g * b,  db = g * a."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        da = unbroadcast(grad * b, a.shape) if ctx.needs_input_grad[0] else None
        db = unbroadcast(grad * a, b.shape) if ctx.needs_input_grad[1] else None
        return da, db


class Div(Function):
    """out = a / b;   da = g / b,  db = -g * a / b**2."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        da = unbroadcast(grad / b, a.shape) if ctx.needs_input_grad[0] else None
        db = unbroadcast(-grad * a / (b * b), b.shape) if ctx.needs_input_grad[1] else None
        return da, db


class Pow(Function):
    """out = a ** b;   da = g * b * a**(b-1),  db = g * a**b * log(a)."""

    @staticmethod
    def forward(ctx, a, b):
        out = np.power(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        da = db = None
        if ctx.needs_input_grad[0]:
            da = unbroadcast(grad * b * np.power(a, b - 1), a.shape)
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                db = unbroadcast(grad * out * np.log(a), b.shape)
        return da, db


class Neg(Function):
    """out = -a;   da = -g."""

    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Cast(Function):
    """out = a converted to another float dtype;   da = g converted back to a's dtype."""

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.dtype = a.dtype
        return a.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad.astype(ctx.dtype)


# ----------------------------------------------------------------------------- elementwise

class Exp(Function):
    """out = exp(a);   da = g * out."""

    @staticmethod
    def forward(ctx, a):
        out = np.exp(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out


class Log(Function):
    """out = log(a);   da = g / a   (log 0 = -inf with gradient inf, as PyTorch)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        with np.errstate(divide="ignore", invalid="ignore"):
            return grad / a


class Sqrt(Function):
    """out = sqrt(a);   da = g / (2 * out)."""

    @staticmethod
    def forward(ctx, a):
        out = np.sqrt(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        with np.errstate(divide="ignore"):
            return grad / (2 * out)


class Abs(Function):
    """out = |a|;   da = g * sign(a)   (0 at a == 0, as PyTorch)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * np.sign(a)


class ReLU(Function):
    """out = max(a, 0);   da = g * (a > 0)   (0 at a == 0, as PyTorch).  Kernel: relu.py."""

    @staticmethod
    def forward(ctx, a):
        if a.dtype not in _KERNEL_DTYPES:
            out = np.maximum(a, 0)
        else:
            out = np.empty(a.shape, a.dtype)
            relu_kernels.relu_forward(_contiguous(a).reshape(-1), out.reshape(-1))
        ctx.save_for_backward(out)   # out > 0 exactly where a > 0
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        grad_in = np.empty(out.shape, out.dtype)
        relu_kernels.relu_backward(out.reshape(-1), _contiguous(grad).reshape(-1),
                                   grad_in.reshape(-1))
        return grad_in


class Sigmoid(Function):
    """out = 1 / (1 + exp(-a));   da = g * out * (1 - out)."""

    @staticmethod
    def forward(ctx, a):
        # exp of a negative number only, so no overflow warning for large |a|
        e = np.exp(-np.abs(a))
        out = np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)


class Tanh(Function):
    """out = tanh(a);   da = g * (1 - out**2)."""

    @staticmethod
    def forward(ctx, a):
        out = np.tanh(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


# ----------------------------------------------------------------------------- reductions

def _axes(dim, ndim):
    if dim is None:
        return tuple(range(ndim))
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    out = []
    for d in dims:
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-max(ndim, 1)}, {max(ndim, 1) - 1}], but got {d})")
        out.append(d % max(ndim, 1))
    return tuple(sorted(set(out))) if ndim else ()


def _expand_reduced(grad, shape, axes, keepdim):
    """Broadcast the gradient of a reduction back over the reduced axes."""
    if not keepdim:
        grad = np.expand_dims(grad, axes)
    return np.broadcast_to(grad, shape)


class Sum(Function):
    """out = sum of a over dims;   da = g broadcast back over those dims."""

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        ctx.shape, ctx.axes, ctx.keepdim = a.shape, _axes(dim, a.ndim), keepdim
        return np.asarray(a.sum(axis=ctx.axes, keepdims=keepdim))

    @staticmethod
    def backward(ctx, grad):
        return _expand_reduced(grad, ctx.shape, ctx.axes, ctx.keepdim)


class Mean(Function):
    """out = mean of a over dims (n elements each);   da = g / n broadcast back."""

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        ctx.shape, ctx.axes, ctx.keepdim = a.shape, _axes(dim, a.ndim), keepdim
        ctx.count = int(np.prod([a.shape[i] for i in ctx.axes]))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(a.mean(axis=ctx.axes, keepdims=keepdim), dtype=a.dtype)

    @staticmethod
    def backward(ctx, grad):
        scaled = grad / ctx.count if ctx.count else grad * np.nan
        return _expand_reduced(scaled.astype(grad.dtype, copy=False), ctx.shape, ctx.axes,
                               ctx.keepdim)


class Max(Function):
    """out = max of a over ``dim``.

    With a dim, the gradient goes to the element ``argmax`` picks (the first maximum),
    as PyTorch's ``max(dim)``. Over all elements it is split evenly between ties, as
    PyTorch's ``max()`` and ``amax``.
    """

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        if a.size == 0:
            raise RuntimeError("max(): Expected reduction dim to be specified for input.numel() "
                               "== 0. Specify the reduction dim with the 'dim' argument.")
        ctx.shape, ctx.dim, ctx.keepdim = a.shape, dim, keepdim
        if dim is None:
            out = np.asarray(a.max())
            ctx.save_for_backward(a == out)
            return out
        d = _axes(dim, a.ndim)[0] if a.ndim else None
        ctx.dim = d
        idx = np.expand_dims(np.argmax(a, axis=d), d) if a.ndim else None
        ctx.indices = idx
        out = np.take_along_axis(a, idx, axis=d) if a.ndim else a
        return out if keepdim or not a.ndim else np.squeeze(out, axis=d)

    @staticmethod
    def backward(ctx, grad):
        if ctx.dim is None:
            (ties,) = ctx.saved_tensors
            return (ties * (grad / ties.sum())).astype(grad.dtype)
        g = grad if ctx.keepdim else np.expand_dims(grad, ctx.dim)
        out = np.zeros(ctx.shape, grad.dtype)
        np.put_along_axis(out, ctx.indices, g, axis=ctx.dim)
        return out


# ----------------------------------------------------------------------------- shapes

class Reshape(Function):
    """out = a viewed with another shape;   da = g reshaped back."""

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        try:
            return a.reshape(shape)
        except ValueError:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {a.size}") from None

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.shape)


class Permute(Function):
    """out = a with axes reordered by ``dims`` (transpose is a swap of two);
    da = g with the inverse permutation."""

    @staticmethod
    def forward(ctx, a, dims):
        ctx.inverse = np.argsort(dims)
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        return grad.transpose(ctx.inverse)


class Expand(Function):
    """out = a broadcast to ``shape``;   da = g summed back to a's shape."""

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, grad):
        return unbroadcast(grad, ctx.shape)


class GetItem(Function):
    """out = a[index];   da = zeros with g scattered back to ``index`` (added where an
    integer-array index repeats a position)."""

    @staticmethod
    def forward(ctx, a, index):
        ctx.shape, ctx.index = a.shape, index
        return np.asarray(a[index])

    @staticmethod
    def backward(ctx, grad):
        out = np.zeros(ctx.shape, grad.dtype)
        np.add.at(out, ctx.index, grad)
        return out


class Cat(Function):
    """out = the inputs joined along ``dim``;   d_input_k = the slice of g input k filled."""

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        ctx.dim = dim
        ctx.bounds = np.cumsum([a.shape[dim] for a in arrays])[:-1]
        return np.concatenate(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return tuple(np.split(grad, ctx.bounds, axis=ctx.dim))


# ----------------------------------------------------------------------------- linear algebra

def _check_matmul(a, b):
    if a.shape[-1] != b.shape[0 if b.ndim == 1 else -2]:
        sa = "x".join(map(str, a.shape if a.ndim > 1 else (1,) + a.shape))
        sb = "x".join(map(str, b.shape if b.ndim > 1 else b.shape + (1,)))
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa} and {sb})")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{a.dtype} != {b.dtype}")


def mm(a, b):
    """a @ b for 2-D arrays of one dtype, on the blocked kernel for float32/float64."""
    if a.dtype.type not in _KERNEL_DTYPES:
        return a @ b
    out = np.empty((a.shape[0], b.shape[1]), a.dtype)
    return matmul_into(_writeable(a), _writeable(b), out)


class MatMul(Function):
    """out = a @ b;   da = g @ b^T,  db = a^T @ g   (transposes are views, never copies).

    2-D x 2-D, batched 3-D x 3-D (or 3-D x 2-D, where b is shared by the batch), and 1-D
    vectors on either side as NumPy treats them.
    """

    @staticmethod
    def forward(ctx, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise RuntimeError("both arguments to matmul need to be at least 1D, but they are "
                               f"{a.ndim}D and {b.ndim}D")
        _check_matmul(a, b)
        ctx.save_for_backward(a, b)
        if a.ndim == 2 and b.ndim == 2:
            return mm(a, b)
        if a.ndim == 3 and b.ndim == 2:
            batch, m, k = a.shape
            return mm(_contiguous(a).reshape(batch * m, k), b).reshape(batch, m, b.shape[1])
        if a.ndim == 3 and b.ndim == 3 and a.shape[0] == b.shape[0] and a.shape[0] > 0:
            return np.stack([mm(a[i], b[i]) for i in range(a.shape[0])])
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
        # vectors and batches: NumPy's matmul on the same formulas
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


class Linear(Function):
    """out = x @ W^T + bias, fused (one kernel call, bias preloaded into the output).

    dx = g @ W,   dW = g^T @ x,   dbias = sum of g over the batch.
    """

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        if x.shape[-1] != weight.shape[1]:
            rows = int(np.prod(x.shape[:-1]))
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                               f"({rows}x{x.shape[-1]} and {weight.shape[1]}x{weight.shape[0]})")
        if x.dtype != weight.dtype:
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                               f"{x.dtype} and {weight.dtype}")
        lead = x.shape[:-1]
        x2 = x if x.ndim == 2 else _contiguous(x).reshape(-1, x.shape[-1])
        ctx.save_for_backward(x2, weight)
        ctx.lead = lead
        ctx.has_bias = bias is not None
        out = np.empty((x2.shape[0], weight.shape[0]), x.dtype)
        if x.dtype.type not in _KERNEL_DTYPES:
            np.matmul(x2, weight.T, out=out)
            if bias is not None:
                out += bias
        elif bias is None:
            matmul_into(_writeable(x2), weight.T, out)
        else:
            out[...] = bias
            matmul_into(_writeable(x2), weight.T, out, accumulate=True)
        return out if x.ndim == 2 else out.reshape(lead + (weight.shape[0],))

    @staticmethod
    def backward(ctx, grad):
        x2, weight = ctx.saved_tensors
        g = grad if grad.ndim == 2 else grad.reshape(-1, weight.shape[0])
        need_x, need_w = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
        dx = mm(g, weight).reshape(ctx.lead + (weight.shape[1],)) if need_x else None
        dw = mm(g.T, x2) if need_w else None
        db = g.sum(axis=0) if ctx.has_bias and ctx.needs_input_grad[2] else None
        return dx, dw, db


# ----------------------------------------------------------------------------- softmax

def _rows(x, dim):
    """x with ``dim`` moved last, as a C-contiguous 2-D array of rows."""
    moved = np.moveaxis(x, dim, -1)
    return _contiguous(moved).reshape(-1, x.shape[dim] if x.ndim else 1), moved.shape


def _unrows(y, moved_shape, dim):
    return np.moveaxis(y.reshape(moved_shape), -1, dim)


class Softmax(Function):
    """y = exp(x - max) / sum(exp(x - max)) along ``dim``;   dx = y * (g - sum(g * y)).
    Kernel: softmax.py."""

    @staticmethod
    def forward(ctx, x, dim):
        if x.ndim == 0:
            return np.ones_like(x)
        rows, moved = _rows(x, dim)
        y = np.empty_like(rows)
        softmax_kernels.softmax_forward(rows, y)
        ctx.save_for_backward(y)
        ctx.dim, ctx.moved = dim, moved
        return _unrows(y, moved, dim)

    @staticmethod
    def backward(ctx, grad):
        if grad.ndim == 0:
            return np.zeros_like(grad)
        (y,) = ctx.saved_tensors
        g, _ = _rows(grad, ctx.dim)
        dx = np.empty_like(y)
        softmax_kernels.softmax_backward(y, g, dx)
        return _unrows(dx, ctx.moved, ctx.dim)


class LogSoftmax(Function):
    """y = x - max - log(sum(exp(x - max))) along ``dim``;   dx = g - exp(y) * sum(g).
    Kernel: softmax.py."""

    @staticmethod
    def forward(ctx, x, dim):
        if x.ndim == 0:
            return np.zeros_like(x)
        rows, moved = _rows(x, dim)
        y = np.empty_like(rows)
        softmax_kernels.log_softmax_forward(rows, y)
        ctx.save_for_backward(y)
        ctx.dim, ctx.moved = dim, moved
        return _unrows(y, moved, dim)

    @staticmethod
    def backward(ctx, grad):
        if grad.ndim == 0:
            return np.zeros_like(grad)
        (y,) = ctx.saved_tensors
        g, _ = _rows(grad, ctx.dim)
        dx = np.empty_like(y)
        softmax_kernels.log_softmax_backward(y, g, dx)
        return _unrows(dx, ctx.moved, ctx.dim)


# ----------------------------------------------------------------------------- losses

class CrossEntropy(Function):
    """Mean (or sum, or per-sample) of  w[y_i] * (logsumexp(x_i) - x_i[y_i]).

    d loss / d x_i = w[y_i] * (softmax(x_i) - onehot(y_i)) * s, with s = 1 / sum of the
    weights of the counted rows for 'mean', 1 for 'sum', and g_i for 'none'. The kernel
    computes the loss and the gradient rows, already times s, in one pass
    (cross_entropy.py); backward only multiplies by the upstream gradient when it is not 1.
    """

    @staticmethod
    def forward(ctx, logits, labels, weight=None, ignore_index=-100, reduction="mean"):
        n, c = logits.shape
        w = weight if weight is not None else np.ones(c, logits.dtype)
        bad, total_weight = ce_kernels.check_labels(labels, c, ignore_index, w)
        if bad >= 0:
            raise IndexError(f"cross_entropy: target {int(labels[bad])} at position {bad} is out "
                             f"of bounds for {c} classes (valid labels are 0..{c - 1})")
        # 'mean' over no counted rows is 0/0 = NaN, as in PyTorch
        scale = 1.0 if reduction != "mean" else 1.0 / total_weight if total_weight else np.nan
        losses = np.empty(n, logits.dtype)
        want_grad = ctx.needs_input_grad is not None and ctx.needs_input_grad[0]
        grad_rows = np.empty((n, c) if want_grad else (0, c), logits.dtype)
        loss_sum = ce_kernels.cross_entropy_forward(_contiguous(logits), labels, w, ignore_index,
                                                    scale, losses, grad_rows, want_grad)
        ctx.reduction = reduction
        ctx.save_for_backward(grad_rows)
        if reduction == "none":
            return losses
        return np.asarray(loss_sum * scale, logits.dtype)

    @staticmethod
    def backward(ctx, grad):
        (grad_rows,) = ctx.saved_tensors
        if ctx.reduction == "none":
            out = np.empty_like(grad_rows)
            ce_kernels.scale_rows(grad_rows, _contiguous(grad), out)
            return out, None, None
        g = grad.item()
        return (grad_rows if g == 1.0 else grad_rows * grad_rows.dtype.type(g)), None, None


class MSELoss(Function):
    """mean (or sum, or each) of (a - b)**2;   da = 2 (a - b) g / n,  db = -da."""

    @staticmethod
    def forward(ctx, a, b, reduction="mean"):
        diff = a - b
        ctx.save_for_backward(diff)
        ctx.reduction = reduction
        sq = diff * diff
        if reduction == "none":
            return sq
        total = sq.sum()
        return np.asarray(total / diff.size if reduction == "mean" else total, a.dtype)

    @staticmethod
    def backward(ctx, grad):
        (diff,) = ctx.saved_tensors
        scale = 2.0 / diff.size if ctx.reduction == "mean" else 2.0
        da = (diff * (grad * diff.dtype.type(scale))).astype(diff.dtype, copy=False)
        return (da if ctx.needs_input_grad[0] else None,
                -da if ctx.needs_input_grad[1] else None)
