"""A 3-class spiral classifier: nn.CrossEntropyLoss, SGD with momentum and weight decay, StepLR,
`_, predicted = torch.max(outputs, 1)` / `total += labels.size(0)` accuracy bookkeeping."""

import math

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.optim as optim
from tinygrad_scores.utils.data import DataLoader, TensorDataset

torch.manual_seed(1)
N, K = 200, 3  # points per class, classes
xs, ys = [], []
for k in range(K):
    r = torch.linspace(0.05, 1.0, N)
    theta = torch.linspace(k * 4.0, (k + 1) * 4.0, N) + 0.2 * torch.randn(N)
    xs.append(torch.stack([r * torch.sin(theta), r * torch.cos(theta)], dim=1))
    ys.append(torch.full((N,), k, dtype=torch.long))
X = torch.cat(xs)
y = torch.cat(ys)
assert X.shape == (N * K, 2) and y.shape == (N * K,) and y.dtype == torch.long

loader = DataLoader(TensorDataset(X, y), batch_size=50, shuffle=True)

model = nn.Sequential(
    nn.Linear(2, 64),
    nn.ReLU(),
    nn.Linear(64, 64),
    nn.ReLU(),
    nn.Linear(64, K),
)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=30, gamma=0.5)

lrs = []
for epoch in range(80):
    running_loss = 0.0
    for i, (inputs, labels) in enumerate(loader):
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    lrs.append(scheduler.get_last_lr()[0])
    scheduler.step()
    if epoch % 20 == 19:
        print(f"[{epoch + 1}] loss: {running_loss / len(loader):.3f}")

correct = 0
total = 0
with torch.no_grad():
    for inputs, labels in DataLoader(TensorDataset(X, y), batch_size=100):
        outputs = model(inputs)
        _, predicted = torch.max(outputs.data, 1)
        total += labels.size(0)
        correct += (predicted == labels).sum().item()
print(f"Accuracy of the network on the {total} points: {100 * correct // total} %")
assert total == 600 and isinstance(correct, int)
assert correct / total > 0.9, correct / total
assert lrs[0] == 0.1 and math.isclose(lrs[30], 0.05) and math.isclose(lrs[79], 0.025), lrs
assert math.isclose(optimizer.param_groups[0]["lr"], 0.025)
print("ok")
