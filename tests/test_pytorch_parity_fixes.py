"""Differences from PyTorch that real programs hit (issue 20, section 2), each stated as
PyTorch 2.x behaves (checked by hand against it; expected values written out here)."""

import math
import warnings

import numpy as np
import pytest

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
from tinygrad_scores.utils.data import TensorDataset


@pytest.fixture
def float64_default():
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        torch.set_default_dtype(torch.float32)


# ------------------------------------------------------------------------- default dtype
def test_modules_parameters_and_buffers_follow_the_default_dtype(float64_default):
    # PyTorch: after set_default_dtype(torch.float64), nn.Linear(2, 3).weight.dtype is
    # torch.float64, and so is its output for a float64 input
    layer = nn.Linear(2, 3)
    assert layer.weight.dtype == torch.float64 and layer.bias.dtype == torch.float64
    assert layer(torch.randn(4, 2)).dtype == torch.float64
    norm = nn.BatchNorm1d(2)
    assert norm.running_mean.dtype == torch.float64 and norm.weight.dtype == torch.float64
    assert norm.num_batches_tracked.dtype == torch.int64
    for module in (nn.Embedding(3, 2), nn.LayerNorm(2), nn.PReLU(), nn.GroupNorm(1, 2)):
        assert all(p.dtype == torch.float64 for p in module.parameters())
    assert nn.Parameter().dtype == torch.float64
    assert nn.Linear(2, 3, dtype=torch.float32).weight.dtype == torch.float32  # if asked


def test_creation_functions_and_tensor_of_floats_follow_the_default_dtype(float64_default):
    for t in (
        torch.tensor([1.5]),
        torch.tensor(1.5),
        torch.zeros(2),
        torch.ones(2),
        torch.randn(2),
        torch.rand(2),
        torch.full((2,), 1.5),
        torch.arange(0.0, 2.0),
        torch.linspace(0, 1, 3),
        torch.eye(2),
        torch.empty(2).uniform_(),
        nn.init.trunc_normal_(torch.empty(3)),
    ):
        assert t.dtype == torch.float64
    assert torch.tensor([1, 2]).dtype == torch.int64  # ints stay int64
    # a NumPy scalar keeps its dtype, as PyTorch: torch.tensor(np.float32(1.5)) is float32
    assert torch.tensor(np.float32(1.5)).dtype == torch.float32
    assert torch.tensor(np.int32(3)).dtype == torch.int32


def test_adam_step_counter_and_clip_grad_follow_the_default_dtype(float64_default):
    # PyTorch: optimizer state 'step' is float64 under a float64 default (_get_scalar_dtype),
    # and clip_grad_norm_ of no gradients is torch.tensor(0.0)
    layer = nn.Linear(2, 1)
    opt = torch.optim.Adam(layer.parameters())
    layer(torch.randn(3, 2)).sum().backward()
    opt.step()
    assert opt.state[layer.weight]["step"].dtype == torch.float64
    assert nn.utils.clip_grad_norm_([torch.zeros(2, requires_grad=True)], 1.0).dtype == (
        torch.float64
    )


# ------------------------------------------------------------------- arrays are ndarrays
def test_a_dataset_item_is_a_tensor_whose_array_is_an_ndarray():
    # PyTorch: np.asarray(TensorDataset(X, Y)[i][1]) is a 0-d array; here t.array used to
    # be a NumPy scalar and np.asarray raised "object __array__ method not producing an array"
    dataset = TensorDataset(torch.randn(4, 3), torch.tensor([0, 1, 2, 3]))
    x, y = dataset[2]
    assert type(y.array) is np.ndarray and y.shape == ()
    assert np.asarray(y) == 2 and np.asarray(y).dtype == np.int64
    assert type(torch.tensor([1.0, 2.0])[0].array) is np.ndarray
    assert type(torch.Tensor.wrap(np.float32(3.0)).array) is np.ndarray


