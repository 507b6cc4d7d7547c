"""Random numbers, the same as PyTorch's on the CPU: ``Generator``, ``manual_seed``, the
default generator, and the samplers that rand, randn, randint, randperm, normal_,
uniform_, bernoulli, multinomial, layer initialisation, dropout and shuffling draw from.

A Generator is PyTorch's CPU generator: ``std::mt19937`` seeded with the low 32 bits of
the seed (``random()`` is one 32-bit word, ``random64()`` two), the cached second
Box-Muller sample, and ``get_state``/``set_state`` in PyTorch's byte layout, so a state
saved by one library loads in the other. Each sampler spends the generator's words as
PyTorch's CPU kernel for it does and transforms them with the same arithmetic
(kernels/rng.py), so the same seed gives the same numbers, bit for bit, on x86-64 with
AVX2 (see docs/random.md for what is and is not matched).

This module works on NumPy arrays; the tensor layer wraps what it returns. A sampler
that fills an existing array takes it as ``like`` and returns the values in ``like``'s
shape, drawn in the order of ``like``'s memory (the order PyTorch's TensorIterator
visits a strided tensor in).
"""

import contextlib
import functools
import os
import threading

import numpy as np

from .capture import escape
from .device import device as _device
from .kernels import rng as kernels

_DEFAULT_SEED = 67280421310721  # PyTorch's default_generator.initial_seed() at start-up
_SMALL_PERM = (2**32 - 1) // 20  # randperm draws one 32-bit word per swap below this n

# PyTorch's CPUGeneratorImplState, as get_state() writes it (x86-64 alignment).
_STATE = np.dtype(
    {
        "names": ["seed", "left", "seeded", "next", "state", "normal_y", "normal_valid"]
        + ["float_normal", "float_normal_valid"],
        "formats": ["<u8", "<i4", "<i4", "<u8", ("<u8", 624), "<f8", "<i4", "<f4", "u1"],
        "offsets": [0, 8, 12, 16, 24, 5024, 5040, 5048, 5052],
        "itemsize": 5056,
    }
)

_wrap = np.asarray  # the tensor layer registers its wrapper (get_state returns a tensor)


def register_tensor_type(cls):
    """Called by tensor.py: ``get_state`` returns ``cls.wrap(bytes)``."""
    global _wrap
    _wrap = cls.wrap


def _seeded_key(seed):
    """std::mt19937's state after seeding with the low 32 bits of ``seed`` (init_genrand)."""
    key = np.empty(kernels.N, np.uint32)
    s = key[0] = seed & 0xFFFFFFFF
    for j in range(1, kernels.N):
        s = key[j] = (1812433253 * (s ^ (s >> 30)) + j) & 0xFFFFFFFF
    return key


