"""Optimizers against float64 NumPy transcriptions of PyTorch's published pseudo-code,
their PyTorch surface (state_dict keys, param_groups, add_param_group, zero_grad), and
hostile input (bad state, bad gradients, odd layouts and dtypes, NaN hyper-parameters)."""

import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tinygrad_scores as ts
import tinygrad_scores.optim as optim
from tinygrad_scores.nn import Parameter

SHAPES = [(3, 4), (5,), ()]


# ---------------------------------------------------------------- the published algorithms
# Each twin follows the "Algorithm" box of PyTorch's documentation line by line, in float64.


def twin_sgd(lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False):
    bufs = {}

    def step(i, p, g):
        g = -g if maximize else g
        if weight_decay:
            g = g + weight_decay * p
        if momentum:
            bufs[i] = g.copy() if i not in bufs else momentum * bufs[i] + (1 - dampening) * g
            g = g + momentum * bufs[i] if nesterov else bufs[i]
        return p - lr * g

    return step


def twin_adam(
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0,
    amsgrad=False,
    maximize=False,
    decoupled=False,
):
    m, v, vmax, t = {}, {}, {}, {}

    def step(i, p, g):
        b1, b2 = betas
        t[i] = t.get(i, 0) + 1
        g = -g if maximize else g
        if decoupled:
            p = p * (1 - lr * weight_decay)
        elif weight_decay:
            g = g + weight_decay * p
        m[i] = b1 * m.get(i, 0) + (1 - b1) * g
        v[i] = b2 * v.get(i, 0) + (1 - b2) * g * g
        m_hat = m[i] / (1 - b1 ** t[i])
        if amsgrad:
            vmax[i] = np.maximum(vmax.get(i, 0), v[i])
            v_hat = vmax[i] / (1 - b2 ** t[i])
        else:
            v_hat = v[i] / (1 - b2 ** t[i])
        return p - lr * m_hat / (np.sqrt(v_hat) + eps)

    return step


def twin_rmsprop(
    lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, maximize=False
):
    v, b, ga = {}, {}, {}

    def step(i, p, g):
        g = -g if maximize else g
        if weight_decay:
            g = g + weight_decay * p
        v[i] = alpha * v.get(i, 0) + (1 - alpha) * g * g
        vt = v[i]
        if centered:
            ga[i] = alpha * ga.get(i, 0) + (1 - alpha) * g
            vt = vt - ga[i] ** 2
        if momentum > 0:
            b[i] = momentum * b.get(i, 0) + g / (np.sqrt(vt) + eps)
            return p - lr * b[i]
        return p - lr * g / (np.sqrt(vt) + eps)

    return step


def twin_adagrad(
    lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, maximize=False
):
    s, t = {}, {}

    def step(i, p, g):
        t[i] = t.get(i, 0) + 1
        g = -g if maximize else g
        if weight_decay:
            g = g + weight_decay * p
        clr = lr / (1 + (t[i] - 1) * lr_decay)
        s[i] = s.get(i, initial_accumulator_value) + g * g
        return p - clr * g / (np.sqrt(s[i]) + eps)

    return step


CASES = [
    (optim.SGD, twin_sgd, dict(lr=0.1)),
    (optim.SGD, twin_sgd, dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    (optim.SGD, twin_sgd, dict(lr=0.05, momentum=0.9, nesterov=True, maximize=True)),
    (optim.Adam, twin_adam, dict(lr=0.01, weight_decay=0.1)),
    (optim.Adam, twin_adam, dict(lr=0.01, betas=(0.8, 0.95), amsgrad=True, maximize=True)),
    (
        optim.Adam,
        lambda **kw: twin_adam(decoupled=True, **kw),
        dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True),
    ),
    (
        optim.AdamW,
        lambda **kw: twin_adam(decoupled=True, **kw),
        dict(lr=0.01, weight_decay=0.1, maximize=True),
    ),
    (optim.RMSprop, twin_rmsprop, dict()),
    (
        optim.RMSprop,
        twin_rmsprop,
        dict(lr=0.01, alpha=0.9, weight_decay=0.1, momentum=0.8, centered=True),
    ),
    (optim.RMSprop, twin_rmsprop, dict(lr=0.003, momentum=0.5, maximize=True)),
    (optim.Adagrad, twin_adagrad, dict()),
    (
        optim.Adagrad,
        twin_adagrad,
        dict(
            lr=0.1,
            lr_decay=0.05,
            weight_decay=0.1,
            initial_accumulator_value=0.5,
            eps=1e-6,
            maximize=True,
        ),
    ),
]


