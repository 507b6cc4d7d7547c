"""Write tests/functional_golden.json: PyTorch's results for tests/functional_cases.py.

Needs PyTorch (the scratch venv, never a dependency): ``python tools/functional_golden.py``.
tests/test_autograd_functional.py compares tinygrad_scores' results, nesting and values,
with this file."""

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import functional_cases  # noqa: E402
import torch  # noqa: E402

if __name__ == "__main__":
    golden = {
        case: {
            path: {"shape": list(a.shape), "values": a.ravel().tolist()} for path, a in flat.items()
        }
        for case, flat in functional_cases.results(torch).items()
    }
    out = ROOT / "tests" / "functional_golden.json"
    out.write_text(json.dumps({"torch": torch.__version__, "cases": golden}, indent=1) + "\n")
    print(f"wrote {out.relative_to(ROOT)} ({len(golden)} cases, torch {torch.__version__})")
