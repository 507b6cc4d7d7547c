"""Learning-rate schedules run the same way with PyTorch (tools/golden_schedulers.py,
which writes tests/golden/schedulers.json) and with tinygrad_scores
(tests/test_lr_schedulers.py, which compares): each case builds an optimizer and a
scheduler from the module it is given and returns, for the construction and each step,
the lr of every group (and the momentum or beta1 where the schedule cycles it)."""

import math

STEPS = 25


def _sgd(torch, groups=1, **kw):
    params = [{"params": [torch.nn.Parameter(torch.zeros(2))]} for _ in range(groups)]
    return torch.optim.SGD(params, lr=kw.pop("lr", 0.1), **kw)


def _adam(torch):
    return torch.optim.Adam([torch.nn.Parameter(torch.zeros(2))], lr=0.1)


def _momentum(group):
    return group["betas"][0] if "betas" in group else group.get("momentum", 0.0)


def _trace(sched, steps=STEPS, epochs=None):
    """[lrs per group, momentum per group] after construction and after each step."""
    opt = sched.optimizer

    def record():
        lrs = list(sched.get_last_lr())
        assert lrs == [g["lr"] for g in opt.param_groups]
        return [lrs, [_momentum(g) for g in opt.param_groups]]

    out = [record()]
    for i in range(steps if epochs is None else len(epochs)):
        opt.step()
        if epochs is None:
            sched.step()
        else:
            sched.step(epochs[i])
        out.append(record())
    return out


def multiplicative(torch):
    opt = _sgd(torch, groups=2)
    S = torch.optim.lr_scheduler
    return _trace(S.MultiplicativeLR(opt, [lambda e: 0.95, lambda e: 0.9 if e % 3 else 1.2]))


def constant(torch):
    return _trace(torch.optim.lr_scheduler.ConstantLR(_sgd(torch), factor=0.5, total_iters=4))


def constant_default(torch):
    return _trace(torch.optim.lr_scheduler.ConstantLR(_sgd(torch)), steps=8)


def polynomial(torch):
    S = torch.optim.lr_scheduler
    return _trace(S.PolynomialLR(_sgd(torch), total_iters=8, power=2.0), steps=12)


def polynomial_closed_form(torch):
    S = torch.optim.lr_scheduler
    return _trace(S.PolynomialLR(_sgd(torch), total_iters=6, power=0.5), epochs=[3, 1, 5, 9])


def warm_restarts(torch):
    S = torch.optim.lr_scheduler
    return _trace(S.CosineAnnealingWarmRestarts(_sgd(torch), T_0=3, T_mult=2, eta_min=0.01))


def warm_restarts_t_mult_1(torch):
    S = torch.optim.lr_scheduler
    return _trace(S.CosineAnnealingWarmRestarts(_sgd(torch, groups=2), T_0=4), steps=10)


# fractional epochs, as a per-batch loop passes them (epoch + i / iters), and jumps back
EPOCHS = [0.25, 0.5, 1.3, 2.99, 3.0, 4.5, 8.75, 9.0, 20.0, 21.5, 2.0, 0, 47.125]


def warm_restarts_float_epochs(torch):
    S = torch.optim.lr_scheduler
    sched = S.CosineAnnealingWarmRestarts(_sgd(torch), T_0=3, T_mult=2, eta_min=0.01)
    return _trace(sched, epochs=EPOCHS)


def warm_restarts_float_epochs_t_mult_1(torch):
    S = torch.optim.lr_scheduler
    return _trace(S.CosineAnnealingWarmRestarts(_sgd(torch), T_0=4), epochs=EPOCHS)


def cyclic_triangular(torch):
    S = torch.optim.lr_scheduler
    opt = _sgd(torch, momentum=0.9)
    return _trace(S.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=4))


def cyclic_triangular2(torch):
    S = torch.optim.lr_scheduler
    opt = _sgd(torch, groups=2, momentum=0.9)
    sched = S.CyclicLR(
        opt,
        base_lr=[0.01, 0.02],
        max_lr=[0.1, 0.3],
        step_size_up=3,
        step_size_down=5,
        mode="triangular2",
        base_momentum=[0.8, 0.7],
        max_momentum=0.95,
    )
    return _trace(sched, steps=30)


def cyclic_exp_range_adam(torch):
    S = torch.optim.lr_scheduler
    sched = S.CyclicLR(_adam(torch), 0.001, 0.1, step_size_up=5, mode="exp_range", gamma=0.9)
    return _trace(sched)


def cyclic_scale_fn_iterations(torch):
    S = torch.optim.lr_scheduler
    sched = S.CyclicLR(
        _sgd(torch),
        0.01,
        0.1,
        step_size_up=2,
        scale_fn=lambda x: 1 / (1 + 0.1 * x),
        scale_mode="iterations",
        cycle_momentum=False,
    )
    return _trace(sched)


def sequential_warmup_cosine(torch):
    S = torch.optim.lr_scheduler
    opt = _sgd(torch)
    warmup = S.LinearLR(opt, start_factor=0.1, total_iters=5)
    cosine = S.CosineAnnealingLR(opt, T_max=20, eta_min=0.001)
    return _trace(S.SequentialLR(opt, [warmup, cosine], milestones=[5]), steps=30)


def sequential_three(torch):
    S = torch.optim.lr_scheduler
    opt = _sgd(torch, groups=2)
    scheds = [
        S.ConstantLR(opt, factor=0.5, total_iters=2),
        S.ExponentialLR(opt, gamma=0.9),
        S.MultiplicativeLR(opt, lambda e: 0.8),
    ]
    return _trace(S.SequentialLR(opt, scheds, milestones=[4, 10]))


def sequential_of_warm_restarts(torch):
    S = torch.optim.lr_scheduler
    opt = _sgd(torch)
    scheds = [S.ConstantLR(opt, factor=0.2, total_iters=3), S.CosineAnnealingWarmRestarts(opt, 4)]
    return _trace(S.SequentialLR(opt, scheds, milestones=[3]), steps=15)


def chained(torch):
    S = torch.optim.lr_scheduler
    opt = _sgd(torch)
    scheds = [S.ConstantLR(opt, factor=0.1, total_iters=2), S.ExponentialLR(opt, gamma=0.9)]
    return _trace(S.ChainedScheduler(scheds))


def chained_polynomial_multiplicative(torch):
    S = torch.optim.lr_scheduler
    opt = _sgd(torch, groups=2)
    scheds = [
        S.PolynomialLR(opt, total_iters=10, power=1.5),
        S.MultiplicativeLR(opt, lambda e: 1 + 0.01 * math.sin(e)),
        S.StepLR(opt, step_size=4, gamma=0.5),
    ]
    return _trace(S.ChainedScheduler(scheds, optimizer=opt))


CASES = {
    f.__name__: f
    for f in [
        multiplicative,
        constant,
        constant_default,
        polynomial,
        polynomial_closed_form,
        warm_restarts,
        warm_restarts_t_mult_1,
        warm_restarts_float_epochs,
        warm_restarts_float_epochs_t_mult_1,
        cyclic_triangular,
        cyclic_triangular2,
        cyclic_exp_range_adam,
        cyclic_scale_fn_iterations,
        sequential_warmup_cosine,
        sequential_three,
        sequential_of_warm_restarts,
        chained,
        chained_polynomial_multiplicative,
    ]
}
