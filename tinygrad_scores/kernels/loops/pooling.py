"""Pooling over windows of a (planes, H, W) array (planes = N * C), one window per output.

Output row i reads input rows hs[i] + k * dh for k < hn[i]; output column j reads columns
ws[j] + k * dw for k < wn[j]; positions outside the input (padding) are skipped. The op
layer fills hs/hn/ws/wn for every pooling: fixed windows (i * stride - padding, kernel
size, dilation) and adaptive ones (floor(i * H / Ho) to ceil((i + 1) * H / Ho), step 1).

    max:  out = the largest value in the window (NaN wins), idx = its flat index h * W + w;
          gx[idx] += g
    avg:  out = (sum of the window) / div[i, j];  gx[window] += g / div[i, j]
"""

import math

from .._jit import kernel

_T = ("float32", "float64")
_I = "int64[::1]"
_MAX = [
    f"void({t}[:, :, ::1], {_I}, {_I}, intp, {_I}, {_I}, intp, {t}[:, :, ::1], int64[:, :, ::1])"
    for t in _T
]
_MAX_BACK = [f"void({t}[:, :, ::1], int64[:, :, ::1], {t}[:, :, ::1])" for t in _T]
_AVG = [f"void({t}[:, :, ::1], {_I}, {_I}, {_I}, {_I}, {t}[:, ::1], {t}[:, :, ::1])" for t in _T]


@kernel(_MAX)
def max_pool_forward(x, hs, hn, dh, ws, wn, dw, out, idx):
    """out[m, i, j] = max over the window of x[m]; idx[m, i, j] = where it was."""
    M, H, W = x.shape
    for m in range(M):
        for i in range(out.shape[1]):
            for j in range(out.shape[2]):
                best = -math.inf
                where = -1
                for a in range(hn[i]):
                    h = hs[i] + a * dh
                    for b in range(wn[j]):
                        v = ws[j] + b * dw
                        if 0 <= h < H and 0 <= v < W:
                            val = x[m, h, v]
                            if where < 0 or val > best or math.isnan(val):  # as PyTorch: NaN wins
                                best = val
                                where = h * W + v
                out[m, i, j] = best
                idx[m, i, j] = where


@kernel(_MAX_BACK)
def max_pool_backward(g, idx, gx):
    """gx[m].flat[idx[m, i, j]] += g[m, i, j] (windows overlap when stride < kernel)."""
    W = gx.shape[2]
    gx[...] = 0.0
    for m in range(g.shape[0]):
        for i in range(g.shape[1]):
            for j in range(g.shape[2]):
                k = idx[m, i, j]
                gx[m, k // W, k % W] += g[m, i, j]


@kernel(_AVG)
def avg_pool_forward(x, hs, hn, ws, wn, div, out):
    """out[m, i, j] = sum of x[m] over the window / div[i, j]."""
    M, H, W = x.shape
    for m in range(M):
        for i in range(out.shape[1]):
            for j in range(out.shape[2]):
                total = 0.0
                for h in range(max(hs[i], 0), min(hs[i] + hn[i], H)):
                    for v in range(max(ws[j], 0), min(ws[j] + wn[j], W)):
                        total += x[m, h, v]
                out[m, i, j] = total / div[i, j]


@kernel(_AVG)
def avg_pool_backward(g, hs, hn, ws, wn, div, gx):
    """gx[m, window of (i, j)] += g[m, i, j] / div[i, j]."""
    M, H, W = gx.shape
    gx[...] = 0.0
    for m in range(M):
        for i in range(g.shape[1]):
            for j in range(g.shape[2]):
                share = g[m, i, j] / div[i, j]
                for h in range(max(hs[i], 0), min(hs[i] + hn[i], H)):
                    for v in range(max(ws[j], 0), min(ws[j] + wn[j], W)):
                        gx[m, h, v] += share
