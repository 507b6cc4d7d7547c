"""Losses, functional and module forms: values worked from PyTorch's documented formulas,
reductions, shapes and errors, and every gradient against central differences."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import leaf, off_kinks, values

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F


def val(t):
    return t.detach().numpy()


def log_softmax(x, axis):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


# ---------------------------------------------------------------------------- cross-entropy
def test_cross_entropy_value_by_hand():
    x = ts.tensor([[1.0, 2.0, 3.0]], dtype=ts.float64)
    expected = math.log(1 + math.exp(-1) + math.exp(-2))
    np.testing.assert_allclose(F.cross_entropy(x, ts.tensor([2])).item(), expected, rtol=1e-12)
    # unbatched: (C,) logits and a 0-d target
    np.testing.assert_allclose(F.cross_entropy(x[0], ts.tensor(2)).item(), expected, rtol=1e-12)
    assert F.cross_entropy(x[0], ts.tensor(2), reduction="none").shape == ()


def test_label_smoothing_by_hand():
    x = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
    y = np.array([2, 0])
    lp = log_softmax(x, 1)
    eps = 0.1
    per_row = (1 - eps) * -lp[[0, 1], y] + eps / 3 * -lp.sum(1)
    got = F.cross_entropy(ts.tensor(x), ts.tensor(y), label_smoothing=eps, reduction="none")
    np.testing.assert_allclose(val(got), per_row, rtol=1e-12)
    got = F.cross_entropy(ts.tensor(x), ts.tensor(y), label_smoothing=eps)
    np.testing.assert_allclose(got.item(), per_row.mean(), rtol=1e-12)
    # with class weights, 'mean' divides both terms by the weights of the targets
    w = np.array([1.0, 2.0, 3.0])
    nll = -(w[y] * lp[[0, 1], y]).sum() / w[y].sum()
    smooth = -(lp * w).sum() / w[y].sum()
    got = F.cross_entropy(ts.tensor(x), ts.tensor(y), weight=ts.tensor(w), label_smoothing=eps)
    np.testing.assert_allclose(got.item(), (1 - eps) * nll + eps / 3 * smooth, rtol=1e-12)
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(ts.tensor(x), ts.tensor(y), label_smoothing=1.5)


def test_probability_targets():
    x = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
    t = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    lp = log_softmax(x, 1)
    got = F.cross_entropy(ts.tensor(x), ts.tensor(t), reduction="none")
    np.testing.assert_allclose(val(got), -(t * lp).sum(1), rtol=1e-12)
    w = np.array([1.0, 2.0, 0.5])
    got = F.cross_entropy(ts.tensor(x), ts.tensor(t), weight=ts.tensor(w))
    np.testing.assert_allclose(got.item(), -(t * lp * w).sum() / 2, rtol=1e-12)  # / N
    smoothed = t * 0.8 + 0.2 / 3
    got = F.cross_entropy(ts.tensor(x), ts.tensor(t), label_smoothing=0.2, reduction="sum")
    np.testing.assert_allclose(got.item(), -(smoothed * lp).sum(), rtol=1e-12)
    # PyTorch 2.13: a float target not of the input's shape is a wrong class-index target
    with pytest.raises(
        RuntimeError, match="expected target dtype to be Long or Byte, but got Double"
    ):
        F.cross_entropy(ts.tensor(x), ts.tensor(t[:, :2]))


def test_spatial_inputs_match_the_flattened_case():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4, 3, 2))  # (N, C, d1, d2)
    y = rng.integers(0, 4, (2, 3, 2))
    y[0, 0, 0] = -100  # ignored
    flat_x = np.moveaxis(x, 1, -1).reshape(-1, 4)
    flat_y = y.reshape(-1)
    for reduction in ("mean", "sum"):
        got = F.cross_entropy(ts.tensor(x), ts.tensor(y), reduction=reduction)
        want = F.cross_entropy(ts.tensor(flat_x), ts.tensor(flat_y), reduction=reduction)
        np.testing.assert_allclose(got.item(), want.item(), rtol=1e-12)
    none = F.cross_entropy(ts.tensor(x), ts.tensor(y), reduction="none")
    assert none.shape == (2, 3, 2) and val(none)[0, 0, 0] == 0
    with pytest.raises(RuntimeError, match=r"Expected target size \[2, 3, 2\], got \[2, 3\]"):
        F.cross_entropy(ts.tensor(x), ts.tensor(y[:, :, 0]))
    with pytest.raises(
        ValueError,
        match=r"Expected input batch_size \(2\) to match target "
        r"batch_size \(1\)",
    ):
        F.cross_entropy(ts.tensor(x), ts.tensor(y[:1]))


def test_ignore_index_in_range_and_all_ignored():
    x = ts.tensor([[1.0, 2.0, 3.0], [3.0, 1.0, 0.0]], dtype=ts.float64)
    one = F.cross_entropy(x[:1], ts.tensor([2]))
    np.testing.assert_allclose(
        F.cross_entropy(x, ts.tensor([2, 1]), ignore_index=1).item(), one.item(), rtol=1e-12
    )
    for fn in (F.cross_entropy, lambda a, b, **k: F.nll_loss(F.log_softmax(a, 1), b, **k)):
        assert math.isnan(fn(x, ts.tensor([1, 1]), ignore_index=1).item())
        assert fn(x, ts.tensor([1, 1]), ignore_index=1, reduction="sum").item() == 0
        assert math.isnan(fn(x, ts.tensor([-100, -100])).item())


def test_out_of_range_labels_are_index_errors_even_near_2_to_64():
    x = ts.randn(2, 3)
    # uint64 labels (given as a NumPy array: there is no uint64 tensor) would cast to -100
    wrapped = np.array([2**64 - 100, 1], dtype=np.uint64)
    for fn in (F.cross_entropy, F.nll_loss):
        with pytest.raises(IndexError, match="out of bounds"):
            fn(x, wrapped)
        with pytest.raises(IndexError, match="out of bounds"):
            fn(x, ts.tensor([0, 3]))
        with pytest.raises(IndexError, match="out of bounds"):
            fn(x, ts.tensor([0, -5]))
    small = np.array([2, 1], dtype=np.uint8)  # in range: accepted
    np.testing.assert_allclose(
        F.cross_entropy(x, ts.from_numpy(small)).item(),
        F.cross_entropy(x, ts.tensor([2, 1])).item(),
        rtol=1e-6,
    )


@given(
    data=st.data(),
    smoothing=st.sampled_from([0.0, 0.3]),
    weighted=st.booleans(),
    spatial=st.booleans(),
)
def test_cross_entropy_gradients(data, smoothing, weighted, spatial):
    n, c = data.draw(st.integers(1, 3)), data.draw(st.integers(2, 4))
    shape = (n, c, 2) if spatial else (n, c)
    x = data.draw(values(shape))
    y = np.asarray(
        data.draw(
            st.lists(st.integers(-1, c - 1), min_size=n * (1 + spatial), max_size=n * (1 + spatial))
        )
    ).reshape((n, 2) if spatial else (n,))
    w = ts.tensor(data.draw(values((c,), 0.5, 2.0))) if weighted else None
    fn = lambda x: F.cross_entropy(
        x,
        ts.tensor(y),
        weight=w,
        ignore_index=-1,  # noqa: E731
        label_smoothing=smoothing,
    )
    if (y == -1).all():
        assert math.isnan(fn(leaf(x)).item())
        return
    assert ts.gradcheck(fn, (leaf(x),))
    fn_none = lambda x: F.cross_entropy(
        x,
        ts.tensor(y),
        weight=w,
        ignore_index=-1,  # noqa: E731
        label_smoothing=smoothing,
        reduction="none",
    )
    assert ts.gradcheck(fn_none, (leaf(x),))


@given(data=st.data())
def test_probability_target_gradients(data):
    x = data.draw(values((3, 4)))
    t = data.draw(values((3, 4), 0.0, 1.0))
    assert ts.gradcheck(lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1), (leaf(x), leaf(t)))


# ---------------------------------------------------------------------------- nll
def test_nll_loss_shapes_weights_and_default_ignore_index():
    lp = np.log(np.array([[0.2, 0.8], [0.6, 0.4], [0.5, 0.5]]))
    y = np.array([1, 0, -100])
    w = np.array([2.0, 1.0])
    got = F.nll_loss(ts.tensor(lp), ts.tensor(y), weight=ts.tensor(w))
    want = -(1.0 * math.log(0.8) + 2.0 * math.log(0.6)) / 3.0
    np.testing.assert_allclose(got.item(), want, rtol=1e-12)
    got = F.nll_loss(ts.tensor(lp[0]), ts.tensor(1))
    np.testing.assert_allclose(got.item(), -math.log(0.8), rtol=1e-12)
    with pytest.raises(RuntimeError, match="weight tensor should be defined either for all 2"):
        F.nll_loss(ts.tensor(lp), ts.tensor(y), weight=ts.ones(3))
    with pytest.raises(RuntimeError, match="integer class indices"):
        F.nll_loss(ts.tensor(lp), ts.tensor([1.0, 0.0, 0.0]))


@given(data=st.data())
def test_nll_gradients(data):
    x = data.draw(values((3, 4, 2)))
    y = np.asarray(data.draw(st.lists(st.integers(0, 3), min_size=6, max_size=6))).reshape(3, 2)
    w = ts.tensor(data.draw(values((4,), 0.5, 2.0)))
    for reduction in ("mean", "sum", "none"):
        assert ts.gradcheck(
            lambda x: F.nll_loss(x, ts.tensor(y), w, reduction=reduction), (leaf(x),)
        )


# ---------------------------------------------------------------------------- binary
def test_bce_values_clamp_and_errors():
    p = ts.tensor([0.5, 0.9, 0.0, 1.0], dtype=ts.float64)
    y = ts.tensor([1.0, 0.0, 1.0, 1.0], dtype=ts.float64)
    np.testing.assert_allclose(
        val(F.binary_cross_entropy(p, y, reduction="none")),
        [math.log(2), -math.log(0.1), 100.0, 0.0],
        rtol=1e-12,
    )
    w = ts.tensor([2.0, 1.0, 0.0, 1.0], dtype=ts.float64)
    np.testing.assert_allclose(
        F.binary_cross_entropy(p, y, weight=w, reduction="sum").item(),
        2 * math.log(2) - math.log(0.1),
        rtol=1e-12,
    )
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(ts.tensor([1.5]), ts.tensor([1.0]))
    with pytest.raises(ValueError, match="different to the input size"):
        F.binary_cross_entropy(ts.tensor([0.5]), ts.tensor([[1.0]]))


@given(data=st.data())
def test_bce_gradients(data):
    p = data.draw(values((2, 3), 0.05, 0.95))
    y = data.draw(values((2, 3), 0.0, 1.0))
    w = ts.tensor(data.draw(values((3,), 0.5, 2.0)))
    assert ts.gradcheck(lambda p, y: F.binary_cross_entropy(p, y, weight=w), (leaf(p), leaf(y)))


def test_bce_with_logits_matches_bce_and_is_stable():
    x = np.array([-2.0, 0.0, 3.0])
    y = np.array([0.0, 1.0, 1.0])
    s = 1 / (1 + np.exp(-x))
    want = -(y * np.log(s) + (1 - y) * np.log(1 - s))
    got = F.binary_cross_entropy_with_logits(ts.tensor(x), ts.tensor(y), reduction="none")
    np.testing.assert_allclose(val(got), want, rtol=1e-12)
    pw = np.array([3.0])
    got = F.binary_cross_entropy_with_logits(
        ts.tensor(x), ts.tensor(y), pos_weight=ts.tensor(pw), reduction="none"
    )
    np.testing.assert_allclose(val(got), -(3 * y * np.log(s) + (1 - y) * np.log(1 - s)), rtol=1e-12)
    big = ts.tensor([1e4, -1e4, 1e4, -1e4], requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(
        big, ts.tensor([0.0, 1.0, 1.0, 0.0]), reduction="none"
    )
    assert val(loss).tolist() == [1e4, 1e4, 0.0, 0.0]
    loss.sum().backward()
    assert val(big.grad).tolist() == [1.0, -1.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="must be the same as input size"):
        F.binary_cross_entropy_with_logits(ts.zeros(2), ts.zeros(2, 1))


@given(data=st.data())
def test_bce_with_logits_gradients(data):
    x = data.draw(values((2, 3), -4.0, 4.0))
    y = data.draw(values((2, 3), 0.0, 1.0))
    pw = data.draw(values((3,), 0.5, 3.0))
    w = ts.tensor(data.draw(values((2, 1), 0.5, 2.0)))
    fn = lambda x, y, pw: F.binary_cross_entropy_with_logits(x, y, w, pos_weight=pw)  # noqa: E731
    assert ts.gradcheck(fn, (leaf(x), leaf(y), leaf(pw)))


# ---------------------------------------------------------------------------- regression
def test_l1_smooth_l1_huber_values():
    a = ts.tensor([0.5, 2.0, -3.0], dtype=ts.float64)
    b = ts.zeros(3, dtype=ts.float64)
    assert F.l1_loss(a, b).item() == pytest.approx(5.5 / 3)
    np.testing.assert_allclose(val(F.smooth_l1_loss(a, b, reduction="none")), [0.125, 1.5, 2.5])
    np.testing.assert_allclose(
        val(F.smooth_l1_loss(a, b, beta=0.0, reduction="none")), [0.5, 2.0, 3.0]
    )
    np.testing.assert_allclose(
        val(F.huber_loss(a, b, delta=2.0, reduction="none")), [0.125, 2.0, 2.0 * (3.0 - 1.0)]
    )
    with pytest.raises(RuntimeError, match="negative values for beta"):
        F.smooth_l1_loss(a, b, beta=-1.0)
    with pytest.raises(RuntimeError, match="non-positive values for delta"):
        F.huber_loss(a, b, delta=0.0)
    with pytest.warns(UserWarning, match="different to the input size"):  # as PyTorch
        assert F.l1_loss(a, ts.zeros(3, 1), reduction="none").shape == (3, 3)


@pytest.mark.parametrize(
    "name,fn",
    [
        ("l1", lambda a, b: F.l1_loss(a, b)),
        ("smooth_l1", lambda a, b: F.smooth_l1_loss(a, b, beta=0.7)),
        ("smooth_l1_beta0", lambda a, b: F.smooth_l1_loss(a, b, beta=0.0, reduction="sum")),
        ("huber", lambda a, b: F.huber_loss(a, b, delta=0.7, reduction="none")),
        ("mse", lambda a, b: F.mse_loss(a, b)),
    ],
)
@given(data=st.data())
def test_regression_gradients(name, fn, data):
    a = data.draw(values((2, 3)))
    d = off_kinks(data.draw(values((2, 3))), 0.1)
    d = 0.7 + off_kinks(d - 0.7, 0.05)  # not on the beta / delta boundary either
    d = -0.7 + off_kinks(d + 0.7, 0.05)
    assert ts.gradcheck(fn, (leaf(a), leaf(a - d)))


def test_mse_empty_is_nan_and_backward_works():
    a = ts.zeros(0, requires_grad=True)
    loss = F.mse_loss(a, ts.zeros(0))
    assert math.isnan(loss.item())
    loss.backward()
    assert a.grad.shape == (0,)
    assert F.mse_loss(a, ts.zeros(0), reduction="sum").item() == 0
    with pytest.warns(UserWarning, match="different to the input size"):  # as PyTorch
        assert F.mse_loss(ts.zeros(3), ts.zeros(3, 1), reduction="none").shape == (3, 3)


# ---------------------------------------------------------------------------- KL divergence
def test_kl_div_values_and_reductions():
    p = np.array([[0.25, 0.75], [0.5, 0.5]])
    q = np.array([[0.5, 0.5], [0.9, 0.1]])
    pointwise = p * (np.log(p) - np.log(q))
    logq = ts.tensor(np.log(q))
    got = F.kl_div(logq, ts.tensor(p), reduction="batchmean")
    np.testing.assert_allclose(got.item(), pointwise.sum() / 2, rtol=1e-12)
    got = F.kl_div(logq, ts.tensor(np.log(p)), reduction="sum", log_target=True)
    np.testing.assert_allclose(got.item(), pointwise.sum(), rtol=1e-12)
    with pytest.warns(UserWarning, match="batchmean"):
        got = F.kl_div(logq, ts.tensor(p))
    np.testing.assert_allclose(got.item(), pointwise.mean(), rtol=1e-12)
    zero = F.kl_div(logq, ts.tensor([[0.0, 1.0], [1.0, 0.0]]), reduction="none")
    assert val(zero)[0, 0] == 0 and val(zero)[1, 1] == 0  # 0 log 0 = 0
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.kl_div(logq, ts.tensor(p), reduction="average")


@given(data=st.data(), log_target=st.booleans())
def test_kl_div_gradients(data, log_target):
    x = data.draw(values((2, 3)))
    t = data.draw(values((2, 3), 0.1, 1.0))
    fn = lambda x, t: F.kl_div(x, t, reduction="batchmean", log_target=log_target)  # noqa: E731
    assert ts.gradcheck(fn, (leaf(x), leaf(t)))


# ---------------------------------------------------------------------------- modules
def test_loss_modules_reprs_defaults_and_buffers():
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"
    assert repr(nn.BCEWithLogitsLoss()) == "BCEWithLogitsLoss()"
    ce = nn.CrossEntropyLoss(weight=ts.tensor([1.0, 2.0]), label_smoothing=0.1)
    assert list(ce.state_dict()) == ["weight"] and ce.ignore_index == -100
    bce = nn.BCEWithLogitsLoss(pos_weight=ts.tensor([2.0]))
    assert list(bce.state_dict()) == ["pos_weight"]
    assert nn.KLDivLoss().reduction == "mean" and nn.HuberLoss().delta == 1.0
    assert nn.SmoothL1Loss().beta == 1.0
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        nn.L1Loss(reduction="avg")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert nn.MSELoss(size_average=False).reduction == "sum"
        assert nn.MSELoss(reduce=False).reduction == "none"


@pytest.mark.parametrize(
    "module,fn,kwargs",
    [
        (nn.L1Loss, F.l1_loss, {}),
        (nn.MSELoss, F.mse_loss, {"reduction": "sum"}),
        (nn.SmoothL1Loss, F.smooth_l1_loss, {"beta": 0.5}),
        (nn.HuberLoss, F.huber_loss, {"delta": 0.5}),
        (nn.BCEWithLogitsLoss, F.binary_cross_entropy_with_logits, {"reduction": "none"}),
        (nn.KLDivLoss, F.kl_div, {"reduction": "batchmean"}),
    ],
)
def test_modules_call_their_functional_forms(module, fn, kwargs):
    a, b = ts.rand(3, 2), ts.rand(3, 2)
    np.testing.assert_array_equal(val(module(**kwargs)(a, b)), val(fn(a, b, **kwargs)))
    x, y = ts.randn(4, 3), ts.tensor([0, 2, 1, 1])
    np.testing.assert_array_equal(
        val(nn.NLLLoss()(F.log_softmax(x, 1), y)), val(F.nll_loss(F.log_softmax(x, 1), y))
    )
    np.testing.assert_array_equal(
        val(nn.BCELoss()(ts.sigmoid(a), b)), val(F.binary_cross_entropy(ts.sigmoid(a), b))
    )


def test_plain_integer_case_takes_the_fused_kernel():
    x = ts.randn(4, 3, requires_grad=True)
    assert F.cross_entropy(x, ts.tensor([0, 1, 2, 1])).grad_fn.name() == "CrossEntropyBackward0"
    assert F.cross_entropy(x[0], ts.tensor(1)).grad_fn.name() == "CrossEntropyBackward0"
    # the other cases compose log_softmax with a per-element NLL
    smoothed = F.cross_entropy(x, ts.tensor([0, 1, 2, 1]), label_smoothing=0.1)
    assert smoothed.grad_fn.name() != "CrossEntropyBackward0"
