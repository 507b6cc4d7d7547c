"""matmul_into against NumPy on the shapes its paths split on: empty and one-element sides,
edge tiles (not multiples of the 8 x 32 micro-tile), few rows or columns, transposed and
strided operands, accumulate=True, every kernel variant and thread split."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from tinygrad_scores.kernels import matmul as mm
from tinygrad_scores.kernels import vecmath

DTYPES = [np.float32, np.float64]
# sizes around the tile edges (8 rows, 32/16 columns, 4-row dot groups) and the K block
SIDES = st.one_of(
    st.integers(0, 3), st.sampled_from([4, 7, 8, 9, 15, 16, 17, 31, 32, 33]), st.integers(34, 100)
)


def _operand(rng, shape, dtype, layout):
    """An array of ``shape`` laid out as asked: C order, a transposed view, or a view with
    gaps between its elements."""
    if layout == "T":
        return np.ascontiguousarray(rng.standard_normal(shape[::-1]).astype(dtype).T)
    if layout == "strided":
        return rng.standard_normal((shape[0], 2 * shape[1])).astype(dtype)[:, ::2]
    if layout == "transposed_view":
        return rng.standard_normal(shape[::-1]).astype(dtype).T
    return rng.standard_normal(shape).astype(dtype)


def _expected(a, b):
    return a.astype(np.float64) @ b.astype(np.float64)


def _tol(dtype, k):
    return 1e-4 * max(1.0, np.sqrt(k)) if dtype == np.float32 else 1e-10


@pytest.mark.parametrize("dtype", DTYPES)
@given(
    m=SIDES,
    k=SIDES,
    n=SIDES,
    seed=st.integers(0, 2**16),
    a_layout=st.sampled_from(["C", "transposed_view", "strided"]),
    b_layout=st.sampled_from(["C", "transposed_view", "strided"]),
    accumulate=st.booleans(),
)
@settings(max_examples=60)
def test_matmul_into_matches_numpy(dtype, m, k, n, seed, a_layout, b_layout, accumulate):
    rng = np.random.default_rng(seed)
    a = _operand(rng, (m, k), dtype, a_layout)
    b = _operand(rng, (k, n), dtype, b_layout)
    start = rng.standard_normal((m, n)).astype(dtype)
    c = start.copy()
    a_before, b_before = a.copy(), b.copy()
    assert mm.matmul_into(a, b, c, accumulate) is c
    expected = _expected(a, b) + (start if accumulate else 0)
    tol = _tol(dtype, k)
    np.testing.assert_allclose(c, expected, rtol=tol, atol=tol)
    np.testing.assert_array_equal(a, a_before)  # operands are only read
    np.testing.assert_array_equal(b, b_before)


@pytest.mark.parametrize("variant", ["serial", "parallel"])
@given(
    m=SIDES,
    k=st.integers(1, 600),
    n=SIDES,
    seed=st.integers(0, 2**16),
    parts=st.integers(1, 3),
    by_cols=st.booleans(),
    a_t=st.booleans(),
    b_t=st.booleans(),
    accumulate=st.booleans(),
)
@settings(max_examples=40)
def test_blocked_kernel_every_split(variant, m, k, n, seed, parts, by_cols, a_t, b_t, accumulate):
    """The blocked kernel in any number of shares, by rows or columns: every element of C is
    written once, the K blocks add up (k up to 600 crosses the 256 block), and the shares
    give the one-thread kernel's bits (README: same numbers at any thread count)."""
    rng = np.random.default_rng(seed)
    a = _operand(rng, (m, k), np.float32, "transposed_view" if a_t else "C")
    b = _operand(rng, (k, n), np.float32, "transposed_view" if b_t else "C")
    c = np.full((m, n), 3.0, np.float32)
    serial = mm._KERNELS[np.dtype(np.float32), "serial"]
    if variant == "serial":  # one share, the whole of C: no parts, no split
        serial(a, b, c, accumulate, 0, m, 0, n)
    else:
        mm._KERNELS[np.dtype(np.float32), variant](a, b, c, accumulate, parts, by_cols)
        one = np.full((m, n), 3.0, np.float32)
        serial(a, b, one, accumulate, 0, m, 0, n)
        assert c.tobytes() == one.tobytes()
    expected = _expected(a, b) + (3.0 if accumulate else 0.0)
    tol = _tol(np.float32, k)
    np.testing.assert_allclose(c, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize(
    "dtype,variant", [(np.float32, "dot"), (np.float64, "dot"), (np.float32, "dot_parallel")]
)
@given(
    m=SIDES,
    k=st.integers(1, 300),
    n=st.integers(0, mm.DOT_MAX_N),
    seed=st.integers(0, 2**16),
    parts=st.integers(1, 3),
    accumulate=st.booleans(),
)
@settings(max_examples=30)
def test_dot_kernel(dtype, variant, m, k, n, seed, parts, accumulate):
    """Few columns: dot products of A's rows with W's rows (B = W.T), in 4-row groups."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((m, k)).astype(dtype)
    w = rng.standard_normal((n, k)).astype(dtype)
    c = np.ones((m, n), dtype)
    dot = mm._KERNELS[np.dtype(dtype), "dot"]
    if variant == "dot":
        dot(a, w, c, accumulate)
    else:
        mm._KERNELS[np.dtype(dtype), variant](a, w, c, accumulate, parts, True)
        one = np.ones((m, n), dtype)
        dot(a, w, one, accumulate)
        assert c.tobytes() == one.tobytes()  # the shares give the one-thread kernel's bits
    expected = _expected(a, w.T) + (1.0 if accumulate else 0.0)
    np.testing.assert_allclose(c, expected, rtol=_tol(dtype, k), atol=_tol(dtype, k))


@njit
def _row_dots(A, Bt, C, accumulate):
    """The few-column kernel's definition: each element one vecmath.row_dot."""
    for i in range(A.shape[0]):
        for j in range(Bt.shape[0]):
            s = vecmath.row_dot(A, Bt, i, j)
            C[i, j] = vecmath.strict_add(s, C[i, j]) if accumulate else s


@pytest.mark.parametrize("dtype", DTYPES)
@given(
    m=SIDES,
    k=st.one_of(st.integers(1, 100), st.sampled_from([128, 256, 300])),
    n=st.integers(0, mm.DOT_MAX_N),
    seed=st.integers(0, 2**16),
    accumulate=st.booleans(),
)
@settings(max_examples=30)
def test_dot_kernel_blocks_give_each_row_dots_bits(dtype, m, k, n, seed, accumulate):
    """The few-column kernel computes 2 x 2 blocks of C at once (odd rows and columns one
    by one): every element has the bits of its own row_dot, however C was cut."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((m, k)).astype(dtype)
    w = rng.standard_normal((n, k)).astype(dtype)
    start = rng.standard_normal((m, n)).astype(dtype)
    got, want = start.copy(), start.copy()
    mm._KERNELS[np.dtype(dtype), "dot"](a, w, got, accumulate)
    _row_dots(a, w, want, accumulate)
    assert got.tobytes() == want.tobytes()


SEED_A_T_ACCUMULATE = dict(seed=st.integers(0, 2**16), a_t=st.booleans(), accumulate=st.booleans())


@pytest.mark.parametrize("dtype", DTYPES)
@given(
    m=st.integers(1, 2),
    k=st.one_of(st.integers(1, 80), st.sampled_from([513, 1100])),
    n=st.integers(120, 400),
    **SEED_A_T_ACCUMULATE,
)
@settings(max_examples=30)
def test_one_or_two_rows_take_the_wide_tile_with_the_bits_of_the_8_row_tiles(
    dtype, m, k, n, seed, a_t, accumulate
):
    """C with one or two rows takes the 2-row wide tile; the same rows computed as part of
    a 3-row C (the 8-row blocking) come out with the same bits, K blocks (k > 512)
    included, serial or split among threads by columns."""
    rng = np.random.default_rng(seed)
    a3 = _operand(rng, (3, k), dtype, "transposed_view" if a_t else "C")
    b = rng.standard_normal((k, n)).astype(dtype)
    start = rng.standard_normal((3, n)).astype(dtype)
    three, few = start.copy(), start[:m].copy()
    serial = mm._KERNELS[np.dtype(dtype), "serial"]
    serial(a3, b, three, accumulate, 0, 3, 0, n)
    serial(a3[:m], b, few, accumulate, 0, m, 0, n)
    assert few.tobytes() == three[:m].tobytes()
    if dtype == np.float32:
        split = start[:m].copy()
        mm._KERNELS[np.dtype(dtype), "parallel"](a3[:m], b, split, accumulate, 3, True)
        assert split.tobytes() == few.tobytes()
    expected = _expected(a3[:m], b) + (start[:m] if accumulate else 0)
    np.testing.assert_allclose(few, expected, rtol=_tol(dtype, k), atol=_tol(dtype, k))


@pytest.mark.parametrize("dtype", DTYPES)
@given(
    m=SIDES,
    k=st.integers(1, mm.THIN_K),
    n=st.integers(1, 300),
    **SEED_A_T_ACCUMULATE,
)
@settings(max_examples=40)
def test_a_thin_k_holds_b_in_registers_with_the_bits_of_the_tiles(
    dtype, m, k, n, seed, a_t, accumulate
):
    """K <= THIN_K with B's rows contiguous: B's rows stay in registers while A's rows
    stream past (kernels.matmul._thin_rows); the same product with B's rows strided (so
    through the packed tiles) gives the same bits, serial or shared among threads."""
    rng = np.random.default_rng(seed)
    a = _operand(rng, (m, k), dtype, "transposed_view" if a_t else "C")
    b = rng.standard_normal((k, n)).astype(dtype)
    b_strided = np.repeat(b, 2, axis=1)[:, ::2]
    start = rng.standard_normal((m, n)).astype(dtype)
    serial = mm._KERNELS[np.dtype(dtype), "serial"]
    thin, tiles = start.copy(), start.copy()
    serial(a, b, thin, accumulate, 0, m, 0, n)
    serial(a, b_strided, tiles, accumulate, 0, m, 0, n)
    assert thin.tobytes() == tiles.tobytes()
    if dtype == np.float32:
        for parts, by_cols in [(2, True), (3, False)]:
            shared = start.copy()
            mm._KERNELS[np.dtype(dtype), "parallel"](a, b, shared, accumulate, parts, by_cols)
            assert shared.tobytes() == thin.tobytes()
    expected = _expected(a, b) + (start if accumulate else 0)
    np.testing.assert_allclose(thin, expected, rtol=_tol(dtype, k), atol=_tol(dtype, k))


@pytest.mark.parametrize("offset", range(0, 64, 4))
def test_column_shares_meet_where_a_cache_line_of_c_begins(offset):
    """Threads sharing C by columns split it where every row's cache line begins (C at
    any 4-byte offset from a 64-byte boundary, rows a whole number of lines): each element
    still written once, with the bits of one thread's product."""
    rng = np.random.default_rng(offset)
    m, k, n = 40, 10, 160
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((k, n)).astype(np.float32)
    buffer = np.zeros(m * n + 16, np.float32)
    start = (offset - buffer.ctypes.data) % 64 // 4
    c = buffer[start : start + m * n].reshape(m, n)
    assert c.ctypes.data % 64 == offset
    whole = np.empty((m, n), np.float32)
    mm._KERNELS[np.dtype(np.float32), "whole"](a, b, whole, False)
    for parts in (2, 3):
        c[:] = np.nan
        mm._KERNELS[np.dtype(np.float32), "parallel"](a, b, c, False, parts, True)
        assert c.tobytes() == whole.tobytes()


