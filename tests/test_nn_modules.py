"""nn modules: containers, registration, traversal, conversion, reprs as PyTorch prints
them, Parameter storage, BatchNorm1d / LayerNorm / Embedding state, nn.init and nn.utils."""

import math
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F


def val(t):
    return t.detach().numpy()


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.bn = nn.BatchNorm1d(4)
        self.register_buffer("scale", ts.ones(1))
        self.register_buffer("cache", ts.zeros(2), persistent=False)

    def forward(self, x):
        return self.bn(self.fc(x)) * self.scale


# ---------------------------------------------------------------------------- reprs
@pytest.mark.parametrize(
    "module,text",
    [
        (nn.Linear(784, 128), "Linear(in_features=784, out_features=128, bias=True)"),
        (nn.Linear(2, 1, bias=False), "Linear(in_features=2, out_features=1, bias=False)"),
        (nn.ReLU(), "ReLU()"),
        (nn.ReLU(inplace=True), "ReLU(inplace=True)"),
        (nn.Dropout(), "Dropout(p=0.5, inplace=False)"),
        (nn.LeakyReLU(), "LeakyReLU(negative_slope=0.01)"),
        (nn.LeakyReLU(0.2, inplace=True), "LeakyReLU(negative_slope=0.2, inplace=True)"),
        (nn.ELU(), "ELU(alpha=1.0)"),
        (nn.GELU(), "GELU(approximate='none')"),
        (nn.GELU("tanh"), "GELU(approximate='tanh')"),
        (nn.SiLU(), "SiLU()"),
        (nn.Softplus(), "Softplus(beta=1.0, threshold=20.0)"),
        (nn.Hardtanh(), "Hardtanh(min_val=-1.0, max_val=1.0)"),
        (nn.ReLU6(), "ReLU6()"),
        (nn.Tanh(), "Tanh()"),
        (nn.Sigmoid(), "Sigmoid()"),
        (nn.Softmax(dim=1), "Softmax(dim=1)"),
        (nn.LogSoftmax(dim=-1), "LogSoftmax(dim=-1)"),
        (nn.Identity(), "Identity()"),
        (nn.Flatten(), "Flatten(start_dim=1, end_dim=-1)"),
        (nn.Unflatten(1, (2, 5)), "Unflatten(dim=1, unflattened_size=(2, 5))"),
        (
            nn.BatchNorm1d(100),
            "BatchNorm1d(100, eps=1e-05, momentum=0.1, affine=True, bias=True, "
            "track_running_stats=True)",
        ),
        (nn.LayerNorm(10), "LayerNorm((10,), eps=1e-05, elementwise_affine=True, bias=True)"),
        (nn.Embedding(10, 3), "Embedding(10, 3)"),
        (nn.Embedding(10, 3, padding_idx=-1), "Embedding(10, 3, padding_idx=9)"),
        (nn.MSELoss(), "MSELoss()"),
    ],
)
def test_reprs_as_pytorch_prints_them(module, text):
    assert repr(module) == text


def test_nested_and_module_list_reprs():
    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.Dropout(0.1)))
    assert repr(net) == (
        "Sequential(\n  (0): Linear(in_features=2, out_features=2, bias=True)\n"
        "  (1): Sequential(\n    (0): ReLU()\n    (1): Dropout(p=0.1, "
        "inplace=False)\n  )\n)"
    )
    layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)] + [nn.ReLU()])
    assert repr(layers) == (
        "ModuleList(\n  (0-2): 3 x Linear(in_features=4, out_features=4, "
        "bias=True)\n  (3): ReLU()\n)"
    )
    assert repr(nn.ModuleList()) == "ModuleList()"


# ---------------------------------------------------------------------------- containers
def test_sequential_indexing_and_editing():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    seq = nn.Sequential(a, b, c)
    assert len(seq) == 3 and seq[0] is a and seq[-1] is c and list(seq) == [a, b, c]
    tail = seq[1:]
    assert isinstance(tail, nn.Sequential) and list(tail._modules) == ["1", "2"]  # names kept
    with pytest.raises(IndexError, match="index 3 is out of range"):
        seq[3]
    d = nn.Tanh()
    seq.append(d)
    assert seq[3] is d
    seq.insert(1, nn.Identity())
    assert [type(m).__name__ for m in seq] == ["Linear", "Identity", "ReLU", "Linear", "Tanh"]
    del seq[1]
    assert list(seq._modules) == ["0", "1", "2", "3"] and seq[1] is b
    assert seq.pop(-1) is d and len(seq) == 3
    seq.extend([nn.Sigmoid()])
    seq[3] = nn.Tanh()
    assert isinstance(seq[3], nn.Tanh)
    assert seq(ts.randn(5, 2)).shape == (5, 1)
    named = nn.Sequential(OrderedDict([("fc", a), ("act", b)]))
    assert named.fc is a and list(named._modules) == ["fc", "act"]
    assert len(nn.Sequential(a) + nn.Sequential(b, c)) == 3


