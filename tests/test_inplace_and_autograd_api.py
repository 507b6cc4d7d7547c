"""In-place operations, version counters, hooks, autograd.grad, custom Functions and
per-thread grad mode, each as PyTorch documents it."""

import threading

import numpy as np
import pytest

import tinygrad_scores as ts

# ----------------------------------------------------------------------------- in place


@pytest.mark.parametrize(
    "op, expected",
    [
        (lambda x: x.__iadd__(1), [2.0, 3.0]),
        (lambda x: x.__isub__(ts.tensor([1.0, 1.0])), [0.0, 1.0]),
        (lambda x: x.__imul__(2), [2.0, 4.0]),
        (lambda x: x.__itruediv__(2), [0.5, 1.0]),
        (lambda x: x.add_(ts.tensor([1.0, 1.0]), alpha=3), [4.0, 5.0]),
        (lambda x: x.sub_(1), [0.0, 1.0]),
        (lambda x: x.mul_(3), [3.0, 6.0]),
        (lambda x: x.div_(4), [0.25, 0.5]),
        (lambda x: x.zero_(), [0.0, 0.0]),
        (lambda x: x.fill_(7), [7.0, 7.0]),
        (lambda x: x.copy_(ts.tensor([5.0, 6.0])), [5.0, 6.0]),
        (lambda x: x.exp_(), list(np.exp([1.0, 2.0]).astype(np.float32))),
    ],
)
def test_inplace_ops_change_storage_and_keep_identity(op, expected):
    x = ts.tensor([1.0, 2.0])
    alias = x
    view = x.array
    out = op(x)
    assert out is x and alias is x
    np.testing.assert_allclose(view, expected, rtol=1e-6)  # the same storage was written
    assert x._version == 1


def test_augmented_assignment_keeps_aliases_in_step():
    x = ts.ones(3)
    y = x
    x += 1
    assert y is x
    np.testing.assert_array_equal(y.array, [2.0, 2.0, 2.0])


def test_manual_sgd_in_no_grad_trains_the_parameters():
    """The most common loop in PyTorch tutorials."""
    ts.manual_seed(0)
    w = ts.randn(3, requires_grad=True)
    target = ts.tensor([1.0, -2.0, 0.5])
    for _ in range(200):
        loss = ((w - target) ** 2).sum()
        loss.backward()
        with ts.no_grad():
            w -= 0.1 * w.grad
            w.grad.zero_()
    assert w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.array, target.array, atol=1e-4)


def test_inplace_on_leaf_that_requires_grad_raises_in_grad_mode():
    w = ts.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(
        RuntimeError,
        match="a leaf Variable that requires grad is being used in an in-place operation",
    ):
        w += 1
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w.mul_(2)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w[0] = 3.0


def test_inplace_on_leaf_under_no_grad_keeps_it_a_leaf():
    w = ts.tensor([1.0, 2.0], requires_grad=True)
    with ts.no_grad():
        w.add_(1)
        w[0] = 10.0
    assert w.is_leaf and w.requires_grad and w.grad_fn is None
    np.testing.assert_array_equal(w.array, [10.0, 3.0])
    (w * 2).sum().backward()
    np.testing.assert_array_equal(w.grad.array, [2.0, 2.0])


def test_inplace_on_non_leaf_is_recorded_in_the_graph():
    a = ts.tensor([1.0, 2.0], requires_grad=True)
    b = ts.tensor([3.0, 4.0], requires_grad=True)
    c = a * b
    c += 1
    assert c.grad_fn.name() == "AddBackward0"  # PyTorch: the in-place op's node
    c.sum().backward()
    np.testing.assert_array_equal(a.grad.array, [3.0, 4.0])
    np.testing.assert_array_equal(b.grad.array, [1.0, 2.0])


def test_inplace_multiply_by_a_tensor_that_requires_grad():
    a = ts.tensor([1.0, 2.0], requires_grad=True)
    d = ts.tensor([5.0, 7.0], requires_grad=True)
    c = a * 1
    c *= d  # the old values of c are needed for d's gradient
    c.sum().backward()
    np.testing.assert_array_equal(d.grad.array, [1.0, 2.0])
    np.testing.assert_array_equal(a.grad.array, [5.0, 7.0])


def test_setitem_on_non_leaf_routes_gradients():
    x = ts.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = ts.tensor(10.0, requires_grad=True)
    y = x * 2
    y[1] = v * 3
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.array, [2.0, 0.0, 2.0])
    assert v.grad.item() == 3.0


def test_setitem_into_plain_tensor_from_a_graph_value():
    out = ts.zeros(3)
    x = ts.tensor(2.0, requires_grad=True)
    out[0] = x * x
    assert out.requires_grad and not out.is_leaf
    out.sum().backward()
    assert x.grad.item() == 4.0


def test_modified_saved_tensor_is_caught_by_the_version_counter():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()  # exp saves its output
    y += 1
    with pytest.raises(
        RuntimeError,
        match="one of the variables needed for gradient "
        "computation has been modified by an inplace "
        "operation",
    ):
        y.sum().backward()


