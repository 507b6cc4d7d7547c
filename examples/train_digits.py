"""The main job: Linear -> ReLU -> Linear, trained with Adam and cross-entropy on the
handwritten digits shipped with the package (or on MNIST IDX files you have).

    python examples/train_digits.py --epochs 20
    python examples/train_digits.py --mnist-dir ~/data/mnist --hidden 256
"""

import argparse
import os
import sys
import time

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
import tinygrad_scores.optim as optim
from tinygrad_scores.data import DataLoader, TensorDataset, load_digits, load_mnist


class MLP(nn.Module):
    def __init__(self, n_in, n_hidden, n_out):
        super().__init__()
        self.fc1 = nn.Linear(n_in, n_hidden)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(n_hidden, n_out)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


@torch.no_grad()
def accuracy(model, x, y):
    return (model(x).argmax(dim=1) == y).float().mean().item()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mnist-dir", default=None, help="directory with MNIST IDX files")
    parser.add_argument("--save", default="digits_mlp.npz", help="where to save the state dict")
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    args = parser.parse_args(argv)

    torch.manual_seed(args.seed)
    if args.mnist_dir:
        (x_train, y_train), (x_test, y_test) = (
            load_mnist(args.mnist_dir, "train"),
            load_mnist(args.mnist_dir, "test"),
        )
        n_classes = 10
    else:
        (x_train, y_train), (x_test, y_test) = load_digits(seed=args.seed)
        n_classes = 10
    model = MLP(x_train.shape[1], args.hidden, n_classes)
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size, shuffle=True)
    print(
        f"data: {x_train.shape[0]} train / {x_test.shape[0]} test samples, "
        f"{x_train.shape[1]} features; model:\n{model}"
    )

    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        total, batches = 0.0, len(loader)
        for i, (xb, yb) in enumerate(loader, 1):
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
            if not args.quiet and sys.stdout.isatty():
                print(
                    f"\r  epoch {epoch} [{i:>3}/{batches}] loss {loss.item():.4f}",
                    end="",
                    flush=True,
                )
        if not args.quiet and sys.stdout.isatty():
            print("\r", end="")
        print(
            f"epoch {epoch:3d}  loss {total / batches:.4f}  "
            f"train acc {accuracy(model, x_train, y_train):.4f}  "
            f"test acc {accuracy(model, x_test, y_test):.4f}  ({time.perf_counter() - start:.2f} s)"
        )
    test_acc = accuracy(model, x_test, y_test)
    if args.save:
        torch.save(model.state_dict(), args.save)
        print(f"saved the model to {os.path.abspath(args.save)}")
    print(
        f"final test accuracy {test_acc:.4f} after {args.epochs} epochs in "
        f"{time.perf_counter() - start:.2f} s"
    )
    return test_acc


if __name__ == "__main__":
    main()
