"""Random numbers are PyTorch's, bit for bit: the same seed gives the same draws, weights,
dropout masks, batches and splits as PyTorch 2.x on x86-64 (AVX2), and the generator
has PyTorch's state API.

The expected draws come from PyTorch itself (tools/make_rng_golden.py ran the grid of
tests/rng_cases.py under torch and stored the answers in tests/golden/rng.npz); the
tests compare bytes, dtype and shape.
"""

import ast
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_scores as torch
import tinygrad_scores.nn.functional as F
from tinygrad_scores import random as trandom

sys.path.insert(0, os.path.dirname(__file__))
import rng_cases  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = np.load(os.path.join(HERE, "golden", "rng.npz"))
CASES = rng_cases.all_cases()
# QR is LAPACK's (NumPy's OpenBLAS here, MKL in PyTorch): the drawn normal matrix is the
# same, the factorisation may differ in the last bit
NOT_BITWISE = {"init/orthogonal_"}


def _expected(name, seed):
    count = sum(1 for key in GOLDEN.files if key.startswith(f"{name}|{seed}|"))
    return [GOLDEN[f"{name}|{seed}|{i}"] for i in range(count)]


def test_the_golden_file_covers_every_case():
    names = {key.split("|")[0] for key in GOLDEN.files if not key.startswith("meta")}
    assert names == set(CASES)
    assert len(CASES) > 130


@pytest.mark.parametrize("name", sorted(set(CASES) - NOT_BITWISE))
def test_draws_are_pytorchs_bit_for_bit(name):
    for seed in rng_cases.SEEDS:
        got = rng_cases.run(torch, name, CASES[name], seed)
        expected = _expected(name, seed)
        assert len(got) == len(expected)
        for i, (a, b) in enumerate(zip(got, expected)):
            assert (a.dtype, a.shape) == (b.dtype, b.shape), (name, seed, i)
            assert a.tobytes() == b.tobytes(), (name, seed, i, a.ravel()[:8], b.ravel()[:8])


def test_orthogonal_draws_pytorchs_matrix_and_moves_the_stream_as_it_does():
    for seed in rng_cases.SEEDS:
        got = rng_cases.run(torch, "init/orthogonal_", CASES["init/orthogonal_"], seed)
        weight, probe = _expected("init/orthogonal_", seed)
        np.testing.assert_array_max_ulp(got[0], weight, maxulp=64)
        assert got[1].tobytes() == probe.tobytes()


def test_seeded_training_prints_pytorchs_losses():
    """The seed network trained 20 steps on shuffled data with dropout: the same data,
    weights, batches and masks as in PyTorch, so the losses agree to float32 rounding
    (within 8 ulps: the matrix products sum in another order than MKL's)."""
    program = os.path.join(HERE, "programs_rng", "seeded_training.py")
    env = dict(os.environ, TINYGRAD_SCORES_QUIET="1")
    out = subprocess.run(
        [sys.executable, program], capture_output=True, text=True, timeout=300, env=env
    )
    assert out.returncode == 0, out.stderr
    with open(os.path.join(HERE, "golden", "seeded_training.txt")) as f:
        expected = f.read().split()
    got = out.stdout.split()
    assert got[0::2] == expected[0::2] == [str(i) for i in range(20)]
    ours = np.array(got[1::2], np.float32)
    theirs = np.array(expected[1::2], np.float32)
    np.testing.assert_array_max_ulp(ours, theirs, maxulp=8)


# ---------------------------------------------------------------------------- the state API
def test_state_is_pytorchs_5056_byte_layout():
    torch.manual_seed(3)
    state = torch.get_rng_state()
    assert state.dtype == torch.uint8 and tuple(state.shape) == (5056,)
    raw = state.numpy()
    assert int.from_bytes(raw[:8].tobytes(), "little") == 3  # the initial seed
    assert int.from_bytes(raw[8:12].tobytes(), "little") == 1  # left: a fresh twist due
    assert int.from_bytes(raw[24:32].tobytes(), "little") == 3  # state[0] = seed


