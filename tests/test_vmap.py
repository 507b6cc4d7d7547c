"""torch.func.vmap (and torch.vmap): PyTorch's arguments, errors and results; expected
values are NumPy loops over the batch, which is how PyTorch's documentation defines vmap."""

import numpy as np
import pytest

import tinygrad_scores as torch
from tinygrad_scores.func import grad, jacrev, vmap

RNG = np.random.default_rng(3)
A = RNG.standard_normal((3, 2))
B = RNG.standard_normal((2, 5, 3))
M = RNG.standard_normal((3, 4))


def t(a, requires_grad=False):
    return torch.tensor(a, dtype=torch.float64, requires_grad=requires_grad)


def test_torch_vmap_is_torch_func_vmap():
    assert torch.vmap is vmap


def test_maps_over_dim_0_and_stacks():
    out = vmap(lambda a: a.sum())(t(A))
    np.testing.assert_allclose(out.numpy(), A.sum(1), rtol=1e-15)
    out = vmap(lambda a: a[0])(t(RNG.standard_normal((3, 2, 5))))
    assert out.shape == (3, 5)


def test_in_dims_out_dims_and_an_unmapped_argument():
    out = vmap(lambda b, m: b @ m, in_dims=(1, None), out_dims=1)(t(B), t(M))
    expected = np.stack([B[:, i] @ M for i in range(5)], axis=1)
    assert out.shape == (2, 5, 4)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-14)
    out = vmap(lambda a: a * 2, in_dims=-1)(t(A))  # negative dims count from the end
    np.testing.assert_allclose(out.numpy(), 2 * A.T)


def test_pytree_inputs_outputs_and_keyword_arguments():
    def f(d, k=1.0):
        return [d["a"] * d["b"] * k, {"s": d["a"].sum()}]

    out = vmap(f, in_dims=({"a": 0, "b": None},))({"a": t(A), "b": t([1.0, -1.0])}, k=3.0)
    np.testing.assert_allclose(out[0].numpy(), 3 * A * [1.0, -1.0])
    np.testing.assert_allclose(out[1]["s"].numpy(), A.sum(1))
    both = vmap(lambda a: (a * 2, a.sum()), out_dims=(1, 0))(t(A))
    np.testing.assert_allclose(both[0].numpy(), 2 * A.T)
    np.testing.assert_allclose(both[1].numpy(), A.sum(1))


def test_nested_vmap_is_an_outer_product():
    x, y = t([1.0, 2.0, 3.0]), t([10.0, 20.0])
    out = vmap(lambda a: vmap(lambda b: a * b)(y))(x)
    np.testing.assert_array_equal(out.numpy(), np.outer([1.0, 2.0, 3.0], [10.0, 20.0]))


def test_per_sample_gradients_through_grad_and_the_batch():
    # the functorch tutorial's idiom: vmap(grad(loss), in_dims=(None, 0, 0))
    w = t([0.5, -1.0], requires_grad=True)
    xs, ys = t(A), t([1.0, 0.0, -1.0])

    def loss(w, x, y):
        return ((w * x).sum() - y) ** 2

    per_sample = vmap(grad(loss), in_dims=(None, 0, 0))(w, xs, ys)
    residual = A @ [0.5, -1.0] - [1.0, 0.0, -1.0]
    np.testing.assert_allclose(per_sample.detach().numpy(), 2 * residual[:, None] * A)
    # and the result is joined to w's graph (the closure's weights, as PyTorch)
    per_sample.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), 2 * A.T @ A.sum(1), rtol=1e-14)


def test_jacobians_of_a_batch():
    jac = vmap(jacrev(lambda a: a.sin() * a.sum()))(t(A))
    for i, a in enumerate(A):
        expected = np.diag(np.cos(a) * a.sum()) + np.sin(a)[:, None]
        np.testing.assert_allclose(jac[i].numpy(), expected, rtol=1e-14)


