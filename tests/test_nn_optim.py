"""nn modules, optimizers against NumPy transcriptions, save/load, data."""

import copy
import gzip
import math
import struct

import numpy as np
import pytest

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
import tinygrad_scores.optim as optim
from tinygrad_scores.data import DataLoader, TensorDataset, load_digits, load_idx
from tinygrad_scores.kernels import reference as ref


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


def test_module_registration_and_repr():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert len(list(net.children())) == 3 and len(list(net.modules())) == 4
    assert repr(net) == (
        "Net(\n  (fc1): Linear(in_features=4, out_features=8, bias=True)\n"
        "  (relu): ReLU()\n  (fc2): Linear(in_features=8, out_features=3, bias=True)\n)"
    )
    assert not net.eval().training and net.train().fc1.training
    seq = nn.Sequential(nn.Linear(2, 2), nn.Identity(), nn.Linear(2, 1, bias=False))
    assert len(list(seq.parameters())) == 3 and seq[2].bias is None
    assert seq(ts.randn(5, 2)).shape == (5, 1)


def test_linear_init_matches_pytorch_bounds():
    layer = nn.Linear(100, 50)
    bound = 1 / math.sqrt(100)
    w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    assert w.shape == (50, 100) and np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.abs(b).max() <= bound
    assert layer.weight.dtype == ts.float32 and layer.weight.requires_grad


def test_state_dict_round_trip_and_errors():
    a, b = Net(), Net()
    b.load_state_dict(a.state_dict())
    x = ts.randn(3, 4)
    np.testing.assert_array_equal(a(x).detach().numpy(), b(x).detach().numpy())
    state = a.state_dict()
    del state["fc2.bias"]
    state["extra"] = ts.zeros(1)
    state["fc1.weight"] = ts.zeros(2, 2)
    with pytest.raises(RuntimeError) as err:
        b.load_state_dict(state)
    msg = str(err.value)
    assert 'Missing key(s) in state_dict: "fc2.bias"' in msg
    assert 'Unexpected key(s) in state_dict: "extra"' in msg
    assert "size mismatch for fc1.weight: copying a param with shape [2, 2]" in msg
    assert "[8, 4]" in msg


def test_save_load_predicts_bit_identically(tmp_path):
    net = Net()
    path = tmp_path / "model.npz"
    ts.save(net.state_dict(), str(path))
    other = Net()
    other.load_state_dict(ts.load(str(path)))
    x = ts.randn(16, 4)
    assert np.array_equal(net(x).detach().numpy(), other(x).detach().numpy())


def test_load_refuses_pickle_and_truncated_files(tmp_path):
    evil = tmp_path / "evil.npz"
    np.savez(
        evil, x=np.array([{"a": 1}], dtype=object), __structure__=np.frombuffer(b"{}", np.uint8)
    )
    with pytest.raises(ValueError, match="pickled"):
        ts.load(str(evil))
    good = tmp_path / "good.npz"
    ts.save({"w": ts.ones(1000)}, str(good))
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:500])
    with pytest.raises(ValueError, match="truncated"):
        ts.load(str(truncated))


def _train_pair(opt_cls, twin_cls, steps=60, **kw):
    """Train a small net with our optimizer and replay its gradients through the NumPy
    twin; the parameters must agree step after step."""
    ts.manual_seed(0)
    net = Net()
    for p in net.parameters():
        p.data = p.data.double()
    twin_params = [p.array.copy() for p in net.parameters()]
    opt = opt_cls(net.parameters(), **kw)
    twin = twin_cls(twin_params, **kw)
    x = ts.randn(32, 4, dtype=ts.float64)
    y = ts.randint(0, 3, (32,))
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(net(x), y).backward()
        grads = [p.grad.array.copy() for p in net.parameters()]
        opt.step()
        twin.step(grads)
    for p, q in zip(net.parameters(), twin_params):
        np.testing.assert_allclose(p.array, q, rtol=1e-9, atol=1e-12)
    return net


@pytest.mark.parametrize(
    "kw",
    [
        dict(lr=1e-2),
        dict(lr=1e-2, weight_decay=0.1),
        dict(lr=1e-2, amsgrad=True, betas=(0.8, 0.99)),
    ],
)
def test_adam_matches_published_algorithm(kw):
    _train_pair(optim.Adam, ref.Adam, **kw)


def test_adamw_matches_published_algorithm():
    _train_pair(
        optim.AdamW,
        lambda params, **kw: ref.Adam(params, decoupled=True, **kw),
        lr=1e-2,
        weight_decay=0.05,
    )


