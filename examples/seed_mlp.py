"""The seed article's task: binary classification of 784-feature inputs with
Linear -> ReLU -> Linear, cross-entropy on the logits (the score function) and Adam.

Here the two classes are separable for real (two Gaussian clouds in 784 dimensions), so
the falling loss means something; the article used pure noise as a placeholder.
"""

import argparse

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
import tinygrad_scores.optim as optim


def make_data(n, n_features, generator):
    y = torch.randint(0, 2, (n,), generator=generator)
    direction = torch.randn(n_features, generator=torch.Generator(123))
    x = (
        torch.randn(n, n_features, generator=generator)
        + (y.float() * 2 - 1).unsqueeze(1) * direction * 0.1
    )
    return x, y


def main(argv=None):
    parser = argparse.ArgumentParser(description="the seed's binary classifier")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.manual_seed(args.seed)
    gen = torch.Generator(args.seed)
    x, y = make_data(64, 784, gen)
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 2))
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    first = None
    for step in range(1, args.steps + 1):
        scores = model(x)  # the score function: one logit per class
        loss = criterion(scores, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        first = loss.item() if first is None else first
        if step % 10 == 0 or step == 1:
            print(f"step {step:3d}  loss {loss.item():.4f}")
    x_new, y_new = make_data(256, 784, gen)
    with torch.no_grad():
        probs = F.softmax(model(x_new), dim=1)
    acc = (probs.argmax(dim=1) == y_new).float().mean().item()
    print(f"loss {first:.4f} -> {loss.item():.4f}; accuracy on fresh samples {acc:.3f}")
    return first, loss.item(), acc


if __name__ == "__main__":
    main()