def test_modified_saved_input_is_caught():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    h = x * 1
    z = h * h  # saves h
    h.add_(1)
    with pytest.raises(RuntimeError, match="is at version 1; expected version 0"):
        z.sum().backward()


def test_inplace_on_a_tensor_nobody_saved_is_fine():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    h = x + 1  # Add saves nothing
    z = h + 2
    h.mul_(2)
    z.sum().backward()
    np.testing.assert_array_equal(x.grad.array, [1.0, 1.0])


def test_inplace_type_errors_match_pytorch():
    i = ts.tensor([1, 2])
    with pytest.raises(
        RuntimeError, match="result type Float can't be cast to the desired output type Long"
    ):
        i += 1.5
    with pytest.raises(RuntimeError, match="result type Float"):
        i /= 2
    i += 2
    np.testing.assert_array_equal(i.array, [3, 4])


def test_data_is_a_tensor_sharing_storage_outside_the_graph():
    p = ts.tensor([1.0, 2.0], requires_grad=True)
    d = p.data
    assert isinstance(d, ts.Tensor) and not d.requires_grad and d.grad_fn is None
    p.data -= 1  # allowed: .data is outside the graph
    np.testing.assert_array_equal(p.array, [0.0, 1.0])
    ts.manual_seed(0)
    p.data.normal_()
    assert not np.array_equal(p.array, [0.0, 1.0])
    c = p.data.clone()
    c += 1
    assert not np.array_equal(c.array, p.array)
    p.data = ts.zeros(4)  # replacing the storage, as PyTorch allows
    assert p.shape == (4,) and p.requires_grad
    np.testing.assert_array_equal(p.detach().numpy(), np.zeros(4))


def test_clamp_uniform_normal_in_place():
    x = ts.tensor([-2.0, 0.5, 3.0])
    assert x.clamp_(-1, 1) is x
    np.testing.assert_array_equal(x.array, [-1.0, 0.5, 1.0])
    ts.manual_seed(1)
    x.uniform_(2, 3)
    assert np.all((x.array >= 2) & (x.array < 3))
    x.normal_(5, 0.001)
    assert np.all(np.abs(x.array - 5) < 0.1)


# ----------------------------------------------------------------------------- hooks, grad


def test_register_hook_sees_and_replaces_the_gradient():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    y = x * 2
    handle = y.register_hook(lambda g: seen.append(g.array.copy()) or g * 10)
    (y * 3).sum().backward()
    np.testing.assert_array_equal(seen[0], [3.0, 3.0])
    np.testing.assert_array_equal(x.grad.array, [60.0, 60.0])
    handle.remove()
    x.grad = None
    y2 = x * 2
    (y2 * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.array, [6.0, 6.0])


def test_leaf_hook_runs_once_on_the_summed_gradient():
    x = ts.tensor([1.0], requires_grad=True)
    calls = []
    x.register_hook(lambda g: calls.append(g.item()))
    (x * 2 + x * 3).sum().backward()
    assert calls == [5.0]
    assert x.grad.item() == 5.0


def test_autograd_grad_first_order():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    y = ts.tensor([3.0], requires_grad=True)
    out = (x * x).sum() * y
    gx, gy = ts.autograd.grad(out, (x, y))
    np.testing.assert_array_equal(gx.array, [6.0, 12.0])
    np.testing.assert_array_equal(gy.array, [5.0])
    assert x.grad is None and y.grad is None
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        ts.autograd.grad((x * 2).sum(), [x, y])
    assert ts.autograd.grad((x * 2).sum(), [x, y], allow_unused=True)[1] is None


def test_autograd_grad_with_grad_outputs_and_retain_graph():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    (g,) = ts.autograd.grad(y, x, grad_outputs=ts.tensor([1.0, 10.0]), retain_graph=True)
    np.testing.assert_array_equal(g.array, [3.0, 30.0])
    (g,) = ts.autograd.grad(y.sum(), x)
    np.testing.assert_array_equal(g.array, [3.0, 3.0])


def test_autograd_grad_of_an_intermediate():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    out = (h * h).sum()
    (gh,) = ts.autograd.grad(out, h)
    np.testing.assert_array_equal(gh.array, [4.0, 8.0])


