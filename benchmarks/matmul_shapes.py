"""Every matrix product of the four benchmark networks, ours against NumPy (OpenBLAS), at 1
and 2 threads: ``python -m benchmarks.matmul_shapes`` (or ``python -m benchmarks --matmul``).

A thread count is fixed when NumPy's BLAS and Numba start their pools, so each count runs in
its own subprocess. Per Linear(in, out) with x (B, in), W (out, in) and g (B, out):

    forward  x @ W.T    W.T a transposed view
    dx       g @ W      (not for the first layer: the input needs no gradient)
    dW       g.T @ x    g.T a transposed view

Each product is timed as both sides' steady state (median of interleaved rounds, see
``measure``); NumPy writes into a preallocated output like ours does.
"""

import json
import os
import subprocess
import sys

NETWORKS = [
    ("seed", 64, (784, 128, 2)),
    ("mnist", 128, (784, 256, 10)),
    ("bigger", 512, (784, 1024, 10)),
    ("tiny", 8, (4, 16, 3)),
]


def products():
    """(label, M, K, N, A transposed, B transposed) for every product of every network."""
    out = []
    for name, batch, sizes in NETWORKS:
        for layer, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
            tag = f"{name} {batch} L{layer + 1}"
            out.append((f"{tag} fwd x@W.T", batch, n_in, n_out, False, True))
            if layer > 0:
                out.append((f"{tag} dx  g@W", batch, n_out, n_in, False, False))
            out.append((f"{tag} dW  g.T@x", n_out, batch, n_in, True, False))
    return out


def _operands(rng, m, k, n, a_t, b_t, dtype):
    """A (m x k) and B (k x n), each a transposed view of a contiguous array where asked."""
    a = rng.standard_normal((k, m) if a_t else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if b_t else (k, n)).astype(dtype)
    return (a.T if a_t else a), (b.T if b_t else b)


def measure(fns, repeats, min_time, clock="wall"):
    """name -> median seconds per call over ``repeats`` interleaved rounds, in alternating
    order; each round runs
    every fn untimed for a few ms first (so the other library's thread pool is asleep), then
    a timed block of about ``min_time / repeats`` seconds, timed by the wall clock or by
    this process's CPU time (``clock="cpu"``: with one thread, time another process takes
    the core drops out; with two, both threads' time adds up)."""
    import statistics
    import time

    timer = time.process_time if clock == "cpu" else time.perf_counter
    calls, samples = {}, {name: [] for name in fns}
    for name, fn in fns.items():
        fn()
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < 0.01 or n < 3:
            fn()
            n += 1
        calls[name] = max(1, int(n / (time.perf_counter() - t0) * min_time / repeats))
    order = list(fns.items())
    for _ in range(repeats):
        order.reverse()  # whichever runs first in a round gains a few %: alternate
        for name, fn in order:
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < 0.003:
                fn()
            t0 = timer()
            for _ in range(calls[name]):
                fn()
            samples[name].append((timer() - t0) / calls[name])
    return {name: statistics.median(s) for name, s in samples.items()}


def measure_all(repeats, min_time, clock="wall"):
    """Rows of GFLOPS in this process's thread setting."""
    import numpy as np

    from tinygrad_scores.kernels import wait_for_builds
    from tinygrad_scores.kernels.matmul import matmul_into

    rng = np.random.default_rng(0)
    rows = []
    for label, m, k, n, a_t, b_t in products():
        a, b = _operands(rng, m, k, n, a_t, b_t, np.float32)
        c_ours, c_np = np.empty((m, n), np.float32), np.empty((m, n), np.float32)
        matmul_into(a, b, c_ours)
        wait_for_builds()  # the threaded build, if this product asked for it
        np.matmul(a, b, out=c_np)
        np.testing.assert_allclose(c_ours, c_np, rtol=1e-3, atol=1e-3 * np.sqrt(k))
        times = measure(
            {"numpy": lambda: np.matmul(a, b, out=c_np), "ours": lambda: matmul_into(a, b, c_ours)},
            repeats,
            min_time,
            clock,
        )
        flops = 2.0 * m * n * k
        rows.append(
            {
                "case": label,
                "shape": f"({m}x{k}) @ ({k}x{n})",
                "ours_gflops": flops / times["ours"] / 1e9,
                "numpy_gflops": flops / times["numpy"] / 1e9,
                "ours_us": times["ours"] * 1e6,
                "numpy_us": times["numpy"] * 1e6,
            }
        )
    return rows


def run_threads(threads, repeats, min_time, clock="wall"):
    """Measure in a fresh process with every pool set to ``threads``."""
    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        env[var] = str(threads)
    env.setdefault("OPENBLAS_THREAD_TIMEOUT", "16")  # see benchmarks/__main__.py
    code = (
        f"import json; from benchmarks.matmul_shapes import measure_all; "
        f"print(json.dumps(measure_all({repeats}, {min_time}, {clock!r})))"
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_table(by_threads, clock="wall"):
    counts = sorted(by_threads)
    head = f"{'product':<28}{'shape':<26}"
    for t in counts:
        head += f"{f'{t}T ours':>10}{f'{t}T numpy':>11}{'ratio':>7}"
    print(head + f"   (GFLOPS, float32, {clock} clock)")
    print("-" * len(head))
    worst = {t: 1e9 for t in counts}
    for i, row in enumerate(by_threads[counts[0]]):
        line = f"{row['case']:<28}{row['shape']:<26}"
        for t in counts:
            r = by_threads[t][i]
            ratio = r["ours_gflops"] / r["numpy_gflops"]
            worst[t] = min(worst[t], ratio)
            line += f"{r['ours_gflops']:>10.1f}{r['numpy_gflops']:>11.1f}{ratio:>7.2f}"
        print(line)
    print("worst ratio: " + ", ".join(f"{t} thread(s) {worst[t]:.2f}" for t in counts))


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.matmul_shapes",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--min-time", type=float, default=0.1, help="seconds per product and side")
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="wall time, or the process's CPU time (one thread on a busy machine)",
    )
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)
    by_threads = {t: run_threads(t, args.repeats, args.min_time, args.clock) for t in args.threads}
    print_table(by_threads, args.clock)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(by_threads, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
