"""The package is laid out as PyTorch's: ``import tinygrad_scores as torch`` alone gives
the sub-packages ``import torch`` gives, CUDA and MPS answer "absent", and a name we do
not provide fails with a NotImplementedError that names it (while hasattr and private
lookups still see an AttributeError)."""

import pickle
import subprocess
import sys

import pytest

import tinygrad_scores as torch


def _fresh(code):
    """Run ``code`` in a new interpreter, so no earlier import of a sub-package helps."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_import_alone_gives_the_subpackages():
    out = _fresh(
        "import tinygrad_scores as torch\n"
        "names = [torch.nn.Linear, torch.nn.functional.relu, torch.optim.SGD,\n"
        "         torch.optim.lr_scheduler.StepLR, torch.utils.data.DataLoader,\n"
        "         torch.utils.data.TensorDataset, torch.autograd.Function, torch.autograd.grad,\n"
        "         torch.autograd.backward, torch.autograd.no_grad,\n"
        "         torch.autograd.set_grad_enabled, torch.autograd.detect_anomaly,\n"
        "         torch.autograd.set_detect_anomaly, torch.autograd.gradcheck,\n"
        "         torch.nn.init.kaiming_uniform_, torch.nn.utils.clip_grad_norm_,\n"
        "         torch.cuda.is_available, torch.backends.cudnn, torch.return_types.max]\n"
        "print(len(names))\n"
    )
    assert out.strip() == "19"


def test_submodule_import_paths():
    _fresh(
        "import tinygrad_scores.utils.data as d; from tinygrad_scores.utils.data import "
        "DataLoader, Dataset, random_split; assert d.DataLoader is DataLoader"
    )
    _fresh(
        "from tinygrad_scores.nn import functional as F; import tinygrad_scores.optim."
        "lr_scheduler; from tinygrad_scores.autograd import Function"
    )


def test_cuda_and_backends_say_absent():
    assert torch.cuda.is_available() is False and torch.cuda.device_count() == 0
    torch.cuda.manual_seed_all(0)  # a no-op, as PyTorch without CUDA
    with pytest.raises(RuntimeError, match="CPU only"):
        torch.cuda.current_device()
    assert torch.backends.mps.is_available() is False
    old = torch.backends.cudnn.benchmark
    try:
        torch.backends.cudnn.benchmark = True
        torch.backends.cudnn.deterministic = True
        assert torch.backends.cudnn.benchmark is True
    finally:
        torch.backends.cudnn.benchmark = old
        torch.backends.cudnn.deterministic = False
    device = "cuda" if torch.cuda.is_available() else "cpu"  # the usual idiom runs
    assert torch.zeros(2, device=device).device == torch.device("cpu")
    assert str(torch.device("cpu")) == "cpu" and repr(torch.device("cpu")) == "device(type='cpu')"
    with pytest.raises(RuntimeError, match="CPU only"):
        torch.device("cuda")


@pytest.mark.parametrize(
    "where,name",
    [
        (torch, "fft"),
        (torch, "jit"),
        (torch.cuda, "nvtx"),  # (amp exists: GradScaler and autocast, disabled without CUDA)
        (torch.nn.utils, "spectral_norm"),  # was a bare AttributeError
        (torch.utils, "checkpoint"),  # (tensorboard exists: the optional extra)
        (torch.zeros(1), "stft"),
    ],
)
def test_missing_public_names_raise_not_implemented(where, name):
    with pytest.raises(NotImplementedError, match=f"tinygrad_scores has no .*{name}"):
        getattr(where, name)
    assert not hasattr(where, name)  # still an AttributeError for hasattr
    assert getattr(where, name, "default") == "default"


def test_missing_name_message_names_torch():
    with pytest.raises(NotImplementedError) as info:
        torch.fft  # noqa: B018
    assert str(info.value) == "tinygrad_scores has no torch.fft"
    with pytest.raises(ImportError):
        exec("from tinygrad_scores import fft")


def test_traceback_reads_not_implemented_error():
    done = subprocess.run(
        [sys.executable, "-c", "import tinygrad_scores as torch; torch.fft"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stderr.strip().endswith("NotImplementedError: tinygrad_scores has no torch.fft")
    try:
        torch.fft  # noqa: B018
    except NotImplementedError as exc:
        again, message = pickle.loads(pickle.dumps(exc)), str(exc)
    assert isinstance(again, NotImplementedError) and str(again) == message


def test_private_names_stay_attribute_errors():
    for where in (torch, torch.zeros(1), torch.cuda):
        with pytest.raises(AttributeError) as info:
            where._no_such_thing  # noqa: B018
        assert not isinstance(info.value, NotImplementedError)


def test_tensors_still_pickle_copy_and_inspect():
    import copy

    t = torch.tensor([1.0, 2.0], requires_grad=True)
    assert pickle.loads(pickle.dumps(t)).tolist() == [1.0, 2.0]
    assert copy.deepcopy(t).requires_grad


def test_function_forms_take_out():
    out = torch.empty(2)
    result = torch.add(torch.tensor([1.0, 2.0]), 1, out=out)
    assert result is out and out.tolist() == [2.0, 3.0]
    out = torch.empty(0)
    torch.sin(torch.zeros(3), out=out)  # resized, as PyTorch does
    assert out.shape == (3,)
    with pytest.raises(TypeError, match="must be Tensor"):
        torch.sin(1.0)
    out = torch.empty(0)
    assert torch.cat([torch.ones(2), torch.zeros(1)], out=out) is out
    assert out.tolist() == [1.0, 1.0, 0.0]
    out = torch.zeros(3, dtype=torch.int64)
    torch.arange(3, out=out)
    assert out.tolist() == [0, 1, 2]
    with pytest.raises(RuntimeError, match="can't be cast"):
        torch.sin(torch.zeros(2), out=torch.zeros(2, dtype=torch.int64))


def test_coverage_table_is_up_to_date():
    """docs/pytorch-coverage.md is generated from the package: regenerate it with
    ``python tools/pytorch_coverage.py`` when this fails."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "tools"))
    try:
        import pytorch_coverage
    finally:
        sys.path.pop(0)
    assert (root / "docs" / "pytorch-coverage.md").read_text() == pytorch_coverage.generate()
    assert "| `fft` | missing |" in pytorch_coverage.generate()


@pytest.mark.parametrize("where,name", [(torch.nn, "CTCLoss"), (torch.nn.functional, "ctc_loss")])
def test_missing_nn_names_raise_not_implemented(where, name):
    with pytest.raises(NotImplementedError, match=f"tinygrad_scores has no torch.nn.*{name}"):
        getattr(where, name)
    assert not hasattr(where, name)


def test_accepted_no_op_switches():
    torch.use_deterministic_algorithms(True)
    assert torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(False)
    assert not torch.are_deterministic_algorithms_enabled()
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
