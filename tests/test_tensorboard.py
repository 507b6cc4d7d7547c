"""``torch.utils.tensorboard.SummaryWriter`` writes real TensorBoard event files (read back
here with TensorBoard's own reader); without the optional ``tensorboard`` package, the
import says which extra to install."""

import os
import subprocess
import sys

import numpy as np
import pytest

import tinygrad_scores as ts

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_without_tensorboard_the_import_names_the_extra():
    # a process where the tensorboard package cannot be imported
    code = (
        "import sys; sys.modules['tensorboard'] = None\n"
        "import tinygrad_scores as torch\n"
        "print(hasattr(torch.utils, 'tensorboard'))\n"  # an AttributeError for hasattr
        "from tinygrad_scores.utils.tensorboard import SummaryWriter\n"
    )
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 1 and out.stdout.strip() == "False"
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: torch.utils.tensorboard needs the tensorboard package")
    assert 'pip install -e ".[tensorboard]"' in last


def _events(log_dir):
    accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator"
    ).EventAccumulator(log_dir, size_guidance={"scalars": 0, "histograms": 0, "tensors": 0})
    accumulator.Reload()
    return accumulator


def test_scalars_histograms_and_text_are_read_back_by_tensorboard(tmp_path):
    pytest.importorskip("tensorboard")
    from tinygrad_scores.utils.tensorboard import SummaryWriter

    with SummaryWriter(str(tmp_path)) as writer:
        assert writer.get_logdir() == str(tmp_path)
        for step in range(3):
            writer.add_scalar("loss/train", ts.tensor(1.0 / (step + 1)), step)
        writer.add_scalar("lr", 0.5, 7, walltime=1000.0)
        writer.add_histogram("values", np.arange(10.0), 1, bins=5)
        writer.add_histogram("weights", ts.randn(500), 2)  # TensorBoard's default buckets
        writer.add_text("note", "hello *tensorboard*", 3)
        writer.flush()
    events = _events(str(tmp_path))
    loss = [(e.step, e.value) for e in events.Scalars("loss/train")]
    assert loss == [(0, 1.0), (1, 0.5), (2, pytest.approx(1 / 3))]
    (lr,) = events.Scalars("lr")
    assert (lr.step, lr.value, lr.wall_time) == (7, 0.5, 1000.0)
    (values,) = events.Histograms("values")
    h = values.histogram_value
    assert (values.step, h.num, h.min, h.max, h.sum, h.sum_squares) == (1, 10, 0, 9, 45, 285)
    assert list(h.bucket_limit) == [0.0, 1.8, 3.6, 5.4, 7.2, 9.0]  # right edges
    assert list(h.bucket) == [0, 2, 2, 2, 2, 2]
    weights = events.Histograms("weights")[0].histogram_value
    assert weights.num == 500 and sum(weights.bucket) == 500
    (text,) = events.Tensors("note/text_summary")
    assert text.step == 3 and list(text.tensor_proto.string_val) == [b"hello *tensorboard*"]


def test_add_scalars_writes_one_run_per_curve_as_pytorch(tmp_path):
    pytest.importorskip("tensorboard")
    from tinygrad_scores.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(tmp_path))
    for step in range(2):
        writer.add_scalars("run/14h", {"sin": step * 1.0, "cos": -step}, step)
    writer.close()
    # PyTorch: <log_dir>/<main_tag with / as _>_<tag>, each under the tag main_tag
    assert {"run_14h_sin", "run_14h_cos"} <= set(os.listdir(tmp_path))
    cos = _events(str(tmp_path / "run_14h_cos")).Scalars("run/14h")
    assert [(e.step, e.value) for e in cos] == [(0, 0.0), (1, -1.0)]


def test_a_method_pytorch_has_and_this_writer_lacks_says_so(tmp_path):
    pytest.importorskip("tensorboard")
    from tinygrad_scores.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(tmp_path))
    with pytest.raises(NotImplementedError, match="has no torch.utils.tensorboard.SummaryWriter"):
        writer.add_image("img", np.zeros((3, 2, 2)))
    writer.close()
    assert ts.utils.tensorboard.SummaryWriter is SummaryWriter  # torch.utils.tensorboard
