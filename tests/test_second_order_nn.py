"""Second derivatives of the nn ops (softmax, losses, normalisation, relu, gelu) and of the
nn.functional composites built from them: gradgradcheck in float64 on hypothesis-drawn
shapes, values kept off kinks and ties. The ops whose backward is an op of its own
(ReluBackward, SoftmaxBackward, LogSoftmaxBackward, CrossEntropyBackward,
EmbeddingBackward) are checked one order higher: their case differentiates the gradient
twice."""

import numpy as np
import pytest
from hypothesis import strategies as st
from second_order import Registry, leaf64
from strategies import distinct, off_kinks, values

import tinygrad_scores as ts
import tinygrad_scores.nn.functional as F
from tinygrad_scores import kernels
from tinygrad_scores.autograd import grad as autograd_grad
from tinygrad_scores.gradcheck import gradgradcheck

REGISTRY = Registry()
case = REGISTRY.case

sides = st.integers(1, 4)


def _array(data, shape, low=-2.0, high=2.0):
    return data.draw(values(tuple(shape), low, high))


def _shape(data, min_dims=1, max_dims=3):
    return tuple(data.draw(st.lists(sides, min_size=min_dims, max_size=max_dims)))


def _labels(data, n, c, shape=None, ignore_index=-100):
    """Integer labels in [0, c) of ``shape`` (default (n,)), perhaps the first one
    ``ignore_index``, the last one always counted ('mean' over no counted label is 0 / 0,
    NaN as in PyTorch)."""
    shape = shape or (n,)
    size = int(np.prod(shape))
    labels = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=size, max_size=size)))
    if size > 1 and data.draw(st.booleans()):
        labels[0] = ignore_index
    if labels[-1] == ignore_index:
        labels[-1] = c - 1 - ignore_index
    return ts.tensor(labels.reshape(shape).astype(np.int64))


def _gradient_of(op):
    """fn(inputs..., g) = d <op(inputs), g> / d inputs with create_graph: the backward op
    of ``op`` as a function, so gradgradcheck differentiates it twice."""

    def fn(*args):
        xs, g = args[:-1], args[-1]
        return autograd_grad(op(*xs), list(xs), g, create_graph=True)

    return fn


# ----------------------------------------------------------------------------- relu, gelu


@case("ReLU")
def relu(data):
    x = off_kinks(_array(data, _shape(data)))
    return (lambda a: a.relu() * a), [leaf64(x)]


@case("ReluBackward")
def relu_backward_twice(data):
    shape = _shape(data)
    x = off_kinks(_array(data, shape))
    return _gradient_of(lambda a: a.relu() * a), [leaf64(x), leaf64(_array(data, shape))]


@case("PReLUBackward")
def prelu_backward_twice(data):
    shape = (2, 3, 2)
    x = off_kinks(_array(data, shape))
    w = leaf64(_array(data, (3,), -0.5, 0.5))
    return _gradient_of(F.prelu), [leaf64(x), w, leaf64(_array(data, shape))]


def test_prelu_second_derivative_at_zero_is_pytorchs():
    """PyTorch's _prelu_kernel_backward gives g * w at a == 0, but its own derivatives take
    a == 0 on the side a >= 0: d(da)/dg is 1 there and the mixed d(da)/dw, d(dw)/da are 0.
    So the Hessian of prelu(x, w) * x at x = 0 is 1 + w (found by the side-by-side case
    prelu_at_0; where() gave 2 w and a mixed 1)."""
    x, w = leaf64(np.array([0.0, -1.0, 1.0])), leaf64(np.array([0.25]))
    hxx, hxw = ts.autograd.functional.hessian(lambda a, b: (F.prelu(a, b) * a).sum(), (x, w))[0]
    np.testing.assert_array_equal(hxx.numpy(), np.diag([1.25, 0.5, 2.0]))
    np.testing.assert_array_equal(hxw.numpy(), [[0.0], [-2.0], [0.0]])


@case("GELU")
def gelu(data):
    approximate = data.draw(st.sampled_from(["none", "tanh"]))
    return (lambda a: F.gelu(a, approximate=approximate)), [leaf64(_array(data, _shape(data)))]


# ----------------------------------------------------------------------------- softmax


def _rowwise(data, fn):
    shape = _shape(data)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    return (lambda a: fn(a, dim)), [leaf64(_array(data, shape))]