def test_module_list_and_dict():
    layers = nn.ModuleList([nn.Linear(2, 2)])
    layers.append(nn.Linear(2, 2)).extend([nn.ReLU()])
    layers.insert(0, nn.Tanh())
    assert len(layers) == 4 and isinstance(layers[0], nn.Tanh)
    assert len(list(layers.parameters())) == 4
    del layers[0]
    assert list(layers._modules) == ["0", "1", "2"]
    assert isinstance(layers[1:], nn.ModuleList) and len(layers[1:]) == 2
    with pytest.raises(IndexError):
        layers[5]

    class Holder(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([nn.Linear(1, 1), nn.Linear(1, 1)])
            self.heads = nn.ModuleDict({"a": nn.Linear(1, 2), "b": nn.Linear(1, 3)})

    h = Holder()
    assert [n for n, _ in h.named_parameters()][:2] == ["blocks.0.weight", "blocks.0.bias"]
    assert "heads.b.bias" in dict(h.named_parameters())
    heads = h.heads
    assert list(heads.keys()) == ["a", "b"] and "a" in heads and len(heads) == 2
    heads.update([("c", nn.ReLU())])
    assert list(heads) == ["a", "b", "c"]
    assert isinstance(heads.pop("c"), nn.ReLU) and "c" not in heads
    del heads["a"]
    assert list(heads.values())[0] is heads["b"]


# ---------------------------------------------------------------------------- registration
def test_buffers_persistent_and_not():
    block = Block()
    assert [n for n, _ in block.named_buffers()] == [
        "scale",
        "cache",
        "bn.running_mean",
        "bn.running_var",
        "bn.num_batches_tracked",
    ]
    assert list(block.state_dict()) == [
        "scale",
        "fc.weight",
        "fc.bias",
        "bn.weight",
        "bn.bias",
        "bn.running_mean",
        "bn.running_var",
        "bn.num_batches_tracked",
    ]
    block.scale = ts.full((1,), 2.0)  # assigning a tensor updates the buffer
    assert block.state_dict()["scale"].tolist() == [2.0]
    with pytest.raises(TypeError, match="buffer"):
        block.scale = 3.0
    with pytest.raises(KeyError, match="already exists"):
        block.register_buffer("fc", ts.ones(1))
    with pytest.raises(KeyError, match="buffer name can"):
        block.register_buffer("a.b", ts.ones(1))
    with pytest.raises(TypeError, match="cannot assign"):
        block.register_buffer("other", [1.0])
    other = Block()
    other.load_state_dict(block.state_dict())  # non-persistent 'cache' not expected
    assert other.scale.tolist() == [2.0]


def test_parameter_registration_and_lookup():
    block = Block()
    with pytest.raises(TypeError, match="cannot assign .* as parameter 'weight'"):
        block.fc.weight = ts.ones(4, 3)
    block.fc.bias = None
    assert [n for n, _ in block.fc.named_parameters()] == ["weight"]
    block.register_parameter("extra", nn.Parameter(ts.zeros(2)))
    assert block.get_parameter("extra") is block.extra
    assert block.get_parameter("fc.weight") is block.fc.weight
    assert block.get_submodule("bn") is block.bn and block.get_submodule("") is block
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        block.get_submodule("nope")
    with pytest.raises(AttributeError, match="is not an nn.Module"):
        block.get_submodule("scale")
    with pytest.raises(AttributeError, match="is not an nn.Parameter"):
        block.get_parameter("scale")
    del block.extra
    assert "extra" not in dict(block.named_parameters()) and not hasattr(block, "extra")
    block.add_module("head", nn.Linear(4, 1))
    assert "head.weight" in dict(block.named_parameters())


def test_traversal_deduplicates_shared_modules():
    shared = nn.Linear(2, 2)
    net = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(net.modules())) == 3  # net, shared, relu
    assert len(list(net.parameters())) == 2
    assert [n for n, _ in net.named_children()] == ["0", "1"]
    assert len(list(net.children())) == 2
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Sequential"]


