"""One Function contract for the package's ops and users' (issue 21): the same forward /
setup_context / ctx / backward rules whichever values a Function computes on, tensors
(PyTorch's default) or NumPy arrays (``ArrayFunction``, as every op of the package)."""

import importlib
import inspect
import pkgutil

import numpy as np
import pytest

import tinygrad_scores as ts
from tinygrad_scores import functions
from tinygrad_scores.autograd import ArrayFunction, Function
from tinygrad_scores.functions import Mul

X = [0.5, -1.25, 2.0]


class CubeOnArrays(ArrayFunction):
    """A user's op on NumPy arrays: out = x**3;  dx = g * 3 x**2."""

    @staticmethod
    def forward(ctx, x):
        assert type(x) is np.ndarray
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x * x


class CubeOnTensors(Function):
    """The same op in PyTorch's form, with a separate setup_context (PyTorch 2)."""

    @staticmethod
    def forward(x):
        assert isinstance(x, ts.Tensor) and not ts.is_grad_enabled()
        return x * x * x

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x * x


class CubeOnArraysWithSetup(ArrayFunction):
    """setup_context works on arrays too: out = x**3;  dx = g * 3 x**2."""

    @staticmethod
    def forward(x):
        return x * x * x

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    backward = CubeOnArrays.backward


CUBES = [CubeOnArrays, CubeOnTensors, CubeOnArraysWithSetup]


def x64():
    return ts.tensor(X, dtype=ts.float64, requires_grad=True)


@pytest.mark.parametrize("cube", CUBES, ids=lambda c: c.__name__)
def test_first_and_second_derivative_whatever_the_values(cube):
    x = x64()
    y = cube.apply(x)
    assert y.grad_fn.name() == cube.__name__ + "Backward0"
    (g,) = ts.autograd.grad(y.sum(), x, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), 3 * np.array(X) ** 2)
    (h,) = ts.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), 6 * np.array(X))
    assert ts.autograd.gradgradcheck(cube.apply, (x64(),))


class CubeOnTensorsWithCtx(Function):
    """PyTorch's older form, ctx in forward: out = x**3;  dx = g * 3 x**2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    backward = CubeOnTensors.backward


@pytest.mark.parametrize(
    "kind", [CubeOnArrays, CubeOnTensorsWithCtx, Mul], ids=lambda c: c.__name__
)
def test_needs_input_grad_is_the_inputs_requires_grad_even_without_a_graph(kind):
    # PyTorch: under no_grad a custom Function's ctx.needs_input_grad still says which
    # inputs require grad
    seen = []

    class Spy(kind):
        @staticmethod
        def forward(ctx, *args):
            seen.append(ctx.needs_input_grad)
            return kind.forward(ctx, *args)

    args = (x64(),) if kind is not Mul else (x64(), ts.ones(3, dtype=ts.float64))
    with ts.no_grad():
        Spy.apply(*args)
    Spy.apply(*args)
    expected = (True,) if kind is not Mul else (True, False)
    assert seen == [expected, expected]


def test_needs_is_false_without_a_graph_so_nothing_is_saved():
    x = x64()
    with ts.no_grad():
        y = x * x
    assert y.grad_fn is None
    ctx = ts.autograd.Context(Mul, ())
    ctx.needs_input_grad = (True, True)
    assert not ctx.needs(0)


class TwoGradientsForOne(ArrayFunction):
    """out = 2x;  dx = 2g (but backward returns one gradient too many)."""

    @staticmethod
    def forward(ctx, x):
        return 2 * x

    @staticmethod
    def backward(ctx, grad):
        return 2 * grad, 2 * grad


class TwoGradientsForOneOnTensors(Function):
    forward = TwoGradientsForOne.forward
    backward = TwoGradientsForOne.backward


@pytest.mark.parametrize("kind", [TwoGradientsForOne, TwoGradientsForOneOnTensors])
def test_a_wrong_number_of_gradients_is_the_same_error(kind):
    with pytest.raises(
        RuntimeError, match=r"returned an incorrect number of gradients \(expected 1, got 2\)"
    ):
        kind.apply(x64()).sum().backward()


class NaNOnTensors(Function):
    @staticmethod
    def forward(ctx, x):
        return np.full(x.shape, np.nan)  # no op of the package sees this NaN

    @staticmethod
    def backward(ctx, grad):
        return grad


def test_anomaly_mode_checks_a_tensor_functions_forward_too():
    with ts.autograd.detect_anomaly(), pytest.raises(RuntimeError, match="NaNOnTensors"):
        NaNOnTensors.apply(ts.tensor([-1.0], requires_grad=True))


class Flatten(Function):
    """A view of the input in PyTorch's form: out = x.view(-1);  dx = g.view(x.shape)."""

    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        return x.view(-1)

    @staticmethod
    def backward(ctx, grad):
        return grad.view(ctx.shape)


def test_a_tensor_function_returning_a_view_shares_its_inputs_storage_and_version():
    # as PyTorch: the output is the input's storage, so changes to one are the other's
    x = ts.ones(2, 2)
    flat = Flatten.apply(x)
    x.add_(1)
    np.testing.assert_array_equal(flat.numpy(), 2 * np.ones(4))
    assert flat._version == x._version == 1
    w = ts.ones(2, 2, requires_grad=True)
    (Flatten.apply(w) * ts.arange(4.0)).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [[0.0, 1.0], [2.0, 3.0]])


