"""``torch.backends``: the GPU back-ends are absent (``mps.is_available()`` is False) and
cuDNN's flags can be set, so programs that set them run unchanged; they change nothing."""

from .._missing import module_getattr
from . import cuda, cudnn, mps  # noqa: F401

__getattr__ = module_getattr(__name__, "torch.backends")
