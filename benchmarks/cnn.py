"""The CNN section: a training step (forward + backward + Adam) of the official MNIST example's
CNN and of LeNet-5, batch 64, float32, ours against PyTorch's eager CPU step and a NumPy
im2col step, each framework in a process of its own (benchmarks/cnn_worker.py), at 1 and 2
threads; then conv2d's three products on the MNIST CNN's second layer against OpenBLAS's GEMM
of the same size.

    python -m benchmarks.cnn [--rounds 5] [--seconds 1] [--threads 1,2] [--json PATH]
    python -m benchmarks --cnn ...               (the same)

Rounds are interleaved (ours, PyTorch, NumPy, ours, ...) so that a change in the machine's
load hits every framework alike; each figure is the median over rounds of each block's
median step. PyTorch runs from $TORCH_PYTHON (default /work/torchvenv/bin/python); without
it that column is left out.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "cnn_worker.py")
MODELS = {"mnist": "MNIST CNN step", "lenet": "LeNet-5 step"}
PRODUCTS = ("forward", "input_grad", "weight_grad")
CONV_FLOPS = 2 * 64 * 64 * 24 * 24 * 32 * 9  # the second layer: every product the same


class Worker:
    def __init__(self, framework, python, threads):
        env = dict(os.environ)
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(threads)
        env["NUMBA_NUM_THREADS"] = str(threads)
        env["PYTHONPATH"] = os.path.dirname(HERE)
        self.proc = subprocess.Popen(
            [python, WORKER, framework], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, env=env,
        )  # fmt: skip
        assert self.proc.stdout.readline().strip() == "ready", framework

    def ask(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline())

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def run(threads, rounds, seconds, torch_python):
    pythons = {"ours": sys.executable, "numpy": sys.executable}
    if torch_python and os.path.exists(torch_python):
        pythons["torch"] = torch_python
    workers = {name: Worker(name, python, threads) for name, python in pythons.items()}
    steps = {(m, f): [] for m in MODELS for f in workers}
    products = {(p, f): [] for p in PRODUCTS for f in ("ours", "numpy")}
    try:
        for _ in range(rounds):
            for model in MODELS:
                for name, worker in workers.items():
                    steps[model, name].append(worker.ask(f"step {model} {seconds}"))
            for product in PRODUCTS:
                for name in ("ours", "numpy"):
                    products[product, name].append(
                        workers[name].ask(f"conv {product} {seconds / 2}")
                    )
    finally:
        for worker in workers.values():
            worker.close()
    med = statistics.median
    return {
        "threads": threads,
        "steps": {f"{m}/{f}": med(v) for (m, f), v in steps.items()},
        "products": {f"{p}/{f}": med(v) for (p, f), v in products.items()},
    }


def print_tables(results):
    print("CNN training step, batch 64, float32 (median ms per step; ratio = ours / other)")
    print(f"{'step':<16}{'threads':>8}{'ours':>10}{'PyTorch':>10}{'NumPy':>10}"
          f"{'vs PyTorch':>12}{'vs NumPy':>10}")  # fmt: skip
    for r in results:
        s = r["steps"]
        for model, label in MODELS.items():
            ours, torch, numpy = (s.get(f"{model}/{f}") for f in ("ours", "torch", "numpy"))
            cell = f"{torch * 1e3:10.1f}" if torch else f"{'-':>10}"
            ratio = f"{ours / torch:11.2f}x" if torch else f"{'-':>12}"
            print(f"{label:<16}{r['threads']:>8}{ours * 1e3:10.1f}{cell}{numpy * 1e3:10.1f}"
                  f"{ratio}{ours / numpy:9.2f}x")  # fmt: skip
    print()
    print("conv2d products of the MNIST CNN's second layer (64x32x26x26 * 64x32x3x3), GFLOPS;")
    print("OpenBLAS: np.matmul of the same size (64 x 288 x 36,864 and its transposes)")
    print(f"{'product':<14}{'threads':>8}{'ours':>10}{'OpenBLAS':>10}{'ours/BLAS':>11}")
    for r in results:
        for product in PRODUCTS:
            ours = CONV_FLOPS / r["products"][f"{product}/ours"] / 1e9
            blas = CONV_FLOPS / r["products"][f"{product}/numpy"] / 1e9
            print(f"{product:<14}{r['threads']:>8}{ours:10.1f}{blas:10.1f}{ours / blas:10.0%}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cnn", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0, help="timed block per round")
    parser.add_argument("--threads", default="1,2", help="thread counts, comma-separated")
    parser.add_argument(
        "--torch-python", default=os.environ.get("TORCH_PYTHON", "/work/torchvenv/bin/python")
    )
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args(argv)
    results = [
        run(int(t), args.rounds, args.seconds, args.torch_python) for t in args.threads.split(",")
    ]
    print_tables(results)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