@pytest.mark.parametrize("dtype", DTYPES)
def test_network_products(dtype):
    """Every product of the benchmark networks (forward x @ W.T, dx = g @ W, dW = g.T @ x),
    at their real sizes, through matmul_into."""
    rng = np.random.default_rng(0)
    for batch, sizes in [
        (64, (784, 128, 2)),
        (128, (784, 256, 10)),
        (512, (784, 1024, 10)),
        (8, (4, 16, 3)),
    ]:
        for n_in, n_out in zip(sizes, sizes[1:]):
            x = rng.standard_normal((batch, n_in)).astype(dtype)
            w = rng.standard_normal((n_out, n_in)).astype(dtype)
            g = rng.standard_normal((batch, n_out)).astype(dtype)
            for a, b in [(x, w.T), (g, w), (g.T, x)]:
                c = np.empty((a.shape[0], b.shape[1]), dtype)
                mm.matmul_into(a, b, c)
                tol = 10 * _tol(dtype, a.shape[1])
                np.testing.assert_allclose(c, _expected(a, b), rtol=tol, atol=tol)


def test_empty_sum_and_empty_sides():
    for m, k, n in [(3, 0, 4), (0, 5, 4), (3, 5, 0), (0, 0, 0)]:
        a, b = np.ones((m, k), np.float32), np.ones((k, n), np.float32)
        c = np.full((m, n), 7.0, np.float32)
        mm.matmul_into(a, b, c, accumulate=True)
        np.testing.assert_array_equal(c, np.full((m, n), 7.0, np.float32))
        mm.matmul_into(a, b, c)
        np.testing.assert_array_equal(c, np.zeros((m, n), np.float32))


