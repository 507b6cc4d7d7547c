"""Adadelta (Zeiler, 2012), as PyTorch computes it (the official MNIST example's optimizer).

For each parameter p with gradient g, running averages v (of g^2) and u (of the squared
updates):

    g     = -g if maximize;  g = g + weight_decay * p
    v     = rho * v + (1 - rho) * g^2
    delta = sqrt(u + eps) / sqrt(v + eps) * g
    u     = rho * u + (1 - rho) * delta^2
    p     = p - lr * delta

Written with in-place NumPy (no fused kernel).
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


class Adadelta(Optimizer):
    """PyTorch's Adadelta. State per parameter: ``step``, ``square_avg``, ``acc_delta``."""

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        super().__init__(
            params,
            dict(
                lr=lr,
                rho=rho,
                eps=eps,
                weight_decay=weight_decay,
                foreach=foreach,
                capturable=capturable,
                maximize=maximize,
                differentiable=differentiable,
            ),
        )

    def _check_group(self, group):
        _check_nonnegative("learning rate", group["lr"])
        _check_nonnegative("epsilon value", group["eps"])
        _check_nonnegative("weight_decay value", group["weight_decay"])

    def _state_keys(self, group):
        return ("square_avg", "acc_delta")

    def _init_state(self, group, p):
        return _fresh_state(self._state_keys(group), p)

    def _update(self, group, p, grad, state):
        _step_tensor(state)
        rho, eps, lr = float(group["rho"]), float(group["eps"]), float(group["lr"])
        g = _weight_decayed(group, p, grad)
        v, u = state["square_avg"].array, state["acc_delta"].array
        v *= rho
        v += (1 - rho) * g * g
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u *= rho
        u += (1 - rho) * delta * delta
        p -= lr * delta
