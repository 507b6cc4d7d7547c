"""``nn.Module`` and ``nn.Parameter``: PyTorch's way of holding weights, buffers and
sub-layers, with its traversal, state_dict, mode and conversion methods."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import numpy as np

from .. import dtypes
from ..autograd import RemovableHandle
from ..autograd import _state as _STATE
from ..capture import replayable
from ..tensor import Tensor

_FLOAT_KINDS = "f"

_M = TypeVar("_M", bound="Module")  # methods that return self keep the caller's type


class Parameter(Tensor):
    """A tensor that is a module's weight: assigning one to a Module attribute registers
    it, and it requires grad by default.

    Its storage is always C-contiguous, so optimizers can update it in place: a tensor
    that is already contiguous is shared (as ``nn.Parameter(t)`` shares ``t``'s
    storage); a transposed, Fortran-ordered or strided one is copied into C order.
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty(0, dtypes.default_float())
        source = data.array if isinstance(data, Tensor) else np.asarray(data)
        array = source if source.flags.c_contiguous else np.ascontiguousarray(source)
        Tensor.__init__(self, array)
        if isinstance(data, Tensor) and array is source:
            self.array = array  # share the tensor's storage
            if hasattr(data, "_vbox"):
                self._vbox = data._vbox
        if requires_grad:
            self.requires_grad_(True)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


def _type_name(value):
    return (
        type(value).__module__ + "." + type(value).__qualname__
        if not isinstance(value, (int, float, str))
        else type(value).__name__
    )


def _is_cuda(device):
    return str(device).startswith("cuda")


