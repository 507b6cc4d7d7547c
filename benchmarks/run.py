"""Measure each kernel and a full training step against NumPy, in one run, interleaved."""
import argparse
import json
import os
import platform
import statistics
import time

import numba
import numpy as np

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
import tinygrad_scores.optim as optim
from tinygrad_scores.kernels import cross_entropy as ce, optim as optk, relu as reluk, softmax as smk
from tinygrad_scores.kernels import reference as ref
from tinygrad_scores.kernels.matmul import matmul_into

from .baselines import NumpyMLP, numpy_adam_step

try:
    import torch
except ImportError:      # PyTorch is optional: a column when present
    torch = None
try:
    import jax
    import jax.numpy as jnp
except ImportError:      # JAX is optional too (pip install jax): a column when present
    jax = None


WARM_S = 0.003   # untimed calls before each timed block: the other thread pool goes quiet


def measure(fns, repeats, min_time):
    """Time every fn of ``fns`` (name -> callable) in interleaved rounds. In each round
    each fn runs untimed for WARM_S, then a timed block of calls (so each library is
    measured in its steady state, with its own threads awake and the other's asleep).
    Returns name -> (median, min, max) seconds per call."""
    calls = {}
    for name, fn in fns.items():
        fn()
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < min_time / 4 or n < 1:
            fn()
            n += 1
        calls[name] = max(1, int(n * 4 * min_time / max(time.perf_counter() - t0, 1e-9) / repeats) or 1)
    samples = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < WARM_S:
                fn()
            k = calls[name]
            t0 = time.perf_counter()
            for _ in range(k):
                fn()
            samples[name].append((time.perf_counter() - t0) / k)
    return {n: (statistics.median(s), min(s), max(s)) for n, s in samples.items()}


def _row(group, label, fns, flops, repeats, min_time):
    times = measure(fns, repeats, min_time)
    base = times["numpy"][0]
    row = {"group": group, "case": label}
    for name, (med, lo, hi) in times.items():
        row[name] = {"median_s": med, "min_s": lo, "max_s": hi,
                     "ratio_vs_numpy": med / base,
                     "gflops": flops / med / 1e9 if flops else None}
    return row


