"""``nn.utils.weight_norm`` / ``remove_weight_norm`` (PyTorch's deprecated hook form):
the weight is re-parameterised as w = g * v / ||v||, the norm taken over every dim but
``dim``; ``weight_g`` and ``weight_v`` become the parameters and a forward pre-hook
recomputes ``weight`` from them before each call."""

from __future__ import annotations

import warnings
from typing import Any

from ..parameter import Parameter


def norm_except_dim(v, pow: float = 2, dim: int = 0):  # noqa: A002  (PyTorch's name)
    """||v|| over every dim but ``dim``, kept as a size-1 dim elsewhere; dim=None (-1): the
    norm of all of v."""
    if dim == -1:
        return v.norm(pow)
    dim = dim % v.dim()
    others = tuple(d for d in range(v.dim()) if d != dim)
    return v.norm(pow, dim=others, keepdim=True)


class WeightNorm:
    """w = g * v / ||v||:  dw/dg = v / ||v||, dw/dv = g / ||v|| (I - u u^T), u = v / ||v||
    (per slice along ``dim``), by the composed ops' own gradients."""

    handle: Any  # the forward pre-hook's handle, set by apply

    def __init__(self, name: str, dim: int | None) -> None:
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module):
        g = getattr(module, self.name + "_g")
        v = getattr(module, self.name + "_v")
        return v * (g / norm_except_dim(v, 2, self.dim))

    @staticmethod
    def apply(module, name: str, dim: int | None) -> WeightNorm:
        for hook in module.__dict__.get("_forward_pre_hooks", {}).values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(
                    f"Cannot register two weight_norm hooks on the same parameter {name}"
                )
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        del module._parameters[name]
        module.register_parameter(name + "_g", Parameter(norm_except_dim(weight, 2, fn.dim).data))
        module.register_parameter(name + "_v", Parameter(weight.data))
        setattr(module, name, fn.compute_weight(module))
        fn.handle = module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module) -> None:
        weight = self.compute_weight(module)
        delattr(module, self.name)
        delattr(module, self.name + "_g")
        delattr(module, self.name + "_v")
        setattr(module, self.name, Parameter(weight.data))
        self.handle.remove()

    def __call__(self, module, inputs: Any) -> None:
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name: str = "weight", dim: int | None = 0):
    """Re-parameterise ``module.<name>`` as ``<name>_g * <name>_v / ||<name>_v||``."""
    warnings.warn(
        "`torch.nn.utils.weight_norm` is deprecated in favor of "
        "`torch.nn.utils.parametrizations.weight_norm`.",
        FutureWarning,
        stacklevel=2,
    )
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name: str = "weight"):
    """Fold ``<name>_g`` and ``<name>_v`` back into one parameter ``<name>``."""
    for hook in list(module.__dict__.get("_forward_pre_hooks", {}).values()):
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
