"""A training step with one core kept busy by another process, against the quiet machine:
``python -m benchmarks.busy_core``.

Three settings, each in a fresh process: one thread (NUMBA_NUM_THREADS=1), the default (a
thread team that gives up a thread while another process keeps a core busy: see
kernels/matmul.py, ``team_size``), and the default with that adjustment off (the whole
team always). Each is timed quiet, then with ``python -c "while True: pass"`` running.
Milliseconds per step, median over about three seconds.
"""

import os
import subprocess
import sys

NETWORKS = [(128, 784, 256, 10), (512, 784, 1024, 10)]

_STEP = """
import statistics, sys, time
import tinygrad_scores as ts, tinygrad_scores.nn as nn, tinygrad_scores.nn.functional as F
import tinygrad_scores.optim as optim
from tinygrad_scores import kernels
from tinygrad_scores.kernels import matmul
if sys.argv[1] == "fixed":
    matmul.team_size.PERIOD = float("inf")
out = []
for batch, n_in, hidden, n_out in {networks}:
    ts.manual_seed(0)
    model = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    x, y = ts.randn(batch, n_in), ts.randint(0, n_out, (batch,))
    def step():
        loss = F.cross_entropy(model(x), y); opt.zero_grad(); loss.backward(); opt.step()
    for _ in range(20):
        step()
    kernels.wait_for_builds()  # the threaded builds the first steps asked for
    times, end = [], time.perf_counter() + 3.0
    while time.perf_counter() < end:
        t0 = time.perf_counter(); step(); times.append(time.perf_counter() - t0)
    out.append(statistics.median(times) * 1e3)
print(*out, matmul.team_size.size)
"""


def run(setting):
    env = dict(os.environ)
    if setting == "1 thread":
        env["NUMBA_NUM_THREADS"] = "1"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = _STEP.format(networks=NETWORKS)
    mode = "fixed" if setting.startswith("all") else "-"
    done = subprocess.run(
        [sys.executable, "-c", code, mode],
        env=env,
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    )
    *ms, team = done.stdout.split()
    return [float(m) for m in ms], int(team)


def main():
    settings = ["1 thread", "default (adaptive team)", "all threads always"]
    print(
        f"{'':<14}{'setting':<26}"
        + "".join(f"{f'batch {n[0]} (ms)':>16}" for n in NETWORKS)
        + f"{'team':>6}"
    )
    for label in ("quiet", "one core busy"):
        busy = None
        if label != "quiet":
            busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        try:
            for setting in settings:
                ms, team = run(setting)
                print(
                    f"{label:<14}{setting:<26}" + "".join(f"{m:>16.2f}" for m in ms) + f"{team:>6}"
                )
        finally:
            if busy is not None:
                busy.kill()
                busy.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
