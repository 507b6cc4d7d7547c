"""Random number generators: ``Generator``, ``manual_seed`` and the default generator
that randn, rand, randint, layer initialisation, dropout and shuffling draw from."""
import numpy as np

class Generator:
    """A seeded source of random numbers (NumPy's PCG64 underneath)."""

    def __init__(self, seed=None):
        self._rng = np.random.default_rng(seed)
        self._seed = seed

    def manual_seed(self, seed):
        self._rng = np.random.default_rng(seed)
        self._seed = seed
        return self

    def initial_seed(self):
        return self._seed


default_generator = Generator()


def manual_seed(seed):
    """Seed the global generator: randn, rand, randint, layer initialisation and
    DataLoader shuffling then repeat exactly."""
    return default_generator.manual_seed(int(seed))


def _rng(generator):
    return (generator or default_generator)._rng
