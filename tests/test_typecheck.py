"""The public API's type hints are checked by mypy ([tool.mypy] in pyproject.toml names the
modules): a wrong annotation, or a body that contradicts one, fails the suite; and a short
user program pins the types a caller sees."""

import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None,
    reason="mypy is not installed (pip install -e '.[test]')",
)


def _mypy(*args):
    """mypy run from the repository root (so pyproject's [tool.mypy] applies); .mypy_cache
    keeps a repeated run to a second or two."""
    return subprocess.run(
        [sys.executable, "-m", "mypy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_mypy_passes_on_the_public_api():
    result = _mypy()
    assert result.returncode == 0, f"mypy failed:\n{result.stdout}{result.stderr}"
    assert "Success" in result.stdout


# Never run, only type-checked. An `ignore` marks a call the hints must reject:
# warn_unused_ignores turns a hint that stopped rejecting it into an error.
USER_PROGRAM = """
    from collections.abc import Iterator

    from typing_extensions import assert_type

    import tinygrad_scores as tg
    from tinygrad_scores import nn, optim
    from tinygrad_scores.data import DataLoader, Subset, TensorDataset, random_split

    x = tg.Tensor([[1.0, 2.0]])
    lin = nn.Linear(2, 3)
    assert_type(lin.train(), nn.Linear)              # train/eval/to keep the subclass
    assert_type(lin.eval().double().to("cpu"), nn.Linear)
    assert_type(lin.forward(x), tg.Tensor)
    assert_type(lin.parameters(), Iterator[nn.Parameter])
    assert_type(lin.state_dict(), dict[str, tg.Tensor])
    assert_type(nn.functional.cross_entropy(x, x), tg.Tensor)
    assert_type(nn.utils.clip_grad_norm_(lin.parameters(), 1.0), tg.Tensor)
    opt = optim.AdamW(lin.parameters(), lr=1e-3)
    sched = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    assert_type(sched.get_last_lr(), list[float])
    ds = TensorDataset(x, x)
    assert_type(ds[0], tuple[tg.Tensor, ...])
    assert_type(random_split(ds, [1, 0]), list[Subset[tuple[tg.Tensor, ...]]])
    assert_type(len(DataLoader(ds, batch_size=2)), int)

    lin.train(mode="yes")  # type: ignore[arg-type]
    nn.Linear(2, 3, bias=None)  # type: ignore[arg-type]
    optim.SGD(lin.parameters(), lr="0.1")  # type: ignore[arg-type]
    DataLoader(ds, batch_size=2).batch_size.bit_length()  # type: ignore[union-attr]
"""


def test_a_user_program_sees_the_promised_types(tmp_path):
    program = tmp_path / "user_program.py"
    program.write_text(textwrap.dedent(USER_PROGRAM))
    result = _mypy(str(program))
    assert result.returncode == 0, f"mypy failed:\n{result.stdout}{result.stderr}"
