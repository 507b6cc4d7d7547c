"""Datasets and batching: ``TensorDataset``, ``DataLoader``, the shipped digits, and a
reader for MNIST's IDX files."""
import gzip
import os
import struct

import numpy as np

from .tensor import Generator, Tensor, _rng

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


_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
              0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def load_idx(path):
    """Read an IDX file (MNIST's format; ``.gz`` too) into a NumPy array.

    Raises ValueError for a wrong magic number, an unknown type code, or a file shorter
    than its header says.
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as fh:
        raw = fh.read()
    if len(raw) < 4:
        raise ValueError(f"{path}: too short to be an IDX file ({len(raw)} bytes)")
    zero, type_code, ndim = raw[0] << 8 | raw[1], raw[2], raw[3]
    if zero != 0 or type_code not in _IDX_TYPES or ndim == 0:
        raise ValueError(f"{path}: not an IDX file (magic bytes {raw[:4].hex()}; expected "
                         f"00 00, a type code in {sorted(_IDX_TYPES)} and a dimension count)")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: truncated IDX header ({len(raw)} bytes, need {header})")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = np.dtype(_IDX_TYPES[type_code])
    need = int(np.prod(shape)) * dtype.itemsize
    if len(raw) - header < need:
        raise ValueError(f"{path}: truncated IDX data: shape {shape} needs {need} bytes, "
                         f"file has {len(raw) - header}")
    return np.frombuffer(raw, dtype=dtype, count=int(np.prod(shape)), offset=header).reshape(shape).astype(
        dtype.newbyteorder("="))


def load_mnist(directory, kind="train"):
    """MNIST images (float32 in [0, 1], flattened) and labels (int64) from IDX files in
    ``directory`` (``train-images-idx3-ubyte[.gz]`` and so on)."""
    prefix = "train" if kind == "train" else "t10k"
    def find(stem):
        for name in (stem, stem + ".gz"):
            if os.path.exists(os.path.join(directory, name)):
                return os.path.join(directory, name)
        raise FileNotFoundError(f"{stem}[.gz] not found in {directory}")
    images = load_idx(find(f"{prefix}-images-idx3-ubyte"))
    labels = load_idx(find(f"{prefix}-labels-idx1-ubyte"))
    if len(images) != len(labels):
        raise ValueError(f"{directory}: {len(images)} images but {len(labels)} labels")
    x = images.reshape(len(images), -1).astype(np.float32) / 255.0
    return Tensor._wrap(x), Tensor._wrap(labels.astype(np.int64))


__all__ = ["Dataset", "TensorDataset", "DataLoader", "Generator", "load_digits", "load_idx",
           "load_mnist"]