def test_a_users_array_function_is_captured_by_compile():
    # an ArrayFunction's forward runs on arrays, so a compiled step can replay it (a
    # Function on tensors runs tensor code the tape does not see, and stays eager)
    w = ts.tensor(X, dtype=ts.float64, requires_grad=True)
    opt = ts.optim.SGD([w], lr=0.0)

    def step(x):
        opt.zero_grad()
        loss = CubeOnArrays.apply(w * x).sum()
        loss.backward()
        return loss

    compiled = ts.compile(step)
    for k in range(4):
        x = ts.tensor([1.0 + k, 2.0, -1.0], dtype=ts.float64)
        loss = compiled(x)
        expected = (np.array(X) * x.numpy()) ** 3
        np.testing.assert_array_equal(loss.item(), expected.sum())
        np.testing.assert_allclose(w.grad.numpy(), 3 * expected / np.array(X))
    assert compiled._replay_step is not None and compiled.eager_reason is None


class ScaleOnArrays(ArrayFunction):
    """out = s * x for a number s;  dx = s g (ds: None, and a trailing None beyond)."""

    @staticmethod
    def forward(ctx, x, s):
        ctx.s = s
        return s * x

    @staticmethod
    def backward(ctx, grad):
        return ctx.s * grad, None, None


def test_trailing_nones_past_the_inputs_are_allowed_on_arrays_too():
    x = x64()
    ScaleOnArrays.apply(x, 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0, 3.0])


class SeesItsGradient(ArrayFunction):
    """out = x;  dx = g (and it records what class of gradient it was handed)."""

    seen: list = []

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        SeesItsGradient.seen.append(type(grad))
        return grad


def test_a_gradient_summed_back_to_a_0d_input_is_an_array_not_a_numpy_scalar():
    # x (0-d) is broadcast against a vector: its gradient is summed back to shape (),
    # and the op below it must still be handed an ndarray (a NumPy scalar broke add_at)
    x = ts.tensor(2.0, dtype=ts.float64, requires_grad=True)
    (SeesItsGradient.apply(x * 1) * ts.ones(3, dtype=ts.float64)).sum().backward()
    assert SeesItsGradient.seen[-1] is np.ndarray
    assert type(x.grad.array) is np.ndarray and x.grad.item() == 3.0


def test_every_op_of_the_package_is_an_array_function():
    # ARCHITECTURE.md: every differentiable op in functions/ is one ArrayFunction class
    ops = [
        cls
        for info in pkgutil.iter_modules(functions.__path__)
        for _, cls in inspect.getmembers(
            importlib.import_module(f"{functions.__name__}.{info.name}"), inspect.isclass
        )
        if issubclass(cls, Function) and cls.__module__.startswith(functions.__name__ + ".")
    ]
    assert len(ops) > 100
    assert [cls.__name__ for cls in ops if not issubclass(cls, ArrayFunction)] == []


class ExpSavingItsOutput(Function):
    """PyTorch's documentation's example, in PyTorch 2's form: out = exp(x), saved by
    setup_context;  dx = g * out."""

    @staticmethod
    def forward(x):
        return x.exp()

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.saved_tensors[0]


def test_a_tensor_functions_saved_output_is_its_output():
    """As PyTorch: the saved output is the tensor apply returns, so a change to it in
    place is caught (it gave a silently wrong gradient) and a second derivative flows
    through it (it said 'does not require grad')."""
    x = ts.tensor([0.0, 1.0], dtype=ts.float64, requires_grad=True)
    y = ExpSavingItsOutput.apply(x)
    y.mul_(0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    (g,) = ts.autograd.grad(ExpSavingItsOutput.apply(x).sum(), [x], create_graph=True)
    (h,) = ts.autograd.grad(g.sum(), [x])
    np.testing.assert_allclose(h.numpy(), np.exp([0.0, 1.0]), rtol=1e-15)


def test_two_gradients_of_a_0d_intermediate_sum_to_an_array_not_a_numpy_scalar():
    # s is used twice (s * s): its two gradients are summed before its own backward runs,
    # and 0-d + 0-d in NumPy is a scalar; the backward below must still get an ndarray,
    # eagerly and in a compiled step's generated replay
    x = ts.tensor(3.0, dtype=ts.float64, requires_grad=True)
    s = SeesItsGradient.apply(x * 1)
    (s * s).backward()
    assert SeesItsGradient.seen[-1] is np.ndarray and x.grad.item() == 6.0
    v = ts.tensor([1.0, 2.0], dtype=ts.float64, requires_grad=True)
    (v[0] * v[0]).backward()  # GetItem's backward scatters the summed 0-d gradient
    assert v.grad.tolist() == [2.0, 0.0]
    opt = ts.optim.SGD([x], lr=0.0)

    def step():
        opt.zero_grad()
        s = SeesItsGradient.apply(x * 1)
        (s * s).backward()

    compiled = ts.compile(step)
    for _ in range(3):
        SeesItsGradient.seen.clear()
        compiled()
        assert SeesItsGradient.seen == [np.ndarray] and x.grad.item() == 6.0
    assert compiled._replay_step is not None
