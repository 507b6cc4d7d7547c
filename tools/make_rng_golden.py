"""Write PyTorch's random draws for the grid of tests/rng_cases.py to tests/golden/rng.npz,
and the losses of tests/programs_rng/seeded_training.py to tests/golden/seeded_training.txt.

Run with a PyTorch installation (never a dependency of the package or its tests), on
x86-64 with AVX2, from the repository root:

    /path/to/python-with-torch tools/make_rng_golden.py
"""

import os
import subprocess
import sys

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import rng_cases  # noqa: E402

GOLDEN = os.path.join(ROOT, "tests", "golden")


def main():
    os.makedirs(GOLDEN, exist_ok=True)
    stored = {}
    for name, case in rng_cases.all_cases().items():
        for seed in rng_cases.SEEDS:
            for i, array in enumerate(rng_cases.run(torch, name, case, seed)):
                stored[f"{name}|{seed}|{i}"] = array
    stored["meta|torch_version"] = np.array(torch.__version__)
    np.savez_compressed(os.path.join(GOLDEN, "rng.npz"), **stored)
    program = os.path.join(ROOT, "tests", "programs_rng", "seeded_training.py")
    losses = subprocess.run(
        [sys.executable, program, "torch"], capture_output=True, text=True, check=True
    ).stdout
    with open(os.path.join(GOLDEN, "seeded_training.txt"), "w") as f:
        f.write(losses)
    print(f"{len(stored)} arrays; losses:\n{losses}")


if __name__ == "__main__":
    main()
