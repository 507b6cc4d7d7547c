"""Padding layers (ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad in 1-D
and 2-D) and the fixed-mode upsampling layers, thin wrappers over F.pad and F.interpolate
with PyTorch's arguments and reprs."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from . import functional as F
from .module import Module
from .pooling import Upsample


class _PadNd(Module):
    """F.pad(input, padding, mode) with ``padding`` an int (every side) or a tuple
    (left, right[, top, bottom])."""

    _dims = 2
    mode = "constant"

    def __init__(self, padding: Any, value: float = 0.0) -> None:
        super().__init__()
        n = 2 * self._dims
        self.padding = (int(padding),) * n if isinstance(padding, int) else tuple(padding)
        if len(self.padding) != n:
            raise ValueError(
                f"{type(self).__name__}: padding must be an int or a tuple of {n} ints, "
                f"got {padding!r}"
            )
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        if self.mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding, value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    _dims = 1


class ConstantPad2d(_ConstantPadNd):
    _dims = 2


class ZeroPad1d(_PadNd):
    _dims = 1


class ZeroPad2d(_PadNd):
    _dims = 2


class ReflectionPad1d(_PadNd):
    _dims, mode = 1, "reflect"


class ReflectionPad2d(_PadNd):
    _dims, mode = 2, "reflect"


class ReplicationPad1d(_PadNd):
    _dims, mode = 1, "replicate"


class ReplicationPad2d(_PadNd):
    _dims, mode = 2, "replicate"


class CircularPad1d(_PadNd):
    _dims, mode = 1, "circular"


class CircularPad2d(_PadNd):
    _dims, mode = 2, "circular"


class UpsamplingNearest2d(Upsample):
    """Upsample(mode='nearest') on 4-D input."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """Upsample(mode='bilinear', align_corners=True) on 4-D input."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
