"""Second order through the article's network (784-128-10, ReLU, cross-entropy): rows of the
Hessian of the loss with respect to a few weights, from ``autograd.grad(create_graph=True)``
then a second ``autograd.grad``, equal central differences of the first-order gradient."""

import numpy as np

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F


def _network_and_batch():
    ts.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)).double()
    rng = np.random.default_rng(0)
    x = ts.tensor(rng.standard_normal((8, 784)))
    y = ts.tensor(rng.integers(0, 10, 8))
    return model, x, y


def _gradient(model, x, y):
    model.zero_grad()
    F.cross_entropy(model(x), y).backward()
    return [p.grad.array.copy() for p in model.parameters()]


def test_hessian_rows_of_the_seed_network_equal_differences_of_its_gradient():
    model, x, y = _network_and_batch()
    params = list(model.parameters())
    loss = F.cross_entropy(model(x), y)
    grads = ts.autograd.grad(loss, params, create_graph=True)
    picks = [(0, (5, 300)), (0, (77, 12)), (1, (3,)), (2, (4, 17)), (3, (9,))]
    eps = 1e-6
    for which, index in picks:
        row = ts.autograd.grad(grads[which][index], params, retain_graph=True, allow_unused=True)
        weight = params[which].array
        original = weight[index]
        weight[index] = original + eps
        plus = _gradient(model, x, y)
        weight[index] = original - eps
        minus = _gradient(model, x, y)
        weight[index] = original
        for h, p, m in zip(row, plus, minus):
            got = np.zeros(p.shape) if h is None else h.array
            np.testing.assert_allclose(got, (p - m) / (2 * eps), rtol=1e-5, atol=1e-8)


def test_a_first_order_backward_builds_no_second_graph():
    model, x, y = _network_and_batch()
    F.cross_entropy(model(x), y).backward()
    assert all(p.grad.grad_fn is None and not p.grad.requires_grad for p in model.parameters())
