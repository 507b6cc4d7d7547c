"""Convolution and pooling through the public API: gradcheck on hypothesis-drawn shapes,
strides, paddings, dilations and groups; forward values against a direct float64 loop;
PyTorch's output-size formulas; its errors, raised before any kernel; layers, init,
state_dict and reprs."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import distinct, leaf

import tinygrad_scores as ts
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
from tinygrad_scores import kernels
from tinygrad_scores.nn.functional_pooling import pool_output_size


def conv_loop(x, w, b, stride, padding, dilation, groups):
    """conv2d by its definition in float64: zero padding, one output at a time."""
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    N, _, H, W = x.shape
    Co, Cg, KH, KW = w.shape
    Ho, Wo = (H - dh * (KH - 1) - 1) // sh + 1, (W - dw * (KW - 1) - 1) // sw + 1
    out = np.zeros((N, Co, Ho, Wo))
    for n, o, i, j in np.ndindex(N, Co, Ho, Wo):
        c0 = o // (Co // groups) * Cg
        total = 0.0 if b is None else b[o]
        for c, p, q in np.ndindex(Cg, KH, KW):
            total += x[n, c0 + c, i * sh + p * dh, j * sw + q * dw] * w[o, c, p, q]
        out[n, o, i, j] = total
    return out


@st.composite
def convs(draw):
    groups = draw(st.integers(1, 3))
    cg, og = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))  # stride > kernel too
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    size = [
        draw(st.integers(max(1, d * (k - 1) + 1 - 2 * p), d * (k - 1) + 5))
        for k, d, p in zip(kernel, dilation, padding)
    ]
    n = draw(st.integers(1, 2))
    x_shape, w_shape = (n, groups * cg, *size), (groups * og, cg, *kernel)
    return x_shape, w_shape, stride, padding, dilation, groups, draw(st.booleans())


@settings(max_examples=40, deadline=None)
@given(case=convs(), seed=st.integers(0, 2**16))
def test_conv2d_forward_is_the_direct_loop(case, seed):
    xs, ws, stride, padding, dilation, groups, bias = case
    rng = np.random.default_rng(seed)
    x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
    b = b if bias else None
    out = F.conv2d(
        ts.tensor(x),
        ts.tensor(w),
        None if b is None else ts.tensor(b),
        stride,
        padding,
        dilation,
        groups,
    )
    np.testing.assert_allclose(
        out.numpy(), conv_loop(x, w, b, stride, padding, dilation, groups), atol=1e-12
    )


@pytest.mark.parametrize("floor", ["fast", "loops"])
@settings(max_examples=15, deadline=None)
@given(case=convs(), seed=st.integers(0, 2**16))
def test_conv2d_gradcheck(floor, case, seed):
    xs, ws, stride, padding, dilation, groups, bias = case
    rng = np.random.default_rng(seed)
    args = [leaf(rng.standard_normal(xs)), leaf(rng.standard_normal(ws))]
    if bias:
        args.append(leaf(rng.standard_normal(ws[0])))
    kernels.set_kernels(floor)
    try:
        assert ts.gradcheck(
            lambda *a: F.conv2d(*a[:2], a[2] if bias else None, stride, padding, dilation, groups),
            args,
        )
    finally:
        kernels.set_kernels("fast")


@settings(max_examples=15, deadline=None)
@given(
    mode=st.sampled_from(["zeros", "reflect", "replicate", "circular"]),
    padding=st.sampled_from([1, (0, 2), "same", "valid"]),
    seed=st.integers(0, 2**16),
)
def test_conv_layers_gradcheck_in_every_padding_mode(mode, padding, seed):
    rng = np.random.default_rng(seed)
    padding_1d = padding[1] if isinstance(padding, tuple) else padding
    layers = (
        (nn.Conv2d(2, 2, 3, padding=padding, padding_mode=mode, dtype=ts.float64), (1, 2, 4, 5)),
        (
            nn.Conv1d(2, 4, 2, padding=padding_1d, padding_mode=mode, groups=2, dtype=ts.float64),
            (2, 2, 5),
        ),
    )
    for layer, shape in layers:
        x, w, b = (
            leaf(a)
            for a in (
                rng.standard_normal(shape),
                layer.weight.detach().numpy(),
                layer.bias.detach().numpy(),
            )
        )
        assert ts.gradcheck(layer._conv_forward, (x, w, b))


@settings(max_examples=15, deadline=None)
@given(
    stride=st.integers(1, 3),
    padding=st.integers(0, 1),
    output_padding=st.integers(0, 2),
    dilation=st.integers(1, 2),
    groups=st.integers(1, 2),
    seed=st.integers(0, 2**16),
)
def test_conv_transpose2d_gradcheck(stride, padding, output_padding, dilation, groups, seed):
    if output_padding >= max(stride, dilation):
        return
    rng = np.random.default_rng(seed)
    x, w, b = (
        leaf(rng.standard_normal(s))
        for s in ((2, 2 * groups, 3, 2), (2 * groups, 2, 2, 3), (2 * groups,))
    )
    fn = lambda x, w, b: F.conv_transpose2d(
        x, w, b, stride, padding, output_padding, groups, dilation
    )  # noqa: E731
    assert ts.gradcheck(fn, (x, w, b))


@st.composite
def pools(draw):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = tuple(draw(st.integers(0, (d * (k - 1) + 1) // 2)) for k, d in zip(kernel, dilation))
    size = [draw(st.integers(d * (k - 1) + 1, d * (k - 1) + 6)) for k, d in zip(kernel, dilation)]
    channels = draw(st.integers(1, 2))  # a single channel too
    return (2, channels, *size), kernel, stride, padding, dilation, draw(st.booleans())


@settings(max_examples=40, deadline=None)
@given(case=pools(), seed=st.integers(0, 2**16))
def test_max_pool2d_gradcheck_and_output_size(case, seed):
    shape, kernel, stride, padding, dilation, ceil_mode = case
    x = distinct(np.random.default_rng(seed).standard_normal(shape))
    fn = lambda t: F.max_pool2d(t, kernel, stride, padding, dilation, ceil_mode)  # noqa: E731
    out = fn(ts.tensor(x))
    assert tuple(out.shape[2:]) == tuple(
        pool_output_size(s, k, st_, p, d, ceil_mode)
        for s, k, st_, p, d in zip(shape[2:], kernel, stride, padding, dilation)
    )
    assert ts.gradcheck(fn, (leaf(x),))


@settings(max_examples=40, deadline=None)
@given(
    case=pools(),
    include=st.booleans(),
    divisor=st.sampled_from([None, 3]),
    seed=st.integers(0, 2**16),
)
def test_avg_pool2d_gradcheck(case, include, divisor, seed):
    shape, kernel, stride, padding, _, ceil_mode = case
    padding = tuple(min(p, k // 2) for p, k in zip(padding, kernel))
    x = np.random.default_rng(seed).standard_normal(shape)
    fn = lambda t: F.avg_pool2d(t, kernel, stride, padding, ceil_mode, include, divisor)  # noqa: E731
    assert ts.gradcheck(fn, (leaf(x),))


@settings(max_examples=20, deadline=None)
@given(
    h=st.integers(1, 9),
    w=st.integers(1, 9),
    oh=st.integers(1, 5),
    ow=st.integers(1, 5),
    seed=st.integers(0, 2**16),
)
def test_adaptive_pools_gradcheck(h, w, oh, ow, seed):
    x = distinct(np.random.default_rng(seed).standard_normal((2, 2, h, w)))
    assert ts.gradcheck(lambda t: F.adaptive_avg_pool2d(t, (oh, ow)), (leaf(x),))
    assert ts.gradcheck(lambda t: F.adaptive_max_pool2d(t, (oh, ow)), (leaf(x),))
    assert ts.gradcheck(lambda t: F.adaptive_avg_pool1d(t[:, :, 0], ow), (leaf(x),))


def test_output_size_formulas_are_pytorchs():
    # conv: floor((H + 2p - d(k-1) - 1) / s) + 1
    x = ts.zeros(1, 1, 11, 10)
    assert F.conv2d(
        x, ts.zeros(1, 1, 3, 2), stride=(2, 3), padding=(1, 2), dilation=(2, 1)
    ).shape == (1, 1, 5, 5)
    # pooling with ceil_mode: a last window starting in the padding is dropped
    assert pool_output_size(7, 3, 2, 1, 1, True) == 4
    assert pool_output_size(6, 2, 2, 1, 1, True) == 4
    assert pool_output_size(5, 2, 2, 0, 1, True) == 3
    assert pool_output_size(5, 2, 2, 0, 1, False) == 2
    # transposed: (H - 1) s - 2p + d(k - 1) + output_padding + 1
    y = F.conv_transpose2d(
        ts.zeros(1, 1, 4, 4), ts.zeros(1, 1, 3, 3), stride=2, padding=1, output_padding=1
    )
    assert y.shape == (1, 1, 8, 8)


def test_a_worked_example_by_hand():
    x = ts.tensor([[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]], requires_grad=True)
    w = ts.tensor([[[[1.0, 0.0], [0.0, -1.0]]]], requires_grad=True)
    out = F.conv2d(x, w)
    assert out.tolist() == [[[[-4.0, -4.0], [-4.0, -4.0]]]]
    out.sum().backward()
    # each x[h, w] is counted once per window that holds it, times that weight
    assert x.grad.tolist() == [[[[1.0, 1.0, 0.0], [1.0, 0.0, -1.0], [0.0, -1.0, -1.0]]]]
    assert w.grad.tolist() == [[[[12.0, 16.0], [24.0, 28.0]]]]  # sums of x's 2 x 2 windows


ERRORS = [
    (
        lambda: F.conv2d(ts.zeros(2, 4, 5, 5), ts.zeros(8, 3, 3, 3)),
        r"Given groups=1, weight of size \[8, 3, 3, 3\], expected input\[2, 4, 5, 5\] to have 3 "
        "channels, but got 4 channels instead",
    ),
    (
        lambda: F.conv2d(ts.zeros(2, 3), ts.zeros(8, 3, 3, 3)),
        r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got input of size: "
        r"\[2, 3\]",
    ),
    (
        lambda: F.conv2d(ts.zeros(2, 3, 2, 2), ts.zeros(8, 3, 3, 3)),
        r"Calculated padded input size per channel: \(2 x 2\). Kernel size: \(3 x 3\). Kernel size "
        "can't be greater than actual input size",
    ),
    (
        lambda: F.conv2d(ts.zeros(2, 3, 5, 5), ts.zeros(8, 3, 3, 3), padding="same", stride=2),
        "padding='same' is not supported for strided convolutions",
    ),
    (
        lambda: F.conv2d(ts.zeros(2, 3, 5, 5), ts.zeros(8, 3, 3, 3), padding="full"),
        "Invalid padding string: 'full'",
    ),
    (
        lambda: F.conv2d(ts.zeros(2, 3, 5, 5), ts.zeros(8, 3, 3, 3), padding=-1),
        "negative padding is not supported",
    ),
    (
        lambda: F.conv2d(ts.zeros(2, 3, 5, 5), ts.zeros(8, 3, 3, 3), stride=0),
        "non-positive stride is not supported",
    ),
    (
        lambda: F.conv2d(ts.zeros(2, 3, 5, 5), ts.zeros(8, 3, 3, 3), dilation=0),
        "non-positive dilation is not supported",
    ),
    (
        lambda: F.conv2d(ts.zeros(2, 4, 5, 5), ts.zeros(3, 2, 3, 3), groups=2),
        r"Given groups=2, expected weight to be divisible by 2 at dimension 0",
    ),
    (
        lambda: F.conv2d(ts.zeros(2, 3, 5, 5), ts.zeros(8, 3, 3, 3), ts.zeros(5)),
        r"expected bias to be 1-dimensional with 8 elements, but got bias of size \[5\] instead",
    ),
    (
        lambda: F.conv2d(ts.zeros(2, 3, 5, 5, dtype=ts.float64), ts.zeros(8, 3, 3, 3)),
        "expected scalar type Double but found Float",
    ),
    (
        lambda: F.conv2d(ts.zeros(2, 3, 5, 5), ts.zeros(8, 3, 3, 3), stride=(1, 2, 3)),
        "expected stride to be a single integer value or a list of 2 values",
    ),
    (
        lambda: F.conv1d(ts.zeros(2, 3, 1), ts.zeros(4, 3, 2)),
        r"Calculated padded input size per channel: \(1\). Kernel size: \(2\)",
    ),
    (
        lambda: F.max_pool2d(ts.zeros(1, 1, 5, 5), 3, padding=2),
        "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and "
        "dilation=1",
    ),
    (
        lambda: F.max_pool2d(ts.zeros(1, 1, 2, 2), 3),
        r"Given input size: \(1x2x2\). Calculated output size: \(1x0x0\). Output size is too small",
    ),
    (lambda: F.max_pool2d(ts.zeros(1, 1, 5, 5), 2, stride=0), "stride should not be zero"),
    (
        lambda: F.adaptive_avg_pool2d(ts.zeros(5, 5), 3),
        r"adaptive_avg_pool2d\(\): Expected 3D or 4D tensor",
    ),
    (
        lambda: F.pad(ts.zeros(1, 1, 3, 3), (3, 3, 0, 0), mode="reflect"),
        "Padding size should be less than the corresponding input dimension",
    ),
    (
        lambda: F.pad(ts.zeros(1, 1, 3, 3), (4, 4, 0, 0), mode="circular"),
        "wrapping around more than once",
    ),
]


@pytest.mark.parametrize("call, message", ERRORS)
def test_bad_arguments_raise_pytorchs_error_before_any_kernel(call, message, monkeypatch):
    def no_kernel(*args):
        raise AssertionError("a kernel ran")

    for name in ("conv2d_forward", "max_pool_forward", "avg_pool_forward"):
        monkeypatch.setattr(kernels.fast, name, no_kernel)
    with pytest.raises(RuntimeError, match=message):
        call()


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda: nn.Conv2d(3, 8, 3, stride=2, padding="same"),
            "padding='same' is not supported for strided convolutions",
        ),
        (
            lambda: nn.Conv2d(3, 8, 3, padding="foo"),
            r"Invalid padding string 'foo', should be one of \{'same', 'valid'\}",
        ),
        (lambda: nn.Conv2d(3, 8, 3, groups=2), "in_channels must be divisible by groups"),
        (lambda: nn.Conv2d(4, 9, 3, groups=2), "out_channels must be divisible by groups"),
        (lambda: nn.Conv2d(4, 8, 3, groups=0), "groups must be a positive integer"),
        (lambda: nn.Conv2d(4, 8, 3, padding_mode="foo"), "padding_mode must be one of"),
    ],
)
def test_layer_arguments_are_checked_as_pytorch(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_conv_layers_keep_pytorchs_state_dict_layout_and_init():
    ts.manual_seed(0)
    m = nn.Conv2d(6, 12, (3, 2), groups=3)
    sd = m.state_dict()
    assert list(sd) == ["weight", "bias"]
    assert sd["weight"].shape == (12, 2, 3, 2) and sd["bias"].shape == (12,)
    bound = 1 / math.sqrt(2 * 3 * 2)  # fan_in = in_channels / groups * kernel area
    for p in (m.weight, m.bias):
        assert np.abs(p.detach().numpy()).max() <= bound
        assert np.abs(p.detach().numpy()).max() > 0.8 * bound
    t = nn.ConvTranspose2d(4, 6, 3, groups=2)
    assert t.weight.shape == (4, 3, 3, 3)
    assert nn.Conv1d(3, 5, 4, bias=False).state_dict()["weight"].shape == (5, 3, 4)
    assert "bias" not in nn.Conv1d(3, 5, 4, bias=False).state_dict()


def test_layer_reprs_are_pytorchs():
    assert repr(nn.Conv2d(3, 8, 3)) == "Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))"
    assert (
        repr(nn.Conv2d(3, 8, 3, padding="same"))
        == "Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=same)"
    )
    assert repr(
        nn.Conv2d(3, 8, (3, 2), stride=2, padding=1, dilation=2, bias=False, padding_mode="reflect")
    ) == (
        "Conv2d(3, 8, kernel_size=(3, 2), stride=(2, 2), padding=(1, 1), dilation=(2, 2), "
        "bias=False, padding_mode=reflect)"
    )
    assert repr(nn.Conv1d(3, 8, 3)) == "Conv1d(3, 8, kernel_size=(3,), stride=(1,))"
    assert (
        repr(nn.MaxPool2d(2))
        == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    )
    assert repr(nn.AvgPool2d(2)) == "AvgPool2d(kernel_size=2, stride=2, padding=0)"
    assert repr(nn.AvgPool1d(3)) == "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))"
    assert repr(nn.AdaptiveAvgPool2d((1, 1))) == "AdaptiveAvgPool2d(output_size=(1, 1))"
    assert (
        repr(nn.MaxUnpool2d(2)) == "MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))"
    )
    assert repr(nn.Upsample(scale_factor=2)) == "Upsample(scale_factor=2.0, mode='nearest')"
    assert repr(nn.PixelShuffle(2)) == "PixelShuffle(upscale_factor=2)"
    assert repr(nn.Dropout2d()) == "Dropout2d(p=0.5, inplace=False)"
    assert (
        repr(nn.InstanceNorm2d(3))
        == "InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)"
    )
    assert (
        repr(nn.ConvTranspose2d(3, 4, 3))
        == "ConvTranspose2d(3, 4, kernel_size=(3, 3), stride=(1, 1))"
    )


def test_max_pool_indices_and_unpool_round_trip():
    x = ts.tensor(
        distinct(np.random.default_rng(1).standard_normal((2, 3, 6, 4))), requires_grad=True
    )
    out, idx = nn.MaxPool2d(2, return_indices=True)(x)
    assert idx.dtype == ts.int64 and idx.shape == out.shape
    back = nn.MaxUnpool2d(2)(out, idx)
    kept = back.detach().numpy() != 0
    assert kept.sum() == out.numel()
    np.testing.assert_array_equal(back.detach().numpy()[kept], x.detach().numpy()[kept])
    back.sum().backward()
    assert x.grad.numpy().sum() == out.numel()


def test_unbatched_inputs_give_unbatched_outputs():
    x = ts.randn(3, 7, 7)
    assert nn.Conv2d(3, 4, 3)(x).shape == (4, 5, 5)
    assert nn.Conv1d(3, 4, 3)(ts.randn(3, 7)).shape == (4, 5)
    assert F.max_pool2d(x, 2).shape == (3, 3, 3)
    assert F.avg_pool1d(ts.randn(3, 8), 2).shape == (3, 4)


def test_fold_of_unfold_counts_each_pixel_once_per_window():
    x = ts.ones(1, 2, 4, 4)
    cols = F.unfold(x, 2, stride=1)
    assert cols.shape == (1, 8, 9)
    counts = F.fold(cols, (4, 4), 2).numpy()[0, 0]
    np.testing.assert_array_equal(counts, [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), kernel=st.tuples(st.integers(1, 3), st.integers(1, 3)))
def test_fold_is_unfolds_adjoint_and_each_ones_gradient_is_the_other(seed, kernel):
    """<unfold(x), y> = <x, fold(y)>, with dilation, stride and padding; unfold's
    gradient for y is fold(y) and fold's for x is unfold(x)."""
    rng = np.random.default_rng(seed)
    options = dict(kernel_size=kernel, dilation=(1, 2), padding=(1, 0), stride=(2, 1))
    x = leaf(rng.standard_normal((2, 3, 6, 7)))
    cols = F.unfold(x, **options)
    y = leaf(rng.standard_normal(cols.shape))
    back = F.fold(y, (6, 7), **options)
    np.testing.assert_allclose((cols * y).sum().item(), (x * back).sum().item(), rtol=1e-12)
    gx, gy = ts.autograd.grad((cols * y.detach()).sum() + (back * x.detach()).sum(), [x, y])
    np.testing.assert_array_equal(gx.numpy(), back.detach().numpy())
    np.testing.assert_array_equal(gy.numpy(), cols.detach().numpy())