# -------------------------------------------------------------------------- add/sub alpha
def test_add_and_sub_take_alpha_as_methods_and_functions():
    x, y = torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])
    assert x.add(y, alpha=2).tolist() == [7.0, 10.0]
    assert x.sub(y, alpha=2).tolist() == [-5.0, -6.0]
    assert torch.add(x, y, alpha=0.5).tolist() == [2.5, 4.0]
    assert torch.sub(x, y, alpha=2).tolist() == [-5.0, -6.0]
    assert x.add(2, alpha=3).tolist() == [7.0, 8.0]
    assert x.subtract(y, alpha=-1).tolist() == [4.0, 6.0]
    z = x.clone()
    z.add_(y, alpha=10)
    assert z.tolist() == [31.0, 42.0]
    z.sub_(y, alpha=10)
    assert z.tolist() == [1.0, 2.0]
    ints = torch.tensor([1, 2])
    assert ints.add(ints, alpha=2).tolist() == [3, 6]
    # PyTorch's errors: alpha is keyword-only; a float alpha for integers; a bool alpha
    with pytest.raises(TypeError):
        x.add(y, 2)
    with pytest.raises(RuntimeError, match="alpha must not be a floating point number"):
        ints.add(ints, alpha=0.5)
    with pytest.raises(RuntimeError, match="Boolean alpha only supported for Boolean results"):
        x.sub(y, alpha=True)


def test_alpha_gradients():
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([3.0, 4.0], dtype=torch.float64, requires_grad=True)
    x.sub(y, alpha=3).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0] and y.grad.tolist() == [-3.0, -3.0]
    assert torch.autograd.gradcheck(lambda a, b: torch.add(a, b, alpha=-2.5), (x, y))


# ---------------------------------------------------------- regression losses broadcast
TARGET_WARNING = (
    r"Using a target size \(.*Size\(\[3\]\)\) that is different to the input size "
    r"\(.*Size\(\[3, 1\]\)\)\. This will likely lead to incorrect results due to "
    r"broadcasting\. Please ensure they have the same size\."
)


@pytest.mark.parametrize(
    "loss,value,grad",
    [
        # PyTorch 2.x: input (3, 1) = [[1], [2], [3]], target (3,) = [1, 2.5, 4]
        (F.mse_loss, 2.4166666666666665, [-1.0, -1 / 3, 1 / 3]),
        (F.l1_loss, 1.2777777777777777, [-2 / 9, -1 / 9, 1 / 9]),
        (F.huber_loss, 0.8611111111111112, [-2 / 9, -1 / 18, 1 / 18]),
        (F.smooth_l1_loss, 0.8611111111111112, [-2 / 9, -1 / 18, 1 / 18]),
    ],
)
def test_regression_losses_warn_as_pytorch_and_broadcast(loss, value, grad):
    x = torch.tensor([[1.0], [2.0], [3.0]], dtype=torch.float64, requires_grad=True)
    target = torch.tensor([1.0, 2.5, 4.0], dtype=torch.float64)
    with pytest.warns(UserWarning, match=TARGET_WARNING):
        out = loss(x, target)
    assert out.item() == pytest.approx(value, rel=1e-12)
    (g,) = torch.autograd.grad(out, x)
    np.testing.assert_allclose(g.numpy().ravel(), grad, rtol=1e-12)
    with pytest.warns(UserWarning, match=TARGET_WARNING):
        assert loss(x, target, reduction="none").shape == (3, 3)


