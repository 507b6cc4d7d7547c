"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

import numpy as np

from ..kernels import optim as kernels
from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT, _check_nonnegative


class SGD(Optimizer):
    """PyTorch's SGD; the update is one fused kernel pass per parameter (kernels/optim.py).
    State per parameter is ``momentum_buffer`` (None while momentum is 0), as PyTorch keeps
    it."""

    _nullable = ("momentum_buffer",)

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                momentum=momentum,
                dampening=dampening,
                weight_decay=weight_decay,
                nesterov=nesterov,
                maximize=maximize,
                foreach=foreach,
                differentiable=differentiable,
                fused=fused,
            ),
        )

    def _check_group(self, group):
        _check_nonnegative("learning rate", group["lr"])
        _check_nonnegative("momentum value", group["momentum"])
        _check_nonnegative("weight_decay value", group["weight_decay"])
        if group["dampening"] != group["dampening"]:  # NaN; PyTorch does not check it
            raise ValueError(f"Invalid dampening value: {group['dampening']}")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")

    def _state_keys(self, group):
        return ("momentum_buffer",) if group["momentum"] else ()

    def _init_state(self, group, p):
        return {"momentum_buffer": None}

    def _update(self, group, p, grad, state):
        if group["maximize"]:
            grad = -grad
        buf = state.get("momentum_buffer")
        first = buf is None
        if group["momentum"] and first:
            buf = state["momentum_buffer"] = Tensor.wrap(np.empty(p.shape, p.dtype))
        flat_buf = buf.array.reshape(-1) if group["momentum"] else p.reshape(-1)[:0]
        kernels.sgd_checked(  # Optimizer.step checked every array
            p.reshape(-1),
            grad.reshape(-1),
            flat_buf,
            float(group["lr"]),
            float(group["momentum"]),
            float(group["dampening"]),
            float(group["weight_decay"]),
            bool(group["nesterov"]),
            first,
        )