def test_unfold_and_fold_of_an_empty_batch_are_empty_with_empty_gradients():
    """PyTorch 2.13: a batch of 0 gives (0, C * K, L) and (0, C, H, W); a reshape by -1
    raised here."""
    x = ts.zeros(0, 2, 4, 4, requires_grad=True)
    cols = F.unfold(x, 2)
    assert cols.shape == (0, 8, 9)
    cols.sum().backward()
    assert x.grad.shape == (0, 2, 4, 4)
    c = ts.zeros(0, 8, 4, requires_grad=True)
    out = F.fold(c, (3, 3), 2)
    assert out.shape == (0, 2, 3, 3)
    out.sum().backward()
    assert c.grad.shape == (0, 8, 4)


def test_dropout2d_zeroes_whole_channels_and_batchnorm2d_normalises_channels():
    ts.manual_seed(0)
    y = F.dropout2d(ts.ones(8, 16, 3, 3), 0.5).numpy()
    per_channel = y.reshape(8, 16, 9)
    assert set(np.unique(per_channel)) == {0.0, 2.0}
    assert (per_channel.min(axis=2) == per_channel.max(axis=2)).all()
    bn = nn.BatchNorm2d(3)
    out = bn(ts.randn(4, 3, 5, 5) * 3 + 1).detach().numpy()
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-5)
    with pytest.raises(ValueError, match="expected 4D input"):
        bn(ts.randn(4, 3, 5))


