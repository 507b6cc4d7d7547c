"""``torch.cuda`` on a CPU-only build: the queries PyTorch programs make to decide where
to run answer "no GPU" (``is_available()`` is False, ``device_count()`` is 0), seeding is
a no-op as in PyTorch without CUDA, and anything that would need a GPU says so."""

from ._missing import module_getattr

_NO_GPU = "tinygrad_scores runs on the CPU only: there is no CUDA device"


def is_available():
    return False


def device_count():
    return 0


def is_initialized():
    return False


def is_bf16_supported(including_emulation=True):
    return False


def manual_seed(seed):
    """Ignored, as PyTorch ignores it when CUDA is unavailable."""


manual_seed_all = manual_seed


def seed():
    pass


seed_all = seed


def empty_cache():
    pass


def _refuse(*args, **kwargs):
    raise RuntimeError(_NO_GPU)


current_device = get_device_name = get_device_properties = synchronize = set_device = _refuse
memory_allocated = max_memory_allocated = memory_reserved = _refuse


class device:  # noqa: N801  (PyTorch's name: a context manager choosing a GPU)
    def __init__(self, device):
        raise RuntimeError(_NO_GPU)


__getattr__ = module_getattr(__name__, "torch.cuda")