@pytest.mark.parametrize("opt_cls, twin, kw", CASES)
def test_matches_published_algorithm_over_many_steps(opt_cls, twin, kw):
    rng = np.random.default_rng(0)
    params = [Parameter(rng.standard_normal(s)) for s in SHAPES]
    expected = [p.detach().numpy().copy() for p in params]
    opt = opt_cls(params, **kw)
    step = twin(**{k: v for k, v in kw.items() if k != "decoupled_weight_decay"})
    for _ in range(60):
        for i, p in enumerate(params):
            g = rng.standard_normal(p.shape)
            p.grad = ts.tensor(g)
            expected[i] = step(i, expected[i], g)
        opt.step()
    for p, e in zip(params, expected):
        np.testing.assert_allclose(p.detach().numpy(), e, rtol=1e-10, atol=1e-12)


def test_float32_parameters_follow_the_algorithm():
    rng = np.random.default_rng(1)
    for opt_cls, twin, kw in CASES:
        p = Parameter(rng.standard_normal((4, 3)).astype(np.float32))
        expected = p.detach().numpy().astype(np.float64)
        opt, step = (
            opt_cls([p], **kw),
            twin(**{k: v for k, v in kw.items() if k != "decoupled_weight_decay"}),
        )
        for _ in range(20):
            g = rng.standard_normal(p.shape).astype(np.float32)
            p.grad = ts.tensor(g)
            opt.step()
            expected = step(0, expected, g.astype(np.float64))
        assert p.dtype == ts.float32
        np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- PyTorch's surface


def _stepped(opt_cls, **kw):
    params = [Parameter(np.ones((2, 3))), Parameter(np.ones(4))]
    opt = opt_cls(params, **kw)
    for p in params:
        p.grad = ts.ones(*p.shape, dtype=ts.float64)
    opt.step()
    opt.step()
    return params, opt


