"""Measure each kernel against NumPy in this process; the training steps and the per-op
costs of NumPy, PyTorch, JAX and ours each in its own process (benchmarks.procs)."""

import argparse
import json
import os
import platform
import statistics
import sys
import time

import numba
import numpy as np

from tinygrad_scores import kernels
from tinygrad_scores.kernels import reference as ref

from . import procs
from .baselines import numpy_adam_step, numpy_sgd_step

WARM_S = 0.003  # untimed calls before each timed block: the other thread pool goes quiet


def measure(fns, repeats, min_time):
    """Time every fn of ``fns`` (name -> callable) in interleaved rounds. In each round
    each fn runs untimed for WARM_S, then a timed block of calls (so each library is
    measured in its steady state, with its own threads awake and the other's asleep).
    Returns name -> (median, min, max) seconds per call."""
    calls = {}
    for name, fn in fns.items():
        fn()
        kernels.wait_for_builds()  # the threaded builds that first call asked for
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < min_time / 4 or n < 1:
            fn()
            n += 1
        elapsed = max(time.perf_counter() - t0, 1e-9)
        calls[name] = max(1, int(n * 4 * min_time / elapsed / repeats))
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


def _row(group, label, fns, flops, repeats, min_time, note=None):
    times = measure(fns, repeats, min_time)
    base = times["numpy"][0]
    row = {"group": group, "case": label}
    for name, (med, lo, hi) in times.items():
        row[name] = {
            "median_s": med,
            "min_s": lo,
            "max_s": hi,
            "ratio_vs_numpy": med / base,
            "gflops": flops / med / 1e9 if flops else None,
        }
    if note:
        row["note"] = note
    return row


# The loop floor's matmul is the textbook triple loop: 0.1-0.2 s for 512^3 on the CI
# machine, but 6-9 s for 1024^3 (B's columns no longer fit in cache), so bigger products
# are left out of its column.
LOOPS_MATMUL_MAX = 512**3


