"""Where a training step's time goes, ours against PyTorch, phase by phase and product by
product: ``python -m benchmarks.step_phases --torch-python PATH [--threads 1 2] [--clock cpu]``.

Phases (the step of ``benchmarks.worker``: forward, cross-entropy, zero_grad, backward,
Adam, the loss read) are timed inside the step, each summed over the timed steps. The
products of the step (per Linear(in, out): x @ W.T, g @ W but for the first layer, g.T @ x)
are timed alone, ours (matmul_into) and NumPy's (OpenBLAS) in our process, PyTorch's
(torch.mm into a preallocated output: MKL) in its own, in GFLOPS. Each framework runs in
its own process with its thread pools fixed from the start; this module imports only
NumPy and that framework there.
"""

import json
import os
import subprocess
import sys
import time

import numpy as np

from .worker import step_model

SHAPES = {"mnist": (128, 784, 256, 10), "bigger": (512, 784, 1024, 10)}
PHASES = ("forward", "loss", "zero_grad", "backward", "adam", "item")


def _timer(clock):
    return time.process_time if clock == "cpu" else time.perf_counter


def phase_times(T, shape, steps, clock):
    """Median microseconds per phase over ``steps`` steps of a warm step in framework T."""
    nn = T.nn
    model, opt, tx, ty = step_model(T, *shape)
    now = _timer(clock)
    samples = {name: [] for name in PHASES}
    for i in range(steps + 20):  # the first 20: warm-up
        t0 = now()
        out = model(tx)
        t1 = now()
        loss = nn.functional.cross_entropy(out, ty)
        t2 = now()
        opt.zero_grad()
        t3 = now()
        loss.backward()
        t4 = now()
        opt.step()
        t5 = now()
        loss.item()
        t6 = now()
        if i >= 20:
            for name, a, b in zip(PHASES, (t0, t1, t2, t3, t4, t5), (t1, t2, t3, t4, t5, t6)):
                samples[name].append((b - a) * 1e6)
    return {name: float(np.median(s)) for name, s in samples.items()}


def step_products(shape):
    """(label, M, K, N, A transposed, B transposed) for the products of one step."""
    batch, n_in, hidden, n_out = shape
    out = []
    for layer, (i, o) in enumerate(((n_in, hidden), (hidden, n_out))):
        out.append((f"L{layer + 1} x@W.T", batch, i, o, False, True))
        if layer:
            out.append((f"L{layer + 1} g@W", batch, o, i, False, False))
        out.append((f"L{layer + 1} g.T@x", o, batch, i, True, False))
    return out


def _best(fn, clock, seconds=0.15, rounds=5):
    """Seconds per call: the least over ``rounds`` timed blocks."""
    now = _timer(clock)
    fn()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 0.02 or n < 2:
        fn()
        n += 1
    calls = max(1, int(n / (time.perf_counter() - t0) * seconds / rounds))
    best = float("inf")
    for _ in range(rounds):
        t0 = now()
        for _ in range(calls):
            fn()
        best = min(best, (now() - t0) / calls)
    return best


def product_gflops(framework, shape, clock):
    """label -> {side: GFLOPS} for each product of the step."""
    rng = np.random.default_rng(0)
    rows = {}
    for label, m, k, n, a_t, b_t in step_products(shape):
        a = rng.standard_normal((k, m) if a_t else (m, k)).astype(np.float32)
        b = rng.standard_normal((n, k) if b_t else (k, n)).astype(np.float32)
        a, b = (a.T if a_t else a), (b.T if b_t else b)
        c = np.empty((m, n), np.float32)
        flops = 2.0 * m * n * k
        if framework == "pytorch":
            import torch

            ta, tb, tc = torch.from_numpy(a), torch.from_numpy(b), torch.from_numpy(c)
            sides = {"MKL": lambda: torch.mm(ta, tb, out=tc)}
        else:
            from tinygrad_scores.kernels import wait_for_builds
            from tinygrad_scores.kernels.matmul import matmul_into

            matmul_into(a, b, c)
            wait_for_builds()
            sides = {
                "ours": lambda: matmul_into(a, b, c),
                "OpenBLAS": lambda: np.matmul(a, b, out=c),
            }
        rows[f"{label} ({m}x{k}x{n})"] = {
            s: flops / _best(fn, clock) / 1e9 for s, fn in sides.items()
        }
    return rows


def worker(framework, shapes, steps, clock):
    if framework == "pytorch":
        import torch as T
    else:
        import tinygrad_scores as T
    out = {}
    for name in shapes:
        out[name] = {
            "phases": phase_times(T, SHAPES[name], steps, clock),
            "products": product_gflops(framework, SHAPES[name], clock),
        }
    return out


def run(framework, python, threads, shapes, steps, clock):
    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        env[var] = str(threads)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = (
        "import json; from benchmarks.step_phases import worker; "
        f"print(json.dumps(worker({framework!r}, {shapes!r}, {steps}, {clock!r})))"
    )
    done = subprocess.run(
        [python, "-c", code], env=env, cwd=root, check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.step_phases", description=__doc__)
    parser.add_argument("--torch-python", required=True, metavar="PATH")
    parser.add_argument("--threads", type=int, nargs="+", default=[1])
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    args = parser.parse_args(argv)
    for threads in args.threads:
        ours = run("ours", sys.executable, threads, args.shapes, args.steps, args.clock)
        pt = run("pytorch", args.torch_python, threads, args.shapes, args.steps, args.clock)
        for name in args.shapes:
            print(f"\n{name} {SHAPES[name]}, {threads} thread(s), {args.clock} clock")
            print(f"{'phase':<12}{'ours us':>10}{'PyTorch us':>12}{'ratio':>7}")
            total = [0.0, 0.0]
            for phase in PHASES:
                a, b = ours[name]["phases"][phase], pt[name]["phases"][phase]
                total = [total[0] + a, total[1] + b]
                print(f"{phase:<12}{a:>10.0f}{b:>12.0f}{a / b:>7.2f}")
            print(f"{'sum':<12}{total[0]:>10.0f}{total[1]:>12.0f}{total[0] / total[1]:>7.2f}")
            print(f"{'product':<28}{'ours':>8}{'OpenBLAS':>10}{'MKL':>8}   GFLOPS")
            for label, sides in ours[name]["products"].items():
                mkl = pt[name]["products"][label]["MKL"]
                print(f"{label:<28}{sides['ours']:>8.1f}{sides['OpenBLAS']:>10.1f}{mkl:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
