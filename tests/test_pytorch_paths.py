"""Paths and small APIs that PyTorch programs use at their top (issue 20, section 3):
``torch.accelerator``, ``set_default_device``, ``torch.onnx``, the module paths under
``torch.utils.data`` and ``torch.nn.modules``, ``torch.serialization``. Each states
PyTorch 2.x's behaviour on a CPU-only machine."""

import importlib

import pytest

import tinygrad_scores as ts
import tinygrad_scores.nn as nn


def test_accelerator_answers_as_pytorch_on_a_cpu_machine():
    # PyTorch on a CPU-only machine: False, None, 0; asking for the index raises
    assert ts.accelerator.is_available() is False
    assert ts.accelerator.current_accelerator() is None
    assert ts.accelerator.current_accelerator(check_available=True) is None
    assert ts.accelerator.device_count() == 0
    with pytest.raises(RuntimeError, match="Cannot access accelerator device when none"):
        ts.accelerator.current_device_index()
    # the official examples' first line
    device = ts.accelerator.current_accelerator().type if ts.accelerator.is_available() else "cpu"
    assert ts.zeros(2, device=device).device == ts.device("cpu")


def test_default_device_is_cpu_and_only_cpu_can_be_set():
    assert ts.get_default_device() == ts.device("cpu")
    assert repr(ts.get_default_device()) == "device(type='cpu')"
    ts.set_default_device("cpu")
    ts.set_default_device(ts.device("cpu"))
    ts.set_default_device(None)  # PyTorch: back to the default
    assert ts.get_default_device() == ts.device("cpu")
    with pytest.raises(RuntimeError, match="CPU only: device 'cuda' is not available"):
        ts.set_default_device("cuda")
    assert ts.get_default_device() == ts.device("cpu")


def test_onnx_imports_and_export_says_it_is_not_provided():
    import tinygrad_scores.onnx as onnx

    assert onnx is ts.onnx and onnx.is_in_onnx_export() is False
    with pytest.raises(NotImplementedError, match="tinygrad_scores has no torch.onnx.export"):
        onnx.export(nn.Linear(2, 2), (ts.zeros(1, 2),), "model.onnx")


@pytest.mark.parametrize(
    "path, names",
    [
        ("utils.data.dataloader", "DataLoader default_collate default_convert"),
        ("utils.data.dataset", "Dataset TensorDataset ConcatDataset Subset random_split"),
        (
            "utils.data.sampler",
            "Sampler SequentialSampler RandomSampler SubsetRandomSampler "
            "WeightedRandomSampler BatchSampler",
        ),
        ("nn.modules.module", "Module"),
        ("nn.modules.linear", "Linear Identity"),
        ("nn.modules.activation", "ReLU GELU Softmax LogSoftmax PReLU MultiheadAttention"),
        ("nn.modules.conv", "Conv1d Conv2d ConvTranspose1d ConvTranspose2d"),
        ("nn.modules.pooling", "MaxPool2d AvgPool2d AdaptiveAvgPool2d MaxUnpool2d"),
        ("nn.modules.rnn", "RNN LSTM GRU LSTMCell GRUCell RNNCell"),
        ("nn.modules.transformer", "Transformer TransformerEncoderLayer TransformerDecoder"),
        ("nn.modules.padding", "ZeroPad2d ReflectionPad2d ReplicationPad1d CircularPad2d"),
        ("nn.modules.upsampling", "Upsample UpsamplingNearest2d UpsamplingBilinear2d"),
        ("nn.modules.fold", "Fold Unfold"),
        ("nn.modules.pixelshuffle", "PixelShuffle PixelUnshuffle"),
        ("nn.modules.instancenorm", "InstanceNorm1d InstanceNorm2d"),
        ("nn.modules.loss", "_Loss _WeightedLoss CrossEntropyLoss MSELoss BCEWithLogitsLoss"),
        ("nn.modules.container", "Sequential ModuleList ModuleDict ParameterList"),
        ("nn.modules.dropout", "Dropout Dropout2d"),
        ("nn.modules.batchnorm", "BatchNorm1d BatchNorm2d _BatchNorm"),
        ("nn.modules.normalization", "LayerNorm GroupNorm"),
        ("nn.modules.sparse", "Embedding EmbeddingBag"),
        ("nn.modules.flatten", "Flatten Unflatten"),
        ("nn.modules.distance", "CosineSimilarity PairwiseDistance"),
        ("nn.modules", "Module Linear ReLU Sequential CrossEntropyLoss"),
        ("nn.parameter", "Parameter"),
        ("serialization", "save load add_safe_globals safe_globals get_safe_globals"),
    ],
)
def test_pytorchs_module_paths_hold_the_same_objects(path, names):
    module = importlib.import_module("tinygrad_scores." + path)
    for name in names.split():
        obj = getattr(module, name)
        top = path.split(".")[0]
        if not name.startswith("_") and path != "serialization":
            # the same class as under torch.nn / torch.utils.data
            assert obj is getattr(ts.nn if top == "nn" else ts.utils.data, name)


def test_a_name_missing_from_a_module_path_says_so():
    with pytest.raises(NotImplementedError, match="has no torch.nn.modules.linear.Bilinear"):
        ts.nn.modules.linear.Bilinear  # noqa: B018
    with pytest.raises(
        NotImplementedError, match="has no torch.utils.data.sampler.DistributedSampler"
    ):
        ts.utils.data.sampler.DistributedSampler  # noqa: B018
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("tinygrad_scores.nn.modules.lazy")  # not provided
