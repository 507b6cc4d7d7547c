"""Run an optimizer-update kernel for some steps beside its float64 NumPy twin
(kernels/reference.py), on the same random gradients; returns (parameter, twin's)."""

import numpy as np

from tinygrad_scores.kernels import reference as ref


def run_adam(adam, dtype, amsgrad, weight_decay, decoupled, size, steps, **options):
    """``adam`` takes kernels/optim.py's arguments (plus ``options``, e.g. parallel=)."""
    rng = np.random.default_rng(0)
    p = rng.standard_normal(size).astype(dtype)
    m, v, vmax = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    expected = p.astype(np.float64)
    twin = ref.Adam(
        [expected], lr=1e-2, weight_decay=weight_decay, amsgrad=amsgrad, decoupled=decoupled
    )
    for step in range(1, steps + 1):
        g = rng.standard_normal(size) + 0.1 * p
        adam(
            p,
            g.astype(dtype),
            m,
            v,
            vmax,
            1e-2,
            0.9,
            0.999,
            1e-8,
            0.0 if decoupled else weight_decay,
            weight_decay if decoupled else 0.0,
            step,
            amsgrad,
            **options,
        )
        twin.step([g])
    return p, expected


def run_sgd(sgd, dtype, momentum, nesterov, dampening, size, steps, **options):
    """``sgd`` takes kernels/optim.py's arguments; lr 0.05, weight decay 0.01."""
    rng = np.random.default_rng(0)
    p = rng.standard_normal(size).astype(dtype)
    buf = np.zeros_like(p) if momentum else np.empty(0, dtype)
    expected = p.astype(np.float64)
    twin = ref.SGD(
        [expected],
        lr=0.05,
        momentum=momentum,
        dampening=dampening,
        weight_decay=0.01,
        nesterov=nesterov,
    )
    for step in range(steps):
        g = rng.standard_normal(size)
        sgd(
            p, g.astype(dtype), buf, 0.05, momentum, dampening, 0.01, nesterov, step == 0, **options
        )
        twin.step([g])
    return p, expected
