"""Hinton's forward-forward algorithm as in pytorch/examples (mnist_forward_forward/main.py), on
synthetic 10-class data: Layer subclasses nn.Linear and overrides train(), each layer owns its Adam,
the label is overlaid on the input with x_[range(n), y] = x.max(), negatives drawn with
randint and item(), x.norm(2, 1, keepdim=True), log1p(exp(...)), the goodness summed per label and
argmax(1); the predicted labels beat chance by far."""

import argparse

import torch
import torch.nn as nn
from torch.optim import Adam
from torch.utils.data import DataLoader, TensorDataset

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=400)
parser.add_argument("--lr", type=float, default=0.03)
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--train_size", type=int, default=500)
parser.add_argument("--threshold", type=float, default=2)
parser.add_argument("--test_size", type=int, default=200)
parser.add_argument("--log-interval", type=int, default=100)
args = parser.parse_args()
torch.manual_seed(args.seed)
device = torch.device("cpu")


def get_y_neg(y):
    y_neg = y.clone()
    for idx, y_samp in enumerate(y):
        allowed_indices = list(range(10))
        allowed_indices.remove(y_samp.item())
        y_neg[idx] = torch.tensor(allowed_indices)[
            torch.randint(len(allowed_indices), size=(1,))
        ].item()
    return y_neg.to(device)


def overlay_y_on_x(x, y, classes=10):
    x_ = x.clone()
    x_[:, :classes] *= 0.0
    x_[range(x.shape[0]), y] = x.max()
    return x_


class Net(torch.nn.Module):
    def __init__(self, dims):
        super().__init__()
        self.layers = []
        for d in range(len(dims) - 1):
            self.layers = self.layers + [Layer(dims[d], dims[d + 1]).to(device)]

    def predict(self, x):
        goodness_per_label = []
        for label in range(10):
            h = overlay_y_on_x(x, label)
            goodness = []
            for layer in self.layers:
                h = layer(h)
                goodness = goodness + [h.pow(2).mean(1)]
            goodness_per_label += [sum(goodness).unsqueeze(1)]
        goodness_per_label = torch.cat(goodness_per_label, 1)
        return goodness_per_label.argmax(1)

    def train(self, x_pos, x_neg):
        h_pos, h_neg = x_pos, x_neg
        for i, layer in enumerate(self.layers):
            print("training layer: ", i)
            h_pos, h_neg = layer.train(h_pos, h_neg)


class Layer(nn.Linear):
    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__(in_features, out_features, bias, device, dtype)
        self.relu = torch.nn.ReLU()
        self.opt = Adam(self.parameters(), lr=args.lr)
        self.threshold = args.threshold
        self.num_epochs = args.epochs

    def forward(self, x):
        x_direction = x / (x.norm(2, 1, keepdim=True) + 1e-4)
        return self.relu(torch.mm(x_direction, self.weight.T) + self.bias.unsqueeze(0))

    def train(self, x_pos, x_neg):
        for i in range(self.num_epochs):
            g_pos = self.forward(x_pos).pow(2).mean(1)
            g_neg = self.forward(x_neg).pow(2).mean(1)
            loss = torch.log1p(
                torch.exp(torch.cat([-g_pos + self.threshold, g_neg - self.threshold]))
            ).mean()
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            if i % args.log_interval == 0:
                print("Loss: ", loss.item())
        return self.forward(x_pos).detach(), self.forward(x_neg).detach()


# ten Gaussian clusters in 40 dimensions, shifted positive as pixels are
centers = torch.randn(10, 40) * 2.0


def make(n):
    y = torch.randint(0, 10, (n,))
    return (centers[y] + torch.randn(n, 40)).abs(), y


train_loader = DataLoader(TensorDataset(*make(args.train_size)), batch_size=args.train_size)
test_loader = DataLoader(TensorDataset(*make(args.test_size)), batch_size=args.test_size)

net = Net([40, 64, 64])
x, y = next(iter(train_loader))
x, y = x.to(device), y.to(device)
x_pos = overlay_y_on_x(x, y)
assert torch.equal(x_pos[torch.arange(len(y)), y], torch.full((len(y),), x.max().item()))
y_neg = get_y_neg(y)
assert (y_neg != y).all() and y_neg.dtype == torch.int64
x_neg = overlay_y_on_x(x, y_neg)
net.train(x_pos, x_neg)
train_error = 1.0 - net.predict(x).eq(y).float().mean().item()
print("train error:", train_error)
x_te, y_te = next(iter(test_loader))
test_error = 1.0 - net.predict(x_te).eq(y_te).float().mean().item()
print("test error:", test_error)
assert train_error < 0.1 and test_error < 0.15, (train_error, test_error)  # chance: 0.9
print("ok")
