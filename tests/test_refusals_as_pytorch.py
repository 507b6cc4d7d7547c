"""Inputs PyTorch refuses, refused the same way (error type and message), and the edge
results it gives where NumPy would differ. Every expectation below is PyTorch 2.13's, run on
the same inputs (/tmp scripts, not part of the tests: torch is never imported here)."""

import numpy as np
import pytest
from strategies import leaf

import tinygrad_scores as ts
from tinygrad_scores.autograd import gradgradcheck

E = ts.tensor([])  # 1-D, empty
Z = ts.tensor(2.5)  # 0-d
I = ts.tensor([[3, -1, 2], [0, 5, -4]])  # noqa: E741  (int64)
B = ts.tensor([True, False, True])
F = ts.tensor([[1.5, -2.0], [0.25, 4.0]])

REFUSED = [
    (lambda: E.amax(), RuntimeError, r"amax\(\): Expected reduction dim to be specified for "),
    (lambda: E.amin(), RuntimeError, r"amin\(\): Expected reduction dim to be specified"),
    (lambda: ts.zeros(0, 3).amax(0), IndexError, r"amax\(\): Expected reduction dim 0 to have"),
    (lambda: E.aminmax(), RuntimeError, r"aminmax\(\): cannot compute aminmax over an empty"),
    (lambda: E.argmax(), IndexError, r"argmax\(\): Expected reduction dim to be specified"),
    (lambda: B.argmax(), RuntimeError, r"argmax\(\): does not support bool input"),
    (lambda: B.argmin(), RuntimeError, r"argmin\(\): does not support bool input"),
    (lambda: ~F, TypeError, r"~ \(operator.invert\) is only implemented on integer and Boolean"),
    (
        lambda: F.bitwise_not(),
        NotImplementedError,
        "\"bitwise_not_cpu\" not implemented for 'Float'",
    ),
    (
        lambda: F.double() & F.double(),
        NotImplementedError,
        "\"bitwise_and_cpu\" not implemented for 'Double'",
    ),
    (lambda: F | 1, NotImplementedError, "\"bitwise_or_cpu\" not implemented for 'Float'"),
    (lambda: E.tril(), RuntimeError, "tril: input tensor must have at least 2 dimensions"),
    (lambda: Z.triu(), RuntimeError, "triu: input tensor must have at least 2 dimensions"),
    (lambda: ts.outer(F, F), RuntimeError, "outer: Expected 1-D argument self, but got 2-D"),
    (lambda: ts.outer(E, F), RuntimeError, "outer: Expected 1-D argument vec2, but got 2-D"),
    (lambda: Z.chunk(2), RuntimeError, "chunk expects at least a 1-dimensional tensor"),
    (lambda: Z.split(1), RuntimeError, "split expects at least a 1-dimensional tensor"),
    (lambda: Z.diff(), RuntimeError, "diff expects input to be at least one-dimensional"),
    (lambda: I.norm(), RuntimeError, r"linalg.vector_norm: Expected a floating point .* Got Long"),
    (lambda: B.norm(), RuntimeError, r"linalg.vector_norm: Expected a floating point .* Got Bool"),
    (lambda: I.frac(), NotImplementedError, "\"frac_cpu\" not implemented for 'Long'"),
    (lambda: B.frac(), NotImplementedError, "\"frac_cpu\" not implemented for 'Bool'"),
    (lambda: B.median(), NotImplementedError, "\"median_cpu\" not implemented for 'Bool'"),
    (lambda: B.topk(1), RuntimeError, "topk does not support bool dtypes on CPU"),
    (lambda: B.kthvalue(1), NotImplementedError, "\"kthvalue_cpu\" not implemented for 'Bool'"),
    (lambda: B.abs(), NotImplementedError, "\"abs_cpu\" not implemented for 'Bool'"),
    (lambda: B.round(), NotImplementedError, "\"round_vml_cpu\" not implemented for 'Bool'"),
    (lambda: B.trunc(), NotImplementedError, "\"trunc_vml_cpu\" not implemented for 'Bool'"),
    (lambda: B.floor(), NotImplementedError, "\"floor_vml_cpu\" not implemented for 'Bool'"),
    (lambda: B.ceil(), NotImplementedError, "\"ceil_vml_cpu\" not implemented for 'Bool'"),
    (lambda: B @ B, NotImplementedError, "\"dot\" not implemented for 'Bool'"),
    (lambda: B.dot(B), NotImplementedError, "\"dot\" not implemented for 'Bool'"),
    (
        lambda: ts.ones(2, 2, dtype=ts.bool) @ ts.ones(2, 2, dtype=ts.bool),
        NotImplementedError,
        "addmm_impl_cpu_",
    ),
    (
        lambda: ts.ones(2, 2, 3, dtype=ts.bool) @ ts.ones(2, 3, 2, dtype=ts.bool),
        NotImplementedError,
        '"bmm"',
    ),
    (
        lambda: ts.ones(2, 2, dtype=ts.bool).trace(),
        NotImplementedError,
        "\"trace\" not implemented for 'Bool'",
    ),
    (
        lambda: ts.lerp(I, I, 0.5),
        NotImplementedError,
        "\"lerp_kernel_scalar\" not implemented for 'Long'",
    ),
    (lambda: I**-1, RuntimeError, "Integers to negative integer powers are not allowed."),
    (lambda: I.pow(-2), RuntimeError, "Integers to negative integer powers are not allowed."),
    (lambda: ts.tensor([True]) ** -1, RuntimeError, "Integers to negative integer powers"),
    (lambda: I % 0, RuntimeError, "ZeroDivisionError"),
    (lambda: ts.tensor([1, 2]) % ts.tensor([0, 1]), RuntimeError, "ZeroDivisionError"),
    (lambda: ts.tensor([1, 2]).fmod(ts.tensor([1, 0])), RuntimeError, "ZeroDivisionError"),
    (lambda: B % B, NotImplementedError, "\"remainder_cpu\" not implemented for 'Bool'"),
]


