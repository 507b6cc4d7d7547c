"""Saving and loading a general checkpoint: a dict with epoch, model_state_dict,
optimizer_state_dict and loss; resuming gives exactly what uninterrupted training gives."""

import os
import tempfile

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
import tinygrad_scores.optim as optim


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, 3)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


torch.manual_seed(42)
inputs = torch.randn(96, 8)
labels = (inputs[:, 0] + inputs[:, 1] > 0).long() + (inputs[:, 2] > 1).long()
criterion = nn.CrossEntropyLoss()


def run_epoch(net, optimizer):
    total = 0.0
    for i in range(0, inputs.size(0), 32):
        optimizer.zero_grad()
        loss = criterion(net(inputs[i : i + 32]), labels[i : i + 32])
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / 3


torch.manual_seed(0)
net = Net()
optimizer = optim.Adam(net.parameters(), lr=0.01)
for epoch in range(3):
    loss = run_epoch(net, optimizer)

with tempfile.TemporaryDirectory() as tmp:
    PATH = os.path.join(tmp, "model.pt")
    torch.save(
        {
            "epoch": epoch,
            "model_state_dict": net.state_dict(),
            "optimizer_state_dict": optimizer.state_dict(),
            "loss": loss,
        },
        PATH,
    )

    # Keep training the original for two more epochs: the reference.
    for _ in range(2):
        reference_loss = run_epoch(net, optimizer)

    # A fresh model and optimizer resumed from the checkpoint.
    model = Net()
    optimizer2 = optim.Adam(model.parameters(), lr=0.01)
    checkpoint = torch.load(PATH, weights_only=True)
    model.load_state_dict(checkpoint["model_state_dict"])
    optimizer2.load_state_dict(checkpoint["optimizer_state_dict"])
    start_epoch = checkpoint["epoch"]
    saved_loss = checkpoint["loss"]
    model.train()

print("resumed at epoch", start_epoch, "loss", f"{saved_loss:.4f}")
assert start_epoch == 2 and isinstance(saved_loss, float)
state = optimizer2.state_dict()
assert state["param_groups"][0]["lr"] == 0.01 and len(state["state"]) == 6
assert int(state["state"][0]["step"]) == 9, state["state"][0]["step"]

for _ in range(2):
    resumed_loss = run_epoch(model, optimizer2)
print(f"reference {reference_loss:.6f} resumed {resumed_loss:.6f}")
assert abs(resumed_loss - reference_loss) < 1e-6
for p, q in zip(net.parameters(), model.parameters()):
    assert torch.allclose(p, q, atol=1e-6)
assert resumed_loss < saved_loss
print("ok")