@pytest.mark.parametrize(
    "opt_cls, kw, keys",
    [
        (optim.Adam, {}, ["step", "exp_avg", "exp_avg_sq"]),
        (optim.Adam, dict(amsgrad=True), ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"]),
        (optim.AdamW, {}, ["step", "exp_avg", "exp_avg_sq"]),
        (optim.SGD, dict(lr=0.1), ["momentum_buffer"]),
        (optim.SGD, dict(lr=0.1, momentum=0.9), ["momentum_buffer"]),
        (optim.RMSprop, {}, ["step", "square_avg"]),
        (
            optim.RMSprop,
            dict(momentum=0.9, centered=True),
            ["step", "square_avg", "momentum_buffer", "grad_avg"],
        ),
        (optim.Adagrad, {}, ["step", "sum"]),
    ],
)
def test_state_dict_has_pytorchs_keys_and_shapes(opt_cls, kw, keys):
    params, opt = _stepped(opt_cls, **kw)
    sd = opt.state_dict()
    assert sorted(sd) == ["param_groups", "state"] and sorted(sd["state"]) == [0, 1]
    for i, p in enumerate(params):
        st = sd["state"][i]
        assert list(st) == keys
        for key in keys:
            if key == "step":
                assert isinstance(st[key], ts.Tensor) and st[key].shape == ()
                assert st[key].dtype == ts.float32 and st[key].item() == 2.0
            elif key == "momentum_buffer" and not kw.get("momentum"):
                assert st[key] is None
            else:
                assert st[key].shape == p.shape and st[key].dtype == p.dtype
    assert sd["param_groups"][0]["params"] == [0, 1]


@pytest.mark.parametrize(
    "opt_cls, keys",
    [
        (
            optim.SGD,
            "lr momentum dampening weight_decay nesterov maximize foreach differentiable fused",
        ),
        (
            optim.Adam,
            "lr betas eps weight_decay amsgrad maximize foreach capturable differentiable "
            "fused decoupled_weight_decay",
        ),
        (
            optim.AdamW,
            "lr betas eps weight_decay amsgrad maximize foreach capturable "
            "differentiable fused decoupled_weight_decay",
        ),
        (
            optim.RMSprop,
            "lr momentum alpha eps centered weight_decay capturable foreach maximize "
            "differentiable",
        ),
        (
            optim.Adagrad,
            "lr lr_decay eps weight_decay initial_accumulator_value foreach maximize "
            "differentiable fused",
        ),
    ],
)
def test_param_groups_carry_pytorchs_default_keys(opt_cls, keys):
    opt = opt_cls([Parameter(np.zeros(2))])
    assert set(opt.param_groups[0]) == set(keys.split()) | {"params"}
    assert set(opt.defaults) == set(keys.split())


def test_defaults_are_pytorchs():
    p = [Parameter(np.zeros(2))]
    assert optim.SGD(p).defaults["lr"] == 1e-3
    assert optim.Adam(p).defaults["betas"] == (0.9, 0.999)
    assert optim.AdamW(p).defaults["weight_decay"] == 1e-2
    rms = optim.RMSprop(p).defaults
    assert (rms["lr"], rms["alpha"], rms["eps"], rms["centered"]) == (1e-2, 0.99, 1e-8, False)
    ada = optim.Adagrad(p).defaults
    assert (ada["lr"], ada["eps"], ada["initial_accumulator_value"]) == (1e-2, 1e-10, 0.0)


def test_adagrad_state_exists_before_the_first_step():
    p = Parameter(np.zeros((2, 2)))
    opt = optim.Adagrad([p], initial_accumulator_value=0.25)
    st = opt.state_dict()["state"][0]
    assert st["step"].item() == 0 and np.all(st["sum"].detach().numpy() == 0.25)


def test_add_param_group_and_zero_grad():
    a, b = Parameter(np.ones(3)), Parameter(np.ones(2))
    opt = optim.SGD([a], lr=0.1, momentum=0.5)
    opt.add_param_group({"params": b, "lr": 1.0})
    assert opt.param_groups[1]["lr"] == 1.0 and opt.param_groups[1]["momentum"] == 0.5
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    a.grad, b.grad = ts.ones(3, dtype=ts.float64), ts.ones(2, dtype=ts.float64)
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), 0.9)
    np.testing.assert_allclose(b.detach().numpy(), 0.0)
    opt.zero_grad(set_to_none=False)
    assert a.grad is not None and np.all(a.grad.detach().numpy() == 0)
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_state_is_keyed_by_parameter_and_round_trips():
    params, opt = _stepped(optim.Adam, amsgrad=True)
    assert set(opt.state) == set(params)
    params2 = [Parameter(p.detach().numpy().copy()) for p in params]
    opt2 = optim.Adam(params2, amsgrad=True)
    opt2.load_state_dict(opt.state_dict())
    for p, q in zip(params, params2):
        q.grad = p.grad = ts.full(p.shape, 0.5, dtype=ts.float64)
    opt.step()
    opt2.step()
    for p, q in zip(params, params2):
        assert np.array_equal(p.detach().numpy(), q.detach().numpy())


# ---------------------------------------------------------------- hostile input


def _adam_state(shape=(2, 3)):
    p = Parameter(np.ones(shape))
    opt = optim.Adam([p], amsgrad=True)
    p.grad = ts.ones(*shape, dtype=ts.float64)
    opt.step()
    return p, opt