@case("Softmax")
def softmax(data):
    return _rowwise(data, lambda a, dim: F.softmax(a, dim) * a)


@case("LogSoftmax")
def log_softmax(data):
    return _rowwise(data, lambda a, dim: F.log_softmax(a, dim) * a)


def _rowwise_gradient(data, fn):
    shape = _shape(data)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    x, g = leaf64(_array(data, shape)), leaf64(_array(data, shape))
    return _gradient_of(lambda a: fn(a, dim)), [x, g]


@case("SoftmaxBackward")
def softmax_backward_twice(data):
    return _rowwise_gradient(data, F.softmax)


@case("LogSoftmaxBackward")
def log_softmax_backward_twice(data):
    return _rowwise_gradient(data, F.log_softmax)


# ----------------------------------------------------------------------------- cross-entropy


def _ce_options(data, c):
    weight = None
    if data.draw(st.booleans()):
        weight = ts.tensor(_array(data, (c,), 0.5, 2.0))
    ignore_index = data.draw(st.sampled_from([-100, 0])) if data.draw(st.booleans()) else -100
    reduction = data.draw(st.sampled_from(["mean", "sum", "none"]))
    return {"weight": weight, "ignore_index": ignore_index, "reduction": reduction}


def _ce_problem(data):
    """(loss of logits, (n, c) logits, reduction): F.cross_entropy on the fused kernel with
    drawn labels and options."""
    n, c = data.draw(sides), data.draw(st.integers(2, 5))
    options = _ce_options(data, c)
    labels = _labels(data, n, c, ignore_index=options["ignore_index"])
    loss = lambda a: F.cross_entropy(a, labels, **options)  # noqa: E731
    return loss, leaf64(_array(data, (n, c))), options["reduction"]


@case("CrossEntropy")
def cross_entropy_fused(data):
    loss, x, _ = _ce_problem(data)
    return loss, [x]


@case("CrossEntropy", label="cross_entropy_unbatched")
def cross_entropy_one_row(data):
    c = data.draw(st.integers(2, 5))
    label = ts.tensor(data.draw(st.integers(0, c - 1)))
    return (lambda a: F.cross_entropy(a, label)), [leaf64(_array(data, (c,)))]


@case("CrossEntropyBackward")
def cross_entropy_backward_twice(data):
    loss, x, reduction = _ce_problem(data)
    seed = leaf64(_array(data, tuple(x.shape[:1]) if reduction == "none" else ()))
    return _gradient_of(loss), [x, seed]


@case("LogSoftmax", "NLLPerElement", label="cross_entropy_label_smoothing_and_spatial")
def cross_entropy_smoothed_spatial(data):
    n, c, d = data.draw(sides), data.draw(st.integers(2, 4)), data.draw(sides)
    options = _ce_options(data, c)
    labels = _labels(data, n, c, (n, d), ignore_index=options["ignore_index"])
    smoothing = data.draw(st.sampled_from([0.0, 0.2]))
    x = leaf64(_array(data, (n, c, d)))
    return (lambda a: F.cross_entropy(a, labels, label_smoothing=smoothing, **options)), [x]


@case("LogSoftmax", label="cross_entropy_probability_targets")
def cross_entropy_probabilities(data):
    n, c = data.draw(sides), data.draw(st.integers(2, 5))
    x, t = leaf64(_array(data, (n, c))), leaf64(_array(data, (n, c), 0.05, 1.0))
    return (lambda a, p: F.cross_entropy(a, p, label_smoothing=0.1)), [x, t]


@case("NLLPerElement")
def nll_loss(data):
    n, c = data.draw(sides), data.draw(st.integers(2, 5))
    options = _ce_options(data, c)
    labels = _labels(data, n, c, ignore_index=options["ignore_index"])
    logp = leaf64(_array(data, (n, c), -3.0, -0.1))
    return (lambda a: F.nll_loss(a, labels, **options) * a.sum()), [logp]


# ----------------------------------------------------------------------------- other losses


@case("MSELoss")
def mse_loss(data):
    shape = _shape(data)
    reduction = data.draw(st.sampled_from(["mean", "sum", "none"]))
    a, b = leaf64(_array(data, shape)), leaf64(_array(data, shape))
    return (lambda x, y: F.mse_loss(x, y, reduction=reduction)), [a, b]


