"""Fused, in-place optimizer updates: one pass over a parameter updates its state and it.

Over its loop twin (loops/optim.py): about 7x for Adam on 100,000 float32 parameters, one
thread. The twin works each element in float64 and divides by both bias corrections per
element; here the step's scalars are folded once, in Python, and passed in the
parameter's dtype, so the loop runs 8 float32 lanes wide, and parameters of PARALLEL_SIZE
elements or more split across threads.

Adam (PyTorch's algorithm, Kingma & Ba with bias correction), for step t:

    g     = grad + weight_decay * p               (Adam's L2 penalty; 0 for AdamW)
    p     = p * (1 - lr * decoupled_decay)        (AdamW's decoupled weight decay)
    m     = beta1 * m + (1 - beta1) * g
    v     = beta2 * v + (1 - beta2) * g * g
    vmax  = max(vmax, v)                          (amsgrad only; then v -> vmax below)
    p     = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

SGD with momentum mu, dampening d (PyTorch's form):

    g   = grad + weight_decay * p
    buf = g                              on the first step, else mu * buf + (1 - d) * g
    g   = g + mu * buf if nesterov else buf
    p   = p - lr * g

NumPy needs one pass (and often a temporary) per line; here each element is read and
written once. Parameters of PARALLEL_SIZE elements or more are split across threads.
"""

import math
import sys

import numpy as np
from numba import njit, prange

from ._jit import kernel, kernel_pair

# The floor switch lives in kernels/__init__.py, which imports this module: hold the
# package (already in sys.modules while it initialises) and ask it at call time.
_package = sys.modules[__name__.rpartition(".")[0]]


def _active():
    return _package.active()


PARALLEL_SIZE = 1 << 18
_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def adam(
    p,
    g,
    m,
    v,
    vmax,
    lr,
    beta1,
    beta2,
    eps,
    weight_decay,
    decoupled_decay,
    step,
    amsgrad,
    parallel=None,
):
    """One Adam step on flat arrays, in place. The step's scalars are folded here, in
    float64, then handed to the kernel in the parameter's dtype, so a float32 update
    runs in float32 lanes (as PyTorch's does) and LLVM can vectorise it 8 wide.
    ``parallel=None`` splits float32 parameters of PARALLEL_SIZE elements or more across
    threads; True or False forces the threaded (float32 only) or the serial build."""
    _check_flat(p, (g, m, v), (vmax,) if amsgrad else ())
    adam_checked(
        p,
        g,
        m,
        v,
        vmax,
        lr,
        beta1,
        beta2,
        eps,
        weight_decay,
        decoupled_decay,
        step,
        amsgrad,
        parallel,
    )


def adam_checked(
    p,
    g,
    m,
    v,
    vmax,
    lr,
    beta1,
    beta2,
    eps,
    weight_decay,
    decoupled_decay,
    step,
    amsgrad,
    parallel=None,
):
    """``adam`` on arrays the caller has checked as ``_check_flat`` does: the optimizers,
    whose step checks every gradient and state array before it touches any."""
    floor = _active()
    if floor.adam is not adam:  # the loop floor (kernels/loops/optim.py) is switched on
        return floor.adam(
            p, g, m, v, vmax, lr, beta1, beta2, eps, weight_decay, decoupled_decay, step, amsgrad
        )
    update = (
        adam_update
        if parallel is None
        else adam_update.parallel
        if parallel
        else adam_update.serial
    )
    update(
        p,
        g,
        m,
        v,
        vmax,
        *_adam_scalars(lr, beta1, beta2, eps, weight_decay, decoupled_decay, step),
        amsgrad,
    )


def _adam_scalars(lr, beta1, beta2, eps, weight_decay, decoupled_decay, step):
    """The step's scalars as the kernel takes them, folded once in float64."""
    return (
        lr / (1.0 - beta1**step),
        1.0 / math.sqrt(1.0 - beta2**step),
        beta1,
        1.0 - beta1,
        beta2,
        1.0 - beta2,
        eps,
        weight_decay,
        1.0 - lr * decoupled_decay,
    )


GROUP = 4  # parameters per call of adam_tuples: one build serves any count (tuples padded)
_NONE = {dt: np.empty(0, dt) for dt in _DTYPES}  # a padding parameter, and amsgrad's vmax


def adam_group(ps, gs, ms, vs, lr, beta1, beta2, eps, weight_decay, decoupled_decay, step):
    """``adam_checked`` (amsgrad off) for several flat parameters of one dtype that share
    the step count ``step``, each with its gradient and moments (lists in one order). The
    parameters under PARALLEL_SIZE elements are updated GROUP at a time, one kernel call
    per group, with the scalars adam folds, in the parameter's dtype as adam's dispatcher
    passes them: each parameter gets exactly adam's bits. Larger ones (adam's threaded
    build) and every one under the loop floor go through adam_checked, one by one. The
    loop twin is loops/optim.py's ``adam_group``, the NumPy twin reference.Adam."""
    fast = _active().adam is adam
    big = [j for j, p in enumerate(ps) if not fast or p.shape[0] >= PARALLEL_SIZE]
    for j in big:
        m, v, vmax = ms[j], vs[j], _NONE[ps[j].dtype]
        args = (lr, beta1, beta2, eps, weight_decay, decoupled_decay, step, False)
        adam_checked(ps[j], gs[j], m, v, vmax, *args)
    if big:
        ps, gs, ms, vs = ([a[j] for j in range(len(a)) if j not in big] for a in (ps, gs, ms, vs))
    if not ps:
        return
    dtype = ps[0].dtype
    scalars = np.array(
        _adam_scalars(lr, beta1, beta2, eps, weight_decay, decoupled_decay, step), dtype
    )
    if len(ps) == GROUP:  # (tuple() of a tuple is the tuple itself: no copy)
        adam_tuples(scalars, tuple(ps), tuple(gs), tuple(ms), tuple(vs))
        return
    pad = (_NONE[dtype],) * (GROUP - 1)
    for i in range(0, len(ps), GROUP):
        p, g, m, v = ((*a[i : i + GROUP], *pad)[:GROUP] for a in (ps, gs, ms, vs))
        adam_tuples(scalars, p, g, m, v)


