"""``Optimizer``: parameter groups, per-parameter state, zero_grad, step, state_dict.

Subclasses say which state tensors they keep (``_state_keys``) and implement
``_update(group, p, grad, state)`` on C-contiguous NumPy arrays of the parameter's shape.
The base class checks everything a kernel could trip on (layout, dtype, byte order,
writeability, gradient and state shapes) before any parameter is touched, so a bad input
is a Python exception, never a crash or a half-applied step.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from .. import dtypes
from ..autograd import enable_grad
from ..capture import replayable
from ..nn.module import Parameter
from ..tensor import Tensor

# What an optimizer takes: tensors (``model.parameters()``), or dicts of options with a
# "params" entry (parameter groups).
ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]]

# The dtypes the fused kernels are compiled for.
_KERNEL_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _check_nonnegative(name, value):
    """PyTorch's ``if not 0.0 <= value: raise ValueError(...)``: refuses negatives and NaN."""
    try:
        ok = 0.0 <= value
    except TypeError:
        raise TypeError(f"{name} must be a number, got {type(value).__name__}") from None
    if not ok:
        raise ValueError(f"Invalid {name}: {value}")


class _Required:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _Required()


class Optimizer:
    """Base class. ``self.state`` maps each parameter tensor to its state dict, as in
    PyTorch; state tensors have the parameter's shape and dtype."""

    _nullable: tuple[str, ...] = ()  # state keys that may hold None (SGD's momentum_buffer)

    defaults: dict[str, Any]
    state: dict[Tensor, dict[str, Any]]
    param_groups: list[dict[str, Any]]

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state = {}
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of "
                "Tensors or dicts, but got a Tensor"
            )
        items: list[Any] = list(params)  # tensors, or group dicts
        if not items:
            raise ValueError("optimizer got an empty parameter list")
        groups = items if isinstance(items[0], dict) else [{"params": items}]
        for group in groups:
            self.add_param_group(group)

    # ------------------------------------------------------------------ groups
    def _check_group(self, group):
        """Validate a group's hyper-parameters (subclasses; raise ValueError)."""

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyper-parameters (missing ones from
        the optimizer's defaults), e.g. to unfreeze layers while training."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        group = dict(param_group)
        params = group.get("params")
        if params is None:
            raise ValueError("param_group has no 'params' entry")
        if isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, "
                "but the ordering of tensors in sets will change between runs. "
                "Please use a list instead."
            )
        params = [params] if isinstance(params, Tensor) else list(params)
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"optimizer can only optimize Tensors, but parameter {i} of the "
                    f"group is a {type(p).__name__}"
                )
            if not p.requires_grad and not isinstance(p, Parameter):
                raise ValueError(
                    f"optimizer got a tensor (parameter {i}, shape "
                    f"{list(p.shape)}) that does not require grad"
                )
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
            _check_param_dtype(p.array.dtype, type(self).__name__, i)
        if len({id(p) for p in params}) != len(params):
            raise ValueError("optimizer parameter group contains a parameter more than once")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        for key, value in self.defaults.items():
            if value is required and key not in group:
                raise ValueError(
                    f"parameter group didn't specify a value of required "
                    f"optimization parameter {key}"
                )
            group.setdefault(key, value)
        self._check_group(group)
        group["params"] = params
        self.param_groups.append(group)

    @replayable
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop the gradients (``set_to_none``, the default) or fill them with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    if p.grad.array.flags.writeable:
                        p.grad.array[...] = 0  # in place, as PyTorch's grad.zero_()
                    else:
                        p.grad.array = np.zeros_like(p.grad.array)

    # ------------------------------------------------------------------ step
    def _index(self):
        """Each parameter's position in the flattened groups: its name in messages and
        in ``state_dict``."""
        return {id(p): i for i, p in enumerate(p for g in self.param_groups for p in g["params"])}

    def _state_keys(self, group):
        """Names of the state tensors shaped like the parameter, for this group's options."""
        return ()

    def _init_state(self, group, p):
        """Fresh state for parameter array ``p`` (subclasses)."""
        return {}

    @replayable
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient. All checks run first, so an
        error leaves every parameter and state unchanged."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        work = []
        for group in self.param_groups:
            keys = self._state_keys(group)
            for p in group["params"]:
                if p.grad is None:
                    continue
                arr = p.array
                grad = _kernel_grad(p)
                if grad is None:
                    grad = self._checked_grad(p, self._index()[id(p)])
                state = self.state.get(p)
                if state is not None and not _state_fits(keys, state, arr):
                    self._check_state(group, p, self._index()[id(p)], state, loading=False)
                work.append((group, p, grad, state))
        for group, p, grad, state in work:
            arr = p.array
            direct = arr.flags.c_contiguous and arr.dtype.isnative
            native = arr.dtype.newbyteorder("=")
            scratch = arr if direct else np.ascontiguousarray(arr, dtype=native)
            if state is None:
                state = self.state[p] = self._init_state(group, scratch)
            self._update(group, scratch, grad, state)
            if not direct:  # a strided, Fortran-ordered or byte-swapped parameter: copy back
                arr[...] = scratch
        return loss

    def _checked_grad(self, p, i):
        """``p.grad`` as a writeable C-contiguous array of ``p``'s shape and (native) dtype,
        after the checks a kernel cannot do for itself."""
        name = f"{type(self).__name__}: parameter {i} (shape {list(p.shape)})"
        arr, grad = p.array, p.grad
        grad = grad.array if isinstance(grad, Tensor) else grad
        if not isinstance(grad, np.ndarray):
            raise RuntimeError(f"{name}: .grad is a {type(grad).__name__}, not a Tensor")
        _check_param_dtype(arr.dtype, type(self).__name__, i)
        if not arr.flags.writeable:
            raise RuntimeError(
                f"{name} is read-only (its NumPy array is not writeable); the "
                f"optimizer updates parameters in place"
            )
        if grad.shape != arr.shape:
            raise RuntimeError(
                f"{name}: gradient has shape {list(grad.shape)}, expected the "
                f"parameter's shape {list(arr.shape)}"
            )
        if grad.dtype.newbyteorder("=") != arr.dtype.newbyteorder("="):
            raise RuntimeError(
                f"{name}: gradient has dtype {grad.dtype}, expected the "
                f"parameter's dtype {arr.dtype}"
            )
        if not (grad.flags.c_contiguous and grad.dtype.isnative and grad.flags.writeable):
            grad = np.array(grad, dtype=grad.dtype.newbyteorder("="), order="C")
        return grad

    def _check_state(self, group, p, i, state, loading):
        """Every state tensor this group's options use must exist with ``p``'s shape and a
        floating dtype; a loaded one of another float dtype is cast, as PyTorch does."""
        name = f"{type(self).__name__}: parameter {i} (shape {list(p.shape)})"
        dtype = p.array.dtype.newbyteorder("=")
        if not isinstance(state, dict):
            raise RuntimeError(f"{name}: state must be a dict, got {type(state).__name__}")
        for key in self._state_keys(group):
            value = state.get(key, _MISSING)
            if value is _MISSING:
                raise RuntimeError(f"{name}: state '{key}' is missing")
            if value is None and key in self._nullable:  # made on the next step
                continue
            if isinstance(value, Tensor):
                value = value.array
            if not isinstance(value, np.ndarray):
                raise RuntimeError(
                    f"{name}: state '{key}' is a {type(value).__name__}, expected a tensor"
                )
            if value.shape != p.array.shape:
                raise RuntimeError(
                    f"{name}: state '{key}' has shape {list(value.shape)}, "
                    f"expected {list(p.array.shape)}"
                )
            if value.dtype.kind != "f" or (not loading and value.dtype != dtype):
                raise RuntimeError(
                    f"{name}: state '{key}' has dtype {value.dtype}, expected {dtype}"
                )
            if loading:
                state[key] = Tensor.wrap(np.array(value, dtype=dtype, order="C"))
            elif not (value.flags.c_contiguous and value.flags.writeable):
                # the kernels update a flat view in place: a strided or read-only array
                # gets a C-contiguous copy, its tensor kept (as PyTorch's .data = would)
                fixed = np.array(value, dtype=dtype, order="C")
                if isinstance(state[key], Tensor):
                    state[key].array = fixed
                else:
                    state[key] = Tensor.wrap(fixed)
            elif not isinstance(state[key], Tensor):
                state[key] = Tensor.wrap(value)
        if loading and "step" in state:
            step = state["step"]
            step = step.array if isinstance(step, Tensor) else np.asarray(step)
            if (
                step.size != 1
                or step.dtype.kind not in "iuf"
                or not math.isfinite(step.item())
                or step.item() < 0
            ):
                raise RuntimeError(
                    f"{name}: state 'step' must be a non-negative number, got {state['step']!r}"
                )
            state["step"] = Tensor.wrap(np.array(step.item(), dtypes.default_float()))

    def _update(self, group, p, grad, state):
        raise NotImplementedError

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, Any]:
        """PyTorch's layout: ``{"state": {index: {...}}, "param_groups": [{..., "params":
        [indices]}]}``; tensors are copies, so training on does not change it."""
        index = self._index()
        groups = []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state:
                    state[index[id(p)]] = {
                        k: Tensor.wrap(v.array.copy()) if isinstance(v, Tensor) else v
                        for k, v in self.state[p].items()
                    }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyper-parameters and state. Everything is checked against this
        optimizer's parameters before anything is replaced."""
        if (
            not isinstance(state_dict, dict)
            or "param_groups" not in state_dict
            or "state" not in state_dict
        ):
            raise ValueError(
                "optimizer state_dict must be a dict with 'state' and 'param_groups' entries"
            )
        groups, saved_state = state_dict["param_groups"], state_dict["state"]
        if not isinstance(groups, (list, tuple)) or not isinstance(saved_state, dict):
            raise ValueError(
                "optimizer state_dict: 'param_groups' must be a list and 'state' a dict"
            )
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        params_by_index, new_groups = {}, []
        for mine, theirs in zip(self.param_groups, groups):
            if not isinstance(theirs, dict) or not isinstance(theirs.get("params"), (list, tuple)):
                raise ValueError(
                    "optimizer state_dict: each parameter group must be a dict with a 'params' list"
                )
            if len(mine["params"]) != len(theirs["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't "
                    "match the size of optimizer's group"
                )
            for p, i in zip(mine["params"], theirs["params"]):
                if (
                    isinstance(i, bool)
                    or not isinstance(i, (int, np.integer))
                    or int(i) in params_by_index
                ):
                    raise ValueError(f"optimizer state_dict: bad parameter index {i!r}")
                params_by_index[int(i)] = p
            group = {k: copy.deepcopy(v) for k, v in theirs.items() if k != "params"}
            group["params"] = mine["params"]
            if isinstance(group.get("betas"), list):  # a tuple that went through JSON
                group["betas"] = tuple(group["betas"])
            self._check_group(group)
            new_groups.append(group)
        group_of = {id(p): g for g in new_groups for p in g["params"]}
        index = self._index()
        new_state = {}
        for i, st in saved_state.items():
            if (
                isinstance(i, bool)
                or not isinstance(i, (int, np.integer))
                or int(i) not in params_by_index
            ):
                raise ValueError(f"optimizer state_dict: state for unknown parameter {i!r}")
            p = params_by_index[int(i)]
            restored = dict(st) if isinstance(st, dict) else st
            self._check_state(group_of[id(p)], p, index[id(p)], restored, loading=True)
            new_state[p] = restored
        self.param_groups[:] = new_groups
        self.state = new_state

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)


