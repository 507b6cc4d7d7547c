"""The tensor idioms that tutorials use everywhere, each against a value worked by hand:
creation, cat/stack, view(-1, ...), size(0), torch.max(x, 1), where, clamp, masked_fill, gather,
argmax, topk, numel, item, tolist, detach().numpy(), formatting, dtype conversions."""

import numpy as np

import tinygrad_scores as torch

torch.manual_seed(0)

# creation
data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
assert x_data.dtype == torch.int64 and x_data.shape == torch.Size([2, 2])
x_np = torch.from_numpy(np.array(data))
assert torch.equal(x_np, x_data)
x_ones = torch.ones_like(x_data)
x_rand = torch.rand_like(x_data, dtype=torch.float)
assert x_ones.tolist() == [[1, 1], [1, 1]] and x_rand.dtype == torch.float32
shape = (
    2,
    3,
)
assert torch.zeros(shape).sum().item() == 0.0 and torch.ones(shape).shape == (2, 3)
assert torch.arange(5).tolist() == [0, 1, 2, 3, 4]
assert torch.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
assert torch.eye(3).sum().item() == 3.0 and torch.eye(2).tolist() == [[1.0, 0.0], [0.0, 1.0]]
assert torch.zeros(2, 2, dtype=torch.long).dtype == torch.int64

tensor = torch.rand(3, 4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")
assert str(tensor.device) == "cpu"

# indexing and slicing
tensor = torch.ones(4, 4)
tensor[:, 1] = 0
assert tensor[0].tolist() == [1.0, 0.0, 1.0, 1.0]
assert tensor[..., -1].tolist() == [1.0] * 4 and tensor[:, 0].sum().item() == 4.0

# cat / stack
t1 = torch.cat([tensor, tensor, tensor], dim=1)
assert t1.shape == (4, 12)
a, b = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])
assert torch.stack([a, b]).tolist() == [[1.0, 2.0], [3.0, 4.0]]
assert torch.stack((a, b), dim=1).tolist() == [[1.0, 3.0], [2.0, 4.0]]
assert torch.cat((a, b)).tolist() == [1.0, 2.0, 3.0, 4.0]

# arithmetic: matmul and elementwise in their several spellings
y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
assert torch.equal(y1, y2) and torch.equal(y1, y3) and y1[0, 0].item() == 3.0
z1 = tensor * tensor
z2 = tensor.mul(tensor)
assert torch.equal(z1, z2)
agg = tensor.sum()
agg_item = agg.item()
assert agg_item == 12.0 and isinstance(agg_item, float)
tensor.add_(5)
assert tensor[0, 0].item() == 6.0 and tensor[0, 1].item() == 5.0

# view / reshape / size
x = torch.arange(24, dtype=torch.float32)
v = x.view(-1, 6)
assert v.shape == (4, 6) and v.size(0) == 4 and v.size(-1) == 6 and v.size() == (4, 6)
assert x.view(2, 3, 4).view(x.size(0), -1).shape == (24, 1)
batch = torch.randn(8, 1, 4, 4)
flat = batch.view(batch.size(0), -1)
assert flat.shape == (8, 16) and flat.numel() == 128 and batch.dim() == 4
assert v.t().is_contiguous() is False and v.t().contiguous().view(-1).shape == (24,)
assert v.unsqueeze(0).shape == (1, 4, 6) and v.unsqueeze(0).squeeze().shape == (4, 6)
assert v.permute(1, 0).shape == (6, 4) and v.transpose(0, 1).shape == (6, 4)
assert v.flatten().shape == (24,) and torch.flatten(batch, 1).shape == (8, 16)

