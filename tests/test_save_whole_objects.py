"""``torch.save(model)`` / ``torch.load(path, weights_only=...)`` of whole modules and
optimizers, still without unpickling: a class is recorded by name and rebuilt only if it
is this package's or allow-listed (``torch.serialization.add_safe_globals`` /
``safe_globals``), as PyTorch >= 2.6 does for ``weights_only=True``."""

import io
import json
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
from tinygrad_scores import serialization


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.BatchNorm1d(4))
        self.head = nn.Linear(4, 2)
        self.scale = 0.5
        self.act = ts.tanh  # a function of ours, kept by name

    def forward(self, x):
        return self.act(self.head(self.body(x))) * self.scale


@pytest.fixture(autouse=True)
def _no_allowed_globals():
    serialization.clear_safe_globals()
    yield
    serialization.clear_safe_globals()


def _roundtrip(obj, **load_kwargs):
    buf = io.BytesIO()
    ts.save(obj, buf)
    buf.seek(0)
    return ts.load(buf, **load_kwargs)


def _trained():
    ts.manual_seed(0)
    model = Net()
    opt = ts.optim.Adam(model.parameters(), lr=0.05)
    x = ts.randn(8, 3)
    for _ in range(2):
        opt.zero_grad()
        model(x).pow(2).sum().backward()
        opt.step()
    return model, opt, x


def test_a_saved_model_loads_with_weights_only_false_and_computes_the_same():
    # PyTorch: torch.load(path, weights_only=False) of torch.save(model) rebuilds the model
    model, _, x = _trained()
    loaded = _roundtrip(model, weights_only=False)
    assert type(loaded) is Net and loaded is not model
    assert loaded.scale == 0.5 and loaded.act is ts.tanh and loaded.training
    np.testing.assert_array_equal(loaded(x).detach().numpy(), model(x).detach().numpy())
    weight = loaded.body[0].weight
    assert type(weight) is nn.Parameter and weight.requires_grad  # as PyTorch's pickle
    assert [n for n, _ in loaded.named_parameters()] == [n for n, _ in model.named_parameters()]
    running = loaded.body[2].running_mean
    assert not running.requires_grad
    np.testing.assert_array_equal(running.numpy(), model.body[2].running_mean.numpy())


def test_weights_only_refuses_a_class_that_is_not_allowed_with_pytorchs_message():
    # PyTorch 2.6: UnpicklingError "Weights only load failed ... Unsupported global: GLOBAL
    # __main__.Net was not an allowed global by default. Please use
    # `torch.serialization.add_safe_globals([...])` or the `...safe_globals([...])` context
    # manager to allowlist this global if you trust this class/function."
    model, _, _ = _trained()
    with pytest.raises(pickle.UnpicklingError) as info:
        _roundtrip(model)  # weights_only=True is the default
    message = str(info.value)
    assert "Weights only load failed" in message
    assert f"Unsupported global: GLOBAL {__name__}.Net was not an allowed global" in message
    assert "add_safe_globals([Net])" in message and "safe_globals([Net])" in message


def test_safe_globals_and_add_safe_globals_allow_the_class():
    model, _, x = _trained()
    with serialization.safe_globals([Net, ts.tanh]):  # the class and its act function
        assert serialization.get_safe_globals() == [Net, ts.tanh]
        loaded = _roundtrip(model, weights_only=True)
    assert serialization.get_safe_globals() == []  # the block's list is gone again
    np.testing.assert_array_equal(loaded(x).detach().numpy(), model(x).detach().numpy())
    serialization.add_safe_globals([(Net, f"{__name__}.Net"), ts.tanh])  # (obj, name) form
    assert type(_roundtrip(model)) is Net
    assert ts.serialization is serialization  # torch.serialization


def test_a_function_needs_allowing_even_one_of_ours():
    # PyTorch's weights_only refuses any function not allow-listed (torch.tanh included)
    model = nn.Linear(2, 2)
    model.act = ts.tanh
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL"):
        _roundtrip(model)
    with serialization.safe_globals([ts.tanh]):
        assert _roundtrip(model).act is ts.tanh


def test_this_packages_own_modules_load_with_weights_only():
    ts.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 3), nn.GELU(), nn.Dropout(0.2))
    model.eval()
    loaded = _roundtrip(model)
    assert repr(loaded) == repr(model) and not loaded.training and not loaded[2].training
    x = ts.randn(5, 2)
    np.testing.assert_array_equal(loaded(x).detach().numpy(), model(x).detach().numpy())


def test_an_optimizer_and_its_model_keep_their_shared_parameters_and_train_on_identically():
    model, opt, x = _trained()
    sched = ts.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    sched.step()
    got = _roundtrip({"model": model, "opt": opt, "sched": sched}, weights_only=False)
    model2, opt2, sched2 = got["model"], got["opt"], got["sched"]
    assert sched2.optimizer is opt2 and opt2.param_groups[0]["lr"] == 0.025
    assert opt2.param_groups[0]["params"][0] is model2.body[0].weight  # one tensor, shared
    assert all(p in opt2.state for p in model2.parameters())
    for m, o in ((model, opt), (model2, opt2)):
        o.zero_grad()
        m(x).pow(2).sum().backward()
        o.step()
    for p, q in zip(model.parameters(), model2.parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def test_tied_weights_stay_one_tensor():
    ts.manual_seed(2)
    model = nn.Sequential(nn.Linear(3, 3), nn.Linear(3, 3))
    model[1].weight = model[0].weight
    loaded = _roundtrip(model)
    assert loaded[1].weight is loaded[0].weight
    assert len(list(loaded.parameters())) == 3  # as PyTorch: a shared parameter counts once


def test_what_cannot_be_found_by_name_is_refused_at_save():
    model = nn.Linear(2, 2)
    model.act = lambda t: t  # PyTorch's pickle fails on a lambda too
    with pytest.raises(TypeError, match="cannot be found again by its name"):
        ts.save(model, io.BytesIO())


def _forged(structure):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        with zf.open("__structure__.npy", "w") as member:
            blob = np.frombuffer(json.dumps(structure).encode(), np.uint8)
            np.lib.format.write_array(member, blob, allow_pickle=False)
    buf.seek(0)
    return buf


def test_a_forged_file_cannot_rebuild_or_import_what_it_names():
    # a function is not a class of objects
    with pytest.raises(ValueError, match="not a class"):
        ts.load(_forged({"__object__": ["os:system", {"__dict__": []}]}), weights_only=False)
    # weights_only refuses a global that is not ours nor allowed, even a harmless one
    with pytest.raises(pickle.UnpicklingError, match="GLOBAL os.getcwd"):
        ts.load(_forged({"__global__": "os:getcwd"}))
    # a module that is not imported is never imported by load
    with pytest.raises(pickle.UnpicklingError, match="never imports"):
        ts.load(_forged({"__global__": "antigravity:fly"}), weights_only=False)
    with pytest.raises(ValueError, match="__same__ must name an earlier"):
        ts.load(_forged({"__list__": [{"__same__": 0}]}))
    with pytest.raises(ValueError, match="unknown dtype"):
        ts.load(_forged({"__dtype__": "tinygrad_scores.Tensor"}))


def test_dtypes_devices_sets_and_ordered_dicts_round_trip():
    obj = {"d": ts.float64, "dev": ts.device("cpu"), "s": {1, 2}, "o": OrderedDict(a=1)}
    got = _roundtrip(obj)
    assert got["d"] is ts.float64 and got["dev"] == ts.device("cpu")
    assert got["s"] == {1, 2} and type(got["o"]) is OrderedDict
