"""The NumPy twin of every kernel: the tests check each kernel against these, and the
benchmarks time them as the baseline. Each is what a careful NumPy user would write
(stable softmax, in-place updates, no needless temporaries) and doubles as the kernel's
specification."""

import numpy as np


def matmul(a, b):
    return a @ b


def relu_forward(x):
    return np.maximum(x, 0, dtype=x.dtype)


def relu_backward(out, grad):
    return grad * (out > 0)


def softmax_forward(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


def softmax_backward(y, grad):
    return y * (grad - (grad * y).sum(axis=-1, keepdims=True))


def log_softmax_forward(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    shifted -= np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return shifted


def log_softmax_backward(y, grad):
    return grad - np.exp(y) * grad.sum(axis=-1, keepdims=True)


def cross_entropy(logits, labels, reduction="mean"):
    """(loss, d loss / d logits) for integer labels, through log-softmax."""
    n = logits.shape[0]
    rows = np.arange(n)
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=1, keepdims=True)
    losses = np.log(total[:, 0]) - shifted[rows, labels]
    grad = exp / total
    grad[rows, labels] -= 1
    if reduction == "mean":
        grad /= n
        return losses.mean(dtype=logits.dtype), grad
    if reduction == "sum":
        return losses.sum(dtype=logits.dtype), grad
    return losses, grad


class Adam:
    """Adam as PyTorch publishes it, transcribed line by line with in-place NumPy."""

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        amsgrad=False,
        decoupled=False,
    ):
        self.params = params
        self.lr, self.betas, self.eps = lr, betas, eps
        self.weight_decay, self.amsgrad, self.decoupled = weight_decay, amsgrad, decoupled
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.vmax = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        beta1, beta2 = self.betas
        bc1 = 1 - beta1**self.t
        bc2_sqrt = np.sqrt(1 - beta2**self.t)
        for p, g, m, v, vmax in zip(self.params, grads, self.m, self.v, self.vmax):
            if self.weight_decay and self.decoupled:
                p *= 1 - self.lr * self.weight_decay
            elif self.weight_decay:
                g = g + self.weight_decay * p
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * g * g
            if self.amsgrad:
                np.maximum(vmax, v, out=vmax)
                denom = np.sqrt(vmax) / bc2_sqrt + self.eps
            else:
                denom = np.sqrt(v) / bc2_sqrt + self.eps
            p -= (self.lr / bc1) * m / denom


