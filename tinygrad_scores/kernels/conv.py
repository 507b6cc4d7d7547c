"""Convolution as matrix products (im2col): forward and both backward products on the
blocked GEMM of matmul.py.

Over its loop twin (loops/conv.py): the MNIST CNN's second layer (batch 64, 32 -> 64
channels, 3 x 3 on 26 x 26, 1.4 GFLOP) forward 2,564 -> 59 ms on one thread (43x; 0.5 ->
23 GFLOPS on the shared 2-core machine, 2026-12-05). The twin computes each
output as its own dot product, one multiply-add at a time, reading x across planes; here
the windows of a chunk of samples are copied once into the columns of a matrix
(``im2col``: row (c, p, q), column (n, i, j) holds x[n, c, i*sh + p*dh, j*sw + q*dw]),
after which, with W the weight as a (Co, C*KH*KW) matrix and G the output gradient as a
(Co, nb*Ho*Wo) one,

    forward         out   = W @ cols                 (per group; then back to N, Co, Ho, Wo)
    input grad      gcols = W^T @ G,  then col2im adds gcols back into gx
    weight grad     gW   += G @ cols^T               (summed over the chunks)

are three GEMMs of the tuned kernel, threaded when they are large. A chunk holds as many
samples as keep cols within CHUNK_ELEMENTS (4 MiB of float32: a whole batch of LeNet's
layers), so that small layers make one large product instead of a call per sample; a
sample whose cols alone reach ALONE_FROM (that layer's: 166,000 elements) is its own chunk,
its GEMMs large already and its output written in place, with no transposes. The weight
gradient rebuilds cols instead of keeping the batch's. Against a call per sample
(interleaved rounds, one thread, on the shared machine): LeNet-5 step 18.8 -> 14.4 ms, the
MNIST CNN's 145 -> 141 ms (with chunks of 6 samples for its second layer too, 277 -> 307
ms: the transposes cost more than the larger products give, hence ALONE_FROM).
"""

import numpy as np
from numba import prange

from ._jit import kernel_pair
from .matmul import matmul_into

PARALLEL_FROM = 1 << 17  # cols elements: below this the copy is shorter than waking threads
CHUNK_ELEMENTS = 1 << 20  # cols of this many elements (4 MiB float32) hold a chunk of samples
ALONE_FROM = 1 << 17  # a sample with cols this large is a chunk by itself (no transposes)
_SIG = "void({t}[:, :, :, ::1], {t}[:, :, :, ::1], intp, intp, intp, intp, intp, intp)"


@kernel_pair(_SIG, parallel_from=PARALLEL_FROM)
def im2col(cols, x, KH, KW, sh, sw, dh, dw):
    """cols[(c*KH + p)*KW + q, n, i, j] = x[n, c, i*sh + p*dh, j*sw + q*dw] for a chunk of
    samples x (nb, C, Hp, Wp); cols is (C*KH*KW, nb, Ho, Wo)."""
    nb, Ho, Wo = cols.shape[1], cols.shape[2], cols.shape[3]
    for r in prange(cols.shape[0]):
        c, p, q = r // (KH * KW), (r // KW) % KH, r % KW
        for n in range(nb):
            for i in range(Ho):
                h = i * sh + p * dh
                for j in range(Wo):
                    cols[r, n, i, j] = x[n, c, h, j * sw + q * dw]


@kernel_pair(_SIG, parallel_from=PARALLEL_FROM)
def col2im(cols, x, KH, KW, sh, sw, dh, dw):
    """x[n, c, i*sh + p*dh, j*sw + q*dw] += cols[(c*KH + p)*KW + q, n, i, j]: im2col's adjoint
    (threads split the channels, whose planes do not overlap)."""
    nb, Ho, Wo = cols.shape[1], cols.shape[2], cols.shape[3]
    for c in prange(x.shape[1]):
        for n in range(nb):
            for p in range(KH):
                for q in range(KW):
                    r = (c * KH + p) * KW + q
                    for i in range(Ho):
                        h = i * sh + p * dh
                        for j in range(Wo):
                            x[n, c, h, j * sw + q * dw] += cols[r, n, i, j]