def test_an_empty_batch_gives_an_empty_result_of_the_samples_shape():
    out = vmap(lambda a: a.sum())(torch.zeros(0, 2))
    assert out.shape == (0,)
    out = vmap(lambda a: a @ t(M).float(), in_dims=0, out_dims=1)(torch.zeros(0, 3))
    assert out.shape == (4, 0)


def test_randomness_error_same_and_different():
    with pytest.raises(RuntimeError, match="called random operation while in randomness error"):
        vmap(lambda a: torch.rand(2) + a)(t(A))
    torch.manual_seed(0)
    plain = torch.rand(8).numpy()  # PyTorch's stream: 0.4963, 0.7682, 0.0885, ...
    torch.manual_seed(0)
    same = vmap(lambda a: torch.rand(2) + a * 0, randomness="same")(torch.zeros(3, 2))
    np.testing.assert_array_equal(same.numpy(), np.tile(plain[:2], (3, 1)))
    different = vmap(lambda a: torch.rand(2) + a * 0, randomness="different")(torch.zeros(3, 2))
    np.testing.assert_array_equal(different.numpy(), plain[2:].reshape(3, 2))
    torch.rand(1)  # out of vmap, random ops are allowed again


def test_out_dims_none_only_for_what_does_not_depend_on_the_sample():
    c = t([1.0, 2.0])
    out = vmap(lambda a: (a * 2, c), out_dims=(0, None))(t(A))
    assert out[1] is c
    with pytest.raises(ValueError, match="can not return a BatchedTensor when out_dim is None"):
        vmap(lambda a: a * 2, out_dims=None)(t(A))


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: vmap(lambda a, b: a * b)(t(A), t(np.ones((4, 2)))),
            ValueError,
            r"got sizes \[3, 4\]",
        ),
        (
            lambda: vmap(lambda a, b: a * b, in_dims=(0, 0))(t(A), 2),
            ValueError,
            "We cannot vmap over non-Tensor arguments",
        ),
        (
            lambda: vmap(lambda a: a, in_dims=None)(t(A)),
            ValueError,
            "expected `in_dims` to be int or a",
        ),
        (
            lambda: vmap(lambda a: a, in_dims=[0])(t(A)),
            ValueError,
            "expected `in_dims` to be int or a",
        ),
        (
            lambda: vmap(lambda a: a, in_dims=(None,))(t(A)),
            ValueError,
            "Expected at least one Tensor to vmap over",
        ),
        (lambda: vmap(lambda a: a, in_dims=5)(t(A)), ValueError, r"-2 <= in_dim < 2"),
        (lambda: vmap(lambda a: a, in_dims=0)(t(1.0)), ValueError, r"dimensionality 0"),
        (
            lambda: vmap(lambda a: a, in_dims=(0, 0))(t(A)),
            ValueError,
            "in_dims is not compatible with the structure",
        ),
        (
            lambda: vmap(lambda a: 1.0)(t(A)),
            ValueError,
            "must only return Tensors, got type <class 'float'>",
        ),
        (
            lambda: vmap(lambda a: (a, a), out_dims=(0, 1, 2))(t(A)),
            ValueError,
            "out_dims is not compatible",
        ),
        (lambda: vmap(lambda a: a, out_dims=5)(t(A)), IndexError, "Dimension out of range"),
        (lambda: vmap(lambda a: a)(), ValueError, "got no inputs"),
        (
            lambda: vmap(lambda a: a, chunk_size=0),
            ValueError,
            "chunk_size should be None or greater than 0",
        ),
        (
            lambda: vmap(lambda a: a, randomness="foo"),
            RuntimeError,
            "Only allowed values for randomness",
        ),
    ],
)
def test_pytorchs_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_chunk_size_gives_the_same_result():
    np.testing.assert_array_equal(
        vmap(lambda a: a.exp(), chunk_size=2)(t(A)).numpy(), vmap(lambda a: a.exp())(t(A)).numpy()
    )
