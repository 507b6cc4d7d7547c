"""Older-textbook style, still valid PyTorch: torch.autograd.Variable wrappers,
torch.FloatTensor / torch.LongTensor constructors, x.type(torch.FloatTensor), .data, and
%-formatting of losses; a linear regression and a logistic regression."""

import numpy as np

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
from tinygrad_scores.autograd import Variable

torch.manual_seed(0)
np.random.seed(0)

# Linear regression on a small numpy data set.
x_train = np.array(
    [
        [3.3],
        [4.4],
        [5.5],
        [6.71],
        [6.93],
        [4.168],
        [9.779],
        [6.182],
        [7.59],
        [2.167],
        [7.042],
        [10.791],
        [5.313],
        [7.997],
        [3.1],
    ],
    dtype=np.float32,
)
y_train = np.array(
    [
        [1.7],
        [2.76],
        [2.09],
        [3.19],
        [1.694],
        [1.573],
        [3.366],
        [2.596],
        [2.53],
        [1.221],
        [2.827],
        [3.465],
        [1.65],
        [2.904],
        [1.3],
    ],
    dtype=np.float32,
)

model = nn.Linear(1, 1)
criterion = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
num_epochs = 200
for epoch in range(num_epochs):
    inputs = Variable(torch.from_numpy(x_train))
    targets = Variable(torch.from_numpy(y_train))
    optimizer.zero_grad()
    outputs = model(inputs)
    loss = criterion(outputs, targets)
    loss.backward()
    optimizer.step()
    if (epoch + 1) % 50 == 0:
        print("Epoch [%d/%d], Loss: %.4f" % (epoch + 1, num_epochs, loss.data.item()))
predicted = model(Variable(torch.from_numpy(x_train))).data.numpy()
# The least-squares line gives mse ~0.17 on these points.
final = float(((predicted - y_train) ** 2).mean())
assert final < 0.3, final

# Logistic regression with FloatTensor / LongTensor built from numpy and lists.
X = np.random.randn(300, 2).astype(np.float32)
Y = (X[:, 0] - 2 * X[:, 1] > 0).astype(np.int64)
features = torch.FloatTensor(X)
labels = torch.LongTensor(Y)
assert features.type() == "torch.FloatTensor" and labels.type() == "torch.LongTensor"
assert features.dtype == torch.float32 and labels.dtype == torch.int64
assert torch.FloatTensor([1, 2]).tolist() == [1.0, 2.0] and torch.LongTensor(3).shape == (3,)


class LogisticRegression(nn.Module):
    def __init__(self, input_size, num_classes):
        super(LogisticRegression, self).__init__()
        self.linear = nn.Linear(input_size, num_classes)

    def forward(self, x):
        return self.linear(x)


model = LogisticRegression(2, 2)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
for epoch in range(50):
    for i in range(0, 300, 50):
        images = Variable(features[i : i + 50])
        target = Variable(labels[i : i + 50])
        optimizer.zero_grad()
        outputs = model(images)
        loss = criterion(outputs, target)
        loss.backward()
        optimizer.step()
    if (epoch + 1) % 25 == 0:
        print("Epoch: [%d/%d], Loss: %.4f" % (epoch + 1, 50, loss.item()))

correct = 0
total = 0
for i in range(0, 300, 100):
    images = Variable(features[i : i + 100]).type(torch.FloatTensor)
    outputs = model(images)
    _, predicted = torch.max(outputs.data, 1)
    total += labels[i : i + 100].size(0)
    correct += (predicted == labels[i : i + 100]).sum()
print("Accuracy of the model on the %d points: %d %%" % (total, 100 * correct / total))
assert isinstance(correct, torch.Tensor) and correct.dtype == torch.int64
assert 100 * correct / total > 95, correct
print("ok")
