"""Datasets and batching: ``TensorDataset``, ``DataLoader``, the shipped digits, and a
reader for MNIST's IDX files."""
import gzip
import os
import struct

import numpy as np

from .random import Generator, _rng
from .tensor import Tensor

_DIGITS = os.path.join(os.path.dirname(__file__), "datasets", "digits.npz")


class Dataset:
    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError


class TensorDataset(Dataset):
    """Samples are the i-th rows of each tensor."""

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        n = tensors[0].shape[0]
        for t in tensors:
            if t.shape[0] != n:
                raise ValueError(f"Size mismatch between tensors: {[tuple(t.shape) for t in tensors]} "
                                 f"(all must have the same first dimension)")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(Tensor._wrap(t.array[index]) for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]


class DataLoader:
    """Batches of a dataset, optionally shuffled by a seeded generator.

    For a TensorDataset a batch is one fancy-indexing slice per tensor (no Python loop
    over samples); other datasets are indexed sample by sample and stacked.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, generator=None):
        if batch_size is None or batch_size < 1:
            raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.generator = generator

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        order = _rng(self.generator).permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, n, self.batch_size):
            idx = order[start:start + self.batch_size]
            if self.drop_last and len(idx) < self.batch_size:
                return
            if isinstance(self.dataset, TensorDataset):
                yield tuple(Tensor._wrap(t.array[idx]) for t in self.dataset.tensors)
            else:
                samples = [self.dataset[int(i)] for i in idx]
                yield tuple(Tensor._wrap(np.stack([np.asarray(s[k].array if isinstance(s[k], Tensor)
                                                              else s[k]) for s in samples]))
                            for k in range(len(samples[0])))


def load_digits(test_fraction=0.2, seed=0, flatten=True):
    """The shipped 8x8 handwritten digits as ((x_train, y_train), (x_test, y_test)).

    Pixels are scaled to [0, 1] (float32), labels are int64. The split is stratified-free
    but deterministic: a permutation drawn from ``seed``, the last ``test_fraction`` held
    out.
    """
    with np.load(_DIGITS, allow_pickle=False) as f:
        images, labels = f["images"], f["labels"]
    x = images.astype(np.float32) / 16.0
    if flatten:
        x = x.reshape(len(x), -1)
    y = labels.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = int(round(len(x) * test_fraction))
    train, test = order[:-n_test], order[-n_test:]
    return ((Tensor._wrap(x[train]), Tensor._wrap(y[train])),
            (Tensor._wrap(x[test]), Tensor._wrap(y[test])))


# MNIST lives in datasets/mnist.py; these names stay importable from here.
from .datasets.mnist import load_idx, load_mnist  # noqa: E402,F401


__all__ = ["Dataset", "TensorDataset", "DataLoader", "Generator", "load_digits", "load_idx",
           "load_mnist"]
