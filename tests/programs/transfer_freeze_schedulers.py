"""The transfer-learning tutorial's pattern ("Finetuning the ConvNet" / "ConvNet as fixed
feature extractor") on a small pretrained CNN: a model trained on one task is saved, loaded into a
new model, its features frozen with requires_grad = False, its head replaced (model.fc =
nn.Linear(num_ftrs, 2)), only the head's parameters given to SGD with momentum, a StepLR, the
best weights kept with copy.deepcopy(model.state_dict()) and running_corrects.double(); then the
schedulers that tutorials and papers use, their learning rates against the documented formulas:
LambdaLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, OneCycleLR, LinearLR, ReduceLROnPlateau,
CosineAnnealingWarmRestarts, SequentialLR, and get_last_lr() / state_dict()."""

import copy
import math
import os
import shutil
import tempfile
import time

import torch
import torch.nn as nn
import torch.optim as optim
from torch.optim import lr_scheduler
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cpu")


class SmallNet(nn.Module):
    def __init__(self, num_classes=4):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x):
        x = self.pool(self.relu(self.bn1(self.conv1(x))))
        x = self.relu(self.conv2(x))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


def make_images(n, classes):
    """Bars: a horizontal or vertical bar in the top or bottom half (4 classes)."""
    y = torch.randint(0, classes, (n,))
    x = 0.1 * torch.randn(n, 1, 8, 8)
    for i in range(n):
        k = y[i].item()
        if k % 2 == 0:
            x[i, 0, 2 + 4 * (k // 2) - 1, 1:7] += 1.0
        else:
            x[i, 0, 1:7, 2 + 4 * (k // 2) - 1] += 1.0
    return x, y


# "pretrained" weights: trained on the 4-class task
pretrain = SmallNet()
x4, y4 = make_images(256, 4)
opt = optim.Adam(pretrain.parameters(), lr=0.02)
for epoch in range(12):
    for xb, yb in DataLoader(TensorDataset(x4, y4), batch_size=64, shuffle=True):
        opt.zero_grad()
        nn.functional.cross_entropy(pretrain(xb), yb).backward()
        opt.step()
tmp = tempfile.mkdtemp()
torch.save(pretrain.state_dict(), os.path.join(tmp, "pretrained.pth"))

# the new task: is the bar horizontal (0) or vertical (1)?
x2, y4b = make_images(192, 4)
y2 = y4b % 2
image_datasets = {
    "train": TensorDataset(x2[:128], y2[:128]),
    "val": TensorDataset(x2[128:], y2[128:]),
}
dataloaders = {
    x: DataLoader(image_datasets[x], batch_size=16, shuffle=(x == "train"), num_workers=0)
    for x in ["train", "val"]
}
dataset_sizes = {x: len(image_datasets[x]) for x in ["train", "val"]}


def train_model(model, criterion, optimizer, scheduler, num_epochs=4):
    since = time.time()
    best_model_wts = copy.deepcopy(model.state_dict())
    best_acc = 0.0
    for epoch in range(num_epochs):
        print(f"Epoch {epoch}/{num_epochs - 1}")
        print("-" * 10)
        for phase in ["train", "val"]:
            if phase == "train":
                model.train()
            else:
                model.eval()
            running_loss = 0.0
            running_corrects = 0
            for inputs, labels in dataloaders[phase]:
                inputs = inputs.to(device)
                labels = labels.to(device)
                optimizer.zero_grad()
                with torch.set_grad_enabled(phase == "train"):
                    outputs = model(inputs)
                    _, preds = torch.max(outputs, 1)
                    loss = criterion(outputs, labels)
                    if phase == "train":
                        loss.backward()
                        optimizer.step()
                running_loss += loss.item() * inputs.size(0)
                running_corrects += torch.sum(preds == labels.data)
            if phase == "train":
                scheduler.step()
            epoch_loss = running_loss / dataset_sizes[phase]
            epoch_acc = running_corrects.double() / dataset_sizes[phase]
            print(f"{phase} Loss: {epoch_loss:.4f} Acc: {epoch_acc:.4f}")
            if phase == "val" and epoch_acc > best_acc:
                best_acc = epoch_acc
                best_model_wts = copy.deepcopy(model.state_dict())
    time_elapsed = time.time() - since
    print(f"Training complete in {time_elapsed // 60:.0f}m {time_elapsed % 60:.0f}s")
    print(f"Best val Acc: {best_acc:4f}")
    model.load_state_dict(best_model_wts)
    return model, best_acc


model_conv = SmallNet()
model_conv.load_state_dict(torch.load(os.path.join(tmp, "pretrained.pth"), weights_only=True))
for param in model_conv.parameters():
    param.requires_grad = False
num_ftrs = model_conv.fc.in_features
model_conv.fc = nn.Linear(num_ftrs, 2)  # a new module: requires_grad=True by default
model_conv = model_conv.to(device)
frozen = copy.deepcopy(model_conv.conv1.weight.detach())
criterion = nn.CrossEntropyLoss()
optimizer_conv = optim.SGD(model_conv.fc.parameters(), lr=0.05, momentum=0.9)
exp_lr_scheduler = lr_scheduler.StepLR(optimizer_conv, step_size=3, gamma=0.1)
assert sum(p.numel() for p in model_conv.parameters() if p.requires_grad) == 16 * 2 + 2
model_conv, best_acc = train_model(
    model_conv, criterion, optimizer_conv, exp_lr_scheduler, num_epochs=4
)
assert torch.equal(model_conv.conv1.weight, frozen) and model_conv.conv1.weight.grad is None
assert best_acc.dtype == torch.float64 and best_acc.item() > 0.85, best_acc
assert (
    exp_lr_scheduler.get_last_lr() == [0.05 * 0.1]
    and optimizer_conv.param_groups[0]["lr"] == 0.05 * 0.1
)

# fine-tuning everything, with parameter groups at two rates
model_ft = SmallNet()
model_ft.load_state_dict(torch.load(os.path.join(tmp, "pretrained.pth"), weights_only=True))
model_ft.fc = nn.Linear(model_ft.fc.in_features, 2)
backbone = [p for n, p in model_ft.named_parameters() if not n.startswith("fc.")]
optimizer_ft = optim.SGD(
    [{"params": backbone}, {"params": model_ft.fc.parameters(), "lr": 0.05}], lr=0.005, momentum=0.9
)
lambda_sched = lr_scheduler.LambdaLR(
    optimizer_ft, lr_lambda=[lambda e: 0.5**e, lambda e: 1.0 / (e + 1)]
)
model_ft, best_acc = train_model(model_ft, criterion, optimizer_ft, lambda_sched, num_epochs=3)
assert best_acc.item() > 0.85
assert lambda_sched.get_last_lr() == [0.005 * 0.5**3, 0.05 / 4]


def lrs(make, steps, base=1.0, metric=None):
    params = [nn.Parameter(torch.zeros(1))]
    opt = optim.SGD(params, lr=base, momentum=0.9)
    sched = make(opt)
    out = [opt.param_groups[0]["lr"]]
    for i in range(steps):
        opt.step()
        sched.step() if metric is None else sched.step(metric[i])
        out.append(opt.param_groups[0]["lr"])
    return out, sched


def near(a, b):
    assert len(a) == len(b) and all(
        math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12) for x, y in zip(a, b)
    ), (a, b)


near(
    lrs(lambda o: lr_scheduler.MultiStepLR(o, milestones=[2, 4], gamma=0.5), 5)[0],
    [1, 1, 0.5, 0.5, 0.25, 0.25],
)
near(lrs(lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9), 3)[0], [1, 0.9, 0.81, 0.729])
near(
    lrs(lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.1), 4)[0],
    [0.1 + 0.9 * (1 + math.cos(math.pi * t / 4)) / 2 for t in range(5)],
)
near(
    lrs(lambda o: lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=3), 4)[0],
    [0.25, 0.5, 0.75, 1.0, 1.0],
)
# OneCycleLR: cosine warm-up from max_lr / 25 to max_lr over 30% of the steps, then down
one, _ = lrs(lambda o: lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=10), 9)
assert (
    math.isclose(one[0], 1 / 25)
    and max(one) == one[one.index(max(one))]
    and math.isclose(max(one), 1.0)
)
assert one.index(max(one)) == 2 and one[-1] < 1e-3
# ReduceLROnPlateau: patience 1, the loss stalls from the 3rd epoch on
plateau, sched = lrs(
    lambda o: lr_scheduler.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=1),
    6,
    metric=[5, 4, 4, 4, 4, 4],
)
near(plateau, [1, 1, 1, 1, 0.5, 0.5, 0.25])
# CosineAnnealingWarmRestarts: T_0 = 2, T_mult = 2: restarts after 2, then 4 steps
warm, _ = lrs(
    lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2, eta_min=0.0), 7
)
expected = [(1 + math.cos(math.pi * t / 2)) / 2 for t in range(2)] + [
    (1 + math.cos(math.pi * t / 4)) / 2 for t in range(4)
]
near(warm, expected + [1.0, (1 + math.cos(math.pi / 8)) / 2])
# SequentialLR: linear warm-up for 2 steps, then exponential decay
seq, sched = lrs(
    lambda o: lr_scheduler.SequentialLR(
        o,
        schedulers=[
            lr_scheduler.LinearLR(o, start_factor=0.5, total_iters=2),
            lr_scheduler.ExponentialLR(o, gamma=0.5),
        ],
        milestones=[2],
    ),
    4,
)
near(seq, [0.5, 0.75, 1.0, 0.5, 0.25])
state = sched.state_dict()
assert state["last_epoch"] == 4 and "_schedulers" in state
shutil.rmtree(tmp)
print("ok")
