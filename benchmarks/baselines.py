"""The NumPy side of the comparison: what a careful NumPy user writes for one training
step of Linear -> ReLU -> Linear with cross-entropy and Adam (in-place updates, ``out=``,
no needless temporaries). The kernel baselines are in tinygrad_scores/kernels/reference.py."""

import numpy as np

from tinygrad_scores.kernels import reference as ref


class NumpyMLP:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.W1, self.b1, self.W2, self.b2 = (p.copy() for p in params)
        self.params = [self.W1, self.b1, self.W2, self.b2]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0
        self.lr, self.betas, self.eps = lr, betas, eps

    def loss_and_grads(self, x, y):
        z1 = x @ self.W1.T
        z1 += self.b1
        h = np.maximum(z1, 0, out=z1)
        s = h @ self.W2.T
        s += self.b2
        loss, ds = ref.cross_entropy(s, y)
        dW2 = ds.T @ h
        db2 = ds.sum(0)
        dh = ds @ self.W2
        dh *= h > 0
        dW1 = dh.T @ x
        db1 = dh.sum(0)
        return loss, [dW1, db1, dW2, db2]

    def step(self, x, y):
        loss, grads = self.loss_and_grads(x, y)
        self.t += 1
        b1, b2 = self.betas
        step_size = self.lr / (1 - b1**self.t)
        bc2_sqrt = np.sqrt(1 - b2**self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            g *= g
            g *= 1 - b2
            v += g
            denom = np.sqrt(v, out=g)
            denom /= bc2_sqrt
            denom += self.eps
            np.divide(m, denom, out=denom)
            denom *= step_size
            p -= denom
        return loss


def numpy_adam_step(p, g, m, v, t, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8, tmp=None):
    """In-place NumPy Adam on one flat parameter (``tmp`` a scratch array of p's size)."""
    m *= b1
    m += (1 - b1) * g
    v *= b2
    np.multiply(g, g, out=tmp)
    tmp *= 1 - b2
    v += tmp
    np.sqrt(v, out=tmp)
    tmp /= np.sqrt(1 - b2**t)
    tmp += eps
    np.divide(m, tmp, out=tmp)
    tmp *= lr / (1 - b1**t)
    p -= tmp


def numpy_sgd_step(p, g, buf, lr=1e-2, momentum=0.9, tmp=None):
    """In-place NumPy SGD with momentum (no dampening, after the first step) on one flat
    parameter (``tmp`` a scratch array of p's size)."""
    buf *= momentum
    buf += g
    np.multiply(buf, lr, out=tmp)
    p -= tmp


def numpy_softmax_ce_fwd_bwd(x, y):
    return ref.cross_entropy(x, y)