# reductions: torch.max(out, 1), argmax, topk, mean, std
out = torch.tensor([[0.25, 2.0, -1.0], [3.0, 0.5, 0.25]])
values, indices = torch.max(out, 1)
assert values.tolist() == [2.0, 3.0] and indices.tolist() == [1, 0]
_, predicted = torch.max(out.data, dim=1)
assert predicted.dtype == torch.int64
assert out.argmax().item() == 3 and out.argmax(dim=1).tolist() == [1, 0]
assert out.max().item() == 3.0 and out.min().item() == -1.0
top = torch.topk(out, 2, dim=1)
assert top.values.tolist() == [[2.0, 0.25], [3.0, 0.5]] and top.indices.tolist() == [[1, 0], [0, 1]]
vals, idx = out.topk(1)
assert idx.squeeze(1).tolist() == [1, 0]
assert abs(out.mean().item() - 5.0 / 6) < 1e-6
assert abs(torch.tensor([1.0, 2.0, 3.0, 4.0]).std().item() - 1.2909944) < 1e-5
assert torch.allclose(out.sum(dim=0), torch.tensor([3.25, 2.5, -0.75]))
assert out.mean(dim=1, keepdim=True).shape == (2, 1)

# where, clamp, masked_fill, gather
t = torch.tensor([-2.0, -0.5, 0.0, 1.5, 3.0])
assert torch.where(t > 0, t, torch.zeros_like(t)).tolist() == [0.0, 0.0, 0.0, 1.5, 3.0]
assert torch.where(t > 0, t, 0.0).tolist() == [0.0, 0.0, 0.0, 1.5, 3.0]
assert t.clamp(min=-1.0, max=2.0).tolist() == [-1.0, -0.5, 0.0, 1.5, 2.0]
assert torch.clamp(t, min=0).tolist() == [0.0, 0.0, 0.0, 1.5, 3.0]
assert t.masked_fill(t < 0, -1e9).tolist() == [-1e9, -1e9, 0.0, 1.5, 3.0]
scores = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
mask = torch.tensor([[True, False, False], [True, True, False]])
masked = scores.masked_fill(~mask, float("-inf"))
assert torch.softmax(masked, dim=-1)[0].tolist() == [1.0, 0.0, 0.0]
target = torch.tensor([2, 0])
picked = scores.gather(1, target.unsqueeze(1)).squeeze(1)
assert picked.tolist() == [3.0, 4.0]
assert torch.gather(scores, 1, torch.tensor([[0, 0], [1, 2]])).tolist() == [[1.0, 1.0], [5.0, 6.0]]

# comparisons, boolean reductions, dtype conversion
pred = torch.tensor([1, 0, 2, 2])
labels = torch.tensor([1, 1, 2, 0])
eq = pred == labels
assert eq.dtype == torch.bool and eq.sum().item() == 2
assert (pred == labels).type(torch.float).sum().item() == 2.0
assert (pred == labels).float().mean().item() == 0.5
assert eq.any().item() is True and eq.all().item() is False
assert pred.float().dtype == torch.float32 and pred.double().dtype == torch.float64
assert torch.tensor([1.7, -1.7]).long().tolist() == [1, -1]
assert torch.tensor([1.7]).to(torch.int32).dtype == torch.int32
assert torch.tensor(3).item() == 3 and isinstance(torch.tensor(3).item(), int)
assert int(torch.tensor(3)) == 3 and float(torch.tensor(2.5)) == 2.5
assert ["a", "b", "c"][torch.tensor(2)] == "c"

# autograd bookkeeping: detach, numpy, requires_grad, formatting a loss
w = torch.randn(3, requires_grad=True)
loss = (w * w).sum()
loss.backward()
assert torch.allclose(w.grad, 2 * w.detach())
arr = w.detach().numpy()
assert isinstance(arr, np.ndarray) and arr.shape == (3,)
assert loss.requires_grad and not loss.detach().requires_grad and loss.grad_fn is not None
with torch.no_grad():
    assert not (w * 2).requires_grad
assert f"{torch.tensor(0.123456):.4f}" == "0.1235"
assert f"{loss.item():.2f}" == f"{float(loss):.2f}"
assert torch.tensor(2.0) ** 2 == 4.0
assert len(torch.zeros(5, 3)) == 5
assert torch.manual_seed(3) is not None
r1 = torch.randn(4)
torch.manual_seed(3)
assert torch.equal(r1, torch.randn(4))
print(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
print("ok")
