"""RMSprop, PyTorch's variant (Hinton's lecture 6e, with optional centering and momentum).

For each parameter p with gradient g, square average v, and (optional) buffers:

    g = -g if maximize;  g = g + weight_decay * p
    v = alpha * v + (1 - alpha) * g^2
    centered:  a = alpha * a + (1 - alpha) * g;  denom = sqrt(v - a^2) + eps
    else:      denom = sqrt(v) + eps
    momentum:  b = momentum * b + g / denom;  p = p - lr * b
    else:      p = p - lr * g / denom

Written with in-place NumPy (a few passes per parameter; no fused kernel).
"""

from __future__ import annotations

import numpy as np

from .optimizer import (
    Optimizer,
    ParamsT,
    _check_nonnegative,
    _fresh_state,
    _step_tensor,
    _weight_decayed,
)


class RMSprop(Optimizer):
    """PyTorch's RMSprop. State per parameter: ``step``, ``square_avg``, plus
    ``momentum_buffer`` when momentum > 0 and ``grad_avg`` when centered."""

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                momentum=momentum,
                alpha=alpha,
                eps=eps,
                centered=centered,
                weight_decay=weight_decay,
                capturable=capturable,
                foreach=foreach,
                maximize=maximize,
                differentiable=differentiable,
            ),
        )

    def _check_group(self, group):
        _check_nonnegative("learning rate", group["lr"])
        _check_nonnegative("epsilon value", group["eps"])
        _check_nonnegative("momentum value", group["momentum"])
        _check_nonnegative("weight_decay value", group["weight_decay"])
        _check_nonnegative("alpha value", group["alpha"])

    def _state_keys(self, group):
        keys = ("square_avg",)
        if group["momentum"] > 0:
            keys += ("momentum_buffer",)
        if group["centered"]:
            keys += ("grad_avg",)
        return keys

    def _init_state(self, group, p):
        return _fresh_state(self._state_keys(group), p)

    def _update(self, group, p, grad, state):
        _step_tensor(state)
        alpha, eps, lr = float(group["alpha"]), float(group["eps"]), float(group["lr"])
        momentum = float(group["momentum"])
        g = _weight_decayed(group, p, grad)
        v = state["square_avg"].array
        v *= alpha
        v += (1 - alpha) * g * g
        if group["centered"]:
            a = state["grad_avg"].array
            a *= alpha
            a += (1 - alpha) * g
            denom = np.sqrt(v - a * a)
        else:
            denom = np.sqrt(v)
        denom += eps
        if momentum > 0:
            b = state["momentum_buffer"].array
            b *= momentum
            b += g / denom
            p -= lr * b
        else:
            p -= lr * (g / denom)