@case("BinaryCrossEntropy")
def binary_cross_entropy(data):
    shape = _shape(data)
    p, y = leaf64(_array(data, shape, 0.05, 0.95)), leaf64(_array(data, shape, 0.0, 1.0))
    w = ts.tensor(_array(data, shape[-1:], 0.5, 2.0))
    return (lambda a, b: F.binary_cross_entropy(a, b, weight=w)), [p, y]


@case("BinaryCrossEntropyBackward")
def binary_cross_entropy_backward_twice(data):
    shape = _shape(data)
    p, y = leaf64(_array(data, shape, 0.05, 0.95)), leaf64(_array(data, shape, 0.0, 1.0))
    fn = _gradient_of(lambda a, b: F.binary_cross_entropy(a, b, reduction="sum"))
    return fn, [p, y, leaf64(np.array(data.draw(st.floats(0.5, 2.0))))]


def test_binary_cross_entropy_second_derivative_at_a_saturated_probability_is_pytorchs():
    """At p = 0 with y = 0 and p = 1 with y = 1 (a sigmoid saturated in float) PyTorch's
    second derivative (p**2 - 2 p y + y) / ((p + eps)**2 (1 - p + eps)**2) is 0, where
    differentiating the clamped first derivative gave 1 / eps = 1e12 (found by the
    side-by-side case bce_at_0_and_1); inside (0, 1) it is 1 / p**2 or 1 / (1 - p)**2."""
    p = leaf64(np.array([0.0, 1.0, 0.5, 0.25]))
    y = ts.tensor(np.array([0.0, 1.0, 1.0, 0.0]))
    (g,) = autograd_grad(F.binary_cross_entropy(p, y, reduction="sum"), [p], create_graph=True)
    (h,) = autograd_grad(g.sum(), [p])
    np.testing.assert_allclose(g.detach().numpy(), [0.0, 0.0, -2.0, 1 / 0.75], rtol=1e-10)
    np.testing.assert_allclose(h.numpy(), [0.0, 0.0, 4.0, 1 / 0.75**2], rtol=1e-10)


@case("BinaryCrossEntropyWithLogits")
def binary_cross_entropy_with_logits(data):
    shape = _shape(data)
    x, y = leaf64(_array(data, shape, -3.0, 3.0)), leaf64(_array(data, shape, 0.0, 1.0))
    if data.draw(st.booleans()):
        pos_weight = leaf64(_array(data, shape[-1:], 0.5, 2.0))
        fn = lambda a, b, pw: F.binary_cross_entropy_with_logits(a, b, pos_weight=pw)  # noqa: E731
        return fn, [x, y, pos_weight]
    return (lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction="sum")), [x, y]


def _off_beta(d, beta):
    """Differences moved off |d| == beta (the seam of smooth L1 / Huber)."""
    return np.where(np.abs(np.abs(d) - beta) < 0.1, d * 1.5 + np.sign(d) * 0.2, d)


@case("SmoothL1")
def smooth_l1_and_huber(data):
    shape = _shape(data)
    beta = data.draw(st.sampled_from([0.5, 1.0]))
    a, b = _array(data, shape), _array(data, shape)
    b = a - off_kinks(_off_beta(a - b, beta))
    if data.draw(st.booleans()):
        fn = lambda x, y: F.smooth_l1_loss(x, y, beta=beta) * x.sum()  # noqa: E731
    else:
        fn = lambda x, y: F.huber_loss(x, y, reduction="sum", delta=beta) * y.sum()  # noqa: E731
    return fn, [leaf64(a), leaf64(b)]


@case("KLDivPointwise")
def kl_div(data):
    shape = _shape(data)
    log_target = data.draw(st.booleans())
    x = leaf64(_array(data, shape, -3.0, -0.1))
    t = leaf64(_array(data, shape, -2.0, 0.0) if log_target else _array(data, shape, 0.1, 1.0))
    return (lambda a, b: F.kl_div(a, b, reduction="batchmean", log_target=log_target)), [x, t]


# ----------------------------------------------------------------------------- normalisation


def _spread(data, shape, axis):
    """Values in [-0.3, 0.3] plus 0, 1, 2, ... along ``axis``: neighbours there differ by
    at least 0.4, so every group normalised over that axis has a variance well above 0."""
    steps = np.arange(shape[axis]).reshape((-1,) + (1,) * (len(shape) - 1 - axis % len(shape)))
    return _array(data, shape, -0.3, 0.3) + steps