@pytest.mark.parametrize("opt_cls", [optim.Adam, optim.AdamW])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adams_fused_step_gives_steps_bits_and_falls_back_where_it_must(opt_cls, dtype):
    # what a compiled step's replay runs in place of step(): two groups, six parameters
    # (more than one fused call), then a step with one gradient missing, then amsgrad
    rng = np.random.default_rng(0)
    shapes = [(5, 3), (3,), (2, 2), (4,), (1,), (6, 2)]
    start = [rng.standard_normal(s).astype(dtype) for s in shapes]
    twins = []
    for _ in range(2):
        ps = [nn.Parameter(ts.tensor(a.copy())) for a in start]
        groups = [{"params": ps[:4]}, {"params": ps[4:], "lr": 0.05, "weight_decay": 0.2}]
        twins.append((ps, opt_cls(groups, lr=1e-2, weight_decay=0.01)))
    (ps1, step_opt), (ps2, fused_opt) = twins
    for n in range(9):
        grads = [rng.standard_normal(s).astype(dtype) for s in shapes]
        for ps in (ps1, ps2):
            for p, g in zip(ps, grads):
                p.grad = None if n == 5 and p is ps[2] else ts.tensor(g.copy())
        if n == 7:
            for opt in (step_opt, fused_opt):
                opt.param_groups[1]["amsgrad"] = True
                for p in opt.param_groups[1]["params"]:
                    opt.state[p]["max_exp_avg_sq"] = ts.zeros_like(p)
        if n == 2:  # a parameter's array replaced: the fused step sees the new one
            for ps in (ps1, ps2):
                ps[0].data = ts.tensor(start[0] * 2)
        step_opt.step()
        fused_opt._fused_step()
        for p, q in zip(ps1, ps2):
            np.testing.assert_array_equal(p.array, q.array)
    for p, q in zip(ps1, ps2):
        for key, value in step_opt.state[p].items():
            np.testing.assert_array_equal(value.array, fused_opt.state[q][key].array)


def test_adams_fused_step_runs_the_group_kernel_while_its_plan_holds(monkeypatch):
    p = nn.Parameter(ts.tensor(np.arange(4.0, dtype=np.float32)))
    frozen = nn.Parameter(ts.ones(2))  # never gets a gradient: step() skips it
    opt = optim.Adam([p], lr=0.1)
    calls = []
    real = optim.adam.kernels.adam_group
    monkeypatch.setattr(optim.adam.kernels, "adam_group", lambda *a: calls.append(1) or real(*a))
    p.grad = ts.ones(4)
    opt._fused_step()  # no state yet: step() makes it
    assert calls == []
    for _ in range(3):
        opt._fused_step()
    assert calls == [1, 1, 1]
    p.array.flags.writeable = False  # step() names the problem before any update
    with pytest.raises(RuntimeError, match="read-only"):
        opt._fused_step()
    assert calls == [1, 1, 1] and opt.state[p]["step"].item() == 4
    p.array.flags.writeable = True
    opt.add_param_group({"params": [frozen]})
    opt._fused_step()  # a parameter without a gradient: step(), which skips it
    assert calls == [1, 1, 1] and opt.state[p]["step"].item() == 5 and frozen not in opt.state


def test_a_deep_copy_of_an_optimizer_after_fused_steps_updates_its_own_parameters():
    # the fused step's plan holds flat views of the parameters: a copy must not inherit
    # views of the original's arrays
    ps = [nn.Parameter(ts.tensor(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)))]
    opt = optim.Adam(ps, lr=0.1)
    for _ in range(3):
        ps[0].grad = ts.ones(2, 3)
        opt._fused_step()
    ps2, opt2 = copy.deepcopy((ps, opt))
    for p in (ps, ps2):
        p[0].grad = ts.full((2, 3), 0.5)
    before = ps[0].array.copy()
    opt.step()
    opt2._fused_step()
    assert not np.array_equal(ps2[0].array, before)
    np.testing.assert_array_equal(ps2[0].array, ps[0].array)


@pytest.mark.parametrize(
    "kw",
    [
        dict(lr=0.1),
        dict(lr=0.1, momentum=0.9),
        dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
        dict(lr=0.1, momentum=0.5, dampening=0.2),
    ],
)
def test_sgd_matches_published_algorithm(kw):
    _train_pair(optim.SGD, ref.SGD, **kw)


def test_param_groups_and_lr_change_and_state_dict():
    net = Net()
    opt = optim.Adam(
        [{"params": net.fc1.parameters()}, {"params": net.fc2.parameters(), "lr": 0.1}], lr=0.01
    )
    assert opt.param_groups[0]["lr"] == 0.01 and opt.param_groups[1]["lr"] == 0.1
    F.cross_entropy(net(ts.randn(4, 4)), ts.tensor([0, 1, 2, 0])).backward()
    opt.step()
    opt.param_groups[0]["lr"] = 0.5
    state = opt.state_dict()
    other = optim.Adam(
        [{"params": net.fc1.parameters()}, {"params": net.fc2.parameters()}], lr=0.01
    )
    other.load_state_dict(state)
    assert other.param_groups[0]["lr"] == 0.5
    p0 = next(net.parameters())
    np.testing.assert_array_equal(
        other.state[p0]["exp_avg"].numpy(), opt.state[p0]["exp_avg"].numpy()
    )
    opt.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_optimizer_rejects_bad_params():
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam([])
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        optim.SGD([np.zeros(3)], lr=0.1)
    with pytest.raises(ValueError, match="does not require grad"):
        optim.SGD([ts.zeros(3)], lr=0.1)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        optim.Adam(Net().parameters(), lr=-1)


