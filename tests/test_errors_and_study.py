"""Bad input gets a clear error naming the problem; tracing, DOT export, docstrings."""

import inspect
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import tinygrad_scores as ts
import tinygrad_scores.functions as functions
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
from tinygrad_scores import viz

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_matmul_mismatch_names_both_shapes():
    with pytest.raises(
        RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(3x4 and 5x6\)"
    ):
        ts.randn(3, 4) @ ts.randn(5, 6)
    with pytest.raises(RuntimeError, match=r"\(2x7 and 784x128\)"):
        nn.Linear(784, 128)(ts.randn(2, 7))


def test_not_broadcastable_names_shapes():
    with pytest.raises(RuntimeError, match=r"\[2, 3\].*\[4\].*not broadcastable"):
        ts.randn(2, 3) + ts.randn(4)


def test_cross_entropy_bad_labels():
    logits = ts.randn(4, 3, requires_grad=True)
    with pytest.raises(IndexError, match=r"target 3 at position 1 is out of bounds for 3 classes"):
        F.cross_entropy(logits, ts.tensor([0, 3, 1, 2]))
    with pytest.raises(IndexError, match=r"target -1 at position 0"):
        F.cross_entropy(logits, ts.tensor([-1, 0, 1, 2]))
    with pytest.raises(
        RuntimeError, match=r"expected target dtype to be Long or Byte, but got Float"
    ):
        F.cross_entropy(logits, ts.tensor([0.0, 1.0, 1.0, 2.0]))
    with pytest.raises(
        ValueError, match=r"input of shape \(4, 3\) needs target of shape \(4,\).*\(5,\)"
    ):
        F.cross_entropy(logits, ts.tensor([0, 1, 1, 2, 0]))
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        nn.CrossEntropyLoss(reduction="avg")


def test_mse_mismatched_shapes_warn_as_pytorch_and_unbroadcastable_ones_raise():
    # PyTorch: UserWarning "Using a target size (torch.Size([4])) that is different to the
    # input size (torch.Size([4, 1]))...", then broadcasts to (4, 4)
    with pytest.warns(UserWarning, match=r"target size \(.*Size\(\[4\]\)\) that is different"):
        assert F.mse_loss(ts.randn(4, 1), ts.randn(4), reduction="none").shape == (4, 4)
    with (
        pytest.warns(UserWarning),
        pytest.raises(
            RuntimeError, match=r"size of tensor a \(3\) must match the size of tensor b \(4\)"
        ),
    ):
        F.mse_loss(ts.zeros(3), ts.zeros(4))


def test_ignore_index_rows_do_not_count():
    x = ts.randn(3, 4, dtype=ts.float64, requires_grad=True)
    full = F.cross_entropy(x[:2], ts.tensor([1, 2]))
    with_ignored = F.cross_entropy(x, ts.tensor([1, 2, -100]))
    assert with_ignored.item() == pytest.approx(full.item())
    with_ignored.backward()
    assert np.all(x.grad.numpy()[2] == 0)


def test_softmax_and_cross_entropy_edge_values():
    x = ts.tensor([[1e4, -1e4, 0.0], [0.0, -float("inf"), 1.0]])
    p = F.softmax(x, dim=1).numpy()
    np.testing.assert_allclose(p[0], [1, 0, 0])
    assert p[1, 1] == 0 and np.isfinite(p).all()
    loss = F.cross_entropy(ts.tensor([[1e4, -1e4], [-1e4, 1e4]]), ts.tensor([1, 0]))
    assert loss.item() == pytest.approx(2e4)
    assert np.isnan(F.softmax(ts.tensor([[-float("inf")] * 2]), dim=1).numpy()).all()  # as PyTorch


def test_log_of_zero_is_minus_inf_with_inf_gradient():
    x = ts.tensor([0.0, 1.0], requires_grad=True)
    y = x.log()
    assert y.detach().numpy()[0] == -np.inf
    y.sum().backward()
    assert x.grad.numpy()[0] == np.inf


def test_detect_anomaly_names_the_op():
    x = ts.tensor([-1.0, 1.0], requires_grad=True)
    with ts.detect_anomaly():
        with pytest.raises(RuntimeError, match=r"'Sqrt'.*nan"):
            x.sqrt()
        y = (x * 0).sqrt()  # sqrt(0): forward fine, backward divides by zero
        with pytest.raises(RuntimeError, match=r"'SqrtBackward0'.*inf"):
            y.sum().backward()


def test_trace_records_each_backward_step(capsys):
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    loss = F.cross_entropy(model(ts.randn(5, 4)), ts.tensor([0, 1, 1, 0, 1]))
    with ts.trace() as t:
        loss.backward()
    ops = [r["op"] for r in t.records]
    assert ops == ["CrossEntropyBackward0", "LinearBackward0", "ReLUBackward0", "LinearBackward0"]
    assert t.records[1]["grad_output_shape"] == (5, 2)
    assert t.records[1]["grad_input_shapes"] == ((5, 3), (2, 3), (2,))
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 4 and "LinearBackward0" in printed[1] and "us" in printed[1]