@case("Standardize", label="layer_norm")
def layer_norm(data):
    shape = _shape(data, 1, 2) + (data.draw(st.integers(2, 4)),)
    normalized = shape[-data.draw(st.integers(1, len(shape) - 1)) :]
    x = leaf64(_spread(data, shape, -1))
    w, b = leaf64(_array(data, normalized)), leaf64(_array(data, normalized))
    return (lambda a, g, h: F.layer_norm(a, normalized, g, h)), [x, w, b]


@case("Standardize", label="batch_norm_training")
def batch_norm_training(data):
    n, c, d = data.draw(st.integers(2, 4)), data.draw(sides), data.draw(sides)
    x = leaf64(_spread(data, (n, c, d), 0))
    w, b = leaf64(_array(data, (c,))), leaf64(_array(data, (c,)))
    return (lambda a, g, h: F.batch_norm(a, None, None, g, h, training=True)), [x, w, b]


@case(label="batch_norm_eval")
def batch_norm_eval(data):
    n, c = data.draw(sides), data.draw(sides)
    x, w, b = leaf64(_array(data, (n, c))), leaf64(_array(data, (c,))), leaf64(_array(data, (c,)))
    mean, var = ts.tensor(_array(data, (c,))), ts.tensor(_array(data, (c,), 0.5, 2.0))
    return (lambda a, g, h: F.batch_norm(a * a, mean, var, g, h, training=False)), [x, w, b]


@case("Standardize", label="group_norm")
def group_norm(data):
    n, groups, per, d = data.draw(sides), data.draw(st.integers(1, 2)), data.draw(sides), 2
    x = leaf64(_spread(data, (n, groups * per, d), -1))
    return (lambda a: F.group_norm(a, groups)), [x]


@case("VectorNorm")
def vector_norm(data):
    shape = _shape(data)
    p = data.draw(st.sampled_from([1.0, 2.0, 3.0, float("inf")]))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    keepdim = data.draw(st.booleans())
    x = off_kinks(_array(data, shape))
    x = np.sign(x) * distinct(np.abs(x))  # no two magnitudes tie (the max for p = inf)
    return (lambda a: a.norm(p=p, dim=dim, keepdim=keepdim) * a.sum()), [leaf64(x)]


@case("VectorNorm", "ClampMin", label="normalize")
def normalize(data):
    n, c = data.draw(sides), data.draw(sides)
    x = _array(data, (n, c))
    norms = np.sqrt((x * x).sum(axis=1, keepdims=True))
    x = np.where(np.abs(norms - 0.5) < 0.1, x * 2.0, x)  # rows off the clamp at eps = 0.5
    if data.draw(st.booleans()):
        x[0] = 0.0  # a zero row: inside the clamp, x / eps, no 0 / 0
    return (lambda a: F.normalize(a, dim=1, eps=0.5) * a), [leaf64(x)]