@pytest.mark.parametrize("call, error, message", REFUSED)
def test_refused_as_pytorch_refuses(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_edge_results_are_pytorchs():
    assert B.diff().tolist() == [True, True]  # bool: whether neighbours differ
    assert ts.tensor([True, False, True, True]).diff(n=2).tolist() == [False, True]
    assert [tuple(c.shape) for c in E.chunk(2)] == [(0,), (0,)]  # `chunks` empty pieces
    assert [tuple(c.shape) for c in ts.zeros(0, 3).chunk(3)] == [(0, 3)] * 3
    assert [tuple(c.shape) for c in E.split(2)] == [(0,)]
    assert tuple(Z.nonzero().shape) == (1, 0)  # one nonzero element, no coordinates
    assert tuple(ts.tensor(0.0).nonzero().shape) == (0, 0)
    assert [t.tolist() for t in Z.nonzero(as_tuple=True)] == [[0]]
    assert tuple(Z.argwhere().shape) == (1, 0)
    # a tensor exponent below 0 on integers: 1, -1 or 0 (PyTorch's integer pow), no error
    base = ts.tensor([2, 1, -1, -1, 3, 0])
    assert (base ** ts.tensor([-1, -3, -1, -2, 0, -1])).tolist() == [0, 1, -1, 1, 1, 0]
    assert (ts.tensor([True, False]) ** ts.tensor([-1, -1])).tolist() == [1, 0]
    assert (2 ** ts.tensor([-1, 1])).tolist() == [0, 2]
    assert (I**-1.0).dtype == ts.float32  # a float exponent promotes
    assert (I % 3).tolist() == [[0, 2, 2], [0, 2, 2]]
    np.testing.assert_array_equal((F // 1).numpy(), np.floor(F.numpy()))


@pytest.mark.parametrize(
    "data, error, message",
    [
        (None, RuntimeError, "Could not infer dtype of NoneType"),
        ([1.5, None], RuntimeError, "Could not infer dtype of NoneType"),
        ({}, RuntimeError, "Could not infer dtype of dict"),
        (object(), RuntimeError, "Could not infer dtype of object"),
        ("abc", TypeError, "new\\(\\): invalid data type 'str'"),
        ([1, "a"], TypeError, "new\\(\\): invalid data type 'str'"),
        (["a"], ValueError, "too many dimensions 'str'"),
        ([[1, 2], [3]], ValueError, "expected sequence of length 2 at dim 1 \\(got 1\\)"),
        ([[1], []], ValueError, "expected sequence of length 1 at dim 1 \\(got 0\\)"),
        ([[[1], [2]], [[3], [4, 5]]], ValueError, "expected sequence of length 1 at dim 2"),
    ],
)
def test_tensor_refuses_data_as_pytorch(data, error, message):
    with pytest.raises(error, match=message):
        ts.tensor(data)
    assert tuple(ts.tensor([[], []]).shape) == (2, 0)  # empty rows of one length: fine


def test_tensor_unfold_windows_gradient_and_errors():
    x = ts.arange(7.0)
    assert x.unfold(0, 3, 2).tolist() == [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
    grid = ts.arange(12.0).reshape(3, 4)
    assert tuple(grid.unfold(1, 2, 1).shape) == (3, 3, 2)  # shapes PyTorch 2.13 gives
    assert tuple(grid.unfold(0, 2, 1).shape) == (2, 4, 2)
    assert grid.unfold(0, 2, 1)[1, 3].tolist() == [7.0, 11.0]  # rows 1, 2 of column 3
    assert ts.tensor(5.0).unfold(0, 1, 1).tolist() == [5.0]
    assert tuple(ts.zeros(0).unfold(0, 0, 1).shape) == (1, 0)
    y = ts.arange(6.0, requires_grad=True)
    y.unfold(0, 3, 1).sum().backward()
    assert y.grad.tolist() == [1, 2, 3, 3, 2, 1]  # how many windows hold each element
    w = leaf(np.random.default_rng(0).standard_normal((3, 5)))
    assert ts.gradcheck(lambda t: t.unfold(1, 2, 2) ** 2, [w])
    assert gradgradcheck(lambda t: t.unfold(1, 2, 2) ** 2, [w])
    for call, message in [
        (lambda: x.unfold(0, 8, 1), "maximum size for tensor at dimension 0 is 7 but size is 8"),
        (lambda: x.unfold(0, 2, 0), "step is 0 but must be > 0"),
        (lambda: x.unfold(0, -1, 1), "size is -1 but must be >= 0"),
    ]:
        with pytest.raises(RuntimeError, match=message):
            call()


def test_softmax_without_dim_takes_pytorchs_implicit_dim_and_warns():
    x2, x3 = ts.randn(2, 3), ts.randn(2, 3, 4)
    for fn, name in (
        (ts.nn.functional.softmax, "softmax"),
        (ts.nn.functional.log_softmax, "log_softmax"),
    ):
        with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name}"):
            out = fn(x2)
        np.testing.assert_allclose(out.numpy(), fn(x2, dim=1).numpy())  # 2-D: dim 1
        with pytest.warns(UserWarning):
            np.testing.assert_allclose(fn(x3).numpy(), fn(x3, dim=0).numpy())  # 3-D: dim 0
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin"):
        np.testing.assert_allclose(
            ts.nn.functional.softmin(x2).numpy(), ts.nn.functional.softmin(x2, 1).numpy()
        )
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = ts.nn.Softmax()(ts.tensor([1.0, 2.0]))  # 1-D: dim 0
    np.testing.assert_allclose(y.numpy(), [0.26894142, 0.73105858], rtol=1e-6)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda F: F.cross_entropy(ts.ones(2, 3, dtype=ts.int64), ts.tensor([0, 1])),
            NotImplementedError,
            "\"log_softmax_lastdim_kernel_impl\" not implemented for 'Long'",
        ),
        (
            lambda F: F.cross_entropy(ts.randn(2, 3), ts.tensor([0.5, 1.0])),
            RuntimeError,
            "expected target dtype to be Long or Byte, but got Float",
        ),
        (
            lambda F: F.cross_entropy(ts.randn(2, 3), ts.tensor([True, False])),
            RuntimeError,
            "expected target dtype to be Long or Byte, but got Bool",
        ),
        (
            lambda F: F.cross_entropy(ts.tensor(1.0), ts.tensor(0)),
            RuntimeError,
            "at least one dimension",
        ),
        (
            lambda F: F.nll_loss(ts.ones(2, 3, dtype=ts.int64), ts.tensor([0, 1])),
            NotImplementedError,
            "\"nll_loss_out_frame\" not implemented for 'Long'",
        ),
        (
            lambda F: F.nll_loss(ts.ones(2, 3, 4, dtype=ts.int64), ts.zeros(2, 4, dtype=ts.int64)),
            NotImplementedError,
            '"nll_loss2d_forward_out_frame"',
        ),
    ],
)
def test_classification_losses_refuse_as_pytorch(call, error, message):
    with pytest.raises(error, match=message):
        call(ts.nn.functional)


