"""The cubic fit as a custom nn.Module: four scalar nn.Parameters made in __init__, forward, a
string() method, SGD; then the 'dynamic net' that reuses a parameter a random number of times."""

import math
import random

import tinygrad_scores as torch


class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x**2 + self.d * x**3

    def string(self):
        return (
            f"y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3"
        )


class DynamicNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))
        self.e = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        y = self.a + self.b * x + self.c * x**2 + self.d * x**3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x**exp
        return y


torch.manual_seed(0)
random.seed(0)
x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

model = Polynomial3()
names = [name for name, _ in model.named_parameters()]
assert names == ["a", "b", "c", "d"], names
criterion = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
first = None
for t in range(2000):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if first is None:
        first = loss.item()
    if t % 500 == 99:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(f"Result: {model.string()}")
assert loss.item() < first / 10 and loss.item() < 50, (first, loss.item())

model = DynamicNet()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
first = None
for t in range(3000):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if first is None:
        first = loss.item()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("dynamic:", first, loss.item())
assert loss.item() < first / 5, (first, loss.item())
print("ok")
