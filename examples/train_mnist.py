"""The main job: the seed's Linear(784, 128) -> ReLU -> Linear(128, 10), trained with Adam
and cross-entropy on real MNIST digits (``--model cnn``: a small convolutional network,
two 5 x 5 convolutions with max-pooling, then one linear layer).

By default it trains on the 5,000 digits shipped with the package (a fixed 4,000 / 1,000
split), so it runs offline; ``--mnist-dir`` or ``--download`` switch to the full
60,000 / 10,000 set.

    python examples/train_mnist.py
    python examples/train_mnist.py --plot curves.png --show-errors errors.png
    python examples/train_mnist.py --model cnn --epochs 4
    python examples/train_mnist.py --download --epochs 5          # full MNIST, cached
"""

import argparse
import sys
import time

import numpy as np

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
import tinygrad_scores.optim as optim
from tinygrad_scores.data import DataLoader, TensorDataset
from tinygrad_scores.datasets.mnist import load_mnist, load_mnist_subset


def make_model(kind="mlp"):
    if kind == "cnn":  # the rows of 784 pixels are unflattened into 1 x 28 x 28 images
        return nn.Sequential(
            nn.Unflatten(1, (1, 28, 28)),
            nn.Conv2d(1, 16, 5, padding=2),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 5, padding=2),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(32 * 7 * 7, 10),
        )
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


@torch.no_grad()
def predict(model, x, batch_size=2000):
    """Predicted class per row, in chunks so the full 60k set needs little memory."""
    return np.concatenate(
        [model(x[i : i + batch_size]).argmax(dim=1).array for i in range(0, x.shape[0], batch_size)]
    )


def accuracy(model, x, y):
    return float((predict(model, x) == y.array).mean())


class Progress:
    """A one-line bar redrawn in place on a terminal; silent when output is piped (the
    per-epoch summary line is printed either way)."""

    def __init__(self, total, label, enabled):
        self.total, self.label, self.enabled = total, label, enabled

    def update(self, done, loss):
        if not self.enabled:
            return
        width = 30
        filled = width * done // self.total
        bar = "#" * filled + "." * (width - filled)
        print(f"\r{self.label} [{bar}] {done}/{self.total} loss {loss:.4f}", end="", flush=True)

    def close(self):
        if self.enabled:
            print("\r\033[K", end="", flush=True)  # erase the bar before the summary line


def load_data(args):
    if args.mnist_dir or args.download:
        where = args.mnist_dir
        train = load_mnist(where, train=True, download=args.download)
        test = load_mnist(where, train=False, download=args.download)
        return train, test, "MNIST (full set)"
    return load_mnist_subset(train=True), load_mnist_subset(train=False), "MNIST subset (shipped)"


def train(args, out=print):
    """Train and return a dict with the model, per-epoch history and the final figures."""
    torch.manual_seed(args.seed)
    (x_train, y_train), (x_test, y_test), name = load_data(args)
    out(f"data: {name}: {x_train.shape[0]} train / {x_test.shape[0]} test images")
    model = make_model(getattr(args, "model", "mlp"))
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    gamma = getattr(args, "gamma", None)
    if gamma is None:  # the CNN settles better with a decaying rate, as PyTorch's example
        gamma = 0.7 if getattr(args, "model", "mlp") == "cnn" else 1.0
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=gamma)
    loader = DataLoader(
        TensorDataset(x_train, y_train),
        batch_size=args.batch_size,
        shuffle=True,
        generator=torch.Generator(args.seed),
    )
    show_bar = sys.stdout.isatty() and not args.quiet
    history = {"epoch": [], "loss": [], "train_acc": [], "test_acc": [], "seconds": []}
    train_seconds = 0.0
    for epoch in range(1, args.epochs + 1):
        bar = Progress(len(loader), f"epoch {epoch}/{args.epochs}", show_bar)
        start = time.perf_counter()
        total = 0.0
        for i, (xb, yb) in enumerate(loader, 1):
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
            bar.update(i, total / i)
        scheduler.step()
        train_seconds += time.perf_counter() - start
        bar.close()
        train_acc, test_acc = accuracy(model, x_train, y_train), accuracy(model, x_test, y_test)
        values = (epoch, total / len(loader), train_acc, test_acc, train_seconds)
        for key, value in zip(history, values):
            history[key].append(value)
        out(
            f"epoch {epoch:2d}/{args.epochs}  loss {total / len(loader):.4f}  train acc "
            f"{train_acc:.4f}  test acc {test_acc:.4f}  training time {train_seconds:.2f} s"
        )
    return {
        "model": model,
        "history": history,
        "test_acc": history["test_acc"][-1],
        "train_seconds": train_seconds,
        "x_test": x_test,
        "y_test": y_test,
    }


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        sys.exit(
            "plotting needs matplotlib: pip install matplotlib  "
            "(or pip install 'tinygrad-scores[plot]')"
        )
    matplotlib.use("Agg")  # files only, no window
    import matplotlib.pyplot as plt

    return plt