def test_size_joined_or_repeated_stays_a_size():
    s = ts.Size([2, 3])
    for joined in (s + ts.Size([4]), s + (4,)):
        assert isinstance(joined, ts.Size) and joined == (2, 3, 4)
    assert isinstance((4,) + s, ts.Size) and (4,) + s == (4, 2, 3)
    assert isinstance(s * 2, ts.Size) and isinstance(2 * s, ts.Size)
    assert repr(s + (4,)) == "tinygrad_scores.Size([2, 3, 4])"


@pytest.mark.parametrize(
    "call, shape",
    [
        (lambda: ts.zeros(2, -1), "[2, -1]"),
        (lambda: ts.ones(-3), "[-3]"),
        (lambda: ts.empty(-1), "[-1]"),
        (lambda: ts.rand(2, -2), "[2, -2]"),
        (lambda: ts.randn(-1), "[-1]"),
        (lambda: ts.full((-1,), 2.0), "[-1]"),
        (lambda: ts.randint(0, 5, (-1,)), "[-1]"),
        (lambda: ts.zeros(2).new_zeros(-1), "[-1]"),
    ],
)
def test_negative_sizes_are_refused_as_pytorch(call, shape):
    with pytest.raises(
        RuntimeError, match="Trying to create tensor with negative dimension"
    ) as info:
        call()
    assert str(info.value).endswith(shape)


