"""Adamax, NAdam and RAdam: parameter trajectories and final states bit-identical to
PyTorch 2.13's (tests/golden/adam_variants.npz, written by tools/golden_optim.py from the
cases of tests/adam_variant_cases.py), first steps against their formulas, state_dict
round trips, parameter groups, and PyTorch's errors."""

import copy
import math
import pathlib

import adam_variant_cases
import numpy as np
import pytest

import tinygrad_scores as ts
import tinygrad_scores.optim as optim
from tinygrad_scores.nn import Parameter

GOLDEN = np.load(pathlib.Path(__file__).parent / "golden" / "adam_variants.npz")


@pytest.mark.parametrize("dtype", adam_variant_cases.DTYPES)
@pytest.mark.parametrize("name", sorted(adam_variant_cases.CASES))
def test_trajectory_and_state_are_pytorchs_to_the_bit(name, dtype):
    got = adam_variant_cases.run(ts, name, dtype)
    expected = {
        k.split("|")[2]: GOLDEN[k] for k in GOLDEN.files if k.startswith(f"{name}|{dtype}|")
    }
    assert sorted(got) == sorted(expected)
    for key, value in got.items():
        assert value.dtype == expected[key].dtype, key
        np.testing.assert_array_equal(value, expected[key], err_msg=key)


def _one_step(cls, grad, p0=1.0, **kw):
    p = Parameter(np.full(3, p0))
    opt = cls([p], **kw)
    p.grad = ts.tensor(np.asarray(grad, np.float64))
    opt.step()
    return p.detach().numpy(), opt


def test_first_steps_follow_the_formulas():
    g = np.array([0.5, -2.0, 1e-3])
    lr, eps = 0.1, 1e-8
    # Adamax: m = 0.1 g, u = |g| + eps, p -= lr / 0.1 * m / u
    p, _ = _one_step(optim.Adamax, g, lr=lr)
    np.testing.assert_allclose(p, 1 - lr * g / (np.abs(g) + eps), rtol=1e-15)
    # RAdam: rho_1 = 1 <= 5, so a bias-corrected momentum step: p -= lr * g
    p, _ = _one_step(optim.RAdam, g, lr=lr)
    np.testing.assert_allclose(p, 1 - lr * g, rtol=1e-15)
    # NAdam: mu_1, mu_2 from momentum_decay; v = 0.001 g^2 so d = |g| + eps
    mu1 = 0.9 * (1 - 0.5 * 0.96**0.004)
    mu2 = 0.9 * (1 - 0.5 * 0.96**0.008)
    p, opt = _one_step(optim.NAdam, g, lr=lr)
    d = np.abs(g) + eps
    mu_product = float(np.float32(mu1))  # kept in a float32 tensor, as PyTorch keeps it
    expect = (
        1
        - lr * (1 - mu1) / (1 - mu_product) * g / d
        - lr * mu2 / (1 - mu_product * mu2) * 0.1 * g / d
    )
    np.testing.assert_allclose(p, expect, rtol=1e-14)
    state = opt.state[opt.param_groups[0]["params"][0]]
    assert state["mu_product"].item() == mu_product


def test_radam_switches_to_the_rectified_step_when_rho_exceeds_5():
    beta2 = 0.9
    rho_inf = 2 / (1 - beta2) - 1
    rho = [rho_inf - 2 * t * beta2**t / (1 - beta2**t) for t in range(1, 8)]
    first = next(t for t, r in enumerate(rho, 1) if r > 5)
    p = Parameter(np.zeros(1))
    opt = optim.RAdam([p], lr=1.0, betas=(0.0, beta2))
    moves = []
    for _ in range(first):
        p.grad = ts.tensor([2.0], dtype=ts.float64)
        before = p.item()
        opt.step()
        moves.append(before - p.item())
    # beta1 = 0: m = g; plain steps move by lr * g until rho_t > 5 ...
    assert moves[:-1] == [2.0] * (first - 1)
    # ... then by lr * g * sqrt(1 - beta2^t) / (sqrt(v) + eps) * r, v = (1 - beta2^t) g^2
    rt = rho[first - 1]
    r = math.sqrt((rt - 4) * (rt - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rt))
    bc2 = 1 - beta2**first
    assert moves[-1] == pytest.approx(
        2.0 * math.sqrt(bc2) / (math.sqrt(4 * bc2) + 1e-8) * r, rel=1e-12
    )
    assert first == 6 and 0 < moves[-1] < 1  # the rectifier still damps the step


