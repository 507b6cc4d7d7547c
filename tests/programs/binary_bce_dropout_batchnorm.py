"""Binary classification of two noisy moons: a custom Dataset, nn.BatchNorm1d and nn.Dropout,
nn.BCEWithLogitsLoss, clip_grad_norm_, AdamW + CosineAnnealingLR, sigmoid > 0.5 predictions,
and the best epoch's state_dict (BatchNorm buffers included) saved and restored."""

import math
import os
import tempfile

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.optim as optim
from tinygrad_scores.utils.data import DataLoader, Dataset


class MoonsDataset(Dataset):
    def __init__(self, n, noise=0.1, seed=0):
        g = torch.Generator().manual_seed(seed)
        t = torch.rand(n, generator=g) * math.pi
        label = torch.randint(0, 2, (n,), generator=g)
        x = torch.where(label == 0, torch.cos(t), 1 - torch.cos(t))
        y = torch.where(label == 0, torch.sin(t), 0.5 - torch.sin(t))
        self.features = torch.stack([x, y], dim=1) + noise * torch.randn(n, 2, generator=g)
        self.labels = label.float()

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        return self.features[idx], self.labels[idx]


class Classifier(nn.Module):
    def __init__(self, hidden=32, p=0.2):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(2, hidden),
            nn.BatchNorm1d(hidden),
            nn.ReLU(),
            nn.Dropout(p),
            nn.Linear(hidden, hidden),
            nn.BatchNorm1d(hidden),
            nn.ReLU(),
            nn.Dropout(p),
            nn.Linear(hidden, 1),
        )

    def forward(self, x):
        return self.net(x).squeeze(1)


torch.manual_seed(0)
train_ds, test_ds = MoonsDataset(800, seed=1), MoonsDataset(200, seed=2)
train_loader = DataLoader(train_ds, batch_size=32, shuffle=True, drop_last=True)
test_loader = DataLoader(test_ds, batch_size=64)
features, label = train_ds[3]
assert features.shape == (2,) and label.dim() == 0 and label.dtype == torch.float32

model = Classifier()
criterion = nn.BCEWithLogitsLoss()
optimizer = optim.AdamW(model.parameters(), lr=1e-2, weight_decay=1e-2)
epochs = 15
scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)


def evaluate(model, loader):
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in loader:
            probs = torch.sigmoid(model(xb))
            preds = (probs > 0.5).float()
            correct += (preds == yb).sum().item()
    return correct / len(loader.dataset)


checkpoint_dir = tempfile.mkdtemp()
best_path = os.path.join(checkpoint_dir, "best_model.pt")
best_acc, best_epoch = -1.0, -1
history = []
for epoch in range(epochs):
    model.train()
    epoch_loss = 0.0
    for xb, yb in train_loader:
        logits = model(xb)
        loss = criterion(logits, yb)
        optimizer.zero_grad()
        loss.backward()
        total_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        epoch_loss += loss.item() * xb.size(0)
    scheduler.step()
    history.append(epoch_loss / (len(train_loader) * 32))
    val_acc = evaluate(model, test_loader)
    if val_acc > best_acc:
        best_acc, best_epoch = val_acc, epoch
        torch.save(model.state_dict(), best_path)
    print(
        f"epoch {epoch:2d} loss {history[-1]:.4f} lr {scheduler.get_last_lr()[0]:.5f} "
        f"val {val_acc:.3f}"
    )

assert isinstance(total_norm, torch.Tensor) and total_norm.dim() == 0
accuracy = evaluate(model, test_loader)
print(f"test accuracy {accuracy:.3f}")
assert history[-1] < history[0], history
assert accuracy > 0.9, accuracy
# Eval mode is deterministic (dropout off, running statistics used).
x = test_ds.features[:5]
with torch.no_grad():
    assert torch.equal(model(x), model(x))
bn = model.net[1]
assert bn.running_mean.shape == (32,) and int(bn.num_batches_tracked) == epochs * 25
assert scheduler.get_last_lr()[0] < 1e-6

# Restore the best epoch into a fresh model: same buffers, same accuracy.
best_model = Classifier()
state = torch.load(best_path, map_location="cpu", weights_only=True)
best_model.load_state_dict(state)
assert state["net.1.num_batches_tracked"].shape == ()
assert abs(evaluate(best_model, test_loader) - best_acc) < 1e-9, best_epoch
print("ok")