@pytest.mark.parametrize("key", ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"])
@pytest.mark.parametrize(
    "bad", [np.zeros(0), np.zeros(6), np.zeros((3, 2)), np.zeros((2, 3), np.int64), "text", None]
)
def test_load_state_dict_checks_every_adam_state_tensor(key, bad):
    p, opt = _adam_state()
    sd = opt.state_dict()
    sd["state"][0][key] = ts.from_numpy(bad) if isinstance(bad, np.ndarray) else bad
    before = opt.state_dict()["state"][0]["exp_avg"].detach().numpy()
    with pytest.raises(RuntimeError, match=rf"parameter 0 .*'{key}'"):
        opt.load_state_dict(sd)
    # Nothing was replaced.
    np.testing.assert_array_equal(opt.state[p]["exp_avg"].detach().numpy(), before)


def test_load_state_dict_checks_missing_keys_sgd_buffers_and_step():
    p, opt = _adam_state()
    sd = opt.state_dict()
    del sd["state"][0]["exp_avg_sq"]
    with pytest.raises(RuntimeError, match="'exp_avg_sq' is missing"):
        opt.load_state_dict(sd)
    sd = opt.state_dict()
    sd["state"][0]["step"] = ts.tensor(float("nan"))
    with pytest.raises(RuntimeError, match="'step'"):
        opt.load_state_dict(sd)
    q = Parameter(np.ones(4))
    sgd = optim.SGD([q], lr=0.1, momentum=0.9)
    with pytest.raises(RuntimeError, match="parameter 0 .*'momentum_buffer' has shape"):
        sgd.load_state_dict(
            {
                "state": {0: {"momentum_buffer": ts.zeros(3)}},
                "param_groups": sgd.state_dict()["param_groups"],
            }
        )
    with pytest.raises(ValueError, match="unknown parameter"):
        sgd.load_state_dict({"state": {7: {}}, "param_groups": sgd.state_dict()["param_groups"]})
    with pytest.raises(ValueError, match="different number of parameter groups"):
        sgd.load_state_dict({"state": {}, "param_groups": []})
    groups = sgd.state_dict()["param_groups"]
    groups[0]["lr"] = float("nan")
    with pytest.raises(ValueError, match="Invalid learning rate: nan"):
        sgd.load_state_dict({"state": {}, "param_groups": groups})


def test_loaded_float_state_is_cast_to_the_parameter_dtype_as_pytorch_does():
    p, opt = _adam_state()
    sd = opt.state_dict()
    sd["state"][0]["exp_avg"] = sd["state"][0]["exp_avg"].float()
    opt.load_state_dict(sd)
    assert opt.state[p]["exp_avg"].dtype == ts.float64


@pytest.mark.parametrize("opt_cls", [optim.SGD, optim.Adam, optim.RMSprop, optim.Adagrad])
def test_step_checks_gradient_shape_and_dtype_before_touching_anything(opt_cls):
    a, b = Parameter(np.ones(3)), Parameter(np.ones((2, 2)))
    opt = opt_cls([a, b], lr=0.1)
    a.grad = ts.ones(3, dtype=ts.float64)
    b.grad = ts.ones(2, 2, dtype=ts.float64)
    for bad, what in [
        (ts.ones(3, dtype=ts.float64), "shape"),
        (ts.ones(4, dtype=ts.float64), "shape"),
        (ts.ones(2, 2, dtype=ts.float32), "dtype"),
        (ts.ones(2, 2, dtype=ts.int64), "dtype"),
    ]:
        b.grad.data = bad  # (.data skips the checks of `b.grad = ...`, as in PyTorch)
        with pytest.raises(RuntimeError, match=rf"parameter 1 .*{what}"):
            opt.step()
        # Neither was stepped, a (whose gradient is fine) included.
        assert np.all(a.detach().numpy() == 1) and np.all(b.detach().numpy() == 1)


def test_step_checks_state_that_was_replaced_by_hand():
    p, opt = _adam_state()
    opt.state[p]["exp_avg"] = ts.zeros(1, dtype=ts.float64)
    with pytest.raises(RuntimeError, match="'exp_avg' has shape"):
        opt.step()


@pytest.mark.parametrize(
    "opt_cls, kw",
    [
        (optim.SGD, dict(lr=0.1, momentum=0.9)),
        (optim.Adam, dict(lr=0.1)),
        (optim.AdamW, dict(lr=0.1)),
        (optim.RMSprop, dict(momentum=0.5)),
        (optim.Adagrad, {}),
    ],
)
@pytest.mark.parametrize("layout", ["transposed", "fortran", "strided", "big-endian"])
def test_non_contiguous_and_byte_swapped_parameters_are_updated_in_place(opt_cls, kw, layout):
    rng = np.random.default_rng(2)
    base = rng.standard_normal((4, 6))
    arr = {
        "transposed": base.T,
        "fortran": np.asfortranarray(base),
        "strided": base[:, ::2],
        "big-endian": base.astype(">f8"),
    }[layout]
    orig = arr.copy()
    # Assigning .data keeps the array as it is (nn.Parameter and from_numpy normalise it).
    odd = ts.zeros(1, dtype=ts.float64).requires_grad_()
    odd.data = arr
    plain = Parameter(np.ascontiguousarray(arr, "<f8"))
    assert odd.array is arr
    opts = [opt_cls([odd], **kw), opt_cls([plain], **kw)]
    for _ in range(5):
        g = rng.standard_normal(arr.shape)
        odd.grad, plain.grad = ts.tensor(g), ts.tensor(g)
        for o in opts:
            o.step()
    assert odd.array is arr and not np.allclose(arr, orig)
    np.testing.assert_array_equal(arr, plain.detach().numpy())


@pytest.mark.parametrize("opt_cls, key", [(optim.Adam, "exp_avg"), (optim.SGD, "momentum_buffer")])
def test_state_replaced_by_a_strided_or_read_only_tensor_is_still_updated(opt_cls, key):
    # Regression: a Fortran-ordered state tensor was updated through a copy and never
    # changed. PyTorch updates the state tensor in place (exp_avg.lerp_(grad, 1 - beta1);
    # momentum_buffer.mul_(momentum).add_(grad)): from zeros and a gradient of ones, one
    # step leaves exp_avg = 0.1 (beta1 = 0.9) and momentum_buffer = 1.
    p = ts.zeros(3, 3, dtype=ts.float64, requires_grad=True)
    opt = opt_cls([p], lr=0.1, **({"momentum": 0.9} if opt_cls is optim.SGD else {}))
    p.grad = ts.ones(3, 3, dtype=ts.float64)
    opt.step()
    expected = {"exp_avg": 0.1, "momentum_buffer": 1.0}[key]
    for odd in (np.asfortranarray(np.zeros((3, 3))), np.broadcast_to(np.zeros(3), (3, 3))):
        state = ts.zeros(1, dtype=ts.float64)
        state.data = odd
        opt.state[p][key] = state
        opt.step()
        assert opt.state[p][key] is state  # the same tensor, updated
        np.testing.assert_allclose(state.array, np.full((3, 3), expected), rtol=1e-12)


def test_strided_1d_view_is_updated():
    base = np.zeros(10)
    p = ts.from_numpy(base[::2]).requires_grad_()
    opt = optim.SGD([p], lr=1.0)
    p.grad = ts.ones(5, dtype=ts.float64)
    opt.step()
    np.testing.assert_array_equal(base, [-1, 0] * 5)


def test_read_only_and_unsupported_dtypes_are_refused_clearly():
    frozen = np.ones(3)
    frozen.flags.writeable = False
    p = ts.from_numpy(frozen).requires_grad_()
    opt = optim.Adam([p])
    p.grad = ts.ones(3, dtype=ts.float64)
    with pytest.raises(RuntimeError, match="read-only"):
        opt.step()
    for dtype in (np.float16, np.longdouble):
        if np.dtype(dtype) == np.float64:
            continue
        with pytest.raises(TypeError, match=f"dtype {np.dtype(dtype)}"):
            optim.Adam([Parameter(np.ones(3, dtype))])
    q = Parameter(np.ones(3))
    opt = optim.SGD([q], lr=0.1)
    q.data = q.data.to(np.float16)  # a parameter changed after construction
    q.grad = ts.ones(3, dtype=np.float16)
    with pytest.raises(TypeError, match="float16"):
        opt.step()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: optim.Adam(p, lr=math.nan), "Invalid learning rate: nan"),
        (lambda p: optim.Adam(p, lr=-1e-3), "Invalid learning rate: -0.001"),
        (lambda p: optim.Adam(p, eps=math.nan), "Invalid epsilon value: nan"),
        (lambda p: optim.Adam(p, betas=(math.nan, 0.9)), "Invalid beta parameter at index 0: nan"),
        (lambda p: optim.Adam(p, betas=(0.9, 1.0)), "Invalid beta parameter at index 1: 1.0"),
        (lambda p: optim.AdamW(p, weight_decay=math.nan), "Invalid weight_decay value: nan"),
        (lambda p: optim.SGD(p, lr=math.nan), "Invalid learning rate: nan"),
        (lambda p: optim.SGD(p, momentum=-0.5), "Invalid momentum value: -0.5"),
        (lambda p: optim.SGD(p, weight_decay=-1), "Invalid weight_decay value: -1"),
        (lambda p: optim.SGD(p, nesterov=True), "Nesterov momentum requires a momentum"),
        (lambda p: optim.RMSprop(p, alpha=math.nan), "Invalid alpha value: nan"),
        (lambda p: optim.RMSprop(p, momentum=-1), "Invalid momentum value: -1"),
        (lambda p: optim.Adagrad(p, lr_decay=-1), "Invalid lr_decay value: -1"),
        (
            lambda p: optim.Adagrad(p, initial_accumulator_value=math.nan),
            "Invalid initial_accumulator_value value: nan",
        ),
        (lambda p: optim.Adam([{"params": p, "lr": math.nan}]), "Invalid learning rate: nan"),
    ],
)
def test_nan_and_negative_hyper_parameters_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make([Parameter(np.zeros(2))])


