"""nn.utils.weight_norm / remove_weight_norm as PyTorch's docs define them: w = g * v / ||v||
with the norm over every dim but ``dim``, parameters ``<name>_g`` and ``<name>_v`` registered
after the module's own, the weight recomputed before each forward."""

import numpy as np
import pytest

import tinygrad_scores as torch
from tinygrad_scores import nn


def weight_normed(module, **kwargs):
    with pytest.warns(FutureWarning, match="`torch.nn.utils.weight_norm` is deprecated"):
        return nn.utils.weight_norm(module, **kwargs)


def test_the_weight_is_split_into_magnitude_and_direction():
    linear = nn.Linear(3, 2, dtype=torch.float64)
    original = linear.weight.detach().clone()
    m = weight_normed(linear)
    assert [n for n, _ in m.named_parameters()] == ["bias", "weight_g", "weight_v"]
    assert list(m.state_dict()) == ["bias", "weight_g", "weight_v"]
    np.testing.assert_allclose(
        m.weight_g.detach().numpy(), np.linalg.norm(original.numpy(), axis=1, keepdims=True)
    )
    np.testing.assert_allclose(m.weight.detach().numpy(), original.numpy(), rtol=1e-12)
    assert weight_normed(nn.Conv1d(2, 4, 3), dim=None).weight_g.shape == ()
    conv = weight_normed(nn.Conv1d(2, 4, 3), dim=1)
    assert conv.weight_g.shape == (1, 2, 1) and conv(torch.randn(1, 2, 5)).shape == (1, 4, 3)


def test_forward_uses_g_and_v_and_their_gradients_are_the_formulas():
    m = weight_normed(nn.Linear(3, 2, dtype=torch.float64))
    with torch.no_grad():
        m.weight_g.mul_(2.0)  # a new magnitude takes effect at the next call
    x = torch.randn(4, 3, dtype=torch.float64)
    v, g = m.weight_v.detach().numpy(), m.weight_g.detach().numpy()
    w = g * v / np.linalg.norm(v, axis=1, keepdims=True)
    y = m(x)
    np.testing.assert_allclose(
        y.detach().numpy(), x.numpy() @ w.T + m.bias.detach().numpy(), rtol=1e-12
    )
    y.sum().backward()
    dw = np.ones((4, 2)).T @ x.numpy()  # dL/dw for L = sum(x w^T)
    u = v / np.linalg.norm(v, axis=1, keepdims=True)
    np.testing.assert_allclose(m.weight_g.grad.numpy(), (dw * u).sum(1, keepdims=True), rtol=1e-10)
    dv = g / np.linalg.norm(v, axis=1, keepdims=True) * (dw - (dw * u).sum(1, keepdims=True) * u)
    np.testing.assert_allclose(m.weight_v.grad.numpy(), dv, rtol=1e-10)


def test_remove_folds_the_weight_back_and_twice_is_refused():
    m = weight_normed(nn.Linear(3, 2))
    x = torch.randn(2, 3)
    before = m(x)
    nn.utils.remove_weight_norm(m)
    assert [n for n, _ in m.named_parameters()] == ["bias", "weight"]
    np.testing.assert_allclose(m(x).detach().numpy(), before.detach().numpy(), rtol=1e-6)
    weight_normed(m)
    with pytest.raises(
        RuntimeError, match="Cannot register two weight_norm hooks on the same parameter weight"
    ):
        weight_normed(m)
    with pytest.raises(ValueError, match="weight_norm of 'bias' not found"):
        nn.utils.remove_weight_norm(m, "bias")
