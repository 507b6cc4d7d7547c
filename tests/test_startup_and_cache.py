"""Start-up: nothing compiles at import, kernels compile on first use and say so once; the
warm-up command; a damaged Numba cache is repaired instead of breaking every import."""

import glob
import io
import os
import subprocess
import sys

import numpy as np

from tinygrad_scores import warmup
from tinygrad_scores.kernels import compiler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTICE = "tinygrad_scores: compiling kernels for float32"


def _run(code, cache_dir, **env):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir), PYTHONPATH=ROOT, **env)
    env.pop("TINYGRAD_SCORES_QUIET", None) if "TINYGRAD_SCORES_QUIET" not in env else None
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out


# relu on both floors: four small kernels, each with its own cache files
RELU_BOTH_FLOORS = """
import numpy as np, tinygrad_scores as ts
from tinygrad_scores.kernels import compiler
assert not any(k._builds for k in compiler.all_kernels()), "compiled at import"
for floor in ("fast", "loops"):
    ts.set_kernels(floor)
    x = ts.tensor([-1.0, 2.0, 0.5], requires_grad=True)
    x.relu().sum().backward()
    assert x.relu().tolist() == [0.0, 2.0, 0.5] and x.grad.tolist() == [0.0, 1.0, 1.0]
print("ok")
"""


def test_import_compiles_nothing_and_first_use_says_so_once(tmp_path):
    first = _run(RELU_BOTH_FLOORS, tmp_path)
    assert first.stderr.count(NOTICE) == 1, first.stderr
    assert str(tmp_path) in first.stderr  # says where the cache is
    again = _run(RELU_BOTH_FLOORS, tmp_path)  # loaded from the cache: silent
    assert NOTICE not in again.stderr, again.stderr


def test_quiet_environment_variable(tmp_path):
    out = _run(RELU_BOTH_FLOORS, tmp_path, TINYGRAD_SCORES_QUIET="1")
    assert "compiling" not in out.stderr, out.stderr


def test_set_quiet():
    try:
        compiler.set_quiet(True)
        assert compiler._quiet
        compiler.set_quiet(False)
        assert not compiler._quiet
    finally:
        compiler.set_quiet(os.environ.get("TINYGRAD_SCORES_QUIET", "") not in ("", "0"))


def test_warmup_builds_every_kernel_of_a_floor():
    out = io.StringIO()
    warmup.warmup("loops", "float64", out=out)
    loops = [k for k in compiler.all_kernels() if k.floor == "loops"]
    assert len(loops) >= 10
    assert all(k.is_built(np.float64) for k in loops)
    assert warmup.jobs("loops", "float64") == []
    assert out.getvalue().splitlines()[-1].startswith("warmup: ")  # plain lines: not a TTY


def _corrupt(path, how):
    data = open(path, "rb").read()
    with open(path, "wb") as f:
        f.write(
            {
                "truncated": data[: len(data) // 2],
                "empty": b"",
                "garbage": b"\x80\x05not a pickle at all" * 10,
            }[how]
        )


def test_a_damaged_cache_is_dropped_and_recompiled(tmp_path):
    _run(RELU_BOTH_FLOORS, tmp_path)
    files = sorted(glob.glob(str(tmp_path / "**" / "relu.relu_*"), recursive=True))
    index = [f for f in files if f.endswith(".nbi")]
    data = [f for f in files if f.endswith(".nbc")]
    assert len(index) == 4 and len(data) == 4, files
    # the four kinds of damage a full disk or a killed first import leaves, one per kernel
    _corrupt(index[0], "truncated")
    _corrupt(index[1], "empty")
    _corrupt(data[2], "garbage")
    _corrupt(data[3], "truncated")
    repaired = _run(RELU_BOTH_FLOORS, tmp_path)
    assert repaired.stderr.count("dropped a damaged Numba cache entry") == 4, repaired.stderr
    assert "Traceback" not in repaired.stderr
    clean = _run(RELU_BOTH_FLOORS, tmp_path)  # repaired on disk too
    assert "damaged" not in clean.stderr and NOTICE not in clean.stderr, clean.stderr
