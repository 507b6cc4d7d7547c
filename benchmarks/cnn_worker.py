"""One framework's side of the CNN benchmark (benchmarks/cnn.py), in a process of its own.

    python benchmarks/cnn_worker.py ours|torch|numpy

Reads commands from stdin, one a line: ``step MODEL SECONDS`` runs training steps of MODEL
(mnist: the official example's CNN; lenet: LeNet-5) for about SECONDS after a short untimed
warm-up and answers the median seconds per step; ``conv NAME SECONDS`` times one conv2d
product of the MNIST CNN's second layer (ours) or the OpenBLAS GEMM of its size (numpy).
The models are written once against PyTorch's API: ours runs them with its imports changed.
"""

import os
import statistics
import sys
import time

import numpy as np

FRAMEWORK = sys.argv[1]
if FRAMEWORK == "torch":
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
elif FRAMEWORK == "ours":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import tinygrad_scores as torch
    import tinygrad_scores.nn as nn
    import tinygrad_scores.nn.functional as F
    from tinygrad_scores import kernels

BATCH = 64

if FRAMEWORK in ("torch", "ours"):

    class MnistNet(nn.Module):
        """pytorch/examples mnist/main.py's Net."""

        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, 3, 1)
            self.conv2 = nn.Conv2d(32, 64, 3, 1)
            self.dropout1 = nn.Dropout(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(9216, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv2(F.relu(self.conv1(x)))), 2)
            x = torch.flatten(self.dropout1(x), 1)
            x = self.dropout2(F.relu(self.fc1(x)))
            return F.log_softmax(self.fc2(x), dim=1)

    def lenet():
        """LeNet-5 as d2l and the 60-minute blitz write it (ReLU and max-pooling)."""
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
        )  # fmt: skip

    def make_step(model_name):
        torch.manual_seed(0)
        model = MnistNet() if model_name == "mnist" else lenet()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        x = torch.randn(BATCH, 1, 28, 28)
        y = torch.randint(0, 10, (BATCH,))

        def step():
            opt.zero_grad()
            loss = F.nll_loss(F.log_softmax(model(x), dim=1), y)
            loss.backward()
            opt.step()

        return step


# --------------------------------------------------------------------------- NumPy im2col
def im2col(x, k):
    """(N, C, H, W) -> (N * Ho * Wo, C * k * k), stride 1, no padding."""
    win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))
    n, c, ho, wo = win.shape[:4]
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, c * k * k), (n, ho, wo)


def col2im(cols, shape, k):
    """The adjoint: (N * Ho * Wo, C * k * k) summed back into (N, C, H, W)."""
    n, c, h, w = shape
    ho, wo = h - k + 1, w - k + 1
    cols = cols.reshape(n, ho, wo, c, k, k)
    out = np.zeros(shape, cols.dtype)
    for p in range(k):
        for q in range(k):
            out[:, :, p : p + ho, q : q + wo] += cols[:, :, :, :, p, q].transpose(0, 3, 1, 2)
    return out


class NpConv:
    def __init__(self, rng, cin, cout, k, pad=0):
        bound = 1 / np.sqrt(cin * k * k)
        self.w = rng.uniform(-bound, bound, (cout, cin * k * k)).astype(np.float32)
        self.b = rng.uniform(-bound, bound, cout).astype(np.float32)
        self.k, self.pad = k, pad
        self.params = [self.w, self.b]

    def forward(self, x):
        if self.pad:
            x = np.pad(x, ((0, 0), (0, 0), (self.pad,) * 2, (self.pad,) * 2))
        self.shape = x.shape
        self.cols, (n, ho, wo) = im2col(x, self.k)
        out = self.cols @ self.w.T + self.b
        return out.reshape(n, ho, wo, -1).transpose(0, 3, 1, 2)

    def backward(self, g):
        g2 = g.transpose(0, 2, 3, 1).reshape(-1, g.shape[1])
        self.grads = [g2.T @ self.cols, g2.sum(axis=0)]
        gx = col2im(g2 @ self.w, self.shape, self.k)
        p = self.pad
        return gx[:, :, p : gx.shape[2] - p, p : gx.shape[3] - p] if p else gx


class NpLinear:
    def __init__(self, rng, n_in, n_out):
        bound = 1 / np.sqrt(n_in)
        self.w = rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32)
        self.b = rng.uniform(-bound, bound, n_out).astype(np.float32)
        self.params = [self.w, self.b]

    def forward(self, x):
        self.x = x
        return x @ self.w.T + self.b

    def backward(self, g):
        self.grads = [g.T @ self.x, g.sum(axis=0)]
        return g @ self.w


class NpReLU:
    params = []

    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, g):
        return g * self.mask