@case("ConstantPad")
def constant_pad(data):
    shape = _shape(data, 1, 3)
    k = data.draw(st.integers(1, len(shape)))
    pad = []
    for n in reversed(shape[-k:]):  # F.pad: last dim first; crops keep at least one
        crop = -((n - 1) // 2)
        pad += [data.draw(st.integers(crop, 2)), data.draw(st.integers(crop, 2))]
    value = data.draw(st.sampled_from([0.0, 1.5]))
    return (lambda a: F.pad(a, tuple(pad), value=value) ** 2), [leaf64(_array(data, shape))]


def _embedding_setup(data):
    rows, dim = data.draw(st.integers(2, 5)), data.draw(sides)
    idx_shape = _shape(data, 1, 2)
    indices = ts.tensor(
        np.array(
            data.draw(
                st.lists(
                    st.integers(0, rows - 1),
                    min_size=int(np.prod(idx_shape)),
                    max_size=int(np.prod(idx_shape)),
                )
            )
        ).reshape(idx_shape)
    )
    padding_idx = data.draw(st.sampled_from([None, 0]))
    return rows, dim, indices, padding_idx


@case("EmbeddingLookup")
def embedding(data):
    rows, dim, indices, padding_idx = _embedding_setup(data)
    weight = leaf64(_array(data, (rows, dim)))
    return (lambda w: F.embedding(indices, w, padding_idx=padding_idx) ** 2), [weight]


@case("EmbeddingBackward")
def embedding_backward_twice(data):
    rows, dim, indices, padding_idx = _embedding_setup(data)
    weight = leaf64(_array(data, (rows, dim)))
    seed = leaf64(_array(data, tuple(indices.shape) + (dim,)))
    lookup = lambda w: F.embedding(indices, w, padding_idx=padding_idx) ** 2  # noqa: E731
    return _gradient_of(lookup), [weight, seed]


@case(label="dropout_with_a_fixed_mask")
def dropout(data):
    shape = _shape(data)

    def fn(a):
        ts.manual_seed(0)  # the same mask on every call gradgradcheck makes
        return F.dropout(a * a, p=0.3, training=True)

    return fn, [leaf64(_array(data, shape))]


test_second_derivative = REGISTRY.test()


test_create_graph_gradient_equals_the_plain_one = REGISTRY.test_equal_plain()


# ----------------------------------------------------------------------------- by hand


def test_cross_entropy_hessian_is_diag_p_minus_p_p_transposed_over_n():
    # mean CE over N rows: d2 loss / dx_i dx_i = (diag(p_i) - p_i p_i^T) / N, rows apart 0
    x = ts.tensor([[0.5, -1.0, 2.0], [0.0, 0.3, -0.2]], dtype=ts.float64, requires_grad=True)
    labels = ts.tensor([2, 0])
    (g,) = autograd_grad(F.cross_entropy(x, labels), x, create_graph=True)
    hessian = np.stack(
        [
            autograd_grad(g.reshape(-1)[k], x, retain_graph=True)[0].array.reshape(-1)
            for k in range(6)
        ]
    )
    p = np.exp(x.array) / np.exp(x.array).sum(axis=1, keepdims=True)
    expected = np.zeros((6, 6))
    for i in range(2):
        block = (np.diag(p[i]) - np.outer(p[i], p[i])) / 2
        expected[3 * i : 3 * i + 3, 3 * i : 3 * i + 3] = block
    np.testing.assert_allclose(hessian, expected, atol=1e-12)


def test_relu_second_derivative_is_zero_and_its_gradient_keeps_a_graph():
    x = ts.tensor([-1.0, 0.5, 2.0], dtype=ts.float64, requires_grad=True)
    (g,) = autograd_grad((x.relu() ** 2).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.array, [0.0, 1.0, 4.0])
    assert g.grad_fn is not None
    (h,) = autograd_grad(g.sum(), x)
    np.testing.assert_allclose(h.array, [0.0, 2.0, 2.0])  # d2 relu(x)^2 = 2 where x > 0


def test_layer_norm_hessian_vector_product_matches_central_differences_of_the_gradient():
    rng = np.random.default_rng(3)
    x0, v = rng.standard_normal((2, 5)), rng.standard_normal((2, 5))
    w = ts.tensor(rng.standard_normal(5), dtype=ts.float64)

    def loss(a):
        return (F.layer_norm(a, (5,)) * w).pow(3).sum()

    def gradient(array):
        a = ts.tensor(array, requires_grad=True)
        return autograd_grad(loss(a), a)[0].array

    x = ts.tensor(x0, requires_grad=True)
    (g,) = autograd_grad(loss(x), x, create_graph=True)
    (hv,) = autograd_grad((g * ts.tensor(v)).sum(), x)
    eps = 1e-6
    numeric = (gradient(x0 + eps * v) - gradient(x0 - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hv.array, numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("floor", ["fast", "loops"])
def test_a_plain_backward_runs_the_fused_kernel_and_builds_no_graph(floor, monkeypatch):
    previous = kernels.active().NAME
    kernels.set_kernels(floor)
    try:
        module = kernels.active()
        calls = {"forward": 0, "backward": 0}
        for name in calls:
            real = getattr(module, f"cross_entropy_{name}")

            def counted(*args, real=real, name=name):
                calls[name] += 1
                return real(*args)

            monkeypatch.setattr(module, f"cross_entropy_{name}", counted)
        x = ts.tensor([[0.5, -1.0, 2.0], [0.0, 0.3, -0.2]], requires_grad=True)
        F.cross_entropy(x, ts.tensor([2, 0])).backward()
        assert calls == {"forward": 1, "backward": 1}  # no second forward for the rows
        assert x.grad.grad_fn is None and not x.grad.requires_grad
    finally:
        kernels.set_kernels(previous)


@pytest.mark.parametrize("floor", ["fast", "loops"])
def test_cross_entropy_backward_twice_with_retain_graph_adds_up(floor):
    # the fused rows are handed to logits.grad, not shared: a second backward adds the
    # same gradient again
    previous = kernels.active().NAME
    kernels.set_kernels(floor)
    try:
        x = ts.tensor([[0.5, -1.0, 2.0], [0.0, 0.3, -0.2]], requires_grad=True)
        loss = F.cross_entropy(x, ts.tensor([2, 0]))
        loss.backward(retain_graph=True)
        once = x.grad.array.copy()
        loss.backward(retain_graph=True)
        np.testing.assert_allclose(x.grad.array, 2 * once, rtol=1e-6)
        (again,) = autograd_grad(loss, x, create_graph=True)  # recomputed from the logits
        np.testing.assert_allclose(again.array, once, rtol=1e-6)
        assert again.grad_fn is not None
    finally:
        kernels.set_kernels(previous)


@pytest.mark.parametrize(
    "fn",
    [
        lambda a: a.relu(),
        lambda a: F.softmax(a, 1),
        lambda a: F.log_softmax(a, 0),
        lambda a: F.layer_norm(a, (3,)),
        lambda a: F.cross_entropy(a, ts.tensor([1, 0])),
        lambda a: F.gelu(a),
    ],
)
def test_first_order_gradients_carry_no_graph(fn):
    x = ts.tensor([[0.5, -1.0, 2.0], [0.0, 0.3, -0.2]], requires_grad=True)
    out = fn(x)
    out.backward(ts.ones_like(out))
    assert x.grad.grad_fn is None and not x.grad.requires_grad


def test_softmax_of_a_zero_dim_tensor_has_zero_second_derivative():
    x = ts.tensor(0.7, dtype=ts.float64, requires_grad=True)
    assert gradgradcheck(lambda a: F.softmax(a, 0) * a, [x])


def test_relu_gradient_differentiated_through_its_mask_input_only():
    # the seed needs no gradient, so ReluBackward saves nothing; differentiating its result
    # again reaches only y = relu(a), whose gradient through the mask is zero
    x = ts.tensor([1.0, -2.0, 3.0], requires_grad=True)
    (g,) = ts.autograd.grad(ts.relu(x * x).sum(), x, create_graph=True)
    (g * g).sum().backward()
    np.testing.assert_allclose(x.grad.array, 8 * x.array)  # g = 2x, so d(g.g)/dx = 8x


def test_second_derivative_of_a_relu_network_in_its_input_is_zeros():
    """A ReLU network is piecewise linear in its input: PyTorch's threshold_backward
    still takes the input, so grad(grad(f, x).sum(), x) is zeros; ours said x was not
    used in the graph (ReluBackward gave y no gradient; found comparing with PyTorch)."""
    ts.manual_seed(0)
    model = ts.nn.Sequential(ts.nn.Linear(3, 4), ts.nn.ReLU(), ts.nn.Linear(4, 1))
    x = ts.randn(5, 3, requires_grad=True)
    (g,) = autograd_grad(model(x).sum(), [x], create_graph=True)
    (h,) = autograd_grad(g.sum(), [x])
    np.testing.assert_array_equal(h.numpy(), np.zeros((5, 3)))


@pytest.mark.parametrize("alpha", [-0.5, 0.5, 2.0])
def test_elu_second_derivative_is_alpha_exp_below_zero_and_zero_from_zero_on(alpha):
    """PyTorch's elu_double_backward (checked with PyTorch 2.13): a negative alpha too."""
    x = leaf64([-1.0, -0.0, 0.0, 1.0])
    (g,) = autograd_grad(F.elu(x, alpha=alpha).sum(), [x], create_graph=True)
    (h,) = autograd_grad(g.sum(), [x])
    np.testing.assert_allclose(g.detach().numpy(), [alpha * np.exp(-1.0), alpha, alpha, 1.0])
    np.testing.assert_allclose(h.numpy(), [alpha * np.exp(-1.0), 0.0, 0.0, 0.0])