class Generator:
    """A seeded source of random numbers: PyTorch's CPU generator, stream and state."""

    def __init__(self, device="cpu"):
        """``Generator()`` or ``Generator("cpu")`` as PyTorch; ``Generator(seed)`` with an int
        is this package's shorthand for ``Generator().manual_seed(seed)``."""
        seed = _DEFAULT_SEED
        if isinstance(device, (int, np.integer)) and not isinstance(device, bool):
            seed, device = int(device), "cpu"
        self.device = _device(device)  # refuses anything but the CPU
        self._lock = threading.Lock()
        self.manual_seed(seed)

    def manual_seed(self, seed):
        """Restart the stream from ``seed`` (an int; negative seeds wrap as in PyTorch);
        forgets the cached normal sample."""
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            seed = int(seed)  # a float or a string fails here as in PyTorch
        seed = int(seed)
        if not -0x8000_0000_0000_0000 <= seed <= 0xFFFF_FFFF_FFFF_FFFF:
            raise RuntimeError("Overflow when unpacking long long")
        self._seed = seed % (1 << 64)
        self._key = _seeded_key(self._seed)
        self._pos = np.array([1, 0], np.int64)  # PyTorch's left_, next_
        self._normal = np.zeros(2)  # [valid, value]: the cached double normal sample
        self._float_normal = None  # PyTorch keeps one for float too (its kernels never set it)
        return self

    def seed(self):
        """Seed from the operating system's entropy; return the seed chosen."""
        seed = int.from_bytes(os.urandom(8), "little")
        self.manual_seed(seed)
        return seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        """The state as a uint8 tensor of 5056 bytes, PyTorch's CPUGeneratorImplState:
        ``torch.set_rng_state`` in PyTorch accepts it, and ``set_state`` accepts PyTorch's."""
        state = np.zeros((), _STATE)
        state["seed"], state["left"], state["seeded"] = self._seed, self._pos[0], 1
        state["next"], state["state"] = self._pos[1], self._key
        state["normal_valid"], state["normal_y"] = int(self._normal[0]), self._normal[1]
        if self._float_normal is not None:
            state["float_normal_valid"], state["float_normal"] = 1, self._float_normal
        return _wrap(np.frombuffer(state.tobytes(), np.uint8).copy())

    def set_state(self, new_state):
        """Restore a state that ``get_state`` (here or in PyTorch) returned."""
        array = getattr(new_state, "array", new_state)
        if not isinstance(array, np.ndarray) or array.dtype != np.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        if array.size != _STATE.itemsize:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {_STATE.itemsize} but found the "
                f"input RNG state size to be {array.size}"
            )
        state = np.frombuffer(np.ascontiguousarray(array).tobytes(), _STATE)[0]
        left, nxt = int(state["left"]), int(state["next"])
        if not (state["seeded"] and 0 < left <= kernels.N and nxt + left - 1 <= kernels.N):
            raise RuntimeError("Invalid mt19937 state")
        self._seed = int(state["seed"])
        self._key = state["state"].astype(np.uint32)
        self._pos = np.array([left, nxt], np.int64)
        self._normal = np.array([float(state["normal_valid"] != 0), state["normal_y"]])
        valid = state["float_normal_valid"] != 0
        self._float_normal = float(state["float_normal"]) if valid else None
        return self

    def clone_state(self):
        """A copy of this generator (same stream position and cache)."""
        return Generator().set_state(self.get_state())

    def __getstate__(self):  # copy and pickle: the stream, not the lock
        return {"device": self.device, "state": np.asarray(self.get_state().numpy())}

    def __setstate__(self, saved):
        self.device, self._lock = saved["device"], threading.Lock()
        self.set_state(saved["state"])

    def __repr__(self):
        return f"<tinygrad_scores.Generator object, initial_seed={self._seed}>"

    # ------------------------------------------------------------------ words
    def _words(self, n):
        """The next ``n`` 32-bit words of the stream (PyTorch's random(), n times)."""
        out = np.empty(n, np.uint32)
        kernels.mt_words(self._key, self._pos, out)
        return out

    def _random64(self, n):
        """n draws of random64() = (first word << 32) | second word."""
        words = self._words(2 * n).astype(np.uint64)
        return (words[0::2] << np.uint64(32)) | words[1::2]


default_generator = Generator()


def manual_seed(seed):
    """Seed the global generator: randn, rand, randint, layer initialisation, dropout and
    DataLoader shuffling then repeat exactly (and match PyTorch's for the same seed)."""
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


@contextlib.contextmanager
def fork_rng(
    devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cuda"
):
    """Run the block with the global generator's state saved and restored after it."""
    if not enabled:
        yield
        return
    saved = default_generator.get_state()
    try:
        yield
    finally:
        default_generator.set_state(saved)


class _VmapState(threading.local):
    randomness = None  # inside torch.func.vmap: its randomness mode


vmap_state = _VmapState()


def generator_or_default(generator):
    """``generator``, or the global one for None (and tell a capture that it drew)."""
    escape("random numbers")
    if vmap_state.randomness == "error":
        raise RuntimeError(
            "vmap: called random operation while in randomness error mode. Please either "
            "use the 'same' or 'different' randomness flags on vmap or perform the "
            "randomness operation out of vmap"
        )
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(
            f"generator must be a tinygrad_scores.Generator, not {type(generator).__name__}"
        )
    return generator


