"""``torch.accelerator``, answered as PyTorch answers on a machine without one: this build
runs on the CPU, so there is no accelerator to report, count or synchronise."""

from ._missing import module_getattr


def is_available():
    return False


def current_accelerator(check_available=False):
    """None: there is no accelerator (PyTorch's answer on a CPU-only machine)."""
    return None


def device_count():
    return 0


def _none_available(*args, **kwargs):
    raise RuntimeError("Cannot access accelerator device when none is available.")


current_device_index = current_device_idx = synchronize = set_device_index = _none_available
set_device_idx = _none_available

__getattr__ = module_getattr(__name__, "torch.accelerator")