def kernel_rows(quick, repeats, min_time):
    """One row per kernel case: the fast floor ("tinygrad_scores"), the loop floor
    ("loops") and the NumPy twin, each called through the floor's entry points (what the
    op layer calls)."""
    rng = np.random.default_rng(0)
    rows = []
    fast, loops = kernels.FLOORS["fast"], kernels.FLOORS["loops"]
    floors = {"tinygrad_scores": fast, "loops": loops}
    shapes = (
        [(64, 784, 128), (256, 256, 256)]
        if quick
        else [(64, 784, 128), (256, 256, 256), (512, 512, 512), (1024, 1024, 1024)]
    )
    for m, k, n in shapes:
        a = rng.standard_normal((m, k)).astype(np.float32)
        b = rng.standard_normal((k, n)).astype(np.float32)
        g = rng.standard_normal((m, n)).astype(np.float32)
        out_f, out_da, out_db = (
            np.empty((m, n), np.float32),
            np.empty((m, k), np.float32),
            np.empty((k, n), np.float32),
        )
        flops = 2 * m * n * k
        with_loops = m * k * n <= LOOPS_MATMUL_MAX
        note = (
            None if with_loops else f"loop floor left out: over {LOOPS_MATMUL_MAX:,} multiply-adds"
        )
        for label, lhs, rhs, out in [
            (f"matmul {m}x{k} @ {k}x{n}", a, b, out_f),
            (f"  dA = G @ B^T ({m}x{n} @ {n}x{k})", g, b.T, out_da),
            (f"  dB = A^T @ G ({k}x{m} @ {m}x{n})", a.T, g, out_db),
        ]:
            fns = {"numpy": lambda lhs=lhs, rhs=rhs, out=out: np.matmul(lhs, rhs, out=out)}
            for name, fl in floors.items():
                if name == "tinygrad_scores" or with_loops:
                    fns[name] = lambda fl=fl, lhs=lhs, rhs=rhs, out=out: fl.matmul_into(
                        lhs, rhs, out
                    )
            rows.append(_row("matmul", label, fns, flops, repeats, min_time, note))
    for size in [64 * 128] if quick else [64 * 128, 1 << 20]:
        x = rng.standard_normal(size).astype(np.float32)
        gr = rng.standard_normal(size).astype(np.float32)
        out, gin = np.empty_like(x), np.empty_like(x)

        def relu_numpy():
            y = np.maximum(x, 0, out=out)
            np.multiply(gr, y > 0, out=gin)

        def relu_floor(fl):
            def run():
                fl.relu_forward(x, out)
                fl.relu_backward(out, gr, gin)

            return run

        rows.append(
            _row(
                "relu",
                f"relu fwd+bwd {size}",
                {"numpy": relu_numpy, **{k: relu_floor(fl) for k, fl in floors.items()}},
                0,
                repeats,
                min_time,
            )
        )
    cases = [(64, 2), (128, 10)] if quick else [(64, 2), (128, 10), (512, 10), (4096, 1000)]
    for n, c in cases:
        x = rng.standard_normal((n, c)).astype(np.float32)
        gr = rng.standard_normal((n, c)).astype(np.float32)
        y = rng.integers(0, c, n)
        w = np.ones(c, np.float32)
        one = np.array(1.0, np.float32)  # the upstream gradient of a mean loss
        losses, out, gin = (
            np.empty(n, np.float32),
            np.empty((n, c), np.float32),
            np.empty((n, c), np.float32),
        )

        def rowwise(fwd, bwd):
            def run():
                fwd(x, out)
                bwd(out, gr, gin)

            return run

        def ce_floor(fl):  # what F.cross_entropy runs: label check, forward, backward
            def run():
                bad, total_weight = fl.check_labels(y, c, -100, w)
                loss_sum, saved = fl.cross_entropy_forward(
                    x, y, w, -100, 1.0 / total_weight, losses, True
                )
                return loss_sum / total_weight, fl.cross_entropy_backward(
                    saved, y, w, -100, 1.0 / total_weight, one
                )

            return run

        for name, label in (("softmax", "softmax"), ("log_softmax", "log-softmax")):
            fwd, bwd = getattr(ref, name + "_forward"), getattr(ref, name + "_backward")
            rows.append(
                _row(
                    name,
                    f"{label} fwd+bwd {n}x{c}",
                    {
                        "numpy": lambda fwd=fwd, bwd=bwd: bwd(fwd(x), gr),
                        **{
                            k: rowwise(
                                getattr(fl, name + "_forward"), getattr(fl, name + "_backward")
                            )
                            for k, fl in floors.items()
                        },
                    },
                    0,
                    repeats,
                    min_time,
                )
            )
        rows.append(
            _row(
                "cross_entropy",
                f"softmax+CE fwd+bwd {n}x{c}",
                {
                    "numpy": lambda: ref.cross_entropy(x, y),
                    **{k: ce_floor(fl) for k, fl in floors.items()},
                },
                0,
                repeats,
                min_time,
            )
        )
    for size in [100_000] if quick else [100_000, 1_000_000]:
        p0 = rng.standard_normal(size).astype(np.float32)
        g = rng.standard_normal(size).astype(np.float32)
        tmp, empty = np.empty_like(p0), np.zeros(0, np.float32)
        # each column updates its own copy of the parameter and state
        state = {
            name: (p0.copy(), np.zeros_like(p0), np.zeros_like(p0)) for name in ("numpy", *floors)
        }
        adam = {"numpy": lambda s=state["numpy"]: numpy_adam_step(s[0], g, s[1], s[2], 10, tmp=tmp)}
        sgd = {"numpy": lambda s=state["numpy"]: numpy_sgd_step(s[0], g, s[1], tmp=tmp)}
        for name, fl in floors.items():
            s = state[name]
            adam[name] = lambda fl=fl, s=s: fl.adam(
                s[0], g, s[1], s[2], empty, 1e-3, 0.9, 0.999, 1e-8, 0.0, 0.0, 10, False
            )
            sgd[name] = lambda fl=fl, s=s: fl.sgd(s[0], g, s[1], 1e-2, 0.9, 0.0, 0.0, False, False)
        rows.append(_row("adam", f"Adam update {size:,} params", adam, 0, repeats, min_time))
        rows.append(_row("sgd", f"SGD+momentum update {size:,} params", sgd, 0, repeats, min_time))
    return rows


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
    same step in plain NumPy. Python's bytecode cache is on, as for an installed package
    (pip writes it at install), whatever PYTHONDONTWRITEBYTECODE says here: without it
    every run compiles the package's sources again (0.15 s of a warm start)."""
    import subprocess
    import sys
    import tempfile

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def seconds(code, cache):
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return float(out.stdout.strip().splitlines()[-1])

    rows = []
    with tempfile.TemporaryDirectory() as cache:
        numpy_s = min(seconds(_STARTUP_NUMPY, cache) for _ in range(3))
        # cold runs once (it fills the cache); warm three times (median, min, max)
        for label, runs in (("start-up cold (empty cache)", 1), ("start-up warm (cached)", 3)):
            times = sorted(seconds(_STARTUP, cache) for _ in range(runs))
            ours, low, high = times[len(times) // 2], times[0], times[-1]
            rows.append(
                {
                    "group": "startup",
                    "case": label,
                    "numpy": {
                        "median_s": numpy_s,
                        "min_s": numpy_s,
                        "max_s": numpy_s,
                        "ratio_vs_numpy": 1.0,
                        "gflops": None,
                    },
                    "tinygrad_scores": {
                        "median_s": ours,
                        "min_s": low,
                        "max_s": high,
                        "ratio_vs_numpy": ours / numpy_s,
                        "gflops": None,
                    },
                }
            )
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
        lib = cfg["Build Dependencies"]["blas"]
        blas = f"{lib['name']} {lib.get('version', '')}"
    except Exception:  # older NumPy has no mode="dicts"
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "blas": blas,
        "threads": numba.config.NUMBA_NUM_THREADS,
        "pytorch": None,
        "jax": None,
    }