class SGD:
    """SGD with momentum as PyTorch publishes it."""

    def __init__(self, params, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
        self.params, self.lr, self.momentum = params, lr, momentum
        self.dampening, self.weight_decay, self.nesterov = dampening, weight_decay, nesterov
        self.buf = [None] * len(params)

    def step(self, grads):
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if self.weight_decay:
                g = g + self.weight_decay * p
            if self.momentum:
                if self.buf[i] is None:
                    self.buf[i] = g.copy()
                else:
                    self.buf[i] *= self.momentum
                    self.buf[i] += (1 - self.dampening) * g
                g = g + self.momentum * self.buf[i] if self.nesterov else self.buf[i]
            p -= self.lr * g


# --------------------------------------------------------------------------- convolution
def _windows(x, KH, KW, sh, sw, dh, dw):
    """x's (padded) windows as a view (N, C, Ho, Wo, KH, KW)."""
    span = ((KH - 1) * dh + 1, (KW - 1) * dw + 1)
    v = np.lib.stride_tricks.sliding_window_view(x, span, axis=(2, 3))
    return v[:, :, ::sh, ::sw, ::dh, ::dw]


def conv2d_forward(x, w, sh, sw, dh, dw, groups):
    """out[n, o, i, j] = sum_{c, p, q} x[n, c0 + c, i*sh + p*dh, j*sw + q*dw] * w[o, c, p, q]."""
    N, C = x.shape[:2]
    Co, Cg, KH, KW = w.shape
    win = _windows(x, KH, KW, sh, sw, dh, dw)
    Ho, Wo = win.shape[2:4]
    win = win.reshape(N, groups, Cg, Ho, Wo, KH, KW)
    wg = w.reshape(groups, Co // groups, Cg, KH, KW)
    return np.einsum("ngchwpq,gocpq->ngohw", win, wg).reshape(N, Co, Ho, Wo)


def conv2d_backward_input(g, w, x_shape, sh, sw, dh, dw, groups):
    """gx: each window's share g[n, o, i, j] * w[o] added back where the window was."""
    N, Co, Ho, Wo = g.shape
    _, Cg, KH, KW = w.shape
    gg = g.reshape(N, groups, Co // groups, Ho, Wo)
    wg = w.reshape(groups, Co // groups, Cg, KH, KW)
    shares = np.einsum("ngohw,gocpq->ngchwpq", gg, wg).reshape(N, groups * Cg, Ho, Wo, KH, KW)
    gx = np.zeros(x_shape, g.dtype)
    for p in range(KH):
        for q in range(KW):
            gx[:, :, p * dh : p * dh + sh * Ho : sh, q * dw : q * dw + sw * Wo : sw] += shares[
                ..., p, q
            ]
    return gx


def conv2d_backward_weight(x, g, w_shape, sh, sw, dh, dw, groups):
    """gw[o, c, p, q] = sum_{n, i, j} g[n, o, i, j] * x[n, c0 + c, i*sh + p*dh, j*sw + q*dw]."""
    N = x.shape[0]
    Co, Cg, KH, KW = w_shape
    win = _windows(x, KH, KW, sh, sw, dh, dw)
    Ho, Wo = win.shape[2:4]
    win = win.reshape(N, groups, Cg, Ho, Wo, KH, KW)
    gg = g.reshape(N, groups, Co // groups, Ho, Wo)
    return np.einsum("ngchwpq,ngohw->gocpq", win, gg).reshape(w_shape)


# --------------------------------------------------------------------------- pooling
def _window_positions(starts, counts, step, size):
    """For each output, the input positions of its window, and which lie inside [0, size)."""
    pos = starts[:, None] + np.arange(counts.max(initial=0))[None, :] * step
    valid = (np.arange(pos.shape[1])[None, :] < counts[:, None]) & (pos >= 0) & (pos < size)
    return np.clip(pos, 0, max(size - 1, 0)), valid


def max_pool_forward(x, hs, hn, dh, ws, wn, dw):
    """(out, idx): each window's max (NaN wins) and its flat index h * W + w in x's plane."""
    M, H, W = x.shape
    ph, vh = _window_positions(hs, hn, dh, H)
    pw, vw = _window_positions(ws, wn, dw, W)
    vals = x[:, ph[:, None, :, None], pw[None, :, None, :]]  # (M, Ho, Wo, kh, kw)
    valid = vh[:, None, :, None] & vw[None, :, None, :]
    vals = np.where(valid, vals, -np.inf).reshape(M, len(hs), len(ws), -1)
    flat = (ph[:, None, :, None] * W + pw[None, :, None, :]).reshape(len(hs), len(ws), -1)
    nan = np.isnan(vals)
    # PyTorch keeps the last NaN, else the first largest value
    last_nan = vals.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
    k = np.where(nan.any(axis=-1), last_nan, np.argmax(np.where(nan, -np.inf, vals), axis=-1))
    idx = np.take_along_axis(np.broadcast_to(flat, vals.shape), k[..., None], -1)[..., 0]
    return np.take_along_axis(vals, k[..., None], -1)[..., 0], idx


def max_pool_backward(g, idx, x_shape):
    gx = np.zeros((x_shape[0], x_shape[1] * x_shape[2]), g.dtype)
    rows = np.arange(g.shape[0])[:, None]
    np.add.at(gx, (rows, idx.reshape(g.shape[0], -1)), g.reshape(g.shape[0], -1))
    return gx.reshape(x_shape)


def avg_pool_forward(x, hs, hn, ws, wn, div):
    """Each window's sum (positions outside x count 0) divided by div[i, j]."""
    M, H, W = x.shape
    ph, vh = _window_positions(hs, hn, 1, H)
    pw, vw = _window_positions(ws, wn, 1, W)
    vals = x[:, ph[:, None, :, None], pw[None, :, None, :]]
    valid = vh[:, None, :, None] & vw[None, :, None, :]
    return np.where(valid, vals, 0).sum(axis=(3, 4)) / div


def avg_pool_backward(g, hs, hn, ws, wn, div, x_shape):
    M, H, W = x_shape
    ph, vh = _window_positions(hs, hn, 1, H)
    pw, vw = _window_positions(ws, wn, 1, W)
    valid = vh[:, None, :, None] & vw[None, :, None, :]
    shares = np.where(valid, (g / div)[..., None, None], 0)
    gx = np.zeros(x_shape, g.dtype)
    np.add.at(gx, (slice(None), ph[:, None, :, None], pw[None, :, None, :]), shares)
    return gx
