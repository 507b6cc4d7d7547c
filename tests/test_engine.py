"""The engine: graph shapes, accumulation, no_grad/detach, deep chains, error cases."""

import numpy as np
import pytest

import tinygrad_scores as ts


def test_diamond_graph_sums_both_paths():
    x = ts.tensor([2.0, 3.0], requires_grad=True)
    a = x * 3
    b = x.exp()
    (a * b).sum().backward()  # d/dx (3x e^x) = 3 e^x (1 + x)
    np.testing.assert_allclose(
        x.grad.numpy(), 3 * np.exp([2.0, 3.0]) * (1 + np.array([2.0, 3.0])), rtol=1e-6
    )


def test_tensor_used_twice_gets_both_contributions():
    x = ts.tensor(3.0, requires_grad=True)
    (x * x + x).backward()
    assert x.grad.item() == pytest.approx(7.0)


def test_same_tensor_on_both_sides_of_add():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    (x + x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_two_leaves_never_share_a_grad_array():
    a = ts.tensor([1.0, 2.0], requires_grad=True)
    b = ts.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()
    a.grad.array *= 10  # in-place edit of one gradient (as clipping does)
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 1.0])


def test_gradients_accumulate_across_backward_calls():
    x = ts.tensor([1.0, -2.0], requires_grad=True)
    (x * x).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, -8.0])


def test_backward_twice_through_freed_graph_raises_unless_retained():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 4 * np.exp([1.0, 2.0]), rtol=1e-6)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_non_scalar_backward_needs_gradient():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match=r"implicitly created only for scalar outputs.*\(2,\)"):
        y.backward()
    y.backward(ts.tensor([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 20.0])
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(ts.tensor([1.0, 2.0, 3.0]))


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ts.tensor([1.0, 2.0]).sum().backward()


def test_no_grad_builds_no_graph_as_context_and_decorator():
    x = ts.tensor([1.0], requires_grad=True)
    with ts.no_grad():
        y = x * 2
    assert y.grad_fn is None and not y.requires_grad

    @ts.no_grad()
    def f(t):
        return t * 2

    assert f(x).grad_fn is None
    assert ts.is_grad_enabled()
    assert (x * 2).requires_grad


def test_detach_cuts_the_graph():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).detach()
    assert not y.requires_grad and y.grad_fn is None
    z = (x * y).sum()
    z.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_ten_thousand_op_chain_has_no_recursion_error():
    x = ts.tensor(1.0, dtype=ts.float64, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward()
    assert x.grad.item() == pytest.approx(1.0001**10_000, rel=1e-9)


def test_non_leaf_grad_only_with_retain_grad():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), [6.0, 12.0])
    assert x.grad is not None


def test_in_place_on_leaf_requiring_grad_raises_outside_no_grad():
    w = ts.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="in-place"):
        w.add_(1)
    with ts.no_grad():
        w.add_(1)
    np.testing.assert_array_equal(w.detach().numpy(), [2.0, 2.0])


def test_comparisons_have_no_grad():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    assert not (x > 1).requires_grad and (x > 1).dtype == ts.bool
    np.testing.assert_array_equal((x == 2).numpy(), [False, True])


def test_repr_like_pytorch():
    x = ts.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<MulBackward0>)"
    assert repr(ts.tensor([0.5, 0.25])) == "tensor([0.5000, 0.2500])"
    assert repr(ts.tensor([1, 2])) == "tensor([1, 2])"
    assert "dtype=tinygrad_scores.float64" in repr(ts.tensor([1.5], dtype=ts.float64))
    assert repr(ts.tensor(3.0) * 1) == "tensor(3.)"


def test_creation_and_seeding():
    ts.manual_seed(0)
    a = ts.randn(2, 3)
    ts.manual_seed(0)
    b = ts.randn(2, 3)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert a.dtype == ts.float32 and ts.rand(2).dtype == ts.float32
    y = ts.randint(0, 3, (100,))
    assert y.dtype == ts.int64 and y.numpy().min() >= 0 and y.numpy().max() < 3
    assert ts.zeros(2, 3).shape == (2, 3) and ts.ones((2,)).numpy().tolist() == [1.0, 1.0]
    assert ts.arange(4).tolist() == [0, 1, 2, 3] and ts.arange(0.0, 1.0, 0.5).dtype == ts.float32
    arr = np.zeros(3, np.float32)
    shared = ts.from_numpy(arr)
    arr[0] = 5
    assert shared[0].item() == 5
    assert ts.zeros_like(a).shape == a.shape and ts.ones_like(a).dtype == a.dtype


def test_tensor_attributes():
    x = ts.randn(2, 3, requires_grad=True)
    assert x.shape == (2, 3) and x.ndim == 2 and x.T.shape == (3, 2) and x.is_leaf
    assert x.detach().numpy().shape == (2, 3)
    with pytest.raises(RuntimeError, match="detach"):
        x.numpy()
    assert isinstance(ts.tensor([2.5]).item(), float)
    assert np.asarray(x.detach()).shape == (2, 3)
    assert x.size() == (2, 3) and x.size(1) == 3 and x.numel() == 6
    z = ts.zeros(3)
    z.zero_()
    assert z.sum().item() == 0


def test_requires_grad_only_for_floats():
    with pytest.raises(RuntimeError, match="floating point"):
        ts.tensor([1, 2], requires_grad=True)
