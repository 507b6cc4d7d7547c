"""A seeded PyTorch program: the seed network (784-128-2 with dropout) trained 20 steps on
a shuffled synthetic dataset, printing each step's loss. Run as
``python seeded_training.py torch`` or ``python seeded_training.py tinygrad_scores``:
with the same seed both draw the same data, weights, batches and dropout masks, so they
print the same losses up to float32 rounding (tests/test_random_streams.py compares)."""

import importlib
import sys

torch = importlib.import_module(sys.argv[1] if len(sys.argv) > 1 else "tinygrad_scores")
nn, F = torch.nn, torch.nn.functional
DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset

torch.manual_seed(0)
x = torch.randn(256, 784)
y = (x[:, :10].sum(1) > 0).long()
model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 2))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
step = 0
while step < 20:
    for xb, yb in loader:
        loss = F.cross_entropy(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"{step} {loss.item():.9g}")
        step += 1
        if step == 20:
            break