def test_kernel_entry_points_refuse_mis_sized_arrays_in_a_subprocess():
    """Before these checks a short state array was read and written past its end."""
    script = textwrap.dedent("""
        import numpy as np
        from tinygrad_scores.kernels import optim as k
        p, g = np.ones(1 << 16), np.ones(1 << 16)
        for m, v in [(np.zeros(0), np.zeros(0)), (np.zeros(3), np.zeros(1 << 16)),
                     (np.zeros(1 << 16, np.float32), np.zeros(1 << 16))]:
            try:
                k.adam(p, g, m, v, np.zeros(0), 1e-3, 0.9, 0.999, 1e-8, 0.0, 0.0, 1, False)
            except (ValueError, TypeError) as exc:
                print(type(exc).__name__)
        try:
            k.sgd(p, g, np.zeros(0), 0.1, 0.9, 0.0, 0.0, False, False)
        except ValueError as exc:
            print("ValueError")
        try:
            k.adam(p.astype(np.float16), g.astype(np.float16), *[np.zeros(1 << 16, np.float16)] * 3,
                   1e-3, 0.9, 0.999, 1e-8, 0.0, 0.0, 1, True)
        except TypeError as exc:
            print("TypeError")
    """)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["ValueError"] * 4 + ["TypeError"]