def kernel_rows(quick, repeats, min_time):
    rng = np.random.default_rng(0)
    rows = []
    shapes = [(64, 784, 128), (256, 256, 256)] if quick else \
        [(64, 784, 128), (256, 256, 256), (512, 512, 512), (1024, 1024, 1024)]
    for m, k, n in shapes:
        a = rng.standard_normal((m, k)).astype(np.float32)
        b = rng.standard_normal((k, n)).astype(np.float32)
        g = rng.standard_normal((m, n)).astype(np.float32)
        out_f, out_da, out_db = np.empty((m, n), np.float32), np.empty((m, k), np.float32), \
            np.empty((k, n), np.float32)
        flops = 2 * m * n * k
        for label, ours, theirs in [
                (f"matmul {m}x{k} @ {k}x{n}", lambda: matmul_into(a, b, out_f), lambda: np.matmul(a, b, out=out_f)),
                (f"  dA = G @ B^T ({m}x{n} @ {n}x{k})", lambda: matmul_into(g, b.T, out_da),
                 lambda: np.matmul(g, b.T, out=out_da)),
                (f"  dB = A^T @ G ({k}x{m} @ {m}x{n})", lambda: matmul_into(a.T, g, out_db),
                 lambda: np.matmul(a.T, g, out=out_db))]:
            rows.append(_row("matmul", label, {"numpy": theirs, "tinygrad_scores": ours}, flops, repeats, min_time))
    for size in ([64 * 128] if quick else [64 * 128, 1 << 20]):
        x = rng.standard_normal(size).astype(np.float32)
        gr = rng.standard_normal(size).astype(np.float32)
        out, gin = np.empty_like(x), np.empty_like(x)

        def ours():
            reluk.relu_forward(x, out)
            reluk.relu_backward(out, gr, gin)

        def theirs():
            y = np.maximum(x, 0, out=out)
            np.multiply(gr, y > 0, out=gin)
        rows.append(_row("relu", f"relu fwd+bwd {size}", {"numpy": theirs, "tinygrad_scores": ours}, 0,
                         repeats, min_time))
    cases = [(64, 2), (128, 10)] if quick else [(64, 2), (128, 10), (512, 10), (4096, 1000)]
    for n, c in cases:
        x = rng.standard_normal((n, c)).astype(np.float32)
        y = rng.integers(0, c, n)
        w = np.ones(c, np.float32)
        losses, grad, sm = np.empty(n, np.float32), np.empty((n, c), np.float32), np.empty((n, c), np.float32)

        def ce_ours():   # what F.cross_entropy runs: label check, then the fused kernel
            bad, total_weight = ce.check_labels(y, c, -100, w)
            loss_sum = ce.cross_entropy_forward(x, y, w, -100, 1.0 / total_weight, losses, grad, True)
            return loss_sum / total_weight, grad

        rows.append(_row("softmax", f"softmax fwd {n}x{c}",
                         {"numpy": lambda: ref.softmax_forward(x), "tinygrad_scores": lambda: smk.softmax_forward(x, sm)},
                         0, repeats, min_time))
        rows.append(_row("cross_entropy", f"softmax+CE fwd+bwd {n}x{c}",
                         {"numpy": lambda: ref.cross_entropy(x, y), "tinygrad_scores": ce_ours}, 0, repeats, min_time))
    for size in ([100_000] if quick else [100_000, 1_000_000]):
        p, g = rng.standard_normal(size).astype(np.float32), rng.standard_normal(size).astype(np.float32)
        m, v, e = np.zeros_like(p), np.zeros_like(p), np.zeros(0, np.float32)
        pn, mn, vn, tmp = p.copy(), np.zeros_like(p), np.zeros_like(p), np.empty_like(p)
        rows.append(_row("adam", f"Adam update {size:,} params",
                         {"numpy": lambda: numpy_adam_step(pn, g, mn, vn, 10, tmp=tmp),
                          "tinygrad_scores": lambda: optk.adam(p, g, m, v, e, 1e-3, 0.9, 0.999, 1e-8, 0.0, 0.0, 10, False)},
                         0, repeats, min_time))
    return rows


def step_rows(quick, repeats, min_time):
    configs = [(64, 784, 128, 2), (8, 4, 16, 3)] if quick else \
        [(64, 784, 128, 2), (128, 784, 256, 10), (512, 784, 1024, 10), (8, 4, 16, 3)]
    rows = []
    for batch, n_in, hidden, n_out in configs:
        ts.manual_seed(0)
        model = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out))
        opt = optim.Adam(model.parameters(), lr=1e-3)
        params = [p.detach().numpy().copy() for p in model.parameters()]
        x = ts.randn(batch, n_in)
        y = ts.randint(0, n_out, (batch,))
        npnet = NumpyMLP(params)
        ours_loss = F.cross_entropy(model(x), y).item()
        theirs_loss = npnet.loss_and_grads(x.numpy(), y.numpy())[0]
        if not np.isclose(ours_loss, theirs_loss, rtol=1e-4):
            raise RuntimeError(f"losses disagree before timing: {ours_loss} vs {theirs_loss}")

        def ours():
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()

        fns = {"numpy": lambda: npnet.step(x.numpy(), y.numpy()), "tinygrad_scores": ours}
        if torch is not None:
            tmodel = torch.nn.Sequential(torch.nn.Linear(n_in, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, n_out))
            with torch.no_grad():
                for tp, p in zip(tmodel.parameters(), params):
                    tp.copy_(torch.from_numpy(p))
            topt = torch.optim.Adam(tmodel.parameters(), lr=1e-3)
            tx, ty = torch.from_numpy(x.numpy()), torch.from_numpy(y.numpy())

            def pytorch():
                loss = torch.nn.functional.cross_entropy(tmodel(tx), ty)
                topt.zero_grad()
                loss.backward()
                topt.step()
            fns["pytorch"] = pytorch
        if jax is not None:
            fns["jax"] = jax_step(params, x.numpy(), y.numpy())
        flops = 3 * 2 * batch * (n_in * hidden + hidden * n_out)
        rows.append(_row("train_step", f"train step {batch}: {n_in}-{hidden}-{n_out}", fns, flops, repeats, min_time))
    return rows


