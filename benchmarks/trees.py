"""The same first-order workloads timed on two source trees, each in its own process.

``python -m benchmarks.trees BEFORE_DIR AFTER_DIR`` runs, for each tree (its package first
on ``sys.path``), fresh processes that time the eager training steps (forward, cross-entropy,
backward, Adam) at the seed, mnist and tiny shapes and the per-op cost of small ops with
gradients, interleaving the trees round by round; it prints medians and the ratio
after / before taken within each round. Used to show that a change to the engine costs
first-order training nothing (a ratio near 1.00)."""

import json
import os
import statistics
import subprocess
import sys

WORKER = r"""
import json, sys, time
import numpy as np
import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F

def timed(fn, min_time=0.3):
    fn(); fn()
    n, start = 0, time.perf_counter()
    while True:
        fn(); n += 1
        elapsed = time.perf_counter() - start
        if elapsed > min_time and n >= 5:
            return elapsed / n * 1e6

results = {}
torch.manual_seed(0)
for name, (batch, sizes) in {"seed 64: 784-128-2": (64, (784, 128, 2)),
                             "mnist 128: 784-256-10": (128, (784, 256, 10)),
                             "tiny 8: 4-16-3": (8, (4, 16, 3))}.items():
    model = nn.Sequential(nn.Linear(sizes[0], sizes[1]), nn.ReLU(), nn.Linear(sizes[1], sizes[2]))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, y = torch.randn(batch, sizes[0]), torch.randint(0, sizes[2], (batch,))
    def step():
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()
    results["step " + name] = timed(step)

a = torch.randn(8, 16, requires_grad=True)
b = torch.randn(8, 16, requires_grad=True)
w = torch.randn(16, 16, requires_grad=True)
ops = {
    "add": lambda: a + b, "mul": lambda: a * b, "matmul": lambda: a @ w,
    "tanh": lambda: a.tanh(), "index a[2:5, 1]": lambda: a[2:5, 1], "sum": lambda: a.sum(),
}
for name, fn in ops.items():
    results["op fwd " + name] = timed(fn, 0.15)
    results["op fwd+bwd " + name] = timed(lambda: fn().sum().backward(), 0.15)
print(json.dumps(results))
"""


def run(tree):
    env = dict(os.environ, PYTHONPATH=os.path.abspath(tree))
    out = subprocess.run(
        [sys.executable, "-c", WORKER], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    before, after = sys.argv[1], sys.argv[2]
    rounds = int(os.environ.get("ROUNDS", 3))
    runs = {before: [], after: []}
    for _ in range(rounds):
        for tree in (before, after):
            runs[tree].append(run(tree))
    print(f"{'workload':<28} {'before us':>10} {'after us':>10} {'after/before':>13}")
    for key in runs[before][0]:
        b = statistics.median(r[key] for r in runs[before])
        a = statistics.median(r[key] for r in runs[after])
        ratio = statistics.median(ra[key] / rb[key] for ra, rb in zip(runs[after], runs[before]))
        print(f"{key:<28} {b:10.1f} {a:10.1f} {ratio:13.2f}")


if __name__ == "__main__":
    main()