# ---------------------------------------------------------------------------- samplers
def blank(shape, dtype):
    """A read-only stand-in for ``np.empty(shape, dtype)`` that owns one element: all a
    sampler reads of ``like`` is its shape, dtype and layout. A creation function passes
    it instead of an empty array that would only be thrown away (a second large buffer
    freed each call makes the C library hand its memory back, and the next draw pays
    page faults for it). Kept per shape and dtype: a loop drawing one batch shape (a
    ``randint`` per step) builds it once."""
    return _blank(tuple(shape), np.dtype(dtype))


@functools.lru_cache(maxsize=64)
def _blank(shape, dtype):
    strides, step = [], dtype.itemsize
    for n in reversed(shape):
        strides.append(step)
        step *= n
    return np.lib.stride_tricks.as_strided(
        np.empty(1, dtype), shape, tuple(reversed(strides)), subok=False, writeable=False
    )


def _placed(flat, like):
    """``flat`` (the values in draw order) laid out in ``like``'s shape so that writing
    them into ``like`` fills its memory in order: TensorIterator's order, fastest-moving
    stride last."""
    if like.flags.c_contiguous:
        return flat.reshape(like.shape)
    order = sorted(range(like.ndim), key=lambda i: -abs(like.strides[i]))
    out = np.empty(like.shape, flat.dtype)
    out.transpose(order)[...] = flat.reshape([like.shape[i] for i in order])
    return out


def _uniform_flat(gen, n, dtype, low, high):
    """n uniforms in [low, high) as uniform_real_distribution<dtype> draws them: the
    words are written into the output's own bytes (one per float32, two per float64) and
    turned into floats in place."""
    if dtype == np.float64:
        out = np.empty(n)
        kernels.mt_words(gen._key, gen._pos, out.view(np.uint32))
        kernels.uniform_float64(out, float(low), float(high) - float(low))
        return out
    out = np.empty(n, np.float32)
    kernels.mt_words(gen._key, gen._pos, out.view(np.uint32))
    low32, high32 = np.float32(low), np.float32(high)
    kernels.uniform_float32(out, low32, high32 - low32)
    return out.astype(dtype, copy=False)


def uniform(like, low=0.0, high=1.0, generator=None):
    """``like.uniform_(low, high)``'s values (float32: 24 random bits; float64: 53)."""
    gen = generator_or_default(generator)
    dtype = like.dtype if like.dtype == np.float64 else np.float32
    with gen._lock:
        flat = _uniform_flat(gen, like.size, dtype, low, high)
    return _placed(flat.astype(like.dtype, copy=False), like)


def normal(like, mean=0.0, std=1.0, generator=None):
    """``like.normal_(mean, std)``'s values: 16 or more contiguous elements go through
    normal_fill (blocks of 16, the last 16 redrawn when n % 16 != 0); fewer, or a strided
    ``like``, one normal_distribution<double> sample at a time."""
    gen = generator_or_default(generator)
    n = like.size
    with gen._lock:
        if n >= 16 and like.flags.c_contiguous and like.dtype in (np.float32, np.float64):
            dtype = like.dtype.type
            data = _normal_fill(gen, np.empty(n, dtype), dtype(mean), dtype(std))
            if n % 16:
                data[-16:] = _normal_fill(gen, np.empty(16, dtype), dtype(mean), dtype(std))
            return data.reshape(like.shape)
        out = _normal_serial(gen, n, mean, std)
    return _placed(out.astype(like.dtype), like)


def _normal_fill(gen, data, mean, std):
    """Random words into data's bytes, then its whole blocks of 16 made normals in place
    (the float32 kernel makes the uniforms from the words itself)."""
    kernels.mt_words(gen._key, gen._pos, data.view(np.uint32))
    if data.dtype == np.float32:
        kernels.normal_blocks_float32(data, mean, std)
    else:
        kernels.uniform_float64(data, 0.0, 1.0)
        kernels.normal_blocks_float64(data, mean, std)
    return data