@pytest.mark.parametrize(
    "cls, keys",
    [
        (optim.Adamax, ["step", "exp_avg", "exp_inf"]),
        (optim.NAdam, ["step", "mu_product", "exp_avg", "exp_avg_sq"]),
        (optim.RAdam, ["step", "exp_avg", "exp_avg_sq"]),
    ],
)
def test_state_has_pytorchs_keys_and_round_trips(cls, keys):
    def make():
        w, b = Parameter(np.linspace(-1, 1, 6).reshape(2, 3)), Parameter(np.ones(3))
        return [w, b], cls([{"params": [w]}, {"params": [b], "lr": 0.05}], weight_decay=0.01)

    def train(params, opt, steps):
        for _ in range(steps):
            for p in params:
                p.grad = ts.tensor(np.sin(3 * p.detach().numpy()) + 0.2)
            opt.step()

    params_a, opt_a = make()
    train(params_a, opt_a, 4)
    saved = copy.deepcopy(opt_a.state_dict())
    assert list(saved["state"][0]) == keys
    assert saved["state"][0]["step"].dtype == ts.float32 and saved["state"][0]["step"].item() == 4
    assert [g["lr"] for g in saved["param_groups"]] == [opt_a.defaults["lr"], 0.05]
    params_b, opt_b = make()
    for a, b in zip(params_a, params_b):
        b.detach().numpy()[...] = a.detach().numpy()
    opt_b.load_state_dict(saved)
    train(params_a, opt_a, 3)
    train(params_b, opt_b, 3)
    for a, b in zip(params_a, params_b):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_defaults_are_pytorchs():
    p = [Parameter(np.zeros(2))]
    adamax, nadam, radam = optim.Adamax(p), optim.NAdam(p), optim.RAdam(p)
    assert (adamax.defaults["lr"], nadam.defaults["lr"], radam.defaults["lr"]) == (2e-3, 2e-3, 1e-3)
    assert nadam.defaults["momentum_decay"] == 4e-3
    assert (
        not nadam.defaults["decoupled_weight_decay"]
        and not radam.defaults["decoupled_weight_decay"]
    )
    assert "decoupled_weight_decay" not in adamax.defaults
    assert sorted(nadam.defaults) == [
        "betas",
        "capturable",
        "decoupled_weight_decay",
        "differentiable",
        "eps",
        "foreach",
        "lr",
        "maximize",
        "momentum_decay",
        "weight_decay",
    ]


@pytest.mark.parametrize("cls", [optim.Adamax, optim.NAdam, optim.RAdam])
@pytest.mark.parametrize(
    "kw, message",
    [
        (dict(lr=-0.1), "Invalid learning rate: -0.1"),
        (dict(lr=math.nan), "Invalid learning rate: nan"),
        (dict(eps=-1.0), "Invalid epsilon value: -1.0"),
        (dict(betas=(1.0, 0.9)), "Invalid beta parameter at index 0: 1.0"),
        (dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
        (dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    ],
)
def test_bad_hyper_parameters_raise_pytorchs_errors(cls, kw, message):
    with pytest.raises(ValueError, match=message):
        cls([Parameter(np.zeros(2))], **kw)


def test_nadam_checks_momentum_decay_and_a_loaded_mu_product():
    p = Parameter(np.zeros(2))
    with pytest.raises(ValueError, match="Invalid momentum_decay value: -1"):
        optim.NAdam([p], momentum_decay=-1)
    opt = optim.NAdam([p])
    p.grad = ts.ones(2, dtype=ts.float64)
    opt.step()
    state = opt.state_dict()
    state["state"][0]["mu_product"] = "one"
    with pytest.raises(RuntimeError, match="state 'mu_product' must be a number"):
        optim.NAdam([p]).load_state_dict(state)
    state["state"][0]["mu_product"] = 0.5  # a plain number is accepted, as a tensor
    fresh = optim.NAdam([p])
    fresh.load_state_dict(state)
    assert fresh.state[p]["mu_product"].dtype == ts.float32


def test_the_multiply_add_rounds_once_as_pytorchs_and_survives_huge_values():
    from tinygrad_scores.optim.adam_variants import _fma

    a, b = np.array([1 + 2.0**-30]), np.array([1 - 2.0**-30])
    assert (a * b - 1)[0] == 0.0  # two roundings lose the -2**-60
    assert _fma(a, b, np.array([-1.0]))[0] == -(2.0**-60)
    b32 = np.array([1 - 2.0**-12], np.float32)
    assert _fma(np.float32(1 + 2.0**-12), b32, np.array([-1.0], np.float32))[0] == -(2.0**-24)
    huge = _fma(np.float64(0.1), np.array([1e305]), np.array([1.0]))
    assert huge[0] == pytest.approx(1e304) and np.isfinite(huge[0])