# ---------------------------------------------------------------- lr_scheduler
# Expected sequences are worked from the formulas in PyTorch's documentation.
from tinygrad_scores.optim import lr_scheduler  # noqa: E402


def _sgd(lr=1.0, groups=1, **kw):
    return optim.SGD([{"params": [Parameter(np.zeros(1))]} for _ in range(groups)], lr=lr, **kw)


def _run(sched, epochs):
    lrs = [sched.get_last_lr()[0]]
    for _ in range(epochs):
        sched.optimizer.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    return lrs


def test_importable_as_in_pytorch():
    import tinygrad_scores.optim.lr_scheduler as mod

    assert mod.StepLR is optim.lr_scheduler.StepLR


def test_step_multistep_exponential_lambda_linear():
    assert _run(lr_scheduler.StepLR(_sgd(), step_size=3, gamma=0.5), 7) == [
        1,
        1,
        1,
        0.5,
        0.5,
        0.5,
        0.25,
        0.25,
    ]
    got = _run(lr_scheduler.MultiStepLR(_sgd(), milestones=[2, 5, 5], gamma=0.1), 6)
    np.testing.assert_allclose(got, [1, 1, 0.1, 0.1, 0.1, 1e-3, 1e-3], rtol=1e-12)
    np.testing.assert_allclose(
        _run(lr_scheduler.ExponentialLR(_sgd(), gamma=0.9), 5),
        [0.9**t for t in range(6)],
        rtol=1e-12,
    )
    opt = _sgd(groups=2)
    sched = lr_scheduler.LambdaLR(opt, [lambda e: 0.5**e, lambda e: e + 1])
    for _ in range(3):
        opt.step()
        sched.step()
    assert sched.get_last_lr() == [0.125, 4.0] and sched.last_epoch == 3
    np.testing.assert_allclose(
        _run(lr_scheduler.LinearLR(_sgd(), start_factor=0.25, total_iters=4), 6),
        [0.25, 0.4375, 0.625, 0.8125, 1.0, 1.0, 1.0],
        rtol=1e-12,
    )