class NpMaxPool2:
    params = []

    def forward(self, x):
        n, c, h, w = x.shape
        blocks = x.reshape(n, c, h // 2, 2, w // 2, 2)
        out = blocks.max(axis=(3, 5))
        self.mask = blocks == out[:, :, :, None, :, None]
        return out

    def backward(self, g):
        gx = self.mask * g[:, :, :, None, :, None]
        n, c, h2, _, w2, _ = gx.shape
        return gx.reshape(n, c, h2 * 2, w2 * 2)


class NpDropout:
    params = []

    def __init__(self, rng, p):
        self.rng, self.p = rng, p

    def forward(self, x):
        self.mask = (self.rng.random(x.shape, np.float32) >= self.p) / np.float32(1 - self.p)
        return x * self.mask

    def backward(self, g):
        return g * self.mask


class NpFlatten:
    params = []

    def forward(self, x):
        self.shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, g):
        return g.reshape(self.shape)


def numpy_step(model_name):
    rng = np.random.default_rng(0)
    if model_name == "mnist":
        layers = [NpConv(rng, 1, 32, 3), NpReLU(), NpConv(rng, 32, 64, 3), NpReLU(), NpMaxPool2(),
                  NpDropout(rng, 0.25), NpFlatten(), NpLinear(rng, 9216, 128), NpReLU(),
                  NpDropout(rng, 0.5), NpLinear(rng, 128, 10)]  # fmt: skip
    else:
        layers = [NpConv(rng, 1, 6, 5, 2), NpReLU(), NpMaxPool2(), NpConv(rng, 6, 16, 5), NpReLU(),
                  NpMaxPool2(), NpFlatten(), NpLinear(rng, 400, 120), NpReLU(),
                  NpLinear(rng, 120, 84), NpReLU(), NpLinear(rng, 84, 10)]  # fmt: skip
    params = [p for layer in layers for p in layer.params]
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
    x = rng.standard_normal((BATCH, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, BATCH)
    t = [0]

    def step():
        h = x
        for layer in layers:
            h = layer.forward(h)
        z = h - h.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(BATCH), y] -= 1  # d mean(nll(log_softmax)) / d logits, times BATCH
        g = p / np.float32(BATCH)
        for layer in reversed(layers):
            g = layer.backward(g)
        t[0] += 1
        grads = [gr for layer in layers for gr in getattr(layer, "grads", [])]
        c1, c2 = 1 - 0.9 ** t[0], 1 - 0.999 ** t[0]
        for param, grad, (m, v) in zip(params, grads, moments):
            m *= 0.9
            m += 0.1 * grad
            v *= 0.999
            v += 0.001 * grad * grad
            param -= 1e-3 / c1 * m / (np.sqrt(v / c2) + 1e-8)

    return step


# --------------------------------------------------------------------------- conv products
def conv_products():
    """The MNIST CNN's second layer: x (64, 32, 26, 26), w (64, 32, 3, 3), out (64, 64, 24, 24)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, 32, 26, 26)).astype(np.float32)
    w = rng.standard_normal((64, 32, 3, 3)).astype(np.float32)
    out = np.empty((BATCH, 64, 24, 24), np.float32)
    g = rng.standard_normal(out.shape).astype(np.float32)
    gx, gw = np.empty_like(x), np.empty_like(w)
    if FRAMEWORK == "ours":
        k = kernels.fast
        return {
            "forward": lambda: k.conv2d_forward(x, w, out, 1, 1, 1, 1, 1),
            "input grad": lambda: k.conv2d_backward_input(g, w, gx, 1, 1, 1, 1, 1),
            "weight grad": lambda: k.conv2d_backward_weight(x, g, gw, 1, 1, 1, 1, 1),
        }
    # OpenBLAS GEMMs of the same sizes: (64 x 288) @ (288 x 36864) and its two transposes
    a, b = rng.standard_normal((64, 288)).astype(np.float32), rng.standard_normal((288, 36864))
    b = b.astype(np.float32)
    c = np.empty((64, 36864), np.float32)
    gb, ga = np.empty((288, 36864), np.float32), np.empty((64, 288), np.float32)
    return {
        "forward": lambda: np.matmul(a, b, out=c),
        "input grad": lambda: np.matmul(a.T, c, out=gb),
        "weight grad": lambda: np.matmul(c, b.T, out=ga),
    }


def timed(fn, seconds):
    """Median seconds per call over a block of about ``seconds`` (after a warm-up)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < min(0.3, seconds):
        fn()
    samples = []
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds or len(samples) < 3:
        t1 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t1)
    return statistics.median(samples)


def main():
    steps, products = {}, None
    if FRAMEWORK == "ours":
        kernels.wait_for_builds()
    print("ready", flush=True)
    for line in sys.stdin:
        what, name, seconds = line.split()
        if what == "step":
            if name not in steps:
                steps[name] = numpy_step(name) if FRAMEWORK == "numpy" else make_step(name)
            fn = steps[name]
        else:
            products = products or conv_products()
            fn = products[name.replace("_", " ")]
        print(timed(fn, float(seconds)), flush=True)


if __name__ == "__main__":
    main()
