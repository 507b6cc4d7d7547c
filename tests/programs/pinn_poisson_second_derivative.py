"""A physics-informed network (PINN) for the 1-D Poisson problem u''(x) = f(x) on [0, 1],
u(0) = u(1) = 0, with f = -pi^2 sin(pi x) (solution u = sin(pi x)): a tanh MLP whose
u_xx comes from torch.autograd.grad(..., create_graph=True) taken twice, so the loss on
the residual is differentiated a third time by loss.backward()."""

import math

import tinygrad_scores as torch
import tinygrad_scores.nn as nn

torch.manual_seed(0)

model = nn.Sequential(
    nn.Linear(1, 20),
    nn.Tanh(),
    nn.Linear(20, 20),
    nn.Tanh(),
    nn.Linear(20, 1),
)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)

x = torch.linspace(0, 1, 32).reshape(-1, 1)
f = -(math.pi**2) * torch.sin(math.pi * x)
x.requires_grad_(True)  # collocation points: u_x and u_xx are taken with respect to x
x_boundary = torch.tensor([[0.0], [1.0]])


def pde_loss():
    u = model(x)
    (u_x,) = torch.autograd.grad(u, x, grad_outputs=torch.ones_like(u), create_graph=True)
    (u_xx,) = torch.autograd.grad(u_x, x, grad_outputs=torch.ones_like(u_x), create_graph=True)
    residual = ((u_xx - f) ** 2).mean()
    boundary = (model(x_boundary) ** 2).mean()
    return residual + 10 * boundary


first_loss = None
for step in range(400):
    loss = pde_loss()
    if first_loss is None:
        first_loss = loss.item()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 100 == 0:
        print(step, loss.item())

final_loss = pde_loss().item()
with torch.no_grad():
    x_test = torch.linspace(0, 1, 101).reshape(-1, 1)
    error = (model(x_test) - torch.sin(math.pi * x_test)).abs().max().item()
print(f"loss {first_loss:.3f} -> {final_loss:.5f}, max |u - sin(pi x)| = {error:.4f}")
assert final_loss < first_loss / 1000, (first_loss, final_loss)
assert error < 0.01, error
print("ok")