def test_view_and_reshape_to_the_same_shape_make_a_new_view():
    x = ts.ones(2, 3, requires_grad=True)
    for y in (x.view(2, 3), x.reshape(2, 3), x.view(-1, 3)):
        assert y is not x and y.grad_fn is not None and not y.is_leaf  # PyTorch: ViewBackward0
    a = ts.ones(3)
    v = a.view(3)
    v.add_(1)  # one storage: the write shows through
    assert a.tolist() == [2.0, 2.0, 2.0]
    assert a.flatten() is a  # PyTorch returns a 1-D tensor itself from flatten
    b = ts.ones(2, 3)
    assert b.flatten(1, 1) is b and b.flatten(0, 0) is b  # nothing joined
    assert b.ravel() is not b and a.ravel() is not a


def test_joining_no_tensors_is_refused_as_pytorch():
    for join in (ts.cat, lambda t: ts.cat(tuple(t))):
        with pytest.raises(
            ValueError, match=r"torch.cat\(\): expected a non-empty list of Tensors"
        ):
            join([])
    for name in ("stack", "hstack", "vstack"):
        with pytest.raises(RuntimeError, match=f"{name} expects a non-empty TensorList"):
            getattr(ts, name)([])
    assert ts.hstack([ts.ones(2), ts.zeros(1)]).tolist() == [1.0, 1.0, 0.0]


def test_same_shape_views_in_a_graph_with_reused_intermediates_and_two_outputs():
    """A same-shape view is a node now: reused twice, mixed with a constant made under
    no_grad from a tensor that requires grad (the apply path that records nothing), it gives
    two outputs whose gradients match the hand-derived ones and central differences, first
    and second order."""
    rng = np.random.default_rng(3)
    w = leaf(rng.standard_normal((2, 3)))

    def outputs(x):
        v = x.view(x.shape)  # used twice below
        with ts.no_grad():
            c = w.reshape(w.shape) * 2.0  # a constant: no graph, though w requires grad
        assert not c.requires_grad
        h = v * v + v.reshape(x.shape) * c
        return h.sum(), (h * v).exp().sum()

    x = leaf(rng.standard_normal((2, 3)) * 0.3)
    first, second = outputs(x)
    (both,) = ts.autograd.grad([first, second], [x], retain_graph=True)  # the sum of the two
    (g1,) = ts.autograd.grad(first, [x], retain_graph=True)
    (g2,) = ts.autograd.grad(second, [x])
    np.testing.assert_allclose(both.numpy(), g1.numpy() + g2.numpy(), rtol=1e-12)
    xa, ca = x.detach().numpy(), 2.0 * w.detach().numpy()
    np.testing.assert_allclose(g1.numpy(), 2 * xa + ca, rtol=1e-12)  # d/dx sum(x^2 + x c)
    h = xa * xa + xa * ca
    np.testing.assert_allclose(  # d/dx sum(exp(h x)), h' = 2x + c
        g2.numpy(), np.exp(h * xa) * ((2 * xa + ca) * xa + h), rtol=1e-12
    )
    assert w.grad is None  # nothing reached the no_grad side
    for k in range(2):
        assert ts.gradcheck(lambda t: outputs(t)[k], [x])
        assert gradgradcheck(lambda t: outputs(t)[k], [x])
