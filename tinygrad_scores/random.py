"""Random number generators: ``Generator``, ``manual_seed`` and the default generator
that randn, rand, randint, layer initialisation, dropout and shuffling draw from.

A Generator wraps NumPy's PCG64, so the numbers differ from PyTorch's (Mersenne Twister)
for the same seed; what carries over is PyTorch's contract: the same seed gives the same
numbers, ``get_state``/``set_state`` rewind a generator, and ``generator=`` on a random
function draws from that generator instead of the global one.
"""

import json

import numpy as np

from .capture import escape

_DEFAULT_SEED = 67280421310721  # PyTorch's default_generator.initial_seed() at start-up


class Generator:
    """A seeded source of random numbers (NumPy's PCG64 underneath)."""

    def __init__(self, device="cpu"):
        """``Generator()`` or ``Generator("cpu")`` as PyTorch; ``Generator(seed)`` with an int
        is this package's shorthand for ``Generator().manual_seed(seed)``."""
        from .device import check  # noqa: PLC0415  (device.py imports nothing of ours)

        seed = _DEFAULT_SEED
        if isinstance(device, (int, np.integer)) and not isinstance(device, bool):
            seed, device = int(device), "cpu"
        check(device)
        self.device = device
        self.manual_seed(seed)

    def manual_seed(self, seed):
        """Restart the stream from ``seed`` (an int; negative seeds wrap as in PyTorch)."""
        seed = int(seed)
        if not -0x8000_0000_0000_0000 <= seed <= 0xFFFF_FFFF_FFFF_FFFF:
            raise RuntimeError("Overflow when unpacking long long")
        self._seed = seed % (1 << 64)
        self._rng = np.random.default_rng(self._seed)
        return self

    def seed(self):
        """Seed from the operating system's entropy; return the seed chosen."""
        seed = int(np.random.SeedSequence().entropy % (1 << 63))
        self.manual_seed(seed)
        return seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """The generator's state as a uint8 tensor (hand it to ``set_state`` to rewind)."""
        from .tensor import Tensor  # noqa: PLC0415  (tensor.py imports this module)

        blob = json.dumps({"seed": self._seed, "state": self._rng.bit_generator.state}).encode()
        return Tensor.wrap(np.frombuffer(blob, np.uint8).copy())

    def set_state(self, new_state):
        array = getattr(new_state, "array", new_state)
        if not isinstance(array, np.ndarray) or array.dtype != np.uint8 or array.ndim != 1:
            raise TypeError("expected a torch.ByteTensor, as get_state() returns")
        try:  # JSON, never pickle: a state handed in from outside cannot run code
            saved = json.loads(array.tobytes().decode())
            seed, state = saved["seed"], saved["state"]
            if state.get("bit_generator") != "PCG64" or not (seed is None or isinstance(seed, int)):
                raise ValueError
            rng = np.random.default_rng()
            rng.bit_generator.state = state
        except Exception:  # noqa: BLE001  (any corruption of the blob means the same)
            raise RuntimeError("Invalid RNG state: not a state from get_state()") from None
        self._seed, self._rng = seed, rng
        return self

    def __repr__(self):
        return f"<tinygrad_scores.Generator object, initial_seed={self._seed}>"


default_generator = Generator()


def manual_seed(seed):
    """Seed the global generator: randn, rand, randint, layer initialisation and
    DataLoader shuffling then repeat exactly."""
    return default_generator.manual_seed(seed)


def seed():
    """Seed the global generator from the operating system; return the seed."""
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


def _rng(generator):
    escape("random numbers")
    if generator is not None and not isinstance(generator, Generator):
        raise TypeError(
            f"generator must be a tinygrad_scores.Generator, not {type(generator).__name__}"
        )
    return (generator or default_generator)._rng
