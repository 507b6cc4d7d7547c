"""Write PyTorch's learning-rate sequences for the cases of tests/scheduler_cases.py to
tests/golden/schedulers.json (floats written with repr, so they read back exactly), and
its Adamax / NAdam / RAdam trajectories for tests/adam_variant_cases.py to
tests/golden/adam_variants.npz.

Needs PyTorch (the scratch venv, never a dependency):
    /work/torchvenv/bin/python tools/golden_optim.py
tests/test_lr_schedulers.py and tests/test_adam_variants.py rerun every case with
tinygrad_scores and compare.
"""

import json
import pathlib
import sys
import warnings

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import adam_variant_cases  # noqa: E402
import numpy as np  # noqa: E402
import scheduler_cases  # noqa: E402
import torch  # noqa: E402


def main():
    warnings.simplefilter("ignore")  # PyTorch's notices about step(epoch)
    found = {name: case(torch) for name, case in scheduler_cases.CASES.items()}
    found["torch_version"] = torch.__version__
    out = ROOT / "tests" / "golden" / "schedulers.json"
    lines = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in found.items()]
    out.write_text("{\n" + ",\n".join(lines) + "\n}\n")  # one case a line
    print(f"wrote {out.relative_to(ROOT)} ({len(found) - 1} cases, torch {torch.__version__})")
    arrays = {"torch_version": np.array(torch.__version__)}
    for name in adam_variant_cases.CASES:
        for dtype in adam_variant_cases.DTYPES:
            for key, value in adam_variant_cases.run(torch, name, dtype).items():
                arrays[f"{name}|{dtype}|{key}"] = value
    out = ROOT / "tests" / "golden" / "adam_variants.npz"
    np.savez_compressed(out, **arrays)
    print(f"wrote {out.relative_to(ROOT)} ({len(arrays) - 1} arrays)")


if __name__ == "__main__":
    main()
