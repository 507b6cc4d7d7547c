"""PyTorch's legacy tensor types (``torch.FloatTensor`` and friends) and ``Variable``, which
older tutorials and textbooks still use: ``torch.FloatTensor([1, 2])``,
``torch.LongTensor(3)``, ``x.type(torch.FloatTensor)``, ``isinstance(x, torch.FloatTensor)``,
``Variable(x)``. Each type is a constructor for its dtype; tensors are never instances of
another class."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes
from .tensor import Tensor, _shape_args, _to_array


class _LegacyType(type):
    """isinstance(t, torch.FloatTensor) asks for a Tensor of that dtype."""

    dtype: dtypes.dtype

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Tensor) and obj.array.dtype == cls.dtype.dtype

    def __repr__(cls) -> str:
        return f"<class '{dtypes.NAMESPACE}.{cls.__name__}'>"


def _legacy(name: str, dtype: dtypes.dtype) -> type:
    def __new__(cls: type, *args: Any, **kwargs: Any) -> Tensor:
        if kwargs.pop("device", None) not in (None, "cpu"):
            raise RuntimeError(
                f"tinygrad_scores runs on the CPU only: {name} on another device is not available"
            )
        if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
            return Tensor.wrap(np.array(_to_array(args[0], dtype.dtype)))
        return Tensor.wrap(np.zeros(_shape_args(args), dtype.dtype))  # FloatTensor(2, 3)

    return _LegacyType(
        name,
        (),
        {"__new__": __new__, "dtype": dtype, "__doc__": f"A constructor for {dtype} tensors."},
    )


FloatTensor = _legacy("FloatTensor", dtypes.float32)
DoubleTensor = _legacy("DoubleTensor", dtypes.float64)
HalfTensor = _legacy("HalfTensor", dtypes.float16)
LongTensor = _legacy("LongTensor", dtypes.int64)
IntTensor = _legacy("IntTensor", dtypes.int32)
ShortTensor = _legacy("ShortTensor", dtypes.int16)
CharTensor = _legacy("CharTensor", dtypes.int8)
ByteTensor = _legacy("ByteTensor", dtypes.uint8)
BoolTensor = _legacy("BoolTensor", dtypes.bool_)


class _VariableType(type):
    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableType):
    """The pre-0.4 wrapper PyTorch keeps as an alias: ``Variable(t)`` is a tensor sharing
    ``t``'s storage (a new leaf, requiring grad when asked), and every tensor is a
    Variable."""

    def __new__(cls, data: Any, requires_grad: bool = False, volatile: bool = False) -> Any:
        t = data.detach() if isinstance(data, Tensor) else Tensor.wrap(np.array(_to_array(data)))
        return t.requires_grad_(requires_grad) if requires_grad else t


__all__ = [
    "FloatTensor",
    "DoubleTensor",
    "HalfTensor",
    "LongTensor",
    "IntTensor",
    "ShortTensor",
    "CharTensor",
    "ByteTensor",
    "BoolTensor",
    "Variable",
]
