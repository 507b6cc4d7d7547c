"""A physics-informed network solving the heat equation u_t = kappa u_xx on [0, 1] x [0, 1].

Boundary u(0, t) = u(1, t) = 0, start u(x, 0) = sin(pi x); the exact solution is
u = exp(-kappa pi^2 t) sin(pi x). A tanh MLP takes (x, t) and is trained so that the
residual u_t - kappa u_xx vanishes at random collocation points: u_t and u_x come from
torch.autograd.grad(..., create_graph=True), u_xx from differentiating u_x again, and
loss.backward() then differentiates all of that once more for the weights.

    python examples/pinn.py                 # train, print the loss and the error
    python examples/pinn.py --plot pinn.png # and draw u(x, t) against the exact solution
"""

import argparse
import math
import sys

import tinygrad_scores as torch
import tinygrad_scores.nn as nn

KAPPA = 0.1


def exact(x, t):
    return torch.exp(-KAPPA * math.pi**2 * t) * torch.sin(math.pi * x)


def make_model():
    return nn.Sequential(
        nn.Linear(2, 24), nn.Tanh(), nn.Linear(24, 24), nn.Tanh(), nn.Linear(24, 1)
    )


def residual(model, x, t):
    """u_t - kappa u_xx at (x, t), each derivative by autograd.grad with a graph."""
    u = model(torch.cat([x, t], dim=1))
    ones = torch.ones_like(u)
    u_x, u_t = torch.autograd.grad(u, (x, t), grad_outputs=ones, create_graph=True)
    (u_xx,) = torch.autograd.grad(u_x, x, grad_outputs=torch.ones_like(u_x), create_graph=True)
    return u_t - KAPPA * u_xx


def pinn_loss(model, n_points=64):
    x = torch.rand(n_points, 1).requires_grad_(True)
    t = torch.rand(n_points, 1).requires_grad_(True)
    pde = (residual(model, x, t) ** 2).mean()
    x0 = torch.rand(n_points, 1)  # the start: u(x, 0) = sin(pi x)
    start = (
        (model(torch.cat([x0, torch.zeros_like(x0)], 1)) - torch.sin(math.pi * x0)) ** 2
    ).mean()
    tb = torch.rand(n_points, 1)  # the walls: u(0, t) = u(1, t) = 0
    walls = torch.cat([torch.zeros_like(tb), torch.ones_like(tb)])
    edge = (model(torch.cat([walls, torch.cat([tb, tb])], 1)) ** 2).mean()
    return pde + start + edge


def max_error(model, n=41):
    grid = torch.linspace(0, 1, n)
    x = grid.repeat(n).reshape(-1, 1)
    t = grid.repeat_interleave(n).reshape(-1, 1)
    with torch.no_grad():
        return (model(torch.cat([x, t], 1)) - exact(x, t)).abs().max().item()


def train(steps, seed=0, quiet=False):
    torch.manual_seed(seed)
    model = make_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    losses = []
    for step in range(steps):
        loss = pinn_loss(model)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if not quiet and (step % 200 == 0 or step == steps - 1):
            print(f"step {step:5d}  loss {loss.item():.6f}")
    return model, losses


def plot(model, path):
    try:
        import matplotlib
    except ImportError:
        sys.exit("plotting needs matplotlib: pip install matplotlib")
    matplotlib.use("Agg")  # files only, no window
    import matplotlib.pyplot as plt

    x = torch.linspace(0, 1, 101).reshape(-1, 1)
    fig, ax = plt.subplots(figsize=(6, 4))
    for i, t_value in enumerate([0.0, 0.5, 1.0]):
        t = torch.full_like(x, t_value)
        with torch.no_grad():
            u = model(torch.cat([x, t], 1))
        colour = f"C{i}"
        ax.plot(x.numpy()[:, 0], u.numpy()[:, 0], color=colour, label=f"network, t = {t_value}")
        ax.plot(x.numpy()[:, 0], exact(x, t).numpy()[:, 0], "--", color=colour, label="exact")
    ax.set_xlabel("x")
    ax.set_ylabel("u(x, t)")
    ax.set_title("heat equation u_t = 0.1 u_xx, learned by a PINN")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", metavar="PATH", help="save a picture of u(x, t)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    model, losses = train(args.steps, args.seed, args.quiet)
    error = max_error(model)
    first, last = losses[0], sum(losses[-20:]) / len(losses[-20:])
    print(f"loss {first:.4f} -> {last:.6f}; largest |u - exact| on a 41 x 41 grid: {error:.4f}")
    if args.plot:
        plot(model, args.plot)
    return first, last, error


if __name__ == "__main__":
    main()
