"""optim.LBFGS: the first iterations on a quadratic worked by hand (two-loop recursion in
NumPy below), PyTorch's iterates on Rosenbrock in float64 written out, its stopping rules
and errors."""

import numpy as np
import pytest

import tinygrad_scores as ts
from tinygrad_scores import optim

A = np.array([[3.0, 1.0], [1.0, 2.0]])
B = np.array([1.0, -1.0])


def quadratic(x):
    """0.5 x^T A x - b^T x; minimum at A^-1 b = (0.6, -0.8)."""
    a, b = ts.tensor(A), ts.tensor(B)
    return 0.5 * (x * (a @ x)).sum() - (b * x).sum()


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def make(fn, start, **kwargs):
    x = ts.tensor(start, dtype=ts.float64, requires_grad=True)
    opt = optim.LBFGS([x], **kwargs)
    calls = []

    def closure():
        opt.zero_grad()
        loss = fn(x)
        loss.backward()
        calls.append(1)
        return loss

    return x, opt, closure, calls


def test_two_fixed_steps_on_a_quadratic_by_hand():
    x0 = np.array([3.0, -1.0])
    x, opt, closure, calls = make(quadratic, x0, lr=1, max_iter=2, max_eval=10)
    opt.step(closure)
    # iteration 1: steepest descent, first step scaled to min(1, 1 / |g|_1)
    g0 = A @ x0 - B
    t = min(1.0, 1.0 / np.abs(g0).sum())
    x1 = x0 - t * g0
    # iteration 2: one (s, y) pair; H0 = s.y / y.y; the two-loop recursion
    g1 = A @ x1 - B
    s, y = -t * g0, g1 - g0
    rho = 1 / y.dot(s)
    alpha = rho * s.dot(-g1)
    r = (-g1 - alpha * y) * (y.dot(s) / y.dot(y))
    r = r + (alpha - rho * y.dot(r)) * s
    x2 = x1 + r
    np.testing.assert_allclose(x.detach().numpy(), x2, rtol=1e-14)
    assert len(calls) == 2  # the last iteration does not re-evaluate
    assert opt.state[x]["n_iter"] == 2 and opt.state[x]["func_evals"] == 2


def test_strong_wolfe_solves_a_quadratic():
    x, opt, closure, calls = make(
        quadratic, [3.0, -1.0], max_iter=100, tolerance_change=1e-12, line_search_fn="strong_wolfe"
    )
    opt.step(closure)
    np.testing.assert_allclose(x.detach().numpy(), np.linalg.solve(A, B), atol=1e-7)
    assert opt.state[x]["n_iter"] == 6 and opt.state[x]["func_evals"] == 7  # as PyTorch


# PyTorch 2.x, float64, x0 = (-1.5, 2), max_iter=5, history_size=3: after each of 3 steps,
# (x, the loss step() returned, func_evals, n_iter).
ROSENBROCK = {
    None: [
        ([-1.4227043154090573, 2.0240328727856287], 12.5, 5, 5),
        ([-1.4193548584846347, 2.0199390269096718], 5.869496499070171, 10, 10),
        ([-1.3897658922850205, 1.9497342161596316], 5.8561624940777985, 15, 15),
    ],
    "strong_wolfe": [
        ([-1.4190151739012853, 2.015228881713949], 12.5, 6, 4),
        ([-1.1382996644053018, 1.2446282267668267], 5.851898414902332, 12, 9),
        ([-0.5680025987904874, 0.3233359078067535], 4.833424985249163, 18, 13),
    ],
}


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_rosenbrock_iterates_are_pytorchs(line_search_fn):
    lr = 1 if line_search_fn else 0.1
    x, opt, closure, _ = make(
        rosenbrock, [-1.5, 2.0], lr=lr, max_iter=5, history_size=3, line_search_fn=line_search_fn
    )
    for want_x, want_loss, evals, iters in ROSENBROCK[line_search_fn]:
        loss = opt.step(closure)
        np.testing.assert_allclose(x.detach().numpy(), want_x, rtol=1e-13)
        assert float(loss) == pytest.approx(want_loss, rel=1e-13)
        assert (opt.state[x]["func_evals"], opt.state[x]["n_iter"]) == (evals, iters)
        assert len(opt.state[x]["old_dirs"]) <= 3


def test_rosenbrock_converges_with_the_line_search():
    x, opt, closure, _ = make(rosenbrock, [-1.5, 2.0], line_search_fn="strong_wolfe")
    for _ in range(10):
        opt.step(closure)
    np.testing.assert_allclose(x.detach().numpy(), [1.0, 1.0], atol=1e-5)


def test_stops_at_a_zero_gradient_and_at_max_eval():
    x, opt, closure, calls = make(quadratic, np.linalg.solve(A, B))
    loss = opt.step(closure)
    assert len(calls) == 1 and float(loss) == pytest.approx(-0.5 * B @ np.linalg.solve(A, B))
    np.testing.assert_array_equal(x.detach().numpy(), np.linalg.solve(A, B))
    x, opt, closure, calls = make(rosenbrock, [-1.5, 2.0], max_iter=50, max_eval=7)
    opt.step(closure)
    assert len(calls) == 7


def test_lbfgs_trains_parameters_of_several_shapes():
    ts.manual_seed(0)
    model = ts.nn.Linear(3, 2).double()
    xs = ts.randn(20, 3, dtype=ts.float64)
    w = ts.tensor([[1.0, -2.0], [0.5, 0.0], [2.0, 1.0]], dtype=ts.float64)
    ys = xs @ w + ts.tensor([0.3, -0.1], dtype=ts.float64)
    opt = optim.LBFGS(model.parameters(), line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = ((model(xs) - ys) ** 2).mean()
        loss.backward()
        return loss

    opt.step(closure)
    np.testing.assert_allclose(model.bias.detach().numpy(), [0.3, -0.1], atol=1e-5)


def test_errors():
    p = ts.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="Invalid learning rate"):
        optim.LBFGS([p], lr=-1)
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        optim.LBFGS([{"params": [p]}, {"params": [ts.zeros(1, requires_grad=True)]}])
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        optim.LBFGS([p], line_search_fn="backtracking")
    with pytest.raises(TypeError):
        optim.LBFGS([p]).step()
