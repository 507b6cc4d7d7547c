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


def sigmoid_forward(x):
    with np.errstate(over="ignore"):  # exp(-x) = inf: 1 / inf is the right 0
        return 1 / (1 + np.exp(-x))


def row_amax(x):
    return x.max(axis=1)


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


# ---------------------------------------------------------------------------- random (rng.py)
# A fused multiply-add in NumPy: the float32 product is exact in float64, so one rounding
# of the sum to float64 and one to float32 (a double rounding, wrong once in ~2**29 sums).
def _fma32(a, b, c):
    return (np.float64(a) * b + c).astype(np.float32)


def mt_words(key, pos, n):
    """The next n words of PyTorch's mt19937 state (key, [left, next]): NumPy's MT19937 is
    the same generator, its ``pos`` PyTorch's next (624 while a twist is due)."""
    bits = np.random.MT19937()
    left, nxt = int(pos[0]), int(pos[1])
    state = {"key": np.asarray(key, np.uint32), "pos": 624 if left == 1 else nxt}
    bits.state = {"bit_generator": "MT19937", "state": state}
    return bits.random_raw(n).astype(np.uint32)


def uniform_float32(words, low, span):
    return _fma32((words & 0xFFFFFF).astype(np.float32) * np.float32(2.0**-24), span, low)


def uniform_float64(words, low, span):
    """Pairs of words -> random64 -> 53-bit uniforms; the product x * span is not exact in
    float64, so this twin is for span = 1, low = 0 (the kernel fuses the general case)."""
    pairs = words.astype(np.uint64).reshape(-1, 2)
    bits = ((pairs[:, 0] << np.uint64(32)) | pairs[:, 1]) & np.uint64((1 << 53) - 1)
    return bits.astype(np.float64) * 2.0**-53 * span + low


def _log_cephes(x):
    f = np.float32
    bits = x.view(np.int32)
    e = ((bits >> 23) - 127).astype(np.float32) + f(1)
    m = ((bits & ~0x7F800000) | 0x3F000000).view(np.float32)
    small = m < f(0.707106781186547524)
    e = e - np.where(small, f(1), f(0))
    x = (m - f(1)) + np.where(small, m, f(0))
    z = x * x
    y = np.full_like(x, f(7.0376836292e-2))
    for p in (-1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1):
        y = _fma32(y, x, f(p))
    for p in (-1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1):
        y = _fma32(y, x, f(p))
    y = _fma32(y * x, z, e * f(-2.12194440e-4))
    y = y - z * f(0.5)
    return (x + y) + e * f(0.693359375)


def _sincos_cephes(x):
    f = np.float32
    j = ((x * f(1.27323954473516)).astype(np.int32) + 1) & ~1
    y = j.astype(np.float32)
    for dp in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):
        x = _fma32(y, f(dp), x)
    z = x * x
    c = _fma32(
        _fma32(f(2.443315711809948e-5), z, f(-1.388731625493765e-3)), z, f(4.166664568298827e-2)
    )
    c = _fma32(c * z, z, -(z * f(0.5))) + f(1)
    s = _fma32(_fma32(f(-1.9515295891e-4), z, f(8.3321608736e-3)), z, f(-1.6666654611e-1))
    s = _fma32(s * z, x, x)
    first = (j & 2) == 0
    sin = np.where(first, s, c)
    cos = np.where(first, c, s)
    return np.where(j & 4, -sin, sin), np.where(~(j - 2) & 4, -cos, cos)


def normal_blocks_float32(data, mean, std):
    """normal_fill_16_AVX2 on each whole block of 16 uniforms (the kernel takes the words
    and makes the uniforms on the way): the Cephes log and sincos of avx_mathfun.h,
    operation for operation (with the FMAs its compiler fused)."""
    blocks = data[: len(data) // 16 * 16].reshape(-1, 2, 8)
    radius = np.sqrt(np.float32(-2) * _log_cephes(np.float32(1) - blocks[:, 0]))
    sin, cos = _sincos_cephes(np.float32(2 * np.pi) * blocks[:, 1])
    out = data.copy()
    out[: blocks.size].reshape(-1, 2, 8)[:, 0] = _fma32(radius * cos, std, mean)
    out[: blocks.size].reshape(-1, 2, 8)[:, 1] = _fma32(radius * sin, std, mean)
    return out


def randperm_shuffle(words, n):
    out = np.arange(n)
    for i in range(n - 1):
        z = i + int(words[i]) % (n - i)
        out[i], out[z] = out[z], out[i]
    return out


def lstm_cell_forward(pre, c_prev):
    """(activated gates, c', h') of one LSTM step from the pre-activations (B, 4H)."""
    i, f, g, o = np.split(pre, 4, axis=1)
    i, f, o = (1 / (1 + np.exp(-v)) for v in (i, f, o))
    g = np.tanh(g)
    c = f * c_prev + i * g
    return np.concatenate([i, f, g, o], axis=1), c, o * np.tanh(c)


def lstm_cell_backward(acts, c_prev, c, dh, dc):
    """(d pre-activations, the dc carried to the step before) of one LSTM step."""
    i, f, g, o = np.split(acts, 4, axis=1)
    tanh_c = np.tanh(c)
    dc = dc + dh * o * (1 - tanh_c**2)
    dpre = np.concatenate(
        [
            dc * g * i * (1 - i),
            dc * c_prev * f * (1 - f),
            dc * i * (1 - g**2),
            dh * tanh_c * o * (1 - o),
        ],
        axis=1,
    )
    return dpre, dc * f


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


def embedding_backward(indices, grad, num_weights):
    """zeros(num_weights, D) with row k of grad added into row indices[k]."""
    out = np.zeros((num_weights, grad.shape[1]), grad.dtype)
    np.add.at(out, indices, grad)
    return out
