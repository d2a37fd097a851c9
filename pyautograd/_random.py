"""Random numbers: manual_seed and the global Generator (NumPy's PCG64).

Sequences are reproducible under ``manual_seed`` but are not PyTorch's
(PyTorch uses a Mersenne Twister with its own transforms).
"""
import numpy as np


class Generator:
    """A random number generator (``pyautograd.Generator().manual_seed(0)``)."""

    def __init__(self, device="cpu"):
        self._seed = 67280421310721  # PyTorch's default seed
        self._rng = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed):
        """Re-seeds this generator and returns it."""
        seed = int(seed)
        self._seed = seed
        self._rng = np.random.Generator(np.random.PCG64(seed & ((1 << 128) - 1)))
        return self

    def initial_seed(self):
        """The seed this generator was last seeded with."""
        return self._seed

    def seed(self):
        """Seeds from the operating system's entropy and returns the seed."""
        seed = int(np.random.SeedSequence().entropy) & ((1 << 63) - 1)
        self.manual_seed(seed)
        return seed

    def get_state(self):
        """The generator's state (a dict; pass it to set_state)."""
        return self._rng.bit_generator.state

    def set_state(self, state):
        """Restores a state returned by get_state."""
        self._rng.bit_generator.state = state

    @property
    def numpy(self):
        """The underlying numpy.random.Generator."""
        return self._rng


default_generator = Generator()


def manual_seed(seed):
    """Seeds the global generator; returns it."""
    return default_generator.manual_seed(seed)


def seed():
    """Seeds the global generator from OS entropy; returns the seed."""
    return default_generator.seed()


def initial_seed():
    """The global generator's seed."""
    return default_generator.initial_seed()


def get_rng_state():
    """The global generator's state."""
    return default_generator.get_state()


def set_rng_state(state):
    """Restores the global generator's state."""
    default_generator.set_state(state)


def rng(generator=None):
    """The NumPy generator to draw from: `generator`'s, or the global one."""
    return (generator or default_generator)._rng
