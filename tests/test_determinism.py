"""Same seed, same numbers: a seeded program gives byte-identical results on every run,
whatever the state of the kernel cache, whenever the background builds finish, at one
thread or two. Every threaded kernel computes each element as its serial build does, and
the sums add in an order the source fixes (compiler.lanes_sum / lanes_dot), not one LLVM
chose for that build (it chose differently for a threaded build loaded from the cache)."""

import os
import subprocess
import sys

import numpy as np
import pytest
from numba import njit

from tinygrad_scores.kernels import bias, compiler, cross_entropy, matmul, softmax

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
F32 = np.dtype(np.float32)

# Sizes above every threaded threshold: a 512 x 1024 hidden layer (ReLU, bias, matmul),
# 512 x 128 log-softmax and softmax, cross-entropy, the few-column product of a 10-way
# head, Adam on 307,200 weights. Prints a digest of the final weights' bytes.
TRAIN = """
import hashlib, os, numpy as np
import tinygrad_scores as torch
from tinygrad_scores.kernels import wait_for_builds
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F

torch.manual_seed(0)
rng = np.random.default_rng(0)
x = torch.tensor(rng.standard_normal((512, 300)).astype(np.float32))
y = torch.tensor(rng.integers(0, 128, 512))
hidden = nn.Sequential(nn.Linear(300, 1024), nn.ReLU())
out, head = nn.Linear(1024, 128), nn.Linear(1024, 10)
params = [*hidden.parameters(), *out.parameters(), *head.parameters()]
opt = torch.optim.Adam(params, lr=1e-3)
switch_at = int(os.environ.get("SWITCH_AT", -1))
for step in range(4):
    if step == switch_at:  # from here on, the threaded builds (built in the background)
        assert wait_for_builds(timeout=240)
    h = hidden(x)
    logits = out(h)
    loss = (F.nll_loss(F.log_softmax(logits, dim=1), y) + F.cross_entropy(head(h), y % 10)
            + F.softmax(logits, dim=1).square().mean())
    opt.zero_grad()
    loss.backward()
    opt.step()
digest = hashlib.sha256(b"".join(p.detach().numpy().tobytes() for p in params))
print(digest.hexdigest(), loss.item())
"""


SETTINGS = ("TINYGRAD_SCORES_BACKGROUND", "TINYGRAD_SCORES_NO_CACHE", "NUMBA_NUM_THREADS")


def _start(cache_dir, **env):
    inherited = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env = dict(inherited, NUMBA_CACHE_DIR=str(cache_dir), PYTHONPATH=ROOT, **env)
    return subprocess.Popen(
        [sys.executable, "-c", TRAIN],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _results(processes):
    results = {}
    for name, process in processes.items():
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-3000:]
        results[name] = out.split()
    return results


def test_a_seeded_training_loop_gives_the_same_bytes_in_every_cache_state_and_thread_count(
    tmp_path,
):
    # two at a time (the machine has two cores): first the cold ones, which compile
    runs = _results(
        {
            # an empty cache: the threaded builds compiled now and run from the first step
            "empty cache, threaded builds at once": _start(
                tmp_path, TINYGRAD_SCORES_BACKGROUND="0"
            ),
            # no cache: serial builds first, the threaded ones switched in whenever
            # their background build ends (if before the last step)
            "no cache, background builds": _start(
                tmp_path / "unused", TINYGRAD_SCORES_NO_CACHE="1"
            ),
        }
    )
    runs.update(
        _results(
            {
                # serial builds for two steps, the threaded ones from the third
                "warm cache, switched to threaded builds mid-run": _start(tmp_path, SWITCH_AT="2"),
                "warm cache, 1 thread": _start(tmp_path, NUMBA_NUM_THREADS="1"),
            }
        )
    )
    runs.update(
        _results(
            {
                "warm cache, threaded builds at once": _start(
                    tmp_path, TINYGRAD_SCORES_BACKGROUND="0"
                )
            }
        )
    )
    first = runs["empty cache, threaded builds at once"]
    assert all(run == first for run in runs.values()), runs
    assert np.isfinite(float(first[1]))


# Row lengths around the lane counts (16 for sums, 32 for dot products): below one
# group, whole groups, a tail.
COLUMNS = [1, 7, 16, 31, 32, 33, 100, 1000]