def test_the_module_form_warns_too_and_unbroadcastable_shapes_raise_pytorchs_error():
    with pytest.warns(UserWarning, match="different to the input size"):
        nn.MSELoss()(torch.zeros(3, 1), torch.zeros(3))
    with (
        pytest.warns(UserWarning),
        pytest.raises(
            RuntimeError,
            match=r"The size of tensor a \(3\) must match the size of tensor b \(4\) at "
            r"non-singleton dimension 0",
        ),
    ):
        F.l1_loss(torch.zeros(3), torch.zeros(4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # same shapes: no warning
        F.mse_loss(torch.zeros(3), torch.zeros(3))


def test_a_broadcast_target_that_requires_grad_gets_its_summed_gradient():
    # PyTorch: mse_loss(input (2,) = [1, 3], target (2, 1) = [[1], [2]]) = 1.5,
    # d input = [-0.5, 1.5], d target = [[-1.0], [0.0]]
    i = torch.tensor([1.0, 3.0], requires_grad=True)
    t = torch.tensor([[1.0], [2.0]], requires_grad=True)
    with pytest.warns(UserWarning):
        out = F.mse_loss(i, t)
    gi, gt = torch.autograd.grad(out, (i, t))
    assert out.item() == 1.5 and gi.tolist() == [-0.5, 1.5] and gt.tolist() == [[-1.0], [0.0]]


# ----------------------------------------------------------------------- format of 0-d
def test_a_0d_tensor_formats_as_its_number():
    # PyTorch: f"{torch.tensor(2.4543561935424805, dtype=torch.float64)}" is
    # '2.4543561935424805' and format(t, ".4f") is '2.4544'; a float32 0-d formats its
    # value as a Python float; other tensors print as str(t) and take no spec
    t = torch.tensor(2.4543561935424805, dtype=torch.float64)
    assert f"{t}" == "2.4543561935424805" and format(t, ".4f") == "2.4544"
    assert f"{torch.tensor(2.4543562)}" == "2.4543561935424805"
    assert f"{torch.tensor(3)}" == "3" and format(torch.tensor(3), "05d") == "00003"
    assert f"{torch.tensor(True)}" == "True"
    r = torch.tensor(1.5, requires_grad=True) * 2
    assert f"{r:.3f}" == "3.000" and f"loss {r}" == "loss 3.0"
    assert f"{torch.tensor([1.5])}" == "tensor([1.5000])"
    with pytest.raises(TypeError, match="unsupported format string passed to Tensor.__format__"):
        format(torch.tensor([1.5]), ".2f")


# ------------------------------------------------------------------------- empty cases
def test_cat_gives_a_skipped_empty_operand_a_zero_gradient():
    # PyTorch: torch.cat([torch.zeros(0, requires_grad=True), x (2, 3)]) leaves the (0,)
    # operand out of the join, and its .grad is tensor([]) (shape (0,), its dtype)
    e = torch.zeros(0, requires_grad=True)
    x = torch.ones(2, 3, requires_grad=True)
    y = torch.cat([e, x])
    assert y.shape == (2, 3)
    y.sum().backward()
    assert e.grad is not None and e.grad.shape == (0,) and e.grad.dtype == torch.float32
    assert x.grad.tolist() == [[1.0] * 3] * 2
    e64 = torch.zeros(0, dtype=torch.float64, requires_grad=True)
    torch.cat([x, e64]).sum().backward()
    assert e64.grad.shape == (0,) and e64.grad.dtype == torch.float64
    v, e1 = torch.ones(3, requires_grad=True), torch.zeros(0, requires_grad=True)
    torch.cat([e1, v]).sum().backward()
    assert e1.grad.shape == (0,) and v.grad.tolist() == [1.0, 1.0, 1.0]


def test_linear_of_a_1d_empty_input_is_the_bias():
    # PyTorch: F.linear(torch.zeros(0), w (2, 0), b = [1, 2]) = tensor([1., 2.]) of shape
    # (2,); grads: input tensor([]), w zeros (2, 0), b [1, 1]; without bias: [0, 0]
    w = torch.zeros(2, 0, requires_grad=True)
    b = torch.tensor([1.0, 2.0], requires_grad=True)
    x = torch.zeros(0, requires_grad=True)
    out = F.linear(x, w, b)
    assert out.shape == (2,) and out.tolist() == [1.0, 2.0]
    out.sum().backward()
    assert x.grad.shape == (0,) and w.grad.shape == (2, 0) and b.grad.tolist() == [1.0, 1.0]
    assert F.linear(torch.zeros(0), w).tolist() == [0.0, 0.0]
    assert F.linear(torch.zeros(3, 0), w, b).tolist() == [[1.0, 2.0]] * 3


def test_nll_loss_with_every_target_ignored_has_pytorchs_nan_pattern():
    # PyTorch: 'mean' over no counted element is nan, 'sum' 0, 'none' zeros; the gradient
    # of the nan mean is 0 for every ignored element (not nan)
    logp = torch.randn(3, 4, dtype=torch.float64).log_softmax(1).detach().requires_grad_()
    ignored = torch.tensor([-100, -100, -100])
    assert math.isnan(F.nll_loss(logp, ignored).item())
    assert F.nll_loss(logp, ignored, reduction="sum").item() == 0.0
    assert F.nll_loss(logp, ignored, reduction="none").tolist() == [0.0, 0.0, 0.0]
    F.nll_loss(logp, ignored).backward()
    assert logp.grad.tolist() == [[0.0] * 4] * 3
    # a counted element of weight 0 (total weight 0): its own gradient is nan (0 * 1/0),
    # the ignored rows' 0
    x = torch.randn(3, 4, dtype=torch.float64, requires_grad=True)
    F.nll_loss(x, torch.tensor([1, -100, -100]), weight=torch.tensor([1.0, 0, 1, 1])).backward()
    g = x.grad.numpy()
    assert math.isnan(g[0, 1]) and (np.delete(g.ravel(), 1) == 0).all()
    # an ignored log-probability of -inf still gives 0, as PyTorch's
    inf_row = torch.tensor([[-math.inf, 0.0]])
    assert F.nll_loss(inf_row, torch.tensor([-100]), reduction="none").tolist() == [0.0]


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_with_every_target_ignored_gives_nan_and_zero_gradients(smoothing):
    # PyTorch: value nan, gradient zeros (also with label_smoothing)
    x = torch.randn(3, 4, requires_grad=True)
    loss = F.cross_entropy(x, torch.tensor([-100, -100, -100]), label_smoothing=smoothing)
    assert math.isnan(loss.item())
    loss.backward()
    assert x.grad.tolist() == [[0.0] * 4] * 3


# --------------------------------------------------------------------- x ** float number
POWER_INPUT = [-0.0, -math.inf, -4.0, math.inf, 0.0, math.nan, 2.0, -0.5]
# PyTorch 2.x: torch.tensor(POWER_INPUT) ** e
POWER_EXPECTED = {
    0.5: [-0.0, math.nan, math.nan, math.inf, 0.0, math.nan, math.sqrt(2), math.nan],
    -0.5: [-math.inf, math.nan, math.nan, 0.0, math.inf, math.nan, 2**-0.5, math.nan],
    -1.0: [-math.inf, -0.0, -0.25, 0.0, math.inf, math.nan, 0.5, -2.0],
    -2.0: [math.inf, 0.0, 0.0625, 0.0, math.inf, math.nan, 0.25, 4.0],
    2.0: [0.0, math.inf, 16.0, math.inf, 0.0, math.nan, 4.0, 0.25],
    3.0: [-0.0, -math.inf, -64.0, math.inf, 0.0, math.nan, 8.0, -0.125],
    2.5: [0.0, math.inf, math.nan, math.inf, 0.0, math.nan, 2**2.5, math.nan],
    4.0: [0.0, math.inf, 256.0, math.inf, 0.0, math.nan, 16.0, 0.0625],
    5.0: [-0.0, -math.inf, -1024.0, math.inf, 0.0, math.nan, 32.0, -0.03125],
    -1.5: [math.inf, 0.0, math.nan, 0.0, math.inf, math.nan, 2**-1.5, math.nan],
    1.0: POWER_INPUT,
    0.0: [1.0] * 8,
}


@pytest.mark.parametrize("exponent", sorted(POWER_EXPECTED))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_power_by_a_number_gives_pytorchs_values_signed_zeros_and_nans(exponent, dtype):
    got = (torch.tensor(POWER_INPUT, dtype=dtype) ** exponent).numpy()
    want = np.array(POWER_EXPECTED[exponent], got.dtype)
    assert got.dtype == np.dtype(str(dtype).split(".")[-1])
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    finite = ~np.isnan(want)
    np.testing.assert_allclose(got[finite], want[finite], rtol=4 * np.finfo(got.dtype).eps)
    assert (np.signbit(got[finite]) == np.signbit(want[finite])).all()


@pytest.mark.parametrize("exponent", [3.0, 2.5, 7.3, -1.5, 4.0, 11.0, -3.0, 0.5])
def test_power_of_many_values_is_within_a_few_ulp_of_numpys_pow(exponent):
    rng = np.random.default_rng(int(exponent * 10) % 97)
    x = (rng.standard_normal(10_000) * 3).astype(np.float32)
    got = (torch.tensor(x) ** exponent).numpy()
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        # (the exponent rounded to float32 first, as the tensor's dtype holds it)
        want = np.power(x.astype(np.float64), float(np.float32(exponent)))
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    ok = np.isfinite(want) & (np.abs(want) < np.finfo(np.float32).max)
    np.testing.assert_allclose(got[ok], want[ok], rtol=2 * np.finfo(np.float32).eps)


@pytest.mark.parametrize("exponent", [3.0, 2.5, -1.5, 4.0, 0.5, -0.5, -2.0])
def test_power_by_a_number_has_the_right_gradient(exponent):
    x = torch.tensor([0.3, 1.7, 2.2, 0.9], dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: t**exponent, (x,))
    (g,) = torch.autograd.grad((x**exponent).sum(), x)
    np.testing.assert_allclose(g.numpy(), exponent * x.detach().numpy() ** (exponent - 1))
    neg = torch.tensor([-1.5, -0.5], dtype=torch.float64, requires_grad=True)
    if float(exponent).is_integer():  # odd and even integral exponents of negative bases
        assert torch.autograd.gradcheck(lambda t: t**exponent, (neg,))


# -------------------------------------------------------------------- missing names
@pytest.mark.parametrize(
    "module,name,full",
    [
        ("optim", "SparseAdam", "torch.optim.SparseAdam"),
        ("optim", "Rprop", "torch.optim.Rprop"),
    ],
)
def test_missing_optim_names_say_so(module, name, full):
    owner = torch
    for part in module.split("."):
        owner = getattr(owner, part)
    with pytest.raises(NotImplementedError, match=f"^tinygrad_scores has no {full}$"):
        getattr(owner, name)
    assert not hasattr(owner, name)  # still an AttributeError for hasattr / getattr
    with pytest.raises(AttributeError):
        owner._private_helper  # noqa: B018


# ------------------------------------------------------------- inf and NaN stay local
# Found by tests/test_second_order_vs_torch.py (random_view_graph_22): a NaN gradient
# spread to inputs PyTorch leaves untouched. Values from PyTorch 2.13.


def test_maximum_family_gradients_keep_nan_where_pytorch_does():
    inf, nan = math.inf, math.nan
    a = torch.tensor([1.0, nan, 2.0, 3.0], requires_grad=True)
    b = torch.tensor([1.0, 1.0, nan, 1.0], requires_grad=True)
    expected = {
        torch.maximum: ([0.5, 1, 1, 1], [0.5, 1, 1, 0]),  # a NaN: both get g
        torch.minimum: ([0.5, 1, 1, 0], [0.5, 1, 1, 1]),
        torch.fmax: ([1, 0, 1, 1], [0, 1, 0, 0]),
        torch.fmin: ([1, 0, 1, 0], [0, 1, 0, 1]),
    }
    for op, (da, db) in expected.items():
        ga, gb = torch.autograd.grad(op(a, b).sum(), [a, b])
        np.testing.assert_array_equal(ga.numpy(), da)
        np.testing.assert_array_equal(gb.numpy(), db)
    # an inf gradient reaches only the input that was picked: 0, not 0 * inf = NaN
    x = torch.tensor([2.0, -1.0], requires_grad=True)
    y = torch.tensor([1.0, 1.0], requires_grad=True)
    gx, gy = torch.autograd.grad(torch.maximum(x, y), [x, y], torch.tensor([inf, inf]))
    np.testing.assert_array_equal(gx.numpy(), [inf, 0.0])
    np.testing.assert_array_equal(gy.numpy(), [0.0, inf])


def test_padding_and_nearest_resizing_copy_an_inf_without_spreading_it():
    x = torch.tensor([[[1.0, math.inf, 2.0, 3.0]]], requires_grad=True)
    inf = math.inf
    np.testing.assert_array_equal(
        F.pad(x, (1, 1), mode="replicate").detach().numpy(), [[[1, 1, inf, 2, 3, 3]]]
    )
    np.testing.assert_array_equal(
        F.pad(x, (1, 1), mode="reflect").detach().numpy(), [[[inf, 1, inf, 2, 3, 2]]]
    )
    np.testing.assert_array_equal(
        F.pad(x, (1, 1), mode="circular").detach().numpy(), [[[3, 1, inf, 2, 3, 1]]]
    )
    np.testing.assert_array_equal(
        F.interpolate(x, scale_factor=2, mode="nearest").detach().numpy(),
        [[[1, 1, inf, inf, 2, 2, 3, 3]]],
    )
    seed = torch.tensor([[[1.0, math.nan, 1.0, 1.0, 1.0, 1.0]]])
    (g,) = torch.autograd.grad(F.pad(x, (1, 1), mode="replicate"), [x], seed)
    np.testing.assert_array_equal(g.numpy(), [[[math.nan, 1.0, 1.0, 2.0]]])


def test_clamp_tril_and_extremes_keep_inf_and_nan_where_pytorch_does():
    inf, nan = math.inf, math.nan
    # clamp with tensor bounds: an inf gradient goes to the input only, not 0 * inf = NaN
    x = torch.tensor([0.0, 2.0], requires_grad=True)
    lo = torch.tensor([0.0, 0.0], requires_grad=True)
    hi = torch.tensor([1.0, 1.0], requires_grad=True)
    grads = torch.autograd.grad(torch.clamp(x, lo, hi), [x, lo, hi], torch.tensor([inf, inf]))
    for g, expected in zip(grads, ([inf, 0.0], [0.0, 0.0], [0.0, inf])):
        np.testing.assert_array_equal(g.numpy(), expected)
    # tril/triu: an inf or NaN outside the triangle is 0, and so is its gradient
    m = torch.tensor([[1.0, inf], [nan, 2.0]], requires_grad=True)
    np.testing.assert_array_equal(m.tril().detach().numpy(), [[1.0, 0.0], [nan, 2.0]])
    np.testing.assert_array_equal(m.triu().detach().numpy(), [[1.0, inf], [0.0, 2.0]])
    (g,) = torch.autograd.grad(m.tril(), [m], torch.tensor([[1.0, nan], [1.0, 1.0]]))
    np.testing.assert_array_equal(g.numpy(), [[1.0, 0.0], [1.0, 1.0]])
    assert torch.tensor([[True, True], [True, True]]).triu().dtype == torch.bool
    # max(), min(), median() over all elements: shared among the NaNs when the result is
    # NaN, and an inf gradient reaches the ties only (evenly_distribute_backward)
    v = torch.tensor([1.0, nan, -2.0, nan, -2.0], requires_grad=True)
    for op in (torch.Tensor.max, torch.Tensor.min, torch.Tensor.median):
        (g,) = torch.autograd.grad(op(v), [v])
        np.testing.assert_array_equal(g.numpy(), [0.0, 0.5, 0.0, 0.5, 0.0])
    w = torch.tensor([1.0, 3.0, -2.0, 3.0, -2.0], requires_grad=True)
    (g,) = torch.autograd.grad(w.min(), [w], torch.tensor(inf, dtype=torch.float32))
    np.testing.assert_array_equal(g.numpy(), [0.0, 0.0, inf, 0.0, inf])


def test_unfold_and_fold_move_an_inf_without_spreading_it():
    """They were convolutions with one-hot kernels: 0 * inf = NaN in every other column."""
    inf = math.inf
    x = torch.tensor([[[[1.0, inf, 2.0], [3.0, 4.0, 5.0]]]])
    np.testing.assert_array_equal(
        F.unfold(x, 2).numpy(), [[[1.0, inf], [inf, 2.0], [3.0, 4.0], [4.0, 5.0]]]
    )
    cols = torch.tensor([[[1.0, inf], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]]])
    np.testing.assert_array_equal(F.fold(cols, (2, 3), 2).numpy(), [[[[1, inf, 3], [4, 11, 7]]]])


def test_linear_resizing_with_an_inf_equals_the_finite_product_away_from_it():
    """AxisMaps: a dense product for finite input, the nonzero terms only once an inf is
    in; outputs the inf does not feed are the same either way."""
    rng = np.random.default_rng(3)
    base = rng.standard_normal((1, 2, 5, 6))
    with_inf = base.copy()
    with_inf[0, 1, 2, 3] = math.inf
    finite = F.interpolate(torch.tensor(base), scale_factor=2, mode="bilinear").numpy()
    out = F.interpolate(torch.tensor(with_inf), scale_factor=2, mode="bilinear").numpy()
    fed = ~np.isfinite(out)
    assert fed[0, 1].any() and not fed[0, 0].any()
    np.testing.assert_allclose(out[~fed], finite[~fed], rtol=1e-12, atol=1e-15)
    x = torch.tensor(with_inf, requires_grad=True)
    (g,) = torch.autograd.grad(F.pad(x, (2, 2, 2, 2), mode="reflect").sum(), [x])
    assert np.isfinite(g.numpy()).all()


def test_maximum_and_fmax_save_their_inputs_so_an_inplace_change_is_caught():
    """As PyTorch's derivatives.yaml (self and other saved): a change before backward
    raises, and a pass without backward saves no masks."""
    for op in (torch.maximum, torch.minimum, torch.fmax, torch.fmin):
        a = torch.tensor([1.0, 2.0], requires_grad=True)
        x = a * 1
        y = op(x, torch.tensor([2.0, 1.0]))
        x.add_(1)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()


def test_prelu_of_a_zero_dim_input_is_zero_dim():
    """PyTorch 2.13: prelu(tensor(-2.), tensor([0.25])) is tensor(-0.5), not of shape [1]."""
    x = torch.tensor(-2.0, requires_grad=True)
    w = torch.tensor([0.25], requires_grad=True)
    y = F.prelu(x, w)
    assert y.shape == ()
    y.backward()
    assert x.grad.shape == () and x.grad.item() == 0.25
    np.testing.assert_array_equal(w.grad.numpy(), [-2.0])


def test_elu_gradient_far_below_zero_is_alpha_exp_a_in_float32():
    """PyTorch's elu_backward takes alpha * exp(a) from a; out + alpha (= alpha * (exp(a) -
    1) + alpha) cancels to 0 or one float32 step once exp(a) is below float32's epsilon."""
    a = np.array([-6.0, -10.0, -17.0, -20.0], np.float32)
    exp_a = np.exp(a.astype(np.float64))
    selu_scale, selu_alpha = 1.0507009873554805, 1.6732632423543772
    for f, expected in (
        (lambda t: F.elu(t, alpha=0.5), 0.5 * exp_a),
        (F.selu, selu_scale * selu_alpha * exp_a),
        (lambda t: F.celu(t, alpha=2.0), np.exp(a.astype(np.float64) / 2.0)),
    ):
        x = torch.tensor(a, requires_grad=True)
        (g,) = torch.autograd.grad(f(x).sum(), [x])
        assert g.dtype == torch.float32
        np.testing.assert_allclose(g.numpy(), expected, rtol=1e-6)


def test_embedding_of_zero_width_rows_has_a_zero_width_gradient():
    """PyTorch 2.13: embedding_dim 0 works; the gradient's reshape to (-1, 0) raised."""
    w = torch.zeros(5, 0, requires_grad=True)
    F.embedding(torch.tensor([[1, 2], [2, 4]]), w).sum().backward()
    assert w.grad.shape == (5, 0)
