"""torch.cosine_similarity, torch.logit and torch.isin, against values worked by hand from
PyTorch's documented definitions."""

import math

import numpy as np

import tinygrad_scores as torch

X = [[3.0, -4.0], [1.0, 0.0]]


def close(t, expected):
    np.testing.assert_allclose(t.detach().numpy(), expected, rtol=1e-6, atol=1e-6)
    assert t.shape == np.shape(expected)


def test_logit_isin_and_cosine_similarity():
    close(torch.logit(torch.tensor([0.5, 0.75])), [0.0, math.log(3)])
    inf = torch.logit(torch.tensor([0.0, 1.0]))
    assert inf.tolist() == [-math.inf, math.inf]
    lo, hi = np.float32(1e-6), np.float32(1) - np.float32(1e-6)  # the bounds in float32
    close(torch.logit(torch.tensor([0.0, 1.0]), eps=1e-6), [np.log(lo / hi), np.log(hi / (1 - hi))])
    p = torch.tensor([0.25, 0.0], requires_grad=True)
    torch.logit(p, eps=0.1).sum().backward()
    close(p.grad, [1 / (0.25 * 0.75), 0.0])  # 0 where the clamp holds
    assert torch.isin(torch.tensor([[1, 2], [3, 4]]), torch.tensor([2, 3])).tolist() == [
        [False, True],
        [True, False],
    ]
    assert torch.isin(torch.tensor([1, 2, 3]), 2, invert=True).tolist() == [True, False, True]
    x = torch.tensor(X)
    close(torch.cosine_similarity(x, x.flip(0), dim=1), [3 / 5, 3 / 5])
