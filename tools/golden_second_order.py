"""Write tests/golden/second_order_torch.npz: PyTorch's values, gradients and
Hessian-vector products for the cases of tests/second_order_torch_cases.py, and its
results for the functional API cases there.

Needs PyTorch (the scratch venv, never a dependency):
    /work/torchvenv/bin/python tools/golden_second_order.py
tests/test_second_order_vs_torch.py recomputes every case with tinygrad_scores and compares.
"""

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import second_order_torch_cases  # noqa: E402
import torch  # noqa: E402

if __name__ == "__main__":
    torch.set_default_dtype(torch.float64)
    found = second_order_torch_cases.results(torch)
    out = ROOT / "tests" / "golden" / "second_order_torch.npz"
    np.savez_compressed(out, **found, **{"torch_version": np.array(torch.__version__)})
    print(f"wrote {out.relative_to(ROOT)} ({len(found)} arrays, torch {torch.__version__})")
