"""F.gumbel_softmax as PyTorch's documentation and source define it: softmax((logits + g) / tau)
with g = -log(E), E drawn by ``exponential_`` (so a seed gives PyTorch's sample); ``hard=True``
is one-hot in the forward pass and carries the soft sample's gradient."""

import numpy as np
import pytest

import tinygrad_scores as torch
import tinygrad_scores.nn.functional as F


def test_the_sample_is_the_softmax_of_gumbel_perturbed_logits():
    logits = torch.tensor([[1.0, 0.0, -1.0], [0.5, 0.5, 2.0]])
    torch.manual_seed(3)
    y = F.gumbel_softmax(logits, tau=0.5)
    torch.manual_seed(3)
    g = -torch.empty_like(logits).exponential_().log()
    z = ((logits + g) / 0.5).numpy()
    expected = np.exp(z - z.max(1, keepdims=True))
    np.testing.assert_allclose(y.numpy(), expected / expected.sum(1, keepdims=True), rtol=1e-6)


def test_hard_samples_are_one_hot_with_the_soft_gradient():
    logits = torch.tensor([[1.0, 0.0, -1.0, 0.3]], dtype=torch.float64, requires_grad=True)
    weights = torch.tensor([0.0, 1.0, 2.0, 3.0], dtype=torch.float64)
    torch.manual_seed(7)
    hard = F.gumbel_softmax(logits, tau=0.7, hard=True)
    assert hard.sum().item() == 1.0 and sorted(hard.tolist()[0]) == [0.0, 0.0, 0.0, 1.0]
    (hard * weights).sum().backward()
    hard_grad = logits.grad.clone()
    logits.grad = None
    torch.manual_seed(7)
    soft = F.gumbel_softmax(logits, tau=0.7)
    assert soft.argmax().item() == hard.argmax().item()
    (soft * weights).sum().backward()
    np.testing.assert_allclose(hard_grad.numpy(), logits.grad.numpy(), rtol=1e-12)


def test_eps_is_deprecated_and_dim_is_respected():
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated and has no effect."):
        F.gumbel_softmax(torch.zeros(2, 3), eps=1e-5)
    y = F.gumbel_softmax(torch.zeros(2, 3, dtype=torch.float64), dim=0)
    np.testing.assert_allclose(y.sum(0).numpy(), np.ones(3))
