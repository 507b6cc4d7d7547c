"""Convolution, pooling, padding and resizing against PyTorch's own outputs and gradients,
stored by tools/make_conv_golden.py (float64 inputs; the gradient is that of
sum(out * r) for a fixed r), on both kernel floors."""

import json
import os

import numpy as np
import pytest

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
from tinygrad_scores import kernels

GOLDEN = os.path.join(os.path.dirname(__file__), "golden", "conv_pytorch.npz")
DATA = np.load(GOLDEN)
CASES = sorted({key.split("/")[0] for key in DATA.files})


def _case(name):
    fields = {key.split("/", 1)[1]: DATA[key] for key in DATA.files if key.startswith(name + "/")}
    return json.loads(str(fields.pop("call"))), fields


def _run(call, fields):
    n_inputs = sum(1 for k in fields if k.startswith("input"))
    xs = [ts.tensor(fields[f"input{i}"], requires_grad=True) for i in range(n_inputs)]
    kind, kwargs = call["kind"], call["kwargs"]
    params = []
    if kind.startswith("nn."):
        module = getattr(nn, kind[3:])(**kwargs, dtype=ts.float64)
        state = {k[len("state.") :]: v for k, v in fields.items() if k.startswith("state.")}
        module.load_state_dict({k: ts.tensor(v) for k, v in state.items()})
        out = module(*xs)
        params = list(module.parameters())
    else:
        out = getattr(F, kind[2:])(*xs, **kwargs)
    return xs, out, params


def test_every_stored_case_is_replayed():
    assert len(CASES) >= 50


@pytest.mark.parametrize("floor", ["fast", "loops"])
@pytest.mark.parametrize("name", CASES)
def test_matches_pytorch(name, floor):
    call, fields = _case(name)
    kernels.set_kernels(floor)
    try:
        xs, out, params = _run(call, fields)
        assert tuple(out.shape) == fields["out"].shape
        np.testing.assert_allclose(out.detach().numpy(), fields["out"], rtol=1e-10, atol=1e-12)
        (out * ts.tensor(fields["r"])).sum().backward()
    finally:
        kernels.set_kernels("fast")
    for i, x in enumerate(xs):
        np.testing.assert_allclose(x.grad.numpy(), fields[f"grad{i}"], rtol=1e-10, atol=1e-12)
    for i, p in enumerate(params):
        np.testing.assert_allclose(p.grad.numpy(), fields[f"pgrad{i}"], rtol=1e-10, atol=1e-12)