def test_to_dot_describes_the_graph():
    w = ts.randn(3, 2, requires_grad=True)
    x = ts.randn(4, 3)
    dot = viz.to_dot((x @ w).relu().sum())
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    for label in (
        "MatMulBackward0",
        "ReLUBackward0",
        "SumBackward0",
        "requires_grad",
        "constant",
        "4x2",
    ):
        assert label in dot


def test_every_function_states_its_derivative():
    classes = [
        c
        for _, c in inspect.getmembers(functions, inspect.isclass)
        if issubclass(c, functions.ArrayFunction) and c is not functions.ArrayFunction
    ]
    assert len(classes) >= 25
    for cls in classes:
        doc = cls.__doc__ or ""
        # "da = g * out", "d loss / d x_i = ...", or "the gradient goes to ..."
        assert re.search(r"\bd[a-z_]+\s*=|\bd\s*\w+\s*/\s*d\s*\w+|gradient", doc), cls.__name__


def test_runs_under_numba_disable_jit():
    code = (
        "import tinygrad_scores as ts, tinygrad_scores.nn as nn, tinygrad_scores.optim as optim\n"
        "import tinygrad_scores.nn.functional as F\n"
        "ts.manual_seed(0); m = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3))\n"
        "opt = optim.Adam(m.parameters(), lr=0.05)\n"
        "x = ts.randn(8, 6); y = ts.randint(0, 3, (8,))\n"
        "l0 = F.cross_entropy(m(x), y).item()\n"
        "for _ in range(20):\n"
        "    opt.zero_grad(); loss = F.cross_entropy(m(x), y); loss.backward(); opt.step()\n"
        "import numba; assert numba.config.DISABLE_JIT\n"
        "assert loss.item() < l0, (l0, loss.item()); print('ok', l0, loss.item())\n"
    )
    env = dict(os.environ, NUMBA_DISABLE_JIT="1", PYTHONPATH=ROOT)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok")


def test_imports_without_a_writable_cache(tmp_path):
    """A read-only install: no writable __pycache__ and no writable cache dir."""
    import shutil

    pkg = tmp_path / "site" / "tinygrad_scores"
    shutil.copytree(
        os.path.join(ROOT, "tinygrad_scores"), pkg, ignore=shutil.ignore_patterns("__pycache__")
    )
    for root, dirs, files in os.walk(tmp_path / "site"):
        for name in dirs + files:
            os.chmod(os.path.join(root, name), 0o555 if name in dirs else 0o444)
        os.chmod(root, 0o555)
    env = dict(
        os.environ,
        PYTHONPATH=str(tmp_path / "site"),
        NUMBA_CACHE_DIR="/proc/nonexistent",
        HOME=str(tmp_path / "nohome"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    code = (
        "import tinygrad_scores as ts; x = ts.randn(3, 4, requires_grad=True);"
        "(x @ ts.randn(4, 2)).relu().sum().backward(); print('ok', x.grad.shape)"
    )
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    os.chmod(tmp_path / "site", 0o755)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "Traceback" not in out.stderr and out.stdout.startswith("ok")


def test_inf_and_nan_arithmetic_is_silent_as_in_pytorch():
    """PyTorch gives inf and nan without a word (1/0, log(0), sqrt(-1), exp overflow, and
    their gradients); NumPy warns. Under ``-W error`` a warning from the package would be an
    exception; a user's own NumPy arithmetic still warns."""
    code = (
        "import numpy as np, tinygrad_scores as t\n"
        "x = t.tensor([1.0, 0.0, -1.0], requires_grad=True)\n"
        "y = (x / 0).sum() + x.log().sum() + x.sqrt().sum() + (x * 1e38 * 1e38).sum()\n"
        "y = y + t.exp(x * 1000).sum() + (1 / x).sum() + x.pow(-0.5).sum()\n"
        "y.backward()\n"
        "print((x / 0).tolist(), x.log().tolist(), x.sqrt().tolist(), x.grad.tolist())\n"
        "try:\n"
        "    np.float32(1) / np.float32(0)\n"
        "except RuntimeWarning as exc:\n"
        "    print('user:', exc)\n"
    )
    run = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    first, second = run.stdout.splitlines()[-2:]
    # PyTorch 2.13 prints the same four lists
    assert first == "[inf, nan, -inf] [0.0, -inf, nan] [1.0, 0.0, nan] [inf, nan, nan]"
    assert second == "user: divide by zero encountered in scalar divide"
