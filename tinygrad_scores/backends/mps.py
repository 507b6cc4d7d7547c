"""``torch.backends.mps``: Apple's GPU back-end, absent from this CPU-only build."""


def is_available():
    return False


def is_built():
    return False
