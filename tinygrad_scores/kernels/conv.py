"""Convolution as matrix products (im2col): forward and both backward products on the
blocked GEMM of matmul.py.

Over its loop twin (loops/conv.py): the MNIST CNN's second layer (batch 64, 32 -> 64
channels, 3 x 3 on 26 x 26, 1.4 GFLOP) forward 2,564 -> 59 ms on one thread (43x; 0.5 ->
23 GFLOPS on the shared 2-core machine, 2026-12-05). The twin computes each
output as its own dot product, one multiply-add at a time, reading x across planes; here
each sample's windows are copied once into the rows of a matrix (``im2col``: row
(c, p, q), column (i, j) holds x[c, i*sh + p*dh, j*sw + q*dw]), after which

    forward         out[n]  = W (Co, C*KH*KW) @ cols[n]            (per group)
    input grad      gcols   = W^T @ g[n],  then col2im adds gcols back into gx[n]
    weight grad     gW     += g[n] @ cols[n]^T                    (summed over n)

are three GEMMs of the tuned kernel, threaded when they are large. The cols matrix is made
per sample (C*KH*KW x Ho*Wo, 660 KiB for that layer) so it stays in L2 between the copy
and the GEMM, and the weight gradient recomputes it instead of keeping the batch's. A 1 x 1
kernel with stride 1 needs no copy: the sample itself is the cols matrix.
"""

import numpy as np
from numba import prange

from ._jit import kernel_pair
from .matmul import matmul_into

PARALLEL_FROM = 1 << 17  # cols elements: below this the copy is shorter than waking threads
_SIG = "void({t}[:, :, ::1], {t}[:, :, ::1], intp, intp, intp, intp, intp, intp)"


@kernel_pair(_SIG, parallel_from=PARALLEL_FROM)
def im2col(cols, x, KH, KW, sh, sw, dh, dw):
    """cols[(c*KH + p)*KW + q, i, j] = x[c, i*sh + p*dh, j*sw + q*dw] for one sample."""
    Ho, Wo = cols.shape[1], cols.shape[2]
    for r in prange(cols.shape[0]):
        c, p, q = r // (KH * KW), (r // KW) % KH, r % KW
        for i in range(Ho):
            h = i * sh + p * dh
            for j in range(Wo):
                cols[r, i, j] = x[c, h, j * sw + q * dw]


@kernel_pair(_SIG, parallel_from=PARALLEL_FROM)
def col2im(cols, x, KH, KW, sh, sw, dh, dw):
    """x[c, i*sh + p*dh, j*sw + q*dw] += cols[(c*KH + p)*KW + q, i, j]: im2col's adjoint
    (threads split the channels, whose planes do not overlap)."""
    Ho, Wo = cols.shape[1], cols.shape[2]
    for c in prange(x.shape[0]):
        for p in range(KH):
            for q in range(KW):
                r = (c * KH + p) * KW + q
                for i in range(Ho):
                    h = i * sh + p * dh
                    for j in range(Wo):
                        x[c, h, j * sw + q * dw] += cols[r, i, j]


def _samples(x, KH, KW, Ho, Wo, sh, sw, dh, dw):
    """(n, cols of sample n as a (C*KH*KW, Ho*Wo) matrix) for each sample; one buffer."""
    N, C = x.shape[:2]
    if KH == KW == 1 and sh == sw == 1:
        for n in range(N):
            yield n, x[n].reshape(C, Ho * Wo)
        return
    cols = np.empty((C * KH * KW, Ho, Wo), x.dtype)
    for n in range(N):
        im2col(cols, x[n], KH, KW, sh, sw, dh, dw)
        yield n, cols.reshape(C * KH * KW, Ho * Wo)


def _groups(groups, rows_w, rows_cols):
    """The row slices of each group in W (or g) and in cols."""
    return [
        (slice(i * rows_w, (i + 1) * rows_w), slice(i * rows_cols, (i + 1) * rows_cols))
        for i in range(groups)
    ]


def conv2d_forward(x, w, out, sh, sw, dh, dw, groups):
    """out (N, Co, Ho, Wo) = x (N, C, Hp, Wp, padded) convolved with w (Co, C/groups, KH, KW)."""
    Co, Cg, KH, KW = w.shape
    Ho, Wo = out.shape[2:]
    w2 = w.reshape(Co, Cg * KH * KW)
    parts = _groups(groups, Co // groups, Cg * KH * KW)
    for n, cols in _samples(x, KH, KW, Ho, Wo, sh, sw, dh, dw):
        o2 = out[n].reshape(Co, Ho * Wo)
        for rows, ks in parts:
            matmul_into(w2[rows], cols[ks], o2[rows])
    return out


def conv2d_backward_input(g, w, gx, sh, sw, dh, dw, groups):
    """gx (N, C, Hp, Wp) = the transposed convolution of g with w: col2im(W^T @ g[n])."""
    N, Co, Ho, Wo = g.shape
    C = gx.shape[1]
    _, Cg, KH, KW = w.shape
    w2 = w.reshape(Co, Cg * KH * KW)
    parts = _groups(groups, Co // groups, Cg * KH * KW)
    direct = KH == KW == 1 and sh == sw == 1
    gcols = None if direct else np.empty((C * KH * KW, Ho, Wo), g.dtype)
    gx[...] = 0.0
    for n in range(N):
        g2 = g[n].reshape(Co, Ho * Wo)
        target = gx[n].reshape(C, Ho * Wo) if direct else gcols.reshape(C * KH * KW, Ho * Wo)
        for rows, ks in parts:
            matmul_into(w2[rows].T, g2[rows], target[ks])
        if not direct:
            col2im(gcols, gx[n], KH, KW, sh, sw, dh, dw)
    return gx


def conv2d_backward_weight(x, g, gw, sh, sw, dh, dw, groups):
    """gw (Co, C/groups, KH, KW) = sum over samples of g[n] @ cols[n]^T."""
    Co, Cg, KH, KW = gw.shape
    Ho, Wo = g.shape[2:]
    gw2 = gw.reshape(Co, Cg * KH * KW)
    parts = _groups(groups, Co // groups, Cg * KH * KW)
    gw[...] = 0.0
    for n, cols in _samples(x, KH, KW, Ho, Wo, sh, sw, dh, dw):
        g2 = g[n].reshape(Co, Ho * Wo)
        for rows, ks in parts:
            matmul_into(g2[rows], cols[ks].T, gw2[rows], accumulate=True)
    return gw