def _per_chunk(rows, Ho, Wo):
    """Samples per chunk: as many as keep the cols matrix within CHUNK_ELEMENTS (at least 1)."""
    size = rows * Ho * Wo
    return 1 if size >= ALONE_FROM else max(1, CHUNK_ELEMENTS // max(1, size))


def _chunks(N, rows, Ho, Wo):
    """(n0, n1) of each chunk of samples."""
    nb = _per_chunk(rows, Ho, Wo)
    return [(n0, min(n0 + nb, N)) for n0 in range(0, N, nb)]


def _buffer(dtype, N, rows, Ho, Wo):
    """Flat scratch for the largest chunk's cols; ``_matrix`` views a chunk's part of it."""
    return np.empty(rows * min(N, _per_chunk(rows, Ho, Wo)) * Ho * Wo, dtype)


def _matrix(buffer, rows, nb, Ho, Wo):
    return buffer[: rows * nb * Ho * Wo].reshape(rows, nb, Ho, Wo)


def _by_channel(a, n0, n1):
    """Samples n0:n1 of a (N, Co, Ho, Wo) as a (Co, nb*Ho*Wo) matrix (a copy unless nb = 1)."""
    chunk = a[n0:n1]
    return np.ascontiguousarray(chunk.transpose(1, 0, 2, 3)).reshape(chunk.shape[1], -1)


def _groups(groups, rows_w, rows_cols):
    """The row slices of each group in W (or g) and in cols."""
    return [
        (slice(i * rows_w, (i + 1) * rows_w), slice(i * rows_cols, (i + 1) * rows_cols))
        for i in range(groups)
    ]


def conv2d_forward(x, w, out, sh, sw, dh, dw, groups):
    """out (N, Co, Ho, Wo) = x (N, C, Hp, Wp, padded) convolved with w (Co, C/groups, KH, KW)."""
    N, C = x.shape[:2]
    Co, Cg, KH, KW = w.shape
    Ho, Wo = out.shape[2:]
    w2 = w.reshape(Co, Cg * KH * KW)
    parts = _groups(groups, Co // groups, Cg * KH * KW)
    buffer = _buffer(x.dtype, N, C * KH * KW, Ho, Wo)
    for n0, n1 in _chunks(N, C * KH * KW, Ho, Wo):
        cols = _matrix(buffer, C * KH * KW, n1 - n0, Ho, Wo)
        im2col(cols, x[n0:n1], KH, KW, sh, sw, dh, dw)
        cols = cols.reshape(C * KH * KW, -1)
        alone = n1 - n0 == 1  # the product lands in place
        o2 = out[n0].reshape(Co, -1) if alone else np.empty((Co, cols.shape[1]), x.dtype)
        for rows, ks in parts:
            matmul_into(w2[rows], cols[ks], o2[rows])
        if not alone:
            out[n0:n1] = o2.reshape(Co, n1 - n0, Ho, Wo).transpose(1, 0, 2, 3)
    return out


def conv2d_backward_input(g, w, gx, sh, sw, dh, dw, groups):
    """gx (N, C, Hp, Wp) = the transposed convolution of g with w: col2im(W^T @ g)."""
    N, Co, Ho, Wo = g.shape
    C = gx.shape[1]
    _, Cg, KH, KW = w.shape
    w2 = w.reshape(Co, Cg * KH * KW)
    parts = _groups(groups, Co // groups, Cg * KH * KW)
    buffer = _buffer(g.dtype, N, C * KH * KW, Ho, Wo)
    gx[...] = 0.0
    for n0, n1 in _chunks(N, C * KH * KW, Ho, Wo):
        g2 = _by_channel(g, n0, n1)
        gcols = _matrix(buffer, C * KH * KW, n1 - n0, Ho, Wo)
        gc2 = gcols.reshape(C * KH * KW, -1)
        for rows, ks in parts:
            matmul_into(w2[rows].T, g2[rows], gc2[ks])
        col2im(gcols, gx[n0:n1], KH, KW, sh, sw, dh, dw)
    return gx


def conv2d_backward_weight(x, g, gw, sh, sw, dh, dw, groups):
    """gw (Co, C/groups, KH, KW) = the sum over chunks of g @ cols^T."""
    N, C = x.shape[:2]
    Co, Cg, KH, KW = gw.shape
    Ho, Wo = g.shape[2:]
    gw2 = gw.reshape(Co, Cg * KH * KW)
    parts = _groups(groups, Co // groups, Cg * KH * KW)
    buffer = _buffer(x.dtype, N, C * KH * KW, Ho, Wo)
    gw[...] = 0.0
    for n0, n1 in _chunks(N, C * KH * KW, Ho, Wo):
        cols = _matrix(buffer, C * KH * KW, n1 - n0, Ho, Wo)
        im2col(cols, x[n0:n1], KH, KW, sh, sw, dh, dw)
        cols = cols.reshape(C * KH * KW, -1)
        g2 = _by_channel(g, n0, n1)
        for rows, ks in parts:
            matmul_into(g2[rows], cols[ks].T, gw2[rows], accumulate=True)
    return gw