def test_cosine_annealing_recursive_form_as_pytorch():
    T, eta = 4, 0.1
    closed = [eta + (1 - eta) * (1 + math.cos(math.pi * t / T)) / 2 for t in range(13)]
    sched = lr_scheduler.CosineAnnealingLR(_sgd(), T_max=T, eta_min=eta)
    np.testing.assert_allclose(_run(sched, 12), closed, rtol=1e-12)  # cycles past T_max
    # The recursive form scales the lr that is there: a hand-set lr carries on.
    opt = _sgd()
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=T, eta_min=eta)
    opt.step()
    sched.step()
    opt.param_groups[0]["lr"] = 0.5
    opt.step()
    sched.step()
    ratio = (1 + math.cos(math.pi * 2 / T)) / (1 + math.cos(math.pi * 1 / T))
    assert sched.get_last_lr()[0] == pytest.approx(ratio * (0.5 - eta) + eta, rel=1e-12)
    with pytest.warns(UserWarning, match="epoch parameter"):
        sched.step(3)  # closed form
    assert sched.get_last_lr()[0] == pytest.approx(closed[3], rel=1e-12)


def _cos(start, end, pct):
    return end + (start - end) / 2 * (math.cos(math.pi * pct) + 1)


def test_one_cycle_lr_and_momentum():
    opt = _sgd(momentum=0.9)
    sched = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    lo, hi, end = 1.0 / 25, 1.0, 1.0 / 25 / 1e4
    lrs, moms = [opt.param_groups[0]["lr"]], [opt.param_groups[0]["momentum"]]
    for _ in range(10):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
        moms.append(opt.param_groups[0]["momentum"])
    up = 0.3 * 10 - 1  # the first phase ends at step 2
    expect_lr = [
        _cos(lo, hi, t / up) if t <= up else _cos(hi, end, (t - up) / (9 - up)) for t in range(11)
    ]
    expect_m = [
        _cos(0.95, 0.85, t / up) if t <= up else _cos(0.85, 0.95, (t - up) / (9 - up))
        for t in range(11)
    ]
    np.testing.assert_allclose(lrs, expect_lr, rtol=1e-12)
    np.testing.assert_allclose(moms, expect_m, rtol=1e-12)
    assert lrs[0] == pytest.approx(0.04) and lrs[2] == pytest.approx(1.0)
    assert lrs[9] == pytest.approx(end)
    with pytest.raises(ValueError, match="Tried to step 11 times"):
        sched.step()
    adam = optim.Adam([Parameter(np.zeros(1))])
    lr_scheduler.OneCycleLR(adam, max_lr=0.1, epochs=2, steps_per_epoch=5)
    assert adam.param_groups[0]["betas"] == (0.95, 0.999)
    with pytest.raises(ValueError, match="either total_steps OR"):
        lr_scheduler.OneCycleLR(adam, max_lr=0.1)


