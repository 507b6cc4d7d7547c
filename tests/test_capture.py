"""compile(): a captured training step replays to the same bits as the eager step, and a
function the tape cannot follow keeps running eagerly (with a warning), never wrongly."""

import warnings

import numpy as np
import pytest
from test_function_contract import CubeOnArraysWithSetup

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
import tinygrad_scores.optim as optim
from tinygrad_scores import autograd, codegen


def _batches(n, batch, features, classes, seed=1):
    rng = np.random.default_rng(seed)
    return [
        (
            ts.tensor(rng.standard_normal((batch, features)).astype(np.float32)),
            ts.tensor(rng.integers(0, classes, batch)),
        )
        for _ in range(n)
    ]


def _twins(make_step):
    """Two identical models with their steps: one run eagerly, one compiled."""
    ts.manual_seed(0)
    eager = make_step()
    ts.manual_seed(0)
    compiled = make_step()
    return eager, (compiled[0], ts.compile(compiled[1]))


def _adam_step():
    model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 3))
    opt = optim.Adam(model.parameters(), lr=1e-2)

    def step(x, y):
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    return model, step


def _assert_same_training(eager, compiled, batches):
    (m1, s1), (m2, s2) = eager, compiled
    for x, y in batches:
        a, b = s1(x, y), s2(x, y)
        for u, v in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple) else (b,)):
            np.testing.assert_array_equal(u.array, v.array)
    for p, q in zip(m1.parameters(), m2.parameters()):
        np.testing.assert_array_equal(p.array, q.array)


def test_replayed_adam_step_matches_eager_bit_for_bit():
    eager, compiled = _twins(_adam_step)
    _assert_same_training(eager, compiled, _batches(12, 8, 6, 3))
    step = compiled[1]
    assert step.eager_reason is None and step._replay_step is not None  # it did replay


def test_replay_with_sgd_momentum_scheduler_and_two_outputs():
    def make():
        model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 2))
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        sched = optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)

        def step(x, y):
            logits = model(x)
            loss = F.cross_entropy(logits, y) + (logits * logits).mean() * 0.01
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            return loss, logits.detach()

        return model, step

    eager, compiled = _twins(make)
    _assert_same_training(eager, compiled, _batches(10, 4, 5, 2))
    assert compiled[1]._replay_step is not None


