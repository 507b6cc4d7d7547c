"""The examples reach what they promise; the benchmark command keeps working."""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "examples"))


def test_train_digits_reaches_95_percent(tmp_path):
    import train_digits

    acc = train_digits.main(["--epochs", "15", "--quiet", "--save", str(tmp_path / "m.npz")])
    assert acc >= 0.95
    assert (tmp_path / "m.npz").exists()


def test_seed_mlp_loss_falls():
    import seed_mlp

    first, last, acc = seed_mlp.main(["--steps", "20"])
    assert last < first / 10 and acc > 0.8


def test_regression_mse_loss_falls():
    import regression_mse

    first, last = regression_mse.main(["--steps", "300"])
    assert last < first / 10


def test_backward_by_hand_agrees_with_engine():
    import backward_by_hand

    assert backward_by_hand.main() < 1e-12


def test_backward_md_shows_the_trace_the_example_prints(capsys):
    # docs/backward.md quotes the trace of backward_by_hand.py (less each step's time)
    import backward_by_hand

    backward_by_hand.main()
    printed = [line.rsplit(")", 1)[0] + ")" for line in capsys.readouterr().out.splitlines()]
    with open(os.path.join(ROOT, "docs", "backward.md")) as f:
        quoted = [line.strip() for line in f if line.strip().startswith("[backward")]
    assert len(quoted) == 4
    assert quoted == [line for line in printed if line.startswith("[backward")]


def test_seed_program_runs_with_only_its_imports_changed(tmp_path):
    seed = os.path.join(ROOT, "..", "shared", "seed", "seed_program.py")
    if not os.path.exists(seed):
        pytest.skip("the seed program is not beside this checkout")
    source = open(seed).read()
    for old, new in [
        ("import torch\n", "import tinygrad_scores as torch\n"),
        ("import torch.nn as nn", "import tinygrad_scores.nn as nn"),
        ("import torch.optim as optim", "import tinygrad_scores.optim as optim"),
        ("import torch.nn.functional as F", "import tinygrad_scores.nn.functional as F"),
    ]:
        assert old in source
        source = source.replace(old, new, 1)
    path = tmp_path / "seed_ts.py"
    path.write_text(source)
    out = subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, PYTHONPATH=ROOT),
    )
    assert out.returncode == 0, out.stderr
    losses = [
        float(line.split("Loss: ")[1])
        for line in out.stdout.splitlines()
        if line.startswith("Epoch")
    ]
    assert len(losses) == 2 and losses[1] < losses[0]
    assert "grad_fn=<SoftmaxBackward0>" in out.stdout and "Loss for the current batch" in out.stdout


def test_quick_benchmark_structure(tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--repeats",
            "1",
            "--json",
            str(tmp_path / "b.json"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    assert "train step 64: 784-128-2" in out.stdout
    for heading in ("loops/np", "fast/np", "captured (us)", "capt/np", "captured replays"):
        assert heading in out.stdout
    data = json.loads((tmp_path / "b.json").read_text())
    assert {"cpu", "cores", "numpy", "numba", "blas"} <= set(data["machine"])
    groups = {row["group"] for row in data["rows"]}
    assert {
        "matmul",
        "relu",
        "softmax",
        "log_softmax",
        "cross_entropy",
        "adam",
        "sgd",
        "train_step",
    } <= groups
    for row in data["rows"]:
        assert row["numpy"]["median_s"] > 0 and row["tinygrad_scores"]["ratio_vs_numpy"] > 0
        if row["group"] == "train_step":  # the captured step, and it replays
            assert row["captured"]["ratio_vs_numpy"] > 0 and row["captured_replays"] is True
        else:  # quick's matmuls are small enough for the loops
            assert row["loops"]["ratio_vs_numpy"] > 0
