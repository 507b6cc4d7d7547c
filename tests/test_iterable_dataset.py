"""IterableDataset, ChainDataset and get_worker_info with the DataLoader: batching,
drop_last, PyTorch's refusals, and its workers' split of a stream (the batches and their
order below are what PyTorch 2.13's worker processes give for the same datasets)."""

import math

import numpy as np
import pytest

import tinygrad_scores as ts
from tinygrad_scores.utils.data import (
    ChainDataset,
    ConcatDataset,
    DataLoader,
    IterableDataset,
    TensorDataset,
    get_worker_info,
)


class Range(IterableDataset):
    """PyTorch's documentation example: each worker reads its share of [start, end)."""

    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.start, self.end))
        per = int(math.ceil((self.end - self.start) / info.num_workers))
        lo = self.start + info.id * per
        return iter(range(lo, min(lo + per, self.end)))


class Uneven(IterableDataset):
    """Workers whose streams end at different times."""

    def __iter__(self):
        info = get_worker_info()
        n = 3 if info is None else [7, 2, 4][info.id]
        return iter([(info.id if info else -1) * 100 + i for i in range(n)])


def _lists(loader):
    return [b.tolist() for b in loader]


def test_batches_in_stream_order_with_a_short_last_one():
    assert _lists(DataLoader(Range(3, 14), batch_size=3)) == [
        [3, 4, 5],
        [6, 7, 8],
        [9, 10, 11],
        [12, 13],
    ]
    assert _lists(DataLoader(Range(3, 14), batch_size=3, drop_last=True)) == [
        [3, 4, 5],
        [6, 7, 8],
        [9, 10, 11],
    ]
    assert _lists(DataLoader(Range(0, 4), batch_size=2, drop_last=True)) == [[0, 1], [2, 3]]
    assert list(DataLoader(Range(0, 0), batch_size=2)) == []


def test_without_batching_each_sample_is_converted_alone():
    assert list(DataLoader(Range(0, 3), batch_size=None)) == [0, 1, 2]

    class Pairs(IterableDataset):
        def __iter__(self):
            for i in range(3):
                yield {"x": np.full(2, i, np.float32), "y": i}

    (batch,) = DataLoader(Pairs(), batch_size=4)
    assert batch["x"].shape == (3, 2) and batch["x"].dtype == ts.float32
    assert batch["y"].tolist() == [0, 1, 2]


def test_get_worker_info_is_none_in_the_main_process():
    seen = []

    class Spy(IterableDataset):
        def __iter__(self):
            seen.append(get_worker_info())
            yield 1

    assert get_worker_info() is None
    assert list(DataLoader(Spy())) and seen == [None]


def test_workers_split_the_stream_as_pytorchs_worker_processes():
    loader = DataLoader(Range(3, 14), batch_size=3, drop_last=True, num_workers=2)
    assert _lists(loader) == [[3, 4, 5], [9, 10, 11], [6, 7, 8]]
    loader = DataLoader(Range(3, 14), batch_size=2, num_workers=3)
    assert _lists(loader) == [[3, 4], [7, 8], [11, 12], [5, 6], [9, 10], [13]]
    # a worker whose stream ends leaves the rotation
    assert _lists(DataLoader(Uneven(), batch_size=2, num_workers=3)) == [
        [0, 1],
        [100, 101],
        [200, 201],
        [2, 3],
        [202, 203],
        [4, 5],
        [6],
    ]
    assert get_worker_info() is None  # restored after the workers


def test_worker_info_gives_each_worker_its_copy_and_seed():
    class Seeds(IterableDataset):
        def __iter__(self):
            info = get_worker_info()
            yield [info.id, info.seed, info.num_workers, info.dataset is self]

    dataset = Seeds()
    g = ts.Generator().manual_seed(7)
    got = list(DataLoader(dataset, batch_size=None, num_workers=2, generator=g))
    # PyTorch 2.13: the base seed drawn from the loader's generator, plus the worker id
    assert got == [[0, 1407639518939636932, 2, True], [1, 1407639518939636933, 2, True]]
    with pytest.raises(AttributeError):
        get_worker_info_from(dataset).id = 3


def get_worker_info_from(dataset):
    infos = []

    class Grab(IterableDataset):
        def __iter__(self):
            infos.append(get_worker_info())
            return iter(())

    list(DataLoader(Grab(), num_workers=1))
    return infos[0]


def test_worker_init_fn_configures_each_workers_copy():
    """PyTorch's documentation example 2: the split is made in worker_init_fn."""

    class Plain(IterableDataset):
        def __init__(self, start, end):
            self.start, self.end = start, end

        def __iter__(self):
            return iter(range(self.start, self.end))

    def split(worker_id):
        info = get_worker_info()
        assert info.id == worker_id
        d = info.dataset
        per = int(math.ceil((d.end - d.start) / info.num_workers))
        d.start, d.end = d.start + worker_id * per, min(d.start + (worker_id + 1) * per, d.end)

    dataset = Plain(3, 7)
    loader = DataLoader(dataset, num_workers=2, worker_init_fn=split)
    assert [b.tolist() for b in loader] == [[3], [5], [4], [6]]
    assert (dataset.start, dataset.end) == (3, 7)  # the workers changed their copies
    # without the split, every worker yields the whole stream (PyTorch's documented trap)
    assert sorted(b.item() for b in DataLoader(dataset, num_workers=2)) == [3, 3, 4, 4, 5, 5, 6, 6]


def test_len_comes_from_the_dataset():
    class Sized(Range):
        def __len__(self):
            return self.end - self.start

    assert len(DataLoader(Sized(0, 7), batch_size=3)) == 3
    assert len(DataLoader(Sized(0, 7), batch_size=3, drop_last=True)) == 2
    assert len(DataLoader(Sized(0, 7), batch_size=None)) == 7
    with pytest.raises(TypeError):
        len(DataLoader(Range(0, 7)))


@pytest.mark.parametrize(
    "kw, message",
    [
        (dict(shuffle=True), "expected unspecified shuffle option, but got shuffle=True"),
        (dict(sampler=[0, 1]), "expected unspecified sampler option, but got sampler="),
        (dict(sampler=np.arange(2)), "expected unspecified sampler option"),
        (dict(batch_sampler=[[0]]), "expected unspecified batch_sampler option"),
        (dict(batch_size=None, drop_last=True), "mutually exclusive with drop_last"),
    ],
)
def test_samplers_and_shuffle_are_refused_as_pytorch_does(kw, message):
    with pytest.raises(ValueError, match=message):
        DataLoader(Range(0, 3), **kw)
    DataLoader(Range(0, 3), shuffle=False)  # an explicit False is accepted


def test_chain_dataset_and_plus():
    assert _lists(DataLoader(Range(0, 3) + Range(10, 12), batch_size=2)) == [[0, 1], [2, 10], [11]]
    assert isinstance(Range(0, 1) + Range(0, 1), ChainDataset)
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        list(ChainDataset([Range(0, 2), TensorDataset(ts.zeros(2))]))
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        ConcatDataset([Range(0, 2)])


def test_an_iterable_dataset_without_iter_says_so():
    with pytest.raises(NotImplementedError, match="should implement __iter__"):
        list(DataLoader(IterableDataset()))


def test_importable_under_pytorchs_paths():
    import tinygrad_scores.utils.data as data
    import tinygrad_scores.utils.data.dataset as dataset_module

    assert dataset_module.IterableDataset is data.IterableDataset is IterableDataset
    assert data.get_worker_info is get_worker_info
