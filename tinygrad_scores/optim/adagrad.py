"""Adagrad (Duchi et al.), PyTorch's variant with a decaying learning rate.

For step t (from 1) of each parameter p with gradient g and accumulated squares s:

    g   = -g if maximize;  g = g + weight_decay * p
    clr = lr / (1 + (t - 1) * lr_decay)
    s   = s + g^2
    p   = p - clr * g / (sqrt(s) + eps)

Written with in-place NumPy (no fused kernel).
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from .optimizer import (
    Optimizer,
    ParamsT,
    _check_nonnegative,
    _fresh_state,
    _step_tensor,
    _weight_decayed,
)


class Adagrad(Optimizer):
    """PyTorch's Adagrad. State (``step``, ``sum`` filled with ``initial_accumulator_value``)
    is created at construction, as PyTorch does."""

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                lr_decay=lr_decay,
                eps=eps,
                weight_decay=weight_decay,
                initial_accumulator_value=initial_accumulator_value,
                foreach=foreach,
                maximize=maximize,
                differentiable=differentiable,
                fused=fused,
            ),
        )
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p] = self._init_state(group, p.array)

    def _check_group(self, group):
        _check_nonnegative("learning rate", group["lr"])
        _check_nonnegative("lr_decay value", group["lr_decay"])
        _check_nonnegative("weight_decay value", group["weight_decay"])
        _check_nonnegative("initial_accumulator_value value", group["initial_accumulator_value"])
        _check_nonnegative("epsilon value", group["eps"])

    def _state_keys(self, group):
        return ("sum",)

    def _init_state(self, group, p):
        state = _fresh_state((), p)
        state["sum"] = Tensor.wrap(
            np.full(p.shape, group["initial_accumulator_value"], p.dtype.newbyteorder("="))
        )
        return state

    def _update(self, group, p, grad, state):
        step = _step_tensor(state)
        lr, lr_decay = float(group["lr"]), float(group["lr_decay"])
        eps = float(group["eps"])
        g = _weight_decayed(group, p, grad)
        clr = lr / (1 + (step - 1) * lr_decay)
        s = state["sum"].array
        s += g * g
        p -= clr * (g / (np.sqrt(s) + eps))
