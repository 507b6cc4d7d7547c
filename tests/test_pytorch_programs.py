"""PyTorch programs in the style of the official tutorials run with only their imports changed.

Each file in tests/programs/ is a plain script written as for PyTorch, importing
tinygrad_scores in place of torch, or importing torch itself (those run unchanged through
``python -m tinygrad_scores.run``, and under PyTorch too); it trains or computes something on
synthetic data and asserts the result (loss fell, accuracy above a bar, a value worked by hand).
Here each runs in its own process, so one program's failure or global state cannot touch
another's.
"""

import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS = os.path.join(ROOT, "tests", "programs")
NAMES = sorted(name for name in os.listdir(PROGRAMS) if name.endswith(".py"))


def imports_torch(name):
    with open(os.path.join(PROGRAMS, name)) as f:
        return re.search(r"^(import torch|from torch)\b", f.read(), re.MULTILINE) is not None


def test_the_programs_are_there():
    assert len(NAMES) >= 12
    assert sum(imports_torch(name) for name in NAMES) >= 6


@pytest.mark.parametrize("name", NAMES)
def test_program_runs(name, tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    runner = ["-m", "tinygrad_scores.run"] if imports_torch(name) else []
    out = subprocess.run(
        [sys.executable, *runner, os.path.join(PROGRAMS, name)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert out.returncode == 0, f"{name} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}"
    assert out.stdout.rstrip().endswith("ok"), out.stdout[-2000:]


SECOND_ORDER = [  # differentiate a gradient: they need create_graph=True for every op they use
    "pinn_poisson_second_derivative.py",  # u_xx by autograd.grad twice, a tanh MLP
    "wgan_gp_toy2d.py",  # the gradient penalty through a ReLU critic
    "maml_sine_second_order.py",  # the meta-gradient through the inner step, functional_call
]


def test_the_second_order_programs_are_there():
    assert set(SECOND_ORDER) <= set(NAMES)
