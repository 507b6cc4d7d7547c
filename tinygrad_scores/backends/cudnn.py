"""``torch.backends.cudnn``: flags a program may set (``benchmark``, ``deterministic``,
``enabled``, ``allow_tf32``). They are kept and read back but affect nothing: there is no
cuDNN here, and the CPU kernels are deterministic already."""

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    return False


def version():
    return None
