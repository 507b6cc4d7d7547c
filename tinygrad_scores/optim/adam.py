"""Adam and AdamW, written out by hand on one fused kernel (kernels/optim.py)."""

from __future__ import annotations

import numpy as np

from ..kernels import optim as kernels
from .optimizer import (
    Optimizer,
    ParamsT,
    _check_nonnegative,
    _fresh_state,
    _kernel_grad,
    _state_fits,
    _step_tensor,
)


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
        amsgrad = bool(group["amsgrad"])
        vmax = state["max_exp_avg_sq"].array.ravel() if amsgrad else _EMPTY[p.dtype.char]
        kernels.adam_checked(  # Optimizer.step checked every array
            p.ravel(),
            grad.ravel(),
            state["exp_avg"].array.ravel(),
            state["exp_avg_sq"].array.ravel(),
            vmax,
            *_kernel_options(group),
            step,
            amsgrad,
        )

    def _fused_step(self):
        """``step()`` as a captured step's replay runs it (codegen.py calls this in its
        place): each group's updates in kernels/optim.py's ``adam_group``, one kernel call
        for up to four parameters, the same bits as step(). Anything step() does more
        than that (amsgrad, maximize, a parameter without a gradient or state yet, a
        strided or byte-swapped one, step counts or dtypes that differ within a group,
        a gradient the full checks must look at) is step() itself, before any update."""
        work = []
        for group in self.param_groups:
            if group["amsgrad"] or group["maximize"]:
                return self.step()
            keys = self._state_keys(group)
            arrays, states, kinds = ([], [], [], []), [], set()
            for p in group["params"]:
                arr, state = p.array, self.state.get(p)
                grad = None if p.grad is None else _kernel_grad(p)
                if (
                    grad is None
                    or state is None
                    or not (arr.flags.c_contiguous and arr.dtype.isnative)
                    or not _state_fits(keys, state, arr)
                ):
                    return self.step()
                kinds.add((arr.dtype, state["step"].array.item()))
                states.append(state)
                moments = (state["exp_avg"].array, state["exp_avg_sq"].array)
                for out, a in zip(arrays, (arr, grad) + moments):
                    out.append(a.ravel())
            if len(kinds) > 1:
                return self.step()
            work.append((group, arrays, states))
        for group, arrays, states in work:
            for state in states:
                step = _step_tensor(state)
            if states:
                kernels.adam_group(*arrays, *_kernel_options(group), step)
        return None


def _kernel_options(group):
    """lr, beta1, beta2, eps, weight_decay, decoupled_decay: a group's options as the
    kernels take them (AdamW's decay decoupled, Adam's added to the gradient)."""
    beta1, beta2 = group["betas"]
    wd = float(group["weight_decay"])
    decoupled = bool(group["decoupled_weight_decay"])
    return (
        float(group["lr"]),
        float(beta1),
        float(beta2),
        float(group["eps"]),
        0.0 if decoupled else wd,
        wd if decoupled else 0.0,
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