def test_modes_requires_grad_and_zero_grad():
    block = Block()
    assert block.training and block.bn.training
    assert block.eval() is block and not block.bn.training
    block.train()
    assert block.bn.training
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        block.train("no")
    block.requires_grad_(False)
    assert not any(p.requires_grad for p in block.parameters())
    block.requires_grad_(True)
    block(ts.randn(4, 3)).sum().backward()
    assert block.fc.weight.grad is not None
    block.zero_grad(set_to_none=False)
    assert not val(block.fc.weight.grad).any()
    block.zero_grad()
    assert block.fc.weight.grad is None


def test_dtype_and_device_conversion():
    block = Block()
    weight = block.fc.weight
    block(ts.randn(4, 3)).sum().backward()
    assert block.double() is block
    assert block.fc.weight is weight and weight.dtype == ts.float64
    assert weight.grad.dtype == ts.float64 and block.bn.running_mean.dtype == ts.float64
    assert block.bn.num_batches_tracked.dtype == ts.int64  # integer buffers stay
    assert block(ts.randn(4, 3, dtype=ts.float64)).dtype == ts.float64
    block.to(ts.float32)
    assert weight.dtype == ts.float32
    block.float().to("cpu").cpu()
    block.to(ts.zeros(1, dtype=ts.float64))
    assert weight.dtype == ts.float64
    with pytest.raises(NotImplementedError, match="float16"):
        block.half()
    with pytest.raises(RuntimeError, match="CUDA"):
        block.cuda()
    with pytest.raises(RuntimeError, match="CUDA"):
        block.to("cuda")
    with pytest.raises(TypeError, match="floating point"):
        block.to(ts.int64)


def test_parameter_storage_is_contiguous_and_shared_when_possible():
    t = ts.tensor([[1.0, 2.0], [3.0, 4.0]])
    p = nn.Parameter(t)
    p.data.array[0, 0] = 9.0  # same storage as t
    assert t.tolist()[0][0] == 9.0 and p.requires_grad
    fortran = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    q = nn.Parameter(ts.from_numpy(fortran))
    assert q.detach().numpy().flags.c_contiguous and q.tolist() == fortran.tolist()
    r = nn.Parameter(ts.from_numpy(np.arange(6.0).reshape(2, 3).T))
    assert r.detach().numpy().flags.c_contiguous and r.shape == (3, 2)
    assert not nn.Parameter(ts.ones(2), requires_grad=False).requires_grad
    assert repr(nn.Parameter(ts.ones(1))).startswith("Parameter containing:\ntensor([1.]")


def test_deepcopy_gives_an_independent_model():
    import copy

    net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    twin = copy.deepcopy(net)
    assert isinstance(twin[0].weight, nn.Parameter) and twin[0].weight is not net[0].weight
    assert twin[0].weight is dict(twin.named_parameters())["0.weight"]
    with ts.no_grad():
        twin[0].weight.zero_()
    assert val(net[0].weight).any()


# ---------------------------------------------------------------------------- layers
def test_activation_modules_call_their_functions():
    x = ts.randn(3, 4)
    for module, fn in [
        (nn.LeakyReLU(0.2), lambda x: F.leaky_relu(x, 0.2)),
        (nn.ELU(0.5), lambda x: F.elu(x, 0.5)),
        (nn.GELU("tanh"), lambda x: F.gelu(x, approximate="tanh")),
        (nn.SiLU(), F.silu),
        (nn.Softplus(2.0, 5.0), lambda x: F.softplus(x, 2.0, 5.0)),
        (nn.Hardtanh(-0.5, 0.5), lambda x: F.hardtanh(x, -0.5, 0.5)),
        (nn.ReLU6(), F.relu6),
        (nn.Tanh(), F.tanh),
        (nn.Sigmoid(), F.sigmoid),
    ]:
        np.testing.assert_array_equal(val(module(x)), val(fn(x)))
    assert nn.Flatten()(ts.zeros(2, 3, 4)).shape == (2, 12)
    assert nn.Unflatten(1, (2, -1))(ts.zeros(3, 8)).shape == (3, 2, 4)
    with pytest.raises(RuntimeError, match="don't multiply up"):
        nn.Unflatten(1, (3, 3))(ts.zeros(3, 8))


