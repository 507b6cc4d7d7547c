"""Devices, CPU only: ``device("cpu")`` exists so PyTorch programs run unchanged; asking
for any other device says plainly that this build runs on the CPU."""


class device:  # noqa: N801  (PyTorch's name)
    """``device("cpu")``, ``device("cpu", 0)`` or ``device(other_device)``."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index
        kind, _, number = str(type).partition(":")
        if kind != "cpu":
            raise RuntimeError(
                f"tinygrad_scores runs on the CPU only: device '{type}' is not "
                f"available (use 'cpu')"
            )
        self.type = "cpu"
        self.index = int(number) if number else index

    def __repr__(self):
        return (
            "device(type='cpu')"
            if self.index is None
            else f"device(type='cpu', index={self.index})"
        )

    def __str__(self):
        return "cpu" if self.index is None else f"cpu:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other) if other.startswith("cpu") else None
        return isinstance(other, device) and other.type == self.type

    def __hash__(self):
        return hash(self.type)


cpu = device("cpu")


def check(spec):
    """Accept None, 'cpu', device('cpu'); refuse anything else with a clear error."""
    if spec is not None:
        device(spec)


_default = cpu


def set_default_device(device_spec):
    """``torch.set_default_device``: 'cpu' (or None, the default) is accepted; any other
    device raises at once, since this build runs on the CPU only."""
    global _default
    _default = cpu if device_spec is None else device(device_spec)


def get_default_device():
    return _default
