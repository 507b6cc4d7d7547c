"""'What is torch.nn really?' from scratch: weights made with randn / sqrt(n) then
requires_grad_(), a hand-written log_softmax and negative log likelihood with
input[range(n), target], manual SGD under no_grad with grad.zero_(); checked against
F.cross_entropy; then the refactor to nn.Module with nn.Parameter and a residual block."""

import math

import tinygrad_scores as torch
import tinygrad_scores.nn.functional as F
from tinygrad_scores import nn

torch.manual_seed(0)
n, d, classes = 512, 20, 4
centers = 2.0 * torch.randn(classes, d)
y_train = torch.randint(0, classes, (n,))
x_train = centers[y_train] + torch.randn(n, d)

weights = torch.randn(d, classes) / math.sqrt(d)
weights.requires_grad_()
bias = torch.zeros(classes, requires_grad=True)
assert weights.is_leaf and weights.requires_grad


def log_softmax(x):
    return x - x.exp().sum(-1).log().unsqueeze(-1)


def model(xb):
    return log_softmax(xb @ weights + bias)


def nll(input, target):
    return -input[range(target.shape[0]), target].mean()


def accuracy(out, yb):
    preds = torch.argmax(out, dim=1)
    return (preds == yb).float().mean()


loss_func = nll
bs = 64
xb, yb = x_train[0:bs], y_train[0:bs]
preds = model(xb)
print(preds[0], preds.shape)
start_loss = loss_func(preds, yb)
# The hand-written loss is the library's cross entropy.
ref = F.cross_entropy(xb @ weights + bias, yb)
assert torch.allclose(start_loss, ref, atol=1e-6), (start_loss, ref)
# The logsumexp trick agrees with the naive formula.
logits = xb @ weights + bias
assert torch.allclose(torch.logsumexp(logits, dim=1), logits.exp().sum(1).log(), atol=1e-5)
assert torch.allclose(log_softmax(logits), F.log_softmax(logits, dim=1), atol=1e-5)
assert torch.allclose(F.softmax(logits, dim=1).sum(dim=1), torch.ones(bs))

lr, epochs = 0.5, 3
for epoch in range(epochs):
    for i in range((n - 1) // bs + 1):
        start_i = i * bs
        end_i = start_i + bs
        xb = x_train[start_i:end_i]
        yb = y_train[start_i:end_i]
        pred = model(xb)
        loss = loss_func(pred, yb)
        loss.backward()
        with torch.no_grad():
            weights -= weights.grad * lr
            bias -= bias.grad * lr
            weights.grad.zero_()
            bias.grad.zero_()

final_loss = loss_func(model(x_train), y_train)
final_acc = accuracy(model(x_train), y_train)
print(f"loss {start_loss.item():.4f} -> {final_loss.item():.4f}, accuracy {final_acc.item():.3f}")
assert final_loss < start_loss and final_acc > 0.9


class ResidualBlock(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(width, width) / math.sqrt(width))
        self.bias = nn.Parameter(torch.zeros(width))

    def forward(self, x):
        return x + torch.relu(x @ self.weight + self.bias)


class ResidualMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(d, 32)
        self.blocks = nn.ModuleList([ResidualBlock(32) for _ in range(2)])
        self.out = nn.Linear(32, classes)

    def forward(self, xb):
        h = self.inp(xb)
        for block in self.blocks:
            h = block(h)
        return self.out(h)


res = ResidualMLP()
assert sum(p.numel() for p in res.parameters()) == d * 32 + 32 + 2 * (32 * 32 + 32) + 32 * 4 + 4
opt = torch.optim.SGD(res.parameters(), lr=0.05)
first = F.cross_entropy(res(x_train), y_train).item()
for epoch in range(5):
    for i in range(0, n, bs):
        loss = F.cross_entropy(res(x_train[i : i + bs]), y_train[i : i + bs])
        loss.backward()
        opt.step()
        opt.zero_grad()
with torch.no_grad():
    last = F.cross_entropy(res(x_train), y_train).item()
    acc = accuracy(res(x_train), y_train).item()
print(f"residual: {first:.4f} -> {last:.4f}, accuracy {acc:.3f}")
assert last < first / 2 and acc > 0.9
print("ok")
