"""One training step of a tiny Linear -> ReLU -> Linear network, by hand and by the engine.

The numbers printed here are the worked example of docs/backward.md: every gradient is
computed twice, once with the formulas written out in NumPy and once by loss.backward(),
and the two must agree.
"""

import numpy as np

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
import tinygrad_scores.optim as optim

np.set_printoptions(precision=4, suppress=True)


def main():
    x = np.array([[1.0, 2.0], [-1.0, 0.5]])  # 2 samples, 2 features
    y = np.array([0, 1])  # their classes
    W1 = np.array([[0.5, -0.2], [0.1, 0.3], [-0.4, 0.2]])
    b1 = np.array([0.0, 0.1, -0.1])
    W2 = np.array([[0.3, -0.5, 0.2], [-0.1, 0.4, 0.6]])
    b2 = np.array([0.05, -0.05])

    # ---- by hand: forward
    z1 = x @ W1.T + b1  # fc1
    h = np.maximum(z1, 0)  # relu
    s = h @ W2.T + b2  # fc2: the scores (logits)
    p = np.exp(s - s.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)  # softmax
    loss = -np.log(p[np.arange(2), y]).mean()
    # ---- by hand: backward, last op first
    ds = p.copy()
    ds[np.arange(2), y] -= 1
    ds /= 2  # d loss / d s = (softmax - onehot) / N
    dW2, db2, dh = ds.T @ h, ds.sum(0), ds @ W2
    dz1 = dh * (z1 > 0)  # relu passes the gradient where z1 > 0
    dW1, db1 = dz1.T @ x, dz1.sum(0)

    # ---- the engine
    model = nn.Sequential(
        nn.Linear(2, 3, dtype=torch.float64), nn.ReLU(), nn.Linear(3, 2, dtype=torch.float64)
    )
    model.load_state_dict(
        {
            "0.weight": torch.tensor(W1),
            "0.bias": torch.tensor(b1),
            "2.weight": torch.tensor(W2),
            "2.bias": torch.tensor(b2),
        }
    )
    out = model(torch.tensor(x))
    engine_loss = F.cross_entropy(out, torch.tensor(y))
    with torch.trace(print_steps=True):
        engine_loss.backward()

    print(
        f"\nz1 =\n{z1}\nh = relu(z1) =\n{h}\nscores s =\n{s}\nsoftmax p =\n{p}\nloss = {loss:.6f}"
    )
    print(f"\nd loss/d s =\n{ds}\ndW2 =\n{dW2}\ndb2 = {db2}\ndh =\n{dh}")
    print(f"dz1 =\n{dz1}\ndW1 =\n{dW1}\ndb1 = {db1}")
    grads = dict(model.named_parameters())
    pairs = [("0.weight", dW1), ("0.bias", db1), ("2.weight", dW2), ("2.bias", db2)]
    worst = max(np.abs(grads[name].grad.numpy() - hand).max() for name, hand in pairs)
    print(
        f"\nengine loss {engine_loss.item():.6f}; largest difference between hand and engine "
        f"gradients: {worst:.2e}"
    )

    # ---- one Adam step (lr 0.1): the first step moves each weight by about lr * sign(grad)
    optimizer = optim.Adam(model.parameters(), lr=0.1)
    optimizer.step()
    print(f"W2 after one Adam step =\n{grads['2.weight'].detach().numpy()}")
    return worst


if __name__ == "__main__":
    main()
