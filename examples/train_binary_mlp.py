"""Binary classification with an MLP: Dropout, BatchNorm1d, BCEWithLogitsLoss (with
pos_weight), gradient clipping and a cosine learning-rate schedule, on synthetic data
(is a point of the square [-2, 2]^2 inside the circle of radius sqrt(2)?).

This is a PyTorch program: only its four imports differ (``import torch``, ``torch.nn``,
``torch.optim`` and ``torch.utils.data`` in PyTorch).
"""

import argparse

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.optim as optim
from tinygrad_scores.utils.data import DataLoader, TensorDataset


def make_data(n, generator):
    x = torch.rand(n, 2, generator=generator) * 4 - 2
    y = ((x**2).sum(1) < 2.0).float()
    return x, y


class MLP(nn.Module):
    def __init__(self, hidden=64, p=0.1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(2, hidden),
            nn.BatchNorm1d(hidden),
            nn.ReLU(),
            nn.Dropout(p),
            nn.Linear(hidden, hidden),
            nn.BatchNorm1d(hidden),
            nn.ReLU(),
            nn.Dropout(p),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(1)  # one logit per point


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        predicted = (model(x) > 0).float()
    model.train()
    return (predicted == y).float().mean().item()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    torch.manual_seed(args.seed)
    data_gen = torch.Generator().manual_seed(args.seed)
    x_train, y_train = make_data(2000, data_gen)
    x_test, y_test = make_data(1000, data_gen)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size, shuffle=True)

    model = MLP()
    positives = y_train.sum()
    criterion = nn.BCEWithLogitsLoss(pos_weight=(len(y_train) - positives) / positives)
    optimizer = optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)

    losses = []
    for epoch in range(args.epochs):
        total, count = 0.0, 0
        for xb, yb in loader:
            loss = criterion(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
            optimizer.step()
            total += loss.item() * len(xb)
            count += len(xb)
        scheduler.step()
        losses.append(total / count)
        if not args.quiet:
            print(
                f"epoch {epoch + 1:2d}  loss {losses[-1]:.4f}  "
                f"lr {scheduler.get_last_lr()[0]:.5f}  "
                f"test accuracy {accuracy(model, x_test, y_test):.3f}"
            )
    acc = accuracy(model, x_test, y_test)
    if not args.quiet:
        print(f"final test accuracy {acc:.3f}")
    return losses[0], losses[-1], acc


if __name__ == "__main__":
    main()