_MISSING = object()


def _kernel_grad(p):
    """``p.grad``'s array when it passes the few comparisons of the common case (shape
    and dtype of ``p``, C-contiguous; ``p`` writeable, float32 or float64), else None:
    then the full checks run, which name the problem (their messages cost more to build)."""
    g = p.grad
    arr = p.array
    grad = g.array if isinstance(g, Tensor) else g
    if (
        isinstance(grad, np.ndarray)
        and grad.shape == arr.shape
        and grad.dtype == arr.dtype
        and arr.dtype in _KERNEL_DTYPES
        and arr.flags.writeable
        and grad.flags.c_contiguous
        and grad.flags.writeable  # the kernels' signatures take no read-only array
    ):
        return grad
    return None


def _state_fits(keys, state, arr):
    """True when every state entry named in ``keys`` is a tensor of ``arr``'s shape and
    dtype whose array the kernels can update in place (C-contiguous, writeable)."""
    for key in keys:
        value = state.get(key)
        if not isinstance(value, Tensor):
            return False
        value = value.array
        if (
            value.shape != arr.shape
            or value.dtype != arr.dtype
            or not (value.flags.c_contiguous and value.flags.writeable)
        ):
            return False
    return True


def _check_param_dtype(dtype, optimizer, i):
    if dtype.newbyteorder("=") not in _KERNEL_DTYPES:
        raise TypeError(
            f"{optimizer}: parameter {i} has dtype {dtype}; the optimizers update "
            f"float32 and float64 parameters (convert with .float() or .double())"
        )


def _step_tensor(state):
    """Increment PyTorch's float32 ``step`` tensor in place and return the new count."""
    step = state["step"].array
    step[()] = step.item() + 1  # (cheaper than a ufunc on a 0-d array)
    return int(step.item())  # as stored: a float, as PyTorch counts


def _fresh_state(keys, p):
    """PyTorch's ``step`` counter at 0 (float32, or float64 under that default dtype, as
    its _get_scalar_dtype), and a zero tensor shaped like parameter array ``p`` for each
    of ``keys``."""
    state = {"step": Tensor.wrap(np.array(0.0, dtypes.default_float()))}
    for key in keys:
        state[key] = Tensor.wrap(np.zeros(p.shape, p.dtype))
    return state


def _weight_decayed(group, p, grad):
    """The gradient the update uses: negated under ``maximize``, plus ``weight_decay * p``."""
    g = -grad if group["maximize"] else grad
    wd = float(group["weight_decay"])
    return g + wd * p if wd else g
