"""The schedulers added for real programs: ConstantLR, MultiplicativeLR, PolynomialLR,
CosineAnnealingWarmRestarts, SequentialLR, ChainedScheduler. Expected learning rates are the
examples in PyTorch's docstrings (base lr 1 where they assume one) or the documented formula
worked by hand."""

import math

import pytest

import tinygrad_scores as torch
from tinygrad_scores import nn, optim
from tinygrad_scores.optim import lr_scheduler as S


def optimizer(lr=1.0):
    return optim.SGD([nn.Parameter(torch.zeros(1))], lr=lr)


def run(opt, sched, steps):
    """The lr at epoch 0 (after construction), then after each of ``steps`` steps."""
    out = [opt.param_groups[0]["lr"]]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append(opt.param_groups[0]["lr"])
    return out


def same(got, expected):
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert math.isclose(g, e, rel_tol=1e-12, abs_tol=1e-15), (got, expected)


def test_constant_lr_is_the_docstrings_example():
    opt = optimizer(0.05)
    same(run(opt, S.ConstantLR(opt, factor=0.5, total_iters=4), 5), [0.025] * 4 + [0.05] * 2)
    with pytest.raises(ValueError, match="between 0 and 1"):
        S.ConstantLR(optimizer(), factor=1.5)


def test_multiplicative_lr_multiplies_after_the_first_epoch():
    opt = optimizer(0.1)
    same(
        run(opt, S.MultiplicativeLR(opt, lr_lambda=lambda epoch: 0.95), 3),
        [0.1, 0.095, 0.09025, 0.0857375],
    )
    with pytest.raises(TypeError, match="lr_lambda should be a function"):
        S.MultiplicativeLR(optimizer(), lr_lambda=0.95)


def test_polynomial_lr_is_the_docstrings_example():
    opt = optimizer(0.001)
    same(
        run(opt, S.PolynomialLR(opt, total_iters=4, power=1.0), 5),
        [0.001, 0.00075, 0.0005, 0.00025, 0.0, 0.0],
    )


def test_cosine_warm_restarts_restart_with_periods_growing_by_t_mult():
    opt = optimizer()
    got = run(opt, S.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2, eta_min=0.1), 7)

    def cos(t, period):
        return 0.1 + 0.9 * (1 + math.cos(math.pi * t / period)) / 2

    same(
        got,
        [cos(0, 2), cos(1, 2), cos(0, 4), cos(1, 4), cos(2, 4), cos(3, 4), cos(0, 8), cos(1, 8)],
    )
    # a fractional epoch sets the position within the cycles (the docs' per-batch use)
    opt = optimizer()
    sched = S.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
    sched.step(2.5)  # 2 epochs of the first cycle, 0.5 into the second (period 4)
    same([opt.param_groups[0]["lr"]], [(1 + math.cos(math.pi * 0.5 / 4)) / 2])
    assert sched.T_i == 4 and sched.last_epoch == 2
    with pytest.raises(ValueError, match="Expected positive integer T_0, but got 0"):
        S.CosineAnnealingWarmRestarts(optimizer(), T_0=0)
    with pytest.raises(ValueError, match="Expected integer T_mult >= 1, but got 0"):
        S.CosineAnnealingWarmRestarts(optimizer(), T_0=2, T_mult=0)


def test_sequential_lr_is_the_docstrings_example():
    opt = optimizer()
    first = S.ConstantLR(opt, factor=0.1, total_iters=2)
    second = S.ExponentialLR(opt, gamma=0.9)
    sched = S.SequentialLR(opt, schedulers=[first, second], milestones=[2])
    same(run(opt, sched, 4), [0.1, 0.1, 1.0 * 0.9**0, 0.9, 0.81])
    assert sched.get_last_lr() == [opt.param_groups[0]["lr"]]
    state = sched.state_dict()
    assert state["last_epoch"] == 4 and len(state["_schedulers"]) == 2 and "optimizer" not in state


def test_sequential_lr_refuses_what_pytorch_refuses():
    opt = optimizer()
    with pytest.raises(ValueError, match="expects at least one scheduler"):
        S.SequentialLR(opt, schedulers=[], milestones=[])
    with pytest.raises(ValueError, match="one more than the number of milestone points"):
        S.SequentialLR(opt, schedulers=[S.ExponentialLR(opt, 0.9)], milestones=[1])
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
        S.SequentialLR(
            opt, schedulers=[S.ReduceLROnPlateau(opt), S.ExponentialLR(opt, 0.9)], milestones=[1]
        )
    other = optimizer()
    with pytest.raises(ValueError, match="to belong to the same optimizer"):
        S.SequentialLR(
            opt, schedulers=[S.ExponentialLR(other, 0.9), S.ExponentialLR(opt, 0.9)], milestones=[1]
        )


def test_chained_scheduler_multiplies_the_factors_of_its_schedulers():
    opt = optimizer()
    sched = S.ChainedScheduler(
        [S.ConstantLR(opt, factor=0.1, total_iters=2), S.ExponentialLR(opt, gamma=0.9)]
    )
    # by hand from the two rules (the docstring's list is shifted by one epoch; PyTorch 2.13
    # gives these): construction sets 0.1 (ExponentialLR keeps epoch 0's lr); each step the
    # factors multiply: epoch 1 x0.9, epoch 2 x10 (ConstantLR ends) x0.9, then x0.9
    same(run(opt, sched, 4), [0.1, 0.09, 0.81, 0.729, 0.6561])
    restored = S.ChainedScheduler(
        [S.ConstantLR(opt, factor=0.1, total_iters=2), S.ExponentialLR(opt, gamma=0.9)]
    )
    restored.load_state_dict(sched.state_dict())
    assert restored._schedulers[1].last_epoch == sched._schedulers[1].last_epoch == 4