def jax_step(params, x, y, lr=1e-3, b1=0.9, b2=0.999, eps=1e-8):
    """The same training step in JAX, forward + cross-entropy + backward + Adam in one
    ``jax.jit`` function; returns a callable that runs one step and waits for it."""
    def loss_fn(p, x, y):
        w1, c1, w2, c2 = p
        s = jnp.maximum(x @ w1.T + c1, 0) @ w2.T + c2
        return -jnp.mean(jax.nn.log_softmax(s)[jnp.arange(y.shape[0]), y])

    @jax.jit
    def step(p, m, v, t, x, y):
        loss, g = jax.value_and_grad(loss_fn)(p, x, y)
        t = t + 1
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
        v = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(v, g)]
        p = [pi - lr / (1 - b1 ** t) * mi / (jnp.sqrt(vi / (1 - b2 ** t)) + eps)
             for pi, mi, vi in zip(p, m, v)]
        return p, m, v, t, loss

    state = {"p": [jnp.asarray(q) for q in params], "t": jnp.float32(0)}
    state["m"] = [jnp.zeros_like(q) for q in state["p"]]
    state["v"] = [jnp.zeros_like(q) for q in state["p"]]
    xj, yj = jnp.asarray(x), jnp.asarray(y)

    def run():
        state["p"], state["m"], state["v"], state["t"], loss = step(
            state["p"], state["m"], state["v"], state["t"], xj, yj)
        loss.block_until_ready()
    return run


_STARTUP = """
import time; t0 = time.perf_counter()
import tinygrad_scores as ts, tinygrad_scores.nn as nn, tinygrad_scores.nn.functional as F
import tinygrad_scores.optim as optim
model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 2))
opt = optim.Adam(model.parameters(), lr=1e-3)
x, y = ts.randn(64, 784), ts.randint(0, 2, (64,))
loss = F.cross_entropy(model(x), y); opt.zero_grad(); loss.backward(); opt.step()
print(time.perf_counter() - t0)
"""
_STARTUP_NUMPY = """
import time; t0 = time.perf_counter()
import numpy as np
from benchmarks.baselines import NumpyMLP
rng = np.random.default_rng(0)
params = [rng.standard_normal(s).astype(np.float32) for s in ((128, 784), (128,), (2, 128), (2,))]
NumpyMLP(params).step(rng.standard_normal((64, 784)).astype(np.float32), rng.integers(0, 2, 64))
print(time.perf_counter() - t0)
"""


def startup_rows():
    """Import + one seed training step in a fresh process: cold (an empty Numba cache, so
    every kernel compiles) and warm (the same cache, second run). NumPy's column is the
    same step in plain NumPy."""
    import subprocess
    import sys
    import tempfile
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def seconds(code, cache):
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, check=True,
                             capture_output=True, text=True)
        return float(out.stdout.strip().splitlines()[-1])

    rows = []
    with tempfile.TemporaryDirectory() as cache:
        numpy_s = min(seconds(_STARTUP_NUMPY, cache) for _ in range(3))
        for label in ("start-up cold (empty cache)", "start-up warm (cached)"):
            ours = seconds(_STARTUP, cache)
            rows.append({"group": "startup", "case": label,
                         "numpy": {"median_s": numpy_s, "min_s": numpy_s, "max_s": numpy_s,
                                   "ratio_vs_numpy": 1.0, "gflops": None},
                         "tinygrad_scores": {"median_s": ours, "min_s": ours, "max_s": ours,
                                             "ratio_vs_numpy": ours / numpy_s, "gflops": None}})
    return rows


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    blas = "unknown"
    try:
        cfg = np.show_config(mode="dicts")
        blas = f"{cfg['Build Dependencies']['blas']['name']} {cfg['Build Dependencies']['blas'].get('version', '')}"
    except Exception:  # older NumPy has no mode="dicts"
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "numpy": np.__version__,
            "numba": numba.__version__, "blas": blas, "threads": numba.config.NUMBA_NUM_THREADS,
            "pytorch": getattr(torch, "__version__", None), "jax": getattr(jax, "__version__", None)}


