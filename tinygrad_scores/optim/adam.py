"""Adam and AdamW, written out by hand on one fused kernel (kernels/optim.py)."""
import numpy as np

from ..kernels import optim as kernels
from .optimizer import Optimizer


class Adam(Optimizer):
    """PyTorch's Adam: bias-corrected first and second moments, L2 ``weight_decay``
    added to the gradient, optional ``amsgrad``. AdamW differs only in how weight
    decay is applied (``decoupled``)."""

    decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False):
        if lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if eps < 0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        if weight_decay < 0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad))

    def _update(self, group, param, grad, state):
        p = param.array.reshape(-1)
        if "exp_avg" not in state:
            state["exp_avg"] = np.zeros(p.size, p.dtype)
            state["exp_avg_sq"] = np.zeros(p.size, p.dtype)
            state["max_exp_avg_sq"] = np.zeros(p.size if group["amsgrad"] else 0, p.dtype)
        if group["amsgrad"] and state["max_exp_avg_sq"].size != p.size:
            state["max_exp_avg_sq"] = np.zeros(p.size, p.dtype)
        state["step"] += 1
        beta1, beta2 = group["betas"]
        lr, wd = float(group["lr"]), float(group["weight_decay"])
        kernels.adam(p, grad.reshape(-1), state["exp_avg"], state["exp_avg_sq"], state["max_exp_avg_sq"],
                     lr, float(beta1), float(beta2), float(group["eps"]),
                     0.0 if self.decoupled else wd, wd if self.decoupled else 0.0,
                     int(state["step"]), bool(group["amsgrad"]))


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): p *= 1 - lr * weight_decay
    before the Adam step, instead of adding weight_decay * p to the gradient."""

    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad)