def test_team_size_is_between_one_and_the_pool(monkeypatch):
    import time

    monkeypatch.setattr(mm.team_size, "PERIOD", 0.01)
    for _ in range(3):
        time.sleep(0.02)
        assert 1 <= mm.team_size() <= max(1, mm.team_size.most)


def test_team_size_takes_a_users_thread_count_as_its_cap(monkeypatch):
    import time

    import numba

    before = numba.get_num_threads()
    monkeypatch.setattr(mm.team_size, "PERIOD", 0.01)
    monkeypatch.setattr(mm.team_size, "most", max(2, mm.team_size.most))
    monkeypatch.setattr(mm.team_size, "size", max(2, mm.team_size.most))
    try:
        numba.set_num_threads(1)
        for _ in range(3):  # the second call on compares two samples
            time.sleep(0.02)
            mm.team_size()
        assert mm.team_size.most == 1 and mm.team_size() == 1
    finally:
        numba.set_num_threads(before)


@pytest.mark.parametrize("dtype", DTYPES)
@given(
    m=SIDES,
    k=st.integers(1, 80),
    n=SIDES,
    seed=st.integers(0, 2**16),
    a_kind=st.sampled_from(["reversed", "broadcast_row", "T_reversed"]),
    b_kind=st.sampled_from(["reversed", "broadcast_col", "T_reversed"]),
)
@settings(max_examples=40)
def test_negative_and_zero_strides(dtype, m, k, n, seed, a_kind, b_kind):
    """Views a caller can pass: reversed axes (negative strides) and broadcast rows or
    columns (zero strides) are read through their strides, never assumed contiguous.
    (Writeable views: the kernels take writeable arrays, functions/linalg.py sees to it.)"""
    from numpy.lib.stride_tricks import as_strided

    rng = np.random.default_rng(seed)
    if a_kind == "reversed":
        a = rng.standard_normal((m, k)).astype(dtype)[::-1, ::-1]
    elif a_kind == "broadcast_row":
        row = rng.standard_normal(k).astype(dtype)
        a = as_strided(row, (m, k), (0, row.itemsize))
    else:
        a = rng.standard_normal((k, m)).astype(dtype)[::-1].T
    if b_kind == "reversed":
        b = rng.standard_normal((k, n)).astype(dtype)[::-1, ::-1]
    elif b_kind == "broadcast_col":
        col = rng.standard_normal(k).astype(dtype)
        b = as_strided(col, (k, n), (col.itemsize, 0))
    else:
        b = rng.standard_normal((n, k)).astype(dtype)[:, ::-1].T
    c = np.empty((m, n), dtype)
    mm.matmul_into(a, b, c)
    np.testing.assert_allclose(c, _expected(a, b), rtol=_tol(dtype, k), atol=_tol(dtype, k))


