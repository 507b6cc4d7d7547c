"""IterableDataset, ChainDataset and get_worker_info in DataLoader, as PyTorch's docs define
them: a stream batched in arrival order; with workers, each worker reads its own copy of the
stream (sharded by ``get_worker_info()``) and batches come round-robin from worker 0 on."""

import math

import pytest

import tinygrad_scores as torch
from tinygrad_scores.utils.data import ChainDataset, DataLoader, IterableDataset, get_worker_info


class RangeStream(IterableDataset):
    """The docstring example of IterableDataset: splits [start, end) among the workers."""

    def __init__(self, start, end):
        super().__init__()
        self.start, self.end = start, end

    def __iter__(self):
        worker = get_worker_info()
        if worker is None:
            return iter(range(self.start, self.end))
        per_worker = int(math.ceil((self.end - self.start) / float(worker.num_workers)))
        start = self.start + worker.id * per_worker
        return iter(range(start, min(start + per_worker, self.end)))


class SizedStream(RangeStream):
    def __len__(self):
        return self.end - self.start


def batches(loader):
    return [b.tolist() for b in loader]


def test_a_stream_is_batched_in_order_with_a_short_last_batch_unless_drop_last():
    assert batches(DataLoader(RangeStream(3, 10), batch_size=3)) == [[3, 4, 5], [6, 7, 8], [9]]
    assert batches(DataLoader(RangeStream(3, 10), batch_size=3, drop_last=True)) == [
        [3, 4, 5],
        [6, 7, 8],
    ]
    assert [x.item() for x in DataLoader(RangeStream(0, 3))] == [0, 1, 2]
    assert list(DataLoader(RangeStream(0, 3), batch_size=None)) == [0, 1, 2]
    assert get_worker_info() is None


def test_workers_read_their_shards_and_the_batches_come_round_robin():
    # the docs' example with 2 workers: worker 0 reads 3..6, worker 1 reads 7..9
    assert batches(DataLoader(RangeStream(3, 10), batch_size=2, num_workers=2)) == [
        [3, 4],
        [7, 8],
        [5, 6],
        [9],
    ]
    # each worker drops its own short batch
    assert batches(DataLoader(RangeStream(3, 10), batch_size=2, num_workers=3, drop_last=True)) == [
        [3, 4],
        [6, 7],
    ]

    class WhoReads(IterableDataset):
        def __iter__(self):
            info = get_worker_info()
            for i in range(2):
                yield info.id, info.num_workers, i

    got = list(DataLoader(WhoReads(), batch_size=None, num_workers=2))
    assert got == [[0, 2, 0], [1, 2, 0], [0, 2, 1], [1, 2, 1]]
    assert get_worker_info() is None  # only while a worker reads


def test_chain_dataset_and_plus_read_the_streams_one_after_another():
    assert batches(
        DataLoader(ChainDataset([RangeStream(0, 2), RangeStream(5, 7)]), batch_size=3)
    ) == [[0, 1, 5], [6]]
    assert batches(DataLoader(RangeStream(0, 2) + RangeStream(5, 7), batch_size=3)) == [
        [0, 1, 5],
        [6],
    ]
    assert len(ChainDataset([SizedStream(0, 2), SizedStream(5, 8)])) == 5


def test_len_is_the_datasets_len_in_batches_or_a_type_error():
    assert len(DataLoader(SizedStream(0, 7), batch_size=3)) == 3
    assert len(DataLoader(SizedStream(0, 7), batch_size=3, drop_last=True)) == 2
    assert len(DataLoader(SizedStream(0, 7), batch_size=None)) == 7
    with pytest.raises(TypeError, match="has no len"):
        len(DataLoader(RangeStream(0, 7)))


def test_a_stream_refuses_shuffle_and_samplers_with_pytorchs_message():
    with pytest.raises(
        ValueError, match="expected unspecified shuffle option, but got shuffle=True"
    ):
        DataLoader(RangeStream(0, 3), shuffle=True)
    with pytest.raises(
        ValueError, match=r"expected unspecified sampler option, but got sampler=\[0, 1\]"
    ):
        DataLoader(RangeStream(0, 3), sampler=[0, 1])
    with pytest.raises(ValueError, match="expected unspecified batch_sampler option"):
        DataLoader(RangeStream(0, 3), batch_sampler=[[0, 1]])


def test_iterating_a_stream_draws_the_workers_base_seed_as_pytorch_does():
    torch.manual_seed(0)
    list(DataLoader(RangeStream(0, 2)))
    after_loader = torch.rand(1)
    torch.manual_seed(0)
    torch.empty((), dtype=torch.int64).random_()
    assert torch.equal(after_loader, torch.rand(1))
