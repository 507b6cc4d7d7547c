"""The convolution and pooling kernels of both floors against their NumPy twins in
kernels/reference.py (and the twins against a direct loop), on hypothesis-drawn shapes."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tinygrad_scores import kernels
from tinygrad_scores.kernels import conv
from tinygrad_scores.kernels import reference as ref

FIXTURE_OK = [HealthCheck.function_scoped_fixture]
TOL = {np.float32: dict(rtol=1e-4, atol=1e-4), np.float64: dict(rtol=1e-12, atol=1e-12)}


@pytest.fixture(params=["fast", "loops"])
def floor(request):
    kernels.set_kernels(request.param)
    yield kernels.active()
    kernels.set_kernels("fast")


@st.composite
def conv_cases(draw):
    """A padded input, a weight and the options of one convolution that fits it."""
    groups = draw(st.integers(1, 3))
    cg, og = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw, dh, dw = (draw(st.integers(1, 3)) for _ in range(4))
    h = draw(st.integers(dh * (kh - 1) + 1, dh * (kh - 1) + 8))
    w = draw(st.integers(dw * (kw - 1) + 1, dw * (kw - 1) + 8))
    n = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**16))
    return (n, groups * cg, h, w), (groups * og, cg, kh, kw), (sh, sw, dh, dw, groups), seed


def direct_conv(x, w, sh, sw, dh, dw, groups):
    """The definition, one output at a time in float64."""
    N, _, H, W = x.shape
    Co, Cg, KH, KW = w.shape
    Ho, Wo = (H - dh * (KH - 1) - 1) // sh + 1, (W - dw * (KW - 1) - 1) // sw + 1
    out = np.zeros((N, Co, Ho, Wo))
    for n in range(N):
        for o in range(Co):
            c0 = o // (Co // groups) * Cg
            for i in range(Ho):
                for j in range(Wo):
                    win = x[n, c0 : c0 + Cg, i * sh : i * sh + dh * (KH - 1) + 1 : dh]
                    out[n, o, i, j] = (
                        win[:, :, j * sw : j * sw + dw * (KW - 1) + 1 : dw] * w[o]
                    ).sum()
    return out


@settings(max_examples=40, deadline=None)
@given(case=conv_cases())
def test_the_twin_is_the_definition(case):
    xs, ws, opts, seed = case
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(xs), rng.standard_normal(ws)
    np.testing.assert_allclose(
        ref.conv2d_forward(x, w, *opts), direct_conv(x, w, *opts), atol=1e-12
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURE_OK)
@given(case=conv_cases())
def test_conv2d_forward_and_both_backward_products(floor, dtype, case):
    xs, ws, opts, seed = case
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(xs).astype(dtype), rng.standard_normal(ws).astype(dtype)
    want = ref.conv2d_forward(x, w, *opts)
    out = np.empty(want.shape, dtype)
    floor.conv2d_forward(x, w, out, *opts)
    np.testing.assert_allclose(out, want, **TOL[dtype])
    g = rng.standard_normal(want.shape).astype(dtype)
    gx, gw = np.full_like(x, np.nan), np.full_like(w, np.nan)  # every element must be written
    floor.conv2d_backward_input(g, w, gx, *opts)
    floor.conv2d_backward_weight(x, g, gw, *opts)
    np.testing.assert_allclose(gx, ref.conv2d_backward_input(g, w, xs, *opts), **TOL[dtype])
    np.testing.assert_allclose(gw, ref.conv2d_backward_weight(x, g, ws, *opts), **TOL[dtype])


def test_conv2d_on_a_large_float32_layer_runs_the_threaded_path(floor):
    """The MNIST CNN's second layer: big enough for the threaded GEMM and im2col."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 32, 26, 26)).astype(np.float32)
    w = rng.standard_normal((64, 32, 3, 3)).astype(np.float32)
    out = np.empty((4, 64, 24, 24), np.float32)
    floor.conv2d_forward(x, w, out, 1, 1, 1, 1, 1)
    np.testing.assert_allclose(out, ref.conv2d_forward(x, w, 1, 1, 1, 1, 1), rtol=1e-4, atol=1e-3)