def test_inplace_ops_inside_the_step_are_replayed():
    def make():
        model = nn.Linear(3, 3)
        opt = optim.SGD(model.parameters(), lr=0.05)

        def step(x, y):
            h = model(x)
            h += 1.0
            h *= 0.5
            loss = ((h - y) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss

        return model, step

    rng = np.random.default_rng(0)
    batches = [
        (
            ts.tensor(rng.standard_normal((4, 3)).astype(np.float32)),
            ts.tensor(rng.standard_normal((4, 3)).astype(np.float32)),
        )
        for _ in range(8)
    ]
    eager, compiled = _twins(make)
    _assert_same_training(eager, compiled, batches)
    assert compiled[1]._replay_step is not None


@pytest.mark.parametrize(
    "what, body",
    [
        ("random numbers", lambda model, x: F.dropout(model(x), 0.5)),
        ("item()", lambda model, x: model(x) * float(model(x).sum().item() > 0)),
        ("a truth value", lambda model, x: model(x) if (model(x).sum() > -1e9) else model(x)),
    ],
)
def test_steps_the_tape_cannot_follow_run_eagerly_and_say_why(what, body):
    def make():
        model = nn.Linear(4, 2)
        opt = optim.SGD(model.parameters(), lr=0.1)

        def step(x, y):
            loss = F.cross_entropy(body(model, x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss

        return model, step

    eager, compiled = _twins(make)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ts.manual_seed(5)
        first = [compiled[1](x, y).item() for x, y in _batches(4, 6, 4, 2)]
    assert compiled[1].eager_reason is not None
    assert any("running eagerly" in str(w.message) for w in caught)
    ts.manual_seed(5)
    second = [eager[1](x, y).item() for x, y in _batches(4, 6, 4, 2)]
    assert first == second


def test_new_shapes_run_eagerly_with_a_warning():
    eager, compiled = _twins(_adam_step)
    batches = _batches(4, 8, 6, 3)
    _assert_same_training(eager, compiled, batches)
    with pytest.warns(RuntimeWarning, match="another shape"):
        _assert_same_training(eager, compiled, _batches(2, 5, 6, 3, seed=9))
    _assert_same_training(eager, compiled, batches)  # back on the tape


def test_switching_a_module_to_eval_leaves_the_tape():
    def make():
        model = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 2))
        opt = optim.SGD(model.parameters(), lr=0.1)
        model.eval()

        def step(x, y):
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss

        return model, step

    eager, compiled = _twins(make)
    batches = _batches(4, 6, 4, 2)
    _assert_same_training(eager, compiled, batches)
    assert compiled[1]._replay_step is not None
    eager[0].train()
    compiled[0].train()
    with pytest.warns(RuntimeWarning, match="train\\(\\) and eval\\(\\)"):
        ts.manual_seed(3)
        a = compiled[1](*batches[0])
    ts.manual_seed(3)
    b = eager[1](*batches[0])
    np.testing.assert_array_equal(a.array, b.array)


def test_compile_of_a_module_returns_it_and_accepts_pytorchs_arguments():
    model = nn.Linear(2, 2)
    assert ts.compile(model) is model
    assert ts.compile(model, mode="max-autotune", fullgraph=True) is model

    @ts.compile
    def double(x):
        return x * 2

    for _ in range(3):
        np.testing.assert_array_equal(double(ts.ones(2)).array, [2.0, 2.0])


def test_results_that_still_need_their_graph_are_not_captured():
    model = nn.Linear(2, 1)
    forward = ts.compile(lambda x: model(x).sum())
    with pytest.warns(RuntimeWarning, match="still needs its graph"):
        for _ in range(3):
            out = forward(ts.ones(4, 2))
            out.backward()  # the caller's backward still works
    assert forward.eager_reason is not None
    assert model.weight.grad is not None


def _three_calls_then(step, first_args, then_args, eager):
    """Two recording calls, a third with other values: the compiled result must equal the
    eager one (falling back to eager is fine, a stale tape is not)."""
    compiled = ts.compile(step)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compiled(*first_args)
        compiled(*first_args)
        got = compiled(*then_args)
    return got, eager(*then_args)


def test_an_index_from_the_arguments_is_not_frozen_into_the_tape():
    w = ts.tensor([1.0, 2.0, 3.0], requires_grad=True)

    def step(x, idx):
        loss = (x[idx] * w[:2]).sum()
        loss.backward()
        return loss

    x = ts.tensor([1.0, 2.0, 3.0])
    got, want = _three_calls_then(step, (x, ts.tensor([0, 1])), (x, ts.tensor([2, 2])), step)
    assert got.item() == want.item() == 9.0


def test_a_value_computed_outside_the_ops_is_not_frozen():
    w = ts.tensor([1.0, 2.0, 3.0], requires_grad=True)

    def step(x, t):
        loss = (x * w).sum() * (t > 0.3)
        loss.backward()
        return loss

    x = ts.ones(3)
    got, want = _three_calls_then(step, (x, ts.tensor(0.5)), (x, ts.tensor(0.1)), step)
    assert got.item() == want.item() == 0.0


def test_gradients_into_an_argument_are_not_replayed_into_the_old_one():
    w = ts.tensor([1.0, 2.0, 3.0])
    compiled = ts.compile(lambda x: (x * w).sum().backward())
    x = ts.ones(3, requires_grad=True)
    x2 = ts.ones(3, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compiled(x)
        compiled(x)
        compiled(x2)
    np.testing.assert_array_equal(x2.grad.array, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(x.grad.array, [2.0, 4.0, 6.0])


def test_a_replaced_parameter_or_a_new_hook_leaves_the_tape():
    def make():
        model = nn.Linear(3, 1)
        opt = optim.SGD(model.parameters(), lr=0.1)

        def step(x):
            loss = model(x).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss

        return model, step

    ts.manual_seed(0)
    model, step = make()
    compiled = ts.compile(step)
    x = ts.ones(2, 3)
    for _ in range(3):
        compiled(x)
    assert compiled._replay_step is not None
    model.weight = nn.Parameter(ts.zeros(1, 3))
    bias = model.bias.item()
    with pytest.warns(RuntimeWarning, match="parameter was replaced"):
        out = compiled(x)
    assert out.item() == pytest.approx(2 * bias)  # the new zero weight was used


def test_a_replayed_backward_of_one_root_given_twice_seeds_it_once_each_time():
    # backward([y, y]) adds both seeds into y's node: eager and replay must agree (a replay
    # that recorded the summed seed per root counted it twice)
    w = ts.tensor([3.0, 4.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.0)

    def step(x):
        opt.zero_grad()
        y = (w * x).sum()
        ts.autograd.backward([y, y])
        return y

    compiled = ts.compile(step)
    x = ts.tensor([1.0, 1.0])
    for _ in range(4):  # two recordings, then replays
        compiled(x)
        np.testing.assert_array_equal(w.grad.array, [2.0, 2.0])


def test_grad_set_to_none_by_hand_inside_the_step_is_replayed():
    # a hand-written SGD loop clears .grad itself; the replay must clear it too, or each
    # step would add its gradient to the last one's
    def make():
        model = nn.Linear(4, 2)
        opt = optim.SGD(model.parameters(), lr=0.1)

        def step(x, y):
            for p in model.parameters():
                p.grad = None
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss

        return model, step

    eager, compiled = _twins(make)
    _assert_same_training(eager, compiled, _batches(4, 6, 4, 2))
    assert compiled[1]._replay_step is not None


def test_a_tensor_assigned_to_grad_inside_the_step_runs_eagerly():
    def make():
        model = nn.Linear(4, 2)
        opt = optim.SGD(model.parameters(), lr=0.1)

        def step(x, y):
            for p in model.parameters():
                p.grad = ts.zeros_like(p)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss

        return model, step

    eager, compiled = _twins(make)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _assert_same_training(eager, compiled, _batches(4, 6, 4, 2))
    assert "assigned to .grad" in compiled[1].eager_reason
    assert any("running eagerly" in str(w.message) for w in caught)


def test_the_replay_is_the_generated_function_and_matches_eager():
    eager, compiled = _twins(_adam_step)
    step = compiled[1]
    batches = _batches(6, 8, 6, 3)
    for x, y in batches[:2]:  # the two recorded calls
        np.testing.assert_array_equal(eager[1](x, y).array, step(x, y).array)
    generated, calls = step._replay_step, []
    step._replay_step = lambda *arrays: calls.append(len(arrays)) or generated(*arrays)
    for x, y in batches[2:]:
        np.testing.assert_array_equal(eager[1](x, y).array, step(x, y).array)
    assert calls == [2] * 4  # every later call ran the generated code, on both arguments
    assert generated.__code__.co_filename.startswith("<compiled step")


def test_source_names_each_op_of_a_small_mlp_step_once():
    _, step = _twins(_adam_step)[1]
    with pytest.raises(RuntimeError, match="no captured step yet"):
        step.source()
    for x, y in _batches(3, 8, 6, 3):
        step(x, y)
    source = step.source()
    lines = source.splitlines()
    assert lines[0] == "def step(a0, a1):"
    forwards = [line for line in lines if "_forward(" in line]
    assert [line.split("# ")[1].split(" ->")[0] for line in forwards] == [
        "Linear",
        "ReLU",
        "Linear",
        "CrossEntropy",
    ]
    for name in ("CrossEntropy", "Linear", "ReLU"):
        assert "per_input(n" in source and f"{name}_backward(" in source
    # the backward lines run the engine's own rules (ARCHITECTURE.md), not copies of them
    env = step._replay_step.__globals__
    assert env["per_input"] is autograd._per_input
    assert env["grad_into"].__module__ == codegen.__name__
    assert {"_edge_gradient", "_plus"} <= set(env["grad_into"].__code__.co_names)
    assert source.index("# Adam.zero_grad") < source.index("# backward: 4 nodes, 4 leaves")
    assert source.index("# backward:") < source.index("# Adam.step")
    compile(source, "<test>", "exec")  # the text is the Python that runs
    # the quick check of a call, generated beside it: these arguments pass, a batch of
    # another size does not (the full check then runs the step eagerly, with a warning)
    assert "def step_fits(a0, a1):" in source and "a0.array.shape == (8, 6)" in source
    x, y = _batches(1, 8, 6, 3)[0]
    assert step._fits(x, y) is True
    assert step._fits(*_batches(1, 5, 6, 3)[0]) is False


def test_a_generated_step_keeps_eager_bits_with_a_shared_weight_and_adamw_amsgrad():
    # float64, a weight used twice (two gradients summed into one leaf), a 0-d op between
    # the loss terms, and AdamW with amsgrad: the replay's gradients and updates stay eager's
    def make():
        model = nn.Sequential(nn.Linear(5, 5), nn.Tanh(), nn.Linear(5, 2)).double()
        opt = optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.1, amsgrad=True)

        def step(x, y):
            h = model[1](model[0](x))
            h = model[1](model[0](h))  # the first layer's weight twice
            logits = model[2](h)
            loss = F.cross_entropy(logits, y) + logits.pow(2).mean() * 0.5
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss

        return model, step

    rng = np.random.default_rng(3)
    batches = [
        (ts.tensor(rng.standard_normal((7, 5))), ts.tensor(rng.integers(0, 2, 7))) for _ in range(8)
    ]
    eager, compiled = _twins(make)
    for x, y in batches:
        a, b = eager[1](x, y), compiled[1](x, y)
        np.testing.assert_array_equal(a.array, b.array)
        for p, q in zip(eager[0].parameters(), compiled[0].parameters()):
            np.testing.assert_array_equal(p.grad.array, q.grad.array)
            np.testing.assert_array_equal(p.array, q.array)
    assert compiled[1]._replay_step is not None
    assert "AdamW.step" in compiled[1].source()


def test_a_lambda_or_a_step_named_like_a_name_of_the_source_replays_like_eager():
    def make(name):
        w = ts.tensor([1.0, -2.0, 0.5], requires_grad=True)
        opt = optim.SGD([w], lr=0.1, momentum=0.9)

        def body(x):
            opt.zero_grad()
            y = (w * x).tanh().sum()
            y.backward()
            opt.step()
            return y

        body.__name__ = name
        return w, body

    x = ts.tensor([0.3, 0.2, -0.1])
    for name in ("wrap", "array", "s0", "<lambda>"):
        (w1, eager), (w2, step) = make(name), make(name)
        compiled = ts.compile(step)
        for _ in range(5):
            np.testing.assert_array_equal(eager(x).array, compiled(x).array)
        np.testing.assert_array_equal(w1.array, w2.array)
        assert compiled.source().startswith(("def compiled_step(a0):", "def s0_(a0):"))


def test_an_array_function_with_setup_context_replays_through_it():
    def make():
        w = ts.tensor([0.5, -1.0, 2.0], dtype=ts.float64, requires_grad=True)
        opt = optim.SGD([w], lr=0.01)

        def step(x):
            opt.zero_grad()
            loss = CubeOnArraysWithSetup.apply(w * x).sum()
            loss.backward()
            opt.step()
            return loss

        return w, step

    (w1, eager), (w2, step) = make(), make()
    compiled = ts.compile(step)
    for k in range(5):
        x = ts.tensor([1.0 + k, 2.0, -1.0], dtype=ts.float64)
        np.testing.assert_array_equal(eager(x).array, compiled(x).array)
        np.testing.assert_array_equal(w1.array, w2.array)
    assert "CubeOnArraysWithSetup_setup_context(n1, (s0,), s1)" in compiled.source()


def test_a_step_captured_with_a_keyword_argument_is_not_replayed_for_a_positional_call():
    w = ts.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)

    def step(x, scale=None, *, target):
        opt.zero_grad()
        y = ((w * x - target) ** 2).sum() if scale is None else (w * scale).sum()
        y.backward()
        opt.step()
        return y

    compiled = ts.compile(step)
    x, t = ts.tensor([1.0, 1.0]), ts.tensor([0.5, 0.5])
    for _ in range(3):
        compiled(x, target=t)
    assert compiled._replay_step is not None and compiled._fits is None
    # as many arguments, all positional: the call step(x, t) itself, which lacks target
    with pytest.warns(RuntimeWarning, match="another shape"):
        with pytest.raises(TypeError, match="target"):
            compiled(x, t)


def test_a_captured_step_that_stacks_its_arguments_replays_on_new_values():
    def batch(x, y):
        return ts.stack([x, y, x * 2], dim=1)

    step = ts.compile(batch)
    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # captured: no fallback to eager
        for _ in range(4):
            x, y = (ts.tensor(rng.standard_normal(5).astype(np.float32)) for _ in range(2))
            out = step(x, y)
            expected = np.stack([x.numpy(), y.numpy(), 2 * x.numpy()], 1)
            np.testing.assert_array_equal(out.numpy(), expected)
