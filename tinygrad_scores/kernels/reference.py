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