@st.composite
def pool_cases(draw):
    """Planes and per-axis windows (start, count, step), some reaching past the edges."""
    m, h, w = draw(st.integers(1, 4)), draw(st.integers(1, 8)), draw(st.integers(1, 8))
    axes = []
    for size in (h, w):
        out = draw(st.integers(1, 5))
        starts = np.array([draw(st.integers(-2, size - 1)) for _ in range(out)], np.int64)
        step = draw(st.integers(1, 2))
        counts = np.array(
            [draw(st.integers(max(1, -s // step + 1), 4)) for s in starts], np.int64
        )  # each window reaches the input at least once
        axes.append((starts, counts, step))
    return (m, h, w), axes, draw(st.integers(0, 2**16))


def _valid(starts, counts, step, size):
    return all(any(0 <= s + k * step < size for k in range(c)) for s, c in zip(starts, counts))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE_OK)
@given(case=pool_cases())
def test_max_and_avg_pool_forward_and_backward(floor, dtype, case):
    shape, ((hs, hn, dh), (ws, wn, dw)), seed = case
    if not (_valid(hs, hn, dh, shape[1]) and _valid(ws, wn, dw, shape[2])):
        return
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    out = np.empty((shape[0], len(hs), len(ws)), dtype)
    idx = np.empty(out.shape, np.int64)
    floor.max_pool_forward(x, hs, hn, dh, ws, wn, dw, out, idx)
    want, want_idx = ref.max_pool_forward(x, hs, hn, dh, ws, wn, dw)
    np.testing.assert_array_equal(out, want)
    np.testing.assert_array_equal(idx, want_idx)
    g = rng.standard_normal(out.shape).astype(dtype)
    gx = np.full_like(x, np.nan)
    floor.max_pool_backward(g, idx, gx)
    np.testing.assert_allclose(gx, ref.max_pool_backward(g, idx, shape), **TOL[dtype])
    div = rng.uniform(1, 4, (len(hs), len(ws))).astype(dtype)
    floor.avg_pool_forward(x, hs, hn, ws, wn, div, out)
    np.testing.assert_allclose(out, ref.avg_pool_forward(x, hs, hn, ws, wn, div), **TOL[dtype])
    floor.avg_pool_backward(g, hs, hn, ws, wn, div, gx)
    np.testing.assert_allclose(
        gx, ref.avg_pool_backward(g, hs, hn, ws, wn, div, shape), **TOL[dtype]
    )


def test_max_pool_lets_nan_win_as_pytorch(floor):
    x = np.array([[[1.0, np.nan, 3.0, 2.0]]])
    out, idx = np.empty((1, 1, 1)), np.empty((1, 1, 1), np.int64)
    one = np.zeros(1, np.int64), np.ones(1, np.int64)
    floor.max_pool_forward(x, *one, 1, np.zeros(1, np.int64), np.full(1, 4), 1, out, idx)
    assert np.isnan(out[0, 0, 0]) and idx[0, 0, 0] == 1


def test_max_pool_on_the_mnist_cnns_planes_runs_the_threaded_path(floor):
    x = np.random.default_rng(0).standard_normal((64 * 64, 24, 24)).astype(np.float32)
    starts, counts = np.arange(12, dtype=np.int64) * 2, np.full(12, 2, np.int64)
    out, idx = np.empty((64 * 64, 12, 12), np.float32), np.empty((64 * 64, 12, 12), np.int64)
    floor.max_pool_forward(x, starts, counts, 1, starts, counts, 1, out, idx)
    want = x.reshape(-1, 12, 2, 12, 2).max(axis=(2, 4))
    np.testing.assert_array_equal(out, want)
    gx = np.empty_like(x)
    floor.max_pool_backward(out, idx, gx)
    np.testing.assert_array_equal(gx, np.where(x == np.repeat(np.repeat(want, 2, 1), 2, 2), x, 0))


@pytest.mark.parametrize("chunk", [1, 300, 1 << 20])
@pytest.mark.parametrize("alone", [1, 1 << 17])
def test_conv2d_in_chunks_of_samples(chunk, alone, monkeypatch):
    """The fast floor's chunks of samples (one, some with a remainder, the whole batch)."""
    monkeypatch.setattr(conv, "CHUNK_ELEMENTS", chunk)
    monkeypatch.setattr(conv, "ALONE_FROM", alone)
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((5, 4, 6, 7)), rng.standard_normal((6, 2, 2, 3))
    opts = (1, 2, 2, 1, 2)
    out = np.empty((5, 6, 4, 3))
    conv.conv2d_forward(x, w, out, *opts)
    np.testing.assert_allclose(out, ref.conv2d_forward(x, w, *opts), atol=1e-12)
    g = rng.standard_normal(out.shape)
    gx, gw = np.empty_like(x), np.empty_like(w)
    conv.conv2d_backward_input(g, w, gx, *opts)
    conv.conv2d_backward_weight(x, g, gw, *opts)
    np.testing.assert_allclose(gx, ref.conv2d_backward_input(g, w, x.shape, *opts), atol=1e-12)
    np.testing.assert_allclose(gw, ref.conv2d_backward_weight(x, g, w.shape, *opts), atol=1e-12)
