"""``torch.cuda.amp``: PyTorch's deprecated CUDA forms of ``torch.amp``'s GradScaler and
autocast. They warn as PyTorch does and, with no CUDA here, disable themselves, so a training
script written for a GPU (nanoGPT's ``GradScaler(enabled=(dtype == 'float16'))``) runs."""

import warnings

from . import amp
from ._missing import module_getattr


class GradScaler(amp.GradScaler):
    def __init__(
        self,
        init_scale=2.0**16,
        growth_factor=2.0,
        backoff_factor=0.5,
        growth_interval=2000,
        enabled=True,
    ):
        warnings.warn(
            "`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
            "`torch.amp.GradScaler('cuda', args...)` instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__(
            "cuda", init_scale, growth_factor, backoff_factor, growth_interval, enabled
        )


class autocast(amp.autocast):  # noqa: N801
    def __init__(self, enabled=True, dtype=None, cache_enabled=True):
        warnings.warn(
            "`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
            "`torch.amp.autocast('cuda', args...)` instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__("cuda", dtype=dtype, enabled=enabled, cache_enabled=cache_enabled)


__getattr__ = module_getattr(__name__, "torch.cuda.amp")
