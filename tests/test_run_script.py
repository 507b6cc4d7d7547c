"""``python -m tinygrad_scores.run SCRIPT.py [ARGS...]``: unmodified PyTorch scripts, with
``import torch`` resolved to this package by an import hook, and a missing name reported
with the line of the script that uses it."""

import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS = os.path.join(ROOT, "tests", "programs")
NAMES = sorted(name for name in os.listdir(PROGRAMS) if name.endswith(".py"))


def as_pytorch(source):
    """A program of tests/programs/ back in its original form: ``import torch``."""
    source = source.replace("import tinygrad_scores as torch\n", "import torch\n")
    return source.replace("tinygrad_scores", "torch")


def run(tmp_path, source, *args, name="script.py"):
    script = tmp_path / name
    script.write_text(source)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run(
        [sys.executable, "-m", "tinygrad_scores.run", name, *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )


@pytest.mark.parametrize("name", NAMES)
def test_each_program_runs_in_its_import_torch_form(name, tmp_path):
    with open(os.path.join(PROGRAMS, name)) as fh:
        source = as_pytorch(fh.read())
    assert "import torch" in source and "tinygrad_scores" not in source
    out = run(tmp_path, source, name=name)
    assert out.returncode == 0, f"{name} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}"
    assert out.stdout.rstrip().endswith("ok"), out.stdout[-2000:]


def test_torch_and_its_submodules_are_this_packages_modules(tmp_path):
    source = textwrap.dedent(
        """
        import sys
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        import torch.nn.modules.linear
        from torch.utils.data.sampler import BatchSampler
        from torch.nn.modules.loss import _Loss
        import tinygrad_scores

        assert torch is tinygrad_scores and nn is tinygrad_scores.nn
        assert torch.nn.modules.linear.Linear is nn.Linear
        assert F.relu(torch.tensor([-1.0, 2.0])).tolist() == [0.0, 2.0]
        assert nn.__spec__.name == "tinygrad_scores.nn"  # the module keeps its own spec
        assert __name__ == "__main__" and sys.argv[1:] == ["--epochs", "3"]


        class Net(nn.Module):  # a class of the script, saved and loaded whole
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(2, 1)

            def forward(self, x):
                return self.fc(x)


        torch.save(Net(), "net.pt")
        loaded = torch.load("net.pt", weights_only=False)
        assert type(loaded) is Net and type(loaded).__module__ == "__main__"
        print("ok")
        """
    )
    out = run(tmp_path, source, "--epochs", "3")
    assert out.returncode == 0, out.stderr[-4000:]
    assert out.stdout.strip() == "ok"


@pytest.mark.parametrize(
    "line, name",
    [
        ("y = torch.fft.rfft(x)", "torch.fft"),
        ("y = x.not_a_tensor_method()", "Tensor.not_a_tensor_method"),
        ("from torch.nn.modules.lazy import LazyLinear", "torch.nn.modules.lazy"),
        ("from torch.nn import CTCLoss", "torch.nn.CTCLoss"),
        ("import torch.distributions.beta", "torch.distributions.beta"),
    ],
)
def test_a_missing_name_is_reported_with_the_line_that_uses_it(tmp_path, line, name):
    source = f"import torch\n\nx = torch.ones(3)\n{line}\nprint('not reached')\n"
    out = run(tmp_path, source)
    assert out.returncode == 1 and "not reached" not in out.stdout
    assert "Traceback (most recent call last)" in out.stderr  # the usual traceback first
    last = out.stderr.strip().splitlines()
    assert last[-2] == (
        f"tinygrad_scores.run: script.py, line 4 uses {name}, which tinygrad_scores does "
        "not provide (docs/pytorch-coverage.md lists what it does):"
    )
    assert last[-1].strip() == line


def test_other_errors_keep_their_traceback_and_fail(tmp_path):
    out = run(tmp_path, "import torch\nraise ValueError('the script said no')\n")
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1] == "ValueError: the script said no"
    assert "runpy" not in out.stderr  # the runner's own frames are left out


def test_usage_and_a_missing_script(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT)
    usage = subprocess.run(
        [sys.executable, "-m", "tinygrad_scores.run"], capture_output=True, text=True, env=env
    )
    assert usage.returncode == 2 and "SCRIPT.py [ARGS...]" in usage.stdout
    out = run(tmp_path, "", name="present.py")
    assert out.returncode == 0
    missing = subprocess.run(
        [sys.executable, "-m", "tinygrad_scores.run", str(tmp_path / "absent.py")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert missing.returncode == 2 and "can't open file" in missing.stderr


def test_a_script_prints_pytorchs_names(tmp_path):
    """Under the runner dtypes, sizes and named results print as PyTorch 2.13 prints them
    (this script's output, byte for byte), so a script's output can be diffed with its
    PyTorch run; imported as tinygrad_scores they keep the package's name."""
    source = textwrap.dedent("""\
        import torch
        x = torch.tensor([[1, 2], [3, 4]], dtype=torch.int32)
        print(x, x.shape, x.dtype, x.float().dtype)
        print(x.max(1))
        print(torch.FloatTensor)
    """)
    out = run(tmp_path, source)
    assert out.returncode == 0, out.stderr
    assert out.stdout == (
        "tensor([[1, 2],\n        [3, 4]], dtype=torch.int32) torch.Size([2, 2]) torch.int32"
        " torch.float32\ntorch.return_types.max(\nvalues=tensor([2, 4], dtype=torch.int32),\n"
        "indices=tensor([1, 1]))\n<class 'torch.FloatTensor'>\n"
    )
    import tinygrad_scores as ts

    assert repr(ts.float32) == "tinygrad_scores.float32"  # (this process: not the runner)