def test_set_state_rewinds_the_stream_and_the_cached_normal():
    torch.manual_seed(0)
    torch.randn(1, dtype=torch.float64)  # caches the second Box-Muller sample
    saved = torch.get_rng_state()
    first = torch.randn(5, dtype=torch.float64).numpy().copy()
    torch.set_rng_state(saved)
    assert torch.randn(5, dtype=torch.float64).numpy().tobytes() == first.tobytes()


def test_manual_seed_forgets_the_cached_normal():
    torch.manual_seed(0)
    torch.randn(1, dtype=torch.float64)
    torch.manual_seed(0)
    again = torch.randn(2, dtype=torch.float64).numpy()
    torch.manual_seed(0)
    assert np.array_equal(torch.randn(2, dtype=torch.float64).numpy(), again)


def test_set_state_refuses_what_get_state_cannot_have_made():
    with pytest.raises(TypeError, match="ByteTensor"):
        torch.set_rng_state(torch.zeros(5056, dtype=torch.int64))
    with pytest.raises(RuntimeError, match="size 5056"):
        torch.set_rng_state(torch.zeros(10, dtype=torch.uint8))
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        torch.set_rng_state(torch.zeros(5056, dtype=torch.uint8))  # never seeded


def test_fork_rng_restores_the_global_stream():
    torch.manual_seed(1)
    expected = torch.rand(3).numpy().copy()
    torch.manual_seed(1)
    with torch.random.fork_rng():
        torch.rand(100)
    assert np.array_equal(torch.rand(3).numpy(), expected)
    with torch.random.fork_rng(enabled=False):
        torch.rand(1)
    assert not np.array_equal(torch.rand(3).numpy(), expected)


def test_generators_seed_and_report_their_seeds():
    g = torch.Generator()
    assert g.initial_seed() == 67280421310721 and g.device == torch.device("cpu")
    with pytest.raises(RuntimeError):
        torch.Generator("cuda")
    assert g.manual_seed(-1) is g and g.initial_seed() == 2**64 - 1
    chosen = g.seed()
    assert isinstance(chosen, int) and g.initial_seed() == chosen
    torch.manual_seed(2**32 + 9)
    assert torch.initial_seed() == 2**32 + 9
    with pytest.raises(RuntimeError, match="Overflow"):
        g.manual_seed(2**64)


def test_a_copied_generator_continues_the_same_stream():
    import copy
    import pickle

    g = torch.Generator().manual_seed(4)
    torch.randn(3, generator=g, dtype=torch.float64)  # a cached normal travels too
    twins = [copy.deepcopy(g), pickle.loads(pickle.dumps(g))]
    expected = torch.randn(5, generator=g, dtype=torch.float64).numpy()
    for twin in twins:
        assert twin.initial_seed() == 4
        assert np.array_equal(torch.randn(5, generator=twin, dtype=torch.float64).numpy(), expected)


def test_a_generator_is_its_own_stream():
    g = torch.Generator().manual_seed(5)
    torch.manual_seed(5)
    a = torch.rand(4, generator=g).numpy()
    b = torch.rand(4).numpy()
    assert np.array_equal(a, b)  # the same seed, two separate streams
    with pytest.raises(TypeError, match="Generator"):
        torch.rand(2, generator=np.random.default_rng())


