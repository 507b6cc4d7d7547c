"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""
import numpy as np

from ..kernels import optim as kernels
from .optimizer import Optimizer


class SGD(Optimizer):
    """PyTorch's SGD; the update is one fused kernel pass per parameter (kernels/optim.py)."""

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0,
                 nesterov=False):
        if lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def _update(self, group, param, grad, state):
        p = param.array.reshape(-1)
        if "momentum_buffer" not in state:
            state["momentum_buffer"] = np.zeros(p.size if group["momentum"] else 0, p.dtype)
        first = state["step"] == 0
        state["step"] += 1
        kernels.sgd(p, grad.reshape(-1), state["momentum_buffer"], float(group["lr"]),
                    float(group["momentum"]), float(group["dampening"]), float(group["weight_decay"]),
                    bool(group["nesterov"]), first)
