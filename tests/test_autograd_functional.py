"""torch.autograd.functional, torch.func, once_differentiable and gradgradcheck: values
against Jacobians and Hessians derived by hand, the nesting of results PyTorch returns,
and PyTorch's errors (checked against PyTorch 2.13; its messages quoted here).

The functions differentiated use the ops whose backward is differentiable on the engine
branch (sin, cos, exp, tanh, pow, mul, div, sum, broadcasting); x @ A is written as
(A * x).sum(1) where a test must not wait for the matmul conversion."""

import collections
import json
import math
import os

import functional_cases
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
from tinygrad_scores.autograd import Function
from tinygrad_scores.autograd_function import once_differentiable
from tinygrad_scores.gradcheck import GradcheckError

AF = torch.autograd.functional
FUNC = torch.func
SLOW = settings(max_examples=10, deadline=None)


def t64(values, requires_grad=False):
    return torch.tensor(values, dtype=torch.float64, requires_grad=requires_grad)


def close(tensor, expected):
    """Equal to float64 rounding (float32 tensors: to float32 rounding)."""
    got = tensor.detach().numpy()
    tol = 1e-10 if got.dtype == np.float64 else 1e-6
    np.testing.assert_allclose(got, np.asarray(expected), rtol=tol, atol=tol)


def quadratic(a):
    """x -> x^T A x without matmul: (A x)_i = sum_j A_ij x_j. Its Hessian is A + A^T."""
    return lambda x: (x * (a * x).sum(1)).sum()


X = [0.5, -1.0, 2.0]


# ----------------------------------------------------------------------------- exposed


def test_the_names_are_where_pytorch_has_them():
    for name in ("jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"):
        assert callable(getattr(torch.autograd.functional, name))
    for name in ("grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian"):
        assert callable(getattr(torch.func, name))
    assert callable(torch.func.functional_call)
    assert torch.autograd.gradgradcheck is torch.gradcheck.__globals__["gradgradcheck"]
    assert torch.autograd.function.Function is torch.autograd.Function
    assert torch.autograd.function.once_differentiable is once_differentiable


# ----------------------------------------------------------------------------- vs PyTorch

GOLDEN = os.path.join(os.path.dirname(__file__), "functional_golden.json")


def golden():
    with open(GOLDEN) as f:
        cases = json.load(f)["cases"]
    return {
        case: {p: np.reshape(a["values"], a["shape"]) for p, a in flat.items()}
        for case, flat in cases.items()
    }


def test_results_nest_and_equal_pytorchs():
    """26 calls of the functional API against PyTorch 2.13's results (written by
    tools/functional_golden.py): the same tuples and dicts, shapes and numbers."""
    expected = golden()
    got = functional_cases.results(torch)
    assert set(got) == set(expected)
    for case, flat in got.items():
        assert set(flat) == set(expected[case]), case
        for path, value in flat.items():
            assert value.shape == expected[case][path].shape, (case, path)
            np.testing.assert_allclose(value, expected[case][path], rtol=1e-10, atol=1e-12)


# ----------------------------------------------------------------------------- jacobian


def test_jacobian_of_an_elementwise_square_is_the_diagonal_2x():
    jac = AF.jacobian(lambda x: x**2, t64(X))
    close(jac, np.diag(2 * np.array(X)))
    assert not jac.requires_grad


def test_jacobian_of_sin_x_times_the_sum():
    # f_i = sin(x_i) S, S = sum x:  df_i/dx_j = cos(x_i) S delta_ij + sin(x_i)
    x = np.array(X)
    expected = np.diag(np.cos(x) * x.sum()) + np.sin(x)[:, None]
    close(AF.jacobian(lambda x: x.sin() * x.sum(), t64(X)), expected)