def test_dataloader_batches_shuffle_and_drop_last():
    x = ts.arange(10).reshape(10, 1)
    y = ts.arange(10)
    loader = DataLoader(TensorDataset(x, y), batch_size=4)
    sizes = [len(b[1]) for b in loader]
    assert sizes == [4, 4, 2] and len(loader) == 3
    assert [len(b[1]) for b in DataLoader(TensorDataset(x, y), batch_size=4, drop_last=True)] == [
        4,
        4,
    ]
    g1, g2 = ts.Generator(3), ts.Generator(3)
    first = [b[1].tolist() for b in DataLoader(TensorDataset(x, y), 4, shuffle=True, generator=g1)]
    second = [b[1].tolist() for b in DataLoader(TensorDataset(x, y), 4, shuffle=True, generator=g2)]
    assert (
        first == second and sorted(sum(first, [])) == list(range(10)) and first[0] != [0, 1, 2, 3]
    )
    with pytest.raises(ValueError, match="Size mismatch"):
        TensorDataset(ts.zeros(3), ts.zeros(4))


def test_digits_split_is_deterministic():
    (xtr, ytr), (xte, yte) = load_digits()
    assert xtr.shape == (1438, 64) and xte.shape == (359, 64)
    assert xtr.dtype == ts.float32 and ytr.dtype == ts.int64
    assert 0.0 <= xtr.numpy().min() and xtr.numpy().max() <= 1.0
    (xtr2, _), _ = load_digits()
    assert np.array_equal(xtr.numpy(), xtr2.numpy())
    assert set(np.unique(yte.numpy())) == set(range(10))


def _write_idx(path, array, type_code=0x08):
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    data = header + array.astype(">u1" if type_code == 0x08 else ">f4").tobytes()
    (gzip.open if str(path).endswith(".gz") else open)(path, "wb").write(data)
    return data


def test_load_idx_reads_and_rejects(tmp_path):
    images = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    _write_idx(tmp_path / "img.idx", images)
    np.testing.assert_array_equal(load_idx(tmp_path / "img.idx"), images)
    _write_idx(tmp_path / "img.idx.gz", images)
    np.testing.assert_array_equal(load_idx(tmp_path / "img.idx.gz"), images)
    floats = np.array([1.5, -2.0], np.float32)
    _write_idx(tmp_path / "f.idx", floats, 0x0D)
    np.testing.assert_array_equal(load_idx(tmp_path / "f.idx"), floats)
    data = (tmp_path / "img.idx").read_bytes()
    (tmp_path / "short.idx").write_bytes(data[:-5])
    with pytest.raises(ValueError, match="truncated IDX data"):
        load_idx(tmp_path / "short.idx")
    (tmp_path / "bad.idx").write_bytes(b"\x12\x34" + data[2:])
    with pytest.raises(ValueError, match="not an IDX file"):
        load_idx(tmp_path / "bad.idx")


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
        lambda ps: optim.Adam(ps, lr=0.1),
        lambda ps: optim.AdamW(ps, lr=0.1),
    ],
    ids=["SGD", "Adam", "AdamW"],
)
def test_a_read_only_gradient_steps_as_a_writeable_one(make):
    # PyTorch steps with any gradient; the kernels take writeable arrays, so a read-only
    # one (p.grad = torch.from_numpy(a) of a read-only a) is copied, not refused by Numba
    raw = np.array([[0.5, -1.0], [2.0, 0.25]], np.float32)
    frozen = raw.copy()
    frozen.flags.writeable = False
    a, b = ts.zeros(2, 2, requires_grad=True), ts.zeros(2, 2, requires_grad=True)
    opt_a, opt_b = make([a]), make([b])
    for _ in range(3):
        a.grad, b.grad = ts.from_numpy(frozen), ts.tensor(raw)
        opt_a.step()
        opt_b.step()
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_a_read_only_gradient_through_a_compiled_steps_fused_adam():
    raw = np.array([[0.5, -1.0], [2.0, 0.25]], np.float32)
    frozen = raw.copy()
    frozen.flags.writeable = False
    eager, replayed = ts.zeros(2, 2, requires_grad=True), ts.zeros(2, 2, requires_grad=True)
    opt_eager, opt = optim.Adam([eager], lr=0.1), optim.Adam([replayed], lr=0.1)

    def step():
        opt.step()

    compiled = ts.compile(step)
    for _ in range(4):
        eager.grad, replayed.grad = ts.tensor(raw), ts.from_numpy(frozen)
        opt_eager.step()
        compiled()
    assert compiled._replay_step is not None
    np.testing.assert_array_equal(replayed.detach().numpy(), eager.detach().numpy())
