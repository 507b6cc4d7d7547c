"""Threaded kernel builds happen on a background thread (compiler._Background): the first
step runs the serial builds, which give the same numbers, and never waits for them."""

import os
import subprocess
import sys

import numpy as np
import pytest

from tinygrad_scores.kernels import bias, matmul, relu

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
F32 = np.dtype(np.float32)


def _run(code, cache_dir, **env):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir), PYTHONPATH=ROOT, **env)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "Traceback" not in out.stderr, out.stderr[-3000:]
    return out


PRODUCT = """
import numpy as np
from tinygrad_scores.kernels import matmul, wait_for_builds
matmul.team_size.PERIOD = float("inf")  # keep the team at every core, busy machine or not
if matmul.team_size.most < 2:
    print("one core"); raise SystemExit
rng = np.random.default_rng(0)
A = rng.standard_normal((256, 784)).astype(np.float32)
B = rng.standard_normal((784, 200)).astype(np.float32)
threaded = matmul._KERNELS[np.dtype(np.float32), "parallel"]
first = matmul.matmul_into(A, B, np.empty((256, 200), np.float32))
built_at_once = threaded.is_built(np.float32)
"""


@pytest.mark.parametrize("background", ["1", "0"])
def test_the_first_large_product_does_not_wait_for_the_threaded_build(tmp_path, background):
    code = PRODUCT + (
        """
assert np.allclose(first, A.astype(np.float64) @ B, rtol=1e-4, atol=1e-3)
print("built at once" if built_at_once else "built later")
assert wait_for_builds(timeout=240)
assert threaded.is_built(np.float32)
second = matmul.matmul_into(A, B, np.empty((256, 200), np.float32))
assert np.array_equal(first, second)  # threads change who computes, not what
print("ok")
"""
    )
    out = _run(code, tmp_path, TINYGRAD_SCORES_BACKGROUND=background)
    if "one core" in out.stdout:
        pytest.skip("one core: no threaded build is ever asked for")
    assert out.stdout.split()[-1] == "ok"
    # in the background, the first call ran serial; with TINYGRAD_SCORES_BACKGROUND=0
    # it built the threaded kernel itself, in the foreground
    assert ("built later" if background == "1" else "built at once") in out.stdout


def test_exit_during_a_background_build_is_clean_and_leaves_a_usable_cache(tmp_path):
    code = PRODUCT + (
        """
import time
from tinygrad_scores.kernels import compiler
compiler.background.QUIET = 0.0
threaded.ready(np.float32)
deadline = time.monotonic() + 60
while not compiler.background._building and time.monotonic() < deadline:
    time.sleep(0.01)
print("exiting mid-build" if compiler.background._building else "exiting")
"""
    )
    out = _run(code, tmp_path)
    if "one core" in out.stdout:
        pytest.skip("one core")
    again = _run(
        PRODUCT
        + """
threaded.build(np.float32)
C = np.empty((256, 200), np.float32)
threaded(A, B, C, False, 2, False)
assert np.array_equal(C, first)
print("ok")
""",
        tmp_path,
    )
    assert again.stdout.split()[-1] == "ok"


# A (M, K) as stored, B (K, N): a transposed A has strided rows (the packed blocking);
# M = 24 splits into shares of 16 and 8 rows, below and above the in-place threshold
CASES = [
    (24, 600, 40, True),
    (24, 600, 40, False),
    (128, 64, 784, True),  # dW1 = dh.T @ x of the seed network
    (64, 784, 128, False),  # x @ W1.T
    (130, 300, 70, True),
    (9, 1030, 65, False),
]


@pytest.mark.parametrize("M,K,N,transposed", CASES)
@pytest.mark.parametrize("by_cols", [False, True])
def test_threaded_and_serial_builds_give_identical_products(M, K, N, transposed, by_cols):
    rng = np.random.default_rng(M * K + N)
    A = rng.standard_normal((K, M) if transposed else (M, K)).astype(np.float32)
    A = A.T if transposed else A
    B = rng.standard_normal((N, K)).astype(np.float32).T  # W.T: read in place, packed
    serial = np.empty((M, N), np.float32)
    matmul._KERNELS[F32, "serial"](A, B, serial, False, 0, M, 0, N)
    for parts in (2, 3):
        threaded = np.full((M, N), np.nan, np.float32)
        matmul._KERNELS[F32, "parallel"](A, B, threaded, False, parts, by_cols)
        assert np.array_equal(serial, threaded), (parts, by_cols)