class MyCube(ts.autograd.Function):
    """A user's Function, written for PyTorch: tensors in and out."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x**2


class WrongShape(ts.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad_output):
        return ts.ones(3)


def test_custom_function_with_pytorchs_contract():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    y = MyCube.apply(x)
    np.testing.assert_array_equal(y.array, [1.0, 8.0])
    assert y.grad_fn.name() == "MyCubeBackward0"
    (y * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.array, [6.0, 24.0])


def test_custom_function_returning_a_wrong_shaped_gradient_gets_pytorchs_error():
    x = ts.ones(1000, 1000, requires_grad=True)
    y = WrongShape.apply(x)
    with pytest.raises(
        RuntimeError,
        match=r"Function WrongShapeBackward0 returned an invalid "
        r"gradient at index 0 - got \[3\] but expected shape "
        r"compatible with \[1000, 1000\]",
    ):
        y.relu().sum().backward()  # the check runs before the ReLU kernel sees it


def test_backward_inputs_argument_limits_accumulation():
    a = ts.tensor([1.0], requires_grad=True)
    b = ts.tensor([2.0], requires_grad=True)
    (a * b).sum().backward(inputs=[a])
    assert a.grad.item() == 2.0 and b.grad is None


# ----------------------------------------------------------------------------- grad mode


def test_set_grad_enabled_as_function_context_and_decorator():
    x = ts.tensor([1.0], requires_grad=True)
    ts.set_grad_enabled(False)
    try:
        assert not (x * 2).requires_grad
    finally:
        ts.set_grad_enabled(True)
    with ts.set_grad_enabled(False):
        assert not ts.is_grad_enabled()
    assert ts.is_grad_enabled()

    @ts.set_grad_enabled(False)
    def f():
        return ts.is_grad_enabled()

    assert ts.is_grad_enabled()
    assert f() is False and ts.is_grad_enabled()


def test_no_grad_bare_decorator_enable_grad_and_inference_mode():
    @ts.no_grad
    def f(t):
        with ts.enable_grad():
            inner = (t * 2).requires_grad
        return (t * 2).requires_grad, inner

    x = ts.tensor([1.0], requires_grad=True)
    assert f(x) == (False, True)
    with ts.inference_mode():
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad


def test_grad_mode_is_per_thread():
    x = ts.tensor([1.0], requires_grad=True)
    inside = threading.Event()
    release = threading.Event()
    results = {}

    def other_thread():
        with ts.no_grad():
            inside.set()
            release.wait(5)
            results["other"] = (x * 2).requires_grad

    t = threading.Thread(target=other_thread)
    t.start()
    inside.wait(5)
    results["main"] = (x * 2).requires_grad  # main thread's grad mode is untouched
    release.set()
    t.join()
    assert results == {"main": True, "other": False}
    assert ts.is_grad_enabled()


def test_two_threads_toggling_no_grad_leave_grad_mode_on():
    barrier = threading.Barrier(2)

    def worker():
        for _ in range(200):  # both threads wait the same number of times
            with ts.no_grad():
                barrier.wait(5)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ts.is_grad_enabled()


# ----------------------------------------------------------------------------- aliasing
# Found by the random-graph test: a .grad must never share its array with anything else,
# since .grad is accumulated and edited in place.


def test_retained_grad_and_leaf_grad_do_not_share_an_array():
    l0 = ts.tensor(np.zeros((3, 1)), requires_grad=True)
    l1 = ts.tensor(np.zeros((3, 1)), requires_grad=True)
    n2 = l0 * 0.5 + 1
    n3 = l1 * 0.5 + 1
    n3.retain_grad()
    (n3 + l0).sum(dim=0, keepdim=True).backward(ts.tensor([[0.0]]), retain_graph=True)
    n2.backward(ts.tensor([[0.0], [0.0], [1.0]]))
    np.testing.assert_array_equal(n3.grad.array.ravel(), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(l0.grad.array.ravel(), [0.0, 0.0, 0.5])


def test_fused_cross_entropy_gradient_is_not_shared_with_the_graph():
    import tinygrad_scores.nn.functional as F

    x = ts.randn(4, 3, requires_grad=True)
    y = ts.tensor([0, 1, 2, 0])
    loss = F.cross_entropy(x, y)
    loss.backward(retain_graph=True)
    first = x.grad.array.copy()
    x.grad.zero_()  # an in-place edit of .grad must not reach the saved rows
    loss.backward(retain_graph=True)
    loss.backward()
    np.testing.assert_allclose(x.grad.array, 2 * first, rtol=1e-6)


def test_retain_grad_survives_an_in_place_op():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h.retain_grad()
    h += 1
    assert h.retains_grad
    (h * 3).sum().backward()
    np.testing.assert_array_equal(h.grad.array, [3.0, 3.0])


@pytest.mark.parametrize(
    "value, error, message",
    [
        (
            lambda: ts.zeros(3),
            RuntimeError,
            r"assign a gradient of size '\[3\]' to a tensor of size '\[2\]'",
        ),
        (lambda: ts.zeros(1, 2), RuntimeError, r"of size '\[1, 2\]'"),
        (
            lambda: ts.zeros(2, dtype=ts.float64),
            RuntimeError,
            "with dtype 'Double' to a tensor with grad_dtype 'Float'",
        ),
        (
            lambda: [1.0, 2.0],
            TypeError,
            "assigned grad expected to be a Tensor or None but got grad of type list",
        ),
    ],
)
def test_assigning_grad_checks_it_as_pytorch_does(value, error, message):
    # a wrong .grad used to surface later as a NumPy ValueError in backward, or stay
    # float64 on a float32 tensor; PyTorch refuses it at the assignment
    p = ts.ones(2, requires_grad=True)
    with pytest.raises(error, match=message):
        p.grad = value()
    assert p.grad is None
    p.grad = ts.zeros(2)  # the right shape and dtype, and None, are taken
    (p * 2).sum().backward()
    assert p.grad.tolist() == [2.0, 2.0]
    p.grad = None
    assert p.grad is None