@pytest.mark.parametrize(
    "draw",
    [
        lambda g: torch.randn(3, generator=g),
        lambda g: torch.rand(3, generator=g),
        lambda g: torch.randint(5, (3,), generator=g),
        lambda g: torch.randperm(4, generator=g),
        lambda g: torch.normal(0.0, 1.0, (3,), generator=g),
        lambda g: torch.normal(torch.zeros(3), 1.0, generator=g),
        lambda g: torch.bernoulli(torch.full((3,), 0.5), generator=g),
        lambda g: torch.multinomial(torch.ones(4), 2, generator=g),
        lambda g: torch.rand_like(torch.zeros(3), generator=g),
        lambda g: torch.randn_like(torch.zeros(3), generator=g),
        lambda g: torch.randint_like(torch.zeros(3), 4, generator=g),
        lambda g: torch.empty(3).uniform_(generator=g),
        lambda g: torch.empty(3).normal_(generator=g),
        lambda g: torch.empty(3).exponential_(generator=g),
        lambda g: torch.empty(3).random_(generator=g),
        lambda g: torch.empty(3).bernoulli_(0.5, generator=g),
        lambda g: torch.nn.init.uniform_(torch.empty(3), generator=g),
        lambda g: torch.nn.init.trunc_normal_(torch.empty(3), generator=g),
    ],
)
def test_generator_is_accepted_and_leaves_the_global_stream_alone(draw):
    torch.manual_seed(0)
    before = torch.get_rng_state().numpy().copy()
    draw(torch.Generator().manual_seed(1))
    assert np.array_equal(torch.get_rng_state().numpy(), before)


# ---------------------------------------------------------------------------- randint's overloads
def test_randint_takes_pytorchs_overloads():
    """randint(high, size) and randint(low, high, size), size positional or a keyword,
    low and high as keywords, with dtype= and generator= (values from PyTorch 2.13)."""
    torch.manual_seed(0)
    assert torch.randint(9, size=(1,)).tolist() == [8]
    torch.manual_seed(0)
    assert torch.randint(9, (1,)).tolist() == [8]
    torch.manual_seed(0)
    assert torch.randint(0, 9, size=(1,)).tolist() == [8]
    torch.manual_seed(0)
    assert torch.randint(low=0, high=9, size=(1,)).tolist() == [8]
    torch.manual_seed(0)
    assert torch.randint(high=9, size=(1,)).tolist() == [8]
    t = torch.randint(3, 10, (2, 2), dtype=torch.int32, generator=torch.Generator())
    assert t.dtype == torch.int32 and tuple(t.shape) == (2, 2)
    assert ((t.numpy() >= 3) & (t.numpy() < 10)).all()


def test_randint_refuses_bad_arguments():
    with pytest.raises(TypeError, match="size"):
        torch.randint(9)
    with pytest.raises(TypeError, match="size"):
        torch.randint(3, 5)
    with pytest.raises(RuntimeError, match="from=5 >= to=5"):
        torch.randint(5, 5, (2,))
    with pytest.raises(TypeError, match="must be int"):
        torch.randint(1.5, (2,))


def test_random_and_sampler_errors_name_the_problem():
    with pytest.raises(RuntimeError, match="from=2 > to=1"):
        torch.empty(3).uniform_(2, 1)
    with pytest.raises(RuntimeError, match="std >= 0.0"):
        torch.empty(3).normal_(0, -1)
    with pytest.raises(RuntimeError, match="not implemented for 'Long'"):
        torch.zeros(3, dtype=torch.int64).normal_()
    with pytest.raises(RuntimeError, match="lambda > 0.0"):
        torch.empty(3).exponential_(0)
    with pytest.raises(RuntimeError, match="p to be in"):
        torch.empty(3).bernoulli_(1.5)
    with pytest.raises(RuntimeError, match="sigma > 0.0"):
        torch.empty(3).cauchy_(0, 0)
    with pytest.raises(RuntimeError, match=r"p to be in \(0, 1\)"):
        torch.empty(3).geometric_(1.5)
    with pytest.raises(RuntimeError, match="floating-point"):
        torch.zeros(3, dtype=torch.int64).log_normal_()
    with pytest.raises(RuntimeError, match="negative dimension"):
        torch.randperm(-1)


def test_dropout_draws_nothing_when_it_keeps_or_drops_everything():
    x = torch.ones(4, 4)
    torch.manual_seed(0)
    before = torch.get_rng_state().numpy().copy()
    F.dropout(x, 0.0)
    F.dropout(x, 1.0)
    F.dropout(x, 0.5, training=False)
    assert np.array_equal(torch.get_rng_state().numpy(), before)