def print_table(rows, info):
    print(f"# {info['cpu']}, {info['cores']} cores, {info['threads']} thread(s); NumPy {info['numpy']} "
          f"({info['blas']}), Numba {info['numba']}" + (f", PyTorch {info['pytorch']}" if info["pytorch"] else "")
          + (f", JAX {info['jax']}" if info.get("jax") else ""))
    impls = ["numpy", "tinygrad_scores"] + [p for p in ("pytorch", "jax") if info.get(p)]
    header = f"{'case':<40}" + "".join(f"{name + ' (us)':>20}" for name in impls) + f"{'ours/numpy':>12}{'GFLOPS ours/np':>18}"
    print(header)
    print("-" * len(header))
    for row in rows:
        cells = ""
        for name in impls:
            if name in row:
                r = row[name]
                cells += f"{r['median_s'] * 1e6:>11.1f} [{r['min_s'] * 1e6:.0f}-{r['max_s'] * 1e6:.0f}]".rjust(20)
            else:
                cells += f"{'-':>20}"
        ours = row["tinygrad_scores"]
        gf = f"{ours['gflops']:.1f}/{row['numpy']['gflops']:.1f}" if ours["gflops"] else ""
        print(f"{row['case']:<40}{cells}{ours['ratio_vs_numpy']:>11.2f}x{gf:>18}")


def plot(rows, path):
    """The training-step table as grouped bars: one group per network shape, one bar per
    library, milliseconds per step (lower is better)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("--plot needs matplotlib, which is not installed: pip install 'tinygrad-scores[plot]'")
        return False
    steps = [r for r in rows if r["group"] == "train_step"]
    if not steps:
        print("--plot draws the training-step rows: run without --only kernels")
        return False
    impls = [n for n in ("tinygrad_scores", "numpy", "pytorch", "jax") if n in steps[0]]
    fig, ax = plt.subplots(figsize=(9, 5))
    width = 0.8 / len(impls)
    for i, name in enumerate(impls):
        xs = [g + i * width for g in range(len(steps))]
        ax.bar(xs, [r[name]["median_s"] * 1e3 for r in steps], width, label=name)
    ax.set_xticks([g + width * (len(impls) - 1) / 2 for g in range(len(steps))])
    ax.set_xticklabels([r["case"].replace("train step ", "batch ") for r in steps])
    ax.set_ylabel("ms per training step (median)")
    ax.set_yscale("log")
    ax.legend()
    ax.set_title("Linear-ReLU-Linear, cross-entropy, Adam: one step, float32")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"wrote {path}")
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a reduced set, under a minute")
    parser.add_argument("--threads", type=int, default=None, help="threads for NumPy's BLAS and Numba (1 or 2)")
    parser.add_argument("--repeats", type=int, default=None, help="interleaved rounds per row")
    parser.add_argument("--json", metavar="PATH", help="write every figure and the machine to PATH")
    parser.add_argument("--plot", metavar="PATH", help="draw ratio bars and GFLOPS (needs matplotlib)")
    parser.add_argument("--only", choices=["kernels", "steps", "startup"], help="run one part")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 7)
    min_time = 0.02 if args.quick else 0.15
    rows = []
    if args.only in (None, "kernels"):
        rows += kernel_rows(args.quick, repeats, min_time)
    if args.only in (None, "steps"):
        rows += step_rows(args.quick, repeats, min_time)
    if args.only == "startup" or (args.only is None and not args.quick):
        rows += startup_rows()
    info = machine()
    print_table(rows, info)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "rows": rows}, f, indent=1)
        print(f"wrote {args.json}")
    if args.plot:
        plot(rows, args.plot)
    return 0
