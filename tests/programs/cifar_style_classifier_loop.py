"""The CIFAR-10 tutorial's loop on synthetic 3x8x8 'images' with an MLP: seeding idioms
(cudnn flags, use_deterministic_algorithms), DataLoader(num_workers=2), `images, labels = next(iter(loader))`,
enumerate(loader, 0) with `data[0].to(device)`, per-layer parameter groups, kaiming init,
ReduceLROnPlateau, an @torch.no_grad() evaluation function, per-class accuracy by zipping
label and prediction tensors, F.one_hot and torch.inference_mode."""

import random

import numpy as np

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
import tinygrad_scores.optim as optim
from tinygrad_scores.utils.data import DataLoader, TensorDataset, random_split


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    torch.use_deterministic_algorithms(True)


set_seed(0)
device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
classes = ("plane", "car", "bird", "cat")

prototypes = torch.randn(4, 3, 8, 8)
labels_all = torch.randint(0, 4, (1000,))
images_all = prototypes[labels_all] + 1.0 * torch.randn(1000, 3, 8, 8)
dataset = TensorDataset(images_all, labels_all)
trainset, testset = random_split(dataset, [800, 200], generator=torch.Generator().manual_seed(0))
assert len(trainset) == 800 and len(testset) == 200

trainloader = DataLoader(trainset, batch_size=4 * 8, shuffle=True, num_workers=2)
testloader = DataLoader(testset, batch_size=32, shuffle=False, num_workers=2)

dataiter = iter(trainloader)
images, labels = next(dataiter)
assert images.shape == (32, 3, 8, 8) and labels.shape == (32,)
print(" ".join(f"{classes[labels[j]]:5s}" for j in range(4)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Linear(3 * 8 * 8, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU()
        )
        self.classifier = nn.Linear(84, 4)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = torch.flatten(x, 1)
        x = self.features(x)
        x = F.dropout(x, p=0.1, training=self.training)
        return self.classifier(x)


net = Net()
net.to(device)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(
    [
        {"params": net.features.parameters()},
        {"params": net.classifier.parameters(), "lr": 0.01},
    ],
    lr=0.02,
    momentum=0.9,
)
scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=1)
assert len(optimizer.param_groups) == 2 and optimizer.param_groups[1]["lr"] == 0.01


@torch.no_grad()
def evaluate(loader):
    net.eval()
    total_loss, n = 0.0, 0
    for images, labels in loader:
        outputs = net(images.to(device))
        total_loss += criterion(outputs, labels.to(device)).item() * labels.size(0)
        n += labels.size(0)
    net.train()
    return total_loss / n


for epoch in range(6):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels = data[0].to(device), data[1].to(device)
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        if i % 10 == 9:
            print(f"[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 10:.3f}")
            running_loss = 0.0
    val_loss = evaluate(testloader)
    scheduler.step(val_loss)
print("Finished Training")
assert torch.is_grad_enabled() and net.training

correct_pred = {classname: 0 for classname in classes}
total_pred = {classname: 0 for classname in classes}
with torch.no_grad():
    for data in testloader:
        images, labels = data
        outputs = net(images)
        _, predictions = torch.max(outputs, 1)
        for label, prediction in zip(labels, predictions):
            if label == prediction:
                correct_pred[classes[label]] += 1
            total_pred[classes[label]] += 1
for classname, correct_count in correct_pred.items():
    accuracy = 100 * float(correct_count) / total_pred[classname]
    print(f"Accuracy for class: {classname:5s} is {accuracy:.1f} %")
assert sum(total_pred.values()) == 200
assert sum(correct_pred.values()) / 200 > 0.9, correct_pred

# one_hot and inference mode
with torch.inference_mode():
    probs = F.softmax(net(images), dim=1)
target = F.one_hot(labels, num_classes=4).float()
assert target.shape == probs.shape and target.sum().item() == labels.numel()
brier = ((probs - target) ** 2).sum(dim=1).mean().item()
print(f"brier score {brier:.4f}")
assert brier < 0.3
print("ok")
