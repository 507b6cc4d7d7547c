"""torch.linalg's norms, torch.cdist, torch.cosine_similarity, torch.logit and torch.isin,
against values worked by hand from PyTorch's documented definitions."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinygrad_scores as torch

X = [[3.0, -4.0], [1.0, 0.0]]


def close(t, expected):
    np.testing.assert_allclose(t.detach().numpy(), expected, rtol=1e-6, atol=1e-6)
    assert t.shape == np.shape(expected)


def test_linalg_norm_dispatches_as_pytorchs_docs_say():
    x = torch.tensor(X)
    close(torch.linalg.norm(x), math.sqrt(26))  # flattened 2-norm = Frobenius
    close(torch.linalg.norm(x, dim=1), [5.0, 1.0])
    close(torch.linalg.norm(x, ord=1), 4.0)  # largest column sum of |x|: 3 + 1, 4 + 0
    close(torch.linalg.norm(x, ord=-1), 4.0)
    close(torch.linalg.norm(x, ord=math.inf), 7.0)  # largest row sum: 3 + 4
    close(torch.linalg.norm(x, ord=-math.inf, keepdim=True), [[1.0]])
    close(torch.linalg.norm(torch.ones(2, 2, 2)), math.sqrt(8))
    close(torch.linalg.norm(torch.tensor([1.0, 2.0]), ord=3), 9 ** (1 / 3))
    with pytest.raises(RuntimeError, match="the input must be 1D or 2D. Got 3D"):
        torch.linalg.norm(torch.ones(2, 2, 2), ord=1)


def test_vector_and_matrix_norms():
    x = torch.tensor(X)
    close(torch.linalg.vector_norm(x, ord=1, dim=0), [4.0, 4.0])
    close(torch.linalg.vector_norm(x, keepdim=True), [[math.sqrt(26)]])
    close(torch.linalg.vector_norm(x, ord=math.inf), 4.0)
    close(torch.linalg.vector_norm(x, ord=0), 3.0)
    close(torch.linalg.matrix_norm(torch.ones(3, 2, 2)), [2.0, 2.0, 2.0])
    close(torch.linalg.matrix_norm(torch.arange(6.0).view(2, 3), ord=1), 7.0)  # column 2: 2 + 5
    with pytest.raises(
        RuntimeError, match="Expected a floating point or complex tensor as input. Got Long"
    ):
        torch.linalg.vector_norm(torch.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="must have at least 2 dimensions"):
        torch.linalg.matrix_norm(torch.ones(3))
    with pytest.raises(RuntimeError, match="Order 3 not supported"):
        torch.linalg.matrix_norm(torch.ones(2, 2), ord=3)
    with pytest.raises(
        NotImplementedError, match="tinygrad_scores has no torch.linalg.matrix_norm\\(ord='nuc'\\)"
    ):
        torch.linalg.matrix_norm(torch.ones(2, 2), ord="nuc")
    with pytest.raises(NotImplementedError, match="tinygrad_scores has no torch.linalg.inv"):
        torch.linalg.inv(torch.eye(2))


def test_cdist_is_every_pairwise_distance():
    a, b = torch.tensor([[0.0, 0.0], [1.0, 1.0]]), torch.tensor([[3.0, 4.0]])
    close(torch.cdist(a, b), [[5.0], [math.sqrt(13)]])
    close(torch.cdist(a.unsqueeze(0), b.unsqueeze(0), p=1), [[[7.0], [5.0]]])
    with pytest.raises(RuntimeError, match="cdist only supports at least 2D tensors, X1 got: 1D"):
        torch.cdist(torch.ones(2), torch.ones(2, 2))
    with pytest.raises(
        RuntimeError, match="X1 and X2 must have the same number of columns. X1: 3 X2: 4"
    ):
        torch.cdist(torch.ones(2, 3), torch.ones(2, 4))
    with pytest.raises(RuntimeError, match="cdist only supports non-negative p values"):
        torch.cdist(torch.ones(2, 3), torch.ones(2, 3), p=-1)


def test_cdist_gradient_is_zero_at_zero_distance():
    a = torch.tensor([[0.0, 0.0], [1.0, 1.0]], requires_grad=True)
    torch.cdist(a, a).sum().backward()
    # each point is pulled by the other twice (rows and columns); its own zero distance adds 0
    close(a.grad, [[-math.sqrt(2), -math.sqrt(2)], [math.sqrt(2), math.sqrt(2)]])


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), p=st.sampled_from([1.0, 2.0, 3.0]))
def test_cdist_and_norms_gradcheck(seed, p):
    rng = np.random.default_rng(seed)
    a = torch.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    b = torch.tensor(rng.standard_normal((2, 5, 4)), requires_grad=True)
    assert torch.autograd.gradcheck(lambda u, v: torch.cdist(u, v, p=p), (a, b))
    m = torch.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: torch.linalg.matrix_norm(t), (m,))
    assert torch.autograd.gradcheck(lambda t: torch.linalg.vector_norm(t, ord=p, dim=1), (m,))


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
