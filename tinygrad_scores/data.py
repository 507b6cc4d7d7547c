"""Datasets and batching with PyTorch's names (``torch.utils.data``): ``Dataset``,
``TensorDataset``, ``Subset``, ``ConcatDataset``, ``random_split``, the streams
``IterableDataset`` and ``ChainDataset`` with ``get_worker_info``, ``DataLoader`` and its
default collation; plus the shipped digits and MNIST readers."""

from __future__ import annotations

import bisect
import collections
import contextlib
import copy
import dataclasses
import itertools
import math
import numbers
import os
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

import numpy as np

from . import dtypes
from .creation import empty, randperm
from .random import Generator
from .samplers import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)
from .tensor import Tensor

_DIGITS = os.path.join(os.path.dirname(__file__), "datasets", "digits.npz")

_T = TypeVar("_T")
_T_co = TypeVar("_T_co", covariant=True)


class Dataset(Generic[_T_co]):
    """A map-style dataset: ``dataset[i]`` is sample i, ``len(dataset)`` their number."""

    def __getitem__(self, index: Any) -> _T_co:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset[_T_co]) -> ConcatDataset[_T_co]:
        return ConcatDataset([self, other])

    if TYPE_CHECKING:
        # Subclasses define it (map-style datasets). Declared for type checkers only, so
        # that hasattr(dataset, "__len__") still tells whether a subclass has one.
        def __len__(self) -> int: ...


class SizedDataset(Protocol[_T_co]):
    """What DataLoader, Subset and random_split index: anything with ``__getitem__`` and
    ``__len__`` (a Dataset subclass or not)."""

    def __getitem__(self, index: Any) -> _T_co: ...

    def __len__(self) -> int: ...


class TensorDataset(Dataset[tuple[Tensor, ...]]):
    """Samples are the i-th rows of each tensor (NumPy arrays are taken as tensors sharing
    their memory, as ``from_numpy`` does)."""

    def __init__(self, *tensors: Tensor | np.ndarray) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        converted = []
        for i, t in enumerate(tensors):
            if isinstance(t, np.ndarray):
                t = Tensor.wrap(t)
            if not isinstance(t, Tensor):
                raise TypeError(
                    f"TensorDataset: argument {i} is a {type(t).__name__}; expected "
                    f"tensors or NumPy arrays"
                )
            if t.ndim == 0:
                raise ValueError(
                    f"TensorDataset: argument {i} is a 0-d tensor; samples are "
                    f"indexed along the first dimension"
                )
            converted.append(t)
        if any(t.shape[0] != converted[0].shape[0] for t in converted):
            raise ValueError(
                f"Size mismatch between tensors: {[list(t.shape) for t in converted]} "
                f"(all must have the same first dimension)"
            )
        self.tensors = tuple(converted)

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(Tensor.wrap(t.array[index]) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


class Subset(Dataset[_T_co]):
    """The samples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset: SizedDataset[_T_co], indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset[_T_co]):
    """Datasets one after another; ``cumulative_sizes[i]`` is the end of dataset i."""

    def __init__(self, datasets: Iterable[SizedDataset[_T_co]]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> _T_co:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        if idx >= len(self):
            raise IndexError(f"index {idx} is out of range for a dataset of {len(self)} samples")
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][idx - start]


class IterableDataset(Dataset[_T_co], Iterable[_T_co]):
    """A stream of samples (``__iter__``), for data read as it comes: the DataLoader
    batches what the iterator yields, with no sampler. Under ``num_workers`` > 0 every
    worker iterates its own copy, so ``__iter__`` (or ``worker_init_fn``) splits the
    stream with ``get_worker_info()``; else each worker yields every sample, as in
    PyTorch."""

    def __iter__(self) -> Iterator[_T_co]:
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other: Dataset[_T_co]) -> ChainDataset[_T_co]:  # type: ignore[override]
        return ChainDataset([self, other])


class ChainDataset(IterableDataset[_T_co]):
    """IterableDatasets one after another, chained as they are iterated."""

    def __init__(self, datasets: Iterable[Dataset[_T_co]]) -> None:
        self.datasets = datasets

    def _checked(self) -> Iterator[Any]:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError(  # (PyTorch's assert, kept under python -O too)
                    f"ChainDataset only supports IterableDataset, got {type(d).__name__}"
                )
            yield d

    def __iter__(self) -> Iterator[_T_co]:
        for d in self._checked():
            yield from d

    def __len__(self) -> int:
        return sum(len(d) for d in self._checked())


def random_split(
    dataset: SizedDataset[_T], lengths: Sequence[int | float], generator: Generator | None = None
) -> list[Subset[_T]]:
    """Split ``dataset`` into non-overlapping Subsets of the given lengths, or of the given
    fractions of its length (floors, then the remainder handed out one by one from the
    first split, as PyTorch does). ``generator`` seeds the permutation."""
    lengths = list(lengths)
    n = len(dataset)
    if lengths and math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        sizes = []
        for i, frac in enumerate(lengths):
            if not 0 <= frac <= 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            sizes.append(int(math.floor(n * frac)))
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        for i, size in enumerate(sizes):
            if size == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. This might result in an empty dataset.",
                    UserWarning,
                    stacklevel=2,
                )
        lengths = sizes
    for i, length in enumerate(lengths):
        if isinstance(length, bool) or not isinstance(length, numbers.Integral) or length < 0:
            raise ValueError(
                f"random_split: length at index {i} is {length!r}; lengths must be "
                f"non-negative integers or fractions summing to 1"
            )
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    order = randperm(n, generator=generator).tolist()  # PyTorch's draw, so its order
    return [
        Subset(dataset, order[end - size : end])
        for end, size in zip(itertools.accumulate(lengths), lengths)
    ]


# ---------------------------------------------------------------------------- collation

_COLLATE_ERROR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def _numeric(array):
    return array.dtype.kind in "biufc"


def default_collate(batch: Sequence[Any]) -> Any:
    """PyTorch's default collation: tensors and arrays are stacked, Python floats become a
    float64 tensor and ints an int64 one, strings stay a list; dicts, tuples and lists are
    collated field by field (a tuple sample gives a list, as in PyTorch)."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return Tensor.wrap(_stack([t.array for t in batch]))
    if isinstance(elem, (np.ndarray, np.generic)):
        if not _numeric(np.asarray(elem)):
            raise TypeError(_COLLATE_ERROR.format(np.asarray(elem).dtype))
        return Tensor.wrap(_stack([np.asarray(a) for a in batch]))
    if isinstance(elem, bool):
        return Tensor.wrap(np.array(batch, dtype=np.bool_))
    if isinstance(elem, float):
        return Tensor.wrap(np.array(batch, dtype=np.float64))
    if isinstance(elem, int):
        values = np.array(batch)
        return Tensor.wrap(values.astype(np.int64 if values.dtype.kind in "iub" else np.float32))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, Mapping):
        return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(s) for s in zip(*batch)))
    if isinstance(elem, Sequence):
        if any(len(s) != len(elem) for s in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(s) for s in zip(*batch)]  # a field of strings stays a tuple
    raise TypeError(_COLLATE_ERROR.format(type(elem)))


def _stack(arrays):
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        first = arrays[0].shape
        bad = next(i for i, a in enumerate(arrays) if a.shape != first)
        raise RuntimeError(
            f"stack expects each tensor to be equal size, but got {list(first)} at "
            f"entry 0 and {list(arrays[bad].shape)} at entry {bad}"
        )
    return np.stack(arrays)


def default_convert(data: Any) -> Any:
    """The conversion used without batching (``batch_size=None``): NumPy arrays become
    tensors; numbers, strings and tensors stay; containers are converted inside."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, (np.ndarray, np.generic)):
        return Tensor.wrap(np.asarray(data)) if _numeric(np.asarray(data)) else data
    if isinstance(data, Mapping):
        return {key: default_convert(value) for key, value in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(d) for d in data]
    return data


# ---------------------------------------------------------------------------- workers


@dataclasses.dataclass(frozen=True)
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a DataLoader worker: its ``id`` (0 to
    ``num_workers`` - 1), ``num_workers``, its ``seed``, and its own copy of the
    ``dataset``."""

    id: int
    num_workers: int
    seed: int
    dataset: Any


_worker = threading.local()  # .info: the worker whose samples this thread is reading


def get_worker_info() -> WorkerInfo | None:
    """The current DataLoader worker's WorkerInfo, or None in the main process (PyTorch's
    contract). The workers run in this process, one at a time, so this is the worker
    whose dataset iterator (or ``worker_init_fn``) is running."""
    return getattr(_worker, "info", None)


@contextlib.contextmanager
def _in_worker(info: WorkerInfo) -> Iterator[None]:
    outer, _worker.info = get_worker_info(), info
    try:
        yield
    finally:
        _worker.info = outer


_ENDED = object()


class _InfiniteConstantSampler(Sampler[None]):
    """The sampler of a DataLoader over an IterableDataset (PyTorch's): no indices."""

    def __iter__(self) -> Iterator[None]:
        while True:
            yield None


# ---------------------------------------------------------------------------- loader


class DataLoader:
    """Batches of a map-style dataset, in the order of a sampler (``samplers.py``): the
    given ``sampler`` or ``batch_sampler``, else a RandomSampler (``shuffle=True``, drawn
    from ``generator``) or a SequentialSampler, in batches of ``batch_size`` by a
    BatchSampler, with PyTorch's rules for combining these arguments.

    Loading happens in the calling process: ``num_workers`` > 0 is accepted and gives the
    same batches in the same order as PyTorch's worker processes would (the order is drawn
    in the main process either way); ``pin_memory`` and the worker options have no effect.
    For a TensorDataset with the default collation a batch is one fancy-indexing slice per
    tensor (no Python loop over samples); other datasets are indexed sample by sample and
    collated. Over an IterableDataset a batch is the next ``batch_size`` samples its
    iterator yields; with ``num_workers`` > 0 each worker's copy is iterated in turn, in
    this process, as PyTorch's worker processes would (``get_worker_info``).
    """

    # Declared: __init__'s isinstance(..., numbers.Integral) checks defer its inference.
    dataset: SizedDataset[Any]
    batch_size: int | None
    shuffle: bool
    drop_last: bool
    num_workers: int
    pin_memory: bool
    timeout: float
    generator: Generator | None
    sampler: Sampler[Any] | Iterable[Any]
    batch_sampler: Sampler[list[Any]] | Iterable[list[Any]] | None
    collate_fn: Callable[[Any], Any]
    _default_collate: bool
    worker_init_fn: Callable[[int], None] | None
    _iterable: bool

    def __init__(
        self,
        dataset: SizedDataset[Any],
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler[Any] | Iterable[Any] | None = None,
        batch_sampler: Sampler[list[Any]] | Iterable[list[Any]] | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[Any], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: Generator | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            for name, value, given in (
                ("shuffle", shuffle, shuffle not in (None, False)),
                ("sampler", sampler, sampler is not None),
                ("batch_sampler", batch_sampler, batch_sampler is not None),
            ):
                if given:
                    raise ValueError(
                        f"DataLoader with IterableDataset: expected unspecified {name} "
                        f"option, but got {name}={value}"
                    )
            sampler = _InfiniteConstantSampler()
        elif not hasattr(dataset, "__getitem__") or (
            sampler is None and batch_sampler is None and not hasattr(dataset, "__len__")
        ):
            raise TypeError(
                f"DataLoader: dataset must have __getitem__ and __len__ (a map-style "
                f"dataset), got {type(dataset).__name__}"
            )
        if isinstance(num_workers, bool) or not isinstance(num_workers, numbers.Integral):
            raise TypeError(f"num_workers must be an integer, got {num_workers!r}")
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to "
                "disable multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size = None
        elif batch_size is None:
            if drop_last:
                raise ValueError(
                    "batch_size=None option disables auto-batching and is "
                    "mutually exclusive with drop_last"
                )
        elif (
            isinstance(batch_size, bool)
            or not isinstance(batch_size, numbers.Integral)
            or batch_size <= 0
        ):
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"collate_fn must be callable, got {type(collate_fn).__name__}")
        if generator is not None and not isinstance(generator, Generator):
            raise TypeError(f"generator must be a Generator, got {type(generator).__name__}")
        if sampler is None:
            sampler = (
                RandomSampler(dataset, generator=generator)
                if shuffle
                else SequentialSampler(dataset)
            )
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, int(batch_size), bool(drop_last))
        self.dataset = dataset
        self.batch_size = None if batch_size is None else int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.generator = generator
        self.worker_init_fn = worker_init_fn
        self._iterable = iterable
        self.collate_fn = (
            collate_fn
            if collate_fn is not None
            else (default_convert if batch_size is None else default_collate)
        )
        self._default_collate = collate_fn is None

    def __len__(self) -> int:
        if self._iterable:  # the dataset's own count (TypeError without one, as PyTorch)
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
        sampler = self.batch_sampler if self.batch_sampler is not None else self.sampler
        return len(sampler)  # type: ignore[arg-type]  # TypeError if it has no len, as PyTorch

    def __iter__(self) -> Iterator[Any]:
        indices = iter(self.batch_sampler if self.batch_sampler is not None else self.sampler)
        # PyTorch's iterator draws a base seed for its workers from the loader's generator
        # when it is created, whatever the number of workers: drawn here too, at the same
        # moment, so the generators' streams stay in step with PyTorch's
        seed = empty((), dtype=dtypes.int64).random_(generator=self.generator).item()
        if self._iterable:
            if self.num_workers == 0:
                return self._stream(cast(IterableDataset, self.dataset))
            return self._workers_streams(int(seed))
        return self._batches(indices)

    def _stream(self, dataset: IterableDataset[Any]) -> Iterator[Any]:
        """Batches of ``batch_size`` samples as ``dataset``'s iterator yields them; the
        last one short, or dropped under ``drop_last``."""
        samples = iter(dataset)
        if self.batch_size is None:
            for sample in samples:
                yield self.collate_fn(sample)
            return
        while True:
            batch = list(itertools.islice(samples, self.batch_size))
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                continue
            if batch and not self.drop_last:
                yield self.collate_fn(batch)
            return

    def _workers_streams(self, base_seed: int) -> Iterator[Any]:
        """PyTorch's worker processes, in this process: worker w iterates its own copy of
        the dataset with ``get_worker_info()`` describing it (seed base_seed + w), after
        ``worker_init_fn(w)``; batches come from the workers in turn, an exhausted worker
        leaving the rotation, the order PyTorch's loader yields them in."""
        workers: collections.deque[tuple[WorkerInfo, Iterator[Any]]] = collections.deque()
        for w in range(self.num_workers):
            info = WorkerInfo(
                id=w,
                num_workers=self.num_workers,
                seed=base_seed + w,
                dataset=copy.deepcopy(self.dataset),
            )
            with _in_worker(info):
                if self.worker_init_fn is not None:
                    self.worker_init_fn(w)
            workers.append((info, self._stream(info.dataset)))
        while workers:
            info, batches = workers.popleft()
            with _in_worker(info):
                batch = next(batches, _ENDED)
            if batch is not _ENDED:
                workers.append((info, batches))
                yield batch

    def _batches(self, indices: Iterator[Any]) -> Iterator[Any]:
        if self.batch_sampler is None:
            for i in indices:
                yield self.collate_fn(self.dataset[i])
            return
        fast = self._default_collate and type(self.dataset) is TensorDataset
        for batch in indices:
            if fast:
                tensors = cast(TensorDataset, self.dataset).tensors
                yield [Tensor.wrap(t.array[batch]) for t in tensors]
            else:
                yield self.collate_fn([self.dataset[i] for i in batch])


def load_digits(
    test_fraction: float = 0.2, seed: int = 0, flatten: bool = True
) -> tuple[tuple[Tensor, Tensor], tuple[Tensor, Tensor]]:
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
    return (
        (Tensor.wrap(x[train]), Tensor.wrap(y[train])),
        (Tensor.wrap(x[test]), Tensor.wrap(y[test])),
    )


# MNIST lives in datasets/mnist.py; these names stay importable from here.
from .datasets.mnist import load_idx, load_mnist  # noqa: E402,F401

__all__ = [
    "Dataset",
    "TensorDataset",
    "Subset",
    "ConcatDataset",
    "IterableDataset",
    "ChainDataset",
    "get_worker_info",
    "random_split",
    "DataLoader",
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "BatchSampler",
    "default_collate",
    "default_convert",
    "Generator",
    "load_digits",
    "load_idx",
    "load_mnist",
]