def test_jacobian_blocks_have_the_shape_output_then_input():
    x = t64([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    jac = AF.jacobian(lambda x: x.exp().sum(1), x)
    assert jac.shape == (2, 2, 3)
    e = np.exp(x.numpy())
    expected = np.zeros((2, 2, 3))
    expected[0, 0], expected[1, 1] = e[0], e[1]
    close(jac, expected)
    assert AF.jacobian(lambda x: x.sum(), t64(X)).shape == (3,)  # 0-d output
    assert AF.jacobian(lambda x: x * 2, t64(1.5)).shape == ()  # 0-d in and out


def test_jacobian_nests_as_pytorch_outputs_then_inputs():
    x, y = t64(X), t64([1.0, 2.0, 3.0])

    def two_out(x, y):
        return x * y, (x * x).sum()

    one_in_one_out = AF.jacobian(lambda x: x * 3, x)
    tuple_in = AF.jacobian(lambda x, y: x * y, (x, y))
    tuple_out = AF.jacobian(lambda x: (x * 3, x.sum()), x)
    both = AF.jacobian(two_out, (x, y))
    assert isinstance(one_in_one_out, torch.Tensor)
    assert isinstance(tuple_in, tuple) and len(tuple_in) == 2
    assert isinstance(tuple_out, tuple) and len(tuple_out) == 2
    assert isinstance(both, tuple) and all(isinstance(row, tuple) for row in both)
    assert [[b.shape for b in row] for row in both] == [[(3, 3), (3, 3)], [(3,), (3,)]]
    close(both[0][0], np.diag(y.numpy()))
    close(both[0][1], np.diag(x.numpy()))
    close(both[1][0], 2 * x.numpy())
    close(both[1][1], np.zeros(3))  # independent of y: zeros (strict=False)
    # a one-element tuple stays a tuple, as in PyTorch
    single = AF.jacobian(lambda x: x * 3, (x,))
    assert isinstance(single, tuple) and len(single) == 1


def test_jacobian_leaves_the_inputs_alone():
    x = t64(X)
    AF.jacobian(lambda x: x.sin(), x)
    assert not x.requires_grad and x.grad is None and x.grad_fn is None


def test_jacobian_vectorize_is_accepted_and_gives_the_same():
    x = t64(X)
    close(AF.jacobian(lambda x: x.tanh(), x, vectorize=True), AF.jacobian(lambda x: x.tanh(), x))


def test_jacobian_with_create_graph_is_differentiable():
    x = t64(X, requires_grad=True)
    jac = AF.jacobian(lambda x: x**3, x, create_graph=True)  # diag(3 x^2)
    assert jac.requires_grad
    (d,) = torch.autograd.grad(jac.sum(), x)
    close(d, 6 * np.array(X))


def test_jacobian_strategy_and_strict_errors():
    x = t64(X)
    with pytest.raises(NotImplementedError, match="forward-mode"):
        AF.jacobian(lambda x: x, x, strategy="forward-mode")
    with pytest.raises(AssertionError, match='"forward-mode" or "reverse-mode"'):
        AF.jacobian(lambda x: x, x, strategy="sideways")
    with pytest.raises(RuntimeError, match="`strict=True` and `vectorized=True`"):
        AF.jacobian(lambda x: x, x, strict=True, vectorize=True)
    y = t64([1.0])
    with pytest.raises(
        RuntimeError, match="Output 0 of the user-provided function is independent of input 1"
    ):
        AF.jacobian(lambda x, y: x * 2, (x, y), strict=True)
    with pytest.raises(
        RuntimeError, match="Output 0 of the user-provided function does not require"
    ):
        AF.jacobian(lambda x: t64(X), x, strict=True)


def test_inputs_must_be_tensors_with_pytorchs_message():
    with pytest.raises(
        TypeError,
        match=(
            "The inputs given to jacobian must be either a Tensor or a tuple of "
            "Tensors but the given inputs has type <class 'float'>"
        ),
    ):
        AF.jacobian(lambda x: x, 1.0)
    with pytest.raises(TypeError, match="but the value at index 1 has type <class 'int'>"):
        AF.jacobian(lambda x, y: x, (t64(X), 3))
    with pytest.raises(TypeError, match="outputs of the user-provided function given to vjp"):
        AF.vjp(lambda x: 3.0, t64(1.0))


# ----------------------------------------------------------------------------- hessian


def test_hessian_of_the_sum_of_cubes_is_diag_6x():
    h = AF.hessian(lambda x: (x**3).sum(), t64(X))
    close(h, np.diag(6 * np.array(X)))
    assert h.shape == (3, 3) and not h.requires_grad


@SLOW
@given(a=hnp.arrays(np.float64, (3, 3), elements=st.floats(-3, 3)))
def test_hessian_of_a_quadratic_form_is_a_plus_a_transpose(a):
    h = AF.hessian(quadratic(t64(a)), t64(X))
    close(h, a + a.T)


def test_hessian_of_two_inputs_is_a_tuple_of_tuples():
    # f = sum x_i y_i^2:  H_xx = 0, H_xy = H_yx = diag(2y), H_yy = diag(2x)
    x, y = t64(X), t64([1.0, -2.0, 0.5])
    h = AF.hessian(lambda x, y: (x * y * y).sum(), (x, y))
    assert isinstance(h, tuple) and all(isinstance(row, tuple) and len(row) == 2 for row in h)
    close(h[0][0], np.zeros((3, 3)))
    close(h[0][1], np.diag(2 * y.numpy()))
    close(h[1][0], np.diag(2 * y.numpy()))
    close(h[1][1], np.diag(2 * x.numpy()))


def test_hessian_of_a_matrix_input_has_shape_input_twice():
    x = t64([[0.1, 0.2], [0.3, 0.4]])
    h = AF.hessian(lambda x: x.sin().sum(), x)
    assert h.shape == (2, 2, 2, 2)
    expected = np.zeros((2, 2, 2, 2))
    for i in range(2):
        for j in range(2):
            expected[i, j, i, j] = -math.sin(x.numpy()[i, j])
    close(h, expected)


def test_hessian_errors_are_pytorchs():
    with pytest.raises(RuntimeError, match="should return a single Tensor"):
        AF.hessian(lambda x: (x.sum(), x.sum()), t64(X))
    with pytest.raises(RuntimeError, match="should contain a single element"):
        AF.hessian(lambda x: x * x, t64(X))
    with pytest.raises(
        RuntimeError,
        match="jacobian of the user-provided function with respect to input 0 is independent",
    ):
        AF.hessian(lambda x: (2 * x).sum(), t64(X), strict=True)
    # not strict: a linear function's Hessian is zero
    close(AF.hessian(lambda x: (2 * x).sum(), t64(X)), np.zeros((3, 3)))


# ----------------------------------------------------------------------------- products


def test_vjp_returns_the_output_and_v_transposed_j():
    x, v = t64(X), t64([1.0, 2.0, 3.0])
    out, vjp = AF.vjp(lambda x: x**2, x, v)
    close(out, np.array(X) ** 2)
    close(vjp, 2 * np.array(X) * v.numpy())
    assert not out.requires_grad and not vjp.requires_grad


def test_vjp_of_pytorchs_docstring_adder():
    # adder(x, y) = 2x + 3y with v = ones: ((2, 2), (3, 3))
    out, (gx, gy) = AF.vjp(
        lambda x, y: 2 * x + 3 * y, (t64([0.1, 0.2]), t64([0.3, 0.4])), t64([1.0, 1.0])
    )
    close(out, [1.1, 1.6])
    close(gx, [2.0, 2.0])
    close(gy, [3.0, 3.0])


def test_jvp_by_the_double_vjp_trick_equals_j_v():
    x, v = t64(X), t64([1.0, -1.0, 0.5])
    out, jvp = AF.jvp(lambda x: x.sin() * x.sum(), x, v)
    jac = AF.jacobian(lambda x: x.sin() * x.sum(), x)
    close(jvp, jac.numpy() @ v.numpy())
    close(out, np.sin(X) * sum(X))


def test_jvp_with_tuples_nests_as_the_outputs():
    x, y = t64([1.0, 2.0]), t64([3.0, 4.0])
    out, jvp = AF.jvp(lambda x, y: (x * y, x + y), (x, y), (t64([1.0, 1.0]), t64([0.0, 0.0])))
    assert isinstance(out, tuple) and isinstance(jvp, tuple)
    close(jvp[0], [3.0, 4.0])
    close(jvp[1], [1.0, 1.0])


@SLOW
@given(a=hnp.arrays(np.float64, (3, 3), elements=st.floats(-3, 3)))
def test_hvp_and_vhp_of_a_quadratic_form(a):
    x, v = t64(X), t64([1.0, 2.0, -1.0])
    f = quadratic(t64(a))
    value, hvp = AF.hvp(f, x, v)
    _, vhp = AF.vhp(f, x, v)
    close(value, np.array(X) @ a @ np.array(X))
    close(hvp, (a + a.T) @ v.numpy())
    close(vhp, v.numpy() @ (a + a.T))


def test_products_with_create_graph_stay_differentiable():
    x = t64(X, requires_grad=True)
    v = t64([1.0, 1.0, 1.0])
    _, vjp = AF.vjp(lambda x: x.sin(), x, v, create_graph=True)  # cos x
    (d,) = torch.autograd.grad(vjp.sum(), x)
    close(d, -np.sin(X))
    _, hvp = AF.hvp(lambda x: (x**4).sum(), x, v, create_graph=True)  # 12 x^2
    (d,) = torch.autograd.grad(hvp.sum(), x)
    close(d, 24 * np.array(X))


def test_v_may_be_left_out_only_for_one_element():
    out, vjp = AF.vjp(lambda x: (x * x).sum(), t64(X))
    close(vjp, 2 * np.array(X))
    with pytest.raises(
        RuntimeError,
        match=(
            "The vector v can only be None if the user-provided function returns a "
            "single Tensor with a single element."
        ),
    ):
        AF.vjp(lambda x: x * x, t64(X))
    with pytest.raises(
        RuntimeError,
        match=(
            "The vector v can only be None if the input to the user-provided "
            "function is a single Tensor with a single element."
        ),
    ):
        AF.jvp(lambda x: x * x, t64(X))
    _, jvp = AF.jvp(lambda x: x * x, t64(3.0))
    close(jvp, 6.0)


def test_v_must_match_with_pytorchs_messages():
    with pytest.raises(
        RuntimeError,
        match=r"v has invalid size: should be \S*Size\(\[3\]\) but got \S*Size\(\[2\]\)",
    ):
        AF.vjp(lambda x: x * x, t64(X), t64([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="Entry 1 in v has invalid size"):
        AF.hvp(lambda x, y: (x * y).sum(), (t64(X), t64(X)), (t64(X), t64([1.0])))
    with pytest.raises(
        RuntimeError, match="v is a tuple of invalid length: should be 2 but got 1."
    ):
        AF.vhp(lambda x, y: (x * y).sum(), (t64(X), t64(X)), (t64(X),))
    with pytest.raises(RuntimeError, match="The given v should contain a single Tensor."):
        AF.jvp(lambda x: x, t64(X), (t64(X), t64(X)))
    with pytest.raises(
        RuntimeError, match="The function given to hvp should return a single Tensor"
    ):
        AF.hvp(lambda x: (x, x), t64(X), t64(X))


def test_an_unused_input_gives_zeros_or_in_strict_mode_pytorchs_error():
    x, y = t64(X), t64([1.0, 2.0])
    _, (gx, gy) = AF.vjp(lambda x, y: x.sum(), (x, y))
    close(gy, np.zeros(2))
    with pytest.raises(
        RuntimeError,
        match=(
            "The output of the user-provided function is independent of input 1. "
            "This is not allowed in strict mode."
        ),
    ):
        AF.vjp(lambda x, y: x.sum(), (x, y), strict=True)
    with pytest.raises(
        RuntimeError,
        match=(
            "While computing the hessian, found that the jacobian of the "
            "user-provided function with respect to input 1 is independent of the "
            "input"
        ),
    ):
        AF.vhp(lambda x, y: (x * x).sum() + y.sum(), (x, y), (x, y), strict=True)


# ----------------------------------------------------------------------------- torch.func


def test_func_grad_of_grad_of_grad_of_sin():
    x = t64(0.7)
    close(FUNC.grad(torch.sin)(x), math.cos(0.7))
    close(FUNC.grad(FUNC.grad(torch.sin))(x), -math.sin(0.7))
    close(FUNC.grad(FUNC.grad(FUNC.grad(torch.sin)))(x), -math.cos(0.7))
    assert not FUNC.grad(FUNC.grad(torch.sin))(x).requires_grad


def test_func_grad_argnums_has_aux_and_grad_and_value():
    x, y = t64([3.0, 4.0]), t64([1.0, 2.0])
    close(FUNC.grad(lambda x, y: (x * y).sum(), argnums=1)(x, y), [3.0, 4.0])
    gx, gy = FUNC.grad(lambda x, y: (x * y).sum(), argnums=(0, 1))(x, y)
    close(gx, [1.0, 2.0])
    close(gy, [3.0, 4.0])
    close(FUNC.grad(lambda x, y: (x * y).sum(), argnums=-1)(x, y), [3.0, 4.0])
    g, aux = FUNC.grad(lambda x: ((x**2).sum(), x.mean()), has_aux=True)(x)
    close(g, [6.0, 8.0])
    close(aux, 3.5)
    g, (value, aux) = FUNC.grad_and_value(lambda x: ((x**2).sum(), x.mean()), has_aux=True)(x)
    close(value, 25.0)
    g, value = FUNC.grad_and_value(lambda x: (x**2).sum())(x)
    close(g, [6.0, 8.0])
    close(value, 25.0)
    # a non-tensor argument not differentiated is passed through
    close(FUNC.grad(lambda x, k: (x * k).sum())(x, 3), [3.0, 3.0])


def test_func_grad_takes_a_dict_of_parameters():
    params = {"a": t64([3.0, 4.0]), "b": t64([1.0, 2.0])}
    g = FUNC.grad(lambda p: (p["a"] * p["b"]).sum())(params)
    assert set(g) == {"a", "b"}
    close(g["a"], [1.0, 2.0])
    close(g["b"], [3.0, 4.0])


def test_func_grad_stays_joined_to_the_graph_of_a_closure():
    # input-gradient penalty: g = d/dx sum(w x^2) = 2 w x;  d/dw sum(g^2) = 8 w x^2
    w = t64([1.0, 2.0], requires_grad=True)
    x = t64([3.0, 4.0])
    g = FUNC.grad(lambda x: (w * x**2).sum())(x)
    assert g.requires_grad
    (g**2).sum().backward()
    close(w.grad, 8 * w.detach().numpy() * x.numpy() ** 2)
    # without a tensor that requires grad the result is plain data
    assert not FUNC.grad(lambda x: (x**3).sum())(x).requires_grad


def test_func_grad_errors_are_pytorchs():
    x = t64([3.0, 4.0])
    with pytest.raises(
        RuntimeError,
        match="Expected f\\(\\*args\\) to return a scalar Tensor, got tensor with 1 dims",
    ):
        FUNC.grad(lambda x: x**2)(x)
    with pytest.raises(RuntimeError, match="Got argnum=2, but only 1 positional inputs"):
        FUNC.grad(lambda x: x.sum(), argnums=2)(x)
    with pytest.raises(RuntimeError, match="argnums must be non-empty"):
        FUNC.grad(lambda x: x.sum(), argnums=())(x)
    with pytest.raises(
        RuntimeError, match=r"output of function f should be a tuple: \(output, aux\)"
    ):
        FUNC.grad(lambda x: x.sum(), has_aux=True)(x)
    with pytest.raises(
        ValueError, match="Thing passed to transform API must be Tensor, got <class 'float'>"
    ):
        FUNC.grad(lambda x: x)(3.0)
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype"):
        FUNC.grad(lambda x: x.sum())(torch.tensor([1, 2]))


def test_func_vjp_and_its_function():
    x = t64([3.0, 4.0])
    out, fn = FUNC.vjp(lambda x, y: (x * y, x + y), x, x)
    close(out[0], [9.0, 16.0])
    gx, gy = fn((t64([1.0, 1.0]), t64([1.0, 1.0])))
    close(gx, [4.0, 5.0])
    close(gy, [4.0, 5.0])
    out, fn, aux = FUNC.vjp(lambda x: (x * 2, x.sum()), x, has_aux=True)
    close(aux, 7.0)
    (g,) = fn(t64([1.0, 1.0]))  # always a tuple, one per primal
    close(g, [2.0, 2.0])
    with pytest.raises(
        RuntimeError,
        match=(
            "Expected pytree structure of cotangents to be the same as pytree structure of outputs"
        ),
    ):
        fn((t64([1.0, 1.0]),))
    with pytest.raises(
        RuntimeError,
        match=(
            r"Mismatch in shape: grad_output\[0\] has a shape of \[3\] and "
            r"output\[0\] has a shape of \[2\]"
        ),
    ):
        fn(t64([1.0, 1.0, 1.0]))


def test_func_jvp_values_and_errors():
    x = t64([3.0, 4.0])
    out, tangent = FUNC.jvp(lambda x: x**2, (x,), (t64([1.0, 1.0]),))
    close(out, [9.0, 16.0])
    close(tangent, [6.0, 8.0])
    (o1, o2), (t1, t2) = FUNC.jvp(
        lambda x, y: (x * y, x + y), (x, x), (t64([1.0, 1.0]), t64([0.0, 0.0]))
    )
    close(t1, [3.0, 4.0])
    close(t2, [1.0, 1.0])
    out, tangent, aux = FUNC.jvp(lambda x: (x**2, x.sum()), (x,), (t64([1.0, 1.0]),), has_aux=True)
    close(aux, 7.0)
    close(FUNC.jvp(lambda x: x * 2, (x,), (x,), strict=True)[1], [6.0, 8.0])
    with pytest.raises(RuntimeError, match="The output of f is independent of the inputs"):
        FUNC.jvp(lambda x: t64([1.0]), (x,), (x,), strict=True)
    with pytest.raises(RuntimeError, match="Expected primals to be a tuple"):
        FUNC.jvp(lambda x: x, x, (x,))
    with pytest.raises(
        RuntimeError, match="Expected primals and tangents to have the same python structure"
    ):
        FUNC.jvp(lambda x: x, (x,), (x, x))
    with pytest.raises(
        RuntimeError,
        match="Tensor is of size \\[2\\] while the given forward gradient is of size \\[3\\]",
    ):
        FUNC.jvp(lambda x: x, (x,), (t64([1.0, 1.0, 1.0]),))


def test_func_jacrev_and_jacfwd_nest_as_pytorch():
    x = t64([3.0, 4.0])
    close(FUNC.jacrev(lambda x: x**2)(x), np.diag([6.0, 8.0]))
    close(FUNC.jacfwd(lambda x: x**2)(x), np.diag([6.0, 8.0]))
    (jxa, jxb), (jsa, jsb) = FUNC.jacrev(lambda x, y: (x * y, x.sum()), argnums=(0, 1))(x, x)
    close(jxa, np.diag([3.0, 4.0]))
    close(jsa, [1.0, 1.0])
    close(jsb, [0.0, 0.0])
    (single,) = FUNC.jacrev(lambda x: x**2, argnums=(0,))(x)
    close(single, np.diag([6.0, 8.0]))
    assert FUNC.jacrev(lambda x: x.sum())(x).shape == (2,)
    assert FUNC.jacrev(lambda x: x)(t64(2.0)).shape == ()
    jac, aux = FUNC.jacrev(lambda x: (x**2, x.sum()), has_aux=True)(x)
    close(aux, 7.0)
    assert set(FUNC.jacrev(lambda d: d["a"] * 2)({"a": x})) == {"a"}
    assert set(FUNC.jacrev(lambda x: {"o": x * 2})(x)) == {"o"}
    with pytest.raises(RuntimeError, match="randomness"):
        FUNC.jacfwd(lambda x: x, randomness="sometimes")


def test_func_hessian_of_the_quadratic_form_and_of_two_arguments():
    a = np.array([[1.0, 2.0, 0.0], [-1.0, 3.0, 4.0], [0.5, 0.0, -2.0]])
    close(FUNC.hessian(quadratic(t64(a)))(t64(X)), a + a.T)
    x, y = t64([3.0, 4.0]), t64([3.0, 4.0])
    h = FUNC.hessian(lambda x, y: (x * x * y).sum(), argnums=(0, 1))(x, y)
    close(h[0][0], np.diag(2 * y.numpy()))
    close(h[0][1], np.diag(2 * x.numpy()))
    close(h[1][1], np.zeros((2, 2)))


# ----------------------------------------------------------------------------- functional_call


class Affine(nn.Module):
    """y = w * x + b with a buffer added: the module's own tensors are known by value."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([2.0]))
        self.b = nn.Parameter(torch.tensor([1.0]))
        self.register_buffer("shift", torch.tensor([10.0]))

    def forward(self, x, scale=1.0):
        return (self.w * x + self.b + self.shift) * scale


def test_functional_call_swaps_then_restores():
    m = Affine()
    w, b = m.w, m.b
    out = torch.func.functional_call(
        m, {"w": torch.tensor([3.0]), "b": torch.tensor([0.0])}, (torch.tensor([1.0]),)
    )
    close(out, [13.0])
    assert m.w is w and m.b is b and m._parameters["w"] is w
    close(m(torch.tensor([1.0])), [13.0])  # 2 + 1 + 10
    # one tensor (not a tuple) as args, kwargs, and a tuple of dicts
    out = torch.func.functional_call(
        m,
        ({"w": torch.tensor([3.0])}, {"shift": torch.tensor([0.0])}),
        torch.tensor([1.0]),
        {"scale": 2.0},
    )
    close(out, [8.0])  # (3 + 1 + 0) * 2
    assert m.shift.item() == 10.0


def test_functional_call_restores_after_an_error():
    m = Affine()
    w = m.w
    with pytest.raises(RuntimeError):
        torch.func.functional_call(
            m, {"w": torch.tensor([3.0])}, (torch.ones(2, 3), torch.ones(5, 7))
        )
    assert m.w is w


def test_functional_call_gradients_reach_the_tensors_given():
    m = Affine()
    w = torch.tensor([3.0], requires_grad=True)
    torch.func.functional_call(m, {"w": w}, (torch.tensor([5.0]),)).sum().backward()
    close(w.grad, [5.0])
    assert m.w.grad is None


def test_functional_call_of_a_nested_module_and_tied_weights():
    model = nn.Sequential(nn.Linear(2, 2), nn.Tanh())
    zeros = {"0.weight": torch.zeros(2, 2), "0.bias": torch.tensor([1.0, -1.0])}
    close(torch.func.functional_call(model, zeros, (torch.ones(1, 2),)), np.tanh([[1.0, -1.0]]))
    tied = nn.Module()
    tied.a = nn.Linear(1, 1, bias=False)
    tied.b = nn.Linear(1, 1, bias=False)
    tied.b.weight = tied.a.weight
    tied.forward = lambda x: tied.b(tied.a(x))
    out = torch.func.functional_call(
        tied, {"a.weight": torch.tensor([[3.0]])}, (torch.tensor([[1.0]]),)
    )
    close(out, [[9.0]])  # both names take the tensor given for one
    with pytest.raises(ValueError, match="which are tied"):
        torch.func.functional_call(
            tied, {"a.weight": torch.ones(1, 1), "b.weight": torch.zeros(1, 1)}, (torch.ones(1, 1),)
        )


def test_functional_call_errors_are_pytorchs():
    m = nn.Linear(2, 1)
    x = torch.ones(2)
    with pytest.raises(
        RuntimeError,
        match=(
            "Error\\(s\\) in reparametrizing for Linear:\n\tUnexpected key\\(s\\): "
            "'foo'.\n\tMissing key\\(s\\): 'bias', 'weight'."
        ),
    ):
        torch.func.functional_call(m, {"foo": x}, (x,), strict=True)
    with pytest.raises(
        ValueError,
        match=(
            "\\['weight'\\] appeared in multiple dictionaries; behavior of "
            "functional call is ambiguous"
        ),
    ):
        torch.func.functional_call(
            m, ({"weight": torch.ones(1, 2)}, {"weight": torch.zeros(1, 2)}), (x,)
        )


# ----------------------------------------------------------------------------- once_differentiable


class Square(Function):
    seen_grad_mode = []

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    @once_differentiable
    def backward(ctx, grad):
        Square.seen_grad_mode.append(torch.is_grad_enabled())
        (x,) = ctx.saved_tensors
        return 2 * x * grad


def test_once_differentiable_first_order_as_usual():
    x = t64(X, requires_grad=True)
    Square.apply(x).sum().backward()
    close(x.grad, 2 * np.array(X))


def test_once_differentiable_runs_without_a_graph_and_refuses_a_second_derivative():
    x = t64(X, requires_grad=True)
    y = Square.apply(x * 1)
    (g,) = torch.autograd.grad((y * y).sum(), x, create_graph=True)  # 4 x^3, through Square
    close(g, 4 * np.array(X) ** 3)
    assert Square.seen_grad_mode[-1] is False
    with pytest.raises(
        RuntimeError,
        match="trying to differentiate twice a function that was marked with @once_differentiable",
    ):
        g.sum().backward()


def test_once_differentiable_with_a_constant_seed_gives_a_detached_gradient():
    # as PyTorch: nothing coming in requires grad, so nothing is marked, and the gradient
    # has no graph (differentiating it says so)
    x = t64(X, requires_grad=True)
    (g,) = torch.autograd.grad(Square.apply(x).sum(), x, create_graph=True)
    assert not g.requires_grad
    with pytest.raises(RuntimeError, match="does not require grad"):
        g.sum().backward()


# ----------------------------------------------------------------------------- gradgradcheck


class WrongSecondDerivative(Function):
    """Its backward treats x as a constant: first order right, second order wrong."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x.detach() ** 2


def test_gradgradcheck_for_users():
    x = t64(X, requires_grad=True)
    assert torch.autograd.gradgradcheck(lambda x: (x**3).sin(), (x,))
    assert torch.autograd.gradcheck(WrongSecondDerivative.apply, (x,))
    with pytest.raises(GradcheckError):
        torch.autograd.gradgradcheck(WrongSecondDerivative.apply, (x,))


# ----------------------------------------------------------------------------- networks
# These use nn.Linear, ReLU, mse_loss and stack under create_graph: they pass once the
# branches converting matmul/Linear, the activations, the losses and indexing (so_nn,
# so_index) are merged with this one.


def mlp_loss_and_weights():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()
    x, y = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 2, dtype=torch.float64)
    names = [name for name, _ in model.named_parameters()]

    def loss(*weights):
        prediction = torch.func.functional_call(model, dict(zip(names, weights)), (x,))
        return torch.nn.functional.mse_loss(prediction, y)

    return loss, tuple(p.detach() for p in model.parameters())


def finite_difference_hvp(loss, weights, v, eps=1e-6):
    """(grad(w + eps v) - grad(w - eps v)) / 2 eps, from the first-order gradient."""

    def gradient(ws):
        ws = tuple(w.detach().requires_grad_(True) for w in ws)
        return torch.autograd.grad(loss(*ws), ws)

    plus = gradient(tuple(w + eps * d for w, d in zip(weights, v)))
    minus = gradient(tuple(w - eps * d for w, d in zip(weights, v)))
    return [(p - m).numpy() / (2 * eps) for p, m in zip(plus, minus)]


def test_hvp_of_a_network_loss_equals_finite_differences_of_its_gradient():
    loss, weights = mlp_loss_and_weights()
    torch.manual_seed(1)
    v = tuple(torch.randn_like(w) for w in weights)
    _, hvp = AF.hvp(loss, weights, v)
    for got, expected in zip(hvp, finite_difference_hvp(loss, weights, v)):
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-7)


def test_func_hessian_of_a_network_loss_is_symmetric_and_matches_hvp():
    loss, weights = mlp_loss_and_weights()
    w_out = weights[2]  # the last layer's weight, 2 x 4

    def of_last_weight(w):
        return loss(weights[0], weights[1], w, weights[3])

    h = torch.func.hessian(of_last_weight)(w_out)
    assert h.shape == (2, 4, 2, 4)
    flat = h.numpy().reshape(8, 8)
    np.testing.assert_allclose(flat, flat.T, atol=1e-12)
    v = torch.randn_like(w_out)
    _, hvp = AF.hvp(of_last_weight, w_out, v)
    np.testing.assert_allclose(flat @ v.numpy().reshape(-1), hvp.numpy().reshape(-1), rtol=1e-10)


def test_hessian_with_create_graph_differentiates_a_third_time():
    x = t64(X, requires_grad=True)
    h = AF.hessian(lambda x: (x**4).sum(), x, create_graph=True)  # diag(12 x^2)
    close(h, np.diag(12 * np.array(X) ** 2))
    (d,) = torch.autograd.grad(h.sum(), x)
    close(d, 24 * np.array(X))


def test_an_argument_also_read_from_the_closure_is_told_apart():
    # f(x) = sum(x * c) with c the same tensor as x, read from the closure: d/dx (the
    # argument only) is c, as in PyTorch, not 2x
    c = t64(X, requires_grad=True)
    close(FUNC.grad(lambda x: (x * c).sum())(c), X)
    close(AF.vjp(lambda x: (x * c).sum(), c, create_graph=True)[1], X)


def test_importable_by_pytorchs_dotted_names():
    from tinygrad_scores.autograd.function import once_differentiable as od
    from tinygrad_scores.autograd.functional import jacobian

    from tinygrad_scores.func import functional_call, grad

    assert jacobian is AF.jacobian and od is once_differentiable
    assert grad is FUNC.grad and functional_call is FUNC.functional_call


def test_func_jacrev_keeps_a_named_tuple_output_and_refuses_integers():
    pair = collections.namedtuple("pair", "square cube")
    x = t64([3.0, 4.0])
    jac = FUNC.jacrev(lambda x: pair(x * x, x**3))(x)
    assert type(jac) is pair
    close(jac.cube, np.diag([27.0, 48.0]))
    with pytest.raises(RuntimeError, match="All outputs of f must be floating-point or complex"):
        FUNC.jacrev(lambda x: torch.max(x * x, dim=0))(x)  # its indices are integers