@pytest.mark.parametrize("dtype", DTYPES)
@settings(deadline=None, max_examples=20)
@given(m=st.integers(17, 80), k=st.integers(1, 300), n=st.integers(1, 100), seed=st.integers(0, 99))
def test_packing_by_runs_gives_the_element_loops_bits(dtype, m, k, n, seed):
    """g.T's micro-panels and a C-contiguous B's panels are packed by one vector copy per
    run (_copy_run); the same values in strided views are packed element by element, and
    the products are the same bits (the fetching tile included, K from 64)."""
    rng = np.random.default_rng(seed)
    g = rng.standard_normal((k, m)).astype(dtype)
    x = rng.standard_normal((k, n)).astype(dtype)
    g_gaps = np.zeros((k, 2 * m), dtype)
    g_gaps[:, ::2] = g
    x_gaps = np.zeros((k, 2 * n), dtype)
    x_gaps[:, ::2] = x
    by_runs, by_elements = np.empty((m, n), dtype), np.empty((m, n), dtype)
    mm._KERNELS[np.dtype(dtype), "serial"](g.T, x, by_runs, False, 0, m, 0, n)
    mm._KERNELS[np.dtype(dtype), "serial"](
        g_gaps[:, ::2].T, x_gaps[:, ::2], by_elements, False, 0, m, 0, n
    )
    assert by_runs.tobytes() == by_elements.tobytes()
    np.testing.assert_allclose(by_runs, _expected(g.T, x), rtol=0, atol=_tol(dtype, k))
    a = rng.standard_normal((300, k)).astype(dtype)  # in place, B packed (more than 256 rows)
    a_runs, a_elements = np.empty((300, n), dtype), np.empty((300, n), dtype)
    mm._KERNELS[np.dtype(dtype), "serial"](a, x, a_runs, False, 0, 300, 0, n)
    mm._KERNELS[np.dtype(dtype), "serial"](a, x_gaps[:, ::2], a_elements, False, 0, 300, 0, n)
    assert a_runs.tobytes() == a_elements.tobytes()
