"""Fit y = sin(x) with a cubic a + b x + c x^2 + d x^3: tensors with requires_grad, autograd,
and a hand-written gradient step under torch.no_grad() (the 'learning with examples' start)."""

import math

import tinygrad_scores as torch

dtype = torch.float
device = torch.device("cpu")
torch.manual_seed(0)

x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)

a = torch.randn((), device=device, dtype=dtype, requires_grad=True)
b = torch.randn((), device=device, dtype=dtype, requires_grad=True)
c = torch.randn((), device=device, dtype=dtype, requires_grad=True)
d = torch.randn((), device=device, dtype=dtype, requires_grad=True)

learning_rate = 1e-6
first_loss = None
for t in range(2000):
    y_pred = a + b * x + c * x**2 + d * x**3
    loss = (y_pred - y).pow(2).sum()
    if t == 0:
        first_loss = loss.item()
    if t % 500 == 99:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

print(f"Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3")
assert a.requires_grad and a.is_leaf and a.grad is None
assert loss.item() < first_loss / 10, (first_loss, loss.item())
assert loss.item() < 50, loss.item()
# The least-squares cubic for sin on [-pi, pi] has b ~ 0.857, d ~ -0.093 (odd terms).
assert abs(b.item() - 0.857) < 0.1 and abs(d.item() + 0.093) < 0.02, (b.item(), d.item())
print("ok")
