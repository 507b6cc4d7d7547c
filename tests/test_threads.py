"""Two threads training two models at once, on the threaded (prange) kernels: with Numba's
default threading layer (omp or tbb where installed), and with workqueue forced, which
aborts the whole process if two threads enter it at once unless the kernels take turns."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Sizes that take the threaded builds: a 256 x 256 x 256 product, 256 x 128 logits.
TWO_THREADS = """
import threading, numba, numpy as np
import tinygrad_scores as ts, tinygrad_scores.nn as nn, tinygrad_scores.optim as optim
import tinygrad_scores.nn.functional as F

def setup(seed):       # models are built one at a time: manual_seed is process-wide
    rng = np.random.default_rng(seed)
    x = ts.tensor(rng.standard_normal((256, 256)).astype(np.float32))
    y = ts.tensor(rng.integers(0, 128, 256))
    ts.manual_seed(seed)
    return nn.Sequential(nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 128)), x, y

def train(model, x, y, losses, key):
    opt = optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(15):
        opt.zero_grad(); loss = F.cross_entropy(model(x), y); loss.backward(); opt.step()
    losses[key] = loss.item()

alone, together = {}, {}
for seed in (1, 2):
    train(*setup(seed), alone, seed)
jobs = [setup(seed) for seed in (1, 2)]
threads = [threading.Thread(target=train, args=(*job, together, seed))
           for seed, job in zip((1, 2), jobs)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert together == alone, (together, alone)
print(numba.threading_layer())
"""


@pytest.mark.parametrize("layer", ["default", "workqueue"])
def test_two_threads_train_at_once(layer):
    # threaded builds in the foreground: every step, from the first, runs the threaded kernels
    env = dict(
        os.environ, PYTHONPATH=ROOT, NUMBA_THREADING_LAYER=layer, TINYGRAD_SCORES_BACKGROUND="0"
    )
    out = subprocess.run(
        [sys.executable, "-c", TWO_THREADS], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-3000:]
    if layer == "workqueue":
        assert out.stdout.strip() == "workqueue"