def test_reduce_lr_on_plateau():
    opt = _sgd()
    sched = lr_scheduler.ReduceLROnPlateau(
        opt, factor=0.5, patience=2, threshold=0.1, cooldown=1, min_lr=0.2
    )
    lrs = []
    for metric in [10, 9.5, 9.5, 9.5, 9.5] + [8] * 12:
        sched.step(metric)
        lrs.append(sched.get_last_lr()[0])
    assert lrs == [
        1,
        1,
        1,
        0.5,
        0.5,
        0.5,
        0.5,
        0.5,
        0.25,
        0.25,
        0.25,
        0.25,
        0.2,
        0.2,
        0.2,
        0.2,
        0.2,
    ]
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode avg is unknown"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="avg")


@pytest.mark.parametrize(
    "make",
    [
        lambda o: lr_scheduler.StepLR(o, 2, gamma=0.5),
        lambda o: lr_scheduler.MultiStepLR(o, [1, 3]),
        lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=5),
        lambda o: lr_scheduler.LinearLR(o, total_iters=3),
        lambda o: lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=20),
        lambda o: lr_scheduler.LambdaLR(o, lambda e: 1 / (e + 1)),
    ],
)
def test_scheduler_state_dict_resumes_the_sequence(make):
    opt_a = _sgd(momentum=0.9)
    a = make(opt_a)
    for _ in range(4):
        opt_a.step()
        a.step()
    opt_b = _sgd(momentum=0.9)
    b = make(opt_b)
    opt_b.load_state_dict(opt_a.state_dict())
    b.load_state_dict(a.state_dict())
    assert b.last_epoch == 4 and b.get_last_lr() == a.get_last_lr()
    assert "optimizer" not in a.state_dict()
    for _ in range(4):
        for o, s in ((opt_a, a), (opt_b, b)):
            o.step()
            s.step()
        assert a.get_last_lr() == b.get_last_lr()


def test_plateau_state_dict_and_resume_errors():
    opt = _sgd()
    a = lr_scheduler.ReduceLROnPlateau(opt, patience=0)
    a.step(1.0)
    a.step(2.0)
    b = lr_scheduler.ReduceLROnPlateau(_sgd())
    b.load_state_dict(a.state_dict())
    assert b.best == 1.0 and b.patience == 0 and b.last_epoch == 2
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(_sgd(), 2, last_epoch=3)
    with pytest.raises(ValueError, match="Starting multiplicative factor"):
        lr_scheduler.LinearLR(_sgd(), start_factor=0)


def test_inputs_that_used_to_crash_the_kernels_are_clean_errors_in_a_subprocess():
    """Each case once reached a Numba kernel with mis-sized or mistyped arrays (a segfault,
    a hang or a TypingError); now each is a Python exception raised before any kernel."""
    script = textwrap.dedent("""
        import numpy as np
        import tinygrad_scores as ts
        import tinygrad_scores.optim as optim
        from tinygrad_scores.nn import Parameter

        def case(fn):
            try:
                fn()
                print("no error")
            except Exception as exc:
                print(type(exc).__name__)

        def empty_state():
            p = Parameter(np.ones(1 << 16))
            opt = optim.Adam([p], amsgrad=True)
            sd = opt.state_dict()
            sd["state"][0] = {"step": ts.tensor(3.0), "exp_avg": ts.zeros(0, dtype=ts.float64),
                              "exp_avg_sq": ts.zeros(0, dtype=ts.float64),
                              "max_exp_avg_sq": ts.zeros(0, dtype=ts.float64)}
            opt.load_state_dict(sd)

        def short_grad():
            p = Parameter(np.ones(1 << 16))
            opt = optim.SGD([p], lr=0.1, momentum=0.9)
            p.grad = ts.ones(3, dtype=ts.float64)
            opt.step()

        def half():
            p = Parameter(np.ones(8, np.float16))
            optim.Adam([p])

        def grad_of_other_dtype():
            p = Parameter(np.ones(8))
            opt = optim.Adam([p])
            p.grad = ts.ones(8, dtype=ts.float32)
            opt.step()

        for fn in (empty_state, short_grad, half, grad_of_other_dtype):
            case(fn)
    """)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["RuntimeError", "RuntimeError", "TypeError", "RuntimeError"]
