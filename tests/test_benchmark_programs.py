"""The PyTorch programs of benchmarks/programs/ (Karpathy's bigram model, makemore's MLP)
run unchanged through ``python -m tinygrad_scores.run`` and learn; their data files are
the ones make_data writes; the timing harness runs end to end. (No timing is asserted.)"""

import os
import re
import subprocess
import sys

import pytest

from benchmarks.programs import make_data

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS = os.path.join(ROOT, "benchmarks", "programs")
ENV = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))


def python_m(module, *args, cwd):
    """The stdout of ``python -m module args`` run from ``cwd``, which must succeed."""
    out = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
        env=ENV,
    )
    assert out.returncode == 0, out.stderr[-4000:]
    return out.stdout


def run_ours(script, steps, tmp_path):
    return python_m("tinygrad_scores.run", os.path.join(PROGRAMS, script), str(steps), cwd=tmp_path)


@pytest.mark.parametrize("script", ["bigram.py", "makemore_mlp.py"])
def test_the_program_runs_under_ours_and_its_loss_falls(script, tmp_path):
    stdout = run_ours(script, 300, tmp_path)
    first, last = map(float, re.search(r"first loss (\S+), last loss (\S+)$", stdout).groups())
    assert last < first - 0.3, stdout[-1000:]


def test_makemore_samples_names_of_the_vocabulary(tmp_path):
    stdout = run_ours("makemore_mlp.py", 50, tmp_path)
    samples = stdout.splitlines()[-21:-1]
    assert len(samples) == 20
    assert all(re.fullmatch(r"[a-z]*\.", s) for s in samples), samples


def test_the_data_files_are_what_make_data_writes(tmp_path):
    make_data.write(str(tmp_path))
    for name in ("input.txt", "names.txt"):
        with open(os.path.join(PROGRAMS, name)) as shipped, open(tmp_path / name) as fresh:
            assert shipped.read() == fresh.read(), name
    with open(tmp_path / "names.txt") as f:
        assert set(f.read()) == set("abcdefghijklmnopqrstuvwxyz\n")  # makemore's 27 symbols


def test_the_harness_times_a_program_under_ours(tmp_path):
    stdout = python_m(
        "benchmarks",
        *("--only", "programs", "--only", "makemore", "--rounds", "1", "--steps", "20"),
        *("--threads", "1", "--torch-python", "/nonexistent"),
        cwd=ROOT,
    )
    assert "| makemore | 1 | - |" in stdout, stdout
    assert "| start-up | 1 | - |" in stdout, stdout