def _cell(row, name):
    if name not in row:
        return f"{'-':>20}"
    r = row[name]
    return f"{r['median_s'] * 1e6:>11.1f} [{r['min_s'] * 1e6:.0f}-{r['max_s'] * 1e6:.0f}]".rjust(20)


def _ratio(row, name, key="ratio_vs_numpy", width=10):
    if name in row and key in row[name]:
        return f"{row[name][key]:.2f}x".rjust(width)
    return f"{'-':>{width}}"


def _print_part(title, rows, columns, ratios, extra=None):
    """One table: ``columns`` (key, heading) of times, ``ratios`` (key, ratio key, heading),
    ``extra`` (heading, row -> text) last; each row's note printed under it."""
    print(f"\n## {title}")
    header = (
        f"{'case':<40}"
        + "".join(f"{head + ' (us)':>20}" for _, head in columns)
        + "".join(f"{head:>10}" for _, _, head in ratios)
        + (f"{extra[0]:>22}" if extra else "")
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        line = (
            f"{row['case']:<40}"
            + "".join(_cell(row, key) for key, _ in columns)
            + "".join(_ratio(row, key, rkey) for key, rkey, _ in ratios)
            + (f"{extra[1](row):>22}" if extra else "")
        )
        print(line)
        if row.get("note"):
            print(f"    ({row['note']})")


def _gflops(row):
    parts = [row[n]["gflops"] if n in row else None for n in ("loops", "tinygrad_scores", "numpy")]
    if parts[1] is None:
        return ""
    return "/".join("-" if g is None else f"{g:.1f}" for g in parts)


def _versions(info, threads, clock=None):
    clock = clock or info.get("clock", "wall")
    return (
        f"    ({info['cpu']}, {info['cores']} cores, {threads}, {clock} clock; "
        f"Python {info['python']}, "
        f"NumPy {info['numpy']} ({info['blas']}), Numba {info['numba']}"
        + (f", PyTorch {info['pytorch']}" if info.get("pytorch") else "")
        + (f", JAX {info['jax']}" if info.get("jax") else "")
        + ")"
    )


def print_table(rows, info):
    print(
        "# median us per call [min-max over rounds]; a ratio is the median over rounds of "
        "the ratio within each round"
    )
    for note in info.get("notes", []):
        print(f"# {note}")
    kernel_part = [r for r in rows if r["group"] not in ("train_step", "startup", "op")]
    steps = [r for r in rows if r["group"] == "train_step"]
    ops = [r for r in rows if r["group"] == "op"]
    startup = [r for r in rows if r["group"] == "startup"]
    if kernel_part:
        _print_part(
            "kernels: loop floor, fast floor (ours), NumPy (one process)",
            kernel_part,
            [("loops", "loops"), ("tinygrad_scores", "fast"), ("numpy", "numpy")],
            [
                ("loops", "ratio_vs_numpy", "loops/np"),
                ("tinygrad_scores", "ratio_vs_numpy", "fast/np"),
            ],
            ("GFLOPS loops/fast/np", _gflops),
        )
        print(
            f"    (loop-floor matmul only up to {LOOPS_MATMUL_MAX:,} multiply-adds: "
            "the triple loop takes seconds per call beyond)"
        )
        print(_versions(info, f"{info['threads']} thread(s)", "wall"))
    if steps:
        others = [(p, p) for p in ("pytorch", "jax") if any(p in r for r in steps)]
        ratios = [
            ("tinygrad_scores", "ratio_vs_numpy", "eager/np"),
            ("captured", "ratio_vs_numpy", "capt/np"),
            ("tinygrad_scores", "ratio_vs_pytorch", "eager/pt"),
            ("captured", "ratio_vs_jax", "capt/jax"),
        ]
        _print_part(
            "training steps (Linear-ReLU-Linear, cross-entropy, Adam, loss read each step; "
            f"{kernels.active().NAME} kernels), each framework in its own process",
            steps,
            [("tinygrad_scores", "eager"), ("captured", "captured"), ("numpy", "numpy")] + others,
            ratios,
            ("captured replays", lambda r: "yes" if r.get("captured_replays") else "NO"),
        )
        threads = sorted({r["threads"] for r in steps})
        print(_versions(info, "threads " + "/".join(map(str, threads))))
    if ops:
        _print_part(
            "per-op cost, float32 (fwd: no grad; fwd grad: inputs require grad; "
            "fwd+bwd: backward with a given gradient), each framework in its own process",
            ops,
            [("tinygrad_scores", "ours"), ("pytorch", "pytorch")],
            [("tinygrad_scores", "ratio_vs_pytorch", "ours/pt")],
        )
        ratios = [r["tinygrad_scores"]["ratio_vs_pytorch"] for r in ops if "pytorch" in r]
        if ratios:
            print(
                f"    ({sum(x <= 1.0 for x in ratios)} of {len(ratios)} ratios <= 1.00; "
                f"median ratio {statistics.median(ratios):.2f})"
            )
        print(_versions(info, f"{ops[0]['threads']} thread(s)"))
    if startup:
        _print_part(
            "start-up: import + one step in a fresh process",
            startup,
            [("tinygrad_scores", "ours"), ("numpy", "numpy")],
            [("tinygrad_scores", "ratio_vs_numpy", "ours/numpy")],
        )
        print(_versions(info, "default threads", "wall"))
        import importlib.util

        if importlib.util.find_spec("scipy") is not None:
            print(
                "    (SciPy is installed here: Numba imports it when it loads its first "
                "kernel, about 0.1 s of the warm start-up that a venv without it does not pay)"
            )


def plot(rows, path):
    """The training-step table as grouped bars: one group per network shape, one bar per
    library, milliseconds per step (lower is better)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(
            "--plot needs matplotlib, which is not installed: pip install 'tinygrad-scores[plot]'"
        )
        return False
    steps = [r for r in rows if r["group"] == "train_step"]
    if not steps:
        print("--plot draws the training-step rows: run without --only kernels")
        return False
    impls = [n for n in ("tinygrad_scores", "captured", "numpy", "pytorch", "jax") if n in steps[0]]
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


def _thread_counts(text):
    counts = [int(n) for n in text.split(",")]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"thread counts must be positive: {text!r}")
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a reduced set, under a minute")
    parser.add_argument(
        "--threads",
        type=_thread_counts,
        default=None,
        help="threads per process, a list such as 1,2: the step table runs each; the kernel "
        "and per-op tables run the first (default: every core)",
    )
    parser.add_argument("--repeats", type=int, default=None, help="interleaved rounds per row")
    parser.add_argument("--json", metavar="PATH", help="write every figure and the machine to PATH")
    parser.add_argument(
        "--plot", metavar="PATH", help="draw the training-step bars (needs matplotlib)"
    )
    parser.add_argument(
        "--only", choices=["kernels", "steps", "ops", "startup"], help="run one part"
    )
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="what the workers time: wall time, or their CPU time (one thread on a busy machine)",
    )
    parser.add_argument("--torch-python", metavar="PATH", help="a Python that imports torch")
    parser.add_argument("--jax-python", metavar="PATH", help="a Python that imports jax")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 7)
    min_time = 0.02 if args.quick else 0.15
    threads = args.threads or [os.cpu_count() or 1]
    info = machine()
    procs.CLOCK["clock"] = info["clock"] = args.clock
    notes, versions = [], {}
    pythons = {"numpy": sys.executable, "tinygrad_scores": sys.executable}
    pythons["captured"] = sys.executable
    for name, module, option in (
        ("pytorch", "torch", args.torch_python),
        ("jax", "jax", args.jax_python),
    ):
        python, why = procs.find_python(option, module)
        if python:
            pythons[name] = python
        else:
            notes.append(why)
    rows = []
    if args.only in (None, "kernels"):
        floor = kernels.active().NAME
        kernels.set_kernels("fast")  # FLOORS["fast"]'s optimizer steps ask the active floor
        try:
            rows += kernel_rows(args.quick, repeats, min_time)
        finally:
            kernels.set_kernels(floor)
    if args.only in (None, "steps"):
        rows += procs.step_rows(args.quick, repeats, min_time, threads, pythons, versions, notes)
    if args.only == "ops" or (args.only is None and not args.quick):
        rows += procs.op_rows(repeats, min_time / 5, threads[0], pythons, versions, notes)
    if args.only == "startup" or (args.only is None and not args.quick):
        rows += startup_rows()
    info.update(pytorch=versions.get("pytorch"), jax=versions.get("jax"), notes=notes)
    print_table(rows, info)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "rows": rows}, f, indent=1)
        print(f"wrote {args.json}")
    if args.plot:
        plot(rows, args.plot)
    return 0
