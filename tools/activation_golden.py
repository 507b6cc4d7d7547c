"""Write tests/activation_golden.json: PyTorch's results for tests/activation_cases.py.

Needs PyTorch (the scratch venv, never a dependency): ``python tools/activation_golden.py``.
tests/test_activations_pytorch.py compares tinygrad_scores' results (values, dtypes,
shapes, or the error's type and message) with this file."""

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import activation_cases  # noqa: E402
import torch  # noqa: E402

if __name__ == "__main__":
    golden = {
        name: activation_cases.run(torch, case)
        for name, (case, _) in activation_cases.all_cases().items()
    }
    out = ROOT / "tests" / "activation_golden.json"
    lines = ",\n".join(f"{json.dumps(name)}: {json.dumps(r)}" for name, r in golden.items())
    out.write_text(
        f'{{"torch": "{torch.__version__}", "cases": {{\n{lines}\n}}}}\n'
    )  # a case a line
    print(f"wrote {out.relative_to(ROOT)} ({len(golden)} cases, torch {torch.__version__})")