def test_adadelta_steps_as_pytorch():
    """Three steps on sum(c * p^2) with weight decay; the values are PyTorch 2's."""
    p = ts.tensor([1.0, -2.0, 0.5], dtype=ts.float64, requires_grad=True)
    opt = ts.optim.Adadelta([p], lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.1)
    for _ in range(3):
        opt.zero_grad()
        (p**2 * ts.tensor([1.0, 2.0, 3.0], dtype=ts.float64)).sum().backward()
        opt.step()
    want = [0.9903090445069902, -1.9903007500587007, 0.4903256746759684]
    np.testing.assert_allclose(p.detach().numpy(), want, rtol=1e-12)
    assert sorted(opt.state[p]) == ["acc_delta", "square_avg", "step"]


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), mode=st.sampled_from(["reflect", "replicate", "circular"]))
def test_resampling_ops_gradcheck(seed, mode):
    rng = np.random.default_rng(seed)
    x = leaf(rng.standard_normal((2, 4, 4, 5)))
    assert ts.gradcheck(lambda t: F.pad(t, (2, 1, 0, 3), mode=mode), (x,))
    assert ts.gradcheck(lambda t: F.unfold(t, (2, 3), padding=1, stride=(1, 2)), (x,))
    cols = leaf(rng.standard_normal((2, 8, 8)))
    assert ts.gradcheck(lambda t: F.fold(t, (3, 4), 2, padding=(1, 0), stride=(1, 2)), (cols,))
    assert ts.gradcheck(lambda t: F.interpolate(t, size=(7, 3)), (x,))
    for corners in (False, True):
        fn = lambda t: F.interpolate(t, scale_factor=1.5, mode="bilinear", align_corners=corners)  # noqa: E731
        assert ts.gradcheck(fn, (x,))
    assert ts.gradcheck(lambda t: F.pixel_shuffle(t, 2), (x,))
    assert ts.gradcheck(lambda t: F.instance_norm(t), (x,))


