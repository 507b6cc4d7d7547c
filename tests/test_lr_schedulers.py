"""MultiplicativeLR, ConstantLR, PolynomialLR, CyclicLR, CosineAnnealingWarmRestarts,
SequentialLR and ChainedScheduler: their lr (and momentum) sequences against PyTorch
2.13's (tests/golden/schedulers.json, written by tools/golden_optim.py from the cases of
tests/scheduler_cases.py), state_dict resumes, and PyTorch's errors."""

import json
import math
import pathlib
import warnings

import numpy as np
import pytest
import scheduler_cases

import tinygrad_scores as ts
import tinygrad_scores.optim as optim
from tinygrad_scores.optim import lr_scheduler as S

GOLDEN = json.loads((pathlib.Path(__file__).parent / "golden" / "schedulers.json").read_text())


@pytest.mark.parametrize("name", sorted(scheduler_cases.CASES))
def test_lr_and_momentum_sequences_match_pytorch(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the step(epoch) deprecation notice
        got = scheduler_cases.CASES[name](ts)
    expected = GOLDEN[name]
    assert len(got) == len(expected)
    for step, (mine, theirs) in enumerate(zip(got, expected)):
        np.testing.assert_allclose(mine, theirs, rtol=1e-14, atol=0, err_msg=f"step {step}")


def _sgd(groups=1, **kw):
    return scheduler_cases._sgd(ts, groups, **kw)


def _lrs(sched, steps):
    out = []
    for _ in range(steps):
        sched.optimizer.step()
        sched.step()
        out.append(sched.get_last_lr())
    return out


def test_warm_restarts_restart_to_the_base_lr_at_each_cycle_end():
    sched = S.CosineAnnealingWarmRestarts(_sgd(lr=1.0), T_0=2, T_mult=3, eta_min=0.5)
    lrs = [lr for (lr,) in _lrs(sched, 9)]
    # cycles of 2, 6, 18 epochs: the lr is back at 1.0 after epochs 2 and 8
    assert lrs[1] == 1.0 and lrs[7] == 1.0
    assert lrs[0] == pytest.approx(0.75) and (sched.T_i, sched.T_cur) == (18, 1)
    sched.step(7.5)  # a fractional epoch in the second cycle: T_cur = 5.5 of 6
    assert sched.T_cur == 5.5 and sched.last_epoch == 7
    assert sched.get_last_lr()[0] == pytest.approx(0.5 + 0.25 * (1 + math.cos(math.pi * 5.5 / 6)))
    with pytest.raises(ValueError, match="Expected non-negative epoch, but got -1"):
        sched.step(-1)


def test_cyclic_momentum_runs_opposite_to_the_lr():
    opt = _sgd(momentum=0.9)
    sched = S.CyclicLR(opt, 0.1, 1.0, step_size_up=2, base_momentum=0.8, max_momentum=0.9)
    seen = [(opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"])]
    for _ in range(4):
        opt.step()
        sched.step()
        seen.append((opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"]))
    np.testing.assert_allclose(
        seen, [(0.1, 0.9), (0.55, 0.85), (1.0, 0.8), (0.55, 0.85), (0.1, 0.9)], rtol=1e-12
    )


def test_sequential_hands_over_at_the_milestone():
    opt = _sgd(lr=1.0)
    warmup = S.LinearLR(opt, start_factor=0.25, total_iters=2)
    decay = S.ExponentialLR(opt, gamma=0.5)
    sched = S.SequentialLR(opt, [warmup, decay], milestones=[3])
    assert sched.get_last_lr() == [0.25]
    assert [lr for (lr,) in _lrs(sched, 5)] == [0.625, 1.0, 1.0, 0.5, 0.25]
    assert sched.last_epoch == 5 and decay.last_epoch == 2


def _resumes(make, steps=6, more=8):
    opt_a = _sgd(groups=2, momentum=0.9)
    a = make(opt_a)
    _lrs(a, steps)
    opt_b = _sgd(groups=2, momentum=0.9)
    b = make(opt_b)
    opt_b.load_state_dict(opt_a.state_dict())
    b.load_state_dict(a.state_dict())
    assert "optimizer" not in a.state_dict()
    assert b.get_last_lr() == a.get_last_lr()
    assert _lrs(b, more) == _lrs(a, more)


@pytest.mark.parametrize(
    "make",
    [
        lambda o: S.MultiplicativeLR(o, lambda e: 0.9),
        lambda o: S.ConstantLR(o, factor=0.5, total_iters=8),
        lambda o: S.PolynomialLR(o, total_iters=10, power=2.0),
        lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
        lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=4, mode="triangular2"),
        lambda o: S.CyclicLR(o, 0.01, 0.1, 3, scale_fn=lambda x: 0.9**x, cycle_momentum=False),
        lambda o: S.SequentialLR(
            o, [S.LinearLR(o, 0.1, total_iters=4), S.CosineAnnealingLR(o, 10)], [4]
        ),
        lambda o: S.ChainedScheduler([S.ConstantLR(o, 0.5, 7), S.ExponentialLR(o, 0.9)]),
    ],
)
def test_state_dict_resumes_the_sequence(make):
    _resumes(make)


def test_nested_state_dicts_carry_each_schedulers_state():
    opt = _sgd()
    inner = [S.ConstantLR(opt, 0.5, 2), S.ExponentialLR(opt, 0.9)]
    state = S.ChainedScheduler(inner).state_dict()
    assert [s["last_epoch"] for s in state["_schedulers"]] == [0, 0]
    assert state["_schedulers"][1]["gamma"] == 0.9
    cyclic = S.CyclicLR(_sgd(momentum=0.9), 0.1, 1.0, scale_fn=lambda x: 1.0)
    assert cyclic.state_dict()["_scale_fn_custom"] is None  # functions are not saved


def test_resuming_from_last_epoch_keeps_the_lr_there():
    opt = _sgd(lr=1.0)
    S.PolynomialLR(opt, total_iters=4)
    opt.param_groups[0]["lr"] = 0.5
    resumed = S.PolynomialLR(opt, total_iters=4, last_epoch=2)
    assert resumed.get_last_lr() == [0.5] and resumed.last_epoch == 3
    assert _lrs(resumed, 1) == [[0.0]]  # (1 - 4/4) / (1 - 3/4)


@pytest.mark.parametrize(
    "make",
    [
        lambda o, e: S.ExponentialLR(o, 0.5, last_epoch=e),
        lambda o, e: S.LinearLR(o, 0.5, total_iters=4, last_epoch=e),
        lambda o, e: S.CosineAnnealingLR(o, 10, last_epoch=e),
        lambda o, e: S.MultiplicativeLR(o, lambda k: 0.5, last_epoch=e),
        lambda o, e: S.PolynomialLR(o, total_iters=8, last_epoch=e),
    ],
)
def test_construction_with_last_epoch_keeps_the_optimizers_lr(make):
    """PyTorch 2.13's _initial_mode: a resumed scheduler's first step moves no lr."""
    opt = _sgd(lr=1.0)
    make(opt, -1)
    opt.param_groups[0]["lr"] = 0.3
    resumed = make(opt, 3)
    assert resumed.get_last_lr() == [0.3] and resumed.last_epoch == 4


def test_step_with_an_epoch_uses_the_closed_form_and_warns():
    sched = S.ConstantLR(_sgd(lr=1.0), factor=0.5, total_iters=3)
    with pytest.warns(UserWarning, match="epoch parameter"):
        sched.step(5)
    assert sched.get_last_lr() == [1.0]


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda o: S.ConstantLR(o, factor=1.5), ValueError, "between 0 and 1"),
        (lambda o: S.MultiplicativeLR(o, [lambda e: 1] * 2), ValueError, "Expected 1 lr_lambdas"),
        (lambda o: S.MultiplicativeLR(o, 0.5), TypeError, "callable"),
        (lambda o: S.CosineAnnealingWarmRestarts(o, 0), ValueError, "positive integer T_0"),
        (lambda o: S.CosineAnnealingWarmRestarts(o, 2.0), ValueError, "positive integer T_0"),
        (lambda o: S.CosineAnnealingWarmRestarts(o, 2, T_mult=0), ValueError, "T_mult >= 1"),
        (lambda o: S.CosineAnnealingWarmRestarts(o, 2, eta_min="0"), ValueError, "eta_min"),
        (lambda o: S.CyclicLR(o, 0.1, 1.0, mode="sine"), ValueError, "mode is invalid"),
        (lambda o: S.CyclicLR(o, 0.1, 1.0, step_size_up=0), ValueError, "step_size_up must"),
        (lambda o: S.CyclicLR(o, [0.1, 0.2], 1.0), ValueError, "base_lr must have the same"),
        (lambda o: S.SequentialLR(o, [], []), ValueError, "at least one scheduler"),
        (
            lambda o: S.SequentialLR(o, [S.ConstantLR(o), S.ConstantLR(o)], []),
            ValueError,
            "one more than the number of milestone points",
        ),
        (
            lambda o: S.SequentialLR(o, [S.ConstantLR(_sgd())], []),
            ValueError,
            "same optimizer",
        ),
        (
            lambda o: S.ChainedScheduler([S.ReduceLROnPlateau(o)]),
            ValueError,
            "does not support `ReduceLROnPlateau`",
        ),
        (lambda o: S.ChainedScheduler([]), ValueError, "at least one scheduler"),
        (lambda o: S.SequentialLR(o, [object()], []), TypeError, "should have `optimizer`"),
    ],
)
def test_bad_arguments_raise_pytorchs_errors(make, error, message):
    with pytest.raises(error, match=message):
        make(_sgd())


def test_cycling_momentum_needs_an_optimizer_with_one():
    opt = optim.Adagrad([ts.nn.Parameter(ts.zeros(2))])
    with pytest.raises(ValueError, match="must support momentum or beta1"):
        S.CyclicLR(opt, 0.01, 0.1)
    S.CyclicLR(opt, 0.01, 0.1, cycle_momentum=False)  # fine without
