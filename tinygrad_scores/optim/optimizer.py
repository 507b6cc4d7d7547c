"""``Optimizer``: parameter groups, per-parameter state, zero_grad, state_dict."""
import copy

import numpy as np

from ..nn.module import Parameter
from ..tensor import Tensor


class Optimizer:
    """Base class. Subclasses implement ``_update(group, param, grad, state)``, which
    changes ``param.array`` in place; ``step`` walks the groups and calls it."""

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = {}
        self.param_groups = []
        params = list(params) if not isinstance(params, Tensor) else None
        if params is None:
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got a Tensor")
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group):
        group = dict(group)
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but parameter {i} of the "
                                f"group is a {type(p).__name__}")
            if not p.requires_grad and not isinstance(p, Parameter):
                raise ValueError(f"optimizer got a tensor (parameter {i}, shape "
                                 f"{tuple(p.shape)}) that does not require grad")
            if p.dtype.kind != "f":
                raise TypeError(f"optimizer can only optimize floating point Tensors, "
                                f"parameter {i} has dtype {p.dtype}")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        group["params"] = params
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad.array[...] = 0

    def step(self, closure=None):
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad.array
                if grad.dtype != p.dtype or not grad.flags.c_contiguous:
                    grad = np.ascontiguousarray(grad, dtype=p.dtype)
                state = self.state.get(id(p))
                if state is None:
                    state = self.state[id(p)] = {"step": 0}
                self._update(group, p, grad, state)
        return loss

    def _update(self, group, param, grad, state):
        raise NotImplementedError

    # ------------------------------------------------------------------ state
    def state_dict(self):
        """Hyper-parameters per group and state per parameter, parameters named by index."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                packed["params"].append(index[id(p)])
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if id(p) in self.state:
                    state[index[id(p)]] = {k: (Tensor._wrap(v.copy()) if isinstance(v, np.ndarray) else v)
                                           for k, v in self.state[id(p)].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has {len(groups)} parameter groups, this "
                             f"optimizer has {len(self.param_groups)}")
        params_by_index = {}
        for mine, theirs in zip(self.param_groups, groups):
            if len(mine["params"]) != len(theirs["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't "
                                 "match the size of optimizer's group")
            for p, i in zip(mine["params"], theirs["params"]):
                params_by_index[int(i)] = p
            for key, value in theirs.items():
                if key != "params":
                    mine[key] = copy.deepcopy(value)
        self.state = {}
        for i, st in state_dict["state"].items():
            p = params_by_index[int(i)]
            restored = {}
            for key, value in st.items():
                if isinstance(value, Tensor):
                    value = value.array
                if isinstance(value, np.ndarray):
                    if value.size not in (0, p.array.size):   # 0: an unused placeholder
                        raise ValueError(f"optimizer state '{key}' for parameter {i} has "
                                         f"{value.size} elements, the parameter has {p.array.size}")
                    value = np.ascontiguousarray(value, dtype=p.dtype).reshape(-1).copy()
                restored[key] = value
            self.state[id(p)] = restored

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)