def test_batch_norm_module_state():
    bn = nn.BatchNorm1d(2)
    assert bn.weight.tolist() == [1, 1] and bn.bias.tolist() == [0, 0]
    x = ts.tensor([[1.0, 2.0], [3.0, 6.0]])
    bn(x)
    np.testing.assert_allclose(val(bn.running_mean), [0.2, 0.4], rtol=1e-6)
    np.testing.assert_allclose(val(bn.running_var), [1.1, 1.7], rtol=1e-6)
    assert bn.num_batches_tracked.item() == 1
    bn.eval()
    np.testing.assert_allclose(
        val(bn(x)), (val(x) - [0.2, 0.4]) / np.sqrt(np.array([1.1, 1.7]) + 1e-5), rtol=1e-5
    )
    assert bn.num_batches_tracked.item() == 1  # eval does not count
    # momentum=None: cumulative average of the batch statistics
    cum = nn.BatchNorm1d(1, momentum=None)
    cum(ts.tensor([[0.0], [2.0]]))
    cum(ts.tensor([[4.0], [6.0]]))
    np.testing.assert_allclose(val(cum.running_mean), [3.0])
    np.testing.assert_allclose(val(cum.running_var), [2.0])  # unbiased var 2 both times
    # no running statistics: batch statistics in eval mode too
    free = nn.BatchNorm1d(2, affine=False, track_running_stats=False)
    assert list(free.state_dict()) == [] and free.running_mean is None
    np.testing.assert_allclose(val(free.eval()(x)), [[-1, -1], [1, 1]], atol=1e-4)
    assert nn.BatchNorm1d(3)(ts.randn(1, 3, 4)).shape == (1, 3, 4)  # (N, C, L)
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        bn(ts.zeros(2, 2, 2, 2))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(2)(ts.zeros(1, 2))


def test_layer_norm_and_embedding_modules():
    ln = nn.LayerNorm((2, 3), bias=False)
    assert ln.weight.shape == (2, 3) and ln.bias is None
    out = ln(ts.randn(4, 2, 3, dtype=ts.float32))
    np.testing.assert_allclose(val(out).reshape(4, 6).mean(1), 0, atol=1e-6)
    assert list(nn.LayerNorm(3, elementwise_affine=False).parameters()) == []
    ts.manual_seed(0)
    emb = nn.Embedding(1000, 8, padding_idx=0)
    w = val(emb.weight)
    assert not w[0].any() and abs(w[1:].std() - 1) < 0.05  # N(0, 1) init
    assert emb(ts.tensor([[0, 5]])).shape == (1, 2, 8)
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        nn.Embedding(3, 2, padding_idx=3)
    pre = nn.Embedding.from_pretrained(ts.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert not pre.weight.requires_grad and pre(ts.tensor([1])).tolist() == [[3.0, 4.0]]


# ---------------------------------------------------------------------------- init
def test_init_functions():
    w = ts.empty(64, 32)
    nn.init.uniform_(w, -0.5, 0.5)
    assert val(w).min() >= -0.5 and val(w).max() <= 0.5
    assert nn.init.constant_(w, 0.25).tolist()[0][0] == 0.25
    assert not val(nn.init.zeros_(w)).any() and val(nn.init.ones_(w)).all()
    np.testing.assert_array_equal(val(nn.init.eye_(ts.empty(2, 3))), np.eye(2, 3))
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        nn.init.eye_(ts.empty(2))
    bound = math.sqrt(6 / (64 + 32))
    nn.init.xavier_uniform_(w)
    assert val(w).max() <= bound and val(w).max() > 0.9 * bound
    nn.init.kaiming_uniform_(w, nonlinearity="relu")
    kb = math.sqrt(2) * math.sqrt(3 / 32)
    assert val(w).max() <= kb and val(w).max() > 0.9 * kb
    big = ts.empty(400, 250)
    nn.init.kaiming_normal_(big, mode="fan_out", nonlinearity="relu")
    assert abs(val(big).std() - math.sqrt(2 / 400)) < 0.01 * math.sqrt(2 / 400) * 5
    nn.init.xavier_normal_(big, gain=2.0)
    assert abs(val(big).std() / (2 * math.sqrt(2 / 650)) - 1) < 0.05
    nn.init.trunc_normal_(big, mean=0.5, std=1.0, a=0.0, b=1.0)
    assert val(big).min() >= 0.0 and val(big).max() <= 1.0
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        nn.init.kaiming_uniform_(w, mode="fan_avg")
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed"):
        nn.init.xavier_uniform_(ts.empty(3))


def test_init_generator_argument_and_calculate_gain():
    a, b = ts.empty(5), ts.empty(5)
    nn.init.normal_(a, generator=ts.Generator().manual_seed(3))
    nn.init.normal_(b, generator=ts.Generator().manual_seed(3))
    assert a.tolist() == b.tolist()
    nn.init.kaiming_uniform_(ts.empty(2, 2), generator=ts.Generator().manual_seed(1))
    assert nn.init.calculate_gain("linear") == 1 and nn.init.calculate_gain("sigmoid") == 1
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert nn.init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert nn.init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert nn.init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="Unsupported nonlinearity gelu"):
        nn.init.calculate_gain("gelu")
    with pytest.raises(ValueError, match="not a valid number"):
        nn.init.calculate_gain("leaky_relu", "x")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="zero-element"):
            nn.init.kaiming_uniform_(ts.empty(0, 3))


