"""Regression with MSELoss (the seed article's other loss): fit y = sin(3x) + 0.5x with
a small Linear -> Tanh -> Linear network trained by Adam."""

import argparse

import numpy as np

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.optim as optim


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.manual_seed(args.seed)
    x = torch.rand(256, 1) * 4 - 2
    y = torch.from_numpy(np.sin(3 * x.numpy())) + 0.5 * x
    model = nn.Sequential(nn.Linear(1, 64), nn.Tanh(), nn.Linear(64, 1))
    criterion = nn.MSELoss()
    optimizer = optim.Adam(model.parameters(), lr=1e-2)
    first = None
    for step in range(1, args.steps + 1):
        loss = criterion(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        first = loss.item() if first is None else first
        if step % 300 == 0 or step == 1:
            print(f"step {step:5d}  mse {loss.item():.5f}")
    print(f"mse {first:.4f} -> {loss.item():.5f}")
    return first, loss.item()


if __name__ == "__main__":
    main()
