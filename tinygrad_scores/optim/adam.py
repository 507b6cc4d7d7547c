"""Adam and AdamW, written out by hand on one fused kernel (kernels/optim.py)."""

from __future__ import annotations

import weakref

import numpy as np

from ..kernels import optim as kernels
from ..tensor import Tensor
from .optimizer import (
    _KERNEL_DTYPES,
    Optimizer,
    ParamsT,
    _check_nonnegative,
    _fresh_state,
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
        for up to four parameters, the same bits as step(). The full checks of step()
        run once (``_plan_fused``); later calls check only what can change between steps
        (each gradient, and that the parameters and their state are the same arrays).
        Anything else (amsgrad, maximize, a missing gradient or state, a strided or
        byte-swapped parameter, step counts or dtypes that differ within a group) is
        step() itself, before any update."""
        plan = _PLANS.get(self)
        if plan is None or plan[0] is not self.state or len(plan[1]) != len(self.param_groups):
            plan = self._plan_fused()
            if plan is None:
                return self.step()
            _PLANS[self] = plan
        work = []
        for group, (planned, params, n, entries, flat) in zip(self.param_groups, plan[1]):
            if group is not planned or group["params"] is not params or len(params) != n:
                del _PLANS[self]
                return self._fused_step()
            if group["amsgrad"] or group["maximize"]:
                return self.step()
            grads, count = [], None
            for p, arr, state, m, v, steps in entries:
                g = p.grad
                if g is None:
                    return self.step()
                grad = g.array if isinstance(g, Tensor) else g
                if (
                    p.array is not arr
                    or self.state.get(p) is not state
                    or state["exp_avg"].array is not m
                    or state["exp_avg_sq"].array is not v
                    or state["step"].array is not steps
                ):
                    del _PLANS[self]
                    return self._fused_step()
                if count is None:
                    count = steps.item()
                if not (
                    arr.flags.writeable  # (the one flag a parameter's owner may clear)
                    and grad.__class__ is np.ndarray
                    and grad.shape == arr.shape
                    and grad.dtype == arr.dtype
                    and grad.flags.writeable  # (the kernel takes no read-only array)
                    and (len(grads) == 0 or steps.item() == count)
                ):
                    return self.step()  # its checks name what is wrong
                grads.append(grad.ravel())
            work.append((group, grads, entries, flat, count))
        for group, grads, entries, (ps, ms, vs), count in work:
            if not entries:
                continue
            for entry in entries:  # _step_tensor's count, once for the group's equal ones
                entry[5][()] = count + 1
            step = int(entries[0][5].item())
            kernels.adam_group(ps, grads, ms, vs, *_kernel_options(group), step)
        return None

    def _plan_fused(self):
        """Per group: the group, its params list and length, and per parameter (p, its
        array, its state, exp_avg's and exp_avg_sq's arrays, the step counter's array),
        and flat views of the arrays the kernel updates, if every parameter and its state
        pass step()'s checks as the kernels take them; else None. (The gradients, new on
        every step, are checked on every call.)"""
        groups = []
        for group in self.param_groups:
            keys = self._state_keys(group)
            entries, dtypes = [], set()
            for p in group["params"]:
                arr, state = p.array, self.state.get(p)
                if (
                    state is None
                    or arr.dtype not in _KERNEL_DTYPES  # (native float32 or float64)
                    or not (arr.flags.c_contiguous and arr.flags.writeable)
                    or not _state_fits(keys, state, arr)
                    or not isinstance(state.get("step"), Tensor)
                ):
                    return None
                m, v = state["exp_avg"].array, state["exp_avg_sq"].array
                entries.append((p, arr, state, m, v, state["step"].array))
                dtypes.add(arr.dtype)
            if len(dtypes) > 1:
                return None
            # flat views of what the kernel updates (every one of them is contiguous)
            flat = tuple(tuple(e[i].ravel() for e in entries) for i in (1, 3, 4))
            groups.append((group, group["params"], len(group["params"]), tuple(entries), flat))
        return self.state, tuple(groups)


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
# Each optimizer's plan for _fused_step, outside the object: a saved, loaded or deep-copied
# optimizer must not carry flat views that no longer view its parameters.
_PLANS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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
