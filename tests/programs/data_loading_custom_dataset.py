"""The data-loading tutorial's idioms ("Writing Custom Datasets, DataLoaders and Transforms",
"Datasets & DataLoaders") on synthetic samples: a map-style Dataset returning dicts with NumPy
arrays, callable transform classes composed (Rescale-like, ToTensor), default collation of dicts
/ tuples / NumPy arrays / numbers / strings, a custom collate_fn padding variable-length
sequences with pad_sequence, random_split with a seeded Generator, Subset, ConcatDataset,
WeightedRandomSampler for class balance, BatchSampler, drop_last, an IterableDataset with
get_worker_info, and a worker_init_fn-free loop over epochs."""

import math

import numpy as np
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    Subset,
    WeightedRandomSampler,
    get_worker_info,
    random_split,
)

torch.manual_seed(0)
rng = np.random.default_rng(0)


class LandmarksDataset(Dataset):
    """Face-landmarks-like samples: an HxWx3 uint8 "image" and 4 (x, y) landmarks."""

    def __init__(self, n, transform=None):
        self.images = rng.integers(0, 256, size=(n, 12, 10, 3), dtype=np.uint8)
        self.landmarks = rng.uniform(0, 10, size=(n, 4, 2)).astype("float")
        self.names = [f"person_{i}.jpg" for i in range(n)]
        self.transform = transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, idx):
        if torch.is_tensor(idx):
            idx = idx.tolist()
        sample = {
            "image": self.images[idx],
            "landmarks": self.landmarks[idx],
            "name": self.names[idx],
        }
        if self.transform:
            sample = self.transform(sample)
        return sample


class CenterCrop(object):
    def __init__(self, output_size):
        assert isinstance(output_size, (int, tuple))
        self.output_size = (
            (output_size, output_size) if isinstance(output_size, int) else output_size
        )

    def __call__(self, sample):
        image, landmarks = sample["image"], sample["landmarks"]
        h, w = image.shape[:2]
        new_h, new_w = self.output_size
        top, left = (h - new_h) // 2, (w - new_w) // 2
        image = image[top : top + new_h, left : left + new_w]
        landmarks = landmarks - [left, top]
        return {"image": image, "landmarks": landmarks, "name": sample["name"]}


class ToTensor(object):
    """Convert ndarrays in sample to Tensors (HWC uint8 -> CHW float in [0, 1])."""

    def __call__(self, sample):
        image, landmarks = sample["image"], sample["landmarks"]
        image = image.transpose((2, 0, 1))
        return {
            "image": torch.from_numpy(image).float().div(255),
            "landmarks": torch.from_numpy(landmarks),
            "name": sample["name"],
        }


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, sample):
        for t in self.transforms:
            sample = t(sample)
        return sample


raw = LandmarksDataset(10)
sample = raw[3]
assert sample["image"].shape == (12, 10, 3) and sample["landmarks"].shape == (4, 2)

transformed_dataset = LandmarksDataset(10, transform=Compose([CenterCrop(8), ToTensor()]))
for i, sample in enumerate(transformed_dataset):
    assert sample["image"].shape == (3, 8, 8) and sample["landmarks"].shape == (4, 2)
    if i == 3:
        break
item = transformed_dataset[torch.tensor(2)]
assert item["image"].dtype == torch.float32 and item["landmarks"].dtype == torch.float64

dataloader = DataLoader(transformed_dataset, batch_size=4, shuffle=True, num_workers=0)
sizes = []
for i_batch, sample_batched in enumerate(dataloader):
    print(
        i_batch,
        sample_batched["image"].size(),
        sample_batched["landmarks"].size(),
        len(sample_batched["name"]),
    )
    sizes.append(sample_batched["image"].size(0))
    assert isinstance(sample_batched["name"], list) and sample_batched["name"][0].endswith(".jpg")
assert sizes == [4, 4, 2]

