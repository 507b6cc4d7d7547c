"""torch.cdist, F.local_response_norm and F.multi_margin_loss (with nn.LocalResponseNorm and
nn.MultiMarginLoss): values PyTorch 2.13 prints for the same inputs, gradients against
central differences, first and second order."""

import numpy as np
import pytest
from strategies import leaf

import tinygrad_scores as ts
import tinygrad_scores.nn.functional as F
from tinygrad_scores.autograd import gradgradcheck


def test_cdist_values_batches_and_norms():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 2, 4)), rng.standard_normal((3, 5, 4))
    expected = np.linalg.norm(a[:, :, None, :] - b[:, None, :, :], axis=-1)
    np.testing.assert_allclose(ts.cdist(ts.tensor(a), ts.tensor(b)).numpy(), expected, rtol=1e-12)
    x, y = ts.tensor([[0.0, 3.0]]), ts.tensor([[4.0, 0.0]])
    assert ts.cdist(x, y).item() == 5.0
    assert ts.cdist(x, y, p=1).item() == 7.0
    assert ts.cdist(x, y, p=0).item() == 2.0  # PyTorch: the count of differing coordinates
    assert ts.cdist(x, y, p=float("inf")).item() == 4.0


def test_cdist_gradient_is_pytorchs_at_zero_distance():
    x = ts.tensor([[0.0, 0.0], [1.0, 1.0]], requires_grad=True)
    ts.cdist(x, x).sum().backward()  # the diagonal distances are 0: gradient 0 there
    np.testing.assert_allclose(x.grad.numpy(), [[-1.4142135, -1.4142135], [1.4142135, 1.4142135]])


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0])
def test_cdist_gradients(p):
    rng = np.random.default_rng(1)
    a, b = leaf(rng.standard_normal((3, 2))), leaf(rng.standard_normal((4, 2)))
    assert ts.gradcheck(lambda u, v: ts.cdist(u, v, p=p), [a, b])
    assert gradgradcheck(lambda u, v: ts.cdist(u, v, p=p), [a, b])


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: ts.cdist(ts.zeros(4), ts.zeros(5, 4)),
            "cdist only supports at least 2D tensors, X1 got: 1D",
        ),
        (
            lambda: ts.cdist(ts.zeros(2, 4), ts.zeros(5, 3)),
            "X1 and X2 must have the same number of columns. X1: 4 X2: 3",
        ),
        (
            lambda: ts.cdist(ts.zeros(2, 4), ts.zeros(5, 4), p=-1),
            "cdist only supports non-negative p values",
        ),
        (
            lambda: ts.cdist(ts.zeros(2, 4, dtype=ts.int64), ts.zeros(5, 4)),
            "floating-point dtypes, X1 got: Long",
        ),
    ],
)
def test_cdist_refusals(call, message):
    with pytest.raises(RuntimeError, match=message):
        call()


def test_local_response_norm_values():
    x4 = ts.arange(2 * 5 * 2 * 2, dtype=ts.float32).reshape(2, 5, 2, 2) / 10
    np.testing.assert_allclose(
        F.local_response_norm(x4, 3)[0, :, 0, 0].numpy(),
        [0.0, 0.4, 0.8, 1.1999, 1.5998],  # PyTorch 2.13, printed to 4 decimals
        atol=6e-5,
    )
    x3 = ts.arange(2 * 5 * 3.0).reshape(2, 5, 3) / 10
    np.testing.assert_allclose(
        F.local_response_norm(x3, 2, alpha=0.1, beta=0.5, k=2.0)[1, :, 1].numpy(),
        [1.0968, 1.2505, 1.4135, 1.5642, 1.7026],
        atol=6e-5,
    )
    assert (
        repr(ts.nn.LocalResponseNorm(2)) == "LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)"
    )
    with pytest.raises(ValueError, match="Expected 3D or higher dimensionality input"):
        F.local_response_norm(ts.zeros(2, 3), 2)


@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_local_response_norm_gradients(size):
    x = leaf(np.random.default_rng(size).standard_normal((2, 4, 3)))
    assert ts.gradcheck(lambda t: F.local_response_norm(t, size, alpha=0.5, k=1.5), [x])
    assert gradgradcheck(lambda t: F.local_response_norm(t, size, alpha=0.5, k=1.5), [x])


def test_multi_margin_loss_values_and_gradient():
    x = ts.tensor([[0.1, 0.2, 0.4, 0.8], [0.5, -0.2, 0.3, 0.0]], requires_grad=True)
    y = ts.tensor([3, 0])
    loss = F.multi_margin_loss(x, y)
    loss.backward()
    assert loss.item() == pytest.approx(0.3625)  # PyTorch 2.13
    np.testing.assert_allclose(
        x.grad.numpy(), [[0.125, 0.125, 0.125, -0.375], [-0.375, 0.125, 0.125, 0.125]]
    )
    none = F.multi_margin_loss(
        x, y, p=2, margin=0.5, weight=ts.tensor([1.0, 2, 3, 4]), reduction="none"
    )
    np.testing.assert_allclose(none.detach().numpy(), [0.01, 0.0225], rtol=1e-5)
    one = F.multi_margin_loss(ts.tensor([0.1, 0.2, 0.4, 0.8]), ts.tensor(1), reduction="none")
    assert one.shape == () and one.item() == pytest.approx(0.925)
    assert ts.nn.MultiMarginLoss()(x, y).item() == pytest.approx(0.3625)


@pytest.mark.parametrize("p", [1, 2])
def test_multi_margin_loss_gradients(p):
    rng = np.random.default_rng(p)
    x = leaf(rng.standard_normal((3, 4)) * 0.3)
    w = leaf(rng.uniform(0.5, 2.0, 4))
    y = ts.tensor([0, 3, 2])
    assert ts.gradcheck(lambda a, b: F.multi_margin_loss(a, y, p=p, weight=b), [x, w])
    assert gradgradcheck(lambda a, b: F.multi_margin_loss(a, y, p=p, weight=b), [x, w])


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda x: F.multi_margin_loss(x, ts.tensor([4, 0])), RuntimeError, "target out of range"),
        (
            lambda x: F.multi_margin_loss(x, ts.tensor([1, 0]), p=3),
            ValueError,
            "only p == 1 and p == 2",
        ),
        (
            lambda x: F.multi_margin_loss(x, ts.tensor([1.0, 0.0])),
            RuntimeError,
            "expected scalar type Long but found Float",
        ),
        (
            lambda x: F.multi_margin_loss(x, ts.tensor([1, 0, 2])),
            RuntimeError,
            r"Expected target size \[2\], but got \[3\]",
        ),
        (lambda x: ts.nn.MultiMarginLoss(p=3), ValueError, "only p == 1 and p == 2"),
    ],
)
def test_multi_margin_loss_refusals(call, error, message):
    with pytest.raises(error, match=message):
        call(ts.zeros(2, 4))