# ---------------------------------------------------------------------------- utils
def test_clip_grad_norm():
    a = nn.Parameter(ts.zeros(2))
    b = nn.Parameter(ts.zeros(1))
    a.grad, b.grad = ts.tensor([3.0, 0.0]), ts.tensor([4.0])
    total = nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert total.item() == pytest.approx(5.0) and total.ndim == 0
    np.testing.assert_allclose(val(a.grad), [3 / (5 + 1e-6), 0], rtol=1e-6)
    np.testing.assert_allclose(val(b.grad), [4 / (5 + 1e-6)], rtol=1e-6)
    a.grad, b.grad = ts.tensor([0.3, 0.0]), ts.tensor([-0.4])
    assert nn.utils.clip_grad_norm_([a, b], 10.0, norm_type="inf").item() == pytest.approx(0.4)
    assert val(b.grad).tolist() == pytest.approx([-0.4])  # under the limit: kept
    assert nn.utils.clip_grad_norm_(a, 10.0, norm_type=1).item() == pytest.approx(0.3)
    assert nn.utils.clip_grad_norm_([nn.Parameter(ts.zeros(1))], 1.0).item() == 0.0
    b.grad = ts.tensor([float("inf")])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_([a, b], 1.0, error_if_nonfinite=True)


def test_clip_grad_value_and_vector_round_trip():
    a = nn.Parameter(ts.zeros(3))
    a.grad = ts.tensor([-2.0, 0.5, 3.0])
    assert nn.utils.clip_grad_value_([a], 1.0) is None
    assert a.grad.tolist() == [-1.0, 0.5, 1.0]
    net = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    vec = nn.utils.parameters_to_vector(net.parameters())
    assert vec.shape == (2 * 3 + 3 + 3 + 1,)
    weight = net[0].weight
    nn.utils.vector_to_parameters(ts.arange(13, dtype=ts.float32), net.parameters())
    assert net[0].weight is weight and weight.tolist()[0] == [0.0, 1.0]
    assert net[1].bias.tolist() == [12.0]
    with pytest.raises(TypeError, match="expected torch.Tensor"):
        nn.utils.vector_to_parameters([1.0], net.parameters())


# ---------------------------------------------------------------------------- example
def test_binary_mlp_example_trains_and_is_a_pytorch_program():
    import importlib.util
    import os

    path = os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        "examples",
        "train_binary_mlp.py",
    )
    source = open(path).read()
    specific = [line for line in source.splitlines() if "tinygrad_scores" in line]
    assert specific == [
        "import tinygrad_scores as torch",
        "import tinygrad_scores.nn as nn",
        "import tinygrad_scores.optim as optim",
        "from tinygrad_scores.utils.data import DataLoader, TensorDataset",
    ]
    spec = importlib.util.spec_from_file_location("train_binary_mlp", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    first, last, acc = module.main(["--epochs", "6", "--quiet"])
    assert last < first and acc > 0.9
