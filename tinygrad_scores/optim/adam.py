"""Adam and AdamW, written out by hand on one fused kernel (kernels/optim.py)."""

from __future__ import annotations

import numpy as np

from ..kernels import optim as kernels
from .optimizer import Optimizer, ParamsT, _check_nonnegative, _fresh_state, _step_tensor


def _check_betas(betas):
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"betas must be a pair of floats, got {betas!r}")
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")


class Adam(Optimizer):
    """PyTorch's Adam: bias-corrected first and second moments, L2 ``weight_decay``
    added to the gradient (or decoupled, AdamW's way, with ``decoupled_weight_decay``),
    optional ``amsgrad`` and ``maximize``. ``foreach``, ``capturable``, ``differentiable``
    and ``fused`` are accepted and kept in the groups; every update runs the one fused
    CPU kernel."""

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                betas=tuple(betas) if isinstance(betas, list) else betas,
                eps=eps,
                weight_decay=weight_decay,
                amsgrad=amsgrad,
                maximize=maximize,
                foreach=foreach,
                capturable=capturable,
                differentiable=differentiable,
                fused=fused,
                decoupled_weight_decay=decoupled_weight_decay,
            ),
        )

    def _check_group(self, group):
        _check_nonnegative("learning rate", group["lr"])
        _check_nonnegative("epsilon value", group["eps"])
        _check_betas(group["betas"])
        _check_nonnegative("weight_decay value", group["weight_decay"])

    def _state_keys(self, group):
        if group["amsgrad"]:
            return ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
        return ("exp_avg", "exp_avg_sq")

    def _init_state(self, group, p):
        return _fresh_state(self._state_keys(group), p)

    def _update(self, group, p, grad, state):
        step = _step_tensor(state)
        if group["maximize"]:
            grad = -grad
        beta1, beta2 = group["betas"]
        lr, wd = float(group["lr"]), float(group["weight_decay"])
        decoupled = bool(group["decoupled_weight_decay"])
        amsgrad = bool(group["amsgrad"])
        vmax = state["max_exp_avg_sq"].array.ravel() if amsgrad else _EMPTY[p.dtype.char]
        kernels.adam_checked(  # Optimizer.step checked every array
            p.ravel(),
            grad.ravel(),
            state["exp_avg"].array.ravel(),
            state["exp_avg_sq"].array.ravel(),
            vmax,
            lr,
            float(beta1),
            float(beta2),
            float(group["eps"]),
            0.0 if decoupled else wd,
            wd if decoupled else 0.0,
            step,
            amsgrad,
        )


_EMPTY = {"f": np.empty(0, np.float32), "d": np.empty(0, np.float64)}  # amsgrad off


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): p *= 1 - lr * weight_decay
    before the Adam step, instead of adding weight_decay * p to the gradient."""

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )
