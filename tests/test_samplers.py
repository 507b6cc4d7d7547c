"""Samplers and ``DataLoader(sampler=..., batch_sampler=...)`` with PyTorch's rules and
errors (torch.utils.data.sampler). Expected values are PyTorch 2.x's, checked by hand.

The random orders are drawn exactly as PyTorch's samplers draw them (RandomSampler:
one ``random_()`` draw seeds a fresh Generator, then ``randperm``), which the tests
state against this package's own ``randperm``/``randint``; where this package's
generator gives PyTorch's stream, the orders are PyTorch's too (the last tests)."""

import pytest

import tinygrad_scores as ts
from tinygrad_scores.utils.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    random_split,
)


def _dataset(n=10):
    return TensorDataset(ts.arange(n).float(), ts.arange(n))


def _labels(loader):
    return [batch[1].tolist() for batch in loader]


def test_sequential_and_batch_sampler_follow_pytorchs_examples():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    assert len(SequentialSampler(range(4))) == 4
    # PyTorch's docstring examples
    assert list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False)) == [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
        [9],
    ]
    assert list(BatchSampler(SequentialSampler(range(10)), 3, drop_last=True)) == [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
    ]
    assert len(BatchSampler(range(10), 3, False)) == 4
    assert len(BatchSampler(range(10), 3, True)) == 3


def test_random_sampler_is_a_randperm_from_a_generator_seeded_by_one_global_draw():
    ts.manual_seed(5)
    order = list(RandomSampler(range(7)))
    ts.manual_seed(5)
    seed = int(ts.empty((), dtype=ts.int64).random_().item())
    expected = ts.randperm(7, generator=ts.Generator().manual_seed(seed)).tolist()
    assert order == expected and sorted(order) == list(range(7))


def test_random_sampler_with_a_generator_num_samples_and_replacement():
    g = ts.Generator().manual_seed(3)
    order = list(RandomSampler(range(4), num_samples=10, generator=g))
    g.manual_seed(3)
    perms = [ts.randperm(4, generator=g).tolist() for _ in range(3)]
    assert order == perms[0] + perms[1] + perms[2][:2]  # whole permutations, then a cut one
    g.manual_seed(4)
    drawn = list(RandomSampler(range(10), replacement=True, num_samples=40, generator=g))
    g.manual_seed(4)
    blocks = ts.randint(0, 10, (32,), generator=g).tolist()
    blocks += ts.randint(0, 10, (8,), generator=g).tolist()
    assert drawn == blocks and len(RandomSampler(range(10), True, 40)) == 40


def test_subset_and_weighted_samplers():
    g = ts.Generator().manual_seed(0)
    picked = list(SubsetRandomSampler([10, 20, 30, 40], generator=g))
    assert sorted(picked) == [10, 20, 30, 40] and len(SubsetRandomSampler([1, 2])) == 2
    weighted = list(WeightedRandomSampler([0.0, 1.0, 0.0, 2.0], 50))
    assert len(weighted) == 50 and set(weighted) <= {1, 3}  # zero weight: never drawn
    without = list(WeightedRandomSampler([1.0, 1.0, 1.0], 3, replacement=False))
    assert sorted(without) == [0, 1, 2]
    sampler = WeightedRandomSampler([1, 2], 5)
    assert sampler.weights.dtype == ts.float64 and len(sampler) == 5
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist.size"):
        list(WeightedRandomSampler([1, 2], 3, replacement=False))


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: RandomSampler(range(3), replacement=1), TypeError, "replacement=1"),
        (lambda: RandomSampler(range(3), num_samples=0), ValueError, "num_samples=0"),
        (lambda: RandomSampler([]), ValueError, "num_samples=0"),
        (lambda: WeightedRandomSampler([1, 2], 0), ValueError, "num_samples=0"),
        (lambda: WeightedRandomSampler([1, 2], True), ValueError, "num_samples=True"),
        (lambda: WeightedRandomSampler([[1, 2]], 2), ValueError, r"have shape \(1, 2\)"),
        (lambda: WeightedRandomSampler([1, 2], 2, replacement=0), ValueError, "replacement=0"),
        (lambda: BatchSampler([1], 0, False), ValueError, "batch_size=0"),
        (lambda: BatchSampler([1], 2, 0), ValueError, "drop_last=0"),
    ],
)
def test_sampler_arguments_are_checked_with_pytorchs_messages(make, error, message):
    with pytest.raises(error, match=message):
        make()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"batch_sampler": [[1]], "batch_size": 2},
        {"batch_sampler": [[1]], "drop_last": True},
        {"batch_sampler": [[1]], "shuffle": True},
        {"batch_sampler": [[1]], "sampler": [1]},
    ],
)
def test_batch_sampler_is_mutually_exclusive_with_the_batching_options(kwargs):
    with pytest.raises(
        ValueError,
        match="batch_sampler option is mutually exclusive with batch_size, shuffle, "
        "sampler, and drop_last",
    ):
        DataLoader(_dataset(), **kwargs)


def test_sampler_is_mutually_exclusive_with_shuffle():
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(_dataset(), sampler=[1, 2], shuffle=True)


def test_loader_with_a_sampler_a_batch_sampler_or_neither():
    ds = _dataset()
    loader = DataLoader(ds, batch_size=4)
    assert isinstance(loader.sampler, SequentialSampler)
    assert isinstance(loader.batch_sampler, BatchSampler) and len(loader) == 3
    assert isinstance(DataLoader(ds, shuffle=True).sampler, RandomSampler)
    assert _labels(DataLoader(ds, sampler=[3, 1, 4], batch_size=2)) == [[3, 1], [4]]
    assert _labels(DataLoader(ds, batch_sampler=[[3, 1], [0]])) == [[3, 1], [0]]
    unbatched = list(DataLoader(ds, sampler=[3, 1], batch_size=None))
    assert [y.tolist() for _, y in unbatched] == [3, 1] and unbatched[0][1].ndim == 0
    weighted = DataLoader(ds, sampler=WeightedRandomSampler([0] * 9 + [1], 6), batch_size=4)
    assert _labels(weighted) == [[9, 9, 9, 9], [9, 9]] and len(weighted) == 2
    drop = DataLoader(ds, sampler=SequentialSampler(ds), batch_size=4, drop_last=True)
    assert _labels(drop) == [[0, 1, 2, 3], [4, 5, 6, 7]] and len(drop) == 2
    with pytest.raises(TypeError, match="has no len"):  # PyTorch: len() of the sampler
        len(DataLoader(ds, sampler=iter([1, 2])))


class Squares(Dataset):
    def __getitem__(self, i):
        return i * i  # no __len__: a sampler says which indices exist


class EveryOther(Sampler):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(0, self.n, 2))

    def __len__(self):
        return (self.n + 1) // 2


def test_a_custom_sampler_drives_a_dataset_without_len():
    loader = DataLoader(Squares(), sampler=EveryOther(7), batch_size=3)
    assert [b.tolist() for b in loader] == [[0, 4, 16], [36]] and len(loader) == 2


def test_shuffled_loader_draws_as_pytorch_does():
    # PyTorch's iterator draws a base seed (one random_ draw from the loader's generator)
    # as it starts, then RandomSampler seeds its own generator with one more draw.
    ts.manual_seed(11)
    shuffled = [i for b in _labels(DataLoader(_dataset(), batch_size=4, shuffle=True)) for i in b]
    ts.manual_seed(11)
    ts.empty((), dtype=ts.int64).random_()
    seed = int(ts.empty((), dtype=ts.int64).random_().item())
    assert shuffled == ts.randperm(10, generator=ts.Generator().manual_seed(seed)).tolist()
    g = ts.Generator().manual_seed(2)
    shuffled = [
        i
        for b in _labels(DataLoader(_dataset(), batch_size=3, shuffle=True, generator=g))
        for i in b
    ]
    g.manual_seed(2)
    ts.empty((), dtype=ts.int64).random_(generator=g)
    assert shuffled == ts.randperm(10, generator=g).tolist()


def test_iterating_an_unshuffled_loader_advances_the_global_generator_by_one_draw():
    # PyTorch: the worker base seed is drawn even with num_workers=0 and shuffle=False
    ts.manual_seed(0)
    list(DataLoader(_dataset(), batch_size=4))
    after_loader = ts.rand(1).item()
    ts.manual_seed(0)
    ts.empty((), dtype=ts.int64).random_()
    assert ts.rand(1).item() == after_loader


def test_random_split_takes_one_randperm_as_pytorch():
    parts = random_split(range(10), [3, 7], generator=ts.Generator().manual_seed(42))
    order = ts.randperm(10, generator=ts.Generator().manual_seed(42)).tolist()
    assert [list(p) for p in parts] == [order[:3], order[3:]]


_PYTORCH_STREAM = ts.randperm(10, generator=ts.Generator().manual_seed(0)).tolist() == [
    4, 1, 7, 5, 3, 9, 0, 8, 6, 2,
]  # fmt: skip


@pytest.mark.skipif(not _PYTORCH_STREAM, reason="the generator does not give PyTorch's stream")
def test_orders_are_pytorchs_where_the_generator_is():
    # PyTorch 2.13: torch.manual_seed(0); two epochs of DataLoader(shuffle=True, batch 4)
    ts.manual_seed(0)
    assert _labels(DataLoader(_dataset(), batch_size=4, shuffle=True)) == [
        [6, 7, 1, 4],
        [2, 0, 9, 8],
        [3, 5],
    ]
    assert _labels(DataLoader(_dataset(), batch_size=4, shuffle=True)) == [
        [2, 4, 7, 0],
        [8, 9, 5, 3],
        [6, 1],
    ]
    g = ts.Generator().manual_seed(2)
    assert list(RandomSampler(range(4), num_samples=10, generator=g)) == [
        0, 1, 3, 2, 0, 3, 1, 2, 2, 0,
    ]  # fmt: skip
    g = ts.Generator().manual_seed(3)
    assert list(SubsetRandomSampler([10, 20, 30, 40], generator=g)) == [30, 40, 20, 10]
    parts = random_split(range(10), [3, 7], generator=ts.Generator().manual_seed(42))
    assert [list(p) for p in parts] == [[2, 6, 1], [8, 4, 5, 0, 9, 3, 7]]