# default collation of raw NumPy samples: arrays stack into tensors, numbers into tensors
raw_loader = DataLoader(raw, batch_size=5)
batch = next(iter(raw_loader))
assert batch["image"].dtype == torch.uint8 and batch["image"].shape == (5, 12, 10, 3)
assert batch["landmarks"].dtype == torch.float64
pairs = [(np.float32(i) / 2, i, (i % 2 == 0)) for i in range(6)]
x, y, even = next(iter(DataLoader(pairs, batch_size=6)))
assert x.dtype == torch.float32 and y.dtype == torch.int64 and even.dtype == torch.bool
assert x.tolist() == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5] and even.tolist() == [True, False] * 3
floats = next(iter(DataLoader([0.5, 1.5], batch_size=2)))
assert floats.dtype == torch.float64


# variable-length sequences: a collate_fn that pads, and the lengths
class Sentences(Dataset):
    def __init__(self):
        self.data = [torch.randint(1, 20, (n,)) for n in [3, 7, 5, 2, 6, 4, 1, 8]]
        self.labels = [n % 2 for n in [3, 7, 5, 2, 6, 4, 1, 8]]

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        return self.data[i], self.labels[i]


def collate_batch(batch):
    texts, labels = zip(*batch)
    lengths = torch.tensor([len(t) for t in texts])
    return (
        pad_sequence(texts, batch_first=True, padding_value=0),
        torch.tensor(labels, dtype=torch.int64),
        lengths,
    )


for texts, labels, lengths in DataLoader(
    Sentences(), batch_size=3, shuffle=False, collate_fn=collate_batch
):
    assert texts.shape == (len(labels), lengths.max().item())
    assert (texts[torch.arange(len(labels)), lengths - 1] != 0).all()
    assert (labels == lengths % 2).all()

# random_split with a seeded generator is reproducible; Subset and ConcatDataset compose
full = Sentences()
train_set, val_set = random_split(full, [6, 2], generator=torch.Generator().manual_seed(42))
again, _ = random_split(full, [6, 2], generator=torch.Generator().manual_seed(42))
assert train_set.indices == again.indices and sorted(train_set.indices + val_set.indices) == list(
    range(8)
)
fractions = random_split(range(10), [0.7, 0.3], generator=torch.Generator().manual_seed(1))
assert [len(f) for f in fractions] == [7, 3]
both = ConcatDataset([Subset(full, [0, 1]), Subset(full, [5])])
assert len(both) == 3 and both[2][1] == full[5][1]

# class balance: WeightedRandomSampler draws the rare class about as often as the common one
labels = torch.tensor([0] * 90 + [1] * 10)
class_counts = torch.bincount(labels)
weights = 1.0 / class_counts[labels].double()
sampler = WeightedRandomSampler(weights, num_samples=400, replacement=True)
drawn = labels[torch.tensor(list(sampler))]
assert 0.35 < drawn.float().mean().item() < 0.65
batches = list(BatchSampler(RandomSampler(range(10)), batch_size=4, drop_last=True))
assert len(batches) == 2 and all(len(b) == 4 for b in batches)
assert len(DataLoader(range(10), batch_size=4, drop_last=True)) == 2


# an IterableDataset that splits its range among workers (one process here: the whole range)
class RangeStream(IterableDataset):
    def __init__(self, start, end):
        super().__init__()
        assert end > start
        self.start, self.end = start, end

    def __iter__(self):
        worker_info = get_worker_info()
        if worker_info is None:
            iter_start, iter_end = self.start, self.end
        else:
            per_worker = int(math.ceil((self.end - self.start) / float(worker_info.num_workers)))
            iter_start = self.start + worker_info.id * per_worker
            iter_end = min(iter_start + per_worker, self.end)
        return iter(range(iter_start, iter_end))


stream = RangeStream(3, 10)
assert list(DataLoader(stream, num_workers=0)) == [torch.tensor([i]) for i in range(3, 10)]
chunks = [b.tolist() for b in DataLoader(stream, batch_size=3)]
assert chunks == [[3, 4, 5], [6, 7, 8], [9]]
assert [b.tolist() for b in DataLoader(stream, batch_size=3, drop_last=True)] == [
    [3, 4, 5],
    [6, 7, 8],
]
print("ok")