def test_an_empty_batch_gives_empty_outputs_and_zero_weight_gradients():
    layer = nn.Conv2d(2, 3, 3, dtype=ts.float64)
    out = layer(ts.zeros(0, 2, 5, 5, dtype=ts.float64))
    assert out.shape == (0, 3, 3, 3)
    out.sum().backward()
    assert (layer.weight.grad.numpy() == 0).all() and (layer.bias.grad.numpy() == 0).all()
    assert F.max_pool2d(ts.zeros(0, 2, 4, 4), 2).shape == (0, 2, 2, 2)


def test_conv_transpose_output_size_picks_the_output_padding():
    up = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    x = ts.randn(1, 2, 4, 4)
    assert up(x).shape == (1, 3, 7, 7)
    assert up(x, output_size=[8, 8]).shape == (1, 3, 8, 8)
    assert up(x, output_size=(1, 3, 7, 8)).shape == (1, 3, 7, 8)
    with pytest.raises(ValueError, match=r"valid sizes range from \[7, 7\] to \[8, 8\]"):
        up(x, output_size=(9, 9))


def test_padding_and_upsampling_layers():
    x = ts.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    assert nn.ReflectionPad2d(1)(x).tolist()[0][0] == [
        [4, 3, 4, 3],
        [2, 1, 2, 1],
        [4, 3, 4, 3],
        [2, 1, 2, 1],
    ]
    row = ts.tensor([[[1.0, 2.0, 3.0]]])
    assert nn.ReplicationPad1d((1, 2))(row).tolist() == [[[1, 1, 2, 3, 3, 3]]]
    assert nn.CircularPad1d(1)(row).tolist() == [[[3, 1, 2, 3, 1]]]
    assert nn.ConstantPad1d(2, 3.5)(row).tolist() == [[[3.5, 3.5, 1, 2, 3, 3.5, 3.5]]]
    assert nn.ZeroPad2d((1, 0, 0, 1))(ts.tensor([[[[5.0]]]])).tolist() == [[[[0, 5], [0, 0]]]]
    pair = ts.tensor([[[[0.0, 2.0]]]])
    assert nn.UpsamplingNearest2d(scale_factor=2)(pair).tolist() == [[[[0, 0, 2, 2]] * 2]]
    assert nn.UpsamplingBilinear2d(size=(1, 3))(pair).tolist() == [[[[0, 1, 2]]]]
    assert repr(nn.ZeroPad2d(2)) == "ZeroPad2d((2, 2, 2, 2))"
    assert repr(nn.ConstantPad1d(2, 3.5)) == "ConstantPad1d(padding=(2, 2), value=3.5)"
    assert repr(nn.UpsamplingBilinear2d(size=4)) == "UpsamplingBilinear2d(size=4, mode='bilinear')"