def plot_curves(history, path):
    """Loss (left) and train/test accuracy (right) per epoch, saved as an image."""
    plt = _pyplot()
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    ax_loss.plot(history["epoch"], history["loss"], "o-", color="tab:red")
    ax_loss.set(title="training loss (mean cross-entropy per epoch)", xlabel="epoch", ylabel="loss")
    ax_acc.plot(history["epoch"], [100 * a for a in history["train_acc"]], "o-", label="train")
    ax_acc.plot(history["epoch"], [100 * a for a in history["test_acc"]], "s-", label="test")
    ax_acc.set(title="accuracy", xlabel="epoch", ylabel="accuracy (%)")
    ax_acc.legend()
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.set_xticks(history["epoch"])
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_errors(model, x_test, y_test, path, limit=40):
    """A grid of misclassified test digits, each titled with predicted and true label."""
    plt = _pyplot()
    predicted = predict(model, x_test)
    wrong = np.flatnonzero(predicted != y_test.array)[:limit]
    cols = 8
    rows = max(1, -(-len(wrong) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.3, rows * 1.55 + 0.5), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), wrong):
        ax.imshow(x_test.array[i].reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"pred {predicted[i]}\ntrue {y_test.array[i]}", fontsize=9, color="tab:red")
    total = int((predicted != y_test.array).sum())
    fig.suptitle(
        f"misclassified test digits: {len(wrong)} of {total} shown "
        f"({total} / {len(predicted)} wrong)"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return total


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--gamma",
        type=float,
        default=None,
        help="learning rate factor per epoch (default: 1 for mlp, 0.7 for cnn)",
    )
    parser.add_argument(
        "--mnist-dir",
        default=None,
        help="directory with the four MNIST IDX files: train on the full set",
    )
    parser.add_argument(
        "--download",
        action="store_true",
        help="fetch the full set into --mnist-dir (default ~/.cache/"
        "tinygrad_scores/mnist or $TINYGRAD_SCORES_DATA/mnist) if missing",
    )
    parser.add_argument("--plot", metavar="PNG", help="save loss and accuracy curves (matplotlib)")
    parser.add_argument(
        "--show-errors", metavar="PNG", help="save a grid of misclassified test digits (matplotlib)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.plot or args.show_errors:
        _pyplot()  # fail before training if matplotlib is missing

    try:
        result = train(args)
    except FileNotFoundError as exc:  # no IDX files in --mnist-dir: say what to do
        sys.exit(
            f"{exc}\n(add --download to fetch the full set, or drop --mnist-dir to "
            f"train on the shipped subset)"
        )
    print(
        f"final test accuracy {100 * result['test_acc']:.2f}% after {args.epochs} epochs, "
        f"{result['train_seconds']:.2f} s of training"
    )
    if args.plot:
        plot_curves(result["history"], args.plot)
        print(f"curves saved to {args.plot}")
    if args.show_errors:
        wrong = plot_errors(result["model"], result["x_test"], result["y_test"], args.show_errors)
        print(f"{wrong} misclassified test digits; grid saved to {args.show_errors}")
    return result


if __name__ == "__main__":
    main()