def test_threaded_relu_and_bias_kernels_match_their_serial_twins():
    """Above PARALLEL_FROM the threaded builds run (once built); every element is computed
    as in the serial build, and the column sums add the rows in NumPy's order."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal(relu.PARALLEL_FROM + 37).astype(np.float32)
    x[::7] = 0.0
    for fn, args in [
        (relu.relu_forward, (x,)),
        (relu.relu_backward, (x, rng.standard_normal(x.size).astype(np.float32))),
    ]:
        serial, threaded = np.empty_like(x), np.empty_like(x)
        fn.serial(*args, serial)
        fn.parallel(*args, threaded)
        assert np.array_equal(serial, threaded)
    g = rng.standard_normal((600, bias.PARALLEL_FROM // 600 + 5)).astype(np.float32)
    sums = np.empty(g.shape[1], np.float32)
    bias._column_sums(g, sums)  # the threaded build itself
    assert np.array_equal(sums, g.sum(axis=0))
    out = np.empty_like(g)
    bias._bias_rows(out, sums)
    assert np.array_equal(out, np.broadcast_to(sums, g.shape))


def _large_graph(x, w1, b1, w2, b2):
    """A hidden layer of 512 x 1024 (above every threaded size) whose activation reaches
    two outputs along paths of different length; each output backpropagated in turn."""
    import tinygrad_scores as ts
    import tinygrad_scores.nn.functional as F

    params = [ts.tensor(a, requires_grad=True) for a in (w1, b1, w2, b2)]
    h = F.relu(F.linear(ts.tensor(x), params[0], params[1]))
    out_a = F.linear(h, params[2], params[3]).sum()
    out_b = (h * h).mean() + h.sum() * 1e-3
    grads_a = ts.autograd.grad(out_a, params, retain_graph=True)
    grads_b = ts.autograd.grad(out_b, params[:2])
    return [g.numpy() for g in grads_a + grads_b]


def _large_graph_by_hand(x, w1, b1, w2, b2):
    """The same gradients in float64 NumPy, written out."""
    x, w1, b1, w2, b2 = (a.astype(np.float64) for a in (x, w1, b1, w2, b2))
    z = x @ w1.T + b1
    h = np.maximum(z, 0)
    mask = z > 0
    g_h_a = np.ones((x.shape[0], w2.shape[0])) @ w2  # d out_a / d h
    g_z_a = g_h_a * mask
    g_z_b = (2 * h / h.size + 1e-3) * mask
    return [
        g_z_a.T @ x,
        g_z_a.sum(0),
        np.ones((w2.shape[0], x.shape[0])) @ h,
        np.full(w2.shape[0], float(x.shape[0])),
        g_z_b.T @ x,
        g_z_b.sum(0),
    ]


def test_a_large_graph_gives_the_same_gradients_before_and_after_the_threaded_builds():
    from tinygrad_scores.kernels import wait_for_builds

    rng = np.random.default_rng(3)
    x = rng.standard_normal((512, 300)).astype(np.float32)
    w1 = (rng.standard_normal((1024, 300)) * 0.05).astype(np.float32)
    b1 = (rng.standard_normal(1024) * 0.1).astype(np.float32)
    w2 = (rng.standard_normal((10, 1024)) * 0.05).astype(np.float32)
    b2 = np.zeros(10, np.float32)
    first = _large_graph(x, w1, b1, w2, b2)  # whatever builds are there yet
    assert wait_for_builds(timeout=240)
    assert relu.relu_forward.parallel.is_built(F32) and bias._column_sums.is_built(F32)
    second = _large_graph(x, w1, b1, w2, b2)  # every threaded kernel
    for a, b, want in zip(first, second, _large_graph_by_hand(x, w1, b1, w2, b2)):
        assert np.array_equal(a, b)
        np.testing.assert_allclose(b, want, rtol=2e-4, atol=2e-4 * np.abs(want).max())
