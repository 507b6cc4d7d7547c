"""A textbook's linear regression and softmax regression, first from scratch (synthetic data
with torch.normal, a shuffling data_iter generator, squared_loss, an sgd(params, lr, batch_size)
helper), then concisely (data.TensorDataset(*arrays), net[0].weight.data.normal_, an
Accumulator of float(l.sum()), y_hat.type(y.dtype) == y, CrossEntropyLoss(reduction='none'))."""

import random

import tinygrad_scores as torch
from tinygrad_scores import nn
from tinygrad_scores.utils import data

torch.manual_seed(0)
random.seed(0)


def synthetic_data(w, b, num_examples):
    """y = Xw + b + noise."""
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


true_w = torch.tensor([2, -3.4])
true_b = 4.2
features, labels = synthetic_data(true_w, true_b, 1000)
assert features.shape == (1000, 2) and labels.shape == (1000, 1)


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i : min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr, num_epochs, batch_size = 0.03, 3, 10
net, loss = linreg, squared_loss
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        l = loss(net(X, w, b), y)
        l.sum().backward()
        sgd([w, b], lr, batch_size)
    with torch.no_grad():
        train_l = loss(net(features, w, b), labels)
        print(f"epoch {epoch + 1}, loss {float(train_l.mean()):f}")
print(f"error in estimating w: {true_w - w.reshape(true_w.shape)}")
print(f"error in estimating b: {true_b - b}")
assert (true_w - w.reshape(true_w.shape)).abs().max() < 0.01 and abs(true_b - b.item()) < 0.01


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


data_loader = load_array((features, labels), batch_size)
net = nn.Sequential(nn.Linear(2, 1))
net[0].weight.data.normal_(0, 0.01)
net[0].bias.data.fill_(0)
loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.03)
for epoch in range(num_epochs):
    for X, y in data_loader:
        l = loss(net(X), y)
        trainer.zero_grad()
        l.backward()
        trainer.step()
    l = loss(net(features), labels)
    print(f"epoch {epoch + 1}, loss {l:f}")
w = net[0].weight.data
assert (true_w - w.reshape(true_w.shape)).abs().max() < 0.01
assert abs(true_b - net[0].bias.data.item()) < 0.01


# Softmax regression on three Gaussian blobs in 8 dimensions.
class Accumulator:
    """Sums n running quantities."""

    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def __getitem__(self, idx):
        return self.data[idx]


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


def cross_entropy(y_hat, y):
    return -torch.log(y_hat[range(len(y_hat)), y])


X_prob = softmax(torch.normal(0, 1, (2, 5)))
assert torch.allclose(X_prob.sum(1), torch.ones(2))
y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
y = torch.tensor([0, 2])
assert torch.allclose(cross_entropy(y_hat, y), torch.tensor([2.302585, 0.693147]))
assert accuracy(y_hat, y) / len(y) == 0.5

centers = torch.normal(0, 2, (3, 8))
cls = torch.randint(0, 3, (600,))
Xs = centers[cls] + torch.normal(0, 1, (600, 8))
train_iter = load_array((Xs, cls), 64)

W = torch.normal(0, 0.01, size=(8, 3), requires_grad=True)
b = torch.zeros(3, requires_grad=True)


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


for epoch in range(5):
    metric = Accumulator(3)
    for X, y in train_iter:
        y_hat = net(X)
        l = cross_entropy(y_hat, y)
        l.sum().backward()
        sgd([W, b], 0.1, X.shape[0])
        metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
    print(
        f"scratch epoch {epoch + 1}: loss {metric[0] / metric[2]:.3f}, "
        f"acc {metric[1] / metric[2]:.3f}"
    )
assert metric[1] / metric[2] > 0.9


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


net = nn.Sequential(nn.Flatten(), nn.Linear(8, 3))
net.apply(init_weights)
loss = nn.CrossEntropyLoss(reduction="none")
trainer = torch.optim.SGD(net.parameters(), lr=0.1)
for epoch in range(5):
    if isinstance(net, torch.nn.Module):
        net.train()
    metric = Accumulator(3)
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        assert l.shape == y.shape
        trainer.zero_grad()
        l.mean().backward()
        trainer.step()
        metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
print(f"concise: loss {metric[0] / metric[2]:.3f}, acc {metric[1] / metric[2]:.3f}")
assert metric[1] / metric[2] > 0.9
print("ok")