def sgd(p, g, buf, lr, momentum, dampening, weight_decay, nesterov, first_step, parallel=None):
    """One SGD step on flat arrays, in place (see adam for the scalars and ``parallel``)."""
    _check_flat(p, (g,), (buf,) if momentum != 0 else ())
    sgd_checked(p, g, buf, lr, momentum, dampening, weight_decay, nesterov, first_step, parallel)


def sgd_checked(
    p, g, buf, lr, momentum, dampening, weight_decay, nesterov, first_step, parallel=None
):
    """``sgd`` on arrays the caller has checked (see adam_checked)."""
    floor = _active()
    if floor.sgd is not sgd:
        return floor.sgd(p, g, buf, lr, momentum, dampening, weight_decay, nesterov, first_step)
    update = (
        sgd_update if parallel is None else sgd_update.parallel if parallel else sgd_update.serial
    )
    update(p, g, buf, lr, momentum, 1.0 - dampening, weight_decay, nesterov, first_step)


def _check_flat(p, same, used):
    """The kernels index every array by p's index without bounds checks: a shorter state
    array would be a segfault. Refuse anything but 1-D C-contiguous arrays of p's size and
    dtype, writeable but for the gradient (``used``: the state arrays the options read;
    unused ones may be empty)."""
    for a in (p,) + tuple(same) + tuple(used):
        if (
            not isinstance(a, np.ndarray)
            or a.ndim != 1
            or a.dtype != p.dtype
            or a.shape[0] != p.shape[0]
            or not a.flags.c_contiguous
            or not (a.flags.writeable or a is same[0])
        ):
            what = (
                f"{a.dtype} array of shape {a.shape}"
                if isinstance(a, np.ndarray)
                else type(a).__name__
            )
            raise ValueError(
                f"optimizer kernel: expected 1-D C-contiguous {p.dtype} arrays of "
                f"{p.shape[0]} elements, got a {what}"
            )
    if p.dtype not in _DTYPES:
        raise TypeError(f"optimizer kernel: no build for dtype {p.dtype} (float32, float64)")


def _adam(
    p,
    g,
    m,
    v,
    vmax,
    step_size,
    inv_bc2_sqrt,
    beta1,
    one_minus_beta1,
    beta2,
    one_minus_beta2,
    eps,
    weight_decay,
    shrink,
    amsgrad,
):
    for i in prange(p.shape[0]):
        gi = g[i] + weight_decay * p[i]
        mi = beta1 * m[i] + one_minus_beta1 * gi
        vi = beta2 * v[i] + one_minus_beta2 * gi * gi
        m[i] = mi
        v[i] = vi
        if amsgrad:
            vi = max(vmax[i], vi)
            vmax[i] = vi
        p[i] = p[i] * shrink - step_size * mi / (math.sqrt(vi) * inv_bc2_sqrt + eps)


def _sgd(p, g, buf, lr, momentum, one_minus_dampening, weight_decay, nesterov, first_step):
    for i in prange(p.shape[0]):
        gi = g[i] + weight_decay * p[i]
        if momentum != 0:
            b = gi if first_step else momentum * buf[i] + one_minus_dampening * gi
            buf[i] = b
            gi = gi + momentum * b if nesterov else b
        p[i] -= lr * gi


def _adam_tuples(scalars, ps, gs, ms, vs):
    """adam (``_adam``, amsgrad off) on each of GROUP parameters; ``scalars`` holds the
    nine that _adam_scalars folds, in the parameters' dtype."""
    s = scalars
    for j in range(len(ps)):  # (v stands in for vmax, which amsgrad off never reads)
        p, g, m, v = ps[j], gs[j], ms[j], vs[j]
        _adam_inline(p, g, m, v, v, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], False)


_ADAM = f"void({', '.join(['{t}[::1]'] * 5)}, {', '.join(['{t}'] * 9)}, boolean)"
_SGD = "void({t}[::1], {t}[::1], {t}[::1], {t}, {t}, {t}, {t}, boolean, boolean)"
adam_update = kernel_pair(_ADAM, parallel_from=PARALLEL_SIZE)(_adam)
sgd_update = kernel_pair(_SGD, parallel_from=PARALLEL_SIZE)(_sgd)
# _adam itself, serial, compiled into adam_tuples with adam_update's options (no fast-math:
# the same instructions, so the same bits)
_adam_inline = njit(error_model="numpy", nogil=True)(_adam)
_TUPLE = ", ".join([f"UniTuple({{t}}[::1], {GROUP})"] * 4)
adam_tuples = kernel([f"void({t}[::1], {_TUPLE.format(t=t)})" for t in ("float32", "float64")])(
    _adam_tuples
)