def _normal_serial(gen, n, mean, std):
    """n samples of normal_distribution<double>(mean, std), the cache used first."""
    fresh = -(-(n - int(gen._normal[0])) // 2)  # pairs drawn: 4 words each
    out = np.empty(n)
    kernels.normal_serial(gen._words(4 * max(fresh, 0)), gen._normal, float(mean), float(std), out)
    return out


def random_from_to(like, low, high, generator=None):
    """``like.random_(low, high)``'s values: random() % (high - low) + low, or random64()
    when the range is 2**32 or more."""
    gen = generator_or_default(generator)
    span = high - low
    with gen._lock:
        words = gen._words(like.size) if span < 2**32 else gen._random64(like.size)
    if span < 2**32:  # 32-bit words: int64 holds the arithmetic, in place
        values = words.astype(np.int64)
        np.remainder(values, span, out=values)
    else:
        values = (words % np.uint64(span)).astype(np.int64)
    if low:
        values += low
    return _placed(values.astype(like.dtype, copy=False), like)


# random_() without bounds: the modulus of uniform_int<T>, and whether it takes random64()
_FULL = {
    np.dtype(np.int64): (2**63, True),
    np.dtype(np.float64): (2**53 + 1, True),
    np.dtype(np.float32): (2**24 + 1, False),
    np.dtype(np.float16): (2**11 + 1, False),
}


def random_full(like, generator=None):
    """``like.random_()``'s values: [0, 2**mantissa] for floats, [0, max] for integers,
    {0, 1} for bool."""
    gen = generator_or_default(generator)
    dtype = like.dtype
    if dtype == np.bool_:
        modulus, wide = 2, False
    elif dtype in _FULL:
        modulus, wide = _FULL[dtype]
    else:
        modulus, wide = int(np.iinfo(dtype).max) + 1, False
    with gen._lock:
        words = gen._random64(like.size) if wide else gen._words(like.size).astype(np.uint64)
    return _placed((words % np.uint64(modulus)).astype(dtype), like)


def random_full64(like, generator=None):
    """``like.random_(-2**63)`` for int64: random64() as a signed 64-bit integer."""
    gen = generator_or_default(generator)
    with gen._lock:
        words = gen._random64(like.size)
    return _placed(words.view(np.int64), like)


def randperm(n, generator=None):
    """PyTorch's randperm: a Fisher-Yates shuffle of 0..n-1 drawing random() % (n - i)."""
    gen = generator_or_default(generator)
    out = np.arange(n, dtype=np.int64)
    with gen._lock:
        if n < _SMALL_PERM:
            kernels.randperm_shuffle(gen._words(max(n - 1, 0)), out)
            return out
        picks = gen._random64(n)  # the inside-out shuffle PyTorch uses for huge n
    for i in range(n):
        z = int(picks[i] % np.uint64(i + 1))
        out[i], out[z] = out[z], i
    return out


def bernoulli_scalar(like, p, generator=None):
    """``like.bernoulli_(p)`` for a number p: one 53-bit uniform per element, u < p."""
    gen = generator_or_default(generator)
    with gen._lock:
        u = _uniform_flat(gen, like.size, np.float64, 0.0, 1.0)
    return _placed((u < p).astype(like.dtype), like)


def dropout_mask(like, p, generator=None):
    """PyTorch's dropout mask shaped (and laid out) as ``like``: ``empty_like(like).
    bernoulli_(1 - p)`` divided by 1 - p in like's dtype, zeros for p = 1. F.dropout,
    dropout2d and attention's dropout all draw it here."""
    dtype = like.dtype.type
    if p >= 1.0:
        return np.zeros(like.shape, dtype)
    return bernoulli_scalar(like, 1.0 - p, generator) * (dtype(1) / dtype(1.0 - p))


def rrelu_noise(like, lower, upper, generator=None):
    """F.rrelu's slopes in training, shaped as ``like`` (float32 or float64): 1 where
    like > 0 (or NaN), else one uniform_real_distribution<double> draw per element, in C
    order, as PyTorch's _rrelu_with_noise_train: its bounds first rounded to like's dtype,
    the value u * (upper - lower) + lower rounded twice (no fma there, unlike uniform_),
    then to like's dtype."""
    dtype = like.dtype.type
    low, high = float(dtype(lower)), float(dtype(upper))
    negative = like <= 0
    gen = generator_or_default(generator)
    with gen._lock:
        words = gen._random64(np.count_nonzero(negative))
    u = (words & np.uint64(2**53 - 1)).astype(np.float64) * 2.0**-53
    noise = np.ones(like.shape, dtype)
    noise[negative] = u * (high - low) + low
    return noise


def bernoulli_tensor(probs, dtype, generator=None):
    """``bernoulli(probs)``: per element, a uniform of probs' precision (24 random bits
    for float32 probabilities, 53 for float64) below the probability."""
    gen = generator_or_default(generator)
    kind = np.float64 if probs.dtype == np.float64 else np.float32
    p = probs.astype(kind, copy=False)
    with gen._lock:
        u = _uniform_flat(gen, p.size, kind, 0.0, 1.0)
    return (u.reshape(p.shape) < p).astype(dtype)  # the output is contiguous: C order


def _two_words_each(like, generator, kernel, *params):
    """``like``'s values from a kernel that turns two words per element (one 53-bit
    uniform) into a float64 sample, cast to like's dtype."""
    gen = generator_or_default(generator)
    out = np.empty(like.size)
    with gen._lock:
        kernel(gen._words(2 * like.size), *params, out)
    return _placed(out.astype(like.dtype), like)


def exponential(like, lambd=1.0, generator=None):
    """``like.exponential_(lambd)``'s values: -1 / lambd * log1p(-u), u a 53-bit uniform."""
    return _two_words_each(like, generator, kernels.exponential_float64, float(lambd))


def cauchy(like, median=0.0, sigma=1.0, generator=None):
    """``like.cauchy_(median, sigma)``'s values: median + sigma tan(pi (u - 1/2))."""
    return _two_words_each(like, generator, kernels.cauchy_float64, float(median), float(sigma))


def geometric(like, p, generator=None):
    """``like.geometric_(p)``'s values: ceil(log(u) / log1p(-p)), trials to a success."""
    return _two_words_each(like, generator, kernels.geometric_float64, float(p))


def log_normal(like, mean=1.0, std=2.0, generator=None):
    """``like.log_normal_(mean, std)``'s values: exp of normal_distribution<double>
    samples, one at a time (so the cached normal is used and left as PyTorch's)."""
    gen = generator_or_default(generator)
    with gen._lock:
        values = _normal_serial(gen, like.size, mean, std)
    kernels.exp_float64(values)
    return _placed(values.astype(like.dtype), like)


def multinomial(weights, num_samples, replacement, generator=None):
    """Category indices, ``num_samples`` per row of the 2-D float ``weights``.

    Without replacement (or for one sample): q ~ Exp(1) per weight, and the categories
    with the largest w / q (the exponential form of the Gumbel trick). With replacement:
    per row the cumulative sum in the weights' dtype, divided by the total, its last entry
    set to 1, and per sample one 53-bit uniform looked up in it (the first entry >= u)."""
    gen = generator_or_default(generator)
    if not replacement or num_samples == 1:
        keys = weights / exponential(np.empty(weights.shape, weights.dtype), 1.0, gen)
        if num_samples == 1:
            return np.argmax(keys, axis=1)[:, None]
        return np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    rows = weights.shape[0]
    with gen._lock:
        u = _uniform_flat(gen, rows * num_samples, np.float64, 0.0, 1.0).reshape(rows, -1)
    out = np.empty((rows, num_samples), np.int64)
    for r in range(rows):
        cumulative = np.cumsum(weights[r])
        cumulative /= cumulative[-1]
        cumulative[-1] = 1
        out[r] = np.searchsorted(cumulative.astype(np.float64), u[r], side="left")
    return out
