"""Convolution, the textbook way (a cross-correlation, as PyTorch's conv2d computes):

    out[n, o, i, j] = sum_{c, p, q} x[n, c0 + c, i*sh + p*dh, j*sw + q*dw] * w[o, c, p, q]

where output channel o belongs to group o // O_g, whose input channels start at
c0 = (o // O_g) * C_g. x arrives padded already (the op layer pads it). The two backward
products are the same sum read the other way round:

    gx[n, c0 + c, i*sh + p*dh, j*sw + q*dw] += g[n, o, i, j] * w[o, c, p, q]   (transposed conv)
    gw[o, c, p, q] = sum_{n, i, j} g[n, o, i, j] * x[n, c0 + c, i*sh + p*dh, j*sw + q*dw]
"""

from .._jit import kernel

_A4 = "{t}[:, :, :, ::1]"
_SIGS = [
    f"void({_A4}, {_A4}, {_A4}, intp, intp, intp, intp, intp)".format(t=t)
    for t in ("float32", "float64")
]


@kernel(_SIGS)
def conv2d_forward(x, w, out, sh, sw, dh, dw, groups):
    """out (N, Co, Ho, Wo) = x (N, C, Hp, Wp) convolved with w (Co, C/groups, KH, KW)."""
    N, Co, Ho, Wo = out.shape
    Cg, KH, KW = w.shape[1], w.shape[2], w.shape[3]
    Og = Co // groups
    for n in range(N):
        for o in range(Co):
            c0 = (o // Og) * Cg
            for i in range(Ho):
                for j in range(Wo):
                    total = 0.0
                    for c in range(Cg):
                        for p in range(KH):
                            for q in range(KW):
                                total += (
                                    x[n, c0 + c, i * sh + p * dh, j * sw + q * dw] * w[o, c, p, q]
                                )
                    out[n, o, i, j] = total


@kernel(_SIGS)
def conv2d_backward_input(g, w, gx, sh, sw, dh, dw, groups):
    """gx (N, C, Hp, Wp) = d loss / d x: each g[n, o, i, j] spread back over its window."""
    N, Co, Ho, Wo = g.shape
    Cg, KH, KW = w.shape[1], w.shape[2], w.shape[3]
    Og = Co // groups
    gx[...] = 0.0
    for n in range(N):
        for o in range(Co):
            c0 = (o // Og) * Cg
            for i in range(Ho):
                for j in range(Wo):
                    for c in range(Cg):
                        for p in range(KH):
                            for q in range(KW):
                                gx[n, c0 + c, i * sh + p * dh, j * sw + q * dw] += (
                                    g[n, o, i, j] * w[o, c, p, q]
                                )


@kernel(_SIGS)
def conv2d_backward_weight(x, g, gw, sh, sw, dh, dw, groups):
    """gw (Co, C/groups, KH, KW) = d loss / d w: x's windows weighted by g, summed."""
    N, Co, Ho, Wo = g.shape
    Cg, KH, KW = gw.shape[1], gw.shape[2], gw.shape[3]
    Og = Co // groups
    for o in range(Co):
        c0 = (o // Og) * Cg
        for c in range(Cg):
            for p in range(KH):
                for q in range(KW):
                    total = 0.0
                    for n in range(N):
                        for i in range(Ho):
                            for j in range(Wo):
                                total += (
                                    g[n, o, i, j] * x[n, c0 + c, i * sh + p * dh, j * sw + q * dw]
                                )
                    gw[o, c, p, q] = total