def test_each_dataloader_iterator_draws_a_base_seed_as_pytorchs_does():
    """PyTorch's iterator draws torch.empty((), dtype=int64).random_() from the loader's
    generator when it is created, shuffled or not."""
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.arange(4)))
    torch.manual_seed(0)
    iter(loader)
    after_iter = torch.rand(2).numpy()
    torch.manual_seed(0)
    torch.empty((), dtype=torch.int64).random_()
    assert np.array_equal(torch.rand(2).numpy(), after_iter)


def test_random_module_works_on_arrays_below_the_tensor_layer():
    with open(trandom.__file__) as f:
        tree = ast.parse(f.read())
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level
    }
    assert imported <= {"capture", "device", "kernels"}, imported


# ---------------------------------------------------------------------------- kernels and twins
def test_rng_kernels_equal_their_numpy_twins():
    from tinygrad_scores.kernels import reference as ref
    from tinygrad_scores.kernels import rng

    g = torch.Generator().manual_seed(11)
    ref_words = ref.mt_words(g._key.copy(), g._pos.copy(), 5000)
    assert np.array_equal(g._words(5000), ref_words)  # across several twists
    n = 20_000
    buf = np.empty(n, np.float32)
    rng.mt_words(g._key, g._pos, buf.view(np.uint32))
    words = buf.view(np.uint32).copy()
    low, span = np.float32(-0.25), np.float32(1.75)
    rng.uniform_float32(buf, low, span)
    assert np.array_equal(buf, ref.uniform_float32(words, low, span))
    uniforms = ref.uniform_float32(words, np.float32(0), np.float32(1))
    normals = words.view(np.float32).copy()
    rng.normal_blocks_float32(normals, np.float32(0.5), np.float32(2.0))
    expected = ref.normal_blocks_float32(uniforms, np.float32(0.5), np.float32(2.0))
    assert np.array_equal(normals, expected)
    buf64 = np.empty(n // 2)
    rng.mt_words(g._key, g._pos, buf64.view(np.uint32))
    words = buf64.view(np.uint32).copy()
    rng.uniform_float64(buf64, 0.0, 1.0)
    assert np.array_equal(buf64, ref.uniform_float64(words, 0.0, 1.0))
    perm = np.arange(50)
    rng.randperm_shuffle(words[:49], perm)
    assert np.array_equal(perm, ref.randperm_shuffle(words[:49], 50))


@settings(deadline=None, max_examples=40)
@given(n=st.integers(16, 300), seed=st.integers(0, 2**64 - 1))
def test_randn_of_any_size_is_normal_fill_with_its_last_block_redrawn(n, seed):
    """randn(n), n >= 16: n uniforms, whole blocks of 16 transformed, and when n % 16 != 0
    16 fresh uniforms transformed into the last 16 places (the NumPy twins' pipeline)."""
    from tinygrad_scores.kernels import reference as ref

    g = torch.Generator().manual_seed(seed)
    words = ref.mt_words(g._key, g._pos, n + 16)
    one, zero = np.float32(1), np.float32(0)
    expected = ref.normal_blocks_float32(ref.uniform_float32(words[:n], zero, one), zero, one)
    if n % 16:
        tail = ref.uniform_float32(words[n:], zero, one)
        expected[-16:] = ref.normal_blocks_float32(tail, zero, one)
    assert torch.randn(n, generator=g).numpy().tobytes() == expected.tobytes()


@pytest.mark.parametrize("shape", [(), (0,), (3, 0, 2), (2, 3, 4), (1, 7, 1)])
def test_a_blank_has_empty_arrays_layout_and_is_shared_read_only(shape):
    # creation functions draw into blank(): kept per shape, so it must never be written
    for dtype in (np.float32, np.int64, np.bool_):
        b, e = trandom.blank(list(shape), dtype), np.empty(shape, dtype)
        assert (b.shape, b.dtype, b.flags.c_contiguous) == (e.shape, e.dtype, e.flags.c_contiguous)
        assert b.strides == np.empty(shape, dtype).strides or 0 in shape
        assert not b.flags.writeable
        assert trandom.blank(shape, dtype) is b