class Module:
    """Base class of layers and models.

    Attributes that are Parameters or Modules are registered on assignment, so
    ``parameters()``, ``state_dict()`` and the printed summary find them; tensors that
    are state but not weights (running statistics) are registered with
    ``register_buffer``.
    """

    # Set in __init__ through object.__setattr__ (declared here for type checkers).
    training: bool
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, Tensor | None]
    _non_persistent_buffers_set: set[str]
    _modules: dict[str, Any]  # Module, or None for a name set to None
    # Hooks (class-level empty defaults: a module without hooks stores nothing)
    _forward_hooks: dict[int, Callable[..., Any]] = {}
    _forward_pre_hooks: dict[int, Callable[..., Any]] = {}

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function'
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _STATE.recorder is not None:  # compile() notes train/eval of each module
            _STATE.recorder.module_called(self)
        if not (self._forward_pre_hooks or self._forward_hooks):
            return self.forward(*args, **kwargs)
        for hook in list(self._forward_pre_hooks.values()):
            changed = hook(self, args)
            if changed is not None:
                args = changed if isinstance(changed, tuple) else (changed,)
        output = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            changed = hook(self, args, output)
            if changed is not None:
                output = changed
        return output

    def register_forward_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, inputs, output)`` after every forward; a value it returns
        replaces the output. Returns a handle whose ``remove()`` unregisters it."""
        return self._add_hook("_forward_hooks", hook)

    def register_forward_pre_hook(self, hook: Callable[..., Any]) -> RemovableHandle:
        """Call ``hook(module, inputs)`` before every forward; a value it returns replaces
        the inputs."""
        return self._add_hook("_forward_pre_hooks", hook)

    def _add_hook(self, kind: str, hook: Callable[..., Any]) -> RemovableHandle:
        if kind not in self.__dict__:
            object.__setattr__(self, kind, OrderedDict())
        return RemovableHandle(self.__dict__[kind], hook)

    def _get_name(self) -> str:
        return type(self).__name__

    # ------------------------------------------------------------------ registration
    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                "cannot assign attributes before Module.__init__() call "
                "(call super().__init__() first)"
            )
        # A Parameter (a Module) registers under ``name``; a registered parameter (child
        # module) name takes only another one or None. A buffer name takes a Tensor or None.
        registries: tuple[tuple[dict[str, Any], type, str, str], ...] = (
            (self._parameters, Parameter, "parameter", "torch.nn.Parameter"),
            (self._modules, Module, "child module", "torch.nn.Module"),
        )
        for registry, kind, role, expected in registries:
            if isinstance(value, kind):
                self._forget(name)
                registry[name] = value
                break
            if name in registry:
                if value is not None:
                    raise TypeError(
                        f"cannot assign '{_type_name(value)}' as {role} '{name}' "
                        f"({expected} or None expected)"
                    )
                registry[name] = None
                break
        else:
            if name in self._buffers:
                if value is not None and not isinstance(value, Tensor):
                    raise TypeError(
                        f"cannot assign '{_type_name(value)}' as buffer '{name}' "
                        f"(torch.Tensor or None expected)"
                    )
                self._buffers[name] = value
        object.__setattr__(self, name, value)

    def _forget(self, name):
        for registry in (self._parameters, self._modules, self._buffers):
            registry.pop(name, None)
        self._non_persistent_buffers_set.discard(name)

    def __delattr__(self, name: str) -> None:
        self._forget(name)
        object.__delattr__(self, name)

    def _check_new_name(self, kind, name):
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain "."')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        registry = {
            "parameter": self._parameters,
            "buffer": self._buffers,
            "module": self._modules,
        }[kind]
        if hasattr(self, name) and name not in registry:
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (a Parameter, or None for an absent one such as a bias)."""
        self._register("parameter", name, param, Parameter, "torch.nn.Parameter")

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a tensor that is state but not a weight (e.g. running statistics):
        it moves with ``to()``, and appears in ``state_dict`` when ``persistent``."""
        self._register("buffer", name, tensor, Tensor, "torch Tensor")
        if not persistent:
            self._non_persistent_buffers_set.add(name)

    def _register(self, kind, name, value, expected, expected_name):
        """``value`` (an ``expected`` or None) as the parameter or buffer ``name``."""
        registry = self.__dict__.get(f"_{kind}s")
        if registry is None:
            raise AttributeError(f"cannot assign {kind} before Module.__init__() call")
        self._check_new_name(kind, name)
        if value is not None and not isinstance(value, expected):
            raise TypeError(
                f"cannot assign '{_type_name(value)}' object to {kind} '{name}' "
                f"({expected_name} or None required)"
            )
        self._forget(name)
        registry[name] = value
        object.__setattr__(self, name, value)

    def add_module(self, name: str, module: Module | None) -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_type_name(module)} is not a Module subclass")
        self._check_new_name("module", name)
        self._forget(name)
        self._modules[name] = module
        object.__setattr__(self, name, module)

    register_module = add_module

    def get_submodule(self, target: str) -> Module:
        """The module at dotted path ``target`` ("" is this module)."""
        if target == "":
            return self
        module = self
        for item in target.split("."):
            if not hasattr(module, item):
                raise AttributeError(f"{module._get_name()} has no attribute `{item}`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError(f"`{item}` is not an nn.Module")
        return module

    def _owner_of(self, target: str) -> tuple[Module, str]:
        """The module holding the attribute at dotted path ``target``, and its name there."""
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
        return module, name

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at dotted path ``target`` (e.g. "fc1.weight")."""
        module, name = self._owner_of(target)
        param = getattr(module, name)
        if not isinstance(param, Parameter):
            raise AttributeError(f"`{name}` is not an nn.Parameter")
        return param

    def get_buffer(self, target: str) -> Tensor:
        module, name = self._owner_of(target)
        if name not in module._buffers:
            raise AttributeError(f"`{name}` is not a buffer")
        return getattr(module, name)

    # ------------------------------------------------------------------ traversal
    def named_modules(
        self, memo: set[int] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module and every descendant, each once."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(
                    memo, f"{prefix}.{name}" if prefix else name, remove_duplicate
                )

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def _named_members(self, registry, prefix, recurse, remove_duplicate):
        seen = set()
        modules = (
            self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
            if recurse
            else [(prefix, self)]
        )
        for module_prefix, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ------------------------------------------------------------------ modes
    def train(self: _M, mode: bool = True) -> _M:
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        object.__setattr__(self, "training", mode)
        for child in self.children():
            child.train(mode)
        return self

    def eval(self: _M) -> _M:
        return self.train(False)

    def requires_grad_(self: _M, requires_grad: bool = True) -> _M:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    @replayable
    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.array[...] = 0

    def apply(self: _M, fn: Callable[[Module], object]) -> _M:
        """Call ``fn`` on every submodule (children first) and then on this module."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------------ conversion
    def _convert(self, dtype):
        """Cast floating parameters, their gradients and floating buffers to ``dtype`` in
        place: the Parameter objects stay the same (optimizers keep working)."""
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(
                f"nn.Module.to only accepts floating point dtypes, but got desired dtype={dtype}"
            )
        if dtype not in (np.float32, np.float64):
            raise NotImplementedError(
                f"{dtype} parameters are not supported: tinygrad_scores' "
                f"kernels run in float32 and float64 only"
            )
        for module in self.modules():
            for p in module._parameters.values():
                if p is not None and p.array.dtype.kind in _FLOAT_KINDS and p.array.dtype != dtype:
                    p.array = p.array.astype(dtype)
                    if p.grad is not None:
                        p.grad.array = p.grad.array.astype(dtype)
            for b in module._buffers.values():
                if b is not None and b.array.dtype.kind in _FLOAT_KINDS and b.array.dtype != dtype:
                    b.array = b.array.astype(dtype)
        return self

    def to(self: _M, *args: Any, **kwargs: Any) -> _M:
        """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(tensor)``: floating
        parameters and buffers change dtype in place; the only device is the CPU."""
        device = kwargs.pop("device", None)
        dtype = kwargs.pop("dtype", None)
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.array.dtype
            elif isinstance(arg, str) or type(arg).__name__ == "device":
                device = arg
            elif arg is not None:
                dtype = arg
        if device is not None:
            if _is_cuda(device):
                self.cuda()
            if not str(device).startswith("cpu"):
                raise RuntimeError(
                    f"unknown device {device!r}: tinygrad_scores runs on the CPU only"
                )
        return self if dtype is None else self._convert(dtype)

    def cpu(self: _M) -> _M:
        return self

    def cuda(self: _M, device: Any = None) -> _M:
        raise RuntimeError(
            "cuda(): tinygrad_scores has no CUDA backend; everything runs on "
            "the CPU (use .cpu() or leave the module where it is)"
        )

    def float(self: _M) -> _M:
        return self._convert(np.float32)

    def double(self: _M) -> _M:
        return self._convert(np.float64)

    def half(self: _M) -> _M:
        raise NotImplementedError(
            "half(): float16 parameters are not supported; "
            "tinygrad_scores' kernels run in float32 and float64 only"
        )

    bfloat16 = half

    def type(self: _M, dst_type: Any) -> _M:
        return self._convert(dst_type)

    # ------------------------------------------------------------------ state
    def state_dict(
        self,
        destination: dict[str, Tensor] | None = None,
        prefix: str = "",
        keep_vars: bool = False,
    ) -> dict[str, Tensor]:
        """Name -> tensor for every parameter and persistent buffer, module by module
        (parameters, then buffers, then children, as PyTorch orders them), sharing
        memory with them."""
        state = OrderedDict() if destination is None else destination
        for name, p in self._parameters.items():
            if p is not None:
                state[prefix + name] = p if keep_vars else Tensor.wrap(p.array)
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                state[prefix + name] = b if keep_vars else Tensor.wrap(b.array)
        for name, child in self._modules.items():
            if child is not None:
                child.state_dict(state, prefix + name + ".", keep_vars)
        return state

    def _state_targets(self):
        """The tensors ``state_dict`` would hold, by name (the tensors themselves)."""
        return self.state_dict(keep_vars=True)

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False
    ) -> _IncompatibleKeys:
        """Copy values into this module's parameters and buffers, checking names and shapes.

        Raises RuntimeError listing missing and unexpected keys (when ``strict``) and
        every shape mismatch; nothing is copied unless everything fits.
        """
        if assign:
            raise NotImplementedError("load_state_dict(assign=True) is not supported")
        own = self._state_targets()
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        problems = []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            array = value.array if isinstance(value, Tensor) else np.asarray(value)
            if array.shape != target.array.shape:
                problems.append(
                    f"size mismatch for {key}: copying a param with shape "
                    f"{list(array.shape)} from checkpoint, the shape in current "
                    f"model is {list(target.array.shape)}."
                )
        if strict and unexpected:
            problems.insert(
                0,
                "Unexpected key(s) in state_dict: " + ", ".join(f'"{k}"' for k in unexpected) + ".",
            )
        if strict and missing:
            problems.insert(
                0, "Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing) + "."
            )
        if problems:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(problems)
            )
        for key, target in own.items():
            if key in state_dict:
                value = state_dict[key]
                target.array[...] = value.array if isinstance(value, Tensor) else value
        return _IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [
            f"({name}): " + _addindent(repr(child), 2) for name, child in self._modules.items()
        ]
        lines = extra_lines + child_lines
        body = ""
        if len(extra_lines) == 1 and not child_lines:
            body = extra_lines[0]
        elif lines:
            body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{self._get_name()}({body})"


def _addindent(text: str, spaces: int) -> str:
    """Indent every line but the first (nested module reprs)."""
    first, *rest = text.split("\n")
    return "\n".join([first] + [" " * spaces + line for line in rest])


class _IncompatibleKeys(tuple):
    def __new__(cls, missing: list[str], unexpected: list[str]) -> _IncompatibleKeys:
        return super().__new__(cls, (missing, unexpected))

    missing_keys = property(lambda self: self[0])
    unexpected_keys = property(lambda self: self[1])

    def __repr__(self):
        if not self[0] and not self[1]:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self[0]}, unexpected_keys={self[1]})"
