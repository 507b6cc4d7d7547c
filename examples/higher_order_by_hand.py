"""Derivatives of derivatives, by hand and by the engine: the numbers of docs/higher-order.md.

1. sin at x = 0.5: the gradient taken with create_graph=True is a tensor with a graph of
   its own (cos's node, then a multiply by the incoming gradient), differentiated again
   to -sin(0.5) and a third time to -cos(0.5).
2. The 2-feature seed network of docs/backward.md (Linear -> ReLU -> Linear ->
   cross-entropy): a Hessian-vector product for the first layer's weights, by the engine
   (autograd.grad twice), by hand in NumPy, and by central differences of the first-order
   gradient; the three must agree.
"""

import math
from collections import Counter

import numpy as np

import tinygrad_scores as torch
import tinygrad_scores.nn.functional as F

np.set_printoptions(precision=6, suppress=True)


def graph_ops(tensor):
    """The op names in the graph behind ``tensor``, each with how often it appears."""
    seen, stack, names = set(), [tensor.grad_fn], Counter()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names[node.name()] += 1
        stack.extend(node.parents)
    return names


def sin_walk():
    print("== 1. sin at x = 0.5")
    x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    y = torch.sin(x)
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    print(f"y = sin(x) = {y.item():.6f}")
    print(f"g = dy/dx = {g.item():.6f}   (cos 0.5 = {math.cos(0.5):.6f}), grad_fn {g.grad_fn}")
    print(f"g's graph: {dict(graph_ops(g))}")
    with torch.trace():
        (h,) = torch.autograd.grad(g, x, create_graph=True)
    print(f"h = dg/dx = {h.item():.6f}   (-sin 0.5 = {-math.sin(0.5):.6f})")
    (k,) = torch.autograd.grad(h, x)
    print(f"k = dh/dx = {k.item():.6f}   (-cos 0.5 = {-math.cos(0.5):.6f})")
    return max(
        abs(g.item() - math.cos(0.5)),
        abs(h.item() + math.sin(0.5)),
        abs(k.item() + math.cos(0.5)),
    )


def seed_network_walk():
    print("\n== 2. the seed network: H v for the first layer's weights")
    x = np.array([[1.0, 2.0], [-1.0, 0.5]])  # the data and weights of docs/backward.md
    y = np.array([0, 1])
    W1 = np.array([[0.5, -0.2], [0.1, 0.3], [-0.4, 0.2]])
    b1 = np.array([0.0, 0.1, -0.1])
    W2 = np.array([[0.3, -0.5, 0.2], [-0.1, 0.4, 0.6]])
    b2 = np.array([0.05, -0.05])
    v = np.array([[1.0, 0.0], [0.0, -1.0], [0.5, 0.5]])  # the direction

    def loss_of(w1):
        h = F.relu(F.linear(torch.tensor(x), w1, torch.tensor(b1)))
        return F.cross_entropy(F.linear(h, torch.tensor(W2), torch.tensor(b2)), torch.tensor(y))

    # ---- the engine: the gradient with a graph, then the gradient of (g . v)
    w1 = torch.tensor(W1, requires_grad=True)
    loss = loss_of(w1)
    (g,) = torch.autograd.grad(loss, w1, create_graph=True)
    print(f"loss = {loss.item():.6f}\ng = d loss / d W1 =\n{g.detach().numpy()}")
    print(f"g's graph: {dict(graph_ops(g))}")
    (hv,) = torch.autograd.grad((g * torch.tensor(v)).sum(), w1)
    engine = hv.numpy()

    # ---- by hand: relu is linear off its kink, so the only curvature is softmax's:
    # H v = sum_n J_n^T (diag p_n - p_n p_n^T) J_n v / N, J_n = d s_n / d W1
    z1 = x @ W1.T + b1
    mask = (z1 > 0).astype(float)
    s = np.maximum(z1, 0) @ W2.T + b2
    p = np.exp(s - s.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    by_hand = np.zeros_like(W1)
    for n in range(len(x)):
        ds = W2 @ (mask[n] * (v @ x[n]))  # J_n v: how the scores move along v
        dds = (np.diag(p[n]) - np.outer(p[n], p[n])) @ ds / len(x)  # softmax's curvature
        by_hand += np.outer(mask[n] * (W2.T @ dds), x[n])  # J_n^T back to W1

    # ---- central differences of the engine's first-order gradient
    eps = 1e-6

    def first_order(w):
        w = torch.tensor(w, requires_grad=True)
        loss_of(w).backward()
        return w.grad.numpy()

    numeric = (first_order(W1 + eps * v) - first_order(W1 - eps * v)) / (2 * eps)
    print(f"H v by the engine =\n{engine}\nH v by hand =\n{by_hand}")
    print(f"H v by central differences of the gradient =\n{numeric}")
    gap = max(np.abs(engine - by_hand).max(), np.abs(engine - numeric).max())
    print(f"largest difference: {gap:.2e}")
    return gap


def main():
    return max(sin_walk(), seed_network_walk())


if __name__ == "__main__":
    main()
