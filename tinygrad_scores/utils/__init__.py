"""``torch.utils``: ``torch.utils.data`` (datasets and the DataLoader), and
``torch.utils.tensorboard``, imported on first use (it needs the optional ``tensorboard``
package)."""

import importlib

from .._missing import module_getattr
from . import data  # noqa: F401

_missing_getattr = module_getattr(__name__, "torch.utils")


def __getattr__(name):
    if name == "tensorboard":  # as `torch.utils.tensorboard` after its import
        try:
            return importlib.import_module(".tensorboard", __name__)
        except ImportError as exc:  # an attribute lookup fails with AttributeError
            raise AttributeError(str(exc)) from exc
    return _missing_getattr(name)
