"""Drawing 10**6 random numbers, ours against PyTorch's CPU (the same numbers, bit for bit):
``python -m benchmarks.random_draws [--torch-python PATH] [--rounds N]``.

Each library runs in its own process (``--torch-python``: an interpreter with PyTorch,
by default this one), and the processes alternate for ``--rounds`` rounds, so a busy
machine slows both alike; each process reports the median and the fastest of its calls
after a warm-up, and the table gives, over the rounds, the median of the medians and the
fastest call (on a shared machine the fastest is the steadier figure).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

N = 10**6
DRAWS = {  # label -> code run with ``torch`` bound to the library
    "randn float32": "torch.randn(N)",
    "rand float32": "torch.rand(N)",
    "randn float64": "torch.randn(N, dtype=torch.float64)",
    "rand float64": "torch.rand(N, dtype=torch.float64)",
    "normal_ float32": "x.normal_(0.5, 2.0)",
    "randperm": "torch.randperm(N)",
}

CHILD = """
import json, statistics, sys, time, importlib
torch = importlib.import_module(sys.argv[1])
N, calls = {n}, int(sys.argv[2])
x = torch.empty(N)
torch.manual_seed(0)
times = {{}}
for label, code in {draws!r}.items():
    fn = eval("lambda: " + code)
    for _ in range(3):
        fn()  # compile (ours, first run only) and warm the caches
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    times[label] = [statistics.median(samples), min(samples)]
print(json.dumps(times))
"""


def child(python, library, calls):
    env = dict(os.environ, TINYGRAD_SCORES_QUIET="1")
    code = CHILD.format(n=N, draws=DRAWS)
    out = subprocess.run(
        [python, "-c", code, library, str(calls)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(out.stdout)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torch-python", default=sys.executable)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args(argv)
    ours, theirs = {k: [] for k in DRAWS}, {k: [] for k in DRAWS}
    for _ in range(args.rounds):
        for store, python, library in (
            (ours, sys.executable, "tinygrad_scores"),
            (theirs, args.torch_python, "torch"),
        ):
            for label, seconds in child(python, library, args.calls).items():
                store[label].append(seconds)
        time.sleep(0.1)
    print(
        f"{'10**6 draws':<18}{'ours median':>12}{'torch median':>13}"
        f"{'ours fastest':>13}{'torch fastest':>14}{'ratio':>7}  (ms)"
    )
    for label in DRAWS:
        a = statistics.median(t[0] for t in ours[label]) * 1e3
        b = statistics.median(t[0] for t in theirs[label]) * 1e3
        c = min(t[1] for t in ours[label]) * 1e3
        d = min(t[1] for t in theirs[label]) * 1e3
        print(f"{label:<18}{a:>12.2f}{b:>13.2f}{c:>13.2f}{d:>14.2f}{c / d:>7.2f}")


if __name__ == "__main__":
    main()