@pytest.mark.parametrize("columns", COLUMNS)
def test_threaded_and_serial_builds_of_the_row_kernels_give_the_same_bits(columns):
    rng = np.random.default_rng(columns)
    rows = max(4, softmax.PARALLEL_FROM // columns + 3)
    x = (rng.standard_normal((rows, columns)) * 4).astype(np.float32)
    g = rng.standard_normal((rows, columns)).astype(np.float32)
    y = np.empty_like(x)
    softmax.softmax_forward.serial(x, y)
    cases = {
        "softmax_forward": (softmax.softmax_forward, (x,)),
        "log_softmax_forward": (softmax.log_softmax_forward, (x,)),
        "softmax_backward": (softmax.softmax_backward, (y, g)),
        "log_softmax_backward": (softmax.log_softmax_backward, (np.log(y), g)),
    }
    for name, (kernel, args) in cases.items():
        serial, threaded = np.empty_like(x), np.full_like(x, np.nan)
        kernel.serial(*args, serial)
        kernel.parallel(*args, threaded)
        assert serial.tobytes() == threaded.tobytes(), name
    labels = rng.integers(0, columns, rows)
    labels[::5] = -100
    weight = rng.uniform(0.5, 2, columns).astype(np.float32)
    for want_grad in (True, False):
        results = []
        for build in (
            cross_entropy.cross_entropy_forward.serial,
            cross_entropy.cross_entropy_forward.parallel,
        ):
            losses, grad = np.empty(rows, np.float32), np.empty_like(x)
            total = build(x, labels, weight, -100, np.float32(0.01), losses, grad, want_grad)
            results.append((total, losses.tobytes(), grad.tobytes() if want_grad else b""))
        assert results[0] == results[1]


@pytest.mark.parametrize("K", [5, 32, 100, 784, 1024])
def test_threaded_and_serial_few_column_products_give_the_same_bits(K):
    rng = np.random.default_rng(K)
    A = rng.standard_normal((203, K)).astype(np.float32)
    Bt = rng.standard_normal((10, K)).astype(np.float32)
    for accumulate in (False, True):
        C0 = rng.standard_normal((203, 10)).astype(np.float32)
        serial, threaded = C0.copy(), C0.copy()
        matmul._KERNELS[F32, "dot"](A, Bt, serial, accumulate)
        matmul._KERNELS[F32, "dot_parallel"](A, Bt, threaded, accumulate, 3, True)
        assert serial.tobytes() == threaded.tobytes()
        want = A.astype(np.float64) @ Bt.T.astype(np.float64) + (C0 if accumulate else 0)
        np.testing.assert_allclose(serial, want, rtol=1e-4, atol=1e-4 * np.sqrt(K))


@pytest.mark.parametrize("a_layout", ["C", "padded_rows", "transposed"])
@pytest.mark.parametrize("b_layout", ["W.T", "C"])
def test_the_one_thread_product_and_the_threaded_ones_choose_the_same_path(a_layout, b_layout):
    """matmul_into's one-thread kernel chooses dot products or tiles in compiled code,
    by the rule (matmul._dot_fits) matmul_into applies to choose a threaded kernel: any
    layout gives the same bits from both."""
    rng = np.random.default_rng(11)
    K, N = 300, 10
    A = rng.standard_normal((203, K + 20)).astype(np.float32)
    A = {"C": np.ascontiguousarray(A[:, :K]), "padded_rows": A[:, :K]}.get(
        a_layout, np.ascontiguousarray(A[:, :K].T).T
    )
    B = rng.standard_normal((N, K)).astype(np.float32).T
    B = B if b_layout == "W.T" else np.ascontiguousarray(B)
    assert matmul._dot_fits(A, B) == (a_layout != "transposed" and b_layout == "W.T")
    for accumulate in (False, True):
        C0 = rng.standard_normal((203, N)).astype(np.float32)
        one, threaded = C0.copy(), C0.copy()
        matmul._KERNELS[F32, "whole"](A, B, one, accumulate)
        if matmul._dot_fits(A, B):
            matmul._KERNELS[F32, "dot_parallel"](A, B.T, threaded, accumulate, 3, True)
        else:
            matmul._KERNELS[F32, "parallel"](A, B, threaded, accumulate, 3, False)
        assert one.tobytes() == threaded.tobytes()
        want = A.astype(np.float64) @ B + (C0 if accumulate else 0)
        np.testing.assert_allclose(one, want, rtol=1e-4, atol=1e-4 * np.sqrt(K))


@njit
def _compiled_lanes_sum(u, n):
    return compiler.lanes_sum(u, n)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_compiled_lane_sum_adds_in_the_order_its_python_definition_gives(dtype):
    """The order is the definition's: the compiled sum equals, bit for bit, the plain
    Python loop that spells it out (and differs from NumPy's pairwise sum)."""
    rng = np.random.default_rng(5)
    u = (rng.standard_normal(16 * 97) * 10.0 ** rng.integers(-6, 6, 16 * 97)).astype(dtype)
    for n in (16, 160, 16 * 97):
        assert _compiled_lanes_sum(u, n) == compiler.lanes_sum(u, n)


@njit
def _compiled_lanes_dot(u, v, n):
    return compiler.lanes_dot(u, v, n)


@njit
def _compiled_lanes_dots(A, Bt, i0, j0, n, S):
    compiler.lanes_dots(A, Bt, i0, j0, n, S)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [32, 64, 96, 32 * 31])
def test_the_blocked_lane_dots_give_each_lane_dots_bits(dtype, n):
    """lanes_dots (two rows by two columns, in vectors of sixteen) adds each of its four
    dot products exactly as lanes_dot (vectors of eight) does: the same bits, from any
    rows, tail columns beyond n ignored."""
    rng = np.random.default_rng(n)
    A = (rng.standard_normal((4, n + 5)) * 10.0 ** rng.integers(-4, 4, (4, n + 5))).astype(dtype)
    Bt = rng.standard_normal((3, n + 5)).astype(dtype)
    S = np.empty(4, dtype)
    for i0, j0 in [(0, 0), (1, 1), (2, 0)]:
        _compiled_lanes_dots(A, Bt, i0, j0, n, S)
        for r in range(2):
            for c in range(2):
                assert S[2 * r + c] == _compiled_lanes_dot(A[i0 + r], Bt[j0 + c], n)


def test_threaded_column_sums_give_numpys_bits_signed_zeros_included():
    """Below its size, or before its threaded build is there, the bias gradient is NumPy's
    own column sum: the threaded build adds the rows in NumPy's order, from +0.0 as NumPy
    starts, so a column of -0.0 sums to +0.0 either way."""
    rng = np.random.default_rng(9)
    g = rng.standard_normal((600, bias.PARALLEL_FROM // 600 + 5)).astype(np.float32)
    g[:, ::3] = -0.0
    out = np.empty(g.shape[1], np.float32)
    bias._column_sums(g, out)  # the threaded build
    assert out.tobytes() == np.add.reduce(g, 0).tobytes()
