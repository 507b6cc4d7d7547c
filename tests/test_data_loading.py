"""Dataset, TensorDataset, Subset, ConcatDataset, random_split, DataLoader and default
collation against PyTorch's documented behaviour; refusal of bad arguments."""

import collections
import warnings

import numpy as np
import pytest

import tinygrad_scores as ts
from tinygrad_scores import data
from tinygrad_scores.data import (
    ConcatDataset,
    DataLoader,
    Dataset,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return {"x": np.full(2, i, np.float32), "y": i * i, "w": float(i), "name": f"s{i}"}

    def __len__(self):
        return self.n


def test_all_names_are_exported():
    for name in [
        "Dataset",
        "TensorDataset",
        "Subset",
        "ConcatDataset",
        "random_split",
        "DataLoader",
        "default_collate",
    ]:
        assert name in data.__all__ and hasattr(data, name)


@pytest.mark.parametrize("bad", [2.5, True, False, 0, -1, "4", 4.0])
def test_batch_size_must_be_a_positive_integer(bad):
    with pytest.raises(
        ValueError, match=f"batch_size should be a positive integer value, but got batch_size={bad}"
    ):
        DataLoader(Squares(3), batch_size=bad)


def test_other_loader_arguments():
    with pytest.raises(ValueError, match="mutually exclusive with drop_last"):
        DataLoader(Squares(3), batch_size=None, drop_last=True)
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        DataLoader(Squares(3), num_workers=-1)
    # worker processes are not used, but programs that ask for them get the same batches
    assert [repr(b) for b in DataLoader(Squares(3), batch_size=2, num_workers=2)] == [
        repr(b) for b in DataLoader(Squares(3), batch_size=2)
    ]
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(Squares(3), sampler=[0, 1, 2], shuffle=True)
    loader = DataLoader(Squares(3), num_workers=0, pin_memory=True, persistent_workers=False)
    assert len(list(loader)) == 3
    with pytest.raises(TypeError, match="map-style"):
        DataLoader(iter(range(3)))


def test_tensor_dataset_batches_are_lists_and_shuffle_is_seeded():
    x, y = ts.arange(10).reshape(10, 1), ts.arange(10)
    loader = DataLoader(TensorDataset(x, y), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and [len(b[1]) for b in batches] == [4, 4, 2]
    assert isinstance(batches[0], list) and batches[0][0].shape == (4, 1)
    assert len(DataLoader(TensorDataset(x, y), batch_size=4, drop_last=True)) == 2
    runs = [
        [
            b[1].tolist()
            for b in DataLoader(
                TensorDataset(x, y), 4, shuffle=True, generator=ts.Generator().manual_seed(7)
            )
        ]
        for _ in range(2)
    ]
    assert runs[0] == runs[1] and sorted(sum(runs[0], [])) == list(range(10))
    assert runs[0] != [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_tensor_dataset_of_numpy_arrays():
    xs, ys = np.arange(12.0).reshape(6, 2), np.arange(6)
    ds = TensorDataset(xs, ys)
    assert isinstance(ds[1][0], ts.Tensor) and ds[1][0].tolist() == [2.0, 3.0]
    xb, yb = next(iter(DataLoader(ds, batch_size=4)))
    assert xb.shape == (4, 2) and yb.dtype == ts.int64
    with pytest.raises(ValueError, match="Size mismatch"):
        TensorDataset(np.zeros(3), np.zeros(4))
    with pytest.raises(TypeError, match="argument 1 is a list"):
        TensorDataset(np.zeros(3), [1, 2, 3])
    with pytest.raises(ValueError, match="0-d"):
        TensorDataset(ts.tensor(1.0))


def test_default_collation_follows_pytorch():
    batch = next(iter(DataLoader(Squares(3), batch_size=3)))
    assert set(batch) == {"x", "y", "w", "name"}
    assert batch["x"].shape == (3, 2) and batch["x"].dtype == ts.float32
    assert batch["y"].dtype == ts.int64 and batch["y"].tolist() == [0, 1, 4]
    assert batch["w"].dtype == ts.float64
    assert batch["name"] == ["s0", "s1", "s2"]
    pair = default_collate([(1, np.float32(2.0)), (3, np.float32(4.0))])
    assert isinstance(pair, list) and pair[0].tolist() == [1, 3]
    assert pair[1].dtype == ts.float32
    Point = collections.namedtuple("Point", "a b")
    pts = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(pts, Point) and pts.b.dtype == ts.float64
    assert default_collate([True, False]).dtype == ts.bool
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        default_collate([ts.zeros(2), ts.zeros(3)])
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([object(), object()])


def test_no_batching_and_custom_collate():
    loader = DataLoader(Squares(3), batch_size=None)
    items = list(loader)
    assert len(loader) == 3 and isinstance(items[1]["x"], ts.Tensor) and items[1]["y"] == 1
    loader = DataLoader(Squares(5), batch_size=2, collate_fn=lambda b: [s["y"] for s in b])
    assert list(loader) == [[0, 1], [4, 9], [16]]


def test_subset_concat_and_random_split():
    ds = Squares(10)
    sub = Subset(ds, [3, 1])
    assert len(sub) == 2 and sub[0]["y"] == 9
    both = ds + Squares(5)
    assert isinstance(both, ConcatDataset) and len(both) == 15
    assert both.cumulative_sizes == [10, 15] and both[12]["y"] == 4 and both[-1]["y"] == 16
    with pytest.raises(ValueError, match="absolute value of index"):
        both[-16]
    with pytest.raises(IndexError):
        both[15]
    with pytest.raises(ValueError, match="empty"):
        ConcatDataset([])
    parts = random_split(ds, [3, 7], generator=ts.Generator(0))
    again = random_split(ds, [3, 7], generator=ts.Generator(0))
    assert [len(p) for p in parts] == [3, 7] and parts[0].indices == again[0].indices
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))
    # Fractions: floors 3, 3, 3 then the remainder one by one from the first split.
    assert [len(p) for p in random_split(ds, [0.34, 0.33, 0.33])] == [4, 3, 3]
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(ds, [3, 3])
    with pytest.raises(ValueError, match="Fraction at index 1 is not between 0 and 1"):
        random_split(ds, [0.5, -0.25, 0.75])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        random_split(Squares(1), [0.5, 0.5])
    assert any("Length of split at index 1 is 0" in str(w.message) for w in caught)
    loader = DataLoader(parts[1], batch_size=4)
    assert len(loader) == 2 and next(iter(loader))["x"].shape == (4, 2)
